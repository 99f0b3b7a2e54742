// SPDX-License-Identifier: GPL-2.0

//! `irq::Handler::handle(&self)` (rust/kernel/irq/request.rs, 7.3); 7.2's also takes the
//! bound device, and requires `'static`.
//!
#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_irq_handler_no_device",
    authors: ["Rust kernel module collection contributors"],
    description: "Feature probe (scripts/probes.sh)",
    license: "GPL",
}

struct Probe;

impl kernel::Module for Probe {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

fn handle<T: kernel::irq::Handler>(handler: &T) -> kernel::irq::IrqReturn {
    handler.handle()
}
