# SPDX-License-Identifier: GPL-2.0
"""A module's lifecycle cases (tests/<module>/lifecycle/*.sh) as a KTAP
block: per case its script's exit status, what stayed loaded after it, and
the kernel log and taint flags of its run alone, so that a report fails
only the case that caused it."""

import re
from pathlib import Path
from typing import List, Sequence

from .kernel import Kernel
from .kernel_log import expected_warnings, log_problems
from .ktap import KTAP_HEADER, distinct, indent, ktap_safe, leaf
from .raw import read_status, read_taints, read_text
from .taint import TAINT_FLAGS, taint_leaf


def lifecycle_case(number: int, case: str, raw: Path, parent: str, kernel: Kernel) -> List[str]:
	"""One lifecycle case, as subtest @number of the block @parent."""
	shown = distinct(case, parent, 'case')
	status = read_status(raw / f'{case}.status')
	output = read_text(raw / f'{case}.out')
	if status is None:
		return leaf(number, shown, False, 'did not run' + (f'\n{output}' if output else ''))
	tail = output.splitlines()[-40:]
	cases = [f'# {ktap_safe(line)}' for line in tail if ktap_safe(line)]
	why = ('timed out' if status in (124, 137) else f'exit status {status}')
	cases += leaf(1, 'exits with status 0', status == 0, why)
	unload = raw / f'{case}.unload'
	stuck = read_text(unload).strip() if unload.exists() else 'not recorded'
	cases += leaf(2, 'collection unloads after it', not stuck, f'still loaded: {stuck}')
	allowed = 0
	if (raw / f'{case}.dmesg').exists():
		problems = log_problems(raw / f'{case}.dmesg')
		# A warning the case announced taints the kernel (W) as any other.
		if expected_warnings(read_text(raw / f'{case}.dmesg')):
			allowed = 1 << TAINT_FLAGS.index('W')
	else:
		problems = ['kernel log not recorded']
	cases += leaf(3, 'kernel log clean', not problems, '\n'.join(problems[:3]))
	taints = read_taints(raw / f'{case}.taint')
	cases += taint_leaf(4, 'no new taint', taints[1] if taints else None,
			    taints[0] if taints else None, 'this case', kernel, allowed)
	body = [KTAP_HEADER, f'# Subtest: {shown}', '1..4'] + cases
	failed = any(re.match(r'^not ok \d+ ', line) for line in cases)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {shown}']


def lifecycle_block(number: int, module: str, raw: Path, cases: Sequence[str],
		    kernel: Kernel) -> List[str]:
	"""A module's lifecycle cases (@cases must have run; any other that
	left a status in @raw is judged too) as subtest @number."""
	name = f'{module} lifecycle'
	ran = {p.name[:-len('.status')] for p in raw.glob('*.status')}
	blocks = [lifecycle_case(i, case, raw, name, kernel)
		  for i, case in enumerate(sorted(set(cases) | ran), start=1)]
	body = [KTAP_HEADER, f'# Subtest: {name}', f'1..{len(blocks)}']
	for block in blocks:
		body += block
	failed = any(block[-1].startswith('not ok ') for block in blocks)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {name}']
