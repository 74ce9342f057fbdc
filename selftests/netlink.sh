#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink: the family's replies against /proc/net/tcpfsm (needs tcpfsm loaded:
# with_module.sh loads it if it is not, and unloads it after).
exec "$(dirname "$0")/with_module.sh" loaded netlink
