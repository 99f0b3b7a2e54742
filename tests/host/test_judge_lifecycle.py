# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/judge/lifecycle.py: the judgement of the lifecycle cases
(tests/<module>/lifecycle/*.sh): a block per module with cases, one
subtest per case (its exit status, what stayed loaded, its kernel log and
the taint it added), and their row in the summary."""

import io
import unittest
from contextlib import redirect_stdout

from judge.cli import main
from judge.outcome import failures
from test_judge import TAINT_O_AND_N, W, RunFixtureCase, kunit_tool


class LifecycleTest(RunFixtureCase):
	"""Judging the lifecycle cases (tests/<module>/lifecycle/*.sh)."""

	def setUp(self):
		super().setUp()
		self.run.module('m')

	def failed(self):
		return [f.split('.', 1)[1] for f in failures(self.run.parse(['m']))]

	def test_clean_cases_pass_in_their_own_block(self):
		self.run.lifecycle('m', 'reload', output='loaded\nunloaded\n')
		self.run.lifecycle('m', 'open_across_rmmod')
		test = self.run.parse(['m'])
		self.assertEqual([sub.name for sub in test.subtests], ['m', 'm lifecycle'])
		self.assertEqual([sub.name for sub in test.subtests[1].subtests],
				 ['open_across_rmmod', 'reload'])
		self.assertEqual(test.subtests[1].counts.passed, 8)
		self.assertEqual(failures(test), [])

	def test_no_lifecycle_cases_no_block(self):
		self.assertEqual([sub.name for sub in self.run.parse(['m']).subtests], ['m'])

	def test_case_in_the_tree_without_status_did_not_run(self):
		self.run.lifecycle('m', 'ran')
		self.run.sources('m', 'lifecycle/never.sh')
		self.assertEqual(self.failed(), ['m lifecycle.never'])

	def test_twin_must_run_the_cases_of_the_module_it_twins(self):
		# c_m twins m (tests/c_m/twin.env): it runs m's cases, recorded
		# under its own name, and each of them that did not run fails.
		self.run.module('c_m')
		(self.run.tests / 'c_m').mkdir(parents=True)
		(self.run.tests / 'c_m' / 'twin.env').write_text('TWIN_OF=m\nRKM_M_DEVICE=/dev/c-m\n')
		self.run.lifecycle('m', 'open_across_rmmod')
		self.run.lifecycle('m', 'reload')
		self.run.lifecycle('c_m', 'reload', source=False)
		test = self.run.parse(['m', 'c_m'])
		self.assertEqual([sub.name for sub in test.subtests],
				 ['m', 'c_m', 'm lifecycle', 'c_m lifecycle'])
		self.assertEqual([sub.name for sub in test.subtests[3].subtests],
				 ['open_across_rmmod', 'reload'])
		failed = [f.split('.', 1)[1] for f in failures(test)]
		self.assertEqual(failed, ['c_m lifecycle.open_across_rmmod'])
		self.assertIn('    # did not run\n    not ok 1 open_across_rmmod\n',
			      '\n'.join(self.run.document(['m', 'c_m'])))

	def test_twin_that_ran_no_case_fails_each(self):
		self.run.module('c_m')
		(self.run.tests / 'c_m').mkdir(parents=True)
		(self.run.tests / 'c_m' / 'twin.env').write_text('# c_m has the ABI of m\nTWIN_OF=m\n')
		self.run.lifecycle('m', 'reload')
		self.run.lifecycle('m', 'unbind')
		failed = [f.split('.', 1)[1] for f in failures(self.run.parse(['m', 'c_m']))]
		self.assertEqual(failed, ['c_m lifecycle.reload', 'c_m lifecycle.unbind'])

	def test_case_not_run_says_why(self):
		self.run.lifecycle('m', 'blocked', status=None,
				   output='harness: not run: rust_phy still loaded before the case\n')
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('# did not run', document)
		self.assertIn('# harness: not run: rust_phy still loaded', document)
		self.assertEqual(self.failed(), ['m lifecycle.blocked'])

	def test_exit_status_and_timeout(self):
		self.run.lifecycle('m', 'fails', status=1, output='rmmod: ERROR: Module m is in use\n')
		self.run.lifecycle('m', 'hangs', status=124)
		self.assertEqual(self.failed(), ['m lifecycle.fails.exits with status 0',
						 'm lifecycle.hangs.exits with status 0'])
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('# rmmod: ERROR: Module m is in use', document)
		self.assertIn('# timed out', document)

	def test_report_fails_only_its_case_and_later_cases_say_the_kernel_was_tainted(self):
		warning = '[ 9.0] WARNING: CPU: 0 PID: 7 at x.c:1 f+0x1/0x2\n'
		self.run.lifecycle('m', 'a_warns', dmesg=warning, taint=(TAINT_O_AND_N, TAINT_O_AND_N | W))
		self.run.lifecycle('m', 'b_after', taint=(TAINT_O_AND_N | W, TAINT_O_AND_N | W))
		self.assertEqual(self.failed(), ['m lifecycle.a_warns.kernel log clean',
						 'm lifecycle.a_warns.no new taint'])
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('# already tainted before this case: W (bit 9)', document)

	def test_announced_warning_passes_its_case_and_its_taint(self):
		announced = ('[ 8.0] rkm-lifecycle: expect warning: f_returned\n'
			     '[ 9.0] WARNING: CPU: 0 PID: 7 at x.c:1 f+0x1/0x2\n'
			     '[ 9.0] f_returned+0x0/0x1: returned: -5\n'
			     '[ 9.0] ---[ end trace 0000000000000000 ]---\n'
			     '[ 9.5] rkm-lifecycle: expect warning end\n')
		self.run.lifecycle('m', 'a_warns', dmesg=announced,
				   taint=(TAINT_O_AND_N, TAINT_O_AND_N | W))
		# The W it set is no excuse for a case that announced nothing.
		self.run.lifecycle('m', 'b_warns', dmesg='[ 9.0] WARNING: CPU: 0 PID: 7 at x.c:1 g\n',
				   taint=(TAINT_O_AND_N, TAINT_O_AND_N | W))
		self.assertEqual(self.failed(), ['m lifecycle.b_warns.kernel log clean',
						 'm lifecycle.b_warns.no new taint'])

	def test_taint_allowed_flags_are_not_new_taint(self):
		self.run.lifecycle('m', 'loads', taint=(0, TAINT_O_AND_N))
		self.assertEqual(self.failed(), [])

	def test_module_left_loaded_fails_its_case(self):
		self.run.lifecycle('m', 'leaves', unload='m')
		self.assertEqual(self.failed(), ['m lifecycle.leaves.collection unloads after it'])

	def test_missing_records_fail(self):
		raw = self.run.lifecycle('m', 'died')
		(raw / 'died.dmesg').unlink()
		(raw / 'died.taint').unlink()
		self.assertEqual(self.failed(), ['m lifecycle.died.kernel log clean',
						 'm lifecycle.died.no new taint'])

	def test_lost_records_fail_the_case(self):
		raw = self.run.lifecycle('m', 'noisy')
		(raw / 'noisy.lost').write_text('0\n3\n')
		self.assertEqual(self.failed(), ['m lifecycle.noisy.kernel log clean'])

	def test_main_shows_a_lifecycle_row(self):
		self.run.lifecycle('m', 'reload', output='# stat reloads=5\n')
		self.run.write_plan(['m'])
		out = io.StringIO()
		with redirect_stdout(out):
			status = main(['--results', str(self.run.results),
					       '--kunit-tool', str(kunit_tool())])
		self.assertEqual(status, 0, out.getvalue())
		rows = out.getvalue().splitlines()
		self.assertEqual(rows[0].split()[-2:], ['reloads', 'reports'])
		self.assertTrue(rows[2].startswith('m lifecycle'), rows)
		self.assertEqual(rows[2].split()[2:], ['4', '0', '0', '5', '0'])
		self.assertEqual(rows[-1], '10 passed, 0 failed, 0 skipped')


if __name__ == '__main__':
	unittest.main()
