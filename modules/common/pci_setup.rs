// SPDX-License-Identifier: GPL-2.0

//! Device-managed PCI set-up for a driver's probe: enabling the device, its DMA mask, and one
//! interrupt vector with its handler; and, for its unbind, ending bus mastering.
//!
//! C headers: [`include/linux/pci.h`](srctree/include/linux/pci.h),
//! [`include/linux/dma-mapping.h`](srctree/include/linux/dma-mapping.h),
//! [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h).
//!
//! The 7.3 kernel crate has a piece of each, but not in a form a driver can use without `unsafe`
//! or without leaving state behind at unbind:
//!
//! - `pci::Device::enable_device_mem()` is never undone: the device stays enabled, and a bus
//!   master, after the driver unbinds, and each bind raises its enable count again. [`enable`]
//!   registers the matching `pci_disable_device()` with the devres core, which also ends bus
//!   mastering. (`pcim_enable_device()` would do the same, but it switches the device's MSI
//!   vectors to the legacy implicitly managed mode, which would free them a second time.) That
//!   comes after the driver's other devres resources are released, its DMA memory among them:
//!   [`clear_master`] ends bus mastering in the driver's unbind, before that memory is freed.
//! - `dma::Device::dma_set_mask_and_coherent()` is `unsafe`: the mask must not change while the
//!   device allocates or maps DMA memory. [`set_dma_mask`] is safe; see "Soundness" below.
//! - `irq::Registration::new()` is `unsafe` (the registration must never be leaked), and the
//!   vectors of `pci::Device::alloc_irq_vectors()` are borrowed by the request made from them,
//!   so a driver cannot keep both in its private data. [`request_vector`] allocates one vector
//!   and requests it for a `'static` handler, and hands both to the devres core, which releases
//!   them at unbind: the driver gets nothing it could leak. `pci_free_irq_vectors()` frees all
//!   of the device's vectors, so [`request_vector`] refuses a device that has MSI or MSI-X
//!   vectors already (from an earlier call, or `pci::Device::alloc_irq_vectors()`): what it
//!   frees is then only what it allocated.
//!
//! # Soundness
//!
//! - [`enable`] and [`request_vector`] register their undo with the devres core, which runs it
//!   exactly once, when the device is unbound (or probe fails), before the driver's module can be
//!   unloaded: a module cannot be removed while its driver is bound to a device. So the
//!   interrupt handler, whose code is in the module, is freed (`free_irq()`, which waits for a
//!   running handler) before that code goes away, and the handler's data is `'static`: it
//!   borrows nothing the driver's private data could take with it when dropped at unbind.
//! - The devres core releases in the reverse order of registration. The handler, registered
//!   after the mapping and the DMA memory it uses (both devres-managed too, and revocable), is
//!   freed first; and the interrupt vectors, allocated after [`enable`], are freed before the
//!   device is disabled.
//! - [`set_dma_mask`] must not run concurrently with a DMA allocation or mapping for the same
//!   device. Every such primitive of `kernel::dma` takes a `&device::Device<Bound>`, and it takes
//!   `&pci::Device<Core>`, which only a bus callback (probe, unbind) gets, with the device lock
//!   held. A `&Device<Bound>` is a borrow whose lifetime ends with the binding: work items,
//!   timers, threads and interrupt handlers all need `'static` data (or an `unsafe`
//!   constructor), so the one safe way to another thread is a child device's driver:
//!   `auxiliary::Device<Bound>::parent()` hands the auxiliary driver's probe, which may run on
//!   another thread, its parent bound. Registering such a child takes the parent's
//!   `&Device<Bound>`, so by induction a device without children on a bus has none registered
//!   concurrently, and [`set_dma_mask`] refuses a device that has any (children without a bus,
//!   such as the wakeup source device a PCI device has on Debian's kernel, never get a driver,
//!   so no driver's code receives them). Then while a bus callback runs, the only code that can
//!   allocate or map DMA memory for the device is the callback's own thread, which is busy
//!   calling this function.

use core::marker::PhantomPinned;

use kernel::{
    bindings,
    device::Core,
    devres,
    dma::{
        self,
        Device as _, //
    },
    irq, pci,
    prelude::*,
    sync::aref::ARef,
};

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
pub(crate) fn enable(pdev: &pci::Device<Core<'_>>) -> Result {
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

/// `device_for_each_child()`'s callback: stops at the first child on a bus. A child without
/// one (a wakeup source's device, say) never gets a driver, so no driver's code receives it.
///
/// # Safety
///
/// Only for `device_for_each_child()`, which passes a valid device.
unsafe extern "C" fn on_a_bus(child: *mut bindings::device, _data: *mut c_void) -> c_int {
    // SAFETY: `child` is a valid device, referenced for the call (the function's contract).
    c_int::from(unsafe { !(*child).bus.is_null() })
}

/// Sets the device's streaming and coherent DMA masks.
///
/// Call it before registering any child device (an auxiliary device, say): see "Soundness" in
/// the module documentation.
///
/// # Errors
///
/// - `EBUSY` if the device has a child device on a bus.
/// - `EIO` if the platform cannot address the device with `mask`.
pub(crate) fn set_dma_mask(pdev: &pci::Device<Core<'_>>, mask: dma::DmaMask) -> Result {
    // SAFETY: `pdev` is a valid PCI device, so its embedded `struct device` is a valid device;
    // `on_a_bus` only reads the child it is given, and no data is passed.
    let children = unsafe {
        bindings::device_for_each_child(
            &raw mut (*raw(pdev)).dev,
            core::ptr::null_mut(),
            Some(on_a_bus),
        )
    };
    if children != 0 {
        return Err(EBUSY);
    }
    // SAFETY: No DMA allocation or mapping for `pdev` can run concurrently: it has no child
    // device on a bus; see "Soundness" in the module documentation.
    unsafe { pdev.dma_set_mask_and_coherent(mask) }
}

/// The interrupt types [`request_vector`] tries, in this order.
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

/// One interrupt vector of a device (the vectors are freed when this is dropped).
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
        // any, only for it (type invariants); no handler is requested on them any more:
        // `VectorHandler`, the only user, frees its handler before its fields are dropped.
        unsafe { bindings::pci_free_irq_vectors(raw(&self.pdev)) };
    }
}

/// A handler requested on the first vector of [`Vectors`].
///
/// # Invariants
///
/// Once initialised, `irq` has a handler requested with a pointer to this value as its cookie,
/// freed only by [`PinnedDrop`].
#[pin_data(PinnedDrop)]
struct VectorHandler<T: irq::Handler + 'static> {
    vectors: Vectors,
    irq: u32,
    #[pin]
    handler: T,
    /// The cookie is this value's address: it must not move.
    #[pin]
    _pin: PhantomPinned,
}

#[pinned_drop]
impl<T: irq::Handler + 'static> PinnedDrop for VectorHandler<T> {
    fn drop(self: Pin<&mut Self>) {
        let cookie = core::ptr::from_ref::<Self>(&self)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: `irq` has a handler requested with this cookie (type invariants). `free_irq()`
        // waits for a running handler to return, so none can use `self` after this.
        unsafe { bindings::free_irq(self.irq, cookie) };
    }
}

/// # Safety
///
/// Only for `request_irq()` by [`request_vector`], with a pointer to a pinned, initialised
/// `VectorHandler<T>` as `cookie`.
unsafe extern "C" fn handle_vector<T: irq::Handler + 'static>(
    _irq: c_int,
    cookie: *mut c_void,
) -> bindings::irqreturn_t {
    // SAFETY: The cookie points at a `VectorHandler<T>`, valid until `free_irq()` returns, which
    // does not happen while this handler runs.
    let this = unsafe { &*cookie.cast::<VectorHandler<T>>() };
    bindings::irqreturn_t(this.handler.handle() as c_uint)
}

/// Allocates one interrupt vector of `vector`'s types and requests it for `handler`, called
/// `name` in `/proc/interrupts`, until the device is unbound.
///
/// The handler may run as soon as it is requested, and on an INTx vector also for another
/// device's interrupt: it must return [`irq::IrqReturn::None`] when its device has none pending.
///
/// One MSI vector a binding: not to be mixed with `pci::Device::alloc_irq_vectors()`, which
/// frees every vector of the device too.
///
/// # Errors
///
/// - `EBUSY` if the device has MSI or MSI-X vectors already.
/// - Whatever `pci_alloc_irq_vectors()` returns, e.g. `ENOSPC` if the device has no interrupt of
///   those types.
/// - `EINVAL` from `pci_irq_vector()`, or whatever `request_irq()` returns (`EBUSY` for a line
///   taken without sharing), or `ENOMEM`; the vector is freed again.
pub(crate) fn request_vector<T: irq::Handler + Send + 'static>(
    pdev: &pci::Device<Core<'_>>,
    vector: Vector,
    name: &'static CStr,
    handler: T,
) -> Result<VectorKind> {
    let types = match vector {
        Vector::MsiOrIntx => bindings::PCI_IRQ_MSI | bindings::PCI_IRQ_INTX,
        Vector::Intx => bindings::PCI_IRQ_INTX,
    };
    // SAFETY: `pdev` is a valid PCI device, whose lock the bus callback holding `Core` holds:
    // no other `request_vector` runs for it.
    let msi = unsafe { (*raw(pdev)).msi_enabled() != 0 || (*raw(pdev)).msix_enabled() != 0 };
    if msi {
        return Err(EBUSY);
    }
    // SAFETY: `pdev` is a valid, bound PCI device; the function validates the rest.
    let allocated = unsafe { bindings::pci_alloc_irq_vectors(raw(pdev), 1, 1, types) };
    kernel::error::to_result(allocated)?;
    // INVARIANT: Allocated just above, after the check that the device had no MSI vectors.
    let vectors = Vectors {
        pdev: ARef::from(&**pdev),
    };

    // SAFETY: `pdev` is valid and has its vectors allocated.
    let kind = match unsafe { bindings::pci_irq_type(raw(pdev)) } {
        bindings::PCI_IRQ_MSI => VectorKind::Msi,
        _ => VectorKind::Intx,
    };
    // SAFETY: As above; vector 0 exists because one was allocated.
    let irq = unsafe { bindings::pci_irq_vector(raw(pdev), 0) };
    let irq = u32::try_from(irq).map_err(|_| Error::from_errno(irq))?;
    // An INTx pin may be shared with other devices; an MSI is the device's own.
    let flags = match kind {
        VectorKind::Msi => 0,
        VectorKind::Intx => bindings::IRQF_SHARED,
    };

    let init = try_pin_init!(&this in VectorHandler {
        vectors,
        irq,
        handler,
        _pin: PhantomPinned,
        _: {
            // SAFETY: `handle_vector::<T>` expects this cookie, which stays valid and pinned
            // until `PinnedDrop` frees the handler; every field is initialised, so the handler
            // may run at once.
            // INVARIANT: On success the handler is requested with this cookie.
            kernel::error::to_result(unsafe {
                bindings::request_irq(
                    *irq,
                    Some(handle_vector::<T>),
                    // CAST: The `IRQF_*` flags are 32-bit; `c_ulong` is at least as wide.
                    flags as c_ulong,
                    name.as_char_ptr(),
                    this.as_ptr().cast::<c_void>(),
                )
            })?;
        },
    }? Error);
    devres::register(pdev.as_ref(), init, GFP_KERNEL)?;
    Ok(kind)
}
