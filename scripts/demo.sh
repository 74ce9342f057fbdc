#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: show tcpfsm at work. Boots the newest supported kernel in
# QEMU, loads the module, makes some TCP traffic and prints the
# /proc/net/tcpfsm files next to what ss sees, and what the tcpfsm command
# says of it. TCPFSM_KERNELS=VERSION
# picks another kernel.
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"
scripts/deps.sh
k=$(scripts/kernels.sh --debian | tail -n 1)
ko=$(scripts/build-module.sh "$k")
make -s -C userspace OUTPUT="$top/build/userspace" >&2
out=$top/build/demo
echo "booting Linux $k in QEMU (TCG, about half a minute)..." >&2
rc=0
scripts/vm.sh "$k" "$out" "bash scripts/demo-guest.sh $ko build/userspace/tcpfsm" || rc=$?
grep -av '^\[ *[0-9]*\.[0-9]*\]\|^SeaBIOS\|^Booting from\|^tcpfsm-vm:' "$out/console" | tr -d '\r'
exit "$rc"
