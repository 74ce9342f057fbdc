#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# faults: allocation failures; loads and unloads tcpfsm itself (TCPFSM_KO,
# which with_module.sh finds with modinfo if unset); starts with it unloaded.
exec "$(dirname "$0")/with_module.sh" unloaded faults
