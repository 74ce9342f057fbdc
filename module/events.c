// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: transition events for the "events" multicast group.
 *
 * The probe never builds or sends a message. While somebody listens, it
 * copies what an event needs into a fixed ring of this CPU (bounded
 * memory: events_ring slots per CPU, 4096 by default, 456 KiB) and
 * arms this CPU's sender, which batches the ring's events into multicast
 * messages per network namespace from process context, as
 * net/core/drop_monitor.c does. The sender runs 10 ms after the first
 * event it has not sent, or at once when its ring is an eighth full:
 * few wakeups, and full messages of up to 8 KiB (the buffer the kernel
 * asks netlink readers to have at least).
 *
 * The rings exist only while a socket of some netns is subscribed: the
 * first subscription allocates them (or fails with ENOMEM), the end of
 * the last one frees them. They are published with RCU: the probes
 * (tracepoint and kprobes, preemption disabled) find them with
 * rcu_dereference_sched() and record nothing without them; before they
 * are freed, every probe that could have seen them has returned
 * (synchronize_rcu()), and each CPU's sender has sent what they hold.
 * The sequence numbers and the loss counters are the netns's (struct
 * tcpfsm_pcpu), not the rings': they go on across a free and a new
 * allocation.
 *
 * Every event of a netns gets a sequence number per (netns, CPU), taken
 * with the ring slot, so that numbers are in ring order; an event that finds
 * the ring full is counted as lost with its number used, and a listener
 * sees the gap.
 *
 * The kernel counts the listeners of a group per protocol, not per netns
 * (genl_has_listeners()), and tells a family neither the netns of a
 * socket that joins nor (before 6.6) that one joined at all. So a listener
 * also subscribes, with the events-subscribe op, from a socket of the
 * netns it wants; the probe records the events of a netns only while one
 * of its sockets is subscribed. A subscription ends with events-unsubscribe
 * or when its socket is released (the NETLINK_URELEASE notifier, in every
 * supported kernel). Subscribing needs CAP_NET_ADMIN in the user namespace
 * owning the netns, as joining does: an unprivileged user in a user and
 * network namespace of its own may watch that netns, and costs no other
 * netns anything.
 */
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>

#include "events.h"
#include "nlw.h"

#define TCPFSM_EV_RING_DEFAULT	4096

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
	u8 timewait;		/* of a timewait socket */
	u8 request;		/* of a request socket */
	u8 ready;		/* committed by the producer */
};

struct tcpfsm_evbuf {
	u32 head;		/* next slot to fill: this CPU, IRQs off */
	u32 tail;		/* next slot to send: the work, under @lock */
	struct mutex lock;	/* the consumer side: work and netns exit */
	struct delayed_work work;
	struct irq_work kick;	/* queues @work for a kprobe's event (NMI) */
	int cpu;
	struct tcpfsm_ev ring[];	/* events_ring slots */
};

/*
 * How long a sender waits for more events, unless its ring fills: the
 * wakeups of the sender and of the listeners, a hundred a second per CPU
 * at most while events trickle, against how late a line may appear
 */
#define TCPFSM_EV_DELAY		msecs_to_jiffies(10)

/*
 * The size of a message's buffer: 8 KiB with the skb's overhead, as
 * NLMSG_GOODSIZE is for a page. Netlink readers must have a buffer of
 * 8 KiB at least (Documentation/userspace-api/netlink/intro.rst).
 */
#define TCPFSM_EV_SKB_SIZE	SKB_WITH_OVERHEAD(SZ_8K)

/* slots per CPU: enough for the bursts the sender's worker lags behind */
static struct tcpfsm_pow2_param tcpfsm_ev_ring = {
	.val = TCPFSM_EV_RING_DEFAULT, .min = 64, .max = 65536,
	.unit = "slots",
};
module_param_cb(events_ring, &tcpfsm_pow2_param_ops, &tcpfsm_ev_ring, 0444);
MODULE_PARM_DESC(events_ring,
		 "Event slots per CPU (64 to 65536, a power of 2; default 4096, 456 KiB a CPU while somebody listens)");

/*
 * The rings, one per possible CPU on its node, while a socket of any netns
 * is subscribed; else NULL. Written under tcpfsm_ev_subs_lock.
 */
static struct tcpfsm_evbuf *__rcu *tcpfsm_evbufs;

/* A socket subscribed to the events of its netns. */
struct tcpfsm_ev_sub {
	struct list_head node;
	u32 portid;
	bool timewait;	/* also the events of timewait sockets */
	bool request;	/* also the events of request sockets */
};

/* the subscriptions of every netns, and the rings: process context only */
static DEFINE_MUTEX(tcpfsm_ev_subs_lock);
/* the subscriptions of every netns: the rings exist while it is not 0 */
static unsigned int tcpfsm_ev_nr_subs_all;

static int tcpfsm_ev_rings_get(void);
static void tcpfsm_ev_rings_put(void);

static struct tcpfsm_ev_sub *tcpfsm_ev_sub_find(struct tcpfsm_net *tn,
						u32 portid)
{
	struct tcpfsm_ev_sub *s;

	list_for_each_entry(s, &tn->ev_subs, node)
		if (s->portid == portid)
			return s;
	return NULL;
}

/* Set one of @s's wishes, @want, and @tn's count @nr of those who have it. */
static void tcpfsm_ev_sub_want(bool *want, unsigned int *nr, bool on)
{
	if (*want == on)
		return;
	*want = on;
	WRITE_ONCE(*nr, *nr + (on ? 1 : -1));
}

/* whether @s asks for the events of timewait and of request sockets */
static void tcpfsm_ev_sub_set(struct tcpfsm_net *tn, struct tcpfsm_ev_sub *s,
			      bool timewait, bool request)
{
	tcpfsm_ev_sub_want(&s->timewait, &tn->ev_nr_tw_subs, timewait);
	tcpfsm_ev_sub_want(&s->request, &tn->ev_nr_rsk_subs, request);
}

static void tcpfsm_ev_sub_del(struct tcpfsm_net *tn, struct tcpfsm_ev_sub *s)
{
	tcpfsm_ev_sub_set(tn, s, false, false);
	list_del(&s->node);
	kfree(s);
	WRITE_ONCE(tn->ev_nr_subs, tn->ev_nr_subs - 1);
	tcpfsm_ev_nr_subs_all--;
}

/* End the subscription of socket @portid of @tn's netns, if it has one. */
static void tcpfsm_ev_unsubscribe(struct tcpfsm_net *tn, u32 portid)
{
	struct tcpfsm_ev_sub *s;

	mutex_lock(&tcpfsm_ev_subs_lock);
	s = tcpfsm_ev_sub_find(tn, portid);
	if (s) {
		tcpfsm_ev_sub_del(tn, s);
		tcpfsm_ev_rings_put();
	}
	mutex_unlock(&tcpfsm_ev_subs_lock);
}

/**
 * tcpfsm_nl_events_subscribe_doit() - TCPFSM_CMD_EVENTS_SUBSCRIBE
 * @skb: the request
 * @info: its header; the subscription is the sender's socket's
 *
 * The first subscription of all allocates the event rings.
 *
 * Return: 0, -EPERM without CAP_NET_ADMIN over the netns, or -ENOMEM.
 */
int tcpfsm_nl_events_subscribe_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	struct tcpfsm_ev_sub *s;
	int err = 0;

	/* what joining the group takes (GENL_MCAST_CAP_NET_ADMIN) */
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "events need CAP_NET_ADMIN in the user namespace of the network namespace");
		return -EPERM;
	}
	mutex_lock(&tcpfsm_ev_subs_lock);
	s = tcpfsm_ev_sub_find(tn, info->snd_portid);
	if (s)
		goto out;
	/* charged to the subscriber's memory cgroup */
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	/* the rings before the probe may record for this netns */
	err = tcpfsm_ev_rings_get();
	if (err) {
		kfree(s);
		s = NULL;
		NL_SET_ERR_MSG(info->extack,
			       "no memory for the event rings (events_ring slots per CPU)");
		goto out;
	}
	s->portid = info->snd_portid;
	list_add(&s->node, &tn->ev_subs);
	tcpfsm_ev_nr_subs_all++;
	WRITE_ONCE(tn->ev_nr_subs, tn->ev_nr_subs + 1);
out:
	/* subscribing again says again which events are wanted */
	if (s)
		tcpfsm_ev_sub_set(tn, s, !!info->attrs[TCPFSM_A_STATS_TW_EVENTS],
				  !!info->attrs[TCPFSM_A_STATS_RSK_EVENTS]);
	mutex_unlock(&tcpfsm_ev_subs_lock);
	return err;
}

/**
 * tcpfsm_nl_events_unsubscribe_doit() - TCPFSM_CMD_EVENTS_UNSUBSCRIBE
 * @skb: the request
 * @info: its header
 *
 * Return: 0.
 */
int tcpfsm_nl_events_unsubscribe_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	tcpfsm_ev_unsubscribe(tcpfsm_pernet(genl_info_net(info)),
			      info->snd_portid);
	return 0;
}

/* A netlink socket with a port id is released: its subscription ends. */
static int tcpfsm_ev_netlink_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		tcpfsm_ev_unsubscribe(tcpfsm_pernet(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block tcpfsm_ev_netlink_nb = {
	.notifier_call = tcpfsm_ev_netlink_event,
};

/**
 * tcpfsm_events_subs_register() - follow the release of netlink sockets
 *
 * Called once every netns has its struct tcpfsm_net and before the family
 * is registered: no subscription can exist before.
 *
 * Return: 0 or the error of netlink_register_notifier().
 */
int tcpfsm_events_subs_register(void)
{
	return netlink_register_notifier(&tcpfsm_ev_netlink_nb);
}

/**
 * tcpfsm_events_subs_unregister() - stop following them
 *
 * Called once the family is gone; the subscriptions left are freed with
 * their netns (tcpfsm_events_exit_net()).
 */
void tcpfsm_events_subs_unregister(void)
{
	netlink_unregister_notifier(&tcpfsm_ev_netlink_nb);
}

/**
 * tcpfsm_events_init_net() - a new netns: no subscription
 * @tn: its state
 */
void tcpfsm_events_init_net(struct tcpfsm_net *tn)
{
	INIT_LIST_HEAD(&tn->ev_subs);
}

/*
 * A slot of this CPU's ring for an event of @stats's netns, numbered, or
 * NULL (counted lost); tcpfsm_ev_commit() publishes it.
 */
static struct tcpfsm_ev *tcpfsm_ev_reserve(struct tcpfsm_pcpu __percpu *stats,
					   struct tcpfsm_evbuf **bp)
{
	struct tcpfsm_evbuf **r;
	struct tcpfsm_evbuf *b;
	struct tcpfsm_ev *ev;
	unsigned long flags;
	u64 seq;
	u32 h;

	/* a softirq may fire the tracepoint in the middle of this */
	local_irq_save(flags);
	/*
	 * The caller runs with preemption disabled: the rings stay until it
	 * returns (tcpfsm_ev_rings_put()). None: the last subscription just
	 * ended, and the event is nobody's (no number taken).
	 */
	r = rcu_dereference_sched(tcpfsm_evbufs);
	if (unlikely(!r)) {
		local_irq_restore(flags);
		return NULL;
	}
	b = r[smp_processor_id()];
	seq = __this_cpu_inc_return(stats->ev_seq);
	h = b->head;
	/* pairs with the release of tail: the consumer is done with the slot */
	if (h - smp_load_acquire(&b->tail) >= tcpfsm_ev_ring.val) {
		__this_cpu_inc(stats->ev_lost_overflow);
		local_irq_restore(flags);
		return NULL;
	}
	b->head = h + 1;
	local_irq_restore(flags);

	ev = &b->ring[h & (tcpfsm_ev_ring.val - 1)];
	ev->seq = seq;
	*bp = b;
	return ev;
}

/*
 * Arm this CPU's sender: TCPFSM_EV_DELAY from now, so that the events of
 * a trickle go in few, full messages with one wakeup; at once from an
 * eighth of the ring on, so that a burst does not fill it. Not only at the
 * crossing: a softirq's event can step over it, and a timer waits behind
 * ksoftirqd when the machine is busy with packets. High priority: a
 * starved sender is a full ring, lost events.
 *
 * Armed already, the common case, it leaves it without the atomic of
 * queue_delayed_work_on(): the sender is bound to this CPU, where the
 * caller runs with preemption disabled, so it has either not started (it
 * clears PENDING before it drains, and finds this event) or it has, and
 * the bit is clear.
 */
static void tcpfsm_ev_wake(struct tcpfsm_evbuf *b)
{
	if (READ_ONCE(b->head) - READ_ONCE(b->tail) < tcpfsm_ev_ring.val / 8) {
		if (!delayed_work_pending(&b->work))
			queue_delayed_work_on(b->cpu, system_highpri_wq,
					      &b->work, TCPFSM_EV_DELAY);
	} else if (timer_pending(&b->work.timer)) {	/* armed for later: now */
		mod_delayed_work_on(b->cpu, system_highpri_wq, &b->work, 0);
	} else {
		queue_delayed_work_on(b->cpu, system_highpri_wq, &b->work, 0);
	}
}

static void tcpfsm_ev_kick(struct irq_work *iw)
{
	tcpfsm_ev_wake(container_of(iw, struct tcpfsm_evbuf, kick));
}

static void tcpfsm_ev_commit(struct tcpfsm_evbuf *b, struct tcpfsm_ev *ev)
{
	/* publish the slot: pairs with the consumer's acquire of ready */
	smp_store_release(&ev->ready, 1);
	/*
	 * A kprobe placed by an int3 runs as an NMI, which must not take the
	 * workqueue's or the timers' locks: an irq_work (this CPU's,
	 * NMI-safe) arms the sender.
	 */
	if (in_nmi()) {
		irq_work_queue(&b->kick);
		return;
	}
	tcpfsm_ev_wake(b);
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

	ev = tcpfsm_ev_reserve(stats, &b);
	if (!ev)
		return;
	ev->net = net;
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
	ev->timewait = 0;
	ev->request = 0;
	tcpfsm_ev_commit(b, ev);
}

/*
 * The addresses and ports of a timewait or request socket: its
 * sock_common (skc_num is the local port, in host order), in @family's
 * fields.
 */
static void tcpfsm_skc_endpoints_of(const struct sock_common *skc, int family,
				    struct tcpfsm_endpoints *e)
{
	e->family = family;
	e->sport = htons(skc->skc_num);
	e->dport = skc->skc_dport;
	if (family == AF_INET) {
		e->saddr4 = skc->skc_rcv_saddr;
		e->daddr4 = skc->skc_daddr;
	} else {
		e->saddr6 = skc->skc_v6_rcv_saddr;
		e->daddr6 = skc->skc_v6_daddr;
	}
}

/*
 * Queue the event of a timewait or request socket (kprobe context): no
 * file, no owner, so no ino and no uid.
 */
static void tcpfsm_event_record_skc(const struct sock_common *skc, int family,
				    u64 cookie, bool timewait, struct net *net,
				    struct tcpfsm_pcpu __percpu *stats,
				    int old, int new,
				    const struct tcpfsm_dwell *d)
{
	struct tcpfsm_evbuf *b;
	struct tcpfsm_ev *ev;

	ev = tcpfsm_ev_reserve(stats, &b);
	if (!ev)
		return;
	ev->net = net;
	ev->time_ns = d->now ?: tcpfsm_kprobe_now();
	ev->dwell_ns = d->ns;
	ev->cookie = cookie;
	ev->ino = 0;
	ev->uid = GLOBAL_ROOT_UID;
	tcpfsm_skc_endpoints_of(skc, family, &ev->ep);
	ev->old = old;
	ev->new = new;
	ev->timewait = timewait;
	ev->request = !timewait;
	tcpfsm_ev_commit(b, ev);
}

/**
 * tcpfsm_event_record_tw() - queue the event of a timewait socket's step
 * (kprobe context)
 * @tw: the timewait socket
 * @net: its netns
 * @stats: the netns's counters
 * @old: the state it left: the full socket's at its creation, else its
 *	substate
 * @new: its substate, or TCP_CLOSE at its end
 * @d: its time, and how long it was in @old if known
 *
 * A timewait socket has no file and no owner: no ino, no uid; its cookie
 * is the full socket's, if it had one.
 */
void tcpfsm_event_record_tw(const struct inet_timewait_sock *tw,
			    struct net *net, struct tcpfsm_pcpu __percpu *stats,
			    int old, int new, const struct tcpfsm_dwell *d)
{
	tcpfsm_event_record_skc(&tw->__tw_common, tw->tw_family,
				atomic64_read(&tw->tw_cookie), true, net, stats,
				old, new, d);
}

/**
 * tcpfsm_event_record_rsk() - queue the event of a request socket's step
 * (kprobe context)
 * @req: the request socket
 * @net: its netns
 * @stats: the netns's counters
 * @old: the state it left: LISTEN at its creation, else NEW_SYN_RECV
 * @new: NEW_SYN_RECV at its creation, SYN_RECV when its child took its
 *	place, CLOSE when it ended without one
 * @d: its time, and how long since its first SYN-ACK if known
 *
 * A request socket has no cookie of its own: none is sent. Its family is
 * its listener's, but an IPv4 SYN to an IPv6 listener makes a request
 * with IPv4 addresses only: the family of its operations says which.
 */
void tcpfsm_event_record_rsk(const struct request_sock *req,
			     struct net *net, struct tcpfsm_pcpu __percpu *stats,
			     int old, int new, const struct tcpfsm_dwell *d)
{
	tcpfsm_event_record_skc(&req->__req_common, req->rsk_ops->family, 0,
				false, net, stats, old, new, d);
}

/* The most an event takes of a message: the header and every attribute */
#define TCPFSM_EV_MSG_SIZE						\
	(nlmsg_total_size(GENL_HDRLEN) + TCPFSM_NL_ENDPOINTS_SIZE +	\
	 2 * nla_total_size(sizeof(u8)) +	/* old, new */		\
	 5 * TCPFSM_NLW_U64_SIZE +	/* time, cookie, ino, dwell, seq */ \
	 2 * nla_total_size(sizeof(u32)) +	/* uid, source */	\
	 2 * nla_total_size(0))		/* timewait, request */

/*
 * The message of @ev, sent from @cpu: written in place (nlw.h), after one
 * check of the room left. 0, or -EMSGSIZE with nothing added.
 */
static int tcpfsm_event_fill(struct sk_buff *skb, const struct tcpfsm_ev *ev,
			     int cpu)
{
	struct nlmsghdr *nlh;
	struct tcpfsm_nlw w;

	if (tcpfsm_nlw_begin(&w, skb, TCPFSM_EV_MSG_SIZE))
		return -EMSGSIZE;
	nlh = tcpfsm_nlw_genl(&w, &tcpfsm_nl_family, TCPFSM_CMD_TRANSITION_NTF);
	tcpfsm_nlw_endpoints(&w, &ev->ep);
	tcpfsm_nlw_u8(&w, TCPFSM_A_EVENT_OLD_STATE, ev->old);
	tcpfsm_nlw_u8(&w, TCPFSM_A_EVENT_NEW_STATE, ev->new);
	tcpfsm_nlw_u64(&w, TCPFSM_A_EVENT_TIMESTAMP, ev->time_ns,
		       TCPFSM_A_EVENT_PAD);
	if (ev->cookie)
		tcpfsm_nlw_u64(&w, TCPFSM_A_EVENT_COOKIE, ev->cookie,
			       TCPFSM_A_EVENT_PAD);
	if (ev->ino) {
		tcpfsm_nlw_u64(&w, TCPFSM_A_EVENT_INO, ev->ino,
			       TCPFSM_A_EVENT_PAD);
		tcpfsm_nlw_u32(&w, TCPFSM_A_EVENT_UID,
			       from_kuid_munged(ev->net->user_ns, ev->uid));
	}
	if (ev->dwell_ns != TCPFSM_DWELL_UNKNOWN)
		tcpfsm_nlw_u64(&w, TCPFSM_A_EVENT_OLD_STATE_NS, ev->dwell_ns,
			       TCPFSM_A_EVENT_PAD);
	if (ev->timewait)
		tcpfsm_nlw_flag(&w, TCPFSM_A_EVENT_TIMEWAIT);
	if (ev->request)
		tcpfsm_nlw_flag(&w, TCPFSM_A_EVENT_REQUEST);
	tcpfsm_nlw_u32(&w, TCPFSM_A_EVENT_SOURCE, cpu);
	tcpfsm_nlw_u64(&w, TCPFSM_A_EVENT_SEQ, ev->seq, TCPFSM_A_EVENT_PAD);
	tcpfsm_nlw_msg_end(&w, nlh);
	tcpfsm_nlw_end(&w);
	return 0;
}

/* Send what @skb holds, @n events of @net, and count how it went. */
static void tcpfsm_event_send(struct net *net, struct sk_buff *skb,
			      unsigned int n)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	int err;

	if (!n) {
		nlmsg_free(skb);
		return;
	}
	err = genlmsg_multicast_netns(&tcpfsm_nl_family, net, skb, 0,
				      TCPFSM_NLGRP_EVENTS, GFP_KERNEL);
	if (!err) {
		this_cpu_add(tn->stats->ev_sent, n);
	} else if (err == -ENOBUFS) {	/* a listener's buffer was full */
		this_cpu_add(tn->stats->ev_lost_rcvbuf, n);
	} else if (err == -ESRCH) {	/* subscribed, but not in the group */
		this_cpu_add(tn->stats->ev_unheard, n);
	}
}

/* A message buffer of 8 KiB, else of a page */
static struct sk_buff *tcpfsm_event_skb(void)
{
	struct sk_buff *skb;

	skb = alloc_skb(TCPFSM_EV_SKB_SIZE,
			GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	return skb ?: genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
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
				skb = tcpfsm_event_skb();
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
	tcpfsm_event_drain(container_of(to_delayed_work(work),
					struct tcpfsm_evbuf, work));
}

/* Send what @b still holds, once no probe can fill it any more. */
static void tcpfsm_ev_ring_flush(struct tcpfsm_evbuf *b)
{
	irq_work_sync(&b->kick);
	cancel_delayed_work_sync(&b->work);
	tcpfsm_event_drain(b);
}

/* The rings: NULL if nobody subscribes. */
static struct tcpfsm_evbuf **tcpfsm_ev_rings(void)
{
	return rcu_dereference_protected(tcpfsm_evbufs,
					 lockdep_is_held(&tcpfsm_ev_subs_lock));
}

/* Free @r, which no probe can reach any more, and what it holds. */
static void tcpfsm_ev_rings_free(struct tcpfsm_evbuf **r)
{
	int cpu;

	for_each_possible_cpu(cpu)
		vfree(r[cpu]);
	kfree(r);
}

/*
 * The ring of @cpu, on its node. Not inlined: /proc/vmallocinfo names it
 * as the caller of each ring's area, which the selftests count.
 */
static noinline struct tcpfsm_evbuf *tcpfsm_ev_ring_alloc(int cpu)
{
	struct tcpfsm_evbuf *b;

	b = vzalloc_node(struct_size(b, ring, tcpfsm_ev_ring.val),
			 cpu_to_node(cpu));
	if (!b)
		return NULL;
	b->cpu = cpu;
	mutex_init(&b->lock);
	INIT_DELAYED_WORK(&b->work, tcpfsm_event_work);
	init_irq_work(&b->kick, tcpfsm_ev_kick);
	return b;
}

/*
 * A subscription begins: allocate and publish the rings unless they
 * exist. Under tcpfsm_ev_subs_lock. 0 or -ENOMEM.
 */
static int tcpfsm_ev_rings_get(void)
{
	struct tcpfsm_evbuf **r;
	int cpu;

	if (tcpfsm_ev_rings())
		return 0;
	r = kcalloc(nr_cpu_ids, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		r[cpu] = tcpfsm_ev_ring_alloc(cpu);
		if (!r[cpu]) {
			tcpfsm_ev_rings_free(r);
			return -ENOMEM;
		}
	}
	/* initialised before a probe can see them */
	rcu_assign_pointer(tcpfsm_evbufs, r);
	return 0;
}

/*
 * A subscription ended: once the last one has, unpublish the rings, wait
 * for every probe that may have found them, send what they hold and free
 * them. Under tcpfsm_ev_subs_lock.
 */
static void tcpfsm_ev_rings_put(void)
{
	struct tcpfsm_evbuf **r = tcpfsm_ev_rings();
	int cpu;

	if (tcpfsm_ev_nr_subs_all || !r)
		return;
	RCU_INIT_POINTER(tcpfsm_evbufs, NULL);
	/* the probes run with preemption disabled: an RCU read side */
	synchronize_rcu();
	for_each_possible_cpu(cpu)
		tcpfsm_ev_ring_flush(r[cpu]);
	tcpfsm_ev_rings_free(r);
}

/* Forget the queued events of @net, which is going away. */
static void tcpfsm_ev_forget_net(struct tcpfsm_evbuf **r, struct net *net)
{
	struct tcpfsm_evbuf *b;
	struct tcpfsm_ev *ev;
	int cpu;
	u32 i;

	for_each_possible_cpu(cpu) {
		b = r[cpu];
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
 * tcpfsm_events_exit_net() - forget the subscriptions and queued events of
 * a dying netns (or of every netns, at unload)
 * @net: the netns; the probe no longer records events for it and every
 *	probe that did has returned
 *
 * The end of the last subscription of all frees the rings.
 */
void tcpfsm_events_exit_net(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	struct tcpfsm_ev_sub *s, *tmp;
	struct tcpfsm_evbuf **r;

	mutex_lock(&tcpfsm_ev_subs_lock);
	list_for_each_entry_safe(s, tmp, &tn->ev_subs, node)
		tcpfsm_ev_sub_del(tn, s);
	r = tcpfsm_ev_rings();
	if (r)
		tcpfsm_ev_forget_net(r, net);
	/* then the rings may go, with nothing of @net left to send */
	tcpfsm_ev_rings_put();
	mutex_unlock(&tcpfsm_ev_subs_lock);
}

/**
 * tcpfsm_events_init() - the event stream at load: no ring until the
 * first subscription
 *
 * Return: 0.
 */
int tcpfsm_events_init(void)
{
	return 0;
}

/**
 * tcpfsm_events_flush() - send what the rings still hold
 *
 * Called once the probes are detached and synchronised: nothing is queued
 * any more.
 */
void tcpfsm_events_flush(void)
{
	struct tcpfsm_evbuf **r;
	int cpu;

	mutex_lock(&tcpfsm_ev_subs_lock);
	r = tcpfsm_ev_rings();
	if (r)
		for_each_possible_cpu(cpu)
			tcpfsm_ev_ring_flush(r[cpu]);
	mutex_unlock(&tcpfsm_ev_subs_lock);
}

/**
 * tcpfsm_events_fini() - at unload, after every netns's state is gone
 *
 * The subscriptions went with their netns (tcpfsm_events_exit_net()),
 * the last one with the rings.
 */
void tcpfsm_events_fini(void)
{
	WARN_ON_ONCE(tcpfsm_ev_nr_subs_all ||
		     rcu_access_pointer(tcpfsm_evbufs));
}
