#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the kselftest harness (kselftest_harness.h, kselftest.h, lib.mk,
# runner) from Debian's linux-source tarball into DEST, once. Prints the
# path of the selftests directory inside DEST.
#
# usage: scripts/ksft.sh DEST
set -euo pipefail

dest=${1:?usage: ksft.sh DEST}
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "ksft.sh: /usr/src/linux-source-6.12.tar.xz missing (apt-get install linux-source-6.12)" >&2; exit 1; }
top=linux-source-6.12
dir=$dest/$top/tools/testing/selftests
if [ ! -f "$dir/.extracted" ] || [ "$tarball" -nt "$dir/.extracted" ]; then
	mkdir -p "$dest"
	tar -C "$dest" -xJf "$tarball" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/lib.mk" \
		"$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest"
	touch "$dir/.extracted"
fi
echo "$dir"
