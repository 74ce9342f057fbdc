#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the files of test kernel KVER are: its image (what QEMU boots), its
# build tree (KDIR for an external module), its .config, and the root its
# modules are under (ROOT/lib/modules/KVER, what modprobe -d takes; empty
# for a kernel without modules). Debian's kernels are unpacked in the
# project's cache (scripts/debian.sh), not installed in the host; the
# project's debug kernel (scripts/debug-kernel.sh) is in its cache entry,
# with everything built in. Fails if they are missing.
#
# usage: scripts/kpath.sh KVER image|build|config|modroot
set -euo pipefail

kver=${1:?usage: kpath.sh KVER image|build|config|modroot}
what=${2:?usage: kpath.sh KVER image|build|config|modroot}
here=$(dirname "$(readlink -f "$0")")

if [ "$kver" = "$("$here/debug-kernel.sh" kver)" ]; then
	entry=$("$here/debug-kernel.sh" dir)
	image=$entry/bzImage build=$entry/build config=$entry/build/.config
	modroot=
else
	root=$("$here/debian.sh" kernel "$kver")
	image=$root/boot/vmlinuz-$kver config=$root/boot/config-$kver
	build=$(readlink -m "$root/lib/modules/$kver/build")
	modroot=$root
fi
case $what in
image) f=$image ;;
build) f=$build ;;
config) f=$config ;;
modroot)
	[ -z "$modroot" ] || [ -f "$modroot/lib/modules/$kver/modules.dep" ] || {
		echo "kpath.sh: no modules.dep in $modroot/lib/modules/$kver" >&2
		exit 1
	}
	echo "$modroot"
	exit 0
	;;
*) echo "usage: kpath.sh KVER image|build|config|modroot" >&2; exit 2 ;;
esac
[ -e "$f" ] || {
	echo "kpath.sh: no $what for kernel $kver ($f; scripts/deps.sh fetches Debian's, scripts/debug-kernel.sh build builds the debug one)" >&2
	exit 1
}
echo "$f"
