# SPDX-License-Identifier: GPL-2.0
"""Finding the bug reports in a kernel log for scripts/results.py: the
lines that start a report (BUG:, WARNING:, KASAN:, a lock or RCU splat, a
Rust panic...), with allocation failures excused while they are being
injected; kmemleak's reports; and the records guest-check.sh found
overwritten before it read them."""

import re
from pathlib import Path
from typing import List

from results_raw import read_text

# Kernel log lines that start a report of a bug: any one fails the module.
KERNEL_LOG_PROBLEMS = re.compile(
	r'(BUG:|WARNING:|Oops|general protection fault|Kernel panic|'
	r'KASAN:|UBSAN:|KFENCE:|kmemleak: \d+ new suspected memory leaks|'
	r'unreferenced object 0x|possible circular locking dependency|'
	r'possible recursive locking|inconsistent lock state|'
	r'suspicious RCU usage|sleeping function called from invalid context|'
	r'ODEBUG:|blocked for more than \d+ seconds|'
	r'Call Trace:|rust_panic|panicked at)')


# The report warn_alloc() prints for an allocation that failed: expected
# while allocation failures are being injected, and not a bug then.
ALLOCATION_FAILURE = re.compile(r'(page allocation failure|vmalloc error): ')
TRACE_END = re.compile(r'</TASK>')


def kernel_log_problems(log: str, context: int = 4,
			injected_failures: bool = False) -> List[str]:
	"""Excerpts of the bug reports in a kernel log, each a few lines long.

	With @injected_failures, the reports of failed allocations (each up to
	the end of its call trace) are not problems.
	"""
	lines = log.splitlines()
	excerpts = []
	skip_until = -1
	in_allocation_failure = False
	for i, line in enumerate(lines):
		if in_allocation_failure:
			in_allocation_failure = not TRACE_END.search(line)
			continue
		if injected_failures and ALLOCATION_FAILURE.search(line):
			in_allocation_failure = True
			continue
		if i <= skip_until or not KERNEL_LOG_PROBLEMS.search(line):
			continue
		skip_until = i + context
		excerpts.append('\n'.join(lines[i:i + context + 1]))
	return excerpts


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
	"""How many times guest-check.sh found kernel log records overwritten
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
