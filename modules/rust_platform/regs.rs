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
//! mapped window of a real bank ([`Window`]) and on the in-memory double of the KUnit tests.

#![deny(unsafe_code)]

use kernel::{
    io::{
        mem::ExclusiveIoMem,
        register,
        register::Array,
        Io, //
    },
    prelude::*, //
};

use crate::compat::{
    DevresExclusiveIoMem,
    DevresGuard, //
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
///
/// Every access can fail: the registers of a real bank stop being accessible when its device is
/// unbound (see [`Window`]).
pub(crate) trait Registers {
    /// Reads `SCRATCH`.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn scratch(&self) -> Result<SCRATCH>;

    /// Writes `SCRATCH`.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn set_scratch(&self, value: SCRATCH) -> Result;

    /// Reads `CONTROL`.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn control(&self) -> Result<CONTROL>;

    /// Writes `CONTROL`.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn set_control(&self, value: CONTROL) -> Result;

    /// Reads `CHANNEL[index]`.
    ///
    /// # Errors
    ///
    /// - `EINVAL` if `index >= MAX_CHANNELS`.
    /// - `ENODEV` if the registers are no longer accessible.
    fn channel(&self, index: usize) -> Result<CHANNEL>;

    /// Writes `CHANNEL[index]`.
    ///
    /// # Errors
    ///
    /// - `EINVAL` if `index >= MAX_CHANNELS`.
    /// - `ENODEV` if the registers are no longer accessible.
    fn set_channel(&self, index: usize, value: CHANNEL) -> Result;
}

/// The mapped MMIO window of a bank, owned by the device's driver data.
///
/// It is a device-managed resource (`devres`): the mapping and the exclusive claim of the memory
/// region are released when the window is dropped or, at the latest, when the device is unbound,
/// and from then on the window is revoked. The type has no lifetime, so the driver data holding
/// it is `'static` and nothing about it depends on the data being dropped in time: even a leaked
/// window cannot be used after unbind.
pub(crate) type Window = DevresExclusiveIoMem<WINDOW_SIZE>;

/// Returns the mapping of `window` for one access.
///
/// The returned guard is an RCU read-side critical section: revocation waits for it, so the
/// mapping stays valid until the guard is dropped. It must not be held across anything that
/// sleeps; every caller here does one register access and drops it.
///
/// # Errors
///
/// `ENODEV` if the window has been revoked: the device is being (or has been) unbound.
fn mapped(window: &Window) -> Result<DevresGuard<'_, ExclusiveIoMem<'static, WINDOW_SIZE>>> {
    window.try_access().ok_or(ENODEV)
}

/// Each access holds the mapping only for itself; bounds of fixed registers are checked at build
/// time.
///
/// The accesses are not inlined: each is an RCU read-side section, a check of the revocation and
/// the MMIO access, which inlined into the bank's operations (whose channel loops the compiler
/// unrolls) would be copied once per use and per channel.
impl Registers for Window {
    #[inline(never)]
    fn scratch(&self) -> Result<SCRATCH> {
        Ok(mapped(self)?.read(SCRATCH))
    }

    #[inline(never)]
    fn set_scratch(&self, value: SCRATCH) -> Result {
        mapped(self)?.write_reg(value);
        Ok(())
    }

    #[inline(never)]
    fn control(&self) -> Result<CONTROL> {
        Ok(mapped(self)?.read(CONTROL))
    }

    #[inline(never)]
    fn set_control(&self, value: CONTROL) -> Result {
        mapped(self)?.write_reg(value);
        Ok(())
    }

    #[inline(never)]
    fn channel(&self, index: usize) -> Result<CHANNEL> {
        let at = CHANNEL::try_at(index).ok_or(EINVAL)?;
        Ok(mapped(self)?.read(at))
    }

    #[inline(never)]
    fn set_channel(&self, index: usize, value: CHANNEL) -> Result {
        let at = CHANNEL::try_at(index).ok_or(EINVAL)?;
        mapped(self)?.write(at, value);
        Ok(())
    }
}
