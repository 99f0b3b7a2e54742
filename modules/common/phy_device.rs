// SPDX-License-Identifier: GPL-2.0

//! Accessors of `struct phy_device` that 7.3's [`kernel::net::phy::Device`] does not offer.
//!
//! A PHY driver's `config_aneg` must know what phylib asks it to advertise
//! (`phydev->advertising`) or, with auto-negotiation off, which mode to force
//! (`phydev->speed`, `phydev->duplex`). A `read_status` that does not use the genphy helpers
//! must report the link (`phydev->link`, `phydev->autoneg_complete`) and resolve pause. The
//! kernel crate exposes none of these yet; [`PhyDeviceExt`] adds them with the same contract
//! as the methods of [`kernel::net::phy::Device`]. They are generic and belong there: this file
//! is meant to go away once they are upstream.
//!
//! # Examples
//!
//! A 10/100 PHY driver that does auto-negotiation with the clause-22 registers only:
//! `config_aneg` advertises what phylib asks for, `read_status` reports the link and the mode
//! negotiated:
//!
//! ```
//! use crate::{
//!     mii,
//!     phy_device::PhyDeviceExt, //
//! };
//! use kernel::{
//!     net::phy::{
//!         self,
//!         reg::C22,
//!         DeviceId,
//!         DuplexMode, //
//!     },
//!     prelude::*,
//! };
//!
//! struct Sample;
//!
//! #[vtable]
//! impl phy::Driver for Sample {
//!     const NAME: &'static CStr = c"Sample 10/100 PHY";
//!     const PHY_DEVICE_ID: DeviceId = DeviceId::new_with_model_mask(0x0123_4560);
//!
//!     fn config_aneg(dev: &mut phy::Device) -> Result {
//!         let advertise = mii::bits_of(dev.advertising(), &mii::BASE_PAGE_BITS);
//!         dev.write(C22::ADVERTISE, advertise | mii::ADVERTISE_CSMA)?;
//!         dev.write(C22::BMCR, mii::BMCR_ANENABLE | mii::BMCR_ANRESTART)
//!     }
//!
//!     fn read_status(dev: &mut phy::Device) -> Result<u16> {
//!         // BMSR's link bit latches low: the second read is the link now.
//!         dev.read(C22::BMSR)?;
//!         let bmsr = dev.read(C22::BMSR)?;
//!         let complete = bmsr & mii::BMSR_ANEGCOMPLETE != 0;
//!         dev.set_link(bmsr & mii::BMSR_LSTATUS != 0);
//!         dev.set_autoneg_complete(complete);
//!         if complete {
//!             let partner = mii::modes_of(dev.read(C22::LPA)?, &mii::BASE_PAGE_BITS);
//!             if let Some(mode) = dev.advertising().intersection(partner).best() {
//!                 dev.set_speed(mode.speed.mbps());
//!                 dev.set_duplex(if mode.full_duplex {
//!                     DuplexMode::Full
//!                 } else {
//!                     DuplexMode::Half
//!                 });
//!             }
//!             dev.genphy_read_lpa()?;
//!             dev.resolve_aneg_pause();
//!         }
//!         Ok(0)
//!     }
//! }
//! ```
//!
//! # Soundness
//!
//! Each premise about phylib or the kernel crate names the source it was checked against
//! (Linux 7.3.4).
//!
//! - phylib calls a driver's `read_status` and `config_aneg` with `phydev->lock` held:
//!   `phy_check_link_status()` and `_phy_start_aneg()` assert it (`lockdep_assert_held()`,
//!   drivers/net/phy/phy.c), and their other callers (`phy_start_aneg()`, `phy_speed_down()`,
//!   `phy_speed_up()`, `phy_loopback()` through `genphy_loopback()`) take it. phylib changes
//!   `advertising`, `speed`, `duplex`, `link` and `autoneg_complete` with that lock held
//!   (`phy_ethtool_ksettings_set()`, the state machine, the genphy status helpers), except
//!   while the PHY is not yet reachable by another thread (`phy_probe()`, phy_device.c).
//! - `link` and `autoneg_complete` are bitfields of one storage unit with `suspended`,
//!   `wol_enabled`, `is_genphy_driven`, `interrupts`, `irq_rerun` and others (`struct
//!   phy_device`, include/linux/phy.h). `set_link` and `set_autoneg_complete` rewrite that unit
//!   (bindgen's `set_*_raw` is a read-modify-write), as C's own `phydev->link = ...` does.
//!   phylib writes some of its bits without `phydev->lock`: `phy_suspend()` (`suspended`,
//!   `wol_enabled`, phy_device.c), `phy_attach_direct()`/`phy_detach()` (`is_genphy_driven`,
//!   `sysfs_links`), `phy_interrupt()` (`irq_rerun`, phy.c, only for a PHY with an interrupt
//!   line). None of those runs while the state machine calls `read_status` or `config_aneg` for
//!   a PHY of this collection (the state machine's own `phy_suspend()` runs after it in the
//!   same work item, `phy_stop()`'s in `PHY_HALTED`, where no `read_status` runs, and
//!   `phy_attach::StandalonePhy` detaches only a stopped PHY); C drivers share the
//!   same unit with the same writers.
//!
//! # What the types do not enforce: the calling callback
//!
//! Every [`phy::Driver`] callback gets the same `&mut phy::Device` (`Adapter::*_callback`,
//! rust/kernel/net/phy.rs), including `suspend` and `resume` (called "even though
//! `phy_device->lock` might not be held", in the kernel crate's words), `probe`, and
//! `soft_reset`, which `phy_init_hw()` calls from `phy_attach_direct()` without
//! `phydev->lock` (phy_device.c). So nothing in the types keeps a driver from calling these
//! accessors from a callback where phylib does not hold `phydev->lock`. There they race:
//! `advertising` and `forced_mode` read fields another thread may be changing under the lock
//! (`phy_ethtool_ksettings_set()`, called by `phy_attach::StandalonePhy::set_advertising`
//! or a MAC's ethtool), and `set_link`/`set_autoneg_complete` rewrite the unit that the state
//! machine writes under the lock. That is a data race, undefined behaviour in Rust's memory
//! model (on x86 the plain word accesses tear at most a value; no pointer is involved), reachable
//! from safe code that calls them from the wrong callback. The kernel crate's own accessors
//! (`phy::Device::set_speed()` and others) have the same hole for the same reason. What this file
//! does about it: the methods are documented for `config_aneg` and `read_status` only, `rust_phy`
//! calls them only there, and on a kernel with lock debugging (`CONFIG_DEBUG_LOCK_ALLOC`, the
//! debug flavour) each call warns when this thread does not hold `phydev->lock`
//! (`lock_is_held()`, as `lockdep_assert_held()` checks), so misuse fails `make check-debug`.
//!
//! C header: [`include/linux/phy.h`](srctree/include/linux/phy.h)

use kernel::{
    bindings,
    net::phy, //
};

use crate::phy_modes::{
    LinkModes,
    Mode,
    Speed, //
};

/// Extra accessors of a PHY device for use inside [`phy::Driver`] callbacks.
///
/// `advertising`, `forced_mode`, `set_link` and `set_autoneg_complete` are for `config_aneg`
/// and `read_status` only, which phylib calls with `phydev->lock` held; called from another
/// callback (`suspend`, `resume`, `probe`, `soft_reset`) they race with phylib. The types cannot
/// refuse that; a debug kernel warns (see the module's soundness notes).
pub(crate) trait PhyDeviceExt {
    /// The modes phylib asks the PHY to advertise (`phydev->advertising`).
    ///
    /// For `config_aneg` and `read_status` only (see the trait's docs).
    fn advertising(&self) -> LinkModes;

    /// The mode to force when auto-negotiation is off (`phydev->speed`, `phydev->duplex`),
    /// `None` when those fields hold no BASE-T mode.
    ///
    /// For `config_aneg` and `read_status` only (see the trait's docs).
    fn forced_mode(&self) -> Option<Mode>;

    /// Reports whether the link is up (`phydev->link`).
    ///
    /// For `config_aneg` and `read_status` only (see the trait's docs).
    fn set_link(&mut self, up: bool);

    /// Reports whether auto-negotiation has completed (`phydev->autoneg_complete`).
    ///
    /// For `config_aneg` and `read_status` only (see the trait's docs).
    fn set_autoneg_complete(&mut self, complete: bool);

    /// Resolves `phydev->pause` and `phydev->asym_pause` from the local advertisement and the
    /// link partner's (`phydev->lp_advertising`), like the genphy status helpers do.
    fn resolve_aneg_pause(&mut self);
}

/// The `struct phy_device` behind a [`phy::Device`].
fn raw(dev: &phy::Device) -> *mut bindings::phy_device {
    crate::raw::phy_device(dev)
}

/// The `struct phy_device` behind `dev`, for an accessor that is sound only with `phydev->lock`
/// held by this thread: on a kernel with lock debugging, warns when it is not.
fn raw_locked(dev: &phy::Device) -> *mut bindings::phy_device {
    let phydev = raw(dev);
    #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
    {
        // SAFETY: `phydev` points to a valid `struct phy_device` (type invariant of
        // `phy::Device`), whose mutex has a `dep_map` with lock debugging;
        // `lock_is_held_type()` only reads lockdep's state of this thread. It returns 0 only
        // when lockdep is on and the lock is not held (kernel/locking/lockdep.c, 7.3.4).
        let held = unsafe { bindings::lock_is_held_type(&raw const (*phydev).lock.dep_map, -1) };
        kernel::warn_on!(held == 0);
    }
    phydev
}

impl PhyDeviceExt for phy::Device {
    fn advertising(&self) -> LinkModes {
        let phydev = raw_locked(self);
        // SAFETY: By the type invariant of `phy::Device`, `phydev` points to a valid
        // `struct phy_device`. Called from `config_aneg` or `read_status`, as documented,
        // `phydev->lock` is held, which phylib holds whenever it changes `advertising`; from
        // another callback this read can race (the module's soundness notes: a hole the types
        // leave open, which `raw_locked` reports on a debug kernel).
        let bitmap = unsafe { &(*phydev).advertising };
        LinkModes::from_ethtool(bitmap)
    }

    fn forced_mode(&self) -> Option<Mode> {
        let phydev = raw_locked(self);
        // SAFETY: As in `advertising`: a valid `phy_device`; `speed` and `duplex` are changed
        // under `phydev->lock` too.
        let (speed, duplex) = unsafe { ((*phydev).speed, (*phydev).duplex) };
        let full_duplex = match u32::try_from(duplex) {
            Ok(bindings::DUPLEX_FULL) => true,
            Ok(bindings::DUPLEX_HALF) => false,
            _ => return None,
        };
        Some(Mode::new(Speed::from_mbps(speed)?, full_duplex))
    }

    fn set_link(&mut self, up: bool) {
        let phydev = raw_locked(self);
        // SAFETY: A valid `phy_device` (type invariant of `phy::Device`). The accessor does a
        // read-modify-write of the whole bitfield unit; from `read_status` or `config_aneg`, as
        // documented, `phydev->lock` is held and none of phylib's unlocked writers of that unit
        // runs meanwhile (the module's soundness notes list them, and the hole the types leave
        // for other callbacks).
        unsafe { bindings::phy_device::set_link_raw(phydev, up.into()) };
    }

    fn set_autoneg_complete(&mut self, complete: bool) {
        let phydev = raw_locked(self);
        // SAFETY: As in `set_link`.
        unsafe { bindings::phy_device::set_autoneg_complete_raw(phydev, complete.into()) };
    }

    fn resolve_aneg_pause(&mut self) {
        let phydev = raw(self);
        // SAFETY: `phydev` is valid (type invariant of `phy::Device`) and exclusively ours for
        // the callback; `phy_resolve_aneg_pause` only reads the link-mode bitmaps and writes
        // `pause`/`asym_pause`, like `phy::Device::resolve_aneg_linkmode` does.
        unsafe { bindings::phy_resolve_aneg_pause(phydev) };
    }
}
