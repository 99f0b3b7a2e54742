#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots a default-tree kernel again and again, as every check boots it (the
# same VM, devices and command line, no module loaded), and counts the boots
# whose kernel log holds a report: a gate that fails at random shows here
# first.
#
#   scripts/boot-soak.sh [--flavour NAME] [--boots N] [--parallel P]
#
# --flavour: the default tree's flavour (default, debug, kcsan), built if
# missing; KDIR=/path boots that tree instead. --boots: how many (50).
# --parallel: how many VMs at once (1), as CI runs a check beside a build.
# Prints a line a boot and "N boots, M with reports"; exits non-zero when M
# is not 0. Each boot's console log is kept in results/soak/<flavour>/.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavour=default
boots=50
parallel=1
while [ $# -gt 0 ]; do
	case $1 in
	--flavour | --boots | --parallel)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--flavour) flavour=$2 ;;
		--boots) boots=$2 ;;
		--parallel) parallel=$2 ;;
		esac
		shift 2
		;;
	*) die "unknown argument '$1' (usage: $0 [--flavour NAME] [--boots N] [--parallel P])" ;;
	esac
done
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "--boots must be a positive number, not '$boots'"
[[ $parallel =~ ^[1-9][0-9]*$ ]] || die "--parallel must be a positive number, not '$parallel'"

KDIR=${KDIR:-$("$TOP/scripts/kernel.sh" --flavour "$flavour" ensure)}
export KDIR
logs=$TOP/results/soak/$flavour
rm -rf "$logs"
mkdir -p "$logs"

# One boot: the guest prints its kernel release, so a boot that never reached
# user space is told apart from a clean one.
boot() {
	local n=$1 log=$logs/boot-$1.log
	if ! "$TOP/scripts/vm.sh" --timeout 900 --console-log "$log" --command 'uname -r' \
		>/dev/null 2>&1; then
		echo "boot $n: the VM failed (see $log)"
		return
	fi
	local report
	if report=$(PYTHONPATH="$TOP/scripts" python3 -m judge.kernel_log "$log"); then
		echo "boot $n: clean"
	else
		echo "boot $n: reports, the first:"
		head -n 6 <<<"$report"
	fi
}
export -f boot
export logs TOP

note "booting $KDIR $boots times, $parallel at a time"
start=$(date +%s)
seq 1 "$boots" | (xargs -P "$parallel" -I{} bash -c 'boot {}') | tee "$logs/summary"
clean=$(grep -c ': clean$' "$logs/summary" || true)
printf '%s: %d boots, %d with reports or failures (%d s)\n' \
	"$flavour" "$boots" "$((boots - clean))" "$(($(date +%s) - start))"
[ "$clean" -eq "$boots" ]
