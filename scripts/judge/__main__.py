# SPDX-License-Identifier: GPL-2.0
"""python3 -m judge ARGS (scripts/ on the path): see cli.py."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
