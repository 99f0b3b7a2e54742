#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boots the VM once and runs every module's benchmarks
# (tests/<module>/bench/*.c) with the module loaded. Each benchmark compares
# the module with the kernel's own counterpart in the same run and prints
# ratios.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 bench)"
exec "$TOP/scripts/vm.sh" --timeout "${RKM_VM_TIMEOUT:-1800}" --script "$TOP/scripts/guest-bench.sh"
