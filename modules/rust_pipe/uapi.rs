// SPDX-License-Identifier: GPL-2.0

//! Rust mirror of the user ABI in `include/uapi/rust_pipe.h`.
//!
//! The constant assertions pin every value to the numbers the C header produces, so the two
//! cannot drift apart silently.

#![deny(unsafe_code)]

use core::{
    mem::offset_of,
    ops::RangeInclusive, //
};

use kernel::{
    ioctl::{
        _IO,
        _IOR,
        _IOW, //
    },
    prelude::*, //
};
use zerocopy_derive::Immutable;

/// Accepted capacities, in bytes: `RPIPE_CAPACITY_MIN..=RPIPE_CAPACITY_MAX`.
pub(crate) const CAPACITY_RANGE: RangeInclusive<u64> = 1..=1 << 20;

/// The capacity used when the module parameter is not given: `RPIPE_CAPACITY_DEFAULT`.
pub(crate) const CAPACITY_DEFAULT: u64 = 4096;

const RPIPE_IOC_MAGIC: u32 = 0xB7;

/// `struct rpipe_stats`.
///
/// `IntoBytes` proves at compile time that it has no padding, so it can be copied to userspace
/// as is.
#[repr(C)]
#[derive(IntoBytes, Immutable)]
pub(crate) struct RpipeStats {
    pub(crate) capacity: u64,
    pub(crate) len: u64,
    pub(crate) bytes_written: u64,
    pub(crate) bytes_read: u64,
    pub(crate) readers: u32,
    pub(crate) writers: u32,
}

// The C layout: four `__u64` then two `__u32`, 40 bytes for 32-bit and 64-bit userspace alike,
// which is why `compat_ptr_ioctl()` suffices for 32-bit callers.
const _: () = {
    assert!(size_of::<RpipeStats>() == 40);
    assert!(offset_of!(RpipeStats, len) == 8);
    assert!(offset_of!(RpipeStats, bytes_written) == 16);
    assert!(offset_of!(RpipeStats, bytes_read) == 24);
    assert!(offset_of!(RpipeStats, readers) == 32);
    assert!(offset_of!(RpipeStats, writers) == 36);
};

/// `RPIPE_GET_STATS`: `_IOR(0xB7, 1, struct rpipe_stats)`.
pub(crate) const RPIPE_GET_STATS: u32 = _IOR::<RpipeStats>(RPIPE_IOC_MAGIC, 1);
/// `RPIPE_SET_CAPACITY`: `_IOW(0xB7, 2, __u64)`.
pub(crate) const RPIPE_SET_CAPACITY: u32 = _IOW::<u64>(RPIPE_IOC_MAGIC, 2);
/// `RPIPE_CLEAR`: `_IO(0xB7, 3)`.
pub(crate) const RPIPE_CLEAR: u32 = _IO(RPIPE_IOC_MAGIC, 3);

// The values the C macros have with the generic ioctl encoding of x86.
#[cfg(CONFIG_X86)]
const _: () = {
    assert!(RPIPE_GET_STATS == 0x8028_b701);
    assert!(RPIPE_SET_CAPACITY == 0x4008_b702);
    assert!(RPIPE_CLEAR == 0x0000_b703);
};
