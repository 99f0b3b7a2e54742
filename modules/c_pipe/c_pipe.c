// SPDX-License-Identifier: GPL-2.0
/**
 * DOC: c_pipe - a blocking byte FIFO misc device, /dev/c-pipe
 *
 * The C twin of rust_pipe, itself modelled on "scullpipe" from Linux Device
 * Drivers: one bounded in-kernel FIFO shared by every opener. It implements
 * the user ABI of rust_pipe, documented in include/uapi/rust_pipe.h, at its
 * own device node; only the node's name differs.
 *
 * All state lives in one &struct c_pipe behind one mutex. Two wait queues,
 * which poll(2) also waits on, wake readers when bytes arrive and writers
 * when space appears; see c_pipe_unlock_and_wake(). A write copies
 * everything that fits in one go under the mutex, so the bytes of one
 * write(2) stay contiguous in the FIFO however many writers race.
 *
 * The capacity module parameter sets the initial size of the FIFO, in bytes
 * (RPIPE_CAPACITY_MIN to RPIPE_CAPACITY_MAX, default RPIPE_CAPACITY_DEFAULT);
 * RPIPE_SET_CAPACITY changes it at run time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include <uapi/rust_pipe.h>

/**
 * struct c_pipe - the FIFO shared by every open file
 * @misc: the misc device, /dev/c-pipe
 * @lock: protects every field below it
 * @rd_wait: woken when bytes are added: blocked readers and poll(2) for POLLIN
 * @wr_wait: woken when space is freed: blocked writers and poll(2) for POLLOUT
 * @buf: the ring's storage, @capacity bytes
 * @capacity: most bytes the FIFO can hold
 * @head: offset in @buf of the oldest buffered byte; 0 when the FIFO is empty
 * @len: number of bytes buffered, starting at @head and wrapping at @capacity
 * @bytes_written: bytes written since load; wraps like a network statistic
 * @bytes_read: bytes read since load; wraps likewise
 * @readers: open files with read access
 * @writers: open files with write access
 */
struct c_pipe {
	struct miscdevice misc;
	struct mutex lock;	/* protects the fields below */
	wait_queue_head_t rd_wait;
	wait_queue_head_t wr_wait;
	u8 *buf;
	size_t capacity;
	size_t head;
	size_t len;
	u64 bytes_written;
	u64 bytes_read;
	unsigned int readers;
	unsigned int writers;
};

static u64 init_capacity = RPIPE_CAPACITY_DEFAULT;

/*
 * Like the generic ullong parameter, but a number that overflows is refused
 * with EINVAL, as any other malformed value, rather than ERANGE. The range
 * is checked at load time, by c_pipe_init().
 */
static int capacity_param_set(const char *val, const struct kernel_param *kp)
{
	return kstrtou64(val, 0, kp->arg) ? -EINVAL : 0;
}

static const struct kernel_param_ops capacity_param_ops = {
	.set = capacity_param_set,
	.get = param_get_ullong,
};

module_param_cb(capacity, &capacity_param_ops, &init_capacity, 0444);
MODULE_PARM_DESC(capacity, "Initial pipe capacity in bytes ("
		 __stringify(RPIPE_CAPACITY_MIN) "-"
		 __stringify(RPIPE_CAPACITY_MAX) ", default "
		 __stringify(RPIPE_CAPACITY_DEFAULT) ")");

static bool c_pipe_capacity_valid(u64 capacity)
{
	return capacity >= RPIPE_CAPACITY_MIN && capacity <= RPIPE_CAPACITY_MAX;
}

static size_t c_pipe_free(const struct c_pipe *pipe)
	__must_hold(&pipe->lock)
{
	return pipe->capacity - pipe->len;
}

/*
 * Moves up to @count buffered bytes, oldest first, to @to and returns how
 * many. A short copy (a fault) ends the move: only the bytes copied are
 * consumed, the others stay buffered.
 */
static size_t c_pipe_pop(struct c_pipe *pipe, struct iov_iter *to, size_t count)
	__must_hold(&pipe->lock)
{
	size_t done = 0;

	count = min(count, pipe->len);
	while (done < count) {
		size_t chunk = min(count - done, pipe->capacity - pipe->head);
		size_t copied = copy_to_iter(pipe->buf + pipe->head, chunk, to);

		pipe->head += copied;
		if (pipe->head == pipe->capacity)
			pipe->head = 0;
		pipe->len -= copied;
		done += copied;
		if (copied < chunk)
			break;
	}
	/* Restarting at 0 lets the next write use one contiguous chunk. */
	if (!pipe->len)
		pipe->head = 0;
	return done;
}

/*
 * Appends up to @count bytes of @from, as many as fit, and returns how many.
 * A short copy (a fault) ends the append: only the bytes copied are added.
 */
static size_t c_pipe_push(struct c_pipe *pipe, struct iov_iter *from,
			  size_t count)
	__must_hold(&pipe->lock)
{
	size_t done = 0;

	count = min(count, c_pipe_free(pipe));
	while (done < count) {
		size_t tail = pipe->head + pipe->len;
		size_t chunk, copied;

		if (tail >= pipe->capacity)
			tail -= pipe->capacity;
		chunk = min(count - done, pipe->capacity - tail);
		copied = copy_from_iter(pipe->buf + tail, chunk, from);
		pipe->len += copied;
		done += copied;
		if (copied < chunk)
			break;
	}
	return done;
}

/*
 * Sleeps on @wq until woken, with @pipe->lock released meanwhile. Returns
 * with the lock held again, and whether a signal is pending.
 */
static bool c_pipe_wait(struct c_pipe *pipe, struct wait_queue_head *wq)
	__must_hold(&pipe->lock)
{
	DEFINE_WAIT(wait);

	prepare_to_wait_exclusive(wq, &wait, TASK_INTERRUPTIBLE);
	mutex_unlock(&pipe->lock);
	schedule();
	finish_wait(wq, &wait);
	mutex_lock(&pipe->lock);
	return signal_pending(current);
}

/*
 * Unlocks the pipe, then wakes one blocked reader if bytes are buffered and
 * one blocked writer if there is space, with every poll(2) waiter of the same
 * kind.
 *
 * Readers and writers wait exclusively, so one wake-up wakes one of them,
 * like pipe(2). Every read and write that gets past its wait calls this:
 * whoever leaves the pipe readable or writable passes the wake-up on, so no
 * waiter sleeps while it could make progress, even when the woken one takes
 * only part of the bytes or space, or faults. (A waiter woken together with
 * a signal goes on when it can, so it never swallows a wake-up.) Waking
 * after unlocking spares the woken task a contended mutex; the waker usually
 * goes back to sleep or to user space next, so a synchronous wake-up lets
 * the scheduler run the woken task on this CPU.
 */
static void c_pipe_unlock_and_wake(struct c_pipe *pipe)
	__releases(&pipe->lock)
{
	bool readable = pipe->len > 0;
	bool writable = c_pipe_free(pipe) > 0;

	mutex_unlock(&pipe->lock);

	if (readable)
		wake_up_interruptible_sync_poll(&pipe->rd_wait,
						EPOLLIN | EPOLLRDNORM);
	if (writable)
		wake_up_interruptible_sync_poll(&pipe->wr_wait,
						EPOLLOUT | EPOLLWRNORM);
}

static int c_pipe_open(struct inode *inode, struct file *file)
{
	/* misc_open() points private_data at our struct miscdevice. */
	struct c_pipe *pipe = container_of(file->private_data, struct c_pipe,
					   misc);

	mutex_lock(&pipe->lock);
	if (file->f_mode & FMODE_READ)
		pipe->readers++;
	if (file->f_mode & FMODE_WRITE)
		pipe->writers++;
	mutex_unlock(&pipe->lock);

	file->private_data = pipe;
	/* No file position: lseek(2), pread(2), pwrite(2) fail with ESPIPE. */
	return stream_open(inode, file);
}

static int c_pipe_release(struct inode *inode, struct file *file)
{
	struct c_pipe *pipe = file->private_data;

	mutex_lock(&pipe->lock);
	if (file->f_mode & FMODE_READ)
		pipe->readers--;
	if (file->f_mode & FMODE_WRITE)
		pipe->writers--;
	mutex_unlock(&pipe->lock);
	return 0;
}

/*
 * Removes up to iov_iter_count(@to) bytes into @to, waiting for at least one
 * unless the file is O_NONBLOCK. Fails with EAGAIN if empty under O_NONBLOCK,
 * ERESTARTSYS if a signal arrives while waiting, EFAULT if no byte could be
 * copied out; no byte is consumed then.
 */
static ssize_t c_pipe_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct c_pipe *pipe = file->private_data;
	size_t count = iov_iter_count(to);
	size_t read;

	if (!count)
		return 0;

	mutex_lock(&pipe->lock);
	while (!pipe->len) {
		if (file->f_flags & O_NONBLOCK) {
			mutex_unlock(&pipe->lock);
			return -EAGAIN;
		}
		/* Bytes that arrived with the signal are still read. */
		if (c_pipe_wait(pipe, &pipe->rd_wait) && !pipe->len) {
			mutex_unlock(&pipe->lock);
			return -ERESTARTSYS;
		}
	}

	read = c_pipe_pop(pipe, to, count);
	pipe->bytes_read += read;
	c_pipe_unlock_and_wake(pipe);

	if (!read)
		return -EFAULT;
	return read;
}

/*
 * Appends as many bytes of @from as fit, waiting for space for at least one
 * unless the file is O_NONBLOCK. Fails with EAGAIN if full under O_NONBLOCK,
 * ERESTARTSYS if a signal arrives while waiting, EFAULT if no byte could be
 * copied in; nothing is appended then.
 */
static ssize_t c_pipe_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct c_pipe *pipe = file->private_data;
	size_t count = iov_iter_count(from);
	size_t written;

	if (!count)
		return 0;

	mutex_lock(&pipe->lock);
	while (!c_pipe_free(pipe)) {
		if (file->f_flags & O_NONBLOCK) {
			mutex_unlock(&pipe->lock);
			return -EAGAIN;
		}
		/* Likewise, space freed along with the signal is still used. */
		if (c_pipe_wait(pipe, &pipe->wr_wait) && !c_pipe_free(pipe)) {
			mutex_unlock(&pipe->lock);
			return -ERESTARTSYS;
		}
	}

	/* One copy of all that fits, under the lock: no write slips in. */
	written = c_pipe_push(pipe, from, count);
	pipe->bytes_written += written;
	c_pipe_unlock_and_wake(pipe);

	if (!written)
		return -EFAULT;
	return written;
}

/*
 * Like pipe(2), reports readability only to readers and writability only to
 * writers. Unlike pipe_poll(), this takes the mutex, which a reader or writer
 * holds while it copies from or to user memory: a copy stalled on a page
 * fault stalls poll(2) of every opener for as long.
 */
static __poll_t c_pipe_poll(struct file *file, poll_table *wait)
{
	struct c_pipe *pipe = file->private_data;
	__poll_t mask = 0;

	if (file->f_mode & FMODE_READ)
		poll_wait(file, &pipe->rd_wait, wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &pipe->wr_wait, wait);

	mutex_lock(&pipe->lock);
	if ((file->f_mode & FMODE_READ) && pipe->len)
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((file->f_mode & FMODE_WRITE) && c_pipe_free(pipe))
		mask |= EPOLLOUT | EPOLLWRNORM;
	mutex_unlock(&pipe->lock);

	return mask;
}

static int c_pipe_get_stats(struct c_pipe *pipe,
			    struct rpipe_stats __user *argp)
{
	struct rpipe_stats stats;

	mutex_lock(&pipe->lock);
	stats = (struct rpipe_stats) {
		.capacity = pipe->capacity,
		.len = pipe->len,
		.bytes_written = pipe->bytes_written,
		.bytes_read = pipe->bytes_read,
		.readers = pipe->readers,
		.writers = pipe->writers,
	};
	mutex_unlock(&pipe->lock);

	return copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
}

/*
 * Resizes the FIFO to @capacity bytes, keeping the buffered ones in order,
 * and wakes writers. Fails with EINVAL outside the capacity bounds, ENOMEM,
 * or EBUSY if more bytes are buffered than fit; nothing changes then.
 */
static int c_pipe_set_capacity(struct c_pipe *pipe, u64 capacity)
{
	size_t first;
	u8 *buf, *old;

	if (!c_pipe_capacity_valid(capacity))
		return -EINVAL;

	/* Allocate unlocked: readers and writers are not held up by it. */
	buf = kvmalloc(capacity, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	mutex_lock(&pipe->lock);
	if (pipe->len > capacity) {
		mutex_unlock(&pipe->lock);
		kvfree(buf);
		return -EBUSY;
	}
	first = min(pipe->len, pipe->capacity - pipe->head);
	memcpy(buf, pipe->buf + pipe->head, first);
	memcpy(buf + first, pipe->buf, pipe->len - first);
	old = pipe->buf;
	pipe->buf = buf;
	pipe->capacity = capacity;
	pipe->head = 0;
	mutex_unlock(&pipe->lock);

	/* Free outside the lock, too. */
	kvfree(old);
	wake_up_interruptible_all(&pipe->wr_wait);
	return 0;
}

/* Drops every buffered byte and wakes writers. */
static void c_pipe_clear(struct c_pipe *pipe)
{
	mutex_lock(&pipe->lock);
	pipe->head = 0;
	pipe->len = 0;
	mutex_unlock(&pipe->lock);

	wake_up_interruptible_all(&pipe->wr_wait);
}

static long c_pipe_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct c_pipe *pipe = file->private_data;
	void __user *argp = (void __user *)arg;
	u64 capacity;

	switch (cmd) {
	case RPIPE_GET_STATS:
		return c_pipe_get_stats(pipe, argp);
	case RPIPE_SET_CAPACITY:
		if (get_user(capacity, (u64 __user *)argp))
			return -EFAULT;
		return c_pipe_set_capacity(pipe, capacity);
	case RPIPE_CLEAR:
		c_pipe_clear(pipe);
		return 0;
	default:
		return -ENOTTY;
	}
}

static void c_pipe_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct c_pipe *pipe = file->private_data;
	bool can_read = file->f_mode & FMODE_READ;
	bool can_write = file->f_mode & FMODE_WRITE;
	size_t len, capacity;
	const char *access;

	if (can_read)
		access = can_write ? "read-write" : "read";
	else
		access = can_write ? "write" : "none";

	mutex_lock(&pipe->lock);
	len = pipe->len;
	capacity = pipe->capacity;
	mutex_unlock(&pipe->lock);

	seq_printf(m, "rpipe-access:\t%s\nrpipe-len:\t%zu\nrpipe-capacity:\t%zu\n",
		   access, len, capacity);
}

/*
 * The ioctl arguments have the same layout for 32-bit and 64-bit user space,
 * so compat_ptr_ioctl() suffices for 32-bit callers.
 */
static const struct file_operations c_pipe_fops = {
	.owner		= THIS_MODULE,
	.open		= c_pipe_open,
	.release	= c_pipe_release,
	.read_iter	= c_pipe_read_iter,
	.write_iter	= c_pipe_write_iter,
	.poll		= c_pipe_poll,
	.unlocked_ioctl	= c_pipe_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.show_fdinfo	= c_pipe_show_fdinfo,
};

static struct c_pipe c_pipe_dev = {
	.misc = {
		.minor	= MISC_DYNAMIC_MINOR,
		.name	= "c-pipe",
		.fops	= &c_pipe_fops,
	},
	.lock		= __MUTEX_INITIALIZER(c_pipe_dev.lock),
	.rd_wait	= __WAIT_QUEUE_HEAD_INITIALIZER(c_pipe_dev.rd_wait),
	.wr_wait	= __WAIT_QUEUE_HEAD_INITIALIZER(c_pipe_dev.wr_wait),
};

static int __init c_pipe_init(void)
{
	struct c_pipe *pipe = &c_pipe_dev;
	int ret;

	if (!c_pipe_capacity_valid(init_capacity)) {
		pr_err("capacity=%llu is out of range %d..%d\n", init_capacity,
		       RPIPE_CAPACITY_MIN, RPIPE_CAPACITY_MAX);
		return -EINVAL;
	}

	pipe->buf = kvmalloc(init_capacity, GFP_KERNEL);
	if (!pipe->buf)
		return -ENOMEM;
	pipe->capacity = init_capacity;

	ret = misc_register(&pipe->misc);
	if (ret)
		kvfree(pipe->buf);
	return ret;
}
module_init(c_pipe_init);

/* Files hold a reference on the module: none is open any more. */
static void __exit c_pipe_exit(void)
{
	misc_deregister(&c_pipe_dev.misc);
	kvfree(c_pipe_dev.buf);
}
module_exit(c_pipe_exit);

MODULE_AUTHOR("Rust kernel module collection contributors");
MODULE_DESCRIPTION("Blocking FIFO misc device with poll and ioctls");
MODULE_LICENSE("GPL");
