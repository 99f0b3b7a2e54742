// SPDX-License-Identifier: GPL-2.0

//! PCI driver for QEMU's educational device (`-device edu`), exposed as `/dev/rust-edu`.
//!
//! This is the collection's PCI sample, the driver class most real drivers belong to. It shows,
//! on emulated hardware:
//!
//! - binding by PCI id (1234:11e8), checking the device's identification and liveness registers
//!   before using it, and mapping BAR 0 ([`regs`], typed registers of the kernel crate's
//!   `register!`);
//! - DMA: a 28-bit DMA mask (the device's address width) and one page of coherent DMA memory
//!   (`kernel::dma`), between which and the device's 4 KiB buffer the device moves data;
//! - interrupts: one MSI vector (the INTx pin if the platform has no MSI, or with `msi=0`), whose
//!   handler acknowledges the device's interrupts and completes the commands waiting for them
//!   ([`edu`]);
//! - a misc device, `/dev/rust-edu`, whose ioctls run the device's commands and sleep until
//!   their interrupt, with signals, timeouts and unbinding handled (the ABI is
//!   `include/uapi/rust_edu.h`).
//!
//! Where the 7.3 kernel crate offers no safe API (enabling the device until unbind, the DMA
//! mask, an interrupt handler with its vector), this driver is a `pci_setup::Driver`
//! (`modules/common/pci_setup.rs`), whose adapter does that set-up around its probe.
//!
//! # Lifecycle
//!
//! Probe enables the device, sets its DMA mask and allocates its interrupt vector (the adapter,
//! before this driver's code), maps BAR 0 and checks the device, allocates the DMA memory,
//! requests the interrupt (the adapter, with the handler the probe returns), then registers
//! `/dev/rust-edu`. Every resource is device-managed or owned by the binding: a failing step
//! releases those before it. At unbind, [`Edu::shut_down`](edu::Edu::shut_down) ends every
//! waiting command with `ENODEV` and waits for a running transfer, and bus mastering ends; then
//! the interrupt is freed, the misc device is deregistered (files stay open, and fail with
//! `ENODEV` from then on), and the devres core frees the DMA memory, the mapping, the vector, and
//! disables the device, in that order.
//!
//! # Soundness
//!
//! The driver has no `unsafe` code, and nothing an open file keeps borrows the binding: files
//! hold an `Arc` of [`Edu`](edu::Edu), whose registers and DMA memory are revocable device
//! resources ([`regs::Hardware`]). After unbind each access fails with `ENODEV` rather than
//! touching an unmapped BAR or freed memory. No transfer can start after
//! [`Edu::shut_down`](edu::Edu::shut_down), and bus mastering ends after it, before the memory is
//! freed: even a transfer the device never finished cannot write to freed memory.

#[path = "../common/compat.rs"]
mod compat;
mod driver;
mod edu;
// KUnit: every suite of this crate is in kunit.rs, one inline `#[kunit_tests(<suite>)] mod` each
// (the attribute cannot go on an out-of-line `mod`), built with built-in KUnit (the probe
// rkm_kunit), and left out of a build measured without its suites (`make compare`).
#[cfg(rkm_kunit)]
mod kunit;
#[path = "../common/miscdev.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod miscdev;
#[path = "../common/pci_setup.rs"]
mod pci_setup;
mod regs;
mod uapi;

use driver::RustEduDriver;

kernel::module_pci_driver! {
    type: pci_setup::Adapter<RustEduDriver>,
    name: "rust_edu",
    authors: ["Rust kernel module collection contributors"],
    description: "PCI driver for QEMU's edu device: DMA, MSI and MMIO",
    license: "GPL",
    params: {
        msi: u8 {
            default: 1,
            description: "1: an MSI (the INTx pin if there is none); 0: the INTx pin",
        },
        mix_vectors: u8 {
            default: 0,
            description: "Test only: 1 or 2 allocate INTx vectors in probe beside the driver's \
                          and drop them before probe ends (1, refused) or with the binding (2)",
        },
    },
}
