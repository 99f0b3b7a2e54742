#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What each byte of a Rust module's code pays for: the functions of its
.ko (nm, demangled), each attributed to where its code comes from.

	size_attribution.py KO CRATE [--common DIR]

CRATE is the module's crate name (its folder's); DIR (default
modules/common/) holds the shared files it includes by #[path], which are
modules of the crate named after the file. The origins:

  driver             the crate's own code (CRATE::...)
  modules/common     the shared abstractions (CRATE::<a file of DIR>::...)
  kernel crates      the kernel crate's (and pin_init's) generic code,
                     instantiated in the module for its types
  core/alloc         core and alloc, instantiated likewise (formatting,
                     panics, slice and overflow checks, iterators...)
  compiler           code rustc writes itself: drop glue
  C ABI              symbols with no Rust path: init_module, cleanup_module
  KUnit suites       any function of a KUnit suite (a path with "kunit")

A function's origin is that of the type whose method it is (for
`<T as Trait>::f` and `<T>::f`: T's), else of its own path. Bytes of
executable sections that no function symbol covers (alignment) are
"padding"."""

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

TOP = Path(__file__).resolve().parents[1]

ORIGINS = ('driver', 'modules/common', 'kernel crates', 'core/alloc', 'compiler', 'C ABI',
	   'KUnit suites', 'padding')
KERNEL_CRATES = {'kernel', 'pin_init', 'macros', 'ffi', 'bindings'}
STD_CRATES = {'core', 'alloc', 'compiler_builtins'}
EXECUTABLE_SECTIONS = ('.text', '.init.text', '.exit.text')
NM_LINE = re.compile(r'^[0-9a-f]+ ([0-9a-f]+) [tTwW] (.+)$')


def subject(name: str) -> str:
	"""The path a function's code belongs to: T for `<T as Trait>::f` and
	`<T>::f`, the name itself otherwise (leading references and pointers
	dropped). For a type without a path (a primitive, a slice, a tuple):
	Trait's path, whose crate wrote the impl, and core's for an inherent
	method."""
	if not name.startswith('<'):
		return name
	depth = 0
	inner, trait = name[1:], ''
	for i, char in enumerate(name):
		if char == '<':
			depth += 1
		elif char == '>':
			depth -= 1
			if depth == 0:
				inner = name[1:i]
				break
		elif depth == 1 and name.startswith(' as ', i):
			inner = name[1:i]
			trait = re.match(r'[\w:]*', name[i + len(' as '):]).group(0)
			break
	inner = re.sub(r'^(?:&(?:mut )?|\*(?:const|mut) |dyn )+', '', inner)
	if '::' in inner.split('<')[0]:
		return inner
	return trait or f'core::{inner}'


def origin(name: str, crate: str, common: Set[str]) -> str:
	"""Where the function named @name (demangled) in @crate's module comes
	from (one of ORIGINS)."""
	if 'kunit' in name:
		return 'KUnit suites'
	if name.startswith('core::ptr::drop_in_place'):
		return 'compiler'
	path = subject(name).split('::')
	if len(path) == 1:
		return 'C ABI'
	if path[0] == crate:
		return 'modules/common' if path[1].split('<')[0] in common else 'driver'
	if path[0] in KERNEL_CRATES:
		return 'kernel crates'
	if path[0] in STD_CRATES:
		return 'core/alloc'
	return 'compiler'


def functions(ko: Path) -> List[tuple]:
	"""(demangled name, size) of every function symbol of @ko."""
	out = subprocess.run(['nm', '--defined-only', '-S', '-C', str(ko)], check=True,
			     capture_output=True, text=True).stdout
	found = []
	for line in out.splitlines():
		match = NM_LINE.match(line)
		if match:
			found.append((match.group(2), int(match.group(1), 16)))
	return found


def executable_bytes(ko: Path) -> int:
	"""The size of @ko's executable sections (size -A)."""
	out = subprocess.run(['size', '-A', str(ko)], check=True, capture_output=True,
			     text=True).stdout
	total = 0
	for line in out.splitlines():
		fields = line.split()
		if len(fields) >= 2 and fields[0] in EXECUTABLE_SECTIONS:
			total += int(fields[1])
	return total


def attribute(ko: Path, crate: str, common_dir: Path = TOP / 'modules' / 'common') -> Dict[str, int]:
	"""Bytes of @ko's executable code by origin, ORIGINS' order; they add up
	to the executable sections' size."""
	common = {path.stem for path in common_dir.glob('*.rs')}
	bytes_by = dict.fromkeys(ORIGINS, 0)
	for name, size in functions(ko):
		bytes_by[origin(name, crate, common)] += size
	bytes_by['padding'] = max(executable_bytes(ko) - sum(bytes_by.values()), 0)
	return bytes_by


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('ko', type=Path)
	parser.add_argument('crate')
	parser.add_argument('--common', type=Path, default=TOP / 'modules' / 'common')
	args = parser.parse_args()
	if not args.ko.is_file():
		print(f'size_attribution.py: {args.ko} does not exist: build the module first',
		      file=sys.stderr)
		return 1
	bytes_by = attribute(args.ko, args.crate, args.common)
	total = sum(bytes_by.values())
	print(f'{"origin":<16} {"bytes":>8} {"share":>6}')
	for name, size in bytes_by.items():
		print(f'{name:<16} {size:>8} {size * 100 / max(total, 1):>5.1f}%')
	print(f'{"code in all":<16} {total:>8}')
	return 0


if __name__ == '__main__':
	sys.exit(main())
