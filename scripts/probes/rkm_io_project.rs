// SPDX-License-Identifier: GPL-2.0

//! `io_project!` and I/O access through `&Coherent<T>` (rust/kernel/io.rs, rust/kernel/dma.rs,
//! 7.3); absent in 7.2.
//!
//! absent: error[E0433]: cannot find `io_project`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn copy(memory: &kernel::dma::Coherent<[u8]>, data: &[u8]) -> Result {
    use kernel::io::Io;
    kernel::io::io_project!(memory, [try: ..data.len()]).copy_from_slice(data);
    Ok(())
}
