// SPDX-License-Identifier: GPL-2.0

//! The fixture's debugfs files (`/sys/kernel/debug/rust_vmdio/`): their grammar and what each
//! does, as the table in the module docs lists them.

#![deny(unsafe_code)]

use kernel::{
    fmt,
    prelude::*, //
};

use crate::{
    debugfs::{
        Access,
        DebugfsFiles,
        FileDesc, //
    },
    driver::{
        Fixture,
        PHY_ADDR, //
    },
    mdio::LinkState,
    model::REGISTER_MAP,
    phy_attach::{
        phylib_state,
        LinkChanges,
        StandalonePhy, //
    },
    phy_modes::LinkModes, //
};

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

/// The fixture's files.
#[derive(Clone, Copy)]
pub(crate) enum File {
    /// `cable`: `1` plugged in, `0` unplugged.
    Cable,
    /// `partner`: the modes the link partner advertises.
    Partner,
    /// `advertise`: the modes the MAC lets the PHY advertise.
    Advertise,
    /// `attached`: `1` PHY attached to the MAC, `0` detached.
    Attached,
    /// `running`: `1` state machine running, `0` stopped.
    Running,
    /// `link_irq`: `mac` the MAC tells phylib of link changes, `poll` phylib polls.
    LinkIrq,
    /// `read_errors`: `1` reads of the PHY fail, `0` they work.
    ReadErrors,
    /// `phy_state`: phylib's state of the PHY.
    PhyState,
    /// `link`: the last link change phylib reported.
    Link,
    /// `link_events`: every reported change kept, oldest first.
    LinkEvents,
    /// `registers`: the register map, without side effects.
    Registers,
    /// `access_log`: the last MDIO accesses; `clear` empties it.
    AccessLog,
}

/// Parses `0` or `1`.
pub(crate) fn parse_bool(text: &str) -> Result<bool> {
    match text {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(EINVAL),
    }
}

/// Parses mode names separated by ASCII white space; at least one speed/duplex mode is required.
pub(crate) fn parse_modes(text: &str) -> Result<LinkModes> {
    let mut modes = LinkModes::EMPTY;
    for word in text.split_ascii_whitespace() {
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

/// Debugfs names of the ways phylib learns of link changes.
const LINK_IRQ_NAMES: [(&str, LinkChanges); 2] = [
    ("mac", LinkChanges::MacInterrupt),
    ("poll", LinkChanges::Polled),
];

pub(crate) fn parse_link_irq(text: &str) -> Result<LinkChanges> {
    LINK_IRQ_NAMES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, changes)| *changes)
        .ok_or(EINVAL)
}

pub(crate) fn link_irq_name(changes: LinkChanges) -> &'static str {
    LINK_IRQ_NAMES
        .iter()
        .find(|(_, c)| *c == changes)
        .map_or("?", |(name, _)| name)
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

impl DebugfsFiles for Fixture {
    type Id = File;

    const FILES: &'static [FileDesc<File>] = &[
        FileDesc::new(c"cable", Access::ReadWrite, File::Cable),
        FileDesc::new(c"partner", Access::ReadWrite, File::Partner),
        FileDesc::new(c"advertise", Access::WriteOnly, File::Advertise),
        FileDesc::new(c"attached", Access::ReadWrite, File::Attached),
        FileDesc::new(c"running", Access::ReadWrite, File::Running),
        FileDesc::new(c"link_irq", Access::ReadWrite, File::LinkIrq),
        FileDesc::new(c"read_errors", Access::ReadWrite, File::ReadErrors),
        FileDesc::new(c"phy_state", Access::ReadOnly, File::PhyState),
        FileDesc::new(c"link", Access::ReadOnly, File::Link),
        FileDesc::new(c"link_events", Access::ReadOnly, File::LinkEvents),
        FileDesc::new(c"registers", Access::ReadOnly, File::Registers),
        FileDesc::new(c"access_log", Access::ReadWrite, File::AccessLog),
    ];

    fn show(&self, id: File, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match id {
            File::Cable => writeln!(f, "{}", u8::from(self.phy.state.lock().model.cable())),
            File::Partner => {
                let partner = self.phy.state.lock().model.partner();
                write_modes(f, partner)
            }
            File::Attached => writeln!(f, "{}", u8::from(self.mac().lock().phy.is_some())),
            File::Running => {
                let running = self
                    .mac()
                    .lock()
                    .phy
                    .as_ref()
                    .is_some_and(StandalonePhy::is_started);
                writeln!(f, "{}", u8::from(running))
            }
            File::LinkIrq => writeln!(f, "{}", link_irq_name(self.mac().lock().link_irq)),
            File::ReadErrors => {
                writeln!(f, "{}", u8::from(self.phy.state.lock().read_errors))
            }
            File::PhyState => {
                writeln!(f, "{}", phylib_state(&self.bus, PHY_ADDR).unwrap_or("none"))
            }
            File::Link => {
                let current = self.links.history.lock().current;
                write_link(f, current)
            }
            File::LinkEvents => {
                let history = self.links.history.lock();
                for event in history.events.iter() {
                    write!(f, "{} ", event.seq)?;
                    write_link(f, event.state)?;
                }
                Ok(())
            }
            File::Registers => {
                let mut state = self.phy.state.lock();
                let now = self.phy.now();
                for reg in REGISTER_MAP {
                    writeln!(f, "{reg:02x} {:04x}", state.model.peek(reg, now))?;
                }
                Ok(())
            }
            File::AccessLog => {
                let state = self.phy.state.lock();
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
            // Write-only: debugfs gives it no `read`.
            File::Advertise => Ok(()),
        }
    }

    fn store(&self, id: File, input: &str) -> Result {
        match id {
            File::Cable => {
                let plugged = parse_bool(input)?;
                self.change_model(|model, now| model.set_cable(plugged, now));
                Ok(())
            }
            File::Partner => {
                let modes = parse_modes(input)?;
                self.change_model(|model, now| model.set_partner(modes, now));
                Ok(())
            }
            File::Advertise => {
                let modes = parse_modes(input)?;
                self.mac()
                    .lock()
                    .phy
                    .as_mut()
                    .ok_or(ENODEV)?
                    .set_advertising(modes)
            }
            File::Attached => {
                let attach = parse_bool(input)?;
                let mut mac = self.mac().lock();
                if attach {
                    self.attach(&mut mac)
                } else {
                    // Dropping the attachment stops the state machine and detaches.
                    mac.phy = None;
                    Ok(())
                }
            }
            File::Running => {
                let run = parse_bool(input)?;
                let mut mac = self.mac().lock();
                let phy = mac.phy.as_mut().ok_or(ENODEV)?;
                if run {
                    phy.start()
                } else {
                    phy.stop();
                    Ok(())
                }
            }
            File::LinkIrq => {
                let link_irq = parse_link_irq(input)?;
                let mut mac = self.mac().lock();
                if mac.phy.is_some() {
                    return Err(EBUSY);
                }
                mac.link_irq = link_irq;
                Ok(())
            }
            File::ReadErrors => {
                self.phy.state.lock().read_errors = parse_bool(input)?;
                Ok(())
            }
            File::AccessLog => {
                if input != "clear" {
                    return Err(EINVAL);
                }
                self.phy.state.lock().log.clear();
                Ok(())
            }
            // Read-only: debugfs gives them no `write`.
            File::Link | File::LinkEvents | File::Registers | File::PhyState => Err(EINVAL),
        }
    }
}
