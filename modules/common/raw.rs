// SPDX-License-Identifier: GPL-2.0

//! The C structs behind kernel-crate wrappers whose `as_raw()` the 7.3 kernel crate does not
//! export (`pub(crate)`): one documented cast per type, so that a change of their layout breaks
//! one place.
//!
//! Each wrapper is a `#[repr(transparent)]` struct around `Opaque<T>` of its C struct, and
//! `Opaque<T>` has the layout of `T`: a pointer to one is a pointer to the other. The C side
//! mutates these structs through the raw pointers as usual (they are behind `Opaque`).
//!
//! TODO: use the wrappers' `as_raw()` once the kernel crate exports it.
//!
//! # Examples
//!
//! The pointers are for C calls, in the `unsafe` code of an abstraction (`property.rs` passes
//! [`fwnode`]'s to `fwnode_property_read_string()`); without `unsafe`, code can only compare
//! them, e.g. to tell whether two references are to one device:
//!
//! ```
//! use crate::raw;
//! use kernel::device::{
//!     Bound,
//!     Device, //
//! };
//!
//! fn same_device(a: &Device<Bound>, b: &Device<Bound>) -> bool {
//!     core::ptr::eq(raw::device(a), raw::device(b))
//! }
//! ```

use core::ptr;

use kernel::{
    bindings,
    device::{
        property::FwNode,
        Device, //
    },
    net::phy, //
};

/// The `struct device` behind a [`Device`] (`rust/kernel/device.rs`).
pub(crate) fn device<Ctx: kernel::device::DeviceContext>(
    dev: &Device<Ctx>,
) -> *mut bindings::device {
    // CAST: `Device<Ctx>` is `#[repr(transparent)]` over `Opaque<bindings::device>` (and a
    // zero-sized marker).
    ptr::from_ref(dev).cast_mut().cast::<bindings::device>()
}

/// The `struct fwnode_handle` behind an [`FwNode`] (`rust/kernel/device/property.rs`).
pub(crate) fn fwnode(node: &FwNode) -> *mut bindings::fwnode_handle {
    // CAST: `FwNode` is `#[repr(transparent)]` over `Opaque<bindings::fwnode_handle>`.
    ptr::from_ref(node)
        .cast_mut()
        .cast::<bindings::fwnode_handle>()
}

/// The `struct phy_device` behind a [`phy::Device`] (`rust/kernel/net/phy.rs`).
pub(crate) fn phy_device(dev: &phy::Device) -> *mut bindings::phy_device {
    // CAST: `phy::Device` is `#[repr(transparent)]` over `Opaque<bindings::phy_device>`.
    ptr::from_ref(dev).cast_mut().cast::<bindings::phy_device>()
}
