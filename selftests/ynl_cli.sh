#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own YNL CLI (tools/net/ynl/cli.py of linux-source-6.12, run
# by scripts/ynl.sh cli with the spec) against /proc/net/tcpfsm, in a new
# netns after some loopback TCP: "--do get" must report what /proc shows,
# "--do state-get" one state's line, and a state-id out of range must be
# refused with the policy's extended ACK. Then the YNL library itself
# (cli.py has no way to wait for notifications) subscribes to "events" and
# must decode the transition-ntf messages of one more connection, socket by
# socket. With TCPFSM_CMD (the tcpfsm command, as run_guest.sh exports it),
# "tcpfsm -j diagram" must give each pair of states the cell of
# /proc/net/tcpfsm/machine (its edges, full and orphan, summed; with a
# module before it, each edge between full sockets its cell of
# /proc/net/tcpfsm/transitions), and the timewait edges their sums of
# /proc/net/tcpfsm/timewait; "tcpfsm -j monitor" must hear the timewait
# sockets' events of a connection; its handshake figures (stats, hist,
# diagram, Prometheus) must equal /proc/net/tcpfsm/handshake after 3 more
# passive opens. The CLI knows the family from the spec alone: nothing here
# depends on the kernel's version.
#
# Needs root, tcpfsm loaded, python3 with yaml and jsonschema, and the
# tree scripts/ynl.sh check stages under build/ (run it on the host).
# Exit status: 0 pass, 1 fail, 4 skip (kselftest's KSFT_SKIP).
set -u

ksft_skip=4
here=$(dirname "$(readlink -f "$0")")

# the project: the first parent with scripts/ynl.sh (this file may be
# installed in OUTPUT)
start=${TCPFSM_TOP:-$here}
top=$start
while [ "$top" != / ] && [ ! -f "$top/scripts/ynl.sh" ]; do
	top=$(dirname "$top")
done

skip() {
	echo "ok 1 - ynl_cli # SKIP $*"
	exit "$ksft_skip"
}

if [ "${1:-}" != --in-netns ]; then
	echo "TAP version 13"
	[ -f "$top/scripts/ynl.sh" ] || skip "no scripts/ynl.sh in $start or above"
	command -v python3 >/dev/null || skip "no python3"
	python3 -c 'import yaml, jsonschema' 2>/dev/null ||
		skip "python3 lacks yaml or jsonschema"
	for f in build/ksft/linux-source-6.12/tools/net/ynl/.extracted \
		 build/ynl/Documentation/netlink/specs/tcpfsm.yaml \
		 build/ynl/Documentation/netlink/genetlink.yaml; do
		[ -f "$top/$f" ] ||
			skip "no $f: run scripts/ynl.sh check on the host"
	done
	# lo up in a netns of our own, whose counters start at zero
	exec unshare -n -- /bin/bash "$(readlink -f "$0")" --in-netns
fi

py=/usr/bin/python3
work=$(mktemp -d)
traffic=
trap '[ -z "$traffic" ] || kill "$traffic" 2>/dev/null; rm -rf "$work"' EXIT
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

cli() {
	timeout 60 bash "$top/scripts/ynl.sh" cli "$@"
}

# Both files, twice, identical: nothing moved while they were read.
read_proc() { # dest
	local _

	for _ in $(seq 50); do
		cat /proc/net/tcpfsm/transitions /proc/net/tcpfsm/states \
			>"$1" || return 1
		cat /proc/net/tcpfsm/transitions /proc/net/tcpfsm/states \
			>"$1.again" || return 1
		cmp -s "$1" "$1.again" && return 0
		sleep 0.1
	done
	echo "# /proc/net/tcpfsm never stopped moving" >&2
	return 1
}

if ! ip link set dev lo up; then
	echo "not ok 1 - lo up in a new netns"
	echo "not ok - ynl_cli"
	exit 1
fi
if [ ! -d /proc/net/tcpfsm ]; then
	echo "not ok 1 - tcpfsm is not loaded (no /proc/net/tcpfsm)"
	echo "not ok - ynl_cli"
	exit 1
fi

# 4 handshakes: closed client first, server first, aborted, and one
# half-closed (FIN_WAIT2 / CLOSE_WAIT); it and the listener stay open while
# the CLI runs: until the end of the script, however slow the guest (a
# listener that closed after 120 s failed the state-get check below on a
# loaded debug kernel)
$py - "$work/ready" <<'EOF' &
import socket, struct, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(8)
pairs = []
for _ in range(3):
    c = socket.create_connection(l.getsockname(), timeout=5)
    s, _ = l.accept()
    pairs.append((c, s))
for first, second in ((pairs[0][0], pairs[0][1]), (pairs[1][1], pairs[1][0])):
    first.close()
    second.settimeout(5)
    assert second.recv(1) == b""
    second.close()
c, s = pairs[2]
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
s.settimeout(5)
try:
    s.recv(1)
    sys.exit("no RST")
except ConnectionResetError:
    s.close()
c = socket.create_connection(l.getsockname(), timeout=5)
s, _ = l.accept()
c.shutdown(socket.SHUT_WR)
s.settimeout(5)
assert s.recv(1) == b""
open(sys.argv[1], "w").close()
time.sleep(3600)  # past any timeout of the run; the EXIT trap kills it
EOF
traffic=$!
for _ in $(seq 100); do
	[ -e "$work/ready" ] || ! kill -0 "$traffic" 2>/dev/null && break
	sleep 0.1
done
if [ ! -e "$work/ready" ]; then
	result 1 "loopback traffic"
	echo "not ok - ynl_cli"
	exit 1
fi
result 0 "loopback traffic"

# get: every count equal to /proc, read before and after it
rc=1
for _ in 1 2 3; do
	read_proc "$work/before" || break
	cli --do get --output-json >"$work/get.json" 2>"$work/get.err" || break
	read_proc "$work/after" || break
	if cmp -s "$work/before" "$work/after"; then
		rc=0
		break
	fi
done
[ "$rc" = 0 ] || sed 's/^/# /' "$work/get.err"
if [ "$rc" = 0 ]; then
	$py - "$work/get.json" "$work/after" <<'EOF'
import json, sys

def proc(path):
    """transitions and states, by the names of their header and rows"""
    trans, states, table = {}, {}, None
    for line in open(path):
        f = line.split()
        if f[0] in ("old/new", "state"):
            table, cols = f[0], f[1:]
            continue
        for col, v in zip(cols, f[1:]):
            if table == "old/new":
                trans[(f[0], col)] = int(v)
            else:
                states[(f[0], col)] = None if v == "-" else int(v)
    return trans, states

name = lambda s: s.upper().replace("-", "_")
reply = json.load(open(sys.argv[1]))
trans, states = proc(sys.argv[2])
bad = []
seen = {}
for t in reply.get("transition", []):
    k = (name(t["old-state"]), name(t["new-state"]))
    seen[k] = seen.get(k, 0) + 1
    if trans.get(k) != t["count"]:
        bad.append(f"{k}: cli {t['count']}, /proc {trans.get(k)}")
if len(trans) != 121 or seen != {k: 1 for k in trans}:
    bad.append(f"{len(seen)} distinct transitions of 121, or repeated")
got = {}
for s in reply.get("state", []):
    for field in ("current", "entered", "left"):
        got[(name(s["state"]), field)] = s.get(field)
if got != states or len(states) != 36:
    bad.append(f"states: cli {got}, /proc {states}")
# what the traffic did to a new netns: not an empty reply
if trans[("SYN_SENT", "ESTABLISHED")] != 4 or states[("CLOSE_WAIT", "current")] != 1:
    bad.append("the traffic is not in /proc")
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
	rc=$?
fi
result "$rc" "--do get equals /proc/net/tcpfsm"

# tcpfsm -j diagram: its edges against the matrix and the timewait lines
# of /proc, read before and after it, unchanged. First 2 more closes,
# whose client is an orphan in FIN_WAIT2 (a timewait socket, once our FIN
# is acked) when the peer's FIN comes, so that the orphans' edge
# FIN_WAIT2 -> TIME_WAIT is not 0
if [ -n "${TCPFSM_CMD:-}" ] && [ -x "$TCPFSM_CMD" ]; then
	rc=1
	$py - <<'EOF' || rc=2
import socket, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(2)
for _ in range(2):
    c = socket.create_connection(l.getsockname(), timeout=5)
    s, _ = l.accept()
    c.close()
    s.settimeout(5)
    assert s.recv(1) == b""
    time.sleep(0.3)     # the ACK of our FIN: c becomes a timewait socket
    s.close()
l.close()
time.sleep(0.3)
EOF
	for _ in 1 2 3; do
		[ "$rc" = 1 ] || break
		read_proc "$work/dg.before" || break
		cat /proc/net/tcpfsm/timewait >>"$work/dg.before" 2>/dev/null
		cat /proc/net/tcpfsm/machine >"$work/machine" 2>/dev/null
		"$TCPFSM_CMD" -j diagram >"$work/diagram.json" \
			2>"$work/diagram.err" || break
		read_proc "$work/dg.after" || break
		cat /proc/net/tcpfsm/timewait >>"$work/dg.after" 2>/dev/null
		# (cmp takes /proc's size 0 for a difference: a copy)
		cat /proc/net/tcpfsm/machine >"$work/machine.after" 2>/dev/null
		cmp -s "$work/machine" "$work/machine.after" || continue
		if cmp -s "$work/dg.before" "$work/dg.after"; then
			rc=0
			break
		fi
	done
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/diagram.err"
	if [ "$rc" = 0 ]; then
		$py - "$work/diagram.json" "$work/dg.after" "$work/machine" <<'EOF'
import json, os, sys

trans, states, tw, table = {}, {}, {}, None
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] in ("old/new", "state", "substate"):
        table, cols = f[0], f[1:]
        continue
    for col, v in zip(cols, f[1:]):
        v = None if v == "-" else int(v)
        {"old/new": trans, "state": states, "substate": tw}[table][(f[0], col)] = v

# /proc/net/tcpfsm/machine (a module with created-from): the matrix as the
# RFC draws it, X -> CLOSE less the sockets handed to timewait sockets
machine = {}
if os.path.getsize(sys.argv[3]) if os.path.exists(sys.argv[3]) else 0:
    for line in open(sys.argv[3]):
        f = line.split()
        if f[0] == "old/new":
            cols = f[1:]
            continue
        for col, v in zip(cols, f[1:]):
            machine[(f[0], col)] = None if v == "-" else int(v)

def tw_sum(sub, *cols):
    vals = [tw.get((sub, c)) for c in cols]
    return None if None in vals else sum(vals)

d = json.load(open(sys.argv[1]))
bad = []
edges = {}
for e in d["edges"]:
    k = (e["from"], e["to"], e.get("via"))
    if k in edges:
        bad.append(f"edge {k} twice")
    edges[k] = e["count"]
    if not machine and e.get("via") is None and "TIME_WAIT" not in k and \
            "NEW_SYN_RECV" not in k and \
            e["count"] is not None and trans.get(k[:2]) != e["count"]:
        bad.append(f"{k}: diagram {e['count']}, /proc {trans.get(k[:2])}")
if machine:
    # each pair of states: its edges (full, orphan, request, cookie) sum
    # to the cell of machine, none null where machine has a figure
    sums = {}
    for (o, n, via), c in edges.items():
        if (o, n) in sums and sums[(o, n)] is None:
            continue
        sums[(o, n)] = None if c is None else sums.get((o, n), 0) + c
    for k, v in sums.items():
        if machine.get(k) is not None and machine[k] != v:
            bad.append(f"{k}: diagram {v}, /proc/net/tcpfsm/machine {machine[k]}")
    for (o, n), c in machine.items():
        if o != n and c and (o, n) not in sums:
            bad.append(f"{o} -> {n} ({c}) of machine missing")
else:
    # every transition between two states that happened is an edge (the
    # cells split by timewait sockets null: the module does not say how)
    for (o, n), c in trans.items():
        if o != n and c and (o, n, None) not in edges:
            bad.append(f"{o} -> {n} ({c}) missing")
want = {
    ("TIME_WAIT", "CLOSE", None): tw_sum("TIME_WAIT", "timer", "reused", "killed"),
    ("FIN_WAIT2", "TIME_WAIT", "orphan"): tw_sum("TIME_WAIT", "entered"),
    ("FIN_WAIT2", "CLOSE", "orphan"): tw_sum("FIN_WAIT2", "timer", "reused", "killed"),
}
for k, v in want.items():
    if edges.get(k, "absent") != v:
        bad.append(f"{k}: diagram {edges.get(k, 'absent')}, /proc timewait {v}")
for name, s in d["states"].items():
    if name == "NEW_SYN_RECV":  # the handshake's, checked below
        continue
    cur = states.get((name, "current"))
    if name == "SYN_RECV" and cur is not None:
        cur += states[("NEW_SYN_RECV", "current")]
    if s["current"] != cur:
        bad.append(f"{name}: current {s['current']}, /proc {cur}")
# the traffic: 6 handshakes, 5 FINs sent first (one a shutdown), 2 of
# them by orphans that got the peer's FIN as timewait sockets
# (LISTEN -> SYN_RECV: a module with request sockets splits it in three)
if edges.get(("CLOSE", "SYN_SENT", None)) != 6 or \
        sum(c or 0 for k, c in edges.items() if k[:2] == ("LISTEN", "SYN_RECV")) != 6 or \
        edges.get(("ESTABLISHED", "FIN_WAIT1", None)) != 5 or \
        d["states"]["CLOSE_WAIT"]["current"] != 1 or \
        (tw and (edges[("FIN_WAIT2", "TIME_WAIT", "orphan")] or 0) < 2):
    bad.append(f"the traffic is not in the diagram: {d}")
if machine and None in machine.values():
    print("# /proc/net/tcpfsm/machine has -: a timewait probe is off")
print("# diagram:", " ".join(f"{k[0]}->{k[1]}{'(' + k[2] + ')' if k[2] else ''}={v}"
                             for k, v in edges.items() if v))
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
		rc=$?
	fi
	result "$rc" "tcpfsm -j diagram: its edges equal /proc/net/tcpfsm (machine)"

	# the server's side of the handshake: 3 more passive opens, then
	# tcpfsm -j stats (its "handshake" object), -j hist NEW_SYN_RECV (the
	# SYN-ACK to final ACK histogram), -j diagram (the request sockets'
	# edges and line; that their pairs sum to /proc/net/tcpfsm/machine the
	# check above says) and -o prometheus against
	# /proc/net/tcpfsm/handshake, read before and after them, unchanged
	rc=1
	$py - <<'EOF' || rc=2
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(4)
for _ in range(3):
    c = socket.create_connection(l.getsockname(), timeout=5)
    s, _ = l.accept()
    c.close()
    s.close()
l.close()
EOF
	for _ in 1 2 3; do
		[ "$rc" = 1 ] || break
		cat /proc/net/tcpfsm/handshake >"$work/hs.before" || break
		"$TCPFSM_CMD" -j stats >"$work/hs-stats.json" 2>"$work/hs.err" &&
		"$TCPFSM_CMD" -j hist NEW_SYN_RECV >"$work/hs-hist.json" 2>>"$work/hs.err" &&
		"$TCPFSM_CMD" -j diagram >"$work/hs-diagram.json" 2>>"$work/hs.err" &&
		"$TCPFSM_CMD" stats -o prometheus >"$work/hs.prom" 2>>"$work/hs.err" ||
			break
		cat /proc/net/tcpfsm/handshake >"$work/hs.after" || break
		if cmp -s "$work/hs.before" "$work/hs.after"; then
			rc=0
			break
		fi
	done
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/hs.err"
	if [ "$rc" = 0 ] && ! command -v promtool >/dev/null; then
		echo "# no promtool: -o prometheus not checked by it"
	elif [ "$rc" = 0 ]; then
		promtool check metrics <"$work/hs.prom" >"$work/hs.err" 2>&1 ||
			rc=1
		sed 's/^/# promtool check metrics: /' "$work/hs.err"
		[ "$rc" != 0 ] || echo "# promtool check metrics: passed"
	fi
	if [ "$rc" = 0 ]; then
		$py - "$work/hs.after" "$work/hs-stats.json" "$work/hs-hist.json" \
			"$work/hs-diagram.json" "$work/hs.prom" <<'EOF'
import json, sys
proc = {}
for line in open(sys.argv[1]):
    f = line.split()
    proc[f[0]] = f[1:] if len(f) > 2 else (None if f[1] == "-" else int(f[1]))
stats = json.load(open(sys.argv[2]))
hist = json.load(open(sys.argv[3]))
dg = json.load(open(sys.argv[4]))
prom = open(sys.argv[5]).read().splitlines()
bad = []
names = ("current", "created", "completed", "expired", "orphaned", "dropped",
         "cookies")
hs = stats.get("handshake")
if hs is None:
    bad.append("no handshake in tcpfsm -j stats")
    hs = {}
for k in names:
    if hs.get(k) != proc.get(k):
        bad.append(f"{k}: stats {hs.get(k, 'absent')}, /proc {proc.get(k)}")
if not proc.get("created") or not proc.get("completed") or \
        proc["completed"] < 3 or proc["created"] < proc["completed"]:
    bad.append(f"the passive opens are not in /proc: {proc}")
# the histogram, bucket by bucket
h = [e for e in hist if e.get("handshake")]
want = {i: int(v) for i, v in enumerate(proc["syn_to_ack"]) if v not in ("0", "-")}
if len(h) != 1:
    bad.append(f"hist NEW_SYN_RECV: {hist}")
else:
    got = {b["index"]: b["count"] for b in h[0]["buckets"]}
    if h[0]["state"] != "NEW_SYN_RECV" or got != want or \
            h[0]["samples"] != proc["syn_to_ack_samples"] or \
            h[0]["sum_ns"] != proc["syn_to_ack_sum_ns"]:
        bad.append(f"hist NEW_SYN_RECV {h[0]}, /proc {want} "
                   f"{proc['syn_to_ack_samples']} {proc['syn_to_ack_sum_ns']}")
if proc["syn_to_ack_samples"] != proc["completed"]:
    bad.append(f"/proc: syn_to_ack_samples {proc['syn_to_ack_samples']}, "
               f"completed {proc['completed']}")
# the diagram: the request sockets' edges and line
edges = {(e["from"], e["to"], e.get("via")): e["count"] for e in dg["edges"]}
ends = [proc.get(k) for k in ("expired", "orphaned", "dropped")]
for k, v in {("LISTEN", "SYN_RECV", "request"): proc.get("created"),
             ("LISTEN", "SYN_RECV", "cookie"): proc.get("cookies"),
             ("NEW_SYN_RECV", "SYN_RECV", None): proc.get("completed"),
             ("SYN_RECV", "CLOSE", "request"):
                 None if None in ends else sum(ends)}.items():
    if edges.get(k, "absent") != v:
        bad.append(f"diagram {k}: {edges.get(k, 'absent')}, /proc {v}")
nsr = dg["states"].get("NEW_SYN_RECV", {})
if nsr.get("current") != proc.get("current") or \
        (nsr.get("median_ns") is None) != (not want):
    bad.append(f"diagram NEW_SYN_RECV {nsr}, /proc current {proc.get('current')}")
# Prometheus
for k in ("completed", "expired", "orphaned", "dropped"):
    line = f'tcpfsm_handshake_requests_ended_total{{outcome="{k}"}} {proc[k]}'
    if line not in prom:
        bad.append(f"prometheus: no {line}")
for line in (f"tcpfsm_handshake_requests_created_total {proc['created']}",
             f"tcpfsm_handshake_duration_seconds_count {proc['syn_to_ack_samples']}"):
    if line not in prom:
        bad.append(f"prometheus: no {line}")
print("# handshake:", " ".join(f"{k} {proc.get(k)}" for k in names),
      "median_ns", nsr.get("median_ns"))
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
		rc=$?
	fi
	result "$rc" "tcpfsm -j stats, hist, diagram and -o prometheus: the handshake equals /proc/net/tcpfsm/handshake"

	# tcpfsm -j monitor hears the timewait sockets' events (tw-events):
	# a half-closed client (full FIN_WAIT2) gets the peer's FIN: a
	# timewait socket is created, FIN_WAIT2 -> TIME_WAIT, timewait; its
	# end comes 60 s later. A socket closed in FIN_WAIT2 (its FIN sent by
	# shutdown() and acknowledged) whose peer never closes is a timewait
	# socket at once and ends after tcp_fin_timeout, 2 s here:
	# FIN_WAIT2 -> CLOSE, timewait. (Closed in ESTABLISHED instead, it
	# stays a full socket when the ACK finds it owned by the user, which
	# loopback makes a matter of timing: tcp_rcv_state_process().)
	rc=0
	fin_timeout=$(sysctl -n net.ipv4.tcp_fin_timeout)
	sysctl -qw net.ipv4.tcp_fin_timeout=2 || rc=1
	"$TCPFSM_CMD" -j monitor >"$work/mon.json" 2>"$work/mon.err" &
	mon=$!
	sleep 1
	[ "$rc" = 0 ] && $py - "$work/ports" <<'EOF' || rc=1
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(2)
c = socket.create_connection(l.getsockname(), timeout=5)
s, _ = l.accept()
c.shutdown(socket.SHUT_WR)
s.settimeout(5)
assert s.recv(1) == b""
time.sleep(0.3)
s.close()
time.sleep(0.3)
full = c.getsockname()[1]
c.close()
o = socket.create_connection(l.getsockname(), timeout=5)
s2, _ = l.accept()
orphan = o.getsockname()[1]
o.shutdown(socket.SHUT_WR)
for _ in range(50):     # the ACK of its FIN: FIN_WAIT2 (5)
    if o.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == 5:
        break
    time.sleep(0.1)
o.close()
time.sleep(6)   # tcp_fin_timeout 2 s, the timer's slack, a slow guest
s2.close()
l.close()
open(sys.argv[1], "w").write(f"{full} {orphan}\n")
EOF
	sleep 1
	kill "$mon" 2>/dev/null
	wait "$mon" 2>/dev/null
	sysctl -qw net.ipv4.tcp_fin_timeout="$fin_timeout"
	if [ "$rc" = 0 ]; then
		$py - "$work/mon.json" "$work/ports" <<'EOF'
import json, sys
full, orphan = map(int, open(sys.argv[2]).read().split())
evs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
evs = [e for e in evs if "old" in e]
bad = []
for e in evs:
    if e.get("timewait", True) is not True:
        bad.append(f"timewait not true where present: {e}")
    if e.get("timewait") and ("ino" in e or "uid" in e):
        bad.append(f"a timewait event with ino or uid: {e}")
def find(port, old, new, tw):
    return [e for e in evs if e["sport"] == port and e["old"] == old and
            e["new"] == new and bool(e.get("timewait")) == tw]
created = find(full, "FIN_WAIT2", "TIME_WAIT", True)
closed = find(full, "FIN_WAIT2", "CLOSE", False)
if len(created) != 1 or len(closed) != 1:
    bad.append(f"port {full}: FIN_WAIT2 -> TIME_WAIT timewait {len(created)}, "
               f"FIN_WAIT2 -> CLOSE of the full socket {len(closed)}, want 1 and 1")
elif created[0]["time_ns"] > closed[0]["time_ns"]:
    bad.append("the creation after the full socket's close")
if find(full, "TIME_WAIT", "CLOSE", True):
    bad.append(f"port {full}: TIME_WAIT -> CLOSE before 60 s")
end = find(orphan, "FIN_WAIT2", "CLOSE", True)
if len(end) != 1:
    bad.append(f"port {orphan}: the orphan's FIN_WAIT2 -> CLOSE timewait: {len(end)}")
elif not 1.5e9 <= end[0].get("old_state_ns", 2e9) <= 6e9:
    bad.append(f"the orphan's time in FIN_WAIT2: {end[0].get('old_state_ns')} ns")
tws = [e for e in evs if e.get("timewait")]
print("# timewait events:", " ".join(f"{e['sport']}:{e['old']}->{e['new']}" for e in tws))
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
		rc=$?
	fi
	[ "$rc" = 0 ] || sed 's/^/# monitor: /' "$work/mon.err"
	result "$rc" "tcpfsm -j monitor hears the timewait sockets' events"

	# --rcvbuf: the monitor's socket buffer as the kernel reports it to
	# getsockopt(SO_RCVBUF) of a copy of its netlink socket (pidfd_getfd;
	# twice what the socket was given), 4 MiB without it
	"$TCPFSM_CMD" --rcvbuf 16M monitor >/dev/null 2>"$work/rcv.err" &
	big=$!
	"$TCPFSM_CMD" monitor >/dev/null 2>&1 &
	dflt=$!
	sleep 1
	$py - "$big" 33554432 "$dflt" 8388608 <<'EOF' >"$work/rcv.out" 2>&1
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_getfd = 438
bad = 0
for pid, want in zip(sys.argv[1::2], sys.argv[2::2]):
    pidfd = os.pidfd_open(int(pid))
    got = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
            continue
        nfd = libc.syscall(SYS_pidfd_getfd, pidfd, int(fd), 0)
        if nfd < 0:
            sys.exit(f"pidfd_getfd: {os.strerror(ctypes.get_errno())}")
        with socket.socket(fileno=nfd) as s:
            if s.family == socket.AF_NETLINK:
                got.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    os.close(pidfd)
    print(f"# pid {pid}: netlink SO_RCVBUF {got}, want [{want}]")
    bad += got != [int(want)]
sys.exit(bad)
EOF
	rc=$?
	kill "$big" "$dflt" 2>/dev/null
	wait "$big" "$dflt" 2>/dev/null
	cat "$work/rcv.out"
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/rcv.err"
	result "$rc" "tcpfsm --rcvbuf 16M monitor: a buffer of 32 MiB (8 MiB without)"
else
	echo "# TCPFSM_CMD is not set: tcpfsm -j diagram and monitor are not checked"
fi

# state-get: LISTEN's line
rc=1
if cli --do state-get --json '{"state-id": 10}' --output-json \
	>"$work/state.json" 2>"$work/state.err"; then
	$py - "$work/state.json" <<'EOF'
import json, sys
reply = json.load(open(sys.argv[1]))
lines = [l.split() for l in open("/proc/net/tcpfsm/states")]
want = next(l for l in lines if l[0] == "LISTEN")
s = reply["state"]
s = s[0] if isinstance(s, list) and len(s) == 1 else s
got = [s["state"]] + [str(s.get(f, "-")) for f in ("current", "entered", "left")]
ok = set(reply) == {"state"} and got == ["listen"] + want[1:] and want[1] == "1"
if not ok:
    print(f"# cli {reply}, /proc {want}")
sys.exit(0 if ok else 1)
EOF
	rc=$?
else
	sed 's/^/# /' "$work/state.err"
fi
result "$rc" "--do state-get of LISTEN equals its /proc line"

# out of range: nla_validate_range_unsigned() gives ERANGE, its message,
# the attribute and the policy of state-id (u8, 1..12)
out=$(cli --do state-get --json '{"state-id": 13}' 2>&1)
status=$?
rc=0
[ "$status" = 1 ] || rc=1
for want in "error: -34" "'msg': 'integer out of range'" \
	    "'bad-attr': '.state-id'" "'min-value': 1" "'max-value': 12" \
	    "'type': 'u8'"; do
	case $out in
	*"$want"*) ;;
	*) rc=1 ;;
	esac
done
[ "$rc" = 0 ] || { echo "# exit $status:"; printf '%s\n' "$out" | sed 's/^/# /'; }
result "$rc" "--do state-get state-id 13 refused with the range extack"

# events: the YNL library joins the group, subscribes and decodes the
# transitions of one more connection, per socket in the order they happened
# (that of their timestamps: a socket's transitions are serialised by its
# lock); the other traffic above is idle, and told apart by its ports
rc=0
$py - "$top/build/ksft/linux-source-6.12/tools/net/ynl" \
	"$top/build/ynl/Documentation/netlink/specs/tcpfsm.yaml" \
	"$top/build/ynl/Documentation/netlink/genetlink.yaml" <<'EOF' || rc=$?
import socket, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily

ynl = YnlFamily(def_path=sys.argv[2], schema=sys.argv[3])
ynl.ntf_subscribe("events")
# the module records the events of a netns for its subscribed sockets only
ynl.do("events-subscribe", {})

l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
port_l = l.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port_l), timeout=5)
port_c = c.getsockname()[1]
s, _ = l.accept()
c.close()
s.settimeout(5)
assert s.recv(1) == b""
s.close()
l.close()

# as selftests/events.c, exchange_want, which names the kernel functions
want = {
    "listener": [("close", "listen"), ("listen", "close")],
    "client": [("close", "syn-sent"), ("syn-sent", "established"),
               ("established", "fin-wait1"), ("fin-wait1", "fin-wait2"),
               ("fin-wait2", "close")],
    "child": [("listen", "syn-recv"), ("syn-recv", "established"),
              ("established", "close-wait"), ("close-wait", "last-ack"),
              ("last-ack", "close")],
}
# (sport, dport) when each transition happens: the client's port is 0
# before inet_hash_connect(), the child has the listener's at its birth
ports = {
    "listener": {(port_l, 0)},
    "client": {(0, port_l), (port_c, port_l)},
    "child": {(port_l, 0), (port_l, port_c)},
}


def role(m):
    key = (m.get("sport"), m.get("dport"))
    if (m.get("old-state"), m.get("new-state")) == ("listen", "syn-recv"):
        return "child" if key in ports["child"] else None
    for r in ("listener", "client", "child"):
        if key in ports[r]:
            return r
    return None


got = {r: [] for r in want}
bad = []
n, nwant = 0, sum(map(len, want.values()))
quiet = None
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    ynl.check_ntf()
    for ntf in ynl.async_msg_queue:
        m = ntf["msg"]
        if ntf["name"] != "transition-ntf" or m.get("family") != socket.AF_INET:
            bad.append(f"unexpected {ntf}")
            continue
        r = role(m)
        if r is not None:
            got[r].append((m["timestamp"], m["old-state"], m["new-state"]))
            n += 1
    ynl.async_msg_queue.clear()
    if n >= nwant:
        quiet = quiet or time.monotonic() + 0.5
        if time.monotonic() >= quiet:
            break
    time.sleep(0.05)
for r in want:
    seq = [(o, w) for _, o, w in sorted(got[r], key=lambda e: e[0])]
    if seq != want[r]:
        bad.append(f"{r}: got {seq}, want {want[r]}")
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
EOF
result "$rc" "YNL library receives the transition-ntf events of a connection"

echo "1..$ntests"
if [ "$nfailed" = 0 ]; then
	echo "ok - ynl_cli"
	exit 0
fi
echo "not ok - ynl_cli ($nfailed of $ntests failed)"
exit 1
