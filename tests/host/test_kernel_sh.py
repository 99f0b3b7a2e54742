# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/kernel.sh: the checks on a user's KDIR, the merging of
config fragments, the cache key of the default tree, and the patched
source it is built from."""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]


def kernel_sh(*args, top=TOP, env=None):
	return subprocess.run([top / 'scripts/kernel.sh', *args], capture_output=True, text=True,
			      env=env)


def required_config(top=TOP) -> str:
	"""A .config that satisfies every fragment but the VM-only one."""
	fragments = kernel_sh('fragments', top=top).stdout.split()
	lines = []
	for fragment in fragments:
		if fragment.endswith('/vm.config'):
			continue
		for line in Path(fragment).read_text().splitlines():
			if line.startswith('CONFIG_'):
				lines.append(line)
	return '\n'.join(lines) + '\n'


class UserTreeCheckTest(unittest.TestCase):
	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.kdir = Path(self.tmp.name)

	def tearDown(self):
		self.tmp.cleanup()

	def prepare(self, config):
		(self.kdir / '.config').write_text(config)
		(self.kdir / 'Module.symvers').write_text('')
		modpost = self.kdir / 'scripts/mod/modpost'
		modpost.parent.mkdir(parents=True)
		modpost.write_text('#!/bin/sh\n')
		modpost.chmod(0o755)

	def assert_rejected(self, kdir, *phrases):
		result = kernel_sh('check', str(kdir))
		self.assertNotEqual(result.returncode, 0)
		for phrase in phrases:
			self.assertIn(phrase, result.stderr)
		# Every rejection names the way out.
		self.assertIn('modules_prepare', result.stderr)

	def test_missing_tree(self):
		self.assert_rejected(self.kdir / 'nope', 'does not exist')

	def test_unconfigured_tree(self):
		self.assert_rejected(self.kdir, 'not a configured kernel tree')

	def test_tree_without_rust(self):
		(self.kdir / '.config').write_text('CONFIG_MODULES=y\n')
		self.assert_rejected(self.kdir, 'CONFIG_RUST is not set')

	def test_unprepared_tree(self):
		(self.kdir / '.config').write_text('CONFIG_RUST=y\n')
		self.assert_rejected(self.kdir, 'not prepared')

	def test_tree_lacking_an_option_a_module_needs(self):
		config = required_config().replace('CONFIG_PHYLIB=y\n', '')
		self.prepare(config)
		self.assert_rejected(self.kdir, 'CONFIG_PHYLIB=y (tree has: n)')

	def test_complete_tree_is_accepted(self):
		self.prepare(required_config())
		result = kernel_sh('check', str(self.kdir))
		self.assertEqual(result.returncode, 0, result.stderr)


class CacheKeyTest(unittest.TestCase):
	"""The default tree's folder changes exactly when its inputs do."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.top = Path(self.tmp.name)
		shutil.copytree(TOP / 'scripts', self.top / 'scripts')
		shutil.copytree(TOP / 'configs', self.top / 'configs')
		(self.top / 'modules').mkdir()

	def tearDown(self):
		self.tmp.cleanup()

	def kdir(self):
		result = kernel_sh('kdir', top=self.top)
		self.assertEqual(result.returncode, 0, result.stderr)
		return result.stdout.strip()

	def test_same_inputs_same_tree(self):
		self.assertEqual(self.kdir(), self.kdir())

	def test_changed_fragment_new_tree(self):
		before = self.kdir()
		with open(self.top / 'configs/drivers.config', 'a') as f:
			f.write('CONFIG_PRINTK=y\n')
		self.assertNotEqual(before, self.kdir())

	def test_module_fragment_new_tree(self):
		before = self.kdir()
		module = self.top / 'modules/newdrv'
		module.mkdir()
		(module / 'kernel.config').write_text('CONFIG_I2C=y\n')
		self.assertNotEqual(before, self.kdir())
		self.assertIn(str(module / 'kernel.config'),
			      kernel_sh('fragments', top=self.top).stdout.split())

	def test_flavours_are_separate_trees(self):
		(self.top / 'configs/debug.config').write_text('CONFIG_KASAN=y\n')
		debug = kernel_sh('--flavour', 'debug', 'kdir', top=self.top).stdout.strip()
		self.assertNotEqual(self.kdir(), debug)
		self.assertIn('/debug-', debug)

	def test_changed_patch_new_tree(self):
		before = self.kdir()
		(self.top / 'patches').mkdir()
		(self.top / 'patches/0001-fix.patch').write_text(PATCH)
		self.assertNotEqual(before, self.kdir())

	def test_reworded_patch_message_same_tree(self):
		(self.top / 'patches').mkdir()
		patch = self.top / 'patches/0001-fix.patch'
		patch.write_text(PATCH)
		before = self.kdir()
		patch.write_text(PATCH.replace('fix the greeting', 'fix the greeting, as reported'))
		self.assertEqual(before, self.kdir())
		patch.write_text(PATCH.replace('greeting = 2', 'greeting = 3'))
		self.assertNotEqual(before, self.kdir())


PATCH = """Subject: [PATCH] fix the greeting

--- a/hello.c
+++ b/hello.c
@@ -1 +1 @@
-int greeting = 1;
+int greeting = 2;
"""


class PatchedSourceTest(unittest.TestCase):
	"""patches/*.patch are applied to a copy of the source, never to it."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		root = Path(self.tmp.name)
		self.top = root / 'checkout'
		shutil.copytree(TOP / 'scripts', self.top / 'scripts')
		(self.top / 'patches').mkdir()
		# An unpacked "source", as fetch-kernel-source.sh leaves it.
		self.src = root / 'cache/src/7.3.0-1/linux'
		self.src.mkdir(parents=True)
		(self.src / '.rkm-unpacked').write_text('')
		(self.src / 'hello.c').write_text('int greeting = 1;\n')
		(self.src / 'other.c').write_text('int other;\n')
		self.env = dict(os.environ, RKM_CACHE=str(root / 'cache'))

	def tearDown(self):
		self.tmp.cleanup()

	def source(self):
		return kernel_sh('source', top=self.top, env=self.env)

	def test_without_patches_the_source_itself(self):
		result = self.source()
		self.assertEqual(result.returncode, 0, result.stderr)
		self.assertEqual(result.stdout.strip(), str(self.src))

	def test_patch_applies_to_a_copy(self):
		(self.top / 'patches/0001-fix.patch').write_text(PATCH)
		result = self.source()
		self.assertEqual(result.returncode, 0, result.stderr)
		patched = Path(result.stdout.strip())
		self.assertNotEqual(patched, self.src)
		self.assertEqual((patched / 'hello.c').read_text(), 'int greeting = 2;\n')
		self.assertEqual((self.src / 'hello.c').read_text(), 'int greeting = 1;\n')
		# Untouched files are shared, not copied.
		self.assertEqual((patched / 'other.c').stat().st_ino, (self.src / 'other.c').stat().st_ino)
		self.assertEqual(self.source().stdout.strip(), str(patched))

	def test_patch_that_does_not_apply_is_named(self):
		(self.top / 'patches/0002-stale.patch').write_text(PATCH.replace('= 1;', '= 7;'))
		result = self.source()
		self.assertNotEqual(result.returncode, 0)
		self.assertIn('patches/0002-stale.patch does not apply', result.stderr)
		self.assertEqual(sorted(p.name for p in self.src.parent.iterdir()), ['linux'])


class ReleaseTest(unittest.TestCase):
	"""KVER picks the release of the default tree's source, and only that."""

	def setUp(self):
		self.tmp = tempfile.TemporaryDirectory()
		self.cache = Path(self.tmp.name)
		for version in ('7.2.13-1', '7.3.4-1~bpo13+1'):
			src = self.cache / 'src' / version / 'linux'
			src.mkdir(parents=True)
			(src / '.rkm-unpacked').write_text('')

	def tearDown(self):
		self.tmp.cleanup()

	def fetch(self, kver=None):
		env = dict(os.environ, RKM_CACHE=str(self.cache))
		env.pop('KVER', None)
		if kver:
			env['KVER'] = kver
		return subprocess.run([TOP / 'scripts/fetch-kernel-source.sh'], capture_output=True,
				      text=True, env=env)

	def test_each_release_finds_its_own_source(self):
		self.assertEqual(self.fetch().stdout.strip(),
				 str(self.cache / 'src/7.3.4-1~bpo13+1/linux'))
		self.assertEqual(self.fetch('7.2').stdout.strip(), str(self.cache / 'src/7.2.13-1/linux'))

	def test_unknown_release_is_one_line_and_fails(self):
		result = self.fetch('7.9')
		self.assertNotEqual(result.returncode, 0)
		self.assertEqual(result.stdout, '')
		errors = [line for line in result.stderr.splitlines() if line]
		self.assertEqual(errors, ['error: KVER=7.9 is not a release the collection knows '
					  '(known: 7.2 7.3)'])


if __name__ == '__main__':
	unittest.main()
