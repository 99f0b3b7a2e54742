#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judges make bug-classes: each memory-safety bug class, caught in C, excluded in Rust.

scripts/guest/bug-classes.sh leaves, per class the trigger ran
(demos/bug_classes/trigger.c), its output (<vm>/<run>.out), exit status
(<vm>/<run>.status) and the kernel log of its run (<vm>/<run>.dmesg), where
<vm> is the kernel it ran on: kasan (the debug flavour) or kcsan (the data
race: KCSAN cannot share a kernel with KASAN). The compile-fail cases named
below leave their build logs in .build/compile-fail/<case>/ and their KTAP
in compile-fail.ktap. For every class this prints a row of a
Markdown table: the C code at fault (the line under its "BUG(<class>)"
comment in c_bugs.c), the report seen (the kernel log line that names the
class, or what user space saw where no checker of this kernel reports it),
and the Rust outcome (rustc's refusal, or the run-time check). A class whose
C report or Rust outcome is not the expected one FAILS; the exit status is
then 1.

    bug_classes.py --results DIR [--build-dir .build/compile-fail]
    bug_classes.py --cases      (the compile-fail cases, one a line)
    bug_classes.py --runs VM    (the trigger's runs on VM, in order, one a line)
    bug_classes.py --modules VM (the demo modules VM loads, one a line)
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import compile_fail
from judge.kernel_log import KERNEL_LOG_PROBLEMS

TOP = Path(__file__).resolve().parent.parent
C_SOURCE = 'demos/bug_classes/c_bugs/c_bugs.c'
RUST_SOURCE = 'demos/bug_classes/rust_bugs/rust_bugs.rs'

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s*')
STAT = re.compile(r'^# stat (\w+)=(-?\d+)$', re.MULTILINE)
KASAN_REPORT = re.compile(r'BUG: KASAN: ')
RUST_PANIC = re.compile(r'panicked at (\S+):\s*(?:\\x0a|\n)?(?:\[[\s\d.]+\]\s*)?(.+)')


@dataclass(frozen=True)
class BugClass:
	"""One row of the table."""
	title: str
	run: str  # the trigger's class: the run's files in the results
	source: str  # the file with the bug, relative to the checkout
	marker: str  # the comment above the line at fault
	report: Optional[re.Pattern]  # the kernel log line that names the class
	access: Optional[str] = None  # the KASAN access kind the report must name
	stat: Optional[str] = None  # a "# stat" the trigger must print, above 0
	oopses: bool = False  # the kernel kills the trigger
	vm: str = 'kasan'  # the kernel the run needs
	rust_case: Optional[str] = None  # the compile-fail case
	rust_runs: Tuple[str, ...] = ()  # runs of rust_bugs that show the outcome
	rust_note: Optional[str] = None  # the Rust outcome, when it is neither


CLASSES = (
	BugClass('use after free', 'use_after_free', C_SOURCE, 'BUG(use-after-free)',
		 re.compile(r'BUG: KASAN: slab-use-after-free in '),
		 rust_case='use_after_free_claim_borrows'),
	BugClass('double free', 'double_free', C_SOURCE, 'BUG(double-free)',
		 re.compile(r'BUG: KASAN: double-free in '), rust_case='double_free_error_path'),
	BugClass('out-of-bounds write', 'oob_write', C_SOURCE, 'BUG(slab-out-of-bounds write)',
		 re.compile(r'BUG: KASAN: slab-out-of-bounds in '), access='Write',
		 rust_runs=('rust_checked_write', 'rust_indexed_write')),
	BugClass('out-of-bounds read', 'oob_read', C_SOURCE, 'BUG(slab-out-of-bounds read)',
		 re.compile(r'BUG: KASAN: slab-out-of-bounds in '), access='Read',
		 stat='bytes_beyond', rust_runs=('rust_checked_write', 'rust_indexed_write')),
	BugClass('NULL pointer dereference', 'null_deref', C_SOURCE, 'BUG(null-deref)',
		 # KASAN's shadow check faults first, on the shadow of address 0.
		 re.compile(r'KASAN: null-ptr-deref in range|BUG: kernel NULL pointer dereference'),
		 oopses=True, rust_case='null_deref_unchecked_lookup'),
	# KMSAN would not report it: the bytes leaked were written (by the key's
	# copy_from_user()), so to KMSAN they are initialised.
	BugClass('uninitialised memory', 'uninit', C_SOURCE, 'BUG(uninit)', None,
		 stat='secret_bytes', rust_case='uninit_reply_field'),
	BugClass('data race', 'data_race', C_SOURCE, 'BUG(data-race)',
		 re.compile(r'BUG: KCSAN: data-race in \S*cb_race_write'), stat='lost_updates',
		 vm='kcsan', rust_case='data_race_unlocked_counter'),
	BugClass('use after free, in Rust with `unsafe`', 'rust_unsafe_uaf', RUST_SOURCE,
		 'SAFETY: None: the session', re.compile(r'BUG: KASAN: slab-use-after-free in \S*rust_bugs'),
		 rust_note='compiles: rustc trusts `unsafe`'),
	BugClass('double free, in Rust with `unsafe`', 'rust_unsafe_double_free', RUST_SOURCE,
		 'SAFETY: None: `set_label_raw()`', re.compile(r'BUG: KASAN: double-free in '),
		 rust_note='compiles: rustc trusts `unsafe`'),
)


def fault_line(source: str, marker: str, top: Path = TOP) -> Tuple[int, str]:
	"""The number and text of the first line of code after the comment
	holding @marker in @source (0 and a message when there is none)."""
	lines = (top / source).read_text().splitlines()
	start = next((i for i, line in enumerate(lines) if marker in line), None)
	if start is None:
		return 0, f'no "{marker}" in {source}'
	i = start
	if lines[i].lstrip().startswith('//'):
		while lines[i].lstrip().startswith('//'):
			i += 1
	else:
		while '*/' not in lines[i]:
			i += 1
		i += 1
	return i + 1, lines[i].strip()


def read(path: Path) -> Optional[str]:
	try:
		return path.read_text(errors='replace')
	except FileNotFoundError:
		return None


def log_lines(text: str) -> List[str]:
	return [TIMESTAMP.sub('', line) for line in text.splitlines()]


def stats(output: str) -> dict:
	return {name: int(value) for name, value in STAT.findall(output)}


def cell(text: str) -> str:
	"""@text made safe for a Markdown table cell."""
	return text.replace('|', '\\|')


class Run:
	"""What the guest left of one trigger run."""

	def __init__(self, results: Path, name: str):
		self.name = name
		self.output = read(results / f'{name}.out')
		status = read(results / f'{name}.status')
		self.status = int(status) if status and status.strip().lstrip('-').isdigit() else None
		dmesg = read(results / f'{name}.dmesg')
		self.log = log_lines(dmesg) if dmesg is not None else None

	def missing(self) -> Optional[str]:
		if self.status is None or self.log is None:
			return f'{self.name} did not run'
		return None

	def find(self, pattern: re.Pattern) -> Optional[int]:
		return next((i for i, line in enumerate(self.log or []) if pattern.search(line)), None)

	def diagnostics(self) -> List[str]:
		return [line[2:] for line in (self.output or '').splitlines()
			if line.startswith('# ') and not line.startswith('# stat ')]


def c_report(row: BugClass, run: Run) -> Tuple[str, List[str]]:
	"""The report seen for @row's C run, and what is wrong with it."""
	missing = run.missing()
	if missing:
		return '(none)', [missing]
	problems = []
	if not row.oopses and run.status != 0:
		problems.append(f'the trigger failed (status {run.status}): '
				+ '; '.join(run.diagnostics()[:2]))
	if row.oopses and run.status == 0:
		problems.append('the trigger was not killed')
	found = stats(run.output or '')
	seen = '(none)'
	if row.report:
		index = run.find(row.report)
		if index is None:
			problems.append(f'no "{row.report.pattern}" in the kernel log')
		else:
			seen = run.log[index].strip()
			if row.access:
				after = ' '.join(run.log[index + 1:index + 3])
				match = re.search(rf'\b{row.access} of size \d+', after)
				if match:
					seen += f' ({match.group(0)})'
				else:
					problems.append(f'the report names no {row.access} access')
	if row.stat:
		value = found.get(row.stat)
		if value is None or value <= 0:
			problems.append(f'{row.stat} = {value}: user space saw no effect')
		elif not row.report:
			seen = user_space_effect(row, run, value)
		else:
			seen += '; ' + user_space_effect(row, run, value)
	return seen, problems


def user_space_effect(row: BugClass, run: Run, value: int) -> str:
	"""What user space saw of @row's bug: @value of its stat."""
	if row.stat == 'secret_bytes':
		shown = next((d for d in run.diagnostics() if d.startswith('reply bytes')), '')
		key = re.search(r'"([^"]*)"$', shown)
		return (f'user space: {value} bytes of the planted key in the reply'
			+ (f' ("{key.group(1)}")' if key else '')
			+ '; no checker reports it (to KMSAN, written bytes are initialised)')
	if row.stat == 'lost_updates':
		shown = next((d for d in run.diagnostics() if 'events recorded' in d), '')
		total = re.match(r'(\d+) events', shown)
		of = f' of {total.group(1)}' if total else ''
		return f'user space: {value}{of} sequence numbers lost, two threads'
	if row.stat == 'bytes_beyond':
		return f'user space: {value} bytes past the string'
	return f'{row.stat} = {value}'


def rust_case_outcome(case: str, ktap: Optional[str],
		      build_dir: Path, cases_dir: Path) -> Tuple[str, List[str]]:
	"""rustc's refusal of a compile-fail case: the codes and rustc's first message."""
	source = read(cases_dir / case / f'{case}.rs')
	expected = compile_fail.expected_codes(source or '') or []
	if ktap is None or not re.search(rf'^ok \d+ {re.escape(case)}$', ktap, re.MULTILINE):
		return f'{case}: not refused as expected', [
			f'compile-fail case {case} did not pass (see {shown(build_dir / case)})']
	log = read(build_dir / case / 'unsound' / 'build.log') or ''
	errors = compile_fail.rustc_errors(log)
	first = next((line for code, line, _ in errors if expected and code == expected[0]),
		     errors[0][1] if errors else '(no rustc error)')
	message = re.sub(r'^error(\[E\d+\])?: ', '', first)
	return f'refused, {", ".join(expected)}: {message} (`{case}`)', []


RUST_RUNS = {
	'rust_checked_write': 'a checked `get_mut(..len)`: EMSGSIZE, nothing written',
	'rust_indexed_write': 'indexing `[..len]`: panics before writing',
}
# The runs that oops, which the guest must set off last.
OOPS_RUNS = {row.run for row in CLASSES if row.oopses} | {'rust_indexed_write'}
# The demo modules each VM loads.
VM_MODULES = {'kasan': ('c_bugs', 'rust_bugs'), 'kcsan': ('c_bugs',)}


def runs(vm: str) -> List[str]:
	"""The trigger's runs on @vm, in the order the guest must set them off."""
	names = [row.run for row in CLASSES if row.vm == vm]
	if vm == 'kasan':
		names += [name for row in CLASSES for name in row.rust_runs]
	names = list(dict.fromkeys(names))
	return sorted(names, key=lambda name: name in OOPS_RUNS)


def rust_run_outcome(run: Run) -> Tuple[str, List[str]]:
	"""The run-time outcome of a rust_bugs run, and what is wrong with it."""
	missing = run.missing()
	if missing:
		return '(did not run)', [missing]
	problems = []
	outcome = RUST_RUNS[run.name]
	if run.find(KASAN_REPORT) is not None:
		problems.append(f'{run.name}: KASAN reported an access the check should have stopped')
	if run.name == 'rust_checked_write':
		if run.status != 0:
			problems.append(f'{run.name}: not refused with EMSGSIZE (status {run.status})')
		if run.find(KERNEL_LOG_PROBLEMS) is not None:
			problems.append(f'{run.name}: the kernel reported a bug')
	else:
		panic = RUST_PANIC.search('\n'.join(run.log))
		if not panic:
			problems.append(f'{run.name}: no Rust panic in the kernel log')
		else:
			outcome += f' ("{panic.group(2).strip()}")'
	return outcome, problems


def shown(path: Path) -> str:
	try:
		return str(path.resolve().relative_to(TOP))
	except ValueError:
		return str(path)


def judge(results: Path, build_dir: Path, cases_dir: Path,
	  top: Path = TOP) -> Tuple[List[str], List[Tuple[str, ...]], int]:
	"""What is wrong with the run as a whole, the table's rows (class, C
	code, report seen, Rust outcome, verdict) and the number of failed
	classes."""
	ktap = read(results / 'compile-fail.ktap')
	general = []
	for vm, modules in VM_MODULES.items():
		if not (results / vm / 'complete').exists():
			general.append(f'the {vm} VM did not complete its run')
			continue
		for module in modules:
			status = read(results / vm / f'load-{module}.status')
			if status is None or status.strip() != '0':
				output = (read(results / vm / f'load-{module}.out') or '').strip()
				general.append(f'{module} did not load on {vm}: {output or "no status"}')
	cmdline = read(results / 'kasan' / 'cmdline') or ''
	if 'kasan_multi_shot' not in cmdline:
		general.append('no kasan_multi_shot on the KASAN kernel\'s command line: '
			       'KASAN reports only its first bug')

	rows, failed = [], 0
	for row in CLASSES:
		number, text = fault_line(row.source, row.marker, top)
		location = f'`{Path(row.source).name}:{number}` `{text}`'
		seen, problems = c_report(row, Run(results / row.vm, row.run))
		outcomes = []
		if row.rust_case:
			outcome, more = rust_case_outcome(row.rust_case, ktap, build_dir, cases_dir)
			outcomes.append(outcome)
			problems += more
		for name in row.rust_runs:
			outcome, more = rust_run_outcome(Run(results / row.vm, name))
			outcomes.append(outcome)
			problems += more
		if row.rust_note:
			outcomes.append(row.rust_note)
		failed += bool(problems)
		verdict = 'ok' if not problems else 'FAIL: ' + '; '.join(problems)
		rows.append((row.title, location, seen, '; '.join(outcomes), verdict))
	return general, rows, failed


def main(argv: Sequence[str]) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--results', type=Path)
	parser.add_argument('--build-dir', type=Path, default=TOP / '.build/compile-fail')
	parser.add_argument('--cases-dir', type=Path, default=TOP / 'tests/compile-fail')
	parser.add_argument('--cases', action='store_true',
			    help='print the compile-fail cases of the classes and exit')
	parser.add_argument('--runs', choices=sorted(VM_MODULES),
			    help='print the runs of the trigger on a VM, in order, and exit')
	parser.add_argument('--modules', choices=sorted(VM_MODULES),
			    help='print the demo modules a VM loads, one a line, and exit')
	args = parser.parse_args(argv)
	if args.cases:
		print('\n'.join(row.rust_case for row in CLASSES if row.rust_case))
		return 0
	if args.runs:
		print('\n'.join(runs(args.runs)))
		return 0
	if args.modules:
		print('\n'.join(VM_MODULES[args.modules]))
		return 0
	if not args.results:
		parser.error('--results is required')

	general, rows, failed = judge(args.results, args.build_dir, args.cases_dir)
	for problem in general:
		print(f'FAIL: {problem}')
	print('| class | C code at fault | report seen (KASAN or KCSAN kernel) | Rust | verdict |')
	print('|---|---|---|---|---|')
	for row in rows:
		print('| ' + ' | '.join(cell(text) for text in row) + ' |')
	print(f'\n{len(rows) - failed} of {len(rows)} classes as expected'
	      + (f', {failed} FAILED' if failed else ''))
	return 1 if failed or general else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
