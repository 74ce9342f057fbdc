// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: requests that look at the sockets themselves, on demand: the
 * sockets in CLOSE_WAIT (closewait-get) and the timewait sockets by port
 * (timewait-get). Both walk the established hash of the caller's netns
 * as inet_diag does: under a bucket's lock only the walk itself (and, for
 * the dump, a reference on up to TCPFSM_CW_BATCH sockets, whose messages
 * are built after the lock is dropped), with cond_resched() between
 * buckets; the probe is not involved.
 */
#include <linux/sort.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>

#include "genl.h"
#include "tcpfsm.h"
#include "track.h"

#define TCPFSM_TW_LIMIT	10	/* ports of each kind, by default */
#define TCPFSM_CW_BATCH	16	/* sockets held at a time by the dump */

/**
 * struct tcpfsm_cw_ctx - where a closewait-get dump is, between its parts
 * @bucket: the bucket of the established hash to walk next
 * @seen: sockets of that bucket (of the netns, in CLOSE_WAIT) already sent
 * @min_age: the request's min-age-ns, 0 for none
 */
struct tcpfsm_cw_ctx {
	unsigned long bucket;
	unsigned int seen;
	u64 min_age;
};

static_assert(sizeof(struct tcpfsm_cw_ctx) <=
	      sizeof_field(struct netlink_callback, ctx));

/* One socket in CLOSE_WAIT, as one message of the dump. */
static int tcpfsm_closewait_fill(struct sk_buff *skb,
				 struct netlink_callback *cb, struct sock *sk,
				 bool known, u64 age)
{
	struct tcpfsm_endpoints e;
	unsigned long ino;
	u64 cookie;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpfsm_nl_family, NLM_F_MULTI,
			  TCPFSM_CMD_CLOSEWAIT_GET);
	if (!hdr)
		return -EMSGSIZE;
	tcpfsm_endpoints_of(sk, &e);
	ino = sock_i_ino(sk);
	cookie = atomic64_read(&sk->sk_cookie);
	if (tcpfsm_nl_put_endpoints(skb, &e) ||
	    (known &&
	     nla_put_u64_64bit(skb, TCPFSM_A_SOCKET_AGE_NS, age,
			       TCPFSM_A_SOCKET_PAD)) ||
	    (ino &&
	     (nla_put_u64_64bit(skb, TCPFSM_A_SOCKET_INO, ino,
				TCPFSM_A_SOCKET_PAD) ||
	      nla_put_u32(skb, TCPFSM_A_SOCKET_UID,
			  from_kuid_munged(sock_net(sk)->user_ns,
					   sock_i_uid(sk))))) ||
	    (cookie &&
	     nla_put_u64_64bit(skb, TCPFSM_A_SOCKET_COOKIE, cookie,
			       TCPFSM_A_SOCKET_PAD))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Up to TCPFSM_CW_BATCH sockets of bucket @bucket of @h in CLOSE_WAIT and
 * in @net, after the first @skip of them, each with a reference.
 * Return: how many; *@more if the bucket has others after them.
 */
static unsigned int tcpfsm_cw_collect(struct inet_hashinfo *h,
				      unsigned long bucket,
				      const struct net *net, unsigned int skip,
				      struct sock **batch, bool *more)
{
	struct hlist_nulls_node *node;
	unsigned int num = 0, n = 0;
	struct sock *sk;

	*more = false;
	spin_lock_bh(inet_ehash_lockp(h, bucket));
	sk_nulls_for_each(sk, node, &h->ehash[bucket].chain) {
		if (sk->sk_state != TCP_CLOSE_WAIT ||
		    !net_eq(sock_net(sk), net) || num++ < skip)
			continue;
		if (n == TCPFSM_CW_BATCH) {
			*more = true;
			break;
		}
		/* a socket being freed is not one to report */
		if (refcount_inc_not_zero(&sk->sk_refcnt))
			batch[n++] = sk;
		else
			num--;
	}
	spin_unlock_bh(inet_ehash_lockp(h, bucket));
	return n;
}

/**
 * tcpfsm_nl_closewait_get_dumpit() - TCPFSM_CMD_CLOSEWAIT_GET: the sockets
 * of the caller's netns in CLOSE_WAIT
 * @skb: the reply being filled
 * @cb: the dump's state, a struct tcpfsm_cw_ctx in cb->ctx
 *
 * Return: the length of @skb while there is more, 0 at the end, or a
 * negative errno.
 */
int tcpfsm_nl_closewait_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct tcpfsm_cw_ctx *ctx = (struct tcpfsm_cw_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	struct nlattr **attrs = compat_genl_dump_attrs(cb);
	struct sock *batch[TCPFSM_CW_BATCH];
	u64 now = ktime_get_ns(), since, age;
	unsigned int n, i;
	bool more, known;
	int err = 0;

	if (!ctx->bucket && !ctx->seen &&
	    attrs[TCPFSM_A_SOCKET_MIN_AGE_NS])
		ctx->min_age = nla_get_u64(attrs[TCPFSM_A_SOCKET_MIN_AGE_NS]);
	for (; ctx->bucket <= h->ehash_mask; ctx->bucket++, ctx->seen = 0) {
		if (hlist_nulls_empty(&h->ehash[ctx->bucket].chain))
			goto next;
		do {
			n = tcpfsm_cw_collect(h, ctx->bucket, net, ctx->seen,
					      batch, &more);
			/* outside the bucket's lock: sock_i_ino() locks */
			for (i = 0; i < n; i++) {
				if (!err) {
					known = tcpfsm_track_since(batch[i],
								   &since);
					age = known && now > since ?
					      now - since : 0;
					if (ctx->min_age &&
					    (!known || age < ctx->min_age))
						ctx->seen++;
					else if (!tcpfsm_closewait_fill(skb, cb, batch[i],
									known, age))
						ctx->seen++;
					else
						err = -EMSGSIZE;
				}
				sock_put(batch[i]);
			}
			/* full: the rest of the bucket goes in the next part */
			if (err)
				return skb->len;
		} while (more);
next:
		cond_resched();
	}
	return skb->len;
}

struct tcpfsm_port_count {
	u16 port;
	u32 count;
};

/* Most first; equal counts by port. */
static int tcpfsm_port_cmp(const void *a, const void *b)
{
	const struct tcpfsm_port_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->port - y->port;
}

/*
 * The @limit ports of @count (indexed by port, host order) with the most
 * sockets, as @type nests; @top is scratch room for 65536 entries.
 */
static int tcpfsm_put_top_ports(struct sk_buff *skb, int type,
				const u32 *count,
				struct tcpfsm_port_count *top, u32 limit)
{
	struct nlattr *nest;
	u32 n = 0, i;

	for (i = 0; i <= U16_MAX; i++)
		if (count[i])
			top[n++] = (struct tcpfsm_port_count){ i, count[i] };
	sort(top, n, sizeof(*top), tcpfsm_port_cmp, NULL);
	for (i = 0; i < n && i < limit; i++) {
		nest = nla_nest_start(skb, type);
		if (!nest ||
		    nla_put_be16(skb, TCPFSM_A_PORT_COUNT_PORT,
				 htons(top[i].port)) ||
		    nla_put_u32(skb, TCPFSM_A_PORT_COUNT_COUNT, top[i].count))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* Timewait sockets of @net by local and remote port. */
static void tcpfsm_count_tw_ports(struct net *net, u32 *local, u32 *remote)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	const struct inet_timewait_sock *tw;
	struct hlist_nulls_node *node;
	struct sock *sk;
	unsigned long i;

	for (i = 0; i <= h->ehash_mask; i++) {
		if (hlist_nulls_empty(&h->ehash[i].chain))
			goto next;
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &h->ehash[i].chain) {
			if (sk->sk_state != TCP_TIME_WAIT ||
			    !net_eq(sock_net(sk), net))
				continue;
			tw = inet_twsk(sk);
			local[ntohs(tw->tw_sport)]++;
			remote[ntohs(tw->tw_dport)]++;
		}
		spin_unlock_bh(inet_ehash_lockp(h, i));
next:
		cond_resched();
	}
}

/**
 * tcpfsm_nl_timewait_get_doit() - TCPFSM_CMD_TIMEWAIT_GET: timewait
 * pressure in the caller's netns
 * @skb: the request
 * @info: its header and attributes
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_nl_timewait_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	u32 limit = TCPFSM_TW_LIMIT, *local, *remote;
	struct tcpfsm_port_count *top;
	struct sk_buff *msg;
	size_t size;
	void *hdr;
	int err = -ENOMEM;

	/* the policy has checked the range */
	if (info->attrs[TCPFSM_A_TIMEWAIT_LIMIT])
		limit = nla_get_u32(info->attrs[TCPFSM_A_TIMEWAIT_LIMIT]);
	local = kvcalloc(2 * (U16_MAX + 1), sizeof(*local), GFP_KERNEL);
	top = kvmalloc_array(U16_MAX + 1, sizeof(*top), GFP_KERNEL);
	if (!local || !top)
		goto out;
	remote = local + U16_MAX + 1;
	tcpfsm_count_tw_ports(net, local, remote);

	size = 2 * nla_total_size_64bit(sizeof(u64)) +
	       2 * limit * (nla_total_size(0) + nla_total_size(sizeof(u16)) +
			    nla_total_size(sizeof(u32)));
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_nl_family, 0,
				TCPFSM_CMD_TIMEWAIT_GET);
	/* tw_refcount starts at 1 and counts every timewait socket */
	if (!hdr ||
	    nla_put_u64_64bit(msg, TCPFSM_A_TIMEWAIT_COUNT,
			      refcount_read(&net->ipv4.tcp_death_row.tw_refcount) - 1,
			      TCPFSM_A_TIMEWAIT_PAD) ||
	    nla_put_u64_64bit(msg, TCPFSM_A_TIMEWAIT_CREATED,
			      tcpfsm_timewait_created(net),
			      TCPFSM_A_TIMEWAIT_PAD) ||
	    tcpfsm_put_top_ports(msg, TCPFSM_A_TIMEWAIT_LOCAL_PORT, local, top,
				 limit) ||
	    tcpfsm_put_top_ports(msg, TCPFSM_A_TIMEWAIT_REMOTE_PORT, remote,
				 top, limit)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	kvfree(top);
	kvfree(local);
	return err;
}
