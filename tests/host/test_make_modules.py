# SPDX-License-Identifier: GPL-2.0
"""Tests of make lint and make checkpatch with MODULES naming modules of one
language only: the other language's step has nothing to check, says so in
one line, and the target succeeds (make check MODULES=c_platform runs
lint first). Against a stand-in tree whose kbuild builds nothing and whose
checkpatch.pl records the files it is given."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

CHECKPATCH = '''#!/usr/bin/perl
print "checkpatch.pl @ARGV\\n";
'''


class MakeOneLanguageTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		tmp = Path(self.tmp.name)
		self.kdir = tmp / 'kdir'
		(self.kdir / 'scripts').mkdir(parents=True)
		(self.kdir / 'Makefile').write_text('modules:\n\t@:\n')
		(self.kdir / '.config').write_text('CONFIG_RUST=y\n')
		(self.kdir / 'scripts/checkpatch.pl').write_text(CHECKPATCH)
		# Not the variables of a make this test may run under.
		self.env = {name: value for name, value in os.environ.items()
			    if name not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'KERNEL', 'LLVM', 'MODULES')}
		self.env['RKM_PROBES_DIR'] = str(tmp / 'probes')

	def tearDown(self):
		self.tmp.cleanup()

	def make(self, *args):
		return subprocess.run(['make', '--no-print-directory', 'LLVM=1', f'KDIR={self.kdir}',
				       'RKM_DEFAULT_TREE=1', *args], cwd=TOP, env=self.env,
				      capture_output=True, text=True, timeout=120)

	def test_lint_of_c_modules_only_needs_no_rustdoc(self):
		result = self.make('MODULES=c_platform', 'lint')
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertIn(f'-f {TOP}/modules/c_platform/main.c', result.stdout)
		self.assertIn('\nrustdoc: not needed, MODULES names no Rust module\n', result.stdout)

	def test_checkpatch_of_rust_modules_only_is_not_needed(self):
		result = self.make('MODULES=rust_pipe', 'checkpatch')
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertEqual(result.stdout, 'checkpatch: not needed, MODULES names no C module\n')


if __name__ == '__main__':
	unittest.main()
