#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Downloads Debian's linux-source-<release> package into the cache, without
# touching the system's apt configuration, and unpacks the kernel source.
# Prints the path of the unpacked source tree.
#
#   KVER=7.2 scripts/fetch-kernel-source.sh    that release (default: 7.3)
#
# Each release is pinned to the upload the collection was tested with, in
# the table below. Debian's suites move: when the pinned upload is gone, the
# newest upload of the same release is used (and named); when no suite serves
# the release any more, this fails and says how to pass your own KDIR.
# Documentation/kernels.md says how to add a release.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Release: the pinned upload. The default release is the newest Debian serves.
declare -A PINNED=(
	[7.3]=7.3.4-1~bpo13+1
	[7.2]=7.2.13-1
)
KVER=${KVER:-7.3}
[ -n "${PINNED[$KVER]:-}" ] ||
	die "KVER=$KVER is not a release the collection knows (known: $(printf '%s\n' "${!PINNED[@]}" | sort -V | paste -sd' '))"
PACKAGE=linux-source-$KVER
PINNED_VERSION=${PINNED[$KVER]}
SUITES=(trixie-backports sid)
MIRROR=${RKM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

APT_STATE=$CACHE/apt
SRC_ROOT=$CACHE/src


# Already unpacked? Then nothing touches the network.
existing=$(find "$SRC_ROOT" -mindepth 3 -maxdepth 3 -path "$SRC_ROOT/$KVER.[0-9]*/linux/.rkm-unpacked" \
	2>/dev/null | sort -V | tail -n1 || true)
if [ -n "$existing" ]; then
	dirname "$existing"
	exit 0
fi

mkdir -p "$APT_STATE/lists/partial" "$APT_STATE/cache/archives/partial" "$SRC_ROOT"
: >"$APT_STATE/sources.list"
for suite in "${SUITES[@]}"; do
	echo "deb [signed-by=$KEYRING] $MIRROR $suite main" >>"$APT_STATE/sources.list"
done

note "looking for $PACKAGE in ${SUITES[*]}"
apt_private apt-get update >"$APT_STATE/update.log" 2>&1 ||
	note "apt-get update reported errors (see $APT_STATE/update.log); trying what was fetched"

versions=$(apt_private apt-cache madison "$PACKAGE" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}')
if [ -z "$versions" ]; then
	die "no Debian suite ($MIRROR: ${SUITES[*]}) serves $PACKAGE any more.
Build a Rust-enabled $KVER tree yourself (CONFIG_RUST=y plus the options in configs/
and modules/*/kernel.config, then 'make LLVM=1 modules_prepare') and pass it:
  make LLVM=1 KDIR=/path/to/linux check"
fi
if grep -qxF "$PINNED_VERSION" <<<"$versions"; then
	version=$PINNED_VERSION
else
	version=$(sort -V <<<"$versions" | tail -n1)
	note "pinned $PACKAGE $PINNED_VERSION is no longer served; using $version instead"
fi

note "downloading $PACKAGE $version (about 170 MB)"
deb_dir=$APT_STATE/debs
mkdir -p "$deb_dir"
(cd "$deb_dir" && apt_private apt-get download "$PACKAGE=$version" >/dev/null) ||
	die "apt-get download $PACKAGE=$version failed"
deb=$(find "$deb_dir" -name "${PACKAGE}_*.deb" | head -n1)

dest=$SRC_ROOT/$version
tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
note "unpacking $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
tarball=$(find "$tmp" -name 'linux-source-*.tar.xz' | head -n1)
tar -xJf "$tarball" -C "$tmp"
rm -rf "$tmp/usr"
mv "$tmp"/linux-source-* "$tmp/linux"
echo "$version" >"$tmp/linux/.rkm-debian-version"
rm -rf "$dest"
mv "$tmp" "$dest"
touch "$dest/linux/.rkm-unpacked"
rm -f "$deb"
echo "$dest/linux"
