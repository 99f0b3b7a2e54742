// SPDX-License-Identifier: GPL-2.0

//! `faux::Registration` gives its device as a bound `faux::Device<Bound>` (rust/kernel/faux.rs,
//! 7.3); 7.2's gives a `device::Device` only.
//!
//! absent: error[E0425]: cannot find type `Device` in module `kernel::faux`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_faux_device_bound",
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

fn bound(
    registration: &kernel::faux::Registration,
) -> &kernel::faux::Device<kernel::device::Bound> {
    registration.as_ref()
}
