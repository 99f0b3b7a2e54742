# SPDX-License-Identifier: GPL-2.0
"""Tests of the judge (scripts/judge/) as a whole: composing the raw results
of a run into KTAP, judging taint, and the verdict as the kernel's own KTAP
parser reads it. The tests of its pieces are in test_judge_<piece>.py
(those of scripts/judge/<piece>.py); this file has what they share:
RunFixture (the folders a run leaves, and the Run of them that the judge
takes), the data it writes and the kernel's KTAP parser."""

import io
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

import plan
from judge.cli import main
from judge.compose import compose
from judge.expected import expected_from_plan
from judge.kernel import Kernel
from judge.outcome import failures
from judge.run import Run
from judge.taint import taint_problems

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
		"""A lifecycle case as guest/check.sh records it (status None: no
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

	def write_plan(self, names, flavour='default'):
		"""The run plan of the modules @names in these folders, as check.sh
		writes it before the boot (scripts/plan.py)."""
		lines = plan.plan(self.modules.parent, self.modules.parent, flavour, list(names))
		self.results.mkdir(parents=True, exist_ok=True)
		(self.results / 'plan').write_text('\n'.join(lines) + '\n')

	def document(self, names, flavour='default', kernel=None):
		self.write_plan(names, flavour)
		expected = expected_from_plan(self.results / 'plan')
		run = Run(results=self.results, modules=expected.modules, kernel=kernel or Kernel())
		return compose(run, expected)

	def parse(self, names, flavour='default', kernel=None):
		return kunit_parser.parse_run_tests(self.document(names, flavour, kernel), null_printer)


PROGRAM_OK = 'KTAP version 1\n1..3\nok 1 a\nok 2 b\nok 3 c\n'

LEAK = '''unreferenced object 0xffff888003a1c000 (size 64):
  comm "insmod", pid 120, jiffies 4294892296
  backtrace (crc 0):
    kmalloc_trace+0x25/0x90
    init_module+0x3a/0x1000 [leaky]
'''


class RunFixtureCase(unittest.TestCase):
	"""A test case with a fresh RunFixture in self.run, removed afterwards."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.addCleanup(self.tmp.cleanup)
		self.run = RunFixture(Path(self.tmp.name))

W = 1 << 9


class ComposeTest(RunFixtureCase):
	def test_clean_module_counts_every_case(self):
		raw = self.run.module('good')
		self.run.program(raw, 'basics', PROGRAM_OK, 0)
		test = self.run.parse(['good'])
		# insmod, 2 KUnit cases, 3 program cases, rmmod, log, taint.
		self.assertEqual((test.counts.passed, test.counts.failed, test.counts.errors), (9, 0, 0))
		self.assertEqual(failures(test), [])

	def test_declared_suite_that_did_not_run_fails(self):
		self.run.module('quiet', suites=('ran', 'vanished'), ran_suites=('ran',))
		test = self.run.parse(['quiet'])
		self.assertIn('.quiet.KUnit suite vanished', failures(test)[0])

	def test_missing_suite_named_like_its_module_keeps_the_tree(self):
		self.run.module('drv', suites=('drv',), ran_suites=())
		self.run.module('other')
		test = self.run.parse(['drv', 'other'])
		self.assertEqual([sub.name for sub in test.subtests], ['drv', 'other'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)], ['drv.KUnit suite drv'])

	def test_program_failing_exit_status_fails_even_if_cases_passed(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', PROGRAM_OK, 1)
		test = self.run.parse(['m'])
		self.assertEqual(test.counts.failed, 1)
		self.assertTrue(any(f.endswith('.m.prog') for f in failures(test)))

	def test_program_crashing_midway_fails(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', 'KTAP version 1\n1..3\nok 1 a\n', 139)
		test = self.run.parse(['m'])
		self.assertGreater(test.counts.failed + test.counts.crashed, 0)

	def test_program_timeout_is_named(self):
		raw = self.run.module('m')
		self.run.program(raw, 'slow', PROGRAM_OK, 124)
		document = self.run.document(['m'])
		self.assertIn('not ok 3 slow # timed out', [line.strip() for line in document])

	def test_failed_insmod_fails_and_skips_the_rest(self):
		self.run.module('broken', insmod=1)
		test = self.run.parse(['broken'])
		self.assertEqual(failures(test)[0].split('.')[-1], 'insmod')
		self.assertEqual(test.counts.passed, 2)  # kernel log and taint only

	def test_warning_in_kernel_log_fails_with_excerpt(self):
		log = ('[    1.0] rust_pipe: loaded\n'
		       '[    2.0] WARNING: CPU: 1 PID: 42 at lib/foo.c:12 foo+0x1/0x2\n'
		       '[    2.1] Modules linked in: rust_pipe(O)\n')
		self.run.module('m', dmesg=log)
		document = '\n'.join(self.run.document(['m']))
		self.assertIn('# [ 2.0] WARNING: CPU: 1 PID: 42 at lib/foo.c:12', document)
		self.assertIn('not ok 4 kernel log clean', document)

	def test_unexpected_taint_fails(self):
		self.run.module('m', taint=TAINT_O_AND_N | (1 << 9))
		test = self.run.parse(['m'])
		self.assertTrue(failures(test)[0].endswith('no unexpected taint'))

	def test_main_writes_reports_and_closing_line(self):
		raw = self.run.module('m')
		self.run.program(raw, 'prog', 'KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n', 1)
		self.run.write_plan(['m'])
		out = io.StringIO()
		with redirect_stdout(out):
			status = main(['--results', str(self.run.results),
					      
					       '--kunit-tool', str(kunit_tool())])
		self.assertEqual(status, 1)
		self.assertEqual(out.getvalue().splitlines()[-1], '7 passed, 1 failed, 0 skipped')
		for report in ('report.ktap', 'results.json', 'junit.xml'):
			self.assertTrue((self.run.results / report).stat().st_size > 0, report)

	def test_reused_host_verdict_is_counted_and_named(self):
		self.run.module('m')
		host = self.run.results / 'host'
		host.mkdir()
		(host / 'tool.ktap').write_text('KTAP version 1\n1..2\nok 1 a\nok 2 b\n')
		(host / 'tool.status').write_text('0\n')
		(host / 'tool.unchanged').write_text('unchanged since 2026-12-05 00:40 UTC, not re-run\n')
		self.run.write_plan(['m'])
		out = io.StringIO()
		with redirect_stdout(out):
			status = main(['--results', str(self.run.results),
					      
					       '--kunit-tool', str(kunit_tool()),
					       '--host-tests', str(host / 'tool.ktap')])
		self.assertEqual(status, 0)
		text = out.getvalue()
		self.assertIn('  tool: unchanged since 2026-12-05 00:40 UTC, not re-run\n', text)
		self.assertEqual(text.splitlines()[-1], '8 passed, 0 failed, 0 skipped')
		self.assertIn('# unchanged since 2026-12-05 00:40 UTC, not re-run',
			      (self.run.results / 'report.ktap').read_text())


class TaintDeltaTest(RunFixtureCase):
	"""Taint is cumulative: each module is judged on the flags it added (H4)."""

	def test_warning_of_one_module_does_not_blame_the_next(self):
		self.run.module('first')
		self.run.module('warns', taint=TAINT_O_AND_N | W)
		self.run.module('after', taint=TAINT_O_AND_N | W)
		(self.run.results / 'vm/modules').mkdir(parents=True)
		(self.run.results / 'vm/modules/boot-taint').write_text('0\n')
		test = self.run.parse(['first', 'warns', 'after'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)],
				 ['warns.no unexpected taint'])
		document = '\n'.join(self.run.document(['first', 'warns', 'after']))
		self.assertIn('# already tainted before this module: W (bit 9)', document)

	def test_taint_at_boot_fails_the_boot_not_the_first_module(self):
		self.run.module('first', taint=TAINT_O_AND_N | W)
		vm = self.run.results / 'vm/modules'
		vm.mkdir(parents=True)
		(vm / 'boot-taint').write_text(f'{W}\n')
		(vm / 'boot-dmesg.log').write_text('')
		test = self.run.parse(['first'])
		self.assertEqual([sub.name for sub in test.subtests], ['modules VM boot', 'first'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)],
				 ['modules VM boot.no unexpected taint'])

	def test_each_vm_boot_is_judged(self):
		self.run.module('first')
		for phase, log in (('modules', ''), ('lifecycle', 'BUG: unable to handle page fault\n')):
			vm = self.run.results / 'vm' / phase
			vm.mkdir(parents=True)
			(vm / 'boot-taint').write_text('0\n')
			(vm / 'boot-dmesg.log').write_text(log)
		test = self.run.parse(['first'])
		self.assertEqual([sub.name for sub in test.subtests],
				 ['modules VM boot', 'lifecycle VM boot', 'first'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)],
				 ['lifecycle VM boot.kernel log clean'])

	def test_module_after_one_without_taint_record_is_judged_on_the_last_known(self):
		self.run.module('warns', taint=TAINT_O_AND_N | W)
		self.run.module('crashed')
		(self.run.results / 'modules/crashed/taint').unlink()
		self.run.module('after', taint=TAINT_O_AND_N | W)
		failed = [f.split('.', 1)[1] for f in failures(self.run.parse(['warns', 'crashed', 'after']))]
		self.assertEqual(failed, ['warns.no unexpected taint', 'crashed.no unexpected taint'])


class JudgementTest(unittest.TestCase):
	"""The taint flags allowed on the default tree."""

	def test_taint_allows_only_out_of_tree_and_test(self):
		self.assertEqual(taint_problems(TAINT_O_AND_N, Kernel()), [])
		self.assertEqual(taint_problems(1 << 0, Kernel()), ['P (bit 0)'])


if __name__ == '__main__':
	unittest.main()
