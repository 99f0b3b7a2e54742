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
//! By default the MAC tells phylib of link changes (`PHY_MAC_INTERRUPT`), as a MAC wired to the
//! PHY's interrupt line would: when the cable or the partner changes and when link training
//! ends, so phylib reacts within milliseconds. It does so in atomic context (under a spinlock),
//! as from a hard interrupt handler. With `link_irq` set to `poll`, phylib polls the
//! PHY once a second instead, as on boards without that line.
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
//! | `link_irq`    | RW     | `mac`: the MAC tells phylib of link changes; `poll`: phylib polls; set while detached |
//! | `read_errors` | RW     | `1`: every read of the PHY fails with `EIO` (writes still work); `0`: reads work |
//! | `phy_state`   | R      | phylib's state of the PHY, attached or not: `ready`, `up`, `running`, `nolink`, `halted`, `error`, `down` |
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
//! attached (`ENODEV` otherwise), `link_irq` detached (`EBUSY` otherwise; it applies from the
//! next attach); `attached` forwards attach errors (e.g. `EIO` while the PHY
//! driver module is being removed). Writing the current value is a no-op: the same `cable` or
//! `partner` keeps the link, the same `advertise` leaves negotiation alone (with `rust_phy` or
//! genphy, which restart it only for a changed advertisement), the same `attached` or `running`
//! does nothing.
//!
//! While a file is open the module is in use: `rmmod rust_vmdio` fails with `EWOULDBLOCK` until
//! it is closed (`modules/common/debugfs.rs` explains why the kernel crate's debugfs files are
//! not used).
//!
//! # The PHY's driver unbound under the fixture
//!
//! Root may unbind the PHY's driver through sysfs while the PHY is attached. phylib then stops
//! the state machine without reporting the link down, so `link` keeps the last report;
//! `running` reads `0`, and writing `1` to it (or to `advertise`) fails with `ENODEV` until a
//! driver is bound again. Binding one leaves the state machine stopped: write `1` to `running`.
//! Detaching (`attached`, or unloading the module) works in every case.
//!
//! # Bus errors
//!
//! With `read_errors` set, the next run of phylib's state machine (a link change the MAC
//! signals, or a poll) fails to read the PHY: phylib warns (a `WARNING` naming
//! `phy_check_link_status`), enters its error state (`phy_state` reads `error`), reports the
//! link down and stops. Writing `0` to `running` stops it (`halted`); once reads work again,
//! writing `1` starts it. Detaching or unloading stops it in every state, the error state
//! included (`phy_state` then reads `halted`).
//!
//! Stopping the state machine is how a MAC suspends its PHY: `phy_stop()` reports the link
//! down and suspends the PHY (driver `suspend`, BMCR.PDOWN on the RV1000); `phy_start()`
//! resumes it (driver `resume`) and restarts auto-negotiation.
//!
//! Attaching pins the PHY driver's module, as phylib does for every MAC: while attached,
//! `rust_phy` cannot be removed (`EBUSY`); detach first.

use kernel::{
    new_mutex, new_spinlock,
    prelude::*,
    static_lock_class,
    sync::{
        Arc,
        Mutex,
        SpinLock, //
    },
    time::{
        Instant,
        Monotonic, //
    },
};

// The shared abstractions and register definitions are compiled into each module that uses
// them; what one module leaves unused, another uses.
#[path = "../common/compat.rs"]
mod compat;
#[path = "../common/debugfs.rs"]
mod debugfs;

#[path = "../common/delayed_call.rs"]
mod delayed_call;

#[path = "../common/mdio.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod mdio;

#[path = "../common/mii.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod mii;

#[path = "../common/phy_attach.rs"]
mod phy_attach;

#[path = "../common/phy_modes.rs"]
#[allow(dead_code, reason = "shared with other modules, which use other parts")]
mod phy_modes;

#[path = "../common/rv1000.rs"]
#[allow(dead_code, reason = "shared with the driver, which uses other parts")]
mod rv1000;

mod interface;
mod log;
mod model;

use debugfs::Directory;
use delayed_call::{
    DelayedCall,
    DelayedTarget, //
};
use log::{
    Access,
    LinkEvent,
    Ring, //
};
use mdio::{
    LinkObserver,
    LinkState,
    MdioBusOps,
    Registration, //
};
use model::Rv1000Model;
use phy_attach::{
    LinkChanges,
    StandalonePhy, //
};

module! {
    type: VmdioModule,
    name: "rust_vmdio",
    authors: ["Rust kernel module collection contributors"],
    description: "Virtual MDIO bus with an emulated RV1000 PHY",
    license: "GPL",
}

/// MDIO address of the emulated PHY.
const PHY_ADDR: u8 = 1;

/// Number of entries the access log keeps.
const ACCESS_LOG_LEN: usize = 512;

/// Number of link changes `link_events` keeps.
const LINK_EVENTS_LEN: usize = 64;

/// The PHY model and its access log, as the bus sees them.
struct PhyState {
    model: Rv1000Model,
    /// Reads of the PHY fail with `EIO`, as on a bus whose PHY stopped answering.
    read_errors: bool,
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

/// How much later than the model's end of link training its interrupt is raised: a timer may
/// expire up to a jiffy (4 ms at HZ=250) before the model's millisecond clock says the time has
/// come, and an interrupt that finds the link still training would be the last one.
const TRAINING_END_MARGIN_MS: i64 = 10;

/// The PHY's link signal to the MAC, which tells phylib (`MacPort`'s `run`): raised at once
/// when the link drops, and again when link training ends.
#[pin_data]
struct LinkSignal {
    #[pin]
    dropped: DelayedCall<MacPort>,
    #[pin]
    trained: DelayedCall<MacPort>,
}

impl LinkSignal {
    fn new(mac: Arc<MacPort>) -> impl PinInit<Self> {
        pin_init!(Self {
            dropped <- DelayedCall::new(mac.clone(), static_lock_class!(), static_lock_class!()),
            trained <- DelayedCall::new(mac, static_lock_class!(), static_lock_class!()),
        })
    }

    /// Signals what the model did at `now`: `dropped` when the link went down by the hand of
    /// the test (cable, partner), and when the training it may have started ends.
    fn follow(&self, model: &Rv1000Model, now: i64, dropped: bool) {
        if dropped {
            self.dropped.arm(0);
        }
        if let Some(end) = model.training_ends() {
            let delay = (end - now + TRAINING_END_MARGIN_MS).clamp(0, i64::from(u32::MAX));
            self.trained.arm(u32::try_from(delay).unwrap_or(u32::MAX));
        }
    }
}

/// The device side of the virtual bus: an RV1000 at [`PHY_ADDR`], nothing elsewhere.
#[pin_data]
struct VirtualPhy {
    epoch: Instant<Monotonic>,
    #[pin]
    state: Mutex<PhyState>,
    #[pin]
    signal: LinkSignal,
}

impl VirtualPhy {
    fn new(mac: Arc<MacPort>) -> Result<impl PinInit<Self>> {
        let log = Ring::new()?;
        let epoch = Instant::<Monotonic>::now();
        Ok(pin_init!(Self {
            epoch,
            state <- new_mutex!(PhyState {
                model: Rv1000Model::new(0),
                read_errors: false,
                log,
                next_seq: 0,
            }),
            signal <- LinkSignal::new(mac),
        }))
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
        if state.read_errors {
            return Err(EIO);
        }
        let val = state.model.read(regnum, self.now());
        state.record(false, regnum, val);
        Ok(val)
    }

    fn write(&self, addr: u8, regnum: u8, val: u16) -> Result {
        if addr != PHY_ADDR {
            return Ok(());
        }
        let mut state = self.state.lock();
        let now = self.now();
        state.model.write(regnum, val, now);
        state.record(true, regnum, val);
        // phylib wrote it, so phylib knows of a link it dropped: signal only the training end.
        self.signal.follow(&state.model, now, false);
        Ok(())
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
    fn new() -> Result<impl PinInit<Self>> {
        let events = Ring::new()?;
        Ok(pin_init!(Self {
            history <- new_mutex!(LinkHistory {
                events,
                current: LinkState::DOWN,
                next_seq: 0,
            }),
        }))
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
pub(crate) struct Mac {
    phy: Option<StandalonePhy<VirtualPhy>>,
    /// How phylib learns of link changes from the next attach on.
    link_irq: LinkChanges,
}

/// The MAC, which the PHY's link signal reaches.
#[pin_data]
pub(crate) struct MacPort {
    #[pin]
    mac: Mutex<Mac>,
    /// Held while the MAC tells phylib of a change, as a MAC's interrupt handler holds its
    /// lock: the call runs in atomic context, where a kernel with `CONFIG_DEBUG_ATOMIC_SLEEP`
    /// reports anything that might sleep.
    #[pin]
    irq: SpinLock<()>,
}

impl DelayedTarget for MacPort {
    fn run(&self) {
        let mac = self.mac.lock();
        if let Some(phy) = mac.phy.as_ref() {
            let _atomic = self.irq.lock();
            phy.mac_interrupt();
        }
    }
}

/// Everything the module owns; its debugfs files (`interface.rs`) show and change it.
///
/// The attachment (in `mac`) holds the bus, whose data is `phy`, whose link signal holds `mac`:
/// a cycle of references that detaching breaks, and dropping the fixture detaches first.
#[pin_data(PinnedDrop)]
pub(crate) struct Fixture {
    phy: Arc<VirtualPhy>,
    links: Arc<LinkRecorder>,
    mac: Arc<MacPort>,
    bus: Arc<Registration<VirtualPhy>>,
}

impl Fixture {
    pub(crate) fn attach(&self, mac: &mut Mac) -> Result {
        if mac.phy.is_none() {
            mac.phy = Some(StandalonePhy::attach(
                &self.bus,
                PHY_ADDR,
                self.links.clone(),
                mac.link_irq,
            )?);
        }
        Ok(())
    }

    /// Changes the model as the test asks, and signals the link's change to the MAC.
    pub(crate) fn change_model(&self, change: impl FnOnce(&mut Rv1000Model, i64)) {
        let mut state = self.phy.state.lock();
        let now = self.phy.now();
        change(&mut state.model, now);
        self.phy.signal.follow(&state.model, now, true);
    }

    pub(crate) fn mac(&self) -> &Mutex<Mac> {
        &self.mac.mac
    }
}

#[pinned_drop]
impl PinnedDrop for Fixture {
    fn drop(self: Pin<&mut Self>) {
        // Stops the state machine and detaches, which breaks the cycle (see the type's docs);
        // the bus and the PHY's link signal then go with the last references.
        self.mac.mac.lock().phy = None;
    }
}

struct VmdioModule {
    _fixture: Pin<KBox<Directory<Fixture>>>,
}

impl kernel::Module for VmdioModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mac = Arc::pin_init(
            pin_init!(MacPort {
                mac <- new_mutex!(Mac {
                    phy: None,
                    link_irq: LinkChanges::MacInterrupt,
                }),
                irq <- new_spinlock!(()),
            }),
            GFP_KERNEL,
        )?;
        let phy = Arc::pin_init(VirtualPhy::new(mac.clone())?, GFP_KERNEL)?;
        let bus = Arc::new(
            Registration::register(c"rust_vmdio", c"rust_vmdio", phy.clone())?,
            GFP_KERNEL,
        )?;
        let links = Arc::pin_init(LinkRecorder::new()?, GFP_KERNEL)?;
        let fixture = Fixture {
            phy,
            links,
            mac,
            bus,
        };
        {
            // The link signal finds the attachment before the state machine's first access.
            let mut mac = fixture.mac().lock();
            fixture.attach(&mut mac)?;
            if let Some(phy) = mac.phy.as_mut() {
                phy.start()?;
            }
        }
        let fixture = KBox::pin_init(
            Directory::new(c"rust_vmdio", Ok::<_, Error>(fixture)),
            GFP_KERNEL,
        )?;
        Ok(Self { _fixture: fixture })
    }
}
