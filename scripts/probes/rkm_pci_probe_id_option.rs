// SPDX-License-Identifier: GPL-2.0

//! `pci::Driver::probe` gets `Option<&IdInfo>` (rust/kernel/pci.rs, 7.3); 7.2's gets `&IdInfo`.
//!
//! (7.2: `None` passed where `&IdInfo` is expected, the probe's one expression.)
//! absent: error[E0308]: mismatched types

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn probe<T: kernel::pci::Driver>(pdev: &kernel::pci::Device<kernel::device::Core<'_>>) {
    let _init = T::probe(pdev, None);
}
