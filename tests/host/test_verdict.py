# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/verdict.sh: a saved run judged again from its results
folder alone (make verdict RESULTS=...), as make check judged it."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from test_judge import RunFixture, kunit_tool

TOP = Path(__file__).resolve().parents[2]


class VerdictTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.run = RunFixture(Path(self.tmp.name))
		raw = self.run.module('m')
		self.run.program(raw, 'prog', 'KTAP version 1\n1..1\nnot ok 1 broken\n', 1)
		self.run.sources('m', 'prog.c')
		host = self.run.results / 'host'
		host.mkdir()
		(host / 'tool.ktap').write_text('KTAP version 1\n1..1\nok 1 fine\n')
		(host / 'tool.status').write_text('0\n')
		# As scripts/check.sh writes them.
		self.run.write_plan(['m'])
		(self.run.results / 'verdict.args').write_text('\n'.join([
			'--kunit-tool', str(kunit_tool()), '--host-tests', '@RESULTS@/host/tool.ktap']) + '\n')

	def tearDown(self):
		self.tmp.cleanup()

	def verdict(self, results):
		return subprocess.run([TOP / 'scripts/verdict.sh', results], capture_output=True, text=True)

	def test_judges_again_with_the_same_summary(self):
		first = self.verdict(self.run.results)
		self.assertEqual(first.returncode, 1, first.stderr)
		self.assertEqual(first.stdout.splitlines()[-1], '7 passed, 1 failed, 0 skipped')
		self.assertIn('m.prog', first.stdout)
		report = (self.run.results / 'report.ktap').read_text()
		(self.run.results / 'report.ktap').unlink()
		again = self.verdict(self.run.results)
		self.assertEqual(again.stdout, first.stdout)
		self.assertEqual((self.run.results / 'report.ktap').read_text(), report)

	def test_a_moved_results_folder_is_judged_where_it_is(self):
		moved = Path(self.tmp.name) / 'saved'
		shutil.move(self.run.results, moved)
		result = self.verdict(moved)
		self.assertEqual(result.stdout.splitlines()[-1], '7 passed, 1 failed, 0 skipped')
		self.assertIn(f'Reports: {moved}/', result.stdout)

	def test_a_folder_without_a_run_is_refused_in_one_line(self):
		result = self.verdict(Path(self.tmp.name))
		self.assertEqual(result.returncode, 1)
		self.assertEqual(len(result.stderr.strip().splitlines()), 1)
		self.assertIn('has no verdict.args', result.stderr)


if __name__ == '__main__':
	unittest.main()
