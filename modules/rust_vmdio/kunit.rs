// SPDX-License-Identifier: GPL-2.0

//! KUnit tests: the debugfs files' grammar (`interface.rs`), the logs' ring (`log.rs`) and the
//! emulated RV1000 against chosen times (`model.rs`).

#![deny(unsafe_code)]

#[kernel::macros::kunit_tests(rust_vmdio_interface)]
mod interface {
    use kernel::prelude::*;

    use crate::{
        interface::{
            link_irq_name,
            parse_bool,
            parse_link_irq,
            parse_modes, //
        },
        phy_attach::LinkChanges,
        phy_modes::LinkModes, //
    };

    #[test]
    fn mode_names_parse_strictly() -> Result {
        assert_eq!(
            parse_modes("100full  pause")?,
            LinkModes::BASET100_FULL.union(LinkModes::PAUSE)
        );
        assert_eq!(parse_modes("100full 1000ful"), Err(EINVAL));
        assert_eq!(parse_modes("pause"), Err(EINVAL));
        assert_eq!(parse_modes(""), Err(EINVAL));
        // Only ASCII white space separates names (U+3000 is not).
        assert_eq!(parse_modes("100full\u{3000}pause"), Err(EINVAL));
        assert_eq!(parse_bool("2"), Err(EINVAL));
        assert_eq!(parse_link_irq("mac"), Ok(LinkChanges::MacInterrupt));
        assert_eq!(parse_link_irq("poll"), Ok(LinkChanges::Polled));
        assert_eq!(parse_link_irq("Poll"), Err(EINVAL));
        assert_eq!(link_irq_name(LinkChanges::Polled), "poll");
        Ok(())
    }
}

#[kernel::macros::kunit_tests(rust_vmdio_log)]
mod log {
    use kernel::prelude::*;

    use crate::log::Ring;

    #[test]
    fn ring_keeps_the_newest_entries() -> Result {
        let mut ring = Ring::<u32, 3>::new()?;
        for i in 0..5 {
            ring.push(i);
        }
        {
            let mut kept = ring.iter().copied();
            assert_eq!(kept.next(), Some(2));
            assert_eq!(kept.next(), Some(3));
            assert_eq!(kept.next(), Some(4));
            assert_eq!(kept.next(), None);
        }
        ring.clear();
        assert_eq!(ring.iter().count(), 0);
        Ok(())
    }
}

#[kernel::macros::kunit_tests(rust_vmdio_model)]
mod model {
    use crate::{
        mii::{
            BMCR_ANENABLE,
            BMCR_ANRESTART,
            BMCR_FULLDPLX,
            BMCR_PDOWN,
            BMCR_RESET,
            BMCR_SPEED100,
            BMSR_ANEGCOMPLETE,
            BMSR_LSTATUS,
            MII_ADVERTISE,
            MII_BMCR,
            MII_BMSR,
            MII_CTRL1000,
            MII_ESTATUS,
            MII_LPA,
            MII_PHYSID1,
            MII_PHYSID2,
            MII_STAT1000, //
        },
        model::{
            Rv1000Model,
            ANEG_DURATION_MS, //
        },
        phy_modes::LinkModes,
        rv1000::{
            RV_PHYSTS,
            RV_VCTRL,
            VCTRL_WRITABLE, //
        }, //
    };

    const PHYSTS_UP_1000_FULL: u16 = 0xac00;
    const PHYSTS_UP_100_FULL: u16 = 0x6c00;
    const PHYSTS_UP_100_HALF: u16 = 0x4c00;

    /// A model whose power-on negotiation has completed at t = 1000 ms.
    fn linked_model() -> Rv1000Model {
        let mut model = Rv1000Model::new(0);
        model.read(MII_BMSR, 1000);
        model
    }

    fn link_up(model: &mut Rv1000Model, now: i64) -> bool {
        model.read(MII_BMSR, now) & BMSR_LSTATUS != 0
    }

    #[test]
    fn identifies_as_rv1000() {
        let mut model = Rv1000Model::new(0);
        assert_eq!(model.read(MII_PHYSID1, 0), 0x02ab);
        assert_eq!(model.read(MII_PHYSID2, 0), 0xc011);
        assert_eq!(model.read(MII_ESTATUS, 0), 0x3000);
        assert_eq!(model.read(MII_BMSR, 0) & !BMSR_LSTATUS, 0x7909);
    }

    #[test]
    fn training_end_is_known_in_advance() {
        let mut model = Rv1000Model::new(1000);
        assert_eq!(model.training_ends(), Some(1000 + ANEG_DURATION_MS));
        model.set_cable(false, 1100);
        assert_eq!(model.training_ends(), None);
        model.set_cable(true, 1200);
        let end = 1200 + ANEG_DURATION_MS;
        assert_eq!(model.training_ends(), Some(end));
        assert!(!link_up(&mut model, end - 1));
        assert!(link_up(&mut model, end));
        assert_eq!(model.training_ends(), None);
    }

    #[test]
    fn negotiation_takes_its_time() {
        let mut model = Rv1000Model::new(0);
        assert!(!link_up(&mut model, ANEG_DURATION_MS - 1));
        assert_eq!(model.read(RV_PHYSTS, ANEG_DURATION_MS - 1), 0);
        assert!(link_up(&mut model, ANEG_DURATION_MS));
        let bmsr = model.read(MII_BMSR, ANEG_DURATION_MS);
        assert_eq!(bmsr & BMSR_ANEGCOMPLETE, BMSR_ANEGCOMPLETE);
        assert_eq!(model.read(RV_PHYSTS, ANEG_DURATION_MS), PHYSTS_UP_1000_FULL);
        assert_eq!(model.read(MII_LPA, ANEG_DURATION_MS), 0x41e1);
        assert_eq!(model.read(MII_STAT1000, ANEG_DURATION_MS), 0x3c00);
    }

    #[test]
    fn negotiation_picks_the_best_common_mode() {
        let cases = [
            // (local ADVERTISE, local CTRL1000, partner, expected PHYSTS)
            (0x01e1, 0x0300, LinkModes::ALL_BASET, PHYSTS_UP_1000_FULL),
            (0x01e1, 0x0000, LinkModes::ALL_BASET, PHYSTS_UP_100_FULL),
            (
                0x01e1,
                0x0300,
                LinkModes::BASET100_HALF.union(LinkModes::BASET10_FULL),
                PHYSTS_UP_100_HALF,
            ),
            (0x0021, 0x0000, LinkModes::BASET1000_FULL, 0),
        ];
        for (advertise, ctrl1000, partner, physts) in cases {
            let mut model = Rv1000Model::new(0);
            model.set_partner(partner, 0);
            model.write(MII_ADVERTISE, advertise, 0);
            model.write(MII_CTRL1000, ctrl1000, 0);
            model.write(MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART, 0);
            assert_eq!(model.read(RV_PHYSTS, 1000), physts);
            assert_eq!(link_up(&mut model, 1000), physts != 0);
        }
    }

    #[test]
    fn advertisement_applies_at_the_next_restart() {
        let mut model = linked_model();
        model.write(MII_CTRL1000, 0, 1000);
        assert_eq!(model.read(RV_PHYSTS, 2000), PHYSTS_UP_1000_FULL);
        model.write(MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART, 2000);
        assert_eq!(model.read(RV_PHYSTS, 2000), 0);
        assert_eq!(model.read(RV_PHYSTS, 3000), PHYSTS_UP_100_FULL);
        // ANRESTART self-clears.
        assert_eq!(model.read(MII_BMCR, 3000), BMCR_ANENABLE);
    }

    #[test]
    fn reset_restores_defaults_but_keeps_vctrl() {
        let mut model = linked_model();
        model.write(MII_ADVERTISE, 0x0041, 1000);
        model.write(MII_CTRL1000, 0, 1000);
        model.write(RV_VCTRL, 0xffff, 1000);
        model.write(MII_BMCR, BMCR_PDOWN, 1000);
        model.write(MII_BMCR, BMCR_RESET, 1000);
        assert_eq!(model.read(MII_BMCR, 1000), 0x1140);
        assert_eq!(model.read(MII_ADVERTISE, 1000), 0x01e1);
        assert_eq!(model.read(MII_CTRL1000, 1000), 0x0300);
        assert_eq!(model.read(RV_VCTRL, 1000), VCTRL_WRITABLE);
        // The reset dropped the link and renegotiates with the defaults.
        assert_eq!(model.read(RV_PHYSTS, 1000), 0);
        assert_eq!(model.read(RV_PHYSTS, 2000), PHYSTS_UP_1000_FULL);
    }

    #[test]
    fn link_loss_is_latched_in_bmsr() {
        let mut model = linked_model();
        model.set_cable(false, 1000);
        model.set_cable(true, 1001);
        // Up again, but the first BMSR read reports the loss.
        assert_eq!(model.read(RV_PHYSTS, 2000), PHYSTS_UP_1000_FULL);
        assert!(!link_up(&mut model, 2000));
        assert!(link_up(&mut model, 2000));
    }

    #[test]
    fn unplugged_cable_keeps_the_link_down() {
        let mut model = linked_model();
        model.set_cable(false, 1000);
        assert_eq!(model.read(RV_PHYSTS, 5000), 0);
        assert_eq!(model.read(MII_LPA, 5000), 0);
        model.set_cable(true, 5000);
        assert_eq!(
            model.read(RV_PHYSTS, 5000 + ANEG_DURATION_MS),
            PHYSTS_UP_1000_FULL
        );
    }

    #[test]
    fn partner_change_renegotiates() {
        let mut model = linked_model();
        model.set_partner(LinkModes::BASET100_FULL, 1000);
        assert_eq!(model.read(RV_PHYSTS, 1000), 0);
        assert_eq!(model.read(RV_PHYSTS, 2000), PHYSTS_UP_100_FULL);
        assert_eq!(model.read(MII_LPA, 2000), 0x4101);
        assert_eq!(model.read(MII_STAT1000, 2000), 0);
    }

    #[test]
    fn power_down_keeps_registers() {
        let mut model = linked_model();
        model.write(MII_ADVERTISE, 0x0141, 1000);
        model.write(MII_BMCR, 0x1140 | BMCR_PDOWN, 1000);
        assert_eq!(model.read(RV_PHYSTS, 5000), 0);
        assert_eq!(model.read(MII_ADVERTISE, 5000), 0x0141);
        model.write(MII_BMCR, 0x1140, 5000);
        assert_eq!(model.read(RV_PHYSTS, 6000), PHYSTS_UP_1000_FULL);
    }

    #[test]
    fn forced_mode_needs_partner_support() {
        let mut model = linked_model();
        model.write(MII_BMCR, BMCR_SPEED100 | BMCR_FULLDPLX, 1000);
        assert_eq!(model.read(RV_PHYSTS, 2000), PHYSTS_UP_100_FULL);
        assert_eq!(model.read(MII_BMSR, 2000) & BMSR_ANEGCOMPLETE, 0);
        assert_eq!(model.read(MII_LPA, 2000), 0);
        model.set_partner(LinkModes::BASET10_HALF, 2000);
        assert_eq!(model.read(RV_PHYSTS, 3000), 0);
    }

    #[test]
    fn same_partner_keeps_the_link() {
        let mut model = linked_model();
        model.set_partner(LinkModes::ALL_BASET, 1000);
        assert_eq!(model.read(RV_PHYSTS, 1000), PHYSTS_UP_1000_FULL);
        assert!(link_up(&mut model, 1000));
    }
}
