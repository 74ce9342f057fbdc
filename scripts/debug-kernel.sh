#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of make check: Debian's linux-source-6.12 configured with
# allnoconfig plus scripts/debug-kernel.config (KASAN, lockdep, kmemleak,
# debugobjects, fault injection; everything the guest needs built in).
#
# It is cached outside the tree, in
#   ${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}/debug-KEY
# where KEY hashes the config fragment and linux-source-6.12's package
# version (the package is unpacked in the same cache, scripts/debian.sh;
# the key depends on its version, not on where it is): a changed fragment
# or source builds a new one, an unchanged one
# costs nothing. The entry holds bzImage (what QEMU boots) and build/ (the
# configured and built tree with Module.symvers: the KDIR an external module
# is built against; objects and sources are deleted, headers kept). It is
# built in a temporary directory next to it and renamed when complete, so an
# interrupted build leaves no half entry.
#
# usage: debug-kernel.sh kver    print the kernel release (uname -r)
#        debug-kernel.sh dir     print the cache entry (built or not)
#        debug-kernel.sh build   build it unless cached; print the entry
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
fragment=$here/debug-kernel.config
cache=${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}

# Debian's linux-source-6.12, unpacked in the cache (scripts/debian.sh)
srcentry=$("$here/debian.sh" pkg linux-source-6.12) || {
	echo "debug-kernel.sh: no linux-source-6.12 in the cache (run scripts/deps.sh)" >&2
	exit 1
}
srcver=$("$here/debian.sh" version linux-source-6.12)
tarball=$srcentry/usr/src/linux-source-6.12.tar.xz
key=$({ cat "$fragment"; echo "linux-source-6.12 $srcver"; } | sha256sum | cut -c1-16)
entry=$cache/debug-$key
localversion=$(sed -n 's/^CONFIG_LOCALVERSION="\(.*\)"$/\1/p' "$fragment")
kver=${srcver%%-*}$localversion

case ${1:-} in
kver) echo "$kver"; exit 0 ;;
dir) echo "$entry"; exit 0 ;;
build) ;;
*) echo "usage: debug-kernel.sh kver|dir|build" >&2; exit 2 ;;
esac

complete() { [ -f "$entry/bzImage" ] && [ -f "$entry/build/Module.symvers" ]; }
if complete; then
	echo "$entry"
	exit 0
fi

mkdir -p "$cache"
# one builder at a time; the others wait for its result
exec 9>"$cache/.debug.lock"
flock 9
if complete; then
	echo "$entry"
	exit 0
fi

tmp=$(mktemp -d "$cache/.debug-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "debug-kernel.sh: building $kver in $tmp (from $tarball $srcver)" >&2
start=$(date +%s)
tar -C "$tmp" -xJf "$tarball"
mv "$tmp/linux-source-6.12" "$tmp/build"
cd "$tmp/build"
make -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2
# every line of the fragment must have survived Kconfig's dependencies
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF -- "$line" .config || { echo "debug-kernel.sh: $line did not stick" >&2; bad=1; } ;;
	'# CONFIG_'*' is not set')
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" .config || { echo "debug-kernel.sh: $opt is set" >&2; bad=1; } ;;
	esac
done <"$fragment"
[ "$bad" = 0 ] || exit 1

jobs=$(($(nproc) + 1))
nice -n 10 make -s -j"$jobs" >&2
[ "$(cat include/config/kernel.release)" = "$kver" ] || {
	echo "debug-kernel.sh: built $(cat include/config/kernel.release), expected $kver" >&2
	exit 1
}
objects=$(find . -name '*.o' ! -path './scripts/*' ! -path './tools/*' | wc -l)
cp arch/x86/boot/bzImage "$tmp/bzImage"
# what an external module build does not need: objects, and sources and
# private headers outside include/, arch/x86/include/, scripts/ and tools/
# (1.9 GB left 440 MB)
find . \( -name '*.o' -o -name '.*.cmd' -o -name '*.a' \) \
	! -path './scripts/*' ! -path './tools/*' -delete
find . \( -path ./include -o -path ./arch/x86/include -o -path ./scripts \
	-o -path ./tools \) -prune -o -type f \( -name '*.[chS]' -o -name '*.rst' \
	-o -name '*.txt' -o -name '*.yaml' \) -print0 | xargs -0 rm -f
rm -rf vmlinux.o Documentation
cd /
echo "$(($(date +%s) - start)) s, $objects objects" >"$tmp/built"
mv "$tmp" "$entry"
trap - EXIT
echo "debug-kernel.sh: $kver built in $(cat "$entry/built")" >&2
echo "$entry"
