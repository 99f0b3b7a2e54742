// SPDX-License-Identifier: GPL-2.0

//! `dma::Coherent::dma_address()` (rust/kernel/dma.rs, 7.3); 7.2 calls it `dma_handle()`.
//!
//! absent: error[E0599]: no method named `dma_address`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn address(memory: &kernel::dma::Coherent<[u8]>) -> kernel::dma::DmaAddress {
    memory.dma_address()
}
