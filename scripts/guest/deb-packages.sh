#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM of make KERNEL=debian check, on a throwaway Debian root
# of the kernel's release that has neither package of dist/ (debian-root.sh):
# a user's path through both, checked at each step.
#   1. apt install linux-librust-<abi>: no file written outside what the
#      installed packages declare;
#   2. the kernel's own samples/rust/rust_minimal.rs and rust_misc_device.rs
#      (Debian's linux-source, in /usr/src/linux-source-samples/) built out of
#      tree by the plain make -C /lib/modules/<abi>/build M=..., the root's
#      rustc; insmod, their log lines, the misc device's node and ioctls;
#   3. apt install rust-kernel-modules-<abi>: the same audit; modprobe each
#      module by name, the programs its run plan (OUT/plan, scripts/plan.py
#      on the host) gives it, modprobe -r;
#   4. the kernel log since the start holds no report;
#   5. apt purge of both: their files are gone, depmod ran again, nothing
#      is left but what the headers (which apt keeps) declare.
# Writes OUT/debian-packages.ktap (one case a step) and .status (0: all
# passed), the form scripts/check.sh hands the judge.
#
#   deb-packages.sh OUT

set -uo pipefail

source "$(dirname "$0")/lib.sh"
OUT=${1:?usage: deb-packages.sh OUT}
RELEASE=$(uname -r)
export DEBIAN_FRONTEND=noninteractive
LIBRUST=linux-librust-$RELEASE
MODULES=rust-kernel-modules-$RELEASE
export RKM_KERNEL_FEATURES
RKM_KERNEL_FEATURES=$(cat "$OUT/kernel-features")
# What apt and dpkg write besides the packages' files, and what depmod writes
# (the release as a regex: its "+" and "." are literal).
STATE_FILES="^/(var/lib/(dpkg|apt)|var/cache|var/log|etc/ld\.so\.cache$)|^/usr/lib/modules/$(sed 's/[.+]/\\&/g' <<<"$RELEASE")/modules\."
# The kernel's reports: the one list the judge reads too.
REPORTS=$(grep -v '^#' "$TOP/tests/lib/kernel-reports.txt" | grep . | paste -sd'|')

cases=()
failed=0
# result PASSED NAME [WHY]: one case.
result() {
	local n=$((${#cases[@]} + 1))
	if [ "$1" = 1 ]; then
		cases+=("ok $n $2")
		echo "ok: $2"
	else
		cases+=("not ok $n $2 # ${3:-failed}")
		echo "NOT OK: $2: ${3:-failed}"
		failed=1
	fi
}
step() {
	echo
	echo "==> $*"
}

# Walking every file of the root over 9p takes minutes under TCG, so the
# audits look at folders: whatever creates, renames or removes a file (dpkg
# unpacks through a rename) changes its folder's time. mark NAME stamps a
# file on the root itself (its times are the host's, as the folders');
# changed_since NAME lists the entries of the folders changed since, that
# are themselves newer.
MARKS=/var/lib/rkm-marks
EXCLUDED=(/proc /sys /dev /run /tmp /var/tmp /root/samples $MARKS)
mark() {
	mkdir -p $MARKS
	touch "$MARKS/$1"
	packages >"$MARKS/$1.packages"
	sleep 1
}
changed_since() {
	local m=$MARKS/$1 prune=() dir dirs=()
	for dir in "${EXCLUDED[@]}"; do
		prune+=(-path "$dir" -o)
	done
	mapfile -t dirs < <(find / -xdev \( "${prune[@]}" -false \) -prune -o -type d -newer "$m" -print)
	[ ${#dirs[@]} -eq 0 ] || find "${dirs[@]}" -mindepth 1 -maxdepth 1 -newer "$m" |
		grep -Ev "^($(printf '%s|' "${EXCLUDED[@]}" | sed 's/|$//'))(/|\$)" | LC_ALL=C sort -u
}
packages() {
	dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' | sort
}
# audit MARK NAME: the paths new or changed since MARK all belong to
# packages installed since then (their dpkg -L) or are apt's, dpkg's and
# depmod's.
audit() {
	local m=$1 name=$2 new installed declared stray
	new=$(changed_since "$m")
	installed=$(comm -13 "$MARKS/$m.packages" <(packages))
	declared=$(echo "$installed" | xargs -r dpkg -L | LC_ALL=C sort -u)
	stray=$(LC_ALL=C comm -23 <(echo "$new") <(echo "$declared") | grep -Ev "$STATE_FILES" | grep -v '^$')
	echo "$(echo "$new" | grep -c .) paths new or changed, by $(echo "$installed" | paste -sd' ')"
	if [ -z "$stray" ]; then
		result 1 "$name writes only what its packages declare"
	else
		echo "$stray" | head -n 20 | sed 's/^/    undeclared: /'
		result 0 "$name writes only what its packages declare" "$(echo "$stray" | grep -c .) undeclared paths"
	fi
}

# virtme-ng hides apt's state under tmpfs (for a root it shares read-only):
# this root is a writable throwaway one, whose apt lists and cache hold
# what the packages depend on.
for dir in /var/lib/apt /var/cache; do
	! mountpoint -q "$dir" || umount "$dir"
done

dmesg_start=$(dmesg | wc -l)
# new_log SINCE: the kernel log's lines after line SINCE.
new_log() {
	dmesg | tail -n +$(($1 + 1))
}

# install_package MARK PACKAGE: apt install of dist/'s PACKAGE, a case; the audit of
# what it wrote, another; its files in /tmp/MARK.files.
install_package() {
	local m=$1 package=$2 status=0
	mark "$m"
	step "apt install ./dist/${package}_*.deb"
	apt-get install -y "$TOP"/dist/"$package"_*.deb || status=$?
	result $((status == 0)) "apt install $package" "apt-get exit status $status"
	audit "$m" "apt install $package"
	dpkg -L "$package" | LC_ALL=C sort >"/tmp/$m.files"
}

# ---- 1. linux-librust ------------------------------------------------------
install_package librust "$LIBRUST"

# ---- 2. the kernel's samples, built the plain way ------------------------------
step "make -C /lib/modules/$RELEASE/build M=/root/samples ($(rustc --version))"
mkdir -p /root/samples
cp /usr/src/linux-source-samples/*.rs /root/samples/
echo "obj-m := rust_minimal.o rust_misc_device.o" >/root/samples/Kbuild
echo "(samples from $(cat /usr/src/linux-source-samples/VERSION))"
if make -C "/lib/modules/$RELEASE/build" M=/root/samples 2>&1 &&
	[ -f /root/samples/rust_minimal.ko ] && [ -f /root/samples/rust_misc_device.ko ]; then
	result 1 "plain kbuild builds rust_minimal and rust_misc_device"
else
	result 0 "plain kbuild builds rust_minimal and rust_misc_device"
fi

since=$(dmesg | wc -l)
step "insmod rust_minimal.ko"
insmod /root/samples/rust_minimal.ko && rmmod rust_minimal
new_log "$since"
log=$(new_log "$since")
if grep -q 'rust_minimal: Rust minimal sample (init)' <<<"$log" &&
	grep -q 'rust_minimal: Am I built-in? false' <<<"$log" &&
	grep -q 'rust_minimal: Rust minimal sample (exit)' <<<"$log"; then
	result 1 "rust_minimal loads, logs its init and exit lines, unloads"
else
	result 0 "rust_minimal loads, logs its init and exit lines, unloads"
fi

since=$(dmesg | wc -l)
step "insmod rust_misc_device.ko; ioctls on /dev/rust-misc-device"
insmod /root/samples/rust_misc_device.ko
ls -l /dev/rust-misc-device
# HELLO, SET_VALUE 42, GET_VALUE (the sample's ioctl numbers, its header comment).
ioctls=$(python3 -c '
import fcntl, os, struct
fd = os.open("/dev/rust-misc-device", os.O_RDWR)
fcntl.ioctl(fd, 0x7c80)
fcntl.ioctl(fd, 0x40047c82, struct.pack("i", 42))
print(struct.unpack("i", fcntl.ioctl(fd, 0x80047c81, bytes(4)))[0])
os.close(fd)
' 2>&1)
echo "GET_VALUE after SET_VALUE 42: $ioctls"
rmmod rust_misc_device
new_log "$since"
log=$(new_log "$since")
if [ "$ioctls" = 42 ] && grep -q 'rust_misc_device: Initialising Rust Misc Device Sample' <<<"$log" &&
	grep -q 'Hello from the Rust Misc Device' <<<"$log" && [ ! -e /dev/rust-misc-device ]; then
	result 1 "rust_misc_device: its node, its ioctls and log lines, gone at rmmod"
else
	result 0 "rust_misc_device: its node, its ioctls and log lines, gone at rmmod"
fi

# ---- 3. the collection's modules -----------------------------------------------
install_package modules "$MODULES"
mapfile -t kos < <(grep '\.ko\.xz$' /tmp/modules.files)
if [ ${#kos[@]} -gt 0 ] && grep -q "updates/rust-kernel-modules/rust_pipe.ko.xz" "/lib/modules/$RELEASE/modules.dep"; then
	result 1 "depmod indexed the ${#kos[@]} modules"
else
	result 0 "depmod indexed the ${#kos[@]} modules"
fi

# The programs that reload their module (finit_module) read
# $RKM_MODULES_DIR/<module>/<module>.ko: the package's, decompressed.
export RKM_MODULES_DIR=/tmp/rkm-modules
for ko in "${kos[@]}"; do
	module=$(basename "$ko" .ko.xz)
	mkdir -p "$RKM_MODULES_DIR/$module"
	xz -dc "$ko" >"$RKM_MODULES_DIR/$module/$module.ko"
done
# Each module by name, and the programs and environment its run plan gives
# it (scripts/plan.py, written on the host); a program loads what its
# module needs (tests/<m>/needs) itself, from RKM_MODULES_DIR, as under
# make check.
for ko in "${kos[@]}"; do
	module=$(basename "$ko" .ko.xz)
	mapfile -t programs < <(sed -n "s/^program $module //p" "$OUT/plan")
	mapfile -t environment < <(sed -n "s/^env $module //p" "$OUT/plan")
	step "modprobe $module; its programs"
	loaded=1
	modprobe "$module" || loaded=0
	[ "$(cat "/sys/module/$module/initstate" 2>/dev/null)" = live ] || loaded=0
	result $loaded "modprobe $module"
	[ $loaded = 1 ] || continue
	for entry in "${programs[@]}"; do
		name=${entry%% *}
		echo "    $name"
		status=0
		env "${environment[@]}" timeout "${RKM_TEST_TIMEOUT:-300}" "${entry#* }" >"/tmp/program.out" 2>&1 ||
			status=$?
		sed 's/^/        /' /tmp/program.out
		result $((status == 0)) "$module: $name" "exit status $status"
	done
	unloaded=1
	modprobe -r "$module" || unloaded=0
	result $unloaded "modprobe -r $module"
done

# ---- 4. the kernel log -------------------------------------------------------
step "the kernel log since the start"
reports=$(new_log "$dmesg_start" | grep -E "$REPORTS")
if [ -z "$reports" ]; then
	result 1 "kernel log clean"
else
	echo "$reports" | head -n 20
	result 0 "kernel log clean" "$(echo "$reports" | grep -c .) report lines"
fi

# ---- 5. removal ----------------------------------------------------------------
# (apt never autoremoves kernel packages, so the headers stay: what they
# pulled in is theirs, not the packages'.)
step "apt purge $MODULES $LIBRUST"
apt-get purge -y "$MODULES" "$LIBRUST"
left=$(cat /tmp/librust.files /tmp/modules.files | while read -r path; do
	if [ -f "$path" ] || [ -L "$path" ]; then echo "$path"; fi
done)
if [ -z "$left" ] && ! dpkg -s "$MODULES" "$LIBRUST" >/dev/null 2>&1; then
	result 1 "apt purge removes both packages and every file of theirs"
else
	echo "$left" | sed 's/^/    left: /'
	result 0 "apt purge removes both packages and every file of theirs" "$(echo "$left" | grep -c .) files left"
fi
if ! grep -q rust-kernel-modules "/lib/modules/$RELEASE/modules.dep" && ! modprobe -n rust_pipe 2>/dev/null; then
	result 1 "depmod ran again: modprobe no longer finds rust_pipe"
else
	result 0 "depmod ran again: modprobe no longer finds rust_pipe"
fi
# Whatever is new since the first install and not state must belong to the
# packages it pulled in that are still installed (the headers).
stayed=$(comm -12 <(comm -13 "$MARKS/librust.packages" "$MARKS/modules.packages") <(packages))
left=$(LC_ALL=C comm -23 <(changed_since librust) <(echo "$stayed" | xargs -r dpkg -L | LC_ALL=C sort -u) |
	while read -r path; do
		if [ -e "$path" ] || [ -L "$path" ]; then echo "$path"; fi
	done | grep -Ev "$STATE_FILES")
if [ -z "$left" ]; then
	result 1 "nothing left behind but the packages apt keeps ($(echo "$stayed" | paste -sd' '))"
else
	echo "$left" | head -n 20 | sed 's/^/    left: /'
	result 0 "nothing left behind but the packages apt keeps" "$(echo "$left" | grep -c .) paths"
fi

{
	echo "KTAP version 1"
	echo "1..${#cases[@]}"
	printf '%s\n' "${cases[@]}"
} >"$OUT/debian-packages.ktap"
echo $failed >"$OUT/debian-packages.status"
exit $failed
