// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: a delayed call's target that borrows.
//!
//! `DelayedTarget` is `'static` (`modules/common/delayed_call.rs`): a leaked `DelayedCall`
//! (`mem::forget` is safe) may call its target's `run` at any time later, so a target borrowing
//! `'a` could be used after `'a` ended. What builds instead: the same type borrowing only
//! statics.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/delayed_call.rs"]
mod delayed_call;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};
use delayed_call::DelayedTarget;
use kernel::prelude::*;

module! {
    type: CompileFailCase,
    name: "delayed_call_target_borrows",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: a delayed call's target borrowing",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// A target that counts its calls in a value living elsewhere, for `'a`.
struct Borrowed<'a> {
    calls: &'a AtomicU32,
}

#[cfg(not(rkm_compile_fail))]
impl DelayedTarget for Borrowed<'static> {
    fn run(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(rkm_compile_fail)]
impl<'a> DelayedTarget for Borrowed<'a> {
    //~^ ERROR E0478
    //~| ERROR E0803
    fn run(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
}
