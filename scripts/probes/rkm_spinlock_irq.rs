// SPDX-License-Identifier: GPL-2.0

//! `SpinLockIrq`, `SpinLockIrqGuard` and `new_spinlock_irq!` (rust/kernel/sync/lock/spinlock.rs,
//! 7.3); absent in 7.2.
//!
//! absent: error[E0433]: cannot find `new_spinlock_irq`
//! absent: error[E0425]: cannot find type `SpinLockIrq`
//! absent: error[E0425]: cannot find type `SpinLockIrqGuard`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

module! {
    type: Probe,
    name: "rkm_spinlock_irq",
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

fn lock() -> impl PinInit<kernel::sync::SpinLockIrq<u32>> {
    kernel::new_spinlock_irq!(0)
}

type Guard<'a> = kernel::sync::SpinLockIrqGuard<'a, u32>;
