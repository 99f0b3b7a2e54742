# SPDX-License-Identifier: GPL-2.0
"""A twin (tests/<module>/twin.env): a module that runs the test programs
and lifecycle cases of another, the one it has the ABI of."""

from pathlib import Path
from typing import Dict


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
