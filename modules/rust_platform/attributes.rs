// SPDX-License-Identifier: GPL-2.0

//! The sysfs interface of a bank.
//!
//! Files in the device's directory (`/sys/bus/platform/devices/<dev>/`):
//!
//! | File             | Access | Content                                                     |
//! |------------------|--------|-------------------------------------------------------------|
//! | `label`          | ro     | the firmware `label`, or the device name                    |
//! | `scratch`        | rw     | `SCRATCH`, shown as `0x%08x`; written in decimal or `0x` hex |
//! | `enable`         | rw     | `CONTROL.enable` as `0` or `1`                              |
//! | `mode`           | rw     | `CONTROL.mode`, `0..=max_mode`                              |
//! | `max_mode`       | ro     | the firmware `rkm,max-mode` (or its default)                |
//! | `channels`       | rw     | all `CHANNEL` levels, space separated, read/written at once |
//! | `channel_limits` | ro     | the firmware `rkm,channel-limits`                           |
//!
//! Numbers may be surrounded by ASCII whitespace, which also separates the channel levels.
//! Writes fail with `EINVAL` for text that is not a number (or a wrong number of channel
//! levels) and `ERANGE` for values the bank does not accept; the registers are then unchanged.
//!
//! `label` shows bytes that are not printable ASCII as `\xNN`, as the kernel prints a C string.
//! Reading it fails with `EFBIG` when the text, with its newline, does not fit in the
//! `PAGE_SIZE - 1` bytes sysfs accepts from a `show`: with 4 KiB pages, for a label of more than
//! 4094 printable ASCII bytes (each other byte takes four).
//!
//! Reads and writes of the register files fail with `ENODEV` when the bank's window has been
//! revoked, which happens when the device is unbound (see [`crate::regs::Window`]). The files
//! are removed before the window is released, so this is a guarantee rather than something a
//! reader sees in practice; what a reader does see after an unbind, through a file descriptor
//! opened before it, is sysfs's own `ENODEV`. Input errors take precedence: text that is not
//! valid input fails with `EINVAL` or `ERANGE` before the registers are accessed.

#![deny(unsafe_code)]

use kernel::prelude::*;

use crate::{
    bank::Bank,
    regs::{
        Registers,
        MAX_CHANNELS, //
    },
    sysfs::{
        self,
        Attribute,
        DeviceAttributes,
        ShowBuffer, //
    }, //
};

/// Identifies a file of a bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BankAttr {
    /// `label`: the firmware label or the device name.
    Label,
    /// `scratch`: the `SCRATCH` register.
    Scratch,
    /// `enable`: `CONTROL.enable`.
    Enable,
    /// `mode`: `CONTROL.mode`, limited by the firmware's `rkm,max-mode`.
    Mode,
    /// `max_mode`: the firmware's `rkm,max-mode` or its default.
    MaxMode,
    /// `channels`: the levels of all `CHANNEL` registers.
    Channels,
    /// `channel_limits`: the firmware's `rkm,channel-limits`.
    ChannelLimits,
}

/// Writes `values` in decimal, space separated.
#[inline]
fn write_list(out: &mut ShowBuffer<'_>, values: &[u32]) -> Result {
    for (index, &value) in values.iter().enumerate() {
        if index > 0 {
            out.write_str(" ")?;
        }
        out.write_u32(value)?;
    }
    Ok(())
}

/// Parses one level per channel into `levels`, returning how many were given.
///
/// # Errors
///
/// `EINVAL` for more than [`MAX_CHANNELS`] values, else the errors of [`sysfs::parse`].
#[inline]
fn parse_levels(input: &str, levels: &mut [u32; MAX_CHANNELS]) -> Result<usize> {
    let mut count = 0;
    for word in input.split_ascii_whitespace() {
        let slot = levels.get_mut(count).ok_or(EINVAL)?;
        *slot = sysfs::parse(word)?;
        count += 1;
    }
    Ok(count)
}

impl<R: Registers + Send> DeviceAttributes for Bank<R> {
    type Id = BankAttr;

    const ATTRIBUTES: &'static [Attribute<BankAttr>] = &[
        Attribute::read_only(c"label", BankAttr::Label),
        Attribute::read_write(c"scratch", BankAttr::Scratch),
        Attribute::read_write(c"enable", BankAttr::Enable),
        Attribute::read_write(c"mode", BankAttr::Mode),
        Attribute::read_only(c"max_mode", BankAttr::MaxMode),
        Attribute::read_write(c"channels", BankAttr::Channels),
        Attribute::read_only(c"channel_limits", BankAttr::ChannelLimits),
    ];

    fn show(&self, id: BankAttr, out: &mut ShowBuffer<'_>) -> Result {
        match id {
            BankAttr::Label => out.write_escaped(self.config().label())?,
            BankAttr::Scratch => out.write_hex_u32(self.scratch()?)?,
            BankAttr::Enable => out.write_u32(self.enabled()?.into())?,
            BankAttr::Mode => out.write_u32(self.mode()?)?,
            BankAttr::MaxMode => out.write_u32(self.config().max_mode())?,
            BankAttr::Channels => write_list(out, self.levels()?.as_slice())?,
            BankAttr::ChannelLimits => write_list(out, self.config().channel_limits())?,
        }
        out.write_str("\n")
    }

    fn store(&self, id: BankAttr, input: &str) -> Result {
        match id {
            BankAttr::Scratch => self.set_scratch(sysfs::parse(input)?),
            BankAttr::Enable => self.set_enabled(sysfs::parse_bool(input)?),
            BankAttr::Mode => self.set_mode(sysfs::parse(input)?),
            BankAttr::Channels => {
                let mut levels = [0; MAX_CHANNELS];
                let count = parse_levels(input, &mut levels)?;
                self.set_levels(levels.get(..count).ok_or(EINVAL)?)
            }
            // Read-only files have no `store` callback; sysfs never gets here for them.
            BankAttr::Label | BankAttr::MaxMode | BankAttr::ChannelLimits => Err(EIO),
        }
    }
}
