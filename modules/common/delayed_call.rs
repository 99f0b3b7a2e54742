// SPDX-License-Identifier: GPL-2.0

//! A call made later in process context, which its owner can cancel.
//!
//! The 7.3 kernel crate queues work items (`kernel::workqueue`) but cannot cancel or flush one
//! (rust/kernel/workqueue.rs has no cancel or flush, checked against 7.3.4), so
//! a module cannot make sure its work function is not still queued when the module goes away.
//! [`DelayedCall`] wraps one `struct delayed_work` on the system workqueue: [`DelayedCall::arm`]
//! schedules [`DelayedTarget::run`] of its target after a delay (moving a call already armed),
//! and dropping it cancels a pending call and waits for one that is running
//! (`cancel_delayed_work_sync()`).
//!
//! # Examples
//!
//! A message one second after `arm`, unless the call is dropped first:
//!
//! ```
//! use crate::delayed_call::{
//!     DelayedCall,
//!     DelayedTarget, //
//! };
//! use kernel::{
//!     prelude::*,
//!     static_lock_class,
//!     sync::Arc, //
//! };
//!
//! struct Reminder;
//!
//! impl DelayedTarget for Reminder {
//!     fn run(&self) {
//!         pr_info!("one second has passed\n");
//!     }
//! }
//!
//! let call = KBox::pin_init(
//!     DelayedCall::new(
//!         Arc::new(Reminder, GFP_KERNEL)?,
//!         static_lock_class!(),
//!         static_lock_class!(),
//!     ),
//!     GFP_KERNEL,
//! )?;
//! call.arm(1000);
//! // Cancels the call if it is still pending, or waits for it if it is running.
//! drop(call);
//! # Ok::<(), Error>(())
//! ```
//!
//! # Soundness
//!
//! - The `delayed_work` is pinned inside the [`DelayedCall`], which is only built in place
//!   ([`DelayedCall::new`] returns a [`PinInit`]) and cancels it before its memory can go: when
//!   [`DelayedCall::drop`] returns, the work is neither queued nor running, and its timer is not
//!   pending. `cancel_delayed_work_sync()` guarantees that unless an enqueue races with it
//!   (kernel/workqueue.c: cancel_delayed_work_sync(), cancel_work_sync()'s comment, checked
//!   against 7.3.4); none can, since [`DelayedCall::arm`] needs `&self`, which the drop's
//!   exclusive access rules out, for `run` as for anyone else.
//! - The work item is initialised as `INIT_DELAYED_WORK()` does (include/linux/workqueue.h:
//!   `__INIT_DELAYED_WORK`, checked against 7.3.4): the work through the kernel crate's helper
//!   (rust/helpers/workqueue.c: rust_helper_init_work_with_key(), checked against 7.3.4), the
//!   timer with `delayed_work_timer_fn` and `TIMER_IRQSAFE`, which that function needs
//!   (kernel/workqueue.c: delayed_work_timer_fn(), checked against 7.3.4).
//! - The work function finds the [`DelayedCall`] from the `work_struct` it is given
//!   (`container_of`), and calls `run` on the target, which the [`DelayedCall`] keeps alive
//!   (an [`Arc`]).
//! - `run` can be called on a worker thread while the owner uses the target: `T: Sync`. `arm`
//!   may be called on several threads at once: `mod_delayed_work_on()` is safe to call from any
//!   context (kernel/workqueue.c: mod_delayed_work_on(), checked against 7.3.4).
//! - `T: 'static`: a leaked [`DelayedCall`] (`mem::forget` is safe) may call `run` at any time
//!   later, so the target must borrow nothing. Like every registration of the kernel crate, the
//!   [`DelayedCall`] must still be dropped before the module's exit returns (its work function
//!   is the module's code); that holds when the module's state owns it.
//! - The owner must not drop the [`DelayedCall`] from within its own `run` (the cancel would wait
//!   for itself); nothing in `run`'s signature can reach the [`DelayedCall`] to do so, but a
//!   target that owns it indirectly could, by dropping the last reference: such a target is a
//!   deadlock, not undefined behaviour.
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)

use core::marker::PhantomPinned;

use kernel::{
    bindings,
    prelude::*,
    sync::{
        Arc,
        LockClassKey, //
    },
    time::{
        msecs_to_jiffies,
        Msecs, //
    },
    types::Opaque, //
};

/// What a [`DelayedCall`] calls.
pub(crate) trait DelayedTarget: Sync + Send + 'static {
    /// Called on a worker thread (process context, may sleep) once per expiry of
    /// [`DelayedCall::arm`].
    fn run(&self);
}

/// A cancellable call of `T::run` after a delay, on the system workqueue.
///
/// # Invariants
///
/// `work` is a `delayed_work` initialised with [`work_function::<T>`], and is neither queued nor
/// running once `drop` has returned.
#[pin_data(PinnedDrop)]
pub(crate) struct DelayedCall<T: DelayedTarget> {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    target: Arc<T>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The `delayed_work` may be armed and cancelled from any thread, and `T: Send + Sync`.
unsafe impl<T: DelayedTarget> Send for DelayedCall<T> {}
// SAFETY: `arm` (the only method taking `&self`) may run on several threads at once:
// `mod_delayed_work_on()` serialises on the work item itself.
unsafe impl<T: DelayedTarget> Sync for DelayedCall<T> {}

impl<T: DelayedTarget> DelayedCall<T> {
    /// A call of `target.run()`, not armed.
    pub(crate) fn new(
        target: Arc<T>,
        work_key: Pin<&'static LockClassKey>,
        timer_key: Pin<&'static LockClassKey>,
    ) -> impl PinInit<Self> {
        pin_init!(Self {
            work <- Opaque::ffi_init(move |slot: *mut bindings::delayed_work| {
                // SAFETY: `slot` is valid for writes and pinned. This is `INIT_DELAYED_WORK()`:
                // the work item with our function, the timer with the workqueue's own
                // `delayed_work_timer_fn`, IRQ-safe as that function requires.
                unsafe {
                    bindings::init_work_with_key(
                        &raw mut (*slot).work,
                        Some(work_function::<T>),
                        false,
                        c"DelayedCall::work".as_char_ptr(),
                        work_key.as_ptr(),
                    );
                    bindings::timer_init_key(
                        &raw mut (*slot).timer,
                        Some(bindings::delayed_work_timer_fn),
                        bindings::TIMER_IRQSAFE,
                        c"DelayedCall::timer".as_char_ptr(),
                        timer_key.as_ptr(),
                    );
                }
            }),
            target,
            _pin: PhantomPinned,
        })
    }

    /// Makes `run` be called once, `delay_ms` from now; an armed call is moved to that time
    /// (`mod_delayed_work()`).
    pub(crate) fn arm(&self, delay_ms: Msecs) {
        // SAFETY: `work` is initialised (type invariant) and pinned; `system_wq` is always
        // valid. The function may be called from any context, concurrently.
        unsafe {
            bindings::mod_delayed_work_on(
                WORK_CPU_UNBOUND,
                bindings::system_wq,
                self.work.get(),
                msecs_to_jiffies(delay_ms),
            )
        };
    }
}

/// Any CPU (`WORK_CPU_UNBOUND`, a small constant).
const WORK_CPU_UNBOUND: c_int = bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int;

#[pinned_drop]
impl<T: DelayedTarget> PinnedDrop for DelayedCall<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `work` is initialised. Once this returns the work is neither queued nor
        // running, and nothing can arm it again (`arm` needs `&self`, which `drop` excludes).
        // INVARIANT: Neither queued nor running from here on.
        unsafe { bindings::cancel_delayed_work_sync(self.work.get()) };
    }
}

/// The `work_func_t` of a [`DelayedCall<T>`].
///
/// # Safety
///
/// Called by the workqueue for the `work_struct` embedded in the `delayed_work` of a live
/// [`DelayedCall<T>`] (its drop waits for this call to return).
unsafe extern "C" fn work_function<T: DelayedTarget>(work: *mut bindings::work_struct) {
    // SAFETY: `work` is the `work` field of the `delayed_work` inside `DelayedCall::work`
    // (`Opaque` is `repr(transparent)`), so these `container_of` steps stay in that object,
    // which is alive (safety requirements).
    let call = unsafe {
        let dwork = kernel::container_of!(work, bindings::delayed_work, work);
        let opaque = dwork.cast::<Opaque<bindings::delayed_work>>();
        &*kernel::container_of!(opaque, DelayedCall<T>, work)
    };
    call.target.run();
}
