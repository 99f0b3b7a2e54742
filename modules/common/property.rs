// SPDX-License-Identifier: GPL-2.0

//! String properties of a firmware node, with the cause of a failed read and no log line, and
//! u32 arrays read into the caller's array.
//!
//! C header: [`include/linux/property.h`](srctree/include/linux/property.h)
//!
//! The kernel crate reads a string property into a `CString` (`FwNode::property_read`), which
//! allocates, and hands the result out through a `PropertyGuard`. The guard keeps the error, but
//! gives it out only through `required_by()`, which first logs "property ... is missing" for any
//! error, whether the property is absent, of the wrong type or could not be copied for lack of
//! memory; `optional()` and `or()` drop the error. A driver that reports an invalid firmware
//! description in one line of its own, and running out of memory as `ENOMEM`, can use neither:
//! `required_by()` adds a second, misleading line for a property of the wrong type, and
//! `optional()` turns `ENOMEM` into an invalid description. [`read_string`] is the same read as
//! the kernel crate's (`fwnode_property_read_string()` on the node, then a copy), returning the
//! error without logging. A `PropertyGuard::into_result()` (the error, no log) in the kernel crate
//! would make that function unnecessary.
//!
//! The kernel crate reads an integer array of a length known only at run time into a new `KVec`
//! (`FwNode::property_read_array_vec`), which allocates where C reads into the driver's own array
//! (`fwnode_property_read_u32_array()`). [`read_u32_array`] is that C read, into a slice.
//!
//! # Examples
//!
//! A driver's probe reading an optional `label` property, reporting a bad one in a line of its
//! own and running out of memory as `ENOMEM`:
//!
//! ```
//! use crate::property;
//! use kernel::{
//!     device::{
//!         property::FwNode,
//!         Bound,
//!         Device, //
//!     },
//!     prelude::*,
//!     str::CString, //
//! };
//!
//! fn label(dev: &Device<Bound>, node: &FwNode) -> Result<Option<CString>> {
//!     match property::read_string(node, c"label") {
//!         Ok(label) => Ok(Some(label)),
//!         Err(e) if e == ENOMEM => Err(e),
//!         Err(e) if e == EINVAL => Ok(None),
//!         Err(e) => {
//!             dev_err!(dev, "invalid 'label' property: {e:?}\n");
//!             Err(e)
//!         }
//!     }
//! }
//! ```
//!
//! Up to four `u32` thresholds, as many as the property has, read without allocating:
//!
//! ```
//! use crate::property;
//! use kernel::{
//!     device::property::FwNode,
//!     prelude::*, //
//! };
//!
//! fn thresholds(node: &FwNode, out: &mut [u32; 4]) -> Result<usize> {
//!     let count = node.property_count_elem::<u32>(c"thresholds")?;
//!     let given = out.get_mut(..count).ok_or(EINVAL)?;
//!     property::read_u32_array(node, c"thresholds", given)?;
//!     Ok(count)
//! }
//! ```

use core::ptr;

use kernel::{
    bindings,
    device::property::FwNode,
    error::to_result,
    prelude::*,
    str::CString, //
};

/// Reads the u32 array property `name` of `fwnode` into `values`: its first `values.len()`
/// entries, without allocating (`fwnode_property_read_u32_array()`).
///
/// # Errors
///
/// The error of `fwnode_property_read_u32_array()` when the property is absent, not an array of
/// u32 or has fewer entries than `values` (`EINVAL`, `ENODATA`, `EPROTO` or `EOVERFLOW`,
/// depending on the firmware); `values` may then have been written.
pub(crate) fn read_u32_array(fwnode: &FwNode, name: &CStr, values: &mut [u32]) -> Result {
    let raw = crate::raw::fwnode(fwnode);
    // SAFETY: `raw` points to a valid `struct fwnode_handle` for the duration of the call
    // (`fwnode` is borrowed), `name` is NUL-terminated, and `values` is valid for writes of
    // `values.len()` u32 values, at most as many as the function writes
    // (drivers/base/property.c: fwnode_property_read_u32_array(), checked against 7.3.4).
    to_result(unsafe {
        bindings::fwnode_property_read_u32_array(
            raw,
            name.as_char_ptr(),
            values.as_mut_ptr(),
            values.len(),
        )
    })
}

/// Reads the string property `name` of `fwnode` into a new `CString`.
///
/// # Errors
///
/// The error of `fwnode_property_read_string()` when the property is absent or not a string
/// (`EINVAL`, `ENODATA` or `EPROTO`, depending on the firmware); `ENOMEM` when the copy cannot be
/// allocated.
pub(crate) fn read_string(fwnode: &FwNode, name: &CStr) -> Result<CString> {
    let raw = crate::raw::fwnode(fwnode);
    let mut value: *const c_char = ptr::null();
    // SAFETY: `raw` points to a valid `struct fwnode_handle` for the duration of the call
    // (`fwnode` is borrowed), `name` is NUL-terminated, and `value` is a valid place for a string
    // pointer.
    to_result(unsafe {
        bindings::fwnode_property_read_string(raw, name.as_char_ptr(), &mut value)
    })?;
    // SAFETY: On success `value` points to a NUL-terminated string of the firmware node, which
    // stays alive while `fwnode` is borrowed; it is only read, before this returns.
    let value = unsafe { CStr::from_char_ptr(value) };
    Ok(CString::try_from(value)?)
}
