# SPDX-License-Identifier: GPL-2.0
"""The kernel under test when it is not the project's own tree: what
--target FILE says of it (scripts/distro/debian.sh writes one)."""

import json
from pathlib import Path
from typing import Dict, Optional


class Kernel:
	"""The kernel under test, from a JSON object whose keys are all optional
	(none: the project's own tree):

	  release        the `uname -r` the VM must show (a boot case checks it)
	  built          how the kernel and modules were built, for the summary
	  allowed_taint  {flag: reason}: taint flags this kernel sets that are
	                 expected (Debian's: E, the modules are unsigned)
	  kunit_absent   why the kernel has no KUnit: each declared suite is
	                 then skipped with this reason instead of failing
	"""

	def __init__(self, data: Optional[dict] = None):
		data = data or {}
		self.release: Optional[str] = data.get('release')
		self.built: Optional[str] = data.get('built')
		self.allowed_taint: Dict[str, str] = data.get('allowed_taint', {})
		self.kunit_absent: Optional[str] = data.get('kunit_absent')

	@classmethod
	def from_file(cls, path: Path) -> 'Kernel':
		return cls(json.loads(path.read_text()))
