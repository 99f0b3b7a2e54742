// SPDX-License-Identifier: GPL-2.0

//! The RV1000's datasheet as code: what its driver (`rust_phy`) and its model (`rust_vmdio`)
//! must agree on beyond the IEEE clause-22 registers of `mii.rs`.
//!
//! The datasheet itself is in the `rust_phy` module docs. Each side's KUnit suite also checks the
//! values it depends on against literal numbers from the datasheet, so a wrong value here fails
//! a test instead of being agreed on by both.

/// PHYSID1: the OUI's upper bits.
pub(crate) const PHYSID1: u16 = 0x02ab;
/// PHYSID2: the OUI's lower bits, model 1, revision 1.
pub(crate) const PHYSID2: u16 = 0xc011;
/// The PHY identifier phylib matches (`PHYSID1 << 16 | PHYSID2`).
pub(crate) const PHY_ID: u32 = (PHYSID1 as u32) << 16 | PHYSID2 as u32;

/// Address of PHYSTS, the vendor status register (read-only).
pub(crate) const RV_PHYSTS: u8 = 0x10;
/// Address of VCTRL, the vendor control register.
pub(crate) const RV_VCTRL: u8 = 0x11;

/// PHYSTS 15:14: the resolved speed (`0b00` 10, `0b01` 100, `0b10` 1000 Mb/s).
pub(crate) const PHYSTS_SPEED_SHIFT: u16 = 14;
/// PHYSTS: the speed field.
pub(crate) const PHYSTS_SPEED_MASK: u16 = 0b11 << PHYSTS_SPEED_SHIFT;
/// PHYSTS 13: full duplex.
pub(crate) const PHYSTS_DUPLEX: u16 = 1 << 13;
/// PHYSTS 11: speed and duplex are resolved.
pub(crate) const PHYSTS_RESOLVED: u16 = 1 << 11;
/// PHYSTS 10: link up (not latched).
pub(crate) const PHYSTS_LINK: u16 = 1 << 10;

/// VCTRL 4: automatic MDI/MDI-X crossover.
pub(crate) const VCTRL_AUTO_MDIX: u16 = 1 << 4;
/// VCTRL 1:0: LED mode, `0b10` link and activity.
pub(crate) const VCTRL_LED_LINK_ACTIVITY: u16 = 0b10;
/// VCTRL: the bits that can be written; the others read as zero.
pub(crate) const VCTRL_WRITABLE: u16 = 0x0013;

/// BMSR: 10/100 abilities, extended status, auto-negotiation ability, extended registers.
pub(crate) const BMSR_ABILITIES: u16 = 0x7909;

/// BMCR after reset: auto-negotiation enabled, 1000 Mb/s full duplex selected.
pub(crate) const BMCR_RESET_VALUE: u16 = 0x1140;
/// ADVERTISE after reset: every 10/100 mode, IEEE 802.3 selector.
pub(crate) const ADVERTISE_RESET_VALUE: u16 = 0x01e1;
/// CTRL1000 after reset: both 1000BASE-T modes.
pub(crate) const CTRL1000_RESET_VALUE: u16 = 0x0300;
