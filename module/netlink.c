// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the generic netlink family "tcpfsm".
 *
 * The contract is Documentation/netlink/specs/tcpfsm.yaml. The policies,
 * the ops table and the family struct are generated from it into genl.c
 * (scripts/ynl.sh gen); here are the handlers of get, state-get and
 * netns-get (get for every namespace) and what the other parts share to
 * fill messages.
 */
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "genl.h"
#include "nlw.h"
#include "tcpfsm.h"
#include "reqsk.h"
#include "timewait.h"
#include "track.h"

/**
 * tcpfsm_endpoints_of() - the addresses and ports of a socket
 * @sk: a full TCP socket, locked or in a locked hash bucket
 * @e: filled in
 */
void tcpfsm_endpoints_of(const struct sock *sk, struct tcpfsm_endpoints *e)
{
	const struct inet_sock *inet = inet_sk(sk);

	e->family = sk->sk_family;
	e->sport = inet->inet_sport;
	e->dport = inet->inet_dport;
	if (sk->sk_family == AF_INET) {
		e->saddr4 = inet->inet_rcv_saddr;
		e->daddr4 = inet->inet_daddr;
	} else {
		e->saddr6 = sk->sk_v6_rcv_saddr;
		e->daddr6 = sk->sk_v6_daddr;
	}
}

/* The event and socket sets number these attributes alike. */
static_assert((int)TCPFSM_A_EVENT_FAMILY == (int)TCPFSM_A_SOCKET_FAMILY);
static_assert((int)TCPFSM_A_EVENT_SADDR4 == (int)TCPFSM_A_SOCKET_SADDR4);
static_assert((int)TCPFSM_A_EVENT_DADDR4 == (int)TCPFSM_A_SOCKET_DADDR4);
static_assert((int)TCPFSM_A_EVENT_SADDR6 == (int)TCPFSM_A_SOCKET_SADDR6);
static_assert((int)TCPFSM_A_EVENT_DADDR6 == (int)TCPFSM_A_SOCKET_DADDR6);
static_assert((int)TCPFSM_A_EVENT_SPORT == (int)TCPFSM_A_SOCKET_SPORT);
static_assert((int)TCPFSM_A_EVENT_DPORT == (int)TCPFSM_A_SOCKET_DPORT);

/**
 * tcpfsm_nlw_endpoints() - family, addresses and ports of an event or a
 * socket message, written in place
 * @w: where, with TCPFSM_NL_ENDPOINTS_SIZE bytes of room
 * @e: what to write
 */
void tcpfsm_nlw_endpoints(struct tcpfsm_nlw *w,
			  const struct tcpfsm_endpoints *e)
{
	tcpfsm_nlw_u16(w, TCPFSM_A_EVENT_FAMILY, e->family);
	if (e->family == AF_INET) {
		tcpfsm_nlw_u32(w, TCPFSM_A_EVENT_SADDR4, (__force u32)e->saddr4);
		tcpfsm_nlw_u32(w, TCPFSM_A_EVENT_DADDR4, (__force u32)e->daddr4);
	} else if (e->family == AF_INET6) {
		tcpfsm_nlw_in6(w, TCPFSM_A_EVENT_SADDR6, &e->saddr6);
		tcpfsm_nlw_in6(w, TCPFSM_A_EVENT_DADDR6, &e->daddr6);
	}
	tcpfsm_nlw_u16(w, TCPFSM_A_EVENT_SPORT, (__force u16)e->sport);
	tcpfsm_nlw_u16(w, TCPFSM_A_EVENT_DPORT, (__force u16)e->dport);
}

/**
 * tcpfsm_nl_put_endpoints() - family, addresses and ports of a socket
 * message
 * @skb: the message
 * @e: what to put
 *
 * Return: 0 or -EMSGSIZE.
 */
int tcpfsm_nl_put_endpoints(struct sk_buff *skb,
			    const struct tcpfsm_endpoints *e)
{
	struct tcpfsm_nlw w;

	if (tcpfsm_nlw_begin(&w, skb, TCPFSM_NL_ENDPOINTS_SIZE))
		return -EMSGSIZE;
	tcpfsm_nlw_endpoints(&w, e);
	tcpfsm_nlw_end(&w);
	return 0;
}

static size_t tcpfsm_nl_transition_size(void)
{
	return nla_total_size(0) +			/* nest */
	       2 * nla_total_size(sizeof(u8)) +		/* old, new */
	       nla_total_size_64bit(sizeof(u64));	/* count */
}

static size_t tcpfsm_nl_state_size(void)
{
	return nla_total_size(0) +			/* nest */
	       nla_total_size(sizeof(u8)) +		/* state */
	       3 * nla_total_size_64bit(sizeof(u64));	/* current, ... */
}

static int tcpfsm_nl_put_transition(struct sk_buff *skb, int old, int new,
				    u64 count)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_STATS_TRANSITION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_TRANSITION_OLD_STATE, old) ||
	    nla_put_u8(skb, TCPFSM_A_TRANSITION_NEW_STATE, new) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_TRANSITION_COUNT, count,
			      TCPFSM_A_TRANSITION_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_nl_put_state(struct sk_buff *skb,
			       const struct tcpfsm_snapshot *snap, int state)
{
	struct tcpfsm_figures f;
	struct nlattr *nest;

	tcpfsm_state_figures(snap, state, &f);
	nest = nla_nest_start(skb, TCPFSM_A_STATS_STATE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_STATE_STATS_STATE, state) ||
	    (f.has_current &&
	     nla_put_s64(skb, TCPFSM_A_STATE_STATS_CURRENT, f.current_nr,
			 TCPFSM_A_STATE_STATS_PAD)) ||
	    (f.has_flow &&
	     (nla_put_u64_64bit(skb, TCPFSM_A_STATE_STATS_ENTERED, f.entered,
				TCPFSM_A_STATE_STATS_PAD) ||
	      nla_put_u64_64bit(skb, TCPFSM_A_STATE_STATS_LEFT, f.left,
				TCPFSM_A_STATE_STATS_PAD)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The module's own counters of the events group. */
static int tcpfsm_nl_put_events(struct sk_buff *skb,
				const struct tcpfsm_snapshot *snap)
{
	const struct {
		int attr;
		u64 value;
	} c[] = {
		{ TCPFSM_A_STATS_EVENTS_SENT, snap->sum.ev_sent },
		{ TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW, snap->sum.ev_lost_overflow },
		{ TCPFSM_A_STATS_EVENTS_LOST_NOMEM, snap->sum.ev_lost_nomem },
		{ TCPFSM_A_STATS_EVENTS_LOST_RCVBUF, snap->sum.ev_lost_rcvbuf },
		{ TCPFSM_A_STATS_EVENTS_UNHEARD, snap->sum.ev_unheard },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (nla_put_u64_64bit(skb, c[i].attr, c[i].value,
				      TCPFSM_A_STATS_PAD))
			return -EMSGSIZE;
	return 0;
}

/* A histogram's bucket nests, at most: one per bucket. */
static size_t tcpfsm_nl_buckets_size(void)
{
	return TCPFSM_NR_BUCKETS * (nla_total_size(0) +	/* bucket nest */
				    nla_total_size(sizeof(u8)) +
				    nla_total_size_64bit(sizeof(u64)));
}

/*
 * The non-empty buckets of log2 histogram @hist, each a nest @attr of the
 * attribute set bucket (index, count), in order.
 */
static int tcpfsm_nl_put_buckets(struct sk_buff *skb, int attr,
				 const u64 *hist)
{
	struct nlattr *bucket;
	int b;

	for (b = 0; b < TCPFSM_NR_BUCKETS; b++) {
		if (!hist[b])
			continue;
		bucket = nla_nest_start(skb, attr);
		if (!bucket ||
		    nla_put_u8(skb, TCPFSM_A_BUCKET_INDEX, b) ||
		    nla_put_u64_64bit(skb, TCPFSM_A_BUCKET_COUNT, hist[b],
				      TCPFSM_A_BUCKET_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, bucket);
	}
	return 0;
}

static size_t tcpfsm_nl_dwell_size(void)
{
	return nla_total_size(0) +			/* nest */
	       nla_total_size(sizeof(u8)) +		/* state */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* samples, sum */
	       tcpfsm_nl_buckets_size();
}

/* The time-in-state histogram of state number @i, non-empty buckets only. */
static int tcpfsm_nl_put_dwell(struct sk_buff *skb,
			       const struct tcpfsm_snapshot *snap, int i)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_STATS_DWELL);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_DWELL_STATE, tcpfsm_dwell_state(i)) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_DWELL_SAMPLES,
			      tcpfsm_dwell_samples(snap, i),
			      TCPFSM_A_DWELL_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_DWELL_SUM_NS, snap->sum.dwell_sum_ns[i],
			      TCPFSM_A_DWELL_PAD) ||
	    tcpfsm_nl_put_buckets(skb, TCPFSM_A_DWELL_BUCKET,
				  snap->sum.dwell[i]))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Time in state: the histograms and the table's figures; timewait. */
static int tcpfsm_nl_put_tracking(struct sk_buff *skb,
				  const struct tcpfsm_snapshot *snap)
{
	int i;

	for (i = 0; i < TCPFSM_NR_DWELL; i++)
		if (tcpfsm_nl_put_dwell(skb, snap, i))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TCPFSM_A_STATS_TRACKED, snap->sum.tracked,
			      TCPFSM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_STATS_UNTRACKED, snap->sum.untracked,
			      TCPFSM_A_STATS_PAD) ||
	    nla_put_u32(skb, TCPFSM_A_STATS_TRACK_SIZE, snap->track_size) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_STATS_TIMEWAIT_CREATED,
			      snap->timewait_created, TCPFSM_A_STATS_PAD))
		return -EMSGSIZE;
	return 0;
}

static size_t tcpfsm_nl_timewait_size(void)
{
	return TCPFSM_NR_TW * (nla_total_size(0) +		/* nest */
			       nla_total_size(sizeof(u8)) +	/* substate */
			       8 * nla_total_size_64bit(sizeof(u64)) +
			       /* time in the substate */
			       3 * nla_total_size_64bit(sizeof(u64)) +
			       /* created-from */
			       TCPFSM_NR_STATES * tcpfsm_nl_transition_size() +
			       tcpfsm_nl_buckets_size());
}

/* Time in a timewait substate: samples, sum, non-empty buckets, untracked */
static int tcpfsm_nl_put_tw_dwell(struct sk_buff *skb, const u64 *buckets,
				  const struct tcpfsm_tw_figures *f)
{
	if (nla_put_u64_64bit(skb, TCPFSM_A_TIMEWAIT_STATS_SAMPLES, f->samples,
			      TCPFSM_A_TIMEWAIT_STATS_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_TIMEWAIT_STATS_SUM_NS, f->sum_ns,
			      TCPFSM_A_TIMEWAIT_STATS_PAD) ||
	    tcpfsm_nl_put_buckets(skb, TCPFSM_A_TIMEWAIT_STATS_BUCKET, buckets))
		return -EMSGSIZE;
	return nla_put_u64_64bit(skb, TCPFSM_A_TIMEWAIT_STATS_UNTRACKED,
				 f->untracked, TCPFSM_A_TIMEWAIT_STATS_PAD);
}

/* Created in @substate, by the full socket's state: @from, per state */
static int tcpfsm_nl_put_tw_from(struct sk_buff *skb, int substate,
				 const u64 *from)
{
	struct nlattr *nest;
	int x;

	for (x = 0; x < TCPFSM_NR_STATES; x++) {
		nest = nla_nest_start(skb, TCPFSM_A_TIMEWAIT_STATS_CREATED_FROM);
		if (!nest ||
		    nla_put_u8(skb, TCPFSM_A_TRANSITION_OLD_STATE,
			       x + TCP_ESTABLISHED) ||
		    nla_put_u8(skb, TCPFSM_A_TRANSITION_NEW_STATE, substate) ||
		    nla_put_u64_64bit(skb, TCPFSM_A_TRANSITION_COUNT, from[x],
				      TCPFSM_A_TRANSITION_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/*
 * One timewait substate's nest: @f, its figures, @buckets its histogram,
 * @from its origins; absent ones left out.
 */
static int tcpfsm_nl_put_tw_sub(struct sk_buff *skb, int substate,
				const struct tcpfsm_tw_figures *f,
				const u64 *buckets, const u64 *from)
{
	bool exits = tcpfsm_tw_exits_counting();
	const struct {
		int attr;
		u64 value;
		bool exists;
	} c[] = {
		{ TCPFSM_A_TIMEWAIT_STATS_CREATED, f->created, true },
		{ TCPFSM_A_TIMEWAIT_STATS_REFUSED, f->refused,
		  tcpfsm_tw_refused_counting() },
		{ TCPFSM_A_TIMEWAIT_STATS_ENTERED, f->entered, true },
		{ TCPFSM_A_TIMEWAIT_STATS_LEFT, f->left, true },
		{ TCPFSM_A_TIMEWAIT_STATS_TIMER, f->timer, exits },
		{ TCPFSM_A_TIMEWAIT_STATS_REUSED, f->reused, exits },
		{ TCPFSM_A_TIMEWAIT_STATS_KILLED, f->killed, exits },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, TCPFSM_A_STATS_TIMEWAIT_SUBSTATE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_TIMEWAIT_STATS_SUBSTATE, substate) ||
	    nla_put_s64(skb, TCPFSM_A_TIMEWAIT_STATS_CURRENT, f->current_nr,
			TCPFSM_A_TIMEWAIT_STATS_PAD))
		goto cancel;
	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (c[i].exists &&
		    nla_put_u64_64bit(skb, c[i].attr, c[i].value,
				      TCPFSM_A_TIMEWAIT_STATS_PAD))
			goto cancel;
	if (exits && tcpfsm_nl_put_tw_dwell(skb, buckets, f))
		goto cancel;
	if (tcpfsm_tw_from_counting() &&
	    tcpfsm_nl_put_tw_from(skb, substate, from))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The life of timewait sockets, as /proc/net/tcpfsm/timewait shows it. */
static int tcpfsm_nl_put_timewait(struct sk_buff *skb,
				  const struct tcpfsm_snapshot *snap)
{
	struct tcpfsm_tw_figures f;

	if (!snap->tw_counting)
		return 0;
	tcpfsm_tw_figures(snap, TCPFSM_TW_FIN_WAIT2, &f);
	if (tcpfsm_nl_put_tw_sub(skb, TCP_FIN_WAIT2, &f,
				 snap->sum.tw.dwell[TCPFSM_TW_FIN_WAIT2],
				 snap->sum.tw.c.from[TCPFSM_TW_FIN_WAIT2]))
		return -EMSGSIZE;
	tcpfsm_tw_figures(snap, TCPFSM_TW_TIME_WAIT, &f);
	return tcpfsm_nl_put_tw_sub(skb, TCP_TIME_WAIT, &f,
				    snap->sum.tw.dwell[TCPFSM_TW_TIME_WAIT],
				    snap->sum.tw.c.from[TCPFSM_TW_TIME_WAIT]);
}

static size_t tcpfsm_nl_handshake_size(void)
{
	return nla_total_size(0) +				/* nest */
	       9 * nla_total_size_64bit(sizeof(u64)) +
	       tcpfsm_nl_buckets_size();
}

/* The figures of the handshake nest: @f; cookies left out if not counted. */
static int tcpfsm_nl_put_rsk_figures(struct sk_buff *skb,
				     const struct tcpfsm_rsk_figures *f)
{
	const struct {
		int attr;
		u64 value;
		bool exists;
	} c[] = {
		{ TCPFSM_A_HANDSHAKE_STATS_CREATED, f->c.created, true },
		{ TCPFSM_A_HANDSHAKE_STATS_COMPLETED, f->c.completed, true },
		{ TCPFSM_A_HANDSHAKE_STATS_EXPIRED, f->c.expired, true },
		{ TCPFSM_A_HANDSHAKE_STATS_ORPHANED, f->c.orphaned, true },
		{ TCPFSM_A_HANDSHAKE_STATS_DROPPED, f->c.dropped, true },
		{ TCPFSM_A_HANDSHAKE_STATS_COOKIES, f->c.cookies,
		  tcpfsm_rsk_cookies_counting() },
		{ TCPFSM_A_HANDSHAKE_STATS_SAMPLES, f->samples, true },
		{ TCPFSM_A_HANDSHAKE_STATS_SUM_NS, f->sum_ns, true },
	};
	int i;

	if (nla_put_s64(skb, TCPFSM_A_HANDSHAKE_STATS_CURRENT, f->current_nr,
			TCPFSM_A_HANDSHAKE_STATS_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (c[i].exists &&
		    nla_put_u64_64bit(skb, c[i].attr, c[i].value,
				      TCPFSM_A_HANDSHAKE_STATS_PAD))
			return -EMSGSIZE;
	return 0;
}

/*
 * The server's side of the handshake, as /proc/net/tcpfsm/handshake shows
 * it (reqsk.c), the histogram's non-empty buckets only; absent if its
 * probes are off or missed a hit.
 */
static int tcpfsm_nl_put_handshake(struct sk_buff *skb,
				   const struct tcpfsm_snapshot *snap)
{
	struct tcpfsm_rsk_figures f;
	struct nlattr *nest;

	if (!snap->rsk_counting)
		return 0;
	tcpfsm_rsk_figures(snap, &f);
	nest = nla_nest_start(skb, TCPFSM_A_STATS_HANDSHAKE);
	if (!nest)
		return -EMSGSIZE;
	if (tcpfsm_nl_put_rsk_figures(skb, &f) ||
	    tcpfsm_nl_put_buckets(skb, TCPFSM_A_HANDSHAKE_STATS_BUCKET,
				  snap->sum.rsk.syn_ack)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The most a stats message can take: all of it, or (@only) one state. */
static size_t tcpfsm_nl_stats_size(int only)
{
	if (only)
		return tcpfsm_nl_state_size();
	return TCPFSM_NR_STATES * TCPFSM_NR_STATES *
	       tcpfsm_nl_transition_size() +
	       (TCP_NEW_SYN_RECV - TCP_ESTABLISHED + 1) *
	       tcpfsm_nl_state_size() +
	       5 * nla_total_size_64bit(sizeof(u64)) +
	       TCPFSM_NR_DWELL * tcpfsm_nl_dwell_size() +
	       3 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(sizeof(u32)) +
	       tcpfsm_nl_timewait_size() +
	       tcpfsm_nl_handshake_size();
}

/*
 * The figures of a stats message, for get, state-get and netns-get: every
 * transition and every state, or (@only, a state) that state's nest alone.
 */
static int tcpfsm_nl_fill_stats(struct sk_buff *msg,
				const struct tcpfsm_snapshot *snap, int only)
{
	int o, n, s, err = 0;

	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV && !err; s++)
		if (!only || s == only)
			err = tcpfsm_nl_put_state(msg, snap, s);
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING && !only && !err; o++)
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING && !err; n++)
			err = tcpfsm_nl_put_transition(msg, o, n,
						       snap->sum.trans[tcpfsm_idx(o)]
								  [tcpfsm_idx(n)]);
	if (!only && !err)
		err = tcpfsm_nl_put_events(msg, snap);
	if (!only && !err)
		err = tcpfsm_nl_put_tracking(msg, snap);
	if (!only && !err)
		err = tcpfsm_nl_put_timewait(msg, snap);
	if (!only && !err)
		err = tcpfsm_nl_put_handshake(msg, snap);
	return err;
}

/* One reply for get and state-get: see tcpfsm_nl_fill_stats(). */
static int tcpfsm_nl_reply(struct genl_info *info, u8 cmd, int only)
{
	struct tcpfsm_snapshot *snap;
	struct sk_buff *msg;
	void *hdr;
	int err;

	snap = tcpfsm_snapshot(genl_info_net(info));
	if (!snap)
		return -ENOMEM;

	err = -ENOMEM;
	msg = genlmsg_new(tcpfsm_nl_stats_size(only), GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_nl_family, 0, cmd);
	if (!hdr)
		goto err_free;

	err = tcpfsm_nl_fill_stats(msg, snap, only);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	kfree(snap);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
out:
	kfree(snap);
	return err;
}

/**
 * tcpfsm_nl_get_doit() - TCPFSM_CMD_GET: every figure of the caller's netns
 * @skb: the request
 * @info: its header and attributes
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tcpfsm_nl_reply(info, TCPFSM_CMD_GET, 0);
}

/**
 * tcpfsm_nl_state_get_doit() - TCPFSM_CMD_STATE_GET: the figures of a state
 * @skb: the request
 * @info: its header and attributes, TCPFSM_A_STATS_STATE_ID required
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_nl_state_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	/* the policy has checked the range; the check names the attribute */
	if (GENL_REQ_ATTR_CHECK(info, TCPFSM_A_STATS_STATE_ID)) {
		NL_SET_ERR_MSG(info->extack, "missing state-id");
		return -EINVAL;
	}
	return tcpfsm_nl_reply(info, TCPFSM_CMD_STATE_GET,
			       nla_get_u8(info->attrs[TCPFSM_A_STATS_STATE_ID]));
}

/**
 * struct tcpfsm_netns_ctx - where a netns-get dump is, between its parts
 * @cookie: the cookie of the last namespace sent, 0 before the first
 *
 * Cookies only grow (net_cookie is taken from a counter when a namespace
 * is made) and are never reused, unlike inode numbers: the dump goes in
 * their order and resumes after the last one sent, whatever came or went
 * on the list meanwhile.
 */
struct tcpfsm_netns_ctx {
	u64 cookie;
};

static_assert(sizeof(struct tcpfsm_netns_ctx) <=
	      sizeof_field(struct netlink_callback, ctx));

/**
 * tcpfsm_nl_netns_get_start() - TCPFSM_CMD_NETNS_GET, before the dump
 * @cb: the dump's state
 *
 * Each part of the dump must hold at least one namespace's message,
 * whatever the caller's receive buffer. (Who may ask: GENL_ADMIN_PERM,
 * CAP_NET_ADMIN in the initial user namespace, since the op shows every
 * namespace. Its EPERM carries no extack message; a check here could
 * give one from 6.2 on, but 6.1 gives ->start no extack.)
 *
 * Return: 0.
 */
int tcpfsm_nl_netns_get_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = genlmsg_total_size(tcpfsm_nl_stats_size(0) +
						nla_total_size(sizeof(u32)) +
						nla_total_size_64bit(sizeof(u64)));
	return 0;
}

/*
 * The namespace with the smallest cookie above @cookie, with a reference
 * to drop with put_net(); NULL after the last. The list holds only
 * namespaces whose pernet init (ours included) is done; one whose last
 * reference is gone is about to be cleaned up (ours exits after it leaves
 * the list): it is skipped, as if it were gone already.
 */
static struct net *tcpfsm_netns_next(u64 cookie)
{
	struct net *net, *next;

	rcu_read_lock();
	do {
		next = NULL;
		for_each_net_rcu(net)
			if (net->net_cookie > cookie &&
			    (!next || net->net_cookie < next->net_cookie))
				next = net;
		if (next)
			cookie = next->net_cookie;
	} while (next && !maybe_get_net(next));
	rcu_read_unlock();
	return next;
}

/* One message of netns-get: @net's identity, then what get says of it. */
static int tcpfsm_netns_fill(struct sk_buff *skb, struct netlink_callback *cb,
			     struct net *net,
			     const struct tcpfsm_snapshot *snap)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpfsm_nl_family, NLM_F_MULTI, TCPFSM_CMD_NETNS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TCPFSM_A_STATS_NETNS_INO, net->ns.inum) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_STATS_NETNS_COOKIE, net->net_cookie,
			      TCPFSM_A_STATS_PAD) ||
	    tcpfsm_nl_fill_stats(skb, snap, 0)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * tcpfsm_nl_netns_get_dumpit() - TCPFSM_CMD_NETNS_GET: every namespace
 * @skb: the part of the dump to fill
 * @cb: the dump's state, a struct tcpfsm_netns_ctx in cb->ctx
 *
 * Return: the length of the part, 0 when done, or a negative errno.
 */
int tcpfsm_nl_netns_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct tcpfsm_netns_ctx *ctx = (struct tcpfsm_netns_ctx *)cb->ctx;
	struct tcpfsm_snapshot *snap;
	struct net *net;
	int err;

	while ((net = tcpfsm_netns_next(ctx->cookie))) {
		snap = tcpfsm_snapshot(net);
		err = snap ? tcpfsm_netns_fill(skb, cb, net, snap) : -ENOMEM;
		kfree(snap);
		if (!err)
			ctx->cookie = net->net_cookie;
		put_net(net);
		/* a full part: the next one resumes with this namespace */
		if (err)
			return skb->len ?: err;
		cond_resched();
	}
	return skb->len;
}

/**
 * tcpfsm_netlink_register() - register the "tcpfsm" family
 *
 * Return: 0 or the error of genl_register_family().
 */
int tcpfsm_netlink_register(void)
{
	return genl_register_family(&tcpfsm_nl_family);
}

/**
 * tcpfsm_netlink_unregister() - unregister the family
 */
void tcpfsm_netlink_unregister(void)
{
	genl_unregister_family(&tcpfsm_nl_family);
}
