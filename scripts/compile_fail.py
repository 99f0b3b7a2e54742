#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the compile-fail tests: code rustc must refuse, proven refused.

A case is a folder tests/compile-fail/<case>/ holding a kernel-module crate,
<case>.rs (and whatever else it includes), with the refused part behind
#[cfg(rkm_compile_fail)] and, as rustc's own compiletest has them, a mark on
each line where rustc must report an error, naming its code:

    type Ptr = KBox<Session<'a>>; //~ ERROR E0477

    impl<'a> MdioBusOps for BorrowedRegs<'a> {
        //~^ ERROR E0478
        //~| ERROR E0803

"//~ ERROR <code>" expects the error on its own line, "//~^ ERROR <code>"
on the line above (one ^ per line up), and "//~| ERROR <code>" on the line
the mark before it expects one (a second error on that line; rustfmt moves
a comment after "{" into the block, and lines up one under a trailing
comment, hence the second form above). A mark is the line's comment (docs
that mention one are not marks), in any .rs file of the case. The first
mark names the error the cause itself produces, any others the errors
rustc derives from it. A case may bring its own Kbuild; otherwise it gets
"obj-m := <case>.o". Each case is built twice by
kbuild, exactly as the modules are (make -C KDIR M=<dir> LLVM=1 modules),
in copies under .build/compile-fail/<case>/ that sit next to a copy of
modules/common/, so a case includes the shared abstractions as the modules
do (#[path = "../common/<file>.rs"]):

  control  as is: must build, and without a single warning;
  unsound  with KRUSTFLAGS=--cfg=rkm_compile_fail: must fail, with
           every marked error reported on its marked line, and no other
           error: an error on a line no mark names with its code (the
           right code on another line included), one without a code or one
           outside the case's files fails the case. Warnings of this build
           do not count (a cfg'd-out use leaves an import unused).

The control build proves that the failure comes from the part the cfg
enables, not from a typo elsewhere. The result is KTAP on stdout, one test
per case, whose diagnostics are rustc's error line of the first mark and
where it points, or, for a failed case, what went wrong (each mark rustc
did not honour, each error no mark expects); the exit status is 0 when
every case passed.
Build logs stay in .build/compile-fail/<case>/{control,unsound}/build.log.

    scripts/compile-fail.sh KDIR [CASE...]    (sets up PATH, then runs this)
"""

import argparse
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from kernel_features import kernel_features, rustc_cfgs

TOP = Path(__file__).resolve().parent.parent

CFG = 'rkm_compile_fail'
VARIANTS = ('control', 'unsound')

# A mark: "//~ ERROR E0477", "//~^^ ERROR E0477" or "//~| ERROR E0477";
# any text after the code is a note for the reader.
MARK = re.compile(r'//~(?P<adjust>\^+|\|)?\s*ERROR\s+(?P<code>E\d{4})\b')
MARK_START = '//~'
# rustc's error lines: "error[E0477]: ..." or, without a code, "error: ...".
RUSTC_ERROR = re.compile(r'^error(?:\[(E\d{4})\])?: ')
# The closing summary of a failed rustc run, not an error of its own.
RUSTC_SUMMARY = re.compile(r'^error: aborting due to ')
# rustc's, make's or modpost's warnings ("warning: ...", "warning[E...]",
# "make[2]: warning: ...", "WARNING: modpost: ...").
WARNING = re.compile(r'\bwarning\b', re.IGNORECASE)
LOCATION = re.compile(r'^\s*--> ')
LOCATION_PATH = re.compile(r'^(\s*(?:-->|:::)\s*)(\S+?)(:\d+:\d+)\s*$')

# Variables of a calling make that must not reach the case builds: a
# jobserver the build cannot use makes make warn.
MAKE_ENV = ('MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES')

BUILD_TIMEOUT = 600


@dataclass
class Build:
	"""The outcome of one kbuild run of a case."""
	status: Optional[int]  # None: timed out
	output: str
	module_built: bool
	seconds: float = 0.0


@dataclass(frozen=True)
class Mark:
	"""An error rustc must report: its code, at a line of a file of the case."""
	file: str  # relative to the case's folder
	line: int
	code: str

	def site(self) -> str:
		return f'{self.file}:{self.line}'


class MarkError(ValueError):
	"""A "//~" comment that is not a mark this runner reads."""


def marks(source: str, file: str) -> List[Mark]:
	"""The marks of @source, the text of the case's file @file, in order.

	Raises MarkError for a "//~" that is not "//~ ERROR <code>" (with ^ or |),
	one pointing above the file's first line, or a "//~|" with no mark
	before it."""
	found: List[Mark] = []
	for number, text in enumerate(source.splitlines(), 1):
		# A mark is the line's comment: docs that speak of marks are not.
		start = text.find('//')
		if start < 0 or not text.startswith(MARK_START, start):
			continue
		match = MARK.match(text, start)
		where = f'{file}:{number}'
		if not match:
			raise MarkError(f'{where}: "{text[start:].strip()}" is not a mark '
					f'("//~ ERROR E0123", "//~^ ERROR E0123" or "//~| ERROR E0123")')
		adjust = match.group('adjust') or ''
		if adjust == '|':
			if not found:
				raise MarkError(f'{where}: "//~|" with no mark before it')
			line = found[-1].line
		else:
			line = number - len(adjust)
			if line < 1:
				raise MarkError(f'{where}: the mark points above the first line')
		found.append(Mark(file, line, match.group('code')))
	return found


def case_marks(case_dir: Path, main: str) -> List[Mark]:
	"""The marks of every .rs file of a case, those of @main (its <case>.rs)
	first. Raises MarkError as marks() does."""
	files = sorted(case_dir.rglob('*.rs'),
		       key=lambda p: (p.relative_to(case_dir).as_posix() != main, str(p)))
	found: List[Mark] = []
	for path in files:
		found += marks(path.read_text(), path.relative_to(case_dir).as_posix())
	return found


def expected_codes(source: str) -> Optional[List[str]]:
	"""The distinct error codes the marks of a case's source name, in order;
	None when it has none, or a malformed one."""
	try:
		found = marks(source, 'source')
	except MarkError:
		return None
	codes = list(dict.fromkeys(mark.code for mark in found))
	return codes or None


def error_site(location: Optional[str], root: Optional[Path] = None) -> Optional[Tuple[str, int]]:
	"""Where rustc's "--> path:line:col" @location points, as (file relative
	to the case's folder, line); None when it is outside the case's files (or
	there is no location). Relative paths are rustc's, from the build's
	folder @root (a copy of the case), or from the case's folder itself."""
	match = LOCATION_PATH.match(location or '')
	if not match:
		return None
	path, line = Path(match.group(2)), int(match.group(3).split(':')[1])
	if root is not None:
		try:
			relative = Path(os.path.normpath(root / path)).relative_to(root)
		except ValueError:
			return None
	else:
		relative = Path(os.path.normpath(path))
		if path.is_absolute() or relative.parts[:1] == ('..',):
			return None
	return relative.as_posix(), line


def rustc_errors(output: str) -> List[Tuple[Optional[str], str, Optional[str]]]:
	"""rustc's errors in a build's output: (code or None, the error line,
	the "-->" location line after it or None), in order."""
	lines = output.splitlines()
	errors = []
	for i, line in enumerate(lines):
		match = RUSTC_ERROR.match(line)
		if not match or RUSTC_SUMMARY.match(line):
			continue
		location = None
		for after in lines[i + 1:i + 4]:
			if LOCATION.match(after):
				location = after.strip()
				break
		errors.append((match.group(1), line.strip(), location))
	return errors


def warnings(output: str) -> List[str]:
	"""The lines of a build's output that report a warning."""
	return [line.strip() for line in output.splitlines() if WARNING.search(line)]


def first_error_line(output: str) -> str:
	"""rustc's first error line, else the last non-empty line of the output."""
	errors = rustc_errors(output)
	if errors:
		return errors[0][1]
	lines = [line.strip() for line in output.splitlines() if line.strip()]
	return lines[-1] if lines else '(no output)'


def judge(expected: Union[List[Mark], str], control: Build, unsound: Build,
	  logs: Dict[str, str], root: Optional[Path] = None) -> Tuple[bool, List[str]]:
	"""Whether a case passed, and the diagnostics to print before its result.

	@expected is the case's marks, or what is wrong with them (MarkError's
	message); @logs names each variant's build log, for the diagnostics of
	a failure; @root is the unsound build's folder, from which rustc's
	relative paths start (error_site()).
	"""
	if isinstance(expected, str):
		return False, [f'bad mark: {expected}']
	if not expected:
		return False, ['the case has no "//~ ERROR EXXXX" mark: no line where rustc must '
			       'refuse it']

	if control.status is None:
		return False, [f'control build timed out; log: {logs["control"]}']
	if control.status != 0:
		return False, [f'control build failed (exit status {control.status}), so the unsound '
			       f'build proves nothing: {first_error_line(control.output)}',
			       f'log: {logs["control"]}']
	warned = warnings(control.output)
	if warned:
		return False, [f'control build warned ({len(warned)} lines): {warned[0]}',
			       f'log: {logs["control"]}']
	if not control.module_built:
		return False, [f'control build made no module; log: {logs["control"]}']

	codes = sorted({mark.code for mark in expected})
	if unsound.status is None:
		return False, [f'unsound build timed out; log: {logs["unsound"]}']
	if unsound.status == 0:
		return False, [f'unsound build (--cfg {CFG}) succeeded: nothing refuses it any more '
			       f'(expected {", ".join(codes)})']
	errors = [(code, line, location, error_site(location, root))
		  for code, line, location in rustc_errors(unsound.output)]
	if not errors:
		return False, [f'unsound build failed (exit status {unsound.status}) without a rustc '
			       f'error: {first_error_line(unsound.output)}', f'log: {logs["unsound"]}']

	reported = {(code, site) for code, _, _, site in errors if code and site}
	wanted = {(mark.code, (mark.file, mark.line)) for mark in expected}
	diagnostics = []
	for mark in expected:
		if (mark.code, (mark.file, mark.line)) in reported:
			continue
		elsewhere = sorted(f'{file}:{line}' for code, (file, line) in reported
				   if code == mark.code)
		diagnostics.append(f'expected {mark.code} at {mark.site()} (its mark); rustc reported '
				   + (f'it at {", ".join(elsewhere)}' if elsewhere else 'no such error'))
	for code, line, location, site in errors:
		if code and site and (code, site) in wanted:
			continue
		why = ('without a code' if not code else
		       'outside the case\'s files' if not site else
		       f'at {site[0]}:{site[1]}, where no mark expects {code}')
		diagnostics += [f'unexpected error {why}:', line] + ([location] if location else [])
	if diagnostics:
		return False, diagnostics + [f'log: {logs["unsound"]}']

	first = expected[0]
	_, line, location, _ = next(error for error in errors
				    if (error[0], error[3]) == (first.code, (first.file, first.line)))
	count = f'{len(errors)} error{"s" if len(errors) > 1 else ""}'
	files = {mark.file for mark in expected}
	sites = ', '.join(f'{mark.code} {mark.line if len(files) == 1 else mark.site()}'
			  for mark in expected)
	of = f' of {first.file}' if len(files) == 1 else ''
	return True, [line] + ([location] if location else []) + \
		[f'rustc: {count}, each on its marked line{of} ({sites}); builds: '
		 f'control {control.seconds:.1f} s, unsound {unsound.seconds:.1f} s']


def shown(path: Path) -> str:
	"""@path relative to the checkout when inside it."""
	try:
		return str(path.relative_to(TOP))
	except ValueError:
		return str(path)


def source_location(line: str, copy: Path, case_dir: Path, common_dir: Path) -> str:
	"""@line, when it is rustc's "--> path:line:col" in the build copy @copy
	of a case (paths relative to the variant's folder, or absolute), pointing
	at the source that was copied there instead."""
	match = LOCATION_PATH.match(line)
	if not match:
		return line
	# Both variants' folders are siblings: a relative path resolves alike.
	path = Path(os.path.normpath(copy / VARIANTS[0] / match.group(2)))
	copied = [(copy / variant, case_dir) for variant in VARIANTS] + [(copy / 'common', common_dir)]
	for folder, source in copied:
		try:
			path = source / path.relative_to(folder)
			break
		except ValueError:
			continue
	return f'{match.group(1)}{shown(path)}{match.group(3)}'


def cases(cases_dir: Path, wanted: Sequence[str]) -> List[str]:
	"""The cases to run: every folder of @cases_dir holding <folder>.rs, or
	@wanted (each of which must be one)."""
	found = sorted(p.name for p in cases_dir.iterdir()
		       if p.is_dir() and (p / f'{p.name}.rs').is_file()) if cases_dir.is_dir() else []
	for name in wanted:
		if name not in found:
			raise SystemExit(f'error: no compile-fail case {name} '
					 f'(no {cases_dir / name / (name + ".rs")})')
	return list(wanted) if wanted else found


def prepare(case: str, cases_dir: Path, common_dir: Path, build_dir: Path) -> None:
	"""Fresh copies of a case, one per variant, next to a copy of @common_dir."""
	copy = build_dir / case
	shutil.rmtree(copy, ignore_errors=True)
	copy.mkdir(parents=True)
	shutil.copytree(common_dir, copy / 'common')
	for variant in VARIANTS:
		shutil.copytree(cases_dir / case, copy / variant)
		kbuild = copy / variant / 'Kbuild'
		if not kbuild.exists() and not (copy / variant / 'Makefile').exists():
			kbuild.write_text(f'# SPDX-License-Identifier: GPL-2.0\n\nobj-m := {case}.o\n')


def build(kdir: Path, case: str, directory: Path, variant: str, features: Sequence[str] = (),
	  timeout: float = BUILD_TIMEOUT) -> Build:
	"""Builds one variant of a case with kbuild; its output goes to build.log."""
	flags = rustc_cfgs([*features, CFG] if variant == 'unsound' else list(features))
	env = {k: v for k, v in os.environ.items() if k not in MAKE_ENV}
	command = ['make', '-C', str(kdir), f'M={directory}', 'LLVM=1', f'KRUSTFLAGS={flags}',
		   'modules']
	start = time.monotonic()
	try:
		# In a session of its own, so that a timeout stops rustc too.
		make = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
					stdin=subprocess.DEVNULL, text=True, errors='replace', env=env,
					start_new_session=True)
	except OSError as error:
		status, output = 127, f'{command[0]}: {error}'
	else:
		try:
			output, _ = make.communicate(timeout=timeout)
			status = make.returncode
		except subprocess.TimeoutExpired:
			os.killpg(make.pid, signal.SIGKILL)
			output, _ = make.communicate()
			status = None
	seconds = time.monotonic() - start
	(directory / 'build.log').write_text(f'$ {" ".join(command)}\n{output}')
	return Build(status, output, (directory / f'{case}.ko').exists(), seconds)


def main(argv: Sequence[str]) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('kdir', type=Path, help='the kernel tree the modules are built against')
	parser.add_argument('cases', nargs='*', help='cases to run (default: all)')
	parser.add_argument('--cases-dir', type=Path, default=TOP / 'tests/compile-fail')
	parser.add_argument('--common-dir', type=Path, default=TOP / 'modules/common')
	parser.add_argument('--build-dir', type=Path, default=TOP / '.build/compile-fail')
	parser.add_argument('--jobs', '-j', type=int, default=os.cpu_count() or 1,
			    help='builds run at once (default: one per CPU)')
	parser.add_argument('--features', help='the tree\'s kernel features, space-separated '
			    '(default: scripts/probes.sh probes the tree)')
	parser.add_argument('--timeout', type=float, default=BUILD_TIMEOUT,
			    help=f'seconds a build may take (default: {BUILD_TIMEOUT})')
	args = parser.parse_intermixed_args(argv)

	kdir = args.kdir.resolve()
	if not (kdir / 'Makefile').is_file():
		print(f'error: {args.kdir} is not a kernel tree (no Makefile)', file=sys.stderr)
		return 2
	names = cases(args.cases_dir, args.cases)
	build_dir = args.build_dir.resolve()
	build_dir.mkdir(parents=True, exist_ok=True)

	# One run at a time per build folder (two would delete each other's copies).
	lock = open(build_dir / '.lock', 'w')
	try:
		fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
	except BlockingIOError:
		print(f'==> another compile-fail run uses {build_dir}; waiting for it', file=sys.stderr)
		fcntl.flock(lock, fcntl.LOCK_EX)

	if args.features is not None:
		features = args.features.split()
	else:
		try:
			features = kernel_features(kdir)
		except subprocess.CalledProcessError:
			return 2
	start = time.monotonic()
	for name in names:
		prepare(name, args.cases_dir, args.common_dir, build_dir)

	print('KTAP version 1')
	print(f'1..{len(names)}')
	sys.stdout.flush()
	failed = 0
	with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
		futures = {(name, variant): pool.submit(build, kdir, name, build_dir / name / variant,
							variant, features, args.timeout)
			   for name in names for variant in VARIANTS}
		for number, name in enumerate(names, 1):
			results = {variant: futures[(name, variant)].result() for variant in VARIANTS}
			try:
				expected: Union[List[Mark], str] = case_marks(args.cases_dir / name,
									      f'{name}.rs')
			except MarkError as error:
				expected = str(error)
			logs = {variant: shown(build_dir / name / variant / 'build.log')
				for variant in VARIANTS}
			ok, diagnostics = judge(expected, results['control'], results['unsound'], logs,
						build_dir / name / 'unsound')
			for line in diagnostics:
				line = source_location(line, build_dir / name, args.cases_dir / name,
						       args.common_dir)
				print(f'# {line}')
			print(f'{"ok" if ok else "not ok"} {number} {name}')
			sys.stdout.flush()
			failed += not ok
	plural = 's' if len(names) != 1 else ''
	print(f'# {len(names)} case{plural}, {2 * len(names)} builds in '
	      f'{time.monotonic() - start:.1f} s ({max(1, args.jobs)} at once)')
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
