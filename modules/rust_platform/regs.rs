// SPDX-License-Identifier: GPL-2.0

//! Register map of a register bank and access to it.
//!
//! All registers are 32 bits wide and little-endian:
//!
//! | Offset                | Name         | Fields                                         |
//! |-----------------------|--------------|------------------------------------------------|
//! | `0x00`                | `SCRATCH`    | 31:0 `value`: free for software                |
//! | `0x04`                | `CONTROL`    | 7:4 `mode`: operating mode; 0:0 `enable`       |
//! | `0x10 + 4 * n`, n < 8 | `CHANNEL[n]` | 31:0 `level`: output level of channel `n`      |
//!
//! The bank logic only talks to the registers through [`Registers`], so it runs unchanged on the
//! mapped window of a real bank and on the in-memory double of the KUnit tests.

use kernel::{
    io::{
        mem::ExclusiveIoMem,
        register,
        register::Array,
        Io, //
    },
    prelude::*,
};

/// Number of `CHANNEL` registers a bank implements.
pub(crate) const MAX_CHANNELS: usize = 8;

/// Bytes of the window the driver maps: up to the end of the last `CHANNEL` register.
pub(crate) const WINDOW_SIZE: usize = 0x10 + 4 * MAX_CHANNELS;

register! {
    /// Free-form scratch value; the bank never changes it on its own.
    pub(crate) SCRATCH(u32) @ 0x00 {
        31:0 value;
    }

    /// Operating mode and enable switch of the bank.
    pub(crate) CONTROL(u32) @ 0x04 {
        /// Operating mode; the firmware limits the usable range.
        7:4 mode;
        /// Whether the bank drives its channels.
        0:0 enable => bool;
    }

    /// Output level of one channel.
    pub(crate) CHANNEL(u32)[MAX_CHANNELS] @ 0x10 {
        31:0 level;
    }
}

/// Access to the registers of one bank.
///
/// Implementations perform each call as a single register access and keep no copy of register
/// values: the device is the only place the state lives.
pub(crate) trait Registers {
    /// Reads `SCRATCH`.
    fn scratch(&self) -> SCRATCH;
    /// Writes `SCRATCH`.
    fn set_scratch(&self, value: SCRATCH);
    /// Reads `CONTROL`.
    fn control(&self) -> CONTROL;
    /// Writes `CONTROL`.
    fn set_control(&self, value: CONTROL);

    /// Reads `CHANNEL[index]`.
    ///
    /// # Errors
    ///
    /// `EINVAL` if `index >= MAX_CHANNELS`.
    fn channel(&self, index: usize) -> Result<CHANNEL>;

    /// Writes `CHANNEL[index]`.
    ///
    /// # Errors
    ///
    /// `EINVAL` if `index >= MAX_CHANNELS`.
    fn set_channel(&self, index: usize, value: CHANNEL) -> Result;
}

/// The mapped MMIO window of a bank; bounds of fixed registers are checked at build time.
impl Registers for ExclusiveIoMem<'_, WINDOW_SIZE> {
    fn scratch(&self) -> SCRATCH {
        self.read(SCRATCH)
    }

    fn set_scratch(&self, value: SCRATCH) {
        self.write_reg(value)
    }

    fn control(&self) -> CONTROL {
        self.read(CONTROL)
    }

    fn set_control(&self, value: CONTROL) {
        self.write_reg(value)
    }

    fn channel(&self, index: usize) -> Result<CHANNEL> {
        Ok(self.read(CHANNEL::try_at(index).ok_or(EINVAL)?))
    }

    fn set_channel(&self, index: usize, value: CHANNEL) -> Result {
        self.write(CHANNEL::try_at(index).ok_or(EINVAL)?, value);
        Ok(())
    }
}
