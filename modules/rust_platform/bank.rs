// SPDX-License-Identifier: GPL-2.0

//! Firmware configuration of a bank and the register-level logic on top of [`Registers`].

#![deny(unsafe_code)]

use kernel::{
    device::Device,
    new_mutex,
    prelude::*,
    str::CString,
    sync::Mutex, //
};

use crate::regs::{
    Registers,
    CHANNEL,
    MAX_CHANNELS,
    SCRATCH, //
};

/// Name of the string property holding the bank's label.
pub(crate) const PROP_LABEL: &CStr = c"label";
/// Name of the u32 property holding the highest usable mode.
pub(crate) const PROP_MAX_MODE: &CStr = c"rkm,max-mode";
/// Name of the u32 array property holding one upper limit per channel.
pub(crate) const PROP_CHANNEL_LIMITS: &CStr = c"rkm,channel-limits";

/// Highest mode used when the firmware does not give `rkm,max-mode`.
pub(crate) const DEFAULT_MAX_MODE: u32 = 3;
/// Highest mode the 4-bit `CONTROL.mode` field can hold.
pub(crate) const MODE_FIELD_MAX: u32 = 15;

/// A property as found in the firmware node, before validation.
pub(crate) enum FwValue<T> {
    /// The node does not have the property.
    Absent,
    /// The property exists but cannot be read as the expected type.
    Unreadable,
    /// The property's value.
    Present(T),
    /// The property exists but was rejected while it was being read, before its value was read
    /// (e.g. an array with too many entries); [`Config::new`] reports the error in property order.
    Invalid(ConfigError),
}

/// The properties of a bank's firmware node, before validation.
pub(crate) struct FirmwareProperties {
    /// `label`: optional, defaults to the device name.
    pub(crate) label: FwValue<CString>,
    /// `rkm,max-mode`: optional, defaults to [`DEFAULT_MAX_MODE`], at most [`MODE_FIELD_MAX`].
    pub(crate) max_mode: FwValue<u32>,
    /// `rkm,channel-limits`: required, 1 to [`MAX_CHANNELS`] entries (see
    /// [`check_channel_count`]).
    pub(crate) channel_limits: FwValue<PerChannel>,
}

/// Why a firmware description was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ConfigError {
    /// A required property is absent.
    Missing(&'static CStr),
    /// A property has the wrong type.
    Unreadable(&'static CStr),
    /// The label is an empty string.
    EmptyLabel,
    /// `rkm,max-mode` does not fit the `CONTROL.mode` field.
    MaxModeTooLarge(u32),
    /// `rkm,channel-limits` has no or too many entries.
    ChannelCount(usize),
}

impl ConfigError {
    /// Logs the error as the one line of a rejected description: "invalid firmware description: "
    /// and what is wrong, as `c_platform` words it.
    ///
    /// One `dev_err!` a kind of error, as C writes it, rather than a `Display` implementation: its
    /// formatting code is an out-of-line function of its own, which the module carries for this
    /// one line.
    pub(crate) fn log(&self, dev: &Device) {
        let prefix = "invalid firmware description";
        match *self {
            Self::Missing(name) => {
                dev_err!(dev, "{prefix}: required property '{name}' is missing\n")
            }
            Self::Unreadable(name) => {
                dev_err!(dev, "{prefix}: property '{name}' has the wrong type\n")
            }
            Self::EmptyLabel => dev_err!(dev, "{prefix}: property '{PROP_LABEL}' is empty\n"),
            Self::MaxModeTooLarge(mode) => dev_err!(
                dev,
                "{prefix}: property '{PROP_MAX_MODE}' is {mode}, must be at most {MODE_FIELD_MAX}\n"
            ),
            Self::ChannelCount(count) => dev_err!(
                dev,
                "{prefix}: property '{PROP_CHANNEL_LIMITS}' has {count} entries, must have 1 to {MAX_CHANNELS}\n"
            ),
        }
    }
}

/// Checks the number of entries of `rkm,channel-limits`; a reader calls it before reading them.
///
/// # Errors
///
/// [`ConfigError::ChannelCount`] unless `1 <= count <= MAX_CHANNELS`.
pub(crate) fn check_channel_count(count: usize) -> Result<usize, ConfigError> {
    if (1..=MAX_CHANNELS).contains(&count) {
        Ok(count)
    } else {
        Err(ConfigError::ChannelCount(count))
    }
}

/// One value per channel of a bank: the limits of its channels, or their levels.
///
/// # Invariants
///
/// `1 <= count <= MAX_CHANNELS`; only the first `count` entries of `values` are used.
pub(crate) struct PerChannel {
    values: [u32; MAX_CHANNELS],
    count: usize,
}

impl PerChannel {
    /// A zero for each of `count` channels, to be filled in through [`PerChannel::as_mut_slice`].
    ///
    /// # Errors
    ///
    /// [`ConfigError::ChannelCount`] unless `1 <= count <= MAX_CHANNELS`.
    pub(crate) fn zeroed(count: usize) -> Result<Self, ConfigError> {
        let count = check_channel_count(count)?;
        // INVARIANT: Checked above.
        Ok(Self {
            values: [0; MAX_CHANNELS],
            count,
        })
    }

    /// The value of each channel.
    pub(crate) fn as_slice(&self) -> &[u32] {
        self.values.get(..self.count).unwrap_or_default()
    }

    /// The value of each channel, to be changed.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u32] {
        self.values.get_mut(..self.count).unwrap_or_default()
    }
}

/// Validated configuration of one bank.
///
/// # Invariants
///
/// - `label` is not empty.
/// - `max_mode <= MODE_FIELD_MAX`.
pub(crate) struct Config {
    label: CString,
    max_mode: u32,
    limits: PerChannel,
}

impl Config {
    /// Validates `props`, using `default_label` when the firmware gives no label.
    ///
    /// # Errors
    ///
    /// The first problem found, in property order.
    pub(crate) fn new(
        props: FirmwareProperties,
        default_label: CString,
    ) -> Result<Self, ConfigError> {
        let label = match props.label {
            FwValue::Absent => default_label,
            FwValue::Unreadable => return Err(ConfigError::Unreadable(PROP_LABEL)),
            FwValue::Present(label) if label.is_empty() => return Err(ConfigError::EmptyLabel),
            FwValue::Present(label) => label,
            FwValue::Invalid(err) => return Err(err),
        };

        let max_mode = match props.max_mode {
            FwValue::Absent => DEFAULT_MAX_MODE,
            FwValue::Unreadable => return Err(ConfigError::Unreadable(PROP_MAX_MODE)),
            FwValue::Present(mode) if mode > MODE_FIELD_MAX => {
                return Err(ConfigError::MaxModeTooLarge(mode))
            }
            FwValue::Present(mode) => mode,
            FwValue::Invalid(err) => return Err(err),
        };

        let limits = match props.channel_limits {
            FwValue::Absent => return Err(ConfigError::Missing(PROP_CHANNEL_LIMITS)),
            FwValue::Unreadable => return Err(ConfigError::Unreadable(PROP_CHANNEL_LIMITS)),
            FwValue::Present(limits) => limits,
            FwValue::Invalid(err) => return Err(err),
        };

        // INVARIANT: Checked above.
        Ok(Self {
            label,
            max_mode,
            limits,
        })
    }

    /// The bank's label.
    pub(crate) fn label(&self) -> &CStr {
        &self.label
    }

    /// The highest mode userspace may select.
    pub(crate) fn max_mode(&self) -> u32 {
        self.max_mode
    }

    /// The upper limit of each implemented channel.
    pub(crate) fn channel_limits(&self) -> &[u32] {
        self.limits.as_slice()
    }
}

/// One register bank: its configuration and its registers.
///
/// Every operation holds `regs` locked for its whole register sequence, so read-modify-write
/// cycles of `CONTROL` and multi-register channel updates appear atomic to concurrent users.
///
/// Every register access can fail with `ENODEV` once the registers are no longer accessible (see
/// [`Registers`]); a sequence then stops at the failed access.
#[pin_data]
pub(crate) struct Bank<R: Registers> {
    config: Config,
    #[pin]
    regs: Mutex<R>,
}

impl<R: Registers> Bank<R> {
    /// Creates a bank accessed through `regs`; the registers are left as they are.
    pub(crate) fn new(config: Config, regs: R) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            config,
            regs <- new_mutex!(regs),
        })
    }

    /// The validated firmware configuration.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Reads the scratch register.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    pub(crate) fn scratch(&self) -> Result<u32> {
        Ok(self.regs.lock().scratch()?.value().get())
    }

    /// Writes the scratch register.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    pub(crate) fn set_scratch(&self, value: u32) -> Result {
        self.regs
            .lock()
            .set_scratch(SCRATCH::zeroed().with_value(value))
    }

    /// Whether the bank is enabled.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    pub(crate) fn enabled(&self) -> Result<bool> {
        Ok(self.regs.lock().control()?.enable())
    }

    /// Enables or disables the bank, keeping its mode.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    pub(crate) fn set_enabled(&self, enable: bool) -> Result {
        let regs = self.regs.lock();
        let control = regs.control()?.with_enable(enable);
        regs.set_control(control)
    }

    /// The selected mode.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    pub(crate) fn mode(&self) -> Result<u32> {
        Ok(self.regs.lock().control()?.mode().get())
    }

    /// Selects `mode`, keeping the enable bit.
    ///
    /// # Errors
    ///
    /// - `ERANGE` if `mode` exceeds the firmware's `rkm,max-mode`; the registers are not touched.
    /// - `ENODEV` if the registers are no longer accessible.
    pub(crate) fn set_mode(&self, mode: u32) -> Result {
        if mode > self.config.max_mode {
            return Err(ERANGE);
        }
        let regs = self.regs.lock();
        let control = regs.control()?.try_with_mode(mode).map_err(|_| ERANGE)?;
        regs.set_control(control)
    }

    /// Reads all channel levels at once.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible. (`EINVAL` for a channel index cannot
    /// happen: the configuration guarantees valid indices.)
    pub(crate) fn levels(&self) -> Result<PerChannel> {
        // INVARIANT: The count of the limits, which keep the invariant.
        let mut levels = PerChannel {
            values: [0; MAX_CHANNELS],
            count: self.config.limits.count,
        };
        let regs = self.regs.lock();
        for (index, value) in levels.as_mut_slice().iter_mut().enumerate() {
            *value = regs.channel(index)?.level().get();
        }
        Ok(levels)
    }

    /// Sets the level of every channel at once.
    ///
    /// # Errors
    ///
    /// - `EINVAL` if `levels` does not have one entry per channel, `ERANGE` if a level exceeds its
    ///   channel's limit; the registers are not touched then.
    /// - `ENODEV` if the registers are no longer accessible; the channels before the failed
    ///   access keep their new level.
    pub(crate) fn set_levels(&self, levels: &[u32]) -> Result {
        let limits = self.config.channel_limits();
        if levels.len() != limits.len() {
            return Err(EINVAL);
        }
        if levels
            .iter()
            .zip(limits)
            .any(|(level, limit)| level > limit)
        {
            return Err(ERANGE);
        }

        let regs = self.regs.lock();
        for (index, &level) in levels.iter().enumerate() {
            regs.set_channel(index, CHANNEL::zeroed().with_level(level))?;
        }
        Ok(())
    }
}
