# SPDX-License-Identifier: GPL-2.0
#
# Step 1 of scripts/distro/debian.sh's set-up, which sources this: a private
# apt state, the pins resolved once to the versions Debian serves, and the
# kernel's packages and source fetched and unpacked into the cache.

# shellcheck shell=bash

apt_updated=0
apt_update() {
	[ $apt_updated -eq 0 ] || return 0
	mkdir -p "$APT_STATE/lists/partial" "$APT_STATE/cache/archives/partial"
	cat >"$APT_STATE/sources.list" <<-EOF
		deb [signed-by=$KEYRING] $MIRROR $KSUITE main
		deb [signed-by=$KEYRING] $MIRROR $TOOL_SUITE main
	EOF
	note "reading Debian's package lists ($MIRROR: $KSUITE, $TOOL_SUITE)"
	apt_private apt-get update >"$APT_STATE/update.log" 2>&1 ||
		note "apt-get update reported errors (see $APT_STATE/update.log); trying what was fetched"
	apt_updated=1
}

# served PACKAGE [SUITE]: the versions the mirror serves (of SUITE's main only).
served() {
	apt_private apt-cache madison "$1" 2>/dev/null |
		awk -F'|' -v suite="${2:-}" '{gsub(/ /, "", $2)} suite == "" || $3 ~ " " suite "/main " {print $2}'
}

gone_paragraph() {
	cat <<-EOF
		Debian no longer serves $1 (from $MIRROR). The cache holds nothing of
		it yet, so the Debian target cannot be set up. Either point
		RKM_DEBIAN_MIRROR at a snapshot of the archive from when it was served,
		e.g. RKM_DEBIAN_MIRROR=https://snapshot.debian.org/archive/debian/20261201T000000Z
		(then run again), or move the pins at the top of scripts/distro/debian.sh
		(RELEASE, KVERSION, TOOLCHAIN_PINS) to a kernel Debian serves: 'apt-cache
		madison linux-headers-<release>' in $APT_STATE lists them.
	EOF
}

# The versions every package of the set-up resolves to, once per set of
# pins: later runs read them from the cache and need no network.
PINS_KEY=$(printf '%s\n' "recipe $RECIPE" "$RELEASE $KVERSION $KSUITE" "${KERNEL_PACKAGES[@]}" \
	"$SOURCE_PACKAGE" "$TOOL_SUITE" "${TOOLCHAIN_PINS[@]}" "${CHROOT_PACKAGES[@]}" "$BUSYBOX_PIN" |
	sha256sum | cut -c1-12)
RESOLVED=$BASE/resolved-$PINS_KEY

resolve() {
	[ -s "$RESOLVED" ] && return 0
	apt_update
	local pin pkg want versions have out=()
	for pkg in "${KERNEL_PACKAGES[@]}" "$SOURCE_PACKAGE"; do
		versions=$(served "$pkg" "$KSUITE")
		grep -qxF "$KVERSION" <<<"$versions" ||
			die "$(gone_paragraph "$pkg $KVERSION ($KSUITE)")"
	done
	for pin in "${TOOLCHAIN_PINS[@]}" "$BUSYBOX_PIN"; do
		pkg=${pin%%=*}
		want=${pin#*=}
		versions=$(served "$pkg" "$TOOL_SUITE")
		if grep -qxF "$want" <<<"$versions"; then
			have=$want
		else
			have=$(sort -V <<<"$versions" | tail -n1)
			[ -n "$have" ] || die "$(gone_paragraph "$pkg ($TOOL_SUITE)")"
			# The version checks against the headers' .config decide.
			note "$pkg $want is no longer served in $TOOL_SUITE; trying $have"
		fi
		out+=("$pkg=$have")
	done
	for pkg in "${CHROOT_PACKAGES[@]}"; do
		have=$(served "$pkg" "$TOOL_SUITE" | sort -V | tail -n1)
		[ -n "$have" ] || die "$(gone_paragraph "$pkg ($TOOL_SUITE)")"
		out+=("$pkg=$have")
	done
	mkdir -p "$BASE"
	printf '%s\n' "${out[@]}" >"$RESOLVED.tmp"
	mv "$RESOLVED.tmp" "$RESOLVED"
}

resolved_version() {
	sed -n "s/^$1=//p" "$RESOLVED"
}

src_dir() {
	echo "$CACHE/src/$KVERSION/linux"
}

fetch_packages() {
	[ -f "$PKG_DIR/.rkm-complete" ] && return 0
	resolve
	apt_update
	local debs=$BASE/debs tmp=$PKG_DIR.tmp pkg deb
	rm -rf "$tmp" "$debs"
	mkdir -p "$debs" "$tmp/headers" "$tmp/root" "$tmp/busybox"
	note "downloading ${KERNEL_PACKAGES[*]} $KVERSION and busybox-static (about 125 MB)"
	(cd "$debs" && apt_private apt-get download \
		$(printf "%s=$KVERSION " "${KERNEL_PACKAGES[@]}") \
		"busybox-static=$(resolved_version busybox-static)" >"$debs/download.log" 2>&1) ||
		die "apt-get download failed: $(tail -n 3 "$debs/download.log")
$(gone_paragraph "one of ${KERNEL_PACKAGES[*]} $KVERSION")"
	for pkg in "${KERNEL_PACKAGES[@]}"; do
		deb=$(find "$debs" -name "${pkg}_*.deb")
		[ -n "$deb" ] || die "apt-get download left no $pkg package"
		case $pkg in
		linux-headers-*)
			dpkg-deb -x "$deb" "$tmp/headers.x"
			local h=$tmp/headers.x/usr/src/linux-headers-$RELEASE
			cp "$h/.config" "$h/Module.symvers" "$h/.kernelvariables" "$tmp/headers/"
			rm -rf "$tmp/headers.x"
			;;
		*) dpkg-deb -x "$deb" "$tmp/root" ;;
		esac
	done
	dpkg-deb -x "$(find "$debs" -name 'busybox-static_*.deb')" "$tmp/busybox.x"
	mv "$tmp/busybox.x/usr/bin/busybox" "$tmp/busybox/busybox"
	rm -rf "$tmp/busybox.x" "$tmp/root/usr/share"
	[ -f "$tmp/root/usr/lib/modules/$RELEASE/vmlinuz" ] || die "linux-binary-$RELEASE holds no vmlinuz"
	# Debian's packages ship no modules.dep: the VM's module loading needs it.
	depmod -b "$tmp/root/usr" "$RELEASE" || die "depmod of Debian's modules failed"
	echo "$KVERSION" >"$tmp/version"
	rm -rf "$PKG_DIR" "$debs"
	mv "$tmp" "$PKG_DIR"
	touch "$PKG_DIR/.rkm-complete"
}

# Debian's $SOURCE_PACKAGE of the kernel's own version, where
# scripts/fetch-kernel-source.sh keeps it (it is the default tree's source too).
fetch_source() {
	local dest=$CACHE/src/$KVERSION tmp deb
	[ -f "$dest/linux/.rkm-unpacked" ] && return 0
	resolve
	apt_update
	tmp=$dest.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	note "downloading $SOURCE_PACKAGE $KVERSION (about 170 MB)"
	(cd "$tmp" && apt_private apt-get download "$SOURCE_PACKAGE=$KVERSION" >/dev/null) ||
		die "$(gone_paragraph "$SOURCE_PACKAGE $KVERSION")"
	deb=$(find "$tmp" -name "${SOURCE_PACKAGE}_*.deb")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$(find "$tmp" -name 'linux-source-*.tar.xz' -print -quit)" -C "$tmp"
	rm -rf "$tmp/usr" "$deb"
	mv "$tmp"/linux-source-* "$tmp/linux"
	echo "$KVERSION" >"$tmp/linux/.rkm-debian-version"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	touch "$dest/linux/.rkm-unpacked"
}

config_value() {
	sed -n "s/^$1=//p" "$HEADERS/.config" | sed 's/^"\(.*\)"$/\1/'
}
