#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dwell: time in state, closewait-get, promtool (needs tcpfsm loaded:
# with_module.sh loads it if it is not, and unloads it after).
exec "$(dirname "$0")/with_module.sh" loaded dwell
