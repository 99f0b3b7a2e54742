#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where a `make check` run's time went, from the timelines it leaves in its
results folder: host-timeline (check.sh, wall clock: "<ms> start|end
<lane>" for the host-side tests, each VM and the verdict, which overlap)
and each VM's vm/<phase>/timeline (scripts/guest/check.sh, guest clock),
plus each program's .ms.

	timeline.py RESULTS_DIR [--since MS]

--since: the wall-clock time (ms since the epoch) `make` started at, to
count lint and build too. Prints one line a lane and, inside each VM, a
line a phase with its slowest programs; lanes that ran side by side say
so, and "in all" is the wall clock from the first start to the last end."""

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


def lanes(path: Path) -> dict[str, tuple[int, int]]:
	"""Lane -> (start, end) from the "start LANE" and "end LANE" stamps;
	a lane that never ended ends at the last stamp."""
	marks = stamps(path)
	spans = {}
	for ms, event in marks:
		kind, _, lane = event.partition(' ')
		if kind == 'start':
			spans[lane] = (ms, marks[-1][0])
		elif kind == 'end' and lane in spans:
			spans[lane] = (spans[lane][0], ms)
	return spans


def slowest(folder: Path) -> str:
	times = sorted(((int(p.read_text()), p.stem) for p in folder.glob('*.ms')), reverse=True)
	return ', '.join(f'{name} {ms / 1000:.1f}' for ms, name in times[:SLOWEST])


def row(label: str, ms: int, detail: str = '') -> str:
	return f'{label:<44} {ms / 1000:7.1f} s' + (f'   ({detail})' if detail else '')


def vm_rows(results: Path, phase: str, wall: int) -> list[str]:
	"""The lines of the VM of @phase, which took @wall ms on the host."""
	vm = results / 'vm' / phase
	boot = int((vm / 'boot.ms').read_text())
	lines = [row(f'VM {phase}: boot to the first test (guest clock)', boot)]
	in_guest = boot
	for step, ms in durations(vm / 'timeline').items():
		if step == 'boot-done':
			continue
		kind, _, module = step.partition(' ')
		folder = (results / 'modules' / module / 'tests' if kind == 'module'
			  else results / 'lifecycle' / module)
		lines.append(row(f'VM {phase}: {step}', ms, slowest(folder)))
		in_guest += ms
	lines.append(row(f'VM {phase}: start and power-off (wall, the rest)', max(wall - in_guest, 0)))
	lines.append(row(f'VM {phase} in all (wall)', wall))
	return lines


def report(results: Path, since: int | None) -> list[str]:
	spans = lanes(results / 'host-timeline')
	first = min(start for start, _ in spans.values())
	last = max(end for _, end in spans.values())
	verdict = spans.pop('verdict', None)
	beside = [lane for lane in spans if len(spans) > 1]
	lines = []
	if since is not None:
		lines.append(row('lint and build (make)', first - since))
	labels = {'host-scripts': 'host tests of the scripts', 'compile-fail': 'compile-fail tests'}
	for lane, (start, end) in spans.items():
		if lane.startswith('vm '):
			lines += vm_rows(results, lane[3:], end - start)
		else:
			lines.append(row(labels.get(lane, lane), end - start))
	if beside:
		lines.append(row('side by side: ' + ', '.join(beside), max(end for _, end in spans.values())
				 - min(start for start, _ in spans.values())))
	if verdict:
		lines.append(row('verdict (scripts/judge/)', verdict[1] - verdict[0]))
	lines.append(row('in all', last - (since if since is not None else first)))
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
