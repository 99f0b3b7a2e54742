// SPDX-License-Identifier: GPL-2.0

//! The platform driver: the firmware description read and checked, and the probe that maps the
//! window and creates the files.

#![deny(unsafe_code)]

use kernel::{
    acpi,
    device::{
        self,
        property::FwNode,
        Core, //
    },
    of,
    platform,
    prelude::*,
    str::CString, //
};

use crate::{
    bank::{
        self,
        Bank,
        Config,
        FirmwareProperties,
        FwValue,
        PerChannel, //
    },
    compat,
    property,
    regs::{
        Window,
        WINDOW_SIZE, //
    },
    sysfs, //
};

/// Per-device state, alive exactly while the device is bound: the bank, owning the mapping, and
/// its files, which are removed before the bank is dropped.
type BoundBank = sysfs::AttributeGroup<Bank<Window>>;

pub(crate) struct RegBankDriver;

compat::device_table!(
    of,
    OF_TABLE,
    <RegBankDriver as platform::Driver>::IdInfo,
    [(of::DeviceId::new(c"rkm,regbank"), ())]
);

compat::device_table!(
    acpi,
    ACPI_TABLE,
    <RegBankDriver as platform::Driver>::IdInfo,
    [(acpi::DeviceId::new(c"RKMP0001"), ())]
);

/// Reads property `name`, telling an absent property from one of the wrong type.
///
/// Only for properties whose read allocates nothing: any error is taken for the wrong type.
fn read_property<T: device::property::Property>(fwnode: &FwNode, name: &CStr) -> FwValue<T> {
    if !fwnode.property_present(name) {
        return FwValue::Absent;
    }
    match fwnode.property_read(name).optional() {
        Some(value) => FwValue::Present(value),
        None => FwValue::Unreadable,
    }
}

/// Reads the string property `name` of `fwnode`.
///
/// # Errors
///
/// `ENOMEM`; problems with the property itself are reported in the returned value.
fn read_string_property(fwnode: &FwNode, name: &CStr) -> Result<FwValue<CString>> {
    if !fwnode.property_present(name) {
        return Ok(FwValue::Absent);
    }
    match property::read_string(fwnode, name) {
        Ok(value) => Ok(FwValue::Present(value)),
        Err(err) if err == ENOMEM => Err(err),
        Err(_) => Ok(FwValue::Unreadable),
    }
}

/// Reads `rkm,channel-limits` (a u32 array).
///
/// The number of entries is checked before they are read, into the configuration's own array:
/// at most [`MAX_CHANNELS`](crate::regs::MAX_CHANNELS) entries are read, and nothing is
/// allocated. Problems with the property are reported in the returned value.
fn read_channel_limits(fwnode: &FwNode) -> FwValue<PerChannel> {
    let name = bank::PROP_CHANNEL_LIMITS;
    if !fwnode.property_present(name) {
        return FwValue::Absent;
    }
    let Ok(count) = fwnode.property_count_elem::<u32>(name) else {
        return FwValue::Unreadable;
    };
    let mut limits = match PerChannel::zeroed(count) {
        Ok(limits) => limits,
        Err(err) => return FwValue::Invalid(err),
    };
    match property::read_u32_array(fwnode, name, limits.as_mut_slice()) {
        Ok(()) => FwValue::Present(limits),
        Err(_) => FwValue::Unreadable,
    }
}

/// Reads and validates the firmware description of `dev`.
///
/// # Errors
///
/// `EINVAL` after one `dev_err` line if the description is invalid; `ENOMEM`.
fn firmware_config(dev: &device::Device) -> Result<Config> {
    let props = match dev.fwnode() {
        Some(fwnode) => FirmwareProperties {
            label: read_string_property(fwnode, bank::PROP_LABEL)?,
            max_mode: read_property(fwnode, bank::PROP_MAX_MODE),
            channel_limits: read_channel_limits(fwnode),
        },
        None => FirmwareProperties {
            label: FwValue::Absent,
            max_mode: FwValue::Absent,
            channel_limits: FwValue::Absent,
        },
    };
    let default_label = CString::try_from(dev.name())?;

    Config::new(props, default_label).map_err(|err| {
        err.log(dev);
        EINVAL
    })
}

impl platform::Driver for RegBankDriver {
    type IdInfo = ();
    type Data<'bound> = BoundBank;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);
    const ACPI_ID_TABLE: Option<acpi::IdTable<Self::IdInfo>> = Some(&ACPI_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        pin_init::pin_init_scope(move || {
            let dev = pdev.as_ref();
            let config = firmware_config(dev)?;
            let window: Window = pdev
                .io_request_by_index(0)
                .ok_or(ENODEV)?
                .iomap_exclusive_sized::<WINDOW_SIZE>()?
                .into_devres()?;

            dev_dbg!(
                dev,
                "bank '{}': {} channels, modes 0..={}\n",
                config.label(),
                config.channel_limits().len(),
                config.max_mode()
            );

            Ok(sysfs::AttributeGroup::new(dev, Bank::new(config, window)))
        })
    }
}
