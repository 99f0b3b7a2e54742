# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/judge/ktap.py: a KUnit suite's debugfs results
renumbered as a subtest of the composed document."""

import unittest

from judge import ktap
from test_judge import SUITE_RESULTS


class JudgementTest(unittest.TestCase):
	"""Renumbering a KUnit suite's debugfs results."""

	def test_suite_block_renumbers_the_suite(self):
		block = ktap.suite_block(3, SUITE_RESULTS)
		self.assertEqual(block[0], '    KTAP version 1')
		self.assertEqual(block[-1], 'ok 3 demo_suite')

	def test_suite_block_rejects_other_text(self):
		with self.assertRaises(ValueError):
			ktap.suite_block(1, 'garbage\n')


if __name__ == '__main__':
	unittest.main()
