// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case, bug class use after free: the device keeps a reference to the per-open
//! state of the file that claimed it, which the file's release frees.
//!
//! The Rust twin of `cb_uaf_open()` in `demos/bug_classes/c_bugs/c_bugs.c`: the first file opened
//! claims the device, and every file's `write(2)` posts an event to the claiming file's session.
//! In C the device holds a plain pointer, which `release` leaves dangling. Here the file owns its
//! session (`KBox`) and drops it at release, so the device can hold only a borrow of it, and a
//! borrow that the device (`'static` registration data) keeps must be `'static`: rustc refuses
//! it (the session "does not live long enough", and cannot move into the file while borrowed).
//! What builds instead: both hold a reference count (`Arc`), so the session lives while claimed;
//! the missing reset of the claim is then a logic bug (events go to a closed file), not a use
//! after free.
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
    name: "use_after_free_claim_borrows",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: a device keeping a borrow of per-open state",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// The state of one open file (`struct cb_session`).
struct Session {
    events: AtomicU64,
}

/// How the device holds the session of the file that claimed it, and how the file holds it.
#[cfg(rkm_compile_fail)]
type Claim = &'static Session;
#[cfg(rkm_compile_fail)]
type Owned = KBox<Session>;
#[cfg(not(rkm_compile_fail))]
type Claim = Arc<Session>;
#[cfg(not(rkm_compile_fail))]
type Owned = Arc<Session>;

/// The device: the file that claimed it receives the events (`cb.owner`).
#[pin_data]
struct Events {
    #[pin]
    owner: Mutex<Option<Claim>>,
}

/// One open file: the device, and the file's session, dropped at release.
struct OpenFile {
    device: Arc<Events>,
    session: Owned,
}

struct Dev;

#[vtable]
impl StreamMiscDevice for Dev {
    type Ptr = KBox<OpenFile>;
    type RegistrationData = Arc<Events>;

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        let device = misc.data().clone();
        let session = Owned::new(
            Session {
                events: AtomicU64::new(0),
            },
            GFP_KERNEL,
        )?;
        let mut owner = device.owner.lock();
        // The first file opened receives the events, until it is closed.
        if owner.is_none() {
            #[cfg(rkm_compile_fail)]
            {
                *owner = Some(&session); //~ ERROR E0597
            }
            #[cfg(not(rkm_compile_fail))]
            {
                *owner = Some(session.clone());
            }
        }
        drop(owner);
        Ok(KBox::new(OpenFile { device, session }, GFP_KERNEL)?) //~ ERROR E0505
    }

    /// Any file's `write(2)` posts an event to the file that claimed the device.
    fn write_iter(file: &OpenFile, iov: &mut IovIterSource<'_>, _mode: IoMode) -> Result<usize> {
        if let Some(owner) = &*file.device.owner.lock() {
            owner.events.fetch_add(1, Ordering::Relaxed);
        }
        let len = iov.len();
        iov.advance(len);
        Ok(len)
    }
}
