// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.3 clause-22 register addresses and bits as the values MDIO carries.
//!
//! C header: [`include/uapi/linux/mii.h`](srctree/include/uapi/linux/mii.h)
//!
//! The kernel crate's `uapi` bindings give these as `u32`; a PHY driver and a PHY model
//! both need them as register values. The RV1000's own registers are in `rv1000.rs`.
//!
//! # Examples
//!
//! The modes in an ADVERTISE (or LPA) register value, and back:
//!
//! ```
//! use crate::{
//!     mii,
//!     phy_modes::LinkModes, //
//! };
//!
//! let advertise = mii::ADVERTISE_100FULL | mii::ADVERTISE_10HALF | mii::ADVERTISE_CSMA;
//! let modes = mii::modes_of(advertise, &mii::BASE_PAGE_BITS);
//! assert_eq!(modes, LinkModes::BASET100_FULL.union(LinkModes::BASET10_HALF));
//! assert_eq!(mii::bits_of(modes, &mii::BASE_PAGE_BITS), advertise & !mii::ADVERTISE_CSMA);
//! ```

use kernel::uapi;

use crate::phy_modes::LinkModes;

/// BMCR: software reset, self-clearing.
pub(crate) const BMCR_RESET: u16 = uapi::BMCR_RESET as u16;
/// BMCR: forced speed, low bit (100 Mb/s).
pub(crate) const BMCR_SPEED100: u16 = uapi::BMCR_SPEED100 as u16;
/// BMCR: auto-negotiation enabled.
pub(crate) const BMCR_ANENABLE: u16 = uapi::BMCR_ANENABLE as u16;
/// BMCR: power down.
pub(crate) const BMCR_PDOWN: u16 = uapi::BMCR_PDOWN as u16;
/// BMCR: electrically isolated from the MII.
pub(crate) const BMCR_ISOLATE: u16 = uapi::BMCR_ISOLATE as u16;
/// BMCR: restart auto-negotiation, self-clearing.
pub(crate) const BMCR_ANRESTART: u16 = uapi::BMCR_ANRESTART as u16;
/// BMCR: forced full duplex.
pub(crate) const BMCR_FULLDPLX: u16 = uapi::BMCR_FULLDPLX as u16;
/// BMCR: forced speed, high bit (1000 Mb/s).
pub(crate) const BMCR_SPEED1000: u16 = uapi::BMCR_SPEED1000 as u16;

/// BMSR: link up (latched low).
pub(crate) const BMSR_LSTATUS: u16 = uapi::BMSR_LSTATUS as u16;
/// BMSR: auto-negotiation complete.
pub(crate) const BMSR_ANEGCOMPLETE: u16 = uapi::BMSR_ANEGCOMPLETE as u16;

/// ADVERTISE and LPA: 10BASE-T half duplex.
pub(crate) const ADVERTISE_10HALF: u16 = uapi::ADVERTISE_10HALF as u16;
/// ADVERTISE and LPA: 10BASE-T full duplex.
pub(crate) const ADVERTISE_10FULL: u16 = uapi::ADVERTISE_10FULL as u16;
/// ADVERTISE and LPA: 100BASE-TX half duplex.
pub(crate) const ADVERTISE_100HALF: u16 = uapi::ADVERTISE_100HALF as u16;
/// ADVERTISE and LPA: 100BASE-TX full duplex.
pub(crate) const ADVERTISE_100FULL: u16 = uapi::ADVERTISE_100FULL as u16;
/// ADVERTISE and LPA: symmetric pause.
pub(crate) const ADVERTISE_PAUSE_CAP: u16 = uapi::ADVERTISE_PAUSE_CAP as u16;
/// ADVERTISE and LPA: asymmetric pause.
pub(crate) const ADVERTISE_PAUSE_ASYM: u16 = uapi::ADVERTISE_PAUSE_ASYM as u16;
/// ADVERTISE and LPA: the IEEE 802.3 selector field.
pub(crate) const ADVERTISE_CSMA: u16 = uapi::ADVERTISE_CSMA as u16;
/// LPA: the link partner acknowledged our base page.
pub(crate) const LPA_LPACK: u16 = uapi::LPA_LPACK as u16;

/// CTRL1000: advertise 1000BASE-T full duplex.
pub(crate) const ADVERTISE_1000FULL: u16 = uapi::ADVERTISE_1000FULL as u16;
/// CTRL1000: advertise 1000BASE-T half duplex.
pub(crate) const ADVERTISE_1000HALF: u16 = uapi::ADVERTISE_1000HALF as u16;

/// STAT1000: the link partner can do 1000BASE-T full duplex.
pub(crate) const LPA_1000FULL: u16 = uapi::LPA_1000FULL as u16;
/// STAT1000: the link partner can do 1000BASE-T half duplex.
pub(crate) const LPA_1000HALF: u16 = uapi::LPA_1000HALF as u16;
/// STAT1000: local and remote receivers OK.
pub(crate) const LPA_1000_RX_OK: u16 = (uapi::LPA_1000LOCALRXOK | uapi::LPA_1000REMRXOK) as u16;

/// ESTATUS: 1000BASE-T half and full duplex abilities.
pub(crate) const ESTATUS_1000_T: u16 = (uapi::ESTATUS_1000_TFULL | uapi::ESTATUS_1000_THALF) as u16;

/// BMCR's address.
pub(crate) const MII_BMCR: u8 = uapi::MII_BMCR as u8;
/// BMSR's address.
pub(crate) const MII_BMSR: u8 = uapi::MII_BMSR as u8;
/// PHYSID1's address.
pub(crate) const MII_PHYSID1: u8 = uapi::MII_PHYSID1 as u8;
/// PHYSID2's address.
pub(crate) const MII_PHYSID2: u8 = uapi::MII_PHYSID2 as u8;
/// ADVERTISE's address.
pub(crate) const MII_ADVERTISE: u8 = uapi::MII_ADVERTISE as u8;
/// LPA's address.
pub(crate) const MII_LPA: u8 = uapi::MII_LPA as u8;
/// CTRL1000's address.
pub(crate) const MII_CTRL1000: u8 = uapi::MII_CTRL1000 as u8;
/// STAT1000's address.
pub(crate) const MII_STAT1000: u8 = uapi::MII_STAT1000 as u8;
/// ESTATUS's address.
pub(crate) const MII_ESTATUS: u8 = uapi::MII_ESTATUS as u8;

/// Where a 10/100 mode or pause bit sits in ADVERTISE and LPA (same layout).
pub(crate) const BASE_PAGE_BITS: [(LinkModes, u16); 6] = [
    (LinkModes::BASET10_HALF, ADVERTISE_10HALF),
    (LinkModes::BASET10_FULL, ADVERTISE_10FULL),
    (LinkModes::BASET100_HALF, ADVERTISE_100HALF),
    (LinkModes::BASET100_FULL, ADVERTISE_100FULL),
    (LinkModes::PAUSE, ADVERTISE_PAUSE_CAP),
    (LinkModes::ASYM_PAUSE, ADVERTISE_PAUSE_ASYM),
];

/// Where a 1000BASE-T mode sits in CTRL1000.
pub(crate) const CTRL1000_BITS: [(LinkModes, u16); 2] = [
    (LinkModes::BASET1000_HALF, ADVERTISE_1000HALF),
    (LinkModes::BASET1000_FULL, ADVERTISE_1000FULL),
];

/// Where a 1000BASE-T mode sits in STAT1000.
pub(crate) const STAT1000_BITS: [(LinkModes, u16); 2] = [
    (LinkModes::BASET1000_HALF, LPA_1000HALF),
    (LinkModes::BASET1000_FULL, LPA_1000FULL),
];

/// The modes of `table` whose bit is set in `reg`.
pub(crate) fn modes_of(reg: u16, table: &[(LinkModes, u16)]) -> LinkModes {
    table
        .iter()
        .filter(|(_, bit)| reg & bit != 0)
        .fold(LinkModes::EMPTY, |modes, (mode, _)| modes.union(*mode))
}

/// The bits of `table` for the modes in `modes`.
pub(crate) fn bits_of(modes: LinkModes, table: &[(LinkModes, u16)]) -> u16 {
    table
        .iter()
        .filter(|(mode, _)| modes.contains(*mode))
        .fold(0, |bits, (_, bit)| bits | bit)
}
