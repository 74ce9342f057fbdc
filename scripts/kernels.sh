#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel versions tcpfsm is built and tested for, one per line:
# the newest Debian 6.1 and 6.12 amd64 kernels in the project's cache
# (scripts/debian.sh: image and headers unpacked there, not installed in
# the host), Debian's PREEMPT_RT build of that same 6.12, and the
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
cache=${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}
# the kernels in the cache: CACHE/debian/linux-KVER_VERSION
cached() {
	local e
	for e in "$cache"/debian/linux-[0-9]*_*/; do
		[ -d "$e" ] || continue
		e=${e%/}
		e=${e##*/linux-}
		echo "${e%%_*}"
	done | sort -uV
}
for series in 6.1 6.12; do
	v=$(cached | grep -E "^$series\.[0-9]+[-+].*-amd64$" |
		grep -v -- '-rt-\|-cloud-' | tail -n 1 || true)
	[ -n "$v" ] || { echo "kernels.sh: no $series kernel in $cache/debian (run scripts/deps.sh)" >&2; exit 1; }
	echo "$v"
done
[ "${1:-}" = --debian ] && exit 0
rt=${v%-amd64}-rt-amd64
cached | grep -qxF -- "$rt" || { echo "kernels.sh: no $rt in $cache/debian (run scripts/deps.sh)" >&2; exit 1; }
echo "$rt"
"$here/debug-kernel.sh" kver
