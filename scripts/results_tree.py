# SPDX-License-Identifier: GPL-2.0
"""What must have run, for scripts/results.py, from the source tree rather
than from what the run left: the KUnit suites a module declares, the test
programs and lifecycle cases of tests/<module>/ (those of the module it
twins, for a twin)."""

import re
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


def program_names(folder: Path) -> List[str]:
	"""The programs of @folder, as scripts/build-tests.sh builds them: a .c
	file each, or a folder with a main.c."""
	return [p.stem for p in folder.glob('*.c')] + [p.parent.name for p in folder.glob('*/main.c')]


def expected_programs(tests_dir: Path, module: str, debug: bool) -> List[str]:
	"""The names under which guest-check.sh records the status of the
	programs a module's run must run: tests/<module>/*.c and */main.c (by
	their binary's name) and *.sh, those of the module it is a twin of if
	it is one; with @debug, those of tests/<module>/debug/ and modload."""
	mine = tests_dir / programs_of(tests_dir, module)
	names = program_names(mine) + [p.name for p in mine.glob('*.sh')]
	if debug:
		names += [f'debug-{name}' for name in program_names(mine / 'debug')] + ['modload']
	return sorted(names)


def lifecycle_cases(tests_dir: Path, module: str) -> List[str]:
	"""The lifecycle cases a module's run must run: tests/<module>/lifecycle/
	<case>.sh, those of the module it is a twin of if it is one (guest-check.sh
	runs them for the twin, recorded under the twin's name)."""
	mine = tests_dir / programs_of(tests_dir, module) / 'lifecycle'
	return sorted(p.stem for p in mine.glob('*.sh'))
