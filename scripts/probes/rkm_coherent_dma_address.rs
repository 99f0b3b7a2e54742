// SPDX-License-Identifier: GPL-2.0

//! `dma::Coherent::dma_address()` (rust/kernel/dma.rs, 7.3); 7.2 calls it `dma_handle()`.
//!
//! absent: error[E0599]: no method named `dma_address`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_coherent_dma_address",
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

fn address(memory: &kernel::dma::Coherent<[u8]>) -> kernel::dma::DmaAddress {
    memory.dma_address()
}
