# SPDX-License-Identifier: GPL-2.0
"""The judge's command line: the run it judges, from its arguments (those
scripts/check.sh saves in verdict.args); its exit status is 1 when anything
failed, crashed or did not parse, or nothing passed."""

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .compose import compose
from .expected import expected_from_tree
from .kernel import Kernel
from .reports import parse_and_write
from .run import Run
from .summary import failed_count, summary_lines


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		prog='python3 -m judge',
		description='Judges the raw results of a make check run, writes its reports '
		'and prints its summary.')
	parser.add_argument('--results', type=Path, required=True)
	parser.add_argument('--modules-dir', type=Path, required=True)
	parser.add_argument('--kunit-tool', type=Path, required=True,
			    help="the kernel's tools/testing/kunit")
	parser.add_argument('--host-tests', type=Path, action='append', default=[],
			    help='KTAP output of a host-side test program')
	parser.add_argument('--tests-dir', type=Path,
			    help='the tests/ folder (default: next to --modules-dir)')
	parser.add_argument('--safety', action='store_true',
			    help="the run was the debug flavour's (make check-debug)")
	parser.add_argument('--target', type=Path,
			    help='what the kernel under test is, if not the default tree '
			    '(a JSON object, see judge/kernel.py)')
	parser.add_argument('modules', nargs='+')
	return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
	args = parse_args(argv)
	run = Run(results=args.results, modules=tuple(args.modules), modules_dir=args.modules_dir,
		  tests_dir=args.tests_dir or args.modules_dir.parent / 'tests',
		  host_tests=tuple(args.host_tests), safety=args.safety,
		  kernel=Kernel.from_file(args.target) if args.target else Kernel())
	sys.path.insert(0, str(args.kunit_tool))
	test = parse_and_write(run.results, compose(run, expected_from_tree(run)))
	print('\n'.join(summary_lines(run, test)))
	return 1 if failed_count(test) or test.counts.passed == 0 else 0
