#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-gate's size bound: each Rust module's .ko text as it ships (built
without its KUnit suites, scripts/without-kunit.sh) over its C twin's, against
the most the pair allows (tests/<twin>/size-gate). Prints one line a pair and
exits 1 when a pair is over its bound or a module is not built.

	size_gate.py WITHOUT_KUNIT_DIR

A size-gate file holds `TEXT_RATIO_MAX=<ratio>` (and comments saying why
that figure): the gate catches growth; the figures themselves, and what each
byte pays for, are make compare's.
"""

import sys
from pathlib import Path
from typing import Dict, Optional

from compare import TESTS, ko_size, pairs, read_pairs_file


def bound(twin: str, tests: Path = TESTS) -> Optional[float]:
	"""The pair's TEXT_RATIO_MAX, or None when it states none."""
	value = read_pairs_file(tests / twin / 'size-gate').get('TEXT_RATIO_MAX')
	return float(value) if value else None


def verdict(rust: str, twin: str, sizes: Dict[str, Optional[int]], most: Optional[float]) -> str:
	"""One line on the pair; it starts with 'not ok' when the pair fails."""
	mine, theirs = sizes.get(rust), sizes.get(twin)
	if mine is None or theirs is None:
		missing = rust if mine is None else twin
		return f'not ok {rust}/{twin}: {missing}.ko is not built'
	if most is None:
		return f'not ok {rust}/{twin}: tests/{twin}/size-gate states no TEXT_RATIO_MAX'
	ratio = mine / theirs
	status = 'ok' if ratio <= most else 'not ok'
	return (f'{status} {rust}/{twin}: .ko text as it ships {mine} / {theirs} bytes = '
		f'{ratio:.2f}x (at most {most:.2f}x)')


def main() -> int:
	if len(sys.argv) != 2:
		print(f'usage: {sys.argv[0]} WITHOUT_KUNIT_DIR', file=sys.stderr)
		return 2
	modules = Path(sys.argv[1]) / 'modules'
	failed = False
	for rust, twin in pairs():
		sizes = {module: (ko_size(module, modules) or {}).get('text') for module in (rust, twin)}
		line = verdict(rust, twin, sizes, bound(twin))
		failed |= line.startswith('not ok')
		print(line)
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main())
