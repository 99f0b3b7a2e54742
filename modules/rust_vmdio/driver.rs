// SPDX-License-Identifier: GPL-2.0

//! The fixture: the virtual bus with its PHY, the MAC that attaches the PHY and records the link
//! changes phylib reports, and the module that owns them.

#![deny(unsafe_code)]

use kernel::{
    new_mutex,
    new_spinlock,
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
    }, //
};

use crate::{
    debugfs::Directory,
    delayed_call::{
        DelayedCall,
        DelayedTarget, //
    },
    log::{
        Access,
        LinkEvent,
        Ring, //
    },
    mdio::{
        LinkObserver,
        LinkState,
        MdioBusOps,
        Registration, //
    },
    model::Rv1000Model,
    phy_attach::{
        LinkChanges,
        StandalonePhy, //
    }, //
};

/// MDIO address of the emulated PHY.
pub(crate) const PHY_ADDR: u8 = 1;

/// Number of entries the access log keeps.
const ACCESS_LOG_LEN: usize = 512;

/// Number of link changes `link_events` keeps.
const LINK_EVENTS_LEN: usize = 64;

/// The PHY model and its access log, as the bus sees them.
pub(crate) struct PhyState {
    pub(crate) model: Rv1000Model,
    /// Reads of the PHY fail with `EIO`, as on a bus whose PHY stopped answering.
    pub(crate) read_errors: bool,
    pub(crate) log: Ring<Access, ACCESS_LOG_LEN>,
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
pub(crate) struct VirtualPhy {
    epoch: Instant<Monotonic>,
    #[pin]
    pub(crate) state: Mutex<PhyState>,
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
    pub(crate) fn now(&self) -> i64 {
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

pub(crate) struct LinkHistory {
    pub(crate) events: Ring<LinkEvent, LINK_EVENTS_LEN>,
    pub(crate) current: LinkState,
    next_seq: u32,
}

/// The MAC's record of what phylib told it.
#[pin_data]
pub(crate) struct LinkRecorder {
    #[pin]
    pub(crate) history: Mutex<LinkHistory>,
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
    pub(crate) phy: Option<StandalonePhy<VirtualPhy>>,
    /// How phylib learns of link changes from the next attach on.
    pub(crate) link_irq: LinkChanges,
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
pub(crate) struct Fixture {
    pub(crate) phy: Arc<VirtualPhy>,
    pub(crate) links: Arc<LinkRecorder>,
    mac: Arc<MacPort>,
    pub(crate) bus: Arc<Registration<VirtualPhy>>,
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

impl Drop for Fixture {
    fn drop(&mut self) {
        // Stops the state machine and detaches, which breaks the cycle (see the type's docs);
        // the bus and the PHY's link signal then go with the last references.
        self.mac.mac.lock().phy = None;
    }
}

pub(crate) struct VmdioModule {
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
