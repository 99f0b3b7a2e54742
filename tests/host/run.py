#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the host-side tests of the scripts (tests/host/test_*.py) and prints
their results as KTAP, so that make check reports them with everything else.
Exit status 0 when all passed."""

import io
import os
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent


class KtapResult(unittest.TextTestResult):
	"""Prints one KTAP line per test case as it finishes."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self.number = 0

	def _report(self, test, ok, directive='', details=''):
		self.number += 1
		for line in details.splitlines():
			print(f'# {line}')
		name = test.id().replace('test_', '', 1)
		print(f'{"ok" if ok else "not ok"} {self.number} {name}{directive}')
		sys.stdout.flush()

	def startTest(self, test):
		super().startTest(test)
		self.failed_subtests = []

	def addSubTest(self, test, subtest, err):
		# A failed subtest fails its test, which is then neither a success
		# nor a failure to unittest: it is reported here, once, at its end.
		super().addSubTest(test, subtest, err)
		if err is not None:
			self.failed_subtests.append(f'{subtest._subDescription()}: '
						    + self._exc_info_to_string(err, test))

	def stopTest(self, test):
		if self.failed_subtests:
			self._report(test, False, details='\n'.join(self.failed_subtests))
		super().stopTest(test)

	def addSuccess(self, test):
		super().addSuccess(test)
		self._report(test, True)

	def addFailure(self, test, err):
		super().addFailure(test, err)
		self._report(test, False, details=self._exc_info_to_string(err, test))

	def addError(self, test, err):
		super().addError(test, err)
		self._report(test, False, details=self._exc_info_to_string(err, test))

	def addSkip(self, test, reason):
		super().addSkip(test, reason)
		self._report(test, True, directive=f' # SKIP {reason}')


def main() -> int:
	sys.path.insert(0, str(HERE.parent.parent / 'scripts'))
	# The tests check the scripts' defaults: not the release of a make
	# running them (make KVER=7.2 check).
	os.environ.pop('KVER', None)
	suite = unittest.defaultTestLoader.discover(str(HERE), pattern='test_*.py')
	print('KTAP version 1')
	print(f'1..{suite.countTestCases()}')
	runner = unittest.TextTestRunner(stream=io.StringIO(), resultclass=KtapResult)
	result = runner.run(suite)
	return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
	sys.exit(main())
