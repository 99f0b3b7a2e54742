#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judges the raw results of a test run and writes the reports.

scripts/guest-check.sh leaves, per module, the status and output of insmod,
the KUnit suites' debugfs results, the output and exit status of every
userspace test program, rmmod, the kernel log and the taint flags; then,
per lifecycle case (tests/<module>/lifecycle/*.sh), its output, exit
status, kernel log and taint before and after. This script composes them
into one KTAP document (a subtest for each VM's boot, from its files in
vm/, one per module, in which every suite, program and step is a subtest,
and one per module with lifecycle cases), parses that with the kernel's
own KTAP parser (tools/testing/kunit), and writes:

  report.ktap   the composed document
  results.json  KernelCI-style JSON (kunit_json)
  junit.xml     JUnit XML (kunit_junit)

It prints a summary table and, last, "N passed, N failed, N skipped".
The exit status is 1 when anything failed, crashed or did not parse.

What must have run comes from the source tree, not from what the run left:
a declared KUnit suite, a test program of tests/<module>/ (and of
tests/<module>/debug/, plus modload, with --debug) or a lifecycle case
that left no status fails as "did not run"; a twin (tests/<module>/twin.env)
must have run the programs and lifecycle cases of the module it twins.

This file holds the target (TARGET, which main() and the tests set), what
reads it (the taint judgement, the blocks of the boot, of each module and
of its lifecycle cases), the composition of the document and the command
line. The pieces it uses are in results_ktap.py (KTAP test cases and
blocks), results_raw.py (reading the raw results), results_kernel_log.py
(bug reports in a kernel log), results_tree.py (what must have run) and
results_summary.py (failures, skips and the summary table of the parsed
document).
"""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from results_kernel_log import (expected_warnings, kernel_log_problems, kmemleak_reports,
				log_problems)
from results_ktap import (KTAP_HEADER, distinct, indent, ktap_safe, leaf, program_block,
			  skip_leaf, suite_block)
from results_raw import read_status, read_taints, read_text
from results_summary import (failed_tests, failure_reasons, module_reports, module_stats,
			     output_stats, skips, summary)
from results_summary import failures  # noqa: F401 (importers use it from here)
from results_tree import declared_suites, expected_programs, lifecycle_cases

# The kernel's taint flags (Documentation/admin-guide/tainted-kernels.rst).
# Loading our modules taints with O (out-of-tree); running KUnit with N.
TAINT_FLAGS = 'PFSRMBUDAWCIOELKXTN'
ALLOWED_TAINT = (1 << TAINT_FLAGS.index('O')) | (1 << TAINT_FLAGS.index('N'))


class Target:
	"""The kernel under test when it is not the project's own tree: what
	--target FILE says of it (a JSON object; scripts/distro/debian.sh
	writes one). Its keys, all optional:

	  release        the `uname -r` the VM must show (a boot case checks it)
	  built          how the kernel and modules were built, for the summary
	  allowed_taint  {flag: reason}: taint flags this kernel sets that are
	                 expected (Debian's: E, the modules are unsigned)
	  kunit_absent   why the kernel has no KUnit: each declared suite is
	                 then skipped with this reason instead of failing
	"""

	def __init__(self, data: Optional[dict] = None):
		data = data or {}
		self.release: Optional[str] = data.get('release')
		self.built: Optional[str] = data.get('built')
		self.allowed_taint: Dict[str, str] = data.get('allowed_taint', {})
		self.kunit_absent: Optional[str] = data.get('kunit_absent')

	def taint_mask(self) -> int:
		mask = ALLOWED_TAINT
		for flag in self.allowed_taint:
			mask |= 1 << TAINT_FLAGS.index(flag)
		return mask


# The kernel under test (main() sets it from --target).
TARGET = Target()


def taint_problems(taint: int, allowed: int = 0) -> List[str]:
	"""Names of the taint flags that are set but not expected (nor in @allowed)."""
	unexpected = taint & ~(TARGET.taint_mask() | allowed)
	return [f'{TAINT_FLAGS[bit]} (bit {bit})'
		for bit in range(len(TAINT_FLAGS)) if unexpected & (1 << bit)]


def taint_leaf(number: int, name: str, taint: Optional[int], before: Optional[int],
	       what: str, allowed: int = 0) -> List[str]:
	"""Judges the taint flags a step added: /proc/sys/kernel/tainted only
	ever gains flags, so a flag an earlier step set (@before) would fail
	every later one. Flags already set are named in a diagnostic; @allowed
	flags are the step's own expected ones."""
	if taint is None:
		return leaf(number, name, False, 'taint not recorded')
	inherited = taint_problems(before or 0)
	note = ([f'# already tainted before {what}: {", ".join(inherited)}; '
		 'only flags set since are judged'] if inherited else [])
	bad = taint_problems(taint & ~(before or 0), allowed)
	return note + leaf(number, name, not bad, ', '.join(bad))


def program_result(number: int, name: str, tests: Path, shown: str = '') -> List[str]:
	"""The result of the program that guest-check.sh recorded as
	@tests/@name.{out,status}, named @shown (default: @name); one that
	left nothing did not run."""
	shown = shown or name
	status_file = tests / f'{name}.status'
	output = read_text(tests / f'{name}.out')
	if not status_file.exists() and not output:
		return leaf(number, shown, False, 'did not run')
	return program_block(number, shown, output, read_status(status_file))


def insmod_failure(raw: Path, most: int = 5) -> str:
	"""Why a module did not load: the last @most lines of its kernel log
	(what its init printed, which insmod's error does not say), then
	insmod's error, shown last in the summary."""
	log = [line for line in read_text(raw / 'dmesg.log').splitlines() if line.strip()]
	return '\n'.join([f'kernel log: {line}' for line in log[-most:]] +
			 [read_text(raw / 'insmod.out').strip() or 'insmod did not run'])


def module_block(number: int, module: str, raw: Path, suites: Sequence[str],
		 programs: Sequence[str] = (), taint_before: Optional[int] = None) -> List[str]:
	"""Everything one module's run produced, as subtest @number.

	@programs are the test programs that must have run (a program that
	ran but is not listed is judged too); @taint_before the taint flags
	before the module's run (see taint_leaf()).

	On a kernel with kmemleak, the harness scans for leaks after each
	module's run (raw/kmemleak.log): every report fails the module, with or
	without the module in its backtrace (a leak of the kernel's own code
	that the module's use triggers counts too).
	"""
	cases: List[List[str]] = []

	def add(make):
		cases.append(make(len(cases) + 1))

	insmod = read_status(raw / 'insmod.status')
	add(lambda n: leaf(n, 'insmod', insmod == 0, insmod_failure(raw)))
	if insmod == 0:
		ran = {p.stem: p for p in (raw / 'kunit').glob('*.ktap')}
		for suite in sorted(set(suites) | set(ran)):
			if suite not in ran:
				# Not just the suite's name: a leaf named like its module
				# would end the module's block for the KTAP parser.
				if TARGET.kunit_absent:
					add(lambda n: skip_leaf(n, f'KUnit suite {suite}',
								TARGET.kunit_absent))
					continue
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
		ran = {p.name[:-len('.status')] for p in (raw / 'tests').glob('*.status')}
		for name in sorted(ran | set(programs)):
			add(lambda n: program_result(n, name, raw / 'tests',
						     distinct(name, module, 'program')))
		rmmod = read_status(raw / 'rmmod.status')
		add(lambda n: leaf(n, 'rmmod', rmmod == 0,
				   read_text(raw / 'rmmod.out') or 'rmmod did not run'))

	problems = log_problems(raw / 'dmesg.log')
	add(lambda n: leaf(n, 'kernel log clean', not problems, '\n'.join(problems[:3])))
	if (raw / 'injected-dmesg.log').exists():
		injected = log_problems(raw / 'injected-dmesg.log', injected_failures=True)
		add(lambda n: leaf(n, 'kernel log clean under fault injection', not injected,
				   '\n'.join(injected[:3])))
	add(lambda n: taint_leaf(n, 'no unexpected taint', read_status(raw / 'taint'),
				 taint_before, 'this module'))
	if (raw / 'kmemleak.log').exists():
		leaks = kmemleak_reports(read_text(raw / 'kmemleak.log'))
		add(lambda n: leaf(n, 'no memory leak (kmemleak)', not leaks,
				   f'{len(leaks)} leaks, first:\n' + '\n'.join(leaks[:1])))

	body = [KTAP_HEADER, f'# Subtest: {module}', f'1..{len(cases)}']
	for case in cases:
		body += case
	failed = any(re.match(r'^not ok \d+ ', line) for case in cases for line in case)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {module}']


# The phases of guest-check.sh, in order. A run's VMs each ran some of them
# and left their files in vm/<their phases, joined by "-">/.
PHASES = ('modules', 'lifecycle')


def vms(results: Path) -> List[Path]:
	"""The folders of the run's VMs, in the order of their first phase."""
	found = [vm for vm in (results / 'vm').glob('*') if vm.name.split('-')[0] in PHASES]
	return sorted(found, key=lambda vm: PHASES.index(vm.name.split('-')[0]))


def modules_vm(results: Path) -> Path:
	"""The folder of the VM that ran the modules phase (it may not exist)."""
	return next((vm for vm in vms(results) if vm.name.split('-')[0] == 'modules'),
		    results / 'vm' / 'modules')


def boot_block(number: int, vm: Path) -> List[str]:
	"""The kernel log and taint of the boot of the VM whose files are in
	@vm, up to its first test."""
	name = f'{vm.name} VM boot'
	problems = log_problems(vm / 'boot-dmesg.log')
	cases = leaf(1, 'kernel log clean', not problems, '\n'.join(problems[:3]))
	cases += taint_leaf(2, 'no unexpected taint', read_status(vm / 'boot-taint'), 0, 'boot')
	count = 2
	if TARGET.release:
		release = read_text(vm / 'uname-r').strip()
		count += 1
		cases += leaf(count, f'kernel release is {TARGET.release}', release == TARGET.release,
			      f'uname -r in the VM: {release or "not recorded"}')
	body = [KTAP_HEADER, f'# Subtest: {name}', f'1..{count}'] + cases
	failed = any(re.match(r'^not ok \d+ ', line) for line in cases)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {name}']


def lifecycle_case(number: int, case: str, raw: Path, parent: str) -> List[str]:
	"""One lifecycle case, as subtest @number: its script's exit status,
	what stayed loaded after it, and the kernel log and taint flags of its
	run alone, so that a report fails only the case that caused it."""
	shown = distinct(case, parent, 'case')
	status = read_status(raw / f'{case}.status')
	output = read_text(raw / f'{case}.out')
	if status is None:
		return leaf(number, shown, False, 'did not run' + (f'\n{output}' if output else ''))
	tail = output.splitlines()[-40:]
	cases = [f'# {ktap_safe(line)}' for line in tail if ktap_safe(line)]
	why = ('timed out' if status in (124, 137) else f'exit status {status}')
	cases += leaf(1, 'exits with status 0', status == 0, why)
	unload = raw / f'{case}.unload'
	stuck = read_text(unload).strip() if unload.exists() else 'not recorded'
	cases += leaf(2, 'collection unloads after it', not stuck, f'still loaded: {stuck}')
	allowed = 0
	if (raw / f'{case}.dmesg').exists():
		problems = log_problems(raw / f'{case}.dmesg')
		# A warning the case announced taints the kernel (W) as any other.
		if expected_warnings(read_text(raw / f'{case}.dmesg')):
			allowed = 1 << TAINT_FLAGS.index('W')
	else:
		problems = ['kernel log not recorded']
	cases += leaf(3, 'kernel log clean', not problems, '\n'.join(problems[:3]))
	taints = read_taints(raw / f'{case}.taint')
	cases += taint_leaf(4, 'no new taint', taints[1] if taints else None,
			    taints[0] if taints else None, 'this case', allowed)
	body = [KTAP_HEADER, f'# Subtest: {shown}', '1..4'] + cases
	failed = any(re.match(r'^not ok \d+ ', line) for line in cases)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {shown}']


def lifecycle_block(number: int, module: str, raw: Path, cases: Sequence[str]) -> List[str]:
	"""A module's lifecycle cases (@cases, from the source tree, and any
	other that left a status in @raw) as subtest @number."""
	name = f'{module} lifecycle'
	ran = {p.name[:-len('.status')] for p in raw.glob('*.status')}
	blocks = [lifecycle_case(i, case, raw, name)
		  for i, case in enumerate(sorted(set(cases) | ran), start=1)]
	body = [KTAP_HEADER, f'# Subtest: {name}', f'1..{len(blocks)}']
	for block in blocks:
		body += block
	failed = any(block[-1].startswith('not ok ') for block in blocks)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {name}']


def compose(results: Path, modules_dir: Path, modules: Sequence[str],
	    extra_programs: Sequence[Path] = (), tests_dir: Optional[Path] = None,
	    debug: bool = False) -> List[str]:
	"""The whole run as one KTAP document.

	@extra_programs are KTAP outputs of test programs run on the host,
	each next to a file of the same name ending in .status. @tests_dir
	(default: next to @modules_dir) says which programs and lifecycle
	cases each module has; @debug that the debug flavour's ran too.
	"""
	if tests_dir is None:
		tests_dir = modules_dir.parent / 'tests'
	blocks = []
	for vm in vms(results):
		if (vm / 'boot-taint').exists():
			blocks.append(boot_block(len(blocks) + 1, vm))
	taint_before = read_status(modules_vm(results) / 'boot-taint')
	for module in modules:
		raw = results / 'modules' / module
		blocks.append(module_block(len(blocks) + 1, module, raw,
					   declared_suites(modules_dir / module),
					   expected_programs(tests_dir, module, debug), taint_before))
		taint = read_status(raw / 'taint')
		taint_before = taint if taint is not None else taint_before
	for module in modules:
		raw = results / 'lifecycle' / module
		cases = lifecycle_cases(tests_dir, module)
		if cases or raw.is_dir():
			blocks.append(lifecycle_block(len(blocks) + 1, module, raw, cases))
	for output in extra_programs:
		text = read_text(output)
		unchanged = read_text(output.with_suffix('.unchanged')).strip()
		if unchanged:
			text = f'{unchanged}\n{text}'
		blocks.append(program_block(len(blocks) + 1, output.stem, text,
					    read_status(output.with_suffix('.status'))))
	document = [KTAP_HEADER, f'1..{len(blocks)}']
	for block in blocks:
		document += block
	return document


def main(argv: Sequence[str]) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--results', type=Path, required=True)
	parser.add_argument('--modules-dir', type=Path, required=True)
	parser.add_argument('--kunit-tool', type=Path, required=True,
			    help="the kernel's tools/testing/kunit")
	parser.add_argument('--host-tests', type=Path, action='append', default=[],
			    help='KTAP output of a host-side test program')
	parser.add_argument('--tests-dir', type=Path,
			    help='the tests/ folder (default: next to --modules-dir)')
	parser.add_argument('--debug', action='store_true',
			    help="the run was the debug flavour's (guest-check.sh --debug)")
	parser.add_argument('--target', type=Path,
			    help='what the kernel under test is, if not the default tree (see Target)')
	parser.add_argument('modules', nargs='+')
	args = parser.parse_args(argv)
	global TARGET
	if args.target:
		TARGET = Target(json.loads(args.target.read_text()))

	sys.path.insert(0, str(args.kunit_tool))
	import kunit_json
	import kunit_junit
	import kunit_parser
	from kunit_printer import null_printer

	document = compose(args.results, args.modules_dir, args.modules, args.host_tests,
			   args.tests_dir, args.debug)
	(args.results / 'report.ktap').write_text('\n'.join(document) + '\n')
	test = kunit_parser.parse_run_tests(document, null_printer)
	test.name = 'rust-kernel-modules'
	(args.results / 'results.json').write_text(
		kunit_json.get_json_result(test=test, metadata=kunit_json.Metadata(arch='x86_64')))
	kunit_junit.write_junit_result(test=test, filename=str(args.results / 'junit.xml'))

	stats = {module: dict(module_stats(args.results / 'modules' / module),
			      reports=module_reports(args.results / 'modules' / module))
		 for module in args.modules}
	for module in args.modules:
		lifecycle = args.results / 'lifecycle' / module
		if lifecycle.is_dir():
			stats[f'{module} lifecycle'] = dict(
				output_stats(lifecycle),
				reports=sum(len(kernel_log_problems(read_text(log)))
					    for log in lifecycle.glob('*.dmesg')))
	print('\n'.join(summary(test, stats)))
	failed = failed_tests(test)
	if failed:
		print('\nFailed:')
		for name, failed_test in failed:
			print(f'  {name}')
			for reason in failure_reasons(failed_test):
				print(f'      {reason}')
	skipped = skips(test)
	if skipped:
		print('\nSkipped:')
		for name in skipped:
			print(f'  {name}')
	reused = [f'  {output.stem}: {read_text(output.with_suffix(".unchanged")).strip()}'
		  for output in args.host_tests if output.with_suffix('.unchanged').exists()]
	if reused:
		print('\nInputs unchanged since they passed (their verdict is counted):')
		print('\n'.join(reused))
	release = read_text(modules_vm(args.results) / 'uname-r').strip()
	if release or TARGET.built:
		print(f'\nKernel: {release or "?"} (uname -r in the VM)' +
		      (f'; {TARGET.built}' if TARGET.built else ''))
	for flag, reason in sorted(TARGET.allowed_taint.items()):
		print(f'Taint {flag} allowed on this kernel: {reason}')
	counts = test.counts
	n_failed = counts.failed + counts.crashed + counts.errors
	print(f'\nReports: {args.results}/{{report.ktap,results.json,junit.xml,guest.log}}')
	print(f'{counts.passed} passed, {n_failed} failed, {counts.skipped} skipped')
	return 1 if n_failed or counts.passed == 0 else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
