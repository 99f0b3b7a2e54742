// SPDX-License-Identifier: GPL-2.0

//! The probe runner's control: builds on every tree, or the tree cannot build modules.

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;
