// SPDX-License-Identifier: GPL-2.0

//! KUnit built in (`CONFIG_KUNIT=y`): the modules' KUnit suites are compiled in. Absent on a
//! tree without KUnit (Debian's stock kernels), and left out on purpose for a build measured
//! without its suites (`make compare`: what the module costs beside its C twin, which has none).
//!
//! absent: error: KUnit is not built in

#[cfg(not(CONFIG_KUNIT = "y"))]
compile_error!("KUnit is not built in");

use kernel::prelude::*;
