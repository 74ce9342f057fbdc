#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# transitions: the matrix and the gauges, phase by phase (needs tcpfsm loaded:
# with_module.sh loads it if it is not, and unloads it after).
exec "$(dirname "$0")/with_module.sh" loaded transitions
