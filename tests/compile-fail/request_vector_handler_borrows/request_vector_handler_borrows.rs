// SPDX-License-Identifier: GPL-2.0
// expect: E0521

//! Compile-fail case: an interrupt handler that borrows what the driver owns.
//!
//! `request_vector()` (`modules/common/pci_setup.rs`) takes a `'static` handler: the devres core
//! frees the interrupt at unbind, after the driver's private data, which the handler would
//! otherwise be free to borrow, has been dropped; an interrupt arriving in between would run the
//! handler on freed memory. What builds instead: the handler owning a reference count of the
//! data it shares with the driver.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the error codes above.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/pci_setup.rs"]
mod pci_setup;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};
use kernel::{
    device::Core,
    irq::{
        self,
        IrqReturn, //
    },
    pci,
    prelude::*,
    sync::Arc, //
};
use pci_setup::Vector;

module! {
    type: CompileFailCase,
    name: "request_vector_handler_borrows",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: an interrupt handler borrowing the driver's data",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// What the driver and its interrupt handler share.
struct Counters {
    interrupts: AtomicU32,
}

#[cfg(not(rkm_compile_fail))]
struct CountingHandler {
    counters: Arc<Counters>,
}

#[cfg(not(rkm_compile_fail))]
impl irq::Handler for CountingHandler {
    fn handle(&self) -> IrqReturn {
        self.counters.interrupts.fetch_add(1, Ordering::Relaxed);
        IrqReturn::Handled
    }
}

#[cfg(not(rkm_compile_fail))]
fn request(pdev: &pci::Device<Core<'_>>, counters: &Arc<Counters>) -> Result {
    let handler = CountingHandler {
        counters: counters.clone(),
    };
    pci_setup::request_vector(pdev, Vector::MsiOrIntx, c"compile_fail", handler)?;
    Ok(())
}

#[cfg(rkm_compile_fail)]
struct CountingHandler<'a> {
    counters: &'a Counters,
}

#[cfg(rkm_compile_fail)]
impl irq::Handler for CountingHandler<'_> {
    fn handle(&self) -> IrqReturn {
        self.counters.interrupts.fetch_add(1, Ordering::Relaxed);
        IrqReturn::Handled
    }
}

#[cfg(rkm_compile_fail)]
fn request(pdev: &pci::Device<Core<'_>>, counters: &Arc<Counters>) -> Result {
    let handler = CountingHandler { counters };
    pci_setup::request_vector(pdev, Vector::MsiOrIntx, c"compile_fail", handler)?;
    Ok(())
}
