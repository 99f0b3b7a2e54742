// SPDX-License-Identifier: GPL-2.0
/**
 * DOC: c_bugs - the seven memory-safety bug classes, in driver code
 *
 * Each file of /sys/kernel/debug/c_bugs/ is a small piece of driver code
 * with one bug of a class (include/uapi/c_bugs.h says what each file does),
 * which demos/bug_classes/trigger.c sets off from user space. On the debug
 * kernel KASAN reports the use after free, the double free and both
 * out-of-bounds accesses as they happen, and the NULL pointer dereference
 * oopses. The uninitialised memory and the data race are shown from user
 * space instead (a key seen in a reply, sequence numbers lost): KMSAN and
 * KCSAN, which would report them, cannot share a kernel with KASAN.
 *
 * The comment "BUG(<class>)" stands just above the line at fault (where the
 * fix goes); scripts/bug_classes.py reports that line as the class's
 * location. Everything else is written as the collection's drivers are:
 * these are bugs a reviewer can miss, not crashes written on purpose.
 *
 * Nothing builds or loads this module but make bug-classes, in a VM of its
 * own: it corrupts kernel memory.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/array_size.h>
#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include <uapi/c_bugs.h>

#define CB_LABEL_MAX	64
#define CB_EVENT_MAX	32
#define CB_FEATURE_KEY	0x1

/**
 * struct cb_session - the state of one open file of "use_after_free"
 * @comm: the name of the task that opened the file
 * @events: events posted to the file while it claimed the device
 *
 * @comm comes first so that the write of @events after the free lands past
 * the 16 bytes in which KASAN keeps a freed object's quarantine link and
 * free stack: KASAN's bookkeeping survives the bug it reports.
 */
struct cb_session {
	char comm[TASK_COMM_LEN];
	u64 events;
};

/**
 * struct cb_cmd - the state of one open file of "oob_write"
 * @len: bytes in @cmd
 * @cmd: the last command written
 */
struct cb_cmd {
	size_t len;
	char cmd[CBUGS_CMD_LEN];
};

/**
 * struct cb_channel - a channel "null_deref" can select
 * @id: its number
 * @selects: times it was selected
 */
struct cb_channel {
	u32 id;
	atomic64_t selects;
};

/**
 * union cb_mailbox - the command mailbox of the device's firmware
 * @key: a key being loaded
 * @info: the reply to an information request
 *
 * As on real devices, every command and reply is built here, one at a time.
 */
union cb_mailbox {
	u8 key[CBUGS_KEY_LEN];
	struct cbugs_info info;
};

/**
 * struct cb_event - an event recorded by "data_race"
 * @seq: its sequence number
 * @len: bytes in @name
 * @name: what user space wrote
 */
struct cb_event {
	u64 seq;
	size_t len;
	char name[CB_EVENT_MAX];
};

/**
 * struct c_bugs - the state the files share
 * @dir: the debugfs folder, /sys/kernel/debug/c_bugs
 * @lock: protects every field below it
 * @owner: the "use_after_free" file that claimed the device, if any
 * @label: the label set through "double_free", NULL before
 * @version: the firmware version string of "oob_read"
 * @mbox: the mailbox of "uninit"
 * @key_loaded: a key was loaded through @mbox
 * @last_event: the event "data_race" recorded last
 * @channels: the channels of "null_deref"; fixed at load
 * @next_seq: the next sequence number of "data_race"
 */
struct c_bugs {
	struct dentry *dir;
	struct mutex lock;	/* protects the fields below */
	struct cb_session *owner;
	char *label;
	char *version;
	union cb_mailbox mbox;
	bool key_loaded;
	struct cb_event last_event;
	struct cb_channel channels[CBUGS_CHANNELS];
	u64 next_seq;
};

static struct c_bugs cb = {
	.lock = __MUTEX_INITIALIZER(cb.lock),
	.channels = { { .id = 1 }, { .id = 2 }, { .id = 4 }, { .id = 8 } },
};

static int cb_uaf_open(struct inode *inode, struct file *file)
{
	struct cb_session *s;

	s = kzalloc_obj(*s);
	if (!s)
		return -ENOMEM;
	get_task_comm(s->comm, current);

	mutex_lock(&cb.lock);
	/* The first file opened receives the events, until it is closed. */
	if (!cb.owner)
		cb.owner = s;
	mutex_unlock(&cb.lock);
	file->private_data = s;
	return 0;
}

static int cb_uaf_release(struct inode *inode, struct file *file)
{
	/*
	 * BUG(use-after-free): cb.owner may still point at the session; missing,
	 * under cb.lock: if (cb.owner == file->private_data) cb.owner = NULL;
	 */
	kfree(file->private_data);
	return 0;
}

static ssize_t cb_uaf_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct cb_session *s = file->private_data;
	char text[TASK_COMM_LEN + 24];
	int len;

	mutex_lock(&cb.lock);
	len = scnprintf(text, sizeof(text), "%s %llu\n", s->comm, s->events);
	mutex_unlock(&cb.lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* Any file's write(2) posts an event to the file that claimed the device. */
static ssize_t cb_uaf_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	mutex_lock(&cb.lock);
	if (cb.owner)
		cb.owner->events++;
	mutex_unlock(&cb.lock);
	return count;
}

static const struct file_operations cb_uaf_fops = {
	.owner		= THIS_MODULE,
	.open		= cb_uaf_open,
	.release	= cb_uaf_release,
	.read		= cb_uaf_read,
	.write		= cb_uaf_write,
};

/* A label is printable text, with an optional final newline. */
static bool cb_label_valid(const char *text)
{
	for (; *text && *text != '\n'; text++)
		if (!isprint(*text))
			return false;
	return !*text || !text[1];
}

/* Makes @text the label. Consumes @text: when it is refused, it is freed. */
static int cb_set_label(char *text)
{
	char *old;

	if (!cb_label_valid(text)) {
		kfree(text);
		return -EINVAL;
	}
	mutex_lock(&cb.lock);
	old = cb.label;
	cb.label = text;
	mutex_unlock(&cb.lock);
	kfree(old);
	return 0;
}

static ssize_t cb_df_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	ssize_t ret = 0;

	mutex_lock(&cb.lock);
	if (cb.label)
		ret = simple_read_from_buffer(buf, count, ppos, cb.label,
					      strlen(cb.label));
	mutex_unlock(&cb.lock);
	return ret;
}

static ssize_t cb_df_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	char *text;
	int ret;

	if (count > CB_LABEL_MAX)
		return -EINVAL;
	text = memdup_user_nul(buf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);

	ret = cb_set_label(text);
	if (ret) {
		/* BUG(double-free): cb_set_label() freed @text when it failed. */
		kfree(text);
		return ret;
	}
	return count;
}

static const struct file_operations cb_df_fops = {
	.owner	= THIS_MODULE,
	.read	= cb_df_read,
	.write	= cb_df_write,
};

static int cb_oobw_open(struct inode *inode, struct file *file)
{
	struct cb_cmd *c;

	c = kzalloc_obj(*c);
	if (!c)
		return -ENOMEM;
	file->private_data = c;
	return 0;
}

static int cb_oobw_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t cb_oobw_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct cb_cmd *c = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, c->cmd, c->len);
}

static ssize_t cb_oobw_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct cb_cmd *c = file->private_data;

	/*
	 * BUG(slab-out-of-bounds write): @count is the caller's, never checked
	 * against sizeof(c->cmd).
	 */
	if (copy_from_user(c->cmd, buf, count))
		return -EFAULT;
	c->len = count;
	return count;
}

static const struct file_operations cb_oobw_fops = {
	.owner		= THIS_MODULE,
	.open		= cb_oobw_open,
	.release	= cb_oobw_release,
	.read		= cb_oobw_read,
	.write		= cb_oobw_write,
};

static ssize_t cb_oobr_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	size_t len = strlen(cb.version);

	if (*ppos >= len)
		return 0;
	/*
	 * BUG(slab-out-of-bounds read): copies as many bytes as the caller asked
	 * for, not at most len - *ppos (as simple_read_from_buffer() would).
	 */
	if (copy_to_user(buf, cb.version + *ppos, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

static const struct file_operations cb_oobr_fops = {
	.owner	= THIS_MODULE,
	.read	= cb_oobr_read,
};

/* The channel numbered @id, or NULL when there is none. */
static struct cb_channel *cb_find_channel(u32 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cb.channels); i++)
		if (cb.channels[i].id == id)
			return &cb.channels[i];
	return NULL;
}

static ssize_t cb_null_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	char text[CBUGS_CHANNELS * 32];
	int len = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cb.channels); i++)
		len += scnprintf(text + len, sizeof(text) - len, "%u %lld\n",
				 cb.channels[i].id,
				 atomic64_read(&cb.channels[i].selects));
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static ssize_t cb_null_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct cb_channel *ch;
	u32 id;
	int ret;

	ret = kstrtou32_from_user(buf, count, 0, &id);
	if (ret)
		return ret;
	ch = cb_find_channel(id);
	/* BUG(null-deref): @ch is NULL for a number no channel has. */
	atomic64_inc(&ch->selects);
	return count;
}

static const struct file_operations cb_null_fops = {
	.owner	= THIS_MODULE,
	.read	= cb_null_read,
	.write	= cb_null_write,
};

/* Answers an information request. */
static ssize_t cb_uninit_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct cbugs_info *info = &cb.mbox.info;
	ssize_t ret;

	mutex_lock(&cb.lock);
	/*
	 * BUG(uninit): the reply is built over the last command and only two of
	 * its fields are set: the padding after @version and all of @reserved
	 * still hold the key. Missing: memset(info, 0, sizeof(*info));
	 */
	info->version = 1;
	info->features = cb.key_loaded ? CB_FEATURE_KEY : 0;
	ret = simple_read_from_buffer(buf, count, ppos, info, sizeof(*info));
	mutex_unlock(&cb.lock);
	return ret;
}

/* Loads a key: the firmware takes it from the mailbox. */
static ssize_t cb_uninit_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	ssize_t ret = count;

	if (count != CBUGS_KEY_LEN)
		return -EINVAL;
	mutex_lock(&cb.lock);
	if (copy_from_user(cb.mbox.key, buf, count))
		ret = -EFAULT;
	else
		cb.key_loaded = true;
	mutex_unlock(&cb.lock);
	return ret;
}

static const struct file_operations cb_uninit_fops = {
	.owner	= THIS_MODULE,
	.read	= cb_uninit_read,
	.write	= cb_uninit_write,
};

static ssize_t cb_race_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	char text[CB_EVENT_MAX + 48];
	int len;

	mutex_lock(&cb.lock);
	len = scnprintf(text, sizeof(text), "%llu %llu %.*s\n", cb.next_seq,
			cb.last_event.seq, (int)cb.last_event.len,
			cb.last_event.name);
	mutex_unlock(&cb.lock);
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

/* Records an event, named by what is written, with the next number. */
static ssize_t cb_race_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct cb_event ev;

	if (count > sizeof(ev.name))
		return -EINVAL;
	/*
	 * BUG(data-race): the number is taken here and the next one stored
	 * below without cb.lock, which covers only the event: two writers can
	 * take the same number, and an increment is lost.
	 */
	ev.seq = cb.next_seq;
	if (copy_from_user(ev.name, buf, count))
		return -EFAULT;
	ev.len = count;

	mutex_lock(&cb.lock);
	cb.last_event = ev;
	mutex_unlock(&cb.lock);
	cb.next_seq = ev.seq + 1;
	return count;
}

static const struct file_operations cb_race_fops = {
	.owner	= THIS_MODULE,
	.read	= cb_race_read,
	.write	= cb_race_write,
};

static const struct {
	const char *name;
	const struct file_operations *fops;
} cb_files[] = {
	{ "use_after_free", &cb_uaf_fops },
	{ "double_free", &cb_df_fops },
	{ "oob_write", &cb_oobw_fops },
	{ "oob_read", &cb_oobr_fops },
	{ "null_deref", &cb_null_fops },
	{ "uninit", &cb_uninit_fops },
	{ "data_race", &cb_race_fops },
};

static int __init c_bugs_init(void)
{
	size_t i;

	cb.version = kasprintf(GFP_KERNEL, "c_bugs firmware %d.%d\n", 1, 4);
	if (!cb.version)
		return -ENOMEM;

	/* Debugfs failures are not checked, as its API asks. */
	cb.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	for (i = 0; i < ARRAY_SIZE(cb_files); i++)
		debugfs_create_file(cb_files[i].name, 0600, cb.dir, NULL,
				    cb_files[i].fops);
	pr_warn("loaded: its files corrupt kernel memory on purpose\n");
	return 0;
}
module_init(c_bugs_init);

/* Files hold a reference on the module: none is open any more. */
static void __exit c_bugs_exit(void)
{
	debugfs_remove_recursive(cb.dir);
	kfree(cb.label);
	kfree(cb.version);
}
module_exit(c_bugs_exit);

MODULE_AUTHOR("Rust kernel module collection contributors");
MODULE_DESCRIPTION("Memory-safety bug classes in driver code, on purpose");
MODULE_LICENSE("GPL");
