// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: debugfs file data that borrows.
//!
//! `DebugfsFiles` is `'static` (`modules/common/debugfs.rs`): a leaked `Directory` (`mem::forget`
//! is safe) keeps its files, and their callbacks, for ever, so data borrowing `'a` could be used
//! after `'a` ended. What builds instead: the same type borrowing only statics.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/debugfs.rs"]
mod debugfs;

use core::{
    fmt,
    sync::atomic::{
        AtomicU32,
        Ordering, //
    }, //
};
use debugfs::{
    Access,
    DebugfsFiles,
    FileDesc, //
};
use kernel::prelude::*;

module! {
    type: CompileFailCase,
    name: "debugfs_files_borrow",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: debugfs file data borrowing",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

#[derive(Clone, Copy)]
enum File {
    Value,
}

const FILES: &[FileDesc<File>] = &[FileDesc::new(c"value", Access::ReadWrite, File::Value)];

/// Debugfs data that borrows a value living elsewhere, for `'a`.
struct Borrowed<'a> {
    value: &'a AtomicU32,
}

impl Borrowed<'_> {
    fn show_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.value.load(Ordering::Relaxed))
    }

    fn store_value(&self, input: &str) -> Result {
        let value = input.parse().map_err(|_| EINVAL)?;
        self.value.store(value, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(not(rkm_compile_fail))]
impl DebugfsFiles for Borrowed<'static> {
    type Id = File;

    const FILES: &'static [FileDesc<File>] = FILES;

    fn show(&self, _id: File, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.show_value(f)
    }

    fn store(&self, _id: File, input: &str) -> Result {
        self.store_value(input)
    }
}

#[cfg(rkm_compile_fail)]
impl<'a> DebugfsFiles for Borrowed<'a> {
    //~^ ERROR E0478
    //~| ERROR E0803
    type Id = File;

    const FILES: &'static [FileDesc<File>] = FILES;
    //~^ ERROR E0276
    //~| ERROR E0803

    fn show(&self, _id: File, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.show_value(f)
    }

    fn store(&self, _id: File, input: &str) -> Result {
        self.store_value(input)
    }
}
