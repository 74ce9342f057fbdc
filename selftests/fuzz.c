// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: a netlink fuzzer for the "tcpfsm" family.
 *
 * Thousands of requests, most of them malformed, are sent as root (in a
 * netns holding CLOSE_WAIT sockets, so that dumps span several messages),
 * as uid 65534 in the initial user namespace, and as uid 65534 inside a
 * user and network namespace of its own. Every command number of the
 * uapi header and unknown ones, every nlmsg flag, truncated nlmsg and genl
 * headers, bad genl versions and reserved bytes, attributes of wrong
 * types and lengths, zero and oversized lengths, nested garbage, numbers
 * out of range, random orders and repeats, huge dump filters, dumps left
 * half-read and sockets closed in the middle of a dump.
 *
 * Oracles, for every message: each answer is a well-formed message of the
 * family for this request, or an NLMSG_ERROR whose errno is one the
 * request can get; every refusal (EINVAL, ERANGE, EOPNOTSUPP, EPERM,
 * ENOENT, EEXIST, EALREADY, EBUSY; any other errno fails) carries an
 * extack message or a bad-attribute offset, except where the generic netlink
 * core gives the error and never sets one (a genl header cut short, a
 * command without an op of that kind, a missing GENL_ADMIN_PERM: see
 * core_error()); the unprivileged user gets EPERM and no data from the
 * admin-only ops and cannot join the events group of init_net. After the
 * run the module answers a plain get exactly as /proc shows, and the
 * kernel log has not gained a line but lib/nlattr.c's own ratelimited
 * warnings about malformed attributes (see core_line()).
 *
 * Deterministic: message i is made from (seed, i) alone. The seed comes
 * from TCPFSM_FUZZ_SEED or the clock and is printed at the start and on
 * every failure with the message's index; TCPFSM_FUZZ_COUNT (default
 * 4000 per identity) and TCPFSM_FUZZ_FIRST (default 0) choose the
 * messages, so TCPFSM_FUZZ_SEED=S TCPFSM_FUZZ_FIRST=I TCPFSM_FUZZ_COUNT=1
 * fuzz -v VARIANT replays one.
 *
 * Needs tcpfsm loaded, root and libmnl.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpfsm.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define DEFAULT_COUNT	4000	/* per identity; three identities */
#define NR_CLOSE_WAIT	400	/* about 40 KiB of closewait-get dump */
#define MAX_PRINTED	30	/* failures printed one by one */
#define NOBODY		65534
/* what the commands of the header span, and a few numbers past it */
#define CMD_SPAN	(__TCPFSM_CMD_MAX + 2)

#define ATTR0		(NLMSG_HDRLEN + GENL_HDRLEN)

/*
 * Requests stay below sk_sndbuf - 32 (wmem_default, 208 KiB), but the
 * oversized kind, which goes past the socket's sndbuf
 */
#define TX_LIMIT	(150 * 1024)

static uint8_t tx[512 * 1024];
static uint8_t rx[128 * 1024];
static const uint8_t zeros[UINT16_MAX];

/* splitmix64: message @i of a run is made from (seed, i) only */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* What nlctrl says of the family: its ops and their flags. */
struct ops {
	bool exists[256];
	uint32_t flags[256];	/* GENL_ADMIN_PERM, GENL_CMD_CAP_DO/DUMP, ... */
};

/* The errnos a reply is tallied under; the last one is "anything else". */
static const int errnos[] = { EINVAL, ERANGE, EOPNOTSUPP, EPERM, 0 };
#define NR_ERRNOS	((int)(sizeof(errnos) / sizeof(errnos[0])))

struct tally {
	unsigned long sent, data, acked, dropped;
	unsigned long err[NR_ERRNOS];
	unsigned long noext;		/* ours to carry an extack, without */
	unsigned long miss_only;	/* of those, NLMSGERR_ATTR_MISS_TYPE */
	unsigned long core_noext;	/* the core's, which never sets one */
	long first_noext;		/* a message index, or -1 */
};

struct fuzz {
	struct nl nl;
	struct ops ops;
	uint64_t seed;
	const char *who;
	bool root;		/* CAP_NET_ADMIN over the initial user ns */
	bool init_net;
	int failures;
	long idx;		/* the message being checked */
	uint32_t sndbuf;	/* SO_SNDBUF of the socket */
	int held;		/* a socket with a dump half read, or -1 */
	unsigned long notifications, joins, half_dumps;
	struct tally t[256];
};

/* What the kernel must do with one request, as far as it is predictable. */
struct expect {
	uint8_t cmd;
	bool dump;		/* NLM_F_DUMP, both bits */
	bool ack;		/* NLM_F_ACK */
	bool silent;		/* netlink_rcv_skb() drops it: no answer */
	bool ack_only;		/* not a request: an ACK 0 if NLM_F_ACK */
	int send_err;		/* what sendto() must fail with, or 0 */
	/* the core's refusal without extack, or 0; EPERM/EOPNOTSUPP both
	 * allowed when @either (6.1 checks the permission before the kind
	 * of op, 6.12 after)
	 */
	int core_err;
	bool either;
	int core_ext_err;	/* genl_header_check(): EINVAL with a message */
	bool denied;		/* an admin-only op, unprivileged: no data */
	bool must_work;		/* a well-formed request that is allowed */
	int state_id;		/* a valid state-get asked this state */
	uint32_t len;		/* bytes sent */
	uint32_t nlmsg_len;
	char what[160];		/* how it was made, for the failure line */
};

static void fail(struct fuzz *f, const struct expect *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct fuzz *f, const struct expect *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (f->failures++ >= MAX_PRINTED)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# FAIL %s: seed 0x%016" PRIx64 " message %ld (%s): %s\n",
	       f->who, f->seed, f->idx, e ? e->what : "-", msg);
	fflush(stdout);
}

static int parse_ops(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *op, *a;
	struct ops *o = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != CTRL_ATTR_OPS)
			continue;
		mnl_attr_for_each_nested(op, attr) {
			uint32_t id = 256, flags = 0;

			mnl_attr_for_each_nested(a, op) {
				if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID)
					id = mnl_attr_get_u32(a);
				else if (mnl_attr_get_type(a) == CTRL_ATTR_OP_FLAGS)
					flags = mnl_attr_get_u32(a);
			}
			if (id < 256) {
				o->exists[id] = true;
				o->flags[id] = flags;
			}
		}
	}
	return MNL_CB_OK;
}

/* The family's ops, from CTRL_CMD_GETFAMILY: 0 or a negative errno. */
static int read_ops(struct nl *nl, struct ops *o)
{
	struct nlmsghdr *nlh = nl_req(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	struct answer a;
	int err;

	memset(o, 0, sizeof(*o));
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPFSM_FAMILY_NAME);
	err = nl_talk(nl, nlh, parse_ops, o, &a);
	return err ? err : -a.err;
}

static bool op_is(const struct fuzz *f, int cmd, uint32_t flag)
{
	return f->ops.exists[cmd] && (f->ops.flags[cmd] & flag);
}

/* GENL_ADMIN_PERM is checked against the initial user ns, UNS against the
 * netns's: uid 65534 in a netns of its own passes the second.
 */
static bool admin_denied(const struct fuzz *f, int cmd)
{
	if (f->root)
		return false;
	return op_is(f, cmd, GENL_ADMIN_PERM) ||
	       (f->init_net && op_is(f, cmd, GENL_UNS_ADMIN_PERM));
}

/* Attribute numbers that mean something to some op. */
static const uint16_t meaningful[] = {
	TCPFSM_A_STATS_STATE_ID, TCPFSM_A_SOCKET_MIN_AGE_NS,
	TCPFSM_A_TIMEWAIT_LIMIT, TCPFSM_A_STATS_TRANSITION,
};

static void put_raw(struct nlmsghdr *nlh, uint16_t type, uint16_t len,
		    const void *payload)
{
	mnl_attr_put(nlh, type, len, payload);
}

static size_t room(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_len < TX_LIMIT ? TX_LIMIT - nlh->nlmsg_len : 0;
}

/* Random attributes; nests of them when NLA_F_NESTED and @depth allows. */
static void garbage_attrs(struct rng *r, struct nlmsghdr *nlh, int n,
			  int depth)
{
	static const uint16_t lens[] = { 0, 1, 2, 3, 4, 5, 8, 12, 16 };
	uint8_t buf[1024];
	uint16_t type, len;
	int i;

	for (i = 0; i < n && room(nlh) > 70 * 1024; i++) {
		uint32_t p = below(r, 100);
		uint64_t v;
		size_t k;

		if (p < 65)
			type = below(r, TCPFSM_A_STATS_MAX + 3);
		else if (p < 90)
			type = meaningful[below(r, ARRAY_SIZE(meaningful))];
		else
			type = below(r, NLA_TYPE_MASK + 1);
		if (chance(r, 12))
			type |= NLA_F_NESTED;
		if (chance(r, 3))
			type |= NLA_F_NET_BYTEORDER;

		if ((type & NLA_F_NESTED) && depth < 3 && chance(r, 60)) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, type & ~NLA_F_NESTED);

			nest->nla_type = type;
			garbage_attrs(r, nlh, below(r, 5), depth + 1);
			mnl_attr_nest_end(nlh, nest);
			continue;
		}
		p = below(r, 100);
		if (p < 70)
			len = lens[below(r, ARRAY_SIZE(lens))];
		else if (p < 97)
			len = below(r, sizeof(buf));
		else
			len = UINT16_MAX - NLA_HDRLEN - below(r, 8);
		if (len > sizeof(buf)) {
			put_raw(nlh, type, len, zeros);	/* oversized */
			continue;
		}
		for (k = 0; k < len; k += 8) {
			v = rnd(r);
			memcpy(buf + k, &v, len - k < 8 ? len - k : 8);
		}
		/* often a small number, which a range check has to judge */
		if (chance(r, 40)) {
			v = htole64(below(r, 2000));
			memcpy(buf, &v, len < 8 ? len : 8);
		}
		put_raw(nlh, type, len, buf);
	}
}

/* A request the spec allows, for an op of the header with a template. */
static bool valid_request(struct rng *r, struct nlmsghdr *nlh,
			  struct expect *e)
{
	uint64_t age;
	uint32_t lim;
	int i, n;

	switch (e->cmd) {
	case TCPFSM_CMD_GET:
		break;
	case TCPFSM_CMD_STATE_GET:
		/* repeats are allowed: the last one counts */
		n = 1 + (chance(r, 10) ? below(r, 3) : 0);
		for (i = 0; i < n; i++) {
			e->state_id = TCPFSM_STATE_ESTABLISHED +
				      below(r, TCPFSM_STATE_NEW_SYN_RECV);
			mnl_attr_put_u8(nlh, TCPFSM_A_STATS_STATE_ID, e->state_id);
		}
		break;
	case TCPFSM_CMD_CLOSEWAIT_GET:
		nlh->nlmsg_flags |= NLM_F_DUMP;
		if (chance(r, 50)) {
			age = chance(r, 50) ? below(r, 1000) : rnd(r);
			mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_MIN_AGE_NS, age);
		}
		break;
	case TCPFSM_CMD_TIMEWAIT_GET:
		if (chance(r, 60)) {
			lim = 1 + below(r, 1000);
			mnl_attr_put_u32(nlh, TCPFSM_A_TIMEWAIT_LIMIT, lim);
		}
		break;
	default:
		return false;
	}
	return true;
}

static const uint8_t template_cmds[] = {
	TCPFSM_CMD_GET, TCPFSM_CMD_STATE_GET, TCPFSM_CMD_CLOSEWAIT_GET,
	TCPFSM_CMD_TIMEWAIT_GET,
};

static uint8_t pick_cmd(struct rng *r)
{
	return chance(r, 85) ? below(r, CMD_SPAN) : below(r, 256);
}

static uint16_t fuzz_flags(struct rng *r)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

	if (chance(r, 25))
		flags &= ~NLM_F_ACK;
	if (chance(r, 15))
		flags |= NLM_F_ECHO;
	if (chance(r, 25))
		flags |= NLM_F_DUMP;
	if (chance(r, 4))
		flags &= ~NLM_F_REQUEST;
	if (chance(r, 5))
		flags |= 1U << below(r, 16);
	return flags;
}

/*
 * What af_netlink.c and genetlink.c do before the family's code runs,
 * identical in 6.1 and 6.12 but for the order of the permission and the
 * kind-of-op checks:
 * - netlink_rcv_skb(): nlmsg_len < NLMSG_HDRLEN or past the bytes sent:
 *   dropped without an answer; no NLM_F_REQUEST, or a control type: an ACK
 *   0 if NLM_F_ACK, nothing else;
 * - genl_family_rcv_msg(): nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN: EINVAL,
 *   no extack (the header it would name is not there);
 * - genl_header_check() (resv_start_op is 0: every command): a reserved
 *   byte or nlmsg flags other than REQUEST, ACK, ECHO and both DUMP bits:
 *   EINVAL, "genlmsghdr.reserved field is not 0" or "ambiguous or
 *   reserved bits set in nlmsg_flags";
 * - genl_get_cmd(): no op of that number (6.12: of that kind, do or dump):
 *   EOPNOTSUPP, no extack;
 * - GENL_ADMIN_PERM / GENL_UNS_ADMIN_PERM: EPERM, no extack;
 * - 6.1 only, after the permission: genl_family_rcv_msg_doit/_dumpit()
 *   without .doit/.dumpit: EOPNOTSUPP, no extack.
 * Everything past these is the policy's (lib/nlattr.c, which always sets
 * an extack) or the module's.
 */
static void core_error(const struct fuzz *f, struct expect *e,
		       const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = (const void *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	uint16_t flags = nlh->nlmsg_flags;
	uint32_t kind;

	e->dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	e->ack = flags & NLM_F_ACK;
	if (e->len < NLMSG_HDRLEN || e->nlmsg_len < NLMSG_HDRLEN ||
	    e->nlmsg_len > e->len) {
		e->silent = true;
		return;
	}
	if (!(flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		e->ack_only = true;
		return;
	}
	if (e->nlmsg_len < ATTR0) {
		e->core_err = EINVAL;
		return;
	}
	if (e->dump)
		flags &= ~NLM_F_DUMP;
	if (g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))) {
		e->core_ext_err = EINVAL;
		return;
	}
	kind = e->dump ? GENL_CMD_CAP_DUMP : GENL_CMD_CAP_DO;
	if (!f->ops.exists[e->cmd]) {
		e->core_err = EOPNOTSUPP;
	} else if (!(f->ops.flags[e->cmd] & kind)) {
		e->core_err = EOPNOTSUPP;
		e->either = admin_denied(f, e->cmd);
	} else if (admin_denied(f, e->cmd)) {
		e->core_err = EPERM;
	}
	e->denied = admin_denied(f, e->cmd);
}

enum kind {
	K_VALID, K_FUZZ, K_TRUNC, K_FILTER, K_OVERSIZE, K_HALF_DUMP, K_JOIN,
};

static enum kind pick_kind(struct rng *r)
{
	uint32_t p = below(r, 1000);

	if (p < 150)
		return K_VALID;
	if (p < 800)
		return K_FUZZ;
	if (p < 880)
		return K_TRUNC;
	if (p < 930)
		return K_FILTER;
	if (p < 933)
		return K_OVERSIZE;
	if (p < 970)
		return K_HALF_DUMP;
	return K_JOIN;
}

/* Message @idx: into tx, with what to expect of it. */
static void make(struct fuzz *f, struct rng *r, enum kind k, struct expect *e)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tx);
	struct genlmsghdr *g;
	int i, n;

	memset(e, 0, sizeof(*e));
	nlh->nlmsg_type = f->nl.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (chance(r, 70) ? NLM_F_ACK : 0);
	nlh->nlmsg_seq = ++f->nl.seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->version = TCPFSM_FAMILY_VERSION;

	switch (k) {
	case K_VALID:
		e->cmd = template_cmds[below(r, ARRAY_SIZE(template_cmds))];
		if (chance(r, 15))
			nlh->nlmsg_flags |= NLM_F_ECHO;
		/* genetlink checks no version: any is the same request */
		if (chance(r, 20))
			g->version = below(r, 256);
		valid_request(r, nlh, e);
		break;
	case K_FILTER:
		/* a huge dump filter: thousands of attributes, repeats */
		e->cmd = chance(r, 80) ? TCPFSM_CMD_CLOSEWAIT_GET : pick_cmd(r);
		nlh->nlmsg_flags |= NLM_F_DUMP;
		n = 500 + below(r, 4000);
		for (i = 0; i < n; i++) {
			if (chance(r, 97))
				mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_MIN_AGE_NS,
						 below(r, 1000));
			else
				garbage_attrs(r, nlh, 1, 0);
		}
		break;
	case K_OVERSIZE:
		/* more than sk_sndbuf - 32: netlink_sendmsg() refuses it */
		e->cmd = pick_cmd(r);
		nlh->nlmsg_flags |= NLM_F_DUMP;
		while (nlh->nlmsg_len <= f->sndbuf &&
		       nlh->nlmsg_len < sizeof(tx) - UINT16_MAX)
			put_raw(nlh, TCPFSM_A_SOCKET_MIN_AGE_NS,
				UINT16_MAX - NLA_HDRLEN - 3, zeros);
		break;
	default:
		e->cmd = pick_cmd(r);
		nlh->nlmsg_flags = fuzz_flags(r);
		if (chance(r, 10))
			g->version = below(r, 256);
		if (chance(r, 4))
			g->reserved = 1 + below(r, 0xffff);
		if (chance(r, 2))
			nlh->nlmsg_type = below(r, NLMSG_MIN_TYPE);
		garbage_attrs(r, nlh, chance(r, 20) ? below(r, 40) : below(r, 5), 0);
		/* a length that lies, now and then */
		if (nlh->nlmsg_len > ATTR0 && chance(r, 5)) {
			struct nlattr *a = (void *)(tx + ATTR0);

			a->nla_len = below(r, a->nla_len + 64);
		}
		break;
	}
	g->cmd = e->cmd;
	e->len = nlh->nlmsg_len;
	if (k == K_TRUNC) {
		/* cut in the nlmsg or genl header, or a length past the end */
		uint32_t p = below(r, 100);

		/*
		 * Not 0 bytes: netlink_sendmsg() refuses those with ENODATA
		 * and a pr_warn_once() (6.1 and 6.12), before any netlink
		 * family sees them
		 */
		if (p < 30) {
			e->len = 1 + below(r, NLMSG_HDRLEN - 1);
			nlh->nlmsg_len = e->len;
		} else if (p < 80) {
			e->len = NLMSG_HDRLEN + below(r, GENL_HDRLEN);
			nlh->nlmsg_len = e->len;
		} else if (p < 90) {
			e->len = NLMSG_HDRLEN + below(r, GENL_HDRLEN);
			nlh->nlmsg_len = below(r, NLMSG_HDRLEN);
		} else {
			nlh->nlmsg_len = e->len + 1 + below(r, 100);
		}
	}
	e->nlmsg_len = nlh->nlmsg_len;
	if (k == K_OVERSIZE && e->len > f->sndbuf - 32)
		e->send_err = EMSGSIZE;
	core_error(f, e, nlh);
	if (k == K_VALID && !e->core_err && !e->core_ext_err)
		e->must_work = !e->denied;
	snprintf(e->what, sizeof(e->what),
		 "kind %d, cmd %u, type %u, flags 0x%x, version %u, reserved %u, nlmsg_len %u, %u bytes",
		 k, e->cmd, nlh->nlmsg_type, nlh->nlmsg_flags, g->version,
		 g->reserved, e->nlmsg_len, e->len);
}

/* What answered one request. */
struct got {
	int errs, acks, data, done;
	int err;		/* of the NLMSG_ERROR, positive */
	bool has_msg, has_offs, has_miss;
	int64_t offs;
	int states;		/* state nests of a state-get reply */
	int state_id;
};

/* Attributes fill @len bytes exactly, nests too (NLA_F_NESTED ones). */
static bool tlvs_ok(const uint8_t *p, size_t len, int depth)
{
	const struct nlattr *a;

	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len ||
		    !(a->nla_type & NLA_TYPE_MASK))
			return false;
		if ((a->nla_type & NLA_F_NESTED) &&
		    (depth > 4 || !tlvs_ok(p + NLA_HDRLEN,
					   a->nla_len - NLA_HDRLEN, depth + 1)))
			return false;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			return true;
		p += NLA_ALIGN(a->nla_len);
		len -= NLA_ALIGN(a->nla_len);
	}
	return len == 0;
}

static void state_nests(const struct nlmsghdr *nlh, struct got *g)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != TCPFSM_A_STATS_STATE)
			continue;
		g->states++;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == TCPFSM_A_STATE_STATS_STATE &&
			    mnl_attr_get_payload_len(b) == 1)
				g->state_id = mnl_attr_get_u8(b);
	}
}

static void parse_error(struct fuzz *f, const struct expect *e,
			const struct nlmsghdr *nlh, struct got *g)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err) || err->error > 0) {
		fail(f, e, "malformed NLMSG_ERROR");
		return;
	}
	if (err->msg.nlmsg_seq != nlh->nlmsg_seq)
		fail(f, e, "NLMSG_ERROR quotes another request");
	if (!err->error) {
		g->acks++;
		return;
	}
	g->errs++;
	g->err = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* NETLINK_CAP_ACK: the request is not quoted, only its header */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		fail(f, e, "NLMSG_ERROR not capped");
		return;
	}
	if (off > mnl_nlmsg_get_payload_len(nlh) ||
	    !tlvs_ok((const uint8_t *)err + off,
		     mnl_nlmsg_get_payload_len(nlh) - off, 0)) {
		fail(f, e, "malformed extack");
		return;
	}
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			g->has_msg = !mnl_attr_validate(a, MNL_TYPE_NUL_STRING);
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MISS_TYPE)
			g->has_miss = true;
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS &&
		    !mnl_attr_validate(a, MNL_TYPE_U32)) {
			g->has_offs = true;
			g->offs = mnl_attr_get_u32(a);
		}
	}
	if (g->has_offs && (g->offs < NLMSG_HDRLEN || g->offs >= e->nlmsg_len))
		fail(f, e, "extack offset %" PRId64 " outside the request",
		     g->offs);
}

/* One message of the family: a reply to this request, or an event. */
static void check_data(struct fuzz *f, const struct expect *e,
		       const struct nlmsghdr *nlh, struct got *g)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	bool multi = nlh->nlmsg_flags & NLM_F_MULTI;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    !tlvs_ok((const uint8_t *)gh + GENL_HDRLEN,
		     mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN, 0)) {
		fail(f, e, "malformed message of the family");
		return;
	}
	if (gh->cmd != e->cmd || gh->version != TCPFSM_FAMILY_VERSION)
		fail(f, e, "reply of cmd %u version %u", gh->cmd, gh->version);
	if (multi != e->dump)
		fail(f, e, "reply %s NLM_F_MULTI", multi ? "with" : "without");
	g->data++;
	if (e->cmd == TCPFSM_CMD_STATE_GET)
		state_nests(nlh, g);
}

/*
 * Everything the request brought, read without waiting: genetlink runs
 * the request inside sendmsg(), and each recvmsg() of a running dump
 * queues its next part before it returns. 0, or -1 if the socket failed.
 */
static int collect(struct fuzz *f, const struct expect *e, struct got *g)
{
	int fd = mnl_socket_get_fd(f->nl.sk);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	const struct nlmsghdr *nlh;
	bool dumping = false;
	ssize_t len;
	int n;

	memset(g, 0, sizeof(*g));
	for (;;) {
		len = recv(fd, rx, sizeof(rx), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0 && errno == EAGAIN && dumping) {
			/* a dump must not stall: wait a little, once */
			if (poll(&pfd, 1, 2000) == 1)
				continue;
			fail(f, e, "dump stalled");
			return 0;
		}
		if (len < 0 && errno == EAGAIN)
			return 0;
		if (len < 0) {
			fail(f, e, "recv: %s", strerror(errno));
			return -1;
		}
		if (len > (ssize_t)sizeof(rx)) {
			fail(f, e, "a %zd-byte datagram", len);
			return -1;
		}
		n = len;
		for (nlh = (void *)rx; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			/* a notification (seq 0), not an answer */
			if (!nlh->nlmsg_seq && nlh->nlmsg_type == f->nl.family) {
				f->notifications++;
				if (!f->root && f->init_net)
					fail(f, e, "an event reached uid %d in init_net",
					     NOBODY);
				continue;
			}
			if (nlh->nlmsg_seq != f->nl.seq ||
			    nlh->nlmsg_pid != f->nl.portid) {
				fail(f, e, "message of seq %u pid %u, type %u",
				     nlh->nlmsg_seq, nlh->nlmsg_pid,
				     nlh->nlmsg_type);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_error(f, e, nlh, g);
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				g->done++;
				dumping = false;
				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int) ||
				    *(int *)mnl_nlmsg_get_payload(nlh))
					fail(f, e, "NLMSG_DONE with error %d",
					     *(int *)mnl_nlmsg_get_payload(nlh));
			} else if (nlh->nlmsg_type == f->nl.family) {
				check_data(f, e, nlh, g);
				dumping = e->dump;
			} else {
				fail(f, e, "message of type %u", nlh->nlmsg_type);
			}
		}
		if (n)
			fail(f, e, "%d bytes of a message cut short", n);
	}
}

static int errno_slot(int err)
{
	int i;

	for (i = 0; i < NR_ERRNOS - 1; i++)
		if (errnos[i] == err)
			return i;
	return NR_ERRNOS - 1;
}

/* The oracles for one request and what answered it. */
static void judge(struct fuzz *f, const struct expect *e, const struct got *g)
{
	struct tally *t = &f->t[e->cmd];
	bool ext = g->has_msg || g->has_offs;

	if (g->errs + g->acks + g->data + g->done == 0)
		t->dropped++;
	t->data += g->data > 0;
	t->acked += g->acks > 0;
	if (g->errs)
		t->err[errno_slot(g->err)]++;

	if (e->silent || e->send_err) {
		if (g->errs || g->acks || g->data || g->done)
			fail(f, e, "an answer to a request netlink drops");
		return;
	}
	if (e->ack_only) {
		if (g->errs || g->data || g->done || g->acks != e->ack)
			fail(f, e, "not a request: want %s, got %d acks %d errors %d replies",
			     e->ack ? "an ACK" : "nothing", g->acks, g->errs,
			     g->data);
		return;
	}
	if (g->errs + g->acks > 1 || (g->errs && (g->data || g->done)) ||
	    (!e->dump && (g->data > 1 || g->done)) || g->done > 1) {
		fail(f, e, "%d errors, %d acks, %d replies, %d DONE",
		     g->errs, g->acks, g->data, g->done);
		return;
	}
	if (e->denied && (g->data || g->done))
		fail(f, e, "an admin-only op answered uid %d", NOBODY);
	if (e->core_err || e->core_ext_err) {
		int want = e->core_err ? e->core_err : e->core_ext_err;

		if (g->err != want &&
		    !(e->either && (g->err == EPERM || g->err == EOPNOTSUPP)))
			fail(f, e, "want %s from the core, got %s",
			     strerror(want), g->errs ? strerror(g->err) : "success");
		else if (e->core_ext_err && !ext)
			fail(f, e, "the core's %s without its extack",
			     strerror(want));
		if (e->core_err && !ext)
			t->core_noext++;
		return;
	}
	if (!g->errs) {
		/*
		 * success: a do answers at most once (events-subscribe only
		 * ACKs), a get-like one of the templates exactly once; a dump
		 * ends with DONE
		 */
		if ((!e->dump && g->data > 1) || (e->dump && g->done != 1) ||
		    (e->must_work && !e->dump && g->data != 1))
			fail(f, e, "success with %d replies, %d DONE", g->data,
			     g->done);
		if (!e->dump && g->acks != e->ack)
			fail(f, e, "%d ACKs to a successful do", g->acks);
		if (e->state_id && e->must_work &&
		    (g->states != 1 || g->state_id != e->state_id))
			fail(f, e, "state-get %d: %d state nests, state %d",
			     e->state_id, g->states, g->state_id);
		return;
	}
	if (e->must_work)
		fail(f, e, "a valid request refused: %s", strerror(g->err));
	/*
	 * Past the core's checks the refusal is the policy's or the
	 * module's: whichever errno it picks, it says why
	 */
	switch (g->err) {
	case EPERM:
		if (f->root)
			fail(f, e, "EPERM for root");
		/* fall through */
	case EINVAL:
	case ERANGE:
	case EOPNOTSUPP:
	case ENOENT:
	case EEXIST:
	case EALREADY:
	case EBUSY:
		if (!ext) {
			if (!t->noext)
				t->first_noext = f->idx;
			t->noext++;
			t->miss_only += g->has_miss;
			fail(f, e, "%s without extack", strerror(g->err));
		}
		break;
	default:
		fail(f, e, "unexpected %s", strerror(g->err));
	}
}

/*
 * A dump on a socket of its own, read once or not at all, then closed
 * (or, 1 time in 4, kept half read until the next one or the end).
 */
static void half_dump(struct fuzz *f, struct rng *r)
{
	int cmds[256], n = 0, i, sk;
	struct family fam = { 0 };
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	struct nl side;

	for (i = 0; i < 256; i++)
		if (op_is(f, i, GENL_CMD_CAP_DUMP))
			cmds[n++] = i;
	if (!n || nl_open(&side, &fam)) {
		fail(f, NULL, "half dump: no dump op or no socket");
		return;
	}
	nlh = mnl_nlmsg_put_header(tx);
	nlh->nlmsg_type = side.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++side.seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmds[below(r, n)];
	g->version = TCPFSM_FAMILY_VERSION;
	if (chance(r, 30))
		garbage_attrs(r, nlh, below(r, 3), 0);
	sk = mnl_socket_get_fd(side.sk);
	if (send(sk, nlh, nlh->nlmsg_len, 0) < 0)
		fail(f, NULL, "half dump: send: %s", strerror(errno));
	else if (chance(r, 50))
		(void)!recv(sk, rx, sizeof(rx), MSG_DONTWAIT);
	f->half_dumps++;
	if (chance(r, 25)) {
		if (f->held >= 0)
			close(f->held);
		f->held = dup(sk);
	}
	mnl_socket_close(side.sk);
}

static int join(struct nl *nl, uint32_t grp)
{
	return mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp,
				     sizeof(grp)) ? errno : 0;
}

static void try_join(struct fuzz *f)
{
	int err = join(&f->nl, f->nl.events);

	f->joins++;
	if (f->init_net && !f->root && err != EPERM)
		fail(f, NULL, "uid %d joining events in init_net: %s", NOBODY,
		     err ? strerror(err) : "joined");
	if (f->root && err)
		fail(f, NULL, "root joining events: %s", strerror(err));
	if (!err)
		mnl_socket_setsockopt(f->nl.sk, NETLINK_DROP_MEMBERSHIP,
				      &f->nl.events, sizeof(f->nl.events));
}

/* a transition nest of get into the matrix: how many rules it breaks */
static int matrix_cell(const struct nlattr *nest, unsigned int type, void *data)
{
	const struct nlattr *tb[TCPFSM_A_TRANSITION_MAX + 1];
	struct tcpfsm_matrix *m = data;
	unsigned int o, n;
	int bad;

	if (type != TCPFSM_A_STATS_TRANSITION)
		return 0;
	bad = nl_nest_attrs(nest, &tcpfsm_transition_set, tb, NULL, NULL);
	if (bad || !tb[TCPFSM_A_TRANSITION_OLD_STATE] ||
	    !tb[TCPFSM_A_TRANSITION_NEW_STATE] || !tb[TCPFSM_A_TRANSITION_COUNT])
		return 1;
	o = mnl_attr_get_u8(tb[TCPFSM_A_TRANSITION_OLD_STATE]);
	n = mnl_attr_get_u8(tb[TCPFSM_A_TRANSITION_NEW_STATE]);
	if (o < TCP_ESTABLISHED || o > TCP_CLOSING ||
	    n < TCP_ESTABLISHED || n > TCP_CLOSING)
		return 1;
	m->n[o][n] = mnl_attr_get_u64(tb[TCPFSM_A_TRANSITION_COUNT]);
	return 0;
}

/* get's transition matrix, every attribute as the spec has it */
static int parse_matrix(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_STATS_MAX + 1];

	return nl_msg_attrs(nlh, &tcpfsm_stats_set, tb, matrix_cell, data) ?
		MNL_CB_ERROR : MNL_CB_OK;
}

/* After the storm, a plain get answers what /proc shows. */
static void get_still_right(struct fuzz *f)
{
	struct tcpfsm_matrix proc, got;
	struct nlmsghdr *nlh;
	struct answer a;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		memset(&got, 0, sizeof(got));
		if (tcpfsm_matrix_settled(&proc, 200, 5000)) {
			fail(f, NULL, "/proc/net/tcpfsm/transitions unreadable or moving");
			return;
		}
		nlh = nl_req(&f->nl, f->nl.family, TCPFSM_CMD_GET,
			     TCPFSM_FAMILY_VERSION);
		if (nl_talk(&f->nl, nlh, parse_matrix, &got, &a) || a.err ||
		    a.nreplies != 1) {
			fail(f, NULL, "a plain get failed afterwards: %s",
			     strerror(a.err));
			return;
		}
		if (!memcmp(&proc, &got, sizeof(got)))
			return;
	}
	fail(f, NULL, "get's matrix differs from /proc afterwards");
}

/* uid 65534 in init_net: a connection of its own reaches no socket of its */
static void no_events_for_nobody(struct fuzz *f)
{
	struct expect e = { .cmd = 0 };
	struct got g;

	if (tcpfsm_one_connection())
		fail(f, NULL, "a loopback connection failed");
	usleep(300 * 1000);
	snprintf(e.what, sizeof(e.what), "after a connection");
	f->nl.seq++;
	collect(f, &e, &g);
	if (g.errs || g.data || g.acks || g.done)
		fail(f, &e, "answers after the run");
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void print_tally(struct fuzz *f, unsigned long n, double secs)
{
	unsigned long core = 0, other = 0;
	int c;

	printf("# %s: %lu messages in %.1f s, %lu half-read dumps, %lu joins, %lu events seen\n",
	       f->who, n, secs, f->half_dumps, f->joins, f->notifications);
	printf("# %-5s %6s %6s %6s %6s %6s %10s %6s %6s %6s %6s\n", "cmd",
	       "sent", "data", "acked", "none", "EINVAL", "EOPNOTSUPP",
	       "ERANGE", "EPERM", "other", "noext");
	for (c = 0; c < 256; c++) {
		struct tally *t = &f->t[c];

		if (c >= CMD_SPAN) {
			other += t->sent;
			continue;
		}
		printf("# %-5d %6lu %6lu %6lu %6lu %6lu %10lu %6lu %6lu %6lu %6lu\n",
		       c, t->sent, t->data, t->acked, t->dropped,
		       t->err[errno_slot(EINVAL)], t->err[errno_slot(EOPNOTSUPP)],
		       t->err[errno_slot(ERANGE)], t->err[errno_slot(EPERM)],
		       t->err[NR_ERRNOS - 1], t->noext);
	}
	for (c = 0; c < 256; c++)
		core += f->t[c].core_noext;
	printf("# cmds %d..255: %lu sent; the core's refusals without extack: %lu\n",
	       CMD_SPAN, other, core);
	for (c = 0; c < 256; c++)
		if (f->t[c].noext)
			printf("# FAIL %s: cmd %d: %lu refusals of the module without extack message or offset"
			       " (%lu with a missing-attribute type only; first: message %ld, seed 0x%016" PRIx64 ")\n",
			       f->who, c, f->t[c].noext, f->t[c].miss_only,
			       f->t[c].first_noext, f->seed);
}

/* Coverage: the run reached what it is meant to judge. */
static void check_coverage(struct fuzz *f)
{
	static const uint8_t admin[] = {
		TCPFSM_CMD_CLOSEWAIT_GET, TCPFSM_CMD_TIMEWAIT_GET,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(admin); i++) {
		if (!op_is(f, admin[i], GENL_ADMIN_PERM))
			fail(f, NULL, "cmd %u is not GENL_ADMIN_PERM", admin[i]);
		if (!f->root && !f->t[admin[i]].err[errno_slot(EPERM)])
			fail(f, NULL, "cmd %u never refused with EPERM", admin[i]);
	}
	for (i = 0; i < ARRAY_SIZE(template_cmds); i++) {
		uint8_t c = template_cmds[i];

		if ((f->root || !op_is(f, c, GENL_ADMIN_PERM)) && !f->t[c].data)
			fail(f, NULL, "cmd %u never answered", c);
	}
}

/* The fuzzing itself, as whoever calls it: 0 if every oracle held. */
static int run(struct fuzz *f)
{
	unsigned long first = env_ul("TCPFSM_FUZZ_FIRST", 0);
	unsigned long count = env_ul("TCPFSM_FUZZ_COUNT", DEFAULT_COUNT);
	struct family fam = { 0 };
	uint64_t t0 = tcpfsm_now_ns();
	struct expect e;
	struct got g;
	unsigned long i;
	int err;

	socklen_t sl = sizeof(f->sndbuf);

	f->held = -1;
	err = nl_open(&f->nl, &fam);
	if (!err)
		err = read_ops(&f->nl, &f->ops);
	if (!err && getsockopt(mnl_socket_get_fd(f->nl.sk), SOL_SOCKET,
			       SO_SNDBUF, &f->sndbuf, &sl))
		err = -errno;
	if (err) {
		printf("# %s: no tcpfsm family: %s\n", f->who, strerror(-err));
		return 1;
	}
	printf("# %s: seed 0x%016" PRIx64 " (TCPFSM_FUZZ_SEED), messages %lu..%lu\n",
	       f->who, f->seed, first, first + count - 1);
	fflush(stdout);
	for (i = first; i < first + count; i++) {
		struct rng r = { f->seed ^ (i * 0xd1b54a32d192ed03ULL) };
		enum kind k = pick_kind(&r);
		ssize_t sent;

		f->idx = i;
		if (k == K_HALF_DUMP) {
			half_dump(f, &r);
			continue;
		}
		if (k == K_JOIN) {
			try_join(f);
			continue;
		}
		make(f, &r, k, &e);
		f->t[e.cmd].sent++;
		sent = send(mnl_socket_get_fd(f->nl.sk), tx, e.len, 0);
		if (e.send_err) {
			if (sent >= 0 || errno != e.send_err)
				fail(f, &e, "send: want %s, got %s",
				     strerror(e.send_err),
				     sent < 0 ? strerror(errno) : "sent");
		} else if (sent != (ssize_t)e.len) {
			fail(f, &e, "send: %s", strerror(errno));
		}
		if (collect(f, &e, &g))
			break;
		judge(f, &e, &g);
	}
	f->idx = -1;
	if (f->held >= 0)
		close(f->held);
	get_still_right(f);
	if (!f->root && f->init_net)
		no_events_for_nobody(f);
	print_tally(f, count, (tcpfsm_now_ns() - t0) / 1e9);
	if (count >= DEFAULT_COUNT)
		check_coverage(f);
	mnl_socket_close(f->nl.sk);
	if (f->failures)
		printf("# %s: %d failures; replay: TCPFSM_FUZZ_SEED=0x%016" PRIx64 "\n",
		       f->who, f->failures, f->seed);
	return f->failures ? 1 : 0;
}

/* Every capability goes with uid 0; the process stays dumpable, so that it
 * can write its own /proc/self/uid_map
 */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ? -errno : 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		err = -errno;
	close(fd);
	return err;
}

/* uid 65534, root of a user ns of its own, with a netns of that user ns */
static int own_userns(void)
{
	char map[32];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -errno;
	snprintf(map, sizeof(map), "0 %d 1\n", NOBODY);
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/gid_map", map))
		return -EPERM;
	return 0;
}

/* A socket of init_net, kept across unshare(): its events stay closed. */
static int init_net_join(void)
{
	struct family fam = { 0 };
	struct nl nl;
	int err;

	err = nl_open(&nl, &fam);
	if (err)
		return err;
	err = join(&nl, nl.events);
	mnl_socket_close(nl.sk);
	return err;
}

FIXTURE(fuzz) {
	int kmsg;
	int nfds;
	int fds[NR_CLOSE_WAIT + 1];
};

FIXTURE_VARIANT(fuzz) {
	bool nobody;
	bool userns;
};

FIXTURE_VARIANT_ADD(fuzz, root) {
	.nobody = false,
};

FIXTURE_VARIANT_ADD(fuzz, nobody) {
	.nobody = true,
};

FIXTURE_VARIANT_ADD(fuzz, nobody_userns) {
	.nobody = true, .userns = true,
};

/* CLOSE_WAIT sockets: the server side of connections the client closed */
static int close_wait(int *fds, int n)
{
	struct tcpfsm_addr a;
	int lfd, c, s, i;

	lfd = tcpfsm_listen(AF_INET, 64, &a);
	if (lfd < 0)
		return lfd;
	fds[0] = lfd;
	for (i = 1; i <= n; i++) {
		c = tcpfsm_connect(&a, false);
		if (c < 0)
			return c;
		s = tcpfsm_accept(lfd);
		close(c);
		if (s < 0)
			return s;
		fds[i] = s;
	}
	return n + 1;
}

FIXTURE_SETUP(fuzz)
{
	self->nfds = 0;
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg);
	ASSERT_LE(0, lseek(self->kmsg, 0, SEEK_END));
	if (access("/sys/module/tcpfsm", F_OK))
		SKIP(return, "tcpfsm is not loaded");
	if (!variant->nobody) {
		/* root fuzzes a netns of its own, with sockets to dump */
		ASSERT_EQ(0, tcpfsm_test_netns());
		self->nfds = close_wait(self->fds, NR_CLOSE_WAIT);
		ASSERT_EQ(NR_CLOSE_WAIT + 1, self->nfds);
	}
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	for (i = 0; i < self->nfds; i++)
		close(self->fds[i]);
	if (self->kmsg >= 0)
		close(self->kmsg);
}

/*
 * What the kernel may log during the run without it being the module's:
 * lib/nlattr.c's pr_warn_ratelimited() on any family's malformed
 * attributes (validate_nla(), __nla_validate_parse(), 6.1 and 6.12) and
 * their ratelimit summaries; the timekeeping complaints of an emulated
 * CPU that the host descheduled (QEMU TCG on a busy host: the clocksource
 * watchdog, hrtimer, TSC).
 */
static bool core_line(const char *msg)
{
	static const struct {
		const char *prefix, *has;
	} allowed[] = {
		{ "netlink: ", "has an invalid length." },
		{ "netlink: ", "bytes leftover after parsing attributes in process" },
		{ "validate_nla: ", "callbacks suppressed" },
		{ "__nla_validate_parse: ", "callbacks suppressed" },
		{ "clocksource: ", "" },
		{ "hrtimer: interrupt took ", "" },
		{ "tsc: Marking TSC unstable", "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!strncmp(msg, allowed[i].prefix, strlen(allowed[i].prefix)) &&
		    strstr(msg, allowed[i].has))
			return true;
	return false;
}

/*
 * Lines the kernel logged since the fixture started: printed; the number
 * of those that are not core_line()s.
 */
static int new_kernel_lines(int kmsg)
{
	int lines = 0, core = 0;
	char rec[2048], *msg;
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';') ? strchr(rec, ';') + 1 : rec;
		if (core_line(msg)) {
			core++;
			continue;
		}
		printf("# kernel: %s", msg);
		lines++;
	}
	printf("# kernel log: %d lines of lib/nlattr.c's ratelimited warnings or emulator timing,"
	       " %d others\n", core, lines);
	return lines;
}

static uint64_t pick_seed(void)
{
	const char *v = getenv("TCPFSM_FUZZ_SEED");
	struct timespec ts;

	if (v && *v)
		return strtoull(v, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^
	       (uint64_t)getpid() << 32;
}

TEST_F_TIMEOUT(fuzz, hostile_requests, 300)
{
	static struct fuzz f;	/* 24 KiB of tallies: not on the stack */
	int status, rc = 1;
	pid_t pid;

	memset(&f, 0, sizeof(f));
	f.seed = pick_seed();
	f.root = !variant->nobody;
	f.init_net = !variant->userns;
	f.who = variant->userns ? "uid 65534 in its own userns" :
		variant->nobody ? "uid 65534" : "root";
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (variant->nobody && become_nobody())
			_exit(2);
		if (variant->userns) {
			/* before leaving it: init_net's group stays closed */
			rc = init_net_join();
			if (rc != EPERM) {
				printf("# FAIL %s: joining events of init_net: %s\n",
				       f.who, rc ? strerror(rc) : "joined");
				_exit(1);
			}
			rc = own_userns();
			if (rc) {
				printf("# no user namespace for uid %d: %s\n",
				       NOBODY, strerror(-rc));
				_exit(KSFT_SKIP);
			}
		}
		if (variant->nobody && !variant->userns) {
			rc = init_net_join();
			if (rc != EPERM) {
				printf("# FAIL %s: joining events of init_net: %s\n",
				       f.who, rc ? strerror(rc) : "joined");
				_exit(1);
			}
		}
		_exit(run(&f));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return, "unprivileged user namespaces are off");
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("seed 0x%016" PRIx64 ": replay with TCPFSM_FUZZ_SEED",
		       f.seed);
	EXPECT_EQ(0, new_kernel_lines(self->kmsg))
		TH_LOG("the kernel logged during the run");
}

TEST_HARNESS_MAIN
