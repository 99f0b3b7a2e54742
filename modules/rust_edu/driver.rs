// SPDX-License-Identifier: GPL-2.0

//! The PCI driver: probe and unbind, the interrupt handler, and the file operations of
//! `/dev/rust-edu`.

#![deny(unsafe_code)]

use kernel::{
    device::{
        Bound,
        Core, //
    },
    devres::Devres,
    dma::{
        Coherent,
        DmaMask, //
    },
    fs::File,
    io::Io,
    iov::IovIterDest,
    irq::IrqReturn,
    pci::{
        self,
        IrqType,
        IrqTypes, //
    },
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::{
        poll::PollTable,
        Arc, //
    },
    uaccess::{
        UserPtr,
        UserSlice,
        UserSliceReader, //
    }, //
};

use crate::{
    compat,
    edu::Edu,
    miscdev::{
        AccessMode,
        IoMode,
        MiscDeviceRegistration,
        PollEvents,
        StreamMiscDevice, //
    },
    module_parameters,
    pci_setup::{
        self,
        Vector,
        VectorKind, //
    },
    regs::{
        self,
        Direction,
        Hardware,
        BAR0_SIZE,
        IDENTIFICATION,
        IDENTIFICATION_MAGIC,
        LIVENESS, //
    },
    uapi::{
        ReduDma,
        ReduFactorial,
        ReduStats,
        DMA_MEMORY_SIZE,
        IRQ_INTX,
        IRQ_MSI,
        REDU_DMA_READ,
        REDU_DMA_WRITE,
        REDU_FACTORIAL,
        REDU_GET_STATS,
        REDU_RAISE,
        TIMEOUT_MS, //
    }, //
};

/// The device as the driver uses it.
type EduDevice = Edu<Hardware>;

/// The device's addressing width for DMA (`dma_mask` of QEMU's edu).
const DMA_BITS: u32 = 28;

/// A value whose inverse the liveness register must read back.
const LIVENESS_PROBE: u32 = 0x5a5a_0f0f;

/// The interrupt handler: the device's own, sharing [`Edu`] with the files.
pub(crate) struct EduIrq(Arc<EduDevice>);

impl pci_setup::InterruptHandler for EduIrq {
    fn handle(&self) -> IrqReturn {
        if self.0.handle_interrupt() {
            IrqReturn::Handled
        } else {
            IrqReturn::None
        }
    }
}

/// Reads an ioctl argument of `N` bytes, a `T` of the UAPI.
fn read_request<T: FromBytes, const N: usize>(reader: &mut UserSliceReader) -> Result<T> {
    let bytes = reader.read::<[u8; N]>()?;
    T::read_from_bytes(&bytes).map_err(|_| EINVAL)
}

/// An open `/dev/rust-edu`.
struct EduFile {
    edu: Arc<EduDevice>,
}

impl EduFile {
    fn factorial(&self, arg: UserPtr) -> Result {
        let (mut reader, mut writer) =
            UserSlice::new(arg, size_of::<ReduFactorial>()).reader_writer();
        let mut request =
            read_request::<ReduFactorial, { size_of::<ReduFactorial>() }>(&mut reader)?;
        request.result = self.edu.factorial(request.n)?;
        writer.write_slice(request.as_bytes())
    }

    fn dma(&self, arg: UserPtr, direction: Direction) -> Result {
        let mut reader = UserSlice::new(arg, size_of::<ReduDma>()).reader();
        let request = read_request::<ReduDma, { size_of::<ReduDma>() }>(&mut reader)?;
        // An address beyond `usize` cannot be a user address.
        let addr = usize::try_from(request.addr).map_err(|_| EFAULT)?;
        let len = usize::try_from(request.len).map_err(|_| EINVAL)?;
        let user = UserSlice::new(UserPtr::from_addr(addr), len);
        let (mut reader, mut writer) = user.reader_writer();
        self.edu.transfer(
            direction,
            request.offset,
            request.len,
            |bytes| reader.read_slice(bytes),
            |bytes| writer.write_slice(bytes),
        )
    }
}

#[vtable]
impl StreamMiscDevice for EduFile {
    type Ptr = KBox<Self>;
    type RegistrationData = Arc<EduDevice>;

    fn open(misc: &MiscDeviceRegistration<Self>, _access: AccessMode) -> Result<KBox<Self>> {
        let edu = misc.data().clone();
        if edu.is_gone() {
            return Err(ENODEV);
        }
        Ok(KBox::new(Self { edu }, GFP_KERNEL)?)
    }

    fn read_iter(file: &Self, iov: &mut IovIterDest<'_>, mode: IoMode) -> Result<usize> {
        let size = size_of::<u32>();
        if iov.len() < size {
            return Err(EINVAL);
        }
        let events = file.edu.take_events(mode == IoMode::NonBlocking)?;
        let copied = iov.copy_to_iter(&events.to_ne_bytes());
        if copied != size {
            // Not delivered: the next read gets them.
            file.edu.restore_events(events);
            return Err(EFAULT);
        }
        Ok(copied)
    }

    fn poll(file: &Self, raw_file: &File, table: &PollTable<'_>) -> PollEvents {
        table.register_wait(raw_file, file.edu.events());
        if file.edu.readable() {
            PollEvents::READABLE
        } else {
            PollEvents::NONE
        }
    }

    fn ioctl(file: &Self, cmd: u32, arg: usize) -> Result<isize> {
        let arg = UserPtr::from_addr(arg);
        match cmd {
            REDU_FACTORIAL => file.factorial(arg)?,
            REDU_DMA_WRITE => file.dma(arg, Direction::ToDevice)?,
            REDU_DMA_READ => file.dma(arg, Direction::FromDevice)?,
            REDU_RAISE => {
                let bits = UserSlice::new(arg, size_of::<u32>())
                    .reader()
                    .read::<u32>()?;
                file.edu.raise(bits)?;
            }
            REDU_GET_STATS => {
                if file.edu.is_gone() {
                    return Err(ENODEV);
                }
                let stats = file.edu.stats();
                UserSlice::new(arg, size_of::<ReduStats>())
                    .writer()
                    .write_slice(stats.as_bytes())?;
            }
            _ => return Err(ENOTTY),
        }
        Ok(0)
    }

    fn show_fdinfo(file: &Self, m: &SeqFile) {
        let s = file.edu.stats();
        let mode = if s.irq_mode == IRQ_MSI { "msi" } else { "intx" };
        seq_print!(
            m,
            "edu-irq-mode:\t{mode}\nedu-irqs:\t{}\nedu-factorials:\t{}\n\
             edu-dma-to-device-bytes:\t{}\nedu-dma-from-device-bytes:\t{}\n",
            s.irqs,
            s.factorials,
            s.dma_to_device_bytes,
            s.dma_from_device_bytes
        );
    }
}

/// A bound device: its state, and its misc device, deregistered first when dropped.
#[pin_data]
pub(crate) struct BoundEdu<'bound> {
    #[pin]
    misc: MiscDeviceRegistration<EduFile>,
    edu: Arc<EduDevice>,
    /// `mix_vectors=2`'s vectors, dropped with the binding.
    _mixed: Option<compat::IrqVectors<'bound>>,
}

pub(crate) struct RustEduDriver;

compat::device_table!(
    pci,
    PCI_TABLE,
    <RustEduDriver as pci_setup::Driver>::IdInfo,
    [(pci_setup::device_id(0x1234, 0x11e8), ())]
);

impl RustEduDriver {
    /// Checks that BAR 0 is an edu device that answers.
    fn check_device(pdev: &pci::Device<Bound>, bar: &regs::Bar0<'_>) -> Result {
        let id = bar.read(IDENTIFICATION).value().get();
        if id & 0xff != IDENTIFICATION_MAGIC {
            dev_err!(pdev, "not an edu device: identification {id:#010x}\n");
            return Err(ENODEV);
        }
        bar.write_reg(LIVENESS::zeroed().with_value(LIVENESS_PROBE));
        let answer = bar.read(LIVENESS).value().get();
        if answer != !LIVENESS_PROBE {
            dev_err!(
                pdev,
                "liveness check failed: wrote {LIVENESS_PROBE:#010x}, read {answer:#010x}\n"
            );
            return Err(ENODEV);
        }
        dev_info!(
            pdev,
            "edu device version {}.{}\n",
            id >> 24,
            (id >> 16) & 0xff
        );
        Ok(())
    }

    fn bind(pdev: &pci::Device<Core<'_>>, kind: VectorKind) -> Result<Arc<EduDevice>> {
        let bar = pdev.iomap_region_sized::<BAR0_SIZE>(0, c"rust_edu")?;
        Self::check_device(pdev, &bar)?;
        let bar = bar.into_devres()?;
        let memory = Coherent::<u8>::zeroed_slice(pdev.as_ref(), DMA_MEMORY_SIZE, GFP_KERNEL)?;
        let memory = Devres::new(pdev.as_ref(), memory)?;

        let edu = Arc::pin_init(Edu::new(Hardware::new(bar, memory), TIMEOUT_MS), GFP_KERNEL)?;
        // Before the misc device exists, so before anyone can read it.
        edu.set_irq_mode(match kind {
            VectorKind::Msi => IRQ_MSI,
            VectorKind::Intx => IRQ_INTX,
        });
        Ok(edu)
    }
}

impl pci_setup::Driver for RustEduDriver {
    type IdInfo = ();
    type Data<'bound> = BoundEdu<'bound>;
    type Handler = EduIrq;

    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;
    const DMA_MASK: DmaMask = DmaMask::new::<DMA_BITS>();
    const IRQ_NAME: &'static CStr = c"rust_edu";

    fn vector() -> Vector {
        if compat::param(&module_parameters::msi) == 0 {
            Vector::Intx
        } else {
            Vector::MsiOrIntx
        }
    }

    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
        kind: VectorKind,
    ) -> Result<(EduIrq, impl PinInit<Self::Data<'bound>, Error> + 'bound)> {
        // Test-only (tests/rust_edu/lifecycle/mixed_vectors.sh): vectors of the kernel crate's
        // own beside the adapter's, which must not let them free its vector under its handler.
        let mixed = match compat::param(&module_parameters::mix_vectors) {
            0 => None,
            _ => Some(pdev.alloc_irq_vectors(1, 1, IrqTypes::default().with(IrqType::Intx))?),
        };
        let edu = Self::bind(pdev, kind)?;
        // 1: dropped within the probe (before 7.3's adapter, with the device's MSI vector
        // already requested); 2: kept until the binding ends. (Where the kernel crate leaves
        // the vectors to the devres core, 7.2, both keep them until unbind: `compat::IrqVectors`.)
        let mixed = mixed.filter(|_| compat::param(&module_parameters::mix_vectors) != 1);
        Ok((
            EduIrq(edu.clone()),
            try_pin_init!(BoundEdu {
                misc <- MiscDeviceRegistration::register(c"rust-edu", edu.clone()),
                edu,
                _mixed: mixed,
            }),
        ))
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        // After the shut-down: its wait for a running transfer needs the transfer's MSI.
        let idle = this.edu.shut_down();
        pci_setup::clear_master(pdev);
        if !idle {
            dev_warn!(
                pdev,
                "a DMA transfer still ran at unbind: bus mastering ended\n"
            );
        }
    }
}
