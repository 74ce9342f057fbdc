#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the previous release, the other side of the ABI compatibility test
# (selftests/compat.sh): its command and its module for each kernel KVER,
# from the git history of this tree, in build/compat-old (TCPFSM_OLD_OUT):
#
#   rev               the commit built
#   tree/             its files (git archive)
#   userspace/tcpfsm  its command
#   KVER/tcpfsm.ko    its module for kernel KVER (built in KVER/src)
#
# The release is TCPFSM_OLD_REV, 540f425 by default: a command that
# accepted only its own family version, and a module without 36 of the
# attributes of today's spec (time in state, the socket dumps,
# events-unheard), so both directions meet attributes the other lacks. A
# tree without that history (a tarball, a shallow clone) cannot build it:
# this fails, and so does the test, rather than pass without having run.
#
# usage: scripts/build-old.sh KVER...
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
want=${TCPFSM_OLD_REV:-540f425}
out=${TCPFSM_OLD_OUT:-$top/build/compat-old}

if ! rev=$(git -C "$top" rev-parse -q --verify "$want^{commit}" 2>/dev/null); then
	echo "build-old.sh: commit $want is not in the git history of $top (a shallow clone or no .git?): the ABI compatibility test cannot run; fetch the history (git fetch --unshallow) or set TCPFSM_OLD_REV" >&2
	exit 1
fi
if [ "$(cat "$out/rev" 2>/dev/null)" != "$rev" ]; then
	rm -rf "$out"
	mkdir -p "$out/tree"
	git -C "$top" archive "$rev" | tar -x -C "$out/tree"
fi
make -s -C "$out/tree/userspace" OUTPUT="$out/userspace" >&2
for kver in "$@"; do
	src=$out/$kver/src
	if [ ! -d "$src" ]; then
		mkdir -p "$src"
		cp -a "$out/tree/Kbuild" "$out/tree/module" "$out/tree/include" "$src/"
	fi
	kdir=$("$top/scripts/kpath.sh" "$kver" build)
	make -s -C "$kdir" M="$src" modules >&2
	cp -u "$src/tcpfsm.ko" "$out/$kver/tcpfsm.ko"
done
echo "$rev" >"$out/rev"
echo "$out"
