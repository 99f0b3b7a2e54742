#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the compile-fail tests: code rustc must refuse, proven refused.

A case is a folder tests/compile-fail/<case>/ holding a kernel-module crate,
<case>.rs (and whatever else it includes), with a line

    // expect: E0478 E0803

naming the error codes rustc must refuse it with (the first is the one the
cause itself produces, any others the errors rustc derives from it), and
the refused part behind #[cfg(rkm_compile_fail)]. A case may bring its own
Kbuild; otherwise it gets "obj-m := <case>.o". Each case is built twice by
kbuild, exactly as the modules are (make -C KDIR M=<dir> LLVM=1 modules),
in copies under .build/compile-fail/<case>/ that sit next to a copy of
modules/common/, so a case includes the shared abstractions as the modules
do (#[path = "../common/<file>.rs"]):

  control  as is: must build, and without a single warning;
  unsound  with KRUSTFLAGS=--cfg=rkm_compile_fail: must fail, and the
           error codes rustc reports must be exactly the expected ones
           (an error without a code, or another code, fails the case).

The control build proves that the failure comes from the part the cfg
enables, not from a typo elsewhere. The result is KTAP on stdout, one test
per case, whose diagnostics are rustc's error line of the first expected
code and where it points, or, for a failed case, what went wrong (with
rustc's first error line); the exit status is 0 when every case passed.
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
from typing import Dict, List, Optional, Sequence, Tuple

from kernel_features import kernel_features, rustc_cfgs

TOP = Path(__file__).resolve().parent.parent

CFG = 'rkm_compile_fail'
VARIANTS = ('control', 'unsound')

EXPECT = re.compile(r'^\s*//\s*expect:((?:[\s,]+E\d{4})+)\s*$', re.MULTILINE)
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


def expected_codes(source: str) -> Optional[List[str]]:
	"""The error codes a case's main source names in its "// expect:" line,
	in order; None unless there is exactly one such line."""
	found = EXPECT.findall(source)
	if len(found) != 1:
		return None
	codes = re.findall(r'E\d{4}', found[0])
	return codes if len(set(codes)) == len(codes) else None


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


def judge(expected: Optional[List[str]], control: Build, unsound: Build,
	  logs: Dict[str, str]) -> Tuple[bool, List[str]]:
	"""Whether a case passed, and the diagnostics to print before its result.

	@logs names each variant's build log, for the diagnostics of a failure.
	"""
	if expected is None:
		return False, ['the case source has no single "// expect: EXXXX ..." line '
			       '(distinct codes)']

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

	if unsound.status is None:
		return False, [f'unsound build timed out; log: {logs["unsound"]}']
	if unsound.status == 0:
		return False, [f'unsound build (--cfg {CFG}) succeeded: nothing refuses it any more '
			       f'(expected {", ".join(expected)})']
	errors = rustc_errors(unsound.output)
	if not errors:
		return False, [f'unsound build failed (exit status {unsound.status}) without a rustc '
			       f'error: {first_error_line(unsound.output)}', f'log: {logs["unsound"]}']
	codes = sorted({code or 'no code' for code, _, _ in errors})
	if codes != sorted(expected):
		_, line, location = errors[0]
		return False, [f'expected {", ".join(expected)}; rustc reported {", ".join(codes)}; '
			       f'first error:', line] + ([location] if location else []) + \
			[f'log: {logs["unsound"]}']
	_, line, location = next(error for error in errors if error[0] == expected[0])
	count = f'{len(errors)} error{"s" if len(errors) > 1 else ""}'
	return True, [line] + ([location] if location else []) + \
		[f'rustc: {count}, {" ".join(expected)}; builds: control {control.seconds:.1f} s, '
		 f'unsound {unsound.seconds:.1f} s']


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
			source = (args.cases_dir / name / f'{name}.rs').read_text()
			logs = {variant: shown(build_dir / name / variant / 'build.log')
				for variant in VARIANTS}
			ok, diagnostics = judge(expected_codes(source), results['control'],
						results['unsound'], logs)
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
