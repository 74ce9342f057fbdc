#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# timewait: timewait sockets (needs tcpfsm loaded: with_module.sh loads it if
# it is not, and unloads it after; its seed test unloads and loads it again
# itself, TCPFSM_KO).
exec "$(dirname "$0")/with_module.sh" loaded timewait
