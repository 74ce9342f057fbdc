// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of nl.c: the parsing of the module's replies and events
 * (messages built here with libmnl), of the family, of errors and extended
 * acks; the printing of errors. What needs a kernel is in the selftests,
 * which run the command against the module.
 *
 *	nl [-l] [-t TEST]...
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "monitor.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

#define SK_AGE		BIT(TCPFSM_A_SOCKET_AGE_NS)
#define SK_INO		BIT(TCPFSM_A_SOCKET_INO)

/* Netlink replies, built here */

static void put_transition(struct nlmsghdr *nlh, uint8_t old, uint8_t new,
			   uint64_t count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);

	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, old);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, new);
	mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, count);
	mnl_attr_nest_end(nlh, nest);
}

static void put_state(struct nlmsghdr *nlh, uint8_t state,
		      const struct tcpfsm_state_stats *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);

	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, state);
	if (s->has_current)
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, s->current);
	if (s->has_flow) {
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, s->entered);
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT, s->left);
	}
	mnl_attr_nest_end(nlh, nest);
}

enum {
	OMIT_NONE,
	OMIT_TRANSITION,	/* ESTABLISHED -> CLOSE */
	OMIT_STATE,		/* LISTEN */
	OMIT_EVENT,		/* events-lost-rcvbuf */
	WITH_UNKNOWN,		/* attributes and states this command does not know */
};

/* A reply of GET, as the module sends it, of what @st holds */
static struct nlmsghdr *put_stats(char *buf, const struct tcpfsm_stats *st,
				  int variant)
{
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	unsigned int old, new, i;
	struct nlattr *nest;

	for (old = 1; old <= TCPFSM_NR_TRANS_STATES; old++) {
		for (new = 1; new <= TCPFSM_NR_TRANS_STATES; new++) {
			if (variant == OMIT_TRANSITION &&
			    old == TCPFSM_STATE_ESTABLISHED && new == TCPFSM_STATE_CLOSE)
				continue;
			put_transition(nlh, old, new, st->trans[old][new]);
		}
	}
	if (variant == WITH_UNKNOWN) {
		/* a transition to a newer state; a nest with more in it */
		put_transition(nlh, TCPFSM_STATE_CLOSE, TCPFSM_NR_STATES + 1, 99);
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
		mnl_attr_put_u32(nlh, TCPFSM_A_TRANSITION_MAX + 1, 0xdead);
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, TCPFSM_STATE_CLOSING);
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, TCPFSM_STATE_CLOSE);
		mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT,
				 st->trans[TCPFSM_STATE_CLOSING][TCPFSM_STATE_CLOSE]);
		mnl_attr_put_u16(nlh, 0, 0);	/* a pad */
		mnl_attr_nest_end(nlh, nest);
		/* unknown top-level attributes, a plain one and a nest */
		mnl_attr_put_u32(nlh, TCPFSM_A_STATS_MAX + 1, 7);
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_MAX + 2);
		mnl_attr_put_u64(nlh, 1, 1234);
		mnl_attr_nest_end(nlh, nest);
	}
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (variant == OMIT_STATE && i == TCPFSM_STATE_LISTEN)
			continue;
		put_state(nlh, i, &st->state[i]);
		if (variant == WITH_UNKNOWN && i == TCPFSM_STATE_CLOSING) {
			/* a newer state; a newer figure */
			nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
			mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE,
					TCPFSM_NR_STATES + 1);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 5);
			mnl_attr_nest_end(nlh, nest);
			nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_MAX + 1, 77);
			mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, i);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT,
					 st->state[i].current);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED,
					 st->state[i].entered);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT,
					 st->state[i].left);
			mnl_attr_nest_end(nlh, nest);
		}
	}
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, st->events_sent);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW,
			 st->events_lost_overflow);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM,
			 st->events_lost_nomem);
	if (variant != OMIT_EVENT)
		mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_RCVBUF,
				 st->events_lost_rcvbuf);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_UNHEARD, st->events_unheard);
	return nlh;
}

/* The figures of @a and @b are the same (and which are not) */
static bool stats_equal(const struct tcpfsm_stats *a, const struct tcpfsm_stats *b)
{
	bool ok = true;
	unsigned int i, j;

	for (i = 0; i <= TCPFSM_NR_STATES; i++) {
		const struct tcpfsm_state_stats *x = &a->state[i], *y = &b->state[i];

		for (j = 0; j <= TCPFSM_NR_STATES; j++) {
			if (a->trans[i][j] != b->trans[i][j]) {
				printf("# trans[%u][%u]: %llu != %llu\n", i, j,
				       (unsigned long long)a->trans[i][j],
				       (unsigned long long)b->trans[i][j]);
				ok = false;
			}
		}
		if (a->trans_seen[i] != b->trans_seen[i]) {
			printf("# trans_seen[%u]: %#x != %#x\n", i,
			       a->trans_seen[i], b->trans_seen[i]);
			ok = false;
		}
		if (x->present != y->present || x->has_current != y->has_current ||
		    x->has_flow != y->has_flow || x->current != y->current ||
		    x->entered != y->entered || x->left != y->left) {
			printf("# state %u differs\n", i);
			ok = false;
		}
	}
	if (a->events_sent != b->events_sent ||
	    a->events_lost_overflow != b->events_lost_overflow ||
	    a->events_lost_nomem != b->events_lost_nomem ||
	    a->events_lost_rcvbuf != b->events_lost_rcvbuf ||
	    a->events_unheard != b->events_unheard ||
	    a->present != b->present) {
		printf("# event counters or present differ\n");
		ok = false;
	}
	return ok;
}

TEST(stats)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats want, got;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	sample_stats(&want);
	want.trans[TCPFSM_STATE_CLOSING][TCPFSM_STATE_CLOSE] = 42;
	want.state[TCPFSM_STATE_SYN_SENT].current = INT64_MIN;

	nlh = put_stats(buf, &want, OMIT_NONE);
	memset(&got, 0, sizeof(got));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && e.kind == TCPFSM_ERR_NONE, "parse: a complete GET reply");
	CHECK(stats_equal(&got, &want), "parse: every figure, as sent");
	CHECK(!tcpfsm_stats_check(&got, &e), "parse: the GET reply is complete");

	nlh = put_stats(buf, &want, WITH_UNKNOWN);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && e.kind == TCPFSM_ERR_NONE,
	      "parse: unknown attributes, figures and states are skipped");
	CHECK(stats_equal(&got, &want) && !tcpfsm_stats_check(&got, &e),
	      "parse: ... and the rest is read as without them");
}

/* tcpfsm_parse_stats() of what put_stats() made of sample_stats() */
static int parse_variant(int variant, struct tcpfsm_stats *got,
			 struct tcpfsm_err *e)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats st;
	int ret;

	sample_stats(&st);
	memset(got, 0, sizeof(*got));
	memset(e, 0, sizeof(*e));
	ret = tcpfsm_parse_stats(put_stats(buf, &st, variant), got, e);
	return ret ? ret : tcpfsm_stats_check(got, e);
}

TEST(missing)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats st, got;
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	ret = parse_variant(OMIT_TRANSITION, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the transition ESTABLISHED -> CLOSE",
		  "missing: a transition");
	ret = parse_variant(OMIT_STATE, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of LISTEN",
		  "missing: a state");
	/* an older module, without one of the event counters: absent */
	ret = parse_variant(OMIT_EVENT, &got, &e);
	CHECK(!ret && !(got.present & BIT(TCPFSM_A_STATS_EVENTS_LOST_RCVBUF)) &&
	      (got.present & BIT(TCPFSM_A_STATS_EVENTS_SENT)),
	      "missing: an event counter is absent, the rest complete");

	/* a reply of STATE_GET: one state */
	sample_stats(&st);
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	put_state(nlh, TCPFSM_STATE_ESTABLISHED, &st.state[TCPFSM_STATE_ESTABLISHED]);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && !tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e) &&
	      got.state[1].present && got.state[1].current == 2 &&
	      got.state[1].entered == 14 && got.state[1].left == 12 &&
	      !got.state[2].present,
	      "parse: a STATE_GET reply");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_SYN_SENT, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
		  "missing: the state asked for");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_stats_check(&got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
		  "missing: a STATE_GET reply is not a GET reply");

	/* figures the family documents for a state */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_ESTABLISHED);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT, 1);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_LISTEN);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	CHECK(!tcpfsm_parse_stats(nlh, &got, &e), "parse: states lacking figures");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "current of ESTABLISHED",
		  "missing: current of ESTABLISHED");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_LISTEN, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "entered and left of LISTEN",
		  "missing: entered and left of LISTEN");

	/* kprobes=0: FIN_WAIT2 and TIME_WAIT without current, as documented */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_FIN_WAIT2);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT, 1);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_TIME_WAIT);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	CHECK(!tcpfsm_parse_stats(nlh, &got, &e) &&
	      !tcpfsm_state_check(&got, TCPFSM_STATE_FIN_WAIT2, &e) &&
	      !tcpfsm_state_check(&got, TCPFSM_STATE_TIME_WAIT, &e) &&
	      !got.state[TCPFSM_STATE_FIN_WAIT2].has_current,
	      "kprobes=0: FIN_WAIT2 and TIME_WAIT without current pass");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_LISTEN);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "left of LISTEN",
		  "missing: entered without left");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "state in a state-stats",
		  "missing: a state nest without its state");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 7);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0,
		  "old-state, new-state or count in a transition",
		  "missing: a transition without its count");
}

/* tcpfsm_parse_stats() on a fresh struct */
static int parse_msg(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	static struct tcpfsm_stats got;

	memset(&got, 0, sizeof(got));
	memset(e, 0, sizeof(*e));
	return tcpfsm_parse_stats(nlh, &got, e);
}

TEST(malformed)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *attr;
	uint32_t v32 = 1;
	uint16_t v16 = 1;
	int ret;

	/* a u64 of 4 bytes */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	mnl_attr_put(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM, sizeof(v32), &v32);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute events-lost-nomem of stats",
		  "malformed: a u64 of 4 bytes");

	/* in a nest: a u64 count of 4 bytes, a u8 state of 2 */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	put_transition(nlh, 1, 1, 0);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 2);
	mnl_attr_put(nlh, TCPFSM_A_TRANSITION_COUNT, sizeof(v32), &v32);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute count of transition",
		  "malformed: a u64 of 4 bytes in a nest");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put(nlh, TCPFSM_A_STATE_STATS_STATE, sizeof(v16), &v16);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of state-stats",
		  "malformed: a u8 of 2 bytes in a nest");

	/* a nest that is not one */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put(nlh, TCPFSM_A_STATS_STATE, 2, &v16);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of stats", "malformed: a nest of 2 bytes");

	/* state 0 */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	put_transition(nlh, 0, 1, 5);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 0 in attribute old-state of transition",
		  "malformed: state 0");

	/* the last attribute runs past the end of the message */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM, 1);
	attr->nla_len += 8;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "attributes of the message",
		  "malformed: an attribute longer than the message");

	/* an attribute runs past the end of its nest */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 2);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, 3);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	attr->nla_len += 8;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "attribute lengths in a transition nest",
		  "malformed: an attribute longer than its nest");

	/* shorter than a generic netlink header */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "generic netlink header", "malformed: no generic netlink header");
}

/* A reply of CTRL_CMD_GETFAMILY */
static struct nlmsghdr *put_family(char *buf, uint32_t version, bool with_id)
{
	struct nlmsghdr *nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *grp, *ops;

	if (with_id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPFSM_FAMILY_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, version);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, TCPFSM_A_STATS_MAX);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, TCPFSM_CMD_GET);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, ops);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "eventsx");
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, TCPFSM_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	return nlh;
}

TEST(family)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_family fam;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	uint32_t v32 = 0x1234;
	int ret;

	ret = tcpfsm_parse_family(put_family(buf, 1, true), &fam, &e);
	CHECK(!ret && fam.id == 0x1234 && fam.version == 1 && fam.mcgrp_events == 9,
	      "family: id, version, the events group (among others)");
	CHECK(!tcpfsm_family_check(&fam, &e), "family: version 1 is known");

	ret = tcpfsm_parse_family(put_family(buf, 2, true), &fam, &e);
	CHECK(!ret, "family: version 2 parses");
	CHECK(!tcpfsm_family_check(&fam, &e),
	      "family: version 2 (a newer module) is spoken to");
	ret = tcpfsm_parse_family(put_family(buf, 0, true), &fam, &e);
	CHECK(!ret && tcpfsm_family_check(&fam, &e) == -1 &&
	      e.kind == TCPFSM_ERR_VERSION && e.version == 0,
	      "family: version 0 (none ever was) is refused");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(put_family(buf, 1, false), &fam, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the family id",
		  "family: no id");

	nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put(nlh, CTRL_ATTR_FAMILY_ID, sizeof(v32), &v32);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(nlh, &fam, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute family-id of ctrl", "family: an id of 4 bytes");
}

/* An NLMSG_ERROR answering @req, with an extended ack if @msg */
static struct nlmsghdr *put_error(char *buf, int error, bool capped,
				  const char *msg, const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	size_t reqlen = capped ? sizeof(*req) : req->nlmsg_len;

	memset(buf, 0, MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(err->error) + MNL_ALIGN(reqlen));
	err->error = error;
	memcpy(&err->msg, req, reqlen);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MAX + 1, 1);
	}
	return nlh;
}

TEST(error)
{
	static char buf[MSG_SIZE], reqbuf[MSG_SIZE];
	struct nlmsghdr *req = msg_start(reqbuf, 0x20, TCPFSM_CMD_STATE_GET);
	struct tcpfsm_err e;
	int ret;

	mnl_attr_put_u8(req, TCPFSM_A_STATS_STATE_ID, 13);

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, 0, true, NULL, req), &e);
	CHECK(ret == MNL_CB_STOP && e.kind == TCPFSM_ERR_NONE, "error: an ack stops");

	memset(&e, 0, sizeof(e));
	errno = 0;
	ret = tcpfsm_parse_error(put_error(buf, -EINVAL, true, "out of range", req), &e);
	CHECK(ret == MNL_CB_ERROR && errno == EINVAL && e.kind == TCPFSM_ERR_KERNEL &&
	      e.code == EINVAL && !strcmp(e.ext_msg, "out of range") &&
	      e.has_offs && e.ext_offs == 20,
	      "error: capped, with the kernel's message and offset");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -ERANGE, false, "too big", req), &e);
	CHECK(ret == MNL_CB_ERROR && e.code == ERANGE &&
	      !strcmp(e.ext_msg, "too big") && e.has_offs && e.ext_offs == 20,
	      "error: not capped: the message after the request echoed");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -EPERM, false, NULL, req), &e);
	CHECK(ret == MNL_CB_ERROR && e.code == EPERM && !e.ext_msg[0] && !e.has_offs,
	      "error: without an extended ack");

	memset(&e, 0, sizeof(e));
	put_error(buf, -EPERM, true, NULL, req)->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	ret = tcpfsm_parse_error((struct nlmsghdr *)buf, &e);
	CHECK(ret == MNL_CB_ERROR && e.kind == TCPFSM_ERR_MALFORMED,
	      "error: a truncated error message");
}

TEST(err_print)
{
	static const struct {
		struct tcpfsm_err e;
		const char *want;
	} cases[] = {
		{ { .kind = TCPFSM_ERR_NOFAMILY, .code = ENOENT, .what = "x" },
		  "tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (modprobe tcpfsm)\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EPERM, .what = "reading the statistics" },
		  "tcpfsm: reading the statistics needs CAP_NET_ADMIN: Operation not permitted\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EACCES, .what = "reading" },
		  "tcpfsm: reading needs CAP_NET_ADMIN: Permission denied\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EINVAL, .what = "reading a state",
		    .ext_msg = "integer out of range", .has_offs = true, .ext_offs = 20 },
		  "tcpfsm: reading a state: Invalid argument: integer out of range (the attribute at byte 20 of the request)\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EOPNOTSUPP, .what = "reading a state" },
		  "tcpfsm: reading a state: Operation not supported: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = ENOBUFS, .what = "reading" },
		  "tcpfsm: reading: No buffer space available\n" },
		{ { .kind = TCPFSM_ERR_VERSION, .version = 2 },
		  "tcpfsm: the kernel module has version 2 of the tcpfsm netlink family, this command knows version 1: the kernel module is too new for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_VERSION, .version = 0 },
		  "tcpfsm: the kernel module has version 0 of the tcpfsm netlink family, this command knows version 1: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_MISSING, .what = "reading", .detail = "events-sent" },
		  "tcpfsm: reading: the reply of the kernel lacks events-sent: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_MALFORMED, .code = ERANGE, .what = "reading",
		    .detail = "attribute count of transition" },
		  "tcpfsm: reading: malformed reply from the kernel: attribute count of transition: Numerical result out of range\n" },
		{ { .kind = TCPFSM_ERR_NOGROUP, .what = "monitor" },
		  "tcpfsm: the tcpfsm module is too old: no events group\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EPERM, .what = "monitor",
		    .detail = "the events carry addresses" },
		  "tcpfsm: monitor needs CAP_NET_ADMIN (the events carry addresses)\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EACCES, .what = "monitor",
		    .detail = "the events carry addresses" },
		  "tcpfsm: monitor needs CAP_NET_ADMIN (the events carry addresses)\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = ENOBUFS, .what = "receiving the events" },
		  "tcpfsm: receiving the events: No buffer space available\n" },
	};
	struct capture cap;
	unsigned int i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char what[64];

		tcpfsm_err_print(cap_open(&cap), &cases[i].e);
		s = cap_close(&cap);
		snprintf(what, sizeof(what), "error message %u, kind %d, %s", i,
			 cases[i].e.kind, strerror(cases[i].e.code));
		CHECK_STR(s, cases[i].want, what);
		free(s);
	}
}

TEST(err_admin)
{
	struct tcpfsm_err e = {
		.kind = TCPFSM_ERR_KERNEL, .code = EPERM,
		.what = "listing the CLOSE_WAIT sockets",
		.detail = "they carry addresses and owners: run it as root",
	};
	struct capture cap;
	char *s;

	tcpfsm_err_print(cap_open(&cap), &e);
	s = cap_close(&cap);
	CHECK_STR(s, "tcpfsm: listing the CLOSE_WAIT sockets needs CAP_NET_ADMIN (they carry addresses and owners: run it as root)\n",
		  "error: closewait without CAP_NET_ADMIN says to run it as root");
	free(s);
}

/* Events, built here */

/* A u64 attribute; after a pad attribute, as the kernel may align it */
static void put_event_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
			  bool pads)
{
	if (pads)
		mnl_attr_put(nlh, TCPFSM_A_EVENT_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/*
 * A TCPFSM_CMD_TRANSITION_NTF of the attributes of @ev in ev->present, as
 * the module sends it; with @pads, pads before the u64 attributes and an
 * unknown attribute first and last.
 */
static struct nlmsghdr *put_event(char *buf, const struct tcpfsm_event *ev,
				  bool pads)
{
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_TRANSITION_NTF);
	uint32_t a4;

#define EV_HAS(a)	(ev->present & BIT(TCPFSM_A_EVENT_##a))
	if (pads)
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_MAX + 1, 0xdead);
	if (EV_HAS(FAMILY))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_FAMILY, ev->family);
	if (EV_HAS(SADDR4)) {
		memcpy(&a4, ev->saddr, sizeof(a4));
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SADDR4, a4);
	}
	if (EV_HAS(DADDR4)) {
		memcpy(&a4, ev->daddr, sizeof(a4));
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_DADDR4, a4);
	}
	if (EV_HAS(SADDR6))
		mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 16, ev->saddr);
	if (EV_HAS(DADDR6))
		mnl_attr_put(nlh, TCPFSM_A_EVENT_DADDR6, 16, ev->daddr);
	if (EV_HAS(SPORT))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_SPORT, htons(ev->sport));
	if (EV_HAS(DPORT))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_DPORT, htons(ev->dport));
	if (EV_HAS(OLD_STATE))
		mnl_attr_put_u8(nlh, TCPFSM_A_EVENT_OLD_STATE, ev->old_state);
	if (EV_HAS(NEW_STATE))
		mnl_attr_put_u8(nlh, TCPFSM_A_EVENT_NEW_STATE, ev->new_state);
	if (EV_HAS(TIMESTAMP))
		put_event_u64(nlh, TCPFSM_A_EVENT_TIMESTAMP, ev->time_ns, pads);
	if (EV_HAS(COOKIE))
		put_event_u64(nlh, TCPFSM_A_EVENT_COOKIE, ev->cookie, pads);
	if (EV_HAS(INO))
		put_event_u64(nlh, TCPFSM_A_EVENT_INO, ev->ino, pads);
	if (EV_HAS(UID))
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_UID, ev->uid);
	if (EV_HAS(SOURCE))
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SOURCE, ev->source);
	if (EV_HAS(SEQ))
		put_event_u64(nlh, TCPFSM_A_EVENT_SEQ, ev->seq, pads);
	if (EV_HAS(OLD_STATE_NS))
		put_event_u64(nlh, TCPFSM_A_EVENT_OLD_STATE_NS, ev->old_state_ns,
			      pads);
	if (pads) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_EVENT_MAX + 2);

		mnl_attr_put_u64(nlh, 1, 1);
		mnl_attr_nest_end(nlh, nest);
	}
#undef EV_HAS
	return nlh;
}

static bool events_equal(const struct tcpfsm_event *a, const struct tcpfsm_event *b)
{
	bool ok = a->family == b->family && !memcmp(a->saddr, b->saddr, 16) &&
		  !memcmp(a->daddr, b->daddr, 16) && a->sport == b->sport &&
		  a->dport == b->dport && a->old_state == b->old_state &&
		  a->new_state == b->new_state && a->time_ns == b->time_ns &&
		  a->cookie == b->cookie && a->ino == b->ino && a->uid == b->uid &&
		  a->source == b->source && a->seq == b->seq &&
		  a->old_state_ns == b->old_state_ns && a->present == b->present;

	if (!ok)
		printf("# family %u/%u, ports %u:%u/%u:%u, states %u>%u/%u>%u, time %llu/%llu, cookie %llu/%llu, ino %llu/%llu, uid %u/%u, source %u/%u, seq %llu/%llu, present %#x/%#x\n",
		       a->family, b->family, a->sport, a->dport, b->sport,
		       b->dport, a->old_state, a->new_state, b->old_state,
		       b->new_state, (unsigned long long)a->time_ns,
		       (unsigned long long)b->time_ns,
		       (unsigned long long)a->cookie,
		       (unsigned long long)b->cookie, (unsigned long long)a->ino,
		       (unsigned long long)b->ino, a->uid, b->uid, a->source,
		       b->source, (unsigned long long)a->seq,
		       (unsigned long long)b->seq, a->present, b->present);
	return ok;
}

/* tcpfsm_parse_event() of @nlh, into @got, which must be @want */
static void check_event_parses(struct __test_metadata *_metadata,
			       const struct nlmsghdr *nlh,
			       const struct tcpfsm_event *want, const char *what)
{
	struct tcpfsm_event got;
	struct tcpfsm_err e = { 0 };
	int ret;

	memset(&got, 0xa5, sizeof(got));	/* it must set it all */
	ret = tcpfsm_parse_event(nlh, &got, &e);
	if (!CHECK(!ret && e.kind == TCPFSM_ERR_NONE && events_equal(&got, want),
		   "event: %s", what))
		printf("# ret %d, kind %d, detail \"%s\"\n", ret, e.kind, e.detail);
}

static int parse_event_msg(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	struct tcpfsm_event ev;

	memset(e, 0, sizeof(*e));
	return tcpfsm_parse_event(nlh, &ev, e);
}

TEST(event)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_event ev;
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	uint32_t v32 = 1;
	uint8_t addr[32] = { 0 };
	int ret;

	sample_event4(&ev);
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev,
			   "IPv4, every attribute, ports and addresses in network order");
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv4, with pads and unknown attributes skipped");
	ev.present &= ~(BIT(TCPFSM_A_EVENT_COOKIE) | BIT(TCPFSM_A_EVENT_INO) |
			BIT(TCPFSM_A_EVENT_UID));
	ev.cookie = ev.ino = ev.uid = 0;
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev,
			   "IPv4, without cookie, ino, uid");
	sample_event6(&ev);
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev, "IPv6, no optional attribute");
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv6, with pads and unknown attributes skipped");
	ev.present |= BIT(TCPFSM_A_EVENT_UID);
	ev.uid = UINT32_MAX;
	ev.seq = UINT64_MAX;
	ev.source = 4095;
	ev.old_state = TCPFSM_STATE_LISTEN;
	ev.new_state = TCPFSM_STATE_NEW_SYN_RECV;
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv6, with uid only, limits, NEW_SYN_RECV");

	/* attributes of the wrong size */
	sample_event6(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SADDR6);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 15, addr);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute saddr6 of event",
		  "event: an IPv6 address of 15 bytes");
	ev.present &= ~BIT(TCPFSM_A_EVENT_DADDR6);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 16, addr);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_DADDR6, 17, addr);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute daddr6 of event",
		  "event: an IPv6 address of 17 bytes");

	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);
	nlh = put_event(buf, &ev, true);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SEQ, sizeof(v32), &v32);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute seq of event",
		  "event: a u64 seq of 4 bytes");

	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SPORT);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SPORT, 80);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute sport of event",
		  "event: a u16 port of 4 bytes");

	/* the last attribute runs past the end of the message */
	sample_event4(&ev);
	nlh = put_event(buf, &ev, false);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_MAX + 1, 1);
	attr->nla_len += 8;
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG, "attributes of the message",
		  "event: an attribute longer than the message");

	/* values out of range */
	sample_event4(&ev);
	ev.family = AF_UNIX;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EAFNOSUPPORT, "family 1 of an event",
		  "event: family AF_UNIX");
	sample_event4(&ev);
	ev.old_state = 0;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 0 in attribute old-state of event", "event: old state 0");
	sample_event4(&ev);
	ev.new_state = TCPFSM_NR_STATES + 1;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 13 in attribute new-state of event", "event: new state 13");

	/* missing attributes */
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "seq in an event", "event: no seq");
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_TIMESTAMP);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "timestamp in an event",
		  "event: no timestamp");
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_DADDR4);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "daddr4 in an event",
		  "event: IPv4 without daddr4");
	/* an AF_INET event with IPv6 addresses */
	sample_event6(&ev);
	ev.family = AF_INET;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "saddr4 in an event",
		  "event: AF_INET with saddr6 and daddr6");
}

/* A datagram of several messages */
struct dgram {
	char buf[4 * MSG_SIZE];
	size_t len;
};

static void dgram_add(struct dgram *d, const struct nlmsghdr *nlh)
{
	memcpy(d->buf + d->len, nlh, nlh->nlmsg_len);
	d->len += MNL_ALIGN(nlh->nlmsg_len);
}

static int stop_cb(const struct tcpfsm_event *ev, const struct tcpfsm_err *e,
		   void *data)
{
	unsigned int *calls = data;

	(void)ev;
	(void)e;
	(*calls)++;
	errno = ENOMEM;
	return -1;
}

TEST(events)
{
	static char buf[MSG_SIZE];
	static struct dgram d;
	struct tcpfsm_filter none = { 0 };
	struct tcpfsm_event ev4, ev6, ev;
	struct tcpfsm_err e = { 0 };
	char want[1024], *out, *err;
	unsigned int calls = 0;
	struct mon t;
	int ret;

	sample_event4(&ev4);
	sample_event6(&ev6);
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev4, true));
	ev = ev4;
	put_event(buf, &ev, false)->nlmsg_type = 0x21;	/* another family's */
	dgram_add(&d, (struct nlmsghdr *)buf);
	dgram_add(&d, msg_start(buf, 0x20, TCPFSM_CMD_GET));	/* another command */
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);			/* malformed */
	dgram_add(&d, put_event(buf, &ev, false));
	dgram_add(&d, put_event(buf, &ev6, false));
	ev = ev4;
	ev.seq = 20;
	dgram_add(&d, put_event(buf, &ev, false));

	mon_start(&t, TCPFSM_FMT_TEXT, &none);
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, tcpfsm_monitor_cb, &t.m, &e);
	CHECK(!ret && t.m.received == 3 && t.m.shown == 3 && t.m.malformed == 1 &&
	      t.m.seqs.lost == 2,
	      "events: a datagram of 6 messages: 3 events, 2 skipped, 1 malformed, 2 lost");
	mon_end(&t, &out, &err);
	snprintf(want, sizeof(want), "%s%sLOST 2 events (source 3)\n%s",
		 event4_text, event6_text,
		 "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n");
	CHECK_STR(out, want, "events: each in order, the loss before the event after the gap");
	CHECK_STR(err, "tcpfsm: reading an event: the reply of the kernel lacks seq in an event: the kernel module is too old for this tcpfsm command\n",
		  "events: the malformed one is said, and the others read");
	free(out);
	free(err);

	/* a message longer than what is left of the datagram */
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev6, false));
	dgram_add(&d, put_event(buf, &ev4, false));
	d.len -= 8;
	mon_start(&t, TCPFSM_FMT_JSON, &none);
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, tcpfsm_monitor_cb, &t.m, &e);
	CHECK(!ret && t.m.received == 1 && t.m.malformed == 1,
	      "events: a truncated last message");
	mon_end(&t, &out, &err);
	CHECK_STR(out, event6_json, "events: the event before it is shown");
	CHECK_STR(err, "tcpfsm: reading an event: malformed reply from the kernel: a message longer than its datagram: Bad message\n",
		  "events: the truncated message is said");
	free(out);
	free(err);

	/* the callback stops */
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev6, false));
	dgram_add(&d, put_event(buf, &ev4, false));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, stop_cb, &calls, &e);
	CHECK(ret == -1 && calls == 1 && e.kind == TCPFSM_ERR_SYS && e.code == ENOMEM,
	      "events: a callback that fails stops the datagram");
}

/* Netlink: the time in state of GET */

static void put_bucket(struct nlmsghdr *nlh, uint8_t index, uint64_t count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_DWELL_BUCKET);

	mnl_attr_put_u8(nlh, TCPFSM_A_BUCKET_INDEX, index);
	put_pad(nlh, TCPFSM_A_BUCKET_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_BUCKET_COUNT, count);
	mnl_attr_nest_end(nlh, nest);
}

/* The dwell nest of @d, pads and an unknown attribute included */
static void put_dwell(struct nlmsghdr *nlh, uint8_t state,
		      const struct tcpfsm_dwell *d)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_DWELL);
	unsigned int i;

	mnl_attr_put_u8(nlh, TCPFSM_A_DWELL_STATE, state);
	put_pad(nlh, TCPFSM_A_DWELL_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SAMPLES, d->samples);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SUM_NS, d->sum_ns);
	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++)
		if (d->bucket[i])
			put_bucket(nlh, i, d->bucket[i]);
	mnl_attr_put_u32(nlh, TCPFSM_A_DWELL_MAX + 1, 7);
	mnl_attr_nest_end(nlh, nest);
}

static int parse_stats_msg(const struct nlmsghdr *nlh, struct tcpfsm_stats *st,
			   struct tcpfsm_err *e)
{
	memset(st, 0, sizeof(*st));
	memset(e, 0, sizeof(*e));
	return tcpfsm_parse_stats(nlh, st, e);
}

TEST(dwell)
{
	static struct tcpfsm_stats want, got;
	static char buf[MSG_SIZE];
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i;
	int ret;

	sample_dwell(&want);
	want.untracked = UINT64_MAX;
	want.dwell[TCPFSM_STATE_SYN_SENT].sum_ns = 1;	/* with no sample */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (want.dwell[i].present)
			put_dwell(nlh, i, &want.dwell[i]);
	/* a newer state's histogram, skipped */
	put_dwell(nlh, TCPFSM_NR_STATES + 1, &want.dwell[TCPFSM_STATE_ESTABLISHED]);
	put_pad(nlh, TCPFSM_A_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_TRACKED, want.tracked);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_UNTRACKED, want.untracked);
	mnl_attr_put_u32(nlh, TCPFSM_A_STATS_TRACK_SIZE, want.track_size);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_TIMEWAIT_CREATED,
			 want.timewait_created);
	ret = parse_stats_msg(nlh, &got, &e);
	CHECK(!ret && !memcmp(got.dwell, want.dwell, sizeof(got.dwell)) &&
	      got.tracked == 12 && got.untracked == UINT64_MAX &&
	      got.track_size == 65536 && got.timewait_created == 340 &&
	      got.present == want.present,
	      "parse: dwell nests, buckets, tracking figures, pads; a newer state skipped");
	ret = tcpfsm_dwell_check(&got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the time in state of SYN_RECV",
		  "dwell check: a state's histogram missing");
	got.track_size = 0;
	CHECK(!tcpfsm_dwell_check(&got, &e), "dwell check: none needed without a table");
	got.present &= ~BIT(TCPFSM_A_STATS_TRACK_SIZE);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_dwell_check(&got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "track-size",
		  "dwell check: a module without track-size is too old");

	/* malformed: bucket 40, a bucket without its count, no samples */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_DWELL);
	mnl_attr_put_u8(nlh, TCPFSM_A_DWELL_STATE, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SAMPLES, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SUM_NS, 1);
	put_bucket(nlh, TCPFSM_DWELL_BUCKETS, 1);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_stats_msg(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "bucket index 40 (0-39) in a dwell", "malformed: bucket index 40");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_DWELL);
	mnl_attr_put_u8(nlh, TCPFSM_A_DWELL_STATE, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SAMPLES, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SUM_NS, 1);
	{
		struct nlattr *b = mnl_attr_nest_start(nlh, TCPFSM_A_DWELL_BUCKET);

		mnl_attr_put_u8(nlh, TCPFSM_A_BUCKET_INDEX, 3);
		mnl_attr_nest_end(nlh, b);
	}
	mnl_attr_nest_end(nlh, nest);
	ret = parse_stats_msg(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "index or count in a bucket",
		  "missing: a bucket without its count");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_DWELL);
	mnl_attr_put_u8(nlh, TCPFSM_A_DWELL_STATE, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SUM_NS, 1);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_stats_msg(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0,
		  "state, samples or sum-ns in a dwell", "missing: samples of a dwell");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_TRACK_SIZE, 1);
	ret = parse_stats_msg(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute track-size of stats", "malformed: a u32 track-size of 8 bytes");
}

/* Netlink: sockets and timewait */

TEST(sockets)
{
	static char buf[MSG_SIZE];
	uint8_t a6[16] = { [15] = 1 };
	struct tcpfsm_socket sk;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, TCPFSM_A_SOCKET_SADDR4, htonl(0x7f000001));
	mnl_attr_put_u32(nlh, TCPFSM_A_SOCKET_DADDR4, htonl(0x0a010203));
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_SPORT, htons(8080));
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_DPORT, htons(51000));
	put_pad(nlh, TCPFSM_A_SOCKET_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_AGE_NS, 3723000000000ULL);
	mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_INO, 1001);
	mnl_attr_put_u32(nlh, TCPFSM_A_SOCKET_UID, 33);
	mnl_attr_put_u64(nlh, TCPFSM_A_SOCKET_COOKIE, UINT64_MAX);
	mnl_attr_put_u32(nlh, TCPFSM_A_SOCKET_MAX + 1, 1);
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK(!ret && sk.ends.family == AF_INET && sk.ends.saddr[0] == 127 &&
	      sk.ends.saddr[3] == 1 && !sk.ends.saddr[4] && sk.ends.daddr[0] == 10 &&
	      sk.ends.sport == 8080 && sk.ends.dport == 51000 &&
	      sk.age_ns == 3723000000000ULL && sk.ino == 1001 && sk.uid == 33 &&
	      sk.cookie == UINT64_MAX &&
	      sk.present == (BIT(1) | BIT(2) | BIT(3) | BIT(6) | BIT(7) | SK_AGE |
			     SK_INO | BIT(TCPFSM_A_SOCKET_UID) |
			     BIT(TCPFSM_A_SOCKET_COOKIE)),
	      "parse: an IPv4 socket, every attribute, pads and unknown ones skipped");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_INET6);
	mnl_attr_put(nlh, TCPFSM_A_SOCKET_SADDR6, 16, a6);
	mnl_attr_put(nlh, TCPFSM_A_SOCKET_DADDR6, 16, a6);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_SPORT, htons(443));
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_DPORT, htons(1));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK(!ret && sk.ends.family == AF_INET6 && sk.ends.saddr[15] == 1 &&
	      sk.ends.sport == 443 && !(sk.present & (SK_AGE | SK_INO)),
	      "parse: an IPv6 socket without age, ino, uid, cookie");

	mnl_attr_put(nlh, TCPFSM_A_SOCKET_AGE_NS, 4, a6);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute age-ns of socket",
		  "malformed: a socket's u64 age of 4 bytes");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_INET6);
	mnl_attr_put(nlh, TCPFSM_A_SOCKET_SADDR6, 15, a6);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute saddr6 of socket",
		  "malformed: a socket's IPv6 address of 15 bytes");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_UNIX);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_SPORT, 1);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_DPORT, 1);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EAFNOSUPPORT, "family 1 of a socket",
		  "malformed: a socket of family AF_UNIX");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_INET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_SPORT, 1);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_DPORT, 1);
	mnl_attr_put_u32(nlh, TCPFSM_A_SOCKET_SADDR4, 1);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "daddr4 in a socket",
		  "missing: a socket's remote address");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_CLOSEWAIT_GET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_FAMILY, AF_INET);
	mnl_attr_put_u16(nlh, TCPFSM_A_SOCKET_SPORT, 1);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_socket(nlh, &sk, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "dport in a socket",
		  "missing: a socket's remote port");
}

static void put_port(struct nlmsghdr *nlh, uint16_t type, uint16_t port,
		     uint32_t count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u16(nlh, TCPFSM_A_PORT_COUNT_PORT, htons(port));
	mnl_attr_put_u32(nlh, TCPFSM_A_PORT_COUNT_COUNT, count);
	mnl_attr_nest_end(nlh, nest);
}

static const char top_text[] =
	"timewait: 120 now, 3400 created since load\n"
	"\n"
	"local port       timewait\n"
	"8080                  100\n"
	"443                     5\n"
	"\n"
	"remote port      timewait\n"
	"(none)\n";

TEST(timewait)
{
	static struct tcpfsm_timewait tw;
	static char buf[MSG_SIZE];
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	struct capture cap;
	struct nlattr *nest;
	char *s;
	int ret;

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_TIMEWAIT_GET);
	put_pad(nlh, TCPFSM_A_TIMEWAIT_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_COUNT, 120);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_CREATED, 3400);
	put_port(nlh, TCPFSM_A_TIMEWAIT_LOCAL_PORT, 8080, 100);
	put_port(nlh, TCPFSM_A_TIMEWAIT_REMOTE_PORT, 443, 80);
	put_port(nlh, TCPFSM_A_TIMEWAIT_LOCAL_PORT, 443, 5);
	put_port(nlh, TCPFSM_A_TIMEWAIT_REMOTE_PORT, 65535, UINT32_MAX);
	ret = tcpfsm_parse_timewait(nlh, &tw, &e);
	CHECK(!ret && tw.count == 120 && tw.created == 3400 && tw.n_local == 2 &&
	      tw.n_remote == 2 && tw.local[0].port == 8080 &&
	      tw.local[0].count == 100 && tw.local[1].port == 443 &&
	      tw.remote[0].port == 443 && tw.remote[1].port == 65535 &&
	      tw.remote[1].count == UINT32_MAX,
	      "parse: a timewait reply, its ports in order");

	tcpfsm_print_timewait(cap_open(&cap), TCPFSM_FMT_JSON, &tw);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"count\":120,\"created\":3400,"
		     "\"local_ports\":[{\"port\":8080,\"count\":100},{\"port\":443,\"count\":5}],"
		     "\"remote_ports\":[{\"port\":443,\"count\":80},{\"port\":65535,\"count\":4294967295}]}\n",
		  "top: JSON");
	free(s);
	tw.n_remote = 0;
	tcpfsm_print_timewait(cap_open(&cap), TCPFSM_FMT_TEXT, &tw);
	s = cap_close(&cap);
	CHECK_STR(s, top_text, "top: text");
	free(s);

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_TIMEWAIT_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_COUNT, 120);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_timewait(nlh, &tw, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "created of timewait",
		  "missing: created of timewait");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_TIMEWAIT_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_TIMEWAIT_REMOTE_PORT);
	mnl_attr_put_u16(nlh, TCPFSM_A_PORT_COUNT_PORT, htons(1));
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_timewait(nlh, &tw, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "port or count in a remote-port",
		  "missing: a port without its count");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_TIMEWAIT_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_TIMEWAIT_LOCAL_PORT);
	mnl_attr_put_u32(nlh, TCPFSM_A_PORT_COUNT_PORT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_timewait(nlh, &tw, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute port of port-count", "malformed: a u16 port of 4 bytes");
}

/* A message of NETNS_GET: get's figures and the namespace's identity */
TEST(netns)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats want, got;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	sample_stats(&want);
	nlh = put_stats(buf, &want, OMIT_NONE);
	mnl_attr_put_u32(nlh, TCPFSM_A_STATS_NETNS_INO, 4026532301U);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_NETNS_COOKIE, 1ULL << 40);
	memset(&got, 0, sizeof(got));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && got.netns_ino == 4026532301U &&
	      got.netns_cookie == 1ULL << 40 &&
	      (got.present & BIT(TCPFSM_A_STATS_NETNS_INO)) &&
	      (got.present & BIT(TCPFSM_A_STATS_NETNS_COOKIE)),
	      "parse: netns-ino and netns-cookie");
	got.present &= ~(BIT(TCPFSM_A_STATS_NETNS_INO) |
			 BIT(TCPFSM_A_STATS_NETNS_COOKIE));
	CHECK(stats_equal(&got, &want) && !tcpfsm_stats_check(&got, &e),
	      "parse: the rest as in a GET reply");

	nlh = put_stats(buf, &want, OMIT_NONE);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_NETNS_INO, 1);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(ret == -1 && e.kind == TCPFSM_ERR_MALFORMED,
	      "parse: a netns-ino of 8 bytes is malformed");
}

TEST_HARNESS_MAIN
