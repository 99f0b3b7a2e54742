// SPDX-License-Identifier: GPL-2.0

//! `kernel::module::this_module()` (rust/kernel/module.rs, 7.3). 7.2 has a crate-root
//! `THIS_MODULE` static and no `kernel::module`.
//!
#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_module_this_module",
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

const OWNER: *mut kernel::bindings::module =
    kernel::module::this_module::<crate::LocalModule>().as_ptr();
