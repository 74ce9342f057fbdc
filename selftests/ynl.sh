#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl_cli.sh, the kernel's YNL CLI and library against the module (needs tcpfsm
# loaded: with_module.sh loads it if it is not, and unloads it after).
exec "$(dirname "$0")/with_module.sh" loaded ynl_cli.sh
