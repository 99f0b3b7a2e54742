# SPDX-License-Identifier: GPL-2.0
"""Reading the raw results scripts/guest/check.sh leaves (exit statuses,
outputs, taint flags): a file that is missing or does not hold what it
should reads as None (or as empty text), for the caller to judge."""

from pathlib import Path
from typing import List, Optional


def read_status(path: Path) -> Optional[int]:
	try:
		return int(path.read_text().strip())
	except (OSError, ValueError):
		return None


def read_text(path: Path) -> str:
	try:
		return path.read_text(errors='replace')
	except OSError:
		return ''


def read_taints(path: Path) -> Optional[List[int]]:
	"""The taint flags before and after a lifecycle case (its .taint file)."""
	try:
		before, after = (int(word) for word in path.read_text().split())
	except (OSError, ValueError):
		return None
	return [before, after]
