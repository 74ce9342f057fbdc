#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, what building and testing tcpfsm needs:
# QEMU, the supported kernels (6.1, the newest 6.12 and its PREEMPT_RT
# build) with their headers, busybox for the guest's initramfs, linux-source
# for the kselftest harness, checkpatch and the debug kernel
# (scripts/debug-kernel.sh, which also needs flex, bison, bc and libelf),
# sparse. Does nothing when all of it is there already.
#
# usage: deps.sh [--bench]
#   --bench   also what make bench runs next to tcpfsm (bench_pkgs)
set -euo pipefail

# the newest 6.12 image the archive offers (old ones disappear from it)
newest_612() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -n 1
}

base_pkgs="qemu-system-x86 busybox-static cpio kmod xz-utils gcc make
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 linux-source-6.12
	sparse iproute2 nftables libmnl-dev pkg-config python3-yaml
	python3-jsonschema prometheus flex bison bc libelf-dev valgrind
	debhelper dh-dkms dkms lintian"

# make bench: the tools tcpfsm is compared with, and curl to scrape
# node_exporter
bench_pkgs="libbpf-tools bpftrace prometheus-node-exporter curl"
case ${1:-} in
--bench) ;;
'') bench_pkgs='' ;;
*) echo "usage: deps.sh [--bench]" >&2; exit 2 ;;
esac

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

run_apt() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages ($*) and not root; run: sudo $0" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$@"
}

updated=
# shellcheck disable=SC2086
need=$(missing $base_pkgs)
img612=$(newest_612)
if [ -z "$img612" ] || [ -n "$need" ]; then
	apt-get update -q >/dev/null
	updated=1
	img612=$(newest_612)
fi
[ -n "$img612" ] || { echo "deps.sh: no 6.12 kernel in the archive" >&2; exit 1; }
hdr612=${img612/linux-image-/linux-headers-}
# the PREEMPT_RT build of the same 6.12
rt612=${img612%-amd64}-rt-amd64
rthdr612=${hdr612%-amd64}-rt-amd64
need=$(missing $base_pkgs "$img612" "$hdr612" "$rt612" "$rthdr612")
if [ -n "$need" ]; then
	[ -n "$updated" ] || apt-get update -q >/dev/null
	echo "deps.sh: installing" $need >&2
	# shellcheck disable=SC2086
	run_apt $need >&2
fi

# shellcheck disable=SC2086
need=$(missing $bench_pkgs)
if [ -n "$need" ]; then
	[ -n "$updated" ] || apt-get update -q >/dev/null
	echo "deps.sh: installing" $need >&2
	# shellcheck disable=SC2086
	run_apt $need >&2
fi
