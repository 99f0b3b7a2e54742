// SPDX-License-Identifier: GPL-2.0

//! rust_bugs: where Rust stops a bug at run time, and where `unsafe` lets one through.
//!
//! The files of `/sys/kernel/debug/rust_bugs/`, written to by `demos/bug_classes/trigger.c`:
//!
//! - `checked_write`: the command buffer of `cb_oobw_write()` (`demos/bug_classes/c_bugs/`),
//!   filled through `get_mut()`: a command longer than the buffer fails with `EMSGSIZE`, and
//!   nothing is written. What a driver should write for a length user space chooses.
//! - `indexed_write`: the same buffer filled through indexing, `bytes[..len]`: the bounds check
//!   panics before a byte is written (an oops that kills the writer, with the kernel otherwise
//!   intact). For bounds that are invariants of the driver, not for input.
//! - `unsafe_uaf`: the use after free of `cb_uaf_*()` written with a raw pointer and `unsafe`,
//!   which rustc accepts: KASAN reports it as it does the C one.
//! - `unsafe_double_free`: the double free of `cb_df_write()` written the same way: the label
//!   passed as a raw pointer to a function that frees it when it refuses it, and freed again by
//!   the caller's error path.
//!
//! The guarantee stops where `unsafe` starts, which is why the collection keeps `unsafe` in
//! small, reviewed abstractions (`modules/common/`) and none in a driver.
//!
//! Every file is write-only. Nothing builds or loads this module but `make bug-classes`, in a VM
//! of its own.

#[path = "../common/compat.rs"]
mod compat;
#[allow(dead_code, reason = "shared with the modules, which use other parts")]
#[path = "../common/debugfs.rs"]
mod debugfs;

use core::ptr;
use debugfs::{
    Access,
    DebugfsFiles,
    Directory,
    FileDesc, //
};
use kernel::{
    fmt,
    new_mutex,
    prelude::*,
    sync::Mutex, //
};

module! {
    type: RustBugs,
    name: "rust_bugs",
    authors: ["Rust kernel module collection contributors"],
    description: "Run-time bounds checks, and a use after free through unsafe, on purpose",
    license: "GPL",
}

/// Bytes in a command (`CBUGS_CMD_LEN`).
const CMD_LEN: usize = 16;

/// Most bytes a label may have (`CB_LABEL_MAX`).
const LABEL_MAX: usize = 64;

/// A label (`cb.label`): its bytes and how many are used.
struct Label {
    len: usize,
    bytes: [u8; LABEL_MAX],
}

/// A command (`struct cb_cmd`).
#[derive(Default)]
struct Command {
    len: usize,
    bytes: [u8; CMD_LEN],
}

/// The state of an open file (`struct cb_session`). `repr(C)` keeps `comm` first, so that the
/// write after the free lands past the 16 bytes in which KASAN keeps a freed object's
/// quarantine link and free stack, as in C.
#[repr(C)]
struct Session {
    comm: [u8; 16],
    events: u64,
}

/// The session that claimed the device, kept as the C driver keeps it: a raw pointer.
struct Claim(*mut Session);

// SAFETY: Not sound, on purpose: nothing ties the pointer to a live session. `Send` is what the
// `Mutex` needs to be `Sync`; a raw pointer is not `Send` precisely so that this takes `unsafe`.
unsafe impl Send for Claim {}

#[derive(Clone, Copy)]
enum File {
    Checked,
    Indexed,
    UnsafeUaf,
    UnsafeDoubleFree,
}

#[pin_data]
struct Bugs {
    #[pin]
    cmd: Mutex<Command>,
    #[pin]
    claim: Mutex<Claim>,
    #[pin]
    label: Mutex<Option<KBox<Label>>>,
}

impl Bugs {
    /// The command buffer filled through a checked access: too long is an error.
    fn store_checked(&self, input: &[u8]) -> Result {
        let mut cmd = Command::default();
        cmd.bytes
            .get_mut(..input.len())
            .ok_or(EMSGSIZE)?
            .copy_from_slice(input);
        cmd.len = input.len();
        *self.cmd.lock() = cmd;
        Ok(())
    }

    /// The command buffer filled through indexing: too long panics, before any write.
    fn store_indexed(&self, input: &[u8]) -> Result {
        let mut cmd = Command::default();
        cmd.bytes[..input.len()].copy_from_slice(input);
        cmd.len = input.len();
        *self.cmd.lock() = cmd;
        Ok(())
    }

    /// `cb_uaf_open()`, `cb_uaf_release()` and `cb_uaf_write()` of the C driver in one call: a
    /// session claims the device, is freed with the claim left behind, then gets an event.
    fn store_unsafe_uaf(&self) -> Result {
        let session = KBox::new(
            Session {
                comm: *b"rust_bugs\0\0\0\0\0\0\0",
                events: 0,
            },
            GFP_KERNEL,
        )?;
        let session = KBox::into_raw(session);
        *self.claim.lock() = Claim(session);

        // SAFETY: `session` comes from `KBox::into_raw()` above and is turned back only here.
        drop(unsafe { KBox::from_raw(session) });

        let claimed = self.claim.lock().0;
        // SAFETY: None: the session was freed above. rustc takes the word of `unsafe`, and
        // KASAN reports the use after free.
        unsafe { (*claimed).events += 1 };
        Ok(())
    }

    /// `cb_set_label()` with a raw pointer: makes `label` the label, and frees it when it is
    /// refused (a label is printable text, with an optional final newline).
    ///
    /// # Safety
    ///
    /// `label` must come from `KBox::into_raw()`; it is owned here from the call on.
    unsafe fn set_label_raw(&self, label: *mut Label) -> Result {
        // SAFETY: The caller hands over the `KBox` that `label` came from.
        let label = unsafe { KBox::from_raw(label) };
        let text = label.bytes.get(..label.len).ok_or(EINVAL)?;
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        if !text.iter().all(|&c| c.is_ascii_graphic() || c == b' ') {
            return Err(EINVAL);
        }
        *self.label.lock() = Some(label);
        Ok(())
    }

    /// `cb_df_write()` with a raw pointer: the error path frees the label `set_label_raw()`
    /// freed already when it refused it.
    fn store_unsafe_double_free(&self, input: &[u8]) -> Result {
        let mut label = KBox::new(
            Label {
                len: input.len(),
                bytes: [0; LABEL_MAX],
            },
            GFP_KERNEL,
        )?;
        label
            .bytes
            .get_mut(..input.len())
            .ok_or(EINVAL)?
            .copy_from_slice(input);
        let label = KBox::into_raw(label);
        // SAFETY: `label` comes from `KBox::into_raw()` just above.
        let result = unsafe { self.set_label_raw(label) };
        if result.is_err() {
            // SAFETY: None: `set_label_raw()` freed the label when it refused it. rustc takes the
            // word of `unsafe`, and KASAN reports the second free.
            drop(unsafe { KBox::from_raw(label) });
        }
        result
    }
}

impl DebugfsFiles for Bugs {
    type Id = File;

    const FILES: &'static [FileDesc<File>] = &[
        FileDesc::new(c"checked_write", Access::WriteOnly, File::Checked),
        FileDesc::new(c"indexed_write", Access::WriteOnly, File::Indexed),
        FileDesc::new(c"unsafe_uaf", Access::WriteOnly, File::UnsafeUaf),
        FileDesc::new(
            c"unsafe_double_free",
            Access::WriteOnly,
            File::UnsafeDoubleFree,
        ),
    ];

    fn show(&self, _id: File, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }

    fn store(&self, id: File, input: &str) -> Result {
        match id {
            File::Checked => self.store_checked(input.as_bytes()),
            File::Indexed => self.store_indexed(input.as_bytes()),
            File::UnsafeUaf => self.store_unsafe_uaf(),
            File::UnsafeDoubleFree => self.store_unsafe_double_free(input.as_bytes()),
        }
    }
}

struct RustBugs {
    _dir: Pin<KBox<Directory<Bugs>>>,
}

impl kernel::Module for RustBugs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let bugs = try_pin_init!(Bugs {
            cmd <- new_mutex!(Command::default()),
            claim <- new_mutex!(Claim(ptr::null_mut())),
            label <- new_mutex!(None),
        }? Error);
        pr_warn!("loaded: its files corrupt kernel memory on purpose\n");
        Ok(Self {
            _dir: KBox::pin_init(Directory::new(c"rust_bugs", bugs), GFP_KERNEL)?,
        })
    }
}
