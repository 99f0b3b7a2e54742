#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The modules as they ship without KUnit (the C twins have no suites), for
# make compare and bench-gate's size bound: the same sources built with the
# tree's probed features but rkm_kunit, so that every #[cfg(rkm_kunit)] item
# (each crate's kunit.rs, the KUnit-only helpers) is compiled out. The
# sources are copied into OUT and built there (OUT/modules/<m>/<m>.ko):
# kbuild's separate output folder (MO=) would need a source folder without
# build outputs, which the checkout is not.
#
#   KDIR=... scripts/without-kunit.sh OUT

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set"
[ $# -eq 1 ] || die "usage: $0 OUT"
out=$1
note "the modules without their KUnit suites, in $out"
rm -rf "$out"
mkdir -p "$out"
git -C "$TOP" ls-files -z -co --exclude-standard Kbuild modules |
	(cd "$TOP" && xargs -0 cp --parents -t "$out")
features=$("$TOP/scripts/probes.sh" "$KDIR" LLVM=1)
features=$(tr ' ' '\n' <<<"$features" | grep -vx rkm_kunit | tr '\n' ' ')
make -C "$KDIR" M="$out" LLVM=1 RKM_FEATURES="$features" modules >"$out/build.log" 2>&1 ||
	die "building the modules without KUnit failed: see $out/build.log"
