# SPDX-License-Identifier: GPL-2.0
"""What a run must have run: its plan, RESULTS/plan, which scripts/plan.py
wrote from the source tree before the boot and scripts/guest/check.sh ran
(plan.py documents its lines). A test of the plan that left no result
fails as "did not run"; what the run left beyond the plan is not looked
for."""

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from plan import PROGRAM_KINDS


@dataclass(frozen=True)
class Expected:
	"""What the run must have run: its modules in the plan's order, and by
	module name its KUnit suites, the names under which guest/check.sh
	records its programs' statuses, and its lifecycle cases (each sorted)."""
	modules: Tuple[str, ...]
	suites: Dict[str, List[str]]
	programs: Dict[str, List[str]]
	lifecycle_cases: Dict[str, List[str]]


def expected_from_plan(plan: Path) -> Expected:
	"""What the run whose plan is @plan must have run.

	Raises FileNotFoundError when the run has no plan."""
	modules: List[str] = []
	suites: Dict[str, List[str]] = {}
	programs: Dict[str, List[str]] = {}
	cases: Dict[str, List[str]] = {}
	for line in plan.read_text().splitlines():
		words = line.split(' ')
		if len(words) < 3 or line.startswith('#'):
			continue
		kind, module, name = words[:3]
		if kind == 'module':
			modules.append(module)
			for found in (suites, programs, cases):
				found[module] = []
		elif kind == 'suite':
			suites[module].append(name)
		elif kind in PROGRAM_KINDS:
			programs[module].append(name)
		elif kind == 'lifecycle':
			cases[module].append(name)
	return Expected(modules=tuple(modules),
			suites={m: sorted(names) for m, names in suites.items()},
			programs={m: sorted(names) for m, names in programs.items()},
			lifecycle_cases={m: sorted(names) for m, names in cases.items()})
