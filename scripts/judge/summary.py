# SPDX-License-Identifier: GPL-2.0
"""What the judge prints of a run: the summary table, one row per group with
its case counts, the figures its programs reported ("# stat NAME=VALUE") and
its count of bug reports; the failed tests with their reasons, the skipped
ones, the reused host verdicts, the kernel that ran; last, the reports'
place and "N passed, N failed, N skipped"."""

import re
from pathlib import Path
from typing import Dict, List

from .boot import modules_vm
from .kernel_log import kernel_log_problems, kmemleak_reports
from .outcome import failed_tests, failure_reasons, skips
from .raw import read_text
from .run import Run

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


def group_stats(run: Run) -> Dict[str, Dict[str, int]]:
	"""The figures and report counts of each group of @run that has them
	(its modules and their lifecycle cases), by the group's name."""
	stats = {module: dict(module_stats(run.module_results(module)),
			      reports=module_reports(run.module_results(module)))
		 for module in run.modules}
	for module in run.modules:
		lifecycle = run.lifecycle_results(module)
		if lifecycle.is_dir():
			stats[f'{module} lifecycle'] = dict(
				output_stats(lifecycle),
				reports=sum(len(kernel_log_problems(read_text(log)))
					    for log in lifecycle.glob('*.dmesg')))
	return stats


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


def failed_count(test) -> int:
	"""The tests of a parsed test tree that failed, crashed or did not parse."""
	counts = test.counts
	return counts.failed + counts.crashed + counts.errors


def summary_lines(run: Run, test) -> List[str]:
	"""Everything the judge prints of @run, @test being its parsed document."""
	lines = summary(test, group_stats(run))
	failed = failed_tests(test)
	if failed:
		lines += ['', 'Failed:']
		for name, failed_test in failed:
			lines.append(f'  {name}')
			lines += [f'      {reason}' for reason in failure_reasons(failed_test)]
	skipped = skips(test)
	if skipped:
		lines += ['', 'Skipped:'] + [f'  {name}' for name in skipped]
	reused = [f'  {output.stem}: {read_text(output.with_suffix(".unchanged")).strip()}'
		  for output in run.host_tests if output.with_suffix('.unchanged').exists()]
	if reused:
		lines += ['', 'Inputs unchanged since they passed (their verdict is counted):'] + reused
	release = read_text(modules_vm(run.results) / 'uname-r').strip()
	kernel = run.kernel
	if release or kernel.built:
		lines += ['', f'Kernel: {release or "?"} (uname -r in the VM)' +
			  (f'; {kernel.built}' if kernel.built else '')]
	lines += [f'Taint {flag} allowed on this kernel: {reason}'
		  for flag, reason in sorted(kernel.allowed_taint.items())]
	counts = test.counts
	lines += ['', f'Reports: {run.results}/{{report.ktap,results.json,junit.xml,guest.log}}',
		  f'{counts.passed} passed, {failed_count(test)} failed, {counts.skipped} skipped']
	return lines
