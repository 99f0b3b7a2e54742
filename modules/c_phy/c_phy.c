// SPDX-License-Identifier: GPL-2.0
/**
 * DOC: c_phy - driver for the RV1000 gigabit Ethernet PHY
 *
 * The C twin of rust_phy, written as a phylib driver of the kernel: the same
 * device, matched the same way, doing the same things in each callback. Its
 * name, "RV1000 Gigabit PHY (C)", tells the two apart in sysfs.
 *
 * The RV1000 is this collection's PHY model: a clause-22 10/100/1000BASE-T
 * PHY, specified by its datasheet (the module documentation of
 * modules/common/rv1000.rs) and emulated on a virtual MDIO bus by
 * rust_vmdio. What the driver relies on:
 *
 * - PHY identifier 0x02abc011 (model 1, revision 1); every revision of
 *   model 1 is matched.
 * - The IEEE 802.3 clause-22 registers: BMCR (reset 0x1140), BMSR (LSTATUS
 *   latched low), ADVERTISE, LPA, CTRL1000, STAT1000 and ESTATUS. BMCR.RESET
 *   completes within 500 ms; it returns BMCR, ADVERTISE and CTRL1000 to
 *   their reset values and restarts auto-negotiation by itself.
 * - PHYSTS (0x10, read-only): the resolved link. Bits 15:14 speed (0 10,
 *   1 100, 2 1000 Mb/s, 3 reserved), 13 full duplex, 11 speed and duplex
 *   resolved, 10 real-time link; 0 while the link is down.
 * - VCTRL (0x11): bit 4 automatic MDI/MDI-X, bits 1:0 LED mode (2: link
 *   and activity). Only a power-on resets it: BMCR.RESET keeps it.
 *
 * The callbacks:
 *
 * - probe: programs VCTRL for automatic crossover and the link/activity
 *   LED (0x0012). VCTRL survives soft resets, so once is enough; that is
 *   why this is not a config_init, which phylib runs at every attach.
 * - soft_reset: writes BMCR.RESET alone and polls until it clears, every
 *   10 ms for at most 600 ms; see rv1000_soft_reset() for why this is not
 *   genphy_soft_reset().
 * - config_aneg: with auto-negotiation, genphy_config_aneg(): ADVERTISE and
 *   CTRL1000 get the modes asked for (other bits kept, a register written
 *   only when its value changes) and negotiation restarts only if either
 *   changed, or BMCR has ANENABLE clear or ISOLATE set, so that asking
 *   again for the same advertisement keeps the link. An advertisement
 *   without any speed/duplex mode is refused with -EINVAL. Without
 *   auto-negotiation the requested speed and duplex are forced in BMCR.
 * - read_status: the link from BMSR (genphy_update_link()), speed and
 *   duplex from PHYSTS, the partner's abilities from LPA and STAT1000
 *   (genphy_read_lpa()) and the pause resolution.
 * - suspend/resume: genphy_suspend() and genphy_resume(), which set and
 *   clear BMCR.PDOWN in one read-modify-write under the MDIO bus lock
 *   (phylib calls suspend without phydev->lock). Every register is kept;
 *   leaving power-down renegotiates.
 *
 * Like rust_phy the driver has no interrupt callbacks: phylib polls it, or
 * the MAC reports link changes (PHY_MAC_INTERRUPT, as rust_vmdio does).
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/module.h>
#include <linux/phy.h>

#define PHY_ID_RV1000			0x02abc011

/* PHYSTS, PHY status: the resolved link (read-only) */
#define RV1000_PHYSTS			0x10
#define RV1000_PHYSTS_SPEED		GENMASK(15, 14)
#define RV1000_PHYSTS_SPEED_10		0
#define RV1000_PHYSTS_SPEED_100		1
#define RV1000_PHYSTS_SPEED_1000	2
#define RV1000_PHYSTS_DUPLEX		BIT(13)
#define RV1000_PHYSTS_RESOLVED		BIT(11)
#define RV1000_PHYSTS_LINK		BIT(10)

/* VCTRL, vendor control: crossover and LEDs (kept by BMCR.RESET) */
#define RV1000_VCTRL			0x11
#define RV1000_VCTRL_AUTO_MDIX		BIT(4)
#define RV1000_VCTRL_LED_MODE		GENMASK(1, 0)
#define RV1000_VCTRL_LED_LINK_ACT	2

/* How often and how long soft_reset polls BMCR.RESET (done within 500 ms) */
#define RV1000_RESET_POLL_US		(10 * USEC_PER_MSEC)
#define RV1000_RESET_TIMEOUT_US		(600 * USEC_PER_MSEC)

/* The BMCR bits that select a forced mode, ISOLATE included */
#define RV1000_BMCR_FORCED_MASK		(BMCR_ANENABLE | BMCR_SPEED100 | \
					 BMCR_SPEED1000 | BMCR_FULLDPLX | \
					 BMCR_ISOLATE)

/**
 * rv1000_probe - program the one-time configuration
 * @phydev: the PHY being bound
 *
 * Return: 0 or a negative MDIO error.
 */
static int rv1000_probe(struct phy_device *phydev)
{
	return phy_write(phydev, RV1000_VCTRL,
			 RV1000_VCTRL_AUTO_MDIX |
			 FIELD_PREP(RV1000_VCTRL_LED_MODE,
				    RV1000_VCTRL_LED_LINK_ACT));
}

/**
 * rv1000_soft_reset - reset the PHY through BMCR.RESET
 * @phydev: the PHY to reset
 *
 * Writes BMCR.RESET alone, then polls until the bit clears. Not
 * genphy_soft_reset(), which reads BMCR first and writes ANRESTART with
 * RESET: the reset itself restarts negotiation on the RV1000 and discards
 * the other bits, so one write does, as in rust_phy; and this polls every
 * 10 ms rather than 50 ms. The forced mode, if any, comes back with the
 * config_aneg that phylib runs next.
 *
 * Return: 0, -ETIMEDOUT if BMCR.RESET is still set after 600 ms, or a
 * negative MDIO error.
 */
static int rv1000_soft_reset(struct phy_device *phydev)
{
	int ret, val;

	ret = phy_write(phydev, MII_BMCR, BMCR_RESET);
	if (ret < 0)
		return ret;

	return phy_read_poll_timeout(phydev, MII_BMCR, val, !(val & BMCR_RESET),
				     RV1000_RESET_POLL_US,
				     RV1000_RESET_TIMEOUT_US, false);
}

/**
 * rv1000_config_forced - force the speed and duplex phylib asks for
 * @phydev: the PHY, with auto-negotiation disabled
 *
 * Clears BMCR.ANENABLE and ISOLATE and selects phydev->speed and
 * phydev->duplex, 1000 Mb/s included (the RV1000 brings a forced mode up if
 * the partner supports it). Not genphy_setup_forced(), which keeps ISOLATE
 * set, nor genphy_config_aneg(), which negotiates a forced 1000 Mb/s.
 *
 * Return: 0, -EINVAL for a speed or duplex the RV1000 cannot force, or a
 * negative MDIO error.
 */
static int rv1000_config_forced(struct phy_device *phydev)
{
	switch (phydev->speed) {
	case SPEED_10:
	case SPEED_100:
	case SPEED_1000:
		break;
	default:
		return -EINVAL;
	}
	if (phydev->duplex != DUPLEX_HALF && phydev->duplex != DUPLEX_FULL)
		return -EINVAL;

	return phy_modify(phydev, MII_BMCR, RV1000_BMCR_FORCED_MASK,
			  mii_bmcr_encode_fixed(phydev->speed, phydev->duplex));
}

/**
 * rv1000_config_aneg - program auto-negotiation or a forced mode
 * @phydev: the PHY, with phydev->lock held
 *
 * Return: 0, -EINVAL when asked to advertise no speed/duplex mode at all
 * (nothing is written then) or to force a mode the PHY has not, or a
 * negative MDIO error.
 */
static int rv1000_config_aneg(struct phy_device *phydev)
{
	if (phydev->autoneg == AUTONEG_DISABLE)
		return rv1000_config_forced(phydev);

	if (!(linkmode_adv_to_mii_adv_t(phydev->advertising) & ADVERTISE_ALL) &&
	    !linkmode_adv_to_mii_ctrl1000_t(phydev->advertising))
		return -EINVAL;

	return genphy_config_aneg(phydev);
}

/**
 * rv1000_read_physts - decode PHYSTS into phydev->speed and phydev->duplex
 * @phydev: the PHY
 * @physts: the value of PHYSTS
 *
 * Return: true if PHYSTS reports a link with a valid resolution, which then
 * is in phydev; false otherwise, phydev left alone.
 */
static bool rv1000_read_physts(struct phy_device *phydev, u16 physts)
{
	const u16 valid = RV1000_PHYSTS_LINK | RV1000_PHYSTS_RESOLVED;

	if ((physts & valid) != valid)
		return false;

	switch (FIELD_GET(RV1000_PHYSTS_SPEED, physts)) {
	case RV1000_PHYSTS_SPEED_10:
		phydev->speed = SPEED_10;
		break;
	case RV1000_PHYSTS_SPEED_100:
		phydev->speed = SPEED_100;
		break;
	case RV1000_PHYSTS_SPEED_1000:
		phydev->speed = SPEED_1000;
		break;
	default:
		return false;
	}
	phydev->duplex = physts & RV1000_PHYSTS_DUPLEX ? DUPLEX_FULL :
							 DUPLEX_HALF;
	return true;
}

/**
 * rv1000_read_status - read the link state
 * @phydev: the PHY, with phydev->lock held
 *
 * genphy_update_link() reads BMSR once while the link was up and phylib
 * polls, so that a short drop latched in BMSR.LSTATUS is reported;
 * otherwise a read without the link is followed by a second one, which
 * gives the current state (rust_phy reads once whenever the link was up,
 * polled or not). With auto-negotiation the link counts only once it has
 * completed. A link that PHYSTS does not show resolved is reported down;
 * without auto-negotiation phylib keeps the forced mode in speed and duplex
 * then.
 *
 * Return: 0 or a negative MDIO error.
 */
static int rv1000_read_status(struct phy_device *phydev)
{
	bool autoneg = phydev->autoneg == AUTONEG_ENABLE;
	int physts, ret;

	ret = genphy_update_link(phydev);
	if (ret)
		return ret;

	if (phydev->link) {
		physts = phy_read(phydev, RV1000_PHYSTS);
		if (physts < 0)
			return physts;
		if (!rv1000_read_physts(phydev, physts))
			phydev->link = 0;
	}
	if (!phydev->link && autoneg) {
		phydev->speed = SPEED_UNKNOWN;
		phydev->duplex = DUPLEX_UNKNOWN;
	}
	if (!autoneg)
		return 0;

	/* Partner abilities for ethtool, cleared while negotiation is incomplete */
	ret = genphy_read_lpa(phydev);
	if (ret < 0)
		return ret;
	phy_resolve_aneg_pause(phydev);
	return 0;
}

static struct phy_driver rv1000_driver[] = {
	{
		PHY_ID_MATCH_MODEL(PHY_ID_RV1000),
		.name		= "RV1000 Gigabit PHY (C)",
		/* .features unset: phylib reads the abilities from BMSR/ESTATUS */
		.probe		= rv1000_probe,
		.soft_reset	= rv1000_soft_reset,
		.config_aneg	= rv1000_config_aneg,
		.read_status	= rv1000_read_status,
		.suspend	= genphy_suspend,
		.resume		= genphy_resume,
	},
};
module_phy_driver(rv1000_driver);

static const struct mdio_device_id __maybe_unused rv1000_tbl[] = {
	{ PHY_ID_MATCH_MODEL(PHY_ID_RV1000) },
	{ }
};
MODULE_DEVICE_TABLE(mdio, rv1000_tbl);

MODULE_AUTHOR("Rust kernel module collection contributors");
MODULE_DESCRIPTION("RV1000 gigabit Ethernet PHY driver");
MODULE_LICENSE("GPL");
