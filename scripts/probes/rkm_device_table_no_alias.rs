// SPDX-License-Identifier: GPL-2.0

//! `of_device_table!` and its PCI and ACPI siblings without the `MODULE_*` alias argument
//! (rust/kernel/{of,pci,acpi}.rs, 7.3); 7.2's take it.
//!
//! (7.2: the macro wants a fourth argument; rustc gives this error no code.)
//! absent: error: no rules expected `(`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_device_table_no_alias",
    authors: ["Rust kernel module collection contributors"],
    description: "Feature probe (scripts/probes.sh)",
    license: "GPL",
}

struct Probe;

impl kernel::Module for Probe {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

kernel::of_device_table!(TABLE, (), [(kernel::of::DeviceId::new(c"rkm,probe"), ())]);
