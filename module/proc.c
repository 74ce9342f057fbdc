// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: /proc/net/tcpfsm/{transitions,states,time_in_state,counters,
 * timewait,time_in_timewait,machine,handshake} in every netns.
 *
 * The format is an ABI, described in Documentation/tcpfsm.rst: a header
 * line, then one line per state, fields separated by spaces, numbers in
 * decimal, "-" where a figure does not exist; counters has one "name value"
 * line per figure.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/slab.h>

#include "tcpfsm.h"
#include "reqsk.h"
#include "timewait.h"
#include "track.h"

/* "-" for a figure that does not exist */
static void tcpfsm_put_num(struct seq_file *seq, bool exists, s64 v)
{
	if (exists)
		seq_printf(seq, " %12lld", v);
	else
		seq_printf(seq, " %12s", "-");
}

static int tcpfsm_transitions_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_snapshot *snap;
	int o, n;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;

	seq_printf(seq, "%-12s", "old/new");
	for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
		seq_printf(seq, " %12s", tcpfsm_state_name(n));
	seq_putc(seq, '\n');
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		seq_printf(seq, "%-12s", tcpfsm_state_name(o));
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
			seq_printf(seq, " %12llu",
				   snap->sum.trans[tcpfsm_idx(o)][tcpfsm_idx(n)]);
		seq_putc(seq, '\n');
	}
	kfree(snap);
	return 0;
}

static int tcpfsm_states_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_snapshot *snap;
	struct tcpfsm_figures f;
	int s;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;

	seq_printf(seq, "%-12s %12s %12s %12s\n",
		   "state", "current", "entered", "left");
	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++) {
		tcpfsm_state_figures(snap, s, &f);
		seq_printf(seq, "%-12s", tcpfsm_state_name(s));
		tcpfsm_put_num(seq, f.has_current, f.current_nr);
		tcpfsm_put_num(seq, f.has_flow, f.entered);
		tcpfsm_put_num(seq, f.has_flow, f.left);
		seq_putc(seq, '\n');
	}
	kfree(snap);
	return 0;
}

static int tcpfsm_time_in_state_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_snapshot *snap;
	int i, b;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;

	/* bucket b: times below 2^b us, and at least 2^(b-1) */
	seq_printf(seq, "%-12s %12s %20s", "state", "samples", "sum_ns");
	for (b = 0; b < TCPFSM_NR_BUCKETS - 1; b++)
		seq_printf(seq, " lt%llu", 1ULL << b);
	seq_puts(seq, " inf\n");
	for (i = 0; i < TCPFSM_NR_DWELL; i++) {
		seq_printf(seq, "%-12s %12llu %20llu",
			   tcpfsm_state_name(tcpfsm_dwell_state(i)),
			   tcpfsm_dwell_samples(snap, i), snap->sum.dwell_sum_ns[i]);
		for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
			seq_printf(seq, " %llu", snap->sum.dwell[i][b]);
		seq_putc(seq, '\n');
	}
	kfree(snap);
	return 0;
}

static int tcpfsm_counters_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_snapshot *snap;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	seq_printf(seq, "tracked %lld\n", snap->sum.tracked);
	seq_printf(seq, "untracked %llu\n", snap->sum.untracked);
	seq_printf(seq, "track_size %u\n", snap->track_size);
	seq_printf(seq, "timewait %lld\n", snap->timewait);
	seq_printf(seq, "timewait_created %llu\n", snap->timewait_created);
	seq_printf(seq, "events_sent %llu\n", snap->sum.ev_sent);
	seq_printf(seq, "events_lost_overflow %llu\n", snap->sum.ev_lost_overflow);
	seq_printf(seq, "events_lost_nomem %llu\n", snap->sum.ev_lost_nomem);
	seq_printf(seq, "events_lost_rcvbuf %llu\n", snap->sum.ev_lost_rcvbuf);
	seq_printf(seq, "events_unheard %llu\n", snap->sum.ev_unheard);
	seq_printf(seq, "timewait_untracked %llu\n",
		   snap->sum.tw.c.untracked[TCPFSM_TW_FIN_WAIT2] +
		   snap->sum.tw.c.untracked[TCPFSM_TW_TIME_WAIT]);
	kfree(snap);
	return 0;
}

static int tcpfsm_timewait_show(struct seq_file *seq, void *v)
{
	bool core, exits, refused;
	struct tcpfsm_snapshot *snap;
	struct tcpfsm_tw_figures f;
	int sub;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	core = snap->tw_counting;
	exits = core && tcpfsm_tw_exits_counting();
	refused = core && tcpfsm_tw_refused_counting();

	seq_printf(seq, "%-12s %12s %12s %12s %12s %12s %12s %12s %12s\n",
		   "substate", "current", "created", "refused", "entered",
		   "left", "timer", "reused", "killed");
	for (sub = 0; sub < TCPFSM_NR_TW; sub++) {
		tcpfsm_tw_figures(snap, sub, &f);
		seq_printf(seq, "%-12s", tcpfsm_state_name(sub ==
			   TCPFSM_TW_FIN_WAIT2 ? TCP_FIN_WAIT2 : TCP_TIME_WAIT));
		tcpfsm_put_num(seq, core, f.current_nr);
		tcpfsm_put_num(seq, core, f.created);
		tcpfsm_put_num(seq, refused, f.refused);
		tcpfsm_put_num(seq, core, f.entered);
		tcpfsm_put_num(seq, core, f.left);
		tcpfsm_put_num(seq, exits, f.timer);
		tcpfsm_put_num(seq, exits, f.reused);
		tcpfsm_put_num(seq, exits, f.killed);
		seq_putc(seq, '\n');
	}
	kfree(snap);
	return 0;
}

/*
 * The time timewait sockets spent in each substate: time_in_state's
 * format, one line per substate; "-" without the probes of their ends.
 */
static int tcpfsm_time_in_timewait_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_snapshot *snap;
	struct tcpfsm_tw_figures f;
	int sub, b;
	bool on;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	on = snap->tw_counting && tcpfsm_tw_exits_counting();

	seq_printf(seq, "%-12s %12s %20s", "substate", "samples", "sum_ns");
	for (b = 0; b < TCPFSM_NR_BUCKETS - 1; b++)
		seq_printf(seq, " lt%llu", 1ULL << b);
	seq_puts(seq, " inf\n");
	for (sub = 0; sub < TCPFSM_NR_TW; sub++) {
		tcpfsm_tw_figures(snap, sub, &f);
		seq_printf(seq, "%-12s", tcpfsm_state_name(sub ==
			   TCPFSM_TW_FIN_WAIT2 ? TCP_FIN_WAIT2 : TCP_TIME_WAIT));
		if (!on) {
			seq_printf(seq, " %12s %20s", "-", "-");
			for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
				seq_puts(seq, " -");
			seq_putc(seq, '\n');
			continue;
		}
		seq_printf(seq, " %12llu %20llu", f.samples, f.sum_ns);
		for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
			seq_printf(seq, " %llu", snap->sum.tw.dwell[sub][b]);
		seq_putc(seq, '\n');
	}
	kfree(snap);
	return 0;
}

/*
 * The matrix as RFC 9293 draws it (tcpfsm_tw_machine(),
 * tcpfsm_rsk_machine()): "-" in the cells timewait sockets change (the
 * CLOSE, FIN_WAIT2 and TIME_WAIT columns, the TIME_WAIT row) when a probe
 * they need is off or missed a hit, and so in those request sockets
 * change (LISTEN -> SYN_RECV, SYN_RECV -> CLOSE).
 */
static bool tcpfsm_machine_exact(const struct tcpfsm_snapshot *snap,
				 int o, int n)
{
	if (o == TCP_TIME_WAIT || n == TCP_CLOSE || n == TCP_FIN_WAIT2 ||
	    n == TCP_TIME_WAIT) {
		if (!snap->tw_counting || !tcpfsm_tw_exits_counting() ||
		    !tcpfsm_tw_from_counting())
			return false;
	}
	if ((o == TCP_LISTEN && n == TCP_SYN_RECV) ||
	    (o == TCP_SYN_RECV && n == TCP_CLOSE))
		return snap->rsk_counting;
	return true;
}

static int tcpfsm_machine_show(struct seq_file *seq, void *v)
{
	u64 (*m)[TCPFSM_NR_STATES];
	struct tcpfsm_snapshot *snap;
	int o, n;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	m = kmalloc_array(TCPFSM_NR_STATES, sizeof(*m), GFP_KERNEL);
	if (!m) {
		kfree(snap);
		return -ENOMEM;
	}
	tcpfsm_tw_machine(snap, m);
	tcpfsm_rsk_machine(snap, m);

	seq_printf(seq, "%-12s", "old/new");
	for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
		seq_printf(seq, " %12s", tcpfsm_state_name(n));
	seq_putc(seq, '\n');
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		seq_printf(seq, "%-12s", tcpfsm_state_name(o));
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
			tcpfsm_put_num(seq, tcpfsm_machine_exact(snap, o, n),
				       m[tcpfsm_idx(o)][tcpfsm_idx(n)]);
		seq_putc(seq, '\n');
	}
	kfree(m);
	kfree(snap);
	return 0;
}

/* "name value", or "name -" for a figure not counted */
static void tcpfsm_put_named(struct seq_file *seq, const char *name,
			     bool exists, s64 v)
{
	if (exists)
		seq_printf(seq, "%s %lld\n", name, v);
	else
		seq_printf(seq, "%s -\n", name);
}

/*
 * The server's side of the handshake (reqsk.c): request sockets, then
 * the histogram of the time from the first SYN-ACK to the final ACK, a
 * line naming its buckets and a line of their counts.
 */
static int tcpfsm_handshake_show(struct seq_file *seq, void *v)
{
	struct tcpfsm_rsk_figures f;
	struct tcpfsm_snapshot *snap;
	bool on, cookies;
	int b;

	snap = tcpfsm_snapshot(seq_file_single_net(seq));
	if (!snap)
		return -ENOMEM;
	on = snap->rsk_counting;
	cookies = tcpfsm_rsk_cookies_counting();
	tcpfsm_rsk_figures(snap, &f);
	tcpfsm_put_named(seq, "current", on, f.current_nr);
	tcpfsm_put_named(seq, "created", on, f.c.created);
	tcpfsm_put_named(seq, "completed", on, f.c.completed);
	tcpfsm_put_named(seq, "expired", on, f.c.expired);
	tcpfsm_put_named(seq, "orphaned", on, f.c.orphaned);
	tcpfsm_put_named(seq, "dropped", on, f.c.dropped);
	tcpfsm_put_named(seq, "cookies", cookies, f.c.cookies);
	tcpfsm_put_named(seq, "syn_to_ack_samples", on, f.samples);
	tcpfsm_put_named(seq, "syn_to_ack_sum_ns", on, f.sum_ns);
	/* bucket b: times below 2^b us, and at least 2^(b-1) */
	seq_puts(seq, "syn_to_ack_buckets");
	for (b = 0; b < TCPFSM_NR_BUCKETS - 1; b++)
		seq_printf(seq, " lt%llu", 1ULL << b);
	seq_puts(seq, " inf\nsyn_to_ack");
	for (b = 0; b < TCPFSM_NR_BUCKETS; b++) {
		if (on)
			seq_printf(seq, " %llu", snap->sum.rsk.syn_ack[b]);
		else
			seq_puts(seq, " -");
	}
	seq_putc(seq, '\n');
	kfree(snap);
	return 0;
}

/**
 * tcpfsm_proc_init_net() - create /proc/net/tcpfsm in a netns
 * @net: the netns
 * @tn: its tcpfsm state
 *
 * Return: 0 or -ENOMEM.
 */
int tcpfsm_proc_init_net(struct net *net, struct tcpfsm_net *tn)
{
	tn->proc_dir = proc_net_mkdir(net, "tcpfsm", net->proc_net);
	if (!tn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("transitions", 0444, tn->proc_dir,
				    tcpfsm_transitions_show, NULL) ||
	    !proc_create_net_single("states", 0444, tn->proc_dir,
				    tcpfsm_states_show, NULL) ||
	    !proc_create_net_single("time_in_state", 0444, tn->proc_dir,
				    tcpfsm_time_in_state_show, NULL) ||
	    !proc_create_net_single("counters", 0444, tn->proc_dir,
				    tcpfsm_counters_show, NULL) ||
	    !proc_create_net_single("timewait", 0444, tn->proc_dir,
				    tcpfsm_timewait_show, NULL) ||
	    !proc_create_net_single("time_in_timewait", 0444, tn->proc_dir,
				    tcpfsm_time_in_timewait_show, NULL) ||
	    !proc_create_net_single("machine", 0444, tn->proc_dir,
				    tcpfsm_machine_show, NULL) ||
	    !proc_create_net_single("handshake", 0444, tn->proc_dir,
				    tcpfsm_handshake_show, NULL)) {
		tcpfsm_proc_exit_net(net, tn);
		return -ENOMEM;
	}
	return 0;
}

/**
 * tcpfsm_proc_exit_net() - remove /proc/net/tcpfsm from a netns
 * @net: the netns
 * @tn: its tcpfsm state
 *
 * Waits for readers still inside the files.
 */
void tcpfsm_proc_exit_net(struct net *net, struct tcpfsm_net *tn)
{
	remove_proc_subtree("tcpfsm", net->proc_net);
	tn->proc_dir = NULL;
}
