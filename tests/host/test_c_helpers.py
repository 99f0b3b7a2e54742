# SPDX-License-Identifier: GPL-2.0
"""Tests of the C helpers the VM's test programs judge with, compiled on the
host into the harnesses of tests/host/fixtures/ (which replace the kernel
files and system calls they use): fault sweeps (tests/lib/faultsweep.h),
the kernel log watch of tests/rust_vmdio/vmdio.h, the worker bookkeeping of
tests/rust_platform/unbind_race.c and modload's memory figures."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
TESTS = TOP / 'tests'
FIXTURES = TESTS / 'host' / 'fixtures'
# The fault sweeps of tests/lib/ with a small bound and a pwrite() of the
# harness's.
FAULTSWEEP_FLAGS = ('-DFAULT_SWEEP_MAX=50', '-Wl,--wrap=pwrite')
# modload's parts but its main(), with a syscall() of the harness's.
MODLOAD = TESTS / 'tools' / 'modload'
MODLOAD_PARTS = tuple(sorted(p for p in MODLOAD.glob('*.c') if p.name != 'main.c'))
MODLOAD_FLAGS = ('-I', MODLOAD, '-Wl,--wrap=syscall')
CC = os.environ.get('CC', 'cc')


class Harness(unittest.TestCase):
	def setUp(self):
		if not shutil.which(CC):
			self.skipTest(f'no C compiler ({CC})')
		self.tmp = tempfile.TemporaryDirectory()
		self.dir = Path(self.tmp.name)

	def tearDown(self):
		self.tmp.cleanup()

	def build(self, source, *flags, parts=()):
		"""Compiles fixtures/@source like scripts/build-tests.sh does, with
		@parts (sources of a program's folder) and the shared library's
		sources (but -O0: the unbind_race harness relies on what the stack
		holds)."""
		binary = self.dir / Path(source).stem
		library = sorted((TESTS / 'lib').glob('*.c')) + sorted((TESTS / 'lib').glob('*/*.c'))
		subprocess.run([CC, '-O0', '-g', '-Wall', '-Wextra', '-Werror', '-pthread',
				'-I', TESTS / 'lib', '-I', TESTS, *flags, '-o', binary, FIXTURES / source,
				*parts, *library],
			       check=True, capture_output=True, text=True)
		return binary

	def run_harness(self, binary, *args):
		return subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)


class FaultSweepTest(Harness):
	"""A sweep fails unless fail-nth demonstrably works (H3)."""

	def setUp(self):
		super().setUp()
		self.binary = self.build('faultsweep_harness.c', *FAULTSWEEP_FLAGS)
		self.nth = self.dir / 'fail-nth'
		self.nth.write_text('0')

	def test_sweep_passes_over_a_working_fail_nth(self):
		result = self.run_harness(self.binary, self.nth, 'rw', 'three')
		self.assertEqual(result.returncode, 0, result.stdout)
		self.assertIn('3 fault points: 3 failed, 0 absorbed', result.stdout)

	def test_budget_faults_one_point_in_k(self):
		# Ten points counted, a budget of 3: points 1, 5 and 9 (k = 4),
		# then 13 is not reached and the run without a fault passes.
		result = self.run_harness(self.binary, self.nth, 'rw', 'ten-budget-3')
		self.assertEqual(result.returncode, 0, result.stdout)
		self.assertIn('# stat fault_points=10', result.stdout)
		self.assertIn('10 allocation points in a run without faults, 1 in 4 faulted',
			      result.stdout)
		self.assertIn('3 fault points: 3 failed, 0 absorbed', result.stdout)

	def test_fail_nth_that_cannot_be_armed_fails_the_sweep(self):
		# A read-only fail-nth still reads 0: the old sweep took that for an
		# injected fault absorbed, FAULT_SWEEP_MAX times, and passed.
		result = self.run_harness(self.binary, self.nth, 'ro', 'open')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('cannot arm fail-nth', result.stdout)
		self.assertIn('fail-nth does not work', result.stdout)

	def test_disarm_of_an_unarmed_thread_injects_nothing(self):
		# fail-nth of a thread that was never armed reads 0 as well.
		result = self.run_harness(self.binary, self.nth, 'rw', 'unarmed')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('reached no allocation', result.stdout)

	def test_sweep_without_a_fault_free_run_fails(self):
		# /dev/zero: armed fine, and reads 0 (injected) for ever.
		result = self.run_harness(self.binary, '/dev/zero', 'rw', 'open')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('50 faults and no run without one', result.stdout)


class FaultFilterTest(Harness):
	"""A sweep confined to modules sets the stack trace filter to the
	addresses above the kernel image for its runs, and resets it after."""

	IMAGE_END = 0xffffffff83a00000
	ULONG_MAX = 2**64 - 1

	def setUp(self):
		super().setUp()
		self.debugfs = self.dir / 'debug'
		self.kallsyms = self.dir / 'kallsyms'
		self.kallsyms.write_text('ffffffff81000000 T _text\n'
					 f'{self.IMAGE_END:x} B _end\n'
					 'ffffffffa0000000 t init\t[rust_pipe]\n')
		self.binary = self.build('faultsweep_harness.c', *FAULTSWEEP_FLAGS,
					 f'-DFAULT_DEBUGFS="{self.debugfs}"',
					 f'-DPROC_KALLSYMS="{self.kallsyms}"')
		self.nth = self.dir / 'fail-nth'
		self.nth.write_text('0')

	def make_filters(self):
		for allocator in ('failslab', 'fail_page_alloc'):
			(self.debugfs / allocator).mkdir(parents=True)
			(self.debugfs / allocator / 'require-start').write_text('0')
			(self.debugfs / allocator / 'require-end').write_text(str(self.ULONG_MAX))

	def filter_file(self, allocator, name):
		return (self.debugfs / allocator / name).read_text()

	def test_runs_see_the_module_range_and_it_is_reset_after(self):
		self.make_filters()
		result = self.run_harness(self.binary, self.nth, 'rw', 'modules-only')
		self.assertEqual(result.returncode, 0, result.stdout)
		self.assertIn('3 fault points: 3 failed, 0 absorbed', result.stdout)
		self.assertIn(f'require-start {self.IMAGE_END}\nrequire-end {self.ULONG_MAX}',
			      result.stdout)
		self.assertNotIn('require-start 0', result.stdout)
		for allocator in ('failslab', 'fail_page_alloc'):
			self.assertEqual(self.filter_file(allocator, 'require-start'), '0')
			self.assertEqual(self.filter_file(allocator, 'require-end'), str(self.ULONG_MAX))

	def test_kernel_without_the_filter_fails_the_sweep(self):
		result = self.run_harness(self.binary, self.nth, 'rw', 'modules-only')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('no stack trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)',
			      result.stdout)
		self.assertNotIn('require-start', result.stdout)

	def test_kallsyms_without_addresses_fails_the_sweep(self):
		self.make_filters()
		self.kallsyms.write_text('0000000000000000 T _text\n0000000000000000 B _end\n')
		result = self.run_harness(self.binary, self.nth, 'rw', 'modules-only')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('has no address for _end', result.stdout)
		self.assertEqual(self.filter_file('failslab', 'require-start'), '0')


class KmsgCleanTest(Harness):
	"""Overwritten kernel log records fail kmsg_clean() (H2)."""

	def setUp(self):
		super().setUp()
		self.binary = self.build('kmsg_harness.c', '-I', TESTS / 'rust_vmdio')

	def test_harmless_records_are_clean(self):
		self.assertEqual(self.run_harness(self.binary, 'rr').returncode, 0)

	def test_warning_is_not_clean(self):
		self.assertEqual(self.run_harness(self.binary, 'rwr').returncode, 1)

	def test_overwritten_records_are_not_clean(self):
		result = self.run_harness(self.binary, 'rer')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('overwritten', result.stdout)


class UnbindRaceTest(Harness):
	"""After a failed fork(), only forked workers are waited for (H5)."""

	def test_only_forked_workers_are_waited_for(self):
		binary = self.build('unbind_race_harness.c', '-I', TESTS / 'rust_platform')
		result = self.run_harness(binary)
		self.assertEqual(result.returncode, 0, result.stdout)
		self.assertEqual([line for line in result.stdout.splitlines()
				  if line.startswith('waited')],
				 ['waited for 1000', 'waited for 1001'])


class ModloadMeminfoTest(Harness):
	"""A /proc/meminfo figure modload cannot read fails the cycles (H6)."""

	def setUp(self):
		super().setUp()
		(self.dir / 'slab').mkdir()
		(self.dir / 'slabinfo').write_text(
			'slabinfo - version: 2.1\n'
			'kmalloc-8 100 120 8 512 1 : tunables 0 0 0 : slabdata 0 0 0\n'
			'dentry 953 1000 192 21 1 : tunables 0 0 0 : slabdata 0 0 0\n')
		(self.dir / 'dentry-state').write_text('885\t10\t45\t0\t2\t0\n')

	def harness(self, meminfo=None):
		return self.build('modload_harness.c', *MODLOAD_FLAGS,
				  f'-DPROC_MEMINFO="{meminfo or self.dir / "meminfo"}"',
				  f'-DPROC_SLABINFO="{self.dir / "slabinfo"}"',
				  f'-DPROC_DENTRY_STATE="{self.dir / "dentry-state"}"',
				  f'-DSYS_SLAB="{self.dir / "slab"}"',
				  f'-DPROC_DROP_CACHES="{self.dir / "drop_caches"}"',
				  parts=MODLOAD_PARTS)

	def load_cycles(self, meminfo):
		return self.run_harness(self.harness(meminfo))

	def test_dentries_are_the_dcache_count_not_the_slab_count(self):
		# The slab count includes dentries waiting for their RCU free.
		binary = self.harness()
		result = self.run_harness(binary, 'objects', 'dentry')
		self.assertEqual((result.returncode, result.stdout), (0, '885\n'))
		result = self.run_harness(binary, 'objects', 'kmalloc-8')
		self.assertEqual((result.returncode, result.stdout), (0, '100\n'))

	def test_unreadable_dentry_state_fails(self):
		(self.dir / 'dentry-state').unlink()
		meminfo = self.dir / 'meminfo'
		meminfo.write_text('SUnreclaim:  1000 kB\nVmallocUsed:  200 kB\n')
		result = self.load_cycles(meminfo)
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('dentry-state', result.stdout)

	def test_cycles_with_readable_meminfo_pass(self):
		meminfo = self.dir / 'meminfo'
		meminfo.write_text('MemTotal: 2000 kB\nSUnreclaim:  1000 kB\nVmallocUsed:  200 kB\n')
		result = self.load_cycles(meminfo)
		self.assertEqual(result.returncode, 0, result.stdout)
		self.assertIn('SUnreclaim +0 kB, VmallocUsed +0 kB', result.stdout)

	def steady(self, *counts):
		binary = self.build('modload_harness.c', *MODLOAD_FLAGS, parts=MODLOAD_PARTS)
		result = self.run_harness(binary, 'steady', *map(str, counts))
		self.assertEqual(result.returncode, 0, result.stdout)
		return result.stdout.split()

	def test_batch_in_one_half_is_not_steady_growth(self):
		# kmalloc-8 +60 at once, in the second half (a sheaf refill).
		self.assertEqual(self.steady(100, 100, 160), ['none', '0'])
		self.assertEqual(self.steady(100, 161, 163), ['kmalloc-8', '2'])

	def test_growth_in_both_halves_is_steady(self):
		# A leak of one object a cycle, 15 cycles a half.
		self.assertEqual(self.steady(100, 115, 130), ['kmalloc-8', '15'])

	def test_unreadable_meminfo_fails(self):
		result = self.load_cycles(self.dir / 'no-meminfo')
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('No such file or directory', result.stdout)

	def test_missing_meminfo_line_fails(self):
		meminfo = self.dir / 'meminfo'
		meminfo.write_text('SUnreclaim:  1000 kB\n')
		result = self.load_cycles(meminfo)
		self.assertEqual(result.returncode, 1, result.stdout)
		self.assertIn('no VmallocUsed', result.stdout)


if __name__ == '__main__':
	unittest.main()
