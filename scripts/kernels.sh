#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel versions tcpfsm is built and tested for, one per line:
# the newest installed Debian 6.1 and 6.12 amd64 kernels that have both an
# image and headers. TCPFSM_KERNELS overrides the list.
set -euo pipefail

if [ -n "${TCPFSM_KERNELS:-}" ]; then
	printf '%s\n' $TCPFSM_KERNELS
	exit 0
fi
for series in 6.1 6.12; do
	v=$(ls -d /lib/modules/"$series".*-amd64 2>/dev/null | xargs -rn1 basename |
		grep -E "^$series\.[0-9]+[-+]" | grep -v -- '-rt-\|-cloud-' |
		while read -r k; do
			[ -f "/boot/vmlinuz-$k" ] && [ -e "/lib/modules/$k/build/Makefile" ] && echo "$k"
		done | sort -V | tail -n 1)
	[ -n "$v" ] || { echo "kernels.sh: no $series kernel with headers installed (run scripts/deps.sh)" >&2; exit 1; }
	echo "$v"
done
