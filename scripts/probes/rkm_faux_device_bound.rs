// SPDX-License-Identifier: GPL-2.0

//! `faux::Registration` gives its device as a bound `faux::Device<Bound>` (rust/kernel/faux.rs,
//! 7.3); 7.2's gives a `device::Device` only.
//!
//! absent: error[E0425]: cannot find type `Device` in module `kernel::faux`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn bound(
    registration: &kernel::faux::Registration,
) -> &kernel::faux::Device<kernel::device::Bound> {
    registration.as_ref()
}
