# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/judge/kernel_log.py: the bug reports found in a
kernel log (allocation failures excused only under fault injection), kmemleak's
reports, and the records overwritten before they were read, each failing
the module whose run left them."""

import unittest

from judge import kernel_log
from judge.outcome import failures
from test_judge import LEAK, RunFixtureCase


class LostRecordsTest(RunFixtureCase):
	"""Kernel log records overwritten before they were read fail the log (H2)."""

	def test_lost_records_fail_the_kernel_log(self):
		raw = self.run.module('m')
		(raw / 'dmesg.lost').write_text('0\n2\n0\n')
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('not ok 4 kernel log clean', document)
		self.assertIn('overwritten before they were read (2 times)', document)

	def test_no_lost_records_pass(self):
		raw = self.run.module('m')
		(raw / 'dmesg.lost').write_text('0\n0\n')
		self.assertEqual(failures(self.run.parse(['m'])), [])

	def test_lost_records_under_fault_injection_fail_that_log(self):
		raw = self.run.module('m')
		(raw / 'injected-dmesg.log').write_text('')
		(raw / 'injected-dmesg.lost').write_text('1\n')
		failed = failures(self.run.parse(['m']))
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('kernel log clean under fault injection'), failed)


class KmemleakTest(RunFixtureCase):
	def test_leak_found_after_a_module_fails_that_module(self):
		self.run.module('leaky')
		self.run.module('tidy')
		(self.run.results / 'modules/leaky/kmemleak.log').write_text(LEAK)
		(self.run.results / 'modules/tidy/kmemleak.log').write_text('')
		test = self.run.parse(['leaky', 'tidy'])
		failed = failures(test)
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('.leaky.no memory leak (kmemleak)'), failed)

	def test_leak_of_kernel_code_fails_the_module_whose_run_caused_it(self):
		self.run.module('tidy')
		(self.run.results / 'modules/tidy/kmemleak.log').write_text(LEAK.replace(' [leaky]', ''))
		test = self.run.parse(['tidy'])
		failed = failures(test)
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('.tidy.no memory leak (kmemleak)'), failed)

	def test_no_kmemleak_no_leak_check(self):
		self.run.module('tidy')
		document = self.run.document(['tidy'])
		self.assertFalse(any('kmemleak' in line for line in document))


class JudgementTest(unittest.TestCase):
	"""Finding the bug reports in a kernel log."""

	def test_kernel_log_problems_finds_each_report_once(self):
		log = 'BUG: KASAN: use-after-free in x\nCall Trace:\n a\n b\n c\n d\nok\nUBSAN: shift\n'
		problems = kernel_log.kernel_log_problems(log)
		self.assertEqual(len(problems), 2)
		self.assertTrue(problems[1].startswith('UBSAN: shift'))

	def test_the_one_list_of_report_patterns(self):
		path = kernel_log.Path(kernel_log.__file__).resolve().parents[2] / \
			'tests/lib/kernel-reports.txt'
		patterns = [line for line in path.read_text().splitlines()
			    if line and not line.startswith('#')]
		# Read the same by Python, Perl and regcomp(3): no escapes.
		self.assertFalse([p for p in patterns if '\\' in p or '"' in p])
		for line in ('list_del corruption. prev->next should be ffff', 'refcount_t: underflow; use-after-free.',
			     'kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)',
			     'INFO: task insmod:93 blocked for more than 120 seconds.'):
			self.assertEqual(len(kernel_log.kernel_log_problems(line)), 1, line)
		self.assertEqual(kernel_log.kernel_log_problems('rust_pipe: loaded, 4 KiB\n'), [])

	def test_allocation_failures_are_excused_only_under_injection(self):
		log = ('insmod: vmalloc error: size 8192, page order 0, failed to allocate pages\n'
		       'Call Trace:\n <TASK>\n dump_stack_lvl+0x50/0x70\n warn_alloc+0x170/0x250\n </TASK>\n'
		       'Mem-Info:\n')
		self.assertEqual(kernel_log.kernel_log_problems(log, injected_failures=True), [])
		self.assertEqual(len(kernel_log.kernel_log_problems(log)), 1)
		warning = 'WARNING: CPU: 0 PID: 9 at mm/slub.c:1 x\n'
		self.assertEqual(len(kernel_log.kernel_log_problems(log + warning, injected_failures=True)), 1)

	def test_announced_warning_is_excused_other_reports_are_not(self):
		warning = ('------------[ cut here ]------------\n'
			   'WARNING: drivers/net/phy/phy.c:1352 at _phy_state_machine+0x1/0x2, CPU#0: kworker/0:1/9\n'
			   'phy_check_link_status+0x0/0x1a0: returned: -5\n'
			   'Call Trace:\n <TASK>\n phy_state_machine+0x2/0x3\n </TASK>\n'
			   '---[ end trace 0000000000000000 ]---\n')
		announce = '[ 1.0] rkm-lifecycle: expect warning: phy_check_link_status\n'
		end = '[ 2.0] rkm-lifecycle: expect warning end\n'
		judge = kernel_log.kernel_log_judgement
		self.assertEqual(judge(announce + warning + end), ([], 1))
		# Not announced, announced with another text, or after the end: a problem.
		self.assertEqual(len(kernel_log.kernel_log_problems(warning)), 1)
		other = '[ 1.0] rkm-lifecycle: expect warning: _phy_start_aneg\n'
		self.assertEqual(judge(other + warning + end)[1], 0)
		self.assertEqual(judge(announce + end + warning)[1], 0)
		# An oops inside the window is no warning, and stays a problem.
		oops = 'BUG: kernel NULL pointer dereference, address: 0000000000000000\n'
		problems, excused = judge(announce + warning + oops + end)
		self.assertEqual((len(problems), excused), (1, 1))
		self.assertTrue(problems[0].startswith('BUG: kernel NULL pointer'))

	def test_clean_kernel_log(self):
		self.assertEqual(kernel_log.kernel_log_problems('rust_pipe: capacity 4096\n'), [])


if __name__ == '__main__':
	unittest.main()
