#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Judges a make check run from its results folder (python3 -m judge, the
# package scripts/judge/): the raw results and verdict.args, which
# scripts/check.sh wrote beside them.
# make check ends with it; make verdict RESULTS=DIR runs it again on a saved
# run, without a boot, and prints the same summary.
#
#   scripts/verdict.sh RESULTS_DIR

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS_DIR (e.g. results/default)"
results=${1%/}
[ -f "$results/verdict.args" ] ||
	die "$results has no verdict.args: not the results folder of a make check run"
mapfile -t args <"$results/verdict.args"
exec env PYTHONPATH="$TOP/scripts${PYTHONPATH:+:$PYTHONPATH}" \
	python3 -m judge --results "$results" "${args[@]//@RESULTS@/$results}"
