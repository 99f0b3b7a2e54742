// SPDX-License-Identifier: GPL-2.0

//! A blocking byte FIFO character device, `/dev/rust-pipe`.
//!
//! The Rust counterpart of "scullpipe" from Linux Device Drivers: one bounded in-kernel FIFO
//! shared by every opener. The user ABI is documented in `include/uapi/rust_pipe.h`.

// The shared misc-device abstraction, compiled into each module that uses it.
#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/miscdev.rs"]
mod miscdev;

mod driver;
// KUnit: every suite of this crate is in kunit.rs, one inline `#[kunit_tests(<suite>)] mod` each
// (the attribute cannot go on an out-of-line `mod`), built with built-in KUnit (the probe
// rkm_kunit), and left out of a build measured without its suites (`make compare`).
#[cfg(rkm_kunit)]
mod kunit;
mod ring;
mod uapi;

use driver::RustPipeModule;
use kernel::prelude::*;

module! {
    type: RustPipeModule,
    name: "rust_pipe",
    authors: ["Rust kernel module collection contributors"],
    description: "Blocking FIFO misc device with poll and ioctls",
    license: "GPL",
    params: {
        capacity: u64 {
            default: crate::uapi::CAPACITY_DEFAULT,
            description: "Initial pipe capacity in bytes (1..=1048576)",
        },
    },
}
