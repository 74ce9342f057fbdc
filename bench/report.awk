# SPDX-License-Identifier: GPL-2.0
#
# The tables of make bench, from the lines bench/bench-guest.sh wrote:
#
#	awk -f bench/report.awk build/bench/vm/results
#
# POSIX awk (mawk or gawk).

# the median of the n values of v[1..n] (sorted in place)
function median(v, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	if (n == 0)
		return ""
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

function minof(v, n,    i, m) {
	m = v[1]
	for (i = 2; i <= n; i++)
		if (v[i] < m)
			m = v[i]
	return m
}

function maxof(v, n,    i, m) {
	m = v[1]
	for (i = 2; i <= n; i++)
		if (v[i] > m)
			m = v[i]
	return m
}

function ratio(a, b) {
	return b > 0 ? sprintf("%.3f", a / b) : "-"
}

# fill v[1..n] from the fields f..NF of a line kept in s; return n
function split_from(s, f, v,    a, n, i) {
	n = split(s, a, " ")
	for (i = f; i <= n; i++)
		v[i - f + 1] = a[i]
	return n - f + 1
}

$1 == "info" {
	k = $2
	$1 = ""; $2 = ""
	sub(/^ +/, "")
	info[k] = $0
}
$1 == "probe" { probe[$2] = $0 }
$1 == "probe_notrack" { probe_nt[$2] = $0 }
$1 == "churn" {
	# churn CONFIG ROUND MODE CONNS SECS
	rate[$2, $4, $3] = $6 > 0 ? $5 / $6 : 0
	if (!($2 in seen_cfg)) {
		seen_cfg[$2] = 1
	}
	if ($3 > nrounds)
		nrounds = $3
}
$1 == "events" {
	# events CONFIG ROUND EXPECTED COUNTED DELIVERED LOST
	ev_exp[$2] += $4
	if ($5 != "-") ev_cnt[$2] += $5; else ev_cnt[$2] = "-"
	if ($6 != "-") ev_del[$2] += $6; else ev_del[$2] = "-"
	if ($7 != "-") ev_lost[$2] += $7; else ev_lost[$2] = "-"
	ev_seen[$2] = 1
}
$1 == "lost" {
	# lost CONFIG ROUND OVERFLOW NOMEM RCVBUF
	lo[$2] += $4; ln[$2] += $5; lr[$2] += $6
}
$1 == "nlsink" { sink_ev += $3; sink_recv += $4 }
$1 == "sent" {
	# sent CONFIG ROUND MODE EVENTS CONNS
	sent_ev[$2, $4] += $5; sent_conns[$2, $4] += $6
}
$1 == "cpu" {
	# cpu CONFIG ROUND UTICKS STICKS EVENTS HZ
	if ($7 > 0) {
		cpu_user[$2] += $4 / $7; cpu_sys[$2] += $5 / $7
		cpu_ev[$2] += $6
	}
}
$1 == "rings" { rings_n[$2] = $3; rings_b[$2] = $4 }
$1 == "ab" {
	# ab PAIR MODE CONFIG CONNS SECS: sum the rates of each pair's windows
	if ($6 > 0)
		abr[$2, $3, $4] += $5 / $6
	if ($2 > abn)
		abn = $2
}
$1 == "read" || $1 == "readp" {
	n = $2
	if (!(n in seen_n)) {
		seen_n[n] = 1
		ns[++nn] = n
	}
	if ($1 == "read") {
		rd[n, $3] = $0
	} else {
		rd[n, $3] = $0	# readp N FILE BYTES US...
		bytes[n, $3] = $4
	}
}
$1 == "mem" && $3 == "info" { meminfo[$2, $4] = $5 }
$1 == "mem" && $3 != "info" {
	# mem without|with STAGE PERCPU_KB SUNRECLAIM_KB VMALLOC_KB
	mem_pc[$2, $3] = $4; mem_sl[$2, $3] = $5; mem_vm[$2, $3] = $6
	mem_seen[$2, $3] = 1
}
$1 == "stall" {
	# stall N base|insmod MS SM US...: the longest wait of any CPU, per window
	m = 0
	for (i = 6; i <= NF; i++)
		if ($i + 0 > m)
			m = $i + 0
	k = ++stn[$2, $3]
	stw[$2, $3, k] = m
	if ($3 == "insmod") {
		stms[$2, k] = $4
		stsm[$2, k] = $5
	}
	if ($3 == "control")
		stcm[$2, k] = $4
	if (!($2 in st_seen)) {
		st_seen[$2] = 1
		stns[++nst] = $2
	}
}

# What a consumer of the stream may cost and still keep 0.8 of the
# baseline: with the raw reader, a connection takes c_rr = vCPUs / rate
# (the kernel's side of the stream and a recv() that decodes nothing);
# a consumer that keeps up adds e x d, e the events made for it a
# connection (counted with the raw reader, which keeps up), d its CPU an
# event beyond the raw reader's. For 0.8, c0 / (c_rr + e d) >= 0.8 with
# c0 = vCPUs / the baseline's rate. d is user time only: without
# CONFIG_IRQ_TIME_ACCOUNTING (Debian's kernels) a task's system time also
# has the interrupts and softirqs that ran while it did, work of other
# sockets, of which a busy consumer takes more (kernel/sched/cputime.c).
function consumer_budget(    ncpu, ev, mu, ms, ru, rs, d, mi, m, c0, crr, e) {
	ncpu = info["cpus"]
	ev = cpu_ev["monitor"]
	mu = 1e6 * cpu_user["monitor"] / ev; ms = 1e6 * cpu_sys["monitor"] / ev
	ev = cpu_ev["nlsink"]
	ru = 1e6 * cpu_user["nlsink"] / ev; rs = 1e6 * cpu_sys["nlsink"] / ev
	d = mu - ru
	printf "What a consumer of the stream costs, all rounds (/proc/PID/stat, tick-sampled),\n"
	printf "us of CPU an event sent to it: monitor -j %.2f user + %.2f system,\n", mu, ms
	printf "raw reader %.2f user + %.2f system: the monitor's own work %.2f us an event\n", \
		ru, rs, d
	printf "in user space (system time also has the softirqs that ran while it did:\n"
	printf "not counted, so \"predicted\" is a ceiling)\n"
	printf "A consumer that keeps up takes a connection's CPU with the raw reader (c_rr =\n"
	printf "vCPUs / its rate) + e x its CPU an event beyond the raw reader's; to keep 0.8\n"
	printf "of the baseline (c0 = vCPUs / rate) that may be at most (c0 / 0.8 - c_rr) / e:\n"
	printf "%-6s %10s %10s %8s %16s %12s %10s\n", "mode", "c0 us", "c_rr us", "e", \
		"at most, us/ev", "predicted", "measured"
	for (mi = 1; mi <= nmodes; mi++) {
		m = modes[mi]
		if (!(m in base_med) || !(("nlsink", m) in paired) || \
		    paired["nlsink", m] <= 0 || sent_conns["nlsink", m] <= 0)
			continue
		c0 = 1e6 * ncpu / base_med[m]
		crr = c0 / paired["nlsink", m]
		e = sent_ev["nlsink", m] / sent_conns["nlsink", m]
		printf "%-6s %10.0f %10.0f %8.2f %16.2f %12.3f %10.3f\n", m, c0, crr, e, \
			(c0 / 0.8 - crr) / e, c0 / (crr + e * d), paired["monitor", m]
	}
	printf "(c_rr and predicted from the paired medians; e: the events made for the raw\n"
	printf "reader, sent or lost; measured: the monitor's paired median)\n"
	if (ev_lost["monitor"] > 0)
		printf "The monitor lost events: its measured ratio is not that of a monitor that keeps up.\n"
	printf "\n"
}

END {
	ncfg = split("baseline counters monitor tcpstates bpftrace nlsink", cfgs, " ")
	label["baseline"] = "1 no module (baseline)"
	label["counters"] = "2 tcpfsm, counters only"
	label["monitor"] = "3 tcpfsm + monitor -j >/dev/null"
	label["tcpstates"] = "4 tcpstates >/dev/null"
	label["bpftrace"] = "5 bpftrace, count() in a map"
	label["nlsink"] = "(3') tcpfsm + raw reader (diagnostic)"
	per_conn["fin"] = 10
	per_conn["rst"] = 6

	printf "tcpfsm benchmark: Linux %s, QEMU TCG, %s vCPUs, %s MiB%s\n", \
		info["kernel"], info["cpus"], info["mem_mib"], \
		info["icount"] + 0 ? ",\nthe guest's clock counting instructions (BENCH_ICOUNT: a \"us\" is 1,000 of them)" : ""
	printf "%s rounds, configurations interleaved (rotated each round), " \
		"%s s per mode, %s churn threads\n\n", \
		nrounds, info["seconds"], info["threads"]

	nmodes = split("fin rst", modes, " ")
	for (mi = 1; mi <= nmodes; mi++) {
		m = modes[mi]
		if (m == "fin")
			printf "Connection churn, FIN: the server closes first, " \
				"the client reads the end and closes (10 transitions a connection)\n"
		else
			printf "Connection churn, RST: the client closes with " \
				"SO_LINGER {1, 0} (6 transitions a connection)\n"
		printf "connections/s over the rounds; med/b, min/b, max/b: over the same figure of the baseline;\n"
		printf "paired: median [min, max] over rounds of (this / baseline of the same round)\n"
		printf "%-38s %8s %8s %8s  %6s %6s %6s  %s\n", "configuration", \
			"median", "min", "max", "med/b", "min/b", "max/b", "paired"
		# the baseline's figures
		nb = 0
		for (r = 1; r <= nrounds; r++)
			if ((("baseline", m, r) in rate))
				b[++nb] = rate["baseline", m, r]
		bmed = median(b, nb); bmin = minof(b, nb); bmax = maxof(b, nb)
		for (ci = 1; ci <= ncfg; ci++) {
			c = cfgs[ci]
			n = 0; np = 0
			for (r = 1; r <= nrounds; r++) {
				if (!((c, m, r) in rate))
					continue
				v[++n] = rate[c, m, r]
				if (rate["baseline", m, r] > 0)
					p[++np] = rate[c, m, r] / rate["baseline", m, r]
			}
			if (n == 0) {
				why = info[c "_failed"]
				printf "%-38s %s\n", label[c], \
					"did not run" (why != "" ? ": " why : "")
				continue
			}
			med = median(v, n); mn = minof(v, n); mx = maxof(v, n)
			pmed = median(p, np)
			paired[c, m] = pmed
			if (c == "baseline")
				base_med[m] = med
			printf "%-38s %8.0f %8.0f %8.0f  %6s %6s %6s  %.3f [%.3f, %.3f]\n", \
				label[c], med, mn, mx, ratio(med, bmed), \
				ratio(mn, bmin), ratio(mx, bmax), pmed, \
				minof(p, np), maxof(p, np)
		}
		printf "\n"
	}

	if (abn) {
		printf "Counters only against no module, closely: %d pairs of %s s windows per mode,\n", \
			abn, info["ab_seconds"]
		printf "alternated no module, module, module, no module; ratio of each pair =\n"
		printf "(module + module) / (no module + no module), connections/s\n"
		printf "%-6s %8s %8s %8s %8s   %s\n", "mode", "median", "min", "max", \
			"mean", "+- 2 standard errors"
		for (mi = 1; mi <= nmodes; mi++) {
			m = modes[mi]
			n = 0; sum = 0; sq = 0
			for (r = 1; r <= abn; r++) {
				if (!((r, m, "baseline") in abr) || abr[r, m, "baseline"] <= 0)
					continue
				q[++n] = abr[r, m, "counters"] / abr[r, m, "baseline"]
				sum += q[n]; sq += q[n] * q[n]
			}
			if (!n)
				continue
			mean = sum / n
			se = n > 1 ? sqrt((sq - n * mean * mean) / (n - 1) / n) : 0
			printf "%-6s %8.4f %8.4f %8.4f %8.4f   [%.4f, %.4f]\n", m, \
				median(q, n), minof(q, n), maxof(q, n), mean, \
				mean - 2 * se, mean + 2 * se
		}
		printf "\n"
	}

	if (abn && ((1, modes[1], "nokprobes") in abr)) {
		printf "The kprobes (timewait sockets): the same pairs, the module loaded with\n"
		printf "kprobes=0, with kprobes, with kprobes, with kprobes=0; ratio of each pair =\n"
		printf "(kprobes + kprobes) / (kprobes=0 + kprobes=0), and what they cost a\n"
		printf "connection: %d vCPUs x (1 / rate with - 1 / rate without), us (TCG)\n", \
			info["cpus"]
		printf "%-6s %8s %8s %8s %8s   %-20s %s\n", "mode", "median", "min", "max", \
			"mean", "+- 2 standard errors", "us/conn (median)"
		for (mi = 1; mi <= nmodes; mi++) {
			m = modes[mi]
			n = 0; sum = 0; sq = 0
			for (r = 1; r <= abn; r++) {
				if (!((r, m, "nokprobes") in abr) || abr[r, m, "nokprobes"] <= 0 ||
				    abr[r, m, "kprobes"] <= 0)
					continue
				q[++n] = abr[r, m, "kprobes"] / abr[r, m, "nokprobes"]
				kpc[n] = info["cpus"] * 2e6 * (1 / abr[r, m, "kprobes"] - \
							   1 / abr[r, m, "nokprobes"])
				sum += q[n]; sq += q[n] * q[n]
			}
			if (!n)
				continue
			mean = sum / n
			se = n > 1 ? sqrt((sq - n * mean * mean) / (n - 1) / n) : 0
			printf "%-6s %8.4f %8.4f %8.4f %8.4f   [%.4f, %.4f]     %.2f\n", m, \
				median(q, n), minof(q, n), maxof(q, n), mean, \
				mean - 2 * se, mean + 2 * se, median(kpc, n)
		}
		printf "\n"
	}

	printf "Events, all rounds and both modes: expected = connections x transitions\n"
	printf "a connection + 2 a listener; counted = what the tool counted (tcpfsm: the\n"
	printf "module's counters; bpftrace: its map); delivered/lost = to the consumer\n"
	printf "(tcpfsm: the module's sent/lost counters; tcpstates: expected - the losses\n"
	printf "it reports, its output going to /dev/null; raw reader: what it received)\n"
	printf "%-38s %10s %10s %10s %10s\n", "configuration", "expected", \
		"counted", "delivered", "lost"
	for (ci = 1; ci <= ncfg; ci++) {
		c = cfgs[ci]
		if (!(c in ev_seen))
			continue
		printf "%-38s %10s %10s %10s %10s\n", label[c], ev_exp[c], \
			ev_cnt[c], ev_del[c], ev_lost[c]
	}
	for (ci = 1; ci <= ncfg; ci++) {
		c = cfgs[ci]
		if ((c in lo) && lo[c] + ln[c] + lr[c] > 0)
			printf "  %s: lost %d with its CPU's ring full, %d without memory, %d at a full socket buffer\n", \
				label[c], lo[c], ln[c], lr[c]
	}
	for (k in info)
		if (k ~ /_killed$/)
			printf "  %s did not exit on SIGINT in round %s and was killed: its figures of that\n  round are unknown\n", \
				substr(k, 1, length(k) - 7), info[k]
	if (sink_recv)
		printf "  the raw reader got %.1f events per recv() (%d events, %d recv calls)\n", \
			sink_ev / sink_recv, sink_ev, sink_recv
	if ("monitor" in rings_n)
		printf "  tcpfsm's event rings (/proc/vmallocinfo): %d (%d bytes) loaded with nobody\n  subscribed, %d (%d bytes) while the monitor listens, %d (%d bytes) after it\n", \
			rings_n["idle"], rings_b["idle"], rings_n["monitor"], \
			rings_b["monitor"], rings_n["after"], rings_b["after"]
	printf "\n"

	if (cpu_ev["monitor"] > 0 && cpu_ev["nlsink"] > 0)
		consumer_budget()

	if ("probe" in probe) {
		ne = split_from(probe["empty"], 3, e)
		nc = split_from(probe["call"], 3, cl)
		np = split_from(probe["probe"], 3, pr)
		em = median(e, ne) / 1000; cm = median(cl, nc) / 1000
		pm = median(pr, np) / 1000
		printf "Probe cost, in the guest: bench/kmod/tcpfsm_probe_bench.ko, loaded in a netns\n"
		printf "of its own with tcpfsm loaded and nobody listening, calls the probes attached\n"
		printf "to sock:inet_sock_set_state (%s) as the tracepoint's iterator does,\n", \
			info["probe_fn"]
		printf "with a TCP socket of that netns, ESTABLISHED -> CLOSE_WAIT, in %s batches of %s\n", \
			info["probe_batches"], info["probe_loops"]
		printf "calls with preemption disabled, timed with ktime_get_ns(); medians per call:\n"
		printf "  empty loop %.1f ns, indirect call of an empty function %.1f ns, probe %.1f ns\n", \
			em, cm, pm
		printf "  the probe as the tracepoint calls it: %.1f ns (probe - empty loop); its body %.1f ns\n", \
			pm - em, pm - cm
		if ("probe" in probe_nt && "empty" in probe_nt) {
			nt = split_from(probe_nt["probe"], 3, ntp)
			nte = split_from(probe_nt["empty"], 3, nteb)
			printf "  with time in state off (track_sockets=0): %.1f ns (probe - empty loop)\n", \
				median(ntp, nt) / 1000 - median(nteb, nte) / 1000
		}
		# guest CPU time of one connection: the CPUs, busy, over the rate
		n = 0
		for (r = 1; r <= nrounds; r++)
			if ((("baseline", "fin", r) in rate))
				b[++n] = rate["baseline", "fin", r]
		if (n && info["cpus"] > 0) {
			conn_ns = info["cpus"] * 1e9 / median(b, n)
			printf "  a FIN connection of the baseline takes %.0f us of guest CPU (%s CPUs / rate):\n", \
				conn_ns / 1000, info["cpus"]
			printf "  its 10 probe calls are %.3f%% of it\n", \
				100 * 10 * (pm - em) / conn_ns
		}
		printf "  (TCG emulates every instruction: absolute times are many times a native CPU's;\n"
		printf "  the ratios hold roughly)\n\n"
	}

	if (nn) {
		printf "Read cost with N open connections (2 N established sockets) in a netns of\n"
		printf "their own; median of the repetitions, in ms. Files: read by one process\n"
		printf "(bench/readtime); commands: started by the shell, /bin/true is that start alone\n"
		printf "%-42s", "N open connections"
		for (i = 1; i <= nn; i++)
			printf " %10s", ns[i]
		printf "\n"
		nw = split("established /proc/net/tcpfsm/states /proc/net/tcpfsm/transitions " \
			"/proc/net/sockstat /proc/net/tcp true stats ss_s ss_tan tcpstat " \
			"tcpstat_collector mem_used_mib", whats, " ")
		wl["established"] = "established sockets (ss)"
		wl["/proc/net/tcpfsm/states"] = "read /proc/net/tcpfsm/states"
		wl["/proc/net/tcpfsm/transitions"] = "read /proc/net/tcpfsm/transitions"
		wl["/proc/net/sockstat"] = "read /proc/net/sockstat"
		wl["/proc/net/tcp"] = "read /proc/net/tcp (every socket)"
		wl["true"] = "/bin/true"
		wl["stats"] = "tcpfsm stats"
		wl["ss_s"] = "ss -s"
		wl["ss_tan"] = "ss -tan | wc -l"
		wl["tcpstat"] = "node_exporter tcpstat: scrape (curl)"
		wl["tcpstat_collector"] = "node_exporter tcpstat: collector's own"
		wl["mem_used_mib"] = "guest memory used, MiB"
		for (w = 1; w <= nw; w++) {
			what = whats[w]
			printf "%-42s", wl[what]
			for (i = 1; i <= nn; i++) {
				n = ns[i]
				if (!((n, what) in rd)) {
					printf " %10s", "-"
					continue
				}
				if (what == "established" || what == "mem_used_mib") {
					split(rd[n, what], a, " ")
					printf " %10s", a[4]
					continue
				}
				if (what ~ /^\//) {	# readp N FILE BYTES US...
					k = split_from(rd[n, what], 5, v)
					printf " %10.3f", median(v, k) / 1000
				} else {		# read N WHAT MS...
					k = split_from(rd[n, what], 4, v)
					printf " %10.3f", median(v, k)
				}
			}
			printf "\n"
		}
	}
	if (nst) {
		printf "\nLoad: insmod tcpfsm with N open connections (2 N established sockets);\n"
		printf "cyclictest (SCHED_FIFO, 1 ms period, each CPU): the longest any CPU waited in a\n"
		printf "3 s window, us, median [min, max] of the windows; base: no insmod in the window;\n"
		printf "stop_machine(): its time in insmod, us, by the kernel's function_graph tracer;\n"
		printf "control: a window with the load of a module that does nothing (dummy, no device)\n"
		printf "%-20s %-22s %-22s %-22s %-22s %s\n", "N open connections", "base", "with insmod", \
			"stop_machine(), us", "insmod, ms", "control"
		for (i = 1; i <= nst; i++) {
			n = stns[i]
			kb = stn[n, "base"]; ki = stn[n, "insmod"]; kc = stn[n, "control"]
			for (j = 1; j <= kb; j++) vb[j] = stw[n, "base", j]
			for (j = 1; j <= ki; j++) {
				vi[j] = stw[n, "insmod", j]; vm[j] = stms[n, j]; vs[j] = stsm[n, j]
			}
			for (j = 1; j <= kc; j++) vc[j] = stw[n, "control", j]
			printf "%-20s %-22s %-22s %-22s %-22s %s\n", n, \
				sprintf("%d [%d, %d]", median(vb, kb), minof(vb, kb), maxof(vb, kb)), \
				sprintf("%d [%d, %d]", median(vi, ki), minof(vi, ki), maxof(vi, ki)), \
				vs[1] == "-" ? "-" : sprintf("%.0f [%.0f, %.0f]", median(vs, ki), minof(vs, ki), maxof(vs, ki)), \
				sprintf("%.1f [%.1f, %.1f]", median(vm, ki), minof(vm, ki), maxof(vm, ki)), \
				kc ? sprintf("%d [%d, %d]", median(vc, kc), minof(vc, kc), maxof(vc, kc)) : "-"
		}
	}
	if ((("without", "netns") in mem_seen) && (("with", "netns") in mem_seen)) {
		nsn = meminfo["with", "netns"]; cpus = meminfo["with", "cpus"]
		printf "\nMemory, from /proc/meminfo and /proc/vmallocinfo, two boots (without and with\n"
		printf "tcpfsm), %d network namespaces added, %d CPUs; kB, or bytes where said\n", nsn, cpus
		printf "%-46s %12s %12s %12s\n", "", "Percpu", "SUnreclaim", "vmalloc"
		printf "%-46s %12s %12s %12s\n", "tcpfsm at load (kB)", \
			mem_pc["with", "load"] - mem_pc["with", "boot"], \
			mem_sl["with", "load"] - mem_sl["with", "boot"], \
			mem_vm["with", "load"] - mem_vm["with", "boot"]
		for (m = 1; m <= 2; m++) {
			w = m == 1 ? "without" : "with"
			st = m == 1 ? "boot" : "load"
			dpc[w] = mem_pc[w, "netns"] - mem_pc[w, st]
			dsl[w] = mem_sl[w, "netns"] - mem_sl[w, st]
			dvm[w] = mem_vm[w, "netns"] - mem_vm[w, st]
			printf "%-46s %12s %12s %12s\n", sprintf("%d netns, %s tcpfsm (kB)", nsn, w), \
				dpc[w], dsl[w], dvm[w]
		}
		printf "%-46s %12.0f %12.0f %12.0f\n", "tcpfsm per netns (bytes; Percpu: per CPU)", \
			(dpc["with"] - dpc["without"]) * 1024 / nsn / cpus, \
			(dsl["with"] - dsl["without"]) * 1024 / nsn, \
			(dvm["with"] - dvm["without"]) * 1024 / nsn
		printf "%-46s %12.0f %12s %12s\n", "the kernel's own per netns (bytes per CPU)", \
			dpc["without"] * 1024 / nsn / cpus, "", ""
		if (("with", "monitor") in mem_seen) {
			printf "%-46s %12s %12s %12s\n", "while tcpfsm monitor listens (kB)", \
				mem_pc["with", "monitor"] - mem_pc["with", "netns"], \
				mem_sl["with", "monitor"] - mem_sl["with", "netns"], \
				mem_vm["with", "monitor"] - mem_vm["with", "netns"]
			printf "%-46s %12s %12s %12s\n", "after it exited (kB)", \
				mem_pc["with", "after"] - mem_pc["with", "netns"], \
				mem_sl["with", "after"] - mem_sl["with", "netns"], \
				mem_vm["with", "after"] - mem_vm["with", "netns"]
		}
	}
}
