# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: make KERNEL=debian deb,
# the two Debian packages of a stock kernel's ABI, into dist/:
#   linux-librust-<abi>          what kbuild reads to build an external Rust
#                                module against linux-headers-<abi> and that
#                                the headers lack (Ubuntu's linux-lib-rust)
#   rust-kernel-modules-<abi>    the collection's modules, for linux-image-<abi>
# Built by dpkg-deb in the suite's chroot, byte-identical for the same inputs
# (SOURCE_DATE_EPOCH: the kernel's build date for linux-librust; for the
# modules, the last commit's time unless given), then checked by
# that suite's lintian. Documentation/debian-packages.md explains them.

# shellcheck shell=bash

DIST=$TOP/dist
LIBRUST_PACKAGE=linux-librust-$RELEASE
MODULES_PACKAGE=rust-kernel-modules-$RELEASE
# The packages' own revision on top of the kernel's version: bump when what
# linux-librust holds or how it is made changes.
LIBRUST_REVISION=rkm1
# Debian's linux-headers-<abi>/scripts is a link to this package's folder
# (linux-kbuild-<upstream>, shared by the release's flavours).
KBUILD_DIR=/usr/lib/linux-kbuild-${RELEASE%-*}
MAINTAINER="Rust kernel module collection <maintainers@users.noreply.r-seed-f13ea6d8.example>"

# What the headers lack and kbuild reads for a Rust module: the crates'
# metadata (every crate the modules' --extern list reaches), the proc-macro
# libraries, and the target specification (arch/x86/Makefile's --target).
librust_files() {
	local tree=$1
	(cd "$tree/rust" && ls -- lib*.rmeta lib*.so)
}

# stamp DIR: every file's time the epoch's, permissions as Debian's (0644,
# 0755 for folders and maintainer scripts), so that the archive depends on
# nothing but the contents.
stamp() {
	find "$1" -type d -exec chmod 0755 {} +
	find "$1" -type f ! -path '*/DEBIAN/p*' -exec chmod 0644 {} +
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# control_common DIR: md5sums and Installed-Size (KiB, a file's size rounded
# up, one for each folder and link: what dpkg-gencontrol counts).
control_common() {
	local dir=$1
	(cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
		xargs -0 md5sum) >"$dir/DEBIAN/md5sums"
	(cd "$dir" && find . -path ./DEBIAN -prune -o ! -path . \( -type f -printf '%s\n' -o -printf '1024\n' \) |
		awk '{ kib += int(($1 + 1023) / 1024) } END { print "Installed-Size: " kib }')
}

# doc_common DIR PACKAGE: the copyright file and a changelog, as lintian
# asks of every package.
doc_common() {
	local dir=$1 package=$2 version=$3 changelog=$4 doc
	doc=$dir/usr/share/doc/$package
	mkdir -p "$doc"
	cat >"$doc/copyright" <<-EOF
		Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
		Upstream-Name: $package
		Comment: Made by the Rust kernel module collection's make KERNEL=$RKM_STOCK deb.

		Files: *
		Copyright: 1991-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y) The Linux kernel's authors
		           2026 The Rust kernel module collection's authors
		License: GPL-2
		 This program is free software; you can redistribute it and/or modify it
		 under the terms of the GNU General Public License version 2 as published
		 by the Free Software Foundation.
		 .
		 On Debian systems, the complete text of the GNU General Public License
		 version 2 can be found in /usr/share/common-licenses/GPL-2.
	EOF
	cat >"$doc/$changelog" <<-EOF
		$package ($version) unstable; urgency=medium

		  * Made for Debian's $RELEASE ($KVERSION, $KSUITE).

		 -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
	EOF
	gzip -9n "$doc/$changelog"
}

# The version a package of the suite's archive has in the chroot's record
# (chroot_packages: what the set-up resolved and installed).
pinned() {
	chroot_packages | sed -n "s/^$1=//p"
}

stage_librust() {
	local tree=$1 dir=$2 version=$KVERSION+$LIBRUST_REVISION f src=/usr/src/$LIBRUST_PACKAGE
	mkdir -p "$dir/DEBIAN" "$dir$src/rust" "$dir/usr/src/linux-headers-$RELEASE" "$dir$KBUILD_DIR/scripts"
	for f in $(librust_files "$tree"); do
		cp "$tree/rust/$f" "$dir$src/rust/$f"
	done
	# The proc macros' symbol tables are all rustc needs of them (Ubuntu strips
	# libmacros.so likewise).
	in_chroot --bind "$dir" -- bash -c "strip --strip-unneeded --remove-section=.comment '$dir$src'/rust/lib*.so"
	# What the proc macros link (libc, libgcc), by dpkg-shlibdeps's reckoning.
	local shlibs
	shlibs=$(in_chroot --bind "$dir" -- bash -euc "cd \$(mktemp -d) && mkdir debian &&
		printf 'Source: x\\n\\nPackage: x\\nArchitecture: any\\n' >debian/control &&
		dpkg-shlibdeps -O '$dir$src'/rust/lib*.so 2>/dev/null" | sed -n 's/^shlibs:Depends=//p')
	[ -n "$shlibs" ] || die "dpkg-shlibdeps found no libraries for $src/rust/lib*.so"
	cp "$tree/scripts/target.json" "$dir$src/target.json"
	ln -s "../$LIBRUST_PACKAGE/rust" "$dir/usr/src/linux-headers-$RELEASE/rust"
	ln -s "../../../src/$LIBRUST_PACKAGE/target.json" "$dir$KBUILD_DIR/scripts/target.json"
	doc_common "$dir" "$LIBRUST_PACKAGE" "$version" changelog.Debian
	local doc=$dir/usr/share/doc/$LIBRUST_PACKAGE
	cp "$tree/rust-exports.txt" "$doc/crate-hash-check.txt"
	chroot_packages >"$doc/toolchain.txt"
	cat >"$doc/README.Debian" <<-EOF
		$LIBRUST_PACKAGE
		$(printf '%*s' ${#LIBRUST_PACKAGE} '' | tr ' ' =)

		Debian's linux-headers-$RELEASE ($KVERSION) lacks what kbuild reads to
		build an out-of-tree Rust module. This package adds it, in the layout of
		Ubuntu's linux-lib-rust packages:

		  $src/rust/            the kernel crates' metadata (lib*.rmeta) and
		                        proc-macro libraries (lib*.so)
		  $src/target.json      the Rust target specification
		  /usr/src/linux-headers-$RELEASE/rust -> $src/rust
		  $KBUILD_DIR/scripts/target.json -> $src/target.json
		                        (where kbuild reads them: the headers' scripts/
		                        is a link to $KBUILD_DIR/scripts)

		Then, with the running kernel $RELEASE:
		  make -C /lib/modules/\$(uname -r)/build M=\$PWD

		How it was made: Debian's $SOURCE_PACKAGE $KVERSION with the .config of
		linux-headers-$RELEASE, in an O= tree where olddefconfig left that
		.config byte-identical, then
		  make ${KMAKE_VARS[*]} modules_prepare
		in a $TOOL_SUITE chroot holding the toolchain Debian built the kernel with
		(toolchain.txt: the chroot's pinned packages). The Rust crates' hashes and
		exported symbols of the result were compared with the stock kernel's
		Module.symvers: crate-hash-check.txt. Rust crate hashes depend on the
		exact rustc, hence this package's Depends on rustc (= $(pinned rustc)).
	EOF
	local size
	size=$(control_common "$dir")
	cat >"$dir/DEBIAN/control" <<-EOF
		Package: $LIBRUST_PACKAGE
		Source: rust-kernel-modules
		Version: $version
		Architecture: amd64
		Maintainer: $MAINTAINER
		$size
		Depends: linux-headers-$RELEASE (= $KVERSION), rustc (= $(pinned rustc)), $KERNEL_CC (= $(pinned "$KERNEL_CC")), dwarves (= $(pinned dwarves)), make, $shlibs
		Section: kernel
		Priority: optional
		Description: Rust metadata for building modules for Linux $RELEASE
		 The kernel crates' metadata, proc-macro libraries and Rust target
		 specification that Debian's linux-headers-$RELEASE lack, so that
		 out-of-tree Rust modules build against them with the plain
		 make -C /lib/modules/$RELEASE/build M=\$PWD, under Debian's rustc
		 $(pinned rustc | sed 's/+.*//'), the compiler the kernel was built with.
	EOF
	stamp "$dir"
}

# The collection's modules, stripped of debug information and compressed as
# Debian's modules are (CONFIG_MODULE_COMPRESS_XZ, kbuild's xz options), in
# updates/ (which depmod prefers to the kernel's own folders).
stage_modules() {
	local dir=$1 version=$2 dest=/usr/lib/modules/$RELEASE/updates/rust-kernel-modules ko m
	mkdir -p "$dir/DEBIAN" "$dir$dest"
	for ko in "$OUT"/modules/*/*.ko; do
		m=$(basename "$ko" .ko)
		cp "$ko" "$dir$dest/$m.ko"
	done
	in_chroot --bind "$dir" -- bash -euc "cd '$dir$dest' && for ko in *.ko; do
		strip --strip-debug \"\$ko\" && xz --check=crc32 --lzma2=dict=1MiB \"\$ko\"; done"
	doc_common "$dir" "$MODULES_PACKAGE" "$version" changelog
	# A twin drives the devices its Rust module drives: were both loaded for
	# a device's alias, whichever probed first would bind it.
	local conf=$dir/usr/lib/modprobe.d/$MODULES_PACKAGE.conf programs_of
	mkdir -p "${conf%/*}"
	echo "# The C twins load only when named (modprobe c_pipe), never for a device." >"$conf"
	for ko in "$OUT"/modules/*/*.ko; do
		m=$(basename "$ko" .ko)
		twin_of "$m"
		[ "$programs_of" = "$m" ] || echo "blacklist $m" >>"$conf"
	done
	local script
	for script in postinst postrm; do
		cat >"$dir/DEBIAN/$script" <<-EOF
			#!/bin/sh
			set -e
			# modprobe finds the modules by name once depmod has indexed them.
			case "\$1" in
			configure | remove | purge) depmod -a $RELEASE ;;
			esac
		EOF
		chmod 0755 "$dir/DEBIAN/$script"
	done
	local size
	size=$(control_common "$dir")
	cat >"$dir/DEBIAN/control" <<-EOF
		Package: $MODULES_PACKAGE
		Source: rust-kernel-modules
		Version: $version
		Architecture: amd64
		Maintainer: $MAINTAINER
		$size
		Depends: linux-image-$RELEASE (= $KVERSION), kmod
		Section: kernel
		Priority: optional
		Description: Rust kernel module collection for Linux $RELEASE
		 Every module of the collection (Rust modules and their C twins), built
		 for Debian's $RELEASE with the toolchain Debian built it with:
		 $(cd "$OUT/modules" && echo *).
		 The modules are not signed: loading one taints the kernel (E).
	EOF
	stamp "$dir"
}

# The packaging tools (lintian; dpkg-dev for dpkg-shlibdeps), installed in
# the suite's chroot on first use.
PACKAGING_TOOLS=(lintian dpkg-dev)
ensure_packaging_tools() {
	in_chroot -- sh -c 'command -v lintian && command -v dpkg-shlibdeps' >/dev/null && return 0
	note "installing ${PACKAGING_TOOLS[*]} in the $TOOL_SUITE chroot"
	# (The chroot keeps no package lists; see make_chroot for Valid-Until.)
	in_chroot -- bash -c 'apt-get update -q -o Acquire::Check-Valid-Until=false &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' \
		bash "${PACKAGING_TOOLS[@]}" >"$BASE/packaging-tools-$TOOL_SUITE.log" 2>&1 ||
		die "apt-get install ${PACKAGING_TOOLS[*]} in $(chroot_dir) failed: $BASE/packaging-tools-$TOOL_SUITE.log"
}

# kernel_epoch: the stock kernel's build date (its Debian changelog's, which
# its version string gives), as seconds since the epoch.
kernel_epoch() {
	local day
	day=$(grep -ao "Debian $KVERSION ([0-9-]*)" "$VMLINUZ" | head -n 1 | sed 's/.*(\(.*\))/\1/')
	[ -n "$day" ] || die "$VMLINUZ's version string has no build date"
	date -u -d "$day" +%s
}

# epoch_of PACKAGE: the time of its files and changelog. linux-librust holds
# the kernel's files, not the collection's: whatever commit makes it, the
# same kernel gives the same package, as one version must.
epoch_of() {
	if [ "$1" = "$LIBRUST_PACKAGE" ]; then kernel_epoch; else echo "$SOURCE_DATE_EPOCH"; fi
}

deb() {
	local tree version stage
	tree=$(ensure)
	build_modules >/dev/null
	export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct)}
	# (A longer hash makes a file name lintian finds too long.)
	version=0.$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d)+g$(git -C "$TOP" rev-parse --short=7 HEAD)
	ensure_packaging_tools
	stage=$OUT/deb
	rm -rf "$stage"
	mkdir -p "$stage" "$DIST"
	SOURCE_DATE_EPOCH=$(epoch_of "$LIBRUST_PACKAGE") stage_librust "$tree" "$stage/$LIBRUST_PACKAGE"
	stage_modules "$stage/$MODULES_PACKAGE" "$version"
	local p debs=()
	for p in "$LIBRUST_PACKAGE" "$MODULES_PACKAGE"; do
		rm -f "$DIST/${p}_"*.deb
		in_chroot --bind "$stage" --bind "$DIST" -- env SOURCE_DATE_EPOCH="$(epoch_of "$p")" \
			dpkg-deb --root-owner-group -Zxz --build "$stage/$p" "$DIST" >/dev/null ||
			die "dpkg-deb --build $stage/$p failed"
		debs+=("$(ls "$DIST/${p}_"*.deb)")
	done
	note "lintian (the $TOOL_SUITE chroot's)"
	# (As nobody, who may not read every folder above DIST: lintian warns
	# when run as root.)
	in_chroot --bind-to "$DIST" /srv/rkm-dist -- setpriv --reuid=nobody --regid=nogroup \
		--clear-groups env HOME=/tmp lintian --fail-on error,warning "${debs[@]/#"$DIST"//srv/rkm-dist}" >&2 ||
		die "lintian found errors in ${debs[*]}"
	(cd "$DIST" && sha256sum "${debs[@]##*/}" && du -h "${debs[@]##*/}")
}
