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
//!   files belong to, and that identifier; they format into a bounded [`ShowBuffer`] with
//!   [`write!`] and parse the written text with [`parse`];
//! - [`AttributeGroup`] owns that data and the files: creating it publishes the files, dropping
//!   it removes them before the data is dropped.
//!
//! A driver keeps the [`AttributeGroup`] in its device private data, so the files exist exactly
//! as long as the device is bound.
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
//! - A read-only attribute has no `store` callback, so sysfs refuses to open it for writing
//!   (`EACCES`), even for root.
//!
//! # Soundness
//!
//! The C callbacks find their data through the `struct device_attribute` sysfs hands back: every
//! attribute lives in a slot owned by the [`AttributeGroup`] that also records where the group's
//! data is. The reference given to `show`/`store` is therefore valid as long as the callback can
//! run, which is established as follows.
//!
//! - Files are created only after the data is fully initialised (the group's last initialisation
//!   step), so no callback sees partially initialised data.
//! - The data is pinned inside the group and never moves while the files exist.
//! - [`AttributeGroup`]'s destructor calls `sysfs_remove_group()` before any field is dropped.
//!   sysfs files are kernfs nodes; `kernfs_remove()` first deactivates each node, so no new
//!   `show`/`store` can start, and then waits (`kernfs_drain()`) until every caller already inside
//!   one has returned. A `store` racing with unbind therefore either completes before the data is
//!   dropped or never starts (the `write(2)` then fails with `ENODEV`); it cannot observe freed
//!   data. This is the same ordering the driver core uses for a driver's `dev_groups`, which are
//!   removed before `remove()` runs.
//! - The references handed to callbacks are shared and only live for the duration of the call,
//!   so safe code cannot keep them beyond the lifetime of the data. Concurrent callers get shared
//!   references at the same time, hence [`DeviceAttributes`] requires [`Sync`].
//! - The group holds a reference count on the device, so the kobject the files live in outlives
//!   the group.
//!
//! Because dropping the group waits for running callbacks, callbacks must not wait for the
//! group's owner to go away (e.g. by unbinding their own device): that would deadlock, exactly as
//! it would in C.
//!
//! Leaking an [`AttributeGroup`] (e.g. with [`core::mem::forget`], which is safe) leaks its data
//! too and keeps the files alive, so the callbacks may run for ever. [`AttributeGroup::new`]
//! therefore requires `T: 'static`: a leaked group then only leaks. Data that borrows (e.g. an
//! `ExclusiveIoMem<'bound>` mapping valid while the device is bound) needs the `unsafe`
//! [`AttributeGroup::new_with_lt`], whose caller promises that the group is dropped before the
//! borrow ends, as the kernel crate does for `irq::Registration::new` and
//! `auxiliary::Registration::new_with_lt`. In both cases the group must be dropped before the
//! module that implements the callbacks is unloaded, which holds when it is part of a driver's
//! device private data (the driver core drops it at unbind, and every device is unbound before
//! its driver's module goes).

use core::{
    fmt,
    marker::PhantomPinned,
    ptr, //
};

use kernel::{
    bindings,
    device::{
        Bound,
        Device, //
    },
    ffi::c_char,
    page::PAGE_SIZE,
    prelude::*,
    sync::aref::ARef, //
};

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

    /// Formats the value of attribute `id` into `out`.
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

/// The page a `show` callback formats into.
///
/// sysfs hands `show` a page but accepts at most `PAGE_SIZE - 1` bytes back (it keeps room for
/// the terminating NUL, as `sysfs_emit()` does, and WARNs "OOB write or bad count" otherwise), so
/// [`show_callback`] gives it one byte less than the page.
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
    #[cfg(CONFIG_KUNIT = "y")]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl ShowBuffer<'_> {
    /// Appends formatted text; this is what [`write!`] and [`writeln!`] call.
    ///
    /// # Errors
    ///
    /// `EFBIG` if the text does not fit; the buffer then holds what fitted.
    pub(crate) fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> Result {
        fmt::Write::write_fmt(self, args).map_err(|_| EFBIG)
    }
}

impl fmt::Write for ShowBuffer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        // INVARIANT: `dst` exists, so `end <= buf.len()`.
        self.len = end;
        Ok(())
    }
}

/// Integer types [`parse`] can produce.
pub(crate) trait ParseInt: Sized + private::Sealed {
    /// Parses `digits` (ASCII digits only) in `radix`.
    #[doc(hidden)]
    fn from_digits(digits: &str, radix: u32) -> Result<Self>;
}

mod private {
    pub(crate) trait Sealed {}
}

macro_rules! impl_parse_int {
    ($($t:ty),*) => {$(
        impl private::Sealed for $t {}

        impl ParseInt for $t {
            fn from_digits(digits: &str, radix: u32) -> Result<Self> {
                // The caller checked every character is a digit of `radix`, so the only possible
                // failures are an empty string and overflow.
                <$t>::from_str_radix(digits, radix).map_err(|e| match e.kind() {
                    core::num::IntErrorKind::PosOverflow => ERANGE,
                    _ => EINVAL,
                })
            }
        }
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
pub(crate) fn parse<T: ParseInt>(input: &str) -> Result<T> {
    let input = input.trim_ascii();
    let (digits, radix) = match input
        .strip_prefix("0x")
        .or_else(|| input.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (input, 10),
    };

    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(EINVAL);
    }

    T::from_digits(digits, radix)
}

/// Parses a boolean written as `0` or `1`.
///
/// Surrounding ASCII whitespace is ignored, as in [`parse`].
///
/// # Errors
///
/// `EINVAL` for any other input.
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
/// `Opaque` wrapper: C only reads it (sysfs never writes a `device_attribute`), and Rust writes
/// it only before the group is registered. 7.3's `include/linux/device.h` is migrating `show`
/// and `store` to `show_const`/`store_const` (a union unless `CONFIG_CFI`); this uses the
/// non-const members, which every 7.3 configuration still accepts.
#[repr(C)]
struct Slot<T: DeviceAttributes> {
    attr: bindings::device_attribute,
    data: *const T,
    id: T::Id,
}

/// The C tables describing the files of one [`AttributeGroup`].
///
/// They are heap allocated and never resized, so the pointers between them and the pointers
/// sysfs keeps stay valid when the owning group is moved into place.
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
    group: KBox<bindings::attribute_group>,
}

impl<T: DeviceAttributes> Tables<T> {
    fn new(data: *const T) -> Result<Self> {
        let mut slots = KVec::with_capacity(T::ATTRIBUTES.len(), GFP_KERNEL)?;
        for desc in T::ATTRIBUTES {
            let mut attr = bindings::device_attribute::default();
            attr.attr.name = desc.name.as_char_ptr();
            attr.attr.mode = desc.access.mode();
            // What `sysfs_attr_init()` does for attributes outside static storage: lockdep needs
            // a static key for the file's active reference. One key serves all attributes, as
            // for C attributes initialised in a loop.
            #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
            {
                attr.attr.key = kernel::static_lock_class!().as_ptr();
            }
            attr.__bindgen_anon_1.show = Some(show_callback::<T>);
            if desc.access == Access::ReadWrite {
                attr.__bindgen_anon_2.store = Some(store_callback::<T>);
            }
            // INVARIANT: `attr` is set up as documented on `Slot`; `data` is the group's data.
            slots.push(
                Slot {
                    attr,
                    data,
                    id: desc.id,
                },
                GFP_KERNEL,
            )?;
        }

        let mut pointers = KVec::with_capacity(slots.len() + 1, GFP_KERNEL)?;
        for slot in slots.iter_mut() {
            pointers.push(&raw mut slot.attr.attr, GFP_KERNEL)?;
        }
        pointers.push(ptr::null_mut(), GFP_KERNEL)?;

        let mut group = KBox::new(bindings::attribute_group::default(), GFP_KERNEL)?;
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
/// The files appear when the group is initialised and disappear, after waiting for every
/// running callback, when it is dropped. See the [module documentation](self) for why this
/// makes the callbacks sound.
///
/// # Invariants
///
/// - `tables` describes the files of `T::ATTRIBUTES`; every slot's `data` points to `self.data`.
/// - The group in `tables` is registered with sysfs on `dev`'s kobject from the end of
///   initialisation until the start of [`PinnedDrop::drop`].
#[pin_data(PinnedDrop)]
pub(crate) struct AttributeGroup<T: DeviceAttributes> {
    #[pin]
    data: T,
    tables: Tables<T>,
    dev: ARef<Device>,
    _registered: Registered,
    #[pin]
    _pin: PhantomPinned,
}

/// Marks the last initialisation step of an [`AttributeGroup`]: its files exist.
struct Registered;

// SAFETY: The raw pointers in `tables` only point into memory owned by the group itself (its
// heap tables and its pinned `data`), so sending the group sends everything they reach. `T` and
// `T::Id` are `Send`.
unsafe impl<T: DeviceAttributes + Send> Send for AttributeGroup<T> {}

// SAFETY: Through `&AttributeGroup` only `&T` is handed out, and `T: Sync`; the tables are never
// modified after initialisation.
unsafe impl<T: DeviceAttributes> Sync for AttributeGroup<T> {}

impl<T: DeviceAttributes + 'static> AttributeGroup<T> {
    /// Initialises `data` and creates the files of `T::ATTRIBUTES` in `dev`'s sysfs directory.
    ///
    /// # Errors
    ///
    /// Errors of `data`, `ENOMEM`, or the error of `sysfs_create_group()` (e.g. `EEXIST` when a
    /// file of the same name exists). Nothing is left registered on failure.
    pub(crate) fn new(
        dev: &Device<Bound>,
        data: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
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
    /// before any lifetime `T` contains ends: its files call into `T` until it is dropped.
    pub(crate) unsafe fn new_with_lt(
        dev: &Device<Bound>,
        data: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        let dev: ARef<Device> = dev.into();

        try_pin_init!(&this in Self {
            data <- data,
            // SAFETY: Only the address of the `data` field is computed; nothing is read.
            tables: Tables::new(unsafe { &raw const (*this.as_ptr()).data })?,
            dev: dev,
            // SAFETY: `data`, `tables` and `dev` are initialised above, and the whole group is
            // pinned, so `this` stays valid until the group's destructor runs.
            _registered: unsafe { Self::register(this.as_ptr()) }?,
            _pin: PhantomPinned,
        })
    }

    /// Creates the files.
    ///
    /// # Safety
    ///
    /// `this` must point to a pinned group whose `data`, `tables` and `dev` are initialised.
    unsafe fn register(this: *const Self) -> Result<Registered> {
        // SAFETY: By the safety requirements, `tables` and `dev` are initialised.
        let (tables, dev) = unsafe { (&(*this).tables, &(*this).dev) };

        // SAFETY: `tables.group` and the tables it points to are valid and outlive the
        // registration (see the invariants of `Tables` and `Self`); `kobject()` is valid.
        kernel::error::to_result(unsafe {
            bindings::sysfs_create_group(kobject(dev), &raw const *tables.group)
        })?;
        Ok(Registered)
    }
}

impl<T: DeviceAttributes> core::ops::Deref for AttributeGroup<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

#[pinned_drop]
impl<T: DeviceAttributes> PinnedDrop for AttributeGroup<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariants the group is registered on `dev`'s kobject.
        // `sysfs_remove_group()` returns only after every running callback has returned, and no
        // new callback starts afterwards, so `data` may be dropped once this returns.
        unsafe { bindings::sysfs_remove_group(kobject(&self.dev), &raw const *self.tables.group) };
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
    // to the file for the duration of this call, so the group is still registered.
    let slot = unsafe { slot::<T>(attr) };
    // SAFETY: By the invariants of `Slot`, `data` is valid while the group is registered.
    let data = unsafe { &*slot.data };
    // SAFETY: sysfs passes a buffer of `PAGE_SIZE` bytes that only this call uses; the last byte
    // is left out (see `ShowBuffer`).
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
    // SAFETY: sysfs passes `count` readable bytes that are not modified during this call.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };

    let result = core::str::from_utf8(input)
        .map_err(|_| EINVAL)
        .and_then(|text| data.store(slot.id, text.strip_suffix('\n').unwrap_or(text)));
    match result {
        // CAST: sysfs limits writes to `PAGE_SIZE` bytes, which fits in `isize`.
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}
