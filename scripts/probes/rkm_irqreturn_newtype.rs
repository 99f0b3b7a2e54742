// SPDX-License-Identifier: GPL-2.0

//! `bindings::irqreturn_t` is a newtype (`--newtype-enum irqreturn`, rust/bindgen_parameters,
//! 7.3); 7.2's is a `c_uint`.
//!
//! absent: error[E0423]: expected function, found type alias `kernel::bindings::irqreturn_t`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn handled() -> kernel::bindings::irqreturn_t {
    kernel::bindings::irqreturn_t(1)
}
