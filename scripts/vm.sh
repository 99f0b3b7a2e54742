#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots KDIR's kernel in a virtme-ng VM with the host's filesystem visible at
# the same paths and every module's VM extras (modules/*/vm/: ACPI tables,
# QEMU options, kernel command line) in place.
#
#   scripts/vm.sh                         interactive root shell
#   scripts/vm.sh -- CMD...               run CMD as root, exit with its status
#   scripts/vm.sh --command 'CMD; CMD'    the same, for a shell command line
#   scripts/vm.sh --script FILE [ARGS]    run a bash script as root
#
# Options: --timeout SECONDS (default 900 for commands, none for the shell),
# --rwdir DIR (a host folder the guest may write to), --console-log FILE
# (the guest's kernel console goes there), --qemu-opts 'OPTS' (more QEMU
# options), --modules 'MODULE...' (the VM extras of these modules only; of
# every module by default), --tree DIR (the modules/ of which tree: the
# checkout by default; scripts/external.sh's stage for make vm EXTERNAL=...),
# --load 'MODULE...' (insmod these modules of the tree before the shell or
# the command; a module that fails to load ends the VM with its error).
# KVM is used when it works; RKM_ACCEL=tcg or RKM_ACCEL=kvm forces a choice.
# RKM_VM_KERNEL boots another kernel image than KDIR's, and RKM_VNG_ARGS adds
# vng arguments, one a line (scripts/distro/debian.sh: Debian's vmlinuz).
# The test knobs (RKM_SEED, RKM_LOAD_CYCLES, RKM_FAULT_BUDGET,
# RKM_FAULT_TRACES, RKM_TEST_TIMEOUT, RKM_DEBUG_TIMEOUT) reach a command's
# environment in the guest.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 vm)"
KERNEL=${RKM_VM_KERNEL:-$KDIR/arch/x86/boot/bzImage}
[ -f "$KERNEL" ] || die "$KERNEL does not exist: KDIR must be a fully built tree to boot it"

timeout=
command_line=
rwdirs=()
extra_qemu_opts=()
console_log=
extras_of=()
tree=$TOP
load=()
cmd=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout)
		timeout=$2
		shift 2
		;;
	--rwdir)
		rwdirs+=(--rwdir "$2")
		shift 2
		;;
	--console-log)
		console_log=$2
		shift 2
		;;
	--qemu-opts)
		extra_qemu_opts+=("$2")
		shift 2
		;;
	--modules)
		read -ra extras_of <<<"$2"
		shift 2
		;;
	--tree)
		tree=$2
		shift 2
		;;
	--load)
		read -ra load <<<"$2"
		shift 2
		;;
	--script)
		cmd=(bash "$2" "${@:3}")
		break
		;;
	--command)
		command_line=$2
		shift 2
		;;
	--)
		shift
		cmd=("$@")
		break
		;;
	*) die "usage: $0 [--timeout S] [--rwdir DIR] [--console-log FILE] [--qemu-opts 'OPTS'] [--modules 'MODULE...'] [--tree DIR] [--load 'MODULE...'] [--command 'CMD' | --script FILE ARGS... | -- CMD...]" ;;
	esac
done

# Succeeds when KVM can boot this kernel. On some hosts /dev/kvm exists but
# QEMU aborts ("failed to set MSR") or hangs, so try a real boot, briefly.
# The answer is cached until the host reboots.
kvm_works() {
	[ -w /dev/kvm ] || return 1
	local stamp
	stamp=$CACHE/kvm-probe.$(cat /proc/sys/kernel/random/boot_id)
	if [ ! -f "$stamp" ]; then
		mkdir -p "$CACHE"
		rm -f "$CACHE"/kvm-probe.*
		# The kernel panics for want of a root file system, and QEMU exits.
		timeout 20 qemu-system-x86_64 -accel kvm -cpu host -machine pc -m 256 -nodefaults \
			-display none -serial stdio -no-reboot -kernel "$KERNEL" \
			-append "console=ttyS0 panic=-1" >"$stamp.log" 2>&1 </dev/null || true
		if grep -q 'Kernel panic' "$stamp.log"; then
			echo yes >"$stamp"
		else
			echo no >"$stamp"
		fi
	fi
	[ "$(cat "$stamp")" = yes ]
}

accel_opts=()
case ${RKM_ACCEL:-auto} in
kvm) ;;
tcg) accel_opts=(--disable-kvm) ;;
auto)
	if ! kvm_works; then
		note "KVM does not work on this host; using QEMU's TCG emulation (slower)"
		accel_opts=(--disable-kvm)
	fi
	;;
*) die "RKM_ACCEL must be kvm, tcg or auto" ;;
esac

# The modules' VM extras. ACPI tables are compiled here, at boot time, so
# a changed .dsl never goes stale.
extras_dir=$tree/.build/vm
mkdir -p "$extras_dir"
if [ ${#extras_of[@]} -eq 0 ]; then
	extras=("$tree"/modules/*/vm)
else
	extras=("${extras_of[@]/#/$tree/modules/}")
	extras=("${extras[@]/%//vm}")
fi
qemu_opts=()
# A kernel log big enough for a whole test run (check-debug's load cycles and
# fault injection print thousands of records between two reads): the default
# 128 KiB would overwrite records, reports among them, before they are read.
append=(--append=log_buf_len=16M)
# Under TCG the clocksource watchdog's reads of another CPU time out now and
# then ("clocksource: Watchdog remote CPU 1 read timed out"), a line in the
# kernel log of whichever test ran then: the emulated TSC needs no watchdog.
append+=(--append=tsc=reliable)
# 4-level paging. vng's TCG CPU ("-cpu max") has LA57, and with 5-level paging
# a KASAN kernel reports "wild-memory-access" for any interrupt that lands in
# identify_boot_cpu()'s window between clearing boot_cpu_data.x86_capability
# and reading CPUID again (arch/x86/kernel/cpu/common.c: identify_cpu(), run
# with interrupts on, before alternatives are patched): KASAN's
# addr_has_metadata() then sees pgtable_l5_enabled() false, so
# KASAN_SHADOW_START moves to 4-level's and every direct-map address looks
# wild (mm/kasan/kasan.h, arch/x86/include/asm/kasan.h; checked against
# 7.3.4). With 4-level paging the cleared bit is the truth. No module needs
# 5-level paging, and TCG walks one level less.
append+=(--append=no5lvl)
for dir in "${extras[@]}"; do
	module=$(basename "$(dirname "$dir")")
	for dsl in "$dir"/*.dsl; do
		[ -e "$dsl" ] || continue
		aml=$extras_dir/$module-$(basename "$dsl" .dsl).aml
		if [ ! -f "$aml" ] || [ "$dsl" -nt "$aml" ]; then
			# Compiled aside, then renamed: a VM booting beside this one
			# may read $aml meanwhile. (iasl -p takes what follows a dot
			# for an extension it replaces.)
			iasl -p "${aml%.aml}-$$" "$dsl" >"$extras_dir/iasl.$$.log" 2>&1 ||
				die "iasl failed on $dsl: $(tail -n 5 "$extras_dir/iasl.$$.log")"
			mv "${aml%.aml}-$$.aml" "$aml"
			rm -f "$extras_dir/iasl.$$.log"
		fi
		qemu_opts+=("-acpitable file=$aml")
	done
	[ -e "$dir/qemu-opts" ] && qemu_opts+=("$(grep -v '^#' "$dir/qemu-opts" | tr '\n' ' ')")
	[ -e "$dir/kernel-cmdline" ] && append+=("--append=$(grep -v '^#' "$dir/kernel-cmdline" | tr '\n' ' ')")
done
qemu_opts+=("${extra_qemu_opts[@]}")

# --force-9p: vng would first try virtio-fs with the only virtiofsd Debian 12
# has (QEMU's C one), which fails to start, after 3 s of waiting each time.
vng_args=(
	--run "$KERNEL" --user root --disable-microvm --force-9p --cpus 2 --memory 2G
	--cwd "$TOP" "${accel_opts[@]}" "${rwdirs[@]}" "${append[@]}"
)
# "=" keeps vng from reading a value that starts with "-" as an option.
[ ${#qemu_opts[@]} -eq 0 ] || vng_args+=("--qemu-opts=${qemu_opts[*]}")
[ -z "${RKM_VNG_ARGS:-}" ] || mapfile -t -O ${#vng_args[@]} vng_args <<<"$RKM_VNG_ARGS"

# --load: insmod each module of the tree, in order. load_cmd ON_FAILURE: the
# guest's shell code for it, which runs ON_FAILURE after the insmod error
# and the last kernel log lines.
load_cmd() {
	local kos=("${load[@]/#/$tree/modules/}") i
	for i in "${!kos[@]}"; do
		kos[i]=${kos[i]}/${load[i]}.ko
	done
	printf 'for ko in %s; do echo "insmod $ko"; insmod "$ko" || { dmesg | tail -n 20; %s; }; done; ' \
		"$(printf '%q ' "${kos[@]}")" "$1"
}

# vng hands the command to the guest's shell as one string.
if [ -n "$command_line" ]; then
	cmd_string=$command_line
elif [ ${#cmd[@]} -gt 0 ]; then
	cmd_string=$(printf '%q ' "${cmd[@]}")
elif [ ${#load[@]} -gt 0 ]; then
	# The shell, once the modules are loaded (or one failed: its kernel log
	# is there to read). vng runs its --shell through su, which gives it no
	# arguments or su's own.
	shell=$extras_dir/load-shell
	printf '#!/bin/bash\n# Written by scripts/vm.sh --load.\n%s\nexec bash "$@"\n' \
		"$(load_cmd 'echo "insmod $ko failed; the shell, without the rest" >&2; break')" >"$shell"
	chmod +x "$shell"
	exec vng "${vng_args[@]}" --shell "$shell"
else
	exec vng "${vng_args[@]}"
fi
[ ${#load[@]} -eq 0 ] || cmd_string="$(load_cmd 'echo "insmod $ko failed" >&2; exit 1')$cmd_string"
# The test knobs the guest's programs read, as set on the host: vng passes
# no environment to the guest's command.
knobs=()
for knob in RKM_SEED RKM_LOAD_CYCLES RKM_FAULT_BUDGET RKM_FAULT_TRACES RKM_TEST_TIMEOUT \
	RKM_DEBUG_TIMEOUT; do
	[ -z "${!knob+set}" ] || knobs+=("$knob=${!knob}")
done
[ ${#knobs[@]} -eq 0 ] || cmd_string="export $(printf '%q ' "${knobs[@]}"); $cmd_string"
# A command runs on files that do not change under it: the guest may cache
# the host's (9p cache=loose; vng's own root options otherwise), which makes
# starting a program about 1.5 times faster under TCG. The interactive shell
# above keeps vng's uncached root, so that it sees files rebuilt meanwhile.
vng_args+=("--append=rootflags=version=9p2000.L,trans=virtio,access=any,msize=524288,cache=loose")
timeout=${timeout:-900}
status=0
# QEMU opens vng's /proc/self/fd/1 and /proc/self/fd/2 anew for each of its
# output ports: a regular file there would be truncated (losing what the
# caller wrote before) and written at offsets of each port's own. Pipes are
# opened as they are, so vng writes only into pipes (pipefail keeps its
# status).
if [ -n "$console_log" ]; then
	# --verbose puts the kernel console on stdout, mixed with the command's
	# output: keep it all in the log and show only the command's lines.
	timeout --kill-after=10 "$timeout" vng "${vng_args[@]}" --verbose -- "$cmd_string" \
		</dev/null 2>&1 | cat >"$console_log" || status=$?
else
	{ timeout --kill-after=10 "$timeout" vng "${vng_args[@]}" -- "$cmd_string" </dev/null \
		2>&1 >&3 3>&- | cat >&2 3>&-; } 3>&1 | cat || status=$?
fi
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	die "the VM did not finish within ${timeout}s and was killed"
fi
exit $status
