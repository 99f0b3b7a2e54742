#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that rebuilt Rust crates are those of a stock kernel.

A distribution's kernel exports its Rust symbols (Module.symvers), mangled
with a hash of each crate (v0 mangling: `Cs<hash>_<len><crate>`). The hash
depends on the crate's name and the exact rustc (the kernel passes no
-Cmetadata), so an out-of-tree module links against the kernel only when the
crates it is built against (libcore.rmeta, libkernel.rmeta, ...) hash the
same. This compares:

  - the crate hashes of core and kernel (and any other crate both name)
    in the stock Module.symvers and in the rebuilt objects' symbols (nm);
  - the Rust symbols the stock kernel exports and those the rebuilt tree
    would export (its rust/exports_*_generated.h, which kbuild derives
    from the rebuilt objects).

Prints a table and a verdict; exits 1 when anything differs.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Set

# A crate root in a v0 mangled name: "C", a disambiguator "s<base62>_", the
# crate name's length and the name ("u" and "_" forms are not crate names).
CRATE_ROOT = re.compile(r'Cs([0-9A-Za-z]+)_(\d+)')
EXPORT = re.compile(r'^EXPORT_SYMBOL_RUST_GPL\((\w+)\);$')
REQUIRED = ('core', 'kernel')


def crate_hashes(symbols: Iterable[str]) -> Dict[str, Set[str]]:
	"""The hashes each crate name appears with in @symbols (v0 names)."""
	found: Dict[str, Set[str]] = {}
	for symbol in symbols:
		if not symbol.startswith('_R'):
			continue
		for match in CRATE_ROOT.finditer(symbol):
			length = int(match.group(2))
			name = symbol[match.end():match.end() + length]
			if len(name) == length and re.fullmatch(r'[a-z_][a-z0-9_]*', name):
				found.setdefault(name, set()).add(match.group(1))
	return found


def symvers_symbols(text: str, module: str = 'vmlinux') -> Set[str]:
	"""The symbols @module exports, from a Module.symvers."""
	symbols = set()
	for line in text.splitlines():
		fields = line.split('\t')
		if len(fields) >= 3 and fields[2] == module:
			symbols.add(fields[1])
	return symbols


def generated_exports(texts: Iterable[str]) -> Set[str]:
	"""The symbols of rust/exports_*_generated.h files."""
	symbols = set()
	for text in texts:
		for line in text.splitlines():
			match = EXPORT.match(line.strip())
			if match:
				symbols.add(match.group(1))
	return symbols


def nm_defined(text: str) -> List[str]:
	"""The symbol names of `nm --defined-only` output."""
	names = []
	for line in text.splitlines():
		fields = line.split()
		if len(fields) == 3:
			names.append(fields[2])
	return names


def compare(stock: Set[str], rebuilt_objects: List[str], rebuilt_exports: Set[str]) -> List[str]:
	"""The report's lines; the last starts with "identical" or "DIFFERENT"."""
	lines = []
	stock_hashes = crate_hashes(stock)
	rebuilt_hashes = crate_hashes(rebuilt_objects)
	problems = []
	lines.append(f'{"crate":<18} {"stock Module.symvers":<22} {"rebuilt rust/*.o":<22}')
	for crate in sorted(set(stock_hashes) & set(rebuilt_hashes) | set(REQUIRED)):
		want = ','.join(sorted(stock_hashes.get(crate, ()))) or '(none)'
		have = ','.join(sorted(rebuilt_hashes.get(crate, ()))) or '(none)'
		same = want == have and want != '(none)'
		lines.append(f'{crate:<18} {want:<22} {have:<22} {"same" if same else "DIFFERENT"}')
		if not same:
			problems.append(f'crate {crate}: stock {want}, rebuilt {have}')
	stock_rust = {s for s in stock if s.startswith('_R')}
	rebuilt_rust = {s for s in rebuilt_exports if s.startswith('_R')}
	missing = sorted(stock_rust - rebuilt_rust)
	extra = sorted(rebuilt_rust - stock_rust)
	lines.append(f'Rust symbols exported: {len(stock_rust)} by the stock kernel, '
		     f'{len(rebuilt_rust)} by the rebuilt crates, {len(stock_rust & rebuilt_rust)} in both')
	if missing:
		problems.append(f'{len(missing)} stock exports not rebuilt, e.g. {missing[0]}')
	if extra:
		problems.append(f'{len(extra)} rebuilt exports the stock kernel lacks, e.g. {extra[0]}')
	if not stock_rust:
		problems.append('the stock Module.symvers exports no Rust symbol')
	if problems:
		lines.append('DIFFERENT: ' + '; '.join(problems))
	else:
		lines.append('identical: crate hashes and Rust exports are the stock kernel\'s')
	return lines


def main(argv: List[str]) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--symvers', type=Path, required=True, help="the stock kernel's Module.symvers")
	parser.add_argument('--exports-dir', type=Path, required=True,
			    help="the rebuilt tree's rust/ (exports_*_generated.h)")
	parser.add_argument('--nm-output', type=Path, required=True,
			    help='nm --defined-only of the rebuilt core.o and kernel.o')
	args = parser.parse_args(argv)
	stock = symvers_symbols(args.symvers.read_text())
	headers = sorted(args.exports_dir.glob('exports_*_generated.h'))
	if not headers:
		print(f'no exports_*_generated.h in {args.exports_dir}', file=sys.stderr)
		return 1
	report = compare(stock, nm_defined(args.nm_output.read_text()),
			 generated_exports(h.read_text() for h in headers))
	print('\n'.join(report))
	return 0 if report[-1].startswith('identical') else 1


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
