#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prints one SHA-256 of what a test reads: the names and contents of the
files given (folders: every file under them, but __pycache__ and dot
folders) and the output of each --command. Time stamps play no part, nor
does the checkout's place when the paths are relative. A path that does
not exist counts as such, so creating it changes the hash.

	content_hash.py [--command 'CMD']... PATH...

scripts/check.sh keys its reuse of host-side results on it."""

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator


def files(path: Path) -> Iterator[Path]:
	"""@path if it is a file, else every file under it, in a fixed order."""
	if not path.is_dir():
		yield path
		return
	for folder, subfolders, names in os.walk(path):
		subfolders[:] = sorted(d for d in subfolders if d != '__pycache__' and not d.startswith('.'))
		for name in sorted(names):
			yield Path(folder) / name


def content_hash(paths: list[Path], commands: list[str]) -> str:
	digest = hashlib.sha256()
	for top in paths:
		digest.update(f'input {top}\n'.encode())
		for path in files(top):
			digest.update(f'file {path.relative_to(top)}\n'.encode())
			try:
				digest.update(path.read_bytes())
			except FileNotFoundError:
				digest.update(b'\0missing')
	for command in commands:
		result = subprocess.run(command, shell=True, capture_output=True)
		digest.update(f'command {command}\n'.encode() + result.stdout + result.stderr)
	return digest.hexdigest()


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--command', action='append', default=[],
			    help='a shell command whose output is an input too (a tool version)')
	parser.add_argument('paths', nargs='+', type=Path)
	args = parser.parse_args()
	print(content_hash(args.paths, args.command))
	return 0


if __name__ == '__main__':
	sys.exit(main())
