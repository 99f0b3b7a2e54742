// SPDX-License-Identifier: GPL-2.0

//! String properties of a device's firmware node, with the cause of a failed read.
//!
//! C header: [`include/linux/property.h`](srctree/include/linux/property.h)
//!
//! The kernel crate reads a string property into a `CString` (`FwNode::property_read`), which
//! allocates, and hands the result out through a `PropertyGuard` that either drops the error
//! (`optional()`) or logs "property is missing" for any error (`required_by()`). A driver that
//! validates its firmware description then cannot tell an allocation failure from a property
//! of the wrong type, and reports running out of memory as an invalid description. [`read_string`]
//! returns the error itself.

use core::ptr;
use kernel::{bindings, device::Device, error::to_result, prelude::*, str::CString};

/// Reads the string property `name` of `dev`'s firmware node into a new `CString`.
///
/// # Errors
///
/// The error of `device_property_read_string()` when the property is absent or not a string
/// (`EINVAL`, `ENODATA` or `EPROTO`, depending on the firmware); `ENOMEM` when the copy cannot be
/// allocated.
pub(crate) fn read_string(dev: &Device, name: &CStr) -> Result<CString> {
    // CAST: `Device` is a `#[repr(transparent)]` wrapper of `Opaque<bindings::device>`, which is
    // `#[repr(transparent)]` too.
    let raw = ptr::from_ref(dev).cast_mut().cast::<bindings::device>();
    let mut value: *const c_char = ptr::null();
    // SAFETY: `raw` points to a valid `struct device` for the duration of the call (`dev` is
    // borrowed), `name` is NUL-terminated, and `value` is a valid place for a string pointer.
    to_result(unsafe {
        bindings::device_property_read_string(raw, name.as_char_ptr(), &mut value)
    })?;
    // SAFETY: On success `value` points to a NUL-terminated string of the firmware node, which
    // the device keeps alive while `dev` is borrowed; it is only read, before this returns.
    let value = unsafe { CStr::from_char_ptr(value) };
    Ok(CString::try_from(value)?)
}
