// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: transition events for the "events" multicast group.
 *
 * The probe never builds or sends a message. While somebody listens, it
 * copies what an event needs into a fixed ring of this CPU (bounded
 * memory: events_ring slots per CPU, 1024 by default, about 104 KiB,
 * allocated at load) and queues this CPU's work, which batches the ring's
 * events into multicast messages per network namespace from process
 * context, as net/core/drop_monitor.c does.
 *
 * Every event of a netns gets a sequence number per (netns, CPU), taken
 * with the ring slot, so that numbers are in ring order; an event that finds
 * the ring full is counted as lost with its number used, and a listener
 * sees the gap.
 *
 * The kernel counts the listeners of a group per protocol, not per netns
 * (genl_has_listeners()), so the probe records the events of every netns
 * while anybody listens anywhere. The sender learns which netns has none: a
 * batch that reached nobody (-ESRCH) makes its netns quiet, and the probe
 * records nothing for a quiet netns (it only uses the sequence numbers)
 * for TCPFSM_EV_QUIET, or until a socket joins the group anywhere: the
 * family's bind callback counts joins in tcpfsm_ev_binds, and a netns is
 * quiet only at the count it was found quiet at. The callback runs just
 * before the kernel adds the socket to the group, so a batch sent in
 * between would find nobody: no netns is made quiet within
 * TCPFSM_EV_SETTLE of a join. -ESRCH also means that every listener of
 * the netns had a full buffer (unless NETLINK_BROADCAST_ERROR): that is why
 * quiet ends on its own, and why the numbers stay in use. Kernels without
 * the callback (before 6.6) never make a netns quiet.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "genl.h"
#include "tcpfsm.h"

#define TCPFSM_EV_RING_DEFAULT	1024
#define TCPFSM_EV_QUIET	(HZ / 10)
#define TCPFSM_EV_SETTLE	(HZ / 10)

struct tcpfsm_ev {
	struct net *net;	/* NULL: its netns went away, skip it */
	u64 seq;
	u64 time_ns;
	u64 cookie;
	u64 dwell_ns;		/* TCPFSM_DWELL_UNKNOWN: not known */
	unsigned long ino;
	kuid_t uid;
	struct tcpfsm_endpoints ep;
	u8 old, new;
	u8 ready;		/* committed by the producer */
};

struct tcpfsm_evbuf {
	u32 head;		/* next slot to fill: this CPU, IRQs off */
	u32 tail;		/* next slot to send: the work, under @lock */
	struct mutex lock;	/* the consumer side: work and netns exit */
	struct work_struct work;
	int cpu;
	struct tcpfsm_ev ring[];	/* events_ring slots */
};

/* slots per CPU: enough for the bursts the sender's worker lags behind */
static struct tcpfsm_pow2_param tcpfsm_ev_ring = {
	.val = TCPFSM_EV_RING_DEFAULT, .min = 64, .max = 65536,
	.unit = "slots",
};
module_param_cb(events_ring, &tcpfsm_pow2_param_ops, &tcpfsm_ev_ring, 0444);
MODULE_PARM_DESC(events_ring,
		 "Event slots per CPU (64 to 65536, a power of 2; default 1024, about 104 KiB a CPU)");

/* one per possible CPU, on its node; read-only after load */
static struct tcpfsm_evbuf **tcpfsm_evbufs;

/* joins of the events group, in any netns, and the time of the last one */
atomic_long_t tcpfsm_ev_binds = ATOMIC_LONG_INIT(1);
static unsigned long tcpfsm_ev_bind_time;

/**
 * tcpfsm_events_bind() - the family's bind callback: a socket joins a group
 * @mcgrp: the group, by its index in the family
 *
 * Called before the socket is in the group, from the joining process.
 *
 * Return: 0, the join may go on.
 */
int tcpfsm_events_bind(int mcgrp)
{
	if (mcgrp == TCPFSM_NLGRP_EVENTS) {
		WRITE_ONCE(tcpfsm_ev_bind_time, jiffies);
		/* the time first: pairs with the sender's smp_rmb() */
		smp_wmb();
		atomic_long_inc(&tcpfsm_ev_binds);
	}
	return 0;
}

/**
 * tcpfsm_event_record() - queue the event of a transition (probe context)
 * @sk: the socket, locked by the caller of the tracepoint
 * @net: its netns
 * @stats: the netns's counters
 * @old: old state
 * @new: new state
 * @d: its time, and how long @sk was in @old, from the table
 */
void tcpfsm_event_record(const struct sock *sk, struct net *net,
			 struct tcpfsm_pcpu __percpu *stats, int old, int new,
			 const struct tcpfsm_dwell *d)
{
	struct tcpfsm_evbuf *b;
	struct socket *sock;
	struct tcpfsm_ev *ev;
	unsigned long flags;
	u64 seq;
	u32 h;

	/* a softirq may fire the tracepoint in the middle of this */
	local_irq_save(flags);
	b = tcpfsm_evbufs[smp_processor_id()];
	seq = __this_cpu_inc_return(stats->ev_seq);
	h = b->head;
	/* pairs with the release of tail: the consumer is done with the slot */
	if (h - smp_load_acquire(&b->tail) >= tcpfsm_ev_ring.val) {
		__this_cpu_inc(stats->ev_lost_overflow);
		local_irq_restore(flags);
		return;
	}
	b->head = h + 1;
	local_irq_restore(flags);

	ev = &b->ring[h & (tcpfsm_ev_ring.val - 1)];
	ev->net = net;
	ev->seq = seq;
	ev->time_ns = d->now ?: ktime_get_ns();
	ev->dwell_ns = d->ns;
	ev->cookie = atomic64_read(&sk->sk_cookie);
	/* orphaning takes the socket lock, which the caller holds */
	sock = READ_ONCE(sk->sk_socket);
	ev->ino = sock ? SOCK_INODE(sock)->i_ino : 0;
	ev->uid = sk->sk_uid;
	tcpfsm_endpoints_of(sk, &ev->ep);
	ev->old = old;
	ev->new = new;
	/* publish the slot: pairs with the consumer's acquire of ready */
	smp_store_release(&ev->ready, 1);
	/* high priority: a starved sender is a full ring, lost events */
	queue_work_on(b->cpu, system_highpri_wq, &b->work);
}

static int tcpfsm_event_fill(struct sk_buff *skb, const struct tcpfsm_ev *ev,
			     int cpu)
{
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &tcpfsm_nl_family, 0,
			  TCPFSM_CMD_TRANSITION_NTF);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpfsm_nl_put_endpoints(skb, &ev->ep) ||
	    nla_put_u8(skb, TCPFSM_A_EVENT_OLD_STATE, ev->old) ||
	    nla_put_u8(skb, TCPFSM_A_EVENT_NEW_STATE, ev->new) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_EVENT_TIMESTAMP, ev->time_ns,
			      TCPFSM_A_EVENT_PAD) ||
	    (ev->cookie &&
	     nla_put_u64_64bit(skb, TCPFSM_A_EVENT_COOKIE, ev->cookie,
			       TCPFSM_A_EVENT_PAD)) ||
	    (ev->ino &&
	     (nla_put_u64_64bit(skb, TCPFSM_A_EVENT_INO, ev->ino,
				TCPFSM_A_EVENT_PAD) ||
	      nla_put_u32(skb, TCPFSM_A_EVENT_UID,
			  from_kuid_munged(ev->net->user_ns, ev->uid)))) ||
	    (ev->dwell_ns != TCPFSM_DWELL_UNKNOWN &&
	     nla_put_u64_64bit(skb, TCPFSM_A_EVENT_OLD_STATE_NS, ev->dwell_ns,
			       TCPFSM_A_EVENT_PAD)) ||
	    nla_put_u32(skb, TCPFSM_A_EVENT_SOURCE, cpu) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_EVENT_SEQ, ev->seq,
			      TCPFSM_A_EVENT_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Nobody listened in @tn's netns at join count @binds: quiet it a while. */
static void tcpfsm_events_set_quiet(struct tcpfsm_net *tn, unsigned long binds)
{
#ifdef COMPAT_HAVE_GENL_BIND
	WRITE_ONCE(tn->ev_quiet_until, jiffies + TCPFSM_EV_QUIET);
	WRITE_ONCE(tn->ev_quiet_binds, binds);
#endif
}

/* Send what @skb holds, @n events of @net, and count how it went. */
static void tcpfsm_event_send(struct net *net, struct sk_buff *skb,
			      unsigned int n)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	unsigned long binds, bind_time;
	int err;

	if (!n) {
		nlmsg_free(skb);
		return;
	}
	/* before sending: a join after this makes the netns not quiet */
	binds = atomic_long_read(&tcpfsm_ev_binds);
	/* the count first: pairs with the smp_wmb() of tcpfsm_events_bind() */
	smp_rmb();
	bind_time = READ_ONCE(tcpfsm_ev_bind_time);
	err = genlmsg_multicast_netns(&tcpfsm_nl_family, net, skb, 0,
				      TCPFSM_NLGRP_EVENTS, GFP_KERNEL);
	if (!err) {
		this_cpu_add(tn->stats->ev_sent, n);
	} else if (err == -ENOBUFS) {	/* a listener's buffer was full */
		this_cpu_add(tn->stats->ev_lost_rcvbuf, n);
	} else if (err == -ESRCH) {	/* nobody listens in this netns */
		this_cpu_add(tn->stats->ev_unheard, n);
		if (time_after(jiffies, bind_time + TCPFSM_EV_SETTLE))
			tcpfsm_events_set_quiet(tn, binds);
	}
}

/* Send every committed event of @b, batched per netns. */
static void tcpfsm_event_drain(struct tcpfsm_evbuf *b)
{
	struct sk_buff *skb = NULL;
	struct net *net = NULL;
	struct tcpfsm_ev *ev;
	unsigned int n = 0;

	mutex_lock(&b->lock);
	for (;;) {
		ev = &b->ring[b->tail & (tcpfsm_ev_ring.val - 1)];
		/* pairs with the producer's release: the slot is filled */
		if (!smp_load_acquire(&ev->ready))
			break;
		if (skb && ev->net && ev->net != net) {
			tcpfsm_event_send(net, skb, n);
			skb = NULL;
		}
		while (ev->net) {
			if (!skb) {
				net = ev->net;
				n = 0;
				skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
				if (!skb) {
					this_cpu_inc(tcpfsm_pernet(net)->stats->ev_lost_nomem);
					break;
				}
			}
			if (!tcpfsm_event_fill(skb, ev, b->cpu)) {
				n++;
				break;
			}
			/* full: send it and put the event in a new one */
			tcpfsm_event_send(net, skb, n);
			skb = NULL;
			if (!n) {	/* cannot fit even alone: not expected */
				this_cpu_inc(tcpfsm_pernet(net)->stats->ev_lost_nomem);
				break;
			}
		}
		WRITE_ONCE(ev->ready, 0);
		/* hand the slot back: pairs with the producer's acquire */
		smp_store_release(&b->tail, b->tail + 1);
	}
	if (skb)
		tcpfsm_event_send(net, skb, n);
	mutex_unlock(&b->lock);
}

static void tcpfsm_event_work(struct work_struct *work)
{
	tcpfsm_event_drain(container_of(work, struct tcpfsm_evbuf, work));
}

/**
 * tcpfsm_events_exit_net() - forget the queued events of a dying netns
 * @net: the netns; the probe no longer records events for it and every
 *	probe that did has returned
 */
void tcpfsm_events_exit_net(struct net *net)
{
	struct tcpfsm_evbuf *b;
	struct tcpfsm_ev *ev;
	int cpu;
	u32 i;

	for_each_possible_cpu(cpu) {
		b = tcpfsm_evbufs[cpu];
		mutex_lock(&b->lock);
		/* committed slots only: a reserved one is another netns's */
		for (i = b->tail; i != READ_ONCE(b->head); i++) {
			ev = &b->ring[i & (tcpfsm_ev_ring.val - 1)];
			/* committed: pairs with the producer's release */
			if (smp_load_acquire(&ev->ready) && ev->net == net)
				ev->net = NULL;
		}
		mutex_unlock(&b->lock);
	}
}

/**
 * tcpfsm_events_init() - allocate the per-CPU event rings
 *
 * Return: 0 or -ENOMEM.
 */
int tcpfsm_events_init(void)
{
	struct tcpfsm_evbuf *b;
	int cpu;

	tcpfsm_evbufs = kcalloc(nr_cpu_ids, sizeof(*tcpfsm_evbufs), GFP_KERNEL);
	if (!tcpfsm_evbufs)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		b = kvzalloc_node(struct_size(b, ring, tcpfsm_ev_ring.val),
				  GFP_KERNEL, cpu_to_node(cpu));
		if (!b) {
			tcpfsm_events_fini();
			return -ENOMEM;
		}
		tcpfsm_evbufs[cpu] = b;
		b->cpu = cpu;
		mutex_init(&b->lock);
		INIT_WORK(&b->work, tcpfsm_event_work);
	}
	return 0;
}

/**
 * tcpfsm_events_flush() - send what the rings still hold
 *
 * Called once the probe is detached and synchronised: nothing is queued
 * any more.
 */
void tcpfsm_events_flush(void)
{
	struct tcpfsm_evbuf *b;
	int cpu;

	for_each_possible_cpu(cpu) {
		b = tcpfsm_evbufs[cpu];
		cancel_work_sync(&b->work);
		tcpfsm_event_drain(b);
	}
}

/**
 * tcpfsm_events_fini() - free the rings, after tcpfsm_events_flush()
 */
void tcpfsm_events_fini(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		kvfree(tcpfsm_evbufs[cpu]);
	kfree(tcpfsm_evbufs);
	tcpfsm_evbufs = NULL;
}
