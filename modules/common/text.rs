// SPDX-License-Identifier: GPL-2.0

//! Numbers and bytes as text in the fixed formats of sysfs files, without `core::fmt`.
//!
//! C formats a sysfs file with `sysfs_emit()`, whose `vsnprintf()` the kernel image holds once
//! for every module. `core::fmt` is in the kernel image too, but each call site builds its
//! `fmt::Arguments` and each type formatted adds its formatting glue, in every module that
//! formats. The fixed formats a sysfs file needs take a few bytes of stack and a few dozen bytes of code:
//!
//! - [`decimal`]: C's `%u`;
//! - [`hex_08`]: C's `0x%08x`;
//! - [`escaped`]: a byte as `string_escape_mem()` shows it with `ESCAPE_HEX | ESCAPE_NAP`, and as
//!   the kernel crate displays a `CStr`.
//!
//! Each returns a [`Text`], whose bytes a caller copies where the text goes (`sysfs.rs`'s
//! `ShowBuffer` has a writer for each).
//!
//! # Examples
//!
//! A line of channel levels, as a sysfs file shows it:
//!
//! ```
//! use crate::text;
//! use kernel::prelude::*;
//!
//! let mut line = KVec::new();
//! for (index, &level) in [7u32, 0, 4_294_967_295].iter().enumerate() {
//!     if index > 0 {
//!         line.push(b' ', GFP_KERNEL)?;
//!     }
//!     line.extend_from_slice(text::decimal(level).as_bytes(), GFP_KERNEL)?;
//! }
//! assert_eq!(line.as_slice(), b"7 0 4294967295");
//! assert_eq!(text::hex_08(0xabcd).as_bytes(), b"0x0000abcd");
//! assert_eq!(text::escaped(b'\n').as_bytes(), b"\\x0a");
//! Ok::<(), Error>(())
//! ```

/// The lowercase hexadecimal digits, indexed by their value.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// A short text held by value: the last bytes of an array of `N`.
///
/// # Invariants
///
/// `start <= N`; the text is `bytes[start..]`.
pub(crate) struct Text<const N: usize> {
    bytes: [u8; N],
    start: usize,
}

impl<const N: usize> Text<N> {
    /// The text.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        // `get` cannot fail: `start <= N` by the type invariant.
        self.bytes.get(self.start..).unwrap_or_default()
    }
}

/// `value` in decimal, without leading zeros: C's `%u`.
pub(crate) fn decimal(mut value: u32) -> Text<10> {
    // `u32::MAX` has ten digits: the loop ends, by `value == 0`, within `bytes`.
    let mut bytes = [0; 10];
    let mut start = 0;
    for (index, slot) in bytes.iter_mut().enumerate().rev() {
        // CAST: `value % 10 < 10`, which fits in `u8`, and `b'0' + 9` does not overflow.
        *slot = b'0' + (value % 10) as u8;
        start = index;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    // INVARIANT: `start` is the index of the last byte written, in `bytes`.
    Text { bytes, start }
}

/// `value` as `0x` and eight lowercase hexadecimal digits, with leading zeros: C's `0x%08x`.
pub(crate) fn hex_08(mut value: u32) -> Text<10> {
    let mut bytes = *b"0x00000000";
    // The digits of `value` over the zeros, from the last byte back: a `u32` has at most eight,
    // so the loop ends, by `value == 0`, before it reaches `0x`. (It stays a loop: eight fixed
    // iterations would be unrolled into eight copies of its body.)
    for slot in bytes.iter_mut().rev() {
        if value == 0 {
            break;
        }
        *slot = nibble(value);
        value >>= 4;
    }
    // INVARIANT: `0 <= N`.
    Text { bytes, start: 0 }
}

/// `byte` as text: itself if it is printable ASCII (`' '` to `'~'`), else `\x` and two lowercase
/// hexadecimal digits.
///
/// This is how the kernel prints a C string (the kernel crate's `Display` of `CStr`) and what
/// `string_escape_mem()` makes of a byte with `ESCAPE_HEX | ESCAPE_NAP`: a backslash stays as it
/// is, so the text of bytes does not always read back as those bytes.
pub(crate) fn escaped(byte: u8) -> Text<4> {
    let bytes = [b'\\', b'x', nibble((byte >> 4).into()), nibble(byte.into())];
    if (b' '..=b'~').contains(&byte) {
        // INVARIANT: `3 <= N`.
        Text {
            bytes: [0, 0, 0, byte],
            start: 3,
        }
    } else {
        // INVARIANT: `0 <= N`.
        Text { bytes, start: 0 }
    }
}

/// The hexadecimal digit of the low four bits of `value`.
fn nibble(value: u32) -> u8 {
    // CAST: `value & 0xf < 16`, the length of `HEX_DIGITS`.
    HEX_DIGITS
        .get((value & 0xf) as usize)
        .copied()
        .unwrap_or(b'?')
}

#[cfg(rkm_kunit)]
#[kernel::macros::kunit_tests(rkm_text)]
mod tests {
    use super::*;

    #[test]
    fn decimal_at_the_edges() {
        assert_eq!(decimal(0).as_bytes(), b"0");
        assert_eq!(decimal(9).as_bytes(), b"9");
        assert_eq!(decimal(10).as_bytes(), b"10");
        assert_eq!(decimal(1_000_000_000).as_bytes(), b"1000000000");
        assert_eq!(decimal(u32::MAX - 1).as_bytes(), b"4294967294");
        assert_eq!(decimal(u32::MAX).as_bytes(), b"4294967295");
    }

    #[test]
    fn hex_08_at_the_edges() {
        assert_eq!(hex_08(0).as_bytes(), b"0x00000000");
        assert_eq!(hex_08(0xa).as_bytes(), b"0x0000000a");
        assert_eq!(hex_08(0x1234_5678).as_bytes(), b"0x12345678");
        assert_eq!(hex_08(0xdead_beef).as_bytes(), b"0xdeadbeef");
        assert_eq!(hex_08(u32::MAX).as_bytes(), b"0xffffffff");
    }

    #[test]
    fn escaped_keeps_printable_ascii_only() {
        assert_eq!(escaped(0).as_bytes(), b"\\x00");
        assert_eq!(escaped(b'\t').as_bytes(), b"\\x09");
        assert_eq!(escaped(0x1f).as_bytes(), b"\\x1f");
        assert_eq!(escaped(b' ').as_bytes(), b" ");
        assert_eq!(escaped(b'0').as_bytes(), b"0");
        assert_eq!(escaped(b'\\').as_bytes(), b"\\");
        assert_eq!(escaped(b'~').as_bytes(), b"~");
        assert_eq!(escaped(0x7f).as_bytes(), b"\\x7f");
        assert_eq!(escaped(0xa0).as_bytes(), b"\\xa0");
        assert_eq!(escaped(0xff).as_bytes(), b"\\xff");
    }
}
