# SPDX-License-Identifier: GPL-2.0
"""The judge of a make check run (python3 -m judge, scripts/ on the path)."""
