// SPDX-License-Identifier: GPL-2.0

//! `pci::DevresBar`, `io::mem::DevresExclusiveIoMem` and `devres::DevresGuard` (7.3); 7.2
//! has `Devres<Bar>` and `RevocableGuard`.
//!
//! absent: error[E0425]: cannot find type `DevresBar`
//! absent: error[E0425]: cannot find type `DevresExclusiveIoMem`
//! absent: error[E0425]: cannot find type `DevresGuard`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_devres_lt",
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

type Bar = kernel::pci::DevresBar<8>;
type Mapping = kernel::io::mem::DevresExclusiveIoMem<8>;

fn guard(
    mapping: &Mapping,
) -> Option<kernel::devres::DevresGuard<'_, kernel::io::mem::ExclusiveIoMem<'static, 8>>> {
    mapping.try_access()
}
