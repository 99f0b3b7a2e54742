// SPDX-License-Identifier: GPL-2.0

//! `pci_irq_type()` (include/linux/pci.h and rust/helpers/pci.c, 7.3); absent in 7.2.
//!
//! absent: error[E0425]: cannot find function `pci_irq_type`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn irq_type(pdev: *mut kernel::bindings::pci_dev) -> u32 {
    // SAFETY: Never called: only whether the binding exists matters.
    unsafe { kernel::bindings::pci_irq_type(pdev) }
}
