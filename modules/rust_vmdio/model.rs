// SPDX-License-Identifier: GPL-2.0

//! The emulated RV1000: its register map and its behaviour against a cable and a link partner,
//! as its datasheet (`modules/common/rv1000.rs`) describes them.
//!
//! The model is evaluated lazily: each access first applies what the clock says has happened
//! since the last one (see the module docs of `rust_vmdio`). Times are in milliseconds.

#![deny(unsafe_code)]

use crate::{
    mii::{
        bits_of,
        modes_of,
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
        STAT1000_BITS, //
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
    }, //
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
