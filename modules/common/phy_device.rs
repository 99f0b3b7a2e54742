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
pub(crate) trait PhyDeviceExt {
    /// The modes phylib asks the PHY to advertise (`phydev->advertising`).
    ///
    /// For `config_aneg` and `read_status`, which phylib calls with `phydev->lock` held; not
    /// for `suspend`, `resume` or `probe`, which can run while another thread changes it.
    fn advertising(&self) -> LinkModes;

    /// The mode to force when auto-negotiation is off (`phydev->speed`, `phydev->duplex`),
    /// `None` when those fields hold no BASE-T mode.
    fn forced_mode(&self) -> Option<Mode>;

    /// Reports whether the link is up (`phydev->link`).
    fn set_link(&mut self, up: bool);

    /// Reports whether auto-negotiation has completed (`phydev->autoneg_complete`).
    fn set_autoneg_complete(&mut self, complete: bool);

    /// Resolves `phydev->pause` and `phydev->asym_pause` from the local advertisement and the
    /// link partner's (`phydev->lp_advertising`), like the genphy status helpers do.
    fn resolve_aneg_pause(&mut self);
}

/// The `struct phy_device` behind a [`phy::Device`].
fn raw(dev: &phy::Device) -> *mut bindings::phy_device {
    crate::raw::phy_device(dev)
}

impl PhyDeviceExt for phy::Device {
    fn advertising(&self) -> LinkModes {
        let phydev = raw(self);
        // SAFETY: By the type invariant of `phy::Device`, `phydev` points to a valid
        // `struct phy_device` and we are in a context (a driver callback) where its fields may
        // be accessed, as for the kernel crate's own accessors. This is meant for `config_aneg`
        // and `read_status`, which phylib calls with `phydev->lock` held, the lock it holds
        // whenever it changes `advertising` (`suspend` and `probe` run without it and must not
        // call this).
        let bitmap = unsafe { &(*phydev).advertising };
        LinkModes::from_ethtool(bitmap)
    }

    fn forced_mode(&self) -> Option<Mode> {
        let phydev = raw(self);
        // SAFETY: As in `advertising`: a valid `phy_device`, fields readable in this context.
        let (speed, duplex) = unsafe { ((*phydev).speed, (*phydev).duplex) };
        let full_duplex = match u32::try_from(duplex) {
            Ok(bindings::DUPLEX_FULL) => true,
            Ok(bindings::DUPLEX_HALF) => false,
            _ => return None,
        };
        Some(Mode::new(Speed::from_mbps(speed)?, full_duplex))
    }

    fn set_link(&mut self, up: bool) {
        let phydev = raw(self);
        // SAFETY: A valid `phy_device` (type invariant of `phy::Device`); `&mut self` is the
        // callback's exclusive access to it, as for `phy::Device::set_speed`. The accessor does
        // a read-modify-write of the whole bitfield unit (`link` shares it with `autoneg`,
        // `pause`, `interrupts` and others); phylib writes those bits only with `phydev->lock`
        // held, as `genphy_update_link()` does, and holds it across `read_status`, the callback
        // this is for. (`irq_rerun`, written by `phy_interrupt()` without the lock, is C's own
        // race and concerns only PHYs with an interrupt; these are polled.)
        unsafe { bindings::phy_device::set_link_raw(phydev, up.into()) };
    }

    fn set_autoneg_complete(&mut self, complete: bool) {
        let phydev = raw(self);
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
