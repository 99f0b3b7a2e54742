#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judges the raw results of a test run and writes the reports.

scripts/guest-check.sh leaves, per module, the status and output of insmod,
the KUnit suites' debugfs results, the output and exit status of every
userspace test program, rmmod, the kernel log and the taint flags. This
script composes them into one KTAP document (one subtest per module, in
which every suite, program and step is a subtest), parses that with the
kernel's own KTAP parser (tools/testing/kunit), and writes:

  report.ktap   the composed document
  results.json  KernelCI-style JSON (kunit_json)
  junit.xml     JUnit XML (kunit_junit)

It prints a summary table and, last, "N passed, N failed, N skipped".
The exit status is 1 when anything failed, crashed or did not parse.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

KTAP_HEADER = 'KTAP version 1'
INDENT = '    '

# The kernel's taint flags (Documentation/admin-guide/tainted-kernels.rst).
# Loading our modules taints with O (out-of-tree); running KUnit with N.
TAINT_FLAGS = 'PFSRMBUDAWCIOELKXTN'
ALLOWED_TAINT = (1 << TAINT_FLAGS.index('O')) | (1 << TAINT_FLAGS.index('N'))

# Kernel log lines that start a report of a bug: any one fails the module.
KERNEL_LOG_PROBLEMS = re.compile(
	r'(BUG:|WARNING:|Oops|general protection fault|Kernel panic|'
	r'KASAN:|UBSAN:|KFENCE:|kmemleak: \d+ new suspected memory leaks|'
	r'unreferenced object 0x|possible circular locking dependency|'
	r'possible recursive locking|inconsistent lock state|'
	r'suspicious RCU usage|sleeping function called from invalid context|'
	r'ODEBUG:|blocked for more than \d+ seconds|'
	r'Call Trace:|rust_panic|panicked at)')

KUNIT_SUITE_DECLARATION = re.compile(r'#\[(?:[\w:]+::)?kunit_tests\((\w+)\)\]')


def declared_suites(module_dir: Path) -> List[str]:
	"""The KUnit suites a module's sources declare with #[kunit_tests]."""
	suites = set()
	for source in module_dir.rglob('*.rs'):
		suites.update(KUNIT_SUITE_DECLARATION.findall(source.read_text()))
	return sorted(suites)


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


def taint_problems(taint: int) -> List[str]:
	"""Names of the taint flags that are set but not expected."""
	unexpected = taint & ~ALLOWED_TAINT
	return [f'{TAINT_FLAGS[bit]} (bit {bit})'
		for bit in range(len(TAINT_FLAGS)) if unexpected & (1 << bit)]


def ktap_safe(text: str) -> str:
	"""One line of text that cannot be mistaken for KTAP syntax."""
	return ' '.join(text.replace('#', '').split())[:200]


def leaf(number: int, name: str, ok: bool, reason: str = '') -> List[str]:
	"""A test case without subtests; failures carry their reason as a diagnostic."""
	lines = [f'# {ktap_safe(line)}' for line in reason.splitlines() if not ok]
	return lines + [f'{"ok" if ok else "not ok"} {number} {name}']


def indent(lines: Sequence[str]) -> List[str]:
	return [INDENT + line if line else line for line in lines]


def suite_block(number: int, debugfs_results: str) -> List[str]:
	"""A KUnit suite's debugfs results renumbered as subtest @number.

	The file is a whole KTAP document whose only test is the suite: drop
	the document's header and renumber the suite's result line.
	"""
	lines = debugfs_results.splitlines()
	if lines[:2] != [KTAP_HEADER, '1..1']:
		raise ValueError('not a KUnit debugfs results file')
	body = lines[2:]
	for i in range(len(body) - 1, -1, -1):
		match = re.match(r'^(ok|not ok) 1 (.*)$', body[i])
		if match:
			body[i] = f'{match.group(1)} {number} {match.group(2)}'
			break
	return body


def program_block(number: int, name: str, output: str, status: Optional[int]) -> List[str]:
	"""A userspace test program's KTAP output as subtest @number.

	The program's exit status decides its own result: a crash or timeout
	fails it even when every case it printed passed.
	"""
	lines = output.splitlines()
	if KTAP_HEADER in lines:
		header = lines.index(KTAP_HEADER)
		lines = lines[:header] + lines[header + 1:]
	block = [KTAP_HEADER, f'# Subtest: {name}']
	block += [line if re.match(r'^(\s*)(ok|not ok|1\.\.|KTAP|#)', line)
		  else f'# {line}' for line in lines]
	if status == 0:
		return indent(block) + [f'ok {number} {name}']
	if status is None:
		why = 'no exit status recorded'
	elif status in (124, 137):
		why = 'timed out'
	else:
		why = f'exit status {status}'
	return indent(block) + [f'not ok {number} {name} # {why}']


def read_status(path: Path) -> Optional[int]:
	try:
		return int(path.read_text().strip())
	except (OSError, ValueError):
		return None


def read_text(path: Path) -> str:
	try:
		return path.read_text(errors='replace')
	except OSError:
		return ''


def module_block(number: int, module: str, raw: Path, suites: Sequence[str]) -> List[str]:
	"""Everything one module's run produced, as subtest @number.

	On a kernel with kmemleak, the harness scans for leaks after each
	module's run (raw/kmemleak.log): every report fails the module, with or
	without the module in its backtrace (a leak of the kernel's own code
	that the module's use triggers counts too).
	"""
	cases: List[List[str]] = []

	def add(make):
		cases.append(make(len(cases) + 1))

	insmod = read_status(raw / 'insmod.status')
	add(lambda n: leaf(n, 'insmod', insmod == 0,
			   read_text(raw / 'insmod.out') or 'insmod did not run'))
	if insmod == 0:
		ran = {p.stem: p for p in (raw / 'kunit').glob('*.ktap')}
		for suite in sorted(set(suites) | set(ran)):
			if suite not in ran:
				# Not just the suite's name: a leaf named like its module
				# would end the module's block for the KTAP parser.
				add(lambda n: leaf(n, f'KUnit suite {suite}', False,
						   'declared with #[kunit_tests] but did not run'))
				continue
			try:
				block = suite_block(len(cases) + 1, read_text(ran[suite]))
			except ValueError:
				block = leaf(len(cases) + 1, suite, False, 'unreadable debugfs results')
			if suite not in suites:
				block = ['# suite not declared by the module sources'] + block
			cases.append(block)
		for status_file in sorted((raw / 'tests').glob('*.status')):
			name = status_file.name[:-len('.status')]
			add(lambda n: program_block(n, name, read_text(raw / 'tests' / f'{name}.out'),
						    read_status(status_file)))
		rmmod = read_status(raw / 'rmmod.status')
		add(lambda n: leaf(n, 'rmmod', rmmod == 0,
				   read_text(raw / 'rmmod.out') or 'rmmod did not run'))

	problems = kernel_log_problems(read_text(raw / 'dmesg.log'))
	add(lambda n: leaf(n, 'kernel log clean', not problems, '\n'.join(problems[:3])))
	if (raw / 'injected-dmesg.log').exists():
		injected = kernel_log_problems(read_text(raw / 'injected-dmesg.log'), injected_failures=True)
		add(lambda n: leaf(n, 'kernel log clean under fault injection', not injected,
				   '\n'.join(injected[:3])))
	taint = read_status(raw / 'taint')
	bad_taint = taint_problems(taint) if taint is not None else ['taint not recorded']
	add(lambda n: leaf(n, 'no unexpected taint', not bad_taint, ', '.join(bad_taint)))
	if (raw / 'kmemleak.log').exists():
		leaks = kmemleak_reports(read_text(raw / 'kmemleak.log'))
		add(lambda n: leaf(n, 'no memory leak (kmemleak)', not leaks,
				   f'{len(leaks)} leaks, first:\n' + '\n'.join(leaks[:1])))

	body = [KTAP_HEADER, f'# Subtest: {module}', f'1..{len(cases)}']
	for case in cases:
		body += case
	failed = any(re.match(r'^not ok \d+ ', line) for case in cases for line in case)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {module}']


def compose(results: Path, modules_dir: Path, modules: Sequence[str],
	    extra_programs: Sequence[Path] = ()) -> List[str]:
	"""The whole run as one KTAP document.

	@extra_programs are KTAP outputs of test programs run on the host,
	each next to a file of the same name ending in .status.
	"""
	blocks = []
	for module in modules:
		blocks.append(module_block(len(blocks) + 1, module,
					   results / 'modules' / module,
					   declared_suites(modules_dir / module)))
	for output in extra_programs:
		blocks.append(program_block(len(blocks) + 1, output.stem, read_text(output),
					    read_status(output.with_suffix('.status'))))
	document = [KTAP_HEADER, f'1..{len(blocks)}']
	for block in blocks:
		document += block
	return document


def failures(test, path: str = '') -> List[str]:
	"""Full names of the failed tests of a parsed test tree: the failed
	leaves, or a test itself when it failed although its subtests passed
	(a program that crashed after its last case)."""
	from kunit_parser import TestStatus
	name = f'{path}.{test.name}' if path else test.name
	found = []
	for sub in test.subtests:
		found += failures(sub, name)
	if not found and test.status not in (TestStatus.SUCCESS, TestStatus.SKIPPED):
		found = [name]
	return found


STAT_LINE = re.compile(r'^# stat (\w+)=(\d+)$')


def module_stats(raw: Path) -> Dict[str, int]:
	"""Figures test programs report with "# stat NAME=VALUE" lines, summed."""
	stats: Dict[str, int] = {}
	for output in sorted((raw / 'tests').glob('*.out')):
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


def main(argv: Sequence[str]) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--results', type=Path, required=True)
	parser.add_argument('--modules-dir', type=Path, required=True)
	parser.add_argument('--kunit-tool', type=Path, required=True,
			    help="the kernel's tools/testing/kunit")
	parser.add_argument('--host-tests', type=Path, action='append', default=[],
			    help='KTAP output of a host-side test program')
	parser.add_argument('modules', nargs='+')
	args = parser.parse_args(argv)

	sys.path.insert(0, str(args.kunit_tool))
	import kunit_json
	import kunit_junit
	import kunit_parser
	from kunit_printer import null_printer

	document = compose(args.results, args.modules_dir, args.modules, args.host_tests)
	(args.results / 'report.ktap').write_text('\n'.join(document) + '\n')
	test = kunit_parser.parse_run_tests(document, null_printer)
	test.name = 'rust-kernel-modules'
	(args.results / 'results.json').write_text(
		kunit_json.get_json_result(test=test, metadata=kunit_json.Metadata(arch='x86_64')))
	kunit_junit.write_junit_result(test=test, filename=str(args.results / 'junit.xml'))

	stats = {module: dict(module_stats(args.results / 'modules' / module),
			      reports=module_reports(args.results / 'modules' / module))
		 for module in args.modules}
	print('\n'.join(summary(test, stats)))
	failed = failures(test)
	if failed:
		print('\nFailed:')
		for name in failed:
			print(f'  {name}')
	counts = test.counts
	n_failed = counts.failed + counts.crashed + counts.errors
	print(f'\nReports: {args.results}/{{report.ktap,results.json,junit.xml,guest.log}}')
	print(f'{counts.passed} passed, {n_failed} failed, {counts.skipped} skipped')
	return 1 if n_failed or counts.passed == 0 else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
