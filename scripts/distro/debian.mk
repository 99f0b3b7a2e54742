# SPDX-License-Identifier: GPL-2.0
#
# make KERNEL=debian|debian-sid ...: the collection on a Debian stock kernel
# (scripts/distro/kernels/$(KERNEL).conf), built with the toolchain Debian
# built it with (GCC and Debian's rustc) in a chroot of its suite, and tested
# on Debian's own vmlinuz. scripts/distro/debian.sh does the work;
# Documentation/kernels.md, "Distributions' stock kernels", explains it.
# Included by the Makefile in place of the default tree's targets.

DEBIAN_SH := RKM_STOCK=$(KERNEL) RKM_EXTERNAL="$(EXTERNAL)" $(SCRIPTS)/distro/debian.sh
DEBIAN_TARGETS := all modules lint tests vm run check modules_install deb
DEBIAN_UNSUPPORTED := $(filter-out $(DEBIAN_TARGETS),$(TREE_TARGETS))

ifneq ($(filter $(DEBIAN_TARGETS) $(DEBIAN_UNSUPPORTED),$(or $(MAKECMDGOALS),all)),)
ifeq ($(LLVM),1)
$(info note: LLVM=1 is ignored with KERNEL=$(KERNEL): Debian's kernel is built with GCC, and so are its modules)
endif
ifneq ($(KDIR),)
$(error KDIR and KERNEL=$(KERNEL) exclude each other: KERNEL=$(KERNEL) builds against its own tree)
endif
endif

.PHONY: $(DEBIAN_TARGETS) $(DEBIAN_UNSUPPORTED)

all: modules

modules lint run modules_install deb:
	@INSTALL_MOD_PATH="$(INSTALL_MOD_PATH)" $(DEBIAN_SH) $@

check:
	@$(DEBIAN_SH) check $(MODULES)

# ROOT=debian: on a throwaway root of the kernel's Debian release, with the
# packages of make KERNEL=$(KERNEL) deb installed (the host's root otherwise).
vm:
	@RKM_ROOT=$(ROOT) $(DEBIAN_SH) vm $(VM_COMMAND)

tests:
	@$(SCRIPTS)/build-tests.sh

$(DEBIAN_UNSUPPORTED):
	@echo "make KERNEL=$(KERNEL) $@: not available on Debian's stock kernel (KERNEL=$(KERNEL) has: $(DEBIAN_TARGETS))" >&2; exit 1
