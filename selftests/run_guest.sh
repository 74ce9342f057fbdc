#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's driver in the test guest (the running kernel, as root): runs
# the installed suite (make -C selftests install INSTALL_PATH=DIR) with
# kselftest's runner, DIR/run_kselftest.sh, as a kernel tester would, with
# TCPFSM_KO=MODULE.ko, the command as make check builds it (TCPFSM_CMD)
# and the project's tree (TCPFSM_TOP). Around it, the checks of a test bed:
# the module not loaded at the start nor at the end, the kernel log, and
# kmemleak on a kernel that has it. faults runs last, by itself (see
# below). Prints the runner's TAP as it goes, with "# NAME took N s" after
# each test, and copies it with the checks' "ok - NAME" lines to TAP, which
# scripts/check.sh tallies on the host. Not a test itself: not installed.
# "only NAME..." runs only those tests of the list, "except NAME..." all
# but those (NAME as in the list, without "tcpfsm:" and ".sh"): make check
# splits the debug kernel's suite between two guests that way.
#
# usage: run_guest.sh MODULE.ko INSTALL_PATH TAP [only|except NAME...]
set -u

usage="usage: run_guest.sh MODULE.ko INSTALL_PATH TAP [only|except NAME...]"
ko=$(readlink -f "${1:?$usage}")
inst=$(readlink -f "${2:?$usage}")
tap=${3:?$usage}
shift 3
pick=${1:-}
case $pick in
only | except) shift ;;
"") ;;
*)
	echo "$usage" >&2
	exit 2
	;;
esac
picked=" $* "
# whether this driver runs test T (tcpfsm:NAME.sh) of the list
wanted() {
	local name=${1#tcpfsm:}

	name=${name%.sh}
	case $pick in
	only) [[ $picked == *" $name "* ]] ;;
	except) [[ $picked != *" $name "* ]] ;;
	*) true ;;
	esac
}
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")
: >"$tap"

export TCPFSM_KO=$ko TCPFSM_TOP=$top
# the command, as make check builds it, for dwell's owner and Prometheus
# checks, races' monitors and ynl_cli.sh's diagram
if [ -x "$top/build/userspace/tcpfsm" ]; then
	export TCPFSM_CMD=$top/build/userspace/tcpfsm
fi

# a test's time limit: a hang, not a slow kernel. The suite's settings
# file says 600 s; the debug kernel (lockdep, KASAN, kmemleak) under TCG
# on a busy host takes up to 13 min for races: 1200 there.
# TCPFSM_TEST_TIMEOUT overrides both.
opts=()
if [ -n "${TCPFSM_TEST_TIMEOUT:-}" ]; then
	opts=(--override-timeout "$TCPFSM_TEST_TIMEOUT")
elif [ -e /proc/lockdep ]; then
	opts=(--override-timeout 1200)
fi

# a check of this driver's own, counted as one test
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi | tee -a "$tap"
}

# run_kselftest.sh with ARGS; after each test's result, its time
ksft() {
	"$inst/run_kselftest.sh" "${opts[@]}" "$@" 2>&1 | {
		local line name start=$SECONDS

		while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in
			"# selftests: tcpfsm: "*)
				start=$SECONDS
				;;
			"ok "*" selftests: tcpfsm: "*|"not ok "*" selftests: tcpfsm: "*)
				name=${line#* selftests: tcpfsm: }
				name=${name%% *}
				echo "# ${name%.sh} took $((SECONDS - start)) s"
				;;
			esac
		done
	} | tee -a "$tap"
}

unloaded() { [ ! -e /sys/module/tcpfsm ] && [ ! -e /proc/net/tcpfsm ]; }
# every report scripts/kernel-reports.sh knows (lockdep, KASAN, RCU, ...)
kernel_log_clean() {
	! dmesg | bash "$top/scripts/kernel-reports.sh" >&2
}

# kmemleak, on a kernel that has it (the debug kernel): forget what was
# allocated before the first load; after the last unload, two scans (an
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

echo "# kernel $(uname -r), module $ko, tests $inst"
check "module not loaded at start" unloaded
if [ -w "$kmemleak" ]; then
	check "kmemleak cleared" sh -c "echo clear >$kmemleak"
fi
# every test of the list but faults, in its order: each loads and unloads
# the module (see selftests/with_module.sh)
# Not compat.sh and ynl.sh on PREEMPT_RT and the debug kernel (lockdep):
# they check the command and YNL against the family, which is the same on
# every 6.12 build, and Debian's 6.1 and 6.12 run them (saves make check
# two minutes on PREEMPT_RT, six on the debug kernel).
other612=
case $(uname -v) in *PREEMPT_RT*) other612="PREEMPT_RT" ;; esac
[ ! -e /proc/lockdep ] || other612="the debug kernel"
args=()
while read -r t; do
	wanted "$t" || continue
	case $t in
	tcpfsm:faults.sh) continue ;;
	tcpfsm:compat.sh | tcpfsm:ynl.sh)
		if [ -n "$other612" ]; then
			echo "# $other612: $t not run here (userspace against the family: Debian's 6.1 and 6.12 run it)"
			continue
		fi ;;
	esac
	args+=(--test "$t")
done <"$inst/kselftest-list.txt"
if [ "${#args[@]}" -gt 0 ]; then
	ksft "${args[@]}"
fi
check "module not loaded, no /proc/net/tcpfsm after the tests" unloaded
check "kernel log free of WARNING, BUG, Oops, lockdep, KASAN, RCU, lockup, ODEBUG and kmemleak reports" kernel_log_clean
# allocation failures, where the kernel can inject them (the debug kernel):
# after the log check, as the reports (stack dumps) of the failures it
# injects are expected: faults checks the kernel log itself, and the
# console (which check.sh scans) gets errors only meanwhile
if wanted tcpfsm:faults.sh; then
	printk=$(cut -f1 /proc/sys/kernel/printk)
	echo 3 >/proc/sys/kernel/printk
	ksft --test tcpfsm:faults.sh
	echo "$printk" >/proc/sys/kernel/printk
fi
if [ -w "$kmemleak" ]; then
	check "kmemleak finds no leak after the last rmmod" kmemleak_clean
fi
