# SPDX-License-Identifier: GPL-2.0
"""Tests of make check EXTERNAL=... end to end on the host: module folders
made here are built by scripts/external.sh against a fake kernel tree (its
kbuild writes what the real one does with M= and MO=: modules.order, each
module's .mod and .ko, each object's .cmd naming its sources), staged, their
tests built by scripts/build-tests.sh --tree, run by scripts/guest/check.sh
--tree against the fake kernel of test_guest_check.py, and judged by
the judge (scripts/judge/) as make check judges them.

A fake module's .ko is a copy of its source: its "// on insmod: " lines are
what the fake insmod runs when it loads it (KUnit suites writing their
results to debugfs, a warning in the kernel log, a failed init)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from judge.compose import compose
from judge.expected import expected_from_plan
from judge.outcome import failures
from judge.run import Run
from test_guest_check import STUBS, write_file
from test_judge import kunit_parser, kunit_tool, null_printer

TOP = Path(__file__).resolve().parents[2]

# The kbuild of the fake tree, for make -C KDIR M=DIR MO=OUT modules: each
# object of "obj-m := a.o b.o" (DIR's Kbuild, or its Makefile) is built from
# DIR/a.rs or DIR/a.c; the files its "mod x;" and '#include "x.h"' name are
# its dependencies; a source holding BUILD_ERROR fails as rustc would.
FAKE_KBUILD = r'''
import re
import sys
from pathlib import Path

src, out = Path(sys.argv[1]), Path(sys.argv[2])
kbuild = src / 'Kbuild' if (src / 'Kbuild').exists() else src / 'Makefile'
objects = re.findall(r'(\S+)\.o', ' '.join(re.findall(r'obj-m\s*[:+]?=(.*)', kbuild.read_text())))
out.mkdir(parents=True, exist_ok=True)
for obj in objects:
	source = next(p for p in (src / f'{obj}.rs', src / f'{obj}.c') if p.exists())
	text = source.read_text()
	if 'BUILD_ERROR' in text:
		print(f'  RUSTC [M] {obj}.o')
		print('error[E0425]: cannot find value `BUILD_ERROR` in this scope')
		print(f' --> {source}:3:1')
		print('error: aborting due to 1 previous error')
		print(f'make[3]: *** [scripts/Makefile.build:1: {obj}.o] Error 1', file=sys.stderr)
		sys.exit(2)
	deps = [src / f'{m}.rs' for m in re.findall(r'^mod (\w+);', text, re.M)]
	deps += [src / h for h in re.findall(r'#include "([^"]+)"', text)]
	(out / f'{obj}.ko').write_text(text)
	(out / f'{obj}.mod').write_text(f'./{obj}.o\n')
	(out / f'.{obj}.o.cmd').write_text(
		f'savedcmd_{obj}.o := rustc --remap-path-prefix={src}/= {source}\n\n'
		f'source_{obj}.o := {source}\n\n'
		f'deps_{obj}.o := \\\n  /kdir/rust/libkernel.rmeta \\\n'
		+ ''.join(f'  {dep} \\\n' for dep in deps) + '\n')
(out / 'modules.order').write_text(''.join(f'{obj}.o\n' for obj in objects))
'''

# The fake insmod of test_guest_check.py, which also runs the module's
# "// on insmod: " lines first (sh, with KUNIT the debugfs KUnit folder):
# a failure of theirs is a failed init, and the module is not loaded.
INSMOD = '''
name=$(basename "$1" .ko)
m=$FAKE_ROOT/sys/module/$name
[ -f "$1" ] || { echo "insmod: ERROR: could not load module $1: No such file" >&2; exit 1; }
[ ! -e "$m/initstate" ] || { echo "insmod: ERROR: File exists" >&2; exit 1; }
sed -n 's|^// on insmod: ||p' "$1" >"$FAKE_ROOT/on-insmod"
KUNIT=$FAKE_ROOT/sys/kernel/debug/kunit sh -e "$FAKE_ROOT/on-insmod" || {
	echo "insmod: ERROR: could not insert module $1: Invalid parameters" >&2
	exit 1
}
mkdir -p "$m/holders"
echo live >"$m/initstate"
echo "$name: loaded" >>"$FAKE_ROOT/klog"
'''

TAINT_O = 1 << 12
TAINT_W = 1 << 9


def suite(name, *cases):
	"""The "// on insmod: " line of a KUnit suite @name whose @cases
	("ok 1 x", "not ok 2 y") run at load."""
	failed = any(case.startswith('not ok') for case in cases)
	lines = ['KTAP version 1', '1..1', f'    # Subtest: {name}', f'    1..{len(cases)}',
		 *[f'    {case}' for case in cases], f'{"not ok" if failed else "ok"} 1 {name}']
	printf = '\\n'.join(lines)
	return (f'// on insmod: mkdir -p "$KUNIT/{name}" && printf \'{printf}\\n\' '
		f'>"$KUNIT/{name}/results"\n')


def rust_module(*on_insmod, suites=()):
	"""A Rust module's source: its #[kunit_tests] suites, and what the fake
	kernel does when it loads it."""
	return ('// SPDX-License-Identifier: GPL-2.0\n' + ''.join(on_insmod) +
		''.join(f'#[kunit_tests({s})]\nmod tests_{s} {{}}\n' for s in suites))


KTAP_SCRIPT = '#!/bin/sh\necho "KTAP version 1"\necho "1..1"\necho "ok 1 from $0"\n'
KTAP_PROGRAM = '''// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
int main(void)
{
	printf("KTAP version 1\\n1..1\\nok 1 compiled\\n");
	return 0;
}
'''


class ExternalTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.addCleanup(self.tmp.cleanup)
		self.root = Path(self.tmp.name)
		# A checkout of the harness (its .build/ is this test's).
		self.top = self.root / 'top'
		(self.top / 'scripts').mkdir(parents=True)
		for script in ('external.sh', 'lib.sh', 'build-tests.sh', 'collection.sh'):
			shutil.copy(TOP / 'scripts' / script, self.top / 'scripts')
		shutil.copytree(TOP / 'scripts/guest', self.top / 'scripts/guest')
		# Its library: the C sources the programs are linked with, the kernel
		# report patterns.
		shutil.copytree(TOP / 'tests/lib', self.top / 'tests/lib')
		# The fake tree.
		self.kdir = self.root / 'kdir'
		self.kdir.mkdir()
		(self.kdir / 'kbuild.py').write_text(FAKE_KBUILD)
		(self.kdir / 'Makefile').write_text(
			f'modules:\n\t@{sys.executable} $(CURDIR)/kbuild.py "$(M)" "$(MO)"\n')
		# The fake kernel.
		self.file('proc/sys/kernel/tainted', '0\n')
		self.file('proc/uptime', '12.34 20.00\n')
		self.file('klog', 'boot messages\n')
		(self.root / 'sys/kernel/debug/kunit').mkdir(parents=True)
		for name, body in dict(STUBS, insmod=INSMOD).items():
			self.file(f'bin/{name}', '#!/bin/sh\n' + body, executable=True)
		self.results = self.root / 'results'
		self.results.mkdir()
		# Not make's own, nor what a check of another kernel (make KERNEL=debian
		# check, which runs these tests) exports to them.
		self.env = {name: value for name, value in os.environ.items()
			    if name not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'KERNEL', 'KVER',
					    'MODULES', 'EXTERNAL')}
		self.env.update(KDIR=str(self.kdir), RKM_CACHE=str(self.root / 'cache'))

	def file(self, path, text, executable=False):
		return write_file(self.root / path, text, executable)

	def folder(self, name, files):
		"""A module folder @name holding @files ({path: text}; a path ending
		in .sh is made executable)."""
		for path, text in files.items():
			self.file(f'{name}/{path}', text, executable=path.endswith('.sh'))
		return self.root / name

	def external(self, *folders):
		return subprocess.run([self.top / 'scripts/external.sh', *folders], env=self.env,
				      capture_output=True, text=True, timeout=120)

	def stage(self, *folders):
		"""Builds and stages @folders, and builds their tests, as make check
		EXTERNAL=... does; returns the stage."""
		result = self.external(*folders)
		self.assertEqual(result.returncode, 0, result.stderr)
		stage = Path(result.stdout.strip())
		subprocess.run([self.top / 'scripts/build-tests.sh', '--tree', stage], env=self.env,
			       check=True, capture_output=True, text=True, timeout=120)
		return stage

	def check(self, *folders):
		"""make check EXTERNAL=@folders against the fake kernel, both phases
		in one VM: returns (the stage, the judge's output, its status)."""
		stage = self.stage(*folders)
		modules = sorted(p.name for p in (stage / 'modules').iterdir())
		env = dict(self.env, PATH=f'{self.root / "bin"}:{os.environ["PATH"]}',
			   FAKE_ROOT=str(self.root), RKM_GUEST_SYS=str(self.root / 'sys'),
			   RKM_GUEST_PROC=str(self.root / 'proc'), RKM_GUEST_KMSG='/dev/null',
			   TMPDIR=str(self.root))
		plan = subprocess.run([sys.executable, TOP / 'scripts/plan.py', '--tree', stage,
				       '--checkout', self.top, *modules],
				      check=True, capture_output=True, text=True).stdout
		(self.results / 'plan').write_text(plan)
		subprocess.run(['bash', self.top / 'scripts/guest/check.sh', '--tree', stage,
				'--phase', 'modules', '--phase', 'lifecycle', self.results],
			       env=env, check=True, capture_output=True, text=True, timeout=120)
		verdict = subprocess.run(
			[sys.executable, '-m', 'judge', '--results', self.results,
			 '--kunit-tool', kunit_tool()],
			env=dict(os.environ, PYTHONPATH=str(TOP / 'scripts')), capture_output=True, text=True)
		return stage, verdict.stdout, verdict.returncode

	def failures(self):
		expected = expected_from_plan(self.results / 'plan')
		run = Run(results=self.results, modules=expected.modules)
		test = kunit_parser.parse_run_tests(compose(run, expected), null_printer)
		return [f.split('.', 1)[1] for f in failures(test)]

	def snapshot(self, folder):
		return {p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
			for p in folder.rglob('*')}

	def test_rust_module_whose_suite_passes(self):
		folder = self.folder('ext_ok', {
			'Kbuild': 'obj-m := ext_ok.o\n',
			'ext_ok.rs': rust_module(suite('ext_ok_suite', 'ok 1 adds', 'ok 2 subtracts'),
						 suites=['ext_ok_suite']),
			'tests/script.sh': KTAP_SCRIPT,
			'tests/program.c': KTAP_PROGRAM,
			'tests/lifecycle/reload.sh': '#!/bin/sh\nset -e\n'
						     'insmod "$RKM_MODULES_DIR/ext_ok/ext_ok.ko"\n'
						     'rmmod ext_ok\n',
		})
		before = self.snapshot(folder)
		stage, out, status = self.check(folder)
		self.assertEqual(status, 0, out)
		self.assertEqual(self.failures(), [])
		lines = out.splitlines()
		# The module and its lifecycle cases, groups of their own: insmod,
		# the suite's 2 cases, 2 programs, rmmod, the log and the taint; the
		# case's 4 checks.
		self.assertRegex(out, r'\next_ok +8 +0 +0 ')
		self.assertRegex(out, r'\next_ok lifecycle +4 +0 +0 ')
		self.assertEqual(lines[-1], '14 passed, 0 failed, 0 skipped')
		self.assertIn('ok 1 compiled', (self.results / 'modules/ext_ok/tests/program.out')
			      .read_text())
		# Nothing in the folder was created or changed.
		self.assertEqual(self.snapshot(folder), before)

	def test_rust_module_whose_suite_has_a_failing_case(self):
		folder = self.folder('ext_bad', {
			'Kbuild': 'obj-m := ext_bad.o\n',
			'ext_bad.rs': rust_module(suite('ext_bad_suite', 'ok 1 fine', 'not ok 2 wrong'),
						  suites=['ext_bad_suite', 'ext_never_suite']),
		})
		stage, out, status = self.check(folder)
		self.assertEqual(status, 1, out)
		# A declared suite that did not run fails too.
		self.assertEqual(self.failures(), ['ext_bad.ext_bad_suite.wrong',
							'ext_bad.KUnit suite ext_never_suite'])
		self.assertIn('declared with [kunit_tests] but did not run', out)

	def test_module_whose_init_warns(self):
		warn = ('// on insmod: echo "WARNING: CPU: 0 PID: 9 at ext_warn.rs:12 init+0x1/0x2 '
			f'[ext_warn]" >>"$FAKE_ROOT/klog"; echo {TAINT_O | TAINT_W} '
			'>"$FAKE_ROOT/proc/sys/kernel/tainted"\n')
		folder = self.folder('ext_warn', {'Kbuild': 'obj-m := ext_warn.o\n',
						  'ext_warn.rs': rust_module(warn)})
		stage, out, status = self.check(folder)
		self.assertEqual(status, 1, out)
		self.assertEqual(self.failures(), ['ext_warn.kernel log clean',
							'ext_warn.no unexpected taint'])
		self.assertIn('WARNING: CPU: 0 PID: 9 at ext_warn.rs:12', out)
		self.assertRegex(out, r'\next_warn +2 +2 +0 +1\n')

	def test_module_that_fails_to_load(self):
		fail = '// on insmod: echo "ext_noload: no device found" >>"$FAKE_ROOT/klog"; false\n'
		folder = self.folder('ext_noload', {'Kbuild': 'obj-m := ext_noload.o\n',
						    'ext_noload.rs': rust_module(fail)})
		stage, out, status = self.check(folder)
		self.assertEqual(status, 1, out)
		self.assertEqual(self.failures(), ['ext_noload.insmod'])
		# Its own kernel log says why, beside insmod's error.
		self.assertIn('kernel log: ext_noload: no device found', out)
		self.assertIn('insmod: ERROR: could not insert module', out)

	def test_c_module(self):
		folder = self.folder('cmod', {
			'Makefile': 'obj-m += cmod.o\n',
			'cmod.c': '// SPDX-License-Identifier: GPL-2.0\n#include "cmod.h"\n',
			'cmod.h': '#define CMOD 1\n',
			'unused.c': '',
			'tests/check.sh': KTAP_SCRIPT,
		})
		stage, out, status = self.check(folder)
		self.assertEqual(status, 0, out)
		self.assertEqual(sorted(p.name for p in (stage / 'modules/cmod').iterdir()),
				 ['Kbuild', 'cmod.c', 'cmod.h', 'cmod.ko'])
		self.assertEqual(out.splitlines()[-1], '7 passed, 0 failed, 0 skipped')

	def test_folder_of_two_modules(self):
		folder = self.folder('pair', {
			'Kbuild': 'obj-m := first.o second-mod.o\n',
			'first.rs': rust_module(suite('first_suite', 'ok 1 a'), 'mod helper;\n',
						suites=['first_suite']),
			'helper.rs': '#[kunit_tests(helper_suite)]\nmod t {}\n',
			'second-mod.rs': rust_module(suite('second_suite', 'ok 1 b'),
						     suites=['second_suite']),
			'tests/first/one.sh': KTAP_SCRIPT,
			'tests/second_mod/two.sh': KTAP_SCRIPT,
			'vm/qemu-opts': '-device edu\n',
		})
		stage, out, status = self.check(folder)
		# Each module is judged on its own sources' suites: first declares
		# helper_suite too (its helper.rs), which did not run.
		self.assertEqual(self.failures(), ['first.KUnit suite helper_suite'])
		self.assertEqual(status, 1, out)
		self.assertEqual(sorted(p.name for p in (stage / 'modules').iterdir()),
				 ['first', 'second_mod'])
		self.assertEqual(sorted(p.name for p in (stage / 'modules/second_mod').iterdir()),
				 ['Kbuild', 'second-mod.rs', 'second_mod.ko'])
		self.assertTrue((stage / 'modules/first/vm/qemu-opts').exists())
		self.assertFalse((stage / 'modules/second_mod/vm').exists())
		self.assertEqual(sorted(p.name for p in (self.results / 'modules/first/tests').iterdir()
					if p.suffix == '.status'), ['one.sh.status'])
		self.assertEqual(sorted(p.name for p in (self.results / 'modules/second_mod/tests')
					.iterdir() if p.suffix == '.status'), ['two.sh.status'])
		self.assertRegex(out, r'\nsecond_mod +6 +0 +0 ')

	def test_two_folders_and_a_name_twice(self):
		one = self.folder('one', {'Kbuild': 'obj-m := a.o\n', 'a.rs': rust_module()})
		two = self.folder('two', {'Kbuild': 'obj-m := b.o\n', 'b.rs': rust_module()})
		self.assertEqual(sorted(p.name for p in (self.stage(one, two) / 'modules').iterdir()),
				 ['a', 'b'])
		again = self.folder('again', {'Kbuild': 'obj-m := a.o\n', 'a.c': ''})
		result = self.external(one, again)
		self.assertEqual(result.returncode, 1)
		self.assertEqual(result.stderr.strip().splitlines()[-1][:38],
				 'error: EXTERNAL: two modules are named')

	def test_another_kbuild_command(self):
		# As scripts/distro/debian.sh's, which builds in Debian's chroot.
		(self.kdir / 'Makefile').unlink()
		folder = self.folder('ext', {'Kbuild': 'obj-m := ext.o\n', 'ext.rs': rust_module()})
		result = subprocess.run([self.top / 'scripts/external.sh', '--kbuild',
					 f'{sys.executable} {self.kdir / "kbuild.py"}', folder],
					env=self.env, capture_output=True, text=True, timeout=120)
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertTrue((Path(result.stdout.strip()) / 'modules/ext/ext.ko').is_file())

	def test_bad_folders_are_one_line(self):
		empty = self.folder('empty', {'README': 'no module here\n'})
		none = self.folder('none', {'Kbuild': '# nothing yet\n'})
		for folders, message in (
				([self.root / 'missing'], f'{self.root}/missing is not a folder'),
				([empty], f'{empty} has no Kbuild or Makefile: not a kernel module folder'),
				([none], f'{none} builds no module (no obj-m in its Kbuild or Makefile)')):
			result = self.external(*folders)
			self.assertEqual(result.returncode, 1, message)
			errors = [line for line in result.stderr.splitlines()
				  if line and not line.startswith('==> ')]
			self.assertEqual(errors, [f'error: EXTERNAL: {message}'])

	def test_build_failure_shows_the_first_errors(self):
		folder = self.folder('broken', {'Kbuild': 'obj-m := broken.o\n',
						'broken.rs': '// SPDX-License-Identifier: GPL-2.0\n'
							     'BUILD_ERROR\n'})
		result = self.external(folder)
		self.assertEqual(result.returncode, 1)
		self.assertEqual(result.stdout, '')
		self.assertIn(f'error: EXTERNAL: {folder} failed to build', result.stderr)
		self.assertIn('error[E0425]: cannot find value `BUILD_ERROR`', result.stderr)
		self.assertNotIn('RUSTC [M]', result.stderr)
		self.assertEqual(sorted(p.name for p in folder.iterdir()), ['Kbuild', 'broken.rs'])

	def make(self, *args):
		return subprocess.run(['make', '--no-print-directory', 'LLVM=1', f'KDIR={self.kdir}',
				       'RKM_DEFAULT_TREE=1', *args], cwd=TOP, env=self.env,
				      capture_output=True, text=True, timeout=120)

	def test_make_refuses_what_external_does_not_do(self):
		result = self.make(f'EXTERNAL={self.root}', 'lint')
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('EXTERNAL works with all modules check check-debug vm, not with lint',
			      result.stderr)
		result = self.make(f'EXTERNAL={self.root}', 'MODULES=rust_pipe', 'check')
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('with EXTERNAL, every module of the folders is tested', result.stderr)

	def test_make_check_says_what_is_wrong_with_a_folder(self):
		result = self.make(f'EXTERNAL={self.root}/missing', 'check')
		self.assertNotEqual(result.returncode, 0)
		self.assertIn(f'error: EXTERNAL: {self.root}/missing is not a folder\n', result.stderr)


if __name__ == '__main__':
	unittest.main()
