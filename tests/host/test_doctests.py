# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/doctests.py: the examples of modules/common/ turned into
a module crate (each example in a function, hidden lines compiled), each file
checked once, refused kinds of examples, files of modules/common/ without one
and modules' own files with one refused, and the compiler's diagnostics
pointed back at the example's own line."""

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

SHARED = '''// SPDX-License-Identifier: GPL-2.0

//! A shared file.
//!
//! # Examples
//!
//! ```
//! use crate::shared::answer;
//! # use kernel::prelude::*;
//!
//! assert_eq!(answer()?, 42);
//! # Ok::<(), Error>(())
//! ```
//!
//! ```text
//! not Rust: left alone
//! ```

/// The answer.
///
/// ```rust,no_run
/// let _ = crate::shared::answer();
/// ```
pub(crate) fn answer() -> kernel::error::Result<u32> {
    Ok(42)
}
'''

ROOT = '''// SPDX-License-Identifier: GPL-2.0

//! Module {name}.

#[path = "../common/shared.rs"]
#[allow(dead_code, reason = "a part")]
mod shared;
mod own;
'''


class DoctestsTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.top = Path(self.tmp.name)
		(self.top / 'scripts').mkdir()
		shutil.copy(TOP / 'scripts/doctests.py', self.top / 'scripts')
		(self.top / 'modules/common').mkdir(parents=True)
		(self.top / 'modules/common/shared.rs').write_text(SHARED)
		for name in ('m1', 'm2'):
			(self.top / 'modules' / name).mkdir()
			(self.top / 'modules' / name / f'{name}.rs').write_text(ROOT.format(name=name))
		self.out = self.top / '.build/doctests'

	def tearDown(self):
		self.tmp.cleanup()

	def doctests(self, *args):
		return subprocess.run([sys.executable, self.top / 'scripts/doctests.py', *args],
				      capture_output=True, text=True)

	def test_each_example_is_a_function_of_a_module_crate(self):
		result = self.doctests('generate', str(self.out), 'm1', 'm2')
		self.assertEqual(result.returncode, 0, result.stderr)
		# The file is checked once, in the first module's crate.
		self.assertEqual(result.stdout, 'm1\n')
		self.assertFalse((self.out / 'm2_doctests.rs').exists())
		crate = (self.out / 'm1_doctests.rs').read_text()
		self.assertIn('module! {', crate)
		# The shared file as the module includes it, its own files left out.
		self.assertIn('#[allow(dead_code, reason = "a part")]\n'
			      f'#[path = "{self.top}/modules/common/shared.rs"]\n', crate)
		self.assertNotIn('mod own;', crate)
		# The first example returns a Result, hidden lines compiled.
		self.assertIn('mod example_shared_rs_7 {\n'
			      '    fn example() -> core::result::Result<(), impl core::fmt::Debug> {\n'
			      '        use crate::shared::answer;\n'
			      '        use kernel::prelude::*;\n'
			      '\n'
			      '        assert_eq!(answer()?, 42);\n'
			      '        Ok::<(), Error>(())\n'
			      '    }\n', crate)
		# An item's example, no Result; the text block left alone.
		self.assertIn('mod example_shared_rs_21 {\n    fn example() {\n', crate)
		self.assertNotIn('not Rust', crate)
		self.assertEqual(crate.count('#[deny(unsafe_code)]'), 2)

	def test_ignored_example_is_refused_in_one_line(self):
		shared = self.top / 'modules/common/shared.rs'
		shared.write_text(SHARED.replace('/// ```rust,no_run', '/// ```ignore'))
		result = self.doctests('generate', str(self.out), 'm1')
		self.assertEqual(result.returncode, 1)
		self.assertEqual(result.stderr.splitlines(), [
			'modules/common/shared.rs:21: a ```ignore example: examples must compile '
			'(a case rustc must refuse goes in tests/compile-fail/)'])

	def test_unclosed_example_is_refused(self):
		shared = self.top / 'modules/common/shared.rs'
		shared.write_text(SHARED.replace('/// ```\npub(crate)', 'pub(crate)'))
		result = self.doctests('generate', str(self.out), 'm1')
		self.assertEqual(result.returncode, 1)
		self.assertIn('shared.rs:21: the code block has no closing fence', result.stderr)

	def test_file_without_example_is_refused(self):
		(self.top / 'modules/common/shared.rs').write_text('//! A shared file.\n')
		result = self.doctests('generate', str(self.out), 'm1')
		self.assertEqual(result.returncode, 1)
		self.assertEqual(result.stderr, 'modules/common/shared.rs: no example: each abstraction '
				 'has an # Examples section\n')

	def test_example_in_a_module_file_is_refused(self):
		(self.top / 'modules/m1/own.rs').write_text('//! Own.\n//!\n//! ```\n//! let x = 1;\n//! ```\n')
		result = self.doctests('generate', str(self.out), 'm1')
		self.assertEqual(result.returncode, 1)
		self.assertIn('modules/m1/own.rs:3: an example in a module\'s own file', result.stderr)

	def test_diagnostics_point_at_the_example(self):
		self.doctests('generate', str(self.out), 'm1')
		crate = self.out / 'm1_doctests.rs'
		# The crate's line of "assert_eq!(answer()?, 42);", shown at line 11 of
		# shared.rs, where the code starts at column 5 ("//! " is 4 wide); the
		# numbers of the lines rustc quotes from the crate are mapped too.
		line = crate.read_text().splitlines().index('        assert_eq!(answer()?, 42);') + 1
		self.assertEqual(json.loads(crate.with_suffix('.json').read_text())[str(line)],
				 ['modules/common/shared.rs', 11, -4])
		compiler = ('import sys; print("error[E0599]: no method"); '
			    f'print("  --> {crate}:{line}:20"); print("{line} |     code"); '
			    'print("  --> modules/common/shared.rs:3:1"); print("3 | //! A"); sys.exit(1)')
		result = self.doctests('compile', str(crate), '--', sys.executable, '-c', compiler)
		self.assertEqual(result.returncode, 1)
		self.assertEqual(result.stderr.splitlines(), [
			'error[E0599]: no method',
			'  --> modules/common/shared.rs:11:16',
			'11 |     code',
			'  --> modules/common/shared.rs:3:1',
			'3 | //! A'])

	def test_bad_arguments_are_refused(self):
		result = self.doctests('compile', 'x.rs')
		self.assertEqual(result.returncode, 2)
		self.assertIn('usage:', result.stderr)


if __name__ == '__main__':
	unittest.main()
