/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rust_edu: QEMU's educational PCI device (-device edu, 1234:11e8) as
 * /dev/rust-edu. The device computes factorials, moves data between memory
 * and its 4 KiB buffer by DMA, and raises interrupts on request; every
 * command below completes on the device's interrupt.
 *
 * REDU_FACTORIAL: n! modulo 2^32, computed by the device. EINVAL for n above
 * REDU_FACTORIAL_MAX.
 *
 * REDU_DMA_WRITE copies len bytes from user memory at addr into the device
 * buffer at offset; REDU_DMA_READ copies them back out. EINVAL unless
 * offset + len <= REDU_DMA_BUFFER_SIZE; a len of 0 succeeds without a
 * transfer. EFAULT for a bad addr: nothing is transferred then.
 *
 * REDU_RAISE raises an interrupt with the given status bits (nonzero, within
 * REDU_RAISE_BITS) and returns once the driver acknowledged it. The bits are
 * then pending for read(2): one read(2) of 4 bytes returns every bit
 * acknowledged since the last read (a __u32) and clears them; it blocks
 * while none is pending (EAGAIN with O_NONBLOCK), and fails with EINVAL for
 * a buffer under 4 bytes. poll(2) reports POLLIN | POLLRDNORM while bits
 * are pending. write(2) fails with EINVAL, lseek(2) with ESPIPE.
 *
 * One command of each kind runs on the device at a time; others wait their
 * turn. A waiting command fails with ERESTARTSYS on a signal (restarted with
 * SA_RESTART: every command can be repeated), with ETIMEDOUT if the device
 * does not interrupt within REDU_TIMEOUT_MS (a command interrupted that way
 * may still complete on the device), and with ENODEV when the device is
 * unbound meanwhile. After an unbind every call on a file that stays open
 * fails with ENODEV, and open(2) fails with ENOENT (the node is gone).
 *
 * While a file is open the module is in use: rmmod fails until it is closed.
 * Only the first edu device gets the node; probing another fails with EBUSY.
 */
#ifndef _UAPI_RUST_EDU_H
#define _UAPI_RUST_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define REDU_DEVICE_PATH	"/dev/rust-edu"

#define REDU_FACTORIAL_MAX	255
/*
 * The bytes of the device's 4 KiB buffer a transfer can reach: QEMU's model
 * before 8.0 (Debian 12 has 7.2) stops the whole VM with a "hardware error"
 * for a transfer that ends at the end of the buffer, so the driver keeps
 * every transfer short of its last byte.
 */
#define REDU_DMA_BUFFER_SIZE	4095
/* The device's own completion interrupts (factorial 0x1, DMA 0x100) excluded. */
#define REDU_RAISE_BITS		0xfffffefeU
#define REDU_TIMEOUT_MS		2000

/* irq_mode of struct redu_stats */
#define REDU_IRQ_INTX		0
#define REDU_IRQ_MSI		1

/**
 * struct redu_factorial - argument of REDU_FACTORIAL
 * @n: input, 0 to REDU_FACTORIAL_MAX
 * @result: output, n! modulo 2^32
 */
struct redu_factorial {
	__u32 n;
	__u32 result;
};

/**
 * struct redu_dma - argument of REDU_DMA_WRITE and REDU_DMA_READ
 * @addr: user memory of len bytes
 * @offset: where in the device buffer
 * @len: bytes to transfer
 */
struct redu_dma {
	__u64 addr;
	__u32 offset;
	__u32 len;
};

/**
 * struct redu_stats - counters since the device was bound, from REDU_GET_STATS
 * @irqs: interrupts the handler acknowledged
 * @irqs_none: handler calls that found no interrupt pending
 * @factorials: REDU_FACTORIAL commands the device completed
 * @fact_raised: factorials started with their interrupt enabled
 * @fact_acked: factorial interrupts acknowledged
 * @dma_raised: transfers started with their interrupt enabled
 * @dma_acked: transfer interrupts acknowledged
 * @user_raised: REDU_RAISE interrupts raised
 * @user_acked: acknowledgements of REDU_RAISE bits
 * @dma_to_device_bytes: bytes REDU_DMA_WRITE moved into the device
 * @dma_from_device_bytes: bytes REDU_DMA_READ moved out of it
 * @irq_mode: REDU_IRQ_MSI or REDU_IRQ_INTX
 * @waiters: tasks waiting for the device now
 *
 * Each *_raised equals its *_acked whenever no command is waiting.
 */
struct redu_stats {
	__u64 irqs;
	__u64 irqs_none;
	__u64 factorials;
	__u64 fact_raised;
	__u64 fact_acked;
	__u64 dma_raised;
	__u64 dma_acked;
	__u64 user_raised;
	__u64 user_acked;
	__u64 dma_to_device_bytes;
	__u64 dma_from_device_bytes;
	__u32 irq_mode;
	__u32 waiters;
};

#define REDU_IOC_MAGIC		0xED

#define REDU_FACTORIAL		_IOWR(REDU_IOC_MAGIC, 1, struct redu_factorial)
#define REDU_DMA_WRITE		_IOW(REDU_IOC_MAGIC, 2, struct redu_dma)
#define REDU_DMA_READ		_IOW(REDU_IOC_MAGIC, 3, struct redu_dma)
#define REDU_RAISE		_IOW(REDU_IOC_MAGIC, 4, __u32)
#define REDU_GET_STATS		_IOR(REDU_IOC_MAGIC, 5, struct redu_stats)

#endif /* _UAPI_RUST_EDU_H */
