# SPDX-License-Identifier: GPL-2.0
"""Tests of `make vm CMD=...` and scripts/vm.sh against a stand-in for vng
that does what QEMU does with the caller's standard output: it opens
/proc/self/fd/1 and /proc/self/fd/2 anew (truncating a regular file) and
writes the guest command's output there."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

# Runs the command given after "--" with bash, as the guest would, and
# writes its output through freshly opened /proc/self/fd/{1,2}, as QEMU's
# file chardevs do (O_TRUNC, an offset of their own).
FAKE_VNG = '''#!/usr/bin/env python3
import subprocess
import sys

command = sys.argv[sys.argv.index('--') + 1]
guest = subprocess.run(['bash', '-c', command], capture_output=True)
with open('/proc/self/fd/2', 'wb') as console:
    console.write(b'[    0.000000] Linux version (fake)\\n')
with open('/proc/self/fd/1', 'wb') as port:
    port.write(guest.stdout + guest.stderr)
sys.exit(guest.returncode)
'''


class VmCommandTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		tmp = Path(self.tmp.name)
		vng = tmp / 'cache/tools/venv/bin/vng'
		vng.parent.mkdir(parents=True)
		vng.write_text(FAKE_VNG)
		vng.chmod(0o755)
		# A tree to boot and build against: the modules are not built.
		self.kdir = tmp / 'kdir'
		(self.kdir / 'arch/x86/boot').mkdir(parents=True)
		(self.kdir / 'arch/x86/boot/bzImage').write_text('')
		(self.kdir / 'Makefile').write_text('modules:\n\t@:\n')
		(self.kdir / '.config').write_text('CONFIG_RUST=y\n')
		# Not the variables of a make this test may run under (make KERNEL=debian
		# check passes KERNEL=debian down through MAKEFLAGS).
		self.env = {name: value for name, value in os.environ.items()
			    if name not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'KERNEL', 'LLVM')}
		self.env.update(RKM_CACHE=str(tmp / 'cache'), RKM_ACCEL='tcg', KDIR=str(self.kdir),
				RKM_PROBES_DIR=str(tmp / 'probes'))
		self.out = tmp / 'out'

	def tearDown(self):
		self.tmp.cleanup()

	def run_into_file(self, argv):
		"""Runs argv with stdout and stderr on a regular file that already
		holds a line; returns (status, the file's contents)."""
		with open(self.out, 'w') as out:
			out.write('before\n')
			out.flush()
			result = subprocess.run(argv, stdout=out, stderr=out, env=self.env, cwd=TOP)
		return result.returncode, self.out.read_text()

	def test_make_passes_cmd_untouched(self):
		status, out = self.run_into_file(['make', '--no-print-directory', 'LLVM=1',
						  f'KDIR={self.kdir}', 'RKM_DEFAULT_TREE=1', 'vm',
						  "CMD=echo $HOME $((6*7)) \"it's\""])
		self.assertEqual(status, 0, out)
		self.assertIn(f"{os.environ['HOME']} 42 it's\n", out)

	def test_output_before_the_vm_is_kept(self):
		status, out = self.run_into_file([TOP / 'scripts/vm.sh', '--command', 'echo inside'])
		self.assertEqual(status, 0, out)
		self.assertTrue(out.startswith('before\n'), out)
		self.assertIn('inside\n', out)
		self.assertIn('Linux version (fake)', out)

	def test_status_of_the_command(self):
		status, out = self.run_into_file([TOP / 'scripts/vm.sh', '--command', 'exit 3'])
		self.assertEqual(status, 3, out)

	def test_load_insmods_before_the_command(self):
		tree = Path(self.tmp.name) / 'tree'
		for module in ('a', 'b'):
			(tree / 'modules' / module).mkdir(parents=True)
		# Stand-ins of the guest's insmod (b's init fails) and dmesg.
		bin_dir = Path(self.tmp.name) / 'bin'
		bin_dir.mkdir()
		for name, body in (('insmod', 'case $1 in *b.ko) echo "insmod: ERROR: b" >&2; exit 1;; esac\n'),
				   ('dmesg', 'echo "b: probe failed"\n')):
			(bin_dir / name).write_text('#!/bin/sh\n' + body)
			(bin_dir / name).chmod(0o755)
		self.env['PATH'] = f'{bin_dir}:{self.env["PATH"]}'
		status, out = self.run_into_file([TOP / 'scripts/vm.sh', '--tree', tree, '--load', 'a',
						  '--command', 'echo inside'])
		self.assertEqual(status, 0, out)
		self.assertIn(f'insmod {tree}/modules/a/a.ko\ninside\n', out)
		status, out = self.run_into_file([TOP / 'scripts/vm.sh', '--tree', tree, '--load', 'a b',
						  '--command', 'echo inside'])
		self.assertEqual(status, 1, out)
		self.assertIn('b: probe failed\n', out)
		self.assertIn(f'insmod {tree}/modules/b/b.ko failed', out)
		self.assertNotIn('inside', out)

	def test_console_log_keeps_every_port(self):
		log = Path(self.tmp.name) / 'console.log'
		status, out = self.run_into_file([TOP / 'scripts/vm.sh', '--console-log', log,
						  '--command', 'echo inside'])
		self.assertEqual(status, 0, out)
		self.assertEqual(out, 'before\n')
		self.assertIn('inside\n', log.read_text())
		self.assertIn('Linux version (fake)', log.read_text())


if __name__ == '__main__':
	unittest.main()
