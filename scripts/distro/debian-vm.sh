# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: testing on Debian's
# own vmlinuz and modules in the VM (check, run, vm).

# shellcheck shell=bash

# What the judge needs to know of this kernel (python3 -m judge --target).
write_target() {
	local rustc gcc
	rustc=$(config_value CONFIG_RUSTC_VERSION_TEXT | awk '{print $2}')
	gcc=$(config_value CONFIG_CC_VERSION_TEXT | sed 's/.*(Debian \([^)]*\)).*/\1/')
	python3 - "$OUT/target.json" <<-EOF
		import json, sys
		json.dump({
		    "name": "$RKM_STOCK",
		    "release": "$RELEASE",
		    "built": "Debian's stock kernel (linux-image-$RELEASE $KVERSION, $KSUITE), built by Debian "
		             "with $KERNEL_CC $gcc and rustc $rustc; the modules built in a $TOOL_SUITE chroot with "
		             "the same toolchain, against Rust metadata rebuilt from $SOURCE_PACKAGE $KVERSION",
		    "allowed_taint": {"E": "Debian's kernel checks module signatures and the modules are unsigned"},
		    "kunit_absent": "the stock kernel has no CONFIG_KUNIT, so kunit_tests suites compile out",
		}, open(sys.argv[1], "w"), indent=1)
	EOF
}

# Drivers of QEMU's emulated hardware that no test uses (disk and CD-ROM
# controllers, watchdogs, KVM, input, crypto, firmware config): udev would
# load them at every boot, which under TCG doubles the boot's time. They
# stay loadable by name (modprobe.blacklist only stops loading by alias).
UNUSED_DRIVERS=ahci,sr_mod,sg,kvm_amd,kvm_intel,ccp,i2c_i801,i6300esb,iTCO_wdt,lpc_ich,intel_pmc_bxt,pcspkr,psmouse,serio_raw,evdev,button,aesni_intel,qemu_fw_cfg,powernow_k8

# vm_env: the variables scripts/vm.sh and check.sh read to boot Debian's kernel.
# Kernel options on top of the default VM's:
#  iomem=relaxed  the stock config has CONFIG_IO_STRICT_DEVMEM, under which
#                 /dev/mem refuses the MMIO a driver claimed, which
#                 tests/rust_platform/devmem.c reads to check the driver
#                 keeps its registers in the device; relaxed, it is what
#                 the default tree (no STRICT_DEVMEM) allows.
#  modprobe.blacklist=$UNUSED_DRIVERS  (above)
vm_env() {
	export RKM_VM_KERNEL=$VMLINUZ
	export RKM_VNG_ARGS="--busybox=$BUSYBOX
--append=iomem=relaxed modprobe.blacklist=$UNUSED_DRIVERS"
	export RKM_TARGET=$OUT/target.json
	export RKM_RESULTS=$RESULTS
	export RKM_FLAVOUR=debian
	# Probed in the chroot by the last build (kbuild_modules).
	RKM_KERNEL_FEATURES=$(cat "$OUT/kernel-features")
	export RKM_KERNEL_FEATURES
	# compile_fail.py builds with the host's rustc and LLVM=1.
	export RKM_SKIP_COMPILE_FAIL="tests/compile-fail runs on the default tree (make LLVM=1 check): it builds with the host's rustc and LLVM=1, not with Debian's toolchain"
}

# in_view CMD...: runs CMD (on the host) in a private mount namespace where
# modules/<name>/<name>.ko are the Debian-built ones (an overlay of
# .build/debian/modules on modules/); the checkout itself is not touched and
# no one else sees the overlay.
in_view() {
	local m
	for m in "$TOP"/modules/*/Kbuild; do
		m=$(basename "$(dirname "$m")")
		[ -f "$OUT/modules/$m/$m.ko" ] || die "$OUT/modules/$m/$m.ko is missing: the build did not make it"
	done
	unshare --mount --propagation private -- bash -euc '
		mount -t overlay rkm-debian-modules -o "lowerdir=$1/modules:$2/modules" "$2/modules"
		shift 2
		exec "$@"
	' bash "$OUT" "$TOP" "$@"
}

vm_prepare() {
	local dir
	dir=$1
	"$TOP/scripts/build-tests.sh"
	write_target
	vm_env
	export KDIR=$dir
}

# make KERNEL=... check [MODULE...]: the collection's check on the stock
# kernel; for the whole collection, with the packages' group (debian-root.sh,
# packages_check) in its summary.
check() {
	local dir packages=$BASE/packages-check-$RKM_STOCK
	dir=$(ensure)
	note "lint: clippy and rustc $(config_value CONFIG_RUSTC_VERSION_TEXT | awk '{print $2}') with -Dwarnings, rustfmt"
	lint >/dev/null
	if [ $# -eq 0 ]; then
		packages_check "$packages"
		export RKM_EXTRA_TESTS=$packages/debian-packages.ktap
	else
		note "the packages' group tests the whole collection: not run with MODULES"
	fi
	vm_prepare "$dir"
	note "booting Debian's $RELEASE (stock vmlinuz and modules)"
	in_view "$TOP/scripts/check.sh" "$@"
}

run() {
	local dir
	dir=$(ensure)
	build_modules >/dev/null
	vm_prepare "$dir"
	in_view "$TOP/scripts/vm.sh" --script "$TOP/scripts/guest/demo.sh"
}

vm() {
	case ${RKM_ROOT:-} in
	"") ;;
	debian)
		root_vm "$@"
		return
		;;
	*) die "ROOT=$RKM_ROOT: the only root on offer is ROOT=debian (a throwaway root of $RELEASE's Debian release)" ;;
	esac
	local dir
	dir=$(ensure)
	build_modules >/dev/null
	vm_prepare "$dir"
	in_view "$TOP/scripts/vm.sh" "$@"
}
