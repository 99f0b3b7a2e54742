// SPDX-License-Identifier: GPL-2.0

//! `pci::Device::alloc_irq_vectors()` returns a `pci::IrqVectorRegistration`, which frees the
//! vectors when dropped (rust/kernel/pci/irq.rs, 7.3); 7.2's returns the range of vectors and
//! leaves them to the devres core until unbind.
//!
//! absent: error[E0425]: cannot find type `IrqVectorRegistration`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn vectors(
    pdev: &kernel::pci::Device<kernel::device::Bound>,
) -> Result<kernel::pci::IrqVectorRegistration<'_>> {
    pdev.alloc_irq_vectors(1, 1, kernel::pci::IrqTypes::default())
}
