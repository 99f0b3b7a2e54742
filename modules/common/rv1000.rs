// SPDX-License-Identifier: GPL-2.0

//! The RV1000 gigabit Ethernet PHY: its datasheet, and the datasheet as code, what its driver
//! (`rust_phy`) and its model (`rust_vmdio`) must agree on beyond the IEEE clause-22 registers of
//! `mii.rs`.
//!
//! Each side's KUnit suite also checks the values it depends on against literal numbers from the
//! datasheet, so a wrong value here fails a test instead of being agreed on by both.
//!
//! # Examples
//!
//! The mode an RV1000 reports in PHYSTS:
//!
//! ```
//! use crate::{
//!     phy_modes::{
//!         Mode,
//!         Speed, //
//!     },
//!     rv1000::{
//!         PHYSTS_DUPLEX,
//!         PHYSTS_LINK,
//!         PHYSTS_RESOLVED,
//!         PHYSTS_SPEED_MASK,
//!         PHYSTS_SPEED_SHIFT, //
//!     },
//! };
//!
//! /// `None` while the link is down or its mode not resolved.
//! fn resolved_mode(physts: u16) -> Option<Mode> {
//!     if physts & PHYSTS_LINK == 0 || physts & PHYSTS_RESOLVED == 0 {
//!         return None;
//!     }
//!     let speed = match (physts & PHYSTS_SPEED_MASK) >> PHYSTS_SPEED_SHIFT {
//!         0b00 => Speed::Mbps10,
//!         0b01 => Speed::Mbps100,
//!         0b10 => Speed::Mbps1000,
//!         _ => return None,
//!     };
//!     Some(Mode::new(speed, physts & PHYSTS_DUPLEX != 0))
//! }
//!
//! assert_eq!(resolved_mode(0xac00), Some(Mode::new(Speed::Mbps1000, true)));
//! assert_eq!(resolved_mode(0x0000), None);
//! ```
//!
//! # Datasheet
//!
//! ## Identification
//!
//! PHY identifier `0x02ab_c011`: PHYSID1 = `0x02ab`, PHYSID2 = `0xc011` (bits of an invented
//! OUI, model number 1 in bits 9:4, silicon revision 1 in bits 3:0). The driver matches every
//! revision of model 1.
//!
//! ## Management interface
//!
//! Clause 22 only; the PHY answers at the address set by its strap pins (the emulation uses 1).
//! Reads of unimplemented registers return 0 and writes to them or to read-only registers are
//! ignored. The management interface stays active in power-down.
//!
//! ## Register map
//!
//! | Addr | Name     | Access | Reset    | Contents |
//! |------|----------|--------|----------|----------|
//! | 0x00 | BMCR     | RW, SC | `0x1140` | 15 RESET (self-clearing), 14 LOOPBACK, 13 SPEED100, 12 ANENABLE, 11 PDOWN, 10 ISOLATE, 9 ANRESTART (self-clearing), 8 FULLDPLX, 6 SPEED1000 |
//! | 0x01 | BMSR     | RO, LL | `0x7909` | 14..11 10/100 half/full abilities, 8 ESTATEN, 5 ANEGCOMPLETE, 3 ANEGCAPABLE, 2 LSTATUS (latched low), 0 ERCAP |
//! | 0x02 | PHYSID1  | RO     | `0x02ab` | identifier bits 31..16 |
//! | 0x03 | PHYSID2  | RO     | `0xc011` | identifier bits 15..0 |
//! | 0x04 | ADVERTISE| RW     | `0x01e1` | 11 PAUSE_ASYM, 10 PAUSE_CAP, 8 100FULL, 7 100HALF, 6 10FULL, 5 10HALF, 4..0 selector (`00001`, IEEE 802.3) |
//! | 0x05 | LPA      | RO     | `0x0000` | link partner base page, valid while ANEGCOMPLETE; 14 LPACK |
//! | 0x09 | CTRL1000 | RW     | `0x0300` | 9 1000FULL, 8 1000HALF advertised |
//! | 0x0a | STAT1000 | RO     | `0x0000` | 13 LOCALRXOK, 12 REMRXOK, 11 partner 1000FULL, 10 partner 1000HALF |
//! | 0x0f | ESTATUS  | RO     | `0x3000` | 13 1000BASE-T full, 12 1000BASE-T half |
//! | 0x10 | PHYSTS   | RO     | `0x0000` | resolved link, see below |
//! | 0x11 | VCTRL    | RW, ST | `0x0000` | front-end and LED configuration, see below |
//!
//! RW: read/write; RO: read-only; SC: self-clearing; LL: latched low (LSTATUS reads 0 once
//! after any link loss, then the current state); ST: sticky, not changed by BMCR.RESET.
//!
//! ### PHYSTS (0x10), PHY status
//!
//! | Bits  | Name     | Meaning |
//! |-------|----------|---------|
//! | 15:14 | SPEED    | resolved speed: `00` 10 Mb/s, `01` 100 Mb/s, `10` 1000 Mb/s, `11` reserved |
//! | 13    | DUPLEX   | resolved duplex: 1 full, 0 half |
//! | 11    | RESOLVED | SPEED and DUPLEX are valid |
//! | 10    | LINK     | real-time link status (not latched) |
//!
//! With auto-negotiation the resolution is the best mode both ends advertise, in the priority
//! order of IEEE 802.3 annex 28B.3; without it, the mode forced in BMCR. The register reads 0
//! while the link is down.
//!
//! ### VCTRL (0x11), vendor control
//!
//! | Bits | Name      | Meaning |
//! |------|-----------|---------|
//! | 4    | AUTO_MDIX | automatic MDI/MDI-X crossover: 1 enabled |
//! | 1:0  | LED_MODE  | `00` LED off, `01` link, `10` link and activity, `11` reserved |
//!
//! VCTRL is reset to 0 only at power-on; BMCR.RESET keeps it, so it is programmed once.
//!
//! ## Behaviour
//!
//! - BMCR.RESET returns BMCR, ADVERTISE and CTRL1000 to their reset values, drops the link and
//!   restarts auto-negotiation; it completes within 500 ms.
//! - The link (re)starts on reset, BMCR.ANRESTART, any change of ANENABLE, SPEED100,
//!   SPEED1000 or FULLDPLX, leaving power-down, cable plug-in and a link partner restart.
//!   Auto-negotiation takes up to 500 ms; ADVERTISE and CTRL1000 take effect at the next
//!   start. With ANENABLE clear the forced mode comes up if the partner supports it (parallel
//!   detection).
//! - BMCR.PDOWN drops the link and keeps every register; clearing it restarts negotiation.

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
