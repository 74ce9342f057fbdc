#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of make bench (scripts/bench.sh): run as root in the test
# guest, with tcpfsm not loaded. Writes one line per measurement to
# RESULTS (bench/report.awk makes the tables of them):
#
#   info KEY VALUE...
#   probe KIND PS...                  ps per iteration of each batch
#   probe_notrack KIND PS...          the same, tcpfsm with track_sockets=0
#   churn CONFIG ROUND MODE CONNS SECS
#   events CONFIG ROUND EXPECTED COUNTED DELIVERED LOST
#   lost CONFIG ROUND OVERFLOW NOMEM RCVBUF   tcpfsm's losses by cause
#   nlsink ROUND EVENTS RECVS
#   sent CONFIG ROUND MODE EVENTS CONNS   monitor, raw reader: the events
#                                     tcpfsm made for it during a mode's
#                                     churn (sent or lost), and the
#                                     connections the churn made
#   cpu CONFIG ROUND UTICKS STICKS EVENTS HZ   monitor, raw reader: its
#                                     CPU time (/proc/PID/stat, clock
#                                     ticks) and the events sent to it
#   rings WHEN NUMBER BYTES           tcpfsm's event rings (/proc/vmallocinfo):
#                                     idle (loaded, nobody subscribed),
#                                     monitor (while it listens), after
#   ab PAIR MODE CONFIG CONNS SECS    baseline and counters, alternated;
#                                     nokprobes (kprobes=0) and kprobes (1)
#   read N WHAT MS...                 a command, each repetition
#   readp N FILE BYTES US...          a file read in the process
#   stall N base|insmod MS SM US...   cyclictest's longest wait of each
#                                     CPU in a window (no module loaded
#                                     in it, or insmod of tcpfsm in it;
#                                     MS: insmod's own time, SM: the us
#                                     of stop_machine() in it, by ftrace;
#                                     - for base or unknown)
#
# usage: bench-guest.sh TCPFSM.KO PROBE_BENCH.KO BINDIR TCPFSM_CMD RESULTS
#
# BENCH_ROUNDS (3), BENCH_SECONDS (3, per mode and round), BENCH_THREADS
# (8), BENCH_CONNS ("10000 100000", the open connections of the read
# test; empty: no read test), BENCH_READ_REPS (3; fewer for a command
# past BENCH_READ_SECONDS, 8), BENCH_AB_PAIRS (4), BENCH_AB_SECONDS (2),
# BENCH_STALL_REPS (3, windows of each kind per N of BENCH_CONNS) size it.
# The load test needs cyclictest (rt-tests) and BENCH_CONNS.
set -u

ko=$(readlink -f "${1:?usage: bench-guest.sh TCPFSM.KO PROBE_BENCH.KO BINDIR TCPFSM_CMD RESULTS}")
probe_ko=$(readlink -f "${2:?}")
bindir=$(readlink -f "${3:?}")
tcpfsm=$(readlink -f "${4:?}")
results=${5:?}
rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECONDS:-3}
threads=${BENCH_THREADS:-8}
conns=${BENCH_CONNS-10000 100000}
reps=${BENCH_READ_REPS:-3}
read_secs=${BENCH_READ_SECONDS:-8}
ab_pairs=${BENCH_AB_PAIRS:-4}
ab_secs=${BENCH_AB_SECONDS:-2}
stall_reps=${BENCH_STALL_REPS:-3}
configs=(baseline counters monitor tcpstates bpftrace nlsink)
bpftrace_prog='tracepoint:sock:inet_sock_set_state { @[args->oldstate, args->newstate] = count(); }'
# transitions of one connection (bench/churn.c) and of one listener
declare -A per_conn=([fin]=10 [rst]=6)
per_listener=2
tmp=$(mktemp -d)

: >"$results"
out() { echo "$*" >>"$results"; }
log() { echo "bench: [${SECONDS}s] $*" >&2; }

out info kernel "$(uname -r)"
out info cpus "$(nproc)"
out info mem_mib "$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
out info rounds "$rounds"
out info seconds "$secs"
out info threads "$threads"
# scripts/vm.sh TCPFSM_VM_ICOUNT: the clock counts instructions
out info icount "${BENCH_ICOUNT:-0}"

# No port exhaustion: churn's server closes first (its TIME_WAIT does not
# hold the client's ports), and the client may use any port.
sysctl -q -w net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1

loaded() { [ -e /sys/module/tcpfsm ]; }
# the event rings that exist: "NUMBER BYTES" (their allocator is named)
rings() {
	awk '/ tcpfsm_ev_ring_alloc/ { n++; b += $2 } END { print n + 0, b + 0 }' \
		/proc/vmallocinfo
}
load() { loaded || insmod "$ko"; }
unload() { ! loaded || rmmod tcpfsm; }

# the sum of the transitions tcpfsm counted in this netns, and of the
# events it sent and lost (LOST includes those sent for nobody, unheard):
# "TRANSITIONS SENT LOST LOST_OVERFLOW LOST_NOMEM LOST_RCVBUF"
tcpfsm_counts() {
	"$tcpfsm" -j stats | awk '
	function num(key) {
		if (!match($0, "\"" key "\":[0-9]+"))
			return 0
		return substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
	}
	{
		n = split($0, a, /"count":/)
		for (i = 2; i <= n; i++) t += a[i] + 0
		o = num("lost_overflow"); m = num("lost_nomem"); r = num("lost_rcvbuf")
		# sent for nobody: with the consumer the only listener of the
		# netns, lost to it (a full buffer without BROADCAST_ERROR)
		u = num("unheard")
		print t + 0, num("sent"), o + m + r + u, o, m, r
	}'
}

# wait until process $1 has a BPF program loaded (the tools attach right
# after): 0, or 1 if it died or $2 seconds passed
wait_bpf() {
	local pid=$1 limit=$2 start=$SECONDS f
	while kill -0 "$pid" 2>/dev/null; do
		for f in /proc/"$pid"/fd/*; do
			[ "$(readlink "$f" 2>/dev/null)" = anon_inode:bpf-prog ] && return 0
		done
		[ $((SECONDS - start)) -lt "$limit" ] || return 1
		sleep 0.5
	done
	return 1
}

# stop PID NAME: SIGINT, and wait for it; SIGKILL after 30 s (seen once:
# bpftrace did not exit on SIGINT and the guest sat idle). 1 if killed.
stop() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null
	for i in $(seq 60); do
		# a child that exited stays a zombie until waited for
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
		[ -e "/proc/$pid" ] || break
		sleep 0.5
	done
	if [ "$i" = 60 ]; then
		log "$2 did not exit on SIGINT within 30 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	fi
	wait "$pid" 2>/dev/null
	return 0
}

#
# 1. The probe's own cost, from a netns of its own
#
log "probe cost (tcpfsm_probe_bench)"
load
dmesg -C
if unshare -n insmod "$probe_ko"; then
	rmmod tcpfsm_probe_bench
	dmesg | sed -n -e 's/.*tcpfsm_probe_bench: \([a-z]*\) ps\/iter:/probe \1/p' \
		-e 's/.*tcpfsm_probe_bench: probe: \([^ ]*\).*/info probe_fn \1/p' \
		-e 's/.*tcpfsm_probe_bench: loops \([0-9]*\) batches \([0-9]*\)/info probe_loops \1\ninfo probe_batches \2/p' \
		>>"$results"
else
	out info probe_error "insmod tcpfsm_probe_bench failed"
fi
# the same with time in state off (track_sockets=0): the counters alone
unload
if insmod "$ko" track_sockets=0 && dmesg -C && unshare -n insmod "$probe_ko"; then
	rmmod tcpfsm_probe_bench
	dmesg | sed -n 's/.*tcpfsm_probe_bench: \([a-z]*\) ps\/iter:/probe_notrack \1/p' \
		>>"$results"
fi
unload
load

#
# 2. Reads at scale, in a netns of their own; and the load with as many
#    sockets open
#
# One window of cyclictest (a SCHED_FIFO thread on each CPU, woken every
# ms: its longest wait is the longest time the CPU ran nothing else, as
# stop_machine() makes every CPU spin with interrupts off): with no module
# loaded (base), with tcpfsm's insmod in it (insmod), or with the load of a
# module that does nothing (control: what loading any module costs here).
# The kernel's function_graph tracer on stop_machine() alone: its calls'
# durations, summed by sm_us (- without tracefs).
trc=/sys/kernel/tracing
sm_on() {
	[ -w "$trc/current_tracer" ] || return 1
	echo stop_machine >"$trc/set_ftrace_filter" &&
		echo stop_machine >"$trc/set_graph_function" &&
		echo function_graph >"$trc/current_tracer" && : >"$trc/trace"
}
sm_us() {	# (a change of tracer empties the buffer: read it first)
	echo 0 >"$trc/tracing_on"
	awk '/stop_machine\(\);/ { for (i = 2; i <= NF; i++) if ($i == "us") { t += $(i - 1); n++ } }
		END { if (n) printf "%.1f", t; else print "0" }' "$trc/trace"
	echo nop >"$trc/current_tracer"
	echo 1 >"$trc/tracing_on"
	: >"$trc/set_ftrace_filter"
	: >"$trc/set_graph_function"
}

stall_window() { # N base|insmod
	local ct ms=- sm=- t0 t1 max tr=
	[ "$2" != insmod ] || ! sm_on || tr=1
	cyclictest -q -m -S -p 95 -i 1000 -D 3 >"$tmp/ct" 2>&1 &
	ct=$!
	sleep 1
	if [ "$2" = insmod ]; then
		t0=$EPOCHREALTIME
		insmod "$ko" || log "stall: insmod with $1 connections failed"
		t1=$EPOCHREALTIME
		ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
	elif [ "$2" = control ]; then
		t0=$EPOCHREALTIME
		modprobe dummy numdummies=0 || log "stall: modprobe dummy failed"
		t1=$EPOCHREALTIME
		ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
	fi
	wait "$ct"
	[ -z "$tr" ] || sm=$(sm_us)
	max=$(awk '/^T:/ { for (i = 1; i < NF; i++) if ($i == "Max:") printf " %s", $(i + 1) }' "$tmp/ct")
	[ -n "$max" ] || { log "stall: cyclictest printed nothing: $(head -c 200 "$tmp/ct")"; return 1; }
	out stall "$1" "$2" "$ms" "$sm$max"
	[ "$2" != insmod ] || rmmod tcpfsm
	[ "$2" != control ] || rmmod dummy
}

load_stall() { # N: with tcpfsm loaded, and left loaded
	local i
	command -v cyclictest >/dev/null || { log "no cyclictest (rt-tests): load not measured"; return 0; }
	rmmod tcpfsm || return 1
	for i in $(seq "$stall_reps"); do
		stall_window "$1" base
		stall_window "$1" insmod
		# the control: loading a module that does nothing (the kernel's
		# dummy netdevice driver, no device), which the loader alone costs
		! modinfo dummy >/dev/null 2>&1 || stall_window "$1" control
	done
	[ -e /sys/module/tcpfsm ] || insmod "$ko"
}

read_cost() {
	local n=$1 t0 t1 ms what cmd hold=
	ip link set lo up
	if [ "$n" != 0 ]; then
		"$bindir/holdconns" "$n" >"$tmp/hold" 2>"$tmp/hold.err" &
		hold=$!
		while ! grep -q ready "$tmp/hold" 2>/dev/null; do
			kill -0 "$hold" 2>/dev/null || break
			sleep 1
		done
		cat "$tmp/hold.err" >&2
		n=$(awk '/ready/ { print $2 }' "$tmp/hold")
		[ -n "$n" ] || { log "holdconns failed"; return 1; }
	fi
	out read "$n" established "$(ss -Htn state established | wc -l)"
	out read "$n" mem_used_mib "$(free -m | awk '/Mem:/ { print $3 }')"
	"${NODE_EXPORTER:-prometheus-node-exporter}" --collector.disable-defaults --collector.tcpstat \
		--web.listen-address=127.0.0.1:9100 >/dev/null 2>&1 &
	local ne=$!
	# wait for node_exporter (its landing page: no collector runs)
	for _ in $(seq 60); do
		curl -sf -o /dev/null http://127.0.0.1:9100/ && break
		sleep 0.5
	done
	# the files, read by one process (no process start in the figure)
	"$bindir/readtime" -n "$reps" -t "$read_secs" /proc/net/tcpfsm/states \
		/proc/net/tcpfsm/transitions /proc/net/sockstat /proc/net/tcp |
		sed "s/^/readp $n /" >>"$results"
	# the commands, each started as a shell would (/bin/true: the start)
	for what in true stats ss_s ss_tan tcpstat; do
		case $what in
		true) cmd=/bin/true ;;
		stats) cmd="$tcpfsm stats" ;;
		ss_s) cmd="ss -s" ;;
		ss_tan) cmd="ss -tan | wc -l" ;;
		tcpstat) cmd="curl -sf http://127.0.0.1:9100/metrics >$tmp/metrics" ;;
		esac
		local line="read $n $what" coll="read $n tcpstat_collector" start=$SECONDS
		for _ in $(seq "$reps"); do
			# the slow ones (every socket, 100,000 connections): fewer
			[ $((SECONDS - start)) -lt "$read_secs" ] || break
			t0=$EPOCHREALTIME
			eval "$cmd" >/dev/null
			t1=$EPOCHREALTIME
			line="$line $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')"
			[ "$what" = tcpstat ] || continue
			# what the collector itself took, by node_exporter
			ms=$(awk '/^node_scrape_collector_duration_seconds\{collector="tcpstat"\}/ {
				printf "%.3f", $2 * 1000 }' "$tmp/metrics")
			coll="$coll ${ms:-nan}"
		done
		out "$line"
		[ "$what" != tcpstat ] || out "$coll"
	done
	kill "$ne"
	wait "$ne" 2>/dev/null
	load_stall "$n"
	if [ -n "$hold" ]; then
		kill "$hold"
		wait "$hold"
	fi
}

if [ -n "$conns" ]; then
	log "read cost with 0 $conns open connections"
	for n in 0 $conns; do
		log "reads with $n connections"
		# its own netns: no TIME_WAIT of another part, freed at exit
		unshare -n bash -c "$(declare -f read_cost sm_on sm_us stall_window load_stall out log); \
			results=$results bindir=$bindir tcpfsm=$tcpfsm tmp=$tmp reps=$reps \
			read_secs=$read_secs ko=$ko stall_reps=$stall_reps trc=$trc \
			read_cost $n" || log "read cost with $n connections failed"
	done
fi

#
# 3. Counters only against no module, closely: short windows alternated
#    as ABBA (no module, module, module, no module), so that a drift of
#    the machine cancels out of the pair
#
ab() { # pair mode config
	local line n
	case $3 in
	counters | kprobes) [ "$(cat /sys/module/tcpfsm/parameters/kprobes 2>/dev/null)" != N ] ||
			unload
		load ;;
	nokprobes) [ "$(cat /sys/module/tcpfsm/parameters/kprobes 2>/dev/null)" = N ] ||
			{ unload; insmod "$ko" kprobes=0; } ;;
	*) unload ;;
	esac
	line=$("$bindir/churn" -t "$threads" -d "$ab_secs" -m "$2") ||
		log "churn $3 $2 failed: $line"
	n=$(echo "$line" | sed -n 's/^conns=\([0-9]*\) .*/\1/p')
	out ab "$1" "$2" "$3" "${n:-0}" \
		"$(echo "$line" | sed -n 's/.* secs=\([0-9.]*\) .*/\1/p')"
}
out info ab_seconds "$ab_secs"
log "counters only against no module: $ab_pairs pairs of ${ab_secs}s windows"
for pair in $(seq "$ab_pairs"); do
	for mode in fin rst; do
		ab "$pair" "$mode" baseline
		ab "$pair" "$mode" counters
		ab "$pair" "$mode" counters
		ab "$pair" "$mode" baseline
	done
done
# the same, the module without its kprobes (kprobes=0) against with them
log "kprobes: $ab_pairs pairs of ${ab_secs}s windows, kprobes=0 against 1"
for pair in $(seq "$ab_pairs"); do
	for mode in fin rst; do
		ab "$pair" "$mode" nokprobes
		ab "$pair" "$mode" kprobes
		ab "$pair" "$mode" kprobes
		ab "$pair" "$mode" nokprobes
	done
done
unload
log "pairs done"

#
# 4. Connection churn, the configurations interleaved, in rotated order
#
# churn CONFIG ROUND: both modes; adds to $expected the transitions they make
churn() {
	local cfg=$1 round=$2 mode line n s0 s1 l0 l1 consumer=
	[ "$cfg" != monitor ] && [ "$cfg" != nlsink ] || consumer=1
	for mode in fin rst; do
		[ -z "$consumer" ] || read -r _ s0 l0 _ <<<"$(tcpfsm_counts)"
		line=$("$bindir/churn" -t "$threads" -d "$secs" -m "$mode") ||
			log "churn $cfg $mode failed: $line"
		log "round $round $cfg $mode: $line"
		# conns=N secs=S ...
		n=$(echo "$line" | sed -n 's/^conns=\([0-9]*\) .*/\1/p')
		out churn "$cfg" "$round" "$mode" "${n:-0}" \
			"$(echo "$line" | sed -n 's/.* secs=\([0-9.]*\) .*/\1/p')"
		# every connection made, the window's and those after it
		n=$(echo "$line" | sed -n 's/.* all=\([0-9]*\).*/\1/p')
		expected=$((expected + ${n:-0} * per_conn[$mode] + per_listener * threads))
		[ -z "$consumer" ] || {
			read -r _ s1 l1 _ <<<"$(tcpfsm_counts)"
			out sent "$cfg" "$round" "$mode" \
				$((s1 - s0 + l1 - l0)) "${n:-0}"
		}
	done
}

# cpu CONFIG ROUND PID EVENTS: the CPU time process PID took so far
cpu() {
	out cpu "$1" "$2" "$(awk '{ print $14, $15 }' "/proc/$3/stat")" "$4" \
		"$(getconf CLK_TCK)"
}

ts_failed='' bt_failed=''
command -v tcpstates >/dev/null || { out info tcpstates_failed "not installed"; ts_failed=1; }
command -v bpftrace >/dev/null || { out info bpftrace_failed "not installed"; bt_failed=1; }
for round in $(seq "$rounds"); do
	# rotate: round r starts with configuration r
	for i in "${!configs[@]}"; do
		cfg=${configs[(round - 1 + i) % ${#configs[@]}]}
		expected=0
		case $cfg in
		baseline)
			unload
			churn baseline "$round"
			;;
		counters)
			load
			out rings idle "$(rings)"
			read -r t0 _ <<<"$(tcpfsm_counts)"
			churn counters "$round"
			read -r t1 _ <<<"$(tcpfsm_counts)"
			out events counters "$round" "$expected" $((t1 - t0)) - -
			;;
		monitor)
			load
			read -r t0 s0 l0 o0 m0 r0 <<<"$(tcpfsm_counts)"
			"$tcpfsm" -j monitor >/dev/null &
			mon=$!
			sleep 1
			out rings monitor "$(rings)"
			churn monitor "$round"
			sleep 1	# let it drain
			read -r t1 s1 l1 o1 m1 r1 <<<"$(tcpfsm_counts)"
			cpu monitor "$round" "$mon" $((s1 - s0))
			kill -TERM "$mon"
			wait "$mon"
			out rings after "$(rings)"
			# delivered: sent into the monitor's socket, which it read
			# to the end (it drained for a second before SIGTERM)
			out events monitor "$round" "$expected" $((t1 - t0)) \
				$((s1 - s0)) $((l1 - l0))
			out lost monitor "$round" $((o1 - o0)) $((m1 - m0)) $((r1 - r0))
			;;
		nlsink)
			# diagnostic: the stream with a consumer that decodes nothing
			load
			read -r t0 s0 l0 o0 m0 r0 <<<"$(tcpfsm_counts)"
			"$bindir/nlsink" >"$tmp/nlsink" &
			sink=$!
			sleep 1
			churn nlsink "$round"
			sleep 1
			read -r t1 s1 l1 o1 m1 r1 <<<"$(tcpfsm_counts)"
			cpu nlsink "$round" "$sink" $((s1 - s0))
			kill -TERM "$sink"
			wait "$sink"
			log "nlsink: $(cat "$tmp/nlsink")"
			out events nlsink "$round" "$expected" $((t1 - t0)) \
				"$(sed -n 's/^events=\([0-9]*\).*/\1/p' "$tmp/nlsink")" \
				$((l1 - l0))
			out lost nlsink "$round" $((o1 - o0)) $((m1 - m0)) $((r1 - r0))
			out nlsink "$round" "$(sed -n 's/^events=\([0-9]*\) recvs=\([0-9]*\).*/\1 \2/p' "$tmp/nlsink")"
			;;
		tcpstates)
			unload
			[ -z "$ts_failed" ] || continue
			tcpstates >/dev/null 2>"$tmp/ts.err" &
			ts=$!
			if ! wait_bpf "$ts" 120; then
				log "tcpstates did not start"
				cat "$tmp/ts.err" >&2
				stop "$ts" tcpstates
				out info tcpstates_failed "$(grep -m1 -i error "$tmp/ts.err")"
				ts_failed=1
				continue
			fi
			sleep 1
			churn tcpstates "$round"
			sleep 1
			stop "$ts" tcpstates || out info tcpstates_killed "$round"
			lost=$(awk '/^lost [0-9]+ events/ { n += $2 } END { print n + 0 }' "$tmp/ts.err")
			# it writes to /dev/null: what it did not lose it delivered
			out events tcpstates "$round" "$expected" - \
				$((expected - lost)) "$lost"
			;;
		bpftrace)
			unload
			[ -z "$bt_failed" ] || continue
			bpftrace -e "$bpftrace_prog" >"$tmp/bt.out" 2>&1 &
			bt=$!
			if ! wait_bpf "$bt" 180; then
				log "bpftrace did not start"
				cat "$tmp/bt.out" >&2
				stop "$bt" bpftrace
				out info bpftrace_failed "$(grep -m1 -i error "$tmp/bt.out")"
				bt_failed=1
				continue
			fi
			sleep 1
			churn bpftrace "$round"
			if stop "$bt" bpftrace; then
				counted=$(awk '/^@\[/ { n += $NF } END { print n + 0 }' "$tmp/bt.out")
			else	# killed: its map was never printed
				counted=-
				out info bpftrace_killed "$round"
			fi
			out events bpftrace "$round" "$expected" "$counted" - -
			;;
		esac
	done
done
unload
rm -rf "$tmp"
log finished
