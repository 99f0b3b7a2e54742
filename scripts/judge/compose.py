# SPDX-License-Identifier: GPL-2.0
"""The whole run as one KTAP document: a subtest for each VM's boot, one per
module (module.py), one per module with lifecycle cases (lifecycle.py),
then one per host-side test program."""

from typing import List

from .boot import boot_block, modules_vm, vms
from .expected import Expected
from .ktap import KTAP_HEADER, program_block
from .lifecycle import lifecycle_block
from .module import module_block
from .raw import read_status, read_text
from .run import Run


def compose(run: Run, expected: Expected) -> List[str]:
	"""@run's raw results as one KTAP document, every test in @expected
	included whether it ran or not."""
	blocks = []
	for vm in vms(run.results):
		if (vm / 'boot-taint').exists():
			blocks.append(boot_block(len(blocks) + 1, vm, run.kernel))
	taint_before = read_status(modules_vm(run.results) / 'boot-taint')
	for module in run.modules:
		raw = run.module_results(module)
		blocks.append(module_block(len(blocks) + 1, module, raw, expected.suites[module],
					   expected.programs[module], taint_before, run.kernel))
		taint = read_status(raw / 'taint')
		taint_before = taint if taint is not None else taint_before
	for module in run.modules:
		raw = run.lifecycle_results(module)
		cases = expected.lifecycle_cases[module]
		if cases or raw.is_dir():
			blocks.append(lifecycle_block(len(blocks) + 1, module, raw, cases, run.kernel))
	for output in run.host_tests:
		text = read_text(output)
		unchanged = read_text(output.with_suffix('.unchanged')).strip()
		if unchanged:
			text = f'{unchanged}\n{text}'
		blocks.append(program_block(len(blocks) + 1, output.stem, text,
					    read_status(output.with_suffix('.status'))))
	document = [KTAP_HEADER, f'1..{len(blocks)}']
	for block in blocks:
		document += block
	return document
