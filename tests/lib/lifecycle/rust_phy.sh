# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: rust_vmdio and rust_phy,
# or rust_phy's twin (the PHY on rust_vmdio's bus), for the cases of
# tests/rust_vmdio/lifecycle/ and tests/rust_phy/lifecycle/.

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the other parts and the cases

# As tests/rust_phy/rphy_test.h reads them: the PHY driver's name and its
# module. rust_vmdio has no twin.
LC_PHY_DRIVER=${RKM_PHY_DRIVER:-RV1000 Gigabit PHY}
LC_PHY_MODULE=${RKM_PHY_MODULE:-rust_phy}

LC_VMDIO=/sys/kernel/debug/rust_vmdio
LC_PHY=rust_vmdio:01
LC_PHY_DEV=/sys/bus/mdio_bus/devices/$LC_PHY
LC_MDIO_DRIVERS=/sys/bus/mdio_bus/drivers
LC_RV1000="$LC_MDIO_DRIVERS/$LC_PHY_DRIVER"

# The MAC's interrupt (the fixture's default) reports a link change within
# milliseconds, the emulated negotiation takes 300 ms, and a case that sets
# link_irq to poll waits for phylib's once-a-second poll: a slow (TCG) VM
# gets a wide margin.
LC_LINK_TIMEOUT=10

lc_need_debugfs() {
	local _ mnt type
	while read -r _ mnt type _; do
		[ "$mnt" = /sys/kernel/debug ] && [ "$type" = debugfs ] && return 0
	done </proc/mounts
	mount -t debugfs none /sys/kernel/debug || lc_fail "mount debugfs" "success" "failure"
}

# lc_phy_driver: the driver bound to the PHY, "none", or "no device".
lc_phy_driver() {
	if [ ! -e "$LC_PHY_DEV" ]; then
		printf 'no device'
		return
	fi
	lc_driver_of "$LC_MDIO_DRIVERS" "$LC_PHY"
}

lc_check_phy_driver() {
	lc_check "$1: driver of $LC_PHY" "$2" "$(lc_phy_driver)"
}

# lc_vmdio_is WHAT FILE EXPECTED: a debugfs file of rust_vmdio reads EXPECTED.
lc_vmdio_is() {
	lc_read_is "$1: $2 reads" "$LC_VMDIO/$2" "$3"
}

# lc_vmdio_last_seq: the sequence number of the last link_events entry, -1
# when there is none.
lc_vmdio_last_seq() {
	local line last=-1
	while read -r line; do
		last=${line%% *}
	done <"$LC_VMDIO/link_events"
	printf '%s' "$last"
}

# Whether the link was reported up at 1000/full in an event after sequence
# number $1, and link says so.
lc_vmdio_link_up_after() {
	local line last= link=
	while read -r line; do
		last=$line
	done <"$LC_VMDIO/link_events"
	read -r link <"$LC_VMDIO/link"
	LC_SEEN="link '$link', last event '${last:-none}'"
	[ -n "$last" ] && [ "${last%% *}" -gt "$1" ] && [ "${last#* }" = "up 1000/full" ] &&
		[ "$link" = "up 1000/full" ]
}

# lc_vmdio_wait_link_up WHAT SEQ: a link-up event after SEQ within
# LC_LINK_TIMEOUT seconds.
lc_vmdio_wait_link_up() {
	lc_wait_for "$1: link reported up 1000/full (an event after #$2)" "$LC_LINK_TIMEOUT" \
		lc_vmdio_link_up_after "$2"
}

lc_vmdio_link_down() {
	local link=
	read -r link <"$LC_VMDIO/link"
	LC_SEEN="link '$link'"
	[ "$link" = down ]
}

# lc_unbind_phy WHAT / lc_bind_phy WHAT: the RV1000 driver (rust_phy's or
# its twin's) and the PHY, through sysfs.
lc_unbind_phy() {
	lc_write_ok "$1: unbind $LC_PHY from $LC_PHY_DRIVER" "$LC_RV1000/unbind" "$LC_PHY"
	lc_check_phy_driver "$1: after unbind" none
}

lc_bind_phy() {
	lc_write_ok "$1: bind $LC_PHY to $LC_PHY_DRIVER" "$LC_RV1000/bind" "$LC_PHY"
	lc_check_phy_driver "$1: after bind" "$LC_PHY_DRIVER"
}

# lc_vmdio_phy_state_is STATE: phylib's state of the PHY (phy_state) reads
# STATE; for lc_wait_for.
lc_vmdio_phy_state_is() {
	local state=
	read -r state <"$LC_VMDIO/phy_state"
	LC_SEEN="phy_state '$state'"
	[ "$state" = "$1" ]
}

# lc_vmdio_fail_reads WHAT: reads of the PHY fail from now on, and the
# cable is unplugged, which the MAC signals: phylib's next run fails to read
# the PHY, warns (announced, see lc_expect_warning), enters PHY_ERROR and
# reports the link down.
lc_vmdio_fail_reads() {
	lc_expect_warning phy_check_link_status
	lc_write_ok "$1: reads of the PHY fail (read_errors=1)" "$LC_VMDIO/read_errors" 1
	lc_write_ok "$1: unplug the cable (the MAC signals it)" "$LC_VMDIO/cable" 0
	lc_wait_for "$1: phylib in its error state" "$LC_LINK_TIMEOUT" lc_vmdio_phy_state_is error
	lc_wait_for "$1: link reported down" "$LC_LINK_TIMEOUT" lc_vmdio_link_down
}

# lc_vmdio_heal WHAT: reads work again and the cable is back.
lc_vmdio_heal() {
	lc_write_ok "$1: reads work (read_errors=0)" "$LC_VMDIO/read_errors" 0
	lc_write_ok "$1: plug the cable" "$LC_VMDIO/cable" 1
	lc_expect_warning_end
}
