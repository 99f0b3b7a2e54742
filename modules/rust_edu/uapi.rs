// SPDX-License-Identifier: GPL-2.0

//! Rust mirror of the user ABI in `include/uapi/rust_edu.h`.
//!
//! The constant assertions pin every value to the numbers the C header produces, so the two
//! cannot drift apart silently.

#![deny(unsafe_code)]

use core::mem::offset_of;

use kernel::{
    ioctl::{
        _IOR,
        _IOW,
        _IOWR, //
    },
    prelude::*, //
};
use zerocopy_derive::{
    FromBytes,
    Immutable, //
};

/// `REDU_FACTORIAL_MAX`: the largest input of `REDU_FACTORIAL`.
///
/// The device computes `n!` with `n` multiplications while the caller waits, and from 34 on the
/// result is 0 modulo 2^32: the bound keeps a command short, and every accepted input testable in
/// one run, without losing any distinct result.
pub(crate) const FACTORIAL_MAX: u32 = 255;

/// `REDU_DMA_BUFFER_SIZE`: the bytes of the device's 4 KiB buffer a transfer may reach.
///
/// QEMU's model before 8.0 stops the VM (`hw_error()`) for a transfer that ends at the end of
/// the buffer, or that is empty: its range check wants the end strictly inside. The driver never
/// issues either, so that no caller can stop the machine.
pub(crate) const DMA_BUFFER_SIZE: usize = 4095;

/// Bytes of DMA memory the driver allocates: one page, the smallest allocation.
pub(crate) const DMA_MEMORY_SIZE: usize = 4096;

/// `REDU_RAISE_BITS`: the interrupt status bits `REDU_RAISE` may set; the device's own
/// completion bits (factorial and DMA) are excluded.
pub(crate) const RAISE_BITS: u32 = 0xffff_fefe;

/// `REDU_TIMEOUT_MS`: how long a command waits for the device's interrupt.
pub(crate) const TIMEOUT_MS: u32 = 2000;

/// `REDU_IRQ_INTX` and `REDU_IRQ_MSI`: `irq_mode` of [`ReduStats`].
pub(crate) const IRQ_INTX: u32 = 0;
pub(crate) const IRQ_MSI: u32 = 1;

const REDU_IOC_MAGIC: u32 = 0xED;

/// `struct redu_factorial`.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes, Immutable)]
pub(crate) struct ReduFactorial {
    pub(crate) n: u32,
    pub(crate) result: u32,
}

/// `struct redu_dma`.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes, Immutable)]
pub(crate) struct ReduDma {
    pub(crate) addr: u64,
    pub(crate) offset: u32,
    pub(crate) len: u32,
}

/// `struct redu_stats`.
///
/// `IntoBytes` proves at compile time that it has no padding, so it can be copied to userspace
/// as is.
#[repr(C)]
#[derive(Clone, Copy, Default, IntoBytes, Immutable)]
pub(crate) struct ReduStats {
    pub(crate) irqs: u64,
    pub(crate) irqs_none: u64,
    pub(crate) factorials: u64,
    pub(crate) fact_raised: u64,
    pub(crate) fact_acked: u64,
    pub(crate) dma_raised: u64,
    pub(crate) dma_acked: u64,
    pub(crate) user_raised: u64,
    pub(crate) user_acked: u64,
    pub(crate) dma_to_device_bytes: u64,
    pub(crate) dma_from_device_bytes: u64,
    pub(crate) irq_mode: u32,
    pub(crate) waiters: u32,
}

// The C layouts, the same for 32-bit and 64-bit userspace (so `compat_ptr_ioctl()` suffices).
const _: () = {
    assert!(size_of::<ReduFactorial>() == 8);
    assert!(offset_of!(ReduFactorial, result) == 4);
    assert!(size_of::<ReduDma>() == 16);
    assert!(offset_of!(ReduDma, offset) == 8);
    assert!(offset_of!(ReduDma, len) == 12);
    assert!(size_of::<ReduStats>() == 96);
    assert!(offset_of!(ReduStats, dma_from_device_bytes) == 80);
    assert!(offset_of!(ReduStats, irq_mode) == 88);
    assert!(offset_of!(ReduStats, waiters) == 92);
};

/// `REDU_FACTORIAL`: `_IOWR(0xED, 1, struct redu_factorial)`.
pub(crate) const REDU_FACTORIAL: u32 = _IOWR::<ReduFactorial>(REDU_IOC_MAGIC, 1);
/// `REDU_DMA_WRITE`: `_IOW(0xED, 2, struct redu_dma)`.
pub(crate) const REDU_DMA_WRITE: u32 = _IOW::<ReduDma>(REDU_IOC_MAGIC, 2);
/// `REDU_DMA_READ`: `_IOW(0xED, 3, struct redu_dma)`.
pub(crate) const REDU_DMA_READ: u32 = _IOW::<ReduDma>(REDU_IOC_MAGIC, 3);
/// `REDU_RAISE`: `_IOW(0xED, 4, __u32)`.
pub(crate) const REDU_RAISE: u32 = _IOW::<u32>(REDU_IOC_MAGIC, 4);
/// `REDU_GET_STATS`: `_IOR(0xED, 5, struct redu_stats)`.
pub(crate) const REDU_GET_STATS: u32 = _IOR::<ReduStats>(REDU_IOC_MAGIC, 5);

// The values the C macros have with the generic ioctl encoding of x86.
#[cfg(CONFIG_X86)]
const _: () = {
    assert!(REDU_FACTORIAL == 0xc008_ed01);
    assert!(REDU_DMA_WRITE == 0x4010_ed02);
    assert!(REDU_DMA_READ == 0x4010_ed03);
    assert!(REDU_RAISE == 0x4004_ed04);
    assert!(REDU_GET_STATS == 0x8060_ed05);
};
