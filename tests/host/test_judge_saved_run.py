# SPDX-License-Identifier: GPL-2.0
"""make verdict on a saved run, tests/host/fixtures/saved-run/: part of a
real make KERNEL=debian check run (rust_phy and its twin c_phy, one
lifecycle case each, both VMs' boots with their kernel logs cut to the last
lines, compile-fail's skip) and its run plan, which names one lifecycle
case more, which did not run. Judged again, it gives the summary and the
report.ktap of expected/, which scripts/results.py gave before the judge
became a package and read the plan, byte for byte."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from test_judge import kunit_tool

TOP = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / 'fixtures/saved-run'


class SavedRunTest(unittest.TestCase):
	def test_judged_again_byte_for_byte(self):
		with tempfile.TemporaryDirectory() as tmp:
			results = Path(tmp) / 'saved-run/results'
			shutil.copytree(FIXTURE / 'results', results)
			args = results / 'verdict.args'
			# The one path a saved run cannot know: this machine's KTAP parser.
			args.write_text(args.read_text().replace('@KUNIT_TOOL@', str(kunit_tool())))
			verdict = subprocess.run([TOP / 'scripts/verdict.sh', results],
						 capture_output=True, text=True)
			self.assertEqual((verdict.returncode, verdict.stderr), (1, ''))
			self.assertEqual(verdict.stdout.replace(str(results), '@RESULTS@'),
					 (FIXTURE / 'expected/summary').read_text())
			self.assertEqual((results / 'report.ktap').read_text(),
					 (FIXTURE / 'expected/report.ktap').read_text())


if __name__ == '__main__':
	unittest.main()
