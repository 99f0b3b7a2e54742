/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * c_bugs: one file a memory-safety bug class under /sys/kernel/debug/c_bugs/
 * (Documentation/soundness.md). Each file's driver code has the bug on
 * purpose: load the module only in a throwaway VM with KASAN.
 *
 * use_after_free  open(2) claims the device for its file if no file has;
 *                 write(2) posts an event to the claiming file, read(2)
 *                 returns the file's own events ("<comm> <events>\n")
 * double_free     write(2) sets the label (printable text), read(2) gets it
 * oob_write       write(2) stores a command of the file, up to CBUGS_CMD_LEN
 *                 bytes; read(2) returns it
 * oob_read        read(2) returns the firmware version string
 * null_deref      write(2) of a channel number ("2\n") selects it; read(2)
 *                 returns each channel's selections
 * uninit          write(2) loads a CBUGS_KEY_LEN-byte key; read(2) returns
 *                 a struct cbugs_info
 * data_race       write(2) records an event and takes the next sequence
 *                 number; read(2) returns the next number ("<n>\n")
 */
#ifndef _UAPI_C_BUGS_H
#define _UAPI_C_BUGS_H

#include <linux/types.h>

#define CBUGS_DIR	"/sys/kernel/debug/c_bugs"

#define CBUGS_CMD_LEN	16
#define CBUGS_KEY_LEN	16
#define CBUGS_CHANNELS	4

/**
 * struct cbugs_info - what a read(2) of "uninit" returns
 * @version: interface version, 1
 * @features: feature bits, 0x1 (key loaded) so far
 * @reserved: for future use
 *
 * The compiler puts 3 bytes of padding between @version and @features.
 */
struct cbugs_info {
	__u8 version;
	__u32 features;
	__u64 reserved;
};

#endif /* _UAPI_C_BUGS_H */
