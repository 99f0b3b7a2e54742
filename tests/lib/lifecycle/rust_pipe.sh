# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: what names rust_pipe, or
# its twin, for the cases of tests/rust_pipe/lifecycle/.

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the cases

# As tests/rust_pipe/rpipe_test.h reads them: the device node and the
# module providing it.
LC_PIPE_DEVICE=${RKM_PIPE_DEVICE:-/dev/rust-pipe}
LC_PIPE_MODULE=${RKM_PIPE_MODULE:-rust_pipe}
