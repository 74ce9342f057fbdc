#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the kselftest harness (kselftest_harness.h, kselftest.h, lib.mk,
# runner) from Debian's linux-source-6.12 tarball (unpacked in the project's
# cache by scripts/debian.sh) into DEST, once per tarball. Prints the path
# of the selftests directory inside DEST.
#
# usage: scripts/ksft.sh DEST
set -euo pipefail

dest=${1:?usage: ksft.sh DEST}
here=$(dirname "$(readlink -f "$0")")
tarball=$("$here/debian.sh" pkg linux-source-6.12)/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || { echo "ksft.sh: $tarball missing (run scripts/deps.sh)" >&2; exit 1; }
top=linux-source-6.12
dir=$dest/$top/tools/testing/selftests
# .extracted names the tarball it came from: a new version is extracted anew
if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$tarball" ]; then
	mkdir -p "$dest"
	tar -C "$dest" -xJf "$tarball" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/lib.mk" \
		"$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest"
	echo "$tarball" >"$dir/.extracted"
fi
echo "$dir"
