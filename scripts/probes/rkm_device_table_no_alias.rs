// SPDX-License-Identifier: GPL-2.0

//! `of_device_table!` and its PCI and ACPI siblings without the `MODULE_*` alias argument
//! (rust/kernel/{of,pci,acpi}.rs, 7.3); 7.2's take it.
//!
//! (7.2: the macro wants a fourth argument; rustc gives this error no code.)
//! absent: error: no rules expected `(`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

kernel::of_device_table!(TABLE, (), [(kernel::of::DeviceId::new(c"rkm,probe"), ())]);
