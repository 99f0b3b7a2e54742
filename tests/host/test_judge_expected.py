# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/judge/expected.py, what must have run: the KUnit suites a
module's sources declare and the test programs of tests/<module>/, each of
which fails the run when it left no result."""

import unittest

from judge.outcome import failures
from test_judge import PROGRAM_OK, RunFixtureCase


class ExpectedProgramsTest(RunFixtureCase):
	"""Every test program in the tree must have run (H1)."""

	def test_program_without_status_did_not_run(self):
		raw = self.run.module('m')
		# A program of several files is its folder (its main.c); a folder
		# without one (lifecycle/) is none.
		self.run.sources('m', 'ran.c', 'lost.c', 'script.sh', 'folder/main.c', 'folder/part.c',
				 'lost_folder/main.c', 'lifecycle/helper.c')
		self.run.program(raw, 'folder', PROGRAM_OK, 0)
		self.run.program(raw, 'ran', PROGRAM_OK, 0)
		self.run.program(raw, 'script.sh', PROGRAM_OK, 0)
		test = self.run.parse(['m'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)],
				 ['m.lost', 'm.lost_folder'])
		self.assertIn('# did not run', [line.strip() for line in self.run.document(['m'])])

	def test_program_not_built_fails(self):
		raw = self.run.module('m')
		self.run.sources('m', 'unbuilt.c')
		self.run.program(raw, 'unbuilt', '/x/.build/tests/m/unbuilt is missing or not executable\n', 127)
		test = self.run.parse(['m'])
		self.assertTrue(failures(test)[0].endswith('.m.unbuilt'))

	def test_debug_programs_are_expected_only_in_the_debug_flavour(self):
		raw = self.run.module('m')
		self.run.sources('m', 'basics.c', 'debug/faults.c')
		self.run.program(raw, 'basics', PROGRAM_OK, 0)
		self.assertEqual(failures(self.run.parse(['m'])), [])
		failed = [f.split('.', 1)[1] for f in failures(self.run.parse(['m'], flavour='debug'))]
		self.assertEqual(failed, ['m.debug-faults', 'm.modload'])

	def test_missing_program_named_like_its_module_keeps_the_tree(self):
		self.run.module('drv')
		self.run.module('other')
		self.run.sources('drv', 'drv.c')
		test = self.run.parse(['drv', 'other'])
		self.assertEqual([sub.name for sub in test.subtests], ['drv', 'other'])
		self.assertEqual([f.split('.', 1)[1] for f in failures(test)], ['drv.program drv'])

	def test_nothing_expected_when_insmod_failed(self):
		self.run.module('broken', insmod=1)
		self.run.sources('broken', 'a.c')
		test = self.run.parse(['broken'])
		self.assertEqual([f.split('.')[-1] for f in failures(test)], ['insmod'])


if __name__ == '__main__':
	unittest.main()
