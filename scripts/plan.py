#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The run plan of make check: what the guest runs and what the judge checks
the run against, written by scripts/check.sh into RESULTS/plan before the
boot, so that the decision is taken once, here, from the tree.

	plan.py --tree TREE --checkout TOP [--flavour NAME] MODULE...

One fact a line, words separated by one space (an env line's value may hold
spaces); '#' starts a comment line. Modules and programs keep the order of
the lines.

	flavour NAME                  the kernel flavour (debug adds fault injection)
	collection MODULE             every module of the tree (unloaded between lifecycle cases)
	module MODULE KO              a module tested, and its .ko
	env MODULE KEY=VALUE          its programs' and cases' environment (a twin's twin.env)
	twin MODULE OTHER             MODULE twins OTHER: both drive the same devices
	suite MODULE SUITE            a KUnit suite its load must report
	program MODULE NAME PATH      a test program run with it loaded, recorded as NAME
	injection MODULE NAME PATH    debug: a fault injection program, run with it loaded
	load-cycles MODULE NAME PATH  debug: the load tool, given the .ko after the unload
	lifecycle MODULE CASE PATH    a lifecycle case, run with no module loaded

A twin (tests/<twin>/twin.env names TWIN_OF) runs the programs and cases of
the module it twins, under its own name, with its twin.env's other lines as
their environment. Paths are absolute: the guest sees the host's file system
at the same paths.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List

KUNIT_SUITE_DECLARATION = re.compile(r'#\[(?:[\w:]+::)?kunit_tests\((\w+)\)\]')

# A module's source naming a file outside its folder (modules/common/), whose
# suites are the module's too: #[path = "../common/sysfs.rs"].
PATH_ATTRIBUTE = re.compile(r'#\[path\s*=\s*"([^"]+)"\]')


def declared_suites(module_dir: Path) -> List[str]:
	"""The KUnit suites a module's sources declare with #[kunit_tests],
	including those of the files outside its folder it includes by #[path]."""
	suites = set()
	sources = list(module_dir.rglob('*.rs'))
	included = set()
	for source in sources:
		for target in PATH_ATTRIBUTE.findall(source.read_text()):
			path = (source.parent / target).resolve()
			if path.is_file() and module_dir.resolve() not in path.parents:
				included.add(path)
	for source in sources + sorted(included):
		suites.update(KUNIT_SUITE_DECLARATION.findall(source.read_text()))
	return sorted(suites)


def twin_env(tests_dir: Path, module: str) -> Dict[str, str]:
	"""The KEY=VALUE lines of tests/<module>/twin.env ('#' starts a
	comment), read as scripts/collection.sh's twin_of reads them; empty for
	a module that is no twin."""
	twin = tests_dir / module / 'twin.env'
	if not twin.exists():
		return {}
	lines = [line for line in twin.read_text().splitlines() if line and not line.startswith('#')]
	return dict(line.split('=', 1) for line in lines if '=' in line)


def programs_of(tests_dir: Path, module: str) -> str:
	"""The module whose test programs @module runs: itself, or the one its
	twin.env names (TWIN_OF=)."""
	return twin_env(tests_dir, module).get('TWIN_OF', module)

def collection(tree: Path) -> List[str]:
	"""Every module of the tree: the folders of modules/ with a Kbuild file."""
	return sorted(kbuild.parent.name for kbuild in (tree / 'modules').glob('*/Kbuild'))


# The kinds of line that name a program of the module phase (the judge
# expects each under its NAME).
PROGRAM_KINDS = ('program', 'injection', 'load-cycles')


def compiled(folder: Path) -> List[str]:
	"""The programs of @folder as scripts/build-tests.sh builds them, in the
	order of their names: <name>.c, or a folder <name>/ with a main.c."""
	return sorted([c.stem for c in folder.glob('*.c')] +
		      [main.parent.name for main in folder.glob('*/main.c')])


def programs(tree: Path, module: str) -> List[List[str]]:
	"""[NAME, PATH] of the test programs of @module's tests/ folder: each
	program of tests/<m>/, built into .build/tests/<m>/<name>, and each
	tests/<m>/<name>.sh as it is."""
	tests = tree / 'tests' / module
	built = tree / '.build' / 'tests' / module
	return ([[name, str(built / name)] for name in compiled(tests)] +
		[[sh.name, str(sh)] for sh in sorted(tests.glob('*.sh'))])


def injections(tree: Path, module: str) -> List[List[str]]:
	"""[NAME, PATH] of @module's fault injection programs, those of
	tests/<m>/debug/, built into .build/debug/<m>/<name>, recorded as
	debug-<name>."""
	built = tree / '.build' / 'debug' / module
	return [[f'debug-{name}', str(built / name)]
		for name in compiled(tree / 'tests' / module / 'debug')]


def lifecycle_cases(tree: Path, module: str) -> List[List[str]]:
	"""[CASE, PATH] of tests/<m>/lifecycle/<case>.sh."""
	return [[sh.stem, str(sh)] for sh in sorted((tree / 'tests' / module / 'lifecycle').glob('*.sh'))]


def named(kind: str, module: str, entries: List[List[str]]) -> List[str]:
	"""The lines of @kind for @module's [NAME, PATH] @entries.

	Raises ValueError for a name that holds a space: the guest and the
	judge take the word after the module as the name."""
	for name, path in entries:
		if ' ' in name:
			raise ValueError(f'a test name may not hold a space: {path}')
	return [f'{kind} {module} {name} {path}' for name, path in entries]


def plan(tree: Path, top: Path, flavour: str, modules: List[str]) -> List[str]:
	"""The plan's lines (see the module's documentation)."""
	tests = tree / 'tests'
	lines = [f'flavour {flavour}']
	lines += [f'collection {module}' for module in collection(tree)]
	for module in modules:
		of = programs_of(tests, module)
		lines.append(f'module {module} {tree / "modules" / module / module}.ko')
		if of != module:
			lines.append(f'twin {module} {of}')
		lines += [f'env {module} {key}={value}' for key, value in twin_env(tests, module).items()
			  if key != 'TWIN_OF']
		lines += [f'suite {module} {suite}' for suite in declared_suites(tree / 'modules' / module)]
		lines += named('program', module, programs(tree, of))
		if flavour == 'debug':
			lines += named('injection', module, injections(tree, of))
			lines += named('load-cycles', module, [['modload', str(top / '.build/tools/modload')]])
		lines += named('lifecycle', module, lifecycle_cases(tree, of))
	return lines


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--tree', type=Path, required=True)
	parser.add_argument('--checkout', type=Path, required=True)
	parser.add_argument('--flavour', default='default')
	parser.add_argument('modules', nargs='+')
	args = parser.parse_args()
	known = collection(args.tree)
	for module in args.modules:
		if module not in known:
			print(f'plan.py: {module} is not a module of {args.tree}', file=sys.stderr)
			return 2
	try:
		lines = plan(args.tree.resolve(), args.checkout.resolve(), args.flavour, args.modules)
	except ValueError as error:
		print(f'plan.py: {error}', file=sys.stderr)
		return 2
	header = ['# The run plan: scripts/plan.py wrote it before the boot; scripts/guest/check.sh',
		  '# runs it and the judge checks the run against it.']
	print('\n'.join(header + lines))
	return 0


if __name__ == '__main__':
	sys.exit(main())
