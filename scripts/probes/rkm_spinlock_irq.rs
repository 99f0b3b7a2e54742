// SPDX-License-Identifier: GPL-2.0

//! `SpinLockIrq`, `SpinLockIrqGuard` and `new_spinlock_irq!` (rust/kernel/sync/lock/spinlock.rs,
//! 7.3); absent in 7.2.
//!
//! absent: error[E0433]: cannot find `new_spinlock_irq`
//! absent: error[E0425]: cannot find type `SpinLockIrq`
//! absent: error[E0425]: cannot find type `SpinLockIrqGuard`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

fn lock() -> impl PinInit<kernel::sync::SpinLockIrq<u32>> {
    kernel::new_spinlock_irq!(0)
}

type Guard<'a> = kernel::sync::SpinLockIrqGuard<'a, u32>;
