// SPDX-License-Identifier: GPL-2.0

//! KUnit tests: the ring buffer's FIFO order, its two-slice copies and its resizing.

#![deny(unsafe_code)]

#[kernel::macros::kunit_tests(rust_pipe_ring)]
mod ring {
    use kernel::prelude::*;

    use crate::ring::{
        copy_prefix,
        RingBuffer, //
    };

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
