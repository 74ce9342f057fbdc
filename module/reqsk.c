// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: request sockets (NEW_SYN_RECV), the server's side of the
 * handshake, seen through kprobes.
 *
 * No tracepoint reports a request socket. A request socket is what a
 * listener keeps of a SYN it answered: it lives in the established hash
 * (where ss finds it) from its SYN-ACK until the final ACK makes a child
 * socket that takes its place there, or until it is unhashed without one.
 * These functions see each step, in Debian's 6.1 and 6.12 alike (none is
 * inlined there; __inet_csk_reqsk_queue_drop() is static but called, not
 * inlined, by all its callers):
 *
 *	created		inet_csk_reqsk_queue_hash_add(sk, req, timeout)
 *			returning true: the request is hashed
 *	completed	inet_csk_complete_hashdance(sk, child, req, own_req)
 *			with own_req: the child replaced the request in the
 *			hash (inet_ehash_insert(child, req)); the time since
 *			the first SYN-ACK (tcp_rsk(req)->snt_synack, in
 *			tcp_clock_us(): CLOCK_MONOTONIC) goes into the
 *			histogram
 *	expired,	__inet_csk_reqsk_queue_drop(sk, req, from_timer)
 *	orphaned,	returning true: the request left the hash, without a
 *	dropped		child (a completion's own call finds it gone). Called
 *			from its timer: expired (tcp_synack_retries ran out,
 *			or young requests pruned), or orphaned when @sk, its
 *			listener, is no longer listening; otherwise dropped
 *			(a RST, an ICMP error, an ACK that fails the checks,
 *			tcp_abort(), netns exit)
 *	cookies		tcp_get_cookie_sock() returning a child: a handshake
 *			completed by a SYN cookie, which no request socket
 *			kept (TcpExt SyncookiesRecv counts the valid cookie
 *			just before)
 *
 * A request moved to another listener of a reuseport group by its timer
 * replaces itself in the hash (inet_ehash_insert(nreq, oreq)): nothing
 * changes for the gauge. Only TCP counts (DCCP goes through the same
 * functions): the listener's or the child's sk_protocol says.
 *
 * Request sockets now = seeded base + created - completed - expired -
 * orphaned - dropped, which ss -tan state syn-recv lists, whether or not
 * the listener still exists. The handlers run just after the hash changed,
 * on the CPU that changed it, with BH off: they take no lock, allocate
 * nothing and only increment this CPU's counters of the netns.
 *
 * If a function cannot be probed, that part is off, with one line in the
 * kernel log, and its figures read "-" (NEW_SYN_RECV falls back to the sum
 * of the listeners' queues); so do figures of a probe that missed a hit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <net/inet_connection_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "events.h"
#include "reqsk.h"
#include "track.h"

/* which parts are on: set at load, before the seed; read by readers */
static bool tcpfsm_rsk_on, tcpfsm_rsk_cookies_on;

static unsigned long tcpfsm_rsk_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/* The counters of a netns, or NULL (netns going away); its state in *@tn. */
static struct tcpfsm_pcpu __percpu *tcpfsm_rsk_stats(const struct net *net,
						     struct tcpfsm_net **tn)
{
	*tn = tcpfsm_pernet(net);
	return likely(*tn) ? READ_ONCE((*tn)->probe_stats) : NULL;
}

/**
 * struct tcpfsm_rsk_call - what a kretprobe's entry tells its return
 * @net: the netns of the listener, alive until the return (the caller
 *	holds the request, which holds the listener)
 * @req: the request socket, held by the caller until the return
 * @how: for __inet_csk_reqsk_queue_drop(): the counter to increment
 * @seed: the entry saw the load's seed on: the return does its part
 *	(tcpfsm_seed_enter())
 */
struct tcpfsm_rsk_call {
	struct net *net;
	struct request_sock *req;
	int how;
	bool seed;
};

/*
 * The time since @req's first SYN-ACK, in ns, or TCPFSM_DWELL_UNKNOWN if
 * none was ever built (no memory). snt_synack is tcp_clock_us(), which is
 * ktime_get(), whose seqcount a kprobe handler (int3, NMI-like for lockdep)
 * must not take: the NMI-safe read of the same clock, CLOCK_MONOTONIC.
 */
static u64 tcpfsm_rsk_since_synack(const struct request_sock *req)
{
	u64 sent = READ_ONCE(tcp_rsk(req)->snt_synack), now;

	if (!sent)
		return TCPFSM_DWELL_UNKNOWN;
	now = div_u64(tcpfsm_kprobe_now(), NSEC_PER_USEC);
	return now > sent ? (now - sent) * NSEC_PER_USEC : 0;
}

/*
 * The event of @req's step, @ns its time in @old; the caller checked that
 * a subscriber asked (tcpfsm_events_rsk_wanted()), before any clock read.
 */
static void tcpfsm_rsk_event(const struct request_sock *req, struct net *net,
			     struct tcpfsm_pcpu __percpu *stats, int old,
			     int new, u64 ns)
{
	const struct tcpfsm_dwell d = { .now = 0, .ns = ns };

	tcpfsm_event_record_rsk(req, net, stats, old, new, &d);
}

enum { TCPFSM_RSK_EXPIRED, TCPFSM_RSK_ORPHANED, TCPFSM_RSK_DROPPED };

/*
 * The entry of a function whose first argument is the listener: TCP ones
 * only (1: no return probe), their netns noted.
 */
static int tcpfsm_rsk_listener_entry(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;
	struct sock *sk = (void *)tcpfsm_rsk_arg(regs, 0);

	if (sk->sk_protocol != IPPROTO_TCP)
		return 1;
	c->net = sock_net(sk);
	return 0;
}

/* inet_csk_reqsk_queue_hash_add(sk, req, timeout) */
static int tcpfsm_rsk_hash_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;

	if (tcpfsm_rsk_listener_entry(ri, regs))
		return 1;
	c->req = (void *)tcpfsm_rsk_arg(regs, 1);
	c->seed = tcpfsm_seed_enter();
	return 0;
}

/* @c->req was hashed */
static void tcpfsm_rsk_created(const struct tcpfsm_rsk_call *c)
{
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;

	stats = tcpfsm_rsk_stats(c->net, &tn);
	if (!stats)
		return;
	this_cpu_inc(stats->rsk.created);
	if (unlikely(c->seed))
		tcpfsm_seed_rsk(c->req, tn, TCPFSM_SEED_CREATED);
	if (tcpfsm_events_rsk_wanted(c->net, tn))
		tcpfsm_rsk_event(c->req, c->net, stats, TCP_LISTEN,
				 TCP_NEW_SYN_RECV, TCPFSM_DWELL_UNKNOWN);
}

static int tcpfsm_rsk_hash_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;

	/* a bool: only the low byte is defined */
	if (regs_return_value(regs) & 0xff)
		tcpfsm_rsk_created(c);
	if (unlikely(c->seed))
		tcpfsm_seed_return();
	return 0;
}

/* inet_csk_complete_hashdance(sk, child, req, own_req) */
static int tcpfsm_rsk_complete_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *child = (void *)tcpfsm_rsk_arg(regs, 1);
	struct request_sock *req = (void *)tcpfsm_rsk_arg(regs, 2);
	struct net *net = sock_net(child);
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;
	u64 ns;

	if (!(tcpfsm_rsk_arg(regs, 3) & 0xff) ||
	    child->sk_protocol != IPPROTO_TCP)
		return 0;
	stats = tcpfsm_rsk_stats(net, &tn);
	if (!stats)
		return 0;
	this_cpu_inc(stats->rsk.completed);
	if (unlikely(READ_ONCE(tcpfsm_seeding_on)))
		tcpfsm_seed_rsk(req, tn, TCPFSM_SEED_ENDED);
	ns = tcpfsm_rsk_since_synack(req);
	/* no SYN-ACK was ever built (no memory): not timed */
	if (ns != TCPFSM_DWELL_UNKNOWN) {
		/* once per handshake: per netns, not per CPU */
		atomic64_inc(&tn->syn_ack[tcpfsm_dwell_bucket(ns)]);
		atomic64_add(ns, &tn->syn_ack_sum_ns);
	}
	if (tcpfsm_events_rsk_wanted(net, tn))
		tcpfsm_rsk_event(req, net, stats, TCP_NEW_SYN_RECV, TCP_SYN_RECV,
				 ns);
	return 0;
}

/* __inet_csk_reqsk_queue_drop(sk, req, from_timer): @sk the listener */
static int tcpfsm_rsk_drop_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;
	struct sock *sk = (void *)tcpfsm_rsk_arg(regs, 0);

	if (tcpfsm_rsk_listener_entry(ri, regs))
		return 1;
	c->req = (void *)tcpfsm_rsk_arg(regs, 1);
	if (!(tcpfsm_rsk_arg(regs, 2) & 0xff))
		c->how = TCPFSM_RSK_DROPPED;
	else if (inet_sk_state_load(sk) != TCP_LISTEN)
		c->how = TCPFSM_RSK_ORPHANED;
	else
		c->how = TCPFSM_RSK_EXPIRED;
	c->seed = tcpfsm_seed_enter();
	return 0;
}

/* @c->req left the hash without a child */
static void tcpfsm_rsk_dropped(const struct tcpfsm_rsk_call *c)
{
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;

	stats = tcpfsm_rsk_stats(c->net, &tn);
	if (!stats)
		return;
	if (unlikely(c->seed))
		tcpfsm_seed_rsk(c->req, tn, TCPFSM_SEED_ENDED);
	if (c->how == TCPFSM_RSK_EXPIRED)
		this_cpu_inc(stats->rsk.expired);
	else if (c->how == TCPFSM_RSK_ORPHANED)
		this_cpu_inc(stats->rsk.orphaned);
	else
		this_cpu_inc(stats->rsk.dropped);
	if (tcpfsm_events_rsk_wanted(c->net, tn))
		tcpfsm_rsk_event(c->req, c->net, stats, TCP_NEW_SYN_RECV,
				 TCP_CLOSE, tcpfsm_rsk_since_synack(c->req));
}

static int tcpfsm_rsk_drop_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;

	/* unlinked: a bool, only the low byte is defined */
	if (regs_return_value(regs) & 0xff)
		tcpfsm_rsk_dropped(c);
	if (unlikely(c->seed))
		tcpfsm_seed_return();
	return 0;
}

/* tcp_get_cookie_sock(sk, skb, req, dst, ...): @sk the listener */
static int tcpfsm_rsk_cookie_ret(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tcpfsm_rsk_call *c = (void *)ri->data;
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;

	if (!regs_return_value(regs))
		return 0;
	stats = tcpfsm_rsk_stats(c->net, &tn);
	if (stats)
		this_cpu_inc(stats->rsk.cookies);
	return 0;
}

static struct kretprobe tcpfsm_rsk_rp_hash = {
	.kp.symbol_name	= "inet_csk_reqsk_queue_hash_add",
	.entry_handler	= tcpfsm_rsk_hash_entry,
	.handler	= tcpfsm_rsk_hash_ret,
	.data_size	= sizeof(struct tcpfsm_rsk_call),
};

static struct kretprobe tcpfsm_rsk_rp_drop = {
	.kp.symbol_name	= "__inet_csk_reqsk_queue_drop",
	.entry_handler	= tcpfsm_rsk_drop_entry,
	.handler	= tcpfsm_rsk_drop_ret,
	.data_size	= sizeof(struct tcpfsm_rsk_call),
};

static struct kretprobe tcpfsm_rsk_rp_cookie = {
	.kp.symbol_name	= "tcp_get_cookie_sock",
	.entry_handler	= tcpfsm_rsk_listener_entry,
	.handler	= tcpfsm_rsk_cookie_ret,
	.data_size	= sizeof(struct tcpfsm_rsk_call),
};

static struct kprobe tcpfsm_rsk_kp_complete = {
	.symbol_name	= "inet_csk_complete_hashdance",
	.pre_handler	= tcpfsm_rsk_complete_pre,
};

/* the gauge: every way into and out of the hash */
static struct kretprobe *tcpfsm_rsk_rps[] = {
	&tcpfsm_rsk_rp_hash,
	&tcpfsm_rsk_rp_drop,
};

static bool tcpfsm_rsk_rp_missed(const struct kretprobe *rp)
{
	return READ_ONCE(rp->nmissed) || READ_ONCE(rp->kp.nmissed);
}

/**
 * tcpfsm_rsk_register() - attach the request-socket probes
 *
 * After the tracepoint probe and before the seed (seed.c counts the
 * request sockets already hashed). A part that cannot be attached is off,
 * said once in the kernel log; the module works without it. No memory
 * fails the load.
 *
 * Return: 0, or -ENOMEM with nothing attached.
 */
int tcpfsm_rsk_register(void)
{
	/* never short of instances: they are only in flight in these calls */
	unsigned int maxactive = max(64U, 4 * num_possible_cpus());
	const char *sym;
	int err, i;

	for (i = 0; i < ARRAY_SIZE(tcpfsm_rsk_rps); i++) {
		tcpfsm_rsk_rps[i]->maxactive = maxactive;
		err = register_kretprobe(tcpfsm_rsk_rps[i]);
		if (err) {
			sym = tcpfsm_rsk_rps[i]->kp.symbol_name;
			goto err_unregister;
		}
	}
	err = register_kprobe(&tcpfsm_rsk_kp_complete);
	if (err) {
		sym = tcpfsm_rsk_kp_complete.symbol_name;
		goto err_unregister;
	}
	tcpfsm_rsk_on = true;

	tcpfsm_rsk_rp_cookie.maxactive = maxactive;
	err = register_kretprobe(&tcpfsm_rsk_rp_cookie);
	if (err == -ENOMEM) {
		tcpfsm_rsk_unregister();
		return err;
	}
	if (err)
		pr_warn("request sockets: SYN cookies not counted: cannot probe tcp_get_cookie_sock: %d\n",
			err);
	tcpfsm_rsk_cookies_on = !err;
	return 0;

err_unregister:
	/* no memory is the load's failure, said by the allocator */
	if (err != -ENOMEM)
		pr_warn("request sockets: NEW_SYN_RECV not counted: cannot probe %s: %d\n",
			sym, err);
	while (i--)
		unregister_kretprobe(tcpfsm_rsk_rps[i]);
	return err == -ENOMEM ? err : 0;
}

/**
 * tcpfsm_rsk_unregister() - detach the request-socket probes
 *
 * Returns when no handler runs any more.
 */
void tcpfsm_rsk_unregister(void)
{
	if (tcpfsm_rsk_cookies_on)
		unregister_kretprobe(&tcpfsm_rsk_rp_cookie);
	if (tcpfsm_rsk_on) {
		unregister_kprobe(&tcpfsm_rsk_kp_complete);
		unregister_kretprobes(tcpfsm_rsk_rps,
				      ARRAY_SIZE(tcpfsm_rsk_rps));
	}
	tcpfsm_rsk_on = false;
	tcpfsm_rsk_cookies_on = false;
}

/**
 * tcpfsm_rsk_counting() - are the request-socket figures exact?
 *
 * Return: true if their probes are attached and none missed a hit.
 */
bool tcpfsm_rsk_counting(void)
{
	int i;

	if (!tcpfsm_rsk_on || READ_ONCE(tcpfsm_rsk_kp_complete.nmissed))
		return false;
	for (i = 0; i < ARRAY_SIZE(tcpfsm_rsk_rps); i++)
		if (tcpfsm_rsk_rp_missed(tcpfsm_rsk_rps[i]))
			return false;
	return true;
}

/**
 * tcpfsm_rsk_cookies_counting() - is the cookie count exact?
 *
 * Return: true if tcp_get_cookie_sock() is probed and no call was missed.
 */
bool tcpfsm_rsk_cookies_counting(void)
{
	return tcpfsm_rsk_cookies_on &&
	       !tcpfsm_rsk_rp_missed(&tcpfsm_rsk_rp_cookie);
}

/**
 * tcpfsm_rsk_flow() - the net flow into the request-socket hash
 * @rsk: folded request-socket counters
 *
 * Return: created minus every way out.
 */
s64 tcpfsm_rsk_flow(const struct tcpfsm_rsk_counters *rsk)
{
	const struct tcpfsm_rsk_pcpu *c = &rsk->c;

	return c->created - c->completed - c->expired - c->orphaned -
	       c->dropped;
}

/**
 * tcpfsm_rsk_figures() - the figures of the handshake
 * @snap: a snapshot of the netns
 * @f: filled in
 */
void tcpfsm_rsk_figures(const struct tcpfsm_snapshot *snap,
			struct tcpfsm_rsk_figures *f)
{
	const struct tcpfsm_rsk_counters *rsk = &snap->sum.rsk;
	int b;

	f->current_nr = snap->rsk_current;
	f->c = rsk->c;
	f->samples = 0;
	for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
		f->samples += rsk->syn_ack[b];
	f->sum_ns = rsk->syn_ack_sum_ns;
}

/**
 * tcpfsm_rsk_machine() - the request sockets' steps in the RFC 9293 view
 * @snap: a snapshot of the netns
 * @m: the matrix of tcpfsm_tw_machine(), [old][new], changed in place
 *
 * RFC 9293's SYN-RECEIVED is, for a server, the request socket (which ss
 * lists as SYN-RECV); the kernel's TCP_SYN_RECV full socket is its child,
 * made by the final ACK, whose clone reports LISTEN -> SYN_RECV. So a
 * request socket created is LISTEN -> SYN_RECV, the child of a completed
 * one is not a second such step, and one that ended without a child is
 * SYN_RECV -> CLOSE. What remains of the kernel's LISTEN -> SYN_RECV are
 * the children made without a request socket in the hash (SYN cookies,
 * TCP Fast Open) and those that lost the race to the hash. Exact where
 * the request-socket probes count (tcpfsm_rsk_counting()).
 */
void tcpfsm_rsk_machine(const struct tcpfsm_snapshot *snap,
			u64 m[TCPFSM_NR_STATES][TCPFSM_NR_STATES])
{
	const struct tcpfsm_rsk_pcpu *c = &snap->sum.rsk.c;
	u64 *to_syn_recv = &m[tcpfsm_idx(TCP_LISTEN)][tcpfsm_idx(TCP_SYN_RECV)];

	/*
	 * A child is counted just before its request's completion, but a
	 * snapshot reading another CPU's counters while it takes both may
	 * see the completion alone: never below zero.
	 */
	*to_syn_recv += c->created;
	*to_syn_recv -= min(*to_syn_recv, c->completed);
	m[tcpfsm_idx(TCP_SYN_RECV)][tcpfsm_idx(TCP_CLOSE)] +=
		c->expired + c->orphaned + c->dropped;
}
