#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The load cycles of `make check-debug` exercise c_pipe as they do rust_pipe,
# whose ABI it implements.
RKM_PIPE_DEVICE=/dev/c-pipe exec bash "${0%/*}/../../rust_pipe/debug/exercise.sh"
