// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: seeding the per-state gauges with the sockets that existed
 * before the module was loaded.
 *
 * The number of sockets in state s is kept as
 *
 *	current[s] = base[s] + entered[s] - left[s]
 *
 * where entered/left come from the transition matrix the probe fills.
 * For a netns created after load, base[] is zero: every socket it will
 * ever have was born (CLOSE -> x, or LISTEN -> SYN_RECV for a child)
 * under the probe's eyes. For the netns that existed at load, base[] must
 * account for the sockets already open. It is computed once, at a moment
 * when no CPU is inside the probe or half-way through a hash-table update:
 * under stop_machine(), after the probe is attached,
 *
 *	base[s] = (sockets in state s in the hash tables)
 *		  - (entered[s] - left[s] counted so far),
 *
 * so that from then on current[s] is the table count plus every
 * transition after it. Timewait sockets are seeded the same way, per
 * substate, against the flow their probes count (timewait.c), and request
 * sockets (NEW_SYN_RECV) against theirs (reqsk.c).
 * Documentation/tcpfsm.rst says where this is exact.
 */
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>

#include "tcpfsm.h"
#include "reqsk.h"
#include "timewait.h"

/* A TCP timewait socket counts in its substate (timewait.c). */
static void tcpfsm_seed_tw(struct sock *sk)
{
	struct inet_timewait_sock *tw = inet_twsk(sk);
	struct tcpfsm_net *tn = tcpfsm_pernet(sock_net(sk));
	int sub = tcpfsm_tw_sub(READ_ONCE(tw->tw_substate));

	if (tn && tn->stats && sub >= 0 &&
	    tw->tw_dr == &sock_net(sk)->ipv4.tcp_death_row)
		tn->tw_base[sub]++;
}

/* A TCP request socket counts in NEW_SYN_RECV (reqsk.c). */
static void tcpfsm_seed_rsk(struct sock *sk)
{
	const struct sock *listener = inet_reqsk(sk)->rsk_listener;
	struct tcpfsm_net *tn = tcpfsm_pernet(sock_net(sk));

	if (tn && tn->stats && listener &&
	    listener->sk_protocol == IPPROTO_TCP)
		tn->rsk_base++;
}

static void tcpfsm_seed_sock(struct sock *sk)
{
	struct tcpfsm_net *tn;
	int state;

	if (sk->sk_state == TCP_TIME_WAIT) {
		tcpfsm_seed_tw(sk);
		return;
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		tcpfsm_seed_rsk(sk);
		return;
	}
	if (!sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP)
		return;
	tn = tcpfsm_pernet(sock_net(sk));
	if (!tn || !tn->stats)
		return;
	state = READ_ONCE(sk->sk_state);
	if (tcpfsm_state_valid(state))
		tn->base[tcpfsm_idx(state)]++;
}

static void tcpfsm_seed_ehash(struct inet_hashinfo *h)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->ehash_mask; i++)
		sk_nulls_for_each_rcu(sk, node, &h->ehash[i].chain)
			tcpfsm_seed_sock(sk);
}

static void tcpfsm_seed_lhash2(struct inet_hashinfo *h)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	u32 i;

	for (i = 0; i <= h->lhash2_mask; i++)
		sk_nulls_for_each_rcu(sk, node, &h->lhash2[i].nulls_head)
			tcpfsm_seed_sock(sk);
}

/* Runs on one CPU with every other CPU spinning with interrupts off. */
static int tcpfsm_seed_stopped(void *data)
{
	struct inet_hashinfo *shared = init_net.ipv4.tcp_death_row.hashinfo;
	struct tcpfsm_snapshot *w = data;
	struct tcpfsm_net *tn;
	struct net *net;
	int i;

	rcu_read_lock();
	/*
	 * The shared established hash holds the sockets of every netns
	 * without one of its own (net.ipv4.tcp_child_ehash_entries); the
	 * listening hash is always the shared one.
	 */
	tcpfsm_seed_ehash(shared);
	tcpfsm_seed_lhash2(shared);
	for_each_net_rcu(net)
		if (net->ipv4.tcp_death_row.hashinfo != shared)
			tcpfsm_seed_ehash(net->ipv4.tcp_death_row.hashinfo);

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

/**
 * tcpfsm_seed() - account for the sockets open before the module loaded
 *
 * Must be called once, after the probe is attached and before anything
 * reads the gauges (readers wait on tcpfsm_seed_rwsem).
 *
 * Return: 0, or a negative errno.
 */
int tcpfsm_seed(void)
{
	struct tcpfsm_snapshot *w;
	int err;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	down_write(&tcpfsm_seed_rwsem);
	err = stop_machine(tcpfsm_seed_stopped, w, NULL);
	up_write(&tcpfsm_seed_rwsem);
	kfree(w);
	return err;
}
