// SPDX-License-Identifier: GPL-2.0

//! KUnit tests: the driver's register logic against a register-bank double of the RV1000.

#![deny(unsafe_code)]

#[kernel::macros::kunit_tests(rust_phy)]
mod rv1000 {
    use kernel::{
        error::code::{
            EIO,
            ETIMEDOUT, //
        },
        prelude::*, //
    };

    use crate::{
        driver::{
            config_aneg,
            probe_config,
            read_status,
            resume,
            soft_reset,
            suspend,
            AnegRequest,
            LinkStatus,
            Reg,
            Registers, //
        },
        mii::{
            BMCR_ANENABLE,
            BMCR_ANRESTART,
            BMCR_FULLDPLX,
            BMCR_ISOLATE,
            BMCR_PDOWN,
            BMCR_RESET,
            BMCR_SPEED100,
            BMSR_ANEGCOMPLETE,
            BMSR_LSTATUS, //
        },
        phy_modes::{
            LinkModes,
            Mode,
            Speed, //
        }, //
    };

    /// Register double of an RV1000: plain storage plus the behaviour the driver relies on.
    struct RegisterBank {
        regs: [u16; 6],
        /// BMCR reads that still show RESET after a reset write.
        reset_busy_reads: u32,
        /// A BMSR value returned by the next BMSR read only (a latched link loss).
        latched_bmsr: Option<u16>,
        /// Number of reads per register.
        reads: [u32; 6],
        /// Every write, in order.
        writes: KVec<(Reg, u16)>,
        /// Number of [`Registers::set_power_down`] calls.
        power_down_calls: u32,
        /// Makes every access fail, like a dead MDIO bus.
        broken: bool,
    }

    const RESET_VALUES: [(Reg, u16); 6] = [
        (Reg::Bmcr, 0x1140),
        (Reg::Bmsr, 0x7909),
        (Reg::Advertise, 0x01e1),
        (Reg::Ctrl1000, 0x0300),
        (Reg::Physts, 0),
        (Reg::Vctrl, 0),
    ];

    fn index(reg: Reg) -> usize {
        match reg {
            Reg::Bmcr => 0,
            Reg::Bmsr => 1,
            Reg::Advertise => 2,
            Reg::Ctrl1000 => 3,
            Reg::Physts => 4,
            Reg::Vctrl => 5,
        }
    }

    impl RegisterBank {
        fn new() -> Self {
            let mut bank = Self {
                regs: [0; 6],
                reset_busy_reads: 0,
                latched_bmsr: None,
                reads: [0; 6],
                writes: KVec::new(),
                power_down_calls: 0,
                broken: false,
            };
            for (reg, val) in RESET_VALUES {
                bank.regs[index(reg)] = val;
            }
            bank
        }

        fn get(&self, reg: Reg) -> u16 {
            self.regs[index(reg)]
        }

        fn set(&mut self, reg: Reg, val: u16) {
            self.regs[index(reg)] = val;
        }

        fn reads_of(&self, reg: Reg) -> u32 {
            self.reads[index(reg)]
        }

        /// Number of writes that restarted auto-negotiation (BMCR with ANRESTART).
        fn restarts(&self) -> usize {
            self.writes
                .iter()
                .filter(|(reg, val)| *reg == Reg::Bmcr && val & BMCR_ANRESTART != 0)
                .count()
        }

        fn with_link(physts: u16) -> Self {
            let mut bank = Self::new();
            bank.set(Reg::Bmsr, 0x7909 | BMSR_LSTATUS | BMSR_ANEGCOMPLETE);
            bank.set(Reg::Physts, physts);
            bank
        }
    }

    impl Registers for RegisterBank {
        fn read_reg(&mut self, reg: Reg) -> Result<u16> {
            if self.broken {
                return Err(EIO);
            }
            self.reads[index(reg)] += 1;
            match reg {
                Reg::Bmcr if self.reset_busy_reads > 0 => {
                    self.reset_busy_reads -= 1;
                    Ok(self.get(reg) | BMCR_RESET)
                }
                Reg::Bmsr => Ok(self.latched_bmsr.take().unwrap_or(self.get(reg))),
                _ => Ok(self.get(reg)),
            }
        }

        fn write_reg(&mut self, reg: Reg, val: u16) -> Result {
            if self.broken {
                return Err(EIO);
            }
            self.writes.push((reg, val), GFP_KERNEL)?;
            if reg == Reg::Bmcr && val & BMCR_RESET != 0 {
                for (reg, val) in RESET_VALUES {
                    if reg != Reg::Vctrl && reg != Reg::Physts && reg != Reg::Bmsr {
                        self.set(reg, val);
                    }
                }
                return Ok(());
            }
            // ANRESTART self-clears.
            let val = if reg == Reg::Bmcr {
                val & !BMCR_ANRESTART
            } else {
                val
            };
            self.set(reg, val);
            Ok(())
        }

        /// One indivisible change of BMCR, counted apart from `reads` and `writes`.
        fn set_power_down(&mut self, down: bool) -> Result {
            if self.broken {
                return Err(EIO);
            }
            self.power_down_calls += 1;
            let bmcr = self.get(Reg::Bmcr);
            self.set(
                Reg::Bmcr,
                if down {
                    bmcr | BMCR_PDOWN
                } else {
                    bmcr & !BMCR_PDOWN
                },
            );
            Ok(())
        }
    }

    // PHYSTS values from the datasheet, independent of the driver's definitions.
    const PHYSTS_LINK: u16 = 0x0400;
    const PHYSTS_RESOLVED: u16 = 0x0800;
    const PHYSTS_1000_FULL: u16 = 0xac00;
    const PHYSTS_100_HALF: u16 = 0x4c00;

    /// Every BASE-T mode and both pause bits: ADVERTISE `0x0de1`, CTRL1000 `0x0300`.
    fn everything() -> LinkModes {
        LinkModes::ALL_BASET
            .union(LinkModes::PAUSE)
            .union(LinkModes::ASYM_PAUSE)
    }

    #[test]
    fn matches_the_datasheet_identifier() {
        assert_eq!(crate::rv1000::PHY_ID, 0x02ab_c011);
    }

    #[test]
    fn probe_programs_crossover_and_led() -> Result {
        let mut bank = RegisterBank::new();
        probe_config(&mut bank)?;
        assert_eq!(bank.get(Reg::Vctrl), 0x0012);
        Ok(())
    }

    #[test]
    fn soft_reset_waits_for_reset_to_clear() -> Result {
        let mut bank = RegisterBank::new();
        bank.set(Reg::Advertise, 0x0101);
        bank.reset_busy_reads = 3;
        soft_reset(&mut bank)?;
        assert_eq!(bank.writes.first(), Some(&(Reg::Bmcr, BMCR_RESET)));
        assert_eq!(bank.reads_of(Reg::Bmcr), 4);
        assert_eq!(bank.get(Reg::Advertise), 0x01e1);
        Ok(())
    }

    #[test]
    fn soft_reset_times_out_when_reset_sticks() {
        let mut bank = RegisterBank::new();
        bank.reset_busy_reads = u32::MAX;
        assert_eq!(soft_reset(&mut bank), Err(ETIMEDOUT));
    }

    #[test]
    fn config_aneg_advertises_every_requested_mode() -> Result {
        let mut bank = RegisterBank::new();
        bank.set(Reg::Bmcr, 0x1140 | BMCR_ISOLATE);
        config_aneg(&mut bank, AnegRequest::Advertise(everything()))?;
        assert_eq!(bank.get(Reg::Advertise), 0x0de1);
        assert_eq!(bank.get(Reg::Ctrl1000), 0x0300);
        // Negotiation restarted (the bit self-clears), isolation lifted.
        assert_eq!(
            bank.writes.last(),
            Some(&(Reg::Bmcr, 0x1140 | BMCR_ANRESTART))
        );
        assert_eq!(bank.get(Reg::Bmcr), 0x1140);
        Ok(())
    }

    #[test]
    fn config_aneg_limits_advertisement_and_keeps_other_bits() -> Result {
        let mut bank = RegisterBank::new();
        // Remote-fault and manual master/slave bits belong to others.
        bank.set(Reg::Advertise, 0x21e1);
        bank.set(Reg::Ctrl1000, 0x1300);
        config_aneg(
            &mut bank,
            AnegRequest::Advertise(LinkModes::BASET100_FULL.union(LinkModes::BASET10_FULL)),
        )?;
        assert_eq!(bank.get(Reg::Advertise), 0x2141);
        assert_eq!(bank.get(Reg::Ctrl1000), 0x1000);
        Ok(())
    }

    #[test]
    fn config_aneg_rejects_an_empty_advertisement() {
        let mut bank = RegisterBank::new();
        assert_eq!(
            config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::PAUSE)),
            Err(EINVAL)
        );
        assert!(bank.writes.is_empty());
    }

    #[test]
    fn config_aneg_same_advertisement_twice_restarts_once() -> Result {
        let mut bank = RegisterBank::new();
        config_aneg(&mut bank, AnegRequest::Advertise(everything()))?;
        assert_eq!(bank.restarts(), 1);
        let writes = bank.writes.len();
        config_aneg(&mut bank, AnegRequest::Advertise(everything()))?;
        // Nothing written the second time: no restart, and ADVERTISE/CTRL1000 left alone.
        assert_eq!(bank.restarts(), 1);
        assert_eq!(bank.writes.len(), writes);
        assert_eq!(bank.get(Reg::Bmcr), 0x1140);
        Ok(())
    }

    #[test]
    fn config_aneg_keeps_a_negotiated_reset_advertisement() -> Result {
        // After a reset, asking for the reset advertisement (every mode, no pause) changes
        // nothing, and BMCR already negotiates.
        let mut bank = RegisterBank::new();
        config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::ALL_BASET))?;
        assert!(bank.writes.is_empty());
        assert_eq!(bank.reads_of(Reg::Bmcr), 1);
        Ok(())
    }

    #[test]
    fn config_aneg_changed_advertisement_restarts() -> Result {
        let mut bank = RegisterBank::new();
        config_aneg(&mut bank, AnegRequest::Advertise(everything()))?;
        assert_eq!(bank.restarts(), 1);

        // A change in ADVERTISE only: pause no longer advertised.
        config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::ALL_BASET))?;
        assert_eq!(bank.get(Reg::Advertise), 0x01e1);
        assert_eq!(bank.restarts(), 2);
        // The restart comes after the new advertisement.
        assert_eq!(
            bank.writes.last(),
            Some(&(Reg::Bmcr, 0x1140 | BMCR_ANRESTART))
        );

        // A change in CTRL1000 only: 1000/half no longer advertised.
        let modes = LinkModes::BASET10_HALF
            .union(LinkModes::BASET10_FULL)
            .union(LinkModes::BASET100_HALF)
            .union(LinkModes::BASET100_FULL)
            .union(LinkModes::BASET1000_FULL);
        config_aneg(&mut bank, AnegRequest::Advertise(modes))?;
        assert_eq!(bank.get(Reg::Advertise), 0x01e1);
        assert_eq!(bank.get(Reg::Ctrl1000), 0x0200);
        assert_eq!(bank.restarts(), 3);
        Ok(())
    }

    #[test]
    fn config_aneg_restarts_when_bmcr_lacks_anenable() -> Result {
        // Unchanged advertisement, but negotiation was off (a forced 1000/full before).
        let mut bank = RegisterBank::new();
        bank.set(Reg::Bmcr, 0x0140);
        config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::ALL_BASET))?;
        assert_eq!(bank.restarts(), 1);
        assert_eq!(bank.get(Reg::Bmcr), 0x0140 | BMCR_ANENABLE);
        Ok(())
    }

    #[test]
    fn config_aneg_restarts_when_isolated() -> Result {
        let mut bank = RegisterBank::new();
        bank.set(Reg::Bmcr, 0x1140 | BMCR_ISOLATE);
        config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::ALL_BASET))?;
        assert_eq!(bank.restarts(), 1);
        assert_eq!(bank.get(Reg::Bmcr), 0x1140);
        Ok(())
    }

    #[test]
    fn config_aneg_forces_speed_and_duplex() -> Result {
        let mut bank = RegisterBank::new();
        config_aneg(
            &mut bank,
            AnegRequest::Force(Mode::new(Speed::Mbps100, true)),
        )?;
        assert_eq!(bank.get(Reg::Bmcr), BMCR_SPEED100 | BMCR_FULLDPLX);
        config_aneg(
            &mut bank,
            AnegRequest::Force(Mode::new(Speed::Mbps10, false)),
        )?;
        assert_eq!(bank.get(Reg::Bmcr), 0);
        // Forcing the mode already forced writes nothing.
        let writes = bank.writes.len();
        config_aneg(
            &mut bank,
            AnegRequest::Force(Mode::new(Speed::Mbps10, false)),
        )?;
        assert_eq!(bank.writes.len(), writes);
        assert_eq!(bank.restarts(), 0);
        Ok(())
    }

    #[test]
    fn read_status_reports_the_resolved_mode() -> Result {
        let mut bank = RegisterBank::with_link(PHYSTS_1000_FULL);
        let status = read_status(&mut bank, true, true)?;
        assert_eq!(
            status,
            LinkStatus {
                up: true,
                autoneg_complete: true,
                mode: Some(Mode::new(Speed::Mbps1000, true)),
            }
        );
        let mut bank = RegisterBank::with_link(PHYSTS_100_HALF);
        let status = read_status(&mut bank, true, true)?;
        assert_eq!(status.mode, Some(Mode::new(Speed::Mbps100, false)));
        Ok(())
    }

    #[test]
    fn read_status_needs_a_resolution() -> Result {
        // BMSR says link, but PHYSTS has no valid resolution (or a reserved speed).
        for physts in [PHYSTS_LINK, PHYSTS_LINK | PHYSTS_RESOLVED | (0b11 << 14)] {
            let mut bank = RegisterBank::with_link(physts);
            let status = read_status(&mut bank, true, true)?;
            assert!(!status.up);
            assert_eq!(status.mode, None);
        }
        Ok(())
    }

    #[test]
    fn read_status_honours_the_latched_link_loss() -> Result {
        let latched = 0x7909 | BMSR_ANEGCOMPLETE;

        // Link was up: one read, and the latched loss is reported.
        let mut bank = RegisterBank::with_link(PHYSTS_1000_FULL);
        bank.latched_bmsr = Some(latched);
        assert!(!read_status(&mut bank, true, true)?.up);
        assert_eq!(bank.reads_of(Reg::Bmsr), 1);

        // Link was down: the second read gives the current (up) state.
        let mut bank = RegisterBank::with_link(PHYSTS_1000_FULL);
        bank.latched_bmsr = Some(latched);
        assert!(read_status(&mut bank, false, true)?.up);
        assert_eq!(bank.reads_of(Reg::Bmsr), 2);
        Ok(())
    }

    #[test]
    fn read_status_without_autoneg_ignores_completion() -> Result {
        let mut bank = RegisterBank::with_link(PHYSTS_100_HALF);
        bank.set(Reg::Bmsr, 0x7909 | BMSR_LSTATUS);
        assert!(!read_status(&mut bank, true, true)?.up);
        assert!(read_status(&mut bank, true, false)?.up);
        Ok(())
    }

    #[test]
    fn suspend_sets_power_down_in_one_locked_access() -> Result {
        let mut bank = RegisterBank::new();
        suspend(&mut bank)?;
        assert_eq!(bank.get(Reg::Bmcr), 0x1140 | BMCR_PDOWN);
        // The locked operation, not a read and a write of its own.
        assert_eq!(bank.power_down_calls, 1);
        assert_eq!(bank.reads_of(Reg::Bmcr), 0);
        assert!(bank.writes.is_empty());
        // Suspending again keeps it down.
        suspend(&mut bank)?;
        assert_eq!(bank.get(Reg::Bmcr), 0x1140 | BMCR_PDOWN);
        Ok(())
    }

    #[test]
    fn resume_clears_power_down_only() -> Result {
        // A forced 100/full configuration survives suspend and resume.
        let mut bank = RegisterBank::new();
        bank.set(Reg::Bmcr, BMCR_SPEED100 | BMCR_FULLDPLX | BMCR_PDOWN);
        resume(&mut bank)?;
        assert_eq!(bank.get(Reg::Bmcr), BMCR_SPEED100 | BMCR_FULLDPLX);
        assert_eq!(bank.power_down_calls, 1);
        assert_eq!(bank.reads_of(Reg::Bmcr), 0);
        assert!(bank.writes.is_empty());

        let mut bank = RegisterBank::new();
        bank.set(Reg::Advertise, 0x0121);
        suspend(&mut bank)?;
        resume(&mut bank)?;
        assert_eq!(bank.get(Reg::Bmcr), 0x1140);
        assert_eq!(bank.get(Reg::Advertise), 0x0121);
        Ok(())
    }

    #[test]
    fn bus_errors_propagate() {
        let mut bank = RegisterBank::new();
        bank.broken = true;
        assert_eq!(read_status(&mut bank, true, true), Err(EIO));
        assert_eq!(
            config_aneg(&mut bank, AnegRequest::Advertise(LinkModes::ALL_BASET)),
            Err(EIO)
        );
        assert_eq!(suspend(&mut bank), Err(EIO));
        assert_eq!(resume(&mut bank), Err(EIO));
    }
}
