#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The load cycles of `make check-debug` exercise c_phy as they do rust_phy,
# whose driver it is the twin of: the same PHY, under c_phy's names.
RKM_PHY_DRIVER="RV1000 Gigabit PHY (C)" RKM_PHY_MODULE=c_phy \
	exec bash "${0%/*}/../../rust_phy/debug/exercise.sh"
