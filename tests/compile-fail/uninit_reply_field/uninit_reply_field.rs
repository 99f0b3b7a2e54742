// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case, bug class use of uninitialised memory: a reply copied to user space with a
//! field never set.
//!
//! The Rust twin of `cb_uninit_read()` in `demos/bug_classes/c_bugs/c_bugs.c`: `read(2)` returns
//! an information reply of which the driver sets two fields. In C the others (and the padding)
//! keep whatever the memory held before, there a key loaded earlier, and `copy_to_user()` hands
//! it to user space. Here a value exists only once every field has one: setting the fields of a
//! declared, unassigned reply one by one is refused ("partially assigned binding isn't fully
//! initialized"). And a reply with padding cannot be copied at all: copying bytes out needs
//! `AsBytes`, an `unsafe` trait whose implementation must promise there is none, so the padding
//! is a field (`_pad`) here. What builds instead: the reply built whole, every field given.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/miscdev.rs"]
mod miscdev;

use core::sync::atomic::{
    AtomicBool,
    Ordering, //
};
use kernel::{
    iov::IovIterDest,
    prelude::*,
    sync::{
        Arc,
        ArcBorrow, //
    },
    transmute::AsBytes, //
};
use miscdev::{
    AccessMode,
    IoMode,
    MiscDeviceRegistration,
    StreamMiscDevice, //
};

module! {
    type: CompileFailCase,
    name: "uninit_reply_field",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: a reply copied to user space with a field never set",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// Feature bit: a key is loaded.
const FEATURE_KEY: u32 = 0x1;

/// The information reply (`struct cbugs_info`), its padding made a field.
#[repr(C)]
struct Info {
    version: u8,
    _pad: [u8; 3],
    features: u32,
    reserved: u64,
}

// SAFETY: `Info` is `repr(C)` with fields of integer types only, laid out without padding
// (1 + 3 + 4 + 8 bytes, each field at a multiple of its alignment): every byte is initialised.
unsafe impl AsBytes for Info {}

/// The device's state that the reply reports.
struct Firmware {
    key_loaded: AtomicBool,
}

struct Dev;

#[vtable]
impl StreamMiscDevice for Dev {
    type Ptr = Arc<Firmware>;
    type RegistrationData = Arc<Firmware>;

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        Ok(misc.data().clone())
    }

    /// Answers an information request: each `read(2)` gets one reply (the file is a stream).
    fn read_iter(
        firmware: ArcBorrow<'_, Firmware>,
        iov: &mut IovIterDest<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        let features = if firmware.key_loaded.load(Ordering::Relaxed) {
            FEATURE_KEY
        } else {
            0
        };
        #[cfg(rkm_compile_fail)]
        let info = {
            let mut info: Info;
            info.version = 1; //~ ERROR E0381
            info.features = features;
            info
        };
        #[cfg(not(rkm_compile_fail))]
        let info = Info {
            version: 1,
            _pad: [0; 3],
            features,
            reserved: 0,
        };
        Ok(iov.copy_to_iter(info.as_bytes()))
    }
}
