// SPDX-License-Identifier: GPL-2.0

//! KUnit tests: the register encoding, transfer ranges, the factorial reference, and the command
//! state machine with its interrupt handler, against a double of the device.
//!
//! The double completes a command when the driver writes the register that starts it, and sets
//! the interrupt bit the device would; a test then calls the interrupt handler, as the interrupt
//! would. Waiting for an interrupt that comes is left to the userspace tests on the real device;
//! waiting for one that does not come is tested here, with a short timeout.

#![deny(unsafe_code)]

#[kernel::macros::kunit_tests(rust_edu)]
mod tests {
    use kernel::{
        io::register::Register,
        prelude::*,
        sync::{
            atomic::{
                Atomic,
                Relaxed, //
            },
            Arc, //
        }, //
    };

    use crate::{
        compat::{
            new_spinlock_irq,
            SpinLockIrq, //
        },
        edu::Edu,
        regs::{
            Backend,
            Direction,
            Readable,
            Transfer,
            Writable,
            BAR0_SIZE,
            DMA_BUFFER_ADDRESS,
            DMA_COMMAND,
            DMA_COUNT,
            DMA_DESTINATION,
            DMA_SOURCE,
            FACTORIAL,
            IRQ_ACK,
            IRQ_DMA,
            IRQ_FACTORIAL,
            IRQ_RAISE,
            IRQ_STATUS,
            LIVENESS,
            STATUS, //
        },
        uapi::DMA_MEMORY_SIZE, //
    };

    /// The software reference of the device's factorial: `n!` modulo 2^32.
    fn factorial_reference(n: u32) -> u32 {
        (1..=n).fold(1u32, |product, k| product.wrapping_mul(k))
    }

    /// The memories a transfer moves between: the device's buffer and the driver's DMA memory.
    struct Memories {
        buffer: KVec<u8>,
        memory: KVec<u8>,
    }

    /// The simulated device: one word per 4 bytes of BAR 0, its memories, and how it behaves.
    #[pin_data]
    struct Model {
        words: [Atomic<u64>; BAR0_SIZE / 4],
        writes: Atomic<u32>,
        /// A factorial keeps computing until [`Model::finish_factorial`].
        slow_factorial: Atomic<bool>,
        /// Interrupt-safe: the driver reaches it under its own interrupt-safe lock, which the
        /// real device's handler takes in hard interrupt context (lockdep tracks the class).
        #[pin]
        memories: SpinLockIrq<Memories>,
    }

    /// The bus address of the driver's DMA memory in the double.
    const MEMORY_ADDRESS: u32 = 0x10_0000;

    impl Model {
        fn new() -> Result<Arc<Self>> {
            Arc::pin_init(
                try_pin_init!(Self {
                    words: [const { Atomic::new(0) }; BAR0_SIZE / 4],
                    writes: Atomic::new(0),
                    slow_factorial: Atomic::new(false),
                    memories <- new_spinlock_irq!(Memories {
                        buffer: KVec::from_elem(0u8, DMA_MEMORY_SIZE, GFP_KERNEL)?,
                        memory: KVec::from_elem(0u8, DMA_MEMORY_SIZE, GFP_KERNEL)?,
                    }),
                }? Error),
                GFP_KERNEL,
            )
        }

        fn word(&self, offset: usize) -> &Atomic<u64> {
            &self.words[offset / 4]
        }

        fn get(&self, offset: usize) -> u64 {
            self.word(offset).load(Relaxed)
        }

        fn set(&self, offset: usize, value: u64) {
            self.word(offset).store(value, Relaxed);
        }

        fn raise(&self, bits: u32) {
            let status = self.get(IRQ_STATUS::OFFSET) | u64::from(bits);
            self.set(IRQ_STATUS::OFFSET, status);
        }

        /// Ends the running factorial, with its interrupt if it asked for one.
        fn finish_factorial(&self) {
            let status = STATUS::from_bits(self.get(STATUS::OFFSET));
            let n = self.get(FACTORIAL::OFFSET) as u32;
            self.set(FACTORIAL::OFFSET, factorial_reference(n).into());
            self.set(STATUS::OFFSET, status.with_computing(false).to_bits());
            if status.irq_when_done() {
                self.raise(IRQ_FACTORIAL);
            }
        }

        /// Runs the transfer `DMA_COMMAND` describes, as the device does when started.
        fn run_transfer(&self, command: DMA_COMMAND) {
            let source = self.get(DMA_SOURCE::OFFSET);
            let destination = self.get(DMA_DESTINATION::OFFSET);
            let count = self.get(DMA_COUNT::OFFSET) as usize;
            let mut memories = self.memories.lock();
            let Memories { buffer, memory } = &mut *memories;
            let (buffer_address, memory_address) =
                (u64::from(DMA_BUFFER_ADDRESS), u64::from(MEMORY_ADDRESS));
            let (from, to, from_at, to_at) = if command.to_memory() {
                (
                    &*buffer,
                    memory,
                    source - buffer_address,
                    destination - memory_address,
                )
            } else {
                (
                    &*memory,
                    buffer,
                    source - memory_address,
                    destination - buffer_address,
                )
            };
            let (from_at, to_at) = (from_at as usize, to_at as usize);
            to[to_at..to_at + count].copy_from_slice(&from[from_at..from_at + count]);
            drop(memories);
            self.set(DMA_COMMAND::OFFSET, command.with_run(false).to_bits());
            if command.irq_when_done() {
                self.raise(IRQ_DMA);
            }
        }
    }

    /// The [`Backend`] over a [`Model`] the test keeps too.
    struct Double(Arc<Model>);

    impl Backend for Double {
        fn read<R: Readable>(&self) -> Result<R> {
            Ok(R::from_bits(self.0.get(R::OFFSET)))
        }

        fn write<R: Writable>(&self, value: R) -> Result {
            let model = &*self.0;
            model.writes.fetch_add(1, Relaxed);
            let bits = value.to_bits();
            match R::OFFSET {
                LIVENESS::OFFSET => model.set(LIVENESS::OFFSET, !bits & 0xffff_ffff),
                FACTORIAL::OFFSET => {
                    // As the device: ignored while computing.
                    let status = STATUS::from_bits(model.get(STATUS::OFFSET));
                    if !status.computing() {
                        model.set(FACTORIAL::OFFSET, bits);
                        model.set(STATUS::OFFSET, status.with_computing(true).to_bits());
                        if !model.slow_factorial.load(Relaxed) {
                            model.finish_factorial();
                        }
                    }
                }
                STATUS::OFFSET => {
                    let computing = STATUS::from_bits(model.get(STATUS::OFFSET)).computing();
                    let written = STATUS::from_bits(bits).with_computing(computing);
                    model.set(STATUS::OFFSET, written.to_bits());
                }
                IRQ_RAISE::OFFSET => model.raise(bits as u32),
                IRQ_ACK::OFFSET => {
                    let status = model.get(IRQ_STATUS::OFFSET) & !bits;
                    model.set(IRQ_STATUS::OFFSET, status);
                }
                DMA_COMMAND::OFFSET => {
                    let command = DMA_COMMAND::from_bits(bits);
                    if command.run() {
                        model.run_transfer(command);
                    }
                }
                offset => model.set(offset, bits),
            }
            Ok(())
        }

        fn memory_address(&self) -> Result<u32> {
            Ok(MEMORY_ADDRESS)
        }

        fn copy_to_memory(&self, data: &[u8]) -> Result {
            let mut memories = self.0.memories.lock();
            memories
                .memory
                .get_mut(..data.len())
                .ok_or(EINVAL)?
                .copy_from_slice(data);
            Ok(())
        }

        fn copy_from_memory(&self, out: &mut [u8]) -> Result {
            let memories = self.0.memories.lock();
            out.copy_from_slice(memories.memory.get(..out.len()).ok_or(EINVAL)?);
            Ok(())
        }
    }

    /// How long the double's commands wait for an interrupt. Only the timeout test waits: every
    /// other test calls the halves of a command around the handler instead.
    const TIMEOUT_MS: u32 = 20;

    /// A driver state over a fresh double, and the double.
    fn edu() -> Result<(Arc<Edu<Double>>, Arc<Model>)> {
        let model = Model::new()?;
        let edu = Arc::pin_init(Edu::new(Double(model.clone()), TIMEOUT_MS), GFP_KERNEL)?;
        Ok((edu, model))
    }

    fn factorial_finished(edu: &Edu<Double>) -> Result<bool> {
        edu.factorial_finished(&mut edu.irq.lock())
    }

    fn transfer_finished(edu: &Edu<Double>) -> Result<bool> {
        edu.transfer_finished(&mut edu.irq.lock())
    }

    #[test]
    fn transfer_ranges() -> Result {
        use Direction::ToDevice;
        for (offset, len) in [(0, 1), (0, 4094), (0, 4095), (4094, 1), (1, 4094)] {
            let transfer = Transfer::new(ToDevice, offset, len)?.ok_or(EINVAL)?;
            assert_eq!(transfer.len(), len as usize);
        }
        // Nothing to move: no transfer.
        assert!(Transfer::new(ToDevice, 0, 0)?.is_none());
        assert!(Transfer::new(ToDevice, 4095, 0)?.is_none());
        // The first ranges that reach the buffer's last byte (see `DMA_BUFFER_SIZE`).
        for (offset, len) in [(0, 4096), (4095, 1), (4094, 2), (4096, 0), (u32::MAX, 2)] {
            assert_eq!(Transfer::new(ToDevice, offset, len), Err(EINVAL));
        }
        Ok(())
    }

    #[test]
    fn transfer_encoding() -> Result {
        let to_device = Transfer::new(Direction::ToDevice, 16, 32)?.ok_or(EINVAL)?;
        let (source, destination, count, command) = to_device.registers(0x1000);
        assert_eq!(source.into_raw(), 0x1000);
        assert_eq!(destination.into_raw(), 0x40010);
        assert_eq!(count.into_raw(), 32);
        // Run, towards the device, interrupt when done.
        assert_eq!(command.into_raw(), 0b101);

        let from_device = Transfer::new(Direction::FromDevice, 4094, 1)?.ok_or(EINVAL)?;
        let (source, destination, count, command) = from_device.registers(0x2000);
        assert_eq!(source.into_raw(), 0x40ffe);
        assert_eq!(destination.into_raw(), 0x2000);
        assert_eq!(count.into_raw(), 1);
        assert_eq!(command.into_raw(), 0b111);
        Ok(())
    }

    #[test]
    fn factorial_modulo_two_to_the_32() {
        assert_eq!(factorial_reference(0), 1);
        assert_eq!(factorial_reference(1), 1);
        assert_eq!(factorial_reference(5), 120);
        assert_eq!(factorial_reference(12), 479_001_600);
        // 13! = 6227020800 wraps once.
        assert_eq!(factorial_reference(13), 1_932_053_504);
        // From 34 on, 2^32 divides n!.
        assert_ne!(factorial_reference(33), 0);
        assert_eq!(factorial_reference(34), 0);
        assert_eq!(factorial_reference(255), 0);
    }

    #[test]
    fn factorial_completes_on_its_interrupt() -> Result {
        let (edu, model) = edu()?;
        edu.start_factorial(5)?;
        assert!(STATUS::from_bits(model.get(STATUS::OFFSET)).irq_when_done());
        // The device is done, but until the handler ran the command is not.
        assert!(!factorial_finished(&edu)?);
        assert!(edu.handle_interrupt());
        assert_eq!(model.get(IRQ_STATUS::OFFSET), 0);
        assert!(factorial_finished(&edu)?);
        assert_eq!(edu.finish_factorial()?, 120);

        let stats = edu.stats();
        assert_eq!(
            (
                stats.irqs,
                stats.fact_raised,
                stats.fact_acked,
                stats.factorials
            ),
            (1, 1, 1, 1)
        );
        Ok(())
    }

    #[test]
    fn late_interrupt_does_not_complete_the_next_factorial() -> Result {
        let (edu, model) = edu()?;
        model.slow_factorial.store(true, Relaxed);
        edu.start_factorial(7)?;
        // An interrupt left over from an abandoned factorial arrives while this one computes.
        model.raise(IRQ_FACTORIAL);
        assert!(edu.handle_interrupt());
        assert!(!factorial_finished(&edu)?);

        model.finish_factorial();
        assert!(edu.handle_interrupt());
        assert!(factorial_finished(&edu)?);
        assert_eq!(edu.finish_factorial()?, 5040);
        Ok(())
    }

    #[test]
    fn timed_out_factorial_refuses_the_next_until_it_ends() -> Result {
        let (edu, model) = edu()?;
        model.slow_factorial.store(true, Relaxed);
        assert_eq!(edu.factorial(9), Err(ETIMEDOUT));
        assert_eq!(edu.stats().waiters, 0);
        // Still computing: a new start would be ignored by the device, so it is refused.
        assert_eq!(edu.factorial(4), Err(EBUSY));

        // The abandoned computation ends, and its interrupt arrives before the next command.
        model.finish_factorial();
        assert!(edu.handle_interrupt());
        model.slow_factorial.store(false, Relaxed);
        edu.start_factorial(4)?;
        assert!(!factorial_finished(&edu)?);
        assert!(edu.handle_interrupt());
        assert!(factorial_finished(&edu)?);
        assert_eq!(edu.finish_factorial()?, 24);

        let stats = edu.stats();
        assert_eq!(
            (stats.fact_raised, stats.fact_acked, stats.factorials),
            (2, 2, 1)
        );
        Ok(())
    }

    #[test]
    fn refusals_write_nothing() -> Result {
        let (edu, model) = edu()?;
        assert_eq!(edu.start_factorial(256), Err(EINVAL));
        assert_eq!(edu.start_factorial(u32::MAX), Err(EINVAL));
        for bits in [0, IRQ_FACTORIAL, IRQ_DMA, IRQ_DMA | 0x2] {
            assert_eq!(edu.raise(bits), Err(EINVAL));
        }
        assert_eq!(model.writes.load(Relaxed), 0);

        model.slow_factorial.store(true, Relaxed);
        edu.start_factorial(3)?;
        let writes = model.writes.load(Relaxed);
        assert_eq!(edu.start_factorial(3), Err(EBUSY));
        assert_eq!(model.writes.load(Relaxed), writes);
        Ok(())
    }

    #[test]
    fn nothing_pending_is_not_handled() -> Result {
        let (edu, model) = edu()?;
        assert!(!edu.handle_interrupt());
        assert_eq!(model.writes.load(Relaxed), 0);
        let stats = edu.stats();
        assert_eq!((stats.irqs, stats.irqs_none), (0, 1));
        Ok(())
    }

    #[test]
    fn raised_bits_become_events() -> Result {
        let (edu, model) = edu()?;
        model.raise(0x40);
        model.raise(0x8000_0000);
        assert!(edu.handle_interrupt());
        assert_eq!(edu.take_events(true)?, 0x8000_0040);
        assert_eq!(edu.take_events(true), Err(EAGAIN));
        assert_eq!(edu.stats().user_acked, 1);
        Ok(())
    }

    #[test]
    fn dma_round_trip() -> Result {
        let (edu, model) = edu()?;
        let mut pattern = KVec::with_capacity(64, GFP_KERNEL)?;
        for i in 0..64u8 {
            pattern.push(i.wrapping_mul(37) ^ 0x5a, GFP_KERNEL)?;
        }

        let out = Transfer::new(Direction::ToDevice, 4031, 64)?.ok_or(EINVAL)?;
        Double(model.clone()).copy_to_memory(&pattern)?;
        edu.start_transfer(&out)?;
        assert!(!transfer_finished(&edu)?);
        assert!(edu.handle_interrupt());
        assert!(transfer_finished(&edu)?);
        edu.finish_transfer(&out);
        assert_eq!(&model.memories.lock().buffer[4031..4095], &pattern[..]);

        Double(model.clone()).copy_to_memory(&[0; 64])?;
        let back = Transfer::new(Direction::FromDevice, 4031, 64)?.ok_or(EINVAL)?;
        edu.start_transfer(&back)?;
        assert!(edu.handle_interrupt());
        assert!(transfer_finished(&edu)?);
        edu.finish_transfer(&back);
        let mut read = [0u8; 64];
        Double(model.clone()).copy_from_memory(&mut read)?;
        assert_eq!(&read[..], &pattern[..]);

        let stats = edu.stats();
        assert_eq!((stats.dma_raised, stats.dma_acked), (2, 2));
        assert_eq!(
            (stats.dma_to_device_bytes, stats.dma_from_device_bytes),
            (64, 64)
        );
        Ok(())
    }

    #[test]
    fn busy_engine_refuses_a_transfer() -> Result {
        let (edu, model) = edu()?;
        // A transfer abandoned earlier still runs.
        model.set(
            DMA_COMMAND::OFFSET,
            DMA_COMMAND::zeroed().with_run(true).to_bits(),
        );
        let writes = model.writes.load(Relaxed);
        let transfer = Transfer::new(Direction::ToDevice, 0, 8)?.ok_or(EINVAL)?;
        assert_eq!(edu.start_transfer(&transfer), Err(EBUSY));
        assert_eq!(model.writes.load(Relaxed), writes);
        Ok(())
    }

    #[test]
    fn shut_down_refuses_everything() -> Result {
        let (edu, model) = edu()?;
        assert!(edu.shut_down());
        model.raise(0x2);
        assert!(edu.is_gone());
        assert_eq!(edu.start_factorial(1), Err(ENODEV));
        let transfer = Transfer::new(Direction::FromDevice, 0, 8)?.ok_or(EINVAL)?;
        assert_eq!(edu.start_transfer(&transfer), Err(ENODEV));
        assert_eq!(edu.raise(0x2), Err(ENODEV));
        // Even with a bit raised since, a reader learns that the device is gone.
        assert!(edu.handle_interrupt());
        assert_eq!(edu.take_events(false), Err(ENODEV));
        assert!(edu.readable());
        Ok(())
    }

    #[test]
    fn shut_down_leaves_no_interrupt_pending() -> Result {
        let (edu, model) = edu()?;
        // A transfer whose completion no handler of this binding saw, and a raised bit.
        let transfer = Transfer::new(Direction::FromDevice, 0, 8)?.ok_or(EINVAL)?;
        edu.start_transfer(&transfer)?;
        model.raise(0x2);
        assert_eq!(model.get(IRQ_STATUS::OFFSET), u64::from(IRQ_DMA | 0x2));
        assert!(edu.shut_down());
        assert_eq!(model.get(IRQ_STATUS::OFFSET), 0);
        Ok(())
    }
}
