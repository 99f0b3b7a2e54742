# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/judge/outcome.py and summary.py: the failed tests of
the parsed document with their reasons, and the summary table's figures (the programs'
"# stat NAME=VALUE" lines and the bug reports a module's run left)."""

import tempfile
import unittest
from pathlib import Path

from judge import outcome, summary
from test_judge import LEAK, PROGRAM_OK, RunFixture, kunit_parser, null_printer


class FailureReasonsTest(unittest.TestCase):
	"""The summary says why each test failed: its last diagnostics."""

	def test_failed_leaf_gives_its_last_diagnostics(self):
		document = ['KTAP version 1', '1..1', '    KTAP version 1', '    1..2',
			    '    # not this one', '    ok 1 first',
			    '    # 30 cycles: kmalloc-8 +60 objects', '    # one', '    # two',
			    '    # slab cache kmalloc-8 grew in both halves',
			    '    not ok 2 load/unload cycles leave nothing behind',
			    'not ok 1 m']
		test = kunit_parser.parse_run_tests(document, null_printer)
		[(name, failed)] = outcome.failed_tests(test)
		self.assertEqual(name.split('.', 1)[1], 'm.load/unload cycles leave nothing behind')
		self.assertEqual(outcome.failure_reasons(failed),
				 ['one', 'two', 'slab cache kmalloc-8 grew in both halves'])

	def test_passed_tests_give_no_reasons(self):
		document = ['KTAP version 1', '1..1', '    KTAP version 1', '    1..1',
			    '    # fine', '    ok 1 first', 'ok 1 m']
		test = kunit_parser.parse_run_tests(document, null_printer)
		self.assertEqual(outcome.failed_tests(test), [])


class StatsTest(unittest.TestCase):
	def test_stats_are_summed_per_module_and_shown(self):
		with tempfile.TemporaryDirectory() as tmp:
			run = RunFixture(Path(tmp))
			raw = run.module('m')
			run.program(raw, 'a', PROGRAM_OK + '# stat faults=12\n', 0)
			run.program(raw, 'b', '# stat faults=3\n# stat load_cycles=200\n' + PROGRAM_OK, 0)
			stats = summary.module_stats(raw)
			self.assertEqual(stats, {'faults': 15, 'load_cycles': 200})
			rows = summary.summary(run.parse(['m']), {'m': stats})
			self.assertEqual(rows[0].split()[-2:], ['faults', 'load_cycles'])
			self.assertEqual(rows[1].split()[-2:], ['15', '200'])

	def test_reports_count_kernel_log_and_kmemleak_reports(self):
		with tempfile.TemporaryDirectory() as tmp:
			run = RunFixture(Path(tmp))
			raw = run.module('m', dmesg='[ 1.0] WARNING: CPU: 0 PID: 1 at x.c:1\n')
			self.assertEqual(summary.module_reports(raw), 1)
			(raw / 'injected-dmesg.log').write_text(
				'[ 2.0] page allocation failure: order:0\n[ 2.1] Call Trace:\n'
				'[ 2.2] </TASK>\n[ 3.0] BUG: KASAN: use-after-free\n')
			(raw / 'kmemleak.log').write_text(LEAK)
			self.assertEqual(summary.module_reports(raw), 3)


if __name__ == '__main__':
	unittest.main()
