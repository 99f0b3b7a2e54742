# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/results.py: composing the raw results of a run into KTAP,
judging kernel logs and taint, and the verdict as the kernel's own KTAP
parser reads it."""

import io
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

import results

TOP = Path(__file__).resolve().parents[2]


def kunit_tool() -> Path:
	"""The kernel's tools/testing/kunit (make check passes it; otherwise the
	project's own kernel source is used)."""
	if os.environ.get('RKM_KUNIT_TOOL'):
		return Path(os.environ['RKM_KUNIT_TOOL'])
	src = subprocess.run([TOP / 'scripts/fetch-kernel-source.sh'], check=True,
			     capture_output=True, text=True).stdout.strip()
	return Path(src) / 'tools/testing/kunit'


sys.path.insert(0, str(kunit_tool()))
import kunit_parser  # noqa: E402
from kunit_printer import null_printer  # noqa: E402

SUITE_RESULTS = '''KTAP version 1
1..1
    KTAP version 1
    # Subtest: demo_suite
    1..2
    ok 1 first_case
    ok 2 second_case
ok 1 demo_suite
'''

TAINT_O_AND_N = (1 << 12) | (1 << 18)


class RunFixture:
	"""A results folder and a modules folder as a run would leave them."""

	def __init__(self, root: Path):
		self.results = root / 'results'
		self.modules = root / 'modules'
		self.tests = root / 'tests'

	def module(self, name, suites=('demo_suite',), insmod=0, rmmod=0,
		   dmesg='', taint=TAINT_O_AND_N, ran_suites=None):
		src = self.modules / name
		src.mkdir(parents=True)
		(src / f'{name}.rs').write_text(
			''.join(f'#[kunit_tests({s})]\nmod tests_{s} {{}}\n' for s in suites))
		raw = self.results / 'modules' / name
		(raw / 'kunit').mkdir(parents=True)
		(raw / 'tests').mkdir()
		(raw / 'insmod.status').write_text(f'{insmod}\n')
		(raw / 'insmod.out').write_text('' if insmod == 0 else 'insmod: ERROR: Invalid parameters\n')
		if insmod == 0:
			for suite in suites if ran_suites is None else ran_suites:
				(raw / 'kunit' / f'{suite}.ktap').write_text(
					SUITE_RESULTS.replace('demo_suite', suite))
			(raw / 'rmmod.status').write_text(f'{rmmod}\n')
			(raw / 'rmmod.out').write_text('')
		(raw / 'dmesg.log').write_text(dmesg)
		(raw / 'taint').write_text(f'{taint}\n')
		return raw

	def program(self, raw, name, output, status):
		(raw / 'tests' / f'{name}.out').write_text(output)
		(raw / 'tests' / f'{name}.status').write_text(f'{status}\n')

	def sources(self, module, *paths):
		"""Test sources of @module in the tree (tests/<module>/@paths)."""
		for path in paths:
			source = self.tests / module / path
			source.parent.mkdir(parents=True, exist_ok=True)
			source.write_text('')

	def lifecycle(self, module, case, status=0, output='', dmesg='',
		      taint=(TAINT_O_AND_N, TAINT_O_AND_N), unload='', source=True):
		"""A lifecycle case as guest-check.sh records it (status None: no
		status); @source: the case is in tests/<module>/lifecycle/ too (not
		for a twin, which runs the cases of the module it twins)."""
		if source:
			self.sources(module, f'lifecycle/{case}.sh')
		raw = self.results / 'lifecycle' / module
		raw.mkdir(parents=True, exist_ok=True)
		(raw / f'{case}.out').write_text(output)
		if status is not None:
			(raw / f'{case}.status').write_text(f'{status}\n')
			(raw / f'{case}.dmesg').write_text(dmesg)
			(raw / f'{case}.taint').write_text(f'{taint[0]} {taint[1]}\n')
			(raw / f'{case}.unload').write_text(unload)
		return raw

	def document(self, names, safety=False):
		return results.compose(self.results, self.modules, names,
				       tests_dir=self.tests, safety=safety)

	def parse(self, names, safety=False):
		return kunit_parser.parse_run_tests(self.document(names, safety), null_printer)


PROGRAM_OK = 'KTAP version 1\n1..3\nok 1 a\nok 2 b\nok 3 c\n'


class ComposeTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))

	def tearDown(self):
		self.tmp.cleanup()

	def test_clean_module_counts_every_case(self):
		raw = self.run.module('good')
		self.run.program(raw, 'basics', PROGRAM_OK, 0)
		test = self.run.parse(['good'])
		# insmod, 2 KUnit cases, 3 program cases, rmmod, log, taint.
		self.assertEqual((test.counts.passed, test.counts.failed, test.counts.errors), (9, 0, 0))
		self.assertEqual(results.failures(test), [])

	def test_declared_suite_that_did_not_run_fails(self):
		self.run.module('quiet', suites=('ran', 'vanished'), ran_suites=('ran',))
		test = self.run.parse(['quiet'])
		self.assertIn('.quiet.KUnit suite vanished', results.failures(test)[0])

	def test_missing_suite_named_like_its_module_keeps_the_tree(self):
		self.run.module('drv', suites=('drv',), ran_suites=())
		self.run.module('other')
		test = self.run.parse(['drv', 'other'])
		self.assertEqual([sub.name for sub in test.subtests], ['drv', 'other'])
		self.assertEqual([f.split('.', 1)[1] for f in results.failures(test)], ['drv.KUnit suite drv'])

	def test_program_failing_exit_status_fails_even_if_cases_passed(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', PROGRAM_OK, 1)
		test = self.run.parse(['m'])
		self.assertEqual(test.counts.failed, 1)
		self.assertTrue(any(f.endswith('.m.prog') for f in results.failures(test)))

	def test_program_crashing_midway_fails(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', 'KTAP version 1\n1..3\nok 1 a\n', 139)
		test = self.run.parse(['m'])
		self.assertGreater(test.counts.failed + test.counts.crashed, 0)

	def test_program_timeout_is_named(self):
		raw = self.run.module('m')
		self.run.program(raw, 'slow', PROGRAM_OK, 124)
		document = results.compose(self.run.results, self.run.modules, ['m'])
		self.assertIn('not ok 3 slow # timed out', [line.strip() for line in document])

	def test_failed_insmod_fails_and_skips_the_rest(self):
		self.run.module('broken', insmod=1)
		test = self.run.parse(['broken'])
		self.assertEqual(results.failures(test)[0].split('.')[-1], 'insmod')
		self.assertEqual(test.counts.passed, 2)  # kernel log and taint only

	def test_warning_in_kernel_log_fails_with_excerpt(self):
		log = ('[    1.0] rust_pipe: loaded\n'
		       '[    2.0] WARNING: CPU: 1 PID: 42 at lib/foo.c:12 foo+0x1/0x2\n'
		       '[    2.1] Modules linked in: rust_pipe(O)\n')
		self.run.module('m', dmesg=log)
		document = '\n'.join(results.compose(self.run.results, self.run.modules, ['m']))
		self.assertIn('# [ 2.0] WARNING: CPU: 1 PID: 42 at lib/foo.c:12', document)
		self.assertIn('not ok 4 kernel log clean', document)

	def test_unexpected_taint_fails(self):
		self.run.module('m', taint=TAINT_O_AND_N | (1 << 9))
		test = self.run.parse(['m'])
		self.assertTrue(results.failures(test)[0].endswith('no unexpected taint'))

	def test_main_writes_reports_and_closing_line(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', 'KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n', 1)
		out = io.StringIO()
		with redirect_stdout(out):
			status = results.main(['--results', str(self.run.results),
					       '--modules-dir', str(self.run.modules),
					       '--kunit-tool', str(kunit_tool()), 'm'])
		self.assertEqual(status, 1)
		self.assertEqual(out.getvalue().splitlines()[-1], '7 passed, 1 failed, 0 skipped')
		for report in ('report.ktap', 'results.json', 'junit.xml'):
			self.assertTrue((self.run.results / report).stat().st_size > 0, report)


class ExpectedProgramsTest(unittest.TestCase):
	"""Every test program in the tree must have run (H1)."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))

	def tearDown(self):
		self.tmp.cleanup()

	def test_program_without_status_did_not_run(self):
		raw = self.run.module('m')
		self.run.sources('m', 'ran.c', 'lost.c', 'script.sh')
		self.run.program(raw, 'ran', PROGRAM_OK, 0)
		self.run.program(raw, 'script.sh', PROGRAM_OK, 0)
		test = self.run.parse(['m'])
		self.assertEqual([f.split('.', 1)[1] for f in results.failures(test)], ['m.lost'])
		self.assertIn('# did not run', [line.strip() for line in self.run.document(['m'])])

	def test_program_not_built_fails(self):
		raw = self.run.module('m')
		self.run.sources('m', 'unbuilt.c')
		self.run.program(raw, 'unbuilt', '/x/.build/tests/m/unbuilt is missing or not executable\n', 127)
		test = self.run.parse(['m'])
		self.assertTrue(results.failures(test)[0].endswith('.m.unbuilt'))

	def test_safety_programs_are_expected_only_in_the_debug_flavour(self):
		raw = self.run.module('m')
		self.run.sources('m', 'basics.c', 'safety/faults.c')
		self.run.program(raw, 'basics', PROGRAM_OK, 0)
		self.assertEqual(results.failures(self.run.parse(['m'])), [])
		failed = [f.split('.', 1)[1] for f in results.failures(self.run.parse(['m'], safety=True))]
		self.assertEqual(failed, ['m.modload', 'm.safety-faults'])

	def test_missing_program_named_like_its_module_keeps_the_tree(self):
		self.run.module('drv')
		self.run.module('other')
		self.run.sources('drv', 'drv.c')
		test = self.run.parse(['drv', 'other'])
		self.assertEqual([sub.name for sub in test.subtests], ['drv', 'other'])
		self.assertEqual([f.split('.', 1)[1] for f in results.failures(test)], ['drv.program drv'])

	def test_nothing_expected_when_insmod_failed(self):
		self.run.module('broken', insmod=1)
		self.run.sources('broken', 'a.c')
		test = self.run.parse(['broken'])
		self.assertEqual([f.split('.')[-1] for f in results.failures(test)], ['insmod'])


class LostRecordsTest(unittest.TestCase):
	"""Kernel log records overwritten before they were read fail the log (H2)."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))

	def tearDown(self):
		self.tmp.cleanup()

	def test_lost_records_fail_the_kernel_log(self):
		raw = self.run.module('m')
		(raw / 'dmesg.lost').write_text('0\n2\n0\n')
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('not ok 4 kernel log clean', document)
		self.assertIn('overwritten before they were read (2 times)', document)

	def test_no_lost_records_pass(self):
		raw = self.run.module('m')
		(raw / 'dmesg.lost').write_text('0\n0\n')
		self.assertEqual(results.failures(self.run.parse(['m'])), [])

	def test_lost_records_under_fault_injection_fail_that_log(self):
		raw = self.run.module('m')
		(raw / 'injected-dmesg.log').write_text('')
		(raw / 'injected-dmesg.lost').write_text('1\n')
		failed = results.failures(self.run.parse(['m']))
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('kernel log clean under fault injection'), failed)


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
		[(name, failed)] = results.failed_tests(test)
		self.assertEqual(name.split('.', 1)[1], 'm.load/unload cycles leave nothing behind')
		self.assertEqual(results.failure_reasons(failed),
				 ['one', 'two', 'slab cache kmalloc-8 grew in both halves'])

	def test_passed_tests_give_no_reasons(self):
		document = ['KTAP version 1', '1..1', '    KTAP version 1', '    1..1',
			    '    # fine', '    ok 1 first', 'ok 1 m']
		test = kunit_parser.parse_run_tests(document, null_printer)
		self.assertEqual(results.failed_tests(test), [])


W = 1 << 9


class TaintDeltaTest(unittest.TestCase):
	"""Taint is cumulative: each module is judged on the flags it added (H4)."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))

	def tearDown(self):
		self.tmp.cleanup()

	def test_warning_of_one_module_does_not_blame_the_next(self):
		self.run.module('first')
		self.run.module('warns', taint=TAINT_O_AND_N | W)
		self.run.module('after', taint=TAINT_O_AND_N | W)
		(self.run.results / 'boot-taint').write_text('0\n')
		test = self.run.parse(['first', 'warns', 'after'])
		self.assertEqual([f.split('.', 1)[1] for f in results.failures(test)],
				 ['warns.no unexpected taint'])
		document = '\n'.join(self.run.document(['first', 'warns', 'after']))
		self.assertIn('# already tainted before this module: W (bit 9)', document)

	def test_taint_at_boot_fails_the_boot_not_the_first_module(self):
		self.run.module('first', taint=TAINT_O_AND_N | W)
		(self.run.results / 'boot-taint').write_text(f'{W}\n')
		(self.run.results / 'boot-dmesg.log').write_text('')
		test = self.run.parse(['first'])
		self.assertEqual([sub.name for sub in test.subtests], ['boot', 'first'])
		self.assertEqual([f.split('.', 1)[1] for f in results.failures(test)],
				 ['boot.no unexpected taint'])

	def test_module_after_one_without_taint_record_is_judged_on_the_last_known(self):
		self.run.module('warns', taint=TAINT_O_AND_N | W)
		self.run.module('crashed')
		(self.run.results / 'modules/crashed/taint').unlink()
		self.run.module('after', taint=TAINT_O_AND_N | W)
		failed = [f.split('.', 1)[1] for f in results.failures(self.run.parse(['warns', 'crashed', 'after']))]
		self.assertEqual(failed, ['warns.no unexpected taint', 'crashed.no unexpected taint'])


class LifecycleTest(unittest.TestCase):
	"""Judging the lifecycle cases (tests/<module>/lifecycle/*.sh)."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))
		self.run.module('m')

	def tearDown(self):
		self.tmp.cleanup()

	def failed(self):
		return [f.split('.', 1)[1] for f in results.failures(self.run.parse(['m']))]

	def test_clean_cases_pass_in_their_own_block(self):
		self.run.lifecycle('m', 'reload', output='loaded\nunloaded\n')
		self.run.lifecycle('m', 'open_across_rmmod')
		test = self.run.parse(['m'])
		self.assertEqual([sub.name for sub in test.subtests], ['m', 'm lifecycle'])
		self.assertEqual([sub.name for sub in test.subtests[1].subtests],
				 ['open_across_rmmod', 'reload'])
		self.assertEqual(test.subtests[1].counts.passed, 8)
		self.assertEqual(results.failures(test), [])

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
		failed = [f.split('.', 1)[1] for f in results.failures(test)]
		self.assertEqual(failed, ['c_m lifecycle.open_across_rmmod'])
		self.assertIn('    # did not run\n    not ok 1 open_across_rmmod\n',
			      '\n'.join(self.run.document(['m', 'c_m'])))

	def test_twin_that_ran_no_case_fails_each(self):
		self.run.module('c_m')
		(self.run.tests / 'c_m').mkdir(parents=True)
		(self.run.tests / 'c_m' / 'twin.env').write_text('# c_m has the ABI of m\nTWIN_OF=m\n')
		self.run.lifecycle('m', 'reload')
		self.run.lifecycle('m', 'unbind')
		failed = [f.split('.', 1)[1] for f in results.failures(self.run.parse(['m', 'c_m']))]
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

	def test_case_named_like_its_block_keeps_the_tree(self):
		self.run.lifecycle('m', 'm lifecycle', status=1)
		self.run.module('other')
		test = self.run.parse(['m', 'other'])
		self.assertEqual([sub.name for sub in test.subtests], ['m', 'other', 'm lifecycle'])
		failed = [f.split('.', 1)[1] for f in results.failures(test)]
		self.assertEqual(failed, ['m lifecycle.case m lifecycle.exits with status 0'])

	def test_main_shows_a_lifecycle_row(self):
		self.run.lifecycle('m', 'reload', output='# stat reloads=5\n')
		out = io.StringIO()
		with redirect_stdout(out):
			status = results.main(['--results', str(self.run.results),
					       '--modules-dir', str(self.run.modules),
					       '--tests-dir', str(self.run.tests),
					       '--kunit-tool', str(kunit_tool()), 'm'])
		self.assertEqual(status, 0, out.getvalue())
		rows = out.getvalue().splitlines()
		self.assertEqual(rows[0].split()[-2:], ['reloads', 'reports'])
		self.assertTrue(rows[2].startswith('m lifecycle'), rows)
		self.assertEqual(rows[2].split()[2:], ['4', '0', '0', '5', '0'])
		self.assertEqual(rows[-1], '10 passed, 0 failed, 0 skipped')


LEAK = '''unreferenced object 0xffff888003a1c000 (size 64):
  comm "insmod", pid 120, jiffies 4294892296
  backtrace (crc 0):
    kmalloc_trace+0x25/0x90
    init_module+0x3a/0x1000 [leaky]
'''


class KmemleakTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))

	def tearDown(self):
		self.tmp.cleanup()

	def test_leak_found_after_a_module_fails_that_module(self):
		self.run.module('leaky')
		self.run.module('tidy')
		(self.run.results / 'modules/leaky/kmemleak.log').write_text(LEAK)
		(self.run.results / 'modules/tidy/kmemleak.log').write_text('')
		test = self.run.parse(['leaky', 'tidy'])
		failed = results.failures(test)
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('.leaky.no memory leak (kmemleak)'), failed)

	def test_leak_of_kernel_code_fails_the_module_whose_run_caused_it(self):
		self.run.module('tidy')
		(self.run.results / 'modules/tidy/kmemleak.log').write_text(LEAK.replace(' [leaky]', ''))
		test = self.run.parse(['tidy'])
		failed = results.failures(test)
		self.assertEqual(len(failed), 1)
		self.assertTrue(failed[0].endswith('.tidy.no memory leak (kmemleak)'), failed)

	def test_no_kmemleak_no_leak_check(self):
		self.run.module('tidy')
		document = results.compose(self.run.results, self.run.modules, ['tidy'])
		self.assertFalse(any('kmemleak' in line for line in document))


class StatsTest(unittest.TestCase):
	def test_stats_are_summed_per_module_and_shown(self):
		with tempfile.TemporaryDirectory() as tmp:
			run = RunFixture(Path(tmp))
			raw = run.module('m')
			run.program(raw, 'a', PROGRAM_OK + '# stat faults=12\n', 0)
			run.program(raw, 'b', '# stat faults=3\n# stat load_cycles=200\n' + PROGRAM_OK, 0)
			stats = results.module_stats(raw)
			self.assertEqual(stats, {'faults': 15, 'load_cycles': 200})
			rows = results.summary(run.parse(['m']), {'m': stats})
			self.assertEqual(rows[0].split()[-2:], ['faults', 'load_cycles'])
			self.assertEqual(rows[1].split()[-2:], ['15', '200'])

	def test_reports_count_kernel_log_and_kmemleak_reports(self):
		with tempfile.TemporaryDirectory() as tmp:
			run = RunFixture(Path(tmp))
			raw = run.module('m', dmesg='[ 1.0] WARNING: CPU: 0 PID: 1 at x.c:1\n')
			self.assertEqual(results.module_reports(raw), 1)
			(raw / 'injected-dmesg.log').write_text(
				'[ 2.0] page allocation failure: order:0\n[ 2.1] Call Trace:\n'
				'[ 2.2] </TASK>\n[ 3.0] BUG: KASAN: use-after-free\n')
			(raw / 'kmemleak.log').write_text(LEAK)
			self.assertEqual(results.module_reports(raw), 3)


class JudgementTest(unittest.TestCase):
	def test_declared_suites_are_found_in_every_source_file(self):
		with tempfile.TemporaryDirectory() as tmp:
			module = Path(tmp)
			(module / 'sub').mkdir()
			(module / 'a.rs').write_text('#[kunit_tests(alpha)]\nmod t {}\n')
			(module / 'sub' / 'b.rs').write_text('#[kunit_tests(beta)]\n')
			self.assertEqual(results.declared_suites(module), ['alpha', 'beta'])

	def test_suite_block_renumbers_the_suite(self):
		block = results.suite_block(3, SUITE_RESULTS)
		self.assertEqual(block[0], '    KTAP version 1')
		self.assertEqual(block[-1], 'ok 3 demo_suite')

	def test_suite_block_rejects_other_text(self):
		with self.assertRaises(ValueError):
			results.suite_block(1, 'garbage\n')

	def test_taint_allows_only_out_of_tree_and_test(self):
		self.assertEqual(results.taint_problems(TAINT_O_AND_N), [])
		self.assertEqual(results.taint_problems(1 << 0), ['P (bit 0)'])

	def test_kernel_log_problems_finds_each_report_once(self):
		log = 'BUG: KASAN: use-after-free in x\nCall Trace:\n a\n b\n c\n d\nok\nUBSAN: shift\n'
		problems = results.kernel_log_problems(log)
		self.assertEqual(len(problems), 2)
		self.assertTrue(problems[1].startswith('UBSAN: shift'))

	def test_allocation_failures_are_excused_only_under_injection(self):
		log = ('insmod: vmalloc error: size 8192, page order 0, failed to allocate pages\n'
		       'Call Trace:\n <TASK>\n dump_stack_lvl+0x50/0x70\n warn_alloc+0x170/0x250\n </TASK>\n'
		       'Mem-Info:\n')
		self.assertEqual(results.kernel_log_problems(log, injected_failures=True), [])
		self.assertEqual(len(results.kernel_log_problems(log)), 1)
		warning = 'WARNING: CPU: 0 PID: 9 at mm/slub.c:1 x\n'
		self.assertEqual(len(results.kernel_log_problems(log + warning, injected_failures=True)), 1)

	def test_kunit_suite_declared_with_a_path(self):
		with tempfile.TemporaryDirectory() as tmp:
			(Path(tmp) / 'k.rs').write_text('#[kernel::macros::kunit_tests(gamma)]\n')
			self.assertEqual(results.declared_suites(Path(tmp)), ['gamma'])

	def test_clean_kernel_log(self):
		self.assertEqual(results.kernel_log_problems('rust_pipe: capacity 4096\n'), [])


if __name__ == '__main__':
	unittest.main()
