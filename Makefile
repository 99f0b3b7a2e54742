# SPDX-License-Identifier: GPL-2.0
#
# Rust kernel module collection: the user's entry point (kbuild itself reads
# ./Kbuild). `make help` lists the targets; README.md explains them.
#
#   make LLVM=1                 build every module against the default tree
#   make LLVM=1 KDIR=/path      ... against your own Rust-enabled tree
#   make LLVM=1 run             boot a VM and show every module at work
#   make LLVM=1 check           build and run every test, print a summary

TOP := $(CURDIR)
SCRIPTS := $(TOP)/scripts

# Tool locations (cache, LLVM, bindgen) come from the scripts' shared settings.
export PATH := $(shell bash -c 'source $(SCRIPTS)/lib.sh && echo "$$PATH"')
export LIBCLANG_PATH := $(shell bash -c 'source $(SCRIPTS)/lib.sh && echo "$$LIBCLANG_PATH"')

# make vm CMD='...': the command exactly as typed. $(value) keeps make from
# expanding its "$" (the value exported to the recipe's shell is expanded).
VM_COMMAND = $(if $(value CMD),--command '$(subst ','\'',$(value CMD))')

# Targets that need a kernel tree.
TREE_TARGETS := all modules rust-analyzer modules_install lint checkpatch rustdoc tests vm run check \
	check-debug bench bench-gate compare compile-fail bug-classes

.PHONY: $(TREE_TARGETS) clean rustfmt rustfmtcheck check-host kernel toolchain help verdict
.DEFAULT_GOAL := all

# KERNEL=debian, KERNEL=debian-sid: a Debian stock kernel, its own toolchain
# and its own vmlinuz (scripts/distro/kernels/), in place of the targets below.
STOCK_KERNELS := $(sort $(patsubst %.conf,%,$(notdir $(wildcard $(SCRIPTS)/distro/kernels/*.conf))))
ifneq ($(filter $(STOCK_KERNELS),$(KERNEL)),)
include $(SCRIPTS)/distro/debian.mk
else ifneq ($(KERNEL),)
$(error KERNEL=$(KERNEL) is not known: the stock kernels are $(STOCK_KERNELS))
else # no KERNEL

ifeq ($(origin ROOT),command line)
$(error ROOT=$(ROOT) is a Debian root for a stock kernel: use it with KERNEL=$(firstword $(STOCK_KERNELS)) (or $(lastword $(STOCK_KERNELS))))
endif

ifneq ($(filter $(TREE_TARGETS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(LLVM),1)
$(error Rust kernel modules are built with the LLVM toolchain: run make LLVM=1 $(MAKECMDGOALS))
endif
endif

ifeq ($(KDIR),)

# No tree given: make (or reuse) the project's default tree, then run the
# same target against it.
$(filter-out check-debug bug-classes,$(TREE_TARGETS)):
	+@kdir=$$($(SCRIPTS)/kernel.sh ensure) && \
		$(MAKE) --no-print-directory KDIR="$$kdir" RKM_DEFAULT_TREE=1 $@

# The same tests on the debug flavour of the default tree (configs/debug.config).
check-debug:
	+@kdir=$$($(SCRIPTS)/kernel.sh --flavour debug ensure) && \
		$(MAKE) --no-print-directory KDIR="$$kdir" RKM_DEFAULT_TREE=1 RKM_FLAVOUR=debug check

# The memory-safety bug classes need KASAN (the debug flavour) and, for the
# data race, KCSAN (the kcsan flavour).
bug-classes:
	+@kdir=$$($(SCRIPTS)/kernel.sh --flavour debug ensure) && \
		kcsan=$$($(SCRIPTS)/kernel.sh --flavour kcsan ensure) && \
		$(MAKE) --no-print-directory KDIR="$$kdir" KCSAN_KDIR="$$kcsan" \
			RKM_DEFAULT_TREE=1 bug-classes

else # KDIR given

ifneq ($(RKM_DEFAULT_TREE),1)
$(shell $(SCRIPTS)/kernel.sh check $(KDIR) >&2)
ifneq ($(.SHELLSTATUS),0)
$(error unusable KDIR (see above))
endif
endif

ifneq ($(EXTERNAL),)

# EXTERNAL="dir...": your own out-of-tree modules in place of the
# collection's (Documentation/external-modules.md). scripts/external.sh
# builds each folder into .build/external/ (kbuild's MO=, nothing written
# in the folder) and prints the stage, a tree with the collection's layout
# that the same scripts then run on.
EXTERNAL_TARGETS := all modules check check-debug vm
ifneq ($(filter-out $(EXTERNAL_TARGETS),$(or $(MAKECMDGOALS),all)),)
$(error EXTERNAL works with $(EXTERNAL_TARGETS), not with $(filter-out $(EXTERNAL_TARGETS),$(MAKECMDGOALS)))
endif
ifneq ($(MODULES),)
$(error MODULES names modules of the collection: with EXTERNAL, every module of the folders is tested)
endif
EXTERNAL_STAGE = stage=$$(KDIR=$(KDIR) $(SCRIPTS)/external.sh $(EXTERNAL)) && \
	$(SCRIPTS)/build-tests.sh --tree "$$stage"

all: modules

modules:
	+@KDIR=$(KDIR) $(SCRIPTS)/external.sh $(EXTERNAL) >/dev/null

check:
	+@$(EXTERNAL_STAGE) && KDIR=$(KDIR) RKM_FLAVOUR=$(RKM_FLAVOUR) $(SCRIPTS)/check.sh --tree "$$stage"

check-debug: check

# A shell (or CMD) with every module loaded, in the order of their names.
vm:
	+@$(EXTERNAL_STAGE) && KDIR=$(KDIR) $(SCRIPTS)/vm.sh --tree "$$stage" \
		--load "$$(cd "$$stage/modules" && echo *)" $(VM_COMMAND)

else # no EXTERNAL

all: modules

# MODULES="rust_pipe c_pipe": only these modules are tested, and only they
# and those their tests need are built (scripts/collection.sh).
ifneq ($(MODULES),)
RKM_MODULES := $(shell $(SCRIPTS)/collection.sh $(MODULES) 2>&1)
ifneq ($(.SHELLSTATUS),0)
$(error MODULES: $(RKM_MODULES))
endif
endif

# kbuild on the collection, with the tree's kernel features (scripts/probes.sh)
# for Kbuild's RKM_FEATURES.
KBUILD_COLLECTION = features=$$($(SCRIPTS)/probes.sh $(KDIR) LLVM=1) && \
	$(MAKE) -C $(KDIR) M=$(TOP) RKM_FEATURES="$$features" RKM_MODULES="$(RKM_MODULES)"

modules rust-analyzer:
	+$(KBUILD_COLLECTION) $@

modules_install: modules
	+$(KBUILD_COLLECTION) modules_install

# MODULES may name C modules only, or Rust modules only: the steps of the
# other language then have nothing to do, and say so.
NOT_NEEDED_WITHOUT_RUST = echo "rustdoc: not needed, MODULES names no Rust module"
NOT_NEEDED_WITHOUT_C = echo "checkpatch: not needed, MODULES names no C module"

# Clippy and rustc with every warning an error, the formatting check,
# checkpatch on the C modules (the twins), and rustdoc (a broken intra-doc
# link fails).
lint: rustfmtcheck checkpatch
	+$(KBUILD_COLLECTION) CLIPPY=1 KRUSTFLAGS=-Dwarnings modules
	@$(if $(RUST_MODULES),$(SCRIPTS)/rustdoc.sh $(RUST_MODULES) >/dev/null,$(NOT_NEEDED_WITHOUT_RUST))

# The Rust modules (those of MODULES, if given): a modules/<m>/<m>.rs root.
RUST_MODULES = $(foreach m,$(or $(RKM_MODULES),$(notdir $(patsubst %/Kbuild,%,\
	$(wildcard $(TOP)/modules/*/Kbuild)))),$(if $(wildcard $(TOP)/modules/$(m)/$(m).rs),$(m)))

# HTML documentation of the Rust modules and the modules/common/ files
# they include, in .build/rustdoc/ (scripts/rustdoc.sh).
rustdoc: modules
	@$(if $(RUST_MODULES),$(SCRIPTS)/rustdoc.sh $(RUST_MODULES),$(NOT_NEEDED_WITHOUT_RUST))

CHECKPATCH = $(firstword $(wildcard $(KDIR)/source/scripts/checkpatch.pl $(KDIR)/scripts/checkpatch.pl))
C_MODULE_SOURCES = $(filter-out %.mod.c,$(if $(RKM_MODULES),\
	$(wildcard $(patsubst %,$(TOP)/modules/%/*.[ch],$(RKM_MODULES))),\
	$(wildcard $(TOP)/modules/*/*.[ch] $(TOP)/demos/bug_classes/*.c \
		$(TOP)/demos/bug_classes/*/*.[ch] $(TOP)/demos/bug_classes/include/uapi/*.h)))

checkpatch:
	$(if $(CHECKPATCH),,$(error $(KDIR) has no scripts/checkpatch.pl))
	$(if $(C_MODULE_SOURCES),perl $(CHECKPATCH) --strict --no-tree --quiet --show-types -f $(C_MODULE_SOURCES),@$(NOT_NEEDED_WITHOUT_C))

tests:
	@$(SCRIPTS)/build-tests.sh

vm: modules tests
	@KDIR=$(KDIR) $(SCRIPTS)/vm.sh $(VM_COMMAND)

run: modules tests
	@KDIR=$(KDIR) $(SCRIPTS)/vm.sh --script $(SCRIPTS)/guest/demo.sh

# With MODULES, the host tests and compile-fail cases run again only when
# what they read changed (scripts/check.sh).
check: lint tests
	@KDIR=$(KDIR) RKM_FLAVOUR=$(RKM_FLAVOUR) $(SCRIPTS)/check.sh $(MODULES)

# With your own KDIR, the tree decides which checkers run.
check-debug: check

bench: modules tests
	@KDIR=$(KDIR) $(SCRIPTS)/bench.sh

# CI's performance gate: the benchmarks fail when their module falls below the bounds they state.
bench-gate: modules tests
	@KDIR=$(KDIR) $(SCRIPTS)/bench.sh --gate

# Each Rust sample beside its C twin: sizes, unsafe, memory, tests, benchmarks.
compare: modules tests
	@KDIR=$(KDIR) $(SCRIPTS)/compare.sh

# The soundness bounds of modules/common/, proven by code rustc must refuse.
compile-fail:
	@$(SCRIPTS)/compile-fail.sh $(KDIR)

# Each memory-safety bug class caught in C (KASAN, KCSAN), excluded in Rust;
# VMs of their own (demos/bug_classes/). KDIR must be a KASAN tree, and
# KCSAN_KDIR a KCSAN one (without it, the data race class fails: not run).
bug-classes:
	@KDIR=$(KDIR) KCSAN_KDIR=$(KCSAN_KDIR) $(SCRIPTS)/bug-classes.sh

endif # EXTERNAL

endif # KDIR

endif # KERNEL

# The kernel's own formatting rules (rustfmt is not run by kbuild for M=).
RUST_SOURCES = $(shell find $(TOP)/modules -name '*.rs')
# Crates built alone (compile-fail cases, demos) name modules/common/ files by
# a #[path] that holds only in their build copies: rustfmt formats them from
# stdin, where it follows no module.
STANDALONE_RUST_SOURCES = $(wildcard $(TOP)/tests/compile-fail/*/*.rs $(TOP)/demos/*/*/*.rs \
	$(TOP)/scripts/probes/*.rs)
RUSTFMT = rustfmt --config-path $(SCRIPTS)/rustfmt.toml

rustfmt:
	$(RUSTFMT) $(RUST_SOURCES)
	@for f in $(STANDALONE_RUST_SOURCES); do \
		$(RUSTFMT) <$$f >$$f.fmt && mv $$f.fmt $$f || { rm -f $$f.fmt; exit 1; }; \
	done

rustfmtcheck:
	$(RUSTFMT) --check $(RUST_SOURCES)
	@for f in $(STANDALONE_RUST_SOURCES); do \
		$(RUSTFMT) <$$f | diff -u --label $$f --label "$$f (rustfmt)" $$f - || exit 1; \
	done

check-host:
	@python3 $(TOP)/tests/host/run.py

# Judges a saved make check run again, without a boot (scripts/verdict.sh).
verdict:
	@$(SCRIPTS)/verdict.sh $(or $(RESULTS),$(error RESULTS is not set: make verdict RESULTS=results/default))

kernel:
	@$(SCRIPTS)/kernel.sh ensure

toolchain:
	@$(SCRIPTS)/toolchain.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(TOP) RKM_FEATURES= clean; \
	else \
		find $(TOP)/modules \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
			-o -name '.*.cmd' -o -name '*.rmeta' -o -name modules.order -o -name Module.symvers \) -delete; \
	fi
	rm -rf $(TOP)/.build $(TOP)/rust-project.json

help:
	@echo 'Build (LLVM=1 required; KDIR=/path: your own tree; KVER=7.2: the 7.2 default tree):'
	@echo '  make LLVM=1                  build every module under modules/'
	@echo '  make LLVM=1 CLIPPY=1         ... with clippy'
	@echo '  make LLVM=1 lint             clippy + rustc with warnings as errors, rustfmt check, checkpatch'
	@echo '  make LLVM=1 checkpatch       checkpatch --strict on the C modules and demos'
	@echo '  make LLVM=1 compile-fail     soundness bounds: tests/compile-fail/ must be refused by rustc'
	@echo '  make LLVM=1 rust-analyzer    write rust-project.json for editors'
	@echo '  make LLVM=1 rustdoc          HTML docs of the modules and modules/common/ (.build/rustdoc/), examples compiled'
	@echo '  make LLVM=1 modules_install  install (honours INSTALL_MOD_PATH)'
	@echo '  make rustfmt | rustfmtcheck  format / check with the kernel rustfmt rules'
	@echo '  make clean'
	@echo 'VM (virtme-ng; KVM when it works, TCG otherwise):'
	@echo '  make LLVM=1 run              boot, load every module, show each at work'
	@echo '  make LLVM=1 check            every test: KUnit, tests/, host tests; summary'
	@echo '  make LLVM=1 check-debug      the same on the debug kernel (KASAN, lockdep, kmemleak...)'
	@echo '  make LLVM=1 vm [CMD=...]     a shell (or one command) in the VM'
	@echo '  make LLVM=1 bench            benchmarks, side by side with the kernel'"'"'s own'
	@echo '  make LLVM=1 bench-gate       the same, failing beyond their bounds; and each size bound (CI)'
	@echo '  make LLVM=1 compare          each Rust sample beside its C twin (results/compare/)'
	@echo '  make LLVM=1 check MODULES="rust_pipe"  only those modules: the edit-test loop'
	@echo '  make LLVM=1 check EXTERNAL=dir  your own module folder(s) instead (also check-debug, vm)'
	@echo '  make LLVM=1 bug-classes      memory-safety bug classes: KASAN/KCSAN in C, rustc in Rust'
	@echo '  make verdict RESULTS=dir     judge a saved check run again (its summary), no boot'
	@echo 'Debian stock kernels (KERNEL=debian, KERNEL=debian-sid; no LLVM=1 needed):'
	@echo '  make KERNEL=debian [check|lint|run|vm|modules_install|deb]'
	@echo '  make KERNEL=debian vm ROOT=debian   the VM on a throwaway Debian root, with dist/ installed'
	@echo 'Set-up (done on demand by the targets above):'
	@echo '  make toolchain               install missing tools'
	@echo '  make kernel                  build the default kernel tree'
	@echo '  make check-host              host-side tests of the scripts'
	@echo 'More: README.md, and Documentation/ (quick-start.md, testing.md, kernels.md, ...)'
