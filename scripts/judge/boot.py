# SPDX-License-Identifier: GPL-2.0
"""The run's VMs (one a phase of guest/check.sh, or one for all) and the
KTAP block of each one's boot: its kernel log and taint up to its first
test, and the release it booted when the kernel under test names one."""

import re
from pathlib import Path
from typing import List

from .kernel import Kernel
from .kernel_log import log_problems
from .ktap import KTAP_HEADER, indent, leaf
from .raw import read_status, read_text
from .taint import taint_leaf

# The phases of guest/check.sh, in order. A run's VMs each ran some of them
# and left their files in vm/<their phases, joined by "-">/.
PHASES = ('modules', 'lifecycle')


def vms(results: Path) -> List[Path]:
	"""The folders of the run's VMs, in the order of their first phase."""
	found = [vm for vm in (results / 'vm').glob('*') if vm.name.split('-')[0] in PHASES]
	return sorted(found, key=lambda vm: PHASES.index(vm.name.split('-')[0]))


def modules_vm(results: Path) -> Path:
	"""The folder of the VM that ran the modules phase (it may not exist)."""
	return next((vm for vm in vms(results) if vm.name.split('-')[0] == 'modules'),
		    results / 'vm' / 'modules')


def boot_block(number: int, vm: Path, kernel: Kernel) -> List[str]:
	"""The kernel log and taint of the boot of the VM whose files are in
	@vm, up to its first test, as subtest @number."""
	name = f'{vm.name} VM boot'
	problems = log_problems(vm / 'boot-dmesg.log')
	cases = leaf(1, 'kernel log clean', not problems, '\n'.join(problems[:3]))
	cases += taint_leaf(2, 'no unexpected taint', read_status(vm / 'boot-taint'), 0, 'boot',
			    kernel)
	count = 2
	if kernel.release:
		release = read_text(vm / 'uname-r').strip()
		count += 1
		cases += leaf(count, f'kernel release is {kernel.release}', release == kernel.release,
			      f'uname -r in the VM: {release or "not recorded"}')
	body = [KTAP_HEADER, f'# Subtest: {name}', f'1..{count}'] + cases
	failed = any(re.match(r'^not ok \d+ ', line) for line in cases)
	return indent(body) + [f'{"not ok" if failed else "ok"} {number} {name}']
