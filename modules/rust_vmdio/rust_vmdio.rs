// SPDX-License-Identifier: GPL-2.0

//! Virtual MDIO bus with an emulated RV1000 PHY: the test fixture of the `rust_phy` driver.
//!
//! Loading the module registers the MDIO bus `rust_vmdio` with an RV1000 (see the datasheet in
//! the `rust_phy` module docs) at address 1, so the PHY device is
//! `/sys/bus/mdio_bus/devices/rust_vmdio:01`. phylib binds it to `rust_phy` when that driver
//! is loaded, otherwise to the generic PHY driver when it is attached. The module then acts as
//! the PHY's MAC: it attaches the PHY without a `net_device` and starts phylib's state machine,
//! recording every link change phylib reports.
//!
//! # The emulated PHY
//!
//! The model implements the datasheet register map and behaviour against a link partner and a
//! cable that tests control. The partner always auto-negotiates (or accepts a forced mode it
//! supports) and starts with every 10/100/1000BASE-T mode. Negotiation completes
//! [`ANEG_DURATION_MS`] after it starts. The model is evaluated lazily: each access first
//! applies what the monotonic clock says has happened since the last one. Only MDIO accesses
//! can observe the PHY, so this is indistinguishable from a timer, needs nothing cancelled at
//! unload and lets KUnit drive the model with chosen times.
//!
//! # debugfs interface (`/sys/kernel/debug/rust_vmdio/`)
//!
//! | File          | Access | Contents |
//! |---------------|--------|----------|
//! | `cable`       | RW     | `1` cable plugged in, `0` unplugged |
//! | `partner`     | RW     | modes the link partner advertises, e.g. `100half 100full pause` |
//! | `advertise`   | W      | modes the MAC lets the PHY advertise (like `ethtool -s advertise`) |
//! | `attached`    | RW     | `1` PHY attached to the MAC, `0` detached |
//! | `running`     | RW     | `1` state machine running (`phy_start`), `0` stopped (`phy_stop`) |
//! | `link`        | R      | last link change phylib reported: `up 1000/full` or `down` |
//! | `link_events` | R      | every reported change, oldest first: `<seq> up 100/full` |
//! | `registers`   | R      | `<reg> <value>` in hex for each register of the map, no side effects |
//! | `access_log`  | RW     | last MDIO accesses: `<seq> R|W <reg> <value>`; writing `clear` empties it |
//!
//! Mode names: `10half 10full 100half 100full 1000half 1000full pause asym_pause`.
//!
//! Loading fails with `ENOMEM` when an allocation fails, or with what phylib makes of it:
//! `EINVAL` when the bus device cannot be registered, `ENODEV` when the PHY device cannot be
//! (the bus scan leaves it out, so there is no PHY to attach).
//!
//! Bad input fails with `EINVAL` and changes nothing; `advertise` and `running` need the PHY
//! attached (`ENODEV` otherwise); `attached` forwards attach errors (e.g. `EIO` while the PHY
//! driver module is being removed). Writing the current value is a no-op.
//!
//! Stopping the state machine is how a MAC suspends its PHY: `phy_stop()` reports the link
//! down and suspends the PHY (driver `suspend`, BMCR.PDOWN on the RV1000); `phy_start()`
//! resumes it (driver `resume`) and restarts auto-negotiation.
//!
//! Attaching pins the PHY driver's module, as phylib does for every MAC: while attached,
//! `rust_phy` cannot be removed (`EBUSY`); detach first.

use core::str;
use kernel::{
    debugfs::Scope,
    fmt,
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
    time::{Instant, Monotonic},
    uaccess::UserSliceReader,
    uapi, //
};

#[path = "../common/phy_modes.rs"]
pub mod phy_modes;

#[path = "../common/mdio.rs"]
pub mod mdio;

#[path = "../common/phy_attach.rs"]
pub mod phy_attach;

#[path = "../common/mii.rs"]
pub mod mii;

use mdio::{LinkObserver, LinkState, MdioBusOps, Registration};
use mii::{
    BMCR_ANENABLE, BMCR_ANRESTART, BMCR_FULLDPLX, BMCR_PDOWN, BMCR_RESET, BMCR_SPEED100,
    BMCR_SPEED1000, BMSR_ANEGCOMPLETE, BMSR_LSTATUS,
};
use phy_attach::StandalonePhy;
use phy_modes::{LinkModes, Mode, Speed};

module! {
    type: VmdioModule,
    name: "rust_vmdio",
    authors: ["Rust kernel module collection"],
    description: "Virtual MDIO bus with an emulated RV1000 PHY",
    license: "GPL",
}

/// MDIO address of the emulated PHY.
const PHY_ADDR: u8 = 1;

/// How long auto-negotiation takes, in milliseconds.
const ANEG_DURATION_MS: i64 = 300;

/// Number of entries the access log keeps.
const ACCESS_LOG_LEN: usize = 512;

/// Number of link changes `link_events` keeps.
const LINK_EVENTS_LEN: usize = 64;

const PHYSID1: u16 = 0x02ab;
const PHYSID2: u16 = 0xc011;

const MII_BMCR: u8 = uapi::MII_BMCR as u8;
const MII_BMSR: u8 = uapi::MII_BMSR as u8;
const MII_PHYSID1: u8 = uapi::MII_PHYSID1 as u8;
const MII_PHYSID2: u8 = uapi::MII_PHYSID2 as u8;
const MII_ADVERTISE: u8 = uapi::MII_ADVERTISE as u8;
const MII_LPA: u8 = uapi::MII_LPA as u8;
const MII_CTRL1000: u8 = uapi::MII_CTRL1000 as u8;
const MII_STAT1000: u8 = uapi::MII_STAT1000 as u8;
const MII_ESTATUS: u8 = uapi::MII_ESTATUS as u8;
const RV_PHYSTS: u8 = 0x10;
const RV_VCTRL: u8 = 0x11;

/// The registers of the datasheet's map, in address order.
const REGISTER_MAP: [u8; 11] = [
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

/// 10/100 abilities, extended status, auto-negotiation ability, extended registers.
const BMSR_ABILITIES: u16 = 0x7909;

const ESTATUS_1000_T: u16 = (uapi::ESTATUS_1000_TFULL | uapi::ESTATUS_1000_THALF) as u16;
const LPA_LPACK: u16 = uapi::LPA_LPACK as u16;
const SELECTOR_802_3: u16 = uapi::ADVERTISE_CSMA as u16;
const LPA_1000_RX_OK: u16 = (uapi::LPA_1000LOCALRXOK | uapi::LPA_1000REMRXOK) as u16;

const PHYSTS_DUPLEX: u16 = 1 << 13;
const PHYSTS_RESOLVED: u16 = 1 << 11;
const PHYSTS_LINK: u16 = 1 << 10;
const VCTRL_WRITABLE: u16 = 0x0013;

const BMCR_RESET_VALUE: u16 = 0x1140;
const ADVERTISE_RESET_VALUE: u16 = 0x01e1;
const CTRL1000_RESET_VALUE: u16 = 0x0300;

/// Where a 10/100 mode or pause bit sits in ADVERTISE and LPA (same layout).
const BASE_PAGE_BITS: [(LinkModes, u16); 6] = [
    (LinkModes::BASET10_HALF, uapi::ADVERTISE_10HALF as u16),
    (LinkModes::BASET10_FULL, uapi::ADVERTISE_10FULL as u16),
    (LinkModes::BASET100_HALF, uapi::ADVERTISE_100HALF as u16),
    (LinkModes::BASET100_FULL, uapi::ADVERTISE_100FULL as u16),
    (LinkModes::PAUSE, uapi::ADVERTISE_PAUSE_CAP as u16),
    (LinkModes::ASYM_PAUSE, uapi::ADVERTISE_PAUSE_ASYM as u16),
];

/// Where a 1000BASE-T mode sits in CTRL1000.
const CTRL1000_BITS: [(LinkModes, u16); 2] = [
    (LinkModes::BASET1000_HALF, uapi::ADVERTISE_1000HALF as u16),
    (LinkModes::BASET1000_FULL, uapi::ADVERTISE_1000FULL as u16),
];

/// Where a 1000BASE-T mode sits in STAT1000.
const STAT1000_BITS: [(LinkModes, u16); 2] = [
    (LinkModes::BASET1000_HALF, uapi::LPA_1000HALF as u16),
    (LinkModes::BASET1000_FULL, uapi::LPA_1000FULL as u16),
];

/// Debugfs names of the link modes.
const MODE_NAMES: [(&str, LinkModes); 8] = [
    ("10half", LinkModes::BASET10_HALF),
    ("10full", LinkModes::BASET10_FULL),
    ("100half", LinkModes::BASET100_HALF),
    ("100full", LinkModes::BASET100_FULL),
    ("1000half", LinkModes::BASET1000_HALF),
    ("1000full", LinkModes::BASET1000_FULL),
    ("pause", LinkModes::PAUSE),
    ("asym_pause", LinkModes::ASYM_PAUSE),
];

/// The modes of `table` whose bit is set in `reg`.
fn modes_of(reg: u16, table: &[(LinkModes, u16)]) -> LinkModes {
    table
        .iter()
        .filter(|(_, bit)| reg & bit != 0)
        .fold(LinkModes::EMPTY, |modes, (mode, _)| modes.union(*mode))
}

/// The bits of `table` for the modes in `modes`.
fn bits_of(modes: LinkModes, table: &[(LinkModes, u16)]) -> u16 {
    table
        .iter()
        .filter(|(mode, _)| modes.contains(*mode))
        .fold(0, |bits, (_, bit)| bits | bit)
}

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
struct Rv1000Model {
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
    fn new(now: i64) -> Self {
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
    fn read(&mut self, reg: u8, now: i64) -> u16 {
        let val = self.peek(reg, now);
        if reg == MII_BMSR {
            self.lstatus_latch = true;
        }
        val
    }

    /// A register's value, without the side effects of an MDIO read.
    fn peek(&mut self, reg: u8, now: i64) -> u16 {
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
                bits_of(partner, &BASE_PAGE_BITS) | LPA_LPACK | SELECTOR_802_3
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
                (speed << 14) | duplex | PHYSTS_RESOLVED | PHYSTS_LINK
            }),
            RV_VCTRL => self.vctrl,
            _ => 0,
        }
    }

    /// Writes a register as the MDIO bus does.
    fn write(&mut self, reg: u8, val: u16, now: i64) {
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
    fn set_cable(&mut self, plugged: bool, now: i64) {
        self.advance(now);
        if plugged != self.cable {
            self.cable = plugged;
            self.restart_link(now);
        }
    }

    /// Changes what the link partner advertises; a connected partner renegotiates.
    fn set_partner(&mut self, modes: LinkModes, now: i64) {
        self.advance(now);
        self.partner = modes;
        self.restart_link(now);
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

/// One MDIO access of the log.
#[derive(Clone, Copy, Default)]
struct Access {
    seq: u32,
    write: bool,
    reg: u8,
    val: u16,
}

/// A fixed-size log keeping the newest `N` entries.
struct Ring<T: Copy + Default, const N: usize> {
    entries: [T; N],
    /// Index of the oldest entry.
    start: usize,
    len: usize,
}

impl<T: Copy + Default, const N: usize> Ring<T, N> {
    fn new() -> Self {
        Self {
            entries: [T::default(); N],
            start: 0,
            len: 0,
        }
    }

    fn push(&mut self, entry: T) {
        let index = (self.start + self.len) % N;
        if let Some(slot) = self.entries.get_mut(index) {
            *slot = entry;
        }
        if self.len == N {
            self.start = (self.start + 1) % N;
        } else {
            self.len += 1;
        }
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    /// The entries, oldest first.
    fn iter(&self) -> impl Iterator<Item = &T> {
        (0..self.len).filter_map(move |i| self.entries.get((self.start + i) % N))
    }
}

/// The PHY model and its access log, as the bus sees them.
struct PhyState {
    model: Rv1000Model,
    log: Ring<Access, ACCESS_LOG_LEN>,
    next_seq: u32,
}

impl PhyState {
    fn record(&mut self, write: bool, reg: u8, val: u16) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.log.push(Access {
            seq,
            write,
            reg,
            val,
        });
    }
}

/// The device side of the virtual bus: an RV1000 at [`PHY_ADDR`], nothing elsewhere.
#[pin_data]
struct VirtualPhy {
    epoch: Instant<Monotonic>,
    #[pin]
    state: Mutex<PhyState>,
}

impl VirtualPhy {
    fn new() -> impl PinInit<Self> {
        let epoch = Instant::<Monotonic>::now();
        pin_init!(Self {
            epoch,
            state <- new_mutex!(PhyState {
                model: Rv1000Model::new(0),
                log: Ring::new(),
                next_seq: 0,
            }),
        })
    }

    /// Model time: ms since the module created the PHY. Read it with `state` locked, so that
    /// the model sees time in the order its accesses happen.
    fn now(&self) -> i64 {
        (Instant::<Monotonic>::now() - self.epoch).as_millis()
    }
}

impl MdioBusOps for VirtualPhy {
    fn read(&self, addr: u8, regnum: u8) -> Result<u16> {
        if addr != PHY_ADDR {
            return Ok(0xffff);
        }
        let mut state = self.state.lock();
        let val = state.model.read(regnum, self.now());
        state.record(false, regnum, val);
        Ok(val)
    }

    fn write(&self, addr: u8, regnum: u8, val: u16) -> Result {
        if addr != PHY_ADDR {
            return Ok(());
        }
        let mut state = self.state.lock();
        state.model.write(regnum, val, self.now());
        state.record(true, regnum, val);
        Ok(())
    }
}

/// One link change phylib reported.
#[derive(Clone, Copy)]
struct LinkEvent {
    seq: u32,
    state: LinkState,
}

impl Default for LinkEvent {
    fn default() -> Self {
        Self {
            seq: 0,
            state: LinkState {
                up: false,
                mode: None,
            },
        }
    }
}

struct LinkHistory {
    events: Ring<LinkEvent, LINK_EVENTS_LEN>,
    current: LinkState,
    next_seq: u32,
}

/// The MAC's record of what phylib told it.
#[pin_data]
struct LinkRecorder {
    #[pin]
    history: Mutex<LinkHistory>,
}

impl LinkRecorder {
    fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            history <- new_mutex!(LinkHistory {
                events: Ring::new(),
                current: LinkState {
                    up: false,
                    mode: None,
                },
                next_seq: 0,
            }),
        })
    }
}

impl LinkObserver for LinkRecorder {
    fn link_changed(&self, _addr: u8, state: LinkState) {
        let mut history = self.history.lock();
        let seq = history.next_seq;
        history.next_seq = history.next_seq.wrapping_add(1);
        history.current = state;
        history.events.push(LinkEvent { seq, state });
    }
}

/// The MAC side: the attachment to the PHY.
struct Mac {
    phy: Option<StandalonePhy<VirtualPhy>>,
}

/// Everything the module owns; debugfs files refer to it.
#[pin_data]
struct Fixture {
    phy: Arc<VirtualPhy>,
    links: Arc<LinkRecorder>,
    /// Dropped before `bus` (and holding an `Arc` of it anyway): detaches first.
    #[pin]
    mac: Mutex<Mac>,
    bus: Arc<Registration<VirtualPhy>>,
}

impl Fixture {
    fn attach(&self, mac: &mut Mac) -> Result {
        if mac.phy.is_none() {
            mac.phy = Some(StandalonePhy::attach(
                &self.bus,
                PHY_ADDR,
                self.links.clone(),
            )?);
        }
        Ok(())
    }
}

/// Copies a small debugfs write into `buf` and returns it as trimmed text.
fn user_text<'a>(reader: &mut UserSliceReader, buf: &'a mut [u8; 128]) -> Result<&'a str> {
    let buf = buf.get_mut(..reader.len()).ok_or(EINVAL)?;
    reader.read_slice(buf)?;
    str::from_utf8(buf).map(str::trim).map_err(|_| EINVAL)
}

fn parse_bool(text: &str) -> Result<bool> {
    match text {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(EINVAL),
    }
}

/// Parses mode names separated by white space; at least one speed/duplex mode is required.
fn parse_modes(text: &str) -> Result<LinkModes> {
    let mut modes = LinkModes::EMPTY;
    for word in text.split_whitespace() {
        let (_, mode) = MODE_NAMES
            .iter()
            .find(|(name, _)| *name == word)
            .ok_or(EINVAL)?;
        modes = modes.union(*mode);
    }
    if modes.intersection(LinkModes::ALL_BASET).is_empty() {
        return Err(EINVAL);
    }
    Ok(modes)
}

fn write_modes(f: &mut fmt::Formatter<'_>, modes: LinkModes) -> fmt::Result {
    let mut separator = "";
    for (name, mode) in MODE_NAMES {
        if modes.contains(mode) {
            write!(f, "{separator}{name}")?;
            separator = " ";
        }
    }
    writeln!(f)
}

fn write_link(f: &mut fmt::Formatter<'_>, state: LinkState) -> fmt::Result {
    match (state.up, state.mode) {
        (true, Some(mode)) => {
            let duplex = if mode.full_duplex { "full" } else { "half" };
            writeln!(f, "up {}/{duplex}", mode.speed.mbps())
        }
        (true, None) => writeln!(f, "up unknown"),
        (false, _) => writeln!(f, "down"),
    }
}

fn show_cable(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(fixture.phy.state.lock().model.cable))
}

fn store_cable(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    let plugged = parse_bool(user_text(reader, &mut [0; 128])?)?;
    let mut state = fixture.phy.state.lock();
    state.model.set_cable(plugged, fixture.phy.now());
    Ok(())
}

fn show_partner(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let partner = fixture.phy.state.lock().model.partner;
    write_modes(f, partner)
}

fn store_partner(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    let modes = parse_modes(user_text(reader, &mut [0; 128])?)?;
    let mut state = fixture.phy.state.lock();
    state.model.set_partner(modes, fixture.phy.now());
    Ok(())
}

fn store_advertise(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    let modes = parse_modes(user_text(reader, &mut [0; 128])?)?;
    fixture
        .mac
        .lock()
        .phy
        .as_mut()
        .ok_or(ENODEV)?
        .set_advertising(modes)
}

fn show_attached(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(fixture.mac.lock().phy.is_some()))
}

fn store_attached(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    let attach = parse_bool(user_text(reader, &mut [0; 128])?)?;
    let mut mac = fixture.mac.lock();
    if attach {
        fixture.attach(&mut mac)
    } else {
        // Dropping the attachment stops the state machine and detaches.
        mac.phy = None;
        Ok(())
    }
}

fn show_running(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let running = fixture
        .mac
        .lock()
        .phy
        .as_ref()
        .is_some_and(StandalonePhy::is_started);
    writeln!(f, "{}", u8::from(running))
}

fn store_running(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    let run = parse_bool(user_text(reader, &mut [0; 128])?)?;
    let mut mac = fixture.mac.lock();
    let phy = mac.phy.as_mut().ok_or(ENODEV)?;
    if run {
        phy.start();
    } else {
        phy.stop();
    }
    Ok(())
}

fn show_link(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let current = fixture.links.history.lock().current;
    write_link(f, current)
}

fn show_link_events(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let history = fixture.links.history.lock();
    for event in history.events.iter() {
        write!(f, "{} ", event.seq)?;
        write_link(f, event.state)?;
    }
    Ok(())
}

fn show_registers(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut state = fixture.phy.state.lock();
    let now = fixture.phy.now();
    for reg in REGISTER_MAP {
        writeln!(f, "{reg:02x} {:04x}", state.model.peek(reg, now))?;
    }
    Ok(())
}

fn show_access_log(fixture: &Fixture, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let state = fixture.phy.state.lock();
    for access in state.log.iter() {
        let op = if access.write { 'W' } else { 'R' };
        writeln!(
            f,
            "{} {op} {:02x} {:04x}",
            access.seq, access.reg, access.val
        )?;
    }
    Ok(())
}

fn store_access_log(fixture: &Fixture, reader: &mut UserSliceReader) -> Result {
    if user_text(reader, &mut [0; 128])? != "clear" {
        return Err(EINVAL);
    }
    fixture.phy.state.lock().log.clear();
    Ok(())
}

struct VmdioModule {
    _fixture: Pin<KBox<Scope<Fixture>>>,
}

impl kernel::Module for VmdioModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let phy = Arc::pin_init(VirtualPhy::new(), GFP_KERNEL)?;
        let bus = Arc::new(
            Registration::register(c"rust_vmdio", c"rust_vmdio", phy.clone())?,
            GFP_KERNEL,
        )?;
        let links = Arc::pin_init(LinkRecorder::new(), GFP_KERNEL)?;
        let mut attachment = StandalonePhy::attach(&bus, PHY_ADDR, links.clone())?;
        attachment.start();

        let fixture = try_pin_init!(Fixture {
            phy,
            links,
            mac <- new_mutex!(Mac {
                phy: Some(attachment),
            }),
            bus,
        }? Error);
        let fixture = KBox::pin_init(
            Scope::dir(fixture, c"rust_vmdio", |fixture, dir| {
                dir.read_write_callback_file(c"cable", fixture, &show_cable, &store_cable);
                dir.read_write_callback_file(c"partner", fixture, &show_partner, &store_partner);
                dir.write_only_callback_file(c"advertise", fixture, &store_advertise);
                dir.read_write_callback_file(c"attached", fixture, &show_attached, &store_attached);
                dir.read_write_callback_file(c"running", fixture, &show_running, &store_running);
                dir.read_callback_file(c"link", fixture, &show_link);
                dir.read_callback_file(c"link_events", fixture, &show_link_events);
                dir.read_callback_file(c"registers", fixture, &show_registers);
                dir.read_write_callback_file(
                    c"access_log",
                    fixture,
                    &show_access_log,
                    &store_access_log,
                );
            }),
            GFP_KERNEL,
        )?;
        Ok(Self { _fixture: fixture })
    }
}

#[kunit_tests(rust_vmdio)]
mod tests {
    use super::*;

    const PHYSTS_UP_1000_FULL: u16 = 0xa000 | PHYSTS_RESOLVED | PHYSTS_LINK;
    const PHYSTS_UP_100_FULL: u16 = 0x6000 | PHYSTS_RESOLVED | PHYSTS_LINK;
    const PHYSTS_UP_100_HALF: u16 = 0x4000 | PHYSTS_RESOLVED | PHYSTS_LINK;

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
    fn mode_names_parse_strictly() -> Result {
        assert_eq!(
            parse_modes("100full  pause\n".trim())?,
            LinkModes::BASET100_FULL.union(LinkModes::PAUSE)
        );
        assert_eq!(parse_modes("100full 1000ful"), Err(EINVAL));
        assert_eq!(parse_modes("pause"), Err(EINVAL));
        assert_eq!(parse_modes(""), Err(EINVAL));
        assert_eq!(parse_bool("2"), Err(EINVAL));
        Ok(())
    }

    #[test]
    fn ring_keeps_the_newest_entries() {
        let mut ring = Ring::<u32, 3>::new();
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
    }
}
