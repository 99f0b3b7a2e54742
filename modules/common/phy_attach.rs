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
//! phylib learns of link changes in one of two ways ([`LinkChanges`]): it polls the PHY once a
//! second, or the MAC tells it, as a MAC that sees the link in-band or gets the PHY's interrupt
//! line does (`PHY_MAC_INTERRUPT`, then [`StandalonePhy::mac_interrupt`] on each change).
//!
//! C header: [`include/linux/phy.h`](srctree/include/linux/phy.h)

use core::ptr::{
    null_mut,
    NonNull, //
};

use kernel::{
    bindings,
    error::to_result,
    prelude::*,
    sync::Arc, //
};

use crate::{
    mdio::{
        bus_data,
        LinkObserver,
        LinkState,
        MdioBusOps,
        Registration, //
    },
    phy_modes::LinkModes,
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
/// - `pinned` is the module of the driver bound when the PHY was attached, on which
///   `phy_attach_direct()` took a reference (NULL for a built-in driver such as genphy).
/// - `phydev->irq` is `PHY_MAC_INTERRUPT` if `changes` is [`LinkChanges::MacInterrupt`],
///   `PHY_POLL` otherwise, until `drop` puts back `PHY_POLL`.
///
/// # Soundness
///
/// phylib calls `phy_link_change` only for an attached PHY (it is cleared by `phy_detach()`),
/// and only from the state machine or synchronously from `phy_stop()` and similar calls, all
/// with `phydev->lock` held. `drop` stops the state machine (`phy_stop()` cancels its work
/// synchronously) before detaching, and holds an `Arc` of the bus registration, so the
/// callback always finds the bus registered and its observer slot filled. Nothing can call the
/// default callback in the window before [`StandalonePhy::attach`] replaces it: the state
/// machine does not run before `phy_start()`, and these PHYs have no interrupt line of their own
/// (`PHY_POLL` or `PHY_MAC_INTERRUPT`, for neither of which phylib requests an IRQ).
///
/// [`StandalonePhy::mac_interrupt`] queues the state machine only while it is started and a driver
/// is bound, under the device lock: the state machine dereferences the driver, and unbinding
/// (`phy_remove()`, under the same lock) cancels it synchronously before clearing the driver.
///
/// # The PHY's driver may change under the attachment
///
/// Root can unbind the PHY's driver through sysfs while it is attached, and bind it (or another)
/// again; phylib does not prevent it. Unbinding (`phy_remove()`) cancels the state machine and
/// leaves the PHY in `PHY_DOWN` without a driver, without reporting the link down; binding again
/// (`phy_probe()`) leaves it `PHY_READY`, not started. phylib's state, not a flag of this type, is
/// therefore what [`StandalonePhy::start`], [`StandalonePhy::stop`] and
/// [`StandalonePhy::is_started`] act on, under the PHY device's lock (which the driver core holds
/// across bind and unbind): starting a PHY without a driver fails with `ENODEV` instead of
/// reaching `phy_start()`'s "called from state DOWN" WARN, and stopping one that is not running
/// does nothing instead of reaching `phy_stop()`'s WARN or its state machine's NULL `drv`.
///
/// `phy_detach()` drops the module reference `phy_attach_direct()` took on the driver bound at
/// attach time by looking at the driver bound at detach time. `drop` balances what that gets
/// wrong when the driver changed (see [`StandalonePhy::detach`]), so the driver's module stays
/// removable.
///
/// # Another attacher
///
/// phylib refuses a second attachment only through `phydev->attached_dev`, which stays NULL for
/// a standalone PHY: an in-kernel MAC driver given this PHY could attach it too, replacing
/// `phy_link_change` (the observer would stop hearing of changes), and this type's `drop` would
/// then detach the MAC's attachment. Nothing in this collection does that and user space cannot;
/// the buses of [`Registration`] are meant for their module's own use (see its soundness
/// notes).
pub(crate) struct StandalonePhy<T: MdioBusOps> {
    bus: Arc<Registration<T>>,
    phydev: NonNull<bindings::phy_device>,
    addr: u8,
    pinned: *mut bindings::module,
    changes: LinkChanges,
}

/// How phylib learns of link changes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LinkChanges {
    /// phylib polls the PHY once a second (`PHY_POLL`, `PHY_STATE_TIME`).
    Polled,
    /// The MAC calls [`StandalonePhy::mac_interrupt`] when the link may have changed
    /// (`PHY_MAC_INTERRUPT`); phylib does not poll.
    MacInterrupt,
}

// SAFETY: The phylib functions used here may be called from any thread in process context,
// every mutating method takes `&mut self`, and `pinned` is only passed to `module_put()`.
unsafe impl<T: MdioBusOps> Send for StandalonePhy<T> {}

/// What phylib's state says about a PHY's state machine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Machine {
    /// No driver is bound (`phy_remove()` ran): the state machine cannot run.
    NoDriver,
    /// `PHY_READY` or `PHY_HALTED`: stopped, `phy_start()` may be called.
    Stopped,
    /// `PHY_UP` or later: started, `phy_stop()` may be called.
    Started,
    /// Any other state (`PHY_ERROR` after a failed bus access): neither may be called.
    Failed,
}

impl<T: MdioBusOps> StandalonePhy<T> {
    /// Attaches the PHY at `addr` of `bus`, reporting its link changes to `observer`; phylib
    /// learns of them as `changes` says.
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
    pub(crate) fn attach(
        bus: &Arc<Registration<T>>,
        addr: u8,
        observer: Arc<dyn LinkObserver>,
        changes: LinkChanges,
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

        let raw = phydev.as_ptr();
        // SAFETY: `phydev` is a PHY device of our registered bus; the bus (kept by `bus`) keeps
        // it alive, and `phy_attach_direct()` takes its own reference. A NULL `net_device` is
        // allowed and makes the PHY standalone. The device lock keeps the driver that
        // `phy_attach_direct()` pins bound until `pinned` is read; `phy_attach_direct()` does
        // not take it itself when a driver is bound, and binds genphy (which does) only when
        // none is, so it is taken only when a driver is.
        let (ret, pinned) = unsafe {
            let locked = !(*raw).drv.is_null();
            if locked {
                bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            }
            let ret = bindings::phy_attach_direct(
                null_mut(),
                raw,
                0,
                bindings::phy_interface_t_PHY_INTERFACE_MODE_GMII,
            );
            let pinned = driver_module(raw);
            if locked {
                bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
            }
            (ret, pinned)
        };
        if let Err(err) = to_result(ret) {
            if let Some(entry) = bus.data().observers().lock().get_mut(slot) {
                *entry = None;
            }
            return Err(err);
        }

        let irq = match changes {
            LinkChanges::Polled => bindings::PHY_POLL,
            LinkChanges::MacInterrupt => bindings::PHY_MAC_INTERRUPT,
        };
        // SAFETY: The PHY is attached, so valid. `phydev->lock` serialises us with any reader of
        // the callback pointer and with the state machine (not started yet), the device lock with
        // `phy_probe()`: the readers of `irq`. See the type's soundness notes for why nothing ran
        // the default callback.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            bindings::mutex_lock(&raw mut (*raw).lock);
            (*raw).phy_link_change = Some(link_change_callback::<T>);
            (*raw).irq = irq;
            bindings::mutex_unlock(&raw mut (*raw).lock);
            bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
        }

        // INVARIANT: Attached standalone with our callback, observer in its slot; `pinned` is
        // the module `phy_attach_direct()` took a reference on; `irq` set as `changes` says.
        Ok(Self {
            bus: bus.clone(),
            phydev,
            addr,
            pinned,
            changes,
        })
    }

    /// Runs `f` with the PHY device's lock held, which excludes binding and unbinding its driver.
    fn with_device_lock<R>(&self, f: impl FnOnce(*mut bindings::phy_device) -> R) -> R {
        let raw = self.phydev.as_ptr();
        // SAFETY: The PHY is attached (type invariant), so valid; this is `device_lock()`.
        unsafe { bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex) };
        let result = f(raw);
        // SAFETY: Locked above.
        unsafe { bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex) };
        result
    }

    /// phylib's state of the PHY's state machine.
    ///
    /// # Safety
    ///
    /// `raw` is this attachment's PHY and the caller holds its device lock, so that the state
    /// cannot change except through calls of this type (which hold `&mut self`) or phylib's state
    /// machine (which only moves between started states or to `PHY_ERROR`).
    unsafe fn machine(raw: *mut bindings::phy_device) -> Machine {
        // SAFETY: `raw` is valid (safety requirements); `phydev->lock` protects `state`.
        let (state, drv) = unsafe {
            bindings::mutex_lock(&raw mut (*raw).lock);
            let state = ((*raw).state, (*raw).drv);
            bindings::mutex_unlock(&raw mut (*raw).lock);
            state
        };
        if drv.is_null() {
            return Machine::NoDriver;
        }
        match state {
            bindings::phy_state_PHY_READY | bindings::phy_state_PHY_HALTED => Machine::Stopped,
            // `phy_is_started()`: every state from `PHY_UP` on.
            s if s >= bindings::phy_state_PHY_UP => Machine::Started,
            _ => Machine::Failed,
        }
    }

    /// Starts phylib's state machine (`phy_start()`): resumes the PHY, configures
    /// auto-negotiation and polls the link. Does nothing if already started.
    ///
    /// # Errors
    ///
    /// `ENODEV` when no driver is bound to the PHY (it was unbound through sysfs), `EIO` when
    /// phylib put it in its error state.
    pub(crate) fn start(&mut self) -> Result {
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            match unsafe { Self::machine(raw) } {
                Machine::Stopped => {
                    // SAFETY: The PHY is attached and READY or HALTED, as `phy_start()`
                    // requires; the device lock keeps its driver bound meanwhile.
                    unsafe { bindings::phy_start(raw) };
                    Ok(())
                }
                Machine::Started => Ok(()),
                Machine::NoDriver => Err(ENODEV),
                Machine::Failed => Err(EIO),
            }
        })
    }

    /// Stops phylib's state machine (`phy_stop()`): reports the link down and suspends the
    /// PHY (its driver's `suspend`). Does nothing if not started.
    pub(crate) fn stop(&mut self) {
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            if unsafe { Self::machine(raw) } == Machine::Started {
                // SAFETY: The PHY is attached, started and has a driver, as `phy_stop()`
                // requires. It returns after the state machine work was cancelled.
                unsafe { bindings::phy_stop(raw) };
            }
        })
    }

    /// Tells phylib that the link may have changed, as a MAC's interrupt handler does
    /// (`phy_mac_interrupt()`): the state machine runs at once and reads the PHY. Does nothing
    /// when phylib polls this PHY, or the state machine is not started (no driver, stopped).
    pub(crate) fn mac_interrupt(&self) {
        if self.changes != LinkChanges::MacInterrupt {
            return;
        }
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            if unsafe { Self::machine(raw) } == Machine::Started {
                // SAFETY: Attached, started, with a driver that the device lock keeps bound
                // until `phy_remove()` has cancelled the queued state machine (see the type's
                // soundness notes).
                unsafe { bindings::phy_mac_interrupt(raw) };
            }
        })
    }

    /// Whether the state machine is started.
    pub(crate) fn is_started(&self) -> bool {
        // SAFETY: `raw` is our PHY and its device lock is held.
        self.with_device_lock(|raw| unsafe { Self::machine(raw) }) == Machine::Started
    }

    /// Restricts auto-negotiation to `modes` (intersected with what the PHY supports), as
    /// `ethtool -s <dev> autoneg on advertise ...` would; negotiation restarts if the PHY's
    /// driver finds the advertisement changed and the state machine runs.
    ///
    /// # Errors
    ///
    /// `EINVAL` when no mode of `modes` is supported by the PHY: nothing changes then.
    /// `ENODEV` when no driver is bound to the PHY. When the state machine is not started,
    /// phylib stores the advertisement and ignores the driver's `config_aneg` result, so an
    /// error the driver would return then is not reported here.
    pub(crate) fn set_advertising(&mut self, modes: LinkModes) -> Result {
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
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            if unsafe { Self::machine(raw) } == Machine::NoDriver {
                return Err(ENODEV);
            }
            // SAFETY: The PHY is attached and has a driver (kept bound by the device lock), and
            // `settings` is a valid, initialised request; the function takes `phydev->lock`.
            to_result(unsafe { bindings::phy_ethtool_ksettings_set(raw, &settings) })
        })
    }

    /// `phy_detach()`, balancing its module reference.
    ///
    /// `phy_detach()` puts the module of the driver bound now, while `phy_attach_direct()` got
    /// the one bound then (`pinned`). If they differ (the driver was unbound, or another bound),
    /// get the current one for phylib to put, and put `pinned` ourselves. With the device lock
    /// held, nobody can change the driver in between. `phy_detach()` takes that lock itself to
    /// release the driver when phylib bound genphy at attach time (`is_genphy_driven`, which
    /// stays set when root rebinds another driver), so then the lock is dropped first and a
    /// rebind racing with this detach is not excluded: a phylib limitation of C MAC drivers too.
    fn detach(&mut self) {
        let raw = self.phydev.as_ptr();
        // SAFETY: Attached (type invariant), not started (`stop()` ran). The device lock is held
        // around `phy_detach()` unless it takes it itself (see above); `current` and `pinned`
        // are modules with a reference held (by phylib and by the bound driver's binding).
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            // Back to the bus's default for whoever attaches next, under both locks that
            // readers of `irq` hold (`phy_probe()` the device lock, the state machine the other).
            bindings::mutex_lock(&raw mut (*raw).lock);
            (*raw).irq = bindings::PHY_POLL;
            bindings::mutex_unlock(&raw mut (*raw).lock);
            let current = driver_module(raw);
            let genphy = (*raw).is_genphy_driven() != 0;
            if current != self.pinned && !current.is_null() {
                bindings::__module_get(current);
            }
            if genphy {
                bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
            }
            // `phy_detach()` clears `phy_link_change` and drops its device reference.
            bindings::phy_detach(raw);
            if !genphy {
                bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
            }
            if current != self.pinned && !self.pinned.is_null() {
                bindings::module_put(self.pinned);
            }
        }
    }
}

/// The module of the driver bound to `phydev`, NULL when none is or it is built in.
///
/// # Safety
///
/// `phydev` must be valid, and its driver must stay bound while the result is used (device lock
/// held, or a module reference on it).
unsafe fn driver_module(phydev: *mut bindings::phy_device) -> *mut bindings::module {
    // SAFETY: By the safety requirements `phydev` and its bound driver are valid.
    unsafe {
        let driver = (*phydev).mdio.dev.driver;
        if driver.is_null() {
            null_mut()
        } else {
            (*driver).owner
        }
    }
}

impl<T: MdioBusOps> Drop for StandalonePhy<T> {
    fn drop(&mut self) {
        self.stop();
        self.detach();
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

/// phylib's state of the PHY at `addr` of `bus`, by the name `phy_state_to_str()` gives it in
/// lower case (`"halted"`, `"error"`, ...), attached or not; `None` when there is no PHY there.
///
/// For tests: whether dropping a [`StandalonePhy`] stopped the state machine shows in the state
/// it left behind.
pub(crate) fn phylib_state<T: MdioBusOps>(bus: &Registration<T>, addr: u8) -> Option<&'static str> {
    if usize::from(addr) >= crate::mdio::PHY_MAX_ADDR {
        return None;
    }
    // SAFETY: The bus is registered (invariant of `Registration`) and `addr` is in range.
    let raw = unsafe { bindings::mdiobus_get_phy(bus.as_raw(), c_int::from(addr)) };
    if raw.is_null() {
        return None;
    }
    // SAFETY: The PHY device of a registered bus stays valid while it is (`Registration` unregisters
    // it only on drop); `phydev->lock` protects `state`, and is initialised when the device is
    // created (`phy_device_create()`, drivers/net/phy/phy_device.c, checked against 7.3.4).
    let state = unsafe {
        bindings::mutex_lock(&raw mut (*raw).lock);
        let state = (*raw).state;
        bindings::mutex_unlock(&raw mut (*raw).lock);
        state
    };
    Some(match state {
        bindings::phy_state_PHY_DOWN => "down",
        bindings::phy_state_PHY_READY => "ready",
        bindings::phy_state_PHY_HALTED => "halted",
        bindings::phy_state_PHY_ERROR => "error",
        bindings::phy_state_PHY_UP => "up",
        bindings::phy_state_PHY_RUNNING => "running",
        bindings::phy_state_PHY_NOLINK => "nolink",
        bindings::phy_state_PHY_CABLETEST => "cabletest",
        _ => "unknown",
    })
}
