#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What each `unsafe` block of a Rust module does that needs it, as rustc
itself says: the module is built once more, in a scratch copy whose
`unsafe { ... }` blocks have lost their `unsafe`, and every E0133 error
("call to unsafe function ... requires unsafe block", "dereference of raw
pointer is unsafe", ...) is an unsafe operation, put down to the block it
was in. `unsafe impl` (the fifth capability, an unsafe trait implemented) is
counted from the source.

	unsafe_ops.py KDIR MODULE

prints, per file of the module and of the modules/common/ files it
includes, its unsafe blocks and the operations in them by capability.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare import MODULES, TOP, rust_files, strip_rust  # noqa: E402
from kernel_features import kernel_features, rustc_cfgs  # noqa: E402

# The unsafe capabilities (the Rust reference's "unsafety" list, as rustc's
# E0133 messages name them), in the order tables show them.
CAPABILITIES = {
	'unsafe fn call': re.compile(r'call to unsafe function|call to function with'),
	'raw pointer deref': re.compile(r'dereference of raw pointer'),
	'mutable or extern static': re.compile(r'use of mutable static|use of extern static'),
	'union field': re.compile(r'access to union field'),
	'other': re.compile(r'.'),
}
UNSAFE_BLOCK = re.compile(r'\bunsafe(\s*)\{')
ERROR = re.compile(r'^error\[E0133\]: (?P<message>.*)$')
LOCATION = re.compile(r'^\s*--> (?P<path>[^:]+):(?P<line>\d+):\d+')


def blocks(text: str) -> List[Tuple[int, int]]:
	"""(first line, last line) of every `unsafe { ... }` block of @text."""
	code = strip_rust(text)
	found = []
	for m in UNSAFE_BLOCK.finditer(code):
		depth, i = 0, m.end() - 1
		while i < len(code):
			depth += {'{': 1, '}': -1}.get(code[i], 0)
			i += 1
			if depth == 0:
				break
		found.append((code.count('\n', 0, m.start()) + 1, code.count('\n', 0, i) + 1))
	return found


def without_unsafe_blocks(text: str) -> str:
	"""@text with `unsafe {` turned into `{` (same lines), in code only."""
	code = strip_rust(text)
	out, last = [], 0
	for m in UNSAFE_BLOCK.finditer(code):
		out.append(text[last:m.start()])
		out.append(' ' * len('unsafe') + m.group(1) + '{')
		last = m.end()
	out.append(text[last:])
	return ''.join(out)


def capability(message: str) -> str:
	return next(name for name, pattern in CAPABILITIES.items() if pattern.search(message))


def operations(kdir: Path, module: str) -> Dict[Path, Dict[str, object]]:
	"""{file: {'blocks': n, 'impls': n, 'ops': Counter(capability),
	'unplaced': n}} for @module's own files and its modules/common/ ones."""
	own, common = rust_files(module)
	files = own + common
	with tempfile.TemporaryDirectory() as scratch:
		root = Path(scratch)
		copy = root / 'modules' / module
		shutil.copytree(MODULES / module, copy,
				ignore=shutil.ignore_patterns('*.o', '*.ko', '*.mod*', '.*.cmd', '*.rmeta'))
		shutil.copytree(MODULES / 'common', root / 'modules' / 'common')
		copies = {}
		for path in files:
			target = root / path.relative_to(TOP)
			target.write_text(without_unsafe_blocks(path.read_text()))
			copies[target.resolve()] = path
		build = subprocess.run(['make', '-C', str(kdir), f'M={copy}', 'LLVM=1',
					f'KRUSTFLAGS={rustc_cfgs(kernel_features(kdir))}', 'modules'],
				       capture_output=True, text=True)
		log = build.stdout + build.stderr
	result: Dict[Path, Dict[str, object]] = {}
	for path in files:
		text = path.read_text()
		result[path] = {'blocks': blocks(text), 'impls': len(re.findall(r'\bunsafe\s+impl\b',
									  strip_rust(text))),
				'ops': Counter(), 'unplaced': 0}
	message = None
	for line in log.splitlines():
		m = ERROR.match(line)
		if m:
			message = m.group('message')
			continue
		m = LOCATION.match(line)
		if message and m:
			# kbuild runs rustc in the module's folder: paths are relative to it.
			original = copies.get((copy / m.group('path')).resolve())
			if original:
				entry = result[original]
				number = int(m.group('line'))
				if any(first <= number <= last for first, last in entry['blocks']):
					entry['ops'][capability(message)] += 1
				else:
					entry['unplaced'] += 1
			message = None
	return result


def main() -> int:
	if len(sys.argv) != 3:
		print(__doc__, file=sys.stderr)
		return 2
	for path, entry in operations(Path(sys.argv[1]), sys.argv[2]).items():
		ops = ', '.join(f'{name} {count}' for name, count in entry['ops'].items())
		print(f'{path.relative_to(TOP)}: {len(entry["blocks"])} blocks, {entry["impls"]} '
		      f'unsafe impl; {ops or "no unsafe operation"}'
		      + (f'; {entry["unplaced"]} outside a block' if entry['unplaced'] else ''))
	return 0


if __name__ == '__main__':
	sys.exit(main())
