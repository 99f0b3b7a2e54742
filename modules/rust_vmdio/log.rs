// SPDX-License-Identifier: GPL-2.0

//! The fixture's records: the MDIO accesses the bus saw and the link changes phylib reported.

#![deny(unsafe_code)]

use kernel::prelude::*;

use crate::mdio::LinkState;

/// One MDIO access of the log.
#[derive(Clone, Copy, Default)]
pub(crate) struct Access {
    pub(crate) seq: u32,
    pub(crate) write: bool,
    pub(crate) reg: u8,
    pub(crate) val: u16,
}

/// One link change phylib reported.
#[derive(Clone, Copy)]
pub(crate) struct LinkEvent {
    pub(crate) seq: u32,
    pub(crate) state: LinkState,
}

impl Default for LinkEvent {
    fn default() -> Self {
        Self {
            seq: 0,
            state: LinkState::DOWN,
        }
    }
}

/// A log keeping the newest `N` entries.
///
/// The entries live on the heap, allocated once: a log of a few KiB never travels through the
/// kernel stack while the state that holds it is initialised.
///
/// # Invariants
///
/// `entries.len() == N`, `start < N` and `len <= N`.
pub(crate) struct Ring<T: Copy + Default, const N: usize> {
    entries: KVec<T>,
    /// Index of the oldest entry.
    start: usize,
    len: usize,
}

impl<T: Copy + Default, const N: usize> Ring<T, N> {
    /// An empty log.
    ///
    /// # Errors
    ///
    /// `ENOMEM`.
    pub(crate) fn new() -> Result<Self> {
        // INVARIANT: `N` entries, none in use.
        Ok(Self {
            entries: KVec::from_elem(T::default(), N, GFP_KERNEL)?,
            start: 0,
            len: 0,
        })
    }

    /// Appends `entry`, dropping the oldest one when the log is full.
    pub(crate) fn push(&mut self, entry: T) {
        let index = (self.start + self.len) % N;
        if let Some(slot) = self.entries.get_mut(index) {
            *slot = entry;
        }
        // INVARIANT: `start` stays below `N`, `len` at most `N`.
        if self.len == N {
            self.start = (self.start + 1) % N;
        } else {
            self.len += 1;
        }
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// The entries, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        (0..self.len).filter_map(move |i| self.entries.get((self.start + i) % N))
    }
}
