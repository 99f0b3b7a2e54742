// SPDX-License-Identifier: GPL-2.0

//! `pci::DevresBar`, `io::mem::DevresExclusiveIoMem` and `devres::DevresGuard` (7.3); 7.2
//! has `Devres<Bar>` and `RevocableGuard`.
//!
//! absent: error[E0425]: cannot find type `DevresBar`
//! absent: error[E0425]: cannot find type `DevresExclusiveIoMem`
//! absent: error[E0425]: cannot find type `DevresGuard`

#![allow(dead_code, reason = "a probe: only whether it builds matters")]

use kernel::prelude::*;

type Bar = kernel::pci::DevresBar<8>;
type Mapping = kernel::io::mem::DevresExclusiveIoMem<8>;

fn guard(
    mapping: &Mapping,
) -> Option<kernel::devres::DevresGuard<'_, kernel::io::mem::ExclusiveIoMem<'static, 8>>> {
    mapping.try_access()
}
