#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ABI across releases (Documentation/netlink.rst, "Family and
# headers"): the command of the previous release against this module, and
# this command against the previous release's module. scripts/build-old.sh
# builds that release (build/compat-old, from the git history; another
# with TCPFSM_OLD_OUT, for both) on the host.
#
# For each pairing, in new network namespaces with loopback traffic:
# "stats" and "-j stats" exit 0, print nothing on stderr and show exactly
# the figures of /proc/net/tcpfsm (every transition and state figure);
# "-j monitor" hears every transition of a connection, one event per
# transition of the /proc matrix, the command carrying on without
# events-subscribe where the old module lacks it. The old command does not
# subscribe (it predates the op): alone it hears nothing from this module,
# as documented ("A socket that joins without subscribing receives only
# the events that another subscribed socket of its namespace asks for");
# beside a subscribed listener it hears every event, and the timewait and
# request sockets' events that listener asked for. The old command
# accepted only its own family version, so this module's version must
# still be the old one's (checked with "genl ctrl get").
#
# A missing old release fails (no silent pass): the test is only
# meaningful with it. Module not loaded at start; loads and unloads both.
# TCPFSM_KO: this module; TCPFSM_CMD: this command (default
# build/userspace/tcpfsm). Prints TAP and a kselftest "# Totals:" line.
# Exit status: 0 pass, 1 fail.
set -u

here=$(dirname "$(readlink -f "$0")")
top=${TCPFSM_TOP:-$(dirname "$here")}
py=/usr/bin/python3
ntests=0 nfailed=0

result() { # status description
	ntests=$((ntests + 1))
	if [ "$1" = 0 ]; then
		echo "ok $ntests - $2"
	else
		echo "not ok $ntests - $2"
		nfailed=$((nfailed + 1))
	fi
}

# /proc/net/tcpfsm (both files) against a command's output, or the matrix
# alone: "proc" prints the number of transitions in it
check() { # stats-text|stats-json|events|proc [FILE [EXTRA]]
	"$py" - "$@" <<'EOF'
import json, re, sys

def proc():
    """transitions and states of /proc, by the names of header and rows"""
    trans, states = {}, {}
    for name, table in (("transitions", trans), ("states", states)):
        lines = open("/proc/net/tcpfsm/" + name).read().split("\n")
        cols = lines[0].split()[1:]
        for line in lines[1:]:
            f = line.split()
            for col, v in zip(cols, f[1:]):
                table[(f[0], col)] = None if v == "-" else int(v)
    return trans, states

mode = sys.argv[1]
trans, states = proc()
nonzero = {k: v for k, v in trans.items() if v}
got_trans, got_states = {}, {}
if mode == "proc":
    print(sum(trans.values()))
    sys.exit(0)
text = open(sys.argv[2]).read()
if mode == "stats-text":
    table = None
    for line in text.split("\n"):
        f = line.split()
        if f[:1] == ["state"]:
            table = f[1:]
        elif len(f) == 4 and f[1] == "->":
            got_trans[(f[0], f[2])] = int(f[3])
        elif table and len(f) == 4:
            for col, v in zip(table, f[1:]):
                got_states[(f[0], col)] = None if v == "-" else int(v)
elif mode == "stats-json":
    reply = json.loads(text)
    for t in reply["transitions"]:
        got_trans[(t["old"], t["new"])] = t["count"]
    for s in reply["states"]:
        for col in ("current", "entered", "left"):
            got_states[(s["state"], col)] = s.get(col)
elif mode == "events":
    # this command marks a timewait or request socket's events (not in
    # the matrix); an old command cannot, and hears those that a
    # subscriber beside it asked for (EXTRA, that subscriber's output):
    # expected on top
    def flagged(ev):
        return ev.get("timewait") or ev.get("request")
    for line in text.split("\n"):
        if line:
            ev = json.loads(line)
            if flagged(ev):
                continue
            k = (ev["old"], ev["new"])
            got_trans[k] = got_trans.get(k, 0) + 1
    if len(sys.argv) > 3:
        for line in open(sys.argv[3]).read().split("\n"):
            if line and flagged(json.loads(line)):
                ev = json.loads(line)
                k = (ev["old"], ev["new"])
                nonzero[k] = nonzero.get(k, 0) + 1
    got_states = states
bad = []
if {k: v for k, v in got_trans.items() if v} != nonzero:
    bad.append(f"transitions: {sorted(got_trans.items())}, /proc {sorted(nonzero.items())}")
if got_states != states:
    bad.append(f"states: {sorted(got_states.items())}, /proc {sorted(states.items())}")
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
}

# one connection, closed by the client first; returns when all its
# transitions are in /proc (the client's timewait socket stays)
traffic() {
	"$py" - <<'EOF'
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
c = socket.create_connection(l.getsockname(), timeout=5)
s, _ = l.accept()
c.close()
s.settimeout(5)
assert s.recv(1) == b""
s.close()
l.close()
EOF
}

# the transitions /proc shows once nothing moves for 0.3 s
settled() {
	local n prev=-1 i

	for i in $(seq 100); do
		n=$(check proc) || return 1
		if [ "$n" = "$prev" ]; then
			echo "$n"
			return 0
		fi
		prev=$n
		sleep 0.3
	done
	return 1
}

# events in a monitor's JSON output
nevents() {
	grep -c '^{' "$1"
}

# a monitor started in the background has joined the events group: its
# netlink socket (NETLINK_GENERIC, port id = its pid) has a group
joined() { # pid
	local i

	for i in $(seq 100); do
		awk -v pid="$1" '$2 == 16 && $3 == pid && $4 != "00000000" { f = 1 }
			END { exit !f }' /proc/net/netlink && return 0
		sleep 0.1
	done
	return 1
}

# Run in a netns of its own: stats and -j stats of CMD after traffic.
in_netns_stats() { # label cmd
	local label=$1 cmd=$2 w

	w=$(mktemp -d)
	ip link set dev lo up && traffic && settled >/dev/null
	result $? "$label: loopback traffic"
	"$cmd" stats >"$w/text" 2>"$w/err" && [ ! -s "$w/err" ] &&
		check stats-text "$w/text"
	result $? "$label: stats exits 0, quiet, every figure equals /proc"
	"$cmd" -j stats >"$w/json" 2>"$w/err" && [ ! -s "$w/err" ] &&
		check stats-json "$w/json"
	result $? "$label: -j stats exits 0, quiet, every figure equals /proc"
	[ "$(check proc)" -gt 0 ]
	result $? "$label: the figures compared are not all zero"
	sed 's/^/# /' "$w/err"
	rm -rf "$w"
}

# Run in a netns of its own: CMD -j monitor (beside SUBSCRIBER -j monitor,
# if given) while a connection comes and goes; HEARS is "all" or "none".
in_netns_monitor() { # label cmd hears [subscriber]
	local label=$1 cmd=$2 hears=$3 sub=${4:-} w pid spid="" n want i rc wrc

	w=$(mktemp -d)
	ip link set dev lo up
	"$cmd" -j monitor >"$w/mon" 2>"$w/err" &
	pid=$!
	if [ -n "$sub" ]; then
		"$sub" -j monitor >"$w/sub" 2>"$w/sub.err" &
		spid=$!
		joined "$spid"
	fi
	joined "$pid"
	result $? "$label: monitor joined the events group"
	# the subscription follows the join: no sign of it but the events
	sleep 0.5
	traffic && n=$(settled)
	result $? "$label: loopback traffic"
	for i in $(seq 50); do
		# the timewait and request sockets' events that the
		# subscriber asked for, too
		want=$n
		[ -z "$sub" ] ||
			want=$((n + $(grep -c '"timewait":true\|"request":true' "$w/sub")))
		[ "$(nevents "$w/mon")" -lt "$want" ] || break
		[ "$hears" = none ] && [ "$i" -ge 5 ] && break
		sleep 0.2
	done
	rc=0
	kill -0 "$pid" 2>/dev/null || rc=gone
	for p in $pid $spid; do
		kill -INT "$p" 2>/dev/null
	done
	wrc=0
	wait "$pid" || wrc=$?
	[ "$rc" != 0 ] || rc=$wrc
	[ "$rc" = 0 ] && [ ! -s "$w/err" ]
	result $? "$label: monitor ran until SIGINT, then exits 0, quiet (exit $rc)"
	[ -z "$spid" ] || wait "$spid"
	if [ "$hears" = all ] && [ -n "$sub" ]; then
		check events "$w/mon" "$w/sub"
		result $? "$label: monitor heard one event per transition of /proc and the subscriber's timewait and request events ($(nevents "$w/mon") of $want)"
	elif [ "$hears" = all ]; then
		check events "$w/mon"
		result $? "$label: monitor heard one event per transition of /proc ($(nevents "$w/mon") of $n)"
	else
		[ "$n" -gt 0 ] && [ "$(nevents "$w/mon")" = 0 ]
		result $? "$label: monitor alone heard none of the $n transitions (it does not subscribe)"
	fi
	if [ -n "$sub" ]; then
		check events "$w/sub"
		result $? "$label: the subscribed listener beside it heard them all"
		[ "$(grep -c '"timewait":true' "$w/sub")" -ge 1 ] &&
			[ "$(grep -c '"request":true' "$w/sub")" = 2 ]
		result $? "$label: ... and the client's timewait socket's creation and the request socket's 2 steps, which it asked for"
	fi
	sed 's/^/# /' "$w/err"
	rm -rf "$w"
}

# a part, in a new netns: numbers its results on from the caller's and
# writes its counts to fd 3
if [ "${1:-}" = --in-netns ]; then
	ntests=$2
	shift 2
	"$@"
	echo "$ntests $nfailed" >&3
	exit 0
fi

netns() { # function args...
	local t="" f="" counts

	counts=$(mktemp)
	unshare -n -- bash "$0" --in-netns "$ntests" "$@" 3>"$counts"
	read -r t f <"$counts"
	rm -f "$counts"
	if [ -z "$f" ]; then
		result 1 "$1 $2: finished"
		return
	fi
	ntests=$t
	nfailed=$((nfailed + f))
}

kver=$(uname -r)
old=${TCPFSM_OLD_OUT:-$top/build/compat-old}
old_cmd=$old/userspace/tcpfsm
old_ko=$old/$kver/tcpfsm.ko
new_cmd=${TCPFSM_CMD:-$top/build/userspace/tcpfsm}
new_ko=${TCPFSM_KO:-$top/build/$kver/src/tcpfsm.ko}

# the attributes one spec has and the other not, by set (none is fine:
# the figures are still compared one by one)
spec_diff() { # old-spec new-spec
	"$py" - "$@" <<'PY'
import sys, yaml

def attrs(path):
    spec = yaml.safe_load(open(path))
    return {(s["name"], a["name"]) for s in spec["attribute-sets"]
            for a in s["attributes"]}

old, new = attrs(sys.argv[1]), attrs(sys.argv[2])
for what, d in (("adds", new - old), ("drops", old - new)):
    print(f"# this spec {what} since the old release:",
          ", ".join(f"{s}/{a}" for s, a in sorted(d)) or "nothing")
PY
}

echo "TAP version 13"
rev=$(cat "$old/rev" 2>/dev/null)
[ -n "$rev" ] && [ -x "$old_cmd" ] && [ -f "$old_ko" ] && [ -x "$new_cmd" ] &&
	[ -f "$new_ko" ]
rc=$?
result $rc "old release ${rev:-(none)} built for $kver: $old_cmd, $old_ko; new: $new_cmd, $new_ko"
if [ "$rc" != 0 ]; then
	echo "# run scripts/build-old.sh $kver on the host (it needs the git history)"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
! cmp -s "$old_cmd" "$new_cmd" && ! cmp -s "$old_ko" "$new_ko"
result $? "the old command and module are not this release's"
spec_diff "$old/tree/Documentation/netlink/specs/tcpfsm.yaml" \
	"$top/Documentation/netlink/specs/tcpfsm.yaml"
[ ! -e /proc/net/tcpfsm ]
result $? "module not loaded at start"

# The old command refused any family version but its own
# (TCPFSM_FAMILY_VERSION of its uapi header): this module must keep it.
family_version() {
	genl ctrl get name tcpfsm | sed -n 's/.*Version: 0x\([0-9a-f]*\).*/\1/p'
}
want=$(sed -n 's/^#define TCPFSM_FAMILY_VERSION[[:space:]]*\([0-9]*\)$/\1/p' \
	"$old/tree/include/uapi/linux/tcpfsm.h")

# the old command against this module
insmod "$new_ko"
result $? "insmod this module"
v=$(family_version)
[ -n "$want" ] && [ "$(printf %d "0x$v" 2>/dev/null)" = "$want" ]
result $? "this module's family version ${v:-?} (hex) is the old command's, $want"
netns in_netns_stats "old command, new module" "$old_cmd"
netns in_netns_monitor "old command alone, new module" "$old_cmd" none
netns in_netns_monitor "old command beside this one, new module" "$old_cmd" all \
	"$new_cmd"
rmmod tcpfsm
result $? "rmmod this module"

# this command against the old module
insmod "$old_ko"
result $? "insmod the old module"
netns in_netns_stats "new command, old module" "$new_cmd"
netns in_netns_monitor "new command, old module" "$new_cmd" all
rmmod tcpfsm
result $? "rmmod the old module"

echo "# Totals: pass:$((ntests - nfailed)) fail:$nfailed xfail:0 xpass:0 skip:0 error:0"
[ "$nfailed" = 0 ]
