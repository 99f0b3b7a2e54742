// SPDX-License-Identifier: GPL-2.0

//! Register map of the edu device (QEMU's `docs/specs/edu.rst`) and access to it.
//!
//! BAR 0 holds these registers, all little-endian. The DMA ones are 64 bits wide; the driver
//! accesses their low half only, with 32-bit accesses, which the device zero-extends: the DMA
//! mask keeps every address below 2^28.
//!
//! | Offset | Name              | Use                                                       |
//! |--------|-------------------|-----------------------------------------------------------|
//! | `0x00` | `IDENTIFICATION`  | `0xRRrr00ed`: major, minor version, `0xed`                |
//! | `0x04` | `LIVENESS`        | reads back the inverse of the value written               |
//! | `0x08` | `FACTORIAL`       | write `n` to start; reads `n!` when done                  |
//! | `0x20` | `STATUS`          | 0:0 computing (read only); 7:7 interrupt when done        |
//! | `0x24` | `IRQ_STATUS`      | pending interrupt bits                                    |
//! | `0x60` | `IRQ_RAISE`       | write bits to raise them                                  |
//! | `0x64` | `IRQ_ACK`         | write bits to acknowledge them                            |
//! | `0x80` | `DMA_SOURCE`      | bus address a transfer reads                              |
//! | `0x88` | `DMA_DESTINATION` | bus address a transfer writes                             |
//! | `0x90` | `DMA_COUNT`       | bytes to transfer                                         |
//! | `0x98` | `DMA_COMMAND`     | 0:0 run; 1:1 towards memory; 2:2 interrupt when done      |
//!
//! The device's buffer is at bus address [`DMA_BUFFER_ADDRESS`] on the device side of a
//! transfer; the device ignores writes to the DMA registers while a transfer runs.
//!
//! The driver logic only talks to the device through [`Backend`], so that it runs unchanged on
//! the hardware ([`Hardware`]) and on the double of the KUnit tests.

#![deny(unsafe_code)]

use kernel::{
    devres::Devres,
    dma::Coherent,
    io::{
        register,
        register::Register,
        Io, //
    },
    prelude::*, //
};

use crate::{
    compat::{
        self,
        DevresBar, //
    },
    uapi::DMA_BUFFER_SIZE, //
};

/// Bytes of BAR 0 the driver uses: up to the end of `DMA_COMMAND`.
pub(crate) const BAR0_SIZE: usize = 0xa0;

/// The low byte of `IDENTIFICATION` on every edu device.
pub(crate) const IDENTIFICATION_MAGIC: u32 = 0xed;

/// Where the device's buffer is, as a DMA address on the device's side.
pub(crate) const DMA_BUFFER_ADDRESS: u32 = 0x40000;

/// `IRQ_STATUS` bit of a finished factorial.
pub(crate) const IRQ_FACTORIAL: u32 = 0x1;
/// `IRQ_STATUS` bit of a finished transfer.
pub(crate) const IRQ_DMA: u32 = 0x100;

register! {
    /// Version of the device.
    pub(crate) IDENTIFICATION(u32) @ 0x00 {
        31:0 value;
    }

    /// Liveness check: reads the inverse of what was written last.
    pub(crate) LIVENESS(u32) @ 0x04 {
        31:0 value;
    }

    /// The factorial unit: a write starts it, a read returns the result.
    pub(crate) FACTORIAL(u32) @ 0x08 {
        31:0 value;
    }

    /// The factorial unit's state.
    pub(crate) STATUS(u32) @ 0x20 {
        /// Raise `IRQ_FACTORIAL` when a computation finishes.
        7:7 irq_when_done => bool;
        /// A computation runs (read only).
        0:0 computing => bool;
    }

    /// Interrupt bits pending.
    pub(crate) IRQ_STATUS(u32) @ 0x24 {
        31:0 bits;
    }

    /// Raises the bits written.
    pub(crate) IRQ_RAISE(u32) @ 0x60 {
        31:0 bits;
    }

    /// Acknowledges the bits written.
    pub(crate) IRQ_ACK(u32) @ 0x64 {
        31:0 bits;
    }

    /// Source address of a transfer.
    pub(crate) DMA_SOURCE(u32) @ 0x80 {
        31:0 address;
    }

    /// Destination address of a transfer.
    pub(crate) DMA_DESTINATION(u32) @ 0x88 {
        31:0 address;
    }

    /// Bytes of a transfer.
    pub(crate) DMA_COUNT(u32) @ 0x90 {
        31:0 bytes;
    }

    /// Starts a transfer, and shows whether one runs.
    pub(crate) DMA_COMMAND(u32) @ 0x98 {
        /// Raise `IRQ_DMA` when the transfer finishes.
        2:2 irq_when_done => bool;
        /// From the device buffer to memory (else from memory to the buffer).
        1:1 to_memory => bool;
        /// Start; reads as set while the transfer runs.
        0:0 run => bool;
    }
}

/// Which way a transfer moves data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From memory into the device buffer.
    ToDevice,
    /// From the device buffer into memory.
    FromDevice,
}

/// A transfer between the device buffer and the driver's DMA memory: checked at construction.
///
/// # Invariants
///
/// `offset + len <= DMA_BUFFER_SIZE`, and `len > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Transfer {
    direction: Direction,
    offset: usize,
    len: usize,
}

impl Transfer {
    /// A transfer of `len` bytes at `offset` in the device buffer, or `None` for an empty one.
    ///
    /// # Errors
    ///
    /// `EINVAL` if the range does not fit in the buffer.
    pub(crate) fn new(direction: Direction, offset: u32, len: u32) -> Result<Option<Self>> {
        let offset = usize::try_from(offset).map_err(|_| EINVAL)?;
        let len = usize::try_from(len).map_err(|_| EINVAL)?;
        let end = offset.checked_add(len).ok_or(EINVAL)?;
        if end > DMA_BUFFER_SIZE {
            return Err(EINVAL);
        }
        if len == 0 {
            return Ok(None);
        }
        // INVARIANT: Checked just above.
        Ok(Some(Self {
            direction,
            offset,
            len,
        }))
    }

    /// The direction.
    pub(crate) fn direction(&self) -> Direction {
        self.direction
    }

    /// Bytes to move, at most [`DMA_BUFFER_SIZE`].
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The register values that start it, given the bus address of the driver's DMA memory.
    pub(crate) fn registers(
        &self,
        memory: u32,
    ) -> (DMA_SOURCE, DMA_DESTINATION, DMA_COUNT, DMA_COMMAND) {
        // The type invariants bound both by `DMA_BUFFER_SIZE`: no overflow, no truncation.
        let buffer = DMA_BUFFER_ADDRESS + self.offset as u32;
        let (source, destination) = match self.direction {
            Direction::ToDevice => (memory, buffer),
            Direction::FromDevice => (buffer, memory),
        };
        (
            DMA_SOURCE::zeroed().with_address(source),
            DMA_DESTINATION::zeroed().with_address(destination),
            DMA_COUNT::zeroed().with_bytes(self.len as u32),
            DMA_COMMAND::zeroed()
                .with_run(true)
                .with_to_memory(self.direction == Direction::FromDevice)
                .with_irq_when_done(true),
        )
    }
}

/// What the driver logic needs of a device: its registers and its DMA memory.
///
/// Every call is one access (or one copy), and every one can fail with `ENODEV`: a real
/// device's resources are revoked when it is unbound (see [`Hardware`]).
pub(crate) trait Backend: Send + Sync {
    /// Reads a register.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn read<R: Readable>(&self) -> Result<R>;

    /// Writes a register.
    ///
    /// # Errors
    ///
    /// `ENODEV` if the registers are no longer accessible.
    fn write<R: Writable>(&self, value: R) -> Result;

    /// The bus address of the driver's DMA memory.
    ///
    /// # Errors
    ///
    /// `ENODEV` if it is no longer accessible; `EIO` if the address does not fit the device's
    /// 32-bit registers (the DMA mask rules that out).
    fn memory_address(&self) -> Result<u32>;

    /// Copies `data` to the start of the driver's DMA memory.
    ///
    /// # Errors
    ///
    /// `ENODEV` if it is no longer accessible; `EINVAL` if `data` is larger than it.
    fn copy_to_memory(&self, data: &[u8]) -> Result;

    /// Fills `out` from the start of the driver's DMA memory.
    ///
    /// # Errors
    ///
    /// `ENODEV` if it is no longer accessible; `EINVAL` if `out` is larger than it.
    fn copy_from_memory(&self, out: &mut [u8]) -> Result;
}

/// The mapping of BAR 0.
pub(crate) type Bar0<'a> = kernel::pci::Bar<'a, BAR0_SIZE>;

/// A register [`Backend::read`] can read.
pub(crate) trait Readable: Register {
    /// Reads it from the mapped BAR.
    fn read_from(bar: &Bar0<'_>) -> Self;

    /// The register holding `raw`, cut to its width as the device does (for doubles).
    #[cfg(rkm_kunit)]
    fn from_bits(raw: u64) -> Self;
}

/// A register [`Backend::write`] can write.
pub(crate) trait Writable: Register {
    /// Writes it to the mapped BAR.
    fn write_to(self, bar: &Bar0<'_>);

    /// Its raw value (for doubles).
    #[cfg(rkm_kunit)]
    fn to_bits(self) -> u64;
}

macro_rules! readable {
    ($($reg:ident),*) => {
        $(impl Readable for $reg {
            fn read_from(bar: &Bar0<'_>) -> Self {
                bar.read($reg)
            }

            #[cfg(rkm_kunit)]
            fn from_bits(raw: u64) -> Self {
                // CAST: Truncates to the register's width on purpose, as the device does.
                Self::from_raw(raw as <Self as Register>::Storage)
            }
        })*
    };
}

macro_rules! writable {
    ($($reg:ident),*) => {
        $(impl Writable for $reg {
            fn write_to(self, bar: &Bar0<'_>) {
                bar.write_reg(self)
            }

            #[cfg(rkm_kunit)]
            fn to_bits(self) -> u64 {
                u64::from(self.into_raw())
            }
        })*
    };
}

readable!(
    IDENTIFICATION,
    LIVENESS,
    FACTORIAL,
    STATUS,
    IRQ_STATUS,
    DMA_COMMAND
);
writable!(
    LIVENESS,
    FACTORIAL,
    STATUS,
    IRQ_RAISE,
    IRQ_ACK,
    DMA_SOURCE,
    DMA_DESTINATION,
    DMA_COUNT,
    DMA_COMMAND
);

/// A bound device's resources: BAR 0 and the DMA memory, both device-managed.
///
/// The devres core revokes both when the device is unbound (or they are dropped), and from then
/// on every access fails with `ENODEV` instead of touching an unmapped BAR or freed memory: the
/// type has no lifetime, so open files may keep it.
pub(crate) struct Hardware {
    bar: DevresBar<BAR0_SIZE>,
    memory: Devres<Coherent<[u8]>>,
}

impl Hardware {
    /// Takes over a mapped BAR and DMA memory of at least [`DMA_BUFFER_SIZE`] bytes.
    pub(crate) fn new(bar: DevresBar<BAR0_SIZE>, memory: Devres<Coherent<[u8]>>) -> Self {
        Self { bar, memory }
    }
}

// Each access takes the resource's revocable guard, an RCU read-side critical section that
// revocation waits for, for itself alone: none sleeps while holding it.
impl Backend for Hardware {
    fn read<R: Readable>(&self) -> Result<R> {
        let bar = self.bar.try_access().ok_or(ENODEV)?;
        Ok(R::read_from(&bar))
    }

    fn write<R: Writable>(&self, value: R) -> Result {
        let bar = self.bar.try_access().ok_or(ENODEV)?;
        value.write_to(&bar);
        Ok(())
    }

    fn memory_address(&self) -> Result<u32> {
        let memory = self.memory.try_access().ok_or(ENODEV)?;
        u32::try_from(compat::dma_address(&memory)).map_err(|_| EIO)
    }

    fn copy_to_memory(&self, data: &[u8]) -> Result {
        let memory = self.memory.try_access().ok_or(ENODEV)?;
        compat::copy_to_coherent(&memory, data)
    }

    fn copy_from_memory(&self, out: &mut [u8]) -> Result {
        let memory = self.memory.try_access().ok_or(ENODEV)?;
        compat::copy_from_coherent(&memory, out)
    }
}
