# SPDX-License-Identifier: GPL-2.0
"""Judging the kernel's taint flags (/proc/sys/kernel/tainted): the flags a
step added that neither the project's modules nor the kernel under test
explain."""

from typing import List, Optional

from .kernel import Kernel
from .ktap import leaf

# The kernel's taint flags (Documentation/admin-guide/tainted-kernels.rst).
# Loading our modules taints with O (out-of-tree); running KUnit with N.
TAINT_FLAGS = 'PFSRMBUDAWCIOELKXTN'
ALLOWED_TAINT = (1 << TAINT_FLAGS.index('O')) | (1 << TAINT_FLAGS.index('N'))


def taint_mask(kernel: Kernel) -> int:
	"""The taint flags expected on @kernel: ours, and those it allows."""
	mask = ALLOWED_TAINT
	for flag in kernel.allowed_taint:
		mask |= 1 << TAINT_FLAGS.index(flag)
	return mask


def taint_problems(taint: int, kernel: Kernel, allowed: int = 0) -> List[str]:
	"""Names of the taint flags that are set but not expected on @kernel
	(nor in @allowed)."""
	unexpected = taint & ~(taint_mask(kernel) | allowed)
	return [f'{TAINT_FLAGS[bit]} (bit {bit})'
		for bit in range(len(TAINT_FLAGS)) if unexpected & (1 << bit)]


def taint_leaf(number: int, name: str, taint: Optional[int], before: Optional[int],
	       what: str, kernel: Kernel, allowed: int = 0) -> List[str]:
	"""Judges the taint flags a step added: /proc/sys/kernel/tainted only
	ever gains flags, so a flag an earlier step set (@before) would fail
	every later one. Flags already set are named in a diagnostic; @allowed
	flags are the step's own expected ones."""
	if taint is None:
		return leaf(number, name, False, 'taint not recorded')
	inherited = taint_problems(before or 0, kernel)
	note = ([f'# already tainted before {what}: {", ".join(inherited)}; '
		 'only flags set since are judged'] if inherited else [])
	bad = taint_problems(taint & ~(before or 0), kernel, allowed)
	return note + leaf(number, name, not bad, ', '.join(bad))
