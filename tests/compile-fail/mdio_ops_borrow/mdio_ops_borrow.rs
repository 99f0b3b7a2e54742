// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: MDIO bus operations that borrow.
//!
//! `MdioBusOps` is `'static` (`modules/common/mdio.rs`): its callbacks run for as long as the bus
//! is registered, which a leaked `Registration` (`mem::forget` is safe) makes unbounded, so
//! operations borrowing `'a` could be called after `'a` ended. What builds instead: the same type
//! borrowing only statics.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/mdio.rs"]
mod mdio;

#[path = "../common/phy_modes.rs"]
mod phy_modes;

use core::sync::atomic::{
    AtomicU16,
    Ordering, //
};
use kernel::prelude::*;
use mdio::MdioBusOps;

module! {
    type: CompileFailCase,
    name: "mdio_ops_borrow",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: MDIO bus operations borrowing",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// A bus whose registers live elsewhere, for `'a`.
struct BorrowedRegs<'a> {
    regs: &'a [AtomicU16; 32],
}

impl BorrowedRegs<'_> {
    fn reg(&self, regnum: u8) -> Result<&AtomicU16> {
        self.regs.get(usize::from(regnum)).ok_or(EINVAL)
    }
}

#[cfg(not(rkm_compile_fail))]
impl MdioBusOps for BorrowedRegs<'static> {
    fn read(&self, _addr: u8, regnum: u8) -> Result<u16> {
        Ok(self.reg(regnum)?.load(Ordering::Relaxed))
    }

    fn write(&self, _addr: u8, regnum: u8, val: u16) -> Result {
        self.reg(regnum)?.store(val, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(rkm_compile_fail)]
impl<'a> MdioBusOps for BorrowedRegs<'a> {
    //~^ ERROR E0478
    //~| ERROR E0803
    fn read(&self, _addr: u8, regnum: u8) -> Result<u16> {
        Ok(self.reg(regnum)?.load(Ordering::Relaxed))
    }

    fn write(&self, _addr: u8, regnum: u8, val: u16) -> Result {
        self.reg(regnum)?.store(val, Ordering::Relaxed);
        Ok(())
    }
}
