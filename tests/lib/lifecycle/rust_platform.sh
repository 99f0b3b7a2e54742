# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: rust_platform, or its
# twin, and its banks, for the cases of tests/rust_platform/lifecycle/.

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the cases

# As tests/rust_platform/bank.h reads them: the driver, its module, and its
# banks (the six of modules/rust_platform/vm/rust_platform.dsl, or of the
# twin's own .dsl, with the same properties): their ACPI _HID, the ACPI path
# of bank n (this followed by n) and where bank 0's MMIO window starts (bank
# n's is n pages further).
LC_PLATFORM_DRIVER_NAME=${RKM_PLATFORM_DRIVER:-rust_platform}
LC_PLATFORM_MODULE=${RKM_PLATFORM_MODULE:-rust_platform}
LC_PLATFORM_HID=${RKM_PLATFORM_HID:-RKMP0001}
LC_PLATFORM_ACPI=${RKM_PLATFORM_ACPI:-'\_SB_.RKP'}
LC_PLATFORM_PHYS=${RKM_PLATFORM_PHYS:-0xff000000}
LC_PLATFORM_DRIVER=/sys/bus/platform/drivers/$LC_PLATFORM_DRIVER_NAME
LC_PLATFORM_DEVICES=/sys/bus/platform/devices

# lc_bank VAR N: the device name of bank N (0 is bank-a), the device whose
# firmware node is $LC_PLATFORM_ACPI<N> ('\_SB_.RKP0' for rust_platform),
# into VAR; a step.
lc_bank() {
	local _lc_dev _lc_node _lc_path=$LC_PLATFORM_ACPI$2
	for _lc_dev in "$LC_PLATFORM_DEVICES/$LC_PLATFORM_HID":*; do
		read -r _lc_node 2>/dev/null <"$_lc_dev/firmware_node/path" || continue
		if [ "$_lc_node" = "$_lc_path" ]; then
			printf -v "$1" '%s' "${_lc_dev##*/}"
			lc_ok "bank $_lc_path" "${_lc_dev##*/}"
			return 0
		fi
	done
	lc_fail "bank $_lc_path" "a $LC_PLATFORM_HID device with that firmware node" "none"
}

# lc_bank_window N: where bank N's MMIO window starts, in hex.
lc_bank_window() {
	printf '%#x' $((LC_PLATFORM_PHYS + 0x1000 * $1))
}

# lc_bank_driver DEVICE: the driver bound to a platform device, or "none".
lc_bank_driver() {
	lc_driver_of /sys/bus/platform/drivers "$1"
}

# lc_bank_resources DEVICE PHYS: "claims=<the driver's claims of the
# device's window in /proc/iomem> mappings=<ioremap mappings of PHYS in
# /proc/vmallocinfo>", as tests/rust_platform/bank.h counts them: a claim is
# an entry nested in the window, named after the device by rust_platform,
# "<device> <device>" by a C driver's devm_ioremap_resource() (c_platform).
lc_bank_resources() {
	local claims mappings
	local phys
	printf -v phys 'phys=0x%016x ioremap' "$2"
	lc_do count /proc/iomem "^ .* : $1( $1)?\$" && claims=$LC_OUT || claims="($LC_ERR)"
	lc_do count /proc/vmallocinfo "$phys" && mappings=$LC_OUT || mappings="($LC_ERR)"
	printf 'claims=%s mappings=%s' "$claims" "$mappings"
}
