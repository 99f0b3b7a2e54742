# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/compile_fail.py: reading a case's "//~ ERROR" marks,
finding rustc's errors (and where they point) and the warnings in a build's
output, judging a case from its two builds, and a whole run against a
stand-in for make (no kernel tree needed), whose KTAP the kernel's parser
must read."""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / 'scripts'))

import compile_fail  # noqa: E402
from compile_fail import (  # noqa: E402
	Build,
	Mark,
)

E0477_OUTPUT = '''\
make: Entering directory '/kernel'
  RUSTC [M] case.o
error[E0477]: the type `&'a u32` does not fulfill the required lifetime
  --> case.rs:61:29
   |
61 |     type RegistrationData = &'a u32;
   |                             ^^^^^^^
   |
note: type must satisfy the static lifetime as required by this binding
  --> ../common/miscdev.rs:245:42
   |
245|     type RegistrationData: Send + Sync + 'static;
   |                                          ^^^^^^^

error: aborting due to 1 previous error

For more information about this error, try `rustc --explain E0477`.
make[3]: *** [/kernel/scripts/Makefile.build:366: case.o] Error 1
make: *** [/kernel/Makefile:260: __sub-make] Error 2
'''

# A supertrait bound: the cause (E0478) and what follows from it (E0803).
E0478_OUTPUT = '''\
  RUSTC [M] case.o
error[E0478]: lifetime bound not satisfied
  --> case.rs:69:10
   |
error[E0803]: cannot infer an appropriate lifetime for lifetime parameter `'a`
  --> case.rs:69:25
   |
error: aborting due to 2 previous errors

Some errors have detailed explanations: E0478, E0803.
'''

CLEAN_OUTPUT = '''\
make: Entering directory '/kernel'
make[1]: Entering directory '/work/.build/compile-fail/case/control'
  RUSTC [M] case.o
  MODPOST Module.symvers
  CC [M]  case.mod.o
  LD [M]  case.ko
make: Leaving directory '/kernel'
'''

def kunit_tool() -> Path:
	"""The kernel's tools/testing/kunit (make check passes it; otherwise the
	project's own kernel source is used), as in test_judge.py."""
	if os.environ.get('RKM_KUNIT_TOOL'):
		return Path(os.environ['RKM_KUNIT_TOOL'])
	src = subprocess.run([TOP / 'scripts/fetch-kernel-source.sh'], check=True,
			     capture_output=True, text=True).stdout.strip()
	return Path(src) / 'tools/testing/kunit'


LOGS = {'control': 'control/build.log', 'unsound': 'unsound/build.log'}


def built(output=CLEAN_OUTPUT):
	return Build(0, output, True, 2.0)


def refused(output=E0477_OUTPUT, status=2):
	return Build(status, output, False, 1.0)


class Marks(unittest.TestCase):
	def test_marks_on_their_line_above_and_again(self):
		source = ('// SPDX-License-Identifier: GPL-2.0\n'
			  "    type Ptr = KBox<Session<'a>>; //~ ERROR E0477\n"
			  "impl<'a> MdioBusOps for BorrowedRegs<'a> {\n"
			  '    //~^ ERROR E0478 (the cause)\n'
			  '    //~| ERROR E0803\n'
			  '\n'
			  '//~^^^^^ ERROR E0133\n')
		self.assertEqual(compile_fail.marks(source, 'case.rs'), [
			Mark('case.rs', 2, 'E0477'), Mark('case.rs', 3, 'E0478'),
			Mark('case.rs', 3, 'E0803'), Mark('case.rs', 2, 'E0133')])

	def test_the_codes_the_cause_first_then_what_follows(self):
		source = 'a; //~ ERROR E0478\n//~| ERROR E0276\nb; //~ ERROR E0803\nc; //~ ERROR E0478\n'
		self.assertEqual(compile_fail.expected_codes(source), ['E0478', 'E0276', 'E0803'])
		self.assertIsNone(compile_fail.expected_codes('// SPDX-License-Identifier: GPL-2.0\n'))

	def test_malformed_marks_are_refused_and_docs_are_no_marks(self):
		for source, why in [('x; //~ ERROR\n', 'is not a mark'),
				    ('x; //~ WARN E0477\n', 'is not a mark'),
				    ('x; //~ ERROR lifetime\n', 'is not a mark'),
				    ('//~^ ERROR E0477\n', 'above the first line'),
				    ('//~| ERROR E0477\n', 'no mark before it')]:
			with self.subTest(source=source):
				with self.assertRaisesRegex(compile_fail.MarkError, f'^case.rs:1: .*{why}'):
					compile_fail.marks(source, 'case.rs')
				self.assertIsNone(compile_fail.expected_codes(source))
		docs = '//! Fails with the errors of its `//~ ERROR` marks.\nx; // not //~ ERROR E0477\n'
		self.assertEqual(compile_fail.marks(docs, 'case.rs'), [])

	def test_every_case_in_the_tree_marks_its_lines(self):
		cases_dir = TOP / 'tests/compile-fail'
		cases = compile_fail.cases(cases_dir, [])
		self.assertTrue(cases)
		for case in cases:
			source = (cases_dir / case / f'{case}.rs').read_text()
			with self.subTest(case=case):
				self.assertNotIn('// expect:', source)
				marks = compile_fail.case_marks(cases_dir / case, f'{case}.rs')
				self.assertTrue(marks)
				for mark in marks:
					lines = (cases_dir / case / mark.file).read_text().splitlines()
					self.assertTrue(lines[mark.line - 1].strip(), mark)
				# What builds instead (cfg(not(...))) only where it needs code of its own.
				self.assertIn(f'cfg({compile_fail.CFG})', source)


class RustcOutput(unittest.TestCase):
	def test_errors_with_code_and_location_without_the_summary(self):
		self.assertEqual(compile_fail.rustc_errors(E0477_OUTPUT), [
			('E0477', "error[E0477]: the type `&'a u32` does not fulfill the required lifetime",
			 '--> case.rs:61:29')])
		self.assertEqual([code for code, _, _ in compile_fail.rustc_errors(E0478_OUTPUT)],
				 ['E0478', 'E0803'])

	def test_an_error_without_a_code(self):
		output = 'error: expected one of `;` or `}`, found `fn`\n  --> case.rs:3:1\n'
		self.assertEqual(compile_fail.rustc_errors(output),
				 [(None, 'error: expected one of `;` or `}`, found `fn`', '--> case.rs:3:1')])

	def test_warnings_of_rustc_make_and_modpost(self):
		self.assertEqual(compile_fail.warnings(CLEAN_OUTPUT), [])
		output = ('warning: unused variable: `x`\n'
			  'warning[E0170]: pattern binding `A` is named the same as a variant\n'
			  'make[2]: warning: jobserver unavailable: using -j1.\n'
			  'WARNING: modpost: missing MODULE_DESCRIPTION() in case.o\n')
		self.assertEqual(len(compile_fail.warnings(output)), 4)

	def test_first_error_line_falls_back_to_the_last_line(self):
		self.assertEqual(compile_fail.first_error_line(E0477_OUTPUT),
				 "error[E0477]: the type `&'a u32` does not fulfill the required lifetime")
		self.assertEqual(compile_fail.first_error_line('make: *** No rule\n\n'),
				 'make: *** No rule')
		self.assertEqual(compile_fail.first_error_line(''), '(no output)')


MARK_61 = [Mark('case.rs', 61, 'E0477')]
MARKS_69 = [Mark('case.rs', 69, 'E0478'), Mark('case.rs', 69, 'E0803')]


class Judge(unittest.TestCase):
	def judge(self, expected, control, unsound):
		return compile_fail.judge(expected, control, unsound, LOGS)

	def test_the_right_code_on_its_marked_line_passes(self):
		ok, diagnostics = self.judge(MARK_61, built(), refused())
		self.assertTrue(ok, diagnostics)
		self.assertEqual(diagnostics[:2], [
			"error[E0477]: the type `&'a u32` does not fulfill the required lifetime",
			'--> case.rs:61:29'])
		self.assertIn('1 error, each on its marked line of case.rs (E0477 61)', diagnostics[-1])

	def test_the_cause_and_what_follows_pass_the_cause_shown_even_when_not_first(self):
		ok, diagnostics = self.judge(MARKS_69, built(), refused(E0478_OUTPUT))
		self.assertTrue(ok, diagnostics)
		self.assertEqual(diagnostics[0], 'error[E0478]: lifetime bound not satisfied')
		self.assertIn('2 errors', diagnostics[-1])
		output = E0478_OUTPUT.replace('E0478', 'E9999').replace('E0803', 'E0478') \
			.replace('E9999', 'E0803')
		ok, diagnostics = self.judge(MARKS_69, built(), refused(output))
		self.assertTrue(ok, diagnostics)
		self.assertTrue(diagnostics[0].startswith('error[E0478]'))

	def test_the_right_code_on_another_line_fails(self):
		ok, diagnostics = self.judge([Mark('case.rs', 60, 'E0477')], built(), refused())
		self.assertFalse(ok)
		self.assertEqual(diagnostics[:4], [
			'expected E0477 at case.rs:60 (its mark); rustc reported it at case.rs:61',
			'unexpected error at case.rs:61, where no mark expects E0477:',
			"error[E0477]: the type `&'a u32` does not fulfill the required lifetime",
			'--> case.rs:61:29'])
		self.assertEqual(diagnostics[-1], 'log: unsound/build.log')
		# Nor does another file of the case count for the marked one.
		self.assertFalse(self.judge([Mark('other.rs', 61, 'E0477')], built(), refused())[0])

	def test_an_error_no_mark_expects_fails(self):
		ok, diagnostics = self.judge(MARKS_69[:1], built(), refused(E0478_OUTPUT))
		self.assertFalse(ok)
		self.assertEqual(diagnostics[0],
				 'unexpected error at case.rs:69, where no mark expects E0803:')

	def test_a_marked_code_rustc_did_not_report_fails(self):
		ok, diagnostics = self.judge(MARK_61 + [Mark('case.rs', 61, 'E0803')], built(),
					     refused())
		self.assertFalse(ok)
		self.assertEqual(diagnostics,
				 ['expected E0803 at case.rs:61 (its mark); rustc reported no such error',
				  'log: unsound/build.log'])

	def test_another_code_fails_with_rustcs_error(self):
		output = 'error[E0425]: cannot find value `LABL` in this scope\n  --> case.rs:64:40\n'
		ok, diagnostics = self.judge(MARK_61, built(), refused(output))
		self.assertFalse(ok)
		self.assertEqual(diagnostics, [
			'expected E0477 at case.rs:61 (its mark); rustc reported no such error',
			'unexpected error at case.rs:64, where no mark expects E0425:',
			'error[E0425]: cannot find value `LABL` in this scope', '--> case.rs:64:40',
			'log: unsound/build.log'])

	def test_an_error_without_code_or_outside_the_case_fails(self):
		output = E0477_OUTPUT + 'error: expected item, found `}`\n'
		ok, diagnostics = self.judge(MARK_61, built(), refused(output))
		self.assertFalse(ok)
		self.assertEqual(diagnostics[:2], ['unexpected error without a code:',
						   'error: expected item, found `}`'])
		output = E0477_OUTPUT + ('error[E0477]: the type `&u32` does not fulfill the required '
					 'lifetime\n  --> ../common/miscdev.rs:245:42\n')
		ok, diagnostics = self.judge(MARK_61, built(), refused(output))
		self.assertFalse(ok)
		self.assertEqual(diagnostics[0], "unexpected error outside the case's files:")

	def test_the_unsound_build_succeeding_fails(self):
		ok, diagnostics = self.judge(MARK_61, built(), built())
		self.assertFalse(ok)
		self.assertIn('succeeded', diagnostics[0])

	def test_a_failure_without_rustc_error_fails(self):
		ok, diagnostics = self.judge(MARK_61, built(), refused('make: *** No targets.\n'))
		self.assertFalse(ok)
		self.assertIn('without a rustc error: make: *** No targets.', diagnostics[0])

	def test_a_failed_control_build_proves_nothing(self):
		output = 'error[E0477]: the type `&u32` does not fulfill the required lifetime\n'
		ok, diagnostics = self.judge(MARK_61, refused(output), refused())
		self.assertFalse(ok)
		self.assertIn('control build failed (exit status 2)', diagnostics[0])
		self.assertIn(output.strip(), diagnostics[0])
		self.assertEqual(diagnostics[-1], 'log: control/build.log')

	def test_a_warning_in_the_control_build_fails(self):
		output = CLEAN_OUTPUT + 'warning: struct `Dev` is never constructed\n'
		ok, diagnostics = self.judge(MARK_61, built(output), refused())
		self.assertFalse(ok)
		self.assertIn('control build warned (1 lines): warning: struct `Dev`', diagnostics[0])

	def test_a_control_build_without_module_fails(self):
		ok, diagnostics = self.judge(MARK_61, Build(0, CLEAN_OUTPUT, False), refused())
		self.assertFalse(ok)
		self.assertIn('made no module', diagnostics[0])

	def test_timeouts_fail(self):
		self.assertFalse(self.judge(MARK_61, Build(None, '', False), refused())[0])
		self.assertFalse(self.judge(MARK_61, built(), Build(None, '', False))[0])

	def test_no_mark_or_a_bad_one_fails(self):
		ok, diagnostics = self.judge([], built(), refused())
		self.assertFalse(ok)
		self.assertIn('no "//~ ERROR EXXXX" mark', diagnostics[0])
		ok, diagnostics = self.judge('case.rs:3: "//~ ERROR" is not a mark', built(), refused())
		self.assertFalse(ok)
		self.assertEqual(diagnostics, ['bad mark: case.rs:3: "//~ ERROR" is not a mark'])


class Locations(unittest.TestCase):
	def test_paths_of_the_copy_point_at_the_sources(self):
		copy = Path('/work/.build/compile-fail/case')
		case_dir, common = TOP / 'tests/compile-fail/case', TOP / 'modules/common'
		location = compile_fail.source_location
		self.assertEqual(location('--> case.rs:61:29', copy, case_dir, common),
				 '--> tests/compile-fail/case/case.rs:61:29')
		self.assertEqual(location('  ::: ../common/debugfs.rs:107:5', copy, case_dir, common),
				 '  ::: modules/common/debugfs.rs:107:5')
		self.assertEqual(location(f'--> {copy}/unsound/case.rs:1:2', copy, case_dir, common),
				 '--> tests/compile-fail/case/case.rs:1:2')
		self.assertEqual(location('--> /elsewhere/x.rs:1:2', copy, case_dir, common),
				 '--> /elsewhere/x.rs:1:2')
		self.assertEqual(location('error[E0477]: x', copy, case_dir, common), 'error[E0477]: x')
		# Where an error is, for its mark: a file of the case, or nowhere a mark can be.
		site = compile_fail.error_site
		unsound = copy / 'unsound'
		self.assertEqual(site('--> case.rs:61:29', unsound), ('case.rs', 61))
		self.assertEqual(site(f'--> {unsound}/sub/x.rs:3:1', unsound), ('sub/x.rs', 3))
		self.assertIsNone(site('--> ../common/miscdev.rs:245:42', unsound))
		self.assertIsNone(site('--> /kernel/rust/kernel/lib.rs:1:1', unsound))
		self.assertEqual(site('--> ./case.rs:7:1'), ('case.rs', 7))
		self.assertIsNone(site('--> ../common/miscdev.rs:245:42'))
		self.assertIsNone(site(None, unsound))


# Stands in for make: builds the module of a control build (printing the
# case's control.out, if any), prints the case's unsound.out and fails with
# status 2 for the unsound one. It fails when the copy has no ../common or
# when a calling make's MAKEFLAGS reached it.
FAKE_MAKE = r'''#!/bin/sh
for arg; do
	case $arg in
	M=*) dir=${arg#M=} ;;
	KRUSTFLAGS=*) flags=${arg#KRUSTFLAGS=} ;;
	esac
done
[ -z "$MAKEFLAGS" ] || { echo "make[1]: warning: jobserver unavailable"; }
[ -f "$dir/../common/shared.rs" ] || { echo "error: no ../common/shared.rs"; exit 2; }
[ -f "$dir/Kbuild" ] || { echo "make: *** no Kbuild"; exit 2; }
case=$(sed -n 's/^obj-m := \(.*\)\.o$/\1/p' "$dir/Kbuild")
if [ "$flags" = "--cfg=rkm_compile_fail" ]; then
	cat "$dir/unsound.out" 2>/dev/null
	exit 2
fi
[ -z "$flags" ] || { echo "error: unexpected KRUSTFLAGS=$flags"; exit 2; }
cat "$dir/control.out" 2>/dev/null
touch "$dir/$case.ko"
'''


class Run(unittest.TestCase):
	"""Whole runs of scripts/compile_fail.py against FAKE_MAKE."""

	def setUp(self):
		self.tmp = Path(tempfile.mkdtemp(prefix='rkm-compile-fail-'))
		self.addCleanup(subprocess.run, ['rm', '-rf', str(self.tmp)])
		(self.tmp / 'bin').mkdir()
		(self.tmp / 'bin/make').write_text(FAKE_MAKE)
		(self.tmp / 'bin/make').chmod(0o755)
		(self.tmp / 'kdir').mkdir()
		(self.tmp / 'kdir/Makefile').write_text('')
		(self.tmp / 'common').mkdir()
		(self.tmp / 'common/shared.rs').write_text('// shared\n')
		self.cases = self.tmp / 'cases'

	def case(self, name, mark='E0477', unsound=E0477_OUTPUT, control=''):
		"""A case whose line 61 bears @mark; in @unsound, rustc's output,
		case.rs stands for its file."""
		folder = self.cases / name
		folder.mkdir(parents=True)
		(folder / f'{name}.rs').write_text('// SPDX-License-Identifier: GPL-2.0\n' + '\n' * 59
						   + f"    type Ptr = KBox<Session<'a>>; //~ ERROR {mark}\n")
		(folder / 'unsound.out').write_text(unsound.replace('case.rs', f'{name}.rs'))
		if control:
			(folder / 'control.out').write_text(control)

	def run_cases(self, *args, env=None):
		env = dict(os.environ if env is None else env)
		env['PATH'] = f'{self.tmp / "bin"}:{env["PATH"]}'
		return subprocess.run([sys.executable, TOP / 'scripts/compile_fail.py', self.tmp / 'kdir',
				       '--cases-dir', self.cases, '--common-dir', self.tmp / 'common',
				       '--build-dir', self.tmp / 'build', '--features=', *args],
				      capture_output=True, text=True, env=env)

	def test_ktap_one_test_per_case_in_name_order(self):
		self.case('refused')
		self.case('accepted', unsound='')
		self.case('warns', control='warning: unused import: `Foo`\n')
		run = self.run_cases()
		self.assertEqual(run.returncode, 1, run.stderr)
		lines = run.stdout.splitlines()
		self.assertEqual(lines[:2], ['KTAP version 1', '1..3'])
		results = [line for line in lines if not line.startswith('#')][2:]
		self.assertEqual(results, ['not ok 1 accepted', 'ok 2 refused', 'not ok 3 warns'])
		self.assertIn("# error[E0477]: the type `&'a u32` does not fulfill the required lifetime",
			      lines)
		self.assertIn(f'# --> {self.cases}/refused/refused.rs:61:29', lines)
		self.assertIn('# control build warned (1 lines): warning: unused import: `Foo`', lines)
		self.assertRegex(lines[-1], r'^# 3 cases, 6 builds in [0-9.]+ s \(\d+ at once\)$')

	def test_the_sources_stay_clean_and_the_copies_are_built(self):
		self.case('refused')
		self.assertEqual(self.run_cases().returncode, 0)
		self.assertEqual(sorted(p.name for p in (self.cases / 'refused').iterdir()),
				 ['refused.rs', 'unsound.out'])
		copy = self.tmp / 'build/refused'
		self.assertTrue((copy / 'control/refused.ko').exists())
		self.assertFalse((copy / 'unsound/refused.ko').exists())
		self.assertTrue((copy / 'common/shared.rs').exists())
		self.assertIn('obj-m := refused.o', (copy / 'control/Kbuild').read_text())
		self.assertIn('KRUSTFLAGS=--cfg=rkm_compile_fail', (copy / 'unsound/build.log').read_text())

	def test_a_calling_makes_jobserver_does_not_reach_the_builds(self):
		self.case('refused')
		env = dict(os.environ, MAKEFLAGS=' -j2 --jobserver-auth=fifo:/nonexistent', MAKELEVEL='1')
		run = self.run_cases(env=env)
		self.assertEqual(run.returncode, 0, run.stdout)

	def test_named_cases_only(self):
		self.case('one')
		self.case('two')
		run = self.run_cases('two')
		self.assertEqual(run.returncode, 0, run.stdout)
		self.assertIn('ok 1 two', run.stdout.splitlines())
		self.assertIn('1..1', run.stdout.splitlines())
		self.assertNotEqual(self.run_cases('three').returncode, 0)

	def test_not_a_kernel_tree(self):
		(self.tmp / 'kdir/Makefile').unlink()
		run = self.run_cases()
		self.assertEqual(run.returncode, 2)
		self.assertIn('not a kernel tree', run.stderr)

	def test_a_build_that_hangs_is_stopped(self):
		self.case('hangs')
		(self.tmp / 'bin/make').write_text('#!/bin/sh\nsleep 30\n')
		run = self.run_cases('--timeout', '0.5')
		self.assertEqual(run.returncode, 1)
		self.assertIn('timed out', run.stdout)

	def test_the_kernels_parser_reads_it_as_the_judge_nests_it(self):
		self.case('refused')
		self.case('accepted', unsound='')
		run = self.run_cases()
		from judge.ktap import program_block
		sys.path.insert(0, str(kunit_tool()))
		import kunit_parser
		from kunit_printer import null_printer
		document = ['KTAP version 1', '1..1'] + program_block(
			1, 'compile-fail', run.stdout, run.returncode)
		test = kunit_parser.parse_run_tests(document, null_printer)
		self.assertEqual(test.counts.errors, 0, '\n'.join(document))
		self.assertEqual((test.counts.passed, test.counts.failed), (1, 1))
		self.assertEqual([sub.name for sub in test.subtests[0].subtests], ['accepted', 'refused'])


if __name__ == '__main__':
	unittest.main()
