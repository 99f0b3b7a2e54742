# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/timeline.py: the breakdown of a check run's time."""

import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]


class TimelineTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.results = Path(self.tmp.name)

	def tearDown(self):
		self.tmp.cleanup()

	def file(self, path, text):
		target = self.results / path
		target.parent.mkdir(parents=True, exist_ok=True)
		target.write_text(text)

	def timeline(self, *args):
		return subprocess.run([sys.executable, TOP / 'scripts/timeline.py', self.results, *args],
				      capture_output=True, text=True)

	def test_breakdown(self):
		self.file('host-timeline', '100000 start host-scripts\n100000 start vm modules\n'
			  '100000 start vm lifecycle\n101000 start compile-fail\n101000 end host-scripts\n'
			  '103000 end compile-fail\n112000 end vm lifecycle\n120000 end vm modules\n'
			  '120000 start verdict\n120500 end verdict\n')
		self.file('vm/modules/boot.ms', '5000\n')
		self.file('vm/modules/timeline', '5000 boot-done\n5000 module alpha\n9000 end\n')
		self.file('vm/lifecycle/boot.ms', '4000\n')
		self.file('vm/lifecycle/timeline', '4000 boot-done\n4000 lifecycle alpha\n10000 end\n')
		for name, ms in (('quick', 100), ('slow', 3000), ('medium', 500), ('least', 1)):
			self.file(f'modules/alpha/tests/{name}.ms', f'{ms}\n')
		self.file('lifecycle/alpha/case.ms', '6000\n')
		result = self.timeline('--since', '90000')
		self.assertEqual(result.returncode, 0, result.stderr)
		lines = result.stdout.splitlines()
		figures = [re.search(r'(\d+\.\d) s', line).group(1) for line in lines]
		self.assertEqual(figures, ['10.0', '1.0', '5.0', '4.0', '11.0', '20.0', '4.0', '6.0',
					   '2.0', '12.0', '2.0', '20.0', '0.5', '30.5'])
		self.assertTrue(lines[1].startswith('host tests of the scripts'))
		self.assertIn('(slow 3.0, medium 0.5, quick 0.1)', lines[3])
		self.assertIn('start and power-off', lines[4])
		self.assertIn('(case 6.0)', lines[7])
		self.assertTrue(lines[10].startswith('compile-fail tests'))
		self.assertTrue(lines[11].startswith('side by side: host-scripts, vm modules, '
						     'vm lifecycle, compile-fail'))

	def test_incomplete_run(self):
		self.file('host-timeline', '100000 host-tests\n')
		result = self.timeline()
		self.assertEqual(result.returncode, 1)
		self.assertIn('has no complete timeline', result.stderr)


if __name__ == '__main__':
	unittest.main()
