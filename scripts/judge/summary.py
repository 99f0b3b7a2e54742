# SPDX-License-Identifier: GPL-2.0
"""What scripts/results.py prints of a run, from the test tree the kernel's
KTAP parser made of its document: the failed tests with their reasons, the
skipped ones, and the summary table, one row per group with its case counts
and the figures its programs reported ("# stat NAME=VALUE") and its count
of bug reports."""

import re
from pathlib import Path
from typing import Dict, List, Tuple

from .kernel_log import kernel_log_problems, kmemleak_reports
from .raw import read_text


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


STAT_LINE = re.compile(r'^# stat (\w+)=(\d+)$')


def module_stats(raw: Path) -> Dict[str, int]:
	"""Figures test programs report with "# stat NAME=VALUE" lines, summed."""
	return output_stats(raw / 'tests')


def output_stats(folder: Path) -> Dict[str, int]:
	"""The "# stat NAME=VALUE" figures of the outputs (*.out) in @folder, summed."""
	stats: Dict[str, int] = {}
	for output in sorted(folder.glob('*.out')):
		for line in read_text(output).splitlines():
			match = STAT_LINE.match(line)
			if match:
				stats[match.group(1)] = stats.get(match.group(1), 0) + int(match.group(2))
	return stats


def module_reports(raw: Path) -> int:
	"""Bug reports a module's run left: kernel log reports (injected
	allocation failures aside) and kmemleak reports."""
	return (len(kernel_log_problems(read_text(raw / 'dmesg.log'))) +
		len(kernel_log_problems(read_text(raw / 'injected-dmesg.log'), injected_failures=True)) +
		len(kmemleak_reports(read_text(raw / 'kmemleak.log'))))


def summary(test, stats: Dict[str, Dict[str, int]]) -> List[str]:
	"""One row per group: its case counts, then the figures its programs reported."""
	names = sorted({name for group in stats.values() for name in group})
	rows = [f'{"group":<24} {"passed":>7} {"failed":>7} {"skipped":>8}' +
		''.join(f' {name:>12}' for name in names)]
	for sub in test.subtests:
		counts = sub.counts
		figures = stats.get(sub.name, {})
		rows.append(f'{sub.name:<24} {counts.passed:>7} '
			    f'{counts.failed + counts.crashed + counts.errors:>7} {counts.skipped:>8}' +
			    ''.join(f' {figures.get(name, "-"):>12}' for name in names))
	return rows
