// SPDX-License-Identifier: GPL-2.0

//! Typed sysfs attributes of a bound device.
//!
//! C header: [`include/linux/sysfs.h`](srctree/include/linux/sysfs.h)
//!
//! The kernel crate has no abstraction for `struct device_attribute`. This module lets a driver
//! expose read-only and read-write files in its device's sysfs directory without writing `unsafe`:
//!
//! - the driver lists its attributes once, in a constant table ([`DeviceAttributes::ATTRIBUTES`]),
//!   each tagged with a driver-defined identifier (usually a fieldless `enum`);
//! - [`DeviceAttributes::show`] and [`DeviceAttributes::store`] receive `&self`, the data the
//!   files belong to, and that identifier; they write text into a bounded [`ShowBuffer`] (strings,
//!   and numbers in the fixed formats of `text.rs`, without `core::fmt`) and parse the written
//!   text with [`parse`];
//! - [`AttributeGroup`] owns that data and the files: creating it publishes the files; they are
//!   removed when it is dropped or when the device is unbound, whichever comes first, and the data
//!   is dropped with the group, after the files are gone.
//!
//! A driver keeps the [`AttributeGroup`] in its device private data, so the files exist exactly
//! as long as the device is bound. A group kept anywhere else (it is `'static` and `Send + Sync`:
//! in an open file's state, say) loses its files at the unbind and keeps its data: dropping it
//! later only drops the data.
//!
//! # Examples
//!
//! A `threshold` file, read-write, and a `name` file, read-only, in the sysfs directory of a bound
//! device, kept in the driver's private data:
//!
//! ```
//! use crate::sysfs::{
//!     self,
//!     Attribute,
//!     AttributeGroup,
//!     DeviceAttributes,
//!     ShowBuffer, //
//! };
//! use kernel::{
//!     device::{
//!         Bound,
//!         Device, //
//!     },
//!     new_mutex,
//!     prelude::*,
//!     sync::Mutex, //
//! };
//!
//! #[derive(Clone, Copy)]
//! enum Attr {
//!     Name,
//!     Threshold,
//! }
//!
//! #[pin_data]
//! struct Limits {
//!     #[pin]
//!     threshold: Mutex<u32>,
//! }
//!
//! impl DeviceAttributes for Limits {
//!     type Id = Attr;
//!
//!     const ATTRIBUTES: &'static [Attribute<Attr>] = &[
//!         Attribute::read_only(c"name", Attr::Name),
//!         Attribute::read_write(c"threshold", Attr::Threshold),
//!     ];
//!
//!     fn show(&self, id: Attr, out: &mut ShowBuffer<'_>) -> Result {
//!         match id {
//!             Attr::Name => out.write_str("limits")?,
//!             Attr::Threshold => out.write_u32(*self.threshold.lock())?,
//!         }
//!         out.write_str("\n")
//!     }
//!
//!     fn store(&self, id: Attr, input: &str) -> Result {
//!         match id {
//!             Attr::Threshold => *self.threshold.lock() = sysfs::parse(input)?,
//!             // Read-only files have no `store`: sysfs never gets here for them.
//!             Attr::Name => return Err(EIO),
//!         }
//!         Ok(())
//!     }
//! }
//!
//! /// The files of a device being probed: part of its private data, so that they exist exactly
//! /// as long as the device is bound.
//! #[pin_data]
//! struct Private {
//!     #[pin]
//!     limits: AttributeGroup<Limits>,
//! }
//!
//! fn private_data(dev: &Device<Bound>) -> impl PinInit<Private, Error> + '_ {
//!     try_pin_init!(Private {
//!         limits <- AttributeGroup::new(
//!             dev,
//!             try_pin_init!(Limits {
//!                 threshold <- new_mutex!(10),
//!             }),
//!         ),
//!     })
//! }
//! ```
//!
//! # Errors seen by userspace
//!
//! - A `read(2)` fails with whatever error `show` returns, or with `EFBIG` when the text does not
//!   fit in the page sysfs provides (`PAGE_SIZE - 1` bytes, see [`ShowBuffer`]).
//! - A `write(2)` fails with `EINVAL` when the input is not UTF-8, and otherwise with whatever
//!   `store` returns. [`parse`] returns `EINVAL` for text that is not a number and `ERANGE` for a
//!   number that does not fit the requested type; drivers return `ERANGE` for values outside the
//!   range their device accepts.
//! - [`parse`] and [`parse_bool`] are stricter than the `kstrtouint(buf, 0, ..)` and
//!   `kstrtobool()` of C attributes: no octal, no sign, only `0`/`1` for booleans, and `ERANGE`
//!   (not `EINVAL`) for a number too large, as `kstrto*()` return but the kernel crate's
//!   `ParseInt` does not.
//! - A read-only attribute's file has mode `0444`, so sysfs refuses to open it for writing
//!   (`EACCES`), even for root: sysfs's kernfs root checks the mode's write bits itself
//!   (`KERNFS_ROOT_EXTRA_OPEN_PERM_CHECK`, fs/sysfs/mount.c: sysfs_init(); fs/kernfs/file.c:
//!   kernfs_fop_open(), checked against 7.3.4). It is the mode, not the missing `store`, that
//!   does it: a device's kobject has `dev_sysfs_ops`, whose `store` exists for every attribute
//!   (drivers/base/core.c, fs/sysfs/file.c: sysfs_add_file_mode_ns(), checked against 7.3.4).
//!
//! # Soundness
//!
//! The C callbacks find their data through the `struct device_attribute` sysfs hands back
//! (drivers/base/core.c: dev_attr_show(), dev_attr_store(), checked against 7.3.4): every
//! attribute lives in a slot owned by the [`AttributeGroup`] that also records where the group's
//! data is. The reference given to `show`/`store` is therefore valid as long as the callback can
//! run, which is established as follows.
//!
//! - Files are created only after the data is fully initialised (the group's last initialisation
//!   step), so no callback sees partially initialised data.
//! - The data is pinned inside the group and never moves while the files exist.
//! - Removing the files waits for the callbacks: `sysfs_remove_group()` removes each file with
//!   `kernfs_remove_by_name()` (fs/sysfs/group.c: sysfs_remove_group(), remove_files()), and
//!   `__kernfs_remove()` first deactivates the node, so no new `show`/`store` can start, then
//!   waits in `kernfs_drain()` until every caller already inside one has returned
//!   (fs/kernfs/dir.c: kernfs_remove_by_name_ns(), __kernfs_remove(), kernfs_drain(), checked
//!   against 7.3.4). A read or write holds that active reference for the whole callback and
//!   fails with `ENODEV` without one (fs/kernfs/file.c: kernfs_seq_start(),
//!   kernfs_fop_write_iter(), checked against 7.3.4). A `store` racing with the removal
//!   therefore either completes before the removal returns or never starts; it cannot observe
//!   freed data. This is the ordering the driver core uses for a driver's `dev_groups`, which are
//!   removed before `remove()` runs (drivers/base/dd.c: device_remove(), checked against 7.3.4).
//! - The files are removed once, by whichever comes first of the group's drop and the device's
//!   unbind: the removal is a [`Registration`] owned by a `kernel::devres::Devres`. At the unbind
//!   the devres core revokes it, which drops it (removing the files); dropping the group first
//!   revokes it there and takes it off the device's devres list. When the two race, each waits
//!   for the other: `Devres::drop` returns only after the registration is dropped, by whichever
//!   side won (rust/kernel/devres.rs: Devres::drop(), Devres::devres_node_release();
//!   rust/kernel/revocable.rs: Revocable::revoke_internal(), checked against 7.3.4). The group
//!   drops its `Devres` before its data and tables (field order), so the data outlives every
//!   callback whichever side removed the files.
//! - The unbind removes the files while the device's directory still exists: the devres core
//!   releases a device's resources when its driver is unbound (drivers/base/dd.c:
//!   __device_release_driver(), device_unbind_cleanup(), checked against 7.3.4), and
//!   `device_del()` unbinds the driver and releases the device's resources before `kobject_del()`
//!   removes the directory (drivers/base/core.c: device_del(); drivers/base/bus.c:
//!   bus_remove_device(), checked against 7.3.4). A late drop after `device_del()` touches no
//!   sysfs state: `kobject_del()` clears the kobject's `sd` (lib/kobject.c: __kobject_del();
//!   fs/sysfs/dir.c: sysfs_remove_dir(), checked against 7.3.4), and a `sysfs_remove_group()`
//!   then WARNs once per file, "kernfs: can not remove '...', no directory"
//!   (fs/kernfs/dir.c: kernfs_remove_by_name_ns(), checked against 7.3.4), which is what the
//!   group's destructor did before the removal was tied to the unbind.
//! - The registration can be put on the device's devres list because the group is created from
//!   a `&Device<Bound>`, which proves that a driver is bound to the device for the duration of
//!   the call (rust/kernel/device.rs: `Bound`; rust/kernel/devres.rs: Devres::new(), checked
//!   against 7.3.4).
//! - The references handed to callbacks are shared and only live for the duration of the call,
//!   so safe code cannot keep them beyond the lifetime of the data. Concurrent callers get shared
//!   references at the same time, hence [`DeviceAttributes`] requires [`Sync`].
//! - The registration holds a reference count on the device, so the kobject the files live in
//!   outlives it.
//!
//! Because removing the files waits for running callbacks, callbacks must not wait for the
//! group's owner to go away or for their device's unbind (e.g. by unbinding their own device),
//! nor drop the last reference to their own group: that would deadlock, exactly as it would in
//! C.
//!
//! Leaking an [`AttributeGroup`] (e.g. with [`core::mem::forget`], which is safe) leaks its data
//! too; its files stay until the device is unbound, and a device that stays bound keeps them for
//! ever. [`AttributeGroup::new`] therefore requires `T: 'static`: a leaked group then only leaks.
//! Data that borrows (e.g. an `ExclusiveIoMem<'bound>` mapping valid while the device is bound)
//! needs the `unsafe` [`AttributeGroup::new_with_lt`], whose caller promises that the group is
//! dropped before the borrow ends, as the kernel crate does for `irq::Registration::new` and
//! `auxiliary::Registration::new_with_lt`. In both cases the group must be dropped, or its device
//! unbound, before the module that implements the callbacks is unloaded: the files call the
//! module's code, and so does the devres release of the registration at the unbind (its release
//! function is monomorphised into the module, rust/kernel/devres.rs, checked against 7.3.4), as
//! for every registration of the kernel crate. That holds when the group is part of a driver's
//! device private data (the driver core drops it at unbind, and every device is unbound before its
//! driver's module goes).

use core::{
    marker::PhantomPinned,
    ptr, //
};

use kernel::{
    bindings,
    device::{
        Bound,
        Device, //
    },
    devres::Devres,
    ffi::c_char,
    page::PAGE_SIZE,
    prelude::*,
    sync::aref::ARef, //
};

use crate::text;

/// Access permissions of an attribute file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Readable by everyone (`0444`).
    ReadOnly,
    /// Readable by everyone, writable by the owner, root (`0644`).
    ReadWrite,
}

impl Access {
    const fn mode(self) -> bindings::umode_t {
        match self {
            Access::ReadOnly => 0o444,
            Access::ReadWrite => 0o644,
        }
    }
}

/// Description of one attribute file.
pub(crate) struct Attribute<Id> {
    name: &'static CStr,
    access: Access,
    id: Id,
}

impl<Id> Attribute<Id> {
    /// A file `name` that only supports `show`.
    pub(crate) const fn read_only(name: &'static CStr, id: Id) -> Self {
        Self {
            name,
            access: Access::ReadOnly,
            id,
        }
    }

    /// A file `name` that supports `show` and `store`.
    pub(crate) const fn read_write(name: &'static CStr, id: Id) -> Self {
        Self {
            name,
            access: Access::ReadWrite,
            id,
        }
    }
}

/// Data that can be exposed as a set of sysfs attributes of a device.
///
/// The callbacks may run concurrently with each other and with any other user of `&self`; use
/// interior locking where a callback must observe or update several values atomically.
pub(crate) trait DeviceAttributes: Sync {
    /// Identifies an attribute in [`Self::ATTRIBUTES`] when a callback runs.
    type Id: Copy + Send + Sync + 'static;

    /// The attributes, in the order they are created.
    const ATTRIBUTES: &'static [Attribute<Self::Id>];

    /// Writes the text of attribute `id` into `out`.
    ///
    /// # Errors
    ///
    /// The returned error is reported to the reader. Errors of writing to `out` (`EFBIG`: the
    /// value does not fit into one page) should be propagated with `?`.
    fn show(&self, id: Self::Id, out: &mut ShowBuffer<'_>) -> Result;

    /// Parses `input` and applies it to attribute `id`.
    ///
    /// `input` is the text written by userspace, without one trailing newline. It is only called
    /// for attributes declared with [`Attribute::read_write`]. A failed `store` should leave the
    /// state unchanged.
    ///
    /// # Errors
    ///
    /// The returned error is reported to the writer: `EINVAL` for unparsable input, `ERANGE` (or
    /// `EINVAL`) for values out of range.
    fn store(&self, id: Self::Id, input: &str) -> Result;
}

/// The page a `show` callback writes its text into.
///
/// sysfs hands `show` a page but accepts at most `PAGE_SIZE - 1` bytes back (it keeps room for
/// the terminating NUL, as `sysfs_emit()` does, and WARNs "OOB write or bad count" otherwise:
/// fs/sysfs/file.c: sysfs_kf_seq_show(), checked against 7.3.4), so [`show_callback`] gives it
/// one byte less than the page.
///
/// # Invariants
///
/// `len <= buf.len()`.
pub(crate) struct ShowBuffer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> ShowBuffer<'a> {
    /// Creates an empty buffer writing into `buf`.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        // INVARIANT: `0 <= buf.len()`.
        Self { buf, len: 0 }
    }

    /// The text written so far (the KUnit tests read it; kernels without KUnit have no use).
    #[cfg(rkm_kunit)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl ShowBuffer<'_> {
    /// Appends `bytes`, all of them or, if they do not fit, none.
    ///
    /// # Errors
    ///
    /// `EFBIG` if `bytes` do not fit; the buffer then holds what it held.
    #[inline(never)]
    pub(crate) fn write_bytes(&mut self, bytes: &[u8]) -> Result {
        let end = self.len.checked_add(bytes.len()).ok_or(EFBIG)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(EFBIG)?;
        dst.copy_from_slice(bytes);
        // INVARIANT: `dst` exists, so `end <= buf.len()`.
        self.len = end;
        Ok(())
    }

    /// Appends `text`, all of it or none.
    ///
    /// # Errors
    ///
    /// As [`ShowBuffer::write_bytes`].
    #[inline]
    pub(crate) fn write_str(&mut self, text: &str) -> Result {
        self.write_bytes(text.as_bytes())
    }

    /// Appends `value` in decimal (C's `%u`), all of it or none.
    ///
    /// # Errors
    ///
    /// As [`ShowBuffer::write_bytes`].
    #[inline(never)]
    pub(crate) fn write_u32(&mut self, value: u32) -> Result {
        self.write_bytes(text::decimal(value).as_bytes())
    }

    /// Appends `value` as `0x` and eight hexadecimal digits (C's `0x%08x`), all of it or none.
    ///
    /// # Errors
    ///
    /// As [`ShowBuffer::write_bytes`].
    #[inline(never)]
    pub(crate) fn write_hex_u32(&mut self, value: u32) -> Result {
        self.write_bytes(text::hex_08(value).as_bytes())
    }

    /// Appends `text` with every byte that is not printable ASCII written as `\xNN`, as the
    /// kernel prints a C string.
    ///
    /// # Errors
    ///
    /// `EFBIG` if the text does not fit; the buffer then holds the text of the bytes that fitted.
    #[inline(never)]
    pub(crate) fn write_escaped(&mut self, text: &CStr) -> Result {
        // The bytes up to the NUL, without `CStr::to_bytes()`'s length arithmetic and its panic.
        let bytes = text
            .to_bytes_with_nul()
            .iter()
            .take_while(|&&byte| byte != 0);
        for &byte in bytes {
            self.write_bytes(text::escaped(byte).as_bytes())?;
        }
        Ok(())
    }
}

/// Integer types [`parse`] can produce.
pub(crate) trait ParseInt: TryFrom<u64> + private::Sealed {}

mod private {
    pub(crate) trait Sealed {}
}

macro_rules! impl_parse_int {
    ($($t:ty),*) => {$(
        impl private::Sealed for $t {}

        impl ParseInt for $t {}
    )*};
}

impl_parse_int!(u8, u16, u32, u64);

/// Parses an unsigned integer written in decimal or, with a `0x` prefix, in hexadecimal.
///
/// Surrounding ASCII whitespace (space, `\t`, `\n`, `\x0c`, `\r`) is ignored; other Unicode
/// whitespace is not, so what userspace may write does not depend on Unicode tables. Signs are
/// rejected.
///
/// # Errors
///
/// - `EINVAL` if `input` is not such a number.
/// - `ERANGE` if the number does not fit into `T`.
///
/// # Examples
///
/// ```
/// use crate::sysfs::parse;
/// use kernel::prelude::*;
///
/// assert_eq!(parse::<u8>(" 0x2a\n"), Ok(42));
/// assert_eq!(parse::<u8>("256"), Err(ERANGE));
/// assert_eq!(parse::<u8>("-1"), Err(EINVAL));
/// ```
pub(crate) fn parse<T: ParseInt>(input: &str) -> Result<T> {
    // The digits are parsed once, as the widest type, and only the narrowing is generic: one
    // copy of the parser in the module, whatever the types its attributes use.
    T::try_from(parse_u64(input)?).map_err(|_| ERANGE)
}

/// [`parse`] for `u64`, which every type of [`ParseInt`] narrows from.
fn parse_u64(input: &str) -> Result<u64> {
    let input = input.trim_ascii();
    let (digits, radix) = match input
        .strip_prefix("0x")
        .or_else(|| input.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (input, 10),
    };

    if digits.is_empty() {
        return Err(EINVAL);
    }

    // One pass: a character that is not a digit of `radix` is `EINVAL` wherever it is, even after
    // the value overflowed (`None`), which is `ERANGE`.
    let mut value = Some(0u64);
    for byte in digits.bytes() {
        // A byte of a non-ASCII character is no digit either.
        let digit = char::from(byte).to_digit(radix).ok_or(EINVAL)?;
        value = value
            .and_then(|value| value.checked_mul(radix.into()))
            .and_then(|value| value.checked_add(digit.into()));
    }
    value.ok_or(ERANGE)
}

/// Parses a boolean written as `0` or `1`.
///
/// Surrounding ASCII whitespace is ignored, as in [`parse`].
///
/// # Errors
///
/// `EINVAL` for any other input.
#[inline]
pub(crate) fn parse_bool(input: &str) -> Result<bool> {
    match input.trim_ascii() {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(EINVAL),
    }
}

/// One attribute as registered with sysfs.
///
/// # Invariants
///
/// - `attr` is a valid `struct device_attribute` naming the file, with `show` set to
///   [`show_callback::<T>`] and `store` set to [`store_callback::<T>`] for read-write attributes.
/// - `data` points to the data of the [`AttributeGroup`] owning this slot and is valid for as long
///   as `attr` is registered with sysfs.
///
/// `attr` is shared with C, which holds pointers to it, without the kernel crate's usual
/// `Opaque` wrapper: C only reads it (sysfs takes the `struct attribute` as `const` and the
/// driver core only reads `show` and `store`: fs/sysfs/file.c: sysfs_add_file_mode_ns();
/// drivers/base/core.c: dev_attr_show(), dev_attr_store(), checked against 7.3.4), and Rust
/// writes it only before the group is registered. 7.3's `include/linux/device.h` is migrating
/// `show` and `store` to `show_const`/`store_const` (a union unless `CONFIG_CFI`, then a struct:
/// include/linux/sysfs.h: `__SYSFS_FUNCTION_ALTERNATIVE`, checked against 7.3.4); this uses the
/// non-const members, which `dev_attr_show()` and `dev_attr_store()` call first when set, in
/// every 7.3 configuration.
#[repr(C)]
struct Slot<T: DeviceAttributes> {
    attr: bindings::device_attribute,
    data: *const T,
    id: T::Id,
}

/// The C tables describing the files of one [`AttributeGroup`].
///
/// The slots and the pointers to them are heap allocated and never resized, so the pointers
/// between them stay valid when the tables are moved into the group. `group` moves with the
/// tables: its address is taken only once the tables are in place in the pinned
/// [`AttributeGroup`] (`AttributeGroup::register`), which does not move again.
///
/// # Invariants
///
/// - `_pointers` holds one pointer to the `attr.attr` of each element of `_slots`, followed by a
///   null pointer.
/// - `group.attrs` points to the first element of `_pointers`.
struct Tables<T: DeviceAttributes> {
    /// Read by sysfs and the callbacks through the pointers in `_pointers`.
    _slots: KVec<Slot<T>>,
    /// Read by sysfs through `group`.
    _pointers: KVec<*mut bindings::attribute>,
    group: bindings::attribute_group,
}

impl<T: DeviceAttributes> Tables<T> {
    fn new(data: *const T) -> Result<Self> {
        let mut slots = KVec::with_capacity(T::ATTRIBUTES.len(), GFP_KERNEL)?;
        for desc in T::ATTRIBUTES {
            let mut attr = bindings::device_attribute::default();
            attr.attr.name = desc.name.as_char_ptr();
            attr.attr.mode = desc.access.mode();
            // What `sysfs_attr_init()` does for attributes outside static storage: lockdep needs
            // a static key for the file's active reference (include/linux/sysfs.h:
            // sysfs_attr_init(); fs/sysfs/file.c: sysfs_add_file_mode_ns(), checked against
            // 7.3.4). One key serves all attributes, as for C attributes initialised in a loop.
            #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
            {
                attr.attr.key = kernel::static_lock_class!().as_ptr();
            }
            attr.__bindgen_anon_1.show = Some(show_callback::<T>);
            if desc.access == Access::ReadWrite {
                attr.__bindgen_anon_2.store = Some(store_callback::<T>);
            }
            // INVARIANT: `attr` is set up as documented on `Slot`; `data` is the group's data.
            // Within the capacity reserved above: it cannot fail, and there is no reallocation.
            slots.push_within_capacity(Slot {
                attr,
                data,
                id: desc.id,
            })?;
        }

        // One pointer an attribute and the terminating null pointer (`T::ATTRIBUTES` is a
        // constant: the compiler computes the sum).
        let mut pointers = KVec::with_capacity(T::ATTRIBUTES.len() + 1, GFP_KERNEL)?;
        for slot in slots.iter_mut() {
            pointers.push_within_capacity(&raw mut slot.attr.attr)?;
        }
        pointers.push_within_capacity(ptr::null_mut())?;

        let mut group = bindings::attribute_group::default();
        group.__bindgen_anon_2.attrs = pointers.as_mut_ptr();

        // INVARIANT: `pointers` and `group` are set up as documented above.
        Ok(Self {
            _slots: slots,
            _pointers: pointers,
            group,
        })
    }
}

/// A set of sysfs files in a device's directory, owning the data they show and modify.
///
/// The files appear when the group is initialised. They disappear, after waiting for every
/// running callback, when the group is dropped or when the device is unbound, whichever comes
/// first; the data lives until the group is dropped. See the [module documentation](self) for
/// why this makes the callbacks sound.
///
/// # Invariants
///
/// - `tables` describes the files of `T::ATTRIBUTES`; every slot's `data` points to `self.data`.
/// - `registration` holds the [`Registration`] of the group in `tables` from the end of
///   initialisation until it is revoked, at the device's unbind or when `registration` is
///   dropped; it is declared before `data` and `tables`, so it is dropped (and its drop has
///   returned, see the module documentation) before they are.
#[pin_data]
pub(crate) struct AttributeGroup<T: DeviceAttributes> {
    registration: Devres<Registration>,
    #[pin]
    data: T,
    tables: Tables<T>,
    #[pin]
    _pin: PhantomPinned,
}

/// The files of an [`AttributeGroup`] in sysfs; dropping it removes them.
///
/// # Invariants
///
/// `group` is registered with sysfs on `dev`'s kobject, and the tables it points to stay valid
/// and unchanged until this is dropped.
struct Registration {
    dev: ARef<Device>,
    group: *const bindings::attribute_group,
}

// SAFETY: `group` is only handed to `sysfs_remove_group()`, which may run on any thread; the tables
// it points to are never modified after initialisation.
unsafe impl Send for Registration {}

// SAFETY: No method of `Registration` takes `&self`; a shared reference gives access to nothing.
unsafe impl Sync for Registration {}

impl Drop for Registration {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariants `group` is registered on `dev`'s kobject and valid.
        // `sysfs_remove_group()` returns only after every running callback has returned, and no
        // new callback starts afterwards (see the module documentation).
        unsafe { bindings::sysfs_remove_group(kobject(&self.dev), self.group) };
    }
}

// SAFETY: The raw pointers in `tables` only point into memory owned by the group itself (its
// heap tables, its own `tables.group` and its pinned `data`), so sending the group sends
// everything they reach. `T` and `T::Id` are `Send`; `Devres<Registration>` is `Send`.
unsafe impl<T: DeviceAttributes + Send> Send for AttributeGroup<T> {}

// SAFETY: Through `&AttributeGroup` only `&T` is handed out, and `T: Sync`; the tables are never
// modified after initialisation, and `registration` is not reachable through `&AttributeGroup`.
unsafe impl<T: DeviceAttributes> Sync for AttributeGroup<T> {}

impl<T: DeviceAttributes + 'static> AttributeGroup<T> {
    /// Initialises `data` and creates the files of `T::ATTRIBUTES` in `dev`'s sysfs directory.
    ///
    /// # Errors
    ///
    /// Errors of `data`, `ENOMEM`, or the error of `sysfs_create_group()` (e.g. `EEXIST` when a
    /// file of the same name exists). Nothing is left registered on failure.
    pub(crate) fn new<'a>(
        dev: &'a Device<Bound>,
        data: impl PinInit<T, Error> + 'a,
    ) -> impl PinInit<Self, Error> + 'a {
        // SAFETY: `T: 'static`, so the data borrows nothing that could end while the files exist.
        unsafe { Self::new_with_lt(dev, data) }
    }
}

impl<T: DeviceAttributes> AttributeGroup<T> {
    /// As [`AttributeGroup::new`], for data that borrows (is not `'static`).
    ///
    /// # Errors
    ///
    /// As for [`AttributeGroup::new`].
    ///
    /// # Safety
    ///
    /// The group must be dropped (not leaked with [`core::mem::forget`] or a reference cycle)
    /// before any lifetime `T` contains ends: unless the device is unbound first, its files call
    /// into `T` until it is dropped.
    pub(crate) unsafe fn new_with_lt<'a>(
        dev: &'a Device<Bound>,
        data: impl PinInit<T, Error> + 'a,
    ) -> impl PinInit<Self, Error> + 'a
    where
        T: 'a,
    {
        try_pin_init!(&this in Self {
            data <- data,
            // SAFETY: Only the address of the `data` field is computed; nothing is read.
            tables: Tables::new(unsafe { &raw const (*this.as_ptr()).data })?,
            // SAFETY: `data` and `tables` are initialised above, and the whole group is pinned,
            // so `this` stays valid until the group is dropped, after `registration`.
            registration: unsafe { Self::register(dev, this.as_ptr()) }?,
            _pin: PhantomPinned,
        })
    }

    /// Creates the files and hands their removal to the devres core, which removes them at
    /// `dev`'s unbind unless the returned handle is dropped first.
    ///
    /// # Safety
    ///
    /// `this` must point to a pinned group whose `data` and `tables` are initialised and that
    /// drops the returned handle before them.
    unsafe fn register(dev: &Device<Bound>, this: *const Self) -> Result<Devres<Registration>> {
        // SAFETY: By the safety requirements, `tables` is initialised and not otherwise borrowed.
        let tables = unsafe { &(*this).tables };
        let group = &raw const tables.group;

        // SAFETY: `group` and the tables it points to are valid and outlive the registration
        // (see the invariants of `Tables` and `Self`); `kobject()` is valid.
        kernel::error::to_result(unsafe { bindings::sysfs_create_group(kobject(dev), group) })?;

        // INVARIANT: The group was registered on `dev`'s kobject above; its tables live until
        // the group is dropped, which by the safety requirements is after the returned handle,
        // and `Devres::drop` returns only once the registration is dropped.
        let registration = Registration {
            dev: dev.into(),
            group,
        };
        // On failure `Devres::new` drops `registration`, which removes the files again.
        Devres::new(dev, registration)
    }
}

impl<T: DeviceAttributes> core::ops::Deref for AttributeGroup<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// How many bytes a `show` callback may return: a page but its last byte.
pub(crate) const SHOW_CAPACITY: usize = PAGE_SIZE - 1;

/// Returns the kobject embedded in `dev`.
fn kobject(dev: &Device) -> *mut bindings::kobject {
    let raw = crate::raw::device(dev);
    // SAFETY: `raw` points to a valid `struct device`; only a field address is computed.
    unsafe { &raw mut (*raw).kobj }
}

/// Returns the slot `attr` belongs to.
///
/// # Safety
///
/// `attr` must be the `attr` field of a `Slot<T>` whose group is registered.
unsafe fn slot<'a, T: DeviceAttributes>(attr: *mut bindings::device_attribute) -> &'a Slot<T> {
    // SAFETY: By the safety requirements `attr` is embedded in a `Slot<T>`.
    let slot = unsafe { kernel::container_of!(attr, Slot<T>, attr) };
    // SAFETY: The slot is owned by a registered group and not modified after initialisation.
    unsafe { &*slot }
}

/// `show` of every attribute of an [`AttributeGroup<T>`].
///
/// # Safety
///
/// Called by sysfs only, with an attribute registered by an [`AttributeGroup<T>`] and a buffer of
/// `PAGE_SIZE` bytes.
unsafe extern "C" fn show_callback<T: DeviceAttributes>(
    _dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
    buf: *mut c_char,
) -> isize {
    // SAFETY: `attr` was registered by an `AttributeGroup<T>`; kernfs holds an active reference
    // to the file for the duration of this call (fs/kernfs/file.c: kernfs_seq_start(),
    // kernfs_fop_write_iter(), checked against 7.3.4), so the group is still registered.
    let slot = unsafe { slot::<T>(attr) };
    // SAFETY: By the invariants of `Slot`, `data` is valid while the group is registered.
    let data = unsafe { &*slot.data };
    // SAFETY: sysfs passes a buffer of `PAGE_SIZE` bytes that only this call uses (the open
    // file's seq_file buffer, fs/sysfs/file.c: sysfs_kf_seq_show(), checked against 7.3.4); the
    // last byte is left out (see `ShowBuffer`).
    let page = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), SHOW_CAPACITY) };

    let mut out = ShowBuffer::new(page);
    match data.show(slot.id, &mut out) {
        // CAST: `len <= SHOW_CAPACITY` by the invariant of `ShowBuffer`, which fits in `isize`.
        Ok(()) => out.len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `store` of every read-write attribute of an [`AttributeGroup<T>`].
///
/// # Safety
///
/// Called by sysfs only, with an attribute registered by an [`AttributeGroup<T>`] and a buffer of
/// `count` bytes.
unsafe extern "C" fn store_callback<T: DeviceAttributes>(
    _dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: As in `show_callback`.
    let slot = unsafe { slot::<T>(attr) };
    // SAFETY: As in `show_callback`.
    let data = unsafe { &*slot.data };
    // SAFETY: sysfs passes `count` readable bytes, a copy of the user's that nothing else
    // modifies during this call (fs/kernfs/file.c: kernfs_fop_write_iter(), checked against
    // 7.3.4).
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };

    let result = core::str::from_utf8(input)
        .map_err(|_| EINVAL)
        .and_then(|text| data.store(slot.id, text.strip_suffix('\n').unwrap_or(text)));
    match result {
        // CAST: kernfs limits writes to `PAGE_SIZE` bytes (fs/kernfs/file.c:
        // kernfs_fop_write_iter(), checked against 7.3.4), which fits in `isize`.
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// The group's lifecycle against a real device: a faux device, which is bound from its creation
/// until its removal (`device_del()`), as a platform device is from probe to unbind.
#[cfg(rkm_kunit)]
#[kernel::macros::kunit_tests(rkm_sysfs)]
mod tests {
    use super::*;
    use kernel::{
        faux,
        sync::{
            atomic::{
                Atomic,
                Relaxed, //
            },
            Arc, //
        }, //
    };

    /// Group data that counts its drops, so a test sees when (and whether) the group released it.
    struct Counted {
        drops: Arc<Atomic<u32>>,
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Relaxed);
        }
    }

    #[derive(Clone, Copy)]
    enum CountedAttr {
        Value,
        Setting,
    }

    impl DeviceAttributes for Counted {
        type Id = CountedAttr;

        const ATTRIBUTES: &'static [Attribute<CountedAttr>] = &[
            Attribute::read_only(c"rkm_value", CountedAttr::Value),
            Attribute::read_write(c"rkm_setting", CountedAttr::Setting),
        ];

        fn show(&self, _id: CountedAttr, out: &mut ShowBuffer<'_>) -> Result {
            out.write_u32(self.drops.load(Relaxed))?;
            out.write_str("\n")
        }

        fn store(&self, _id: CountedAttr, _input: &str) -> Result {
            Err(EINVAL)
        }
    }

    fn counted(drops: &Arc<Atomic<u32>>) -> Result<Counted> {
        Ok(Counted {
            drops: drops.clone(),
        })
    }

    /// A group kept past its device's removal (as a `'static` group kept in an open file's state
    /// would be): the late drop must neither touch the removed directory (the old destructor's
    /// `sysfs_remove_group()` WARNed "kernfs: can not remove 'rkm_value', no directory" once per
    /// file, which the harness's kernel-log check fails) nor drop the data early.
    #[test]
    fn group_dropped_after_its_device_is_removed() -> Result {
        let drops = Arc::new(Atomic::new(0), GFP_KERNEL)?;
        let device = faux::Registration::new(c"rkm-sysfs-late-drop", None)?;
        let group = KBox::pin_init(
            AttributeGroup::new(crate::compat::faux_device(&device), counted(&drops)),
            GFP_KERNEL,
        )?;

        drop(device);
        assert_eq!(drops.load(Relaxed), 0);

        drop(group);
        assert_eq!(drops.load(Relaxed), 1);
        Ok(())
    }

    /// The usual order, a group dropped while its device is bound: its files go with it, so the
    /// same files can be created again on the same device at once.
    #[test]
    fn group_dropped_while_bound_removes_its_files() -> Result {
        let drops = Arc::new(Atomic::new(0), GFP_KERNEL)?;
        let device = faux::Registration::new(c"rkm-sysfs-bound-drop", None)?;
        let dev = crate::compat::faux_device(&device);

        let first = KBox::pin_init(AttributeGroup::new(dev, counted(&drops)), GFP_KERNEL)?;
        drop(first);
        assert_eq!(drops.load(Relaxed), 1);

        let second = KBox::pin_init(AttributeGroup::new(dev, counted(&drops)), GFP_KERNEL)?;
        drop(second);
        assert_eq!(drops.load(Relaxed), 2);

        drop(device);
        Ok(())
    }
}
