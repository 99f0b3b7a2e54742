# SPDX-License-Identifier: GPL-2.0
"""The judge's command line: the run it judges, from its arguments (those
scripts/check.sh saves in verdict.args); its exit status is 1 when anything
failed, crashed or did not parse, or nothing passed."""

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .compose import compose
from .expected import expected_from_plan
from .kernel import Kernel
from .reports import parse_and_write
from .run import Run
from .summary import failed_count, summary_lines


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		prog='python3 -m judge',
		description='Judges the raw results of a make check run, writes its reports '
		'and prints its summary.')
	parser.add_argument('--results', type=Path, required=True,
			    help='the results folder, with the run plan (plan) that says what must '
			    'have run')
	parser.add_argument('--kunit-tool', type=Path, required=True,
			    help="the kernel's tools/testing/kunit")
	parser.add_argument('--host-tests', type=Path, action='append', default=[],
			    help='KTAP output of a host-side test program')
	parser.add_argument('--target', type=Path,
			    help='what the kernel under test is, if not the default tree '
			    '(a JSON object, see judge/kernel.py)')
	return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
	args = parse_args(argv)
	plan = args.results / 'plan'
	if not plan.is_file():
		print(f'{args.results} has no run plan ({plan}): not a make check run of this '
		      'harness', file=sys.stderr)
		return 2
	expected = expected_from_plan(plan)
	run = Run(results=args.results, modules=expected.modules, host_tests=tuple(args.host_tests),
		  kernel=Kernel.from_file(args.target) if args.target else Kernel())
	sys.path.insert(0, str(args.kunit_tool))
	test = parse_and_write(run.results, compose(run, expected))
	print('\n'.join(summary_lines(run, test)))
	return 1 if failed_count(test) or test.counts.passed == 0 else 0
