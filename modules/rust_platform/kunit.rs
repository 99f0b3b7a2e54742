// SPDX-License-Identifier: GPL-2.0

//! KUnit tests: property validation, the bank logic against in-memory register doubles, and
//! the sysfs formatting and parsing, all without the device.

#![deny(unsafe_code)]

#[kernel::macros::kunit_tests(rust_platform)]
mod tests {
    use kernel::{
        io::register::{
            Register,
            RegisterArray, //
        },
        prelude::*,
        str::CString,
        sync::atomic::{
            Atomic,
            Relaxed, //
        }, //
    };

    use crate::{
        attributes::BankAttr,
        bank::{
            check_channel_count,
            Bank,
            Config,
            ConfigError,
            FirmwareProperties,
            FwValue,
            PerChannel,
            DEFAULT_MAX_MODE,
            PROP_CHANNEL_LIMITS,
            PROP_LABEL,
            PROP_MAX_MODE, //
        },
        regs::{
            Registers,
            CHANNEL,
            CONTROL,
            MAX_CHANNELS,
            SCRATCH,
            WINDOW_SIZE, //
        },
        sysfs::{
            self,
            DeviceAttributes,
            ShowBuffer,
            SHOW_CAPACITY, //
        }, //
    };

    /// The register file of a simulated bank: one word per 4 bytes of the window.
    struct RegisterFile {
        words: [Atomic<u32>; WINDOW_SIZE / 4],
        writes: Atomic<u32>,
    }

    impl RegisterFile {
        fn new() -> Self {
            Self {
                words: [const { Atomic::new(0) }; WINDOW_SIZE / 4],
                writes: Atomic::new(0),
            }
        }

        /// The word at byte `offset`; all ones outside the window, which no test expects.
        fn word(&self, offset: usize) -> u32 {
            self.words
                .get(offset / 4)
                .map_or(u32::MAX, |word| word.load(Relaxed))
        }

        fn set_word(&self, offset: usize, value: u32) {
            if let Some(word) = self.words.get(offset / 4) {
                word.store(value, Relaxed);
            }
        }

        /// Writes done through [`Registers`], to prove rejected requests write nothing.
        fn writes(&self) -> u32 {
            self.writes.load(Relaxed)
        }

        fn write(&self, offset: usize, value: u32) {
            self.set_word(offset, value);
            self.writes.store(self.writes() + 1, Relaxed);
        }
    }

    /// [`Registers`] double backed by a [`RegisterFile`] the test keeps inspecting.
    struct FakeRegisters<'a>(&'a RegisterFile);

    fn channel_offset(index: usize) -> Result<usize> {
        if index >= MAX_CHANNELS {
            return Err(EINVAL);
        }
        Ok(<CHANNEL as Register>::OFFSET + index * <CHANNEL as RegisterArray>::STRIDE)
    }

    impl Registers for FakeRegisters<'_> {
        fn scratch(&self) -> Result<SCRATCH> {
            Ok(SCRATCH::from(self.0.word(<SCRATCH as Register>::OFFSET)))
        }

        fn set_scratch(&self, value: SCRATCH) -> Result {
            self.0.write(<SCRATCH as Register>::OFFSET, value.into());
            Ok(())
        }

        fn control(&self) -> Result<CONTROL> {
            Ok(CONTROL::from(self.0.word(<CONTROL as Register>::OFFSET)))
        }

        fn set_control(&self, value: CONTROL) -> Result {
            self.0.write(<CONTROL as Register>::OFFSET, value.into());
            Ok(())
        }

        fn channel(&self, index: usize) -> Result<CHANNEL> {
            Ok(CHANNEL::from(self.0.word(channel_offset(index)?)))
        }

        fn set_channel(&self, index: usize, value: CHANNEL) -> Result {
            self.0.write(channel_offset(index)?, value.into());
            Ok(())
        }
    }

    /// [`Registers`] double of a revoked window: the device is being unbound.
    struct RevokedRegisters;

    impl Registers for RevokedRegisters {
        fn scratch(&self) -> Result<SCRATCH> {
            Err(ENODEV)
        }

        fn set_scratch(&self, _value: SCRATCH) -> Result {
            Err(ENODEV)
        }

        fn control(&self) -> Result<CONTROL> {
            Err(ENODEV)
        }

        fn set_control(&self, _value: CONTROL) -> Result {
            Err(ENODEV)
        }

        fn channel(&self, index: usize) -> Result<CHANNEL> {
            channel_offset(index)?;
            Err(ENODEV)
        }

        fn set_channel(&self, index: usize, _value: CHANNEL) -> Result {
            channel_offset(index)?;
            Err(ENODEV)
        }
    }

    /// `rkm,channel-limits` as the driver reads it from firmware giving `values`.
    fn channel_limits(values: &[u32]) -> FwValue<PerChannel> {
        match PerChannel::zeroed(values.len()) {
            Ok(mut limits) => {
                for (limit, &value) in limits.as_mut_slice().iter_mut().zip(values) {
                    *limit = value;
                }
                FwValue::Present(limits)
            }
            Err(err) => FwValue::Invalid(err),
        }
    }

    fn properties(label: &CStr, max_mode: u32, limits: &[u32]) -> Result<FirmwareProperties> {
        Ok(FirmwareProperties {
            label: FwValue::Present(CString::try_from(label)?),
            max_mode: FwValue::Present(max_mode),
            channel_limits: channel_limits(limits),
        })
    }

    fn config_error(props: FirmwareProperties) -> Result<Option<ConfigError>> {
        Ok(Config::new(props, CString::try_from(c"dev")?).err())
    }

    /// A bank labelled `label` with limits 100, 200, 300 and modes up to 5 on `regs`.
    fn bank_on<R: Registers>(label: &CStr, regs: R) -> Result<Pin<KBox<Bank<R>>>> {
        let config = Config::new(
            properties(label, 5, &[100, 200, 300])?,
            CString::try_from(c"dev")?,
        )
        .map_err(|_| EINVAL)?;
        KBox::pin_init(Bank::new(config, regs), GFP_KERNEL)
    }

    /// A bank labelled `bank` with limits 100, 200, 300 and modes up to 5 on `file`.
    fn bank(file: &RegisterFile) -> Result<Pin<KBox<Bank<FakeRegisters<'_>>>>> {
        bank_on(c"bank", FakeRegisters(file))
    }

    /// Shows attribute `id` of `bank` into a buffer of `capacity` bytes, as sysfs would.
    fn show_into<R: Registers + Send>(
        bank: &Bank<R>,
        id: BankAttr,
        capacity: usize,
    ) -> Result<KVec<u8>> {
        // On the heap: a page-sized array would take a quarter of the kernel stack.
        let mut page = KVec::from_elem(0u8, capacity, GFP_KERNEL)?;
        let mut out = ShowBuffer::new(&mut page);
        bank.show(id, &mut out)?;
        let mut text = KVec::new();
        text.extend_from_slice(out.as_bytes(), GFP_KERNEL)?;
        Ok(text)
    }

    fn show<R: Registers + Send>(bank: &Bank<R>, id: BankAttr) -> Result<KVec<u8>> {
        show_into(bank, id, 64)
    }

    /// `len` printable bytes that differ from their neighbours (`a` to `z`, repeated), and a NUL.
    fn pattern_with_nul(len: usize) -> Result<KVec<u8>> {
        let mut text = KVec::with_capacity(len + 1, GFP_KERNEL)?;
        for byte in (b'a'..=b'z').cycle().take(len) {
            text.push(byte, GFP_KERNEL)?;
        }
        text.push(0, GFP_KERNEL)?;
        Ok(text)
    }

    #[test]
    fn config_applies_documented_defaults() -> Result {
        let props = FirmwareProperties {
            label: FwValue::Absent,
            max_mode: FwValue::Absent,
            channel_limits: channel_limits(&[7]),
        };
        let config = Config::new(props, CString::try_from(c"RKMP0001:00")?).map_err(|_| EINVAL)?;
        assert_eq!(config.label(), c"RKMP0001:00");
        assert_eq!(config.max_mode(), DEFAULT_MAX_MODE);
        assert_eq!(config.channel_limits(), &[7]);
        Ok(())
    }

    #[test]
    fn config_keeps_given_values() -> Result {
        let limits = [1, 2, 3, 4, 5, 6, 7, 8];
        let config = Config::new(
            properties(c"bank-a", 15, &limits)?,
            CString::try_from(c"dev")?,
        )
        .map_err(|_| EINVAL)?;
        assert_eq!(config.label(), c"bank-a");
        assert_eq!(config.max_mode(), 15);
        assert_eq!(config.channel_limits(), &limits);
        Ok(())
    }

    #[test]
    fn config_requires_channel_limits() -> Result {
        let mut props = properties(c"bank", 1, &[1])?;
        props.channel_limits = FwValue::Absent;
        assert_eq!(
            config_error(props)?,
            Some(ConfigError::Missing(PROP_CHANNEL_LIMITS))
        );
        Ok(())
    }

    #[test]
    fn config_rejects_unreadable_properties() -> Result {
        let mut props = properties(c"bank", 1, &[1])?;
        props.label = FwValue::Unreadable;
        assert_eq!(
            config_error(props)?,
            Some(ConfigError::Unreadable(PROP_LABEL))
        );

        let mut props = properties(c"bank", 1, &[1])?;
        props.max_mode = FwValue::Unreadable;
        assert_eq!(
            config_error(props)?,
            Some(ConfigError::Unreadable(PROP_MAX_MODE))
        );

        let mut props = properties(c"bank", 1, &[1])?;
        props.channel_limits = FwValue::Unreadable;
        assert_eq!(
            config_error(props)?,
            Some(ConfigError::Unreadable(PROP_CHANNEL_LIMITS))
        );
        Ok(())
    }

    #[test]
    fn config_rejects_out_of_range_values() -> Result {
        assert_eq!(
            config_error(properties(c"bank", 16, &[1])?)?,
            Some(ConfigError::MaxModeTooLarge(16))
        );
        assert_eq!(
            config_error(properties(c"bank", 1, &[])?)?,
            Some(ConfigError::ChannelCount(0))
        );
        assert_eq!(
            config_error(properties(c"bank", 1, &[1; MAX_CHANNELS + 1])?)?,
            Some(ConfigError::ChannelCount(MAX_CHANNELS + 1))
        );
        assert_eq!(
            config_error(properties(c"", 1, &[1])?)?,
            Some(ConfigError::EmptyLabel)
        );
        Ok(())
    }

    #[test]
    fn config_checks_channel_count_before_reading() -> Result {
        assert_eq!(check_channel_count(1), Ok(1));
        assert_eq!(check_channel_count(MAX_CHANNELS), Ok(MAX_CHANNELS));
        assert_eq!(check_channel_count(0), Err(ConfigError::ChannelCount(0)));
        assert_eq!(
            check_channel_count(MAX_CHANNELS + 1),
            Err(ConfigError::ChannelCount(MAX_CHANNELS + 1))
        );
        assert_eq!(
            check_channel_count(usize::MAX),
            Err(ConfigError::ChannelCount(usize::MAX))
        );

        // A count rejected while reading gives the error a read array of that length gives ...
        let mut props = properties(c"bank", 1, &[1])?;
        props.channel_limits = FwValue::Invalid(ConfigError::ChannelCount(1000));
        assert_eq!(config_error(props)?, Some(ConfigError::ChannelCount(1000)));

        // ... and in property order: an earlier problem is still reported first.
        let mut props = properties(c"bank", 1, &[1])?;
        props.label = FwValue::Unreadable;
        props.channel_limits = FwValue::Invalid(ConfigError::ChannelCount(1000));
        assert_eq!(
            config_error(props)?,
            Some(ConfigError::Unreadable(PROP_LABEL))
        );
        Ok(())
    }

    #[test]
    fn bank_reads_the_registers_not_a_copy() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;

        file.set_word(0x00, 0xdead_beef);
        file.set_word(0x04, 0x31);
        file.set_word(0x14, 42);
        assert_eq!(bank.scratch()?, 0xdead_beef);
        assert!(bank.enabled()?);
        assert_eq!(bank.mode()?, 3);
        assert_eq!(bank.levels()?.as_slice(), &[0, 42, 0]);
        assert_eq!(file.writes(), 0);
        Ok(())
    }

    #[test]
    fn bank_updates_control_fields_independently() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;

        bank.set_enabled(true)?;
        assert_eq!(file.word(0x04), 0x1);
        bank.set_mode(5)?;
        assert_eq!(file.word(0x04), 0x51);
        bank.set_enabled(false)?;
        assert_eq!(file.word(0x04), 0x50);
        bank.set_mode(0)?;
        assert_eq!(file.word(0x04), 0x00);
        Ok(())
    }

    #[test]
    fn bank_rejects_mode_above_firmware_limit() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;
        file.set_word(0x04, 0x21);

        assert_eq!(bank.set_mode(6), Err(ERANGE));
        assert_eq!(bank.set_mode(u32::MAX), Err(ERANGE));
        assert_eq!(file.word(0x04), 0x21);
        assert_eq!(file.writes(), 0);
        Ok(())
    }

    #[test]
    fn bank_writes_all_levels_or_none() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;

        bank.set_levels(&[100, 0, 300])?;
        assert_eq!(file.word(0x10), 100);
        assert_eq!(file.word(0x14), 0);
        assert_eq!(file.word(0x18), 300);
        assert_eq!(file.word(0x1c), 0);
        let writes = file.writes();

        assert_eq!(bank.set_levels(&[1, 2]), Err(EINVAL));
        assert_eq!(bank.set_levels(&[1, 2, 3, 4]), Err(EINVAL));
        assert_eq!(bank.set_levels(&[1, 2, 301]), Err(ERANGE));
        assert_eq!(file.writes(), writes);
        assert_eq!(bank.levels()?.as_slice(), &[100, 0, 300]);
        Ok(())
    }

    #[test]
    fn attributes_format_register_values() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;
        file.set_word(0x00, 0xabcd);
        file.set_word(0x04, 0x41);
        file.set_word(0x10, 9);

        assert_eq!(&show(&bank, BankAttr::Label)?[..], b"bank\n");
        assert_eq!(&show(&bank, BankAttr::Scratch)?[..], b"0x0000abcd\n");
        assert_eq!(&show(&bank, BankAttr::Enable)?[..], b"1\n");
        assert_eq!(&show(&bank, BankAttr::Mode)?[..], b"4\n");
        assert_eq!(&show(&bank, BankAttr::MaxMode)?[..], b"5\n");
        assert_eq!(&show(&bank, BankAttr::Channels)?[..], b"9 0 0\n");
        assert_eq!(&show(&bank, BankAttr::ChannelLimits)?[..], b"100 200 300\n");

        // As the kernel prints a C string: bytes that are not printable ASCII as `\xNN`.
        let bank = bank_on(c"bank \x01\\\x7f\xc3\xa9", FakeRegisters(&file))?;
        assert_eq!(
            &show(&bank, BankAttr::Label)?[..],
            b"bank \\x01\\\\x7f\\xc3\\xa9\n"
        );
        Ok(())
    }

    #[test]
    fn revoked_window_is_enodev_after_input_checks() -> Result {
        let bank = bank_on(c"bank", RevokedRegisters)?;

        for id in [
            BankAttr::Scratch,
            BankAttr::Enable,
            BankAttr::Mode,
            BankAttr::Channels,
        ] {
            assert_eq!(show(&bank, id).err(), Some(ENODEV));
        }
        // The files that show only the configuration do not touch the registers.
        assert_eq!(&show(&bank, BankAttr::Label)?[..], b"bank\n");
        assert_eq!(&show(&bank, BankAttr::MaxMode)?[..], b"5\n");

        assert_eq!(bank.store(BankAttr::Scratch, "1"), Err(ENODEV));
        assert_eq!(bank.store(BankAttr::Enable, "1"), Err(ENODEV));
        assert_eq!(bank.store(BankAttr::Mode, "1"), Err(ENODEV));
        assert_eq!(bank.store(BankAttr::Channels, "1 2 3"), Err(ENODEV));
        // Input the bank rejects keeps its documented error: it is checked before any access.
        assert_eq!(bank.store(BankAttr::Scratch, "x"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Mode, "6"), Err(ERANGE));
        assert_eq!(bank.store(BankAttr::Channels, "1 2"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Channels, "1 2 301"), Err(ERANGE));
        Ok(())
    }

    #[test]
    fn show_buffer_takes_exactly_show_capacity_bytes() -> Result {
        let bytes = pattern_with_nul(SHOW_CAPACITY + 1)?;
        let bytes = bytes.get(..SHOW_CAPACITY + 1).ok_or(EINVAL)?;
        let text = core::str::from_utf8(bytes).map_err(|_| EINVAL)?;
        let (fits, rest) = text.split_at_checked(SHOW_CAPACITY).ok_or(EINVAL)?;
        let mut page = KVec::from_elem(0u8, SHOW_CAPACITY, GFP_KERNEL)?;

        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_str(fits), Ok(()));
        assert_eq!(out.as_bytes(), fits.as_bytes());
        assert_eq!(out.write_str(rest), Err(EFBIG));
        assert_eq!(out.as_bytes().len(), SHOW_CAPACITY);

        // The same text in one write does not fit either, and nothing of it is kept.
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_str(text), Err(EFBIG));
        assert_eq!(out.as_bytes(), b"");
        Ok(())
    }

    #[test]
    fn label_fills_at_most_show_capacity() -> Result {
        let file = RegisterFile::new();

        // With its newline, a label of `SHOW_CAPACITY - 1` bytes fills the buffer exactly.
        let longest = pattern_with_nul(SHOW_CAPACITY - 1)?;
        let label = CStr::from_bytes_with_nul(&longest).map_err(|_| EINVAL)?;
        let bank = bank_on(label, FakeRegisters(&file))?;
        let shown = show_into(&bank, BankAttr::Label, SHOW_CAPACITY)?;
        assert_eq!(shown.len(), SHOW_CAPACITY);
        assert_eq!(shown.get(..SHOW_CAPACITY - 1), Some(label.to_bytes()));
        assert_eq!(shown.last(), Some(&b'\n'));

        // One byte more does not fit.
        let too_long = pattern_with_nul(SHOW_CAPACITY)?;
        let label = CStr::from_bytes_with_nul(&too_long).map_err(|_| EINVAL)?;
        let bank = bank_on(label, FakeRegisters(&file))?;
        assert_eq!(
            show_into(&bank, BankAttr::Label, SHOW_CAPACITY).err(),
            Some(EFBIG)
        );
        Ok(())
    }

    #[test]
    fn attributes_parse_valid_input() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;

        bank.store(BankAttr::Scratch, "0x10")?;
        assert_eq!(file.word(0x00), 16);
        bank.store(BankAttr::Scratch, "4294967295")?;
        assert_eq!(file.word(0x00), u32::MAX);
        bank.store(BankAttr::Enable, "1")?;
        bank.store(BankAttr::Mode, " 5 ")?;
        assert_eq!(file.word(0x04), 0x51);
        bank.store(BankAttr::Channels, "1  2\t3")?;
        assert_eq!(bank.levels()?.as_slice(), &[1, 2, 3]);
        Ok(())
    }

    #[test]
    fn attributes_reject_bad_input_without_writing() -> Result {
        let file = RegisterFile::new();
        let bank = bank(&file)?;

        for input in ["", "abc", "-1", "+1", "0x", "1 2", "0x1g", "1.0"] {
            assert_eq!(bank.store(BankAttr::Scratch, input), Err(EINVAL));
        }
        assert_eq!(bank.store(BankAttr::Scratch, "4294967296"), Err(ERANGE));
        assert_eq!(bank.store(BankAttr::Scratch, "0x100000000"), Err(ERANGE));
        assert_eq!(bank.store(BankAttr::Enable, "2"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Enable, "yes"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Mode, "6"), Err(ERANGE));
        assert_eq!(bank.store(BankAttr::Mode, "x"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Channels, "1 2"), Err(EINVAL));
        assert_eq!(
            bank.store(BankAttr::Channels, "1 2 3 4 5 6 7 8 9"),
            Err(EINVAL)
        );
        assert_eq!(bank.store(BankAttr::Channels, "1 x 3"), Err(EINVAL));
        assert_eq!(bank.store(BankAttr::Channels, "1 2 301"), Err(ERANGE));
        assert_eq!(bank.store(BankAttr::Label, "x"), Err(EIO));
        assert_eq!(file.writes(), 0);
        Ok(())
    }

    #[test]
    fn parse_reports_einval_and_erange() {
        assert_eq!(sysfs::parse::<u8>("255"), Ok(255));
        assert_eq!(sysfs::parse::<u8>("256"), Err(ERANGE));
        assert_eq!(sysfs::parse::<u16>("0XFFFF"), Ok(0xffff));
        assert_eq!(sysfs::parse::<u64>("0xffffffffffffffff"), Ok(u64::MAX));
        assert_eq!(sysfs::parse::<u64>("18446744073709551616"), Err(ERANGE));
        assert_eq!(sysfs::parse::<u32>("\n12\n"), Ok(12));
        assert_eq!(sysfs::parse::<u32>("0x-1"), Err(EINVAL));
        // Only ASCII whitespace is trimmed: no-break and ideographic spaces are not.
        assert_eq!(sysfs::parse::<u32>("\t\x0c7\r"), Ok(7));
        assert_eq!(sysfs::parse::<u32>("7\u{a0}"), Err(EINVAL));
        assert_eq!(sysfs::parse::<u32>("\u{3000}7"), Err(EINVAL));
        assert_eq!(sysfs::parse_bool("0"), Ok(false));
        assert_eq!(sysfs::parse_bool(" 1\n"), Ok(true));
        assert_eq!(sysfs::parse_bool("true"), Err(EINVAL));
        assert_eq!(sysfs::parse_bool("1\u{85}"), Err(EINVAL));
    }

    #[test]
    fn show_buffer_reports_efbig_when_full() {
        let mut page = [0u8; 4];
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_str("1234"), Ok(()));
        assert_eq!(out.write_str("5"), Err(EFBIG));
        assert_eq!(out.write_str(""), Ok(()));
        assert_eq!(out.as_bytes(), b"1234");
    }

    #[test]
    fn show_buffer_writes_a_number_whole_or_not_at_all() {
        // Ten bytes: `u32::MAX` in decimal, `0x%08x` of anything.
        let mut page = [0u8; 10];
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_u32(u32::MAX), Ok(()));
        assert_eq!(out.as_bytes(), b"4294967295");
        assert_eq!(out.write_u32(0), Err(EFBIG));
        assert_eq!(out.as_bytes(), b"4294967295");

        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_hex_u32(u32::MAX), Ok(()));
        assert_eq!(out.as_bytes(), b"0xffffffff");

        // One byte short: nothing of the number is written.
        let mut page = [0u8; 9];
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_u32(u32::MAX), Err(EFBIG));
        assert_eq!(out.write_hex_u32(0), Err(EFBIG));
        assert_eq!(out.as_bytes(), b"");
        assert_eq!(out.write_u32(0), Ok(()));
        assert_eq!(out.write_u32(99_999_999), Ok(()));
        assert_eq!(out.as_bytes(), b"099999999");
        assert_eq!(out.write_u32(0), Err(EFBIG));
    }

    #[test]
    fn show_buffer_escapes_bytes_that_are_not_printable() {
        let mut page = [0u8; 6];
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_escaped(c"a\x01~"), Ok(()));
        assert_eq!(out.as_bytes(), b"a\\x01~");
        assert_eq!(out.write_escaped(c"\x7f"), Err(EFBIG));

        // What fits of an escaped text is kept, each byte's text whole.
        let mut page = [0u8; 5];
        let mut out = ShowBuffer::new(&mut page);
        assert_eq!(out.write_escaped(c"ab\xff"), Err(EFBIG));
        assert_eq!(out.as_bytes(), b"ab");
    }
}
