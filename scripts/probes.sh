#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel features the collection's compat code selects on: builds each
# probe of scripts/probes/ against a tree and prints the names of the probes
# that built, on one line. Module builds pass them to rustc as `--cfg` flags
# (Kbuild's RKM_FEATURES); Documentation/kernels.md lists them.
#
#   scripts/probes.sh KDIR [MAKE-VARIABLE=VALUE...]
#
# A probe is a few lines using one kernel API in which the releases differ
# (this script makes it a module);
# its "//! absent:" lines name the compiler errors that mean the API is
# missing. A probe that fails with any other error fails this script, naming
# the probe and its errors, so a broken probe never silently turns a feature
# off; and control.rs must build on every tree. The variables are passed to
# make (scripts/distro/debian.sh: Debian's compiler and KERNELRELEASE).
# Results are cached per tree (its path, .config and release), variables and
# probe set, in .build/probes/ (RKM_PROBES_DIR: elsewhere); each new set is
# summed up on stderr.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 KDIR [MAKE-VARIABLE=VALUE...]"
kdir=$1
shift
[ -f "$kdir/.config" ] || die "$kdir is not a configured kernel tree (no .config)"
PROBES=$TOP/scripts/probes

key=$({
	realpath "$kdir"
	cat "$kdir/.config" "$kdir/include/config/kernel.release" 2>/dev/null || true
	printf '%s\n' "$@"
	cat "$PROBES"/*.rs
} | sha256sum | cut -c1-12)
cache=${RKM_PROBES_DIR:-$TOP/.build/probes}/$key
if [ -f "$cache/features" ]; then
	cat "$cache/features"
	exit 0
fi

work=$cache.tmp.$$
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# What makes a probe a module, appended to each (after its own lines, so the
# compiler's line numbers are the probe's): module!, unless the probe declares
# it itself for the parameters it probes.
module_items() {
	grep -q '^module! {' "$2" || cat <<-EOF

		module! {
		    type: Probe,
		    name: "$1",
		    authors: ["Rust kernel module collection contributors"],
		    description: "Feature probe (scripts/probes.sh)",
		    license: "GPL",
		}
	EOF
	cat <<-'EOF'

		struct Probe;

		impl kernel::Module for Probe {
		    fn init(_module: &'static ThisModule) -> Result<Self> {
		        Ok(Self)
		    }
		}
	EOF
}
for probe in "$PROBES"/*.rs; do
	name=$(basename "$probe" .rs)
	mkdir "$work/$name"
	{
		cat "$probe"
		module_items "$name" "$probe"
	} >"$work/$name/$name.rs"
	echo "obj-m := $name.o" >"$work/$name/Kbuild"
done

# One kbuild run a probe, so each error is its probe's.
build_one() {
	make -C "$kdir" M="$work/$1" "${@:2}" modules >"$work/$1/build.log" 2>&1 &&
		echo ok >"$work/$1/status" || echo failed >"$work/$1/status"
}
export -f build_one
export kdir work
find "$work" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort |
	xargs -P "$(nproc)" -I{} bash -c 'build_one "$@"' _ {} "$@"

# The compiler's errors in a probe's log, without the closing count.
errors() {
	grep -E '^error' "$1" | grep -v '^error: aborting due to' || true
}

features=()
absent=()
for dir in "$work"/*/; do
	name=$(basename "$dir")
	log=$dir/build.log
	if [ "$(cat "$dir/status")" = ok ]; then
		[ "$name" = control ] || features+=("$name")
		continue
	fi
	found=$(errors "$log")
	expected=$(sed -n 's|^//! absent: ||p' "$PROBES/$name.rs")
	if [ "$name" = control ] || [ -z "$found" ] || [ -z "$expected" ] ||
		grep -vF -f <(printf '%s\n' "$expected") <<<"$found" >/dev/null; then
		rm -rf "$cache.failed"
		cp -r "$work" "$cache.failed"
		die "probe scripts/probes/$name.rs failed on $kdir for another reason than the API it probes is missing:
${found:-$(tail -n 15 "$log")}
(full log: $cache.failed/$name/build.log)"
	fi
	absent+=("$name")
done

note "kernel features of $kdir: ${features[*]:-none}; absent: ${absent[*]:-none}"
mkdir -p "$cache"
echo "${features[*]}" >"$cache/features.tmp"
mv "$cache/features.tmp" "$cache/features"
cat "$cache/features"
