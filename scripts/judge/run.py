# SPDX-License-Identifier: GPL-2.0
"""The run under judgement, the judge's one target: every function of the
package that needs more than a folder or a name takes it (or its kernel)
as an argument; nothing is kept between calls."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Tuple

from .kernel import Kernel


@dataclass(frozen=True)
class Run:
	"""A make check run (scripts/check.sh saves what it is in verdict.args).

	results     its results folder, raw results and reports
	            (Documentation/testing.md lists its files)
	modules     the modules it tested, in the order of the summary (its plan's)
	host_tests  KTAP outputs of host-side test programs, each next to its
	            .status (and .unchanged when its verdict was reused)
	kernel      the kernel under test
	"""
	results: Path
	modules: Tuple[str, ...]
	host_tests: Tuple[Path, ...] = ()
	kernel: Kernel = field(default_factory=Kernel)

	def module_results(self, module: str) -> Path:
		"""The raw results of @module's run (guest/check.sh's modules phase)."""
		return self.results / 'modules' / module

	def lifecycle_results(self, module: str) -> Path:
		"""The raw results of @module's lifecycle cases (the lifecycle phase)."""
		return self.results / 'lifecycle' / module
