// SPDX-License-Identifier: GPL-2.0

//! A bounded byte FIFO stored in a ring.
//!
//! Plain data structure, no locking: the pipe keeps it under its mutex. Bytes go in and out
//! through closures that see the ring's storage as at most two contiguous slices, so a user
//! copy moves data straight between user memory and the ring.

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
fn copy_prefix(dst: &mut [u8], src: &[u8]) -> usize {
    let count = dst.len().min(src.len());
    if let (Some(dst), Some(src)) = (dst.get_mut(..count), src.get(..count)) {
        dst.copy_from_slice(src);
    }
    count
}

#[kunit_tests(rust_pipe_ring)]
mod tests {
    use super::*;

    /// Appends `data` as one write would; returns how many bytes went in.
    fn push(ring: &mut RingBuffer, data: &[u8]) -> usize {
        let mut offset = 0;
        ring.push_with(data.len(), |space| {
            let copied = copy_prefix(space, data.get(offset..).unwrap_or_default());
            offset += copied;
            copied
        })
    }

    /// Removes up to `out.len()` bytes into `out`; returns how many.
    fn pop(ring: &mut RingBuffer, out: &mut [u8]) -> usize {
        let mut offset = 0;
        let wanted = out.len();
        ring.pop_with(wanted, |bytes| {
            let copied = copy_prefix(out.get_mut(offset..).unwrap_or_default(), bytes);
            offset += copied;
            copied
        })
    }

    /// Appends `count` filler bytes; returns how many slices `push_with` offered for them.
    fn segments_pushed(ring: &mut RingBuffer, count: usize) -> usize {
        let mut calls = 0;
        ring.push_with(count, |space| {
            calls += 1;
            space.fill(0xAA);
            space.len()
        });
        calls
    }

    #[test]
    fn new_ring_is_empty() -> Result {
        let ring = RingBuffer::new(16)?;
        assert_eq!(ring.capacity(), 16);
        assert_eq!(ring.len(), 0);
        assert_eq!(ring.free(), 16);
        assert!(ring.is_empty());
        Ok(())
    }

    #[test]
    fn zero_length_operations_do_nothing() -> Result {
        let mut ring = RingBuffer::new(4)?;
        let mut called = false;
        assert_eq!(
            ring.push_with(0, |_| {
                called = true;
                0
            }),
            0
        );
        assert_eq!(
            ring.pop_with(0, |_| {
                called = true;
                0
            }),
            0
        );
        // Popping from an empty ring offers nothing even with room to spare.
        assert_eq!(
            ring.pop_with(4, |_| {
                called = true;
                0
            }),
            0
        );
        assert!(!called);
        assert!(ring.is_empty());

        assert_eq!(push(&mut ring, b"ab"), 2);
        assert_eq!(pop(&mut ring, &mut []), 0);
        assert_eq!(ring.len(), 2);
        Ok(())
    }

    #[test]
    fn full_and_empty_edges() -> Result {
        let mut ring = RingBuffer::new(4)?;
        assert_eq!(push(&mut ring, b"abcdef"), 4);
        assert_eq!(ring.free(), 0);
        assert_eq!(ring.len(), 4);
        // A full ring takes nothing and does not call the closure.
        let mut called = false;
        assert_eq!(
            ring.push_with(1, |_| {
                called = true;
                1
            }),
            0
        );
        assert!(!called);

        let mut out = [0u8; 8];
        assert_eq!(pop(&mut ring, &mut out), 4);
        assert_eq!(&out[..4], b"abcd");
        assert!(ring.is_empty());
        assert_eq!(pop(&mut ring, &mut out), 0);

        // A one-byte ring alternates between full and empty.
        let mut tiny = RingBuffer::new(1)?;
        for byte in 0u8..5 {
            assert_eq!(push(&mut tiny, &[byte, byte]), 1);
            assert_eq!(tiny.free(), 0);
            let mut one = [0u8; 1];
            assert_eq!(pop(&mut tiny, &mut one), 1);
            assert_eq!(one[0], byte);
            assert!(tiny.is_empty());
        }
        Ok(())
    }

    #[test]
    fn wrap_around_keeps_fifo_order() -> Result {
        let mut ring = RingBuffer::new(8)?;
        let mut out = [0u8; 8];
        assert_eq!(push(&mut ring, b"012345"), 6);
        assert_eq!(pop(&mut ring, &mut out[..4]), 4);
        assert_eq!(&out[..4], b"0123");

        // Six bytes fit: two at the end of the storage, four wrapped to its start.
        assert_eq!(push(&mut ring, b"abcdef"), 6);
        assert_eq!(ring.len(), 8);
        assert_eq!(pop(&mut ring, &mut out), 8);
        assert_eq!(&out, b"45abcdef");
        assert!(ring.is_empty());

        // Free space and buffered bytes that wrap are offered as two slices each.
        assert_eq!(segments_pushed(&mut ring, 6), 1);
        assert_eq!(pop(&mut ring, &mut out[..3]), 3);
        assert_eq!(segments_pushed(&mut ring, 5), 2);
        assert_eq!(ring.len(), 8);
        let mut calls = 0;
        let popped = ring.pop_with(8, |bytes| {
            calls += 1;
            bytes.len()
        });
        assert_eq!(popped, 8);
        assert_eq!(calls, 2);
        Ok(())
    }

    #[test]
    fn short_copies_stop_early() -> Result {
        let mut ring = RingBuffer::new(8)?;
        // A source that faults after three bytes: only they are buffered.
        let mut calls = 0;
        assert_eq!(
            ring.push_with(8, |space| {
                calls += 1;
                copy_prefix(space, b"abc")
            }),
            3
        );
        assert_eq!(calls, 1);
        assert_eq!(ring.len(), 3);

        // A destination that takes one byte: the rest stays buffered, in order.
        assert_eq!(ring.pop_with(3, |_| 1), 1);
        let mut out = [0u8; 2];
        assert_eq!(pop(&mut ring, &mut out), 2);
        assert_eq!(&out, b"bc");

        // A closure claiming more than it was offered is clamped.
        assert_eq!(ring.push_with(2, |space| space.len() + 10), 2);
        assert_eq!(ring.len(), 2);
        assert_eq!(ring.pop_with(8, |bytes| bytes.len() + 10), 2);
        assert!(ring.is_empty());
        Ok(())
    }

    #[test]
    fn clear_drops_everything() -> Result {
        let mut ring = RingBuffer::new(4)?;
        assert_eq!(push(&mut ring, b"abc"), 3);
        let mut out = [0u8; 4];
        assert_eq!(pop(&mut ring, &mut out[..2]), 2);
        assert_eq!(push(&mut ring, b"de"), 2);
        ring.clear();
        assert!(ring.is_empty());
        assert_eq!(ring.free(), 4);
        assert_eq!(pop(&mut ring, &mut out), 0);

        // The cleared ring is fully usable, as one contiguous slice.
        assert_eq!(segments_pushed(&mut ring, 4), 1);
        assert_eq!(ring.len(), 4);
        Ok(())
    }

    #[test]
    fn resize_keeps_wrapped_data_in_order() -> Result {
        let mut ring = RingBuffer::new(8)?;
        let mut out = [0u8; 16];
        assert_eq!(push(&mut ring, b"012345"), 6);
        assert_eq!(pop(&mut ring, &mut out[..5]), 5);
        assert_eq!(push(&mut ring, b"abcdef"), 6);
        // Buffered, wrapped: "5abcdef".

        // Growing keeps the bytes in order and makes room.
        let old = ring.replace_with(RingBuffer::new(16)?)?;
        assert_eq!(old.capacity(), 8);
        assert!(old.is_empty());
        assert_eq!(ring.capacity(), 16);
        assert_eq!(ring.len(), 7);
        assert_eq!(push(&mut ring, b"ghi"), 3);

        // Shrinking to exactly the buffered length works...
        ring.replace_with(RingBuffer::new(10)?)?;
        assert_eq!(ring.free(), 0);

        // ...below it is refused and changes nothing.
        assert_eq!(ring.replace_with(RingBuffer::new(9)?).err(), Some(EBUSY));
        assert_eq!(ring.capacity(), 10);
        assert_eq!(ring.len(), 10);

        assert_eq!(pop(&mut ring, &mut out), 10);
        assert_eq!(&out[..10], b"5abcdefghi");
        Ok(())
    }

    #[test]
    fn resize_empty_ring() -> Result {
        let mut ring = RingBuffer::new(4)?;
        ring.replace_with(RingBuffer::new(1)?)?;
        assert_eq!(ring.capacity(), 1);
        assert!(ring.is_empty());
        assert_eq!(push(&mut ring, b"zz"), 1);

        // The target must be empty.
        let mut busy = RingBuffer::new(4)?;
        assert_eq!(push(&mut busy, b"q"), 1);
        assert_eq!(ring.replace_with(busy).err(), Some(EBUSY));
        assert_eq!(ring.len(), 1);
        Ok(())
    }
}
