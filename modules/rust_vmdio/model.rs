// SPDX-License-Identifier: GPL-2.0

//! The emulated RV1000: its register map and its behaviour against a cable and a link partner,
//! as its datasheet (`modules/common/rv1000.rs`) describes them.
//!
//! The model is evaluated lazily: each access first applies what the clock says has happened
//! since the last one (see the module docs of `rust_vmdio`). Times are in milliseconds.

use kernel::prelude::*;

use crate::{
    mii::{
        bits_of,
        modes_of, //
        ADVERTISE_CSMA,
        BASE_PAGE_BITS,
        BMCR_ANENABLE,
        BMCR_ANRESTART,
        BMCR_FULLDPLX,
        BMCR_PDOWN,
        BMCR_RESET,
        BMCR_SPEED100,
        BMCR_SPEED1000,
        BMSR_ANEGCOMPLETE,
        BMSR_LSTATUS,
        CTRL1000_BITS,
        ESTATUS_1000_T,
        LPA_1000_RX_OK,
        LPA_LPACK,
        MII_ADVERTISE,
        MII_BMCR,
        MII_BMSR,
        MII_CTRL1000,
        MII_ESTATUS,
        MII_LPA,
        MII_PHYSID1,
        MII_PHYSID2,
        MII_STAT1000,
        STAT1000_BITS,
    },
    phy_modes::{
        LinkModes,
        Mode,
        Speed, //
    },
    rv1000::{
        ADVERTISE_RESET_VALUE,
        BMCR_RESET_VALUE,
        BMSR_ABILITIES,
        CTRL1000_RESET_VALUE,
        PHYSID1,
        PHYSID2,
        PHYSTS_DUPLEX,
        PHYSTS_LINK,
        PHYSTS_RESOLVED,
        PHYSTS_SPEED_SHIFT,
        RV_PHYSTS,
        RV_VCTRL,
        VCTRL_WRITABLE, //
    },
};

/// How long auto-negotiation takes, in milliseconds.
pub(crate) const ANEG_DURATION_MS: i64 = 300;

/// The registers of the datasheet's map, in address order.
pub(crate) const REGISTER_MAP: [u8; 11] = [
    MII_BMCR,
    MII_BMSR,
    MII_PHYSID1,
    MII_PHYSID2,
    MII_ADVERTISE,
    MII_LPA,
    MII_CTRL1000,
    MII_STAT1000,
    MII_ESTATUS,
    RV_PHYSTS,
    RV_VCTRL,
];

/// BMCR bits whose change restarts the link.
const BMCR_LINK_CONFIG: u16 = BMCR_ANENABLE | BMCR_SPEED100 | BMCR_SPEED1000 | BMCR_FULLDPLX;

/// State of the emulated link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// No cable, powered down, or never started.
    Down,
    /// Negotiation (or forced-mode link-up) started at `since` ms with the local `offer`.
    Training { since: i64, offer: Offer },
    /// Link up in this mode.
    Up { mode: Mode, negotiated: bool },
    /// The two ends have no mode in common: no link until something changes.
    NoCommonMode,
}

/// What the local end offers when the link starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Offer {
    /// Auto-negotiation advertising these modes.
    Negotiate(LinkModes),
    /// This forced mode.
    Force(Mode),
}

/// The emulated RV1000, its cable and its link partner. Times are in ms.
pub(crate) struct Rv1000Model {
    bmcr: u16,
    advertise: u16,
    ctrl1000: u16,
    vctrl: u16,
    cable: bool,
    partner: LinkModes,
    link: Link,
    /// BMSR.LSTATUS latch: cleared by a link loss, set again by a BMSR read.
    lstatus_latch: bool,
}

impl Rv1000Model {
    /// A powered-on RV1000 with the cable plugged into a partner offering every mode.
    pub(crate) fn new(now: i64) -> Self {
        let mut model = Self {
            bmcr: BMCR_RESET_VALUE,
            advertise: ADVERTISE_RESET_VALUE,
            ctrl1000: CTRL1000_RESET_VALUE,
            vctrl: 0,
            cable: true,
            partner: LinkModes::ALL_BASET,
            link: Link::Down,
            lstatus_latch: true,
        };
        model.restart_link(now);
        model
    }

    /// Reads a register as the MDIO bus does: reading BMSR reports a latched link loss once,
    /// then LSTATUS follows the link again.
    pub(crate) fn read(&mut self, reg: u8, now: i64) -> u16 {
        let val = self.peek(reg, now);
        if reg == MII_BMSR {
            self.lstatus_latch = true;
        }
        val
    }

    /// A register's value, without the side effects of an MDIO read.
    pub(crate) fn peek(&mut self, reg: u8, now: i64) -> u16 {
        self.advance(now);
        let negotiated_partner = match self.link {
            Link::Up {
                negotiated: true, ..
            } => Some(self.partner),
            _ => None,
        };
        match reg {
            MII_BMCR => self.bmcr,
            MII_BMSR => {
                let mut bmsr = BMSR_ABILITIES;
                if negotiated_partner.is_some() {
                    bmsr |= BMSR_ANEGCOMPLETE;
                }
                if self.lstatus_latch && self.link_mode().is_some() {
                    bmsr |= BMSR_LSTATUS;
                }
                bmsr
            }
            MII_PHYSID1 => PHYSID1,
            MII_PHYSID2 => PHYSID2,
            MII_ADVERTISE => self.advertise,
            MII_LPA => negotiated_partner.map_or(0, |partner| {
                bits_of(partner, &BASE_PAGE_BITS) | LPA_LPACK | ADVERTISE_CSMA
            }),
            MII_CTRL1000 => self.ctrl1000,
            MII_STAT1000 => negotiated_partner.map_or(0, |partner| {
                let rx_ok = match self.link_mode() {
                    Some(mode) if mode.speed == Speed::Mbps1000 => LPA_1000_RX_OK,
                    _ => 0,
                };
                bits_of(partner, &STAT1000_BITS) | rx_ok
            }),
            MII_ESTATUS => ESTATUS_1000_T,
            RV_PHYSTS => self.link_mode().map_or(0, |mode| {
                let speed: u16 = match mode.speed {
                    Speed::Mbps10 => 0b00,
                    Speed::Mbps100 => 0b01,
                    Speed::Mbps1000 => 0b10,
                };
                let duplex = if mode.full_duplex { PHYSTS_DUPLEX } else { 0 };
                (speed << PHYSTS_SPEED_SHIFT) | duplex | PHYSTS_RESOLVED | PHYSTS_LINK
            }),
            RV_VCTRL => self.vctrl,
            _ => 0,
        }
    }

    /// Writes a register as the MDIO bus does.
    pub(crate) fn write(&mut self, reg: u8, val: u16, now: i64) {
        self.advance(now);
        match reg {
            MII_BMCR if val & BMCR_RESET != 0 => self.reset(now),
            MII_BMCR => {
                let old = self.bmcr;
                self.bmcr = val & !BMCR_ANRESTART;
                if self.bmcr & BMCR_PDOWN != 0 {
                    self.drop_link();
                } else if old & BMCR_PDOWN != 0
                    || (old ^ self.bmcr) & BMCR_LINK_CONFIG != 0
                    || (val & BMCR_ANRESTART != 0 && self.bmcr & BMCR_ANENABLE != 0)
                {
                    self.restart_link(now);
                }
            }
            MII_ADVERTISE => self.advertise = val,
            MII_CTRL1000 => self.ctrl1000 = val,
            RV_VCTRL => self.vctrl = val & VCTRL_WRITABLE,
            // Read-only or unimplemented.
            _ => {}
        }
    }

    /// Plugs or unplugs the cable.
    pub(crate) fn set_cable(&mut self, plugged: bool, now: i64) {
        self.advance(now);
        if plugged != self.cable {
            self.cable = plugged;
            self.restart_link(now);
        }
    }

    /// Changes what the link partner advertises; a connected partner renegotiates. The same
    /// modes again change nothing, as for a partner whose advertisement did not change.
    pub(crate) fn set_partner(&mut self, modes: LinkModes, now: i64) {
        self.advance(now);
        if modes != self.partner {
            self.partner = modes;
            self.restart_link(now);
        }
    }

    /// Whether the cable is plugged in.
    pub(crate) fn cable(&self) -> bool {
        self.cable
    }

    /// What the link partner advertises.
    pub(crate) fn partner(&self) -> LinkModes {
        self.partner
    }

    /// When the link training in progress ends (the link comes up, or finds no common mode);
    /// `None` when none is.
    pub(crate) fn training_ends(&self) -> Option<i64> {
        match self.link {
            Link::Training { since, .. } => Some(since + ANEG_DURATION_MS),
            _ => None,
        }
    }

    /// BMCR.RESET: IEEE registers back to their reset values (VCTRL is sticky), link restarts.
    fn reset(&mut self, now: i64) {
        self.bmcr = BMCR_RESET_VALUE;
        self.advertise = ADVERTISE_RESET_VALUE;
        self.ctrl1000 = CTRL1000_RESET_VALUE;
        self.restart_link(now);
    }

    /// The mode the link is up in, if it is.
    fn link_mode(&self) -> Option<Mode> {
        match self.link {
            Link::Up { mode, .. } => Some(mode),
            _ => None,
        }
    }

    fn drop_link(&mut self) {
        if self.link_mode().is_some() {
            self.lstatus_latch = false;
        }
        self.link = Link::Down;
    }

    /// Drops the link and, if the PHY can, starts bringing it up again.
    fn restart_link(&mut self, now: i64) {
        self.drop_link();
        if !self.cable || self.bmcr & BMCR_PDOWN != 0 {
            return;
        }
        let offer = if self.bmcr & BMCR_ANENABLE != 0 {
            Offer::Negotiate(
                modes_of(self.advertise, &BASE_PAGE_BITS)
                    .union(modes_of(self.ctrl1000, &CTRL1000_BITS)),
            )
        } else {
            let speed = if self.bmcr & BMCR_SPEED1000 != 0 {
                Speed::Mbps1000
            } else if self.bmcr & BMCR_SPEED100 != 0 {
                Speed::Mbps100
            } else {
                Speed::Mbps10
            };
            Offer::Force(Mode::new(speed, self.bmcr & BMCR_FULLDPLX != 0))
        };
        self.link = Link::Training { since: now, offer };
    }

    /// Completes link training whose time has come.
    fn advance(&mut self, now: i64) {
        let Link::Training { since, offer } = self.link else {
            return;
        };
        if now - since < ANEG_DURATION_MS {
            return;
        }
        self.link = match offer {
            Offer::Negotiate(local) => match local.intersection(self.partner).best() {
                Some(mode) => Link::Up {
                    mode,
                    negotiated: true,
                },
                None => Link::NoCommonMode,
            },
            // The partner detects the forced mode if it supports it.
            Offer::Force(mode) if self.partner.contains(mode.as_set()) => Link::Up {
                mode,
                negotiated: false,
            },
            Offer::Force(_) => Link::NoCommonMode,
        };
    }
}

#[kunit_tests(rust_vmdio_model)]
mod tests {
    use super::*;

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
