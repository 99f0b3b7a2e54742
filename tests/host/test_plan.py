# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/plan.py, the run plan: what the guest runs and the judge
expects, decided from the tree before the boot."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import plan
from judge.expected import expected_from_plan

TOP = Path(__file__).resolve().parents[2]


def tree(root, files):
	"""A tree under @root holding @files (paths, all empty)."""
	for path in files:
		(root / path).parent.mkdir(parents=True, exist_ok=True)
		(root / path).write_text('')
	return root


class PlanTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.root = tree(Path(self.tmp.name), [
			'modules/drv/Kbuild', 'modules/twin/Kbuild', 'modules/other/Kbuild',
			'tests/drv/basic.c', 'tests/drv/script.sh', 'tests/drv/debug/faults.c', 'tests/drv/fuzz/main.c', 'tests/drv/fuzz/model.c',
			'tests/drv/lifecycle/helper.c',
			'tests/drv/lifecycle/reload.sh', 'tests/twin/twin.env'])
		(self.root / 'modules/drv/drv.rs').write_text('#[kunit_tests(drv_suite)]\n')
		(self.root / 'tests/twin/twin.env').write_text('# the ABI of drv\nTWIN_OF=drv\n'
							       'NAME=twin device\n')

	def tearDown(self):
		self.tmp.cleanup()

	def lines(self, flavour='default', modules=('drv', 'twin')):
		return plan.plan(self.root, self.root, flavour, list(modules))

	def test_a_twin_runs_the_programs_and_cases_of_its_module_with_its_environment(self):
		lines = self.lines()
		root = self.root
		self.assertIn(f'module twin {root}/modules/twin/twin.ko', lines)
		self.assertIn('env twin NAME=twin device', lines)
		self.assertIn('twin twin drv', lines)
		self.assertIn(f'program twin basic {root}/.build/tests/drv/basic', lines)
		# A program of several files is its folder (its main.c); a folder
		# without one (lifecycle/) is none.
		self.assertIn(f'program twin fuzz {root}/.build/tests/drv/fuzz', lines)
		self.assertEqual([line.split(' ')[2] for line in lines if line.startswith('program twin')],
				 ['basic', 'fuzz', 'script.sh'])
		self.assertIn(f'program twin script.sh {root}/tests/drv/script.sh', lines)
		self.assertIn(f'lifecycle twin reload {root}/tests/drv/lifecycle/reload.sh', lines)
		self.assertIn('suite drv drv_suite', lines)
		self.assertFalse([line for line in lines if line.startswith('suite twin')])
		self.assertFalse([line for line in lines if line.startswith('env drv')])
		self.assertFalse([line for line in lines if line.startswith('twin drv')])

	def test_fault_injection_only_in_the_debug_flavour(self):
		self.assertFalse([line for line in self.lines() if line.startswith(('injection', 'load-cycles'))])
		debug = self.lines('debug')
		self.assertIn('flavour debug', debug)
		self.assertEqual([line.split(' ')[:3] for line in debug
				  if line.startswith(('injection', 'load-cycles'))],
				 [['injection', 'drv', 'debug-faults'], ['load-cycles', 'drv', 'modload'],
				  ['injection', 'twin', 'debug-faults'], ['load-cycles', 'twin', 'modload']])

	def test_every_module_of_the_tree_is_named_for_unloading(self):
		self.assertEqual([line for line in self.lines(modules=('drv',)) if line.startswith('collection')],
				 ['collection drv', 'collection other', 'collection twin'])

	def test_the_judge_reads_back_what_the_plan_says(self):
		(self.root / 'plan').write_text('\n'.join(self.lines('debug')) + '\n')
		expected = expected_from_plan(self.root / 'plan')
		self.assertEqual(expected.modules, ('drv', 'twin'))
		self.assertEqual(expected.suites, {'drv': ['drv_suite'], 'twin': []})
		self.assertEqual(expected.programs['twin'], ['basic', 'debug-faults', 'fuzz', 'modload', 'script.sh'])
		self.assertEqual(expected.lifecycle_cases, {'drv': ['reload'], 'twin': ['reload']})

	def test_a_name_with_a_space_is_refused(self):
		(self.root / 'tests/drv/lifecycle/two words.sh').write_text('')
		result = subprocess.run([sys.executable, TOP / 'scripts/plan.py', '--tree', self.root,
					 '--checkout', self.root, 'drv'], capture_output=True, text=True)
		self.assertEqual(result.returncode, 2)
		self.assertEqual(result.stderr.splitlines(), [
			f'plan.py: a test name may not hold a space: {self.root}/tests/drv/lifecycle/two words.sh'])

	def test_an_unknown_module_is_refused(self):
		result = subprocess.run([sys.executable, TOP / 'scripts/plan.py', '--tree', self.root,
					 '--checkout', self.root, 'nosuch'], capture_output=True, text=True)
		self.assertEqual(result.returncode, 2)
		self.assertEqual(len(result.stderr.splitlines()), 1)


class DeclaredSuitesTest(unittest.TestCase):
	"""Finding the KUnit suites a module declares."""

	def test_declared_suites_are_found_in_every_source_file(self):
		with tempfile.TemporaryDirectory() as tmp:
			module = Path(tmp)
			(module / 'sub').mkdir()
			(module / 'a.rs').write_text('#[kunit_tests(alpha)]\nmod t {}\n')
			(module / 'sub' / 'b.rs').write_text('#[kunit_tests(beta)]\n')
			self.assertEqual(plan.declared_suites(module), ['alpha', 'beta'])

	def test_kunit_suite_declared_with_a_path(self):
		with tempfile.TemporaryDirectory() as tmp:
			(Path(tmp) / 'k.rs').write_text('#[kernel::macros::kunit_tests(gamma)]\n')
			self.assertEqual(plan.declared_suites(Path(tmp)), ['gamma'])

	def test_suites_of_files_included_by_path_are_the_modules(self):
		with tempfile.TemporaryDirectory() as tmp:
			(Path(tmp) / 'common').mkdir()
			(Path(tmp) / 'common' / 'shared.rs').write_text('#[kunit_tests(shared)]\n')
			(Path(tmp) / 'common' / 'unused.rs').write_text('#[kunit_tests(unused)]\n')
			module = Path(tmp) / 'm'
			module.mkdir()
			(module / 'm.rs').write_text('#[path = "../common/shared.rs"]\nmod shared;\n'
						     '#[path = "../common/missing.rs"]\nmod missing;\n')
			self.assertEqual(plan.declared_suites(module), ['shared'])



if __name__ == '__main__':
	unittest.main()
