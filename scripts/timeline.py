#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a `make check` run's time went, from the timelines it leaves in its
results folder: host-timeline (check.sh, wall clock) and timeline (the
guest's scripts/guest-check.sh, guest clock), plus each program's .ms.

	timeline.py RESULTS_DIR [--since MS]

--since: the wall-clock time (ms since the epoch) `make` started at, to
count lint and build too. Prints one line a phase, seconds, and for each
module its slowest programs."""

import argparse
import sys
from pathlib import Path

SLOWEST = 3


def stamps(path: Path) -> list[tuple[int, str]]:
	"""The "<ms> <phase>" lines of @path, in order."""
	result = []
	for line in path.read_text().splitlines():
		ms, _, phase = line.partition(' ')
		result.append((int(ms), phase))
	return result


def durations(path: Path) -> dict[str, int]:
	"""Phase -> ms until the next stamp (the last one, "end", has none)."""
	marks = stamps(path)
	return {phase: end - start for (start, phase), (end, _) in zip(marks, marks[1:])}


def slowest(folder: Path) -> str:
	times = sorted(((int(p.read_text()), p.stem) for p in folder.glob('*.ms')), reverse=True)
	return ', '.join(f'{name} {ms / 1000:.1f}' for ms, name in times[:SLOWEST])


def row(label: str, ms: int, detail: str = '') -> str:
	return f'{label:<44} {ms / 1000:7.1f} s' + (f'   ({detail})' if detail else '')


def report(results: Path, since: int | None) -> list[str]:
	host = stamps(results / 'host-timeline')
	host_phase = durations(results / 'host-timeline')
	guest = durations(results / 'timeline')
	boot = int((results / 'boot.ms').read_text())
	lines = []
	if since is not None:
		lines.append(row('lint and build (make)', host[0][0] - since))
	lines.append(row('host tests of the scripts', host_phase.get('host-tests', 0)))
	lines.append(row('compile-fail tests', host_phase.get('compile-fail', 0)))
	lines.append(row('VM: boot to the first test (guest clock)', boot))
	in_guest = boot
	for phase, ms in guest.items():
		if phase == 'boot-done':
			continue
		kind, _, module = phase.partition(' ')
		folder = (results / 'modules' / module / 'tests' if kind == 'module'
			  else results / 'lifecycle' / module)
		lines.append(row(f'VM: {phase}', ms, slowest(folder)))
		in_guest += ms
	vm = host_phase.get('vm', 0)
	lines.append(row('VM: start and power-off (wall, the rest)', max(vm - in_guest, 0)))
	lines.append(row('verdict (results.py)', host_phase.get('verdict', 0)))
	total = host[-1][0] - (since if since is not None else host[0][0])
	lines.append(row('in all', total))
	return lines


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results', type=Path)
	parser.add_argument('--since', type=int)
	args = parser.parse_args()
	try:
		print('\n'.join(report(args.results, args.since)))
	except (OSError, ValueError) as err:
		print(f'timeline.py: {args.results} has no complete timeline: {err}', file=sys.stderr)
		return 1
	return 0


if __name__ == '__main__':
	sys.exit(main())
