# SPDX-License-Identifier: GPL-2.0
"""Finding the bug reports in a kernel log, for the judge: the
lines that start a report (BUG:, WARNING:, KASAN:, a lock or RCU splat, a
Rust panic...), with allocation failures excused while they are being
injected, and a warning a lifecycle case announced it provokes; kmemleak's
reports; and the records guest/check.sh found overwritten before it read
them."""

import re
from pathlib import Path
from typing import List, Tuple

from .raw import read_text


def report_patterns(path: Path) -> 're.Pattern[str]':
	"""The patterns of @path (tests/lib/kernel-reports.txt), as one regex."""
	lines = [line for line in path.read_text().splitlines() if line and not line.startswith('#')]
	return re.compile('|'.join(f'(?:{line})' for line in lines))


# Kernel log lines that start a report of a bug: any one fails the module.
KERNEL_LOG_PROBLEMS = report_patterns(Path(__file__).resolve().parents[2] / 'tests/lib/kernel-reports.txt')


# The report warn_alloc() prints for an allocation that failed: expected
# while allocation failures are being injected, and not a bug then.
ALLOCATION_FAILURE = re.compile(r'(page allocation failure|vmalloc error): ')
TRACE_END = re.compile(r'</TASK>')

# A lifecycle case that makes the kernel warn on purpose (phylib WARNs on
# every failed PHY access, and a case injects one) says so in the log first
# (lc_expect_warning): until "rkm-lifecycle: expect warning end", a report
# that starts with "WARNING:" and has the announced text in its message
# (the lines around the WARNING line) is expected, up to the end of its
# trace. Any other report in that window stays a problem: an oops or a
# KASAN report is not a warning, and a warning elsewhere lacks the text.
EXPECT_WARNING = re.compile(r'rkm-lifecycle: expect warning: (.*\S)')
EXPECT_WARNING_END = re.compile(r'rkm-lifecycle: expect warning end')
WARNING_END = re.compile(r'---\[ end trace')
# The lines before and after a WARNING line that may hold its message.
WARNING_MESSAGE_SPAN = 3
# A warning's report is never longer: a cut-off one does not hide the rest.
WARNING_MAX_LINES = 200


def expected_warning(lines: List[str], i: int, expected: str) -> bool:
	"""Whether the WARNING line @i of @lines has @expected in its message."""
	span = lines[max(0, i - WARNING_MESSAGE_SPAN):i + WARNING_MESSAGE_SPAN + 1]
	return 'WARNING:' in lines[i] and any(expected in line and not EXPECT_WARNING.search(line)
					      for line in span)


def warning_end(lines: List[str], i: int) -> int:
	"""The last line of the warning report starting at line @i."""
	for j in range(i, min(len(lines), i + WARNING_MAX_LINES)):
		if WARNING_END.search(lines[j]):
			return j
	return i


def expected_warnings(log: str) -> int:
	"""How many warnings of @log a lifecycle case announced (see EXPECT_WARNING)."""
	return kernel_log_judgement(log)[1]


def kernel_log_problems(log: str, context: int = 4,
			injected_failures: bool = False) -> List[str]:
	"""Excerpts of the bug reports in a kernel log, each a few lines long.

	With @injected_failures, the reports of failed allocations (each up to
	the end of its call trace) are not problems; announced warnings never are.
	"""
	return kernel_log_judgement(log, context, injected_failures)[0]


def kernel_log_judgement(log: str, context: int = 4,
			 injected_failures: bool = False) -> Tuple[List[str], int]:
	"""kernel_log_problems(), and how many announced warnings were excused."""
	lines = log.splitlines()
	excerpts = []
	skip_until = -1
	in_allocation_failure = False
	expected = None
	excused = 0
	for i, line in enumerate(lines):
		if in_allocation_failure:
			in_allocation_failure = not TRACE_END.search(line)
			continue
		if injected_failures and ALLOCATION_FAILURE.search(line):
			in_allocation_failure = True
			continue
		announced = EXPECT_WARNING.search(line)
		if announced:
			expected = announced.group(1)
			continue
		if EXPECT_WARNING_END.search(line):
			expected = None
			continue
		if i <= skip_until or not KERNEL_LOG_PROBLEMS.search(line):
			continue
		if expected is not None and expected_warning(lines, i, expected):
			skip_until = warning_end(lines, i)
			excused += 1
			continue
		skip_until = i + context
		excerpts.append('\n'.join(lines[i:i + context + 1]))
	return excerpts, excused


def kmemleak_reports(log: str) -> List[str]:
	"""The reports of a kmemleak scan, one per unreferenced object."""
	reports: List[str] = []
	for line in log.splitlines():
		if line.startswith('unreferenced object'):
			reports.append(line)
		elif reports:
			reports[-1] += '\n' + line
	return reports


def lost_records(path: Path) -> int:
	"""How many times guest/check.sh found kernel log records overwritten
	before it read them (one count a line, a line per drain)."""
	try:
		return sum(int(line) for line in path.read_text().split())
	except (OSError, ValueError):
		return 0


def log_problems(log: Path, injected_failures: bool = False) -> List[str]:
	"""kernel_log_problems() of a kernel log file, and, first, whether
	records of it were lost (its .lost file): reports may have gone with them."""
	problems = kernel_log_problems(read_text(log), injected_failures=injected_failures)
	lost = lost_records(log.with_suffix('.lost'))
	if lost:
		problems.insert(0, f'kernel log records were overwritten before they were read '
				f'({lost} times): reports may be missing')
	return problems


def main() -> int:
	"""Judges the kernel logs named on the command line: prints each report
	found, and exits with 1 when there was one."""
	import argparse
	parser = argparse.ArgumentParser(description='The bug reports in kernel logs.')
	parser.add_argument('logs', nargs='+', type=Path, help='kernel logs or console logs')
	reported = False
	for log in parser.parse_args().logs:
		for problem in log_problems(log):
			print(f'{log}:\n{problem}')
			reported = True
	return 1 if reported else 0


if __name__ == '__main__':
	raise SystemExit(main())
