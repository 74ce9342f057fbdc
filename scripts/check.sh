#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the module for every
# supported kernel and the selftests, run the style checks, boot each
# kernel in QEMU and run the selftests there. Ends with one line
# "N passed, N failed, N skipped" summing every test on every kernel;
# exits non-zero if anything failed.
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"

scripts/deps.sh
mapfile -t kernels < <(scripts/kernels.sh)
ksft=$(scripts/ksft.sh "$top/build/ksft")
make -s -C selftests KSFT="$ksft" OUTPUT="$top/build/selftests"
make -s -C userspace OUTPUT="$top/build/userspace"

passed=0 failed=0 skipped=0
tally() { # name, command...
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		failed=$((failed + 1))
	fi
}

declare -A ko
for k in "${kernels[@]}"; do
	if ko[$k]=$(scripts/build-module.sh "$k"); then
		tally "build tcpfsm.ko for $k (W=1, -Werror)" true
	else
		tally "build tcpfsm.ko for $k (W=1, -Werror)" false
	fi
done
tally "checkpatch and sparse" scripts/style.sh
tally "netlink spec valid, headers and tables in sync with it" scripts/ynl.sh check

# the command's unit tests, on the host, under ASan and UBSan
echo "# userspace unit tests"
if make -s -C userspace OUTPUT="$top/build/userspace" test >"$top/build/unit.log" 2>&1; then
	unit_rc=0
else
	unit_rc=$?
fi
grep -vE '^ok |^[0-9]+ passed, ' "$top/build/unit.log" || true
if line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$top/build/unit.log" | tail -n 1); then
	set -- $line
	passed=$((passed + $1))
	failed=$((failed + $3))
fi
if [ "$unit_rc" != 0 ] || [ -z "${line:-}" ]; then
	echo "not ok - userspace unit tests (make test exit $unit_rc)"
	failed=$((failed + 1))
fi

# One guest per kernel, side by side: each is a TCG process of its own.
for k in "${kernels[@]}"; do
	[ -n "${ko[$k]:-}" ] || continue
	out=$top/build/vm/$k
	rm -rf "$out"
	mkdir -p "$out"
	scripts/vm.sh "$k" "$out" \
		"bash selftests/run_guest.sh ${ko[$k]} build/selftests /run/out/results" \
		>"$out/host.log" 2>&1 &
	echo $! >"$out/pid"
done

for k in "${kernels[@]}"; do
	out=$top/build/vm/$k
	[ -f "$out/pid" ] || continue
	rc=0
	wait "$(cat "$out/pid")" || rc=$?
	echo "=== kernel $k ==="
	# the guest's own output, without the kernel's console noise
	grep -av '^\[ *[0-9]*\.[0-9]*\]\|^SeaBIOS\|^Booting from' "$out/console" | tr -d '\r' || true
	cat "$out/host.log"
	if [ -f "$out/results" ]; then
		read -r p f s <"$out/results"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		# the guest hung or died: vm.sh printed the console tail
		echo "not ok - guest $k finished (vm.sh exit $rc)"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
