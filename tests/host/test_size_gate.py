# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/size_gate.py (bench-gate's bound on each pair's .ko text)."""

import tempfile
import unittest
from pathlib import Path

from size_gate import bound, verdict


class VerdictTest(unittest.TestCase):
	def test_within_the_bound_passes(self):
		line = verdict('rust_pipe', 'c_pipe', {'rust_pipe': 8390, 'c_pipe': 4303}, 2.0)
		self.assertEqual(line, 'ok rust_pipe/c_pipe: .ko text as it ships 8390 / 4303 bytes = '
				 '1.95x (at most 2.00x)')

	def test_over_the_bound_fails(self):
		line = verdict('rust_pipe', 'c_pipe', {'rust_pipe': 8700, 'c_pipe': 4303}, 2.0)
		self.assertTrue(line.startswith('not ok rust_pipe/c_pipe:'), line)
		self.assertIn('2.02x (at most 2.00x)', line)

	def test_a_module_not_built_fails(self):
		line = verdict('rust_pipe', 'c_pipe', {'rust_pipe': None, 'c_pipe': 4303}, 2.0)
		self.assertEqual(line, 'not ok rust_pipe/c_pipe: rust_pipe.ko is not built')

	def test_a_pair_without_a_bound_fails(self):
		line = verdict('rust_pipe', 'c_pipe', {'rust_pipe': 8390, 'c_pipe': 4303}, None)
		self.assertEqual(line, 'not ok rust_pipe/c_pipe: tests/c_pipe/size-gate states no '
				 'TEXT_RATIO_MAX')


class BoundTest(unittest.TestCase):
	def test_reads_the_pairs_file_and_its_absence(self):
		with tempfile.TemporaryDirectory() as tests:
			gate = Path(tests) / 'c_pipe' / 'size-gate'
			gate.parent.mkdir()
			self.assertIsNone(bound('c_pipe', Path(tests)))
			gate.write_text('# why\nTEXT_RATIO_MAX=2.10\n')
			self.assertEqual(bound('c_pipe', Path(tests)), 2.10)

	def test_every_pair_of_the_collection_states_one(self):
		from compare import pairs
		for _, twin in pairs():
			self.assertIsNotNone(bound(twin), twin)


if __name__ == '__main__':
	unittest.main()
