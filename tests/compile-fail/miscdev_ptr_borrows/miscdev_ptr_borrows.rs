// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: per-open state of a misc device that borrows.
//!
//! `StreamMiscDevice::Ptr` is `'static` (`modules/common/miscdev.rs`): it is stored in the open file,
//! which outlives the registration and whatever its owner drops at unbind. Per-open state
//! borrowing `'a` could be used by a `read(2)` after `'a` ended. `KBox`'s `ForeignOwnable` does
//! not require `'static` itself, so this bound is the only thing refusing it. What builds
//! instead: state that borrows only statics.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/miscdev.rs"]
mod miscdev;

use core::marker::PhantomData;
use kernel::prelude::*;
use miscdev::{
    AccessMode,
    MiscDeviceRegistration,
    StreamMiscDevice, //
};

module! {
    type: CompileFailCase,
    name: "miscdev_ptr_borrows",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: misc-device per-open state borrowing",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// The misc device of something that lives for `'a`.
struct Dev<'a>(PhantomData<&'a u32>);

/// The state of one open file, borrowing for `'a`.
struct Session<'a> {
    label: &'a u32,
}

static LABEL: u32 = 1;

#[vtable]
impl<'a> StreamMiscDevice for Dev<'a> {
    #[cfg(not(rkm_compile_fail))]
    type Ptr = KBox<Session<'static>>;
    #[cfg(rkm_compile_fail)]
    type Ptr = KBox<Session<'a>>; //~ ERROR E0477

    type RegistrationData = ();

    fn open(_misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        Ok(KBox::new(Session { label: &LABEL }, GFP_KERNEL)?)
    }
}
