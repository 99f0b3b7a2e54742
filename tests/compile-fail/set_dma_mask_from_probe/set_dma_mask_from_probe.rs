// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: a driver setting its DMA mask from its own probe.
//!
//! The mask must not change while anything allocates or maps DMA memory for the device
//! (`dma::Device::dma_set_mask_and_coherent()` is `unsafe` for it), and once a driver's code
//! runs, safe code can hand its bound device to another CPU (a scoped timer of
//! `kernel::time::hrtimer`). So `pci_setup::set_dma_mask()` (`modules/common/pci_setup.rs`) is
//! `unsafe`, and only `pci_setup::Adapter` calls it, before the driver's probe; a driver names its
//! mask in `pci_setup::Driver::DMA_MASK`. What builds instead: a probe step that does not touch
//! the mask.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/pci_setup.rs"]
mod pci_setup;

use kernel::{
    device::Core,
    dma::DmaMask,
    pci,
    prelude::*, //
};

module! {
    type: CompileFailCase,
    name: "set_dma_mask_from_probe",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: a driver setting its DMA mask from its probe",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// A step of a driver's probe, after the driver's code has started.
#[cfg(not(rkm_compile_fail))]
fn probe_step(pdev: &pci::Device<Core<'_>>, mask: DmaMask) -> Result {
    let _ = (pdev, mask);
    Ok(())
}

#[cfg(rkm_compile_fail)]
fn probe_step(pdev: &pci::Device<Core<'_>>, mask: DmaMask) -> Result {
    pci_setup::set_dma_mask(pdev, mask) //~ ERROR E0133
}
