#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz: the netlink fuzzer (needs tcpfsm loaded: with_module.sh loads it if it
# is not, and unloads it after).
exec "$(dirname "$0")/with_module.sh" loaded fuzz
