// SPDX-License-Identifier: GPL-2.0

//! Misc devices that behave as byte streams, with `poll` support.
//!
//! C headers: [`include/linux/miscdevice.h`](srctree/include/linux/miscdevice.h),
//! [`include/linux/fs.h`](srctree/include/linux/fs.h),
//! [`include/linux/poll.h`](srctree/include/linux/poll.h).
//!
//! This is modelled on the kernel crate's [`kernel::miscdevice`], which builds its
//! `file_operations` privately and has no `poll` hook; the trait is called [`StreamMiscDevice`]
//! so that it is not mistaken for `kernel::miscdevice::MiscDevice`. The differences are:
//!
//! - [`StreamMiscDevice::poll`] is wired to `file_operations.poll`.
//! - Every file is opened as a stream (`stream_open()`): it has no position, and `lseek(2)`,
//!   `pread(2)` and `pwrite(2)` fail with `ESPIPE` in the VFS before reaching the driver.
//! - A registration carries [`StreamMiscDevice::RegistrationData`], shared by every open file, so that
//!   [`StreamMiscDevice::open`] can reach device-wide state.
//! - [`StreamMiscDevice::open`] is told the file's [`AccessMode`], and the read and write callbacks
//!   whether they may block ([`IoMode`]).
//! - Per-open state is released by dropping [`StreamMiscDevice::Ptr`]: put release logic in its `Drop`.
//! - 32-bit callers reach [`StreamMiscDevice::ioctl`] through `compat_ptr_ioctl()`, so the ioctl
//!   arguments must have the same layout for 32-bit and 64-bit userspace.
//!
//! # Examples
//!
//! `/dev/hello`, whose reads return `hello` lines for ever, registered for as long as the module
//! is loaded (a crate includes this file as `#[path = "../common/miscdev.rs"] mod miscdev;`):
//!
//! ```
//! use crate::miscdev::{
//!     AccessMode,
//!     IoMode,
//!     MiscDeviceRegistration,
//!     StreamMiscDevice, //
//! };
//! use kernel::{
//!     iov::IovIterDest,
//!     prelude::*, //
//! };
//!
//! struct Hello;
//!
//! #[vtable]
//! impl StreamMiscDevice for Hello {
//!     // No per-open state, and nothing shared.
//!     type Ptr = ();
//!     type RegistrationData = ();
//!
//!     fn open(_misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result {
//!         Ok(())
//!     }
//!
//!     fn read_iter(_file: (), iov: &mut IovIterDest<'_>, _mode: IoMode) -> Result<usize> {
//!         Ok(iov.copy_to_iter(b"hello\n"))
//!     }
//! }
//!
//! // The module's state: unloading the module drops it, which deregisters the device.
//! #[pin_data]
//! struct HelloModule {
//!     #[pin]
//!     hello: MiscDeviceRegistration<Hello>,
//! }
//!
//! impl kernel::InPlaceModule for HelloModule {
//!     fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
//!         try_pin_init!(Self {
//!             hello <- MiscDeviceRegistration::register(c"hello", ()),
//!         })
//!     }
//! }
//! ```
//!
//! # Soundness
//!
//! The C side calls the functions of [`MiscdeviceVTable`] only for files opened through the
//! registered `struct miscdevice`:
//!
//! - `misc_open()` stores the `struct miscdevice` pointer in `file->private_data` and calls our
//!   `open` with `misc_mtx` held, which `misc_deregister()` also takes (drivers/char/misc.c:
//!   misc_open(), misc_deregister(), checked against 7.3.4). The registration is pinned and
//!   deregistered in its destructor before its memory (and
//!   [`StreamMiscDevice::RegistrationData`]) is freed, so `open` can dereference it.
//! - `open` replaces `private_data` with [`ForeignOwnable::into_foreign`] of the per-open
//!   [`StreamMiscDevice::Ptr`]; `release` is called exactly once per successful `open`, when the
//!   last reference to the file is dropped, so after every other callback on the file has
//!   returned (each runs with a reference), and never after a failed `open` (the file is not
//!   `FMODE_OPENED`: fs/open.c: do_dentry_open(); fs/file_table.c: __fput(), checked against
//!   7.3.4). It takes the value back with [`ForeignOwnable::from_foreign`]. All other callbacks
//!   run between the two and only [`ForeignOwnable::borrow`] it.
//! - `file_operations.owner` is the module implementing [`StreamMiscDevice`]: the VFS holds a
//!   reference on it while a file is open (`fops_get()` in drivers/char/misc.c: misc_open(),
//!   `fops_put()` after `release` in fs/file_table.c: __fput(), checked against 7.3.4), so the
//!   module's code cannot go away while any callback can still run; `delete_module(2)` fails with
//!   `EWOULDBLOCK` instead ("in use": kernel/module/main.c: try_stop_module(), checked against
//!   7.3.4).
//! - Files may outlive the registration: a driver that owns it in its device's private data
//!   drops it at unbind while files stay open. After `open`, no callback touches the
//!   registration, only the per-open [`StreamMiscDevice::Ptr`]; and since `open` may copy anything out
//!   of [`StreamMiscDevice::RegistrationData`] into it, both are `'static`: the compiler then refuses
//!   per-open state that borrows what the registration's owner drops (a `&Device<Bound>`, an
//!   `IoMem` mapping), rather than letting a later `read(2)` use it.
//! - The registration must not outlive the module's code. A leaked [`MiscDeviceRegistration`]
//!   (`mem::forget` is safe) stays registered after `rmmod`: the device node stays, and its next
//!   `open(2)` reaches a `struct file_operations`, and an `owner`, in the freed module image
//!   (drivers/char/misc.c: misc_open() reads `fops` and calls `fops_get()` on it, checked against
//!   7.3.4). The `'static` bounds make a leak only a leak while the module is loaded, not after.
//!   Like every registration of the kernel crate (its own `kernel::miscdevice::MiscDeviceRegistration`
//!   deregisters only in its `Drop` too: rust/kernel/miscdevice.rs, checked against 7.3.4), a
//!   [`MiscDeviceRegistration`] must therefore be dropped before the module's exit returns; that
//!   holds when the module's state, or a driver's device private data, owns it.
//! - [`File`] requires that no `fdget_pos()` region that skipped `f_pos_lock` is active on the
//!   file, because such a region may access `f_pos` without synchronisation (rust/kernel/fs/file.rs:
//!   `File`, checked against 7.3.4). Character devices never have `FMODE_ATOMIC_POS` (the VFS sets
//!   it only for regular files and directories: fs/open.c: do_dentry_open(); fs/file.c:
//!   file_needs_f_pos_lock(), checked against 7.3.4), so `read(2)` and `write(2)` on another
//!   thread may hold such a region. For our files it is harmless: `stream_open()` sets
//!   `FMODE_STREAM` (fs/open.c: stream_open()), for which the VFS never touches `f_pos`
//!   (`file_ppos()` is `NULL`: fs/read_write.c: file_ppos(), checked against 7.3.4), and nothing
//!   here exposes it. The read and write callbacks, which run inside such a region on the current
//!   thread, do not get a file reference at all.

use core::{
    marker::PhantomData,
    ops::BitOr, //
};
use kernel::{
    bindings,
    error::{
        to_result,
        VTABLE_DEFAULT_ERROR, //
    },
    fs::{
        file,
        File, //
    },
    iov::{
        IovIterDest,
        IovIterSource, //
    },
    prelude::*,
    seq_file::SeqFile,
    sync::poll::PollTable,
    types::{
        ForeignOwnable,
        Opaque, //
    }, //
};

/// How an open file may be used: the `FMODE_READ` and `FMODE_WRITE` bits of its `f_mode`.
///
/// The VFS derives them from `O_ACCMODE` at open time (`OPEN_FMODE()`), so `O_ACCMODE` itself (3)
/// opens a file for neither; reading them, not the flags, means this cannot disagree with the
/// checks `read(2)` and `write(2)` make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AccessMode {
    read: bool,
    write: bool,
}

/// `FMODE_READ` and `FMODE_WRITE` of `include/linux/fs.h`, which bindgen cannot translate (they
/// are `__force` casts); their values are fixed by `OPEN_FMODE()` (`O_ACCMODE + 1`).
const FMODE_READ: bindings::fmode_t = 1 << 0;
const FMODE_WRITE: bindings::fmode_t = 1 << 1;

impl AccessMode {
    /// # Safety
    ///
    /// `file` must point at a valid `struct file` whose `f_mode` is not being changed.
    unsafe fn of(file: *const bindings::file) -> Self {
        // SAFETY: By the safety requirements the read is valid and not racing with a writer.
        let mode = unsafe { (*file).f_mode };
        Self {
            read: mode & FMODE_READ != 0,
            write: mode & FMODE_WRITE != 0,
        }
    }

    /// Whether the file was opened for reading.
    pub(crate) fn can_read(self) -> bool {
        self.read
    }

    /// Whether the file was opened for writing.
    pub(crate) fn can_write(self) -> bool {
        self.write
    }
}

/// Whether a read or write call may sleep until it can make progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IoMode {
    /// The call may wait.
    Blocking,
    /// The file has `O_NONBLOCK`: fail with `EAGAIN` instead of waiting.
    ///
    /// `RWF_NOWAIT` does not need handling: the files do not have `FMODE_NOWAIT`, so the VFS
    /// rejects it and io_uring falls back to worker threads that may block.
    NonBlocking,
}

impl IoMode {
    /// # Safety
    ///
    /// `kiocb` must point at a valid `struct kiocb` whose `ki_filp` is a valid file.
    unsafe fn of(kiocb: *const bindings::kiocb) -> Self {
        // SAFETY: The caller guarantees both pointers are valid. `f_flags` may change under us
        // through `fcntl(F_SETFL)`, hence the volatile read, the equivalent of `READ_ONCE()`
        // (as in `LocalFile::flags`).
        let flags = unsafe { core::ptr::addr_of!((*(*kiocb).ki_filp).f_flags).read_volatile() };
        if flags & file::flags::O_NONBLOCK != 0 {
            Self::NonBlocking
        } else {
            Self::Blocking
        }
    }
}

/// A set of `poll(2)` events, as returned by [`StreamMiscDevice::poll`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PollEvents(u32);

// The kernel's `__poll_t` uses the `EPOLL*` encoding of include/uapi/linux/eventpoll.h; bindgen
// cannot evaluate those macros because of their `__force` casts.
const EPOLLIN: u32 = 0x001;
const EPOLLOUT: u32 = 0x004;
const EPOLLRDNORM: u32 = 0x040;
const EPOLLWRNORM: u32 = 0x100;

impl PollEvents {
    /// No event.
    pub(crate) const NONE: Self = Self(0);
    /// Data can be read without blocking (`POLLIN | POLLRDNORM`).
    pub(crate) const READABLE: Self = Self(EPOLLIN | EPOLLRDNORM);
    /// Data can be written without blocking (`POLLOUT | POLLWRNORM`).
    pub(crate) const WRITABLE: Self = Self(EPOLLOUT | EPOLLWRNORM);
}

impl BitOr for PollEvents {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// A registered misc device.
///
/// # Invariants
///
/// - `inner` holds a `struct miscdevice` built by [`MiscdeviceVTable::miscdevice`] and
///   registered with `misc_register()`; it is deregistered exactly once, in [`Drop`].
/// - `inner` is the first field of this `repr(C)` struct, so a pointer to it is a pointer to the
///   registration.
/// - `data` is initialised before the device is registered and dropped after it is deregistered.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct MiscDeviceRegistration<T: StreamMiscDevice> {
    #[pin]
    inner: Opaque<bindings::miscdevice>,
    data: T::RegistrationData,
}

// SAFETY: `misc_deregister()` may be called on any thread, and `T::RegistrationData` is `Send`.
unsafe impl<T: StreamMiscDevice> Send for MiscDeviceRegistration<T> {}

// SAFETY: The only `&self` accessor hands out `&T::RegistrationData`, which is `Sync`; the C side
// serialises its own accesses to `inner` with `misc_mtx`.
unsafe impl<T: StreamMiscDevice> Sync for MiscDeviceRegistration<T> {}

impl<T: StreamMiscDevice> MiscDeviceRegistration<T> {
    /// Registers a misc device called `name` (`/dev/<name>`), with a dynamic minor.
    ///
    /// `data` is shared by every file opened on the device: see [`Self::data`].
    ///
    /// # Errors
    ///
    /// Whatever `misc_register()` returns, e.g. `EBUSY` if the name is taken.
    pub(crate) fn register(
        name: &'static CStr,
        data: T::RegistrationData,
    ) -> impl PinInit<Self, Error> {
        // The fields are initialised in the order written, so `data` is ready before
        // `misc_register()` makes the device visible to `open`.
        try_pin_init!(Self {
            data,
            inner <- Opaque::try_ffi_init(move |slot: *mut bindings::miscdevice| {
                // SAFETY: The initialiser may write to `slot`.
                unsafe { slot.write(MiscdeviceVTable::<T>::miscdevice(name)) };

                // SAFETY: `slot` holds a valid `struct miscdevice`. It is pinned, and `Drop`
                // deregisters it before its memory is freed.
                // INVARIANT: On success, `inner` is registered.
                to_result(unsafe { bindings::misc_register(slot) })
            }),
        })
    }

    /// Returns the data passed to [`Self::register`].
    pub(crate) fn data(&self) -> &T::RegistrationData {
        &self.data
    }
}

#[pinned_drop]
impl<T: StreamMiscDevice> PinnedDrop for MiscDeviceRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariants, `inner` is registered and this is the only place that
        // deregisters it.
        unsafe { bindings::misc_deregister(self.inner.get()) };
    }
}

/// A misc device driver: its state and file operations.
///
/// Optional methods that are not implemented leave the matching `file_operations` entry
/// `NULL`, with the VFS's usual behaviour (e.g. `EINVAL` for `read(2)`, `ENOTTY` for `ioctl(2)`).
#[vtable]
pub(crate) trait StreamMiscDevice: Sized {
    /// The per-open state, stored as the file's private data. Dropped when the file is released.
    ///
    /// `'static`: an open file outlives the registration (see the [module docs](self)), so the
    /// state must not borrow anything the registration's owner may drop.
    type Ptr: ForeignOwnable + Send + Sync + 'static;

    /// State shared by every open file, owned by the [`MiscDeviceRegistration`].
    ///
    /// `'static`, because [`StreamMiscDevice::open`] may copy any part of it into the per-open state,
    /// which outlives the registration.
    type RegistrationData: Send + Sync + 'static;

    /// Called when the device is opened; the returned value becomes the file's state.
    ///
    /// It runs with the misc core's global `misc_mtx` held (`misc_open()`), which
    /// `misc_register()` and `misc_deregister()` take too: `open` must not register or deregister
    /// a misc device, nor wait for anything that does (e.g. an unbind), or it deadlocks.
    ///
    /// # Errors
    ///
    /// Any error fails `open(2)` with it.
    fn open(misc: &MiscDeviceRegistration<Self>, access: AccessMode) -> Result<Self::Ptr>;

    /// Reads into `iov`: backs `read(2)` and `readv(2)`. Returns the number of bytes read.
    ///
    /// # Errors
    ///
    /// Any error fails the call with it, e.g. `EAGAIN` in [`IoMode::NonBlocking`].
    fn read_iter(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _iov: &mut IovIterDest<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Writes from `iov`: backs `write(2)` and `writev(2)`. Returns the number of bytes written.
    ///
    /// # Errors
    ///
    /// Any error fails the call with it, e.g. `EAGAIN` in [`IoMode::NonBlocking`].
    fn write_iter(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _iov: &mut IovIterSource<'_>,
        _mode: IoMode,
    ) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Reports the events ready now, after registering with `table` the wait queues that will
    /// be woken when they change (see [`PollTable::register_wait`]).
    fn poll(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _table: &PollTable<'_>,
    ) -> PollEvents {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Handles `ioctl(2)`; `arg` is usually a user pointer (see [`kernel::uaccess`]).
    ///
    /// # Errors
    ///
    /// Any error fails the call with it; unknown commands should fail with `ENOTTY`.
    fn ioctl(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _cmd: u32,
        _arg: usize,
    ) -> Result<isize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Adds lines to `/proc/<pid>/fdinfo/<fd>`.
    fn show_fdinfo(_device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>, _m: &SeqFile) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The `file_operations` of a [`StreamMiscDevice`], and the C callbacks in it.
struct MiscdeviceVTable<T: StreamMiscDevice>(PhantomData<T>);

impl<T: StreamMiscDevice> MiscdeviceVTable<T> {
    /// # Safety
    ///
    /// `inode` and `raw_file` must be the inode and file of an open in progress, called from
    /// `misc_open()` for the `struct miscdevice` of a [`MiscDeviceRegistration<T>`].
    unsafe extern "C" fn open(inode: *mut bindings::inode, raw_file: *mut bindings::file) -> c_int {
        // SAFETY: The caller passes a file being opened: its private data is ours to read, and
        // `misc_open()` set it to the `struct miscdevice`.
        let misc_ptr = unsafe { (*raw_file).private_data };

        // SAFETY: By the type invariants of `MiscDeviceRegistration`, the `struct miscdevice` is
        // at the start of a `MiscDeviceRegistration<T>`. `misc_open()` holds `misc_mtx`, so the
        // device cannot be deregistered, hence the registration cannot be freed, during this call.
        let misc = unsafe { &*misc_ptr.cast::<MiscDeviceRegistration<T>>() };

        // SAFETY: The file is valid for the whole open call, and only the VFS (not running
        // concurrently on a file that is not installed yet) and `stream_open()` below write
        // `f_mode`.
        let access = unsafe { AccessMode::of(raw_file) };

        let ptr = match T::open(misc, access) {
            Ok(ptr) => ptr,
            Err(err) => return err.to_errno(),
        };

        // SAFETY: Both pointers are valid for an open in progress. `stream_open()` only updates
        // `f_mode` and cannot fail.
        unsafe { bindings::stream_open(inode, raw_file) };

        // From here on `private_data` holds a `T::Ptr`; every other callback below reads it as
        // such, and `release` takes it back.
        //
        // SAFETY: The open call owns the file's private data.
        unsafe { (*raw_file).private_data = ptr.into_foreign() };

        0
    }

    /// # Safety
    ///
    /// `file` must be a file opened by [`Self::open`] that is being released.
    unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        // SAFETY: The release call owns the file's private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: `open` stored a `T::Ptr` with `into_foreign` and no other callback runs on the
        // file now or later, so ownership can be taken back, exactly once.
        drop(unsafe { <T::Ptr as ForeignOwnable>::from_foreign(private) });
        0
    }

    /// Borrows the per-open state of a file opened by [`Self::open`].
    ///
    /// # Safety
    ///
    /// `file` must be a file opened by [`Self::open`] and not yet released, and the returned
    /// value must not outlive the current file operation.
    unsafe fn device<'a>(file: *mut bindings::file) -> <T::Ptr as ForeignOwnable>::Borrowed<'a> {
        // SAFETY: The caller guarantees that `file` is valid; file operations may read the
        // private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: `open` stored a `T::Ptr` with `into_foreign`, and `release`, the only place
        // that takes it back, cannot run before the current file operation returns.
        unsafe { <T::Ptr as ForeignOwnable>::borrow(private) }
    }

    /// # Safety
    ///
    /// `kiocb` must be valid and for a file opened by [`Self::open`]; `iter` must be a valid
    /// `struct iov_iter` with `ITER_DEST`, writable for the duration of the call.
    unsafe extern "C" fn read_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: The caller guarantees that `kiocb` and its file are valid for this call.
        let mode = unsafe { IoMode::of(kiocb) };
        // SAFETY: As above; the borrow ends when this function returns.
        let device = unsafe { Self::device((*kiocb).ki_filp) };
        // SAFETY: The caller provides a valid destination `iov_iter`, used only through this
        // reference for the duration of the call.
        let iov = unsafe { IovIterDest::from_raw(iter) };

        match T::read_iter(device, iov, mode) {
            // A successful read is at most `MAX_RW_COUNT` bytes, so this cannot wrap.
            Ok(read) => read as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `kiocb` must be valid and for a file opened by [`Self::open`]; `iter` must be a valid
    /// `struct iov_iter` with `ITER_SOURCE`, readable for the duration of the call.
    unsafe extern "C" fn write_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: The caller guarantees that `kiocb` and its file are valid for this call.
        let mode = unsafe { IoMode::of(kiocb) };
        // SAFETY: As above; the borrow ends when this function returns.
        let device = unsafe { Self::device((*kiocb).ki_filp) };
        // SAFETY: The caller provides a valid source `iov_iter`, used only through this
        // reference for the duration of the call.
        let iov = unsafe { IovIterSource::from_raw(iter) };

        match T::write_iter(device, iov, mode) {
            // A successful write is at most `MAX_RW_COUNT` bytes, so this cannot wrap.
            Ok(written) => written as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `file` must be a file opened by [`Self::open`]; `table` must be null or a valid
    /// `poll_table` for the duration of the call.
    unsafe extern "C" fn poll(
        file: *mut bindings::file,
        table: *mut bindings::poll_table,
    ) -> bindings::__poll_t {
        // SAFETY: The caller guarantees that `file` is ours and valid for this call.
        let device = unsafe { Self::device(file) };
        // SAFETY: `vfs_poll()` callers hold a reference on the file for the duration of the
        // call. See the module documentation about `fdget_pos()` regions.
        let file = unsafe { File::from_raw_file(file) };
        // SAFETY: The caller guarantees that `table` is null or valid during the call, which
        // the lifetime of `PollTable` cannot exceed.
        let table = unsafe { PollTable::from_raw(table) };

        T::poll(device, file, &table).0
    }

    /// # Safety
    ///
    /// `file` must be a file opened by [`Self::open`].
    unsafe extern "C" fn ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
        // SAFETY: The caller guarantees that `file` is ours and valid for this call.
        let device = unsafe { Self::device(file) };

        match T::ioctl(device, cmd, arg) {
            Ok(ret) => ret as c_long,
            Err(err) => err.to_errno() as c_long,
        }
    }

    /// # Safety
    ///
    /// `file` must be a file opened by [`Self::open`]; `seq_file` must be valid and used only by
    /// this thread for the duration of the call.
    unsafe extern "C" fn show_fdinfo(seq_file: *mut bindings::seq_file, file: *mut bindings::file) {
        // SAFETY: The caller guarantees that `file` is ours and valid for this call.
        let device = unsafe { Self::device(file) };
        // SAFETY: The caller guarantees that `seq_file` is valid and exclusive to this call.
        let m = unsafe { SeqFile::from_raw(seq_file) };

        T::show_fdinfo(device, m);
    }

    const FOPS: bindings::file_operations = bindings::file_operations {
        owner: crate::compat::this_module(),
        open: Some(Self::open),
        release: Some(Self::release),
        read_iter: if T::HAS_READ_ITER {
            Some(Self::read_iter)
        } else {
            None
        },
        write_iter: if T::HAS_WRITE_ITER {
            Some(Self::write_iter)
        } else {
            None
        },
        poll: if T::HAS_POLL { Some(Self::poll) } else { None },
        unlocked_ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl)
        } else {
            None
        },
        #[cfg(CONFIG_COMPAT)]
        compat_ioctl: if T::HAS_IOCTL {
            bindings::compat_ptr_ioctl
        } else {
            None
        },
        show_fdinfo: if T::HAS_SHOW_FDINFO {
            Some(Self::show_fdinfo)
        } else {
            None
        },
        ..pin_init::zeroed()
    };

    /// The `file_operations` every file of the device uses.
    ///
    /// Returning `&'static` makes the compiler prove that [`Self::FOPS`] is promoted to a static,
    /// which a raw-pointer assignment of `&Self::FOPS` would not check.
    const fn fops() -> &'static bindings::file_operations {
        &Self::FOPS
    }

    /// Builds the `struct miscdevice` to register as `/dev/<name>`.
    const fn miscdevice(name: &'static CStr) -> bindings::miscdevice {
        let mut misc: bindings::miscdevice = pin_init::zeroed();
        misc.minor = bindings::MISC_DYNAMIC_MINOR as c_int;
        misc.name = kernel::str::as_char_ptr_in_const_context(name);
        misc.fops = Self::fops();
        misc
    }
}
