#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The compile-fail tests of tests/compile-fail/ (see scripts/compile_fail.py):
# KTAP on stdout, one test per case; exit status 0 when every case passed.
#
#   scripts/compile-fail.sh KDIR [CASE...]

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 KDIR [CASE...]"
exec python3 "$TOP/scripts/compile_fail.py" "$@"
