// SPDX-License-Identifier: GPL-2.0

//! A debugfs directory of text files whose `file_operations` pin the module while a file is open.
//!
//! C header: [`include/linux/debugfs.h`](srctree/include/linux/debugfs.h)
//!
//! The kernel crate's `kernel::debugfs` (7.3) builds its `file_operations` without `.owner`.
//! Those tables are monomorphised into the module that creates the files, and debugfs's
//! `full_proxy_release()` reads `real_fops->release` unconditionally, even after the file was
//! removed. So a file held open across `rmmod` makes the final `close(2)` read the freed module
//! image: an oops that root can trigger with `exec 3<file; rmmod m; exec 3<&-`. (The patch
//! `patches/0002-rust-debugfs-*.patch` fixes the kernel crate; this module does not depend on it,
//! so that the collection is safe on kernels without it, such as a distribution's.)
//!
//! [`Directory`] does what C's `DEFINE_SHOW_ATTRIBUTE()` does: every `file_operations` it uses has
//! `.owner` set to the module it is compiled into, so debugfs's open (`fops_get()`) pins the module
//! until the last close (`fops_put()` after `release`), and `delete_module(2)` fails with
//! `EWOULDBLOCK` ("in use") meanwhile.
//!
//! The files are described once, in a constant table ([`DebugfsFiles::FILES`]), each tagged with
//! a driver-defined identifier, as with `sysfs.rs`'s attributes: [`DebugfsFiles::show`]
//! formats a file's contents, [`DebugfsFiles::store`] parses what was written to it.
//!
//! # Examples
//!
//! `/sys/kernel/debug/counter/count`, a number root can read and set, for as long as the
//! directory is kept:
//!
//! ```
//! use crate::debugfs::{
//!     Access,
//!     DebugfsFiles,
//!     Directory,
//!     FileDesc, //
//! };
//! use core::fmt;
//! use kernel::{
//!     new_mutex,
//!     prelude::*,
//!     sync::Mutex, //
//! };
//!
//! #[derive(Clone, Copy)]
//! enum File {
//!     Count,
//! }
//!
//! #[pin_data]
//! struct Counter {
//!     #[pin]
//!     count: Mutex<u64>,
//! }
//!
//! impl DebugfsFiles for Counter {
//!     type Id = File;
//!
//!     const FILES: &'static [FileDesc<File>] =
//!         &[FileDesc::new(c"count", Access::ReadWrite, File::Count)];
//!
//!     fn show(&self, id: File, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//!         match id {
//!             File::Count => writeln!(f, "{}", *self.count.lock()),
//!         }
//!     }
//!
//!     fn store(&self, id: File, input: &str) -> Result {
//!         match id {
//!             File::Count => *self.count.lock() = input.parse().map_err(|_| EINVAL)?,
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let counter = KBox::pin_init(
//!     Directory::new(c"counter", try_pin_init!(Counter { count <- new_mutex!(0) })),
//!     GFP_KERNEL,
//! )?;
//! // Dropping the directory removes its files; the module stays pinned while one is open.
//! drop(counter);
//! # Ok::<(), Error>(())
//! ```
//!
//! # Errors seen by userspace
//!
//! - A `write(2)` of more than [`MAX_WRITE`] bytes, or of text that is not UTF-8, fails with
//!   `EINVAL`; otherwise with whatever `store` returns. One `write(2)` is one `store`, whatever
//!   the file position.
//! - After the directory is dropped, files still open fail every call with `EIO` (debugfs's
//!   proxy), and new opens fail with `ENOENT`; while the module is being removed, an open fails
//!   with `ENXIO` (debugfs refuses to pin a module that is going away).
//!
//! # Soundness
//!
//! - The callbacks find their data through the inode's `i_private`, which points to a slot owned
//!   by the [`Directory`]: the slot records the file's identifier and where the data is. Slots and
//!   data are pinned and outlive the files.
//! - debugfs calls `open`, `read`, `write` and `llseek` through its full proxy (the files are
//!   created with `debugfs_create_file_full()`, which installs
//!   `debugfs_full_proxy_file_operations`: fs/debugfs/inode.c: debugfs_create_file_full(),
//!   checked against 7.3.4), which holds an active reference on the file (`debugfs_file_get()`)
//!   for the duration of each call and fails it with `EIO` (an open with `ENOENT`) once the file
//!   is removed (fs/debugfs/file.c: full_proxy_open_regular(), `FULL_PROXY_FUNC`,
//!   __debugfs_file_get(), checked against 7.3.4). `debugfs_remove()`, called by the directory's
//!   drop before any field is dropped, waits until every call in progress has returned
//!   (fs/debugfs/inode.c: debugfs_remove(), remove_one(), __debugfs_file_removed() waits for
//!   `active_users_drained`, checked against 7.3.4). So a callback never sees dropped data.
//! - `release` is `single_release()` (C), which frees the `seq_file` and never touches our data;
//!   `full_proxy_release()` calls it even after removal, then `fops_put()`s the module
//!   (fs/debugfs/file.c: full_proxy_release(), checked against 7.3.4). The `file_operations`
//!   themselves live in this module's image, which `.owner` keeps loaded while any file is open:
//!   the proxy's open takes the reference with `fops_get()` and fails with `ENXIO` for a module
//!   being removed (fs/debugfs/file.c: full_proxy_open_regular(), checked against 7.3.4). The
//!   kernel crate's own `kernel::debugfs` sets no `.owner` (rust/kernel/debugfs/file_ops.rs,
//!   checked against 7.3.4, without this collection's patch 0002).
//! - `T: 'static`: a leaked [`Directory`] (`mem::forget` is safe) keeps its files and data for
//!   ever, but borrows nothing that could end. It must still be dropped before the module's exit
//!   returns, or the files outlive the code they call (as for every registration in the kernel
//!   crate); that holds when it is owned by the module's state. (`.owner` does not help here: it
//!   pins the module only while a file is open; an open after the exit reads the `file_operations`
//!   and `owner` of the freed module image.)
//! - Callbacks receive `&T`, possibly on several threads at once, hence `T: Sync`.

use core::{
    marker::PhantomPinned,
    ptr::{
        self,
        NonNull, //
    }, //
};

use kernel::{
    bindings,
    error::from_err_ptr,
    fmt,
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    uaccess::{
        UserPtr,
        UserSlice, //
    }, //
};

/// The longest `write(2)` a file accepts, in bytes.
pub(crate) const MAX_WRITE: usize = 128;

/// Who may use a file (root only, as debugfs files of the kernel crate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `0400`: [`DebugfsFiles::show`] only.
    ReadOnly,
    /// `0600`: [`DebugfsFiles::show`] and [`DebugfsFiles::store`].
    ReadWrite,
    /// `0200`: [`DebugfsFiles::store`] only.
    WriteOnly,
}

/// Description of one file.
pub(crate) struct FileDesc<Id> {
    name: &'static CStr,
    access: Access,
    id: Id,
}

impl<Id> FileDesc<Id> {
    /// A file `name` with the given access, identified by `id` in callbacks.
    pub(crate) const fn new(name: &'static CStr, access: Access, id: Id) -> Self {
        Self { name, access, id }
    }
}

/// Data shown and modified through a set of debugfs files.
pub(crate) trait DebugfsFiles: Send + Sync + 'static {
    /// Identifies a file of [`Self::FILES`] when a callback runs.
    type Id: Copy + Send + Sync + 'static;

    /// The files, in the order they are created.
    const FILES: &'static [FileDesc<Self::Id>];

    /// Formats the contents of file `id` (readable files only).
    ///
    /// It may be called more than once for one `read(2)` (when the text outgrows seq_file's
    /// buffer), so it must have no side effects.
    fn show(&self, id: Self::Id, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// Applies the text written to file `id` (writable files only), without surrounding ASCII
    /// whitespace. A failed `store` should change nothing.
    ///
    /// # Errors
    ///
    /// The returned error is reported to the writer, e.g. `EINVAL` for unparsable input.
    fn store(&self, id: Self::Id, input: &str) -> Result;
}

/// What a file's `i_private` points to.
///
/// # Invariants
///
/// `data` points to the data of the [`Directory`] owning this slot, valid while the file exists.
struct Slot<T: DebugfsFiles> {
    data: *const T,
    id: T::Id,
}

/// A debugfs directory and its files, owning the data they show and modify.
///
/// # Invariants
///
/// - `dir` is the directory created by the last initialisation step, holding one file per
///   element of `slots` (in the order of [`DebugfsFiles::FILES`]) whose `i_private` points to that
///   slot and whose `file_operations` are [`Self::fops`]' for its access; every slot's `data`
///   points to `self.data`.
/// - `dir` is removed, with its files, only at the start of `PinnedDrop::drop`.
#[pin_data(PinnedDrop)]
pub(crate) struct Directory<T: DebugfsFiles> {
    #[pin]
    data: T,
    /// Never resized after initialisation: the files point into it.
    slots: KVec<Slot<T>>,
    dir: NonNull<bindings::dentry>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The raw pointers only point into memory owned by the directory (its slots and pinned
// data) or to debugfs dentries, which may be removed from any thread; `T` is `Send`.
unsafe impl<T: DebugfsFiles> Send for Directory<T> {}

// SAFETY: Through `&Directory` only `&T` is handed out, and `T: Sync`; the slots are never
// modified after initialisation.
unsafe impl<T: DebugfsFiles> Sync for Directory<T> {}

impl<T: DebugfsFiles> Directory<T> {
    /// Initialises `data`, then creates `/sys/kernel/debug/<name>/` with the files of
    /// [`DebugfsFiles::FILES`].
    ///
    /// # Errors
    ///
    /// Errors of `data`; `ENOMEM`; `EEXIST` when the directory exists; `ENODEV` when debugfs is
    /// not available (e.g. locked down). Nothing is left behind on failure.
    pub(crate) fn new(
        name: &'static CStr,
        data: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            data <- data,
            // SAFETY: Only the address of the `data` field is computed; nothing is read.
            slots: Self::slots(unsafe { &raw const (*this.as_ptr()).data })?,
            // SAFETY: `data` and `slots` are initialised above and the directory is pinned, so
            // `this` stays valid until its destructor runs.
            dir: unsafe { Self::create(this.as_ptr(), name) }?,
            _pin: PhantomPinned,
        })
    }

    fn slots(data: *const T) -> Result<KVec<Slot<T>>> {
        let mut slots = KVec::with_capacity(T::FILES.len(), GFP_KERNEL)?;
        for desc in T::FILES {
            // INVARIANT: `data` is the directory's data.
            slots.push(Slot { data, id: desc.id }, GFP_KERNEL)?;
        }
        Ok(slots)
    }

    /// Creates the directory and its files.
    ///
    /// # Safety
    ///
    /// `this` must point to a pinned directory whose `data` and `slots` are initialised.
    unsafe fn create(this: *const Self, name: &'static CStr) -> Result<NonNull<bindings::dentry>> {
        // SAFETY: `slots` is initialised (safety requirements) and not modified from here on.
        let slots = unsafe { &(*this).slots };
        // SAFETY: `name` is a valid string; a NULL parent is debugfs's root.
        let dir = from_err_ptr(unsafe {
            bindings::debugfs_create_dir(name.as_char_ptr(), ptr::null_mut())
        })?;
        let dir = NonNull::new(dir).ok_or(ENODEV)?;
        for (slot, desc) in slots.iter().zip(T::FILES) {
            let (mode, fops) = Self::fops(desc.access);
            // SAFETY: `dir` is our directory. The slot is pinned with the directory and outlives
            // the file, which `drop` removes first; `fops` is `'static`.
            let file = unsafe {
                bindings::debugfs_create_file_full(
                    desc.name.as_char_ptr(),
                    mode,
                    dir.as_ptr(),
                    ptr::from_ref(slot).cast_mut().cast(),
                    ptr::null(),
                    fops,
                )
            };
            if let Err(err) = from_err_ptr(file) {
                // SAFETY: `dir` was created above; removing it removes the files made so far,
                // which nobody can have opened yet without their callbacks finding valid data.
                unsafe { bindings::debugfs_remove(dir.as_ptr()) };
                return Err(err);
            }
        }
        // INVARIANT: The directory holds a file per slot, as documented.
        Ok(dir)
    }

    /// The mode and `file_operations` of a file with `access`.
    const fn fops(access: Access) -> (bindings::umode_t, &'static bindings::file_operations) {
        match access {
            Access::ReadOnly => (0o400, &Self::READ_FOPS),
            Access::ReadWrite => (0o600, &Self::READ_WRITE_FOPS),
            Access::WriteOnly => (0o200, &Self::WRITE_FOPS),
        }
    }

    /// `seq_file` reading through [`show_callback`]; `.owner` pins this module while open.
    const READ_FOPS: bindings::file_operations = bindings::file_operations {
        owner: crate::compat::this_module(),
        open: Some(open_callback::<T>),
        read: Some(bindings::seq_read),
        llseek: Some(bindings::seq_lseek),
        release: Some(bindings::single_release),
        ..pin_init::zeroed()
    };

    /// As [`Self::READ_FOPS`], and writing through [`write_callback`].
    const READ_WRITE_FOPS: bindings::file_operations = bindings::file_operations {
        write: Some(write_callback::<T>),
        ..Self::READ_FOPS
    };

    /// Writing only: opened like a readable file so that `release` is the same C function.
    const WRITE_FOPS: bindings::file_operations = bindings::file_operations {
        read: None,
        ..Self::READ_WRITE_FOPS
    };
}

#[pinned_drop]
impl<T: DebugfsFiles> PinnedDrop for Directory<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariants `dir` is ours and not yet removed. `debugfs_remove()`
        // removes the files and waits for every callback in progress, and no new one starts, so
        // the slots and data may be dropped once it returns.
        unsafe { bindings::debugfs_remove(self.dir.as_ptr()) };
    }
}

/// The slot a debugfs file of a [`Directory<T>`] belongs to.
///
/// # Safety
///
/// `inode` must be the inode of such a file, during a call debugfs's proxy protects.
unsafe fn slot<'a, T: DebugfsFiles>(inode: *const bindings::inode) -> &'a Slot<T> {
    // SAFETY: By the safety requirements `i_private` is a slot of a live directory, which is not
    // modified after initialisation.
    unsafe { &*(*inode).i_private.cast::<Slot<T>>() }
}

/// Formats file `id` of `data` for `seq_print!`.
struct Contents<'a, T: DebugfsFiles> {
    data: &'a T,
    id: T::Id,
}

impl<T: DebugfsFiles> fmt::Display for Contents<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.data.show(self.id, f)
    }
}

/// `open` of every file of a [`Directory<T>`].
///
/// # Safety
///
/// Called by debugfs's proxy for a file of a [`Directory<T>`], with `file` being opened.
unsafe extern "C" fn open_callback<T: DebugfsFiles>(
    inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: `file` is being opened; `show_callback::<T>` gets `i_private`, a slot of a live
    // `Directory<T>` (the proxy holds the file active during this call and every later read).
    unsafe { bindings::single_open(file, Some(show_callback::<T>), (*inode).i_private) }
}

/// The `show` of `single_open()` for a file of a [`Directory<T>`].
///
/// # Safety
///
/// Called by `seq_read()` inside debugfs's proxy, with `seq->private` set by [`open_callback`].
unsafe extern "C" fn show_callback<T: DebugfsFiles>(
    seq: *mut bindings::seq_file,
    _v: *mut c_void,
) -> c_int {
    // SAFETY: `seq->private` is the slot given to `single_open()`; the proxy keeps it alive.
    let slot = unsafe { &*(*seq).private.cast::<Slot<T>>() };
    // SAFETY: By the invariants of `Slot`, `data` is valid while the file exists.
    let data = unsafe { &*slot.data };
    // SAFETY: `seq` is valid and used only by this call.
    let seq_file = unsafe { SeqFile::from_raw(seq) };
    seq_print!(seq_file, "{}", Contents { data, id: slot.id });
    0
}

/// `write` of every writable file of a [`Directory<T>`].
///
/// # Safety
///
/// Called by debugfs's proxy for such a file, with `buf` a user pointer to `count` bytes.
unsafe extern "C" fn write_callback<T: DebugfsFiles>(
    file: *mut bindings::file,
    buf: *const c_char,
    count: usize,
    _ppos: *mut bindings::loff_t,
) -> isize {
    // SAFETY: `file` is open on a file of a `Directory<T>`, which the proxy keeps alive.
    let slot = unsafe { slot::<T>((*file).f_inode) };
    // SAFETY: By the invariants of `Slot`, `data` is valid while the file exists.
    let data = unsafe { &*slot.data };
    match store(
        data,
        slot.id,
        UserPtr::from_ptr(buf.cast_mut().cast()),
        count,
    ) {
        // CAST: `count <= MAX_WRITE` once `store` succeeded, which fits in `isize`.
        Ok(()) => count as isize,
        Err(err) => err.to_errno() as isize,
    }
}

/// Copies a write of `count` bytes at `ptr` and passes it to [`DebugfsFiles::store`].
fn store<T: DebugfsFiles>(data: &T, id: T::Id, ptr: UserPtr, count: usize) -> Result {
    let mut buf = [0u8; MAX_WRITE];
    let text = buf.get_mut(..count).ok_or(EINVAL)?;
    UserSlice::new(ptr, count).reader().read_slice(text)?;
    let text = core::str::from_utf8(text).map_err(|_| EINVAL)?;
    data.store(id, text.trim_ascii())
}
