// SPDX-License-Identifier: GPL-2.0

//! The PCI set-up a driver's probe needs before its own code runs (enabling the device, its DMA
//! mask, one interrupt vector), a handler on that vector, and, for its unbind, ending bus
//! mastering: [`Adapter`], a `pci::Driver` wrapping a driver written against [`Driver`].
//!
//! C headers: [`include/linux/pci.h`](srctree/include/linux/pci.h),
//! [`include/linux/dma-mapping.h`](srctree/include/linux/dma-mapping.h),
//! [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h).
//!
//! The 7.3 kernel crate has a piece of each, but not in a form a driver can use without `unsafe`
//! or without leaving state behind at unbind:
//!
//! - `pci::Device::enable_device_mem()` is never undone: the device stays enabled, and a bus
//!   master, after the driver unbinds, and each bind raises its enable count again. [`Adapter`]
//!   registers the matching `pci_disable_device()` with the devres core, which also ends bus
//!   mastering. (`pcim_enable_device()` would do the same, but it switches the device's MSI
//!   vectors to the legacy implicitly managed mode, which would free them a second time.) That
//!   comes after the driver's other devres resources are released, its DMA memory among them:
//!   [`clear_master`] ends bus mastering in the driver's unbind, before that memory is freed.
//! - `dma::Device::dma_set_mask_and_coherent()` is `unsafe`: the mask must not change while the
//!   device allocates or maps DMA memory. [`Adapter`] sets [`Driver::DMA_MASK`] before the
//!   driver's probe runs; see "Soundness" below.
//! - `irq::Registration::new()` is `unsafe` (the registration must never be leaked), and the
//!   vectors of `pci::Device::alloc_irq_vectors()` are borrowed by the request made from them,
//!   so a driver cannot keep both in its private data. [`Adapter`] allocates one vector of
//!   [`Driver::vector`]'s types before the driver's probe, and requests the handler
//!   [`Driver::probe`] returns on it before the driver's private data is initialised; the
//!   driver gets nothing it could leak.
//!
//! # Examples
//!
//! A driver for QEMU's `edu` device that only binds: by the time its `probe` runs, the device is
//! enabled, its DMA mask is set and one interrupt vector is allocated; its handler is requested
//! when `probe` returns, and freed at unbind. A module registers it with
//! `kernel::module_pci_driver!`, naming `pci_setup::Adapter<Edu>` as its `type`.
//!
//! ```
//! use crate::{
//!     compat,
//!     pci_setup::{
//!         self,
//!         Vector,
//!         VectorKind, //
//!     },
//! };
//! use kernel::{
//!     device::Core,
//!     dma::DmaMask,
//!     irq::IrqReturn,
//!     pci,
//!     prelude::*, //
//! };
//!
//! struct Irq(VectorKind);
//!
//! impl pci_setup::InterruptHandler for Irq {
//!     fn handle(&self) -> IrqReturn {
//!         match self.0 {
//!             // An MSI is the device's own.
//!             VectorKind::Msi => IrqReturn::Handled,
//!             // A shared pin: this driver never makes its device interrupt, so it was another's.
//!             VectorKind::Intx => IrqReturn::None,
//!         }
//!     }
//! }
//!
//! struct Edu;
//!
//! compat::device_table!(
//!     pci,
//!     PCI_TABLE,
//!     <Edu as pci_setup::Driver>::IdInfo,
//!     [(pci_setup::device_id(0x1234, 0x11e8), ())]
//! );
//!
//! impl pci_setup::Driver for Edu {
//!     type IdInfo = ();
//!     type Data<'bound> = ();
//!     type Handler = Irq;
//!
//!     const ID_TABLE: pci::IdTable<()> = &PCI_TABLE;
//!     const DMA_MASK: DmaMask = DmaMask::new::<28>();
//!     const IRQ_NAME: &'static CStr = c"edu";
//!
//!     fn vector() -> Vector {
//!         Vector::MsiOrIntx
//!     }
//!
//!     fn probe<'bound>(
//!         pdev: &'bound pci::Device<Core<'_>>,
//!         _id_info: Option<&'bound ()>,
//!         kind: VectorKind,
//!     ) -> Result<(Irq, impl PinInit<(), Error> + 'bound)> {
//!         dev_info!(pdev, "bound, with an {kind:?} vector\n");
//!         Ok((Irq(kind), Ok::<_, Error>(())))
//!     }
//! }
//! ```
//!
//! # Soundness
//!
//! Premises about the kernel crate and C name their source, checked against 7.3.4.
//!
//! - The DMA mask. `dma::Device::dma_set_mask_and_coherent()` (`rust/kernel/dma.rs`) must not
//!   run concurrently with a DMA allocation or mapping for the device. Every such primitive of
//!   `kernel::dma` takes a `&device::Device<Bound>` (`rust/kernel/dma.rs`, `Coherent::zeroed*`
//!   and the rest), and a `&Device<Bound>` exists only while its device is bound
//!   (`rust/kernel/device.rs`, the `Bound` documentation). [`Adapter`] sets the mask first in
//!   its probe, before any code of the driver's runs for this binding. The PCI bus calls probe
//!   with the device lock held and the device bound to no other driver (`drivers/base/dd.c`,
//!   `__driver_attach()`/`__device_attach()` take `device_lock()`; `really_probe()` refuses a
//!   device whose devres list is not empty, "Resources present before probing"); an earlier
//!   binding's private data and devres resources were released before it ended
//!   (`device_unbind_cleanup()`: `post_unbind_rust`, then `devres_release_all()`), so whatever
//!   that binding registered which could hand out the device bound (an auxiliary child,
//!   `auxiliary::Device<Bound>::parent()`; a scoped timer, `ScopedHrTimerPointer::start_scoped()`
//!   in `rust/kernel/time/hrtimer.rs`, which returns only once its timer stopped) is gone. So
//!   when [`Adapter`] sets the mask, the only code holding this device bound is the probe call
//!   setting it. Afterwards nothing changes the mask again: [`set_dma_mask`] is `unsafe`, and
//!   [`Adapter`] is its only caller.
//! - [`Adapter`]'s enabling and interrupt vector are registered with the devres core, which
//!   releases them exactly once, in reverse order, after the driver's private data is dropped
//!   (`device_unbind_cleanup()` in `drivers/base/dd.c`) and before the driver's module can be
//!   unloaded (a module cannot be removed while its driver is bound). The vector, allocated
//!   before any resource of the driver's, is freed after all of them and before the device is
//!   disabled.
//! - The handler is owned by [`Adapter`]'s private data, as its first field: it is freed
//!   (`free_irq()`, which waits for a running handler) after the driver's unbind, before the
//!   driver's private data is dropped, and before its module can go away. Its data is
//!   `'static`, so it borrows nothing the driver's private data could take with it.
//! - The vector against `pci::Device::alloc_irq_vectors()` (`rust/kernel/pci/irq.rs`), whose
//!   `IrqVectorRegistration` frees, when dropped, every MSI and MSI-X vector of the device
//!   (`pci_free_irq_vectors()` in `drivers/pci/msi/api.c`: `pci_disable_msix()`,
//!   `pci_disable_msi()`), ours too. Ours is allocated before the driver's code runs, and
//!   refused (`EBUSY`) if the device has MSI or MSI-X vectors already (from a registration an
//!   earlier binding leaked): so the driver's registrations are all made after ours, and what
//!   our free frees is only ours. A registration of the driver's made later can free ours:
//!   - dropped within the driver's probe (before [`Driver::probe`] returns): the handler is not
//!     requested yet, and [`Adapter`] checks that the vector is still the one it allocated
//!     before requesting it, refusing the binding with `EBUSY` and an error naming the cause;
//!   - kept in the driver's private data: dropped after our handler is freed (first field), so
//!     the vector it takes with it has no handler any more.
//!
//!   7.2's `alloc_irq_vectors()` (`rust/kernel/pci/irq.rs` of 7.2.13) returns no registration:
//!   it leaves the vectors to the devres core, which frees them at unbind, after our handler
//!   (probe `rkm_pci_irq_vector_registration`, `compat::IrqVectors`), so neither case arises.
//!
//!   What stays open is a gap of the 7.3 kernel crate itself, which has it between two of its
//!   own registrations (`alloc_irq_vectors()` can be called again while an `irq::Registration`
//!   borrows an earlier `IrqVectorRegistration`): driver code that has the device bound while
//!   our handler is requested (its private data's initialiser, its unbind, what it runs
//!   concurrently with a `&Device<Bound>`) can allocate INTx vectors and drop them, freeing our
//!   MSI under its handler; nothing out of tree can see or stop that. Allocating MSI or MSI-X
//!   vectors there fails instead, with `WARN_ON_ONCE(dev->msi_enabled)` for MSI
//!   (`__pci_enable_msi_range()` in `drivers/pci/msi/msi.c`) and an error for MSI-X
//!   (`__pci_enable_msix_range()`). Should our MSI be gone when the handler is freed, the
//!   interrupt with its action went with it, and the handler is not freed a second time (an
//!   error is logged instead of `free_irq()`'s "Trying to free already-free IRQ").

use core::marker::{
    PhantomData,
    PhantomPinned, //
};

use kernel::{
    bindings,
    device::Core,
    devres,
    dma::{
        Device as _,
        DmaMask, //
    },
    irq,
    pci,
    prelude::*,
    sync::aref::ARef, //
};
use pin_init::pin_init_scope;

/// The `struct pci_dev` behind a [`pci::Device`] (`rust/kernel/pci.rs`, whose `as_raw()` is
/// private).
fn raw<Ctx: kernel::device::DeviceContext>(pdev: &pci::Device<Ctx>) -> *mut bindings::pci_dev {
    // CAST: `pci::Device<Ctx>` is `#[repr(transparent)]` over `Opaque<bindings::pci_dev>` (and a
    // zero-sized marker).
    core::ptr::from_ref(pdev)
        .cast_mut()
        .cast::<bindings::pci_dev>()
}

/// `PCI_DEVICE(vendor, device)`, also for a vendor without a [`pci::Vendor`] constant.
///
/// The kernel crate's vendors come from `include/linux/pci_ids.h`, which lists only the vendors
/// of in-tree drivers; QEMU's own 0x1234 (its emulated devices' vendor) is not one of them.
pub(crate) const fn device_id(vendor: u16, device: u16) -> pci::DeviceId {
    const ANY: u32 = !0;
    let id = bindings::pci_device_id {
        vendor: vendor as u32,
        device: device as u32,
        subvendor: ANY,
        subdevice: ANY,
        class: 0,
        class_mask: 0,
        driver_data: 0,
        override_only: 0,
    };
    // SAFETY: `pci::DeviceId` is `#[repr(transparent)]` over `bindings::pci_device_id` (its
    // `RawDeviceId` implementation promises so), with no invariant beyond it: every value of the
    // C struct is a valid `DeviceId`, as `DeviceId::from_id()` builds it for any vendor constant.
    unsafe { core::mem::transmute::<bindings::pci_device_id, pci::DeviceId>(id) }
}

/// Disables the device when dropped: registered with the devres core by [`enable`].
///
/// # Invariants
///
/// `pdev` was enabled by `pci_enable_device_mem()` for this value, and is disabled only by its
/// [`Drop`].
struct Enabled {
    pdev: ARef<pci::Device>,
}

impl Drop for Enabled {
    fn drop(&mut self) {
        // SAFETY: `self.pdev` is a valid PCI device, enabled for this value (type invariants).
        unsafe { bindings::pci_disable_device(raw(&self.pdev)) };
    }
}

/// Enables the device's memory space and bus mastering (for DMA), until it is unbound.
///
/// # Errors
///
/// Whatever `pci_enable_device_mem()` returns, or `ENOMEM` if the undo cannot be registered (the
/// device is then disabled again).
fn enable(pdev: &pci::Device<Core<'_>>) -> Result {
    pdev.enable_device_mem()?;
    // INVARIANT: Enabled just above; from here on only the devres core drops the value.
    devres::register(
        pdev.as_ref(),
        Enabled {
            pdev: ARef::from(&**pdev),
        },
        GFP_KERNEL,
    )?;
    pdev.set_master();
    Ok(())
}

/// Ends the device's bus mastering, so that it can no longer reach memory by DMA (nor signal
/// an MSI, a memory write too): for the driver's unbind, once its device is idle or given up on,
/// before the devres core frees its DMA memory.
pub(crate) fn clear_master(pdev: &pci::Device<Core<'_>>) {
    // SAFETY: `pdev` is a valid PCI device; the bus callback holding `Core` holds its lock.
    unsafe { bindings::pci_clear_master(raw(pdev)) };
}

/// Sets the device's streaming and coherent DMA masks.
///
/// # Safety
///
/// No DMA allocation or mapping for `pdev` may run concurrently (the requirement of
/// `dma::Device::dma_set_mask_and_coherent()`): [`Adapter`] calls it before the driver's probe,
/// see "Soundness" in the module documentation.
///
/// # Errors
///
/// `EIO` if the platform cannot address the device with `mask`.
pub(crate) unsafe fn set_dma_mask(pdev: &pci::Device<Core<'_>>, mask: DmaMask) -> Result {
    // SAFETY: The caller promises that no DMA allocation or mapping runs concurrently.
    unsafe { pdev.dma_set_mask_and_coherent(mask) }
}

/// The interrupt types [`Adapter`] tries, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vector {
    /// Message signalled, with INTx if the device or platform has no MSI.
    MsiOrIntx,
    /// The legacy pin only, shared with other devices.
    Intx,
}

/// The interrupt type the PCI core chose for a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VectorKind {
    /// A message signalled interrupt, the device's own.
    Msi,
    /// The legacy INTx pin, possibly shared with other devices.
    Intx,
}

/// Whether the device has MSI vectors.
fn has_msi_vectors<Ctx: kernel::device::DeviceContext>(pdev: &pci::Device<Ctx>) -> bool {
    // SAFETY: `pdev` is a valid PCI device. The raw accessor reads the bit through the pointer,
    // without a reference to the whole `struct pci_dev`, whose other fields the kernel may change
    // meanwhile.
    unsafe { bindings::pci_dev::msi_enabled_raw(raw(pdev)) != 0 }
}

/// Whether the device has MSI or MSI-X vectors.
fn has_msi(pdev: &pci::Device<Core<'_>>) -> bool {
    // SAFETY: As in `has_msi_vectors()`. The bus callback holding `Core` holds the device lock,
    // under which the PCI core changes these bits.
    has_msi_vectors(pdev) || unsafe { bindings::pci_dev::msix_enabled_raw(raw(pdev)) != 0 }
}

/// The type of the vectors allocated for the device, which has some.
///
/// Probe `rkm_pci_irq_type`: 7.3 has `pci_irq_type()`; 7.2 has not, and this reads the bits it
/// reads (`include/linux/pci.h`), MSI-X first: `allocate` never asks for MSI-X, so that is
/// INTx here as there.
fn vector_kind(pdev: &pci::Device<Core<'_>>) -> VectorKind {
    #[cfg(rkm_pci_irq_type)]
    {
        // SAFETY: `pdev` is valid and has its vectors allocated.
        match unsafe { bindings::pci_irq_type(raw(pdev)) } {
            bindings::PCI_IRQ_MSI => VectorKind::Msi,
            _ => VectorKind::Intx,
        }
    }
    #[cfg(not(rkm_pci_irq_type))]
    {
        // SAFETY: `pdev` is a valid PCI device; the bus callback holding `Core` holds its lock,
        // under which the PCI core changes these bits.
        let (msix, msi) = unsafe { ((*raw(pdev)).msix_enabled(), (*raw(pdev)).msi_enabled()) };
        if msix == 0 && msi != 0 {
            VectorKind::Msi
        } else {
            VectorKind::Intx
        }
    }
}

/// The device's interrupt vectors (freed when this is dropped): registered with the devres
/// core by [`allocate`].
///
/// # Invariants
///
/// `pdev` has interrupt vectors allocated by `pci_alloc_irq_vectors()` for this value; if they
/// are MSI vectors, the device had none before.
struct Vectors {
    pdev: ARef<pci::Device>,
}

impl Drop for Vectors {
    fn drop(&mut self) {
        // SAFETY: The vectors were allocated for this value, and the device's MSI vectors, if
        // any, only for it (type invariants); no handler is requested on them any more: the
        // devres core releases this after the driver's private data, whose first field,
        // `BoundDriver::handler`, frees the only one.
        unsafe { bindings::pci_free_irq_vectors(raw(&self.pdev)) };
    }
}

/// The vector [`allocate`] allocated.
#[derive(Clone, Copy)]
struct Allocated {
    irq: u32,
    kind: VectorKind,
}

impl Allocated {
    /// Whether the device's first vector is still this one: a registration of
    /// `pci::Device::alloc_irq_vectors()` dropped since frees every MSI vector of the device,
    /// ours too; one still alive may have enabled MSI over our INTx.
    fn intact(self, pdev: &pci::Device<Core<'_>>) -> bool {
        // SAFETY: `pdev` is a valid PCI device; `pci_irq_vector()` checks the index.
        let irq = unsafe { bindings::pci_irq_vector(raw(pdev), 0) };
        u32::try_from(irq) == Ok(self.irq)
            && match self.kind {
                VectorKind::Msi => has_msi_vectors(pdev),
                VectorKind::Intx => !has_msi(pdev),
            }
    }
}

/// Allocates one interrupt vector of `vector`'s types until the device is unbound.
///
/// # Errors
///
/// - `EBUSY` if the device has MSI or MSI-X vectors already.
/// - Whatever `pci_alloc_irq_vectors()` returns, e.g. `ENOSPC` if the device has no interrupt of
///   those types.
/// - `EINVAL` from `pci_irq_vector()`, or `ENOMEM`; the vector is freed again.
fn allocate(pdev: &pci::Device<Core<'_>>, vector: Vector) -> Result<Allocated> {
    let types = match vector {
        Vector::MsiOrIntx => bindings::PCI_IRQ_MSI | bindings::PCI_IRQ_INTX,
        Vector::Intx => bindings::PCI_IRQ_INTX,
    };
    // Only from a registration an earlier binding leaked: `pci_free_irq_vectors()` would free
    // its vectors too, and `pci_alloc_irq_vectors()` warns for MSI over MSI.
    if has_msi(pdev) {
        dev_err!(
            pdev,
            "the device has MSI vectors already: an earlier binding leaked them\n"
        );
        return Err(EBUSY);
    }
    // SAFETY: `pdev` is a valid, bound PCI device; the function validates the rest.
    let allocated = unsafe { bindings::pci_alloc_irq_vectors(raw(pdev), 1, 1, types) };
    kernel::error::to_result(allocated)?;
    // INVARIANT: Allocated just above, after the check that the device had no MSI vectors.
    let vectors = Vectors {
        pdev: ARef::from(&**pdev),
    };
    let kind = vector_kind(pdev);
    // SAFETY: As above; vector 0 exists because one was allocated.
    let irq = unsafe { bindings::pci_irq_vector(raw(pdev), 0) };
    let irq = u32::try_from(irq).map_err(|_| Error::from_errno(irq))?;
    devres::register(pdev.as_ref(), vectors, GFP_KERNEL)?;
    Ok(Allocated { irq, kind })
}

/// An interrupt handler, called in hard interrupt context with the vector's interrupt.
///
/// The collection's own rather than `kernel::irq::Handler`, whose signature differs between
/// releases (7.2's also gets the bound device) and which [`Adapter`] does not need: it requests
/// the vector itself.
pub(crate) trait InterruptHandler: Sync {
    /// Handles an interrupt: returns [`irq::IrqReturn::None`] if it was not this device's.
    fn handle(&self) -> irq::IrqReturn;
}

/// A handler requested on the vector [`allocate`] allocated.
///
/// # Invariants
///
/// Once initialised, `irq` has a handler requested with a pointer to this value as its cookie,
/// freed only by its `PinnedDrop` implementation.
#[pin_data(PinnedDrop)]
struct VectorHandler<T: InterruptHandler + 'static> {
    pdev: ARef<pci::Device>,
    vector: Allocated,
    #[pin]
    handler: T,
    /// The cookie is this value's address: it must not move.
    #[pin]
    _pin: PhantomPinned,
}

#[pinned_drop]
impl<T: InterruptHandler + 'static> PinnedDrop for VectorHandler<T> {
    fn drop(self: Pin<&mut Self>) {
        if self.vector.kind == VectorKind::Msi && !has_msi_vectors(&self.pdev) {
            // `pci_disable_msi()` freed every MSI interrupt of the device, ours with the action
            // holding this cookie: nothing can call the handler any more, and `free_irq()`
            // would free an interrupt that is gone (or, reused, someone else's).
            dev_err!(
                self.pdev,
                "interrupt {} was freed under its handler: a pci::Device::alloc_irq_vectors() \
                 registration was dropped while it was requested\n",
                self.vector.irq
            );
            return;
        }
        let cookie = core::ptr::from_ref::<Self>(&self)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: `irq` has a handler requested with this cookie (type invariants), on an
        // interrupt still allocated (an INTx one is never freed, an MSI one only with all of the
        // device's, checked above). `free_irq()` waits for a running handler to return, so none
        // can use `self` after this.
        unsafe { bindings::free_irq(self.vector.irq, cookie) };
    }
}

/// # Safety
///
/// Only for `request_irq()` by [`request`], with a pointer to a pinned, initialised
/// `VectorHandler<T>` as `cookie`.
unsafe extern "C" fn handle_vector<T: InterruptHandler + 'static>(
    _irq: c_int,
    cookie: *mut c_void,
) -> bindings::irqreturn_t {
    // SAFETY: The cookie points at a `VectorHandler<T>`, valid until `free_irq()` returns, which
    // does not happen while this handler runs.
    let this = unsafe { &*cookie.cast::<VectorHandler<T>>() };
    irqreturn(this.handler.handle())
}

/// `ret` as C's `irqreturn_t`.
///
/// Probe `rkm_irqreturn_newtype`: 7.3's bindings make `irqreturn_t` a newtype, 7.2's a `c_uint`.
fn irqreturn(ret: irq::IrqReturn) -> bindings::irqreturn_t {
    // CAST: `IrqReturn` is `#[repr(u32)]` with the values of C's `enum irqreturn`.
    #[cfg(rkm_irqreturn_newtype)]
    {
        bindings::irqreturn_t(ret as c_uint)
    }
    #[cfg(not(rkm_irqreturn_newtype))]
    {
        ret as c_uint
    }
}

/// Requests `handler`, called `name` in `/proc/interrupts`, on `vector` of `pdev`.
///
/// # Errors
///
/// Whatever `request_irq()` returns (`EBUSY` for a line taken without sharing).
fn request<T: InterruptHandler + Send + 'static>(
    pdev: ARef<pci::Device>,
    vector: Allocated,
    name: &'static CStr,
    handler: T,
) -> impl PinInit<VectorHandler<T>, Error> {
    // An INTx pin may be shared with other devices; an MSI is the device's own.
    let flags = match vector.kind {
        VectorKind::Msi => 0,
        VectorKind::Intx => bindings::IRQF_SHARED,
    };
    try_pin_init!(&this in VectorHandler {
        pdev,
        vector,
        handler,
        _pin: PhantomPinned,
        _: {
            // SAFETY: `handle_vector::<T>` expects this cookie, which stays valid and pinned
            // until `PinnedDrop` frees the handler; every field is initialised, so the handler
            // may run at once.
            // INVARIANT: On success the handler is requested with this cookie.
            kernel::error::to_result(unsafe {
                bindings::request_irq(
                    vector.irq,
                    Some(handle_vector::<T>),
                    // CAST: The `IRQF_*` flags are 32-bit; `c_ulong` is at least as wide.
                    flags as c_ulong,
                    name.as_char_ptr(),
                    this.as_ptr().cast::<c_void>(),
                )
            })?;
        },
    }? Error)
}

/// A PCI driver whose device [`Adapter`] sets up before its probe: enabled (with bus mastering)
/// until unbind, its DMA mask set, one interrupt vector allocated, with the handler the probe
/// returns requested on it.
///
/// The items of `pci::Driver` (`rust/kernel/pci.rs`), and what the set-up needs.
pub(crate) trait Driver {
    /// The type holding information about each device id supported by the driver.
    type IdInfo: 'static;
    /// The driver's private data for a bound device.
    type Data<'bound>: Send + 'bound;
    /// The interrupt handler.
    ///
    /// It may run as soon as it is requested, and on an INTx vector also for another device's
    /// interrupt: it must return [`irq::IrqReturn::None`] when its device has none pending.
    type Handler: InterruptHandler + Send + 'static;

    /// The table of device ids supported by the driver.
    const ID_TABLE: pci::IdTable<Self::IdInfo>;
    /// The device's DMA addressing width, set before [`Driver::probe`] runs.
    const DMA_MASK: DmaMask;
    /// The handler's name in `/proc/interrupts`.
    const IRQ_NAME: &'static CStr;

    /// The interrupt types to allocate a vector of, called before each probe.
    fn vector() -> Vector;

    /// Sets a bound device up, with its DMA mask set and an interrupt vector of `kind` allocated.
    ///
    /// Returns the handler, which [`Adapter`] requests on the vector, and then the initialiser
    /// of the driver's private data, which runs after that.
    ///
    /// # Errors
    ///
    /// The driver's: the binding is refused.
    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        id_info: Option<&'bound Self::IdInfo>,
        kind: VectorKind,
    ) -> Result<(
        Self::Handler,
        impl PinInit<Self::Data<'bound>, Error> + 'bound,
    )>;

    /// Called when the device is unbound, before the handler is freed.
    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        let _ = (pdev, this);
    }
}

/// The `pci::Driver` of a [`Driver`], to name in `kernel::module_pci_driver!`.
pub(crate) struct Adapter<T: Driver>(PhantomData<T>);

/// [`Adapter`]'s private data: the handler, then the driver's.
#[pin_data]
pub(crate) struct BoundDriver<'bound, T: Driver + 'static> {
    /// First, so dropped first: freed before anything of the driver's, which could take the
    /// vector with it (see "Soundness" in the module documentation).
    #[pin]
    handler: VectorHandler<T::Handler>,
    #[pin]
    data: T::Data<'bound>,
}

impl<T: Driver + 'static> pci::Driver for Adapter<T> {
    type IdInfo = T::IdInfo;
    type Data<'bound> = BoundDriver<'bound, T>;

    const ID_TABLE: pci::IdTable<Self::IdInfo> = T::ID_TABLE;

    // Probe `rkm_pci_probe_id_option`: 7.3's bus passes the id's information if it has some,
    // 7.2's always; the driver gets 7.3's form.
    #[cfg(not(rkm_pci_probe_id_option))]
    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        id_info: &'bound Self::IdInfo,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        Self::set_up(pdev, Some(id_info))
    }

    #[cfg(rkm_pci_probe_id_option)]
    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        Self::set_up(pdev, id_info)
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        // SAFETY: `data` is structurally pinned (`#[pin]`): the reference stays pinned.
        let data = unsafe { this.map_unchecked(|this| &this.data) };
        T::unbind(pdev, data);
    }
}

impl<T: Driver + 'static> Adapter<T> {
    /// [`pci::Driver::probe`]: the set-up, the driver's probe, then the handler's request.
    fn set_up<'bound, 'core>(
        pdev: &'bound pci::Device<Core<'core>>,
        id_info: Option<&'bound T::IdInfo>,
    ) -> impl PinInit<BoundDriver<'bound, T>, Error> + 'bound + use<'bound, 'core, T> {
        pin_init_scope(move || {
            enable(pdev)?;
            // SAFETY: No code of the driver's has run for this binding yet, and nothing of an
            // earlier binding's is left: the only code holding the device bound is this call;
            // see "Soundness" in the module documentation.
            unsafe { set_dma_mask(pdev, T::DMA_MASK) }?;
            let vector = allocate(pdev, T::vector())?;
            let (handler, data) = T::probe(pdev, id_info, vector.kind)?;
            // Before the handler exists: a vector freed now takes no handler with it.
            if !vector.intact(pdev) {
                dev_err!(
                    pdev,
                    "interrupt {} was freed during probe: a pci::Device::alloc_irq_vectors() \
                     registration dropped in probe frees the device's every MSI vector\n",
                    vector.irq
                );
                return Err(EBUSY);
            }
            Ok(try_pin_init!(BoundDriver {
                handler <- request(ARef::from(&**pdev), vector, T::IRQ_NAME, handler),
                data <- data,
            }? Error))
        })
    }
}
