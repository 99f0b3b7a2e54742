# SPDX-License-Identifier: GPL-2.0
"""The kernel features of a tree (scripts/probes.sh), for the scripts that
run kbuild on sources of modules/common/ outside the collection's Makefile:
its compat code selects on them, as rustc cfgs."""

import subprocess
from pathlib import Path
from typing import List

TOP = Path(__file__).resolve().parents[1]


def kernel_features(kdir: Path) -> List[str]:
	"""The names of the features the tree has; raises CalledProcessError
	(after probes.sh said why on stderr) when probing fails."""
	probe = subprocess.run([str(TOP / 'scripts/probes.sh'), str(kdir), 'LLVM=1'],
			       stdout=subprocess.PIPE, text=True, check=True)
	return probe.stdout.split()


def rustc_cfgs(features: List[str]) -> str:
	"""The features as rustc flags, for KRUSTFLAGS."""
	return ' '.join(f'--cfg={feature}' for feature in features)
