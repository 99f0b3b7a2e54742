// SPDX-License-Identifier: GPL-2.0

//! `#[vtable]` adds `type OwnerModule: ModuleMetadata` to each trait and impl
//! (rust/macros/vtable.rs, 7.3); 7.2's does not.
//!
#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_vtable_owner_module",
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

#[vtable]
trait Table {
    fn entry() {}
}

struct Entries;

#[vtable]
impl Table for Entries {}

type Owner = <Entries as Table>::OwnerModule;
