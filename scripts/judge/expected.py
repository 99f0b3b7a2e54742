# SPDX-License-Identifier: GPL-2.0
"""What a run must have run, from the source tree rather than from what the
run left: the KUnit suites each module declares, and the test programs and
lifecycle cases of tests/<module>/ (those of the module it twins, for a
twin). A test expected here that left no result fails as "did not run".

expected_from_tree() is the judge's one place that decides it, the rest of
the judge reads an Expected, whoever made it; scripts/plan.py writes what
the guest runs, RESULTS/plan, from the same tree."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from .run import Run
from .twin import programs_of

KUNIT_SUITE_DECLARATION = re.compile(r'#\[(?:[\w:]+::)?kunit_tests\((\w+)\)\]')


# A module's source naming a file outside its folder (modules/common/), whose
# suites are the module's too: #[path = "../common/sysfs.rs"].
PATH_ATTRIBUTE = re.compile(r'#\[path\s*=\s*"([^"]+)"\]')


@dataclass(frozen=True)
class Expected:
	"""What each module's run must have run, by module name: its KUnit
	suites, the names under which guest/check.sh records its programs'
	statuses, and its lifecycle cases."""
	suites: Dict[str, List[str]]
	programs: Dict[str, List[str]]
	lifecycle_cases: Dict[str, List[str]]


def expected_from_tree(run: Run) -> Expected:
	"""What @run must have run, read from its modules' sources and tests/
	as guest/check.sh reads them."""
	return Expected(
		suites={module: declared_suites(run.modules_dir / module) for module in run.modules},
		programs={module: expected_programs(run.tests_dir, module, run.safety)
			  for module in run.modules},
		lifecycle_cases={module: lifecycle_cases(run.tests_dir, module)
				 for module in run.modules})


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


def expected_programs(tests_dir: Path, module: str, safety: bool) -> List[str]:
	"""The names under which guest/check.sh records the status of the
	programs a module's run must run: tests/<module>/*.c (by their binary's
	name) and *.sh, those of the module it is a twin of if it is one; with
	@safety, tests/<module>/safety/*.c and modload."""
	mine = tests_dir / programs_of(tests_dir, module)
	names = [p.stem for p in mine.glob('*.c')] + [p.name for p in mine.glob('*.sh')]
	if safety:
		names += [f'safety-{p.stem}' for p in (mine / 'safety').glob('*.c')] + ['modload']
	return sorted(names)


def lifecycle_cases(tests_dir: Path, module: str) -> List[str]:
	"""The lifecycle cases a module's run must run: tests/<module>/lifecycle/
	<case>.sh, those of the module it is a twin of if it is one (guest/check.sh
	runs them for the twin, recorded under the twin's name)."""
	mine = tests_dir / programs_of(tests_dir, module) / 'lifecycle'
	return sorted(p.stem for p in mine.glob('*.sh'))
