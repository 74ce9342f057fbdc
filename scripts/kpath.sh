#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the files of test kernel KVER are: its image (what QEMU boots), its
# build tree (KDIR for an external module), its .config. Debian's kernels
# have them under /boot and /lib/modules; the project's debug kernel
# (scripts/debug-kernel.sh) in its cache entry. Fails if they are missing.
#
# usage: scripts/kpath.sh KVER image|build|config
set -euo pipefail

kver=${1:?usage: kpath.sh KVER image|build|config}
what=${2:?usage: kpath.sh KVER image|build|config}
here=$(dirname "$(readlink -f "$0")")

if [ "$kver" = "$("$here/debug-kernel.sh" kver)" ]; then
	entry=$("$here/debug-kernel.sh" dir)
	image=$entry/bzImage build=$entry/build config=$entry/build/.config
else
	image=/boot/vmlinuz-$kver build=/lib/modules/$kver/build
	config=/boot/config-$kver
fi
case $what in
image) f=$image ;;
build) f=$build ;;
config) f=$config ;;
*) echo "usage: kpath.sh KVER image|build|config" >&2; exit 2 ;;
esac
[ -e "$f" ] || {
	echo "kpath.sh: no $what for kernel $kver ($f; scripts/deps.sh installs Debian's, scripts/debug-kernel.sh build builds the debug one)" >&2
	exit 1
}
echo "$f"
