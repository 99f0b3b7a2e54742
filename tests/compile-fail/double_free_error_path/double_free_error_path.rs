// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case, bug class double free: an error path frees a buffer that the function it
//! was handed to has freed already.
//!
//! The Rust twin of `cb_df_write()` in `demos/bug_classes/c_bugs/c_bugs.c`: `write(2)` copies a
//! label from user space and hands it to `set_label()`, which takes ownership of it and drops it
//! when the label is refused. In C that ownership is a comment, and the caller's error path frees
//! the buffer a second time. Here it is the signature (`text: KVec<u8>`, by value): the caller's
//! `drop(text)`, its `kfree(text)`, is a use of a moved value, which rustc refuses. What builds
//! instead: the error path without it; the buffer is freed exactly once, wherever its owner is.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/miscdev.rs"]
mod miscdev;

use kernel::{
    iov::IovIterSource,
    prelude::*,
    sync::{
        Arc,
        ArcBorrow,
        Mutex, //
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
    name: "double_free_error_path",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: an error path freeing what a callee consumed",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// Most bytes a label may have (`CB_LABEL_MAX`).
const LABEL_MAX: usize = 64;

/// The device's label (`cb.label`).
#[pin_data]
struct Label {
    #[pin]
    text: Mutex<Option<KVec<u8>>>,
}

/// A label is printable text, with an optional final newline.
fn label_valid(text: &[u8]) -> bool {
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    text.iter().all(|&c| c.is_ascii_graphic() || c == b' ')
}

/// Makes `text` the label. Consumes `text`: when it is refused, it is dropped.
fn set_label(label: &Label, text: KVec<u8>) -> Result {
    if !label_valid(&text) {
        return Err(EINVAL);
    }
    *label.text.lock() = Some(text);
    Ok(())
}

struct Dev;

#[vtable]
impl StreamMiscDevice for Dev {
    type Ptr = Arc<Label>;
    type RegistrationData = Arc<Label>;

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        Ok(misc.data().clone())
    }

    fn write_iter(
        label: ArcBorrow<'_, Label>,
        iov: &mut IovIterSource<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        if iov.len() > LABEL_MAX {
            return Err(EINVAL);
        }
        let mut text = KVec::new();
        let len = iov.copy_from_iter_vec(&mut text, GFP_KERNEL)?;
        if let Err(error) = set_label(&label, text) {
            // `kfree(text)`, as the C error path does.
            #[cfg(rkm_compile_fail)]
            drop(text); //~ ERROR E0382
            return Err(error);
        }
        Ok(len)
    }
}
