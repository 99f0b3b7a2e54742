#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Each Rust sample beside its C twin (tests/<twin>/twin.env names the pair),
for `make LLVM=1 compare`: source lines, unsafe code, module size, memory in
use after load, the tests each passed and the benchmark ratios, as Markdown.

	compare.py [--kdir KDIR] [--vm VM_DIR] [--results RESULTS_DIR] [--bench [CLOCK=]LOG]...

Source lines are counted by cloc (code, comments and blank lines apart) over
the driver's own files (a Rust module's KUnit files are counted apart, as
tests: the C twins have none), and over the project's abstractions in
modules/common/ that the Rust driver takes in with #[path]. The UAPI header a
pair shares is left out of both.

unsafe is counted in Rust source with comments and literals removed:
`unsafe { ... }` blocks, `unsafe impl` and `unsafe fn`, and the `// SAFETY:`
comments that justify them; with KDIR, the operations in the blocks by
capability, as rustc reports them (scripts/unsafe_ops.py).

VM_DIR (scripts/guest/compare.sh's output) gives the memory each module
holds once loaded; RESULTS_DIR (default results/) the last `make check` and
`make check-debug` results; each LOG the output of the pairs' benchmarks
(`make bench`) under a guest clock (the instruction count when not named).
Sections whose input is missing say so, but benchmarks: when a pair lacks
a figure under a clock given (a benchmark of the Rust module that did not
run for one of the two, or a metric one has and the other not), it says
what is missing in one line on stderr, writes no JSON and exits 1.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import size_attribution
from plan import programs_of

TOP = Path(__file__).resolve().parents[1]
MODULES = TOP / 'modules'
TESTS = TOP / 'tests'

PATH_ATTRIBUTE = re.compile(r'#\[path\s*=\s*"([^"]+)"\]')


def pairs() -> List[Tuple[str, str]]:
	"""(rust module, C twin) for every tests/<twin>/twin.env naming a
	TWIN_OF whose module is written in Rust."""
	twins = (env.parent.name for env in sorted(TESTS.glob('*/twin.env')))
	return [(programs_of(TESTS, twin), twin) for twin in twins if programs_of(TESTS, twin) != twin]


def rust_files(module: str) -> Tuple[List[Path], List[Path]]:
	"""The module's own files, and the modules/common/ files it includes
	(through the #[path] attributes of its files, and of theirs)."""
	own = sorted((MODULES / module).glob('*.rs'))
	common: List[Path] = []
	pending = list(own)
	while pending:
		source = pending.pop()
		for target in PATH_ATTRIBUTE.findall(source.read_text()):
			path = (source.parent / target).resolve()
			if path not in common and path not in own:
				common.append(path)
				pending.append(path)
	return own, sorted(common)


def c_files(module: str) -> List[Path]:
	return sorted(p for p in (MODULES / module).glob('*.[ch]') if not p.name.endswith('.mod.c'))


def cloc(sources: List[Tuple[str, str]]) -> Dict[str, int]:
	"""cloc's code, comment and blank counts summed over @sources (file
	name, text), which it reads from a scratch folder."""
	total = {'code': 0, 'comment': 0, 'blank': 0}
	if not sources:
		return total
	with tempfile.TemporaryDirectory() as scratch:
		paths = []
		for number, (name, text) in enumerate(sources):
			path = Path(scratch) / f'{number}-{name}'
			path.write_text(text)
			paths.append(str(path))
		out = subprocess.run(['cloc', '--json', '--quiet', *paths],
				     check=True, capture_output=True, text=True).stdout
	counted = json.loads(out).get('SUM', total)
	return {key: counted[key] for key in total}


def blank_out(text: str) -> str:
	"""@text with every character but newlines made a space."""
	return re.sub(r'[^\n]', ' ', text)


def strip_rust(text: str) -> str:
	"""@text with its comments, string literals and character literals
	blanked out (lifetimes stay), the same length: what is left is code, at
	the same offsets."""
	out = []
	i, n = 0, len(text)
	while i < n:
		start = i
		raw = re.match(r'(?:b|c)?r(#*)"', text[i:i + 260])
		char = re.match(r"'(?:\\.[^']*|[^\\'])'", text[i:i + 16])
		if text.startswith('//', i):
			end = text.find('\n', i)
			i = n if end < 0 else end
		elif text.startswith('/*', i):
			depth, i = 1, i + 2
			while i < n and depth:
				if text.startswith('/*', i):
					depth, i = depth + 1, i + 2
				elif text.startswith('*/', i):
					depth, i = depth - 1, i + 2
				else:
					i += 1
		elif raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
			closing = '"' + raw.group(1)
			end = text.find(closing, i + raw.end())
			i = n if end < 0 else end + len(closing)
		elif text[i] == '"':
			i += 1
			while i < n and text[i] != '"':
				i += 2 if text[i] == '\\' else 1
			i += 1
		elif char:
			i += char.end()
		else:
			out.append(text[i])
			i += 1
			continue
		out.append(blank_out(text[start:i]))
	return ''.join(out)


KUNIT_ATTRIBUTE = re.compile(r'^[ \t]*#\[(?:kernel::macros::)?kunit_tests\(', re.M)


def split_kunit(text: str) -> Tuple[str, str]:
	"""@text as (driver, KUnit): the `#[kunit_tests(...)] mod ... { ... }`
	items, taken out of the first, make the second."""
	code = strip_rust(text)
	regions = []
	for m in KUNIT_ATTRIBUTE.finditer(code):
		depth, i = 0, code.index('{', m.end())
		while i < len(code):
			depth += {'{': 1, '}': -1}.get(code[i], 0)
			i += 1
			if depth == 0:
				break
		regions.append((m.start(), i))
	driver, kunit, last = [], [], 0
	for start, end in regions:
		driver.append(text[last:start])
		kunit.append(text[start:end] + '\n')
		last = end
	driver.append(text[last:])
	return ''.join(driver), ''.join(kunit)


UNSAFE_FORMS = {
	'blocks': re.compile(r'\bunsafe\s*\{'),
	'impls': re.compile(r'\bunsafe\s+impl\b'),
	'fns': re.compile(r'\bunsafe\s+(?:extern\s+"C"\s+)?fn\b'),
}


def unsafe_counts(text: str) -> Dict[str, int]:
	code = strip_rust(text)
	counts = {form: len(pattern.findall(code)) for form, pattern in UNSAFE_FORMS.items()}
	counts['safety_comments'] = len(re.findall(r'//\s*SAFETY:', text))
	return counts


def ko_size(module: str, modules_dir: Path = MODULES) -> Optional[Dict[str, int]]:
	"""text, data and bss of the built .ko (binutils' size), or None."""
	ko = modules_dir / module / f'{module}.ko'
	if not ko.exists():
		return None
	out = subprocess.run(['size', str(ko)], check=True, capture_output=True,
			     text=True).stdout.splitlines()
	text, data, bss = out[1].split()[:3]
	return {'text': int(text), 'data': int(data), 'bss': int(bss)}


def read_pairs_file(path: Path) -> Dict[str, str]:
	"""KEY=VALUE lines of a file guest/compare.sh wrote."""
	values = {}
	if path.exists():
		for line in path.read_text().splitlines():
			if '=' in line:
				key, value = line.split('=', 1)
				values[key.strip()] = value.strip()
	return values


def program_names(module: str) -> set:
	"""The userspace programs of @module's tests/ folder (both of a pair run them)."""
	folder = TESTS / module
	return ({p.stem for p in folder.glob('*.c')} | {p.parent.name for p in folder.glob('*/main.c')} |
		{p.name for p in folder.glob('*.sh')})


def test_counts(results: Path, flavour: str, module: str, programs: set) -> Optional[Dict[str, str]]:
	"""What @module passed in @results/@flavour/results.json: its programs'
	cases (@programs, the names of the userspace programs) apart from the
	rest (KUnit suites, load and unload, log checks), as "passed/total";
	None when that run has no result for it."""
	path = results / flavour / 'results.json'
	if not path.exists():
		return None
	group = next((g for g in json.loads(path.read_text()).get('sub_groups', [])
		      if g.get('name') == module), None)
	if group is None:
		return None

	def leaves(node) -> List[str]:
		found = [case.get('status', 'FAIL') for case in node.get('test_cases', [])]
		for sub in node.get('sub_groups', []):
			found += leaves(sub)
		return found

	shared: List[str] = []
	own = [case.get('status', 'FAIL') for case in group.get('test_cases', [])]
	for sub in group.get('sub_groups', []):
		(shared if sub.get('name') in programs else own).extend(leaves(sub))

	def passed(statuses: List[str]) -> str:
		return f'{statuses.count("PASS")}/{len(statuses)}'

	return {'programs': passed(shared), 'other': passed(own)}


# A metric line of a benchmark: tests/rust_pipe/bench/pipe_bench.c's (label,
# the module's and pipe(2)'s medians, their ratio, its spread) or
# tests/rust_platform/bench/sysfs_bench.c's (label, the median, its spread).
PIPE_LINE = re.compile(r'^(?P<what>\S.*?)\s+[0-9.]+\s+[0-9.]+\s+(?P<ratio>[0-9.]+)x\s')
RATE_LINE = re.compile(r'^(?P<what>\S.*?)\s+(?P<value>[0-9.]+)\s+[0-9.]+-[0-9.]+ \(')


Figures = Dict[str, Tuple[float, bool]]


def bench_runs(log: Path) -> Dict[Tuple[str, str], Figures]:
	"""{(module, benchmark): {metric: (figure, is a ratio to pipe(2))}} from
	`make bench` output, whose "### MODULE: BENCH" lines start each run."""
	runs: Dict[Tuple[str, str], Figures] = {}
	run = None
	for line in log.read_text(errors='replace').splitlines():
		if line.startswith('### '):
			module, _, bench = line[4:].partition(':')
			run = runs.setdefault((module.strip(), bench.strip()), {})
			continue
		pipe, rate = PIPE_LINE.match(line), RATE_LINE.match(line)
		if run is not None and pipe:
			run[pipe.group('what')] = (float(pipe.group('ratio')), True)
		elif run is not None and rate:
			run[rate.group('what')] = (float(rate.group('value')), False)
	return runs


def bench_figures(log: Path) -> Dict[str, Figures]:
	"""{module: {metric: (figure, is a ratio to pipe(2))}}: bench_runs()'
	figures, each module's benchmarks together."""
	figures: Dict[str, Figures] = {}
	for (module, _), run in bench_runs(log).items():
		figures.setdefault(module, {}).update(run)
	return figures


def missing_figures(rust: str, twin: str, logs: List[Tuple[str, Path]],
		    tests: Path = TESTS) -> List[str]:
	"""What the pair's benchmark output lacks under each clock of @logs
	((clock, log)), one phrase each: every benchmark of @rust
	(@tests/<rust>/bench/*.c) must have run for both modules and given
	each the same metrics, at least one."""
	benches = sorted(path.stem for path in (tests / rust / 'bench').glob('*.c'))
	missing = []
	for clock, log in logs:
		if benches and not log.exists():
			missing.append(f'{clock} clock: no {log}')
			continue
		runs = bench_runs(log) if benches else {}
		for bench in benches:
			mine, theirs = runs.get((rust, bench), {}), runs.get((twin, bench), {})
			for module, figures, other in ((rust, mine, theirs), (twin, theirs, mine)):
				if not figures:
					missing.append(f'{clock} clock: {module}\'s {bench} (no figures in {log})')
				elif other:
					missing += [f'{clock} clock: {module}\'s {bench} "{what}"'
						    for what in other if what not in figures]
	return missing


def table(header: List[str], rows: List[List[str]]) -> List[str]:
	lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
	lines += ['| ' + ' | '.join(row) + ' |' for row in rows]
	return lines


def lines_cell(counts: Dict[str, int]) -> str:
	return f'{counts["code"]} ({counts["comment"]} comment, {counts["blank"]} blank)'


def rust_parts(module: str) -> Dict[str, List[Tuple[Path, str]]]:
	"""The Rust side of a pair: (file, text) of its driver code, KUnit
	code and abstractions."""
	own, common = rust_files(module)
	parts: Dict[str, List[Tuple[Path, str]]] = {'driver': [], 'KUnit': [], 'abstraction': []}
	for path in own:
		driver, kunit = split_kunit(path.read_text())
		parts['driver'].append((path, driver))
		if kunit.strip():
			parts['KUnit'].append((path, kunit))
	parts['abstraction'] = [(path, path.read_text()) for path in common]
	return parts


def source_section(rust: str, twin: str) -> List[str]:
	parts = rust_parts(rust)

	def counted(kinds: List[str]) -> str:
		return lines_cell(cloc([(path.name, text) for kind in kinds for path, text in parts[kind]]))

	c_side = lines_cell(cloc([(path.name, path.read_text()) for path in c_files(twin)]))
	rows = [
		['driver', counted(['driver']), c_side],
		['abstractions it needs (modules/common/)', counted(['abstraction']), 'none (the C API)'],
		['driver and abstractions', counted(['driver', 'abstraction']), c_side],
		['KUnit tests in the module', counted(['KUnit']), 'none'],
	]
	return table(['source lines (cloc: code)', rust, twin], rows)


def unsafe_section(rust: str, kdir: Optional[Path]) -> List[str]:
	"""Per file, the unsafe forms in its source and, with @kdir, the unsafe
	operations in its blocks by capability (scripts/unsafe_ops.py: rustc's
	own account)."""
	import unsafe_ops  # it imports this file: not at the top

	ops = unsafe_ops.operations(kdir, rust) if kdir else {}
	capabilities = [name for name in unsafe_ops.CAPABILITIES if name != 'other']
	rows = []
	for kind, files in rust_parts(rust).items():
		for path, text in files:
			counts = unsafe_counts(text)
			found = ops.get(path) if kind != 'KUnit' else None
			rows.append([str(path.relative_to(TOP)), kind,
				     *(str(counts[k]) for k in ('blocks', 'impls', 'fns', 'safety_comments')),
				     *(str(found['ops'][name]) if found else '' for name in capabilities)])
	header = ['file', 'part', 'unsafe blocks', 'unsafe impl', 'unsafe fn', '// SAFETY: comments']
	return table(header + [f'ops: {name}' for name in capabilities], rows)


def sizes(rust: str, twin: str, vm: Optional[Path], without_kunit: Optional[Path]) -> Dict:
	"""The pair's sizes: per module, the .ko's text (with its KUnit suites,
	and, built without them, as it ships: the same for the twin, which has
	none), data and bss, and once loaded its image (coresize, both ways)
	and the slab it holds; None where not measured."""
	found = {}
	for module in (rust, twin):
		size = ko_size(module) or {}
		lean = ko_size(module, without_kunit / 'modules') if without_kunit else None
		memory = read_pairs_file(vm / f'{module}.memory') if vm else {}
		number = (lambda key: int(memory[key]) if memory.get(key, '').isdigit() else None)
		found[module] = {
			'text': size.get('text'), 'text_without_kunit': (lean or {}).get('text'),
			'data': size.get('data'), 'bss': size.get('bss'),
			'coresize': number('coresize'), 'coresize_without_kunit': number('coresize_without_kunit'),
			'slab_kb': number('slab_kb'),
		}
	return found


def ratio(mine: Optional[int], theirs: Optional[int]) -> str:
	return f'{mine / theirs:.2f}x' if mine and theirs else 'not measured'


def size_section(rust: str, twin: str, found: Dict) -> List[str]:
	"""The sizes of sizes(), and the Rust module's over its twin's as they
	ship (without KUnit suites)."""
	shown = (lambda value: str(value) if value is not None else 'not measured')
	keys = ('text_without_kunit', 'text', 'data', 'bss', 'coresize_without_kunit', 'coresize',
		'slab_kb')
	rows = [[module, *(shown(found[module][key]) for key in keys)] for module in (rust, twin)]
	rows.append([f'{rust} / {twin}', ratio(found[rust]['text_without_kunit'],
					      found[twin]['text_without_kunit']), '', '', '',
		     ratio(found[rust]['coresize_without_kunit'], found[twin]['coresize_without_kunit']),
		     '', ''])
	return table(['module', '.ko text (as it ships: no KUnit)', '.ko text with KUnit suites',
		      '.ko data', '.ko bss', 'loaded, no KUnit (coresize, bytes)',
		      'loaded with KUnit (coresize)', 'slab after load (kB)'], rows)


def attribution_section(rust: str, without_kunit: Optional[Path]) -> Tuple[List[str], Dict]:
	"""What the Rust module's code pays for (scripts/size_attribution.py),
	built with its KUnit suites and without; the table and its figures."""
	builds = [('with KUnit', MODULES)]
	if without_kunit:
		builds.append(('as it ships', without_kunit / 'modules'))
	found = {label: size_attribution.attribute(folder / rust / f'{rust}.ko', rust)
		 for label, folder in builds if (folder / rust / f'{rust}.ko').exists()}
	if not found:
		return [f'{rust} is not built: no attribution.'], {}
	rows = [[origin, *(str(bytes_by[origin]) for bytes_by in found.values())]
		for origin in size_attribution.ORIGINS]
	rows.append(['code in all', *(str(sum(bytes_by.values())) for bytes_by in found.values())])
	return table([f'{rust}: code by origin (bytes)', *found], rows), found


def faults_injected(results: Path, module: str) -> str:
	"""The allocation failures check-debug injected into @module (its
	programs' "# stat faults=N" lines), or "none"."""
	total = 0
	for out in (results / 'debug' / 'modules' / module / 'tests').glob('*.out'):
		total += sum(int(n) for n in re.findall(r'^# stat faults=(\d+)$',
							out.read_text(errors='replace'), re.M))
	return str(total) if total else 'none'


def tests_section(rust: str, twin: str, results: Path) -> List[str]:
	programs = program_names(rust)
	rows = []
	for flavour in ('default', 'debug'):
		run = results / flavour / 'results.json'
		when = (time.strftime('%Y-%m-%d %H:%M', time.localtime(run.stat().st_mtime))
			if run.exists() else 'none')
		for module in (rust, twin):
			counts = test_counts(results, flavour, module, programs)
			rows.append([f'{"check" if flavour == "default" else "check-debug"} ({when})',
				     module,
				     counts['programs'] if counts else 'no result',
				     counts['other'] if counts else 'no result',
				     faults_injected(results, module) if flavour == 'debug' else ''])
	return table(['last run', 'module', f'{rust}\'s programs (cases passed)',
		      'its own (KUnit, load, unload, logs)', 'faults injected'], rows)


def bench_section(rust: str, twin: str, logs: List[Tuple[str, Path]]) -> List[str]:
	"""The pair's benchmark figures under each clock of @logs ((clock, log)):
	both modules' figures under the first clock, and under each clock the
	ratio of the Rust module's to its twin's."""
	found = [(clock, bench_figures(log)) for clock, log in logs if log.exists()]
	found = [(clock, figures) for clock, figures in found
		 if figures.get(rust) and figures.get(twin)]
	if not found:
		return [f'No benchmark of {rust} and {twin}.']
	first_clock, first = found[0]
	header = [f'measure ({first_clock})', rust, twin]
	header += [f'{rust} / {twin} ({clock})' for clock, _ in found]
	rows = []
	for what, (value, is_ratio) in first[rust].items():
		shown = (lambda v: f'{v:.3f}x') if is_ratio else (lambda v: f'{v:.1f}')
		other = first[twin].get(what, (0.0, is_ratio))[0]
		row = [what + (' (against pipe(2))' if is_ratio else ''), shown(value),
		       shown(other) if other else 'none']
		for _, figures in found:
			mine = figures[rust].get(what, (0.0, is_ratio))[0]
			theirs = figures[twin].get(what, (0.0, is_ratio))[0]
			row.append(f'{mine / theirs:.3f}x' if mine and theirs else 'none')
		rows.append(row)
	return table(header, rows)


def bench_ratios(rust: str, twin: str, logs: List[Tuple[str, Path]]) -> Dict[str, Dict[str, float]]:
	"""Per clock of @logs, each benchmark's Rust figure over its twin's."""
	ratios: Dict[str, Dict[str, float]] = {}
	for clock, log in logs:
		figures = bench_figures(log) if log.exists() else {}
		for what, (mine, _) in figures.get(rust, {}).items():
			theirs = figures.get(twin, {}).get(what, (0.0, False))[0]
			if mine and theirs:
				ratios.setdefault(clock, {})[what] = round(mine / theirs, 4)
	return ratios


def clock_log(text: str) -> Tuple[str, Path]:
	"""--bench's CLOCK=LOG (a bare LOG is the instruction-count clock's)."""
	clock, _, log = text.rpartition('=')
	return clock or 'instruction count', Path(log)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--vm', type=Path)
	parser.add_argument('--results', type=Path, default=TOP / 'results')
	parser.add_argument('--bench', type=clock_log, action='append', default=[],
			    metavar='[CLOCK=]LOG', help='benchmark output under CLOCK (repeatable)')
	parser.add_argument('--kdir', type=Path, help='the tree to count unsafe operations with')
	parser.add_argument('--without-kunit', type=Path,
			    help='the modules built without their KUnit suites (scripts/compare.sh)')
	parser.add_argument('--json', type=Path, help='also write the figures there, as JSON')
	parser.add_argument('--modules', action='store_true',
			    help="print the pairs' modules, one a line, and nothing else")
	args = parser.parse_args()
	if args.modules:
		print('\n'.join(module for pair in pairs() for module in pair))
		return 0
	out: List[str] = []
	figures = {}
	missing: List[str] = []
	for rust, twin in pairs():
		missing += missing_figures(rust, twin, args.bench)
		found = sizes(rust, twin, args.vm, args.without_kunit)
		attribution, by_origin = attribution_section(rust, args.without_kunit)
		out += [f'## {rust} and {twin}', '']
		out += source_section(rust, twin) + ['']
		out += [f'unsafe in {rust} (none in {twin}: all of C is unsafe in this sense):', '']
		out += unsafe_section(rust, args.kdir) + ['']
		out += size_section(rust, twin, found) + ['']
		out += attribution + ['']
		out += tests_section(rust, twin, args.results) + ['']
		out += bench_section(rust, twin, args.bench) + ['']
		figures[f'{rust}/{twin}'] = {
			'rust': dict(found[rust], module=rust, code_by_origin=by_origin),
			'c': dict(found[twin], module=twin),
			'benchmarks': bench_ratios(rust, twin, args.bench),
		}
	missing = list(dict.fromkeys(missing))  # a missing log is every pair's
	if missing:
		out += ['A benchmark that did not run is a failure; missing: ' + '; '.join(missing) + '.']
	print('\n'.join(out))
	if missing:
		# One line, and no compare.json: a program reading it finds no figures rather than some.
		print('compare.py: benchmark figures missing: ' + '; '.join(missing), file=sys.stderr)
		return 1
	if args.json:
		args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + '\n')
	return 0


if __name__ == '__main__':
	sys.exit(main())
