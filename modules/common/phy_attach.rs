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
//!
//! # Examples
//!
//! Attaching the PHY at address 1 of a bus and starting phylib's state machine, which polls the
//! link once a second and logs its changes; dropping the attachment stops and detaches the PHY:
//!
//! ```
//! use crate::{
//!     mdio::{
//!         LinkObserver,
//!         LinkState,
//!         MdioBusOps,
//!         Registration, //
//!     },
//!     phy_attach::{
//!         LinkChanges,
//!         StandalonePhy, //
//!     },
//! };
//! use kernel::{
//!     prelude::*,
//!     sync::Arc, //
//! };
//!
//! struct LinkLog;
//!
//! impl LinkObserver for LinkLog {
//!     fn link_changed(&self, addr: u8, state: LinkState) {
//!         match state.mode {
//!             Some(mode) if state.up => {
//!                 pr_info!("PHY {addr}: up, {} Mb/s\n", mode.speed.mbps())
//!             }
//!             _ => pr_info!("PHY {addr}: down\n"),
//!         }
//!     }
//! }
//!
//! fn bring_up<T: MdioBusOps>(bus: &Arc<Registration<T>>) -> Result<StandalonePhy<T>> {
//!     let observer = Arc::new(LinkLog, GFP_KERNEL)?;
//!     let mut phy = StandalonePhy::attach(bus, 1, observer, LinkChanges::Polled)?;
//!     phy.start()?;
//!     Ok(phy)
//! }
//! ```

use core::ptr::{
    null_mut,
    NonNull, //
};

use kernel::{
    bindings,
    error::to_result,
    prelude::*,
    static_lock_class,
    sync::Arc, //
};

use crate::{
    delayed_call::{
        DelayedCall,
        DelayedTarget, //
    },
    mdio::{
        bus_data,
        LinkObserver,
        LinkState,
        MdioBusOps,
        Registration, //
    },
    phy_modes::LinkModes, //
};

/// A PHY of a [`Registration`] bus, attached without a `net_device`.
///
/// Dropping it stops the state machine, in whatever state phylib left it (`PHY_ERROR` included),
/// cancels its work, and detaches the PHY.
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
/// - `genphy` is phylib's genphy driver if [`StandalonePhy::attach`] bound it (and it was still
///   bound when the PHY was attached), NULL otherwise; it is only compared with `driver`.
/// - `kick` is `Some` until `drop` begins; its target's `phydev` is `phydev`.
///
/// # Soundness
///
/// Each premise about phylib or the driver core names the source it was checked against
/// (Linux 7.3.4).
///
/// - phylib calls `phy_link_change` (through `phy_link_up()`/`phy_link_down()`,
///   drivers/net/phy/phy.c) from the state machine and synchronously from `phy_stop()`, which
///   runs it, both with `phydev->lock` held (`phy_state_machine()`, `phy_stop()`); the other
///   callers (`phy_start_cable_test*()`, `phy_loopback()`, `phy_ethtool_set_eee_noneg()`) are
///   reached through a `net_device`'s ethtool or a MAC driver, which a standalone PHY does not
///   have.
/// - `phy_detach()` (phy_device.c) clears `phy_link_change` without `phydev->lock` and cancels no
///   work, and a run of the state machine queued before it would call the NULL pointer. A run is
///   queued in every started state and in `PHY_ERROR` (`phy_process_error()` re-queues it right
///   after setting that state), and `phy_stop()` accepts both (it warns only for other states)
///   and returns with the work cancelled (`phy_stop_machine()`: `cancel_delayed_work_sync()`).
///   `drop` therefore stops the machine in every state phylib accepts and cancels the work
///   again, under the device lock, before detaching (see [`StandalonePhy::stop_locked`]). It
///   holds an `Arc` of the bus registration, so the callback always finds the bus registered and
///   its observer slot filled.
/// - Nothing can call the default callback in the window before [`StandalonePhy::attach`]
///   replaces it: the state machine does not run before `phy_start()`. phy.c queues it from
///   `phy_start_machine()` (called by `phy_start()`), from the machine itself and
///   `phy_ethtool_ksettings_set()` only for a started machine, from `phy_process_error()` only
///   within those, from the interrupt paths (`phy_interrupt()`, drivers' `handle_interrupt`),
///   and from `phy_mac_interrupt()`, which this type calls only for a started machine. These
///   PHYs have no interrupt line of their own (`PHY_POLL` or `PHY_MAC_INTERRUPT`, for neither of
///   which `phy_request_interrupt()` is called).
/// - [`StandalonePhy::mac_interrupt`] queues the state machine only while it is started and a
///   driver is bound, checked under the device lock by a work item of its own ([`MacInterrupt`],
///   which `drop` cancels first): the state machine dereferences the driver, and
///   unbinding (`phy_remove()`, phy_device.c, called by the driver core under the same lock,
///   drivers/base/dd.c `device_release_driver_internal()`) cancels it synchronously before
///   clearing the driver.
/// - Binding: `phy_attach_direct()` binds genphy with `device_bind_driver()` without the device
///   lock that function requires; [`StandalonePhy::attach`] binds genphy itself under that lock
///   and calls `phy_attach_direct()` only with a driver bound (see
///   [`StandalonePhy::attach_direct`]).
///
/// # The PHY's driver may change under the attachment
///
/// Root can unbind the PHY's driver through sysfs while it is attached, and bind it (or another)
/// again; phylib does not prevent it. Unbinding (`phy_remove()`) cancels the state machine and
/// leaves the PHY in `PHY_DOWN` without a driver, without reporting the link down; binding again
/// (`phy_probe()`) leaves it `PHY_READY`, not started. phylib's state, not a flag of this type, is
/// therefore what [`StandalonePhy::start`], [`StandalonePhy::stop`] and
/// [`StandalonePhy::is_started`] act on, under the PHY device's lock (which the driver core holds
/// across bind and unbind, drivers/base/dd.c, 7.3.4): starting a PHY without a driver fails with
/// `ENODEV` instead of reaching `phy_start()`'s "called from state DOWN" WARN, and stopping one
/// without a driver does nothing instead of reaching the state machine's NULL `drv`.
///
/// `phy_detach()` drops the module reference `phy_attach_direct()` took on the driver bound at
/// attach time by looking at the driver bound at detach time (phy_device.c, 7.3.4). `drop`
/// balances what that gets wrong when the driver changed (see [`StandalonePhy::shut_down`]), so
/// the driver's module stays removable.
///
/// # Another attacher
///
/// phylib refuses a second attachment only through `phydev->attached_dev` (`phy_attach_direct()`,
/// 7.3.4), which stays NULL for a standalone PHY: an in-kernel MAC driver given this PHY could
/// attach it too, replacing `phy_link_change` (the observer would stop hearing of changes), and
/// this type's `drop` would then detach the MAC's attachment. Nothing in this collection does
/// that and user space cannot; the buses of [`Registration`] are meant for their module's own
/// use (see its soundness notes).
pub(crate) struct StandalonePhy<T: MdioBusOps> {
    bus: Arc<Registration<T>>,
    phydev: NonNull<bindings::phy_device>,
    addr: u8,
    pinned: *mut bindings::module,
    changes: LinkChanges,
    genphy: *const bindings::device_driver,
    kick: Option<Pin<KBox<DelayedCall<MacInterrupt>>>>,
}

/// What [`StandalonePhy::mac_interrupt`] leaves to process context: `phy_mac_interrupt()`, if
/// the state machine is started and a driver bound, checked under the device lock.
///
/// # Invariants
///
/// `phydev` is the PHY of the [`StandalonePhy`] that owns the [`DelayedCall`] of this target,
/// and valid until that [`DelayedCall`] is dropped (the [`StandalonePhy`] drops it first, and
/// keeps the bus, which keeps the PHY device, registered until then).
struct MacInterrupt {
    phydev: NonNull<bindings::phy_device>,
}

// SAFETY: `phydev` is only passed to phylib and device-lock functions, which may be called from
// any thread in process context.
unsafe impl Send for MacInterrupt {}
// SAFETY: `run`, the only method, may run on a worker thread while the owner uses the PHY: what it
// does is serialised by the device lock and `phydev->lock`, as for the owner's calls.
unsafe impl Sync for MacInterrupt {}

impl MacInterrupt {
    /// The work item of the attachment of `phydev`, not armed.
    fn new_call(phydev: NonNull<bindings::phy_device>) -> Result<Pin<KBox<DelayedCall<Self>>>> {
        let target = Arc::new(Self { phydev }, GFP_KERNEL)?;
        KBox::pin_init(
            DelayedCall::new(target, static_lock_class!(), static_lock_class!()),
            GFP_KERNEL,
        )
    }
}

impl DelayedTarget for MacInterrupt {
    fn run(&self) {
        let raw = self.phydev.as_ptr();
        // SAFETY: `raw` is valid (type invariant); this is `device_lock()`/`device_unlock()`
        // around the check of `machine()`, whose requirements that meets. Started with a driver
        // that the device lock keeps bound until `phy_remove()` has cancelled the queued state
        // machine (see the soundness notes of `StandalonePhy`), as `phy_mac_interrupt()` needs.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            if machine(raw) == Machine::Started {
                bindings::phy_mac_interrupt(raw);
            }
            bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
        }
    }
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
// every mutating method takes `&mut self`, `pinned` is only passed to `module_put()` and
// `genphy` only compared.
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
    /// Any other state (`PHY_ERROR` after a failed bus access; `PHY_DOWN` with a driver, which
    /// phylib does not leave): `phy_stop()` may be called, `phy_start()` may not.
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
    /// is already attached through this type, `ENOMEM`, the error of binding genphy when no driver was
    /// bound (its probe's, e.g. `EIO` when the PHY cannot be read), `EAGAIN` when root unbound
    /// that genphy again before the attach, or the error of `phy_attach_direct()` (e.g. `EIO`
    /// when its driver module is going away).
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

        let irq = match changes {
            LinkChanges::Polled => bindings::PHY_POLL,
            LinkChanges::MacInterrupt => bindings::PHY_MAC_INTERRUPT,
        };
        let attached = MacInterrupt::new_call(phydev)
            .and_then(|kick| Ok((kick, Self::attach_direct(phydev, irq)?)));
        let (kick, (pinned, genphy)) = match attached {
            Ok(attached) => attached,
            Err(err) => {
                if let Some(entry) = bus.data().observers().lock().get_mut(slot) {
                    *entry = None;
                }
                return Err(err);
            }
        };

        // INVARIANT: Attached standalone with our callback, observer in its slot; `pinned` is
        // the module `phy_attach_direct()` took a reference on; `irq` set as `changes` says;
        // `genphy` as `attach_direct` found it.
        Ok(Self {
            bus: bus.clone(),
            phydev,
            addr,
            pinned,
            changes,
            genphy,
            kick: Some(kick),
        })
    }

    /// Binds genphy when no driver is bound, then `phy_attach_direct()` and installs our
    /// callback and `irq`, all under the device lock; returns the module pinned by phylib and
    /// genphy's driver if this call bound it.
    ///
    /// `phy_attach_direct()` (drivers/net/phy/phy_device.c, checked against 7.3.4) binds genphy
    /// itself when `d->driver` is NULL, by calling the driver's probe and `device_bind_driver()`
    /// without taking the device lock, which `device_bind_driver()` requires (its kernel-doc in
    /// drivers/base/dd.c, 7.3.4): a PHY driver registered meanwhile (a module loaded
    /// asynchronously) could bind the PHY a second time. Holding the device lock around it is no
    /// cure: its error path, `phy_detach()`, takes that lock in `device_release_driver()` for a
    /// genphy it bound. So genphy is bound here first, through the driver core
    /// (`device_driver_attach()`, which takes the device lock and returns `EBUSY` when a driver
    /// is bound: dd.c `__driver_probe_device()`, 7.3.4), and `phy_attach_direct()` is then
    /// called under the device lock only with a driver bound: it binds nothing and its error path
    /// does not take the lock (`is_genphy_driven` stays 0). The lock also keeps the driver it
    /// pins bound until `pinned` is read.
    fn attach_direct(
        phydev: NonNull<bindings::phy_device>,
        irq: c_int,
    ) -> Result<(*mut bindings::module, *const bindings::device_driver)> {
        let raw = phydev.as_ptr();
        // SAFETY: `phydev` is a PHY device of a registered bus, which keeps it alive; `bus` of its
        // `struct device` is `mdio_bus_type`, set at registration and never changed.
        let genphy =
            unsafe { bindings::driver_find(c"Generic PHY".as_char_ptr(), (*raw).mdio.dev.bus) };
        if genphy.is_null() {
            return Err(ENODEV);
        }
        // SAFETY: `genphy` is phylib's genphy driver, registered for as long as phylib (built in,
        // or a module ours depends on) is loaded; the device is valid (see above).
        // `device_driver_attach()` takes the device lock itself, and refuses with `EBUSY` when a
        // driver is bound, which is the case this call leaves to `phy_attach_direct()`.
        let attached = unsafe { bindings::device_driver_attach(genphy, &raw mut (*raw).mdio.dev) };
        let bound = match attached {
            0 => true,
            ret if ret == EBUSY.to_errno() => false,
            ret => return Err(Error::from_errno(ret)),
        };
        // SAFETY: The device is valid. Under its lock no driver binds or unbinds. A driver is
        // bound when `phy_attach_direct()` is called, so it binds nothing and, on failure, calls
        // `phy_detach()` with `is_genphy_driven` clear, which does not take the device lock. A NULL
        // `net_device` is allowed and makes the PHY standalone; `phy_attach_direct()` takes its own
        // device reference. `phydev->lock` serialises the callback store with its readers and with
        // the state machine (not started yet), the device lock the `irq` store with `phy_probe()`:
        // the readers of `irq`. See the type's soundness notes for why nothing ran the default
        // callback.
        unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            let driver = (*raw).mdio.dev.driver;
            let result = if driver.is_null() {
                // Root unbound the genphy just bound: binding again could loop with root.
                Err(EAGAIN)
            } else {
                to_result(bindings::phy_attach_direct(
                    null_mut(),
                    raw,
                    0,
                    bindings::phy_interface_t_PHY_INTERFACE_MODE_GMII,
                ))
            };
            let result = result.map(|()| {
                bindings::mutex_lock(&raw mut (*raw).lock);
                (*raw).phy_link_change = Some(link_change_callback::<T>);
                (*raw).irq = irq;
                bindings::mutex_unlock(&raw mut (*raw).lock);
                driver_module(raw)
            });
            let ours = bound && core::ptr::eq(driver, genphy);
            bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
            match result {
                Ok(pinned) => Ok((pinned, if ours { genphy } else { core::ptr::null() })),
                Err(err) => {
                    if ours {
                        release_genphy(raw);
                    }
                    Err(err)
                }
            }
        }
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

    /// Starts phylib's state machine (`phy_start()`): resumes the PHY, configures
    /// auto-negotiation and polls the link. Does nothing if already started.
    ///
    /// # Errors
    ///
    /// `ENODEV` when no driver is bound to the PHY (it was unbound through sysfs), `EIO` when
    /// phylib put it in its error state: [`StandalonePhy::stop`] leaves that state.
    pub(crate) fn start(&mut self) -> Result {
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            match unsafe { machine(raw) } {
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
    /// PHY (its driver's `suspend`). Also leaves phylib's error state (`PHY_ERROR`, after a failed
    /// bus access), after which [`StandalonePhy::start`] may start it again. Does nothing when it
    /// is stopped already or no driver is bound.
    pub(crate) fn stop(&mut self) {
        self.with_device_lock(|raw| {
            // SAFETY: `raw` is our PHY and its device lock is held.
            unsafe { Self::stop_locked(raw) }
        })
    }

    /// [`StandalonePhy::stop`] with the device lock held: afterwards the state machine work is
    /// neither queued nor running, in every state.
    ///
    /// `phy_stop()` (drivers/net/phy/phy.c, checked against 7.3.4) accepts the started states,
    /// `PHY_DOWN` and `PHY_ERROR`; it sets `PHY_HALTED`, runs the state machine once
    /// synchronously (reporting the link down if `phydev->link` is set), suspends the PHY and
    /// cancels the work with `phy_stop_machine()` (`cancel_delayed_work_sync(&state_queue)`).
    /// In `PHY_ERROR` the work is queued: `phy_process_error()` re-queues it right after setting
    /// that state, and that run calls `phy_link_change`. With the work cancelled and the state
    /// `PHY_HALTED`, nothing queues it again while we hold the device lock: phylib re-queues only
    /// a started machine (`_phy_state_machine()`, `phy_trigger_machine()` callers), our
    /// [`StandalonePhy::mac_interrupt`] only a started one under this lock, and these PHYs have
    /// no interrupt of their own. Without a driver, `phy_remove()` has cancelled it (phy_device.c,
    /// 7.3.4) and nothing queues it.
    ///
    /// # Safety
    ///
    /// `raw` is this attachment's PHY and the caller holds its device lock.
    unsafe fn stop_locked(raw: *mut bindings::phy_device) {
        // SAFETY: By the safety requirements.
        match unsafe { machine(raw) } {
            Machine::Started | Machine::Failed => {
                // SAFETY: The PHY is attached and has a driver (kept bound by the device lock);
                // its state is one `phy_stop()` accepts (see above). It returns after the state
                // machine work was cancelled.
                unsafe { bindings::phy_stop(raw) };
            }
            Machine::Stopped | Machine::NoDriver => {}
        }
    }

    /// Tells phylib that the link may have changed, as a MAC's interrupt handler does with
    /// `phy_mac_interrupt()`: the state machine runs soon and reads the PHY. Does nothing when
    /// phylib polls this PHY, or the state machine is not started (no driver, stopped).
    ///
    /// May be called from any context, a hard interrupt handler (`irq::Handler::handle`)
    /// included, as `phy_mac_interrupt()` may. Whether the machine is started can only be
    /// checked under the device lock, which sleeps, so the call queues a work item that checks
    /// and calls `phy_mac_interrupt()` in process context (`mod_delayed_work_on()`, "safe to call
    /// from any context including IRQ handler": its kernel-doc in kernel/workqueue.c, checked
    /// against 7.3.4). Calls before that work has run make it run once.
    pub(crate) fn mac_interrupt(&self) {
        if self.changes != LinkChanges::MacInterrupt {
            return;
        }
        if let Some(kick) = &self.kick {
            kick.arm(0);
        }
    }

    /// Whether the state machine is started.
    pub(crate) fn is_started(&self) -> bool {
        // SAFETY: `raw` is our PHY and its device lock is held.
        self.with_device_lock(|raw| unsafe { machine(raw) }) == Machine::Started
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
            if unsafe { machine(raw) } == Machine::NoDriver {
                return Err(ENODEV);
            }
            // SAFETY: The PHY is attached and has a driver (kept bound by the device lock), and
            // `settings` is a valid, initialised request; the function takes `phydev->lock`.
            to_result(unsafe { bindings::phy_ethtool_ksettings_set(raw, &settings) })
        })
    }

    /// Stops the state machine and detaches (`phy_detach()`), balancing its module reference,
    /// all under the device lock; then releases the genphy that [`StandalonePhy::attach`] bound.
    ///
    /// `phy_detach()` (drivers/net/phy/phy_device.c, checked against 7.3.4) clears
    /// `phy_link_change` without `phydev->lock` and cancels nothing: a state machine run still
    /// queued would call it as NULL (`phy_link_down()`, phy.c). So the machine is stopped first,
    /// in every state (see [`StandalonePhy::stop_locked`]), and the work cancelled again
    /// (`cancel_delayed_work_sync()`, a no-op after `phy_stop()`) before the detach, under the
    /// same device lock, so that no `mac_interrupt` and no bind can come in between. The state
    /// machine does not take the device lock, so cancelling under it cannot deadlock.
    ///
    /// `phy_detach()` puts the module of the driver bound now, while `phy_attach_direct()` got
    /// the one bound then (`pinned`). If they differ (the driver was unbound, or another bound),
    /// get the current one for phylib to put, and put `pinned` ourselves. With the device lock
    /// held, nobody can change the driver in between. `phy_detach()` takes that lock itself only
    /// to release a genphy that `phy_attach_direct()` bound (`is_genphy_driven`), which never
    /// happens for our attachments (see [`StandalonePhy::attach_direct`]).
    fn shut_down(&mut self) {
        let raw = self.phydev.as_ptr();
        // SAFETY: Attached (type invariant). The device lock is held around the stop and the
        // detach; `current` and `pinned` are modules with a reference held (by phylib and by the
        // bound driver's binding).
        let release = unsafe {
            bindings::mutex_lock(&raw mut (*raw).mdio.dev.mutex);
            Self::stop_locked(raw);
            bindings::cancel_delayed_work_sync(&raw mut (*raw).state_queue);
            // Back to the bus's default for whoever attaches next, under both locks that
            // readers of `irq` hold (`phy_probe()` the device lock, the state machine the other).
            bindings::mutex_lock(&raw mut (*raw).lock);
            (*raw).irq = bindings::PHY_POLL;
            bindings::mutex_unlock(&raw mut (*raw).lock);
            let current = driver_module(raw);
            if current != self.pinned && !current.is_null() {
                bindings::__module_get(current);
            }
            // `phy_detach()` clears `phy_link_change` and drops its device reference.
            bindings::phy_detach(raw);
            if current != self.pinned && !self.pinned.is_null() {
                bindings::module_put(self.pinned);
            }
            let release =
                !self.genphy.is_null() && core::ptr::eq((*raw).mdio.dev.driver, self.genphy);
            bindings::mutex_unlock(&raw mut (*raw).mdio.dev.mutex);
            release
        };
        if release {
            // SAFETY: The PHY device stays valid: the bus (kept by `self.bus`) holds it.
            unsafe { release_genphy(raw) };
        }
    }
}

/// Unbinds genphy from `phydev`, as `phy_detach()` does for a genphy it bound, so that a PHY
/// driver loaded later can bind it.
///
/// `device_release_driver()` takes the device lock itself and releases whatever driver is bound
/// then (drivers/base/dd.c, checked against 7.3.4; the variant that checks the driver,
/// `device_release_driver_internal()`, is not exported). Root unbinding genphy and binding
/// another driver between the caller's check (under the lock) and this call would see that
/// driver unbound: no memory is at stake (the driver core serialises both), and `phy_detach()`
/// has the same window.
///
/// # Safety
///
/// `phydev` must be valid and not attached, and the caller must not hold its device lock.
unsafe fn release_genphy(phydev: *mut bindings::phy_device) {
    // SAFETY: `phydev` is valid (safety requirements); the function takes the device lock.
    unsafe { bindings::device_release_driver(&raw mut (*phydev).mdio.dev) };
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
        // Before the detach: a `mac_interrupt` still queued must not find the PHY detached, and
        // cancelling waits for a running one, which takes the device lock `shut_down` holds.
        self.kick = None;
        self.shut_down();
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
