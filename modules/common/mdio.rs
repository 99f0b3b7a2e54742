// SPDX-License-Identifier: GPL-2.0

//! MDIO buses whose read and write operations are implemented in Rust.
//!
//! [`Registration`] allocates and registers a `struct mii_bus` whose `read`/`write` operations
//! call an [`MdioBusOps`] implementation. Registering scans the bus: every address whose PHY
//! identifier registers read as a valid id gets a `phy_device`, bound to a matching PHY driver
//! (or later to genphy). Dropping the registration unregisters and frees the bus.
//!
//! The bus also keeps, per address, the [`LinkObserver`] of a PHY attached with
//! [`crate::phy_attach::StandalonePhy`], which is where phylib's link-change callback finds it.
//!
//! C header: [`include/linux/phy.h`](srctree/include/linux/phy.h)
//!
//! # Examples
//!
//! A bus with nothing on it (every address reads `0xffff`, as pull-ups make it read), shown in
//! `/sys/class/mdio_bus/empty-mdio/` until the registration is dropped:
//!
//! ```
//! use crate::mdio::{
//!     MdioBusOps,
//!     Registration, //
//! };
//! use kernel::{
//!     prelude::*,
//!     sync::Arc, //
//! };
//!
//! struct EmptyBus;
//!
//! impl MdioBusOps for EmptyBus {
//!     fn read(&self, _addr: u8, _regnum: u8) -> Result<u16> {
//!         Ok(0xffff)
//!     }
//!
//!     fn write(&self, _addr: u8, _regnum: u8, _val: u16) -> Result {
//!         Ok(())
//!     }
//! }
//!
//! // Scans the bus (and finds no PHY) before it returns.
//! let bus = Registration::register(c"empty", c"empty-mdio", Arc::new(EmptyBus, GFP_KERNEL)?)?;
//! // Unregisters and frees the bus.
//! drop(bus);
//! # Ok::<(), Error>(())
//! ```

use core::ptr::{
    null_mut,
    NonNull, //
};

use kernel::{
    bindings,
    error::to_result,
    new_mutex,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    }, //
};

use crate::phy_modes::{
    Mode,
    Speed, //
};

/// Number of addresses on an MDIO bus.
pub(crate) const PHY_MAX_ADDR: usize = bindings::PHY_MAX_ADDR as usize;

/// The register accesses of an MDIO bus.
///
/// Called in process context with the bus's `mdio_lock` held (so calls never overlap), from
/// registration until the end of [`Registration`]'s drop. Implementations may sleep but must
/// not access the same bus through phylib (that would deadlock on `mdio_lock`).
///
/// `'static`: the callbacks run for as long as the bus is registered, which a leaked
/// [`Registration`] (`mem::forget` is safe) makes unbounded, so they must not borrow anything.
pub(crate) trait MdioBusOps: Send + Sync + 'static {
    /// Reads clause-22 register `regnum` (0..32) of the device at `addr` (0..32). An address
    /// without a device should read `0xffff`, as a bus with pull-ups does.
    fn read(&self, addr: u8, regnum: u8) -> Result<u16>;

    /// Writes clause-22 register `regnum` of the device at `addr`.
    fn write(&self, addr: u8, regnum: u8, val: u16) -> Result;
}

/// A link state phylib reported for a PHY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LinkState {
    /// Whether the link is up.
    pub(crate) up: bool,
    /// The mode the link runs in; `None` while down or when not a BASE-T mode.
    pub(crate) mode: Option<Mode>,
}

/// Receiver of the link changes phylib's state machine reports for a standalone PHY.
pub(crate) trait LinkObserver: Send + Sync {
    /// The link of the PHY at `addr` changed to `state`.
    ///
    /// Called by phylib with the PHY's `phydev->lock` held (from its state machine, or
    /// synchronously from `phy_stop`): it must not call back into phylib for that PHY.
    fn link_changed(&self, addr: u8, state: LinkState);
}

/// What `bus->priv` points to.
#[pin_data]
pub(crate) struct BusData<T: MdioBusOps> {
    ops: Arc<T>,
    #[pin]
    observers: Mutex<[Option<Arc<dyn LinkObserver>>; PHY_MAX_ADDR]>,
}

impl<T: MdioBusOps> BusData<T> {
    /// The link observers of the standalone PHYs of this bus, by address.
    pub(crate) fn observers(&self) -> &Mutex<[Option<Arc<dyn LinkObserver>>; PHY_MAX_ADDR]> {
        &self.observers
    }
}

/// A registered MDIO bus backed by an [`MdioBusOps`].
///
/// # Invariants
///
/// - `bus` was allocated by `mdiobus_alloc_size()` and is registered; it is unregistered and
///   freed only by `drop`.
/// - Until `drop` has taken `bus->mdio_lock` and cleared it, `bus->priv` points to `*data`,
///   which is pinned and outlives that point; `bus->read`/`bus->write` are
///   [`read_callback::<T>`]/[`write_callback::<T>`].
///
/// # Soundness
///
/// The callbacks find `data` through `bus->priv`. The MDIO core calls `bus->read`/`bus->write`
/// only from `__mdiobus_read`/`__mdiobus_write`, which require `bus->mdio_lock`; the bus
/// `struct device` may outlive the registration (someone may hold a reference), so `drop`
/// unregisters the bus, then clears `bus->priv` under `bus->mdio_lock`: a callback running
/// during unregistration (a PHY driver's `remove` may access its PHY) still sees `data`, and
/// any later one sees NULL and fails with `ENODEV` instead of touching freed memory.
///
/// That guard covers a registration dropped while the module that made it stays loaded. It does
/// not cover the module's unload: `bus->read` and `bus->write` point into the module's code. The
/// bus is registered without an owner module (otherwise a module attaching its own PHY could
/// never be unloaded), which also disables phylib's only protection against a foreign attacher
/// (`phy_attach_direct()` pins `bus->owner`): a MAC driver given this bus's PHY by name would not
/// keep the module loaded, and its next `phy_read()` after the unload would jump into freed
/// memory. Hence the requirement on users of this type: attach its PHYs only through
/// [`crate::phy_attach::StandalonePhy`], which keeps the registration alive until it has
/// detached, and drop every `StandalonePhy` and the registration before the module's exit
/// returns (which holds when they are owned by the module's state). Nothing outside the module
/// can attach such a PHY from user space: phylib attaches PHYs only on behalf of in-kernel MAC
/// drivers.
pub(crate) struct Registration<T: MdioBusOps> {
    bus: NonNull<bindings::mii_bus>,
    data: Pin<KBox<BusData<T>>>,
}

// SAFETY: The registration only holds pointers to the bus and its own data; unregistering and
// freeing the bus may happen from any thread in process context.
unsafe impl<T: MdioBusOps> Send for Registration<T> {}

// SAFETY: `&self` methods only hand out the bus pointer (for FFI calls that do their own
// locking) and the observers, which are behind a mutex.
unsafe impl<T: MdioBusOps> Sync for Registration<T> {}

impl<T: MdioBusOps> Registration<T> {
    /// Registers a bus called `name` with bus id `id` (the device name, e.g. in
    /// `/sys/class/mdio_bus/<id>`; the bus's PHYs are `<id>:<addr>`), whose accesses go to
    /// `ops`. PHYs found while scanning the bus are probed before this returns.
    ///
    /// A PHY whose driver fails to probe stays unbound; that does not fail the registration.
    ///
    /// # Errors
    ///
    /// `EINVAL` if `id` does not fit `MII_BUS_ID_SIZE` or the MDIO core cannot register the bus
    /// device (it reports every `device_register()` failure so: the id in use, or an allocation
    /// failure), `ENOMEM` on other allocation failures, or the error of the bus scan. A PHY the
    /// scan finds but cannot register (e.g. out of memory) is left out without an error.
    pub(crate) fn register(name: &'static CStr, id: &CStr, ops: Arc<T>) -> Result<Self> {
        let id = id.to_bytes_with_nul();
        if id.len() > bindings::MII_BUS_ID_SIZE as usize {
            return Err(EINVAL);
        }
        let data = KBox::pin_init(
            try_pin_init!(BusData {
                ops,
                observers <- new_mutex!([const { None }; PHY_MAX_ADDR]),
            }),
            GFP_KERNEL,
        )?;

        // SAFETY: FFI call without preconditions.
        let bus = NonNull::new(unsafe { bindings::mdiobus_alloc_size(0) }).ok_or(ENOMEM)?;
        let raw = bus.as_ptr();
        // SAFETY: `raw` is a freshly allocated, zeroed `mii_bus` that nobody else knows yet.
        // `name` is `'static`; `data` is pinned and stays alive as long as the registration.
        unsafe {
            (*raw).name = name.as_char_ptr();
            // `copy_from_slice` would need a `[u8]` to `[c_char]` cast: a checked zip instead.
            for (dst, &src) in (*raw).id.iter_mut().zip(id) {
                *dst = src as c_char;
            }
            (*raw).priv_ = core::ptr::from_ref(&*data).cast_mut().cast::<c_void>();
            (*raw).read = Some(read_callback::<T>);
            (*raw).write = Some(write_callback::<T>);
        }

        // SAFETY: `raw` is an allocated, filled-in bus. A NULL owner: see the type's docs.
        let ret = unsafe { bindings::__mdiobus_register(raw, null_mut()) };
        if let Err(err) = to_result(ret) {
            // SAFETY: A failed registration leaves the bus for `mdiobus_free()`; it has removed
            // every PHY it created, so no callback can run any more and `data` may go.
            unsafe { bindings::mdiobus_free(raw) };
            return Err(err);
        }
        // INVARIANT: registered, with `priv`, `read` and `write` as documented.
        Ok(Self { bus, data })
    }

    /// The registered `struct mii_bus`.
    pub(crate) fn as_raw(&self) -> *mut bindings::mii_bus {
        self.bus.as_ptr()
    }

    /// The bus's data, shared with its callbacks.
    pub(crate) fn data(&self) -> &BusData<T> {
        &self.data
    }
}

impl<T: MdioBusOps> Drop for Registration<T> {
    fn drop(&mut self) {
        let raw = self.bus.as_ptr();
        // SAFETY: By the type invariants the bus is registered. This removes its PHYs; their
        // drivers may still access them meanwhile, which `priv` (still set) allows.
        unsafe { bindings::mdiobus_unregister(raw) };
        // SAFETY: The bus memory is alive until `mdiobus_free()` below and its `mdio_lock` was
        // initialised by the registration. Every `read`/`write` call runs under that lock, so
        // once it is released with `priv` cleared, no callback can reach `self.data`.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio_lock);
            (*raw).priv_ = null_mut();
            bindings::mutex_unlock(&raw mut (*raw).mdio_lock);
        }
        // SAFETY: Unregistered above; this drops our reference, the memory goes with the last.
        unsafe { bindings::mdiobus_free(raw) };
    }
}

/// The [`BusData`] of a bus registered by [`Registration`], `None` once it was dropped.
///
/// # Safety
///
/// `bus` must be a bus registered by a [`Registration<T>`] (with this `T`), whose memory is
/// still allocated, and the caller must either hold `bus->mdio_lock` or know that the
/// registration is not dropped for `'a`.
pub(crate) unsafe fn bus_data<'a, T: MdioBusOps>(
    bus: *mut bindings::mii_bus,
) -> Option<&'a BusData<T>> {
    // SAFETY: By the caller's guarantees `bus` is valid and `priv` is not changing under us.
    let data = unsafe { (*bus).priv_ }.cast::<BusData<T>>();
    // SAFETY: By the invariants of `Registration<T>`, a non-NULL `priv` points to its pinned
    // `BusData<T>`, alive for as long as the caller's guarantee lasts.
    unsafe { data.as_ref() }
}

/// Converts an MDIO core address or register number; they are below 32 by its contract.
fn bus_index(value: c_int) -> Result<u8> {
    u8::try_from(value).map_err(|_| EINVAL)
}

/// `bus->read` of a [`Registration<T>`].
///
/// # Safety
///
/// Called by the MDIO core for a bus registered by [`Registration<T>`], with `bus->mdio_lock`
/// held.
unsafe extern "C" fn read_callback<T: MdioBusOps>(
    bus: *mut bindings::mii_bus,
    addr: c_int,
    regnum: c_int,
) -> c_int {
    // SAFETY: Our caller holds `bus->mdio_lock` on a bus of a `Registration<T>`.
    let Some(data) = (unsafe { bus_data::<T>(bus) }) else {
        return ENODEV.to_errno();
    };
    let result = bus_index(addr)
        .and_then(|addr| Ok((addr, bus_index(regnum)?)))
        .and_then(|(addr, regnum)| data.ops.read(addr, regnum));
    match result {
        Ok(val) => val.into(),
        Err(err) => err.to_errno(),
    }
}

/// `bus->write` of a [`Registration<T>`].
///
/// # Safety
///
/// As for [`read_callback`].
unsafe extern "C" fn write_callback<T: MdioBusOps>(
    bus: *mut bindings::mii_bus,
    addr: c_int,
    regnum: c_int,
    val: u16,
) -> c_int {
    // SAFETY: Our caller holds `bus->mdio_lock` on a bus of a `Registration<T>`.
    let Some(data) = (unsafe { bus_data::<T>(bus) }) else {
        return ENODEV.to_errno();
    };
    let result = bus_index(addr)
        .and_then(|addr| Ok((addr, bus_index(regnum)?)))
        .and_then(|(addr, regnum)| data.ops.write(addr, regnum, val));
    match result {
        Ok(()) => 0,
        Err(err) => err.to_errno(),
    }
}

impl LinkState {
    /// The link is down.
    pub(crate) const DOWN: Self = Self {
        up: false,
        mode: None,
    };

    /// The state phylib reports through `phy_link_change(phydev, up)`.
    pub(crate) fn from_phylib(up: bool, speed: c_int, duplex: c_int) -> Self {
        let full_duplex = match u32::try_from(duplex) {
            Ok(bindings::DUPLEX_FULL) => Some(true),
            Ok(bindings::DUPLEX_HALF) => Some(false),
            _ => None,
        };
        let mode = match (up, Speed::from_mbps(speed), full_duplex) {
            (true, Some(speed), Some(full_duplex)) => Some(Mode::new(speed, full_duplex)),
            _ => None,
        };
        Self { up, mode }
    }
}
