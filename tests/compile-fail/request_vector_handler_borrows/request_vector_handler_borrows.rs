// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: an interrupt handler that borrows what the driver owns.
//!
//! `pci_setup::Driver::Handler` (`modules/common/pci_setup.rs`) is `'static`: the handler is freed
//! at unbind, when what the driver's probe owned may be gone; an interrupt arriving in between
//! would run the handler on freed memory. What builds instead: the handler owning a reference
//! count of the data it shares with the driver.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/pci_setup.rs"]
mod pci_setup;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};
use kernel::{
    device::Core,
    dma::DmaMask,
    irq::IrqReturn,
    pci,
    prelude::*,
    sync::Arc, //
};
use pci_setup::{
    Vector,
    VectorKind, //
};

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

/// The driver's private data.
#[pin_data]
struct BoundCounters {
    counters: Arc<Counters>,
}

struct CountingDriver;

compat::device_table!(
    pci,
    PCI_TABLE,
    <CountingDriver as pci_setup::Driver>::IdInfo,
    [(pci_setup::device_id(0x1234, 0x11e8), ())]
);

#[cfg(not(rkm_compile_fail))]
struct CountingHandler {
    counters: Arc<Counters>,
}

#[cfg(rkm_compile_fail)]
struct CountingHandler {
    counters: &'static Counters,
}

impl pci_setup::InterruptHandler for CountingHandler {
    fn handle(&self) -> IrqReturn {
        self.counters.interrupts.fetch_add(1, Ordering::Relaxed);
        IrqReturn::Handled
    }
}

impl pci_setup::Driver for CountingDriver {
    type IdInfo = ();
    type Data<'bound> = BoundCounters;
    type Handler = CountingHandler;

    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;
    const DMA_MASK: DmaMask = DmaMask::new::<32>();
    const IRQ_NAME: &'static CStr = c"compile_fail";

    fn vector() -> Vector {
        Vector::MsiOrIntx
    }

    fn probe<'bound>(
        _pdev: &'bound pci::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
        _kind: VectorKind,
    ) -> Result<(CountingHandler, impl PinInit<BoundCounters, Error> + 'bound)> {
        let counters = Arc::new(
            Counters {
                interrupts: AtomicU32::new(0),
            },
            GFP_KERNEL,
        )?;
        #[cfg(not(rkm_compile_fail))]
        let handler = CountingHandler {
            counters: counters.clone(),
        };
        #[cfg(rkm_compile_fail)]
        let handler = CountingHandler {
            counters: &counters, //~ ERROR E0597
        };
        Ok((handler, try_pin_init!(BoundCounters { counters }))) //~ ERROR E0505
    }
}
