// SPDX-License-Identifier: GPL-2.0

//! A module parameter's `value()` returns the value (`T: Copy`, rust/kernel/module_param.rs,
//! 7.3); 7.2's returns `&T`.
//!
//! (7.2: the `&u8` returned where `u8` is expected, the probe's one expression.)
//! absent: error[E0308]: mismatched types

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_param_value_copy",
    authors: ["Rust kernel module collection contributors"],
    description: "Feature probe (scripts/probes.sh)",
    license: "GPL",
    params: {
        probe: u8 {
            default: 0,
            description: "probe",
        },
    },
}

fn value() -> u8 {
    module_parameters::probe.value()
}
