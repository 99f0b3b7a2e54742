# SPDX-License-Identifier: GPL-2.0
"""The failed and skipped tests of the test tree the kernel's KTAP parser
made of the composed document, with their full names and reasons."""

from typing import List, Tuple


def failed_tests(test, path: str = '') -> List[Tuple[str, object]]:
	"""The failed tests of a parsed test tree, with their full names: the
	failed leaves, or a test itself when it failed although its subtests
	passed (a program that crashed after its last case)."""
	from kunit_parser import TestStatus
	name = f'{path}.{test.name}' if path else test.name
	found = []
	for sub in test.subtests:
		found += failed_tests(sub, name)
	if not found and test.status not in (TestStatus.SUCCESS, TestStatus.SKIPPED):
		found = [(name, test)]
	return found


def failures(test) -> List[str]:
	"""Full names of the failed tests of a parsed test tree (failed_tests())."""
	return [name for name, _ in failed_tests(test)]


def failure_reasons(test, most: int = 3) -> List[str]:
	"""The last @most diagnostic lines a failed test printed before its
	result: what a reader of the summary needs to see why it failed."""
	diagnostics = [line.strip() for line in test.log if line.strip().startswith('#')]
	return [line.lstrip('# ').strip() for line in diagnostics[-most:]]


def skips(test, path: str = '') -> List[str]:
	"""Full names of the skipped leaves of a parsed test tree, with reasons."""
	from kunit_parser import TestStatus
	name = f'{path}.{test.name}' if path else test.name
	found = []
	for sub in test.subtests:
		found += skips(sub, name)
	if not test.subtests and test.status == TestStatus.SKIPPED:
		found = [f'{name}: {test.skip_reason}' if test.skip_reason else name]
	return found
