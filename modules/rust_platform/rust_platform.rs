// SPDX-License-Identifier: GPL-2.0

//! Platform driver for a firmware-described register bank, exposed through sysfs.
//!
//! This is the collection's platform-driver sample. It shows, on emulated hardware:
//!
//! - matching through an ACPI id table (`RKMP0001`) and an OF compatible (`rkm,regbank`);
//! - validating firmware properties, failing probe with `EINVAL` and one `dev_err` line;
//! - mapping the MMIO resource exclusively, as a device-managed resource, and accessing it through
//!   typed registers ([`regs`], defined with the kernel crate's `register!`);
//! - per-device state owned by the driver's private data, with the lifetime of the binding;
//! - a sysfs interface ([`attributes`]) built on this project's `sysfs` abstraction
//!   (`modules/common/sysfs.rs`).
//!
//! # The device
//!
//! A bank has a scratch register, a control register (enable bit and a mode field) and up to
//! eight channel level registers; see [`regs`] for the register map. Userspace reads and writes
//! them through the files described in [`attributes`]. The driver keeps no copy of any register:
//! every read goes to the device.
//!
//! # Firmware properties
//!
//! | Property             | Type      | Meaning                                   | If absent             |
//! |----------------------|-----------|-------------------------------------------|-----------------------|
//! | `label`              | string    | name shown in `label`; must not be empty  | the device name       |
//! | `rkm,max-mode`       | u32       | highest mode userspace may select, <= 15  | 3                     |
//! | `rkm,channel-limits` | u32 array | upper limit of each channel, 1 to 8 items | required: probe fails |
//!
//! A missing required property, a property of the wrong type or an out-of-range value makes
//! probe fail with `EINVAL` after one `dev_err` line, before the window is requested or mapped;
//! nothing stays allocated.
//!
//! Device-tree binding example:
//!
//! ```text
//! regbank@10000000 {
//!     compatible = "rkm,regbank";
//!     reg = <0x10000000 0x1000>;
//!     label = "bank-a";
//!     rkm,max-mode = <5>;
//!     rkm,channel-limits = <100 200 300>;
//! };
//! ```
//!
//! ACPI describes the same with `_HID "RKMP0001"`, a `Memory32Fixed` resource in `_CRS` and the
//! properties in a `_DSD` device-properties package; `vm/rust_platform.dsl` has six examples.
//!
//! A label of more than 4094 printable ASCII bytes is accepted, but reading the `label` file then
//! fails with `EFBIG`: with its newline it does not fit in the page sysfs provides (see
//! [`attributes`]).
//!
//! # Lifecycle
//!
//! Probe validates the properties, requests and maps the memory window (`EBUSY` if someone else
//! owns it, and also when the request cannot allocate its `struct resource`: the C API returns
//! NULL for both), registers the mapping as a device-managed resource and then creates the sysfs
//! files. Other allocation failures are `ENOMEM`. On unbind the driver core drops the private
//! data: the files are removed first (waiting for running readers and writers), then the bank,
//! then the mapping and the memory region.
//!
//! # Soundness
//!
//! The driver has no `unsafe` code, and its private data borrows nothing: it is `'static`.
//!
//! - The mapping is a [`regs::Window`] (`DevresExclusiveIoMem`, from
//!   `ExclusiveIoMem::into_devres()`), not an `ExclusiveIoMem<'bound>` borrowing the bound
//!   device. Every register access takes the window's revocable guard ([`regs::Registers`]); the
//!   devres core revokes the window when it is dropped or, at the latest, when the device is
//!   unbound, and an access after that fails with `ENODEV` instead of touching an unmapped
//!   window.
//! - The sysfs files are therefore created with the safe `sysfs::AttributeGroup::new`, which
//!   requires `'static` data. Nothing depends on the group being dropped in time: the group's
//!   files go at the unbind even if the group outlived it (it does not, the driver core drops the
//!   private data at unbind), and while they exist a register access after the window's
//!   revocation fails with `ENODEV`.
//!
//! Because the files are removed before the window is released (see above), no file access sees
//! a revoked window in practice: userspace cannot reach `ENODEV` this way, the KUnit tests check
//! it with a register double that behaves like a revoked window.
//!
//! # The banks in the test VM
//!
//! QEMU's `pc-testdev` (`vm/qemu-opts`) provides a 64 KiB MMIO window at `0xff000000` that
//! behaves like memory; `vm/rust_platform.dsl` cuts it into one 4 KiB window per bank. It was
//! chosen over RAM reserved with `memmap=` because it is a real device window: accesses trap into
//! QEMU, its contents live in QEMU rather than in guest RAM the kernel also manages, and it needs
//! no kernel command line (`memmap=` needs a `$` that survives several layers of quoting).
//!
//! The tests prove that the values live in the device, not in the driver, in two ways. One maps
//! the window through `/dev/mem` (the test kernel has no `STRICT_DEVMEM`) and checks register by
//! register that sysfs writes land in the device and device writes show in sysfs, including bits
//! of `CONTROL` the driver never wrote. The others read a value written through one binding back
//! through a later binding and after the module was unloaded and loaded again, when no state of
//! the driver survives.

mod attributes;
mod bank;
#[path = "../common/compat.rs"]
mod compat;
mod driver;
// KUnit: every suite of this crate is in kunit.rs, one inline `#[kunit_tests(<suite>)] mod` each
// (the attribute cannot go on an out-of-line `mod`), built with built-in KUnit (the probe
// rkm_kunit), and left out of a build measured without its suites (`make compare`).
#[cfg(rkm_kunit)]
mod kunit;
#[path = "../common/property.rs"]
mod property;
#[path = "../common/raw.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod raw;
mod regs;
#[path = "../common/sysfs.rs"]
mod sysfs;
#[path = "../common/text.rs"]
mod text;

use driver::RegBankDriver;

kernel::module_platform_driver! {
    type: RegBankDriver,
    name: "rust_platform",
    authors: ["Rust kernel module collection contributors"],
    description: "Platform driver for a firmware-described register bank",
    license: "GPL",
}
