// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the per-netns counters, folded on read.
 *
 * The probe only ever increments one slot of a per-CPU array, or for a pair
 * the kernel's TCP does not make, a per-netns cell of the full matrix.
 * Everything else (entered, left, the number of sockets per state) is
 * derived here when somebody reads, the way the kernel folds its SNMP MIBs.
 */
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/sock.h>

#include "tcpfsm.h"
#include "reqsk.h"
#include "timewait.h"
#include "track.h"

static const char * const tcpfsm_state_names[] = {
	[TCP_ESTABLISHED]	= "ESTABLISHED",
	[TCP_SYN_SENT]		= "SYN_SENT",
	[TCP_SYN_RECV]		= "SYN_RECV",
	[TCP_FIN_WAIT1]		= "FIN_WAIT1",
	[TCP_FIN_WAIT2]		= "FIN_WAIT2",
	[TCP_TIME_WAIT]		= "TIME_WAIT",
	[TCP_CLOSE]		= "CLOSE",
	[TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCP_LAST_ACK]		= "LAST_ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
	[TCP_NEW_SYN_RECV]	= "NEW_SYN_RECV",
};

#define TCPFSM_SLOT(old, new, slot)				\
	[(old) - TCP_ESTABLISHED][(new) - TCP_ESTABLISHED] = (slot) + 1

/* W=1 (-Woverride-init) refuses a pair given twice */
const u8 tcpfsm_trans_slot[TCPFSM_NR_STATES][TCPFSM_NR_STATES] = {
	TCPFSM_SLOT(TCP_CLOSE, TCP_SYN_SENT, TCPFSM_SLOT_CLOSE_SYN_SENT),
	TCPFSM_SLOT(TCP_SYN_SENT, TCP_ESTABLISHED,
		    TCPFSM_SLOT_SYN_SENT_ESTABLISHED),
	TCPFSM_SLOT(TCP_CLOSE, TCP_LISTEN, TCPFSM_SLOT_CLOSE_LISTEN),
	TCPFSM_SLOT(TCP_LISTEN, TCP_SYN_RECV, TCPFSM_SLOT_LISTEN_SYN_RECV),
	TCPFSM_SLOT(TCP_SYN_RECV, TCP_ESTABLISHED,
		    TCPFSM_SLOT_SYN_RECV_ESTABLISHED),
	TCPFSM_SLOT(TCP_SYN_SENT, TCP_SYN_RECV, TCPFSM_SLOT_SYN_SENT_SYN_RECV),
	TCPFSM_SLOT(TCP_ESTABLISHED, TCP_FIN_WAIT1,
		    TCPFSM_SLOT_ESTABLISHED_FIN_WAIT1),
	TCPFSM_SLOT(TCP_FIN_WAIT1, TCP_FIN_WAIT2,
		    TCPFSM_SLOT_FIN_WAIT1_FIN_WAIT2),
	TCPFSM_SLOT(TCP_ESTABLISHED, TCP_CLOSE_WAIT,
		    TCPFSM_SLOT_ESTABLISHED_CLOSE_WAIT),
	TCPFSM_SLOT(TCP_CLOSE_WAIT, TCP_LAST_ACK,
		    TCPFSM_SLOT_CLOSE_WAIT_LAST_ACK),
	TCPFSM_SLOT(TCP_FIN_WAIT1, TCP_CLOSING, TCPFSM_SLOT_FIN_WAIT1_CLOSING),
	TCPFSM_SLOT(TCP_SYN_RECV, TCP_FIN_WAIT1,
		    TCPFSM_SLOT_SYN_RECV_FIN_WAIT1),
	TCPFSM_SLOT(TCP_SYN_RECV, TCP_CLOSE_WAIT,
		    TCPFSM_SLOT_SYN_RECV_CLOSE_WAIT),
	TCPFSM_SLOT(TCP_FIN_WAIT1, TCP_FIN_WAIT1,
		    TCPFSM_SLOT_FIN_WAIT1_FIN_WAIT1),
	TCPFSM_SLOT(TCP_FIN_WAIT2, TCP_FIN_WAIT2,
		    TCPFSM_SLOT_FIN_WAIT2_FIN_WAIT2),
	TCPFSM_SLOT(TCP_LAST_ACK, TCP_LAST_ACK, TCPFSM_SLOT_LAST_ACK_LAST_ACK),
	TCPFSM_SLOT(TCP_CLOSING, TCP_CLOSING, TCPFSM_SLOT_CLOSING_CLOSING),
	TCPFSM_SLOT(TCP_ESTABLISHED, TCP_CLOSE, TCPFSM_SLOT_ESTABLISHED_CLOSE),
	TCPFSM_SLOT(TCP_SYN_SENT, TCP_CLOSE, TCPFSM_SLOT_SYN_SENT_CLOSE),
	TCPFSM_SLOT(TCP_SYN_RECV, TCP_CLOSE, TCPFSM_SLOT_SYN_RECV_CLOSE),
	TCPFSM_SLOT(TCP_FIN_WAIT1, TCP_CLOSE, TCPFSM_SLOT_FIN_WAIT1_CLOSE),
	TCPFSM_SLOT(TCP_FIN_WAIT2, TCP_CLOSE, TCPFSM_SLOT_FIN_WAIT2_CLOSE),
	TCPFSM_SLOT(TCP_TIME_WAIT, TCP_CLOSE, TCPFSM_SLOT_TIME_WAIT_CLOSE),
	TCPFSM_SLOT(TCP_CLOSE, TCP_CLOSE, TCPFSM_SLOT_CLOSE_CLOSE),
	TCPFSM_SLOT(TCP_CLOSE_WAIT, TCP_CLOSE, TCPFSM_SLOT_CLOSE_WAIT_CLOSE),
	TCPFSM_SLOT(TCP_LAST_ACK, TCP_CLOSE, TCPFSM_SLOT_LAST_ACK_CLOSE),
	TCPFSM_SLOT(TCP_LISTEN, TCP_CLOSE, TCPFSM_SLOT_LISTEN_CLOSE),
	TCPFSM_SLOT(TCP_CLOSING, TCP_CLOSE, TCPFSM_SLOT_CLOSING_CLOSE),
};

/**
 * tcpfsm_state_name() - the kernel's name of a TCP state, without "TCP_"
 * @state: a TCP state number
 *
 * Return: the name, or "UNKNOWN" for a number the kernel does not define.
 */
const char *tcpfsm_state_name(int state)
{
	if (state < 0 || state >= ARRAY_SIZE(tcpfsm_state_names) ||
	    !tcpfsm_state_names[state])
		return "UNKNOWN";
	return tcpfsm_state_names[state];
}

/*
 * Timewait sockets the netns created: the kernel counts each when it
 * schedules its timer (__inet_twsk_schedule()), as TW or, with a short
 * timeout, TWKilled.
 */
static u64 tcpfsm_tw_total(struct net *net)
{
	return snmp_fold_field(net->mib.net_statistics, LINUX_MIB_TIMEWAITED) +
	       snmp_fold_field(net->mib.net_statistics,
			       LINUX_MIB_TIMEWAITKILLED);
}

/**
 * tcpfsm_timewait_created() - timewait sockets created since load
 * @net: a netns with live tcpfsm state
 *
 * Return: the number.
 */
u64 tcpfsm_timewait_created(struct net *net)
{
	return tcpfsm_tw_total(net) - tcpfsm_pernet(net)->tw_created_base;
}

/**
 * tcpfsm_stats_init_net() - allocate the counters of a new netns
 * @net: the netns
 * @tn: its per-netns state, zeroed by the netns core
 *
 * Return: 0 or -ENOMEM.
 */
int tcpfsm_stats_init_net(struct net *net, struct tcpfsm_net *tn)
{
	/* the probes write at least this much per CPU of every netns */
	BUILD_BUG_ON(sizeof(struct tcpfsm_pcpu) > 1024);
	BUILD_BUG_ON(TCPFSM_NR_SLOTS > U8_MAX);
	tn->tw_created_base = tcpfsm_tw_total(net);
	tn->stats = alloc_percpu(struct tcpfsm_pcpu);
	if (!tn->stats)
		return -ENOMEM;
	WRITE_ONCE(tn->probe_stats, tn->stats);
	return 0;
}

/**
 * tcpfsm_stats_exit_net() - free the counters of a netns
 * @tn: its per-netns state; the probe no longer writes to it
 */
void tcpfsm_stats_exit_net(struct tcpfsm_net *tn)
{
	free_percpu(tn->stats);
	tn->stats = NULL;
}

/* dst[i] += src[i], for @n 64-bit counters */
static void tcpfsm_add(u64 *dst, const u64 *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += READ_ONCE(src[i]);
}

static void tcpfsm_add_atomic(u64 *dst, const atomic64_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += atomic64_read(&src[i]);
}

/*
 * One CPU's struct tcpfsm_tw_pcpu or struct tcpfsm_rsk_pcpu, added to
 * the same struct in @sum: @size bytes of 64-bit counters only (tcpfsm.h
 * asserts it), summed as an array of u64, so that a counter added to
 * either struct is folded without a line here.
 */
static void tcpfsm_add_counters(void *sum, const void *c, size_t size)
{
	tcpfsm_add(sum, c, size / sizeof(u64));
}

/* A netns's histograms of time in state, folded into @sum. */
static void tcpfsm_hist_fold(struct tcpfsm_counters *sum,
			     const struct tcpfsm_hist *h)
{
	int i;

	for (i = 0; i < TCPFSM_NR_DWELL; i++) {
		tcpfsm_add_atomic(sum->dwell[i], h->dwell[i],
				  TCPFSM_NR_BUCKETS);
		sum->dwell_sum_ns[i] = atomic64_read(&h->dwell_sum_ns[i]);
	}
	for (i = 0; i < TCPFSM_NR_TW; i++) {
		tcpfsm_add_atomic(sum->tw.dwell[i], h->tw_dwell[i],
				  TCPFSM_NR_BUCKETS);
		sum->tw.dwell_sum_ns[i] =
			atomic64_read(&h->tw_dwell_sum_ns[i]);
	}
}

/**
 * tcpfsm_stats_fold() - fold the counters of a netns
 * @tn: the netns's state
 * @sum: where the sums go, field by field
 *
 * As the kernel folds its SNMP MIBs: the per-CPU counters summed, the
 * matrix's slots put back in their cells, with the pairs counted per netns
 * (struct tcpfsm_net's @trans_other) and the per-netns histograms added.
 */
void tcpfsm_stats_fold(const struct tcpfsm_net *tn,
		       struct tcpfsm_counters *sum)
{
	const struct tcpfsm_hist *hist = tcpfsm_track_hist(tn);
	const struct tcpfsm_pcpu *src;
	int cpu, o, n, slot;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		src = per_cpu_ptr(tn->stats, cpu);
		for (o = 0; o < TCPFSM_NR_STATES; o++) {
			for (n = 0; n < TCPFSM_NR_STATES; n++) {
				slot = tcpfsm_trans_slot[o][n];
				if (slot)
					sum->trans[o][n] +=
						READ_ONCE(src->trans[slot - 1]);
			}
		}
		sum->ev_seq += READ_ONCE(src->ev_seq);
		sum->ev_sent += READ_ONCE(src->ev_sent);
		sum->ev_lost_overflow += READ_ONCE(src->ev_lost_overflow);
		sum->ev_lost_nomem += READ_ONCE(src->ev_lost_nomem);
		sum->ev_lost_rcvbuf += READ_ONCE(src->ev_lost_rcvbuf);
		sum->ev_unheard += READ_ONCE(src->ev_unheard);
		sum->tracked += READ_ONCE(src->tracked);
		sum->untracked += READ_ONCE(src->untracked);
		tcpfsm_add_counters(&sum->tw.c, &src->tw, sizeof(src->tw));
		tcpfsm_add_counters(&sum->rsk.c, &src->rsk, sizeof(src->rsk));
	}
	for (o = 0; o < TCPFSM_NR_STATES; o++)
		tcpfsm_add_atomic(sum->trans[o], tn->trans_other[o],
				  TCPFSM_NR_STATES);
	tcpfsm_add_atomic(sum->rsk.syn_ack, tn->syn_ack, TCPFSM_NR_BUCKETS);
	sum->rsk.syn_ack_sum_ns = atomic64_read(&tn->syn_ack_sum_ns);
	if (hist)	/* time in state on */
		tcpfsm_hist_fold(sum, hist);
}

/**
 * tcpfsm_flow() - per state, transitions into and out of it
 * @trans: a folded matrix
 * @entered: per state, transitions into it from another state
 * @left: per state, transitions out of it to another state
 *
 * Same-state events (FIN_WAIT2 -> FIN_WAIT2 on close() after shutdown())
 * move nothing. LISTEN -> SYN_RECV is the birth of a child socket, which
 * inherits the listener's state before its first event; the listener itself
 * stays in LISTEN, so the event is not counted as leaving LISTEN.
 */
void tcpfsm_flow(u64 trans[TCPFSM_NR_STATES][TCPFSM_NR_STATES],
		 u64 *entered, u64 *left)
{
	int i, j;

	memset(entered, 0, sizeof(u64) * TCPFSM_NR_STATES);
	memset(left, 0, sizeof(u64) * TCPFSM_NR_STATES);
	for (i = 0; i < TCPFSM_NR_STATES; i++) {
		for (j = 0; j < TCPFSM_NR_STATES; j++) {
			if (i == j)
				continue;
			entered[j] += trans[i][j];
			left[i] += trans[i][j];
		}
	}
	left[tcpfsm_idx(TCP_LISTEN)] -=
		trans[tcpfsm_idx(TCP_LISTEN)][tcpfsm_idx(TCP_SYN_RECV)];
}

/*
 * Without the request-socket probes (reqsk.c), the fallback: request
 * sockets (NEW_SYN_RECV) never fire the tracepoint. Their listener
 * keeps the exact number in its accept queue (qlen); listeners live in the
 * listening hash of the netns, whose size is fixed at boot, so this costs
 * the same however many connections exist.
 */
static s64 tcpfsm_count_reqsk(struct net *net)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	struct hlist_nulls_node *node;
	struct sock *sk;
	s64 n = 0;
	u32 i;

	rcu_read_lock();
	for (i = 0; i <= h->lhash2_mask; i++) {
		sk_nulls_for_each_rcu(sk, node, &h->lhash2[i].nulls_head) {
			if (net_eq(sock_net(sk), net) &&
			    sk->sk_protocol == IPPROTO_TCP)
				n += inet_csk_reqsk_queue_len(sk);
		}
	}
	rcu_read_unlock();
	return n;
}

/**
 * tcpfsm_snapshot() - everything /proc/net/tcpfsm shows about a netns
 * @net: the netns, which must have live tcpfsm state
 *
 * Return: a snapshot, to kfree() after use, or NULL for want of memory.
 */
struct tcpfsm_snapshot *tcpfsm_snapshot(struct net *net)
{
	const struct tcpfsm_net *tn = tcpfsm_pernet(net);
	struct tcpfsm_snapshot *snap;
	int i;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return NULL;

	/* base[] and the matrix must come from the same side of the seed */
	down_read(&tcpfsm_seed_rwsem);
	tcpfsm_stats_fold(tn, &snap->sum);
	for (i = 0; i < TCPFSM_NR_STATES; i++)
		snap->current_nr[i] = tn->base[i];
	for (i = 0; i < TCPFSM_NR_TW; i++)
		snap->tw_current[i] = tn->tw_base[i] +
				      tcpfsm_tw_flow(&snap->sum.tw, i);
	snap->rsk_current = tn->rsk_base + tcpfsm_rsk_flow(&snap->sum.rsk);
	up_read(&tcpfsm_seed_rwsem);

	tcpfsm_flow(snap->sum.trans, snap->entered, snap->left);
	for (i = 0; i < TCPFSM_NR_STATES; i++)
		snap->current_nr[i] += snap->entered[i] - snap->left[i];

	/* tw_refcount starts at 1 and counts every timewait socket */
	snap->timewait =
		refcount_read(&net->ipv4.tcp_death_row.tw_refcount) - 1;
	/*
	 * Request sockets outlive their listener (until their timer runs):
	 * only the probes see those; the listeners' queues are the fallback.
	 */
	snap->rsk_counting = tcpfsm_rsk_counting();
	snap->new_syn_recv = snap->rsk_counting ? snap->rsk_current :
			     tcpfsm_count_reqsk(net);
	snap->timewait_created = tcpfsm_timewait_created(net);
	snap->track_size = tcpfsm_track_size(tn);

	/*
	 * ss lists a timewait socket in its substate: FIN_WAIT2 counts full
	 * sockets and orphans in timewait substate FIN_WAIT2, TIME_WAIT the
	 * rest (timewait.c). Without the timewait probes neither is known.
	 */
	snap->tw_counting = tcpfsm_tw_counting();
	snap->current_nr[tcpfsm_idx(TCP_FIN_WAIT2)] +=
		snap->tw_current[TCPFSM_TW_FIN_WAIT2];
	snap->current_nr[tcpfsm_idx(TCP_TIME_WAIT)] =
		snap->tw_current[TCPFSM_TW_TIME_WAIT];
	return snap;
}

/**
 * tcpfsm_dwell_samples() - the samples of a time-in-state histogram
 * @snap: a snapshot
 * @i: the histogram, 0 to TCPFSM_NR_DWELL - 1
 *
 * Return: how many times a tracked socket left the state: the sum of the
 * histogram's buckets.
 */
u64 tcpfsm_dwell_samples(const struct tcpfsm_snapshot *snap, int i)
{
	u64 n = 0;
	int b;

	for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
		n += snap->sum.dwell[i][b];
	return n;
}

/**
 * tcpfsm_state_figures() - the figures of one state, as both /proc and
 * netlink show them
 * @snap: a snapshot of the netns
 * @state: TCP_ESTABLISHED to TCP_NEW_SYN_RECV
 * @f: filled in
 */
void tcpfsm_state_figures(const struct tcpfsm_snapshot *snap, int state,
			  struct tcpfsm_figures *f)
{
	memset(f, 0, sizeof(*f));
	if (state == TCP_NEW_SYN_RECV) {
		f->current_nr = snap->new_syn_recv;
		f->has_current = true;
		return;
	}
	f->has_current = state != TCP_CLOSE;
	if (state == TCP_FIN_WAIT2 || state == TCP_TIME_WAIT)
		f->has_current = snap->tw_counting;
	f->current_nr = snap->current_nr[tcpfsm_idx(state)];
	/* timewait sockets never appear in a transition */
	f->has_flow = state != TCP_TIME_WAIT;
	f->entered = snap->entered[tcpfsm_idx(state)];
	f->left = snap->left[tcpfsm_idx(state)];
}
