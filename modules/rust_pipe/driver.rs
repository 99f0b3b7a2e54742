// SPDX-License-Identifier: GPL-2.0

//! The pipe and its files: the misc device's file operations, and the module that registers it.
//!
//! All state lives in a [`Pipe`] behind one mutex; two condition variables, which `poll(2)`
//! can also wait on, wake readers when bytes arrive and writers when space appears (see
//! [`Pipe::wake_waiters`]). A write copies everything that fits in one go under the mutex, so
//! the bytes of one `write(2)` stay contiguous in the FIFO however many writers race.

#![deny(unsafe_code)]

use kernel::{
    fs::File,
    iov::{
        IovIterDest,
        IovIterSource, //
    },
    new_mutex,
    new_poll_condvar,
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::{
        poll::{
            PollCondVar,
            PollTable, //
        },
        Arc,
        Mutex,
        MutexGuard, //
    },
    uaccess::{
        UserPtr,
        UserSlice, //
    }, //
};

use crate::{
    compat,
    miscdev::{
        AccessMode,
        IoMode,
        MiscDeviceRegistration,
        PollEvents,
        StreamMiscDevice, //
    },
    module_parameters,
    ring::RingBuffer,
    uapi::{
        RpipeStats,
        CAPACITY_RANGE,
        RPIPE_CLEAR,
        RPIPE_GET_STATS,
        RPIPE_SET_CAPACITY, //
    }, //
};

/// Checks a capacity requested by userspace or the module parameter.
///
/// # Errors
///
/// `EINVAL` outside [`CAPACITY_RANGE`].
fn checked_capacity(capacity: u64) -> Result<usize> {
    if !CAPACITY_RANGE.contains(&capacity) {
        return Err(EINVAL);
    }
    usize::try_from(capacity).map_err(|_| EINVAL)
}

/// The pipe's state, protected by [`Pipe::state`].
struct PipeState {
    ring: RingBuffer,
    /// Bytes written since load; wraps like a network statistic (after 16 EiB).
    bytes_written: u64,
    /// Bytes read since load; wraps likewise.
    bytes_read: u64,
    /// Open files with read access.
    readers: usize,
    /// Open files with write access.
    writers: usize,
}

/// The FIFO shared by every open file.
#[pin_data]
struct Pipe {
    #[pin]
    state: Mutex<PipeState>,
    /// Notified when bytes are added: wakes blocked readers and `poll(2)` for `POLLIN`.
    #[pin]
    readable: PollCondVar,
    /// Notified when space is freed: wakes blocked writers and `poll(2)` for `POLLOUT`.
    #[pin]
    writable: PollCondVar,
}

impl Pipe {
    fn new(capacity: usize) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                state <- new_mutex!(PipeState {
                    ring: RingBuffer::new(capacity)?,
                    bytes_written: 0,
                    bytes_read: 0,
                    readers: 0,
                    writers: 0,
                }),
                readable <- new_poll_condvar!("Pipe::readable"),
                writable <- new_poll_condvar!("Pipe::writable"),
            }),
            GFP_KERNEL,
        )
    }

    /// Unlocks the pipe, then wakes one blocked reader if bytes are buffered and one blocked
    /// writer if there is space, with every `poll(2)` waiter of the same kind.
    ///
    /// Readers and writers wait exclusively, so one notification wakes one of them, like
    /// `pipe(2)`. Every read and write that gets past its wait calls this: whoever leaves the pipe
    /// readable or writable passes the wake-up on, so no waiter sleeps while it could make
    /// progress, even when the woken one takes only part of the bytes or space, or faults. (A
    /// waiter woken together with a signal goes on when it can, so it never swallows a wake-up.)
    /// Waking after unlocking spares the woken task a contended mutex.
    //
    // `#[inline]`: see `read`; an exported copy would also stay in the module, unused.
    #[inline]
    fn wake_waiters(&self, state: MutexGuard<'_, PipeState>) {
        let readable = !state.ring.is_empty();
        let writable = state.ring.free() > 0;
        drop(state);

        // The waker usually goes back to sleep or to user space next: a synchronous wake-up
        // lets the scheduler run the woken task on this CPU.
        if readable {
            self.readable.notify_sync();
        }
        if writable {
            self.writable.notify_sync();
        }
    }

    /// Removes up to `iov.len()` bytes into `iov`, waiting for at least one unless `mode`
    /// forbids it.
    ///
    /// # Errors
    ///
    /// `EAGAIN` if empty in [`IoMode::NonBlocking`], `ERESTARTSYS` if a signal arrives while
    /// waiting, `EFAULT` if no byte could be copied out; no byte is consumed then.
    //
    // `#[inline]`, like `write`, `wake_waiters` and `PipeFile`'s callbacks: all of a read(2)
    // compiles into miscdev's `read_iter` callback, as C's is the callback itself. Without it,
    // rustc exports the function (its inline caller could be compiled in another crate), LLVM
    // finds it too large to inline into a caller it cannot see is the only one, and each call
    // pays a call layer and a `Result` passed through memory (`make LLVM=1 compare`, 64 B writes).
    #[inline]
    fn read(&self, iov: &mut IovIterDest<'_>, mode: IoMode) -> Result<usize> {
        let wanted = iov.len();
        if wanted == 0 {
            return Ok(0);
        }

        let mut state = self.state.lock();
        while state.ring.is_empty() {
            if mode == IoMode::NonBlocking {
                return Err(EAGAIN);
            }
            // Bytes that arrived with the signal are still read: see `wake_waiters`.
            if self.readable.wait_interruptible(&mut state) && state.ring.is_empty() {
                return Err(ERESTARTSYS);
            }
        }

        // Bytes are consumed only as far as they were copied out.
        let read = state.ring.pop_with(wanted, |bytes| iov.copy_to_iter(bytes));
        state.bytes_read = state.bytes_read.wrapping_add(read as u64);
        self.wake_waiters(state);

        if read == 0 {
            return Err(EFAULT);
        }
        Ok(read)
    }

    /// Appends as many bytes of `iov` as fit, waiting for space for at least one unless `mode`
    /// forbids it.
    ///
    /// # Errors
    ///
    /// `EAGAIN` if full in [`IoMode::NonBlocking`], `ERESTARTSYS` if a signal arrives while
    /// waiting, `EFAULT` if no byte could be copied in; nothing is appended then.
    //
    // `#[inline]`: see `read`.
    #[inline]
    fn write(&self, iov: &mut IovIterSource<'_>, mode: IoMode) -> Result<usize> {
        let offered = iov.len();
        if offered == 0 {
            return Ok(0);
        }

        let mut state = self.state.lock();
        while state.ring.free() == 0 {
            if mode == IoMode::NonBlocking {
                return Err(EAGAIN);
            }
            // Likewise, space freed along with the signal is still used.
            if self.writable.wait_interruptible(&mut state) && state.ring.free() == 0 {
                return Err(ERESTARTSYS);
            }
        }

        // One copy of everything that fits, under the lock: no other write can slip in.
        let written = state
            .ring
            .push_with(offered, |space| iov.copy_from_iter(space));
        state.bytes_written = state.bytes_written.wrapping_add(written as u64);
        self.wake_waiters(state);

        if written == 0 {
            return Err(EFAULT);
        }
        Ok(written)
    }

    fn stats(&self) -> RpipeStats {
        let state = self.state.lock();
        RpipeStats {
            capacity: state.ring.capacity() as u64,
            len: state.ring.len() as u64,
            bytes_written: state.bytes_written,
            bytes_read: state.bytes_read,
            // More than `u32::MAX` open files is not possible in practice; saturate if it were.
            readers: u32::try_from(state.readers).unwrap_or(u32::MAX),
            writers: u32::try_from(state.writers).unwrap_or(u32::MAX),
        }
    }

    /// Resizes the FIFO to `capacity` bytes, keeping the buffered ones, and wakes writers.
    ///
    /// # Errors
    ///
    /// `EINVAL` outside [`CAPACITY_RANGE`], `ENOMEM`, or `EBUSY` if more bytes are buffered than
    /// fit; nothing changes then.
    fn set_capacity(&self, capacity: u64) -> Result {
        // Allocate before taking the lock: readers and writers are not held up by it.
        let replacement = RingBuffer::new(checked_capacity(capacity)?)?;
        let old = self.state.lock().ring.replace_with(replacement)?;
        // The lock was released at the end of the statement above: free outside it, too.
        drop(old);

        self.writable.notify_all();
        Ok(())
    }

    /// Drops every buffered byte and wakes writers.
    fn clear(&self) {
        self.state.lock().ring.clear();
        self.writable.notify_all();
    }
}

/// An open file of the device.
///
/// # Invariants
///
/// The file is counted once in `pipe`'s [`PipeState::readers`] if `access` can read, and once in
/// [`PipeState::writers`] if it can write.
struct PipeFile {
    pipe: Arc<Pipe>,
    access: AccessMode,
}

impl PipeFile {
    fn new(pipe: Arc<Pipe>, access: AccessMode) -> Self {
        let mut state = pipe.state.lock();
        // Each count is bounded by the number of `struct file`s in memory: it cannot overflow.
        state.readers += usize::from(access.can_read());
        state.writers += usize::from(access.can_write());
        drop(state);
        // INVARIANT: Counted just above.
        Self { pipe, access }
    }
}

impl Drop for PipeFile {
    fn drop(&mut self) {
        let mut state = self.pipe.state.lock();
        // By the type invariants, this file's own counts are still included.
        state.readers -= usize::from(self.access.can_read());
        state.writers -= usize::from(self.access.can_write());
    }
}

#[vtable]
impl StreamMiscDevice for PipeFile {
    type Ptr = KBox<Self>;
    type RegistrationData = Arc<Pipe>;

    fn open(misc: &MiscDeviceRegistration<Self>, access: AccessMode) -> Result<KBox<Self>> {
        Ok(KBox::new(
            PipeFile::new(misc.data().clone(), access),
            GFP_KERNEL,
        )?)
    }

    // Inlined into miscdev's `file_operations` callbacks, with `Pipe::read` and `Pipe::write`:
    // see `Pipe::read`.
    #[inline]
    fn read_iter(file: &Self, iov: &mut IovIterDest<'_>, mode: IoMode) -> Result<usize> {
        file.pipe.read(iov, mode)
    }

    #[inline]
    fn write_iter(file: &Self, iov: &mut IovIterSource<'_>, mode: IoMode) -> Result<usize> {
        file.pipe.write(iov, mode)
    }

    /// Like `pipe(2)`, reports readability only to readers and writability only to writers.
    ///
    /// Unlike `pipe_poll()`, which reads the pipe's indices locklessly, this takes the state
    /// mutex, which a reader or writer holds while it copies from or to user memory. A copy
    /// stalled on a page fault (e.g. on a userfaultfd-backed buffer) therefore stalls `poll`,
    /// `epoll_wait` and `RPIPE_GET_STATS` of every opener for as long. That is accepted for a
    /// sample: keeping the lengths in atomics updated under the lock would remove it.
    fn poll(file: &Self, raw_file: &File, table: &PollTable<'_>) -> PollEvents {
        let pipe = &file.pipe;
        if file.access.can_read() {
            table.register_wait(raw_file, &pipe.readable);
        }
        if file.access.can_write() {
            table.register_wait(raw_file, &pipe.writable);
        }

        let state = pipe.state.lock();
        let mut events = PollEvents::NONE;
        if file.access.can_read() && !state.ring.is_empty() {
            events = events | PollEvents::READABLE;
        }
        if file.access.can_write() && state.ring.free() > 0 {
            events = events | PollEvents::WRITABLE;
        }
        events
    }

    fn ioctl(file: &Self, cmd: u32, arg: usize) -> Result<isize> {
        let pipe = &file.pipe;
        let arg = UserPtr::from_addr(arg);
        match cmd {
            RPIPE_GET_STATS => {
                let stats = pipe.stats();
                UserSlice::new(arg, size_of::<RpipeStats>())
                    .writer()
                    .write_slice(stats.as_bytes())?;
            }
            RPIPE_SET_CAPACITY => {
                let capacity = UserSlice::new(arg, size_of::<u64>())
                    .reader()
                    .read::<u64>()?;
                pipe.set_capacity(capacity)?;
            }
            RPIPE_CLEAR => pipe.clear(),
            _ => return Err(ENOTTY),
        }
        Ok(0)
    }

    fn show_fdinfo(file: &Self, m: &SeqFile) {
        let access = match (file.access.can_read(), file.access.can_write()) {
            (true, true) => "read-write",
            (true, false) => "read",
            (false, true) => "write",
            (false, false) => "none",
        };
        let (len, capacity) = {
            let state = file.pipe.state.lock();
            (state.ring.len(), state.ring.capacity())
        };
        seq_print!(
            m,
            "rpipe-access:\t{access}\nrpipe-len:\t{len}\nrpipe-capacity:\t{capacity}\n"
        );
    }
}

#[pin_data]
pub(crate) struct RustPipeModule {
    #[pin]
    _misc: MiscDeviceRegistration<PipeFile>,
}

impl kernel::InPlaceModule for RustPipeModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let requested = compat::param(&module_parameters::capacity);
        let pipe = checked_capacity(requested)
            .inspect_err(|_| {
                pr_err!(
                    "capacity={} is out of range {}..={}\n",
                    requested,
                    CAPACITY_RANGE.start(),
                    CAPACITY_RANGE.end()
                )
            })
            .and_then(Pipe::new);

        try_pin_init!(Self {
            _misc <- MiscDeviceRegistration::register(c"rust-pipe", pipe?),
        })
    }
}
