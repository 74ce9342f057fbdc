#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command and option form of the tcpfsm command, run under
# valgrind's memcheck, with the module absent and with bad arguments: no
# invalid or uninitialised access, no leak of any kind, the exit status
# Documentation/tcpfsm-command.rst gives (0; 1 a runtime failure, 2 a usage
# error, 3 the module absent) and the message on stderr that names the cause. One "ok N - ..." or
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

# wrong ERR_PREFIX [ARGS...]: as fail, exit 2 (a wrong command line)
wrong() {
	local prefix=$1
	shift
	run 2 "" "$prefix" "$@"
}

# absent [ARGS...]: as fail, exit 3, the message of the module absent
absent() {
	run 3 "" "$nofamily" "$@"
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
pass 'Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]' help monitor
pass 'Usage: tcpfsm [-j [-p]] hist [STATE...]' help hist
pass 'Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]' help closewait
pass 'Usage: tcpfsm [-j [-p]] top [limit N]' help top
pass 'Usage: tcpfsm [-j [-p]] diagram' help diagram
pass 'Usage: tcpfsm help [COMMAND]' help help
pass 'Usage: tcpfsm [-j [-p]] stats [all]' stats help
pass 'Usage: tcpfsm [-j [-p]] stats [all]' stats all --help
pass 'Usage: tcpfsm [-j [-p]] state NAME' -j state -h
pass 'Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]' monitor -4 port 80 help
pass 'Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]' -t monitor help
pass 'Usage: tcpfsm [-j [-p]] top [limit N]' -n tcpfsm-no-such-netns top help
pass 'Usage: tcpfsm [-j [-p]] stats [all] [nohist]' -o prometheus stats nohist help
pass 'Usage: tcpfsm [-j [-p]] stats [all] [nohist] [-A]' -A stats help
pass 'Usage: tcpfsm [-j [-p]] hist [STATE...]' hist --help
pass 'Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]' closewait help
pass 'Usage: tcpfsm [-j [-p]] top [limit N]' top limit 5 -h
pass 'Usage: tcpfsm [-j [-p]] diagram' -j diagram --help
pass 'tcpfsm 1.0, for version' -V
pass 'tcpfsm 1.0, for version' --version
wrong 'Command "nonesuch" is unknown, try "tcpfsm help".' help nonesuch
wrong 'tcpfsm: help: unknown argument "extra"' help stats extra

# the command line, wrong
wrong "$usage"
wrong "$usage" -j
wrong 'Command "foo" is unknown, try "tcpfsm help".' foo
wrong 'Command "Stats" is unknown' Stats
wrong 'Option "--bogus" is unknown, try "tcpfsm help".' --bogus stats
wrong 'Option "-x" is unknown, try "tcpfsm help".' -x stats
wrong 'Option "-o" needs a FORMAT: text, json or prometheus.' -o
wrong 'Option "--output" needs a FORMAT' --output
wrong 'tcpfsm: -o: unknown output format "yaml" (text, json or prometheus)' -o yaml stats
wrong 'tcpfsm: -o: unknown output format "" ' --output= stats
wrong 'tcpfsm: -o: unknown output format "csv"' stats -o csv
wrong 'tcpfsm: stats: -o: FORMAT is missing' stats -o
wrong 'tcpfsm: stats: --output: FORMAT is missing' stats all --output
wrong 'tcpfsm: stats: unknown argument "bogus"' stats bogus
wrong 'tcpfsm: stats: unknown argument "-j" (options go before the command)' stats -j
wrong 'tcpfsm: state: unknown argument "-o"' -o prometheus state estab -o
wrong 'tcpfsm: state: -o prometheus is for stats only' -o prometheus state estab
wrong 'tcpfsm: top: -o prometheus is for stats only' --output=prometheus top
wrong 'tcpfsm: hist: -o prometheus is for stats only' -o prometheus hist
wrong 'tcpfsm: state: NAME is missing' state
wrong "$badstate" state FIN-WAIT-3
wrong 'tcpfsm: unknown state "0"' state 0
wrong 'tcpfsm: unknown state "13"' state 13
wrong 'tcpfsm: unknown state ""' state ''
wrong 'tcpfsm: state: unknown argument "extra"' state estab extra
wrong 'tcpfsm: monitor: unknown argument "bogus"' monitor bogus
wrong 'tcpfsm: monitor: unknown argument "-x" (options go before the command)' monitor -x
wrong 'tcpfsm: monitor: family: inet or inet6 is missing' monitor family
wrong 'tcpfsm: monitor: family: invalid family "ipx" (inet or inet6)' monitor family ipx
wrong 'tcpfsm: monitor: the inet and inet6 filters exclude each other' monitor -4 -6
wrong 'tcpfsm: monitor: the inet and inet6 filters exclude each other' monitor family inet6 -4
wrong 'tcpfsm: monitor: sport: PORT is missing' monitor sport
wrong 'tcpfsm: monitor: sport: invalid port "http" (0-65535)' monitor sport http
wrong 'tcpfsm: monitor: dport: invalid port "65536" (0-65535)' monitor dport 65536
wrong 'tcpfsm: monitor: port: invalid port "-1" (0-65535)' monitor port -1
wrong 'tcpfsm: monitor: port: invalid port "80x" (0-65535)' monitor port 80x
wrong 'tcpfsm: monitor: sport given twice' monitor sport 1 sport 2
wrong 'tcpfsm: monitor: state: NAME is missing' monitor -4 state
wrong "$badstate" monitor state LISTEN state FIN-WAIT-3
wrong 'tcpfsm: hist: LISTEN has no time in state; the states that have one: ESTABLISHED SYN_SENT' hist LISTEN
wrong "$badstate" hist ESTABLISHED FIN-WAIT-3
wrong 'tcpfsm: hist: unknown argument "-x" (options go before the command)' hist -x
wrong 'tcpfsm: closewait: unknown argument "bogus"' closewait bogus
wrong 'tcpfsm: closewait: --older-than: DURATION is missing' closewait --older-than
wrong 'tcpfsm: closewait: older-than: DURATION is missing' closewait older-than
wrong "tcpfsm: closewait: $badduration \"1.5h\"" closewait --older-than 1.5h
wrong "tcpfsm: closewait: $badduration \"-5m\"" closewait --older-than -5m
wrong "tcpfsm: closewait: $badduration \"5x\"" closewait --older-than 5x
wrong "tcpfsm: closewait: $badduration \"5 m\"" closewait --older-than '5 m'
wrong "tcpfsm: closewait: $badduration \"\"" closewait --older-than=
wrong 'tcpfsm: closewait: --older-than: duration "99999999999999999999" too long (at most 584 years)' \
	closewait --older-than 99999999999999999999
wrong 'tcpfsm: closewait: --older-than: duration "213504d" too long' closewait --older-than 213504d
wrong 'tcpfsm: closewait: --older-than given twice' closewait --older-than 1m older-than 2m
wrong 'tcpfsm: top: unknown argument "bogus"' top bogus
wrong 'tcpfsm: top: limit: N is missing' top limit
wrong 'tcpfsm: top: limit: invalid number "0" (1-1000)' top limit 0
wrong 'tcpfsm: top: limit: invalid number "1001" (1-1000)' top limit 1001
wrong 'tcpfsm: top: limit: invalid number "-1" (1-1000)' top limit -1
wrong 'tcpfsm: top: limit: invalid number "10k" (1-1000)' top limit 10k
wrong 'tcpfsm: top: unknown argument "extra"' top limit 5 extra
wrong 'tcpfsm: diagram: unknown argument "all"' diagram all
wrong 'tcpfsm: diagram: unknown argument "-j" (options go before the command)' diagram -j
wrong 'tcpfsm: diagram: -o prometheus is for stats only' -o prometheus diagram
wrong 'tcpfsm: stats: -t is for monitor only' -t stats
wrong 'tcpfsm: state: unknown argument "nohist"' state estab nohist
wrong 'tcpfsm: stats: unknown argument "--no-histogram"' -o prometheus stats --no-histogram
wrong 'tcpfsm: top: -t is for monitor only' --timestamp top
wrong 'tcpfsm: monitor: unknown argument "-t" (options go before the command)' monitor -t
wrong 'tcpfsm: stats: --rcvbuf is for monitor only' --rcvbuf 8M stats
wrong 'tcpfsm: --rcvbuf: invalid size "8X" (64K to 1G: bytes, or with K, M or G)' --rcvbuf 8X monitor
wrong 'Option "--rcvbuf" needs a SIZE: bytes, or with K, M or G.' --rcvbuf
wrong 'Option "-n" needs a NETNS: a name of ip netns list.' -n
wrong 'Option "--netns" needs a NETNS' --netns
wrong 'tcpfsm: -n: invalid network namespace name "a/b"' -n a/b stats
wrong 'tcpfsm: -n: invalid network namespace name ""' --netns= stats
wrong 'tcpfsm: stats: unknown argument "-n" (options go before the command)' stats -n blue
wrong 'tcpfsm: state: -A is for stats only' -A state estab
wrong 'tcpfsm: monitor: -A is for stats only' --all-netns monitor
wrong 'tcpfsm: -A shows every network namespace: not with -n' -A -n blue stats
wrong 'tcpfsm: hist: unknown argument "-A" (options go before the command)' hist -A
fail 'tcpfsm: network namespace "tcpfsm-no-such-netns" does not exist' -n tcpfsm-no-such-netns stats
fail 'tcpfsm: network namespace "tcpfsm-no-such-netns" does not exist' --netns tcpfsm-no-such-netns -j -t monitor
fail 'tcpfsm: network namespace "tcpfsm-no-such-netns" does not exist' -n tcpfsm-no-such-netns closewait

# an output that cannot be written
out=/dev/full fail 'tcpfsm: writing the output: No space left on device' help
out=/dev/full fail 'tcpfsm: writing the output: No space left on device' -V

# every command, and its option forms, without the module
if [ -e /sys/module/tcpfsm ]; then
	echo "# the tcpfsm module is loaded: the runs without it are not made"
else
	absent stats
	absent show
	absent stats all
	absent -j stats
	absent -j -p stats all
	absent --json --pretty show
	absent -p stats
	absent -o text stats
	absent -o json stats
	absent -o prometheus stats
	absent --output=prometheus stats all
	absent stats -o prometheus
	absent stats --output=json
	absent -j stats -o text
	absent state ESTABLISHED
	absent state estab
	absent -j state SYN-SENT
	absent -j -p state 12
	absent monitor
	absent -j monitor
	absent -j monitor full port 80
	absent -t monitor
	absent -o prometheus stats nohist
	absent stats all --no-histograms -o prometheus
	absent -j --timestamp monitor port 22
	absent --rcvbuf 16M -j monitor full
	absent monitor -4 sport 22 dport 1024 port 80
	absent monitor -6 state LISTEN state time-wait
	absent monitor family inet
	absent -j monitor family inet6 port 0
	absent hist
	absent hist ESTABLISHED CLOSE-WAIT
	absent -j -p hist syn_sent
	absent -j hist handshake NEW_SYN_RECV
	absent closewait
	absent -j closewait --older-than 5m
	absent -j -p closewait --older-than=500ms
	absent closewait older-than 1d
	absent closewait --older-than 30
	absent top
	absent top limit 1
	absent -j -p top limit 1000
	absent diagram
	absent -j diagram
	absent -j -p diagram
	absent -A stats
	absent --all-netns show all
	absent -j -p -A stats
	absent -j stats --all-netns
	absent -o prometheus stats -A nohist
	absent -A -o prometheus stats
	absent -o json diagram
fi

wait
for ((i = 1; i <= n; i++)); do
	check $i
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
