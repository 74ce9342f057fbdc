#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel versions tcpfsm is built and tested for, one per line:
# the newest installed Debian 6.1 and 6.12 amd64 kernels that have both an
# image and headers, Debian's PREEMPT_RT build of that same 6.12, and the
# project's debug 6.12 (scripts/debug-kernel.sh; listed whether or not it is
# built yet: scripts/kpath.sh finds its files). TCPFSM_KERNELS overrides the
# list.
#
# usage: kernels.sh [--debian]
#   --debian   only Debian's 6.1 and 6.12 (what make demo and bench use)
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
if [ -n "${TCPFSM_KERNELS:-}" ]; then
	printf '%s\n' $TCPFSM_KERNELS
	exit 0
fi
installed() {
	[ -f "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/build/Makefile" ]
}
for series in 6.1 6.12; do
	v=$(ls -d /lib/modules/"$series".*-amd64 2>/dev/null | xargs -rn1 basename |
		grep -E "^$series\.[0-9]+[-+]" | grep -v -- '-rt-\|-cloud-' |
		while read -r k; do
			installed "$k" && echo "$k"
		done | sort -V | tail -n 1)
	[ -n "$v" ] || { echo "kernels.sh: no $series kernel with headers installed (run scripts/deps.sh)" >&2; exit 1; }
	echo "$v"
done
[ "${1:-}" = --debian ] && exit 0
rt=${v%-amd64}-rt-amd64
installed "$rt" || { echo "kernels.sh: no $rt with headers installed (run scripts/deps.sh)" >&2; exit 1; }
echo "$rt"
"$here/debug-kernel.sh" kver
