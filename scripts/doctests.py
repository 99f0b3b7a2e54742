#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compiles the examples of modules/common/ (the Rust code blocks of their
docs) against the target tree's kernel crate, so that an example that no
longer builds fails make LLVM=1 rustdoc and make lint.

rustdoc's own doctests cannot do this: they link the documented crate as an
extern crate and see only its public items, but a module is an object file,
not a library, and the files of modules/common/ are private modules of each
crate that includes them (#[path = "../common/<file>.rs"] mod <file>;). So
this script does what rustdoc does, the way a module would: each example,
with its hidden "# " lines, becomes the body of a function of a generated
module crate that includes the same modules/common/ files as a module of
the collection does, and scripts/rustdoc.sh compiles that crate with the
very command (compiler, flags, kernel features) kbuild compiled the module
with. As in rustdoc, an example whose last line ends in "(())" (say
"Ok::<(), Error>(())") returns a Result, so "?" works in it. Examples are
driver code: an example function denies unsafe_code, and rustc's and
clippy's warnings are errors in it (-Dwarnings), but for dead_code (an
example is never called).

A code block is compiled when its info string is empty or names Rust
("rust", "no_run"). "ignore", "compile_fail", "should_panic" and
"test_harness" are refused: an example must compile (compile-fail cases live
in tests/compile-fail/). Blocks in another language ("text", "c") are left
alone. Each file is checked once, in the crate of the first module given
that includes it, and must have an example. A module's own files, which no
generated crate includes, must have none.

	scripts/doctests.py generate OUT MODULE...
		writes OUT/<module>_doctests.rs (and its line map) for each module
		that has examples to check, and prints those modules
	scripts/doctests.py compile CRATE -- COMMAND...
		runs COMMAND (the compiler, given CRATE), with the lines of its
		diagnostics mapped back to the examples' files
"""

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

TOP = Path(__file__).resolve().parent.parent

# A doc comment line: its prefix ("    /// ", "//! ") and its text.
DOC_LINE = re.compile(r'^(?P<prefix>\s*//[/!] ?)(?P<text>.*)$')
FENCE = re.compile(r'^(?P<fence>```+)\s*(?P<info>.*)$')
RUST_TOKENS = {'', 'rust', 'no_run'}
REFUSED_TOKENS = {'ignore', 'compile_fail', 'should_panic', 'test_harness'}
# The "#[path = "../common/<file>.rs"]" inclusion of a file of
# modules/common/, with the attributes around it, and the module it names.
COMMON_MOD = re.compile(r'^((?:[ \t]*#\[.*\]\n)+)[ \t]*mod (\w+);', re.MULTILINE)
COMMON_PATH = re.compile(r'#\[path = "\.\./common/(\w+\.rs)"\]')
# rustc's pointer to a place in a file: "--> path:line:column".
LOCATION = re.compile(r'(?P<arrow>-->\s+)(?P<path>\S+\.rs):(?P<line>\d+):(?P<column>\d+)')
# A line rustc quotes: " 98 |     code".
GUTTER = re.compile(r'^(?P<indent>\s*)(?P<line>\d+)(?P<rest> \|.*)$', re.DOTALL)


class ExampleError(Exception):
	"""An example this script refuses: its file and line, and why."""


@dataclass
class Example:
	"""A Rust code block of a file's docs."""
	path: Path
	line: int
	# Each line of code with its line number in the file and the column
	# (0-based) its code starts at.
	lines: List[Tuple[str, int, int]]


def examples(path: Path) -> List[Example]:
	"""The Rust code blocks of the doc comments of path."""
	found = []
	block = None
	for number, line in enumerate(path.read_text().splitlines(), 1):
		doc = DOC_LINE.match(line)
		if block is None:
			fence = FENCE.match(doc.group('text')) if doc else None
			if not fence:
				continue
			tokens = {token.strip() for token in fence.group('info').split(',')}
			refused = tokens & REFUSED_TOKENS
			if refused:
				raise ExampleError(
					f'{path.relative_to(TOP)}:{number}: a ```{sorted(refused)[0]} example: '
					'examples must compile (a case rustc must refuse goes in tests/compile-fail/)')
			rust = tokens <= RUST_TOKENS or 'rust' in tokens
			block = (fence.group('fence'), rust, Example(path, number, []))
			continue
		fence, rust, example = block
		if not doc:
			raise ExampleError(
				f'{path.relative_to(TOP)}:{example.line}: the code block has no closing fence '
				'in its comment')
		text = doc.group('text')
		if text.strip() == fence:
			if rust:
				found.append(example)
			block = None
			continue
		column = len(doc.group('prefix'))
		# rustdoc's hidden lines: "# code" is compiled but not shown, "##" is a shown "#".
		stripped = text.lstrip()
		indent = len(text) - len(stripped)
		if stripped == '#' or stripped.startswith('# '):
			text = stripped[2:]
			column += indent + 2
		elif stripped.startswith('##'):
			text = text[:indent] + stripped[1:]
			column += 1
		example.lines.append((text, number, column))
	return found


def includes(module: str) -> List[Tuple[str, str, str]]:
	"""The files of modules/common/ the crate of module includes: each with
	the attributes and the name of its mod item."""
	root = TOP / 'modules' / module / f'{module}.rs'
	found = []
	for item in COMMON_MOD.finditer(root.read_text()):
		attributes, name = item.group(1), item.group(2)
		path = COMMON_PATH.search(attributes)
		if path:
			found.append((path.group(1), COMMON_PATH.sub('', attributes).strip(), name))
	return found


def generate(out: Path, modules: Sequence[str]) -> List[str]:
	"""Writes the crate of each module that has examples of its own to check."""
	checked = set()
	generated = []
	out.mkdir(parents=True, exist_ok=True)
	for module in modules:
		for path in sorted((TOP / 'modules' / module).glob('*.rs')):
			found = examples(path)
			if found:
				raise ExampleError(
					f'{path.relative_to(TOP)}:{found[0].line}: an example in a module\'s own '
					'file: only those of modules/common/ are compiled (mark it ```text)')
		included = includes(module)
		mine = [(file, examples(TOP / 'modules/common' / file))
			for file, _, _ in included if file not in checked]
		for file, found in mine:
			if not found:
				raise ExampleError(
					f'modules/common/{file}: no example: each abstraction has an # Examples '
					'section')
		checked.update(file for file, _ in mine)
		if not any(found for _, found in mine):
			continue
		crate = out / f'{module}_doctests.rs'
		lines = [
			'// SPDX-License-Identifier: GPL-2.0',
			'',
			f'//! The examples of modules/common/ that {module} includes, each the body of a',
			'//! function (generated by scripts/doctests.py: do not edit).',
			'',
			'use kernel::prelude::*;',
			'',
			'module! {',
			'    type: Doctests,',
			f'    name: "{module}_doctests",',
			'    authors: ["Rust kernel module collection contributors"],',
			'    description: "The examples of modules/common/, compiled",',
			'    license: "GPL",',
			'}',
			'',
			'struct Doctests;',
			'',
			'impl kernel::Module for Doctests {',
			'    fn init(_module: &\'static ThisModule) -> Result<Self> {',
			'        Ok(Self)',
			'    }',
			'}',
			'',
		]
		for file, attributes, name in included:
			if attributes:
				lines.append(attributes)
			lines += [
				f'#[path = "{TOP}/modules/common/{file}"]',
				'#[allow(unused, reason = "the examples use some parts")]',
				f'mod {name};',
			]
		# The place in an example's file of each line of the crate.
		places: Dict[int, Tuple[str, int, int]] = {}
		for file, found in mine:
			for example in found:
				code = [text for text, _, _ in example.lines]
				last = next((text.strip() for text in reversed(code) if text.strip()), '')
				returns = ' -> core::result::Result<(), impl core::fmt::Debug>' \
					if last.endswith('(())') else ''
				symbol = re.sub(r'\W', '_', f'{file}_{example.line}')
				# A module of its own, so that the example sees only what it imports.
				lines += [
					'',
					f'// modules/common/{file}:{example.line}',
					'#[deny(unsafe_code)]',
					'#[allow(dead_code, reason = "an example is compiled, not called")]',
					f'mod example_{symbol} {{',
					f'    fn example(){returns} {{',
				]
				for text, number, column in example.lines:
					lines.append(f'        {text}' if text else '')
					places[len(lines)] = (f'modules/common/{file}', number, column - 8)
				lines += ['    }', '}']
		crate.write_text('\n'.join(lines) + '\n')
		crate.with_suffix('.json').write_text(json.dumps(
			{str(line): place for line, place in places.items()}))
		generated.append(module)
	return generated


def compile_crate(crate: Path, command: Sequence[str]) -> int:
	"""Runs command, pointing its diagnostics at the examples' own lines."""
	places = json.loads(crate.with_suffix('.json').read_text())

	def to_example(location):
		place = places.get(location.group('line'))
		if not location.group('path').endswith(crate.name) or place is None:
			return location.group(0)
		path, line, shift = place
		column = int(location.group('column')) + shift
		return f'{location.group("arrow")}{path}:{line}:{column}'

	def to_example_gutter(gutter):
		place = places.get(gutter.group('line'))
		if place is None:
			return gutter.group(0)
		width = len(gutter.group('line'))
		return f'{gutter.group("indent")}{place[1]:>{width}}{gutter.group("rest")}'

	result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
	# The numbers of the lines rustc quotes after pointing at the crate.
	in_crate = False
	for line in result.stdout.splitlines(keepends=True):
		location = LOCATION.search(line)
		if location:
			in_crate = location.group('path').endswith(crate.name)
			line = LOCATION.sub(to_example, line)
		elif in_crate:
			line = GUTTER.sub(to_example_gutter, line)
		sys.stderr.write(line)
	return result.returncode


def main(argv: Sequence[str]) -> int:
	if len(argv) >= 2 and argv[0] == 'generate':
		try:
			for module in generate(Path(argv[1]), argv[2:]):
				print(module)
		except ExampleError as error:
			print(error, file=sys.stderr)
			return 1
		return 0
	if len(argv) >= 4 and argv[0] == 'compile' and argv[2] == '--':
		return compile_crate(Path(argv[1]), argv[3:])
	print('usage: doctests.py generate OUT MODULE... | compile CRATE -- COMMAND...', file=sys.stderr)
	return 2


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
