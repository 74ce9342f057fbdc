#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every tcpfsm selftest in the running kernel (the test guest, as
# root). Prints TAP as it goes and writes "PASSED FAILED SKIPPED" to
# RESULTS. The module must not be loaded when this starts.
#
# usage: run_guest.sh MODULE.ko BINDIR RESULTS
set -u

ko=$(readlink -f "${1:?usage: run_guest.sh MODULE.ko BINDIR RESULTS}")
bindir=${2:?usage: run_guest.sh MODULE.ko BINDIR RESULTS}
results=${3:?usage: run_guest.sh MODULE.ko BINDIR RESULTS}
# a test binary's time limit: a hang, not a slow kernel; the debug kernel
# (lockdep, KASAN, kmemleak) under TCG on a busy host takes up to 13 min
# for races
if [ -e /proc/lockdep ]; then
	timeout=${TCPFSM_TEST_TIMEOUT:-1200}
else
	timeout=${TCPFSM_TEST_TIMEOUT:-600}
fi
passed=0 failed=0 skipped=0
export TCPFSM_KO=$ko
here=$(dirname "$(readlink -f "$0")")

# a check of this runner's own, counted as one test
check() {
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

# a kselftest_harness binary (or COMMAND, which prints such a line): its
# "# Totals:" line counts; no line, one failure
run_harness() { # name [command...]
	local name=$1 log totals p f s xf xp e start
	shift
	[ $# -gt 0 ] || set -- "$bindir/$name"
	log=$(mktemp)
	echo "# running $name"
	start=$SECONDS
	timeout -k 10 "$timeout" "$@" 2>&1 | tee "$log"
	echo "# $name took $((SECONDS - start)) s"
	totals=$(grep '^# Totals:' "$log" | tail -n 1)
	if [ -z "$totals" ]; then
		echo "not ok - $name did not finish (crash or timeout)"
		failed=$((failed + 1))
	else
		# shellcheck disable=SC2046
		set -- $(echo "$totals" | sed -E 's/.*pass:([0-9]+) fail:([0-9]+) xfail:([0-9]+) xpass:([0-9]+) skip:([0-9]+) error:([0-9]+).*/\1 \2 \3 \4 \5 \6/')
		p=$1 f=$2 xf=$3 xp=$4 s=$5 e=$6
		passed=$((passed + p + xf))
		failed=$((failed + f + xp + e))
		skipped=$((skipped + s))
	fi
	rm -f "$log"
}

# a TEST_PROGS script: exit 0 passes, 4 (KSFT_SKIP) skips, else it fails
run_script() {
	local rc=0 start=$SECONDS
	echo "# running $1"
	timeout -k 10 "$timeout" bash "$here/$1" || rc=$?
	echo "# $1 took $((SECONDS - start)) s"
	case $rc in
	0) echo "ok - $1"; passed=$((passed + 1)) ;;
	4) echo "ok - $1 # SKIP"; skipped=$((skipped + 1)) ;;
	*) echo "not ok - $1 (exit $rc)"; failed=$((failed + 1)) ;;
	esac
}

no_proc_dir() { [ ! -e /proc/net/tcpfsm ]; }
# every report scripts/kernel-reports.sh knows (lockdep, KASAN, RCU, ...)
kernel_log_clean() {
	! dmesg | bash "$here/../scripts/kernel-reports.sh" >&2
}

# kmemleak, on a kernel that has it (the debug kernel): forget what was
# allocated before the first insmod; after the last rmmod, two scans (an
# object is reported once a second scan finds it unreferenced and
# unchanged) must find nothing.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_clean() {
	local report
	echo scan >"$kmemleak" && sleep 1 && echo scan >"$kmemleak" || return 1
	report=$(cat "$kmemleak") || return 1
	[ -z "$report" ] && return 0
	echo "$report"
	return 1
}

echo "# kernel $(uname -r), module $ko"
check "module not loaded at start" no_proc_dir
if [ -w "$kmemleak" ]; then
	check "kmemleak cleared" sh -c "echo clear >$kmemleak"
fi
check "insmod tcpfsm.ko" insmod "$ko"
run_harness transitions
run_harness netlink
run_harness fuzz
run_harness events
# the command, as make check builds it, for dwell's owner and Prometheus checks
if [ -x "$here/../build/userspace/tcpfsm" ]; then
	TCPFSM_CMD=$(readlink -f "$here/../build/userspace/tcpfsm")
	export TCPFSM_CMD
fi
run_harness dwell
run_harness timewait
run_harness handshake
run_harness floods
run_script ynl_cli.sh
check "rmmod tcpfsm" rmmod tcpfsm
check "no /proc/net/tcpfsm after rmmod" no_proc_dir
run_harness lifecycle
run_harness races
# the previous release's command and module against this one's, both ways
# (scripts/build-old.sh built them on the host)
run_harness compat bash "$here/compat.sh"
check "kernel log free of WARNING, BUG, Oops, lockdep, KASAN, RCU, lockup, ODEBUG and kmemleak reports" kernel_log_clean
# allocation failures, where the kernel can inject them (the debug kernel):
# after the log check, as the reports (stack dumps) of the failures it
# injects are expected: faults checks the kernel log itself, and the
# console (which check.sh scans) gets errors only meanwhile
printk=$(cut -f1 /proc/sys/kernel/printk)
echo 3 >/proc/sys/kernel/printk
run_harness faults
echo "$printk" >/proc/sys/kernel/printk
if [ -w "$kmemleak" ]; then
	check "kmemleak finds no leak after the last rmmod" kmemleak_clean
fi

echo "$passed $failed $skipped" >"$results"
echo "# $(uname -r): $passed passed, $failed failed, $skipped skipped"
