// SPDX-License-Identifier: GPL-2.0

//! BASE-T link modes of clause-22 PHYs, as sets and as single resolved modes.
//!
//! phylib describes modes as `ethtool` link-mode bitmaps (`phydev->advertising`,
//! `struct ethtool_link_ksettings`). The PHY modules of this collection only deal with the six
//! twisted-pair modes of 10/100/1000BASE-T and the two pause bits, so they use the small value
//! types here and convert at the boundary with [`LinkModes::from_ethtool`] and
//! [`LinkModes::to_ethtool`].
//!
//! # Examples
//!
//! Auto-negotiation's outcome: the best mode both sides advertise.
//!
//! ```
//! use crate::phy_modes::{
//!     LinkModes,
//!     Mode,
//!     Speed, //
//! };
//!
//! let local = LinkModes::ALL_BASET;
//! let partner = LinkModes::BASET100_FULL.union(LinkModes::BASET10_HALF);
//! let mode = local.intersection(partner).best();
//! assert_eq!(mode, Some(Mode::new(Speed::Mbps100, true)));
//! assert_eq!(mode.map(|mode| mode.speed.mbps()), Some(100));
//! assert_eq!(LinkModes::BASET1000_HALF.intersection(partner).best(), None);
//! ```

use kernel::{
    bindings,
    ffi::c_ulong, //
};

/// Line rate of a BASE-T link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Speed {
    /// 10BASE-T.
    Mbps10,
    /// 100BASE-TX.
    Mbps100,
    /// 1000BASE-T.
    Mbps1000,
}

impl Speed {
    /// The speed in Mb/s, as phylib stores it in `phydev->speed`.
    pub(crate) const fn mbps(self) -> u32 {
        match self {
            Speed::Mbps10 => 10,
            Speed::Mbps100 => 100,
            Speed::Mbps1000 => 1000,
        }
    }

    /// The speed for a phylib `phydev->speed` value, `None` for values no BASE-T mode has.
    pub(crate) const fn from_mbps(mbps: i32) -> Option<Self> {
        match mbps {
            10 => Some(Speed::Mbps10),
            100 => Some(Speed::Mbps100),
            1000 => Some(Speed::Mbps1000),
            _ => None,
        }
    }
}

/// One operating mode: a speed and a duplex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mode {
    /// Line rate.
    pub(crate) speed: Speed,
    /// `true` for full duplex, `false` for half duplex.
    pub(crate) full_duplex: bool,
}

impl Mode {
    /// Creates a mode.
    pub(crate) const fn new(speed: Speed, full_duplex: bool) -> Self {
        Self { speed, full_duplex }
    }

    /// The single-mode set holding this mode.
    pub(crate) const fn as_set(self) -> LinkModes {
        match (self.speed, self.full_duplex) {
            (Speed::Mbps10, false) => LinkModes::BASET10_HALF,
            (Speed::Mbps10, true) => LinkModes::BASET10_FULL,
            (Speed::Mbps100, false) => LinkModes::BASET100_HALF,
            (Speed::Mbps100, true) => LinkModes::BASET100_FULL,
            (Speed::Mbps1000, false) => LinkModes::BASET1000_HALF,
            (Speed::Mbps1000, true) => LinkModes::BASET1000_FULL,
        }
    }
}

/// A set of BASE-T modes plus the two pause abilities, e.g. what a PHY advertises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LinkModes(u8);

impl LinkModes {
    /// No mode at all.
    pub(crate) const EMPTY: Self = Self(0);
    /// 10BASE-T half duplex.
    pub(crate) const BASET10_HALF: Self = Self(1 << 0);
    /// 10BASE-T full duplex.
    pub(crate) const BASET10_FULL: Self = Self(1 << 1);
    /// 100BASE-TX half duplex.
    pub(crate) const BASET100_HALF: Self = Self(1 << 2);
    /// 100BASE-TX full duplex.
    pub(crate) const BASET100_FULL: Self = Self(1 << 3);
    /// 1000BASE-T half duplex.
    pub(crate) const BASET1000_HALF: Self = Self(1 << 4);
    /// 1000BASE-T full duplex.
    pub(crate) const BASET1000_FULL: Self = Self(1 << 5);
    /// Symmetric pause (IEEE 802.3 annex 28B "PAUSE").
    pub(crate) const PAUSE: Self = Self(1 << 6);
    /// Asymmetric pause (IEEE 802.3 annex 28B "ASM_DIR").
    pub(crate) const ASYM_PAUSE: Self = Self(1 << 7);
    /// Every speed/duplex mode, no pause.
    pub(crate) const ALL_BASET: Self = Self(0x3f);

    /// The modes in priority order of IEEE 802.3 annex 28B.3, best first.
    pub(crate) const PRIORITY: [Mode; 6] = [
        Mode::new(Speed::Mbps1000, true),
        Mode::new(Speed::Mbps1000, false),
        Mode::new(Speed::Mbps100, true),
        Mode::new(Speed::Mbps100, false),
        Mode::new(Speed::Mbps10, true),
        Mode::new(Speed::Mbps10, false),
    ];

    /// Each member and its `ETHTOOL_LINK_MODE_*_BIT` index.
    const ETHTOOL_BITS: [(LinkModes, u32); 8] = [
        (
            Self::BASET10_HALF,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_10baseT_Half_BIT,
        ),
        (
            Self::BASET10_FULL,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_10baseT_Full_BIT,
        ),
        (
            Self::BASET100_HALF,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_100baseT_Half_BIT,
        ),
        (
            Self::BASET100_FULL,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_100baseT_Full_BIT,
        ),
        (
            Self::BASET1000_HALF,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_1000baseT_Half_BIT,
        ),
        (
            Self::BASET1000_FULL,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_1000baseT_Full_BIT,
        ),
        (
            Self::PAUSE,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_Pause_BIT,
        ),
        (
            Self::ASYM_PAUSE,
            bindings::ethtool_link_mode_bit_indices_ETHTOOL_LINK_MODE_Asym_Pause_BIT,
        ),
    ];

    /// Whether every member of `other` is in `self`.
    pub(crate) const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the set has no member.
    pub(crate) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The members of both sets.
    pub(crate) const fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// The members of either set.
    pub(crate) const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The highest-priority speed/duplex mode of the set, as auto-negotiation resolves it.
    pub(crate) fn best(self) -> Option<Mode> {
        Self::PRIORITY
            .into_iter()
            .find(|mode| self.contains(mode.as_set()))
    }

    /// The modes of an `ethtool` link-mode bitmap that this type can represent; others are
    /// ignored.
    pub(crate) fn from_ethtool(bitmap: &[c_ulong]) -> Self {
        Self::ETHTOOL_BITS
            .into_iter()
            .filter(|&(_, index)| {
                Self::bitmap_word_and_mask(bitmap.len(), index)
                    .is_some_and(|(word, mask)| bitmap.get(word).is_some_and(|w| w & mask != 0))
            })
            .fold(Self::EMPTY, |set, (mode, _)| set.union(mode))
    }

    /// Sets the bits of this set's members in an `ethtool` link-mode bitmap (other bits are
    /// left alone).
    pub(crate) fn to_ethtool(self, bitmap: &mut [c_ulong]) {
        for (mode, index) in Self::ETHTOOL_BITS {
            if !self.contains(mode) {
                continue;
            }
            if let Some((word, mask)) = Self::bitmap_word_and_mask(bitmap.len(), index) {
                if let Some(w) = bitmap.get_mut(word) {
                    *w |= mask;
                }
            }
        }
    }

    fn bitmap_word_and_mask(words: usize, index: u32) -> Option<(usize, c_ulong)> {
        let word = usize::try_from(index / c_ulong::BITS).ok()?;
        (word < words).then(|| (word, 1 << (index % c_ulong::BITS)))
    }
}
