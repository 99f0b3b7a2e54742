# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/rustdoc.sh: rustdoc run with the command kbuild compiled
a module with (its .cmd file), and the examples of modules/common/ compiled
with that command, against a stand-in rustdoc and compiler that record their
arguments and environment."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

RUSTDOC = '''#!/bin/sh
printf '%s\\n' "OBJTREE=$OBJTREE" "RUSTC_BOOTSTRAP=$RUSTC_BOOTSTRAP" "$@" >"$RECORD"
'''

# The compiler of the examples: records, then fails if asked to.
COMPILER = '''#!/bin/sh
printf '%s\\n' "OBJTREE=$OBJTREE" "RUSTC_BOOTSTRAP=$RUSTC_BOOTSTRAP" "$@" >"$RECORD.compiler"
[ -z "$FAIL" ] || { echo "error: the example is broken"; exit 1; }
'''

CMD = ("savedcmd_modules/m/m.o := OBJTREE=/tree RUST_MODFILE=modules/m/m clippy-driver "
       "--edition=2021 -Zbinary_dep_depinfo=y -Dwarnings --cfg=rkm_x "
       "-Zcrate-attr='feature(asm_goto)' --extern kernel -L /tree/rust/ --out-dir modules/m/ "
       "--emit=dep-info=modules/m/.m.o.d --emit=obj=modules/m/m.o modules/m/m.rs   ; "
       "/tree/tools/objtool/objtool --module modules/m/m.o\n\nsource_modules/m/m.o := x\n")


class RustdocTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.root = Path(self.tmp.name)
		self.top = self.root / 'top'
		(self.top / 'scripts').mkdir(parents=True)
		for script in ('rustdoc.sh', 'lib.sh', 'doctests.py'):
			shutil.copy(TOP / 'scripts' / script, self.top / 'scripts')
		(self.top / 'modules/m').mkdir(parents=True)
		(self.root / 'bin').mkdir()
		for tool, text in (('rustdoc', RUSTDOC), ('clippy-driver', COMPILER)):
			(self.root / 'bin' / tool).write_text(text)
			(self.root / 'bin' / tool).chmod(0o755)
		(self.top / 'modules/m/m.rs').write_text('//! m\n')

	def tearDown(self):
		self.tmp.cleanup()

	def rustdoc(self, *modules, **env_vars):
		env = dict(os.environ, HOME=str(self.root), RKM_CACHE=str(self.root / 'cache'),
			   PATH=f'{self.root / "bin"}:{os.environ["PATH"]}', RECORD=str(self.root / 'record'),
			   **env_vars)
		return subprocess.run([self.top / 'scripts/rustdoc.sh', *modules], env=env,
				      capture_output=True, text=True)

	def test_kbuild_command_becomes_rustdoc(self):
		(self.top / 'modules/m/.m.o.cmd').write_text(CMD)
		result = self.rustdoc('m')
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertEqual(result.stdout, f'{self.top}/.build/rustdoc/m/m/index.html\n')
		args = (self.root / 'record').read_text().splitlines()
		self.assertEqual(args[:2], ['OBJTREE=/tree', 'RUSTC_BOOTSTRAP=1'])
		self.assertEqual(args[2:11], ['--edition=2021', '-Dwarnings', '--cfg=rkm_x',
					      '-Zcrate-attr=feature(asm_goto)', '--extern', 'kernel', '-L',
					      '/tree/rust/', 'modules/m/m.rs'])
		self.assertIn('--document-private-items', args)
		self.assertIn('-Drustdoc::broken_intra_doc_links', args)
		self.assertEqual(args[args.index('-o') + 1], f'{self.top}/.build/rustdoc/m')
		self.assertFalse([arg for arg in args if arg.startswith('--emit') or arg == '--out-dir'
				  or 'objtool' in arg])

		# No example to check: no compilation.
		self.assertFalse((self.root / 'record.compiler').exists())

	def include_example(self):
		(self.top / 'modules/m/.m.o.cmd').write_text(CMD)
		(self.top / 'modules/m/m.rs').write_text('//! m\n\n#[path = "../common/a.rs"]\nmod a;\n')
		(self.top / 'modules/common').mkdir()
		(self.top / 'modules/common/a.rs').write_text('//! a\n//!\n//! ```\n//! let x = 1;\n//! ```\n')

	def test_examples_compiled_with_the_module_command(self):
		self.include_example()
		result = self.rustdoc('m')
		self.assertEqual(result.returncode, 0, result.stderr)
		crate = f'{self.top}/.build/doctests/m_doctests.rs'
		self.assertIn('let x = 1;', Path(crate).read_text())
		args = (self.root / 'record.compiler').read_text().splitlines()
		self.assertEqual(args[:2], ['OBJTREE=/tree', 'RUSTC_BOOTSTRAP=1'])
		self.assertEqual(args[2:], ['--edition=2021', '-Dwarnings', '--cfg=rkm_x',
					    '-Zcrate-attr=feature(asm_goto)', '--extern', 'kernel', '-L',
					    '/tree/rust/', '--out-dir', f'{self.top}/.build/doctests',
					    '--emit=obj', crate])

	def test_broken_example_fails(self):
		self.include_example()
		result = self.rustdoc('m', FAIL='1')
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('error: the example is broken', result.stderr)

	def test_unbuilt_module_is_refused_in_one_line(self):
		result = self.rustdoc('m')
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('.m.o.cmd is missing: build the module first', result.stderr)


if __name__ == '__main__':
	unittest.main()
