// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: sysfs attribute data borrowing a local, through the safe constructor.
//!
//! `AttributeGroup::new` requires `T: 'static` (`modules/common/sysfs.rs`): a group leaked with
//! `mem::forget` (safe) keeps its files, so their callbacks could run after a borrow ended. Data
//! that borrows needs the `unsafe` `AttributeGroup::new_with_lt`, whose caller promises to drop
//! the group in time; that is what builds.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/raw.rs"]
mod raw;

#[path = "../common/sysfs.rs"]
mod sysfs;
#[path = "../common/text.rs"]
mod text;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};
use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*, //
};
use sysfs::{
    Attribute,
    AttributeGroup,
    DeviceAttributes,
    ShowBuffer, //
};

module! {
    type: CompileFailCase,
    name: "sysfs_new_borrows_local",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: sysfs attribute data borrowing a local",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

#[derive(Clone, Copy)]
enum Attr {
    Count,
}

/// Attribute data that borrows a counter of its caller.
struct Counter<'a> {
    count: &'a AtomicU32,
}

impl DeviceAttributes for Counter<'_> {
    type Id = Attr;

    const ATTRIBUTES: &'static [Attribute<Attr>] = &[Attribute::read_write(c"count", Attr::Count)];

    fn show(&self, _id: Attr, out: &mut ShowBuffer<'_>) -> Result {
        out.write_u32(self.count.load(Ordering::Relaxed))?;
        out.write_str("\n")
    }

    fn store(&self, _id: Attr, input: &str) -> Result {
        self.count.store(sysfs::parse(input)?, Ordering::Relaxed);
        Ok(())
    }
}

/// Shows a counter of this function's stack in `dev`'s sysfs directory while it runs.
fn publish(dev: &Device<Bound>) -> Result {
    let count = AtomicU32::new(0);
    let data = Ok::<_, Error>(Counter { count: &count }); //~ ERROR E0597

    #[cfg(not(rkm_compile_fail))]
    let group = KBox::pin_init(
        // SAFETY: `group` is dropped below, before `count`.
        unsafe { AttributeGroup::new_with_lt(dev, data) },
        GFP_KERNEL,
    )?;
    #[cfg(rkm_compile_fail)]
    let group = KBox::pin_init(AttributeGroup::new(dev, data), GFP_KERNEL)?;

    drop(group);
    Ok(())
}
