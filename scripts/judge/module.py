# SPDX-License-Identifier: GPL-2.0
"""One module's run as a KTAP block: insmod, its KUnit suites, its test
programs, rmmod, its kernel log, the taint it added and, on a kernel with
kmemleak, the leaks found after it."""

import re
from pathlib import Path
from typing import List, Optional, Sequence

from .kernel import Kernel
from .kernel_log import kmemleak_reports, log_problems
from .ktap import KTAP_HEADER, distinct, indent, leaf, program_block, skip_leaf, suite_block
from .raw import read_status, read_text
from .taint import taint_leaf


def program_result(number: int, name: str, tests: Path, shown: str = '') -> List[str]:
	"""The result of the program that guest/check.sh recorded as
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
		 programs: Sequence[str], taint_before: Optional[int],
		 kernel: Kernel) -> List[str]:
	"""Everything one module's run produced (@raw), as subtest @number.

	@suites and @programs must have run (a suite or program that ran but
	is not listed is judged too); @taint_before are the taint flags before
	the module's run (see taint_leaf()); @kernel the kernel under test.

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
				if kernel.kunit_absent:
					add(lambda n: skip_leaf(n, f'KUnit suite {suite}',
								kernel.kunit_absent))
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
				 taint_before, 'this module', kernel))
	if (raw / 'kmemleak.log').exists():
		leaks = kmemleak_reports(read_text(raw / 'kmemleak.log'))
		add(lambda n: leaf(n, 'no memory leak (kmemleak)', not leaks,
				   f'{len(leaks)} leaks, first:\n' + '\n'.join(leaks[:1])))

	body = [KTAP_HEADER, f'# Subtest: {module}', f'1..{len(cases)}']
	for case in cases:
		body += case
	failed = any(re.match(r'^not ok \d+ ', line) for case in cases for line in case)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {module}']
