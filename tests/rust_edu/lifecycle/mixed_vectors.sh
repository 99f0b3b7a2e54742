#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rust_edu with the test-only mix_vectors parameter: its probe allocates
# INTx vectors with the kernel crate's pci::Device::alloc_irq_vectors()
# beside the vector pci_setup's adapter allocated (an MSI), whose drop frees
# every MSI vector of the device (pci_free_irq_vectors()).
#
# 1: dropped before the probe ends. The adapter finds its vector gone before
#    it requests the handler, and refuses the binding with a reason. (Before
#    the adapter, with request_vector() called in the probe between the
#    allocation and the drop, the MSI was freed under its handler.)
# 2: kept with the binding. The adapter frees its handler before the
#    driver's private data is dropped, so the MSI goes without a handler on
#    it: binding, commands, unbind and rebind as without the parameter.
#
# Either way the kernel log must stay free of reports (the harness judges
# it).
#
# Without the kernel feature rkm_pci_irq_vector_registration (7.2:
# Documentation/kernels.md; RKM_KERNEL_FEATURES, from scripts/check.sh), the
# kernel crate leaves its vectors to the devres core until unbind and dropping
# them frees nothing: 1 binds and works as 2. Features unknown: 7.3's.

source "${0%/*}/../../lib/lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu mix_vectors=1
if [ -z "${RKM_KERNEL_FEATURES+set}" ] ||
	[[ " $RKM_KERNEL_FEATURES " == *" rkm_pci_irq_vector_registration "* ]]; then
	lc_check "mix_vectors=1: $LC_EDU_DEVICE" gone "$(lc_exists "$LC_EDU_DEVICE")"
	lc_check "mix_vectors=1: driver of $LC_EDU_BDF" none "$(lc_driver_of /sys/bus/pci/drivers "$LC_EDU_BDF")"
	LC_SEEN=$(dmesg | grep -c "rust_edu $LC_EDU_BDF: interrupt [0-9]* was freed during probe")
	lc_check_re "mix_vectors=1: the refusal's reason in the kernel log" "[1-9][0-9]*" "$LC_SEEN"
else
	lc_edu_factorial_ok "mix_vectors=1, vectors kept by the devres core"
fi
lc_rmmod rust_edu

lc_insmod rust_edu mix_vectors=2
lc_edu_ctl stats
lc_check_re "mix_vectors=2: interrupt mode" ".* irq_mode=1 .*" "$LC_OUT"
lc_edu_factorial_ok "mix_vectors=2"
lc_edu_unbind
lc_edu_bind
lc_edu_factorial_ok "mix_vectors=2, rebound"
lc_edu_balanced "mix_vectors=2"
lc_rmmod rust_edu
lc_pass
