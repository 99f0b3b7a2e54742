# SPDX-License-Identifier: GPL-2.0
"""Tests of the distribution-kernel target (make KERNEL=debian): the crate
hash and Rust export comparison (scripts/distro/rust-exports.py), and what
the judge (scripts/judge/) does with a --target: KUnit suites skipped with the
reason, the allowed taint, the release the VM must show."""

import importlib.util
import io
import json
import subprocess
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

from judge.cli import main
from judge.kernel import Kernel
from judge.outcome import failures, skips
try:  # make check-host (discovery from the top) or tests/host/run.py (from here)
	from tests.host.test_judge import PROGRAM_OK, RunFixtureCase, kunit_tool
except ImportError:
	from test_judge import PROGRAM_OK, RunFixtureCase, kunit_tool

TOP = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('rust_exports', TOP / 'scripts/distro/rust-exports.py')
rust_exports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rust_exports)

CORE = '_RNvNtCs2lKf6AS60Zg_4core3fmt5write'
KERNEL = '_RNvMNtCsb5MLIFMWygY_6kernel5allocNtB2_8AllocErr3new'
GENERIC = '_RNvXs_NtCsb5MLIFMWygY_6kernel3strNtB4_4CStrNtNtCs2lKf6AS60Zg_4core3fmt7Display3fmt'
TAINT_E = 1 << 13


class RustExportsTest(unittest.TestCase):
	def test_crate_hashes_of_v0_names(self):
		hashes = rust_exports.crate_hashes([CORE, GENERIC, 'rust_helper_foo'])
		self.assertEqual(hashes, {'core': {'2lKf6AS60Zg'}, 'kernel': {'b5MLIFMWygY'}})

	def test_identical(self):
		report = rust_exports.compare({CORE, KERNEL, 'printk'}, [CORE, KERNEL], {CORE, KERNEL})
		self.assertTrue(report[-1].startswith('identical'), report)
		self.assertIn('core               2lKf6AS60Zg            2lKf6AS60Zg            same', report)

	def test_another_rustc_is_refused_with_what_differed(self):
		other = CORE.replace('2lKf6AS60Zg', 'Xyz123')
		report = rust_exports.compare({CORE, KERNEL}, [other, KERNEL], {other, KERNEL})
		self.assertTrue(report[-1].startswith('DIFFERENT'), report)
		self.assertIn('crate core: stock 2lKf6AS60Zg, rebuilt Xyz123', report[-1])
		self.assertIn('1 stock exports not rebuilt', report[-1])

	def test_a_missing_required_crate_is_refused(self):
		report = rust_exports.compare({CORE}, [CORE], {CORE})
		self.assertIn('crate kernel: stock (none)', report[-1])

	def test_main_reads_the_files(self):
		with tempfile.TemporaryDirectory() as tmp:
			tmp = Path(tmp)
			(tmp / 'Module.symvers').write_text(
				f'0x00000000\t{CORE}\tvmlinux\tEXPORT_SYMBOL_GPL\t\n'
				f'0x00000000\t{KERNEL}\tvmlinux\tEXPORT_SYMBOL_GPL\t\n'
				'0x00000000\tother\tdrivers/foo\tEXPORT_SYMBOL\t\n')
			(tmp / 'rust').mkdir()
			(tmp / 'rust/exports_core_generated.h').write_text(f'EXPORT_SYMBOL_RUST_GPL({CORE});\n')
			(tmp / 'rust/exports_kernel_generated.h').write_text(f'EXPORT_SYMBOL_RUST_GPL({KERNEL});\n')
			(tmp / 'nm').write_text(f'0000000000000000 T {CORE}\n0000000000000010 T {KERNEL}\n')
			result = subprocess.run([TOP / 'scripts/distro/rust-exports.py', '--symvers', tmp / 'Module.symvers',
						 '--exports-dir', tmp / 'rust', '--nm-output', tmp / 'nm'],
						capture_output=True, text=True)
			self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
			self.assertIn('2 by the stock kernel, 2 by the rebuilt crates, 2 in both', result.stdout)


DEBIAN = {
	'release': '7.3.4+deb13-amd64',
	'built': "Debian's stock kernel",
	'allowed_taint': {'E': 'unsigned modules'},
	'kunit_absent': 'the stock kernel has no CONFIG_KUNIT',
}


class TargetTest(RunFixtureCase):
	def stock_kernel_module(self, name='m'):
		"""A module run on a kernel without KUnit that taints E on loading."""
		raw = self.run.module(name, ran_suites=(), taint=(1 << 12) | TAINT_E)
		self.run.program(raw, 'prog', PROGRAM_OK, 0)
		return raw

	def test_default_tree_fails_missing_suites_and_taint_e(self):
		self.stock_kernel_module()
		failed = failures(self.run.parse(['m']))
		self.assertEqual([f.split('.', 2)[2] for f in failed], ['KUnit suite demo_suite', 'no unexpected taint'])

	def test_suites_are_skipped_with_the_reason_and_e_is_allowed(self):
		self.stock_kernel_module()
		test = self.run.parse(['m'], kernel=Kernel(DEBIAN))
		self.assertEqual(failures(test), [])
		self.assertEqual(test.counts.skipped, 1)
		skipped = skips(test)
		self.assertEqual(len(skipped), 1)
		self.assertTrue(skipped[0].endswith('m.KUnit suite demo_suite: the stock kernel has no CONFIG_KUNIT'),
				skipped)

	def test_other_taint_still_fails(self):
		self.run.module('m', ran_suites=(), taint=(1 << 12) | TAINT_E | (1 << 9))
		failed = failures(self.run.parse(['m'], kernel=Kernel(DEBIAN)))
		self.assertTrue(failed[0].endswith('no unexpected taint'), failed)

	def boot(self, release):
		vm = self.run.results / 'vm/modules'
		vm.mkdir(parents=True, exist_ok=True)
		(vm / 'boot-dmesg.log').write_text('')
		(vm / 'boot-taint').write_text('0\n')
		(vm / 'uname-r').write_text(f'{release}\n')

	def test_wrong_release_fails_the_boot(self):
		self.boot('7.3.4')
		self.stock_kernel_module()
		failed = failures(self.run.parse(['m'], kernel=Kernel(DEBIAN)))
		self.assertEqual([f.split('.', 1)[1] for f in failed], ['modules VM boot.kernel release is 7.3.4+deb13-amd64'])

	def test_main_names_the_kernel_and_lists_the_skips(self):
		self.boot('7.3.4+deb13-amd64')
		self.stock_kernel_module()
		target = Path(self.tmp.name) / 'target.json'
		target.write_text(json.dumps(DEBIAN))
		self.run.write_plan(['m'])
		out = io.StringIO()
		with redirect_stdout(out):
			status = main(['--results', str(self.run.results),
					       '--kunit-tool', str(kunit_tool()), '--target', str(target)])
		text = out.getvalue()
		self.assertEqual(status, 0, text)
		self.assertIn('Kernel: 7.3.4+deb13-amd64 (uname -r in the VM); Debian\'s stock kernel', text)
		self.assertIn('Taint E allowed on this kernel: unsigned modules', text)
		self.assertIn('m.KUnit suite demo_suite: the stock kernel has no CONFIG_KUNIT', text)
		self.assertEqual(text.splitlines()[-1], '10 passed, 0 failed, 1 skipped')


if __name__ == '__main__':
	unittest.main()
