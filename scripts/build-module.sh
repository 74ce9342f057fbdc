#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build tcpfsm.ko for kernel KVER, with W=1 (warnings are errors), in
# build/KVER/src (one tree, several kernels: each gets its own objects).
# Prints the path of the module.
#
# usage: scripts/build-module.sh KVER [extra make arguments]
set -euo pipefail

kver=${1:?usage: build-module.sh KVER}
shift
top=$(dirname "$(dirname "$(readlink -f "$0")")")
src=$top/build/$kver/src

mkdir -p "$src"
# copy only what changed, so that kbuild's dependency tracking holds
cp -u "$top/Kbuild" "$src/"
mkdir -p "$src/module"
cp -u "$top"/module/*.[ch] "$src/module/"
for f in "$src"/module/*.[ch]; do
	[ -e "$top/module/$(basename "$f")" ] || rm -f "$f"
done
mkdir -p "$src/include/uapi/linux"
cp -u "$top/include/uapi/linux/tcpfsm.h" "$src/include/uapi/linux/"
kdir=$("$top/scripts/kpath.sh" "$kver" build)
make -s -C "$kdir" M="$src" W=1 TCPFSM_WERROR=1 "$@" modules >&2
echo "$src/tcpfsm.ko"
