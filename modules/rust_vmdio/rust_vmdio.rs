// SPDX-License-Identifier: GPL-2.0

//! Virtual MDIO bus with an emulated RV1000 PHY: the test fixture of the `rust_phy` driver.
//!
//! Loading the module registers the MDIO bus `rust_vmdio` with an RV1000 (see its datasheet in
//! [`rv1000`], `modules/common/rv1000.rs`) at address 1, so the PHY device is
//! `/sys/bus/mdio_bus/devices/rust_vmdio:01`. phylib binds it to `rust_phy` when that driver
//! is loaded, otherwise to the generic PHY driver when it is attached. The module then acts as
//! the PHY's MAC: it attaches the PHY without a `net_device` and starts phylib's state machine,
//! recording every link change phylib reports.
//!
//! By default the MAC tells phylib of link changes (`PHY_MAC_INTERRUPT`), as a MAC wired to the
//! PHY's interrupt line would: when the cable or the partner changes and when link training
//! ends, so phylib reacts within milliseconds. It does so in atomic context (under a spinlock),
//! as from a hard interrupt handler. With `link_irq` set to `poll`, phylib polls the
//! PHY once a second instead, as on boards without that line.
//!
//! # The emulated PHY
//!
//! The model implements the datasheet register map and behaviour against a link partner and a
//! cable that tests control. The partner always auto-negotiates (or accepts a forced mode it
//! supports) and starts with every 10/100/1000BASE-T mode. Negotiation completes
//! [`ANEG_DURATION_MS`](model::ANEG_DURATION_MS) after it starts. The model is evaluated lazily:
//! each access first applies what the monotonic clock says has happened since the last one. Only
//! MDIO accesses can observe the PHY, so this is indistinguishable from a timer, needs nothing
//! cancelled at unload and lets KUnit drive the model with chosen times.
//!
//! # debugfs interface (`/sys/kernel/debug/rust_vmdio/`)
//!
//! | File          | Access | Contents |
//! |---------------|--------|----------|
//! | `cable`       | RW     | `1` cable plugged in, `0` unplugged |
//! | `partner`     | RW     | modes the link partner advertises, e.g. `100half 100full pause` |
//! | `advertise`   | W      | modes the MAC lets the PHY advertise (like `ethtool -s advertise`) |
//! | `attached`    | RW     | `1` PHY attached to the MAC, `0` detached |
//! | `running`     | RW     | `1` state machine running (`phy_start`), `0` stopped (`phy_stop`) |
//! | `link_irq`    | RW     | `mac`: the MAC tells phylib of link changes; `poll`: phylib polls; set while detached |
//! | `read_errors` | RW     | `1`: every read of the PHY fails with `EIO` (writes still work); `0`: reads work |
//! | `phy_state`   | R      | phylib's state of the PHY, attached or not: `ready`, `up`, `running`, `nolink`, `halted`, `error`, `down` |
//! | `link`        | R      | last link change phylib reported: `up 1000/full` or `down` |
//! | `link_events` | R      | every reported change, oldest first: `<seq> up 100/full` |
//! | `registers`   | R      | `<reg> <value>` in hex for each register of the map, no side effects |
//! | `access_log`  | RW     | last MDIO accesses: `<seq> R\|W <reg> <value>`; writing `clear` empties it |
//!
//! Mode names: `10half 10full 100half 100full 1000half 1000full pause asym_pause`.
//!
//! Loading fails with `ENOMEM` when an allocation fails, or with what phylib makes of it:
//! `EINVAL` when the bus device cannot be registered, `ENODEV` when the PHY device cannot be
//! (the bus scan leaves it out, so there is no PHY to attach).
//!
//! Bad input fails with `EINVAL` and changes nothing; `advertise` and `running` need the PHY
//! attached (`ENODEV` otherwise), `link_irq` detached (`EBUSY` otherwise; it applies from the
//! next attach); `attached` forwards attach errors (e.g. `EIO` while the PHY
//! driver module is being removed). Writing the current value is a no-op: the same `cable` or
//! `partner` keeps the link, the same `advertise` leaves negotiation alone (with `rust_phy` or
//! genphy, which restart it only for a changed advertisement), the same `attached` or `running`
//! does nothing.
//!
//! While a file is open the module is in use: `rmmod rust_vmdio` fails with `EWOULDBLOCK` until
//! it is closed (`modules/common/debugfs.rs` explains why the kernel crate's debugfs files are
//! not used).
//!
//! # The PHY's driver unbound under the fixture
//!
//! Root may unbind the PHY's driver through sysfs while the PHY is attached. phylib then stops
//! the state machine without reporting the link down, so `link` keeps the last report;
//! `running` reads `0`, and writing `1` to it (or to `advertise`) fails with `ENODEV` until a
//! driver is bound again. Binding one leaves the state machine stopped: write `1` to `running`.
//! Detaching (`attached`, or unloading the module) works in every case.
//!
//! # Bus errors
//!
//! With `read_errors` set, the next run of phylib's state machine (a link change the MAC
//! signals, or a poll) fails to read the PHY: phylib warns (a `WARNING` naming
//! `phy_check_link_status`), enters its error state (`phy_state` reads `error`), reports the
//! link down and stops. Writing `0` to `running` stops it (`halted`); once reads work again,
//! writing `1` starts it. Detaching or unloading stops it in every state, the error state
//! included (`phy_state` then reads `halted`).
//!
//! Stopping the state machine is how a MAC suspends its PHY: `phy_stop()` reports the link
//! down and suspends the PHY (driver `suspend`, BMCR.PDOWN on the RV1000); `phy_start()`
//! resumes it (driver `resume`) and restarts auto-negotiation.
//!
//! Attaching pins the PHY driver's module, as phylib does for every MAC: while attached,
//! `rust_phy` cannot be removed (`EBUSY`); detach first.

// The shared abstractions and register definitions are compiled into each module that uses
// them; what one module leaves unused, another uses.
#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/debugfs.rs"]
mod debugfs;

#[path = "../common/delayed_call.rs"]
mod delayed_call;

#[path = "../common/mdio.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod mdio;

#[path = "../common/mii.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod mii;

#[path = "../common/phy_attach.rs"]
mod phy_attach;

#[path = "../common/phy_modes.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod phy_modes;

#[path = "../common/rv1000.rs"]
#[allow(dead_code, reason = "shared with the driver, which uses other parts")]
mod rv1000;

mod driver;
mod interface;
// KUnit: every suite of this crate is in kunit.rs, one inline `#[kunit_tests(<suite>)] mod` each
// (the attribute cannot go on an out-of-line `mod`), built with built-in KUnit (the probe
// rkm_kunit), and left out of a build measured without its suites (`make compare`).
#[cfg(rkm_kunit)]
mod kunit;
mod log;
mod model;

use driver::VmdioModule;
use kernel::prelude::*;

module! {
    type: VmdioModule,
    name: "rust_vmdio",
    authors: ["Rust kernel module collection contributors"],
    description: "Virtual MDIO bus with an emulated RV1000 PHY",
    license: "GPL",
}
