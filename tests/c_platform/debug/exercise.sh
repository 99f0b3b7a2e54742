#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The load cycles of `make check-debug` exercise c_platform as they do
# rust_platform, whose driver it is the twin of: the same banks, under
# c_platform's names (vm/c_platform.dsl).
RKM_PLATFORM_DRIVER=c_platform RKM_PLATFORM_HID=RKMC0001 RKM_PLATFORM_ACPI='\_SB_.RKC' \
	exec bash "${0%/*}/../../rust_platform/debug/exercise.sh"
