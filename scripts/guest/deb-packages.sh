#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages' group of make KERNEL=debian check: a user's path through
# both packages of dist/ on a throwaway Debian root of the kernel's release
# (scripts/distro/debian-root.sh, packages_check), checked at each step, in
# three phases on the same root, after a baseline on another:
#   baseline (chrooted on the host, on a root of its own)
#     0. apt install of what linux-librust-<abi> pulls in, without it: what
#        those packages' maintainer scripts write besides their files, which
#        the audits below then expect;
#   install  (chrooted on the host)
#     1. apt install linux-librust-<abi>: no file written outside what the
#        installed packages declare;
#     2. the kernel's own samples/rust/rust_minimal.rs and
#        rust_misc_device.rs (Debian's linux-source, in
#        /usr/src/linux-source-samples/) built out of tree by the plain
#        make -C /lib/modules/<abi>/build M=..., the root's rustc;
#     3. apt install rust-kernel-modules-<abi>: the same audit; depmod
#        indexed its modules;
#   kernel   (in the VM booting the stock kernel on that root)
#     4. insmod of the samples: their log lines, the misc device's node and
#        ioctls;
#     5. modprobe of each module by name, the programs its run plan (OUT/plan,
#        scripts/plan.py on the host) gives it, modprobe -r;
#     6. the kernel log since the boot holds no report;
#   remove   (chrooted on the host)
#     7. apt purge of both: their files are gone, depmod ran again, nothing
#        is left but what the headers (which apt keeps) declare.
# Each phase appends its cases to OUT/cases ("ok NAME" or "not ok NAME #
# WHY") and, at its end, writes OUT/PHASE.done; the host numbers the cases.
#
#   deb-packages.sh baseline|install|kernel|remove OUT

set -uo pipefail

source "$(dirname "$0")/lib.sh"
PHASE=${1:-}
OUT=${2:-}
case $PHASE in
baseline | install | kernel | remove) ;;
*)
	echo "usage: $0 baseline|install|kernel|remove OUT" >&2
	exit 2
	;;
esac
[ -d "$OUT" ] || {
	echo "$0: OUT ($OUT) is not a folder" >&2
	exit 2
}
# (Chrooted, uname -r is the host's kernel.)
RELEASE=$(cat "$OUT/release")
export DEBIAN_FRONTEND=noninteractive
LIBRUST=linux-librust-$RELEASE
MODULES=rust-kernel-modules-$RELEASE
# What apt and dpkg write besides the packages' files, and what depmod writes
# (the release as a regex: its "+" and "." are literal).
STATE_FILES="^/(var/lib/(dpkg|apt)|var/cache|var/log|etc/ld\.so\.cache$)|^/usr/lib/modules/$(sed 's/[.+]/\\&/g' <<<"$RELEASE")/modules\."
# The kernel's reports: the one list the judge reads too.
REPORTS=$(grep -v '^#' "$TOP/tests/lib/kernel-reports.txt" | grep . | paste -sd'|')
# What the phases hand each other, on the root itself.
MARKS=/var/lib/rkm-marks

# result PASSED NAME [WHY]: one case, appended to OUT/cases.
result() {
	if [ "$1" = 1 ]; then
		echo "ok $2" >>"$OUT/cases"
		echo "ok: $2"
	else
		echo "not ok $2 # ${3:-failed}" >>"$OUT/cases"
		echo "NOT OK: $2: ${3:-failed}"
	fi
}
step() {
	echo
	echo "==> $*"
}
# done_phase: the phase ran to its end (its cases may have failed).
done_phase() {
	touch "$OUT/$PHASE.done"
	exit 0
}

# ---- the audits (chrooted: natively, so a walk of the whole root is quick) --
# mark NAME stamps a file on the root and records the installed packages;
# changed_since NAME lists what was created or changed since (ctime: dpkg
# gives the files it unpacks the package's times).
EXCLUDED=(/proc /sys /dev /run /tmp /var/tmp /root/samples "$MARKS" "$TOP" "$OUT")
mark() {
	mkdir -p "$MARKS"
	touch "$MARKS/$1"
	packages >"$MARKS/$1.packages"
	# File times are the kernel's coarse clock: wait for it to move on, so
	# that whatever follows is newer than the mark.
	until touch "$MARKS/$1.after" && [ "$MARKS/$1.after" -nt "$MARKS/$1" ]; do :; done
}
changed_since() {
	local prune=() dir
	for dir in "${EXCLUDED[@]}"; do
		prune+=(-path "$dir" -o)
	done
	find / -xdev \( "${prune[@]}" -false \) -prune -o ! -type d -cnewer "$MARKS/$1" -print | LC_ALL=C sort
}
packages() {
	dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' | sort
}
# declared PACKAGE...: the paths the packages hold, also under /usr for
# those dpkg -L names by a merged-/usr alias (/lib is a link to usr/lib).
declared() {
	[ $# -eq 0 ] || dpkg -L "$@" | sed -E 'p; s#^/(bin|sbin|lib|lib64)/#/usr/\1/#' | LC_ALL=C sort -u
}
# undeclared MARK: the files new or changed since MARK that no package
# installed since declares and that are not apt's, dpkg's or depmod's.
undeclared() {
	local installed
	mapfile -t installed < <(comm -13 "$MARKS/$1.packages" <(packages))
	LC_ALL=C comm -23 <(changed_since "$1") <(declared "${installed[@]}") | grep -Ev "$STATE_FILES" | grep -v '^$'
}
# What the dependencies of linux-librust write besides their files when
# they are installed alone (the baseline phase, on another throwaway root):
# their own maintainer scripts' output (py3compile's bytecode,
# update-alternatives' links, update-ca-certificates' hashes, ...).
BASELINE=$OUT/baseline.undeclared
# audit MARK NAME: nothing undeclared since MARK, but the baseline.
audit() {
	local m=$1 name=$2 stray
	[ -f "$BASELINE" ] || {
		result 0 "$name writes only what its packages declare" "no baseline: its phase did not run"
		return
	}
	stray=$(undeclared "$m" | LC_ALL=C comm -23 - "$BASELINE")
	echo "$(changed_since "$m" | grep -c .) files new or changed, by $(comm -13 "$MARKS/$m.packages" <(packages) | paste -sd' ')"
	if [ -z "$stray" ]; then
		result 1 "$name writes only what its packages declare"
	else
		echo "$stray" | head -n 20 | sed 's/^/    undeclared: /'
		result 0 "$name writes only what its packages declare" "$(echo "$stray" | grep -c .) undeclared files"
	fi
}

# install_package MARK PACKAGE: apt install of PACKAGE's .deb from OUT/dist,
# a case; the audit of what it wrote, another; its files in MARKS/MARK.files.
install_package() {
	local m=$1 package=$2 status=0
	mark "$m"
	step "apt install ./dist/${package}_*.deb"
	apt-get install -y "$OUT"/dist/"$package"_*.deb || status=$?
	result $((status == 0)) "apt install $package" "apt-get exit status $status"
	audit "$m" "apt install $package"
	dpkg -L "$package" | LC_ALL=C sort >"$MARKS/$m.files"
}

# ---- baseline --------------------------------------------------------------
if [ "$PHASE" = baseline ]; then
	step "the dependencies of $LIBRUST alone"
	mark baseline
	mapfile -t dependencies < <(apt-get install --simulate -q "$OUT"/dist/"$LIBRUST"_*.deb |
		awk -v own="$LIBRUST" '$1 == "Inst" && $2 != own { print $2 "=" substr($3, 2) }')
	status=0
	apt-get install -y -q "${dependencies[@]}" || status=$?
	result $((status == 0)) "apt install of the ${#dependencies[@]} packages $LIBRUST pulls in, alone (the audits' baseline)" \
		"apt-get exit status $status"
	undeclared baseline >"$BASELINE"
	echo "their maintainer scripts wrote $(grep -c . "$BASELINE") files they do not declare:"
	sed -E 's#/[^/]*$##' "$BASELINE" | uniq -c | sort -rn | head -n 20
	done_phase
fi

# ---- install ---------------------------------------------------------------
if [ "$PHASE" = install ]; then
	install_package librust "$LIBRUST"
	# (What it pulled in, at the versions it depends on.)
	dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' rustc 'gcc-[0-9]*' dwarves make "linux-headers-$RELEASE" |
		awk '$1 == "ii" { print "    " $2 " " $3 }'

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

	install_package modules "$MODULES"
	blacklisted=$(sed -n 's/^blacklist //p' /usr/lib/modprobe.d/"$MODULES".conf | sort | paste -sd' ')
	twins=$(awk '$1 == "twin" { print $2 }' "$OUT/plan" | sort | paste -sd' ')
	if [ -n "$twins" ] && [ "$blacklisted" = "$twins" ]; then
		result 1 "the twins load only by name ($twins)"
	else
		result 0 "the twins load only by name ($twins)" "modprobe.d blacklists: $blacklisted"
	fi
	kos=$(grep -c '\.ko\.xz$' "$MARKS/modules.files")
	if [ "$kos" -gt 0 ] && grep -q "^updates/rust-kernel-modules/rust_pipe.ko.xz:" "/lib/modules/$RELEASE/modules.dep"; then
		result 1 "depmod indexed the $kos modules"
	else
		result 0 "depmod indexed the $kos modules"
	fi
	mark kernel
	done_phase
fi

# ---- kernel ----------------------------------------------------------------
if [ "$PHASE" = kernel ]; then
	export RKM_KERNEL_FEATURES
	RKM_KERNEL_FEATURES=$(cat "$OUT/kernel-features")
	# new_log SINCE: the kernel log's lines after line SINCE.
	new_log() {
		dmesg | tail -n +$(($1 + 1))
	}

	since=$(dmesg | wc -l)
	step "insmod rust_minimal.ko"
	insmod /root/samples/rust_minimal.ko && rmmod rust_minimal
	# (The console shows the kernel log as it is written.)
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
	log=$(new_log "$since")
	if [ "$ioctls" = 42 ] && grep -q 'rust_misc_device: Initialising Rust Misc Device Sample' <<<"$log" &&
		grep -q 'Hello from the Rust Misc Device' <<<"$log" && [ ! -e /dev/rust-misc-device ]; then
		result 1 "rust_misc_device: its node, its ioctls and log lines, gone at rmmod"
	else
		result 0 "rust_misc_device: its node, its ioctls and log lines, gone at rmmod"
	fi

	mapfile -t kos < <(grep '\.ko\.xz$' "$MARKS/modules.files")
	# The programs that reload their module (finit_module) read
	# $RKM_MODULES_DIR/<module>/<module>.ko: the package's, decompressed.
	export RKM_MODULES_DIR=/tmp/rkm-modules
	for ko in "${kos[@]}"; do
		module=$(basename "$ko" .ko.xz)
		mkdir -p "$RKM_MODULES_DIR/$module"
		xz -dc "$ko" >"$RKM_MODULES_DIR/$module/$module.ko"
	done
	# Each module by name, and the programs and environment its run plan
	# gives it; a program loads what its module needs (tests/<m>/needs)
	# itself, from RKM_MODULES_DIR, as under make check. Its twin (the
	# plan's twin lines, either way) drives the same devices: set aside as
	# a user who wants one of the two does, or a device the program makes
	# could load it for its alias and bind it first. (The package itself
	# keeps the C twins from loading for a device.)
	PREFER=/run/modprobe.d/rkm-packages-test.conf
	mkdir -p "${PREFER%/*}"
	for ko in "${kos[@]}"; do
		module=$(basename "$ko" .ko.xz)
		mapfile -t programs < <(sed -n "s/^program $module //p" "$OUT/plan")
		mapfile -t environment < <(sed -n "s/^env $module //p" "$OUT/plan")
		mapfile -t twins < <(awk -v m="$module" '$1 == "twin" && $2 == m { print $3 } $1 == "twin" && $3 == m { print $2 }' "$OUT/plan")
		step "modprobe $module; its programs${twins[*]:+ (${twins[*]} set aside)}"
		: >"$PREFER"
		for twin in "${twins[@]}"; do
			echo "blacklist $twin" >>"$PREFER"
			modprobe -r "$twin"
		done
		loaded=1
		modprobe "$module" || loaded=0
		[ "$(cat "/sys/module/$module/initstate" 2>/dev/null)" = live ] || loaded=0
		result $loaded "modprobe $module"
		[ $loaded = 1 ] || continue
		for entry in "${programs[@]}"; do
			name=${entry%% *}
			echo "    $name"
			status=0
			env "${environment[@]}" timeout "${RKM_TEST_TIMEOUT:-300}" "${entry#* }" >/tmp/program.out 2>&1 ||
				status=$?
			sed 's/^/        /' /tmp/program.out
			result $((status == 0)) "$module: $name" "exit status $status"
		done
		unloaded=1
		modprobe -r "$module" || unloaded=0
		result $unloaded "modprobe -r $module"
	done
	rm -f "$PREFER"

	step "the kernel log since the boot"
	reports=$(dmesg | grep -E "$REPORTS")
	if [ -z "$reports" ]; then
		result 1 "kernel log clean"
	else
		echo "$reports" | head -n 20
		result 0 "kernel log clean" "$(echo "$reports" | grep -c .) report lines"
	fi
	done_phase
fi

# ---- remove ----------------------------------------------------------------
# (apt never autoremoves kernel packages, so the headers stay: what they
# pulled in is theirs, not the packages'.)
booted=$(changed_since kernel)
echo "written while the VM ran: $(echo "$booted" | paste -sd' ')"
step "apt purge $MODULES $LIBRUST"
apt-get purge -y "$MODULES" "$LIBRUST"
left=$(cat "$MARKS/librust.files" "$MARKS/modules.files" | while read -r path; do
	if [ -f "$path" ] || [ -L "$path" ]; then echo "$path"; fi
done)
if [ -z "$left" ] && ! dpkg -s "$MODULES" "$LIBRUST" >/dev/null 2>&1; then
	result 1 "apt purge removes both packages and every file of theirs"
else
	echo "$left" | sed 's/^/    left: /'
	result 0 "apt purge removes both packages and every file of theirs" "$(echo "$left" | grep -c .) files left"
fi
if ! grep -q rust-kernel-modules "/lib/modules/$RELEASE/modules.dep" && ! modprobe -S "$RELEASE" -n rust_pipe 2>/dev/null; then
	result 1 "depmod ran again: modprobe no longer finds rust_pipe"
else
	result 0 "depmod ran again: modprobe no longer finds rust_pipe"
fi
# Whatever is new since the first install and not state must belong to the
# packages it pulled in that are still installed (the headers), or be the
# VM's own (virtme-ng's init writes to the root it boots).
mapfile -t stayed < <(comm -12 <(comm -13 "$MARKS/librust.packages" "$MARKS/modules.packages") <(packages))
left=$(LC_ALL=C comm -23 <(changed_since librust) <(declared "${stayed[@]}") |
	LC_ALL=C comm -23 - <(echo "$booted") | LC_ALL=C comm -23 - "$BASELINE" | grep -Ev "$STATE_FILES" | grep -v '^$')
if [ ! -f "$BASELINE" ]; then
	result 0 "nothing left behind but the packages apt keeps" "no baseline: its phase did not run"
elif [ -z "$left" ]; then
	result 1 "nothing left behind but the packages apt keeps (${stayed[*]})"
else
	echo "$left" | head -n 20 | sed 's/^/    left: /'
	result 0 "nothing left behind but the packages apt keeps" "$(echo "$left" | grep -c .) files"
fi
done_phase
