#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What building and testing tcpfsm needs, from Debian's archive, in two
# parts:
#
# - installed into the host (apt-get install), only the tools the test bed
#   runs: QEMU, busybox for the guest's initramfs, cpio, kmod, xz, gcc and
#   make, pahole (dwarves: the modpost of Debian's 6.12 headers runs it),
#   sparse, iproute2, nftables, libmnl and pkg-config (the command),
#   Python's yaml and jsonschema (YNL), flex, bison, bc and libelf (the
#   debug kernel, scripts/debug-kernel.sh), valgrind, rsync (kselftest's
#   install), and what builds and checks the packages (debhelper, dh-dkms,
#   dkms, lintian);
# - not installed, but fetched with apt-get download and unpacked with
#   dpkg -x into the project's cache (scripts/debian.sh): the test kernels
#   (6.1, the newest 6.12 and its PREEMPT_RT build) with their headers,
#   linux-source-6.12 (the kselftest harness, checkpatch, YNL, the debug
#   kernel) and prometheus's promtool (make bench: also node_exporter,
#   whose package would start a service). No kernel lands in the boot menu,
#   no service starts; rm -rf the cache removes them.
#
# Does nothing when all of it is there already.
#
# usage: deps.sh [--bench]
#   --bench   also what make bench runs next to tcpfsm (bench_pkgs)
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")

base_pkgs="qemu-system-x86 busybox-static cpio kmod xz-utils gcc gcc-12 make
	dwarves sparse iproute2 nftables libmnl-dev pkg-config python3-yaml
	python3-jsonschema flex bison bc libelf-dev valgrind rsync
	debhelper dh-dkms dkms lintian"

# make bench: the tools tcpfsm is compared with, curl to scrape
# node_exporter (which comes from the cache), cyclictest for the load
bench_pkgs="libbpf-tools bpftrace curl rt-tests"
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
if [ -n "$need" ]; then
	apt-get update -q >/dev/null
	updated=1
	echo "deps.sh: installing" $need >&2
	# shellcheck disable=SC2086
	run_apt $need >&2
fi

# the kernels, linux-source and promtool, into the cache
"$here/debian.sh" fetch ${bench_pkgs:+--bench}

# shellcheck disable=SC2086
need=$(missing $bench_pkgs)
if [ -n "$need" ]; then
	[ -n "$updated" ] || apt-get update -q >/dev/null
	echo "deps.sh: installing" $need >&2
	# shellcheck disable=SC2086
	run_apt $need >&2
fi
