// SPDX-License-Identifier: GPL-2.0

//! The device's commands, its interrupt handler, and how they meet.
//!
//! Each of the three units (factorial, DMA, raised interrupts) runs one command at a time, under
//! its own mutex: a command starts the unit, sleeps on the unit's condition variable until the
//! interrupt handler has acknowledged the unit's interrupt, then collects the result. The
//! handler and the commands share [`IrqState`] under an interrupt-safe spinlock, so a command
//! checks for its completion and goes to sleep without missing a wake-up.
//!
//! A completion seen is confirmed on the device before it counts (the factorial no longer
//! computing, the transfer no longer running): an interrupt that arrives after its command gave
//! up (a signal, a timeout) cannot complete the next command early.
//!
//! [`Edu::shut_down`] (at unbind) marks the device gone under the same lock that every DMA start
//! takes, so no transfer can start after it; it wakes every waiter, which then fails with
//! `ENODEV`, and waits for a running transfer to end before the DMA memory is freed.

#![deny(unsafe_code)]

use kernel::{
    io::poll::read_poll_timeout,
    new_condvar,
    new_mutex,
    new_poll_condvar,
    prelude::*,
    sync::{
        poll::PollCondVar,
        CondVar,
        CondVarTimeoutResult,
        Mutex, //
    },
    time::{
        msecs_to_jiffies,
        Delta, //
    }, //
};

use crate::{
    compat::{
        new_spinlock_irq,
        SpinLockIrq,
        SpinLockIrqGuard, //
    },
    regs::{
        Backend,
        Direction,
        Transfer,
        DMA_COMMAND,
        FACTORIAL,
        IRQ_ACK,
        IRQ_DMA,
        IRQ_FACTORIAL,
        IRQ_RAISE,
        IRQ_STATUS,
        STATUS, //
    },
    uapi::{
        ReduStats,
        DMA_BUFFER_SIZE,
        FACTORIAL_MAX,
        RAISE_BITS, //
    }, //
};

/// What the interrupt handler and the commands share.
#[derive(Default)]
pub(crate) struct IrqState {
    /// The device is being unbound: nothing may start any more.
    gone: bool,
    /// The factorial interrupt was acknowledged since the last factorial started.
    factorial_done: bool,
    /// The DMA interrupt was acknowledged since the last transfer started.
    dma_done: bool,
    /// `REDU_RAISE` bits acknowledged since the last `REDU_RAISE` started.
    raise_acked: u32,
    /// `REDU_RAISE` bits acknowledged and not read yet.
    events: u32,
    /// The counters of `REDU_GET_STATS`.
    stats: ReduStats,
}

/// One edu device: its resources and the state of its commands.
#[pin_data]
pub(crate) struct Edu<B: Backend> {
    backend: B,
    /// How long a command waits for its interrupt, and unbind for a running transfer, in
    /// milliseconds: `REDU_TIMEOUT_MS` on the device, shorter in the KUnit tests.
    timeout_ms: u32,
    /// Shared with the interrupt handler; visible to the KUnit tests, which drive the handler.
    #[pin]
    pub(crate) irq: SpinLockIrq<IrqState>,
    /// Serialises factorials.
    #[pin]
    factorial_unit: Mutex<()>,
    /// Serialises transfers; holds the bounce buffer between user memory and DMA memory.
    #[pin]
    dma_unit: Mutex<KVec<u8>>,
    /// Serialises `REDU_RAISE`.
    #[pin]
    raise_unit: Mutex<()>,
    #[pin]
    factorial_done: CondVar,
    #[pin]
    dma_done: CondVar,
    #[pin]
    raise_acked: CondVar,
    /// Woken when `events` gains bits, and at shutdown.
    #[pin]
    events: PollCondVar,
}

impl<B: Backend> Edu<B> {
    /// State for a device reached through `backend`, whose commands wait `timeout_ms` at most.
    pub(crate) fn new(backend: B, timeout_ms: u32) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            backend,
            timeout_ms,
            irq <- new_spinlock_irq!(IrqState::default()),
            factorial_unit <- new_mutex!(()),
            dma_unit <- new_mutex!(KVec::from_elem(0u8, DMA_BUFFER_SIZE, GFP_KERNEL)?),
            raise_unit <- new_mutex!(()),
            factorial_done <- new_condvar!("Edu::factorial_done"),
            dma_done <- new_condvar!("Edu::dma_done"),
            raise_acked <- new_condvar!("Edu::raise_acked"),
            events <- new_poll_condvar!("Edu::events"),
        }? Error)
    }

    /// The device's interrupt handler: acknowledges every pending bit and completes the units
    /// they belong to. Returns whether anything was pending (a shared INTx line may call it for
    /// another device's interrupt).
    pub(crate) fn handle_interrupt(&self) -> bool {
        let Ok(status) = self.backend.read::<IRQ_STATUS>() else {
            // The registers are gone: never so for the device's handler, which is freed before
            // they are revoked; another caller is told nothing was handled.
            return false;
        };
        let bits = status.bits().get();
        let mut guard = self.irq.lock();
        let state = &mut *guard;
        if bits == 0 {
            state.stats.irqs_none = state.stats.irqs_none.wrapping_add(1);
            return false;
        }
        // Acknowledge exactly what was read: a bit raised since stays pending, and interrupts
        // again.
        if self
            .backend
            .write(IRQ_ACK::zeroed().with_bits(bits))
            .is_err()
        {
            return false;
        }
        let stats = &mut state.stats;
        stats.irqs = stats.irqs.wrapping_add(1);
        let factorial = bits & IRQ_FACTORIAL != 0;
        let dma = bits & IRQ_DMA != 0;
        let raised = bits & RAISE_BITS;
        if factorial {
            stats.fact_acked = stats.fact_acked.wrapping_add(1);
            state.factorial_done = true;
        }
        if dma {
            stats.dma_acked = stats.dma_acked.wrapping_add(1);
            state.dma_done = true;
        }
        if raised != 0 {
            stats.user_acked = stats.user_acked.wrapping_add(1);
            state.raise_acked |= raised;
            state.events |= raised;
        }
        drop(guard);

        if factorial {
            self.factorial_done.notify_all();
        }
        if dma {
            self.dma_done.notify_all();
        }
        if raised != 0 {
            self.raise_acked.notify_all();
            self.events.notify_all();
        }
        true
    }

    /// Sleeps until `done` holds, with the interrupt state locked, at most `timeout_ms`.
    ///
    /// # Errors
    ///
    /// `ENODEV` once the device is gone, `ERESTARTSYS` on a signal, `ETIMEDOUT`.
    fn wait_for(
        &self,
        condvar: &CondVar,
        mut done: impl FnMut(&mut IrqState) -> Result<bool>,
    ) -> Result {
        let mut state = self.irq.lock();
        state.stats.waiters = state.stats.waiters.wrapping_add(1);
        let result = self.wait_locked(&mut state, condvar, &mut done);
        state.stats.waiters = state.stats.waiters.wrapping_sub(1);
        result
    }

    fn wait_locked(
        &self,
        state: &mut SpinLockIrqGuard<'_, IrqState>,
        condvar: &CondVar,
        done: &mut impl FnMut(&mut IrqState) -> Result<bool>,
    ) -> Result {
        let mut left = msecs_to_jiffies(self.timeout_ms);
        loop {
            if state.gone {
                return Err(ENODEV);
            }
            if done(state)? {
                return Ok(());
            }
            match condvar.wait_interruptible_timeout(state, left) {
                CondVarTimeoutResult::Woken { jiffies } => left = jiffies,
                CondVarTimeoutResult::Signal { .. } => return Err(ERESTARTSYS),
                // A completion may have raced with the timeout: look once more.
                CondVarTimeoutResult::Timeout => {
                    if state.gone {
                        return Err(ENODEV);
                    }
                    return if done(state)? { Ok(()) } else { Err(ETIMEDOUT) };
                }
            }
        }
    }

    /// Starts computing `n!`: the first half of [`Self::factorial`].
    ///
    /// # Errors
    ///
    /// `EINVAL` for `n` above [`FACTORIAL_MAX`], `EBUSY` while an abandoned computation still
    /// runs, `ENODEV` once the device is gone.
    pub(crate) fn start_factorial(&self, n: u32) -> Result {
        if n > FACTORIAL_MAX {
            return Err(EINVAL);
        }
        let mut state = self.irq.lock();
        if state.gone {
            return Err(ENODEV);
        }
        // The device ignores a start while it computes.
        if self.backend.read::<STATUS>()?.computing() {
            return Err(EBUSY);
        }
        state.factorial_done = false;
        self.backend
            .write(STATUS::zeroed().with_irq_when_done(true))?;
        self.backend.write(FACTORIAL::zeroed().with_value(n))?;
        state.stats.fact_raised = state.stats.fact_raised.wrapping_add(1);
        Ok(())
    }

    /// Whether the started factorial has finished, with its interrupt acknowledged.
    pub(crate) fn factorial_finished(&self, state: &mut IrqState) -> Result<bool> {
        if !state.factorial_done {
            return Ok(false);
        }
        // A late interrupt of an abandoned computation: wait for this one's own.
        state.factorial_done = false;
        Ok(!self.backend.read::<STATUS>()?.computing())
    }

    /// Collects the result of a finished factorial: the second half of [`Self::factorial`].
    ///
    /// # Errors
    ///
    /// `ENODEV` once the device is gone.
    pub(crate) fn finish_factorial(&self) -> Result<u32> {
        let result = self.backend.read::<FACTORIAL>()?.value().get();
        let mut state = self.irq.lock();
        state.stats.factorials = state.stats.factorials.wrapping_add(1);
        Ok(result)
    }

    /// `n!` modulo 2^32, computed by the device: `REDU_FACTORIAL`.
    ///
    /// # Errors
    ///
    /// Those of [`Self::start_factorial`] and of waiting (see the UAPI header).
    pub(crate) fn factorial(&self, n: u32) -> Result<u32> {
        let _unit = self.factorial_unit.lock();
        self.start_factorial(n)?;
        self.wait_for(&self.factorial_done, |state| self.factorial_finished(state))?;
        self.finish_factorial()
    }

    /// Starts `transfer`, its data (towards the device) already in DMA memory.
    ///
    /// # Errors
    ///
    /// `EBUSY` while an abandoned transfer still runs, `ENODEV` once the device is gone.
    pub(crate) fn start_transfer(&self, transfer: &Transfer) -> Result {
        // Under the interrupt state's lock, which `shut_down` takes to mark the device gone: a
        // transfer starts before that, and is waited for, or not at all.
        let mut state = self.irq.lock();
        if state.gone {
            return Err(ENODEV);
        }
        if self.backend.read::<DMA_COMMAND>()?.run() {
            return Err(EBUSY);
        }
        let (source, destination, count, command) =
            transfer.registers(self.backend.memory_address()?);
        state.dma_done = false;
        self.backend.write(source)?;
        self.backend.write(destination)?;
        self.backend.write(count)?;
        self.backend.write(command)?;
        state.stats.dma_raised = state.stats.dma_raised.wrapping_add(1);
        Ok(())
    }

    /// Whether the started transfer has finished, with its interrupt acknowledged.
    pub(crate) fn transfer_finished(&self, state: &mut IrqState) -> Result<bool> {
        if !state.dma_done {
            return Ok(false);
        }
        state.dma_done = false;
        Ok(!self.backend.read::<DMA_COMMAND>()?.run())
    }

    /// Counts a finished transfer.
    pub(crate) fn finish_transfer(&self, transfer: &Transfer) {
        let mut state = self.irq.lock();
        let stats = &mut state.stats;
        // At most `DMA_BUFFER_SIZE` per transfer: no truncation.
        let bytes = transfer.len() as u64;
        match transfer.direction() {
            Direction::ToDevice => {
                stats.dma_to_device_bytes = stats.dma_to_device_bytes.wrapping_add(bytes)
            }
            Direction::FromDevice => {
                stats.dma_from_device_bytes = stats.dma_from_device_bytes.wrapping_add(bytes)
            }
        }
    }

    /// Moves `len` bytes at `offset` of the device buffer by DMA, to the device from `fill`'s
    /// bytes or from the device to `drain`: `REDU_DMA_WRITE` and `REDU_DMA_READ`.
    ///
    /// `fill` writes the bytes to send into the slice it gets (of `len` bytes) before the
    /// transfer; `drain` gets the bytes received after it. Either may fail (e.g. `EFAULT`), and
    /// nothing is transferred if `fill` does.
    ///
    /// # Errors
    ///
    /// `EINVAL` unless `offset + len` fits in the buffer, those of `fill` and `drain`, of
    /// [`Self::start_transfer`] and of waiting (see the UAPI header).
    pub(crate) fn transfer(
        &self,
        direction: Direction,
        offset: u32,
        len: u32,
        fill: impl FnOnce(&mut [u8]) -> Result,
        drain: impl FnOnce(&[u8]) -> Result,
    ) -> Result {
        let Some(transfer) = Transfer::new(direction, offset, len)? else {
            return Ok(());
        };
        let mut bounce = self.dma_unit.lock();
        let bytes = bounce.get_mut(..transfer.len()).ok_or(EINVAL)?;
        if direction == Direction::ToDevice {
            fill(bytes)?;
            self.backend.copy_to_memory(bytes)?;
        }
        self.start_transfer(&transfer)?;
        self.wait_for(&self.dma_done, |state| self.transfer_finished(state))?;
        self.finish_transfer(&transfer);
        if direction == Direction::FromDevice {
            self.backend.copy_from_memory(bytes)?;
            drain(bytes)?;
        }
        Ok(())
    }

    /// Raises an interrupt with `bits` and waits for its acknowledgement: `REDU_RAISE`.
    ///
    /// # Errors
    ///
    /// `EINVAL` for no bits or bits outside [`RAISE_BITS`], `ENODEV` once the device is gone,
    /// and those of waiting.
    pub(crate) fn raise(&self, bits: u32) -> Result {
        if bits == 0 || bits & !RAISE_BITS != 0 {
            return Err(EINVAL);
        }
        let _unit = self.raise_unit.lock();
        {
            let mut state = self.irq.lock();
            if state.gone {
                return Err(ENODEV);
            }
            state.raise_acked = 0;
            self.backend.write(IRQ_RAISE::zeroed().with_bits(bits))?;
            state.stats.user_raised = state.stats.user_raised.wrapping_add(1);
        }
        self.wait_for(&self.raise_acked, |state| {
            Ok(state.raise_acked & bits == bits)
        })
    }

    /// Takes the pending `REDU_RAISE` bits: `read(2)`. Waits for some unless `nonblocking`.
    ///
    /// # Errors
    ///
    /// `EAGAIN` if none is pending and `nonblocking`, `ERESTARTSYS` on a signal, `ENODEV` once
    /// the device is gone.
    pub(crate) fn take_events(&self, nonblocking: bool) -> Result<u32> {
        let mut state = self.irq.lock();
        state.stats.waiters = state.stats.waiters.wrapping_add(1);
        let result = loop {
            if state.gone {
                break Err(ENODEV);
            }
            if state.events != 0 {
                break Ok(core::mem::take(&mut state.events));
            }
            if nonblocking {
                break Err(EAGAIN);
            }
            if self.events.wait_interruptible(&mut state) {
                break Err(ERESTARTSYS);
            }
        };
        state.stats.waiters = state.stats.waiters.wrapping_sub(1);
        result
    }

    /// Puts back `bits` that [`Self::take_events`] took but could not deliver.
    pub(crate) fn restore_events(&self, bits: u32) {
        self.irq.lock().events |= bits;
    }

    /// Whether `read(2)` would return at once (bits pending, or the device gone).
    pub(crate) fn readable(&self) -> bool {
        let state = self.irq.lock();
        state.events != 0 || state.gone
    }

    /// The condition variable `poll(2)` waits on.
    pub(crate) fn events(&self) -> &PollCondVar {
        &self.events
    }

    /// The counters of `REDU_GET_STATS`.
    pub(crate) fn stats(&self) -> ReduStats {
        self.irq.lock().stats
    }

    /// Records how the device interrupts: `REDU_IRQ_MSI` or `REDU_IRQ_INTX`.
    pub(crate) fn set_irq_mode(&self, mode: u32) {
        self.irq.lock().stats.irq_mode = mode;
    }

    /// Whether [`Self::shut_down`] ran.
    pub(crate) fn is_gone(&self) -> bool {
        self.irq.lock().gone
    }

    /// Stops the device's use at unbind: nothing starts any more, every waiter fails with
    /// `ENODEV`, a running transfer is waited for, so that the DMA memory can be freed, and
    /// the device is left with no interrupt pending.
    ///
    /// Returns `false` if a transfer still ran after `timeout_ms`.
    pub(crate) fn shut_down(&self) -> bool {
        self.irq.lock().gone = true;
        self.factorial_done.notify_all();
        self.dma_done.notify_all();
        self.raise_acked.notify_all();
        self.events.notify_all();

        // No interrupt when an abandoned factorial finishes; ignored if the BAR is gone.
        let _ = self.backend.write(STATUS::zeroed());
        let idle = read_poll_timeout(
            || self.backend.read::<DMA_COMMAND>(),
            |command| !command.run(),
            Delta::from_millis(1),
            Delta::from_millis(self.timeout_ms.into()),
        );
        // What the stopped units raised (a transfer's completion, mostly) may reach no handler
        // of this binding: left pending, the next binding's handler would count it as its own.
        if let Ok(status) = self.backend.read::<IRQ_STATUS>() {
            let _ = self
                .backend
                .write(IRQ_ACK::zeroed().with_bits(status.bits().get()));
        }
        // The BAR revoked means the device was removed: nothing runs.
        !matches!(idle, Err(e) if e == ETIMEDOUT)
    }
}
