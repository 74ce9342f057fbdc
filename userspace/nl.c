// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the generic netlink family "tcpfsm", with libmnl.
 *
 * A request is sent with NLM_F_ACK and the replies are read until the
 * acknowledgment: the reply of a do command, then the ack, or an error
 * carrying the kernel's extended ack (the socket has NETLINK_EXT_ACK and
 * NETLINK_CAP_ACK). Replies are parsed attribute by attribute into the
 * structures of nl.h; attributes this command does not know are skipped (a
 * newer module may add some), attributes of the wrong size are an error,
 * and the attributes the family documents as always present are checked
 * afterwards (tcpfsm_stats_check(), tcpfsm_state_check()).
 *
 * A dump (TCPFSM_CMD_CLOSEWAIT_GET) is read until NLMSG_DONE, one socket a
 * message, maybe none; the kernel sends no ack after it. Multi-attr nests
 * (the buckets of a histogram, the ports of timewait) are handed one by one
 * to the parser of their set as they come.
 *
 * The monitor joins the multicast group "events" and reads the
 * TCPFSM_CMD_TRANSITION_NTF messages the module sends to it, several to a
 * datagram, each parsed the same way into a struct tcpfsm_event.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "figures.h"
#include "nl.h"
#include "spec.h"
#include "util.h"

/* The largest reply: a GET of 121 transitions and 12 states is about 5 KiB */
#define TCPFSM_NL_BUFSIZE	65536
/* The largest request: a header and one attribute */
#define TCPFSM_NL_REQSIZE	256
/* The receive buffer of the monitor's socket: events come in bursts */
#define TCPFSM_NL_RCVBUF	(4 << 20)

/* What a reply of an attribute set may hold: spec.c, from the spec */
#define ATTR_SET(_name, _attrs) \
	{ .name = _name, .max = ARRAY_SIZE(_attrs) - 1, .attrs = _attrs }

/* The family, the addresses and the ports: the same numbers in both sets */
_Static_assert((int)TCPFSM_A_SOCKET_FAMILY == (int)TCPFSM_A_EVENT_FAMILY &&
	       (int)TCPFSM_A_SOCKET_SADDR4 == (int)TCPFSM_A_EVENT_SADDR4 &&
	       (int)TCPFSM_A_SOCKET_DADDR4 == (int)TCPFSM_A_EVENT_DADDR4 &&
	       (int)TCPFSM_A_SOCKET_SADDR6 == (int)TCPFSM_A_EVENT_SADDR6 &&
	       (int)TCPFSM_A_SOCKET_DADDR6 == (int)TCPFSM_A_EVENT_DADDR6 &&
	       (int)TCPFSM_A_SOCKET_SPORT == (int)TCPFSM_A_EVENT_SPORT &&
	       (int)TCPFSM_A_SOCKET_DPORT == (int)TCPFSM_A_EVENT_DPORT,
	       "the ends of a socket and of an event are numbered alike");

/* nlctrl's, which no spec of ours describes */
static const struct tcpfsm_attr_spec ctrl_attrs[] = {
	[CTRL_ATTR_FAMILY_ID]		= { MNL_TYPE_U16, "family-id" },
	[CTRL_ATTR_FAMILY_NAME]		= { MNL_TYPE_NUL_STRING, "family-name" },
	[CTRL_ATTR_VERSION]		= { MNL_TYPE_U32, "version" },
	[CTRL_ATTR_MCAST_GROUPS]	= { MNL_TYPE_NESTED, "mcast-groups" },
};

static const struct tcpfsm_attr_spec mcast_grp_attrs[] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= { MNL_TYPE_NUL_STRING, "name" },
	[CTRL_ATTR_MCAST_GRP_ID]	= { MNL_TYPE_U32, "id" },
};

static const struct tcpfsm_attr_set ctrl_set = ATTR_SET("ctrl", ctrl_attrs);
static const struct tcpfsm_attr_set mcast_grp_set = ATTR_SET("mcast-group", mcast_grp_attrs);

/* The attributes every event has, whatever its family; the first 3, sockets */
static const unsigned int event_required_attrs[] = {
	TCPFSM_A_EVENT_FAMILY,
	TCPFSM_A_EVENT_SPORT,
	TCPFSM_A_EVENT_DPORT,
	TCPFSM_A_EVENT_OLD_STATE,
	TCPFSM_A_EVENT_NEW_STATE,
	TCPFSM_A_EVENT_TIMESTAMP,
	TCPFSM_A_EVENT_SOURCE,
	TCPFSM_A_EVENT_SEQ,
};

static void err_init(struct tcpfsm_err *e, const char *what)
{
	memset(e, 0, sizeof(*e));
	e->what = what;
}

/* Records an error; returns -1, for "return set_err(...);" */
__attribute__((format(printf, 4, 5)))
static int set_err(struct tcpfsm_err *e, enum tcpfsm_err_kind kind, int code,
		   const char *fmt, ...)
{
	va_list ap;

	e->kind = kind;
	e->code = code;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int sys_err(struct tcpfsm_err *e, int code)
{
	return set_err(e, TCPFSM_ERR_SYS, code, NULL);
}

/*
 * mnl_attr_parse() and mnl_attr_parse_nested() stop silently at an
 * attribute that overruns its container, as at the end: tell a truncated
 * payload from a complete one. A walk of the @len bytes at @payload that
 * stopped at @attr reached the end if only padding is left after it.
 */
static bool attrs_end_at(const void *payload, size_t len,
			 const struct nlattr *attr)
{
	return (const char *)payload + len - (const char *)attr <
	       (ptrdiff_t)sizeof(*attr);
}

/* Whether the attributes fill the @len bytes at @payload, as above */
static bool attrs_fit(const void *payload, size_t len)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(payload, len)
		;
	return attrs_end_at(payload, len, attr);
}

/*
 * attr_check() of an attribute of @spec not of its exact size. Return: 0,
 * or -1 if mnl_attr_validate() refuses it.
 */
static __attribute__((noinline)) int
attr_validate(const struct nlattr *attr, const struct tcpfsm_attr_set *set,
	      const struct tcpfsm_attr_spec *spec, struct tcpfsm_err *e)
{
	if ((spec->len ? mnl_attr_validate2(attr, spec->type, spec->len) :
			 mnl_attr_validate(attr, spec->type)) < 0)
		return set_err(e, TCPFSM_ERR_MALFORMED, errno,
			       "attribute %s of %s", spec->name, set->name);
	return 0;
}

/*
 * Checks an attribute of @set. Return: its type, 0 for a type this command
 * does not know (to skip), -1 if it has the wrong size. Inlined: the
 * common case costs the monitor a few instructions an attribute.
 */
static inline int attr_check(const struct nlattr *attr,
			     const struct tcpfsm_attr_set *set,
			     struct tcpfsm_err *e)
{
	unsigned int type = mnl_attr_get_type(attr);
	const struct tcpfsm_attr_spec *spec;

	if (type > set->max || set->attrs[type].type == MNL_TYPE_UNSPEC)
		return 0;
	spec = &set->attrs[type];
	/*
	 * An integer of its exact size, or a binary of its fixed length, is
	 * what mnl_attr_validate() accepts of them: the common case, on the
	 * monitor's path, without the call
	 */
	if (((spec->type >= MNL_TYPE_U8 && spec->type <= MNL_TYPE_U64 &&
	      !spec->len) ||
	     (spec->type == MNL_TYPE_BINARY && spec->len)) &&
	    mnl_attr_get_payload_len(attr) ==
	    (spec->len ?: 1u << (spec->type - MNL_TYPE_U8)))
		return type;
	return attr_validate(attr, set, spec, e) < 0 ? -1 : (int)type;
}

/* mnl_attr_parse_nested(), if the nest's attributes fill it exactly */
static int parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb, void *data,
			const char *name, struct tcpfsm_err *e)
{
	if (!attrs_fit(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest)))
		return set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
			       "attribute lengths in a %s nest", name);
	return mnl_attr_parse_nested(nest, cb, data);
}

/* Called for each attribute of a multi-attr type; 0, or -1 (@e set) */
typedef int (*multi_cb_t)(const struct nlattr *attr, unsigned int type,
			  void *arg, struct tcpfsm_err *e);

/*
 * The attributes of @set in @len bytes at @payload into tb[] (set->max + 1
 * entries), known types only; those of a multi-attr type go to @multi with
 * @arg, or are skipped without it (a newer one the caller does not read).
 * One pass, which also tells a truncated payload from a complete one
 * (attrs_end_at()). @nest: the payload is a nest of @set, else the
 * attributes of a message.
 */
static int parse_attrs(const void *payload, size_t len,
		       const struct tcpfsm_attr_set *set,
		       const struct nlattr **tb, multi_cb_t multi, void *arg,
		       bool nest, struct tcpfsm_err *e)
{
	const struct nlattr *attr;
	int type;

	memset(tb, 0, (set->max + 1) * sizeof(*tb));
	mnl_attr_for_each_payload(payload, len) {
		type = attr_check(attr, set, e);
		if (type < 0)
			return -1;
		if (!type)
			continue;
		if (!set->attrs[type].multi)
			tb[type] = attr;
		else if (multi && multi(attr, type, arg, e) < 0)
			return -1;
	}
	if (!attrs_end_at(payload, len, attr))
		return nest ? set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
				      "attribute lengths in a %s nest", set->name) :
			      set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
				      "attributes of the message");
	return 0;
}

/* The attributes of a nest of @set into tb[], as parse_attrs() */
static int parse_nest_multi(const struct nlattr *nest, const struct tcpfsm_attr_set *set,
			    const struct nlattr **tb, multi_cb_t multi,
			    void *arg, struct tcpfsm_err *e)
{
	return parse_attrs(mnl_attr_get_payload(nest),
			   mnl_attr_get_payload_len(nest), set, tb, multi, arg,
			   true, e);
}

/* parse_nest_multi() of a set without multi-attr types */
static int parse_nest(const struct nlattr *nest, const struct tcpfsm_attr_set *set,
		      const struct nlattr **tb, struct tcpfsm_err *e)
{
	return parse_nest_multi(nest, set, tb, NULL, NULL, e);
}

/* The payload of a generic netlink message, after its header */
static int genl_payload_check(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	if (len < GENL_HDRLEN)
		return set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
			       "generic netlink header");
	if (!attrs_fit((const char *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN,
		       len - GENL_HDRLEN))
		return set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
			       "attributes of the message");
	return 0;
}

/* The attributes of a message of @set into tb[], as parse_attrs() */
static int parse_msg_attrs(const struct nlmsghdr *nlh, const struct tcpfsm_attr_set *set,
			   const struct nlattr **tb, multi_cb_t multi,
			   void *arg, struct tcpfsm_err *e)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	if (len < GENL_HDRLEN)
		return set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG,
			       "generic netlink header");
	return parse_attrs((const char *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN,
			   len - GENL_HDRLEN, set, tb, multi, arg, false, e);
}

/*
 * A state of a reply: 1..12. Return: the state, 0 for a state this command
 * does not know (a newer module's, skipped), -1 for 0.
 */
static int state_check(const struct nlattr *attr, const struct tcpfsm_attr_set *set,
		       struct tcpfsm_err *e)
{
	unsigned int type = mnl_attr_get_type(attr);
	uint8_t state = mnl_attr_get_u8(attr);

	if (!state)
		return set_err(e, TCPFSM_ERR_MALFORMED, EINVAL,
			       "state 0 in attribute %s of %s",
			       set->attrs[type].name, set->name);
	return state <= TCPFSM_NR_STATES ? state : 0;
}

static int parse_transition(const struct nlattr *nest, struct tcpfsm_stats *st,
			    struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_TRANSITION_MAX + 1];
	int old, new;

	if (parse_nest(nest, &tcpfsm_transition_set, tb, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_TRANSITION_OLD_STATE] ||
	    !tb[TCPFSM_A_TRANSITION_NEW_STATE] || !tb[TCPFSM_A_TRANSITION_COUNT])
		return set_err(e, TCPFSM_ERR_MISSING, 0,
			       "old-state, new-state or count in a transition");
	old = state_check(tb[TCPFSM_A_TRANSITION_OLD_STATE], &tcpfsm_transition_set, e);
	new = state_check(tb[TCPFSM_A_TRANSITION_NEW_STATE], &tcpfsm_transition_set, e);
	if (old < 0 || new < 0)
		return -1;
	if (old && new) {
		st->trans[old][new] = mnl_attr_get_u64(tb[TCPFSM_A_TRANSITION_COUNT]);
		st->trans_seen[old] |= BIT(new);
	}
	return 0;
}

static int parse_state(const struct nlattr *nest, struct tcpfsm_stats *st,
		       struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_STATE_STATS_MAX + 1];
	const struct nlattr *entered, *left;
	struct tcpfsm_state_stats *s;
	int state;

	if (parse_nest(nest, &tcpfsm_state_stats_set, tb, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_STATE_STATS_STATE])
		return set_err(e, TCPFSM_ERR_MISSING, 0, "state in a state-stats");
	state = state_check(tb[TCPFSM_A_STATE_STATS_STATE], &tcpfsm_state_stats_set, e);
	if (state <= 0)
		return state;
	entered = tb[TCPFSM_A_STATE_STATS_ENTERED];
	left = tb[TCPFSM_A_STATE_STATS_LEFT];
	if (!entered != !left)
		return set_err(e, TCPFSM_ERR_MISSING, 0, "%s of %s",
			       entered ? "left" : "entered",
			       tcpfsm_state_name(state));

	s = &st->state[state];
	memset(s, 0, sizeof(*s));
	s->present = true;
	if (tb[TCPFSM_A_STATE_STATS_CURRENT]) {
		s->has_current = true;
		s->current = (int64_t)mnl_attr_get_u64(tb[TCPFSM_A_STATE_STATS_CURRENT]);
	}
	if (entered) {
		s->has_flow = true;
		s->entered = mnl_attr_get_u64(entered);
		s->left = mnl_attr_get_u64(left);
	}
	return 0;
}

/* A bucket of a dwell nest, into @arg, a struct tcpfsm_dwell */
static int parse_bucket(const struct nlattr *nest, unsigned int type, void *arg,
			struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_BUCKET_MAX + 1];
	struct tcpfsm_dwell *d = arg;
	uint8_t index;

	(void)type;
	if (parse_nest(nest, &tcpfsm_bucket_set, tb, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_BUCKET_INDEX] || !tb[TCPFSM_A_BUCKET_COUNT])
		return set_err(e, TCPFSM_ERR_MISSING, 0,
			       "index or count in a bucket");
	index = mnl_attr_get_u8(tb[TCPFSM_A_BUCKET_INDEX]);
	if (index >= TCPFSM_DWELL_BUCKETS)
		return set_err(e, TCPFSM_ERR_MALFORMED, EINVAL,
			       "bucket index %u (0-%d) in a dwell", index,
			       TCPFSM_DWELL_BUCKETS - 1);
	d->bucket[index] = mnl_attr_get_u64(tb[TCPFSM_A_BUCKET_COUNT]);
	return 0;
}

/* A time-in-state histogram; one of a state this command does not know is skipped */
static int parse_dwell(const struct nlattr *nest, struct tcpfsm_stats *st,
		       struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_DWELL_MAX + 1];
	struct tcpfsm_dwell d = { .present = true };
	int state;

	if (parse_nest_multi(nest, &tcpfsm_dwell_set, tb, parse_bucket, &d, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_DWELL_STATE] || !tb[TCPFSM_A_DWELL_SAMPLES] ||
	    !tb[TCPFSM_A_DWELL_SUM_NS])
		return set_err(e, TCPFSM_ERR_MISSING, 0,
			       "state, samples or sum-ns in a dwell");
	state = state_check(tb[TCPFSM_A_DWELL_STATE], &tcpfsm_dwell_set, e);
	if (state <= 0)
		return state;
	d.samples = mnl_attr_get_u64(tb[TCPFSM_A_DWELL_SAMPLES]);
	d.sum_ns = mnl_attr_get_u64(tb[TCPFSM_A_DWELL_SUM_NS]);
	st->dwell[state] = d;
	return 0;
}

/*
 * A multi-attr nest of a timewait-substate nest, into @arg, its struct
 * tcpfsm_tw_stats: a bucket of its histogram, or a created-from count (a
 * state this command does not know is skipped)
 */
static int parse_tw_multi(const struct nlattr *nest, unsigned int type,
			  void *arg, struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_TRANSITION_MAX + 1];
	struct tcpfsm_tw_stats *tw = arg;
	int old;

	if (type == TCPFSM_A_TIMEWAIT_STATS_BUCKET)
		return parse_bucket(nest, type, &tw->dwell, e);
	if (type != TCPFSM_A_TIMEWAIT_STATS_CREATED_FROM)
		return 0;
	if (parse_nest(nest, &tcpfsm_transition_set, tb, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_TRANSITION_OLD_STATE] || !tb[TCPFSM_A_TRANSITION_COUNT])
		return set_err(e, TCPFSM_ERR_MISSING, 0,
			       "old-state or count in a created-from");
	old = state_check(tb[TCPFSM_A_TRANSITION_OLD_STATE], &tcpfsm_transition_set, e);
	if (old < 0)
		return -1;
	if (old) {
		tw->from[old] = mnl_attr_get_u64(tb[TCPFSM_A_TRANSITION_COUNT]);
		tw->from_seen |= BIT(old);
	}
	return 0;
}

/*
 * A timewait-substate nest: the figures it has. One of a substate that is
 * not a timewait substate (a newer module's) is skipped.
 */
static int parse_tw(const struct nlattr *nest, struct tcpfsm_stats *st,
		    struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_TIMEWAIT_STATS_MAX + 1];
	struct tcpfsm_tw_stats *tw;
	unsigned int i;
	int state;

	struct tcpfsm_tw_stats t = { .present = true };

	if (parse_nest_multi(nest, &tcpfsm_timewait_stats_set, tb,
			     parse_tw_multi, &t, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_TIMEWAIT_STATS_SUBSTATE])
		return set_err(e, TCPFSM_ERR_MISSING, 0,
			       "substate in a timewait-stats");
	state = state_check(tb[TCPFSM_A_TIMEWAIT_STATS_SUBSTATE],
			    &tcpfsm_timewait_stats_set, e);
	if (state < 0)
		return -1;
	if (state != TCPFSM_STATE_FIN_WAIT2 && state != TCPFSM_STATE_TIME_WAIT)
		return 0;
	tw = &st->tw[state];
	*tw = t;
	if (tb[TCPFSM_A_TIMEWAIT_STATS_SAMPLES] && tb[TCPFSM_A_TIMEWAIT_STATS_SUM_NS]) {
		tw->dwell.present = true;
		tw->dwell.samples = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_STATS_SAMPLES]);
		tw->dwell.sum_ns = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_STATS_SUM_NS]);
	} else {
		memset(&tw->dwell, 0, sizeof(tw->dwell));
	}
	for (i = TCPFSM_A_TIMEWAIT_STATS_SUBSTATE + 1;
	     i <= TCPFSM_A_TIMEWAIT_STATS_MAX; i++) {
		if (!tb[i] || tcpfsm_timewait_stats_set.attrs[i].type != MNL_TYPE_U64)
			continue;
		tw->fig[i] = mnl_attr_get_u64(tb[i]);
		tw->has |= BIT(i);
	}
	return 0;
}

/* A multi-attr nest of the handshake nest, into @arg, its struct tcpfsm_dwell */
static int parse_hs_multi(const struct nlattr *nest, unsigned int type,
			  void *arg, struct tcpfsm_err *e)
{
	if (type != TCPFSM_A_HANDSHAKE_STATS_BUCKET)
		return 0;
	return parse_bucket(nest, type, arg, e);
}

/*
 * The handshake nest: the figures it has, as parse_tw() reads those of a
 * timewait substate; the histogram if samples and sum-ns came with it
 */
static int parse_hs(const struct nlattr *nest, struct tcpfsm_stats *st,
		    struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_HANDSHAKE_STATS_MAX + 1];
	struct tcpfsm_hs_stats h = { .present = true };
	unsigned int i;

	if (parse_nest_multi(nest, &tcpfsm_handshake_stats_set, tb,
			     parse_hs_multi, &h.dwell, e) < 0)
		return -1;
	if (tb[TCPFSM_A_HANDSHAKE_STATS_SAMPLES] &&
	    tb[TCPFSM_A_HANDSHAKE_STATS_SUM_NS]) {
		h.dwell.present = true;
		h.dwell.samples = mnl_attr_get_u64(tb[TCPFSM_A_HANDSHAKE_STATS_SAMPLES]);
		h.dwell.sum_ns = mnl_attr_get_u64(tb[TCPFSM_A_HANDSHAKE_STATS_SUM_NS]);
	} else {
		memset(&h.dwell, 0, sizeof(h.dwell));
	}
	for (i = 1; i <= TCPFSM_A_HANDSHAKE_STATS_MAX; i++) {
		if (!tb[i] ||
		    tcpfsm_handshake_stats_set.attrs[i].type != MNL_TYPE_U64)
			continue;
		h.fig[i] = mnl_attr_get_u64(tb[i]);
		h.has |= BIT(i);
	}
	st->hs = h;
	return 0;
}

struct stats_ctx {
	struct tcpfsm_stats *st;
	struct tcpfsm_err *e;
};

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct stats_ctx *c = data;
	struct tcpfsm_stats *st = c->st;
	int type = attr_check(attr, &tcpfsm_stats_set, c->e);
	const struct tcpfsm_figure *fig;
	int ret = 0;

	switch (type) {
	case -1:
		return MNL_CB_ERROR;
	case TCPFSM_A_STATS_TRANSITION:
		ret = parse_transition(attr, st, c->e);
		break;
	case TCPFSM_A_STATS_STATE:
		ret = parse_state(attr, st, c->e);
		break;
	case TCPFSM_A_STATS_DWELL:
		ret = parse_dwell(attr, st, c->e);
		break;
	case TCPFSM_A_STATS_TIMEWAIT_SUBSTATE:
		ret = parse_tw(attr, st, c->e);
		break;
	case TCPFSM_A_STATS_HANDSHAKE:
		ret = parse_hs(attr, st, c->e);
		break;
	case TCPFSM_A_STATS_NETNS_INO:
		st->netns_ino = mnl_attr_get_u32(attr);
		break;
	case TCPFSM_A_STATS_NETNS_COOKIE:
		st->netns_cookie = mnl_attr_get_u64(attr);
		break;
	default:	/* a figure of figures.c, unknown, or of requests only */
		fig = tcpfsm_figure_of(type);
		if (!fig)
			return MNL_CB_OK;
		tcpfsm_figure_set(st, fig, attr);
	}
	if (ret < 0)
		return MNL_CB_ERROR;
	st->present |= BIT(type);
	return MNL_CB_OK;
}

/**
 * tcpfsm_parse_stats() - parse a reply of TCPFSM_CMD_GET or _STATE_GET
 * @nlh: the message
 * @st: where to store what it holds: zero it first
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 if the message is malformed.
 */
int tcpfsm_parse_stats(const struct nlmsghdr *nlh, struct tcpfsm_stats *st,
		       struct tcpfsm_err *e)
{
	struct stats_ctx c = { .st = st, .e = e };

	if (genl_payload_check(nlh, e) < 0)
		return -1;
	return mnl_attr_parse(nlh, GENL_HDRLEN, stats_attr_cb, &c) < 0 ? -1 : 0;
}

/**
 * tcpfsm_state_check() - whether a reply had the figures of a state
 * @st: the reply
 * @state: 1..12
 * @e: what is missing, on error
 *
 * Return: 0, or -1 if the nest of @state, or one of its figures the family
 * documents for that state, is missing (the current of FIN_WAIT2 and of
 * TIME_WAIT may be: the module leaves it out when it cannot see timewait
 * sockets).
 */
int tcpfsm_state_check(const struct tcpfsm_stats *st, unsigned int state,
		       struct tcpfsm_err *e)
{
	const struct tcpfsm_state_stats *s = &st->state[state];
	const char *name = tcpfsm_state_name(state);

	if (!s->present)
		return set_err(e, TCPFSM_ERR_MISSING, 0, "the figures of %s", name);
	/*
	 * FIN_WAIT2's and TIME_WAIT's count timewait sockets: absent when the
	 * module cannot probe the kernel's timewait functions (kprobes=0)
	 */
	if (!s->has_current && tcpfsm_state_has_current(state) &&
	    state != TCPFSM_STATE_FIN_WAIT2 && state != TCPFSM_STATE_TIME_WAIT)
		return set_err(e, TCPFSM_ERR_MISSING, 0, "current of %s", name);
	if (!s->has_flow && tcpfsm_state_has_flow(state))
		return set_err(e, TCPFSM_ERR_MISSING, 0, "entered and left of %s",
			       name);
	return 0;
}

/* The figures of group @g (figures.c), all of which a reply must have */
static int figures_check(const struct tcpfsm_stats *st,
			 enum tcpfsm_figure_group g, struct tcpfsm_err *e)
{
	unsigned int i;

	for (i = 0; i < tcpfsm_nr_figures; i++)
		if (tcpfsm_figures[i].group == g &&
		    !tcpfsm_figure_present(st, &tcpfsm_figures[i]))
			return set_err(e, TCPFSM_ERR_MISSING, 0, "%s",
				       tcpfsm_stats_set.attrs[tcpfsm_figures[i].attr].name);
	return 0;
}

/**
 * tcpfsm_stats_check() - whether a reply of TCPFSM_CMD_GET is complete
 * @st: the reply
 * @e: what is missing, on error
 *
 * The event counters are not asked for: a module older than one of them
 * (events-unheard came later than the others) leaves it out, and the
 * views show it as absent, as Documentation/netlink.rst promises.
 *
 * Return: 0, or -1 if a state or a transition between two of the 11 TCP
 * states is missing.
 */
int tcpfsm_stats_check(const struct tcpfsm_stats *st, struct tcpfsm_err *e)
{
	unsigned int i, old, new;

	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (tcpfsm_state_check(st, i, e) < 0)
			return -1;
	for (old = 1; old <= TCPFSM_NR_TRANS_STATES; old++)
		for (new = 1; new <= TCPFSM_NR_TRANS_STATES; new++)
			if (!(st->trans_seen[old] & BIT(new)))
				return set_err(e, TCPFSM_ERR_MISSING, 0,
					       "the transition %s -> %s",
					       tcpfsm_state_name(old),
					       tcpfsm_state_name(new));
	return 0;
}

/**
 * tcpfsm_dwell_check() - whether a reply of TCPFSM_CMD_GET has time in state
 * @st: the reply
 * @e: what is missing, on error
 *
 * tcpfsm_stats_check() does not ask for these figures: modules before
 * them still show their counters.
 *
 * Return: 0, or -1 if tracked, untracked or track-size is missing, or,
 * with a table to track sockets, the histogram of a state a socket can
 * stay in.
 */
int tcpfsm_dwell_check(const struct tcpfsm_stats *st, struct tcpfsm_err *e)
{
	unsigned int i;

	if (figures_check(st, TCPFSM_FIG_TRACKING, e) < 0)
		return -1;
	if (!st->track_size)
		return 0;
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (tcpfsm_state_has_dwell(i) && !st->dwell[i].present)
			return set_err(e, TCPFSM_ERR_MISSING, 0,
				       "the time in state of %s",
				       tcpfsm_state_name(i));
	return 0;
}

struct family_ctx {
	struct tcpfsm_family *fam;
	struct tcpfsm_err *e;
	bool has_id;
};

static int mcast_grp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct family_ctx *c = data;

	/* each group is a nest, whatever its type */
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) {
		set_err(c->e, TCPFSM_ERR_MALFORMED, errno, "a multicast group");
		return MNL_CB_ERROR;
	}
	if (parse_nest(attr, &mcast_grp_set, tb, c->e) < 0)
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
		    TCPFSM_MCGRP_EVENTS))
		c->fam->mcgrp_events = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_ctx *c = data;

	switch (attr_check(attr, &ctrl_set, c->e)) {
	case -1:
		return MNL_CB_ERROR;
	case CTRL_ATTR_FAMILY_ID:
		c->fam->id = mnl_attr_get_u16(attr);
		c->has_id = true;
		break;
	case CTRL_ATTR_VERSION:
		c->fam->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		return parse_nested(attr, mcast_grp_cb, c, "mcast-groups", c->e);
	}
	return MNL_CB_OK;
}

/**
 * tcpfsm_parse_family() - parse a reply of CTRL_CMD_GETFAMILY
 * @nlh: the message
 * @fam: where to store the family's id, version and multicast group
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 if the message is malformed or has no family id.
 */
int tcpfsm_parse_family(const struct nlmsghdr *nlh, struct tcpfsm_family *fam,
			struct tcpfsm_err *e)
{
	struct family_ctx c = { .fam = fam, .e = e };

	memset(fam, 0, sizeof(*fam));
	if (genl_payload_check(nlh, e) < 0 ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, &c) < 0)
		return -1;
	if (!c.has_id)
		return set_err(e, TCPFSM_ERR_MISSING, 0, "the family id");
	return 0;
}

/**
 * tcpfsm_family_check() - whether this command can speak to the family
 * @fam: the family
 * @e: the version, on error
 *
 * What the family's ABI promises (Documentation/netlink.rst): attributes
 * and operations are added, those there stay. A newer module (a version
 * above this command's) is spoken to as this command knows it, its new
 * attributes skipped; an older one lacks some attributes, which the
 * command shows as absent. Only a version below the first is refused.
 *
 * Return: 0, or -1 if the version is below TCPFSM_FAMILY_VERSION.
 */
int tcpfsm_family_check(const struct tcpfsm_family *fam, struct tcpfsm_err *e)
{
	if (fam->version >= TCPFSM_FAMILY_VERSION)
		return 0;
	e->version = fam->version;
	return set_err(e, TCPFSM_ERR_VERSION, 0, NULL);
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct tcpfsm_err *e = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(e->ext_msg, sizeof(e->ext_msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			e->ext_offs = mnl_attr_get_u32(attr);
			e->has_offs = true;
		}
		break;
	}
	return MNL_CB_OK;
}

/**
 * tcpfsm_parse_error() - parse an NLMSG_ERROR message
 * @nlh: the message
 * @e: the error, with the kernel's extended ack
 *
 * Return: MNL_CB_STOP for an acknowledgment, MNL_CB_ERROR for an error
 * (errno is set to it).
 */
int tcpfsm_parse_error(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	size_t off = sizeof(*err);

	if (len < sizeof(*err)) {
		set_err(e, TCPFSM_ERR_MALFORMED, EBADMSG, "an error message");
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;

	set_err(e, TCPFSM_ERR_KERNEL, err->error < 0 ? -err->error : err->error,
		NULL);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* after the request, unless capped to its header */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    err->msg.nlmsg_len >= sizeof(err->msg))
			off += MNL_ALIGN(err->msg.nlmsg_len - sizeof(err->msg));
		if (off < len)
			mnl_attr_parse(nlh, off, extack_attr_cb, e);
	}
	errno = e->code;
	return MNL_CB_ERROR;
}

/* A state of an event: one this command knows, for it must name it */
static int event_state(const struct nlattr *attr, struct tcpfsm_err *e)
{
	int state = state_check(attr, &tcpfsm_event_set, e);

	if (!state)
		return set_err(e, TCPFSM_ERR_MALFORMED, EINVAL,
			       "state %u in attribute %s of event",
			       mnl_attr_get_u8(attr),
			       tcpfsm_event_set.attrs[mnl_attr_get_type(attr)].name);
	return state;
}

/*
 * The family, the addresses and the ports of an event or a socket (of
 * @set, @noun for the messages), whose attributes are numbered alike.
 */
static int parse_ends(const struct nlattr **tb, const struct tcpfsm_attr_set *set,
		      const char *noun, struct tcpfsm_ends *ends,
		      struct tcpfsm_err *e)
{
	const struct nlattr *saddr, *daddr;
	unsigned int i, sa, da;

	memset(ends, 0, sizeof(*ends));
	for (i = 0; i < 3; i++)		/* family, sport, dport */
		if (!tb[event_required_attrs[i]])
			return set_err(e, TCPFSM_ERR_MISSING, 0, "%s in %s",
				       set->attrs[event_required_attrs[i]].name,
				       noun);
	ends->family = mnl_attr_get_u16(tb[TCPFSM_A_EVENT_FAMILY]);
	switch (ends->family) {
	case AF_INET:
		sa = TCPFSM_A_EVENT_SADDR4;
		da = TCPFSM_A_EVENT_DADDR4;
		break;
	case AF_INET6:
		sa = TCPFSM_A_EVENT_SADDR6;
		da = TCPFSM_A_EVENT_DADDR6;
		break;
	default:
		return set_err(e, TCPFSM_ERR_MALFORMED, EAFNOSUPPORT,
			       "family %u of %s", ends->family, noun);
	}
	saddr = tb[sa];
	daddr = tb[da];
	if (!saddr || !daddr)
		return set_err(e, TCPFSM_ERR_MISSING, 0, "%s in %s",
			       set->attrs[saddr ? da : sa].name, noun);
	memcpy(ends->saddr, mnl_attr_get_payload(saddr),
	       mnl_attr_get_payload_len(saddr));
	memcpy(ends->daddr, mnl_attr_get_payload(daddr),
	       mnl_attr_get_payload_len(daddr));
	ends->sport = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_EVENT_SPORT]));
	ends->dport = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_EVENT_DPORT]));
	return 0;
}

/* Bit i of the result: tb[i] is set, for the attributes i of @set */
static uint32_t attrs_present(const struct nlattr **tb,
			      const struct tcpfsm_attr_set *set)
{
	uint32_t present = 0;
	unsigned int i;

	for (i = 1; i <= set->max; i++)
		if (tb[i])
			present |= BIT(i);
	return present;
}

/* A u64 attribute if present, else 0 */
static uint64_t opt_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

/**
 * tcpfsm_parse_event() - parse a TCPFSM_CMD_TRANSITION_NTF
 * @nlh: the message
 * @ev: the event
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 if the message is malformed, of a family other than
 * AF_INET and AF_INET6, or lacks an attribute every event has.
 */
int tcpfsm_parse_event(const struct nlmsghdr *nlh, struct tcpfsm_event *ev,
		       struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_EVENT_MAX + 1];
	struct tcpfsm_ends ends;
	unsigned int i;
	int old, new;

	memset(ev, 0, sizeof(*ev));
	if (parse_msg_attrs(nlh, &tcpfsm_event_set, tb, NULL, NULL, e) < 0)
		return -1;
	ev->present = attrs_present(tb, &tcpfsm_event_set);
	for (i = 0; i < ARRAY_SIZE(event_required_attrs); i++)
		if (!tb[event_required_attrs[i]])
			return set_err(e, TCPFSM_ERR_MISSING, 0, "%s in an event",
				       tcpfsm_event_set.attrs[event_required_attrs[i]].name);
	if (parse_ends(tb, &tcpfsm_event_set, "an event", &ends, e) < 0)
		return -1;
	ev->family = ends.family;
	memcpy(ev->saddr, ends.saddr, sizeof(ev->saddr));
	memcpy(ev->daddr, ends.daddr, sizeof(ev->daddr));
	ev->sport = ends.sport;
	ev->dport = ends.dport;

	old = event_state(tb[TCPFSM_A_EVENT_OLD_STATE], e);
	new = event_state(tb[TCPFSM_A_EVENT_NEW_STATE], e);
	if (old < 0 || new < 0)
		return -1;
	ev->old_state = old;
	ev->new_state = new;

	ev->time_ns = mnl_attr_get_u64(tb[TCPFSM_A_EVENT_TIMESTAMP]);
	ev->cookie = opt_u64(tb[TCPFSM_A_EVENT_COOKIE]);
	ev->ino = opt_u64(tb[TCPFSM_A_EVENT_INO]);
	if (tb[TCPFSM_A_EVENT_UID])
		ev->uid = mnl_attr_get_u32(tb[TCPFSM_A_EVENT_UID]);
	ev->source = mnl_attr_get_u32(tb[TCPFSM_A_EVENT_SOURCE]);
	ev->seq = mnl_attr_get_u64(tb[TCPFSM_A_EVENT_SEQ]);
	ev->old_state_ns = opt_u64(tb[TCPFSM_A_EVENT_OLD_STATE_NS]);
	return 0;
}

/**
 * tcpfsm_parse_socket() - parse a reply of TCPFSM_CMD_CLOSEWAIT_GET
 * @nlh: the message: one socket
 * @sk: the socket
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 if the message is malformed, of a family other than
 * AF_INET and AF_INET6, or lacks its addresses or ports.
 */
int tcpfsm_parse_socket(const struct nlmsghdr *nlh, struct tcpfsm_socket *sk,
			struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_SOCKET_MAX + 1];

	memset(sk, 0, sizeof(*sk));
	if (parse_msg_attrs(nlh, &tcpfsm_socket_set, tb, NULL, NULL, e) < 0 ||
	    parse_ends(tb, &tcpfsm_socket_set, "a socket", &sk->ends, e) < 0)
		return -1;
	sk->present = attrs_present(tb, &tcpfsm_socket_set);
	sk->age_ns = opt_u64(tb[TCPFSM_A_SOCKET_AGE_NS]);
	sk->ino = opt_u64(tb[TCPFSM_A_SOCKET_INO]);
	sk->cookie = opt_u64(tb[TCPFSM_A_SOCKET_COOKIE]);
	if (tb[TCPFSM_A_SOCKET_UID])
		sk->uid = mnl_attr_get_u32(tb[TCPFSM_A_SOCKET_UID]);
	return 0;
}

/* A port-count nest of a timewait reply, appended to its list */
static int parse_port_count(const struct nlattr *nest, unsigned int type,
			    void *arg, struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_PORT_COUNT_MAX + 1];
	struct tcpfsm_timewait *tw = arg;
	struct tcpfsm_port_count *pc;
	unsigned int *n;

	if (parse_nest(nest, &tcpfsm_port_count_set, tb, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_PORT_COUNT_PORT] || !tb[TCPFSM_A_PORT_COUNT_COUNT])
		return set_err(e, TCPFSM_ERR_MISSING, 0, "port or count in a %s",
			       tcpfsm_timewait_set.attrs[type].name);
	if (type == TCPFSM_A_TIMEWAIT_LOCAL_PORT) {
		pc = tw->local;
		n = &tw->n_local;
	} else {
		pc = tw->remote;
		n = &tw->n_remote;
	}
	if (*n == TCPFSM_TIMEWAIT_MAX_PORTS)
		return 0;	/* more than asked for: the first are the most */
	pc[*n].port = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_PORT_COUNT_PORT]));
	pc[*n].count = mnl_attr_get_u32(tb[TCPFSM_A_PORT_COUNT_COUNT]);
	(*n)++;
	return 0;
}

/**
 * tcpfsm_parse_timewait() - parse a reply of TCPFSM_CMD_TIMEWAIT_GET
 * @nlh: the message
 * @tw: the reply
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 if the message is malformed or lacks count or created.
 */
int tcpfsm_parse_timewait(const struct nlmsghdr *nlh,
			  struct tcpfsm_timewait *tw, struct tcpfsm_err *e)
{
	const struct nlattr *tb[TCPFSM_A_TIMEWAIT_MAX + 1];

	memset(tw, 0, sizeof(*tw));
	if (parse_msg_attrs(nlh, &tcpfsm_timewait_set, tb, parse_port_count, tw, e) < 0)
		return -1;
	if (!tb[TCPFSM_A_TIMEWAIT_COUNT] || !tb[TCPFSM_A_TIMEWAIT_CREATED])
		return set_err(e, TCPFSM_ERR_MISSING, 0, "%s of timewait",
			       tcpfsm_timewait_set.attrs[tb[TCPFSM_A_TIMEWAIT_COUNT] ?
					      TCPFSM_A_TIMEWAIT_CREATED :
					      TCPFSM_A_TIMEWAIT_COUNT].name);
	tw->count = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_COUNT]);
	tw->created = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_CREATED]);
	return 0;
}

/**
 * tcpfsm_parse_events() - the events of a datagram of the events group
 * @buf: the datagram
 * @len: its length
 * @family_id: the id of the tcpfsm family: messages of others are skipped,
 *	as are its messages other than TCPFSM_CMD_TRANSITION_NTF
 * @cb: called for each event, in order, or for each message that does not
 *	parse (with what is wrong with it): one bad message does not hide
 *	the others
 * @data: for @cb
 * @e: why, if @cb stopped
 *
 * Return: 0, or -1 if @cb returned -1.
 */
int tcpfsm_parse_events(const void *buf, size_t len, uint16_t family_id,
			tcpfsm_event_cb cb, void *data, struct tcpfsm_err *e)
{
	const struct nlmsghdr *nlh = buf;
	struct tcpfsm_event ev;
	struct tcpfsm_err me;
	int left = len, ret;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type != family_id ||
		    (mnl_nlmsg_get_payload_len(nlh) >= GENL_HDRLEN &&
		     genl->cmd != TCPFSM_CMD_TRANSITION_NTF))
			continue;
		err_init(&me, "reading an event");
		if (tcpfsm_parse_event(nlh, &ev, &me) < 0)
			ret = cb(NULL, &me, data);
		else
			ret = cb(&ev, NULL, data);
		if (ret < 0)
			return sys_err(e, errno);
	}
	if (left > 0) {
		err_init(&me, "reading an event");
		set_err(&me, TCPFSM_ERR_MALFORMED, EBADMSG,
			"a message longer than its datagram");
		if (cb(NULL, &me, data) < 0)
			return sys_err(e, errno);
	}
	return 0;
}

/* One exchange: the request, the reply if any, the ack */
struct reply_ctx {
	uint16_t type;		/* of the reply */
	int (*parse)(const struct nlmsghdr *nlh, void *arg, struct tcpfsm_err *e);
	void *arg;
	struct tcpfsm_err *e;
	bool dump;		/* replies until NLMSG_DONE, maybe none */
	bool ack_only;		/* no reply, only the ack */
	bool replied;
	bool failed;		/* the reply did not parse */
};

/* A reply that does not parse is an error, after the ack is read */
static int reply_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply_ctx *c = data;

	if (nlh->nlmsg_type != c->type || c->failed || !c->parse)
		return MNL_CB_OK;
	c->replied = true;
	if (c->parse(nlh, c->arg, c->e) < 0)
		c->failed = true;
	return MNL_CB_OK;
}

static int reply_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply_ctx *c = data;

	return tcpfsm_parse_error(nlh, c->e);
}

/* The end of a dump: the error that cut it short, if any */
static int reply_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply_ctx *c = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	set_err(c->e, TCPFSM_ERR_KERNEL, -err, NULL);
	errno = -err;
	return MNL_CB_ERROR;
}

static int nl_talk(struct tcpfsm_nl *nl, const struct nlmsghdr *nlh,
		   struct reply_ctx *c)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR]	= reply_error_cb,
		[NLMSG_DONE]	= reply_done_cb,
	};
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return sys_err(c->e, errno);
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, TCPFSM_NL_BUFSIZE);
		if (n < 0)
			return sys_err(c->e, errno);
		ret = mnl_cb_run2(nl->buf, n, nlh->nlmsg_seq, nl->portid,
				  reply_data_cb, c, ctl, ARRAY_SIZE(ctl));
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		/* not the kernel's error: the seq or portid check failed */
		if (c->e->kind == TCPFSM_ERR_NONE)
			sys_err(c->e, errno);
		return -1;
	}
	if (c->failed)
		return -1;
	if (!c->replied && !c->dump && !c->ack_only)
		return set_err(c->e, TCPFSM_ERR_MISSING, 0, "a reply");
	return 0;
}

/* A request of @cmd to @type, acknowledged, in @buf (zeroed) */
static struct nlmsghdr *genl_request(struct tcpfsm_nl *nl, char *buf,
				     uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int parse_family_cb(const struct nlmsghdr *nlh, void *arg,
			   struct tcpfsm_err *e)
{
	return tcpfsm_parse_family(nlh, arg, e);
}

static int parse_stats_cb(const struct nlmsghdr *nlh, void *arg,
			  struct tcpfsm_err *e)
{
	return tcpfsm_parse_stats(nlh, arg, e);
}

/**
 * tcpfsm_nl_socket() - open a generic netlink socket
 * @nl: the socket
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 (and @nl closed).
 */
int tcpfsm_nl_socket(struct tcpfsm_nl *nl, struct tcpfsm_err *e)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	err_init(e, "opening a generic netlink socket");
	nl->buf = malloc(TCPFSM_NL_BUFSIZE);
	if (!nl->buf)
		return sys_err(e, ENOMEM);
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		sys_err(e, errno);
		tcpfsm_nl_close(nl);
		return -1;
	}
	/* the kernel's messages in errors, not the request echoed back */
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = time(NULL);
	return 0;
}

/**
 * tcpfsm_nl_resolve() - CTRL_CMD_GETFAMILY: find a generic netlink family
 * @nl: an open socket
 * @name: the family's name
 * @fam: its id, version and multicast group "events"
 * @e: what went wrong, on error; TCPFSM_ERR_NOFAMILY if there is no such
 *	family
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_resolve(struct tcpfsm_nl *nl, const char *name,
		      struct tcpfsm_family *fam, struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct reply_ctx c = {
		.type = GENL_ID_CTRL, .parse = parse_family_cb, .arg = fam, .e = e,
	};
	struct nlmsghdr *nlh;

	err_init(e, "looking up the netlink family");
	nlh = genl_request(nl, req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (nl_talk(nl, nlh, &c) < 0) {
		if (e->kind == TCPFSM_ERR_KERNEL && e->code == ENOENT)
			e->kind = TCPFSM_ERR_NOFAMILY;
		return -1;
	}
	return 0;
}

/**
 * tcpfsm_nl_open() - open a generic netlink socket, find the tcpfsm family
 * @nl: the socket and what it knows about the family
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 (and @nl closed).
 */
int tcpfsm_nl_open(struct tcpfsm_nl *nl, struct tcpfsm_err *e)
{
	if (tcpfsm_nl_socket(nl, e) < 0)
		return -1;
	if (tcpfsm_nl_resolve(nl, TCPFSM_FAMILY_NAME, &nl->family, e) < 0 ||
	    tcpfsm_family_check(&nl->family, e) < 0) {
		tcpfsm_nl_close(nl);
		return -1;
	}
	return 0;
}

/**
 * tcpfsm_nl_close() - close what tcpfsm_nl_open() opened
 * @nl: the socket
 */
void tcpfsm_nl_close(struct tcpfsm_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

static int nl_stats_request(struct tcpfsm_nl *nl, const struct nlmsghdr *nlh,
			    struct tcpfsm_stats *st, struct tcpfsm_err *e)
{
	struct reply_ctx c = {
		.type = nl->family.id, .parse = parse_stats_cb, .arg = st, .e = e,
	};

	memset(st, 0, sizeof(*st));
	return nl_talk(nl, nlh, &c);
}

/**
 * tcpfsm_nl_get_stats() - TCPFSM_CMD_GET: everything, for this netns
 * @nl: an open socket
 * @st: the reply
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 on error, including a reply that lacks something.
 */
int tcpfsm_nl_get_stats(struct tcpfsm_nl *nl, struct tcpfsm_stats *st,
			struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct nlmsghdr *nlh;

	err_init(e, "reading the statistics of the tcpfsm module");
	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_GET,
			   TCPFSM_FAMILY_VERSION);
	if (nl_stats_request(nl, nlh, st, e) < 0)
		return -1;
	return tcpfsm_stats_check(st, e);
}

/**
 * tcpfsm_nl_get_state() - TCPFSM_CMD_STATE_GET: one state, for this netns
 * @nl: an open socket
 * @state: 1..12
 * @st: the reply: st->state[@state]
 * @e: what went wrong, on error
 *
 * Return: 0, or -1 on error, including a reply that lacks something.
 */
int tcpfsm_nl_get_state(struct tcpfsm_nl *nl, unsigned int state,
			struct tcpfsm_stats *st, struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct nlmsghdr *nlh;

	err_init(e, "reading the figures of a state");
	if (state < 1 || state > TCPFSM_NR_STATES)
		return set_err(e, TCPFSM_ERR_SYS, EINVAL, NULL);
	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_STATE_GET,
			   TCPFSM_FAMILY_VERSION);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATS_STATE_ID, state);
	if (nl_stats_request(nl, nlh, st, e) < 0)
		return -1;
	return tcpfsm_state_check(st, state, e);
}

/* What the kernel refuses to whom lacks CAP_NET_ADMIN, and the way out */
static void admin_hint(struct tcpfsm_err *e, const char *what)
{
	if (e->kind == TCPFSM_ERR_KERNEL && (e->code == EPERM || e->code == EACCES))
		snprintf(e->detail, sizeof(e->detail),
			 "%s: run it as root", what);
}

/* A namespace of netns-get: its identity, and what get must have */
static int parse_netns_cb(const struct nlmsghdr *nlh, void *arg,
			  struct tcpfsm_err *e)
{
	struct tcpfsm_netns_stats *l = arg;
	struct tcpfsm_stats *v, *st;

	if (l->n == l->size) {
		size_t size = l->size ? 2 * l->size : 8;

		v = realloc(l->v, size * sizeof(*v));
		if (!v)
			return sys_err(e, ENOMEM);
		l->v = v;
		l->size = size;
	}
	st = &l->v[l->n];
	memset(st, 0, sizeof(*st));
	if (tcpfsm_parse_stats(nlh, st, e) < 0)
		return -1;
	if (!(st->present & BIT(TCPFSM_A_STATS_NETNS_INO)))
		return set_err(e, TCPFSM_ERR_MISSING, 0, "netns-ino");
	if (!(st->present & BIT(TCPFSM_A_STATS_NETNS_COOKIE)))
		return set_err(e, TCPFSM_ERR_MISSING, 0, "netns-cookie");
	if (tcpfsm_stats_check(st, e) < 0)
		return -1;
	l->n++;
	return 0;
}

/**
 * tcpfsm_netns_stats_free() - free the replies of tcpfsm_nl_get_netns()
 * @l: the replies
 */
void tcpfsm_netns_stats_free(struct tcpfsm_netns_stats *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/**
 * tcpfsm_nl_get_netns() - TCPFSM_CMD_NETNS_GET: everything, every netns
 * @nl: an open socket
 * @l: a reply per namespace, each with netns_ino and netns_cookie, in the
 *	kernel's order; tcpfsm_netns_stats_free() them, on error too
 * @e: what went wrong, on error; EPERM (TCPFSM_ERR_KERNEL) without
 *	CAP_NET_ADMIN in the initial user namespace, EOPNOTSUPP from a
 *	module that predates the op
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_get_netns(struct tcpfsm_nl *nl, struct tcpfsm_netns_stats *l,
			struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct reply_ctx c = {
		.type = nl->family.id, .parse = parse_netns_cb, .arg = l,
		.e = e, .dump = true,
	};
	struct nlmsghdr *nlh;

	err_init(e, "reading the statistics of every network namespace");
	memset(l, 0, sizeof(*l));
	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_NETNS_GET,
			   TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (nl_talk(nl, nlh, &c) < 0) {
		admin_hint(e, "it shows every namespace");
		if (e->kind == TCPFSM_ERR_KERNEL && e->code == EOPNOTSUPP)
			snprintf(e->detail, sizeof(e->detail),
				 "the module predates netns-get");
		return -1;
	}
	return 0;
}

static int parse_socket_cb(const struct nlmsghdr *nlh, void *arg,
			   struct tcpfsm_err *e)
{
	struct tcpfsm_sockets *socks = arg;
	struct tcpfsm_socket *v;

	if (socks->n == socks->size) {
		size_t size = socks->size ? 2 * socks->size : 64;

		v = realloc(socks->v, size * sizeof(*v));
		if (!v)
			return sys_err(e, ENOMEM);
		socks->v = v;
		socks->size = size;
	}
	if (tcpfsm_parse_socket(nlh, &socks->v[socks->n], e) < 0)
		return -1;
	socks->n++;
	return 0;
}

/**
 * tcpfsm_sockets_free() - free the sockets of tcpfsm_nl_get_closewait()
 * @s: the sockets
 */
void tcpfsm_sockets_free(struct tcpfsm_sockets *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/**
 * tcpfsm_nl_get_closewait() - TCPFSM_CMD_CLOSEWAIT_GET: the CLOSE_WAIT sockets
 * @nl: an open socket
 * @min_age_ns: only those known to be in CLOSE_WAIT this long, or NULL: all
 * @socks: the sockets, in the kernel's order; tcpfsm_sockets_free() them,
 *	on error too
 * @e: what went wrong, on error; EPERM (TCPFSM_ERR_KERNEL) without
 *	CAP_NET_ADMIN
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_get_closewait(struct tcpfsm_nl *nl, const uint64_t *min_age_ns,
			    struct tcpfsm_sockets *socks, struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct reply_ctx c = {
		.type = nl->family.id, .parse = parse_socket_cb, .arg = socks,
		.e = e, .dump = true,
	};
	struct nlmsghdr *nlh;

	err_init(e, "listing the CLOSE_WAIT sockets");
	memset(socks, 0, sizeof(*socks));
	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_CLOSEWAIT_GET,
			   TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (min_age_ns)
		mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_MIN_AGE_NS, *min_age_ns);
	if (nl_talk(nl, nlh, &c) < 0) {
		admin_hint(e, "they carry addresses and owners");
		return -1;
	}
	return 0;
}

static int parse_timewait_cb(const struct nlmsghdr *nlh, void *arg,
			     struct tcpfsm_err *e)
{
	return tcpfsm_parse_timewait(nlh, arg, e);
}

/**
 * tcpfsm_nl_get_timewait() - TCPFSM_CMD_TIMEWAIT_GET: the timewait sockets
 * @nl: an open socket
 * @limit: how many ports of each kind, 1..TCPFSM_TIMEWAIT_MAX_PORTS
 * @tw: the reply
 * @e: what went wrong, on error; EPERM (TCPFSM_ERR_KERNEL) without
 *	CAP_NET_ADMIN
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_get_timewait(struct tcpfsm_nl *nl, uint32_t limit,
			   struct tcpfsm_timewait *tw, struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct reply_ctx c = {
		.type = nl->family.id, .parse = parse_timewait_cb, .arg = tw,
		.e = e,
	};
	struct nlmsghdr *nlh;

	err_init(e, "reading the timewait sockets");
	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_TIMEWAIT_GET,
			   TCPFSM_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, TCPFSM_A_TIMEWAIT_LIMIT, limit);
	if (nl_talk(nl, nlh, &c) < 0) {
		admin_hint(e, "they carry the ports of connections");
		return -1;
	}
	return 0;
}

/*
 * TCPFSM_CMD_EVENTS_SUBSCRIBE, for the events of the socket's netns, with
 * the flag tw-events (the timewait sockets' events too) if @flags > 0 and
 * rsk-events (the request sockets') if @flags > 1
 */
static int nl_subscribe_req(struct tcpfsm_nl *nl, int flags,
			    struct tcpfsm_err *e)
{
	char req[TCPFSM_NL_REQSIZE] = { 0 };
	struct reply_ctx c = { .type = nl->family.id, .e = e, .ack_only = true };
	struct nlmsghdr *nlh;

	nlh = genl_request(nl, req, nl->family.id, TCPFSM_CMD_EVENTS_SUBSCRIBE,
			   TCPFSM_FAMILY_VERSION);
	if (flags > 0)
		mnl_attr_put(nlh, TCPFSM_A_STATS_TW_EVENTS, 0, NULL);
	if (flags > 1)
		mnl_attr_put(nlh, TCPFSM_A_STATS_RSK_EVENTS, 0, NULL);
	return nl_talk(nl, nlh, &c);
}

/*
 * Subscribe, asking for the timewait and the request sockets' events
 * unless @full (the kernel's transitions only). A module before tw-events
 * has no policy for the op and ignores the flags (its events are the
 * kernel's transitions only); one that rejects a flag as unknown (EINVAL)
 * is asked again with fewer.
 */
static int nl_subscribe(struct tcpfsm_nl *nl, bool full, struct tcpfsm_err *e)
{
	int flags = full ? 0 : 2, ret;

	for (;;) {
		ret = nl_subscribe_req(nl, flags, e);
		if (ret == 0 || flags == 0 || e->kind != TCPFSM_ERR_KERNEL ||
		    e->code != EINVAL)
			break;
		err_init(e, "monitor");
		flags--;
	}
	if (ret == 0)
		return 0;
	/* a module before the op: joining the group was enough */
	if (e->kind == TCPFSM_ERR_KERNEL && e->code == EOPNOTSUPP) {
		err_init(e, "monitor");
		return 0;
	}
	admin_hint(e, "the events carry addresses");
	return -1;
}

/**
 * tcpfsm_nl_join_events() - join the multicast group "events"
 * @nl: an open socket, of tcpfsm_nl_open()
 * @full: the kernel's transitions only, not the steps of timewait and
 *	request sockets
 * @rcvbuf: the size of its receive buffer, bytes (the kernel doubles it),
 *	or 0 for 4 MiB
 * @e: what went wrong, on error: TCPFSM_ERR_NOGROUP if the family has no
 *	such group
 *
 * The socket's receive buffer is enlarged first, to hold a burst of events
 * (beyond net.core.rmem_max with CAP_NET_ADMIN, else up to it), and set
 * to report a full buffer to the sender (NETLINK_BROADCAST_ERROR): the
 * module then counts what it could not deliver as events-lost-rcvbuf,
 * where it would otherwise take the full buffer for nobody listening.
 * Then the socket subscribes to the events of its netns
 * (TCPFSM_CMD_EVENTS_SUBSCRIBE, with tw-events and rsk-events unless
 * @full: the timewait and request sockets' events too), without which the
 * module records none; a module older than that op sends them to every
 * member of the group.
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_join_events(struct tcpfsm_nl *nl, bool full,
			  unsigned int rcvbuf, struct tcpfsm_err *e)
{
	unsigned int grp = nl->family.mcgrp_events;
	int fd = mnl_socket_get_fd(nl->sk);
	int size = rcvbuf ?: TCPFSM_NL_RCVBUF, on = 1;

	err_init(e, "monitor");
	if (!grp)
		return set_err(e, TCPFSM_ERR_NOGROUP, 0, NULL);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_setsockopt(nl->sk, NETLINK_BROADCAST_ERROR, &on,
				  sizeof(on)) < 0)
		return sys_err(e, errno);
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0) {
		if (errno == EPERM || errno == EACCES)
			return set_err(e, TCPFSM_ERR_SYS, errno,
				       "the events carry addresses");
		return sys_err(e, errno);
	}
	return nl_subscribe(nl, full, e);
}

/**
 * tcpfsm_nl_recv_events() - receive a datagram of the events group
 * @nl: a socket of tcpfsm_nl_join_events()
 * @cb: called for each event of it, see tcpfsm_parse_events()
 * @data: for @cb
 * @e: what went wrong, on error: ENOBUFS (TCPFSM_ERR_SYS) if events were
 *	lost because the socket's buffer was full; the socket goes on
 *
 * Return: 0, or -1.
 */
int tcpfsm_nl_recv_events(struct tcpfsm_nl *nl, tcpfsm_event_cb cb, void *data,
			  struct tcpfsm_err *e)
{
	ssize_t n;

	err_init(e, "receiving the events");
	n = mnl_socket_recvfrom(nl->sk, nl->buf, TCPFSM_NL_BUFSIZE);
	if (n < 0)
		return sys_err(e, errno);
	return tcpfsm_parse_events(nl->buf, n, nl->family.id, cb, data, e);
}

/**
 * tcpfsm_err_print() - say what went wrong, and its likely cause
 * @f: where, usually stderr
 * @e: the error
 */
void tcpfsm_err_print(FILE *f, const struct tcpfsm_err *e)
{
	const char *what = e->what ? e->what : "netlink";

	switch (e->kind) {
	case TCPFSM_ERR_NONE:
		return;
	case TCPFSM_ERR_NOFAMILY:
		fputs("tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (modprobe tcpfsm)\n",
		      f);
		return;
	case TCPFSM_ERR_VERSION:
		fprintf(f, "tcpfsm: the kernel module has version %u of the tcpfsm netlink family, this command knows version %d: the kernel module is too %s for this tcpfsm command\n",
			e->version, TCPFSM_FAMILY_VERSION,
			e->version > TCPFSM_FAMILY_VERSION ? "new" : "old");
		return;
	case TCPFSM_ERR_MISSING:
		fprintf(f, "tcpfsm: %s: the reply of the kernel lacks %s: the kernel module is too old for this tcpfsm command\n",
			what, e->detail);
		return;
	case TCPFSM_ERR_MALFORMED:
		fprintf(f, "tcpfsm: %s: malformed reply from the kernel: %s: %s\n",
			what, e->detail, strerror(e->code));
		return;
	case TCPFSM_ERR_NOGROUP:
		fputs("tcpfsm: the tcpfsm module is too old: no events group\n", f);
		return;
	case TCPFSM_ERR_SYS:
	case TCPFSM_ERR_KERNEL:
		break;
	}

	if ((e->code == EPERM || e->code == EACCES) && e->detail[0]) {
		/* the detail says why */
		fprintf(f, "tcpfsm: %s needs CAP_NET_ADMIN (%s)\n", what,
			e->detail);
		return;
	}
	if (e->code == EPERM || e->code == EACCES)
		fprintf(f, "tcpfsm: %s needs CAP_NET_ADMIN: %s", what,
			strerror(e->code));
	else
		fprintf(f, "tcpfsm: %s: %s", what, strerror(e->code));
	if (e->ext_msg[0])
		fprintf(f, ": %s", e->ext_msg);
	if (e->has_offs)
		fprintf(f, " (the attribute at byte %u of the request)",
			e->ext_offs);
	if (e->kind == TCPFSM_ERR_KERNEL && e->code == EOPNOTSUPP)
		fputs(": the kernel module is too old for this tcpfsm command", f);
	fputc('\n', f);
}
