// SPDX-License-Identifier: GPL-2.0

//! Compile-fail case, bug class data race: a counter shared by every open file, updated without
//! the lock.
//!
//! The Rust twin of `cb_race_write()` in `demos/bug_classes/c_bugs/c_bugs.c`: `write(2)` records
//! an event with the next sequence number. In C the lock covers the event but not the number, so
//! two writers take the same one and an increment is lost. Here state shared by every file is
//! reached through `&` only, and a plain `u64` cannot be changed through `&` (E0594); the
//! unsynchronised way to do it anyway, `Cell`, is not `Sync`, and state shared between threads
//! (`Arc<Events>` as the registration data, `Send + Sync` in `modules/common/miscdev.rs`) must
//! be: rustc refuses it. What builds instead: the number inside the `Mutex` with the event, the
//! only way to reach it being to take the lock.
//!
//! Built twice by `scripts/compile-fail.sh`: as is, it must build without a warning; with
//! `--cfg rkm_compile_fail`, it must fail with exactly the errors of its `//~ ERROR` marks,
//! each on the line it marks.

#![allow(dead_code, reason = "built, never loaded: only what compiles matters")]

#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/miscdev.rs"]
mod miscdev;

#[cfg(rkm_compile_fail)]
use core::cell::Cell;
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
    name: "data_race_unlocked_counter",
    authors: ["Rust kernel module collection contributors"],
    description: "Compile-fail case: a shared counter updated without the lock",
    license: "GPL",
}

struct CompileFailCase;

impl kernel::Module for CompileFailCase {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}

/// Most bytes an event's name may have (`CB_EVENT_MAX`).
const EVENT_MAX: usize = 32;

/// An event (`struct cb_event`).
struct Event {
    seq: u64,
    len: usize,
    name: [u8; EVENT_MAX],
}

/// What the lock protects.
struct Log {
    last_event: Event,
    #[cfg(not(rkm_compile_fail))]
    next_seq: u64,
}

/// The events every file records (`cb.last_event`, `cb.next_seq`).
#[pin_data]
struct Events {
    #[pin]
    log: Mutex<Log>,
    #[cfg(rkm_compile_fail)]
    next_seq: Cell<u64>,
}

impl Events {
    /// Records `event` with the next number.
    #[cfg(not(rkm_compile_fail))]
    fn record(&self, event: Event) {
        let mut log = self.log.lock();
        let seq = log.next_seq;
        log.last_event = Event { seq, ..event };
        log.next_seq = seq + 1;
    }

    /// The same as the C driver does it: the number taken, and the next one stored, without the
    /// lock.
    #[cfg(rkm_compile_fail)]
    fn record(&self, event: Event) {
        let seq = self.next_seq.get();
        self.log.lock().last_event = Event { seq, ..event };
        self.next_seq.set(seq + 1);
    }
}

struct Dev;

#[vtable]
impl StreamMiscDevice for Dev {
    type Ptr = Arc<Events>; //~ ERROR E0277
    type RegistrationData = Arc<Events>; //~ ERROR E0277

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<Self::Ptr> {
        Ok(misc.data().clone())
    }

    /// Records an event, named by what is written, with the next number.
    fn write_iter(
        events: ArcBorrow<'_, Events>,
        iov: &mut IovIterSource<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        let mut name = [0u8; EVENT_MAX];
        if iov.len() > name.len() {
            return Err(EINVAL);
        }
        let len = iov.copy_from_iter(&mut name);
        events.record(Event { seq: 0, len, name });
        Ok(len)
    }
}
