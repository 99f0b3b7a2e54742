# SPDX-License-Identifier: GPL-2.0
"""The pieces of KTAP that the judge composes its document of:
a test case without subtests (passed, failed with its reason, or skipped),
a KUnit suite's debugfs results and a userspace test program's output
renumbered as subtests, indentation, and names made different from their
parent's (the kernel's KTAP parser would end the parent at them)."""

import re
from typing import List, Optional, Sequence

KTAP_HEADER = 'KTAP version 1'
INDENT = '    '


def ktap_safe(text: str) -> str:
	"""One line of text that cannot be mistaken for KTAP syntax."""
	return ' '.join(text.replace('#', '').split())[:200]


def leaf(number: int, name: str, ok: bool, reason: str = '') -> List[str]:
	"""A test case without subtests; failures carry their reason as a diagnostic."""
	lines = [f'# {ktap_safe(line)}' for line in reason.splitlines() if not ok]
	return lines + [f'{"ok" if ok else "not ok"} {number} {name}']


def skip_leaf(number: int, name: str, reason: str) -> List[str]:
	"""A test case that did not run, for @reason: skipped, never passed."""
	return [f'ok {number} {name} # SKIP {ktap_safe(reason)}']


def indent(lines: Sequence[str]) -> List[str]:
	return [INDENT + line if line else line for line in lines]


def suite_block(number: int, debugfs_results: str) -> List[str]:
	"""A KUnit suite's debugfs results renumbered as subtest @number.

	The file is a whole KTAP document whose only test is the suite: drop
	the document's header and renumber the suite's result line.
	"""
	lines = debugfs_results.splitlines()
	if lines[:2] != [KTAP_HEADER, '1..1']:
		raise ValueError('not a KUnit debugfs results file')
	body = lines[2:]
	for i in range(len(body) - 1, -1, -1):
		match = re.match(r'^(ok|not ok) 1 (.*)$', body[i])
		if match:
			body[i] = f'{match.group(1)} {number} {match.group(2)}'
			break
	return body


def program_block(number: int, name: str, output: str, status: Optional[int]) -> List[str]:
	"""A userspace test program's KTAP output as subtest @number.

	The program's exit status decides its own result: a crash or timeout
	fails it even when every case it printed passed.
	"""
	lines = output.splitlines()
	if KTAP_HEADER in lines:
		header = lines.index(KTAP_HEADER)
		lines = lines[:header] + lines[header + 1:]
	block = [KTAP_HEADER, f'# Subtest: {name}']
	block += [line if re.match(r'^(\s*)(ok|not ok|1\.\.|KTAP|#)', line)
		  else f'# {line}' for line in lines]
	if status == 0:
		return indent(block) + [f'ok {number} {name}']
	if status is None:
		why = 'did not run to its end: no exit status recorded'
	elif status in (124, 137):
		why = 'timed out'
	else:
		why = f'exit status {status}'
	return indent(block) + [f'not ok {number} {name} # {why}']


def distinct(name: str, parent: str, prefix: str) -> str:
	"""@name, made different from its parent's: the KTAP parser ends a test
	at the first result line named like it, even inside its subtests."""
	return f'{prefix} {name}' if name == parent else name
