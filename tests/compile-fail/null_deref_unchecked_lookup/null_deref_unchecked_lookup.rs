// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case, bug class NULL pointer dereference: the result of a lookup that can fail
//! is used unchecked.
//!
//! The Rust twin of `cb_null_write()` in `demos/bug_classes/c_bugs/c_bugs.c`: `write(2)` selects
//! a channel by number. In C `cb_find_channel()` returns NULL for a number no channel has, and the
//! caller dereferences it. Here the lookup returns `Option<&Channel>`, which has no field
//! `selects`: rustc refuses the use until the `None` case is handled (a reference is never NULL).
//! What builds instead: `ok_or(ENOENT)?`, an error for user space.
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
    AtomicU64,
    Ordering, //
};
use kernel::{
    iov::IovIterSource,
    prelude::*,
    sync::{
        Arc,
        ArcBorrow, //
    }, //
};
use miscdev::{
    AccessMode,
    IoMode,
    MiscDeviceRegistration,
    StreamMiscDevice, //
};

module! {
    type: CompileFailCase,
    name: "null_deref_unchecked_lookup",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: the result of a failed lookup used unchecked",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// A channel `write(2)` can select (`struct cb_channel`).
struct Channel {
    id: u32,
    selects: AtomicU64,
}

/// The device's channels, fixed at load.
struct Channels {
    channels: [Channel; 4],
}

impl Channels {
    /// The channel numbered `id`, if there is one (`cb_find_channel()`).
    fn find(&self, id: u32) -> Option<&Channel> {
        self.channels.iter().find(|channel| channel.id == id)
    }
}

struct Dev;

#[vtable]
impl StreamMiscDevice for Dev {
    type Ptr = Arc<Channels>;
    type RegistrationData = Arc<Channels>;

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        Ok(misc.data().clone())
    }

    /// Selects the channel whose number is written, in decimal.
    fn write_iter(
        channels: ArcBorrow<'_, Channels>,
        iov: &mut IovIterSource<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        let mut text = [0u8; 12];
        if iov.len() > text.len() {
            return Err(EINVAL);
        }
        let len = iov.copy_from_iter(&mut text);
        let text = text.get(..len).ok_or(EINVAL)?;
        let text = core::str::from_utf8(text).map_err(|_| EINVAL)?;
        let id: u32 = text.trim().parse().map_err(|_| EINVAL)?;
        #[cfg(not(rkm_compile_fail))]
        let channel = channels.find(id).ok_or(ENOENT)?;
        #[cfg(rkm_compile_fail)]
        let channel = channels.find(id);
        channel.selects.fetch_add(1, Ordering::Relaxed); //~ ERROR E0609
        Ok(len)
    }
}
