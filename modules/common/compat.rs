// SPDX-License-Identifier: GPL-2.0

//! The kernel-crate APIs in which the supported releases differ, in one form for the collection.
//!
//! Each item selects on a kernel feature, a `cfg` named after the probe that detects it
//! (`scripts/probes/<feature>.rs`, run by `scripts/probes.sh` for every build): the probe builds
//! when the tree has the API of the newest release, and the `cfg(not(..))` branch is the older
//! release's form. `Documentation/kernels.md` lists the probes and the releases that have them.
//!
//! Drivers use these items instead of the kernel crate's; a crate includes this file by
//! `#[path]`, as the other files of `modules/common/`, and uses the parts it needs.
//!
//! # Examples
//!
//! A counter that an interrupt handler increments and process context reads and resets, under a
//! [`SpinLockIrq`] (`kernel::sync::SpinLockIrq` where the kernel crate has one), so that the
//! handler cannot interrupt the reader on its CPU while it holds the lock:
//!
//! ```
//! use crate::compat::{
//!     new_spinlock_irq,
//!     SpinLockIrq, //
//! };
//! use kernel::prelude::*;
//!
//! #[pin_data]
//! struct Events {
//!     #[pin]
//!     count: SpinLockIrq<u64>,
//! }
//!
//! impl Events {
//!     fn new() -> impl PinInit<Self> {
//!         pin_init!(Self {
//!             count <- new_spinlock_irq!(0, "Events::count"),
//!         })
//!     }
//!
//!     /// In the interrupt handler.
//!     fn record(&self) {
//!         let mut count = self.count.lock();
//!         *count = count.wrapping_add(1);
//!     }
//!
//!     /// In process context: the events since the last call.
//!     fn take(&self) -> u64 {
//!         core::mem::take(&mut *self.count.lock())
//!     }
//! }
//! ```
//!
//! [`compat::device_table!`](device_table) is used as the kernel crate's macros are: see
//! `pci_setup.rs`'s example.

#![allow(
    dead_code,
    unused_imports,
    unused_macros,
    reason = "included by every crate that needs a part of it; each uses other parts"
)]

use kernel::{
    bindings,
    dma::{
        Coherent,
        DmaAddress, //
    },
    module_param::ModuleParamAccess,
    prelude::*, //
};

/// This crate's `struct module` (C's `THIS_MODULE`), for the `owner` of the C structures that
/// must pin the module while they are in use.
///
/// Every crate of the collection is one module with the files of `modules/common/` compiled in,
/// so the owner is always this crate's own `__this_module`. (7.3's
/// `kernel::module::this_module::<crate::LocalModule>()` and `#[vtable]`'s `OwnerModule` return
/// the same pointer; 7.2 has neither. This form needs no probe.)
pub(crate) const fn this_module() -> *mut bindings::module {
    #[cfg(MODULE)]
    {
        // The address only: modpost defines `__this_module` for each module, and the module
        // loader initialises it before any code of the module runs.
        &raw mut bindings::__this_module
    }
    #[cfg(not(MODULE))]
    {
        core::ptr::null_mut()
    }
}

/// The value of a module parameter (`module_parameters::<name>` of `module!`).
///
/// Probe `rkm_param_value_copy`: 7.3's `value()` returns the value, 7.2's a reference.
pub(crate) fn param<T: Copy>(param: &ModuleParamAccess<T>) -> T {
    #[cfg(rkm_param_value_copy)]
    {
        param.value()
    }
    #[cfg(not(rkm_param_value_copy))]
    {
        *param.value()
    }
}

/// `kernel::{pci,of,acpi}_device_table!` with 7.3's arguments: `(TABLE, IdInfo, [(id, info),
/// ...])`.
///
/// Probe `rkm_device_table_no_alias`: 7.2's macros also take the name of the table's alias for
/// modpost, `MODULE_<TABLE>` here.
macro_rules! device_table {
    ($bus:ident, $table:ident, $info:ty, $data:expr $(,)?) => {
        #[cfg(rkm_device_table_no_alias)]
        ::kernel::macros::paste! {
            ::kernel::[<$bus _device_table>]!($table, $info, $data);
        }
        #[cfg(not(rkm_device_table_no_alias))]
        ::kernel::macros::paste! {
            ::kernel::[<$bus _device_table>]!($table, [<MODULE_ $table>], $info, $data);
        }
    };
}
pub(crate) use device_table;

/// Where a DMA allocation is on the device's side of the bus.
///
/// Probe `rkm_coherent_dma_address`: 7.2 calls `dma_address()` `dma_handle()`.
pub(crate) fn dma_address(memory: &Coherent<[u8]>) -> DmaAddress {
    #[cfg(rkm_coherent_dma_address)]
    {
        memory.dma_address()
    }
    #[cfg(not(rkm_coherent_dma_address))]
    {
        memory.dma_handle()
    }
}

/// Copies `data` to the start of `memory`.
///
/// Probe `rkm_io_project`: 7.3 copies through `io_project!`; 7.2 has no I/O view of DMA memory,
/// and the copy is done as 7.3's is, by the C `memcpy()`, which the device's accesses may race
/// with (as with any DMA memory, the driver's protocol decides what the bytes mean).
///
/// # Errors
///
/// `ERANGE` if `data` is longer than `memory` (`io_project!`'s error).
pub(crate) fn copy_to_coherent(memory: &Coherent<[u8]>, data: &[u8]) -> Result {
    #[cfg(rkm_io_project)]
    {
        use kernel::io::{
            io_project,
            Io, //
        };
        io_project!(memory, [try: ..data.len()]).copy_from_slice(data);
    }
    #[cfg(not(rkm_io_project))]
    {
        if data.len() > memory.size() {
            return Err(ERANGE);
        }
        // SAFETY: `memory` is valid for writes of `memory.size()` bytes for as long as it lives
        // (`Coherent`'s invariants), and `data`, a shared slice of ordinary memory, for reads of
        // `data.len()` bytes, which is not more; kernel memory and DMA memory do not overlap.
        unsafe {
            bindings::memcpy(
                memory.as_mut_ptr().cast::<c_void>(),
                data.as_ptr().cast::<c_void>(),
                data.len(),
            )
        };
    }
    Ok(())
}

/// Copies the start of `memory` to `out`.
///
/// Probe `rkm_io_project`; see [`copy_to_coherent`].
///
/// # Errors
///
/// `ERANGE` if `out` is longer than `memory` (`io_project!`'s error).
pub(crate) fn copy_from_coherent(memory: &Coherent<[u8]>, out: &mut [u8]) -> Result {
    #[cfg(rkm_io_project)]
    {
        use kernel::io::{
            io_project,
            Io, //
        };
        io_project!(memory, [try: ..out.len()]).copy_to_slice(out);
    }
    #[cfg(not(rkm_io_project))]
    {
        if out.len() > memory.size() {
            return Err(ERANGE);
        }
        // SAFETY: `memory` is valid for reads of `memory.size()` bytes for as long as it lives
        // (`Coherent`'s invariants), and `out`, borrowed exclusively, for writes of `out.len()`
        // bytes, which is not more; any byte value is a valid `u8`, and kernel memory and DMA
        // memory do not overlap.
        unsafe {
            bindings::memcpy(
                out.as_mut_ptr().cast::<c_void>(),
                memory.as_ptr().cast::<c_void>(),
                out.len(),
            )
        };
    }
    Ok(())
}

// Device resources that are revoked at unbind (probe `rkm_devres_lt`): 7.3's types have their
// own names; 7.2's are `Devres` of the mapping, guarded by a `RevocableGuard`. Both are used the
// same way (`into_devres()`, `try_access()`, the guard dereferencing to the mapping).

/// A PCI BAR mapping owned by the devres core: `pci::Bar::into_devres()`.
#[cfg(rkm_devres_lt)]
pub(crate) use kernel::pci::DevresBar;
/// A PCI BAR mapping owned by the devres core: `pci::Bar::into_devres()`.
#[cfg(not(rkm_devres_lt))]
pub(crate) type DevresBar<const SIZE: usize> =
    kernel::devres::Devres<kernel::pci::Bar<'static, SIZE>>;

/// An exclusive MMIO mapping owned by the devres core: `io::mem::ExclusiveIoMem::into_devres()`.
#[cfg(rkm_devres_lt)]
pub(crate) use kernel::io::mem::DevresExclusiveIoMem;
/// An exclusive MMIO mapping owned by the devres core: `io::mem::ExclusiveIoMem::into_devres()`.
#[cfg(not(rkm_devres_lt))]
pub(crate) type DevresExclusiveIoMem<const SIZE: usize> =
    kernel::devres::Devres<kernel::io::mem::ExclusiveIoMem<'static, SIZE>>;

/// Access to a device resource until it is dropped: `try_access()` of the types above.
#[cfg(rkm_devres_lt)]
pub(crate) use kernel::devres::DevresGuard;
/// Access to a device resource until it is dropped: `try_access()` of the types above.
#[cfg(not(rkm_devres_lt))]
pub(crate) type DevresGuard<'a, T> = kernel::revocable::RevocableGuard<'a, T>;

/// The device of a faux registration, bound for as long as the registration lives.
///
/// Probe `rkm_faux_device_bound`: 7.3's `faux::Registration` gives a `faux::Device<Bound>`, 7.2's
/// only a `device::Device`, bound all the same.
pub(crate) fn faux_device(
    registration: &kernel::faux::Registration,
) -> &kernel::device::Device<kernel::device::Bound> {
    #[cfg(rkm_faux_device_bound)]
    {
        let dev: &kernel::faux::Device<kernel::device::Bound> = registration.as_ref();
        dev.as_ref()
    }
    #[cfg(not(rkm_faux_device_bound))]
    {
        let dev: &kernel::device::Device = registration.as_ref();
        // SAFETY: The device is bound from `faux_device_create()`, which returns no device whose
        // probe did not bind it, until `faux_device_destroy()` in the registration's `Drop`: the
        // faux bus matches every device, probes synchronously and refuses unbinding from sysfs
        // (`suppress_bind_attrs`, `drivers/base/faux.c`). The returned reference borrows the
        // registration, so it does not outlive the binding.
        unsafe { dev.as_bound() }
    }
}

/// What `pci::Device::alloc_irq_vectors()` returns: the vectors are freed when it is dropped
/// (7.3), or when the device is unbound (7.2, whose vectors the devres core owns; dropping the
/// range frees nothing).
///
/// Probe `rkm_pci_irq_vector_registration`.
#[cfg(rkm_pci_irq_vector_registration)]
pub(crate) type IrqVectors<'a> = kernel::pci::IrqVectorRegistration<'a>;
/// What `pci::Device::alloc_irq_vectors()` returns: the vectors are freed when it is dropped
/// (7.3), or when the device is unbound (7.2, whose vectors the devres core owns; dropping the
/// range frees nothing).
///
/// Probe `rkm_pci_irq_vector_registration`.
#[cfg(not(rkm_pci_irq_vector_registration))]
pub(crate) type IrqVectors<'a> = core::ops::RangeInclusive<kernel::pci::IrqVector<'a>>;

// An interrupt-safe spinlock (probe `rkm_spinlock_irq`): 7.3's `SpinLockIrq`, or for 7.2, which
// has none, a lock backend over `spin_lock_irqsave()`.

#[cfg(rkm_spinlock_irq)]
pub(crate) use kernel::{
    new_spinlock_irq,
    sync::{
        SpinLockIrq,
        SpinLockIrqGuard, //
    }, //
};

#[cfg(not(rkm_spinlock_irq))]
pub(crate) use irqsave::{
    new_spinlock_irq,
    SpinLockIrq,
    SpinLockIrqGuard, //
};

/// A `spinlock_t` taken with interrupts disabled on the local CPU, `spin_lock_irqsave()`, for
/// data shared with an interrupt handler: 7.2's kernel crate has no such lock.
///
/// It differs from 7.3's `SpinLockIrq` only in nesting: 7.3 counts the interrupt-disabling
/// sections, so guards of two such locks may be dropped in any order; here each guard restores
/// the interrupt state saved when it locked, as in C, so guards must be dropped in the reverse
/// order of locking (the collection never holds two at once).
#[cfg(not(rkm_spinlock_irq))]
mod irqsave {
    use kernel::{
        bindings,
        ffi::{
            c_char,
            c_ulong, //
        },
        sync::lock::{
            Backend,
            Guard,
            Lock, //
        }, //
    };

    // Under PREEMPT_RT a `spinlock_t` is a sleeping lock, not a `raw_spinlock_t`.
    #[cfg(CONFIG_PREEMPT_RT)]
    compile_error!(
        "the 7.2 SpinLockIrq of modules/common/compat.rs needs a kernel without PREEMPT_RT"
    );

    /// A [`Lock`] whose guard keeps interrupts disabled on the local CPU.
    pub(crate) type SpinLockIrq<T> = Lock<T, IrqSaveBackend>;

    /// The guard of a locked [`SpinLockIrq`]: unlocks it, and restores the interrupt state, when
    /// dropped. Like every lock guard it cannot be sent to another thread, so it is dropped on
    /// the CPU whose interrupt state it saved.
    pub(crate) type SpinLockIrqGuard<'a, T> = Guard<'a, T, IrqSaveBackend>;

    /// Creates a [`SpinLockIrq`] initialiser, with a lock class of its own (for lockdep) for
    /// each place it is written, like the kernel crate's `new_spinlock!`.
    macro_rules! new_spinlock_irq {
        ($inner:expr $(, $name:literal)? $(,)?) => {
            $crate::compat::SpinLockIrq::new(
                $inner,
                ::kernel::optional_name!($($name)?),
                ::kernel::static_lock_class!(),
            )
        };
    }
    pub(crate) use new_spinlock_irq;

    /// `spinlock_t` locked by `spin_lock_irqsave()` and unlocked by `spin_unlock_irqrestore()`.
    ///
    /// # Invariants
    ///
    /// `GuardState` is the interrupt state `_raw_spin_lock_irqsave()` saved when the lock was
    /// taken, on the CPU that holds it.
    pub(crate) struct IrqSaveBackend;

    /// The `raw_spinlock_t` a `spinlock_t` wraps (C's `spinlock_check()`, `&lock->rlock`).
    ///
    /// Without PREEMPT_RT (refused above), `struct spinlock` is a union whose first member is its
    /// `struct raw_spinlock rlock` (`include/linux/spinlock_types.h`), so both have one address;
    /// bindgen makes `spinlock_t` opaque, hence the cast.
    fn rlock(ptr: *mut bindings::spinlock_t) -> *mut bindings::raw_spinlock_t {
        ptr.cast::<bindings::raw_spinlock_t>()
    }

    // SAFETY: `spin_lock_irqsave()` gives mutual exclusion between its `lock` and `unlock`, as
    // `spin_lock()` does, and keeps interrupts off on the owner's CPU, so an interrupt handler
    // taking the lock cannot interrupt its owner. `relock` is the default one, which calls
    // `lock` again (and saves the interrupt state anew).
    unsafe impl Backend for IrqSaveBackend {
        type State = bindings::spinlock_t;
        type GuardState = c_ulong;

        unsafe fn init(
            ptr: *mut Self::State,
            name: *const c_char,
            key: *mut bindings::lock_class_key,
        ) {
            // SAFETY: The caller promises that `ptr` is valid for writes, and `name` and `key`
            // valid for reads for ever, which `__spin_lock_init()` needs (it registers `key` as
            // the lock's class with lockdep).
            unsafe { bindings::__spin_lock_init(ptr, name, key) }
        }

        unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
            // SAFETY: The caller promises that `ptr` is an initialised lock; `rlock()` is its
            // `raw_spinlock_t`.
            // INVARIANT: The returned flags are the interrupt state saved on this CPU.
            unsafe { bindings::_raw_spin_lock_irqsave(rlock(ptr)) }
        }

        unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
            // SAFETY: The caller promises that it owns the lock, so it holds it on this CPU (the
            // guard is not `Send`), and `guard_state` is the state saved when it was taken (type
            // invariants).
            unsafe { bindings::_raw_spin_unlock_irqrestore(rlock(ptr), *guard_state) }
        }

        unsafe fn try_lock(_ptr: *mut Self::State) -> Option<Self::GuardState> {
            // `spin_trylock_irqsave()` is a C macro with no exported counterpart; failing to
            // take the lock is a valid answer, and the collection never tries.
            None
        }

        unsafe fn assert_is_held(ptr: *mut Self::State) {
            // SAFETY: The caller promises that `ptr` is an initialised lock.
            unsafe { bindings::spin_assert_is_held(ptr) }
        }
    }
}
