// SPDX-License-Identifier: GPL-2.0

//! Driver for the RV1000 gigabit Ethernet PHY.
//!
//! The RV1000 is this collection's PHY model: a clause-22 10/100/1000BASE-T PHY that exists as
//! a specification (this documentation) and as an emulation (the `rust_vmdio` module, which
//! puts it on a virtual MDIO bus). The driver uses only the kernel crate's `net::phy`
//! abstractions; its register logic is generic over [`Registers`](driver::Registers) so that
//! KUnit runs it against a register-bank double.
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
//!
//! # Driver
//!
//! - `probe`: sets VCTRL to automatic crossover with link/activity LED (`0x0012`).
//! - `soft_reset`: sets BMCR.RESET and polls until it clears (every 10 ms, at most 600 ms).
//! - `config_aneg`: with auto-negotiation, writes the requested modes and pause bits into
//!   ADVERTISE and CTRL1000 (other bits kept, a register only written when its value changes),
//!   then restarts negotiation (BMCR.ANENABLE and ANRESTART set, ISOLATE cleared) only if
//!   either register changed, or BMCR has ANENABLE clear or ISOLATE set; as C's
//!   `genphy_check_and_restart_aneg()` does, so that asking again for the same advertisement
//!   keeps the link. Without auto-negotiation, forces the requested speed and duplex in BMCR.
//! - `read_status`: link from BMSR (read twice when the link was down, to skip the latched
//!   low), speed and duplex from PHYSTS, partner abilities from LPA/STAT1000.
//! - `suspend`/`resume`: set/clear BMCR.PDOWN through phylib's `genphy_suspend()` and
//!   `genphy_resume()`, one read-modify-write under the MDIO bus lock (phylib calls `suspend`
//!   without `phydev->lock`).
//!
//! The 7.3 `net::phy` abstraction has no `config_init` nor interrupt callbacks, hence `probe`
//! for the one-time configuration and polling for link changes.

#[path = "../common/phy_modes.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod phy_modes;

#[path = "../common/phy_device.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod phy_device;

#[path = "../common/raw.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod raw;

#[path = "../common/mii.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod mii;

#[path = "../common/rv1000.rs"]
#[allow(dead_code, reason = "shared with the model, which uses other parts")]
mod rv1000;

mod driver;

#[cfg(CONFIG_KUNIT = "y")]
mod tests;

use driver::Rv1000;
use kernel::{
    net::phy::DeviceId,
    prelude::*, //
};

kernel::module_phy_driver! {
    drivers: [Rv1000],
    device_table: [
        DeviceId::new_with_driver::<Rv1000>(),
    ],
    name: "rust_phy",
    authors: ["Rust kernel module collection contributors"],
    description: "RV1000 gigabit Ethernet PHY driver",
    license: "GPL",
}
