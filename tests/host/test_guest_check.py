# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/guest/check.sh, run on the host against a fake kernel,
on the run plan scripts/plan.py writes for a fake tree:
its /sys, /proc and /dev/kmsg are folders and files of the test
(RKM_GUEST_SYS, RKM_GUEST_PROC, RKM_GUEST_KMSG) and dmesg, insmod, rmmod,
mount and mountpoint are stand-ins that keep the fake's state (a module is
loaded while sys/module/<name>/initstate exists; rmmod refuses while a
module named in its holders/ is loaded, or when a file stuck-<name> exists).
The raw results are then judged by the judge (scripts/judge/), as make
check does."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from judge.compose import compose
from judge.expected import expected_from_plan
from judge.outcome import failures
from judge.run import Run
from test_judge import kunit_parser, null_printer

TOP = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / 'fixtures'

STUBS = {
	'dmesg': '''
[ "$1" = -c ] || exit 2
cat "$FAKE_ROOT/klog"
: >"$FAKE_ROOT/klog"
''',
	'insmod': '''
name=$(basename "$1" .ko)
m=$FAKE_ROOT/sys/module/$name
[ -f "$1" ] || { echo "insmod: ERROR: could not load module $1: No such file" >&2; exit 1; }
[ ! -e "$m/initstate" ] || { echo "insmod: ERROR: File exists" >&2; exit 1; }
mkdir -p "$m/holders"
echo live >"$m/initstate"
echo "$name: loaded" >>"$FAKE_ROOT/klog"
''',
	'rmmod': '''
m=$FAKE_ROOT/sys/module/$1
[ -e "$m/initstate" ] || { echo "rmmod: ERROR: Module $1 is not currently loaded" >&2; exit 1; }
[ ! -e "$FAKE_ROOT/stuck-$1" ] || { echo "rmmod: ERROR: Module $1 is in use" >&2; exit 1; }
for holder in "$m"/holders/*; do
	[ -e "$holder" ] || continue
	[ ! -e "$FAKE_ROOT/sys/module/$(basename "$holder")/initstate" ] && continue
	echo "rmmod: ERROR: Module $1 is in use by: $(basename "$holder")" >&2
	exit 1
done
rm -r "$m"
echo "$1: unloaded" >>"$FAKE_ROOT/klog"
''',
	'mount': 'exit 0\n',
	'mountpoint': 'exit 0\n',
}

PROGRAM = '''#!/bin/sh
echo "KTAP version 1"
echo "1..1"
echo "ok 1 works"
'''

def write_file(target, text, executable=False):
	"""@target with @text, its folders made; executable if asked."""
	target.parent.mkdir(parents=True, exist_ok=True)
	target.write_text(text)
	if executable:
		target.chmod(0o755)
	return target


TAINT_O = 1 << 12
W = 1 << 9


class GuestCheckTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.root = Path(self.tmp.name)
		self.top = self.root / 'top'
		(self.top / 'scripts').mkdir(parents=True)
		shutil.copy(TOP / 'scripts/collection.sh', self.top / 'scripts')
		shutil.copytree(TOP / 'scripts/guest', self.top / 'scripts/guest')
		for module in ('alpha', 'beta'):
			self.file(f'top/modules/{module}/Kbuild', f'obj-m := {module}.o\n')
			self.file(f'top/modules/{module}/{module}.ko', '')
		self.file('proc/sys/kernel/tainted', '0\n')
		self.file('proc/uptime', '12.34 20.00\n')
		self.file('klog', 'boot messages\n')
		(self.root / 'sys/kernel/debug').mkdir(parents=True)
		for name, body in STUBS.items():
			self.file(f'bin/{name}', '#!/bin/sh\n' + body, executable=True)
		self.results = self.root / 'results'
		self.results.mkdir()

	def tearDown(self):
		self.tmp.cleanup()

	def file(self, path, text, executable=False):
		return write_file(self.root / path, text, executable)

	def case(self, module, name, body):
		"""A lifecycle case script of @module."""
		return self.file(f'top/tests/{module}/lifecycle/{name}.sh',
				 '#!/bin/sh\nset -eu\n' + body, executable=True)

	def plan(self, flavour='default', modules=('alpha', 'beta')):
		"""Writes the run plan of @modules, as check.sh does before the boot."""
		plan = subprocess.run(['python3', TOP / 'scripts/plan.py', '--tree', self.top,
				       '--checkout', self.top, '--flavour', flavour, *modules],
				      check=True, capture_output=True, text=True).stdout
		(self.results / 'plan').write_text(plan)

	def guest_check(self, flavour='default', timeout='300', phases=('modules', 'lifecycle')):
		"""Writes the plan, then runs guest/check.sh once for each of @phases
		(a phase, or a tuple of phases one VM runs), one after the other, as
		check.sh's VMs would (each starts with no module loaded)."""
		self.plan(flavour)
		env = dict(os.environ, PATH=f'{self.root / "bin"}:{os.environ["PATH"]}',
			   FAKE_ROOT=str(self.root), RESULTS_DIR=str(self.results),
			   RKM_GUEST_SYS=str(self.root / 'sys'),
			   RKM_GUEST_PROC=str(self.root / 'proc'),
			   RKM_GUEST_KMSG='/dev/null', RKM_TEST_TIMEOUT=timeout,
			   TMPDIR=str(self.root))
		for vm in phases:
			vm = (vm,) if isinstance(vm, str) else vm
			phase_args = [arg for phase in vm for arg in ('--phase', phase)]
			subprocess.run(['bash', self.top / 'scripts/guest/check.sh', *phase_args,
					self.results],
				       env=env, check=True, capture_output=True, text=True, timeout=120)
			self.assertTrue((self.results / 'vm' / '-'.join(vm) / 'complete').exists())

	def failures(self):
		"""The failed tests of the run, judged against the plan it ran."""
		expected = expected_from_plan(self.results / 'plan')
		run = Run(results=self.results, modules=expected.modules)
		test = kunit_parser.parse_run_tests(compose(run, expected), null_printer)
		return [f.split('.', 1)[1] for f in failures(test)]

	def test_twin_runs_the_programs_of_the_module_it_twins(self):
		self.file('top/tests/alpha/built.c', '')
		self.file('top/.build/tests/alpha/built', PROGRAM.replace('works', '$DEVICE'),
			  executable=True)
		self.file('top/tests/alpha/script.sh', PROGRAM.replace('works', 'script $DEVICE'),
			  executable=True)
		self.file('top/tests/beta/twin.env', '# beta has the ABI of alpha\nTWIN_OF=alpha\n'
			  'DEVICE=/dev/beta\n')
		self.guest_check()
		alpha = self.results / 'modules/alpha/tests'
		beta = self.results / 'modules/beta/tests'
		self.assertEqual(sorted(p.name for p in beta.glob('*.status')),
				 ['built.status', 'script.sh.status'])
		self.assertIn('ok 1 /dev/beta', (beta / 'built.out').read_text())
		self.assertIn('ok 1 script /dev/beta', (beta / 'script.sh.out').read_text())
		# The module twinned runs its programs without the twin's environment.
		self.assertIn('ok 1 \n', (alpha / 'built.out').read_text())
		self.assertEqual(self.failures(), [])

	def test_every_expected_program_gets_a_status(self):
		self.file('top/tests/alpha/built.c', '')
		self.file('top/tests/alpha/unbuilt.c', '')
		self.file('top/.build/tests/alpha/built', PROGRAM, executable=True)
		# A program of several files is its folder (its main.c); a folder
		# without one (lifecycle/) is none.
		self.file('top/tests/alpha/folder/main.c', '')
		self.file('top/tests/alpha/folder/part.c', '')
		self.file('top/tests/alpha/lifecycle/helper.c', '')
		self.file('top/.build/tests/alpha/folder', PROGRAM, executable=True)
		self.file('top/tests/alpha/script.sh', PROGRAM, executable=True)
		self.file('top/tests/alpha/noexec.sh', PROGRAM)
		self.guest_check()
		tests = self.results / 'modules/alpha/tests'
		statuses = {p.name: p.read_text().strip() for p in tests.glob('*.status')}
		self.assertEqual(statuses, {'built.status': '0', 'unbuilt.status': '127',
					    'folder.status': '0', 'script.sh.status': '0',
					    'noexec.sh.status': '127'})
		# Each program that ran has its duration (guest clock, ms): here 0, the fake
		# clock stands still.
		self.assertEqual({p.name: p.read_text() for p in tests.glob('*.ms')},
				 {'built.ms': '0\n', 'folder.ms': '0\n', 'script.sh.ms': '0\n'})
		self.assertEqual((self.results / 'vm/modules/boot.ms').read_text(), '12340\n')
		self.assertIn('.build/tests/alpha/unbuilt is missing or not executable',
			      (tests / 'unbuilt.out').read_text())
		self.assertEqual(self.failures(), ['alpha.noexec.sh', 'alpha.unbuilt'])

	def test_debug_flavour_programs_get_a_status(self):
		self.file('top/tests/alpha/debug/faults.c', '')
		self.guest_check(flavour='debug')
		tests = self.results / 'modules/alpha/tests'
		self.assertEqual((tests / 'debug-faults.status').read_text().strip(), '127')
		self.assertEqual((tests / 'modload.status').read_text().strip(), '127')
		self.assertEqual(self.failures(),
				 ['alpha.debug-faults', 'alpha.modload', 'beta.modload'])

	def test_runs_the_plan_not_the_tree(self):
		self.file('top/tests/alpha/script.sh', PROGRAM, executable=True)
		self.case('beta', 'a_case', 'exit 0\n')
		self.plan(modules=('alpha',))
		self.file('top/tests/alpha/late.sh', PROGRAM, executable=True)
		env = dict(os.environ, PATH=f'{self.root / "bin"}:{os.environ["PATH"]}',
			   FAKE_ROOT=str(self.root), RKM_GUEST_SYS=str(self.root / 'sys'),
			   RKM_GUEST_PROC=str(self.root / 'proc'), RKM_GUEST_KMSG='/dev/null')
		subprocess.run(['bash', self.top / 'scripts/guest/check.sh', '--phase', 'modules',
				'--phase', 'lifecycle', self.results],
			       env=env, check=True, capture_output=True, text=True, timeout=120)
		self.assertEqual(sorted(p.name for p in (self.results / 'modules').iterdir()), ['alpha'])
		self.assertEqual(sorted(p.name for p in (self.results / 'modules/alpha/tests').glob(
			'*.status')), ['script.sh.status'])
		self.assertFalse((self.results / 'lifecycle').exists())

	def test_lifecycle_cases_run_after_the_modules_one_at_a_time(self):
		(self.top / 'tests/alpha/lifecycle').mkdir(parents=True)
		shutil.copy(FIXTURES / 'lifecycle/example.sh', self.top / 'tests/alpha/lifecycle/')
		self.case('alpha', 'b_pins', '''
insmod "$RKM_MODULES_DIR/alpha/alpha.ko"
insmod "$RKM_MODULES_DIR/beta/beta.ko"
touch "$FAKE_ROOT/sys/module/alpha/holders/beta"
''')
		# Starts clean although b_pins left alpha pinned by beta; after
		# every module's regular results (beta's are the last).
		self.case('alpha', 'c_starts_clean', '''
test ! -e "$FAKE_ROOT/sys/module/alpha"
test ! -e "$FAKE_ROOT/sys/module/beta"
test -f "$RESULTS_DIR/modules/beta/taint"
test "$RKM_MODULES_DIR" = "$(cd "$(dirname "$0")/../../../modules" && pwd)"
test -d "$RKM_LIFECYCLE_TMP" && test -z "$(ls -A "$RKM_LIFECYCLE_TMP")"
touch "$RKM_LIFECYCLE_TMP/scratch"
''')
		self.case('alpha', 'd_warns', '''
echo "WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2" >>"$FAKE_ROOT/klog"
echo 512 >"$FAKE_ROOT/proc/sys/kernel/tainted"
''')
		self.case('alpha', 'e_after_warning', 'insmod "$RKM_MODULES_DIR/alpha/alpha.ko"\n')
		self.case('alpha', 'f_fails', 'echo "no such thing" >&2\nexit 3\n')
		self.case('beta', 'hangs', 'sleep 30\n')
		self.guest_check(timeout='2')

		alpha = self.results / 'lifecycle/alpha'
		statuses = {p.stem: p.read_text().strip() for p in alpha.glob('*.status')}
		self.assertEqual(statuses, {'example': '0', 'b_pins': '0', 'c_starts_clean': '0',
					    'd_warns': '0', 'e_after_warning': '0', 'f_fails': '3'})
		self.assertEqual((self.results / 'lifecycle/beta/hangs.status').read_text().strip(),
				 '124')
		self.assertEqual((alpha / 'b_pins.unload').read_text(), '')
		self.assertIn('alpha: loaded\nalpha: unloaded\nalpha: loaded\nalpha: unloaded\n',
			      (alpha / 'example.dmesg').read_text())
		self.assertIn('WARNING', (alpha / 'd_warns.dmesg').read_text())
		self.assertNotIn('WARNING', (alpha / 'e_after_warning.dmesg').read_text())
		self.assertEqual((alpha / 'd_warns.taint').read_text().split(), ['0', '512'])
		self.assertEqual((alpha / 'e_after_warning.taint').read_text().split(), ['512', '512'])
		self.assertEqual(list(self.root.glob('rkm-lifecycle.*')), [])
		self.assertEqual(self.failures(), [
			'alpha lifecycle.d_warns.kernel log clean',
			'alpha lifecycle.d_warns.no new taint',
			'alpha lifecycle.f_fails.exits with status 0',
			'beta lifecycle.hangs.exits with status 0',
		])

	def test_twin_runs_the_lifecycle_cases_of_the_module_it_twins(self):
		# alpha twins beta here, so that beta's cases run after the twin's:
		# the twin's environment must not stay for them.
		self.file('top/tests/alpha/twin.env', 'TWIN_OF=beta\nDEVICE=/dev/alpha\nMODULE=alpha\n')
		self.case('beta', 'a_device', '''
echo "device ${DEVICE:-/dev/beta}"
insmod "$RKM_MODULES_DIR/${MODULE:-beta}/${MODULE:-beta}.ko"
''')
		# Judged as any case: this one fails for the twin alone.
		self.case('beta', 'b_default_only', 'test "${DEVICE:-/dev/beta}" = /dev/beta\n')
		self.guest_check()

		alpha = self.results / 'lifecycle/alpha'
		beta = self.results / 'lifecycle/beta'
		self.assertFalse((self.top / 'tests/alpha/lifecycle').exists())
		for raw in (alpha, beta):
			self.assertEqual(sorted(p.name for p in raw.iterdir() if p.stem == 'a_device'),
					 ['a_device.dmesg', 'a_device.lost', 'a_device.ms', 'a_device.out',
					  'a_device.status', 'a_device.taint', 'a_device.unload'])
		self.assertEqual((alpha / 'a_device.out').read_text(), 'device /dev/alpha\n')
		self.assertEqual((beta / 'a_device.out').read_text(), 'device /dev/beta\n')
		self.assertIn('alpha: loaded\nalpha: unloaded\n', (alpha / 'a_device.dmesg').read_text())
		self.assertIn('beta: loaded\nbeta: unloaded\n', (beta / 'a_device.dmesg').read_text())
		self.assertEqual((alpha / 'b_default_only.status').read_text().strip(), '1')
		self.assertEqual((beta / 'b_default_only.status').read_text().strip(), '0')
		self.assertIn(' lifecycle alpha\n', (self.results / 'vm/lifecycle/timeline').read_text())
		self.assertEqual(self.failures(), ['alpha lifecycle.b_default_only.exits with status 0'])

	def test_module_that_cannot_be_unloaded(self):
		self.case('alpha', 'a_sticks', '''
insmod "$RKM_MODULES_DIR/alpha/alpha.ko"
touch "$FAKE_ROOT/stuck-alpha"
''')
		self.case('alpha', 'b_next', 'exit 0\n')
		self.guest_check()
		alpha = self.results / 'lifecycle/alpha'
		self.assertEqual((alpha / 'a_sticks.unload').read_text().strip(), 'alpha')
		self.assertFalse((alpha / 'b_next.status').exists())
		self.assertIn('not run: alpha still loaded', (alpha / 'b_next.out').read_text())
		self.assertEqual(self.failures(), ['alpha lifecycle.a_sticks.collection unloads after it',
						   'alpha lifecycle.b_next'])

	def test_each_drain_counts_lost_records(self):
		self.guest_check()
		for lost in ('vm/modules/boot-dmesg.lost', 'vm/lifecycle/boot-dmesg.lost',
			     'modules/alpha/dmesg.lost'):
			self.assertEqual((self.results / lost).read_text().split(), ['0'], lost)
		self.assertEqual(self.failures(), [])

	def test_each_phase_runs_alone(self):
		self.file('top/tests/alpha/script.sh', PROGRAM, executable=True)
		self.case('alpha', 'a_case', 'exit 0\n')
		self.guest_check(phases=('lifecycle',))
		self.assertTrue((self.results / 'lifecycle/alpha/a_case.status').exists())
		self.assertFalse((self.results / 'modules/alpha').exists())
		self.assertFalse((self.results / 'vm/modules').exists())
		self.guest_check(phases=('modules',))
		self.assertTrue((self.results / 'modules/alpha/tests/script.sh.status').exists())
		self.assertEqual(self.failures(), [])

	def test_one_vm_runs_both_phases_in_order(self):
		self.file('top/tests/alpha/script.sh', PROGRAM, executable=True)
		self.case('alpha', 'a_case', 'exit 0\n')
		self.guest_check(phases=(('modules', 'lifecycle'),))
		timeline = (self.results / 'vm/modules-lifecycle/timeline').read_text()
		self.assertRegex(timeline, r' module alpha\n(.*\n)*\d+ lifecycle alpha\n')
		self.assertEqual(self.failures(), [])

	def test_unknown_phase_is_refused(self):
		result = subprocess.run(['bash', self.top / 'scripts/guest/check.sh', '--phase', 'both',
					 self.results], capture_output=True, text=True)
		self.assertEqual(result.returncode, 2)
		self.assertEqual(len(result.stderr.splitlines()), 1)
		self.assertIn('--phase modules|lifecycle', result.stderr)


if __name__ == '__main__':
	unittest.main()
