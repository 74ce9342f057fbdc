// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: time in state.
 *
 * A fixed table per network namespace, allocated with the netns (or at
 * load), remembers when each tracked TCP socket of the netns entered its
 * current state; the probe turns the time between two of its transitions
 * into a sample of the per-netns log2 histogram of the state it left
 * (struct tcpfsm_hist, allocated with the table: one write per transition
 * at most, to memory the netns's CPUs share as they share the table). The
 * table is keyed by the socket's address: a socket's transitions are
 * serialised by its lock, so only the CPU handling it reads or writes its
 * slot, and a slot is taken with one cmpxchg() and handed back on the
 * transition to CLOSE, which every TCP socket makes before it is freed. No
 * lock, no allocation: a socket that finds its bucket full at birth is
 * counted as untracked.
 *
 * One table per netns, so that no netns can take the slots of another: a
 * tenant that opens many sockets fills its own table only. The initial
 * netns's has track_sockets slots, every other netns's
 * track_netns_sockets, charged to the memory cgroup of whoever creates
 * the netns (kernel precedent: net.ipv4.tcp_child_ehash_entries).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "track.h"

#define TCPFSM_TRACK_DEFAULT	65536
#define TCPFSM_TRACK_NETNS_DEFAULT	1024
#define TCPFSM_TRACK_MIN	64
#define TCPFSM_TRACK_MAX	(16U << 20)
#define TCPFSM_SLOTS		4	/* per bucket: one cache line */

struct tcpfsm_bucket {
	unsigned long sk[TCPFSM_SLOTS];	/* the socket, 0 for a free slot */
	u64 since[TCPFSM_SLOTS];	/* when it entered its state, ns */
} ____cacheline_aligned;

static struct tcpfsm_pow2_param tcpfsm_track_sockets = {
	.val = TCPFSM_TRACK_DEFAULT, .min = TCPFSM_TRACK_MIN,
	.max = TCPFSM_TRACK_MAX, .zero_ok = true, .unit = "sockets",
};

static struct tcpfsm_pow2_param tcpfsm_track_netns_sockets = {
	.val = TCPFSM_TRACK_NETNS_DEFAULT, .min = TCPFSM_TRACK_MIN,
	.max = TCPFSM_TRACK_MAX, .zero_ok = true, .unit = "sockets",
};

module_param_cb(track_sockets, &tcpfsm_pow2_param_ops, &tcpfsm_track_sockets,
		0444);
MODULE_PARM_DESC(track_sockets,
		 "Sockets of the initial network namespace whose time in state is tracked (0: off; 64 to 16M, a power of 2; default 65536, 1 MiB)");
module_param_cb(track_netns_sockets, &tcpfsm_pow2_param_ops,
		&tcpfsm_track_netns_sockets, 0444);
MODULE_PARM_DESC(track_netns_sockets,
		 "The same for each other network namespace, in a table of its own (0: off; 64 to 16M, a power of 2; default 1024, 16 KiB)");

/* The states with a histogram, in the order of their histograms */
static const u8 tcpfsm_dwell_states[TCPFSM_NR_DWELL] = {
	TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT1,
	TCP_FIN_WAIT2, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CLOSING,
};

/**
 * tcpfsm_dwell_state() - the state of a histogram
 * @i: 0 to TCPFSM_NR_DWELL - 1
 *
 * Return: the TCP state whose histogram is number @i.
 */
int tcpfsm_dwell_state(int i)
{
	return tcpfsm_dwell_states[i];
}

/* The histogram of @state, or -1 for LISTEN, CLOSE and TIME_WAIT. */
static int tcpfsm_dwell_idx(int state)
{
	int i;

	for (i = 0; i < TCPFSM_NR_DWELL; i++)
		if (tcpfsm_dwell_states[i] == state)
			return i;
	return -1;
}

/**
 * tcpfsm_dwell_bucket() - the histogram bucket of a time
 * @ns: the time, in nanoseconds
 *
 * Return: 0 below 1 us, else i with 2^(i-1) <= us < 2^i, at most
 * TCPFSM_NR_BUCKETS - 1.
 */
unsigned int tcpfsm_dwell_bucket(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	return min_t(unsigned int, fls64(us), TCPFSM_NR_BUCKETS - 1);
}

static void tcpfsm_dwell_add(struct tcpfsm_hist *h, int state, u64 ns)
{
	int i = tcpfsm_dwell_idx(state);

	if (i < 0)
		return;
	atomic64_inc(&h->dwell[i][tcpfsm_dwell_bucket(ns)]);
	atomic64_add(ns, &h->dwell_sum_ns[i]);
}

/* @sk: a full socket or a timewait socket (timewait.c), by its address */
static struct tcpfsm_bucket *tcpfsm_bucket_of(struct tcpfsm_bucket *table,
					      const struct tcpfsm_table *t,
					      const void *sk)
{
	return &table[hash_ptr(sk, t->bits)];
}

/*
 * The bucket of @key in @tn's table, or NULL if time in state is off;
 * @d: when (0 if off; from a kprobe handler: the NMI-safe clock), its time
 * in state not known yet.
 */
static struct tcpfsm_bucket *tcpfsm_track_bucket(struct tcpfsm_net *tn,
						 const void *key, bool kprobe,
						 struct tcpfsm_dwell *d)
{
	/* pairs with tcpfsm_track_init_net(): @bits and @hist are set */
	struct tcpfsm_bucket *table = smp_load_acquire(&tn->track.b);

	d->ns = TCPFSM_DWELL_UNKNOWN;
	if (!table) {
		d->now = 0;
		return NULL;
	}
	d->now = kprobe ? tcpfsm_kprobe_now() : ktime_get_ns();
	return tcpfsm_bucket_of(table, &tn->track, key);
}

/* The slot of @sk in @b, or -1. */
static int tcpfsm_slot_find(const struct tcpfsm_bucket *b, const void *sk)
{
	int i;

	for (i = 0; i < TCPFSM_SLOTS; i++)
		if (READ_ONCE(b->sk[i]) == (unsigned long)sk)
			return i;
	return -1;
}

/* Take a free slot of @b for @sk; other sockets race for it. */
static bool tcpfsm_slot_claim(struct tcpfsm_bucket *b, const void *sk,
			      u64 now)
{
	int i;

	for (i = 0; i < TCPFSM_SLOTS; i++) {
		if (READ_ONCE(b->sk[i]) ||
		    cmpxchg(&b->sk[i], 0, (unsigned long)sk))
			continue;
		WRITE_ONCE(b->since[i], now);
		return true;
	}
	return false;
}

/* A socket that did not exist before this transition. */
static bool tcpfsm_birth(int old, int new)
{
	return (old == TCP_CLOSE && new != TCP_CLOSE) ||
	       (old == TCP_LISTEN && new == TCP_SYN_RECV);
}

/**
 * tcpfsm_track() - account a transition in the table (probe context)
 * @sk: the socket, locked by the caller of the tracepoint
 * @tn: its netns, between .init and .pre_exit
 * @stats: its netns's counters
 * @old: old state
 * @new: new state
 * @d: filled in: when, and how long @sk was in @old if known
 */
void tcpfsm_track(const struct sock *sk, struct tcpfsm_net *tn,
		  struct tcpfsm_pcpu __percpu *stats, int old, int new,
		  struct tcpfsm_dwell *d)
{
	struct tcpfsm_bucket *b = tcpfsm_track_bucket(tn, sk, false, d);
	int i;

	if (!b)
		return;
	i = tcpfsm_slot_find(b, sk);
	if (i < 0) {
		if (new == TCP_CLOSE)
			return;
		if (tcpfsm_slot_claim(b, sk, d->now))
			this_cpu_inc(stats->tracked);
		else if (tcpfsm_birth(old, new))
			this_cpu_inc(stats->untracked);
		return;
	}
	if (old == new)		/* FIN_WAIT2 -> FIN_WAIT2: still in it */
		return;
	d->ns = d->now - READ_ONCE(b->since[i]);
	tcpfsm_dwell_add(tn->track.hist, old, d->ns);
	if (new != TCP_CLOSE) {
		WRITE_ONCE(b->since[i], d->now);
		return;
	}
	/* the slot is free once the socket's last use of it is done */
	smp_store_release(&b->sk[i], 0);
	this_cpu_dec(stats->tracked);
}

/*
 * Timewait sockets (timewait.c) share the table of their netns, keyed by
 * the address of their struct inet_timewait_sock (a slab of its own: never
 * the address of a live full socket). A slot is taken when one is created
 * and handed back when it ends (inet_twsk_kill(), once per timewait
 * socket); their samples go to the two timewait histograms, apart from the
 * full sockets', and neither tracked nor untracked counts them. A
 * timewait socket has no lock: its creation runs before it is hashed,
 * its end once, but a FIN may move it to TIME_WAIT on one CPU while its
 * timer ends it on another (see Documentation/tcpfsm.rst).
 */

static void tcpfsm_tw_dwell_add(struct tcpfsm_hist *h, int sub, u64 ns)
{
	atomic64_inc(&h->tw_dwell[sub][tcpfsm_dwell_bucket(ns)]);
	atomic64_add(ns, &h->tw_dwell_sum_ns[sub]);
}

/**
 * tcpfsm_track_tw_created() - a timewait socket is created (kprobe context)
 * @tw: the timewait socket, not yet hashed
 * @tn: its netns, between .init and .pre_exit
 * @stats: its netns's counters
 * @sub: its substate, TCPFSM_TW_FIN_WAIT2 or TCPFSM_TW_TIME_WAIT
 * @d: filled in: when (0 if tracking is off); its time in state is unknown
 */
void tcpfsm_track_tw_created(const void *tw, struct tcpfsm_net *tn,
			     struct tcpfsm_pcpu __percpu *stats, int sub,
			     struct tcpfsm_dwell *d)
{
	struct tcpfsm_bucket *b = tcpfsm_track_bucket(tn, tw, true, d);
	int i;

	if (!b)
		return;
	/* the slot of a freed one at this address whose end was missed */
	i = tcpfsm_slot_find(b, tw);
	if (i >= 0)
		WRITE_ONCE(b->since[i], d->now);
	else if (!tcpfsm_slot_claim(b, tw, d->now))
		this_cpu_inc(stats->tw.untracked[sub]);
}

/**
 * tcpfsm_track_tw_left() - a timewait socket leaves its substate (kprobe
 * context): for the other one, or for good
 * @tw: the timewait socket
 * @tn: its netns, between .init and .pre_exit
 * @sub: the substate it leaves
 * @end: it ends (inet_twsk_kill()): its slot is handed back
 * @d: filled in: when, and how long it was in @sub if known
 */
void tcpfsm_track_tw_left(const void *tw, struct tcpfsm_net *tn, int sub,
			  bool end, struct tcpfsm_dwell *d)
{
	struct tcpfsm_bucket *b = tcpfsm_track_bucket(tn, tw, true, d);
	int i;

	if (!b)
		return;
	i = tcpfsm_slot_find(b, tw);
	if (i < 0)
		return;
	d->ns = tcpfsm_since(d->now, READ_ONCE(b->since[i]));
	tcpfsm_tw_dwell_add(tn->track.hist, sub, d->ns);
	if (!end)
		WRITE_ONCE(b->since[i], d->now);
	else	/* free once our last use of the slot is done */
		smp_store_release(&b->sk[i], 0);
}

/**
 * tcpfsm_track_since() - when a socket entered its current state
 * @sk: a socket the caller holds (its hash bucket's lock)
 * @since: filled in, ktime_get_ns() time
 *
 * Return: true if @sk is tracked.
 */
bool tcpfsm_track_since(const struct sock *sk, u64 *since)
{
	const struct tcpfsm_table *t = &tcpfsm_pernet(sock_net(sk))->track;
	const struct tcpfsm_bucket *b;
	int i;

	if (!t->b)
		return false;
	b = tcpfsm_bucket_of(t->b, t, sk);
	i = tcpfsm_slot_find(b, sk);
	if (i < 0)
		return false;
	*since = READ_ONCE(b->since[i]);
	/* still the same socket's slot after reading the time */
	smp_rmb();
	return READ_ONCE(b->sk[i]) == (unsigned long)sk;
}

/**
 * tcpfsm_track_hist() - the histograms of time in state of a netns
 * @tn: the netns
 *
 * Return: them, or NULL if time in state is off there.
 */
const struct tcpfsm_hist *tcpfsm_track_hist(const struct tcpfsm_net *tn)
{
	/* pairs with tcpfsm_track_init_net(): @hist is set */
	return smp_load_acquire(&tn->track.b) ? tn->track.hist : NULL;
}

/**
 * tcpfsm_track_size() - capacity of a netns's table
 * @tn: the netns
 *
 * Return: sockets the table can hold, 0 if tracking is off there.
 */
unsigned int tcpfsm_track_size(const struct tcpfsm_net *tn)
{
	return tn->track.b ? tn->track.size : 0;
}

/**
 * tcpfsm_track_init_net() - allocate the table of a netns
 * @net: the netns
 * @tn: its state
 *
 * A netns without memory for its table runs without time in state (its
 * track_size says 0) rather than failing: telemetry must not stop a
 * container from starting.
 */
void tcpfsm_track_init_net(struct net *net, struct tcpfsm_net *tn)
{
	unsigned int size = net_eq(net, &init_net) ?
			    tcpfsm_track_sockets.val :
			    tcpfsm_track_netns_sockets.val;
	unsigned int nbuckets = size / TCPFSM_SLOTS;
	struct tcpfsm_bucket *b;
	struct tcpfsm_hist *h;

	if (!nbuckets)
		return;
	/* the allocator says so in the kernel log if there is no memory */
	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return;
	/* a power of 2 of cache lines: no slab rounding */
	b = kvcalloc(nbuckets, sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b) {
		kfree(h);
		return;
	}
	tn->track.hist = h;
	tn->track.bits = ilog2(nbuckets);
	tn->track.size = size;
	/* size and histograms before the table: pairs with tcpfsm_track() */
	smp_store_release(&tn->track.b, b);
}

/**
 * tcpfsm_track_exit_net() - free the table of a netns
 * @tn: its state; the probe no longer uses it (see tcpfsm_net_pre_exit())
 */
void tcpfsm_track_exit_net(struct tcpfsm_net *tn)
{
	kvfree(tn->track.b);
	tn->track.b = NULL;
	kfree(tn->track.hist);
	tn->track.hist = NULL;
}
