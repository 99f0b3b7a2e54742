// SPDX-License-Identifier: GPL-2.0

//! Driver for the RV1000 gigabit Ethernet PHY.
//!
//! The RV1000 is this collection's PHY model: a clause-22 10/100/1000BASE-T PHY that exists as
//! a specification (its datasheet: [`rv1000`], `modules/common/rv1000.rs`, the register map this
//! driver shares with the model) and as an emulation (the `rust_vmdio` module, which puts it on a
//! virtual MDIO bus). The driver uses only the kernel crate's `net::phy` abstractions; its
//! register logic is generic over [`Registers`](driver::Registers) so that KUnit runs it against
//! a register-bank double.
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

// KUnit: every suite of this crate is in kunit.rs, one inline `#[kunit_tests(<suite>)] mod` each
// (the attribute cannot go on an out-of-line `mod`), built with built-in KUnit (the probe
// rkm_kunit), and left out of a build measured without its suites (`make compare`).
#[cfg(rkm_kunit)]
mod kunit;

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
