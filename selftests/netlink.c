// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the generic netlink family "tcpfsm" against its contract,
 * Documentation/netlink/specs/tcpfsm.yaml, and against /proc/net/tcpfsm.
 *
 * get and state-get must report exactly what /proc shows, for the netns of
 * the requesting socket; every malformed request must be refused with the
 * errno and extended ACK that genetlink and nlattr give for it, and change
 * nothing; the "events" group is for CAP_NET_ADMIN only. The expected
 * errors come from net/netlink/genetlink.c, lib/nlattr.c and
 * net/netlink/af_netlink.c, which behave alike here in 6.1 and 6.12.
 *
 * Needs tcpfsm loaded, and libmnl.
 */
#include <endian.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpfsm.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

/* where the first attribute of a request starts, and the one after a u8 */
#define ATTR0		(NLMSG_HDRLEN + GENL_HDRLEN)
#define ATTR1		(ATTR0 + NLA_ALIGN(NLA_HDRLEN + 1))
/* the largest attribute payload there is: nla_len is a u16 */
#define NLA_MAX_PAYLOAD	(UINT16_MAX - NLA_HDRLEN)

#define EVENTS_ALL	(1U << TCPFSM_A_STATS_EVENTS_SENT |		\
			 1U << TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW |	\
			 1U << TCPFSM_A_STATS_EVENTS_LOST_NOMEM |	\
			 1U << TCPFSM_A_STATS_EVENTS_LOST_RCVBUF |	\
			 1U << TCPFSM_A_STATS_EVENTS_UNHEARD)

#define TRACKING_ALL	(1U << TCPFSM_A_STATS_TRACKED |		\
			 1U << TCPFSM_A_STATS_UNTRACKED |		\
			 1U << TCPFSM_A_STATS_TRACK_SIZE |		\
			 1U << TCPFSM_A_STATS_TIMEWAIT_CREATED)

/* A get or state-get reply; figures not sent are TCPFSM_ABSENT. */
struct reply {
	uint8_t cmd, version;
	int ntrans, nstates, nevents;
	int ndwell;		/* dwell nests */
	unsigned int tracking_seen;	/* a bit per tracking attribute */
	unsigned int events_seen;	/* a bit per events-* attribute */
	int bad;	/* attributes the spec does not have there, bad sizes */
	int trans_seen[TCPFSM_NR][TCPFSM_NR];
	int state_seen[TCPFSM_NR];
	struct tcpfsm_matrix m;
	struct tcpfsm_states s;
	uint64_t events[TCPFSM_A_STATS_MAX + 1];
};

static void parse_transition(const struct nlattr *nest, struct reply *r)
{
	const struct nlattr *tb[TCPFSM_A_TRANSITION_MAX + 1];
	unsigned int o, n;

	r->bad += nl_nest_attrs(nest, &tcpfsm_transition_set, tb, NULL, NULL);
	o = tb[TCPFSM_A_TRANSITION_OLD_STATE] ?
		mnl_attr_get_u8(tb[TCPFSM_A_TRANSITION_OLD_STATE]) : 0;
	n = tb[TCPFSM_A_TRANSITION_NEW_STATE] ?
		mnl_attr_get_u8(tb[TCPFSM_A_TRANSITION_NEW_STATE]) : 0;
	if (o < TCP_ESTABLISHED || o > TCP_CLOSING ||
	    n < TCP_ESTABLISHED || n > TCP_CLOSING ||
	    !tb[TCPFSM_A_TRANSITION_COUNT]) {
		r->bad++;
		return;
	}
	r->trans_seen[o][n]++;
	r->m.n[o][n] = mnl_attr_get_u64(tb[TCPFSM_A_TRANSITION_COUNT]);
}

static int64_t fig_or_absent(const struct nlattr *a)
{
	return a ? (int64_t)mnl_attr_get_u64(a) : TCPFSM_ABSENT;
}

static void parse_state(const struct nlattr *nest, struct reply *r)
{
	const struct nlattr *tb[TCPFSM_A_STATE_STATS_MAX + 1];
	unsigned int s;

	r->bad += nl_nest_attrs(nest, &tcpfsm_state_stats_set, tb, NULL, NULL);
	s = tb[TCPFSM_A_STATE_STATS_STATE] ?
		mnl_attr_get_u8(tb[TCPFSM_A_STATE_STATS_STATE]) : 0;
	if (s < TCP_ESTABLISHED || s > TCP_NEW_SYN_RECV) {
		r->bad++;
		return;
	}
	r->state_seen[s]++;
	r->s.cur[s] = fig_or_absent(tb[TCPFSM_A_STATE_STATS_CURRENT]);
	r->s.entered[s] = fig_or_absent(tb[TCPFSM_A_STATE_STATS_ENTERED]);
	r->s.left[s] = fig_or_absent(tb[TCPFSM_A_STATE_STATS_LEFT]);
}

/* the nests of a reply, as they come */
static int parse_nests(const struct nlattr *nest, unsigned int type, void *data)
{
	struct reply *r = data;

	if (type == TCPFSM_A_STATS_TRANSITION) {
		r->ntrans++;
		parse_transition(nest, r);
	} else if (type == TCPFSM_A_STATS_STATE) {
		r->nstates++;
		parse_state(nest, r);
	} else if (type == TCPFSM_A_STATS_DWELL) {
		r->ndwell++;	/* checked against /proc by the dwell suite */
	}
	return 0;
}

/* Only what the spec has in a reply of get or state-get, of its size. */
static int parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCPFSM_A_STATS_MAX + 1];
	struct reply *r = data;
	unsigned int t;

	r->cmd = g->cmd;
	r->version = g->version;
	r->bad += nl_msg_attrs(nlh, &tcpfsm_stats_set, tb, parse_nests, r);
	/* the spec's set has it, but only requests carry it */
	if (tb[TCPFSM_A_STATS_STATE_ID])
		r->bad++;
	for (t = 0; t <= TCPFSM_A_STATS_MAX; t++) {
		if (tb[t] && (EVENTS_ALL & 1U << t)) {
			r->nevents++;
			r->events_seen |= 1U << t;
			r->events[t] = mnl_attr_get_u64(tb[t]);
		}
		if (tb[t] && (TRACKING_ALL & 1U << t))
			r->tracking_seen |= 1U << t;
	}
	return MNL_CB_OK;
}

static void reply_init(struct reply *r)
{
	int s;

	memset(r, 0, sizeof(*r));
	for (s = 0; s < TCPFSM_NR; s++) {
		r->s.cur[s] = TCPFSM_ABSENT;
		r->s.entered[s] = TCPFSM_ABSENT;
		r->s.left[s] = TCPFSM_ABSENT;
	}
}

/* get (@state 0) or state-get of @state; 0 or a negative errno. */
static int nl_get(struct nl *nl, int state, struct reply *r, struct answer *a)
{
	struct nlmsghdr *nlh;

	nlh = nl_req(nl, nl->family,
		     state ? TCPFSM_CMD_STATE_GET : TCPFSM_CMD_GET,
		     TCPFSM_FAMILY_VERSION);
	if (state)
		mnl_attr_put_u8(nlh, TCPFSM_A_STATS_STATE_ID, state);
	reply_init(r);
	return nl_talk(nl, nlh, parse_reply, r, a);
}

/* A successful get or state-get: one well-formed reply, then the ACK. */
static void get_ok(struct __test_metadata *_metadata, struct nl *nl,
		   int state, struct reply *r)
{
	struct answer a;

	ASSERT_EQ(0, nl_get(nl, state, r, &a));
	ASSERT_EQ(0, a.err) TH_LOG("refused: %s (%s)", strerror(a.err), a.msg);
	ASSERT_EQ(1, a.nreplies);
	ASSERT_EQ(state ? TCPFSM_CMD_STATE_GET : TCPFSM_CMD_GET, r->cmd);
	ASSERT_EQ(TCPFSM_FAMILY_VERSION, r->version);
	ASSERT_EQ(0, r->bad);
}

static const char *fig(int64_t v, char *buf, size_t len)
{
	if (v == TCPFSM_ABSENT)
		return "absent";
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* One state nest of @r against the /proc line of state @s. */
static int state_vs_proc(struct __test_metadata *_metadata,
			 const struct reply *r, const struct tcpfsm_states *st,
			 int s)
{
	static const char * const what[] = { "current", "entered", "left" };
	const int64_t got[] = { r->s.cur[s], r->s.entered[s], r->s.left[s] };
	const int64_t want[] = { st->cur[s], st->entered[s], st->left[s] };
	char g[24], w[24];
	int bad = 0, i;

	if (r->state_seen[s] != 1) {
		TH_LOG("state %s: %d nests", tcpfsm_state_name(s),
		       r->state_seen[s]);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (got[i] == want[i])
			continue;
		TH_LOG("state %s %s: netlink %s, /proc %s",
		       tcpfsm_state_name(s), what[i],
		       fig(got[i], g, sizeof(g)), fig(want[i], w, sizeof(w)));
		bad++;
	}
	return bad;
}

/*
 * A get reply against /proc: every pair and every state once, equal; and
 * each of the module's events-* counters, which /proc does not show.
 */
static int get_vs_proc(struct __test_metadata *_metadata,
		       const struct reply *r, const struct tcpfsm_snap *snap)
{
	int bad = 0, o, n, s;

	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++) {
			if (r->trans_seen[o][n] != 1) {
				TH_LOG("transition %s -> %s: %d nests",
				       tcpfsm_state_name(o),
				       tcpfsm_state_name(n),
				       r->trans_seen[o][n]);
				bad++;
			} else if (r->m.n[o][n] != snap->m.n[o][n]) {
				TH_LOG("transition %s -> %s: netlink %llu, /proc %llu",
				       tcpfsm_state_name(o),
				       tcpfsm_state_name(n),
				       (unsigned long long)r->m.n[o][n],
				       (unsigned long long)snap->m.n[o][n]);
				bad++;
			}
		}
	}
	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++)
		bad += state_vs_proc(_metadata, r, &snap->s, s);
	if (r->ntrans != TCP_CLOSING * TCP_CLOSING ||
	    r->nstates != TCP_NEW_SYN_RECV || r->nevents != 5 ||
	    r->events_seen != EVENTS_ALL || r->ndwell != 8 ||
	    r->tracking_seen != TRACKING_ALL) {
		TH_LOG("%d transition, %d state nests, events-* 0x%x, %d dwell, tracking 0x%x",
		       r->ntrans, r->nstates, r->events_seen, r->ndwell,
		       r->tracking_seen);
		bad++;
	}
	return bad;
}

static int nonzero_cells(const struct tcpfsm_matrix *m)
{
	int n = 0, o, i;

	for (o = 0; o < TCPFSM_NR; o++)
		for (i = 0; i < TCPFSM_NR; i++)
			n += !!m->n[o][i];
	return n;
}

/* What workload() does to a netns, each step as transitions.c proves it. */
static const struct tcpfsm_cell workload_cells[] = {
	TR(CLOSE, LISTEN, 1),
	TR(CLOSE, SYN_SENT, 5),		/* 4 handshakes, 1 refused */
	TR(SYN_SENT, ESTABLISHED, 4),
	TR(LISTEN, SYN_RECV, 4),
	TR(SYN_RECV, ESTABLISHED, 4),
	TR(ESTABLISHED, FIN_WAIT1, 3),	/* 2 graceful closes, 1 half-close */
	TR(FIN_WAIT1, FIN_WAIT2, 3),
	TR(FIN_WAIT2, CLOSE, 2),
	TR(ESTABLISHED, CLOSE_WAIT, 3),
	TR(CLOSE_WAIT, LAST_ACK, 2),
	TR(LAST_ACK, CLOSE, 2),
	TR(ESTABLISHED, CLOSE, 2),	/* the abort, both ends */
	TR(SYN_SENT, CLOSE, 1),		/* the refused connect */
};

static const struct tcpfsm_gauge workload_gauges[] = {
	GA(LISTEN, 1), GA(FIN_WAIT2, 1), GA(CLOSE_WAIT, 1), GA(TIME_WAIT, 2),
};

/*
 * In the caller's netns, from *@snap, which it updates: 4 handshakes to a
 * listener; connection 0 closed client first, 1 server first, 2 aborted
 * by the client, 3 half-closed by the client (FIN_WAIT2 / CLOSE_WAIT: not
 * an orphan, whose way to timewait depends on timing); a refused connect.
 * The listener, connection 3 and the port that refused stay open until
 * the test process exits.
 */
static void workload(struct __test_metadata *_metadata,
		     struct tcpfsm_snap *snap)
{
	struct tcpfsm_addr addr, closed;
	int lfd, holder, c[4], s[4], i;
	char ch;

	lfd = tcpfsm_listen(AF_INET, 4, &addr);
	ASSERT_LE(0, lfd);
	for (i = 0; i < 4; i++) {
		c[i] = tcpfsm_connect(&addr, false);
		ASSERT_LE(0, c[i]);
		s[i] = tcpfsm_accept(lfd);
		ASSERT_LE(0, s[i]);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, close(i ? s[i] : c[i]));
		ASSERT_EQ(0, tcpfsm_recv(i ? c[i] : s[i], &ch, 1)); /* EOF */
		ASSERT_EQ(0, close(i ? c[i] : s[i]));
	}
	ASSERT_EQ(0, tcpfsm_linger0(c[2]));
	ASSERT_EQ(0, close(c[2]));
	ASSERT_EQ(-ECONNRESET, tcpfsm_recv(s[2], &ch, 1));
	ASSERT_EQ(0, close(s[2]));
	ASSERT_EQ(0, shutdown(c[3], SHUT_WR));
	ASSERT_EQ(0, tcpfsm_recv(s[3], &ch, 1));
	/* bound, not listening */
	holder = tcpfsm_bind(AF_INET, &closed);
	ASSERT_LE(0, holder);
	ASSERT_EQ(-ECONNREFUSED, tcpfsm_connect(&closed, false));
	ASSERT_EQ(0, tcpfsm_expect(snap, workload_cells,
				   ARRAY_SIZE(workload_cells),
				   workload_gauges,
				   ARRAY_SIZE(workload_gauges)));
}

/*
 * A new netns with a socket in it, or false if tcpfsm is not loaded.
 * Pinned to one CPU for one path through a graceful close, see
 * tcpfsm_pin_cpu().
 */
static bool nl_setup(struct __test_metadata *_metadata, struct nl *nl,
		     struct tcpfsm_snap *snap)
{
	struct family f = { 0 };
	int err;

	/* pinned: one path through a graceful close, see tcpfsm_pin_cpu() */
	err = tcpfsm_test_netns();
	if (err == -ENOENT)
		return false;
	ASSERT_EQ(0, err);
	tcpfsm_snap_zero(snap);
	ASSERT_EQ(0, tcpfsm_expect(snap, NULL, 0, NULL, 0));
	ASSERT_EQ(0, nl_open(nl, &f));
	ASSERT_EQ(TCPFSM_FAMILY_VERSION, (int)f.version);
	ASSERT_NE(0U, f.grp_id) TH_LOG("no \"%s\" group", TCPFSM_MCGRP_EVENTS);
	return true;
}

FIXTURE(tcpfsm_nl) {
	struct nl nl;
	struct tcpfsm_snap snap;
};

FIXTURE_SETUP(tcpfsm_nl)
{
	if (!nl_setup(_metadata, &self->nl, &self->snap))
		SKIP(return, "tcpfsm is not loaded");
}

FIXTURE_TEARDOWN(tcpfsm_nl)
{
	if (self->nl.sk)
		mnl_socket_close(self->nl.sk);
}

TEST_F(tcpfsm_nl, get_equals_proc)
{
	struct reply r;

	workload(_metadata, &self->snap);
	get_ok(_metadata, &self->nl, 0, &r);
	ASSERT_EQ(0, tcpfsm_snap_read(&self->snap));
	ASSERT_EQ(0, get_vs_proc(_metadata, &r, &self->snap));
	/* the workload's figures, not an empty reply */
	ASSERT_EQ((int)ARRAY_SIZE(workload_cells), nonzero_cells(&r.m));
	ASSERT_EQ(1, r.s.cur[TCP_LISTEN]);
	ASSERT_EQ(1, r.s.cur[TCP_CLOSE_WAIT]);
	ASSERT_EQ(2, r.s.cur[TCP_TIME_WAIT]);
}

TEST_F(tcpfsm_nl, state_get)
{
	struct tcpfsm_states st, got = { 0 };
	struct reply r;
	int s;

	workload(_metadata, &self->snap);
	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++) {
		get_ok(_metadata, &self->nl, s, &r);
		ASSERT_EQ(0, tcpfsm_read_states(&st));
		/* the state nest alone */
		ASSERT_EQ(1, r.nstates);
		ASSERT_EQ(0, r.ntrans);
		ASSERT_EQ(0, r.nevents);
		ASSERT_EQ(0, r.ndwell);
		ASSERT_EQ(0, r.tracking_seen);
		ASSERT_EQ(0, state_vs_proc(_metadata, &r, &st, s));
		got.cur[s] = r.s.cur[s];
		got.entered[s] = r.s.entered[s];
	}
	ASSERT_EQ(8, got.entered[TCP_ESTABLISHED]);
	ASSERT_EQ(1, got.cur[TCP_LISTEN]);
	ASSERT_EQ(1, got.cur[TCP_CLOSE_WAIT]);
	ASSERT_EQ(2, got.cur[TCP_TIME_WAIT]);
}

/*
 * A request concerns the netns of its socket (genl_rcv_msg() runs on the
 * kernel socket of the sender's netns), not that of the calling thread.
 */
TEST_F(tcpfsm_nl, netns_isolation)
{
	struct tcpfsm_snap a = self->snap, b;
	struct reply ra, rb;
	struct family f = { 0 };
	struct nl nl_b;
	int a_fd, b_fd;

	a_fd = tcpfsm_netns_open();
	ASSERT_LE(0, a_fd);
	ASSERT_EQ(0, tcpfsm_netns_new());
	b_fd = tcpfsm_netns_open();
	ASSERT_LE(0, b_fd);
	ASSERT_EQ(0, nl_open(&nl_b, &f));
	tcpfsm_snap_zero(&b);

	/* traffic in A moves A's reply, B's stays at zero */
	ASSERT_EQ(0, setns(a_fd, CLONE_NEWNET));
	workload(_metadata, &a);
	get_ok(_metadata, &self->nl, 0, &ra);
	ASSERT_EQ(0, get_vs_proc(_metadata, &ra, &a));
	get_ok(_metadata, &nl_b, 0, &rb);
	ASSERT_EQ(0, get_vs_proc(_metadata, &rb, &b));

	/* twice as much in B: B's reply moves, A's does not */
	ASSERT_EQ(0, setns(b_fd, CLONE_NEWNET));
	workload(_metadata, &b);
	workload(_metadata, &b);
	ASSERT_NE(0, memcmp(&a.m, &b.m, sizeof(a.m)));
	get_ok(_metadata, &nl_b, 0, &rb);
	ASSERT_EQ(0, get_vs_proc(_metadata, &rb, &b));
	get_ok(_metadata, &self->nl, 0, &ra);
	ASSERT_EQ(0, get_vs_proc(_metadata, &ra, &a));
	mnl_socket_close(nl_b.sk);
	close(a_fd);
	close(b_fd);
}

/* What a user without CAP_NET_ADMIN got: errnos, 0 for success. */
struct unpriv {
	int get;	/* a get request */
	int events;	/* joining tcpfsm's "events" */
	int notify;	/* joining nlctrl's "notify", which has no flag */
	int closewait;	/* a closewait-get dump */
	int timewait;	/* a timewait-get */
	int subscribe;	/* an events-subscribe */
	bool subscribe_msg;	/* ... refused with an extack message */
	int replies;	/* messages of theirs before the error */
};

/* Any message: counted by nl_talk(), never looked at. */
static int ignore(const struct nlmsghdr *nlh __attribute__((unused)),
		  void *data __attribute__((unused)))
{
	return MNL_CB_OK;
}

/* The errno of a request of @cmd (with NLM_F_DUMP if @dump), or EPROTO. */
static int unpriv_req(struct nl *nl, uint8_t cmd, bool dump, int *replies)
{
	struct nlmsghdr *nlh;
	struct answer a;

	nlh = nl_req(nl, nl->family, cmd, TCPFSM_FAMILY_VERSION);
	if (dump)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (nl_talk(nl, nlh, ignore, NULL, &a))
		return EPROTO;
	*replies += a.nreplies;
	return a.err;
}

static int join(struct nl *nl, uint32_t grp)
{
	return mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp,
				     sizeof(grp)) ? errno : 0;
}

static void unpriv_child(int wfd, uint32_t notify)
{
	struct unpriv u = { EPROTO, EPROTO, EPROTO, EPROTO, EPROTO, EPROTO,
			    false, 0 };
	struct family f = { 0 };
	struct answer a;
	struct reply r;
	struct nl nl;
	int err;

	/* from uid 0 to another: every capability goes */
	if (setgid(65534) || setuid(65534))
		_exit(1);
	err = nl_open(&nl, &f);
	if (err)
		_exit(2);
	err = nl_get(&nl, 0, &r, &a);
	if (!err && !a.err && a.nreplies == 1 && !r.bad)
		u.get = 0;
	else if (!err && a.err)
		u.get = a.err;
	u.events = join(&nl, nl.events);
	u.notify = join(&nl, notify);
	u.closewait = unpriv_req(&nl, TCPFSM_CMD_CLOSEWAIT_GET, true,
				 &u.replies);
	u.timewait = unpriv_req(&nl, TCPFSM_CMD_TIMEWAIT_GET, false,
				&u.replies);
	/* open to all, but checks CAP_NET_ADMIN over the netns itself */
	if (!nl_talk(&nl, nl_req(&nl, nl.family, TCPFSM_CMD_EVENTS_SUBSCRIBE,
				 TCPFSM_FAMILY_VERSION), ignore, NULL, &a)) {
		u.subscribe = a.err;
		u.subscribe_msg = a.has_msg;
		u.replies += a.nreplies;
	}
	_exit(write(wfd, &u, sizeof(u)) == sizeof(u) ? 0 : 3);
}

TEST_F(tcpfsm_nl, admin_only)
{
	struct family ctrl = { .grp = "notify" };
	struct unpriv u;
	int pfd[2], status;
	pid_t pid;

	ASSERT_EQ(0, nl_family(&self->nl, "nlctrl", &ctrl));
	ASSERT_NE(0U, ctrl.grp_id);
	/* genl_bind(): root has CAP_NET_ADMIN in the netns's user ns */
	ASSERT_EQ(0, join(&self->nl, self->nl.events));

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pfd[0]);
		unpriv_child(pfd[1], ctrl.grp_id);
	}
	close(pfd[1]);
	ASSERT_EQ((ssize_t)sizeof(u), read(pfd[0], &u, sizeof(u)));
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* get takes no GENL_ADMIN_PERM: open to all, as /proc is */
	ASSERT_EQ(0, u.get);
	/* genl_bind(): GENL_MCAST_CAP_NET_ADMIN, ns_capable() fails */
	ASSERT_EQ(EPERM, u.events);
	/* a group without the flag: the EPERM is the group's, not netlink's */
	ASSERT_EQ(0, u.notify);
	/* GENL_ADMIN_PERM: addresses and owners of sockets, never data */
	ASSERT_EQ(EPERM, u.closewait);
	ASSERT_EQ(EPERM, u.timewait);
	/* the events of init_net are not theirs to ask for, and they are told */
	ASSERT_EQ(EPERM, u.subscribe);
	ASSERT_TRUE(u.subscribe_msg);
	ASSERT_EQ(0, u.replies);
}

/* An attribute of @len bytes (zeros), @val in its first bytes (LE). */
struct raw_attr {
	uint16_t type;
	uint16_t len;
	uint32_t val;
};

FIXTURE(malformed) {
	struct nl nl;
	struct tcpfsm_snap snap;
};

FIXTURE_VARIANT(malformed) {
	uint8_t cmd;
	uint8_t reserved;		/* genlmsghdr.reserved */
	uint16_t flags;			/* besides NLM_F_REQUEST | NLM_F_ACK */
	struct raw_attr attr[2];	/* type 0: none */
	uint16_t nla_len;		/* if set, the last one's nla_len */
	/* the answer: errno and extack, 0 or NULL where it must have none */
	int err;
	const char *msg;
	int offs;
	uint32_t miss_type;
	bool policy;			/* the policy of state-id: u8, 1..12 */
};

#define STATE_GET	TCPFSM_CMD_STATE_GET
#define ID(len, val)	{ TCPFSM_A_STATS_STATE_ID, (len), (val) }
#define ID_OK		ID(1, TCP_LISTEN)

/* genl_family_rcv_msg(): genl_get_cmd() finds no such op; no extack */
FIXTURE_VARIANT_ADD(malformed, unknown_cmd) {
	.cmd = 99, .err = EOPNOTSUPP,
};

/* the same: transition-ntf is an event, not an op */
FIXTURE_VARIANT_ADD(malformed, ntf_cmd) {
	.cmd = TCPFSM_CMD_TRANSITION_NTF, .err = EOPNOTSUPP,
};

/*
 * get has a do only: genl_family_rcv_msg_dumpit() finds no .dumpit (6.1),
 * genl_get_cmd(GENL_CMD_CAP_DUMP) no dump op (6.12)
 */
FIXTURE_VARIANT_ADD(malformed, get_dump) {
	.cmd = TCPFSM_CMD_GET, .flags = NLM_F_DUMP, .err = EOPNOTSUPP,
};

/*
 * get takes no attribute: genl_op_fill_in_reject_policy() gives an op
 * >= resv_start_op without policy the reject-all one (maxattr 1), then
 * __nla_validate_parse(): type > maxattr with NL_VALIDATE_MAXTYPE
 */
FIXTURE_VARIANT_ADD(malformed, get_with_attr) {
	.cmd = TCPFSM_CMD_GET, .attr = { ID_OK },
	.err = EINVAL, .msg = "Unknown attribute type", .offs = ATTR0,
};

/* genl_header_check(), for ops >= resv_start_op */
FIXTURE_VARIANT_ADD(malformed, reserved) {
	.cmd = STATE_GET, .reserved = 1, .attr = { ID_OK },
	.err = EINVAL, .msg = "genlmsghdr.reserved field is not 0",
};

/* GENL_REQ_ATTR_CHECK() in tcpfsm_nl_state_get_doit(), and its message */
FIXTURE_VARIANT_ADD(malformed, no_state_id) {
	.cmd = STATE_GET,
	.err = EINVAL, .msg = "missing state-id",
	.miss_type = TCPFSM_A_STATS_STATE_ID,
};

/* nla_validate_range_unsigned(), from the spec's checks: min 1, max 12 */
FIXTURE_VARIANT_ADD(malformed, state_id_0) {
	.cmd = STATE_GET, .attr = { ID(1, 0) },
	.err = ERANGE, .msg = "integer out of range", .offs = ATTR0,
	.policy = true,
};

FIXTURE_VARIANT_ADD(malformed, state_id_13) {
	.cmd = STATE_GET, .attr = { ID(1, TCP_NEW_SYN_RECV + 1) },
	.err = ERANGE, .msg = "integer out of range", .offs = ATTR0,
	.policy = true,
};

/*
 * validate_nla(): length != nla_attr_len[NLA_U8], with
 * NL_VALIDATE_STRICT_ATTRS as the op has no GENL_DONT_VALIDATE_STRICT;
 * its first byte alone would be a valid id
 */
FIXTURE_VARIANT_ADD(malformed, state_id_u32) {
	.cmd = STATE_GET, .attr = { ID(4, TCP_LISTEN) },
	.err = EINVAL, .msg = "invalid attribute length", .offs = ATTR0,
	.policy = true,
};

/*
 * The same with the largest attribute there is; 64 KiB is below
 * sk_sndbuf - 32, so netlink_sendmsg() does not refuse it (EMSGSIZE)
 */
FIXTURE_VARIANT_ADD(malformed, state_id_64k) {
	.cmd = STATE_GET, .attr = { ID(NLA_MAX_PAYLOAD, TCP_LISTEN) },
	.err = EINVAL, .msg = "invalid attribute length", .offs = ATTR0,
	.policy = true,
};

/*
 * __nla_validate_parse(): nla_ok() stops at an nla_len past the end of
 * the message; the bytes left are an error with NL_VALIDATE_TRAILING,
 * which names no attribute
 */
FIXTURE_VARIANT_ADD(malformed, nla_len_past_end) {
	.cmd = STATE_GET, .attr = { ID_OK }, .nla_len = 64,
	.err = EINVAL, .msg = "bytes leftover after parsing attributes",
};

/* __nla_validate_parse(): type > maxattr with NL_VALIDATE_MAXTYPE */
FIXTURE_VARIANT_ADD(malformed, unknown_type) {
	.cmd = STATE_GET, .attr = { ID_OK, { 100, 4, 1 } },
	.err = EINVAL, .msg = "Unknown attribute type", .offs = ATTR1,
};

/*
 * In the attribute set, not in state-get's policy: NLA_UNSPEC there,
 * which validate_nla() refuses with NL_VALIDATE_UNSPEC
 */
FIXTURE_VARIANT_ADD(malformed, not_in_policy) {
	.cmd = STATE_GET,
	.attr = { ID_OK, { NLA_F_NESTED | TCPFSM_A_STATS_TRANSITION, 0, 0 } },
	.err = EINVAL, .msg = "Unsupported attribute", .offs = ATTR1,
};

FIXTURE_SETUP(malformed)
{
	if (!nl_setup(_metadata, &self->nl, &self->snap))
		SKIP(return, "tcpfsm is not loaded");
	/* figures to keep */
	workload(_metadata, &self->snap);
}

FIXTURE_TEARDOWN(malformed)
{
	if (self->nl.sk)
		mnl_socket_close(self->nl.sk);
}

static struct nlmsghdr *bad_request(struct nl *nl,
				    const FIXTURE_VARIANT(malformed) *v)
{
	static const uint8_t zeros[NLA_MAX_PAYLOAD];
	struct nlmsghdr *nlh = nl_req(nl, nl->family, v->cmd,
				      TCPFSM_FAMILY_VERSION);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nlattr *nla = NULL;
	size_t i;

	g->reserved = v->reserved;
	nlh->nlmsg_flags |= v->flags;
	for (i = 0; i < ARRAY_SIZE(v->attr) && v->attr[i].type; i++) {
		uint32_t le = htole32(v->attr[i].val);

		nla = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put(nlh, v->attr[i].type, v->attr[i].len, zeros);
		memcpy(mnl_attr_get_payload(nla), &le,
		       v->attr[i].len < sizeof(le) ? v->attr[i].len : sizeof(le));
	}
	if (v->nla_len)
		nla->nla_len = v->nla_len;
	return nlh;
}

TEST_F(malformed, refused)
{
	struct reply before, after, r;
	struct tcpfsm_snap snap;
	struct answer a;

	get_ok(_metadata, &self->nl, 0, &before);
	ASSERT_EQ(0, nl_talk(&self->nl, bad_request(&self->nl, variant),
			     parse_reply, &r, &a));
	ASSERT_EQ(variant->err, a.err)
		TH_LOG("got %s (%s), %d replies", strerror(a.err), a.msg,
		       a.nreplies);
	ASSERT_EQ(0, a.nreplies);
	ASSERT_EQ(!!variant->msg, a.has_msg);
	ASSERT_STREQ(variant->msg ? variant->msg : "", a.msg);
	ASSERT_EQ(variant->offs ? variant->offs : -1, a.offs);
	ASSERT_EQ(variant->miss_type ? (int64_t)variant->miss_type : -1,
		  a.miss_type);
	ASSERT_EQ(variant->policy, a.has_policy);
	if (variant->policy) {
		ASSERT_EQ((uint32_t)NL_ATTR_TYPE_U8, a.pol_type);
		ASSERT_EQ((uint64_t)TCPFSM_STATE_ESTABLISHED, a.pol_min);
		ASSERT_EQ((uint64_t)TCPFSM_STATE_NEW_SYN_RECV, a.pol_max);
	}

	/* nothing changed, and the socket still answers in step */
	get_ok(_metadata, &self->nl, 0, &after);
	ASSERT_EQ(0, memcmp(&before.m, &after.m, sizeof(after.m)));
	ASSERT_EQ(0, memcmp(&before.s, &after.s, sizeof(after.s)));
	ASSERT_EQ(0, memcmp(before.events, after.events, sizeof(after.events)));
	ASSERT_EQ(0, get_vs_proc(_metadata, &after, &self->snap));
	ASSERT_EQ(0, tcpfsm_snap_read(&snap));
	ASSERT_EQ(0, get_vs_proc(_metadata, &after, &snap));
}

/*
 * netns-get: get's figures for every namespace, in one dump. Each
 * namespace's message must equal what its own /proc/net/tcpfsm shows, read
 * from inside it (setns); every namespace appears once, also while some
 * come and go; only an admin of the initial user namespace may ask; and
 * the command's JSON (tcpfsm -j stats -A) says the same.
 */

#define ALLNS_WORK	3	/* namespaces with traffic: 1, 2, 3 workloads */
#define ALLNS_MANY	20	/* idle ones, for a dump of several parts */
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71
#endif

/* The messages of a netns-get dump, in their order */
struct nsdump {
	struct reply *r;
	uint32_t *ino;
	uint64_t *cookie;
	int n, size;
	int bad;		/* without identity, another cmd, malformed */
	/* run once, at the first message (the rest of the dump is to come) */
	void (*first)(void *arg);
	void *arg;
};

static int parse_ns(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_STATS_MAX + 1];
	struct nsdump *d = data;

	if (d->n == d->size) {
		d->size = d->size ? 2 * d->size : 16;
		d->r = realloc(d->r, d->size * sizeof(*d->r));
		d->ino = realloc(d->ino, d->size * sizeof(*d->ino));
		d->cookie = realloc(d->cookie, d->size * sizeof(*d->cookie));
		if (!d->r || !d->ino || !d->cookie)
			return MNL_CB_ERROR;
	}
	reply_init(&d->r[d->n]);
	parse_reply(nlh, &d->r[d->n]);
	d->bad += d->r[d->n].bad + (d->r[d->n].cmd != TCPFSM_CMD_NETNS_GET);
	memset(tb, 0, sizeof(tb));
	nl_msg_attrs(nlh, &tcpfsm_stats_set, tb, NULL, NULL);
	if (!tb[TCPFSM_A_STATS_NETNS_INO] || !tb[TCPFSM_A_STATS_NETNS_COOKIE]) {
		d->bad++;
		return MNL_CB_OK;
	}
	d->ino[d->n] = mnl_attr_get_u32(tb[TCPFSM_A_STATS_NETNS_INO]);
	d->cookie[d->n] = mnl_attr_get_u64(tb[TCPFSM_A_STATS_NETNS_COOKIE]);
	if (!d->n && d->first)
		d->first(d->arg);
	d->n++;
	return MNL_CB_OK;
}

static int nl_netns_dump(struct nl *nl, struct nsdump *d, struct answer *a)
{
	struct nlmsghdr *nlh;

	nlh = nl_req(nl, nl->family, TCPFSM_CMD_NETNS_GET,
		     TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	return nl_talk(nl, nlh, parse_ns, d, a);
}

static void nsdump_free(struct nsdump *d)
{
	free(d->r);
	free(d->ino);
	free(d->cookie);
	memset(d, 0, sizeof(*d));
}

/* The messages of namespace inode @ino: how many, the last in *@i */
static int nsdump_count(const struct nsdump *d, uint32_t ino, int *i)
{
	int k, n = 0;

	for (k = 0; k < d->n; k++)
		if (d->ino[k] == ino) {
			n++;
			*i = k;
		}
	return n;
}

static uint32_t fd_ns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint32_t)st.st_ino;
}

/* SO_NETNS_COOKIE of a socket of the caller's namespace, 0 if none */
static uint64_t own_netns_cookie(void)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		cookie = 0;
	close(fd);
	return cookie;
}

/* SO_NETNS_COOKIE of the namespace @fd refers to, 0 if unknown */
static uint64_t fd_ns_cookie(int fd)
{
	int here = tcpfsm_netns_open();
	uint64_t cookie = 0;

	if (here < 0)
		return 0;
	if (!setns(fd, CLONE_NEWNET)) {
		cookie = own_netns_cookie();
		if (setns(here, CLONE_NEWNET))
			cookie = 0;
	}
	close(here);
	return cookie;
}

/* How many messages of @d are of the namespace with @cookie */
static int nsdump_count_cookie(const struct nsdump *d, uint64_t cookie)
{
	int k, n = 0;

	for (k = 0; k < d->n; k++)
		n += d->cookie[k] == cookie;
	return n;
}

FIXTURE(allns) {
	struct nl nl;
	struct tcpfsm_snap snap;
	int fd[ALLNS_WORK];
	uint64_t cookie[ALLNS_WORK];
};

FIXTURE_SETUP(allns)
{
	int k;

	for (k = 0; k < ALLNS_WORK; k++)
		self->fd[k] = -1;
	if (!nl_setup(_metadata, &self->nl, &self->snap))
		SKIP(return, "tcpfsm is not loaded");
}

FIXTURE_TEARDOWN(allns)
{
	int k;

	for (k = 0; k < ALLNS_WORK; k++)
		if (self->fd[k] >= 0)
			close(self->fd[k]);
	if (self->nl.sk)
		mnl_socket_close(self->nl.sk);
}

/* ALLNS_WORK new namespaces, k + 1 workloads in the k-th; left in the last */
static void allns_traffic(struct __test_metadata *_metadata,
			  FIXTURE_DATA(allns) *self)
{
	struct tcpfsm_snap snap;
	int k, i;

	for (k = 0; k < ALLNS_WORK; k++) {
		ASSERT_EQ(0, tcpfsm_netns_new());
		self->fd[k] = tcpfsm_netns_open();
		ASSERT_LE(0, self->fd[k]);
		self->cookie[k] = own_netns_cookie();
		tcpfsm_snap_zero(&snap);
		for (i = 0; i <= k; i++)
			workload(_metadata, &snap);
	}
}

/* Each namespace's message against its own /proc, read from inside it */
static void allns_vs_proc(struct __test_metadata *_metadata,
			  FIXTURE_DATA(allns) *self, const struct nsdump *d)
{
	struct tcpfsm_snap snap;
	int k, i = -1;

	for (k = 0; k < ALLNS_WORK; k++) {
		ASSERT_EQ(1, nsdump_count(d, fd_ns_ino(self->fd[k]), &i));
		ASSERT_EQ(0, setns(self->fd[k], CLONE_NEWNET));
		ASSERT_EQ(0, tcpfsm_snap_read(&snap));
		EXPECT_EQ(0, get_vs_proc(_metadata, &d->r[i], &snap))
			TH_LOG("namespace %d (inode %u)", k, d->ino[i]);
		/* k + 1 workloads: its own figures, not another's */
		EXPECT_EQ(8 * (k + 1), d->r[i].s.entered[TCP_ESTABLISHED]);
		EXPECT_EQ(k + 1, d->r[i].s.cur[TCP_LISTEN]);
		if (self->cookie[k])	/* SO_NETNS_COOKIE: 5.14 and later */
			EXPECT_EQ(self->cookie[k], d->cookie[i]);
	}
}

TEST_F(allns, counters_per_netns)
{
	struct nsdump d = { 0 };
	struct answer a;

	allns_traffic(_metadata, self);
	ASSERT_EQ(0, nl_netns_dump(&self->nl, &d, &a));
	ASSERT_EQ(0, a.err) TH_LOG("refused: %s (%s)", strerror(a.err), a.msg);
	ASSERT_EQ(0, d.bad);
	ASSERT_EQ(d.n, a.nreplies);
	allns_vs_proc(_metadata, self, &d);
	nsdump_free(&d);
}

/* Add the inode of @path to @ino (@n of them), once. */
static void ino_add(const char *path, uint32_t *ino, int *n, int max)
{
	struct stat st;
	int i;

	if (stat(path, &st))
		return;
	for (i = 0; i < *n; i++)
		if (ino[i] == st.st_ino)
			return;
	if (*n < max)
		ino[(*n)++] = st.st_ino;
}

/* The namespaces open files of /proc/@pid hold (net:[INODE]) */
static void netns_fds(const char *pid, uint32_t *ino, int *n, int max)
{
	char path[300], fpath[600], link[64];
	unsigned int i;
	struct dirent *e;
	ssize_t len;
	DIR *d;
	int k;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		snprintf(fpath, sizeof(fpath), "%s/%s", path, e->d_name);
		len = readlink(fpath, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (sscanf(link, "net:[%u]", &i) != 1)
			continue;
		for (k = 0; k < *n && ino[k] != i; k++)
			;
		if (k == *n && *n < max)
			ino[(*n)++] = i;
	}
	if (d)
		closedir(d);
}

/* Every namespace a task is in or holds open, or /run/netns holds */
static int netns_known(uint32_t *ino, int max)
{
	char path[300], tpath[600];
	struct dirent *p, *t;
	DIR *proc, *task;
	int n = 0;

	proc = opendir("/proc");
	while (proc && (p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		while (task && (t = readdir(task))) {
			snprintf(tpath, sizeof(tpath), "%s/%s/ns/net", path,
				 t->d_name);
			if (t->d_name[0] != '.')
				ino_add(tpath, ino, &n, max);
		}
		if (task)
			closedir(task);
		netns_fds(p->d_name, ino, &n, max);
	}
	if (proc)
		closedir(proc);
	proc = opendir("/run/netns");
	while (proc && (p = readdir(proc))) {
		snprintf(path, sizeof(path), "/run/netns/%s", p->d_name);
		if (p->d_name[0] != '.')
			ino_add(path, ino, &n, max);
	}
	if (proc)
		closedir(proc);
	return n;
}

/*
 * Every namespace once, in the order of their cookies, over a dump of
 * several parts (ALLNS_MANY more namespaces; a message is 5 KiB or more).
 */
TEST_F(allns, every_netns_once)
{
	static uint32_t known[4096];
	int fds[ALLNS_MANY], k, n, i = -1;
	struct nsdump d = { 0 };
	struct answer a;

	allns_traffic(_metadata, self);
	for (k = 0; k < ALLNS_MANY; k++) {
		ASSERT_EQ(0, tcpfsm_netns_new());
		fds[k] = tcpfsm_netns_open();
		ASSERT_LE(0, fds[k]);
	}
	ASSERT_EQ(0, nl_netns_dump(&self->nl, &d, &a));
	ASSERT_EQ(0, a.err) TH_LOG("refused: %s (%s)", strerror(a.err), a.msg);
	ASSERT_EQ(0, d.bad);
	n = netns_known(known, ARRAY_SIZE(known));
	TH_LOG("%d namespaces dumped, %d held by a task, a file or /run/netns",
	       d.n, n);
	ASSERT_LE(ALLNS_WORK + ALLNS_MANY + 1, n);
	for (k = 0; k < n; k++)
		EXPECT_EQ(1, nsdump_count(&d, known[k], &i))
			TH_LOG("inode %u", known[k]);
	for (k = 1; k < d.n; k++)
		EXPECT_LT(d.cookie[k - 1], d.cookie[k]);
	for (k = 0; k < d.n; k++)
		EXPECT_EQ(1, nsdump_count(&d, d.ino[k], &i));
	allns_vs_proc(_metadata, self, &d);
	for (k = 0; k < ALLNS_MANY; k++)
		close(fds[k]);
	nsdump_free(&d);
}

/* What the dump's first message does: namespaces go and come meanwhile */
struct churn {
	int *fds, nfds;		/* closed: each one's last reference */
	int made;		/* new namespaces, each held by the next */
	int hold[4];
};

static void churn_first(void *arg)
{
	struct churn *c = arg;
	int k;

	for (k = 0; k < c->nfds; k++) {
		close(c->fds[k]);
		c->fds[k] = -1;
	}
	for (k = 0; k < (int)ARRAY_SIZE(c->hold); k++) {
		if (unshare(CLONE_NEWNET))
			break;
		c->hold[k] = tcpfsm_netns_open();
		c->made++;
	}
}

/*
 * Namespaces that go away during the dump (their last reference closed
 * after its first part) and new ones: each of the others exactly once,
 * those that went at most once, cookies in order, and a clean end. By
 * cookie: a namespace made during the dump may get the inode number of
 * one that went (seen on the debug kernel), never its cookie.
 */
TEST_F(allns, netns_come_and_go)
{
	int fds[ALLNS_MANY], kept[ALLNS_MANY];
	uint64_t gone[ALLNS_MANY / 2], kept_cookie[ALLNS_MANY / 2];
	struct churn c = { .fds = fds, .nfds = ALLNS_MANY / 2 };
	struct nsdump d = { .first = churn_first, .arg = &c };
	struct answer a;
	int k, i = -1;

	for (k = 0; k < ALLNS_MANY; k++) {
		ASSERT_EQ(0, tcpfsm_netns_new());
		fds[k] = tcpfsm_netns_open();
		ASSERT_LE(0, fds[k]);
	}
	/* every other one goes: gone early in the order and late */
	for (k = 0; k < ALLNS_MANY; k++) {
		if (k % 2) {
			kept[k / 2] = fds[k];
			kept_cookie[k / 2] = fd_ns_cookie(fds[k]);
			ASSERT_NE(0, kept_cookie[k / 2]);
		} else {
			gone[k / 2] = fd_ns_cookie(fds[k]);
			ASSERT_NE(0, gone[k / 2]);
			fds[k / 2] = fds[k];
		}
	}
	ASSERT_EQ(0, nl_netns_dump(&self->nl, &d, &a));
	ASSERT_EQ(0, a.err) TH_LOG("refused: %s (%s)", strerror(a.err), a.msg);
	ASSERT_EQ(0, d.bad);
	ASSERT_EQ((int)ARRAY_SIZE(c.hold), c.made);
	for (k = 1; k < d.n; k++)
		EXPECT_LT(d.cookie[k - 1], d.cookie[k]);
	/* the cookies strictly in order: no namespace twice */
	for (k = 0; k < ALLNS_MANY / 2; k++) {
		EXPECT_EQ(1, nsdump_count_cookie(&d, kept_cookie[k]));
		/* alive all along: no other namespace had its inode */
		EXPECT_EQ(1, nsdump_count(&d, fd_ns_ino(kept[k]), &i));
		EXPECT_GE(1, nsdump_count_cookie(&d, gone[k]));
	}
	for (k = 0; k < ALLNS_MANY / 2; k++)
		close(kept[k]);
	for (k = 0; k < c.made; k++)
		close(c.hold[k]);
	nsdump_free(&d);
}

/* What a caller without CAP_NET_ADMIN in the initial user ns got */
struct allns_unpriv {
	int err;		/* the dump's errno, EPROTO if none came */
	int nreplies;
};

/* @tenant: root of a user namespace of its own, else just uid 65534 */
static void allns_unpriv_child(int wfd, bool tenant)
{
	struct allns_unpriv u = { EPROTO, 0 };
	struct family f = { 0 };
	struct nsdump d = { 0 };
	struct answer a;
	struct nl nl;

	if (tenant) {
		if (tcpfsm_tenant())
			_exit(TCPFSM_TENANT_NOUSERNS);
	} else if (setgid(65534) || setuid(65534)) {
		_exit(1);
	}
	if (nl_open(&nl, &f))
		_exit(2);
	if (!nl_netns_dump(&nl, &d, &a)) {
		u.err = a.err;
		u.nreplies = a.nreplies;
	}
	_exit(write(wfd, &u, sizeof(u)) == sizeof(u) ? 0 : 3);
}

static int allns_unpriv(struct allns_unpriv *u, bool tenant)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pfd[0]);
		allns_unpriv_child(pfd[1], tenant);
	}
	close(pfd[1]);
	if (read(pfd[0], u, sizeof(*u)) != sizeof(*u))
		u->err = -1;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * EPERM (GENL_ADMIN_PERM: no extack message) for uid 65534 and for root
 * of a user namespace of its own (CAP_NET_ADMIN there, over its own
 * namespaces, is not enough: the dump shows every namespace), before any
 * message of the dump; root gets the dump.
 */
TEST_F(allns, admin_only)
{
	struct nsdump d = { 0 };
	struct allns_unpriv u;
	struct answer a;
	int ret;

	ASSERT_EQ(0, allns_unpriv(&u, false));
	EXPECT_EQ(EPERM, u.err);
	EXPECT_EQ(0, u.nreplies);
	ret = allns_unpriv(&u, true);
	if (ret == TCPFSM_TENANT_NOUSERNS) {
		TH_LOG("no unprivileged user namespace: the tenant not tried");
	} else {
		ASSERT_EQ(0, ret);
		EXPECT_EQ(EPERM, u.err);
		EXPECT_EQ(0, u.nreplies);
	}
	ASSERT_EQ(0, nl_netns_dump(&self->nl, &d, &a));
	EXPECT_EQ(0, a.err);
	EXPECT_LE(2, d.n);	/* init_net and the test's */
	nsdump_free(&d);
}

#define NS_NAME	"tcpfsm-allns-test"

/*
 * The command: `tcpfsm -j stats all -A` (TCPFSM_CMD) against the same
 * oracle, each namespace's /proc read from inside it; flattened by python3
 * to "INODE n NAMES PID -", "INODE s STATE CURRENT ENTERED LEFT" and "INODE
 * t OLD NEW COUNT" lines ("-" for what is absent): the namespace the test
 * is in, named by ip netns attach, has that name and the test's pid; the
 * others, which only the test's files hold, neither. And -o prometheus -A
 * passes promtool, labelled by that name. Several programs run (ip,
 * python3, promtool): 24 s on an idle debug kernel, past the harness's
 * 30 s default when another guest shares the host.
 */
TEST_F_TIMEOUT(allns, command_json, 180)
{
	static const char flatten[] =
		"import json, sys\n"
		"for ns in json.load(open(sys.argv[1])):\n"
		"    i = ns['netns']['inode']\n"
		"    assert isinstance(ns['netns']['cookie'], int)\n"
		"    print(i, 'n', ','.join(ns['netns']['names']) or '-', ns['netns'].get('pid', '-'), '-')\n"
		"    for s in ns['states']:\n"
		"        print(i, 's', s['state'], *(s.get(k, '-') for k in ('current', 'entered', 'left')))\n"
		"    for t in ns['transitions']:\n"
		"        print(i, 't', t['old'], t['new'], t['count'])\n";
	const char *cmd = getenv("TCPFSM_CMD");
	char out[] = "/tmp/tcpfsm-allns.XXXXXX", py[] = "/tmp/tcpfsm-allns-py.XXXXXX";
	char flat[64], line[256], kind[4], f1[32], f2[32], f3[32], f4[32];
	int fd, k, seen[ALLNS_WORK] = { 0 }, ntrans[ALLNS_WORK] = { 0 };
	char want_id[128], got_id[128];
	int seen_id[ALLNS_WORK] = { 0 };
	bool named;
	struct tcpfsm_snap snap[ALLNS_WORK];
	uint32_t ino[ALLNS_WORK];
	unsigned int i;
	FILE *f;

	if (!cmd)
		SKIP(return, "TCPFSM_CMD is not set (path of the tcpfsm command)");
	if (tcpfsm_sh("command -v python3"))
		SKIP(return, "no python3 to read the JSON");
	allns_traffic(_metadata, self);
	fd = mkstemp(out);
	ASSERT_LE(0, fd);
	close(fd);
	fd = mkstemp(py);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(flatten), write(fd, flatten, strlen(flatten)));
	close(fd);
	snprintf(flat, sizeof(flat), "%s.flat", out);
	/* the last namespace, ours, gets a name, as ip netns add gives */
	tcpfsm_sh("ip netns delete " NS_NAME);
	named = !tcpfsm_sh("ip netns attach " NS_NAME " %d", getpid());
	if (!named)
		TH_LOG("ip netns attach failed: no name to label by");
	ASSERT_EQ(0, tcpfsm_sh("%s -j stats all -A > %s", cmd, out));
	ASSERT_EQ(0, tcpfsm_sh("python3 %s %s > %s", py, out, flat));
	for (k = 0; k < ALLNS_WORK; k++) {
		ino[k] = fd_ns_ino(self->fd[k]);
		ASSERT_EQ(0, setns(self->fd[k], CLONE_NEWNET));
		ASSERT_EQ(0, tcpfsm_snap_read(&snap[k]));
	}
	f = fopen(flat, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		ASSERT_LE(5, sscanf(line, "%u %3s %31s %31s %31s %31s", &i,
				    kind, f1, f2, f3, f4)) TH_LOG("%s", line);
		for (k = 0; k < ALLNS_WORK && ino[k] != i; k++)
			;
		if (k == ALLNS_WORK)
			continue;	/* a namespace of the system's */
		if (!strcmp(kind, "n")) {
			/* the last is ours and has a name; the others neither */
			snprintf(want_id, sizeof(want_id), "%s %d",
				 named ? NS_NAME : "-", getpid());
			snprintf(got_id, sizeof(got_id), "%s %s", f1, f2);
			if (k != ALLNS_WORK - 1)
				snprintf(want_id, sizeof(want_id), "- -");
			EXPECT_STREQ(want_id, got_id);
			seen_id[k]++;
		} else if (!strcmp(kind, "s")) {
			int s, j;
			const char *got[3] = { f2, f3, f4 };
			int64_t want[3];

			for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++)
				if (!strcmp(f1, tcpfsm_state_name(s)))
					break;
			ASSERT_GE(TCP_NEW_SYN_RECV, s) TH_LOG("%s", line);
			want[0] = snap[k].s.cur[s];
			want[1] = snap[k].s.entered[s];
			want[2] = snap[k].s.left[s];
			seen[k]++;
			for (j = 0; j < 3; j++) {
				char buf[24];

				EXPECT_STREQ(fig(want[j], buf, sizeof(buf)),
					     strcmp(got[j], "-") ? got[j] : "absent")
					TH_LOG("netns %d: %s", k, line);
			}
		} else {
			int o, n;

			for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++)
				if (!strcmp(f1, tcpfsm_state_name(o)))
					break;
			for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
				if (!strcmp(f2, tcpfsm_state_name(n)))
					break;
			ASSERT_GE(TCP_CLOSING, o) TH_LOG("%s", line);
			ASSERT_GE(TCP_CLOSING, n) TH_LOG("%s", line);
			EXPECT_EQ(snap[k].m.n[o][n], strtoull(f3, NULL, 10))
				TH_LOG("netns %d: %s", k, line);
			ntrans[k]++;
		}
	}
	fclose(f);
	for (k = 0; k < ALLNS_WORK; k++) {
		EXPECT_EQ(1, seen_id[k]) TH_LOG("netns %d", k);
		EXPECT_EQ(TCP_NEW_SYN_RECV, seen[k]) TH_LOG("netns %d", k);
		EXPECT_EQ(TCP_CLOSING * TCP_CLOSING, ntrans[k]);
	}
	if (tcpfsm_sh("command -v promtool")) {
		TH_LOG("no promtool: -o prometheus -A not checked");
	} else {
		ASSERT_EQ(0, tcpfsm_sh("%s -o prometheus stats -A > %s", cmd, out));
		EXPECT_EQ(0, tcpfsm_sh("promtool check metrics < %s", out));
		if (named) {
			EXPECT_EQ(0, tcpfsm_sh("grep -q '^tcpfsm_sockets{netns=\"" NS_NAME "\",state=\"listen\"} %d$' %s",
					       ALLNS_WORK, out));
		} else {
			EXPECT_EQ(0, tcpfsm_sh("grep -q '^tcpfsm_sockets{netns=\"pid:%d\",state=\"listen\"} %d$' %s",
					       getpid(), ALLNS_WORK, out));
		}
	}
	if (named)
		tcpfsm_sh("ip netns delete " NS_NAME);
	unlink(out);
	unlink(py);
	unlink(flat);
}

TEST_HARNESS_MAIN
