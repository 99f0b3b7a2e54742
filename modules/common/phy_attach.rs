// SPDX-License-Identifier: GPL-2.0

//! Attaching a PHY without a `net_device` ("standalone" PHY) and running phylib's state
//! machine on it.
//!
//! A MAC driver normally connects its `net_device` to a PHY; phylib then reports link changes
//! by switching the carrier of that `net_device` and calling the MAC's `adjust_link`.
//! [`StandalonePhy`] instead attaches a PHY of a [`Registration`] bus with a NULL `net_device`
//! (as `phy_attach_direct()` allows) and installs its own `phy_link_change` callback, as
//! phylink does, so that link changes reach a [`LinkObserver`]. phylib's default callback
//! would call `netif_carrier_on(NULL)`.
//!
//! C header: [`include/linux/phy.h`](srctree/include/linux/phy.h)

use crate::{
    mdio::{bus_data, LinkObserver, LinkState, MdioBusOps, Registration},
    phy_modes::LinkModes, //
};
use core::ptr::{null_mut, NonNull};
use kernel::{
    bindings,
    error::to_result,
    ffi::c_int,
    prelude::*,
    sync::Arc, //
};

/// A PHY of a [`Registration`] bus, attached without a `net_device`.
///
/// Dropping it stops the state machine (if started) and detaches the PHY.
///
/// # Invariants
///
/// - `phydev` is the PHY at address `addr` of `bus`, attached by `phy_attach_direct()` with
///   a NULL `net_device`, with `phy_link_change` set to [`link_change_callback::<T>`]; it is
///   detached only by `drop`.
/// - The observer slot `addr` of `bus` holds this attachment's observer until `drop` has
///   detached the PHY.
/// - `started` is true exactly when `phy_start()` was called without a `phy_stop()` since.
///
/// # Soundness
///
/// phylib calls `phy_link_change` only for an attached PHY (it is cleared by `phy_detach()`),
/// and only from the state machine or synchronously from `phy_stop()` and similar calls, all
/// with `phydev->lock` held. `drop` stops the state machine (`phy_stop()` cancels its work
/// synchronously) before detaching, and holds an `Arc` of the bus registration, so the
/// callback always finds the bus registered and its observer slot filled. Nothing can call the
/// default callback in the window before [`StandalonePhy::attach`] replaces it: the state
/// machine does not run before `phy_start()` and PHYs of these buses are polled (no IRQ).
pub struct StandalonePhy<T: MdioBusOps> {
    bus: Arc<Registration<T>>,
    phydev: NonNull<bindings::phy_device>,
    addr: u8,
    started: bool,
}

// SAFETY: The phylib functions used here may be called from any thread in process context,
// and every mutating method takes `&mut self`.
unsafe impl<T: MdioBusOps> Send for StandalonePhy<T> {}

impl<T: MdioBusOps> StandalonePhy<T> {
    /// Attaches the PHY at `addr` of `bus`, reporting its link changes to `observer`.
    ///
    /// The PHY is initialised (soft reset and configuration by its driver, genphy when no
    /// driver is bound) and resumed, but its state machine is not started: see
    /// [`StandalonePhy::start`].
    ///
    /// # Errors
    ///
    /// `EINVAL` for an address beyond the bus, `ENODEV` when no PHY is there, `EBUSY` when it
    /// is already attached through this type, or the error of `phy_attach_direct()` (e.g.
    /// `EIO` when its driver module is going away).
    pub fn attach(
        bus: &Arc<Registration<T>>,
        addr: u8,
        observer: Arc<dyn LinkObserver>,
    ) -> Result<Self> {
        let slot = usize::from(addr);
        if slot >= crate::mdio::PHY_MAX_ADDR {
            return Err(EINVAL);
        }
        // SAFETY: The bus is registered (invariant of `Registration`) and `addr` is in range.
        let phydev = unsafe { bindings::mdiobus_get_phy(bus.as_raw(), c_int::from(addr)) };
        let phydev = NonNull::new(phydev).ok_or(ENODEV)?;

        {
            let mut observers = bus.data().observers().lock();
            let entry = observers.get_mut(slot).ok_or(EINVAL)?;
            if entry.is_some() {
                return Err(EBUSY);
            }
            *entry = Some(observer);
        }

        // SAFETY: `phydev` is a PHY device of our registered bus; the bus (kept by `bus`)
        // keeps it alive, and `phy_attach_direct()` takes its own reference. A NULL
        // `net_device` is allowed and makes the PHY standalone.
        let ret = unsafe {
            bindings::phy_attach_direct(
                null_mut(),
                phydev.as_ptr(),
                0,
                bindings::phy_interface_t_PHY_INTERFACE_MODE_GMII,
            )
        };
        if let Err(err) = to_result(ret) {
            if let Some(entry) = bus.data().observers().lock().get_mut(slot) {
                *entry = None;
            }
            return Err(err);
        }

        let raw = phydev.as_ptr();
        // SAFETY: The PHY is attached, so valid; the lock serialises us with any reader of the
        // callback pointer. See the type's soundness notes for why nothing ran the default one.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).lock);
            (*raw).phy_link_change = Some(link_change_callback::<T>);
            bindings::mutex_unlock(&raw mut (*raw).lock);
        }

        // INVARIANT: Attached standalone with our callback, observer in its slot, not started.
        Ok(Self {
            bus: bus.clone(),
            phydev,
            addr,
            started: false,
        })
    }

    /// Starts phylib's state machine (`phy_start()`): resumes the PHY, configures
    /// auto-negotiation and polls the link. Does nothing if already started.
    pub fn start(&mut self) {
        if !self.started {
            // SAFETY: The PHY is attached (type invariant) and halted or ready, as required by
            // `phy_start()`: it was never started or was stopped since.
            unsafe { bindings::phy_start(self.phydev.as_ptr()) };
            // INVARIANT: `phy_start()` was called.
            self.started = true;
        }
    }

    /// Stops phylib's state machine (`phy_stop()`): reports the link down and suspends the
    /// PHY (its driver's `suspend`). Does nothing if not started.
    pub fn stop(&mut self) {
        if self.started {
            // SAFETY: The PHY is attached and started (type invariants), as `phy_stop()`
            // requires. It returns after the state machine work was cancelled.
            unsafe { bindings::phy_stop(self.phydev.as_ptr()) };
            // INVARIANT: `phy_stop()` was called.
            self.started = false;
        }
    }

    /// Whether the state machine is started.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Restricts auto-negotiation to `modes` (intersected with what the PHY supports), as
    /// `ethtool -s <dev> autoneg on advertise ...` would, and restarts negotiation.
    ///
    /// # Errors
    ///
    /// `EINVAL` when no mode of `modes` is supported by the PHY; nothing changes then.
    pub fn set_advertising(&mut self, modes: LinkModes) -> Result {
        let raw = self.phydev.as_ptr();
        let mut settings = bindings::ethtool_link_ksettings::default();
        // SAFETY: The PHY is attached, so valid; its lock protects the fields read here.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).lock);
            settings.base.master_slave_cfg = (*raw).master_slave_set;
            settings.base.eth_tp_mdix_ctrl = (*raw).mdix_ctrl;
            bindings::mutex_unlock(&raw mut (*raw).lock);
        }
        settings.base.phy_address = self.addr;
        settings.base.autoneg = bindings::AUTONEG_ENABLE as u8;
        modes.to_ethtool(&mut settings.link_modes.advertising);
        // SAFETY: The PHY is attached and `settings` is a valid, initialised request; the
        // function takes `phydev->lock` itself.
        to_result(unsafe { bindings::phy_ethtool_ksettings_set(raw, &settings) })
    }
}

impl<T: MdioBusOps> Drop for StandalonePhy<T> {
    fn drop(&mut self) {
        self.stop();
        // SAFETY: Attached by `attach` (type invariant) and not started, so the state machine
        // is not running; `phy_detach()` clears `phy_link_change` and drops its reference.
        unsafe { bindings::phy_detach(self.phydev.as_ptr()) };
        // The callback can no longer run: release the observer.
        if let Some(entry) = self
            .bus
            .data()
            .observers()
            .lock()
            .get_mut(usize::from(self.addr))
        {
            *entry = None;
        }
    }
}

/// The `phy_link_change` callback of a [`StandalonePhy<T>`].
///
/// # Safety
///
/// Called by phylib for a PHY attached by [`StandalonePhy::attach`], with `phydev->lock` held.
unsafe extern "C" fn link_change_callback<T: MdioBusOps>(
    phydev: *mut bindings::phy_device,
    up: bool,
) {
    // SAFETY: `phydev` is attached (phylib calls this only then) and its lock is held, which
    // protects `speed` and `duplex`; `mdio.bus` and `mdio.addr` never change.
    let (bus, addr, speed, duplex) = unsafe {
        (
            (*phydev).mdio.bus,
            (*phydev).mdio.addr,
            (*phydev).speed,
            (*phydev).duplex,
        )
    };
    // SAFETY: The `StandalonePhy<T>` that installed this callback keeps the bus's
    // `Registration<T>` alive while the PHY is attached (see its soundness notes).
    let Some(data) = (unsafe { bus_data::<T>(bus) }) else {
        return;
    };
    let (Ok(addr), Ok(slot)) = (u8::try_from(addr), usize::try_from(addr)) else {
        return;
    };
    let observer = data.observers().lock().get(slot).cloned().flatten();
    if let Some(observer) = observer {
        observer.link_changed(addr, LinkState::from_phylib(up, speed, duplex));
    }
}
