#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The habits of kernel reviewers: checkpatch --strict (from Debian's
# linux-source-6.12) on the module's sources, and sparse (make C=2) against
# every supported kernel. Prints what they find; fails on any finding.
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"
dest=$top/build/ksft
tarball=$(scripts/debian.sh pkg linux-source-6.12)/usr/src/linux-source-6.12.tar.xz
src=$dest/linux-source-6.12
if [ "$(cat "$src/scripts/.extracted" 2>/dev/null)" != "$tarball" ]; then
	mkdir -p "$dest"
	tar -C "$dest" -xJf "$tarball" linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	echo "$tarball" >"$src/scripts/.extracted"
fi

rc=0
echo "# checkpatch --strict"
if ! "$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f module/*.[ch]; then
	rc=1
fi

for k in $(scripts/kernels.sh); do
	echo "# sparse against $k"
	log=$(mktemp)
	scripts/build-module.sh "$k" C=2 >/dev/null 2>"$log" || rc=1
	if grep -E 'warning:|error:' "$log"; then
		rc=1
	fi
	rm -f "$log"
done
exit "$rc"
