// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.3 clause-22 register bits as the 16-bit values MDIO carries.
//!
//! C header: [`include/uapi/linux/mii.h`](srctree/include/uapi/linux/mii.h)
//!
//! The kernel crate's `uapi` bindings give these as `u32`; a PHY driver and a PHY model
//! both need them as register values.

use kernel::uapi;

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
