# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/bug_classes.py: how make bug-classes judges each class
from what the guest left (trigger output, status, kernel log) and from the
compile-fail cases' KTAP and build logs."""

import contextlib
import io
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / 'scripts'))

import bug_classes  # noqa: E402

KASAN = '''[   20.100000] ==================================================================
[   20.100001] BUG: KASAN: {kind} in {function}+0x5c/0x90 [{module}]
[   20.100002] {access} of size 8 at addr ffff888003a1b210 by task trigger/123
'''
OOPS = '[   21.000000] BUG: KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]\n'
KCSAN = '''[   30.000000] ==================================================================
[   30.000001] BUG: KCSAN: data-race in cb_race_write [c_bugs] / cb_race_write [c_bugs]
'''
PANIC = ('[   22.000000] rust_kernel: panicked at rust_bugs.rs:104:19:\n'
	 '[   22.000001] range end index 24 out of range for slice of length 16\n')

# What each run of a good make bug-classes leaves: (trigger output, status, kernel log).
GOOD_RUNS = {
	'use_after_free': ('ok 1 use_after_free\n', 0,
			   KASAN.format(kind='slab-use-after-free', function='cb_uaf_write',
					module='c_bugs', access='Write')),
	'double_free': ('ok 1 double_free\n', 0,
			KASAN.format(kind='double-free', function='cb_df_write',
				     module='c_bugs', access='Free')),
	'oob_write': ('ok 1 oob_write\n', 0,
		      KASAN.format(kind='slab-out-of-bounds', function='_copy_from_user',
				   module='c_bugs', access='Write')),
	'oob_read': ('# stat bytes_beyond=235\nok 1 oob_read\n', 0,
		     KASAN.format(kind='slab-out-of-bounds', function='_copy_to_user',
				  module='c_bugs', access='Read')),
	'null_deref': ('', 137, OOPS),
	'uninit': ('# reply bytes equal to the key\'s (".": others): ".ECR....-4711!"\n'
		   '# stat secret_bytes=11\nok 1 uninit\n', 0, ''),
	'data_race': ('# 40000 events recorded, sequence number went from 0 to 39000\n'
		      '# stat lost_updates=1000\nok 1 data_race\n', 0, KCSAN),
	'rust_checked_write': ('ok 1 rust_checked_write\n', 0, ''),
	'rust_indexed_write': ('', 137, PANIC),
	'rust_unsafe_uaf': ('ok 1 rust_unsafe_uaf\n', 0,
			    KASAN.format(kind='slab-use-after-free', function='_RNvMs0_CsdD1ZPBHqAYd_9rust_bugsNtB5_4Bugs16store_unsafe_uaf',
					 module='rust_bugs', access='Write')),
	'rust_unsafe_double_free': ('ok 1 rust_unsafe_double_free\n', 0,
				    KASAN.format(kind='double-free', function='kfree',
						 module='rust_bugs', access='Free')),
}


class JudgeTest(unittest.TestCase):
	def setUp(self):
		self.dir = Path(tempfile.mkdtemp())
		self.addCleanup(shutil.rmtree, self.dir)
		self.results = self.dir / 'results'
		self.build = self.dir / 'build'
		self.results.mkdir()
		for vm, modules in bug_classes.VM_MODULES.items():
			(self.results / vm).mkdir()
			(self.results / vm / 'complete').touch()
			for module in modules:
				(self.results / vm / f'load-{module}.status').write_text('0\n')
		for name, (output, status, log) in GOOD_RUNS.items():
			self.run_left(name, output, status, log)
		(self.results / 'kasan/cmdline').write_text('console=ttyS0 kasan_multi_shot\n')
		cases = [row.rust_case for row in bug_classes.CLASSES if row.rust_case]
		ktap = ['KTAP version 1', f'1..{len(cases)}']
		for number, case in enumerate(cases, 1):
			ktap.append(f'ok {number} {case}')
			log = self.build / case / 'unsound' / 'build.log'
			log.parent.mkdir(parents=True)
			code = bug_classes.compile_fail.expected_codes(
				(TOP / 'tests/compile-fail' / case / f'{case}.rs').read_text())[0]
			log.write_text(f'error[{code}]: the message of {case}\n')
		(self.results / 'compile-fail.ktap').write_text('\n'.join(ktap) + '\n')

	def run_left(self, name, output, status, log):
		vm = self.results / ('kcsan' if name == 'data_race' else 'kasan')
		(vm / f'{name}.out').write_text(output)
		(vm / f'{name}.status').write_text(f'{status}\n')
		(vm / f'{name}.dmesg').write_text(log)

	def judge(self):
		return bug_classes.judge(self.results, self.build, TOP / 'tests/compile-fail')

	def verdict(self, title):
		general, rows, _ = self.judge()
		self.assertEqual(general, [])
		return next(row for row in rows if row[0] == title)

	def test_a_good_run_has_every_class_as_expected(self):
		general, rows, failed = self.judge()
		self.assertEqual(general, [])
		self.assertEqual([row[4] for row in rows], ['ok'] * len(bug_classes.CLASSES))
		self.assertEqual(failed, 0)
		uaf = rows[0]
		self.assertIn('BUG: KASAN: slab-use-after-free in cb_uaf_write', uaf[2])
		self.assertIn('refused, E0597, E0505: the message of', uaf[3])

	def test_every_class_points_at_the_line_under_its_marker(self):
		_, rows, _ = self.judge()
		for row in rows:
			self.assertRegex(row[1], r'^`(c|rust)_bugs\.(c|rs):[1-9]\d*` `[^`]+`$', row[0])
		self.assertIn('kfree(text);', rows[1][1])

	def test_a_missing_kasan_report_fails_the_class(self):
		self.run_left('use_after_free', 'ok 1 use_after_free\n', 0, '')
		self.assertIn('no "BUG: KASAN: slab-use-after-free in " in the kernel log',
			      self.verdict('use after free')[4])

	def test_a_read_reported_where_a_write_was_expected_fails(self):
		self.run_left('oob_write', 'ok 1 oob_write\n', 0,
			      KASAN.format(kind='slab-out-of-bounds', function='f', module='c_bugs',
					   access='Read'))
		self.assertIn('names no Write access', self.verdict('out-of-bounds write')[4])

	def test_no_effect_seen_by_user_space_fails(self):
		self.run_left('uninit', '# stat secret_bytes=0\nok 1 uninit\n', 0, '')
		self.assertIn('secret_bytes = 0', self.verdict('uninitialised memory')[4])

	def test_a_class_that_did_not_run_fails(self):
		(self.results / 'kcsan/data_race.status').unlink()
		self.assertIn('data_race did not run', self.verdict('data race')[4])

	def test_an_oops_class_whose_trigger_survived_fails(self):
		self.run_left('null_deref', 'not ok 1 null_deref\n', 0, OOPS)
		self.assertIn('was not killed', self.verdict('NULL pointer dereference')[4])

	def test_an_index_that_did_not_panic_fails(self):
		self.run_left('rust_indexed_write', 'not ok 1\n', 1, '')
		self.assertIn('no Rust panic', self.verdict('out-of-bounds write')[4])

	def test_the_panic_message_is_shown(self):
		self.assertIn('range end index 24 out of range for slice of length 16',
			      self.verdict('out-of-bounds write')[3])

	def test_kasan_behind_a_checked_access_fails(self):
		self.run_left('rust_checked_write', 'ok 1 rust_checked_write\n', 0,
			      KASAN.format(kind='slab-out-of-bounds', function='f', module='rust_bugs',
					   access='Write'))
		self.assertIn('KASAN reported an access the check should have stopped',
			      self.verdict('out-of-bounds read')[4])

	def test_a_compile_fail_case_that_did_not_pass_fails_its_class(self):
		ktap = (self.results / 'compile-fail.ktap').read_text()
		(self.results / 'compile-fail.ktap').write_text(
			ktap.replace('ok 2 double_free_error_path', 'not ok 2 double_free_error_path'))
		self.assertIn('compile-fail case double_free_error_path did not pass',
			      self.verdict('double free')[4])

	def test_without_kasan_multi_shot_the_run_fails(self):
		(self.results / 'kasan/cmdline').write_text('console=ttyS0\n')
		general, _, _ = self.judge()
		self.assertTrue(any('kasan_multi_shot' in problem for problem in general))

	def test_an_incomplete_vm_run_fails(self):
		(self.results / 'kcsan/complete').unlink()
		general, _, _ = self.judge()
		self.assertIn('the kcsan VM did not complete its run', general)

	def test_a_race_kcsan_did_not_report_fails(self):
		self.run_left('data_race', GOOD_RUNS['data_race'][0], 0, '')
		self.assertIn('KCSAN', self.verdict('data race')[4])

	def test_runs_that_oops_come_last(self):
		runs = bug_classes.runs('kasan')
		self.assertEqual(set(runs[-2:]), {'null_deref', 'rust_indexed_write'})
		self.assertEqual(len(runs), len(set(runs)))
		self.assertEqual(bug_classes.runs('kcsan'), ['data_race'])

	def test_main_returns_1_when_a_class_failed(self):
		self.run_left('double_free', 'ok 1 double_free\n', 0, '')
		with contextlib.redirect_stdout(io.StringIO()) as table:
			status = bug_classes.main(['--results', str(self.results),
						   '--build-dir', str(self.build)])
		self.assertEqual(status, 1)
		self.assertIn('1 FAILED', table.getvalue())


if __name__ == '__main__':
	unittest.main()
