// SPDX-License-Identifier: GPL-2.0

//! A bounded byte FIFO stored in a ring.
//!
//! Plain data structure, no locking: the pipe keeps it under its mutex. Bytes go in and out
//! through closures that see the ring's storage as at most two contiguous slices, so a user
//! copy moves data straight between user memory and the ring.

#![deny(unsafe_code)]

use kernel::prelude::*;

/// A FIFO of at most [`RingBuffer::capacity`] bytes.
///
/// # Invariants
///
/// - `len <= storage.len()`.
/// - `head < storage.len()`, or `head == 0` if `storage` is empty.
/// - The buffered bytes, oldest first, are the `len` bytes of `storage` starting at `head`,
///   wrapping from the end of `storage` to its start.
pub(crate) struct RingBuffer {
    storage: KVVec<u8>,
    head: usize,
    len: usize,
}

impl RingBuffer {
    /// Creates an empty ring that holds up to `capacity` bytes.
    ///
    /// # Errors
    ///
    /// `ENOMEM` if the storage cannot be allocated.
    pub(crate) fn new(capacity: usize) -> Result<Self> {
        // INVARIANT: Empty, with `head == 0`.
        Ok(Self {
            storage: KVVec::from_elem(0, capacity, GFP_KERNEL)?,
            head: 0,
            len: 0,
        })
    }

    /// The most bytes the ring can hold.
    pub(crate) fn capacity(&self) -> usize {
        self.storage.len()
    }

    /// The number of bytes buffered.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no byte is buffered.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of bytes that can be added.
    pub(crate) fn free(&self) -> usize {
        // `len <= capacity` (the invariant): no underflow.
        self.capacity().wrapping_sub(self.len)
    }

    /// Maps `index < 2 * capacity` into the storage.
    fn wrap(&self, index: usize) -> usize {
        if index >= self.capacity() {
            index.wrapping_sub(self.capacity())
        } else {
            index
        }
    }

    /// Appends up to `max` bytes (fewer if the ring fills up) and returns how many.
    ///
    /// `fill` is given the free space, one contiguous slice at a time, and returns how many
    /// bytes it wrote at the start of the slice; it is not called again after writing less than
    /// the whole slice, so a source that runs dry (or faults) ends the append. It is not called
    /// when no byte can be appended.
    pub(crate) fn push_with(
        &mut self,
        max: usize,
        mut fill: impl FnMut(&mut [u8]) -> usize,
    ) -> usize {
        let mut remaining = max.min(self.free());
        let mut pushed = 0usize;

        // The arithmetic below wraps rather than being checked: the comments prove every result
        // in range (a wrong proof gives a slice `get_mut` refuses, never a stray access), and
        // the checks cost a few percent of a small write (`make LLVM=1 compare`, 64 B writes).
        while remaining > 0 {
            // `remaining > 0` implies a non-empty storage; `head < capacity` and
            // `len <= capacity`, so `head + len < 2 * capacity`; `tail < capacity` and
            // `remaining <= free() <= capacity`, so `tail + remaining < 2 * capacity`.
            let tail = self.wrap(self.head.wrapping_add(self.len));
            let end = self.capacity().min(tail.wrapping_add(remaining));
            let Some(space) = self.storage.get_mut(tail..end) else {
                break;
            };
            let offered = space.len();
            let filled = fill(space).min(offered);

            // INVARIANT: `filled <= offered <= remaining <= free()`, so `len` stays within the
            // capacity, and the new bytes directly follow the old ones.
            self.len = self.len.wrapping_add(filled);
            pushed = pushed.wrapping_add(filled);
            remaining = remaining.wrapping_sub(filled);
            if filled < offered {
                break;
            }
        }
        pushed
    }

    /// Removes up to `max` bytes (fewer if the ring runs empty) in FIFO order and returns how
    /// many.
    ///
    /// `drain` is given the oldest bytes, one contiguous slice at a time, and returns how many
    /// of them, from the start of the slice, it consumed; it is not called again after
    /// consuming less than the whole slice, so a destination that fills up (or faults) ends the
    /// removal and the unconsumed bytes stay buffered. It is not called when the ring is empty
    /// or `max` is zero.
    pub(crate) fn pop_with(&mut self, max: usize, mut drain: impl FnMut(&[u8]) -> usize) -> usize {
        let mut remaining = max.min(self.len);
        let mut popped = 0usize;

        // Wrapping arithmetic, as in `push_with`: `head < capacity` and
        // `remaining <= len <= capacity` keep every sum below `2 * capacity`.
        while remaining > 0 {
            let end = self.capacity().min(self.head.wrapping_add(remaining));
            let Some(bytes) = self.storage.get(self.head..end) else {
                break;
            };
            let offered = bytes.len();
            let drained = drain(bytes).min(offered);

            // INVARIANT: `drained <= offered <= len`, and the oldest remaining byte is the one
            // after the last drained.
            self.head = self.wrap(self.head.wrapping_add(drained));
            self.len = self.len.wrapping_sub(drained);
            popped = popped.wrapping_add(drained);
            remaining = remaining.wrapping_sub(drained);
            if drained < offered {
                break;
            }
        }

        if self.len == 0 {
            // INVARIANT: Any `head` is valid for an empty ring; restarting at 0 lets the next
            // append use a single contiguous slice.
            self.head = 0;
        }
        popped
    }

    /// Drops every buffered byte.
    pub(crate) fn clear(&mut self) {
        // INVARIANT: An empty ring at the start of the storage.
        self.head = 0;
        self.len = 0;
    }

    /// Moves the buffered bytes, in order, into the empty ring `target` and then takes its
    /// place. Returns the previous (now empty) ring, so the caller decides where it is freed.
    ///
    /// # Errors
    ///
    /// `EBUSY` if the buffered bytes do not fit in `target`, or `target` is not empty; `self` is
    /// left unchanged.
    pub(crate) fn replace_with(&mut self, mut target: RingBuffer) -> Result<RingBuffer> {
        if !target.is_empty() || target.capacity() < self.len {
            return Err(EBUSY);
        }
        let len = self.len;
        // `target` is empty and large enough, so every byte moves.
        self.pop_with(len, |bytes| {
            target.push_with(bytes.len(), |space| copy_prefix(space, bytes))
        });
        Ok(core::mem::replace(self, target))
    }
}

/// Copies as many bytes as fit from the start of `src` to the start of `dst`; returns how many.
pub(crate) fn copy_prefix(dst: &mut [u8], src: &[u8]) -> usize {
    let count = dst.len().min(src.len());
    if let (Some(dst), Some(src)) = (dst.get_mut(..count), src.get(..count)) {
        dst.copy_from_slice(src);
    }
    count
}
