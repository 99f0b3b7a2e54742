# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/collection.sh (which modules a check builds and loads)
and scripts/content_hash.py (what decides that a host-side test is not run
again)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]


class CollectionTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.top = Path(self.tmp.name)
		(self.top / 'scripts').mkdir()
		shutil.copy(TOP / 'scripts/collection.sh', self.top / 'scripts')
		for module in ('bus', 'drv', 'twin', 'other'):
			(self.top / 'modules' / module).mkdir(parents=True)
			(self.top / 'modules' / module / 'Kbuild').write_text(f'obj-m := {module}.o\n')
		(self.top / 'tests/drv').mkdir(parents=True)
		(self.top / 'tests/drv/needs').write_text('# the bus it sits on\nbus\n')
		(self.top / 'tests/twin').mkdir(parents=True)
		(self.top / 'tests/twin/twin.env').write_text('TWIN_OF=drv\nKEY=value\n')

	def tearDown(self):
		self.tmp.cleanup()

	def needed(self, *modules):
		return subprocess.run(['bash', self.top / 'scripts/collection.sh', *modules],
				      capture_output=True, text=True, env=dict(os.environ, TOP=''))

	def test_every_module_by_default(self):
		self.assertEqual(self.needed().stdout.split(), ['bus', 'drv', 'other', 'twin'])

	def test_a_module_and_what_its_tests_need(self):
		self.assertEqual(self.needed('drv').stdout.split(), ['bus', 'drv'])

	def test_a_twin_needs_what_the_module_it_twins_needs(self):
		self.assertEqual(self.needed('twin', 'other').stdout.split(), ['bus', 'other', 'twin'])

	def test_a_twin_has_the_vm_extras_of_the_module_it_twins(self):
		result = subprocess.run(['bash', '-c', 'source scripts/collection.sh && vm_extras_of "$@"',
					 'bash', 'twin', 'other'], cwd=self.top, capture_output=True,
					text=True, env=dict(os.environ, TOP=str(self.top)))
		self.assertEqual(result.stdout.split(), ['drv', 'other', 'twin'])

	def test_unknown_module_is_one_line_and_fails(self):
		result = self.needed('drv', 'nosuch')
		self.assertNotEqual(result.returncode, 0)
		self.assertEqual(result.stdout, '')
		self.assertEqual(result.stderr.splitlines(),
				 ['nosuch is not a module of the collection: they are bus drv other twin'])


class ContentHashTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.dir = Path(self.tmp.name)
		(self.dir / 'inputs/sub').mkdir(parents=True)
		(self.dir / 'inputs/a').write_text('a\n')
		(self.dir / 'inputs/sub/b').write_text('b\n')

	def tearDown(self):
		self.tmp.cleanup()

	def content_hash(self, *args):
		return subprocess.run([sys.executable, TOP / 'scripts/content_hash.py', *args],
				      cwd=self.dir, check=True, capture_output=True, text=True).stdout

	def test_time_stamps_play_no_part(self):
		before = self.content_hash('inputs')
		os.utime(self.dir / 'inputs/a', (0, 0))
		self.assertEqual(self.content_hash('inputs'), before)

	def test_content_names_and_commands_do(self):
		before = self.content_hash('inputs', 'missing', '--command=echo 1')
		self.assertEqual(self.content_hash('inputs', 'missing', '--command=echo 1'), before)
		self.assertNotEqual(self.content_hash('inputs', 'missing', '--command=echo 2'), before)
		(self.dir / 'inputs/sub/b').write_text('B\n')
		changed = self.content_hash('inputs', 'missing', '--command=echo 1')
		self.assertNotEqual(changed, before)
		(self.dir / 'inputs/sub/b').rename(self.dir / 'inputs/sub/c')
		self.assertNotEqual(self.content_hash('inputs', 'missing', '--command=echo 1'), changed)
		(self.dir / 'missing').write_text('')
		self.assertNotEqual(self.content_hash('inputs', 'missing', '--command=echo 1'), changed)

	def test_caches_of_python_are_not_inputs(self):
		before = self.content_hash('inputs')
		(self.dir / 'inputs/__pycache__').mkdir()
		(self.dir / 'inputs/__pycache__/a.pyc').write_text('x')
		self.assertEqual(self.content_hash('inputs'), before)


if __name__ == '__main__':
	unittest.main()
