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
import sys
from pathlib import Path
from typing import List

from judge.expected import declared_suites
from judge.twin import programs_of, twin_env

def collection(tree: Path) -> List[str]:
	"""Every module of the tree: the folders of modules/ with a Kbuild file."""
	return sorted(kbuild.parent.name for kbuild in (tree / 'modules').glob('*/Kbuild'))


def programs(tree: Path, module: str) -> List[List[str]]:
	"""[NAME, PATH] of the test programs of @module's tests/ folder: each
	tests/<m>/<name>.c, built into .build/tests/<m>/<name>, and each
	tests/<m>/<name>.sh as it is."""
	tests = tree / 'tests' / module
	built = tree / '.build' / 'tests' / module
	return ([[c.stem, str(built / c.stem)] for c in sorted(tests.glob('*.c'))] +
		[[sh.name, str(sh)] for sh in sorted(tests.glob('*.sh'))])


def injections(tree: Path, module: str) -> List[List[str]]:
	"""[NAME, PATH] of @module's fault injection programs, tests/<m>/safety/
	<name>.c built into .build/safety/<m>/<name>, recorded as safety-<name>."""
	built = tree / '.build' / 'safety' / module
	return [[f'safety-{c.stem}', str(built / c.stem)]
		for c in sorted((tree / 'tests' / module / 'safety').glob('*.c'))]


def lifecycle_cases(tree: Path, module: str) -> List[List[str]]:
	"""[CASE, PATH] of tests/<m>/lifecycle/<case>.sh."""
	return [[sh.stem, str(sh)] for sh in sorted((tree / 'tests' / module / 'lifecycle').glob('*.sh'))]


def plan(tree: Path, top: Path, flavour: str, modules: List[str]) -> List[str]:
	"""The plan's lines (see the module's documentation)."""
	tests = tree / 'tests'
	lines = [f'flavour {flavour}']
	lines += [f'collection {module}' for module in collection(tree)]
	for module in modules:
		of = programs_of(tests, module)
		lines.append(f'module {module} {tree / "modules" / module / module}.ko')
		lines += [f'env {module} {key}={value}' for key, value in twin_env(tests, module).items()
			  if key != 'TWIN_OF']
		lines += [f'suite {module} {suite}' for suite in declared_suites(tree / 'modules' / module)]
		lines += [f'program {module} {name} {path}' for name, path in programs(tree, of)]
		if flavour == 'debug':
			lines += [f'injection {module} {name} {path}' for name, path in injections(tree, of)]
			lines.append(f'load-cycles {module} modload {top / ".build/tests/safety/modload"}')
		lines += [f'lifecycle {module} {case} {path}' for case, path in lifecycle_cases(tree, of)]
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
	header = ['# The run plan: scripts/plan.py wrote it before the boot; scripts/guest/check.sh',
		  '# runs it and the judge checks the run against it.']
	print('\n'.join(header + plan(args.tree.resolve(), args.checkout.resolve(), args.flavour,
				      args.modules)))
	return 0


if __name__ == '__main__':
	sys.exit(main())
