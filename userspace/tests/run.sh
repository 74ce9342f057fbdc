#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test suites one after the other and end with the one line
# "N passed, N failed" that sums them (scripts/check.sh reads it).
#
#	run.sh NAME COMMAND [ARGS...] [-- NAME COMMAND [ARGS...]]...
#
# A suite prints "ok ..." and "not ok ..." lines and ends with its own
# "N passed, N failed", shown here as "# NAME: N passed, N failed", or is
# a kselftest_harness.h program, which ends with "# Totals: pass:N fail:N
# xfail:N xpass:N skip:N error:N" (an xfail passes, an xpass or an error
# fails; the skips are shown, not counted; its plan and its chatter about
# the tests that pass are left out). A suite that exits non-zero
# without a failure counted, or says no count, counts as one failure.
# Exit status: 0 if nothing failed, else 1.
set -uo pipefail

passed=0 failed=0

run_suite() { # name, command...
	local name=$1 line rc=none p=0 f=0 counted=
	shift
	while IFS= read -r line; do
		if [[ $line =~ ^(.*)@run.sh-exit-status\ ([0-9]+)$ ]]; then
			# after a last line without its newline, if any
			[ -z "${BASH_REMATCH[1]}" ] || printf '%s\n' "${BASH_REMATCH[1]}"
			rc=${BASH_REMATCH[2]}
		elif [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} counted=1
			echo "# $name: $line"
		elif [[ $line =~ ^#\ Totals:\ pass:([0-9]+)\ fail:([0-9]+)\ xfail:([0-9]+)\ xpass:([0-9]+)\ skip:([0-9]+)\ error:([0-9]+)$ ]]; then
			p=$((BASH_REMATCH[1] + BASH_REMATCH[3]))
			f=$((BASH_REMATCH[2] + BASH_REMATCH[4] + BASH_REMATCH[6]))
			counted=1
			echo "# $name: $p passed, $f failed, ${BASH_REMATCH[5]} skipped"
		elif [[ $line =~ ^(TAP\ version\ |1\.\.[0-9]+$|#\ Starting\ |#\ \ RUN\ |#\ +OK\ |#\ PASSED:\ ) ]]; then
			continue
		else
			printf '%s\n' "$line"
		fi
	done < <("$@" 2>&1; echo "@run.sh-exit-status $?")
	if [ -z "$counted" ]; then
		echo "not ok - $name: no \"N passed, N failed\" line (exit status $rc)"
		f=$((f + 1))
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name: exit status $rc, with no failure counted"
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

while [ $# -gt 0 ]; do
	args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	[ ${#args[@]} -ge 2 ] || { echo "usage: run.sh NAME COMMAND [ARGS...] [-- ...]" >&2; exit 2; }
	run_suite "${args[@]}"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
