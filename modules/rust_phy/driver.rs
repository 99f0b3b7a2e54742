// SPDX-License-Identifier: GPL-2.0

//! The PHY driver: phylib's callbacks, and the register logic behind them, generic over
//! [`Registers`].

#![deny(unsafe_code)]

use kernel::{
    io::poll::read_poll_timeout,
    net::phy::{
        self,
        reg::C22,
        DeviceId,
        Driver, //
    },
    prelude::*,
    time::Delta,
    uapi, //
};

use crate::{
    mii::{
        bits_of,
        ADVERTISE_1000FULL,
        ADVERTISE_1000HALF,
        ADVERTISE_100FULL,
        ADVERTISE_100HALF,
        ADVERTISE_10FULL,
        ADVERTISE_10HALF,
        ADVERTISE_PAUSE_ASYM,
        ADVERTISE_PAUSE_CAP,
        BASE_PAGE_BITS,
        BMCR_ANENABLE,
        BMCR_ANRESTART,
        BMCR_FULLDPLX,
        BMCR_ISOLATE,
        BMCR_RESET,
        BMCR_SPEED100,
        BMCR_SPEED1000,
        BMSR_ANEGCOMPLETE,
        BMSR_LSTATUS,
        CTRL1000_BITS, //
    },
    phy_device::PhyDeviceExt,
    phy_modes::{
        LinkModes,
        Mode,
        Speed, //
    },
    rv1000::{
        PHYSTS_DUPLEX,
        PHYSTS_LINK,
        PHYSTS_RESOLVED,
        PHYSTS_SPEED_MASK,
        PHYSTS_SPEED_SHIFT,
        PHY_ID,
        RV_PHYSTS,
        RV_VCTRL,
        VCTRL_AUTO_MDIX,
        VCTRL_LED_LINK_ACTIVITY, //
    }, //
};

/// The ADVERTISE bits `config_aneg` owns; the selector and the rest are kept.
const ADVERTISE_MANAGED: u16 = ADVERTISE_10HALF
    | ADVERTISE_10FULL
    | ADVERTISE_100HALF
    | ADVERTISE_100FULL
    | ADVERTISE_PAUSE_CAP
    | ADVERTISE_PAUSE_ASYM;

/// How often and how long `soft_reset` polls BMCR.RESET (datasheet: done within 500 ms).
const RESET_POLL_INTERVAL: Delta = Delta::from_millis(10);
const RESET_TIMEOUT: Delta = Delta::from_millis(600);

/// The RV1000 registers the driver uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reg {
    /// BMCR (0x00), basic mode control.
    Bmcr,
    /// BMSR (0x01), basic mode status; read-only.
    Bmsr,
    /// ADVERTISE (0x04), auto-negotiation advertisement (10/100 modes and pause).
    Advertise,
    /// CTRL1000 (0x09), 1000BASE-T control (1000 Mb/s modes advertised).
    Ctrl1000,
    /// PHYSTS (0x10), the vendor status register with the resolved link; read-only.
    Physts,
    /// VCTRL (0x11), the vendor control register (crossover and LEDs).
    Vctrl,
}

/// Register access to one RV1000: the real PHY through phylib, or a test double.
pub(crate) trait Registers {
    /// Reads a register.
    fn read_reg(&mut self, reg: Reg) -> Result<u16>;

    /// Writes a register.
    ///
    /// # Errors
    ///
    /// `EINVAL` for the read-only BMSR and PHYSTS; MDIO errors as they come.
    fn write_reg(&mut self, reg: Reg, val: u16) -> Result;

    /// Read-modify-write: clears the bits of `clear`, then sets those of `set`, writing only if
    /// that changes the value (as C's `phy_modify_changed()`). Returns whether it did.
    ///
    /// The read and the write are two MDIO transactions, not one under the bus lock (7.3's
    /// kernel crate does not bind `phy_modify_changed()`). The caller, `config_aneg`, runs with
    /// `phydev->lock` held, which serialises it with the other callbacks but `suspend`: phylib
    /// calls that one without the lock (from `phy_stop()` and `phy_detach()`), so only their
    /// caller keeps the two apart, by serialising those with the ethtool operations (RTNL for
    /// a MAC driver, a mutex of its own for `rust_vmdio`).
    fn modify_reg(&mut self, reg: Reg, clear: u16, set: u16) -> Result<bool> {
        let old = self.read_reg(reg)?;
        let new = (old & !clear) | set;
        if new == old {
            return Ok(false);
        }
        self.write_reg(reg, new)?;
        Ok(true)
    }

    /// Sets (`down`) or clears BMCR.PDOWN, keeping the other BMCR bits, in one read-modify-write
    /// that no other access to the PHY can interleave with (`genphy_suspend()` and
    /// `genphy_resume()` for the real PHY).
    fn set_power_down(&mut self, down: bool) -> Result;
}

impl Registers for phy::Device {
    fn read_reg(&mut self, reg: Reg) -> Result<u16> {
        match reg {
            Reg::Bmcr => self.read(C22::BMCR),
            Reg::Bmsr => self.read(C22::BMSR),
            Reg::Advertise => self.read(C22::ADVERTISE),
            Reg::Ctrl1000 => self.read(C22::MASTER_SLAVE_CONTROL),
            Reg::Physts => self.read(C22::vendor_specific::<RV_PHYSTS>()),
            Reg::Vctrl => self.read(C22::vendor_specific::<RV_VCTRL>()),
        }
    }

    fn write_reg(&mut self, reg: Reg, val: u16) -> Result {
        match reg {
            Reg::Bmcr => self.write(C22::BMCR, val),
            Reg::Advertise => self.write(C22::ADVERTISE, val),
            Reg::Ctrl1000 => self.write(C22::MASTER_SLAVE_CONTROL, val),
            Reg::Bmsr | Reg::Physts => Err(EINVAL),
            Reg::Vctrl => self.write(C22::vendor_specific::<RV_VCTRL>(), val),
        }
    }

    fn set_power_down(&mut self, down: bool) -> Result {
        // `phy_set_bits()`/`phy_clear_bits()` on BMCR: `phy_modify()`, under `mdio_lock`.
        if down {
            self.genphy_suspend()
        } else {
            self.genphy_resume()
        }
    }
}

/// What `config_aneg` is asked to set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnegRequest {
    /// Auto-negotiate, advertising these modes.
    Advertise(LinkModes),
    /// No auto-negotiation: force this mode.
    Force(Mode),
}

/// The link as `read_status` found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LinkStatus {
    pub(crate) up: bool,
    pub(crate) autoneg_complete: bool,
    /// The resolved mode; `None` while the link is down.
    pub(crate) mode: Option<Mode>,
}

/// Programs the one-time configuration (VCTRL survives soft resets).
pub(crate) fn probe_config(regs: &mut impl Registers) -> Result {
    regs.write_reg(Reg::Vctrl, VCTRL_AUTO_MDIX | VCTRL_LED_LINK_ACTIVITY)
}

/// Resets the PHY through BMCR.RESET and waits for the reset to complete.
///
/// # Errors
///
/// `ETIMEDOUT` if BMCR.RESET is still set after [`RESET_TIMEOUT`]; MDIO errors as they come.
pub(crate) fn soft_reset(regs: &mut impl Registers) -> Result {
    regs.write_reg(Reg::Bmcr, BMCR_RESET)?;
    read_poll_timeout(
        || regs.read_reg(Reg::Bmcr),
        |bmcr| bmcr & BMCR_RESET == 0,
        RESET_POLL_INTERVAL,
        RESET_TIMEOUT,
    )?;
    Ok(())
}

/// Programs auto-negotiation or a forced mode as `request` says.
///
/// # Errors
///
/// `EINVAL` when asked to advertise no speed/duplex mode at all (nothing is written then);
/// MDIO errors as they come.
pub(crate) fn config_aneg(regs: &mut impl Registers, request: AnegRequest) -> Result {
    match request {
        AnegRequest::Force(mode) => {
            let speed = match mode.speed {
                Speed::Mbps10 => 0,
                Speed::Mbps100 => BMCR_SPEED100,
                Speed::Mbps1000 => BMCR_SPEED1000,
            };
            let duplex = if mode.full_duplex { BMCR_FULLDPLX } else { 0 };
            regs.modify_reg(
                Reg::Bmcr,
                BMCR_ANENABLE | BMCR_SPEED100 | BMCR_SPEED1000 | BMCR_FULLDPLX | BMCR_ISOLATE,
                speed | duplex,
            )?;
            Ok(())
        }
        AnegRequest::Advertise(modes) => {
            if modes.intersection(LinkModes::ALL_BASET).is_empty() {
                return Err(EINVAL);
            }
            let advertise_changed = regs.modify_reg(
                Reg::Advertise,
                ADVERTISE_MANAGED,
                bits_of(modes, &BASE_PAGE_BITS),
            )?;
            let ctrl1000_changed = regs.modify_reg(
                Reg::Ctrl1000,
                ADVERTISE_1000FULL | ADVERTISE_1000HALF,
                bits_of(modes, &CTRL1000_BITS),
            )?;
            check_and_restart_aneg(regs, advertise_changed || ctrl1000_changed)
        }
    }
}

/// Restarts auto-negotiation if the advertisement `changed` (it only takes effect at the next
/// start), or if BMCR shows negotiation off or the PHY isolated; otherwise leaves the link
/// alone. C's `genphy_check_and_restart_aneg()`.
fn check_and_restart_aneg(regs: &mut impl Registers, changed: bool) -> Result {
    if !changed {
        let bmcr = regs.read_reg(Reg::Bmcr)?;
        if bmcr & BMCR_ANENABLE != 0 && bmcr & BMCR_ISOLATE == 0 {
            return Ok(());
        }
    }
    // ANRESTART reads 0 (self-clearing), so this always writes.
    regs.modify_reg(Reg::Bmcr, BMCR_ISOLATE, BMCR_ANENABLE | BMCR_ANRESTART)?;
    Ok(())
}

/// Decodes PHYSTS; `None` unless it reports a link with a valid resolution.
fn decode_physts(physts: u16) -> Option<Mode> {
    if physts & (PHYSTS_LINK | PHYSTS_RESOLVED) != PHYSTS_LINK | PHYSTS_RESOLVED {
        return None;
    }
    let speed = match (physts & PHYSTS_SPEED_MASK) >> PHYSTS_SPEED_SHIFT {
        0b00 => Speed::Mbps10,
        0b01 => Speed::Mbps100,
        0b10 => Speed::Mbps1000,
        _ => return None,
    };
    Some(Mode::new(speed, physts & PHYSTS_DUPLEX != 0))
}

/// Reads the link state.
///
/// `was_up` is the link state last reported: BMSR.LSTATUS is latched low, so the first read
/// after a link loss reads 0 even if the link came back. While the link was up a single read
/// is taken so that a short drop is reported; while it was down, the second read gives the
/// current state.
pub(crate) fn read_status(
    regs: &mut impl Registers,
    was_up: bool,
    autoneg: bool,
) -> Result<LinkStatus> {
    let mut bmsr = regs.read_reg(Reg::Bmsr)?;
    if !was_up {
        bmsr = regs.read_reg(Reg::Bmsr)?;
    }
    let autoneg_complete = bmsr & BMSR_ANEGCOMPLETE != 0;
    let mut mode = None;
    if bmsr & BMSR_LSTATUS != 0 && (!autoneg || autoneg_complete) {
        mode = decode_physts(regs.read_reg(Reg::Physts)?);
    }
    Ok(LinkStatus {
        up: mode.is_some(),
        autoneg_complete,
        mode,
    })
}

/// Enters power-down (BMCR.PDOWN), keeping the configuration.
pub(crate) fn suspend(regs: &mut impl Registers) -> Result {
    regs.set_power_down(true)
}

/// Leaves power-down; the PHY restarts negotiation with the kept configuration.
pub(crate) fn resume(regs: &mut impl Registers) -> Result {
    regs.set_power_down(false)
}

pub(crate) struct Rv1000;

#[vtable]
impl Driver for Rv1000 {
    const NAME: &'static CStr = c"RV1000 Gigabit PHY";
    const PHY_DEVICE_ID: DeviceId = DeviceId::new_with_model_mask(PHY_ID);

    fn probe(dev: &mut phy::Device) -> Result {
        probe_config(dev)
    }

    fn soft_reset(dev: &mut phy::Device) -> Result {
        soft_reset(dev)
    }

    fn config_aneg(dev: &mut phy::Device) -> Result {
        let request = if dev.is_autoneg_enabled() {
            AnegRequest::Advertise(dev.advertising())
        } else {
            AnegRequest::Force(dev.forced_mode().ok_or(EINVAL)?)
        };
        config_aneg(dev, request)
    }

    fn read_status(dev: &mut phy::Device) -> Result<u16> {
        let was_up = dev.is_link_up();
        let autoneg = dev.is_autoneg_enabled();
        let status = read_status(dev, was_up, autoneg)?;

        dev.set_link(status.up);
        dev.set_autoneg_complete(status.autoneg_complete);
        match status.mode {
            Some(mode) => {
                dev.set_speed(mode.speed.mbps());
                dev.set_duplex(if mode.full_duplex {
                    phy::DuplexMode::Full
                } else {
                    phy::DuplexMode::Half
                });
            }
            // Without auto-negotiation phylib keeps the forced mode in speed/duplex.
            None if autoneg => {
                // CAST: `set_speed` stores the value as a C int, giving back SPEED_UNKNOWN (-1).
                dev.set_speed(uapi::SPEED_UNKNOWN as u32);
                dev.set_duplex(phy::DuplexMode::Unknown);
            }
            None => {}
        }
        if autoneg {
            // Partner abilities for ethtool; cleared by phylib while negotiation is incomplete.
            dev.genphy_read_lpa()?;
            dev.resolve_aneg_pause();
        }
        Ok(0)
    }

    fn suspend(dev: &mut phy::Device) -> Result {
        suspend(dev)
    }

    fn resume(dev: &mut phy::Device) -> Result {
        resume(dev)
    }
}
