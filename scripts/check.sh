#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build the debug kernel unless it is
# cached, build the module for every supported kernel (Debian's 6.1, 6.12,
# 6.12 PREEMPT_RT and the debug 6.12) and the selftests, run the style
# checks, boot each kernel in QEMU and run the selftests there. Ends with
# one line "N passed, N failed, N skipped" summing every test on every
# kernel; exits non-zero if anything failed.
#
# Guests run TCPFSM_VM_JOBS at a time (default: one more than the host's
# CPUs: each is one single-threaded TCG process, and Debian's spend about a
# third of their time waiting on the guest's timers), longest first. The
# debug kernel's suite takes longer than Debian's three together, so two
# guests share it (debug_split below).
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"

scripts/deps.sh
mapfile -t kernels < <(scripts/kernels.sh)
debug=$(scripts/debug-kernel.sh kver)
ksft=$(scripts/ksft.sh "$top/build/ksft")
make -s -C selftests KSFT="$ksft" OUTPUT="$top/build/selftests"
# installed as a kernel tester installs them: the guests run
# build/kselftest/run_kselftest.sh (selftests/run_guest.sh)
rm -rf "$top/build/kselftest"
make -s -C selftests KSFT="$ksft" OUTPUT="$top/build/selftests" install \
	INSTALL_PATH="$top/build/kselftest"
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

# the long pole of a first run (see Documentation/testing.rst); cached
for k in "${kernels[@]}"; do
	if [ "$k" = "$debug" ]; then
		tally "debug kernel $k built or cached" \
			eval 'scripts/debug-kernel.sh build >/dev/null'
	fi
done

declare -A ko
for k in "${kernels[@]}"; do
	if ko[$k]=$(scripts/build-module.sh "$k"); then
		tally "build tcpfsm.ko for $k (W=1, -Werror)" true
	else
		tally "build tcpfsm.ko for $k (W=1, -Werror)" false
	fi
done
# the previous release, for the ABI compatibility test (selftests/compat.sh):
# fails without the git history rather than let that test pass unrun
tally "previous release built for every kernel (scripts/build-old.sh)" \
	eval 'scripts/build-old.sh "${kernels[@]}" >/dev/null'
tally "checkpatch and sparse" scripts/style.sh
tally "netlink spec valid, headers and tables in sync with it" scripts/ynl.sh check

# the command's unit tests, on the host: on the -O2 build that ships and
# under ASan and UBSan, then the shipped command under valgrind
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
# The guests: the debug kernel's suite in two (these tests in one, the
# rest in the other: 28 to 31 and 20 to 22 minutes beside a third guest
# on 2 cores, Debian's 13 to 16 each), then Debian's in order, then the
# packages' test (scripts/package-test.sh: the packages built, DKMS, a
# guest per Debian kernel), at most TCPFSM_VM_JOBS at a time. A guest's name is its
# kernel's, with a suffix for the debug kernel's two.
debug_split="lifecycle races timewait faults"
jobs=${TCPFSM_VM_JOBS:-$(($(nproc) + 1))}
queue=()
declare -A g_kver g_pick
for k in "${kernels[@]}"; do
	[ "$k" = "$debug" ] || continue
	queue+=("$k.1" "$k.2")
	g_kver[$k.1]=$k g_pick[$k.1]="only $debug_split"
	g_kver[$k.2]=$k g_pick[$k.2]="except $debug_split"
done
for k in "${kernels[@]}"; do
	[ "$k" != "$debug" ] || continue
	queue+=("$k")
	g_kver[$k]=$k g_pick[$k]=
done
queue+=(packages)
# The tally of a guest's TAP (selftests/run_guest.sh): kselftest's runner
# gives each test one line "ok N selftests: tcpfsm: NAME" (or "not ok",
# "# SKIP"), after the test's own TAP, nested with "# ". A harness test
# counts its cases as its "# Totals:" line does (pass and xfail pass;
# fail, xpass and error fail; skips apart), plus one failure if the runner
# says it failed (an exit status, a timeout) where no case did; a test
# without one (a crash, a plain script) counts once, by its line. The
# runner's own checks ("ok - NAME") count once each; a test of the plan
# ("1..N") without a line fails. Prints a line per test, then "P F S".
tally_tap() { # TAP
	awk '
	function flush() {
		if (pending != "")
			print pending
		pending = ""
	}
	function test_done(line,    bad, skip, n, p, f, s, why) {
		flush()
		bad = line ~ /^not ok/
		skip = !bad && line ~ /# SKIP/
		n = line
		sub(/^(not )?ok [0-9]+ selftests: tcpfsm: /, "", n)
		sub(/ .*/, "", n)
		sub(/\.sh$/, "", n)
		why = ""
		if (totals != "") {
			split(totals, t, " ")
			p = t[1] + t[3]; f = t[2] + t[4] + t[6]; s = t[5]
			if (bad && f == 0) {
				f = 1
				why = " (no case failed, but: " line ")"
			}
		} else {
			p = !bad && !skip; f = bad; s = skip
		}
		pending = sprintf("# %s: %d passed, %d failed, %d skipped%s",
				  n, p, f, s, why)
		P += p; F += f; S += s; results++
		totals = ""
	}
	/^1\.\.[0-9]+$/ { plan += substr($0, 4) }
	/^# selftests: tcpfsm: / { flush(); totals = "" }
	/^# # Totals: pass:/ {
		totals = $0
		gsub(/[^0-9]+/, " ", totals)
		sub(/^ /, "", totals)
	}
	/^(not )?ok [0-9]+ selftests: tcpfsm: / { test_done($0) }
	/^# [^ ]+ took [0-9]+ s$/ && pending != "" {
		pending = pending ", " $4 " s"
		flush()
	}
	/^ok - / { P++ }
	/^not ok - / { F++ }
	END {
		flush()
		if (results < plan) {
			printf "not ok - %d of the %d tests of the plan never finished\n",
				plan - results, plan
			F += plan - results
		}
		print P, F, S
	}' "$1"
}

declare -A vm_rc
declare -A vm_pid
start_guest() { # guest
	local g=$1 out=$top/build/vm/$1
	rm -rf "$out"
	mkdir -p "$out"
	if [ "$g" = packages ]; then
		scripts/package-test.sh >"$out/log" 2>&1 &
		vm_pid[$!]=$g
		echo "# the packages' test started ($(date -u +%T))"
		return
	fi
	scripts/vm.sh "${g_kver[$g]}" "$out" \
		"bash selftests/run_guest.sh ${ko[${g_kver[$g]}]} build/kselftest /run/out/tap ${g_pick[$g]}" \
		>"$out/host.log" 2>&1 &
	vm_pid[$!]=$g
	echo "# guest $g started ($(date -u +%T))"
}
guest_done() {
	local rc=0 done_pid

	wait -n -p done_pid "${!vm_pid[@]}" || rc=$?
	vm_rc[${vm_pid[$done_pid]}]=$rc
	echo "# guest ${vm_pid[$done_pid]} done ($(date -u +%T))"
	unset "vm_pid[$done_pid]"
	running=$((running - 1))
}
running=0
for g in "${queue[@]}"; do
	[ "$g" = packages ] || [ -n "${ko[${g_kver[$g]}]:-}" ] || continue
	if [ "$running" -ge "$jobs" ]; then
		guest_done
	fi
	start_guest "$g"
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	guest_done
done

for g in "${queue[@]}"; do
	[ "$g" != packages ] || continue
	out=$top/build/vm/$g
	[ -n "${vm_rc[$g]:-}" ] || continue
	rc=${vm_rc[$g]}
	echo "=== kernel ${g_kver[$g]}${g_pick[$g]:+ (${g_pick[$g]})} ==="
	# the guest's own output, without the kernel's console noise
	grep -av '^\[ *[0-9]*\.[0-9]*\]\|^SeaBIOS\|^Booting from' "$out/console" | tr -d '\r' || true
	cat "$out/host.log"
	p=0 f=0 s=0
	if [ -s "$out/tap" ]; then
		tally_tap "$out/tap" >"$out/tally"
		sed '$d' "$out/tally"
		read -r p f s < <(tail -n 1 "$out/tally")
	else
		echo "not ok - guest $g wrote no TAP"
		f=1
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		# the guest hung or died: vm.sh printed the console tail
		echo "not ok - guest $g finished (vm.sh exit $rc)"
		f=$((f + 1))
	fi
	# what the kernel reported on the console, to the end (poweroff
	# included), whatever the guest itself concluded
	if scripts/kernel-reports.sh "$out/console" >"$out/reports"; then
		echo "not ok - console of $g free of kernel reports:"
		sed 's/^/  | /' "$out/reports"
		f=$((f + 1))
	else
		echo "ok - console of $g free of kernel reports"
		p=$((p + 1))
	fi
	echo "# $g: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

# the packages' test: a test per check it printed
echo "=== packages ==="
p=0 f=0
while read -r l; do
	echo "$l"
	case $l in
	"ok - "*) p=$((p + 1)) ;;
	"not ok - "*) f=$((f + 1)) ;;
	esac
done <"$top/build/vm/packages/log"
if [ "${vm_rc[packages]:-1}" != 0 ] && [ "$f" = 0 ]; then
	echo "not ok - scripts/package-test.sh exit ${vm_rc[packages]:-none}"
	f=1
fi
echo "# packages: $p passed, $f failed"
passed=$((passed + p))
failed=$((failed + f))

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
