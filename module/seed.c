// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: seeding the per-state gauges with the sockets that existed
 * before the module was loaded, without stopping the machine.
 *
 * The number of sockets in state s is kept as
 *
 *	current[s] = base[s] + entered[s] - left[s]
 *
 * where entered/left come from the transition matrix the probe fills
 * (likewise per timewait substate, and for request sockets, against the
 * flow their probes count: timewait.c, reqsk.c). For a netns created after
 * load, base[] is zero: every socket it will ever have is born (CLOSE -> x,
 * or LISTEN -> SYN_RECV for a child; a timewait or request socket created)
 * under the probes' eyes. For the netns that existed at load, base[] must
 * account for the sockets already open, while they keep changing state on
 * every CPU.
 *
 * From before the probes attach until the seed ends, the probes and a walk
 * of the hash tables classify every socket they meet through a record of
 * it (keyed by its address and kind, in a table that lives only as long as
 * the seed), each change of the record a cmpxchg, so that the probes and
 * the walk agree on one order per socket:
 *
 *	born		its birth was seen: everything it does is counted as
 *			usual, and the walk skips it
 *	observed(s)	the walk counted it, in state s (base[s] += 1): what
 *			it does later is counted as usual
 *	pre(s)		neither yet: what it did is a "pre" transition,
 *			counted in the netns's seed_pre[] as well as in the
 *			matrix; s is the state the probe set last, which the
 *			walk counts if it meets the socket later
 *	dead		a timewait or request socket that ended (its address
 *			may be reused by a new one)
 *
 * Of the matrix's flow, the "pre" transitions of a socket the walk counts
 * later take it from its state at load to the state the walk counts; those
 * of one that dies first, to CLOSE; the rest is the flow of sockets born or
 * counted. So, with base[s] = (sockets the walk counted in s) - seed_pre[s],
 *
 *	current[s] = sockets counted in s + the flow of the others since
 *
 * which is the number of sockets in s, at every moment from then on. The
 * probe of a full socket runs before the state changes (the tracepoint,
 * then the store, under the socket's lock): if the walk reads a state the
 * probe has not yet reported, the record is still empty and the walk's
 * cmpxchg wins, and the probe then counts the change as usual. The
 * timewait probe of FIN_WAIT2 -> TIME_WAIT runs after the store: if the
 * walk has counted the new substate already, the probe counts the change
 * as "pre", which cancels it. The request socket's probes run after the
 * hash changed, with the same rule for its creation. A probe that runs
 * after its change must do its part even if the walk is over by then (the
 * walk may have met the change): the seed ends only once every such probe
 * of a change made meanwhile has run, through a grace period for those in
 * the change's own section without preemption (a request socket's
 * completion, a timewait socket's move to TIME_WAIT) and a count for the
 * return probes, whose function may be preempted between its change and
 * its return (tcpfsm_seed_enter()).
 *
 * The probes of timewait and request sockets attach one after the other:
 * until the last is attached (before the walk starts), one of them may
 * miss a step of a socket another saw born, so their births count as
 * "pre" too, and the walk counts the socket in the substate it reads.
 *
 * The walk takes one bucket lock at a time, as inet_diag does; nothing
 * stops. If the record table cannot be allocated or fills up (it is sized
 * for twice the sockets counted just before), the seed falls back to a
 * walk under stop_machine(), after the probe is attached:
 *
 *	base[s] = (sockets in state s in the hash tables)
 *		  - (entered[s] - left[s] counted so far),
 *
 * Documentation/tcpfsm.rst says where the seed is exact.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>

#include "tcpfsm.h"
#include "reqsk.h"
#include "timewait.h"

/* the kind of socket, in the low bits of a record's key */
enum { TCPFSM_REC_FULL = 1, TCPFSM_REC_TW, TCPFSM_REC_RSK };

/* a record's value: what we know, in the low 3 bits, and a state above */
enum {
	TCPFSM_REC_EMPTY,
	TCPFSM_REC_BORN,
	TCPFSM_REC_PRE,
	TCPFSM_REC_OBSERVED,
	TCPFSM_REC_DEAD,
};

#define TCPFSM_REC_KIND(v)	((v) & 7)
#define TCPFSM_REC_STATE(v)	((int)((v) >> 3))
#define TCPFSM_REC(kind, state)	((unsigned long)(state) << 3 | (kind))
#define TCPFSM_REC_PROBES	64	/* slots tried before the table is full */

struct tcpfsm_rec {
	unsigned long key;
	unsigned long val;
};

/**
 * struct tcpfsm_seeding - the seed in progress
 * @rec: the records, or NULL: no seed in progress (the probes' test)
 * @bits: log2 of their number
 * @full: a record could not be made: the stop_machine() seed decides
 */
static struct tcpfsm_seeding {
	struct tcpfsm_rec *rec;
	unsigned int bits;
	bool full;
} tcpfsm_seeding;

bool tcpfsm_seeding_on __read_mostly;
/*
 * Every probe of timewait and request sockets is attached: until then,
 * one may have missed a step of a socket another one saw born, so births
 * count as "pre" (the walk has not started: it will count the socket, or
 * its end will cancel it).
 */
static bool tcpfsm_seed_armed;

/* The record of @p, a socket of kind @kind, made if new; NULL if full. */
static struct tcpfsm_rec *tcpfsm_rec_get(const void *p, unsigned int kind)
{
	struct tcpfsm_rec *rec = READ_ONCE(tcpfsm_seeding.rec);
	unsigned long key = (unsigned long)p | kind, k;
	unsigned int bits = tcpfsm_seeding.bits, i, n;

	if (!rec)
		return NULL;
	i = hash_long(key, bits);
	for (n = 0; n < TCPFSM_REC_PROBES; n++) {
		k = READ_ONCE(rec[i].key);
		if (!k)
			k = cmpxchg(&rec[i].key, 0, key) ?: key;
		if (k == key)
			return &rec[i];
		i = (i + 1) & ((1U << bits) - 1);
	}
	WRITE_ONCE(tcpfsm_seeding.full, true);
	return NULL;
}

/* Set @rec from @old to @new; false if somebody changed it first. */
static bool tcpfsm_rec_set(struct tcpfsm_rec *rec, unsigned long old,
			   unsigned long new)
{
	return cmpxchg(&rec->val, old, new) == old;
}

/**
 * tcpfsm_seed_trans() - the probe's part of the seed: @sk, a full TCP
 * socket of @tn's netns, goes from @old to @new (valid states)
 * @sk: the socket
 * @tn: its netns's state
 * @old: the state it leaves
 * @new: the state it enters
 *
 * Called while tcpfsm_seeding_on, before the state changes.
 */
void tcpfsm_seed_trans(const struct sock *sk, struct tcpfsm_net *tn, int old,
		       int new)
{
	struct tcpfsm_rec *rec = tcpfsm_rec_get(sk, TCPFSM_REC_FULL);
	bool birth = (old == TCP_CLOSE && new != TCP_CLOSE) ||
		     (old == TCP_LISTEN && new == TCP_SYN_RECV);
	unsigned long v;

	if (!rec)
		return;
	do {
		v = READ_ONCE(rec->val);
		switch (TCPFSM_REC_KIND(v)) {
		case TCPFSM_REC_BORN:
		case TCPFSM_REC_OBSERVED:
			return;
		}
	} while (!tcpfsm_rec_set(rec, v, birth ?
				 TCPFSM_REC(TCPFSM_REC_BORN, 0) :
				 TCPFSM_REC(TCPFSM_REC_PRE, new)));
	if (!birth && old != new) {
		atomic64_dec(&tn->seed_pre[tcpfsm_idx(old)]);
		atomic64_inc(&tn->seed_pre[tcpfsm_idx(new)]);
	}
}

/**
 * tcpfsm_seed_tw() - the timewait probes' part of the seed
 * @tw: a TCP timewait socket
 * @tn: its netns's state
 * @what: TCPFSM_SEED_CREATED (before it is hashed),
 *	TCPFSM_SEED_TO_TIME_WAIT (its substate is TIME_WAIT now) or
 *	TCPFSM_SEED_FREED
 * @sub: its substate index, for TCPFSM_SEED_FREED
 *
 * Called while tcpfsm_seeding_on.
 */
void tcpfsm_seed_tw(const struct inet_timewait_sock *tw,
		    struct tcpfsm_net *tn, int what, int sub)
{
	struct tcpfsm_rec *rec = tcpfsm_rec_get(tw, TCPFSM_REC_TW);
	unsigned long v, n;
	bool pre;

	if (!rec)
		return;
	do {
		v = READ_ONCE(rec->val);
		pre = false;
		switch (what) {
		case TCPFSM_SEED_CREATED:
			/* a new one: whatever the address was before */
			pre = !READ_ONCE(tcpfsm_seed_armed);
			n = pre ? TCPFSM_REC(TCPFSM_REC_PRE, sub) :
				  TCPFSM_REC(TCPFSM_REC_BORN, 0);
			break;
		case TCPFSM_SEED_TO_TIME_WAIT:
			if (TCPFSM_REC_KIND(v) == TCPFSM_REC_BORN)
				return;
			if (TCPFSM_REC_KIND(v) == TCPFSM_REC_OBSERVED) {
				/* the walk counted it in FIN_WAIT2: as usual */
				if (TCPFSM_REC_STATE(v) == TCPFSM_TW_FIN_WAIT2) {
					n = TCPFSM_REC(TCPFSM_REC_OBSERVED,
						       TCPFSM_TW_TIME_WAIT);
					break;
				}
				/* it counted TIME_WAIT already: cancel */
				pre = true;
				n = v;
				break;
			}
			pre = true;
			n = TCPFSM_REC(TCPFSM_REC_PRE, TCPFSM_TW_TIME_WAIT);
			break;
		default:	/* TCPFSM_SEED_FREED */
			pre = TCPFSM_REC_KIND(v) != TCPFSM_REC_BORN &&
			      TCPFSM_REC_KIND(v) != TCPFSM_REC_OBSERVED;
			n = TCPFSM_REC(TCPFSM_REC_DEAD, 0);
			break;
		}
	} while (n != v && !tcpfsm_rec_set(rec, v, n));
	if (!pre)
		return;
	if (what == TCPFSM_SEED_TO_TIME_WAIT) {
		atomic64_dec(&tn->seed_tw_pre[TCPFSM_TW_FIN_WAIT2]);
		atomic64_inc(&tn->seed_tw_pre[TCPFSM_TW_TIME_WAIT]);
	} else if (what == TCPFSM_SEED_CREATED) {
		atomic64_inc(&tn->seed_tw_pre[sub]);
	} else {
		atomic64_dec(&tn->seed_tw_pre[sub]);
	}
}

/**
 * tcpfsm_seed_rsk() - the request-socket probes' part of the seed
 * @req: a TCP request socket
 * @tn: its netns's state
 * @what: TCPFSM_SEED_CREATED (just hashed) or TCPFSM_SEED_ENDED (just
 *	unhashed)
 *
 * Called while tcpfsm_seeding_on.
 */
void tcpfsm_seed_rsk(const struct request_sock *req, struct tcpfsm_net *tn,
		     int what)
{
	struct tcpfsm_rec *rec = tcpfsm_rec_get(req, TCPFSM_REC_RSK);
	unsigned long v, n;
	bool pre;

	if (!rec)
		return;
	do {
		v = READ_ONCE(rec->val);
		if (what == TCPFSM_SEED_CREATED) {
			/* the walk found it hashed before this probe ran */
			pre = TCPFSM_REC_KIND(v) == TCPFSM_REC_OBSERVED;
			if (!pre)
				pre = !READ_ONCE(tcpfsm_seed_armed);
			if (TCPFSM_REC_KIND(v) == TCPFSM_REC_OBSERVED)
				n = v;
			else
				n = TCPFSM_REC(pre ? TCPFSM_REC_PRE :
						     TCPFSM_REC_BORN, 0);
		} else {
			pre = TCPFSM_REC_KIND(v) != TCPFSM_REC_BORN &&
			      TCPFSM_REC_KIND(v) != TCPFSM_REC_OBSERVED;
			n = TCPFSM_REC(TCPFSM_REC_DEAD, 0);
		}
	} while (n != v && !tcpfsm_rec_set(rec, v, n));
	if (pre)
		atomic64_add(what == TCPFSM_SEED_CREATED ? 1 : -1,
			     &tn->seed_rsk_pre);
}

/*
 * The walk meets @p, of kind @kind, whose state (a state, or a timewait
 * substate index; -1 for none) @state() reads: its state, if the walk is
 * the first to count it, else -1. A full socket's probe reports a change
 * before the socket stores it: once its record is "pre", the record's
 * state is the newer one. The other probes report after the change:
 * the socket's own is.
 */
static int tcpfsm_seed_observe(const void *p, unsigned int kind,
			       int (*state)(const void *p))
{
	struct tcpfsm_rec *rec = tcpfsm_rec_get(p, kind);
	unsigned long v;
	int s;

	if (!rec)
		return -1;
	for (;;) {
		v = READ_ONCE(rec->val);
		switch (TCPFSM_REC_KIND(v)) {
		case TCPFSM_REC_EMPTY:
			/* ordered before the cmpxchg, which succeeds first */
			s = state(p);
			break;
		case TCPFSM_REC_PRE:
			s = kind == TCPFSM_REC_FULL ? TCPFSM_REC_STATE(v) :
						      state(p);
			break;
		default:
			return -1;
		}
		if (tcpfsm_rec_set(rec, v,
				   TCPFSM_REC(TCPFSM_REC_OBSERVED, s < 0 ? 0 : s)))
			return s;
	}
}

static int tcpfsm_full_state(const void *p)
{
	return READ_ONCE(((const struct sock *)p)->sk_state);
}

static int tcpfsm_tw_substate(const void *p)
{
	return tcpfsm_tw_sub(READ_ONCE(((const struct inet_timewait_sock *)p)->tw_substate));
}

static int tcpfsm_rsk_alive(const void *p)
{
	return 0;
}

/* how the seed reads the state of a socket of each kind of record */
static int (*const tcpfsm_rec_state[])(const void *p) = {
	[TCPFSM_REC_FULL]	= tcpfsm_full_state,
	[TCPFSM_REC_TW]		= tcpfsm_tw_substate,
	[TCPFSM_REC_RSK]	= tcpfsm_rsk_alive,
};

/*
 * The kind of record of @sk, found in a TCP hash table: TCPFSM_REC_FULL,
 * TCPFSM_REC_TW (a TCP timewait socket) or TCPFSM_REC_RSK (a request
 * socket of a TCP listener); 0 for one the seed does not count. A full
 * socket never takes either state of the others: a state read as it
 * changes still says the kind.
 */
static unsigned int tcpfsm_seed_kind(const struct sock *sk)
{
	const struct sock *listener;

	switch (READ_ONCE(sk->sk_state)) {
	case TCP_TIME_WAIT:
		return inet_twsk(sk)->tw_dr == &sock_net(sk)->ipv4.tcp_death_row ?
		       TCPFSM_REC_TW : 0;
	case TCP_NEW_SYN_RECV:
		listener = inet_reqsk(sk)->rsk_listener;
		return listener && listener->sk_protocol == IPPROTO_TCP ?
		       TCPFSM_REC_RSK : 0;
	}
	return sk_fullsock(sk) && sk->sk_protocol == IPPROTO_TCP ?
	       TCPFSM_REC_FULL : 0;
}

/* Count a socket of @kind in state @s (< 0: none) in the base of @tn. */
static void tcpfsm_seed_base_add(struct tcpfsm_net *tn, unsigned int kind,
				 int s)
{
	switch (kind) {
	case TCPFSM_REC_FULL:
		if (tcpfsm_state_valid(s))
			tn->base[tcpfsm_idx(s)]++;
		break;
	case TCPFSM_REC_TW:
		if (s >= 0)
			tn->tw_base[s]++;
		break;
	case TCPFSM_REC_RSK:
		if (s >= 0)
			tn->rsk_base++;
		break;
	}
}

/* Under the lock of @sk's bucket: count it, unless somebody has. */
static void tcpfsm_seed_walk_one(struct sock *sk)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(sock_net(sk));
	unsigned int kind;

	if (!tn || !tn->stats)
		return;
	kind = tcpfsm_seed_kind(sk);
	if (kind)
		tcpfsm_seed_base_add(tn, kind,
				     tcpfsm_seed_observe(sk, kind,
							 tcpfsm_rec_state[kind]));
}

/* The established hash @h, a bucket at a time under its lock. */
static void tcpfsm_seed_walk_ehash(struct inet_hashinfo *h)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++) {
		/* a socket hashed after the probes attached is born */
		if (hlist_nulls_empty(&h->ehash[i].chain))
			goto next;
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &h->ehash[i].chain)
			tcpfsm_seed_walk_one(sk);
		spin_unlock_bh(inet_ehash_lockp(h, i));
next:
		if (!(i & 63))
			cond_resched();
	}
}

/* The listening hash @h, likewise (inet_diag takes the lock this way). */
static void tcpfsm_seed_walk_lhash2(struct inet_hashinfo *h)
{
	struct inet_listen_hashbucket *ilb;
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->lhash2_mask; i++) {
		ilb = &h->lhash2[i];
		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		spin_lock(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head)
			tcpfsm_seed_walk_one(sk);
		spin_unlock(&ilb->lock);
		cond_resched();
	}
}

/* Sockets in @h's established hash, roughly (a size for the records). */
static unsigned long tcpfsm_seed_count_ehash(struct inet_hashinfo *h)
{
	struct hlist_nulls_node *node;
	unsigned long n = 0;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++) {
		rcu_read_lock();
		sk_nulls_for_each_rcu(sk, node, &h->ehash[i].chain)
			n++;
		rcu_read_unlock();
		if (!(i & 63))
			cond_resched();
	}
	return n;
}

/*
 * The netns with an established hash of their own
 * (net.ipv4.tcp_child_ehash_entries), each with a reference; the listening
 * hash, and the established one of the others, is the shared one.
 */
static struct net **tcpfsm_seed_nets(struct inet_hashinfo *shared,
				     unsigned int *nr)
{
	unsigned int n = 0, max = 0;
	struct net **nets, *net;

	rcu_read_lock();
	for_each_net_rcu(net)
		if (net->ipv4.tcp_death_row.hashinfo != shared)
			max++;
	rcu_read_unlock();
	nets = kcalloc(max ?: 1, sizeof(*nets), GFP_KERNEL);
	if (!nets)
		return NULL;
	rcu_read_lock();
	for_each_net_rcu(net) {
		if (n == max)
			break;
		if (net->ipv4.tcp_death_row.hashinfo != shared &&
		    maybe_get_net(net))
			nets[n++] = net;
	}
	rcu_read_unlock();
	*nr = n;
	return nets;
}

/**
 * tcpfsm_seed_prepare() - make the records of the seed, before the probes
 * attach
 *
 * If they cannot be made, tcpfsm_seed() seeds under stop_machine().
 */
void tcpfsm_seed_prepare(void)
{
	struct inet_hashinfo *shared = init_net.ipv4.tcp_death_row.hashinfo;
	unsigned long n = 0;
	unsigned int nr = 0, i;
	struct net **nets;

	nets = tcpfsm_seed_nets(shared, &nr);
	n = tcpfsm_seed_count_ehash(shared);
	for (i = 0; nets && i < nr; i++) {
		n += tcpfsm_seed_count_ehash(nets[i]->ipv4.tcp_death_row.hashinfo);
		put_net(nets[i]);
	}
	kfree(nets);
	/* listeners, and what is born meanwhile: at least 16384 */
	n = roundup_pow_of_two(max(2 * n + 8192, 16384UL));
	tcpfsm_seeding.bits = ilog2(n);
	tcpfsm_seeding.full = false;
	tcpfsm_seeding.rec = kvcalloc(n, sizeof(struct tcpfsm_rec),
				      GFP_KERNEL);
	WRITE_ONCE(tcpfsm_seeding_on, !!tcpfsm_seeding.rec);
}

/*
 * The return probes of request sockets (reqsk.c) whose entry ran while the
 * seed was on: the function makes its change between the entry and the
 * return, where it may be preempted, and the walk may meet the change; the
 * return handler does the seed's part of it, and the seed waits for it.
 */
static atomic_t tcpfsm_seed_returns = ATOMIC_INIT(0);

/**
 * tcpfsm_seed_enter() - a return probe's entry: whether its return handler
 * does the seed's part (then it calls tcpfsm_seed_return() when done)
 *
 * Return: true while tcpfsm_seeding_on.
 */
bool tcpfsm_seed_enter(void)
{
	if (!READ_ONCE(tcpfsm_seeding_on))
		return false;
	atomic_inc(&tcpfsm_seed_returns);
	return true;
}

/**
 * tcpfsm_seed_return() - the return handler of an entry that
 * tcpfsm_seed_enter() let in has done the seed's part
 */
void tcpfsm_seed_return(void)
{
	/* its records and counts before the seed may end */
	smp_mb__before_atomic();
	atomic_dec(&tcpfsm_seed_returns);
}

/*
 * The seed is over; the probes stop looking. @attached: the probes are
 * still attached, so the return handlers of entries made while the seed
 * was on will run (detached, they never will).
 */
static void tcpfsm_seed_end(bool attached)
{
	WRITE_ONCE(tcpfsm_seeding_on, false);
	/*
	 * The probes run with preemption off: this waits for them, and for
	 * every return probe's entry to have counted itself in
	 * tcpfsm_seed_returns if it saw the seed on.
	 */
	synchronize_rcu();
	/* they do not sleep: their functions return soon */
	while (attached && atomic_read_acquire(&tcpfsm_seed_returns))
		usleep_range(100, 1000);
	atomic_set(&tcpfsm_seed_returns, 0);
	WRITE_ONCE(tcpfsm_seed_armed, false);
	kvfree(tcpfsm_seeding.rec);
	tcpfsm_seeding.rec = NULL;
}

/**
 * tcpfsm_seed_abort() - the load failed after tcpfsm_seed_prepare(), and
 * the probes are detached
 */
void tcpfsm_seed_abort(void)
{
	tcpfsm_seed_end(false);
}

/*
 * The fallback, in one step: what the hash tables hold, under
 * stop_machine(), against the matrix so far.
 */
static void tcpfsm_stopped_sock(struct sock *sk)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(sock_net(sk));
	unsigned int kind;

	if (!tn || !tn->stats)
		return;
	kind = tcpfsm_seed_kind(sk);
	if (kind)
		tcpfsm_seed_base_add(tn, kind, tcpfsm_rec_state[kind](sk));
}

static void tcpfsm_stopped_ehash(struct inet_hashinfo *h)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++)
		sk_nulls_for_each_rcu(sk, node, &h->ehash[i].chain)
			tcpfsm_stopped_sock(sk);
}

/* Runs on one CPU with every other CPU spinning with interrupts off. */
static int tcpfsm_seed_stopped(void *data)
{
	struct inet_hashinfo *shared = init_net.ipv4.tcp_death_row.hashinfo;
	struct tcpfsm_snapshot *w = data;
	struct hlist_nulls_node *node;
	struct tcpfsm_net *tn;
	struct net *net;
	struct sock *sk;
	u32 b;
	int i;

	rcu_read_lock();
	tcpfsm_stopped_ehash(shared);
	for (b = 0; b <= shared->lhash2_mask; b++)
		sk_nulls_for_each_rcu(sk, node, &shared->lhash2[b].nulls_head)
			tcpfsm_stopped_sock(sk);
	for_each_net_rcu(net)
		if (net->ipv4.tcp_death_row.hashinfo != shared)
			tcpfsm_stopped_ehash(net->ipv4.tcp_death_row.hashinfo);

	for_each_net_rcu(net) {
		tn = tcpfsm_pernet(net);
		if (!tn || !tn->stats)
			continue;
		tcpfsm_stats_fold(tn, &w->sum);
		tcpfsm_flow(w->sum.trans, w->entered, w->left);
		for (i = 0; i < TCPFSM_NR_STATES; i++)
			tn->base[i] -= w->entered[i] - w->left[i];
		for (i = 0; i < TCPFSM_NR_TW; i++)
			tn->tw_base[i] -= tcpfsm_tw_flow(&w->sum.tw, i);
		tn->rsk_base -= tcpfsm_rsk_flow(&w->sum.rsk);
	}
	rcu_read_unlock();
	return 0;
}

/* Every netns's gauges back to what a netns made after load starts with. */
static void tcpfsm_seed_reset(void)
{
	struct tcpfsm_net *tn;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		tn = tcpfsm_pernet(net);
		if (!tn)
			continue;
		memset(tn->base, 0, sizeof(tn->base));
		memset(tn->tw_base, 0, sizeof(tn->tw_base));
		tn->rsk_base = 0;
	}
	rcu_read_unlock();
}

static int tcpfsm_seed_fallback(void)
{
	struct tcpfsm_snapshot *w;
	int err;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	tcpfsm_seed_reset();
	err = stop_machine(tcpfsm_seed_stopped, w, NULL);
	kfree(w);
	return err;
}

/* base -= what the netns's sockets did before the walk counted them */
static void tcpfsm_seed_finish(void)
{
	struct tcpfsm_net *tn;
	struct net *net;
	int i;

	rcu_read_lock();
	for_each_net_rcu(net) {
		tn = tcpfsm_pernet(net);
		if (!tn)
			continue;
		for (i = 0; i < TCPFSM_NR_STATES; i++)
			tn->base[i] -= atomic64_read(&tn->seed_pre[i]);
		for (i = 0; i < TCPFSM_NR_TW; i++)
			tn->tw_base[i] -= atomic64_read(&tn->seed_tw_pre[i]);
		tn->rsk_base -= atomic64_read(&tn->seed_rsk_pre);
	}
	rcu_read_unlock();
}

/**
 * tcpfsm_seed() - account for the sockets open before the module loaded
 *
 * Must be called once, after tcpfsm_seed_prepare() and after the probes
 * are attached, before anything reads the gauges (readers wait on
 * tcpfsm_seed_rwsem).
 *
 * Return: 0, or a negative errno.
 */
int tcpfsm_seed(void)
{
	struct inet_hashinfo *shared = init_net.ipv4.tcp_death_row.hashinfo;
	unsigned int nr = 0, i;
	struct net **nets;
	bool walked;
	int err = 0;

	down_write(&tcpfsm_seed_rwsem);
	if (!READ_ONCE(tcpfsm_seeding_on))
		goto nomem;
	/* every probe attached; none still classifying as if not, then walk */
	WRITE_ONCE(tcpfsm_seed_armed, true);
	synchronize_rcu();
	nets = tcpfsm_seed_nets(shared, &nr);
	walked = nets;
	if (nets) {
		tcpfsm_seed_walk_lhash2(shared);
		tcpfsm_seed_walk_ehash(shared);
		for (i = 0; i < nr; i++) {
			tcpfsm_seed_walk_ehash(nets[i]->ipv4.tcp_death_row.hashinfo);
			put_net(nets[i]);
		}
		kfree(nets);
	}
	/*
	 * The probes that run after a change, in the same section without
	 * preemption (a request socket's completion, a timewait socket's
	 * move to TIME_WAIT), for every change made while the walk ran:
	 * they have run, and seen the seed on.
	 */
	synchronize_rcu();
	tcpfsm_seed_end(true);
	if (!walked)
		goto nomem;
	if (!READ_ONCE(tcpfsm_seeding.full)) {
		tcpfsm_seed_finish();
		goto out;
	}
	pr_info("seeding the gauges under stop_machine(): the records of the sockets filled up\n");
	goto stop;
nomem:
	pr_info("seeding the gauges under stop_machine(): no memory to record the sockets\n");
stop:
	err = tcpfsm_seed_fallback();
out:
	up_write(&tcpfsm_seed_rwsem);
	return err;
}
