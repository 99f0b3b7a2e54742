# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/probes.sh, the kernel-feature probe runner: a feature is
reported only when its probe builds, a probe that fails for its documented
reason leaves it out, and any other failure fails the run loudly instead of
turning a feature off."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]

# Stands in for make: builds a probe as its source asks (a marker in it).
FAKE_MAKE = r'''#!/bin/bash
for arg; do case $arg in M=*) dir=${arg#M=} ;; esac; done
echo call >>"$CALLS"
src=$(ls "$dir"/*.rs)
if grep -q FAKE_ABSENT "$src"; then
	echo "error[E0425]: cannot find function \`gone\` in crate \`kernel\`"
	echo "error: aborting due to 1 previous error"
	exit 2
elif grep -q FAKE_BROKEN "$src"; then
	echo "error[E0308]: mismatched types"
	exit 2
fi
exit 0
'''


def probe(name: str, marker: str = '', absent: str = 'error[E0425]') -> str:
	return f'// SPDX-License-Identifier: GPL-2.0\n//! A probe.\n//!\n//! absent: {absent}\n// {marker}\n'


class ProbesTest(unittest.TestCase):

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		root = Path(self.tmp.name)
		self.top = root / 'checkout'
		(self.top / 'scripts/probes').mkdir(parents=True)
		for script in ('probes.sh', 'lib.sh'):
			shutil.copy(TOP / 'scripts' / script, self.top / 'scripts' / script)
		(self.top / 'scripts/probes/control.rs').write_text(probe('control'))
		self.kdir = root / 'kdir'
		self.kdir.mkdir()
		(self.kdir / '.config').write_text('CONFIG_RUST=y\n')
		bin_dir = root / 'bin'
		bin_dir.mkdir()
		(bin_dir / 'make').write_text(FAKE_MAKE)
		(bin_dir / 'make').chmod(0o755)
		self.calls = root / 'calls'
		self.env = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}',
				CALLS=str(self.calls), RKM_CACHE=str(root / 'cache'))

	def tearDown(self):
		self.tmp.cleanup()

	def add(self, name, marker='', absent='error[E0425]'):
		(self.top / 'scripts/probes' / f'{name}.rs').write_text(probe(name, marker, absent))

	def run_probes(self):
		return subprocess.run([self.top / 'scripts/probes.sh', str(self.kdir), 'LLVM=1'],
				      capture_output=True, text=True, env=self.env)

	def test_features_that_build_are_listed_and_absent_ones_left_out(self):
		self.add('rkm_new_api')
		self.add('rkm_gone_api', 'FAKE_ABSENT')
		result = self.run_probes()
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertEqual(result.stdout.split(), ['rkm_new_api'])
		self.assertIn('absent: rkm_gone_api', result.stderr)

	def test_another_error_fails_loudly_and_caches_nothing(self):
		self.add('rkm_new_api')
		self.add('rkm_typo', 'FAKE_BROKEN')
		result = self.run_probes()
		self.assertNotEqual(result.returncode, 0)
		self.assertEqual(result.stdout, '')
		self.assertIn('probe scripts/probes/rkm_typo.rs failed', result.stderr)
		self.assertIn('error[E0308]: mismatched types', result.stderr)
		self.assertFalse(list(self.top.glob('.build/probes/*/features')))

	def test_a_probe_without_absent_errors_fails_loudly(self):
		self.add('rkm_undocumented', 'FAKE_ABSENT', absent='')
		result = self.run_probes()
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('rkm_undocumented.rs failed', result.stderr)

	def test_a_failing_control_fails_loudly(self):
		(self.top / 'scripts/probes/control.rs').write_text(probe('control', 'FAKE_ABSENT'))
		result = self.run_probes()
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('control.rs failed', result.stderr)

	def test_results_are_cached_per_tree(self):
		self.add('rkm_new_api')
		self.assertEqual(self.run_probes().returncode, 0)
		calls = self.calls.read_text().count('call')
		again = self.run_probes()
		self.assertEqual(again.stdout.split(), ['rkm_new_api'])
		self.assertEqual(self.calls.read_text().count('call'), calls)
		(self.kdir / '.config').write_text('CONFIG_RUST=y\nCONFIG_OTHER=y\n')
		self.assertEqual(self.run_probes().returncode, 0)
		self.assertGreater(self.calls.read_text().count('call'), calls)

	def test_features_given_in_the_environment_are_not_probed(self):
		self.add('rkm_new_api')
		self.env['RKM_PROBED_FEATURES'] = 'rkm_given'
		result = self.run_probes()
		self.assertEqual(result.stdout.split(), ['rkm_given'])
		self.assertFalse(self.calls.exists())


if __name__ == '__main__':
	unittest.main()
