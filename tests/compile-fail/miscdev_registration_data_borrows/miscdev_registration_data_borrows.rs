// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case: misc-device registration data that borrows the bound device.
//!
//! `StreamMiscDevice::RegistrationData` is `'static` (`modules/common/miscdev.rs`): `open` may copy any
//! part of it into the per-open state, and an open file outlives the registration (a driver drops
//! it at unbind while files stay open). Registration data holding `&'a Device<Bound>` would let a
//! later `read(2)` use a device reference that ended at unbind. What builds instead: a reference
//! count on the device (`ARef<Device>`), which is `'static`.
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
use kernel::{
    device::{
        Bound,
        Device, //
    },
    prelude::*,
    sync::aref::ARef, //
};
use miscdev::{
    AccessMode,
    MiscDeviceRegistration,
    StreamMiscDevice, //
};

module! {
    type: CompileFailCase,
    name: "miscdev_registration_data_borrows",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: misc-device registration data borrowing the device",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// The misc device of a device bound for `'a`.
struct Dev<'a>(PhantomData<&'a Device<Bound>>);

#[vtable]
impl<'a> StreamMiscDevice for Dev<'a> {
    type Ptr = KBox<u32>;

    #[cfg(not(rkm_compile_fail))]
    type RegistrationData = ARef<Device>;
    #[cfg(rkm_compile_fail)]
    type RegistrationData = &'a Device<Bound>; //~ ERROR E0477

    fn open(_misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<KBox<u32>> {
        Ok(KBox::new(0, GFP_KERNEL)?)
    }
}
