#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command and option form of the tcpfsm command, run under
# valgrind's memcheck, with the module absent and with bad arguments: no
# invalid or uninitialised access, no leak of any kind, the exit status
# Documentation/tcpfsm-command.rst gives (0, or 1 on any error) and the
# message on stderr that names the cause. One "ok N - ..." or
# "not ok N - ..." line per run, then "N passed, N failed".
#
#	valgrind.sh TCPFSM
#
# Meant for the -O2 command that ships (make -C userspace test runs it).
# On a host with the module loaded the runs that need it absent are not
# made.
set -uo pipefail

bin=${1:?usage: valgrind.sh TCPFSM}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0 n=0
vg_error=99	# valgrind's exit status when it found an error
cpus=$(nproc)
declare -a want_status want_out want_err what

if ! command -v valgrind >/dev/null; then
	echo "not ok 1 - valgrind is not installed (apt-get install valgrind)"
	echo "0 passed, 1 failed"
	exit 1
fi

# run STATUS OUT_PREFIX ERR_PREFIX [ARGS...]: tcpfsm ARGS under valgrind
# must exit STATUS with stdout and stderr starting with the prefixes ("":
# empty). stdout goes to $out if set. The runs go side by side, one a CPU;
# check() says how each went, in order.
run() {
	local d
	n=$((n + 1))
	d=$tmp/$n
	want_status[n]=$1 want_out[n]=$2 want_err[n]=$3
	shift 3
	what[n]="tcpfsm $* (exit ${want_status[n]})"
	while [ "$(jobs -rp | wc -l)" -ge "$cpus" ]; do
		wait -n
	done
	: >"$d.out"
	(
		valgrind --quiet --error-exitcode=$vg_error --leak-check=full \
			--show-leak-kinds=all --errors-for-leak-kinds=all \
			--track-origins=yes --log-file="$d.vg" \
			"$bin" "$@" >"${out:-$d.out}" 2>"$d.err"
		echo $? >"$d.rc"
	) &
}

diag() { # label, file
	echo "# $1:"
	sed 's/^/#   /' "$2"
}

# run number @i: as asked?
check() {
	local i=$1 d=$tmp/$1 rc got_out got_err ok=1

	rc=$(cat "$d.rc" 2>/dev/null || echo none)
	got_out=$(cat "$d.out") got_err=$(cat "$d.err")
	if [ "$rc" = $vg_error ] || [ -s "$d.vg" ] ||
	   [ "$rc" != "${want_status[i]}" ]; then
		ok=0
	elif [ -n "${want_out[i]}" ] && [[ $got_out != "${want_out[i]}"* ]]; then
		ok=0
	elif [ -z "${want_out[i]}" ] && [ -n "$got_out" ]; then
		ok=0
	elif [ -n "${want_err[i]}" ] && [[ $got_err != "${want_err[i]}"* ]]; then
		ok=0
	elif [ -z "${want_err[i]}" ] && [ -n "$got_err" ]; then
		ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok $i - ${what[i]}"
		passed=$((passed + 1))
		return
	fi
	echo "not ok $i - ${what[i]}"
	failed=$((failed + 1))
	echo "# exit status $rc, expected ${want_status[i]} ($vg_error: valgrind found errors)"
	diag valgrind "$d.vg"
	diag stdout "$d.out"
	diag stderr "$d.err"
}

# pass USAGE_PREFIX [ARGS...]: exit 0, stdout starting so, nothing on stderr
pass() {
	local prefix=$1
	shift
	run 0 "$prefix" "" "$@"
}

# fail ERR_PREFIX [ARGS...]: exit 1, nothing on stdout, stderr starting so
fail() {
	local prefix=$1
	shift
	run 1 "" "$prefix" "$@"
}

# (the output is compared without its last newline)
usage='Usage: tcpfsm [OPTIONS] COMMAND [ARGS]
       tcpfsm COMMAND help'
nofamily='tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (modprobe tcpfsm)'
badstate='tcpfsm: unknown state "FIN-WAIT-3"
valid states: ESTABLISHED SYN_SENT'
badduration='--older-than: invalid duration'

# help and version
pass "$usage" help
pass "$usage" -h
pass "$usage" --help
pass "$usage" -j help
pass 'Usage: tcpfsm [-j [-p]] stats [all]' help stats
pass 'Usage: tcpfsm [-j [-p]] stats [all]' help show
pass 'Usage: tcpfsm [-j [-p]] state NAME' help state
pass 'Usage: tcpfsm [-j] monitor [FILTERS]' help monitor
pass 'Usage: tcpfsm [-j [-p]] hist [STATE...]' help hist
pass 'Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]' help closewait
pass 'Usage: tcpfsm [-j [-p]] top [limit N]' help top
pass 'Usage: tcpfsm [-j [-p]] diagram' help diagram
pass 'Usage: tcpfsm help [COMMAND]' help help
pass 'Usage: tcpfsm [-j [-p]] stats [all]' stats help
pass 'Usage: tcpfsm [-j [-p]] stats [all]' stats all --help
pass 'Usage: tcpfsm [-j [-p]] state NAME' -j state -h
pass 'Usage: tcpfsm [-j] monitor [FILTERS]' monitor -4 port 80 help
pass 'Usage: tcpfsm [-j [-p]] hist [STATE...]' hist --help
pass 'Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]' closewait help
pass 'Usage: tcpfsm [-j [-p]] top [limit N]' top limit 5 -h
pass 'Usage: tcpfsm [-j [-p]] diagram' -j diagram --help
pass 'tcpfsm 1.0, for version' -V
pass 'tcpfsm 1.0, for version' --version
fail 'Command "nonesuch" is unknown, try "tcpfsm help".' help nonesuch
fail 'tcpfsm: help: unknown argument "extra"' help stats extra

# the command line, wrong
fail "$usage"
fail "$usage" -j
fail 'Command "foo" is unknown, try "tcpfsm help".' foo
fail 'Command "Stats" is unknown' Stats
fail 'Option "--bogus" is unknown, try "tcpfsm help".' --bogus stats
fail 'Option "-x" is unknown, try "tcpfsm help".' -x stats
fail 'Option "-o" needs a FORMAT: text, json or prometheus.' -o
fail 'Option "--output" needs a FORMAT' --output
fail 'tcpfsm: -o: unknown output format "yaml" (text, json or prometheus)' -o yaml stats
fail 'tcpfsm: -o: unknown output format "" ' --output= stats
fail 'tcpfsm: -o: unknown output format "csv"' stats -o csv
fail 'tcpfsm: stats: -o: FORMAT is missing' stats -o
fail 'tcpfsm: stats: --output: FORMAT is missing' stats all --output
fail 'tcpfsm: stats: unknown argument "bogus"' stats bogus
fail 'tcpfsm: stats: unknown argument "-j" (options go before the command)' stats -j
fail 'tcpfsm: state: unknown argument "-o"' -o prometheus state estab -o
fail 'tcpfsm: state: -o prometheus is for stats only' -o prometheus state estab
fail 'tcpfsm: top: -o prometheus is for stats only' --output=prometheus top
fail 'tcpfsm: hist: -o prometheus is for stats only' -o prometheus hist
fail 'tcpfsm: state: NAME is missing' state
fail "$badstate" state FIN-WAIT-3
fail 'tcpfsm: unknown state "0"' state 0
fail 'tcpfsm: unknown state "13"' state 13
fail 'tcpfsm: unknown state ""' state ''
fail 'tcpfsm: state: unknown argument "extra"' state estab extra
fail 'tcpfsm: monitor: unknown argument "bogus"' monitor bogus
fail 'tcpfsm: monitor: unknown argument "-x" (options go before the command)' monitor -x
fail 'tcpfsm: monitor: family: inet or inet6 is missing' monitor family
fail 'tcpfsm: monitor: family: invalid family "ipx" (inet or inet6)' monitor family ipx
fail 'tcpfsm: monitor: the inet and inet6 filters exclude each other' monitor -4 -6
fail 'tcpfsm: monitor: the inet and inet6 filters exclude each other' monitor family inet6 -4
fail 'tcpfsm: monitor: sport: PORT is missing' monitor sport
fail 'tcpfsm: monitor: sport: invalid port "http" (0-65535)' monitor sport http
fail 'tcpfsm: monitor: dport: invalid port "65536" (0-65535)' monitor dport 65536
fail 'tcpfsm: monitor: port: invalid port "-1" (0-65535)' monitor port -1
fail 'tcpfsm: monitor: port: invalid port "80x" (0-65535)' monitor port 80x
fail 'tcpfsm: monitor: sport given twice' monitor sport 1 sport 2
fail 'tcpfsm: monitor: state: NAME is missing' monitor -4 state
fail "$badstate" monitor state LISTEN state FIN-WAIT-3
fail 'tcpfsm: hist: LISTEN has no time in state; the states that have one: ESTABLISHED SYN_SENT' hist LISTEN
fail "$badstate" hist ESTABLISHED FIN-WAIT-3
fail 'tcpfsm: hist: unknown argument "-x" (options go before the command)' hist -x
fail 'tcpfsm: closewait: unknown argument "bogus"' closewait bogus
fail 'tcpfsm: closewait: --older-than: DURATION is missing' closewait --older-than
fail 'tcpfsm: closewait: older-than: DURATION is missing' closewait older-than
fail "tcpfsm: closewait: $badduration \"1.5h\"" closewait --older-than 1.5h
fail "tcpfsm: closewait: $badduration \"-5m\"" closewait --older-than -5m
fail "tcpfsm: closewait: $badduration \"5x\"" closewait --older-than 5x
fail "tcpfsm: closewait: $badduration \"5 m\"" closewait --older-than '5 m'
fail "tcpfsm: closewait: $badduration \"\"" closewait --older-than=
fail 'tcpfsm: closewait: --older-than: duration "99999999999999999999" too long (at most 584 years)' \
	closewait --older-than 99999999999999999999
fail 'tcpfsm: closewait: --older-than: duration "213504d" too long' closewait --older-than 213504d
fail 'tcpfsm: closewait: --older-than given twice' closewait --older-than 1m older-than 2m
fail 'tcpfsm: top: unknown argument "bogus"' top bogus
fail 'tcpfsm: top: limit: N is missing' top limit
fail 'tcpfsm: top: limit: invalid number "0" (1-1000)' top limit 0
fail 'tcpfsm: top: limit: invalid number "1001" (1-1000)' top limit 1001
fail 'tcpfsm: top: limit: invalid number "-1" (1-1000)' top limit -1
fail 'tcpfsm: top: limit: invalid number "10k" (1-1000)' top limit 10k
fail 'tcpfsm: top: unknown argument "extra"' top limit 5 extra
fail 'tcpfsm: diagram: unknown argument "all"' diagram all
fail 'tcpfsm: diagram: unknown argument "-j" (options go before the command)' diagram -j
fail 'tcpfsm: diagram: -o prometheus is for stats only' -o prometheus diagram

# an output that cannot be written
out=/dev/full fail 'tcpfsm: writing the output: No space left on device' help
out=/dev/full fail 'tcpfsm: writing the output: No space left on device' -V

# every command, and its option forms, without the module
if [ -e /sys/module/tcpfsm ]; then
	echo "# the tcpfsm module is loaded: the runs without it are not made"
else
	fail "$nofamily" stats
	fail "$nofamily" show
	fail "$nofamily" stats all
	fail "$nofamily" -j stats
	fail "$nofamily" -j -p stats all
	fail "$nofamily" --json --pretty show
	fail "$nofamily" -p stats
	fail "$nofamily" -o text stats
	fail "$nofamily" -o json stats
	fail "$nofamily" -o prometheus stats
	fail "$nofamily" --output=prometheus stats all
	fail "$nofamily" stats -o prometheus
	fail "$nofamily" stats --output=json
	fail "$nofamily" -j stats -o text
	fail "$nofamily" state ESTABLISHED
	fail "$nofamily" state estab
	fail "$nofamily" -j state SYN-SENT
	fail "$nofamily" -j -p state 12
	fail "$nofamily" monitor
	fail "$nofamily" -j monitor
	fail "$nofamily" monitor -4 sport 22 dport 1024 port 80
	fail "$nofamily" monitor -6 state LISTEN state time-wait
	fail "$nofamily" monitor family inet
	fail "$nofamily" -j monitor family inet6 port 0
	fail "$nofamily" hist
	fail "$nofamily" hist ESTABLISHED CLOSE-WAIT
	fail "$nofamily" -j -p hist syn_sent
	fail "$nofamily" closewait
	fail "$nofamily" -j closewait --older-than 5m
	fail "$nofamily" -j -p closewait --older-than=500ms
	fail "$nofamily" closewait older-than 1d
	fail "$nofamily" closewait --older-than 30
	fail "$nofamily" top
	fail "$nofamily" top limit 1
	fail "$nofamily" -j -p top limit 1000
	fail "$nofamily" diagram
	fail "$nofamily" -j diagram
	fail "$nofamily" -j -p diagram
	fail "$nofamily" -o json diagram
fi

wait
for ((i = 1; i <= n; i++)); do
	check $i
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
