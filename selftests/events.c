// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the transition events of the "events" multicast group against
 * the contract, Documentation/netlink/specs/tcpfsm.yaml, and against
 * /proc/net/tcpfsm/transitions.
 *
 * How module/probe.c and module/events.c produce them, which every
 * expectation here follows:
 *
 * - tcpfsm_probe() counts every transition in the matrix and, while a
 *   socket of its netns is subscribed (events-subscribe) and the group has
 *   a listener in any netns (genl_has_listeners()), hands it to
 *   tcpfsm_event_record(), on the CPU the transition happens on (see
 *   isolation.tenant: a listener elsewhere costs a netns nothing);
 * - tcpfsm_event_record() takes the next sequence number of (netns, CPU)
 *   (ev_seq, zeroed by alloc_percpu() in tcpfsm_stats_init_net(), so 1 is
 *   the first of a new netns) and a slot of the CPU's ring (events_ring), or
 *   counts events-lost-overflow with the number used;
 * - the CPU's work, tcpfsm_event_drain(), sends the ring in order, batched
 *   per netns, with genlmsg_multicast_netns() to the listeners of that
 *   netns only, and counts the batch as events-sent, or as
 *   events-lost-rcvbuf on -ENOBUFS.
 *
 * Needs tcpfsm loaded, root, and libmnl.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "spec.h"
#include "tcpfsm_lib.h"

/* Waits, never timed assertions: a TCG guest is slow. */
#define WAIT_MS		20000	/* for events that must come */
#define QUIET_MS	500	/* then nothing more may come */
#define ABSENT_MS	2000	/* for events that must not come */
#define BIG_RCVBUF	(8 << 20)
#define BURST		1000	/* connections, about 6,000 events */

#ifndef SO_COOKIE
#define SO_COOKIE	57
#endif

/* One transition-ntf, as received. */
struct ev {
	uint16_t family;
	uint8_t saddr[16], daddr[16];	/* IPv4: the first 4 bytes */
	uint16_t sport, dport;		/* host order */
	uint8_t old, new;
	uint64_t ts, cookie, ino, seq;	/* cookie, ino: 0 if absent */
	uint64_t dwell;			/* old-state-ns */
	uint32_t uid, source;
	bool has_ino, has_uid, has_dwell;
};

/* A socket of the events group and what it received. */
struct evl {
	struct nl nl;
	struct ev *ev;
	size_t n, cap;
	int enobufs;	/* recv() failed with ENOBUFS */
	int bad;	/* messages or attributes against the spec */
};

/* The module's event counters, from a get. */
struct counters {
	uint64_t v[TCPFSM_A_STATS_MAX + 1];
	unsigned int seen;
};

#define SENT		TCPFSM_A_STATS_EVENTS_SENT
#define OVERFLOW	TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW
#define NOMEM		TCPFSM_A_STATS_EVENTS_LOST_NOMEM
#define RCVBUF		TCPFSM_A_STATS_EVENTS_LOST_RCVBUF
#define UNHEARD		TCPFSM_A_STATS_EVENTS_UNHEARD

#define BIT(a)		(1U << (a))
/* tcpfsm_event_fill() puts these in every event */
#define EV_ALWAYS	(BIT(TCPFSM_A_EVENT_FAMILY) | BIT(TCPFSM_A_EVENT_SPORT) | \
			 BIT(TCPFSM_A_EVENT_DPORT) | BIT(TCPFSM_A_EVENT_OLD_STATE) | \
			 BIT(TCPFSM_A_EVENT_NEW_STATE) |		\
			 BIT(TCPFSM_A_EVENT_TIMESTAMP) |		\
			 BIT(TCPFSM_A_EVENT_SOURCE) | BIT(TCPFSM_A_EVENT_SEQ))
#define EV_ADDR4	(BIT(TCPFSM_A_EVENT_SADDR4) | BIT(TCPFSM_A_EVENT_DADDR4))
#define EV_ADDR6	(BIT(TCPFSM_A_EVENT_SADDR6) | BIT(TCPFSM_A_EVENT_DADDR6))
#define EV_FILE		(BIT(TCPFSM_A_EVENT_INO) | BIT(TCPFSM_A_EVENT_UID))

/* an attribute of an event's table, 0 if absent */
#define EV_GET(tb, attr, bits) \
	((tb)[TCPFSM_A_EVENT_##attr] ? \
	 mnl_attr_get_u##bits((tb)[TCPFSM_A_EVENT_##attr]) : 0)

/* One transition-ntf into @e: 0, or -1 if it is not what the spec says. */
static int parse_event(const struct nlmsghdr *nlh, struct ev *e)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCPFSM_A_EVENT_MAX + 1], *a;
	unsigned int seen = 0, addrs, t;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) ||
	    g->cmd != TCPFSM_CMD_TRANSITION_NTF ||
	    g->version != TCPFSM_FAMILY_VERSION ||
	    nl_msg_attrs(nlh, &tcpfsm_event_set, tb, NULL, NULL))
		return -1;
	for (t = 1; t <= TCPFSM_A_EVENT_MAX; t++)
		if (tb[t])
			seen |= BIT(t);
	memset(e, 0, sizeof(*e));
	e->family = EV_GET(tb, FAMILY, 16);
	a = tb[TCPFSM_A_EVENT_SADDR4] ?: tb[TCPFSM_A_EVENT_SADDR6];
	if (a)
		memcpy(e->saddr, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	a = tb[TCPFSM_A_EVENT_DADDR4] ?: tb[TCPFSM_A_EVENT_DADDR6];
	if (a)
		memcpy(e->daddr, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	e->sport = ntohs(EV_GET(tb, SPORT, 16));	/* big-endian */
	e->dport = ntohs(EV_GET(tb, DPORT, 16));
	e->old = EV_GET(tb, OLD_STATE, 8);
	e->new = EV_GET(tb, NEW_STATE, 8);
	e->ts = EV_GET(tb, TIMESTAMP, 64);
	e->cookie = EV_GET(tb, COOKIE, 64);
	e->ino = EV_GET(tb, INO, 64);
	e->has_ino = tb[TCPFSM_A_EVENT_INO];
	e->uid = EV_GET(tb, UID, 32);
	e->has_uid = tb[TCPFSM_A_EVENT_UID];
	e->source = EV_GET(tb, SOURCE, 32);
	e->seq = EV_GET(tb, SEQ, 64);
	e->dwell = EV_GET(tb, OLD_STATE_NS, 64);
	e->has_dwell = tb[TCPFSM_A_EVENT_OLD_STATE_NS];
	/* the addresses of the family and no other; ino and uid together */
	addrs = e->family == AF_INET ? EV_ADDR4 :
		e->family == AF_INET6 ? EV_ADDR6 : ~0U;
	if ((seen & EV_ALWAYS) != EV_ALWAYS ||
	    (seen & (EV_ADDR4 | EV_ADDR6)) != addrs ||
	    ((seen & EV_FILE) && (seen & EV_FILE) != EV_FILE) ||
	    (seen & BIT(TCPFSM_A_EVENT_COOKIE) && !e->cookie) ||
	    e->old < TCP_ESTABLISHED || e->old > TCP_CLOSING ||
	    e->new < TCP_ESTABLISHED || e->new > TCP_CLOSING)
		return -1;
	return 0;
}

/* Everything queued on @l now, without waiting: the number of messages. */
static int evl_read(struct evl *l)
{
	static char buf[64 * 1024];
	const struct nlmsghdr *nlh;
	int fd = mnl_socket_get_fd(l->nl.sk);
	int len, nmsg = 0;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0 && errno == ENOBUFS) {
			/* netlink_overrun(): some were dropped, read on */
			l->enobufs++;
			continue;
		}
		if (len < 0)
			return errno == EAGAIN ? nmsg : -errno;
		if (len > (int)sizeof(buf))
			return -EMSGSIZE;
		nmsg++;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			/* a notification: no request, from the kernel */
			if (nlh->nlmsg_type != l->nl.family || nlh->nlmsg_seq ||
			    nlh->nlmsg_pid) {
				l->bad++;
				continue;
			}
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 1024;
				l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
				if (!l->ev)
					return -ENOMEM;
			}
			if (parse_event(nlh, &l->ev[l->n]))
				l->bad++;
			else
				l->n++;
		}
		if (len)
			l->bad++;
	}
}

/*
 * Read until @l holds @want events or WAIT_MS passed, then until nothing
 * came for @quiet_ms: what would come after it, the test would see. With
 * @want 0, only the latter: nothing may come.
 */
static int evl_collect(struct evl *l, size_t want, int quiet_ms)
{
	int64_t deadline = tcpfsm_now_ms() + WAIT_MS, left;
	struct pollfd p = { .fd = mnl_socket_get_fd(l->nl.sk),
			    .events = POLLIN };
	int r;

	for (;;) {
		r = evl_read(l);
		if (r < 0)
			return r;
		left = deadline - tcpfsm_now_ms();
		if (l->n >= want || left <= 0)
			left = quiet_ms;
		r = poll(&p, 1, left);
		if (r < 0)
			return -errno;
		if (!r && (l->n >= want || tcpfsm_now_ms() >= deadline))
			return 0;
	}
}

/* events-subscribe (or unsubscribe) from @nl's socket: 0 or -errno */
static int evl_subscribe(struct nl *nl, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct answer a;
	int err;

	nlh = nl_req(nl, nl->family, cmd, TCPFSM_FAMILY_VERSION);
	err = nl_talk(nl, nlh, NULL, NULL, &a);
	return err ? err : -a.err;
}

/*
 * Join the group from a socket of the caller's netns and subscribe to the
 * events of that netns. @rcvbuf < 0 leaves the buffer as it is (an
 * unprivileged user cannot force it).
 */
static int evl_open(struct evl *l, int rcvbuf, bool bcast_error)
{
	struct family f = { 0 };
	int fd, one = 1, err;

	memset(l, 0, sizeof(*l));
	err = nl_open(&l->nl, &f);
	if (err)
		return err;
	fd = mnl_socket_get_fd(l->nl.sk);
	/* SO_RCVBUFFORCE: past rmem_max; 0 is SOCK_MIN_RCVBUF, about 2 KiB */
	if ((rcvbuf >= 0 &&
	     setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			sizeof(rcvbuf))) ||
	    (bcast_error &&
	     setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one,
			sizeof(one))) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &l->nl.events,
		       sizeof(l->nl.events)))
		return -errno;
	return evl_subscribe(&l->nl, TCPFSM_CMD_EVENTS_SUBSCRIBE);
}

static void evl_close(struct evl *l)
{
	if (l->nl.sk)
		mnl_socket_close(l->nl.sk);
	l->nl.sk = NULL;
	free(l->ev);
	l->ev = NULL;
}

static int parse_counters(const struct nlmsghdr *nlh, void *data)
{
	struct counters *c = data;
	const struct nlattr *a;
	int t;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		t = mnl_attr_get_type(a);
		if ((t < SENT || t > RCVBUF) && t != UNHEARD)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		c->v[t] = mnl_attr_get_u64(a);
		c->seen |= BIT(t);
	}
	return MNL_CB_OK;
}

/* A get: the module's event counters of the netns of @nl. */
static int get_counters(struct nl *nl, struct counters *c)
{
	struct nlmsghdr *nlh;
	struct answer a;
	int err;

	memset(c, 0, sizeof(*c));
	nlh = nl_req(nl, nl->family, TCPFSM_CMD_GET, TCPFSM_FAMILY_VERSION);
	err = nl_talk(nl, nlh, parse_counters, c, &a);
	if (err)
		return err;
	if (a.err)
		return -a.err;
	/* tcpfsm_nl_put_events(): all five, always */
	return a.nreplies == 1 &&
	       c->seen == (BIT(SENT) | BIT(OVERFLOW) | BIT(NOMEM) | BIT(RCVBUF) |
			   BIT(UNHEARD)) ?
	       0 : -EPROTO;
}

static int64_t matrix_total(const struct tcpfsm_matrix *m)
{
	int64_t sum = 0;
	int i, j;

	for (i = 0; i < TCPFSM_NR; i++)
		for (j = 0; j < TCPFSM_NR; j++)
			sum += m->n[i][j];
	return sum;
}

/* Every transition of the caller's netns so far, from /proc. */
static int64_t proc_total(void)
{
	struct tcpfsm_matrix m;

	return tcpfsm_read_matrix(&m) ? -1 : matrix_total(&m);
}

/* /proc total once it stayed the same for QUIET_MS: kernel TCP settled. */
static int64_t proc_settled(void)
{
	struct tcpfsm_matrix m;

	return tcpfsm_matrix_settled(&m, QUIET_MS, WAIT_MS) ? -1 :
	       matrix_total(&m);
}

/* A new netns with lo up, or false if tcpfsm is not loaded. */
static bool events_setup(struct __test_metadata *_metadata)
{
	int err;

	/* pinned: one path through a graceful close, see tcpfsm_pin_cpu() */
	err = tcpfsm_test_netns();
	if (err == -ENOENT)
		return false;
	ASSERT_EQ(0, err);
	/* new: no transition yet, so no sequence number used */
	ASSERT_EQ(0, proc_total());
	return true;
}

/*
 * exchange: one connection, each socket's events checked field by field
 * against the kernel functions that make its transitions.
 */

enum role { LISTENER, CLIENT, CHILD, NR_ROLES };
enum port { P0, PL, PC };	/* 0, the listener's, the client's */
enum addr { ANY, LO };		/* 0.0.0.0 / ::, 127.0.0.1 / ::1 */

struct want {
	enum role role;
	int old, new;
	enum port sport, dport;
	enum addr saddr, daddr;
	bool ino;		/* the socket has its file */
};

#define W(r, o, n, sp, dp, sa, da, i) \
	{ r, TCP_##o, TCP_##n, sp, dp, sa, da, i }

/*
 * listen(), connect(), accept(), the client's close(), the server's once
 * it read the EOF, then the listener's. In order per socket; a socket's
 * transitions are serialised by its lock, and the test runs on one CPU,
 * so its events come from one ring in that order.
 */
static const struct want exchange_want[] = {
	/* inet_csk_listen_start(), from listen() */
	W(LISTENER, CLOSE, LISTEN, PL, P0, LO, ANY, true),
	/* tcp_v[46]_connect(): before inet_hash_connect() picks the port */
	W(CLIENT, CLOSE, SYN_SENT, P0, PL, LO, LO, true),
	/*
	 * inet_csk_clone_lock(): the clone still has the listener's ports
	 * and addresses, and sk_clone_lock() cleared its sk_socket
	 */
	W(CHILD, LISTEN, SYN_RECV, PL, P0, LO, ANY, false),
	/* tcp_rcv_state_process() on the ACK, before accept() */
	W(CHILD, SYN_RECV, ESTABLISHED, PL, PC, LO, LO, false),
	/* tcp_finish_connect(), connect() still holds the file */
	W(CLIENT, SYN_SENT, ESTABLISHED, PC, PL, LO, LO, true),
	/* __tcp_close(): tcp_close_state() before sock_orphan() */
	W(CLIENT, ESTABLISHED, FIN_WAIT1, PC, PL, LO, LO, true),
	/* tcp_fin() of the accepted socket */
	W(CHILD, ESTABLISHED, CLOSE_WAIT, PL, PC, LO, LO, true),
	/* tcp_rcv_state_process(): FIN acked, the orphan... */
	W(CLIENT, FIN_WAIT1, FIN_WAIT2, PC, PL, LO, LO, false),
	/* ...tcp_time_wait(), tcp_done(), on the ACK or on the peer's FIN */
	W(CLIENT, FIN_WAIT2, CLOSE, PC, PL, LO, LO, false),
	/* __tcp_close() of the accepted socket */
	W(CHILD, CLOSE_WAIT, LAST_ACK, PL, PC, LO, LO, true),
	/* its FIN acked: tcp_rcv_state_process(), tcp_done(), an orphan */
	W(CHILD, LAST_ACK, CLOSE, PL, PC, LO, LO, false),
	/* tcp_close() of a listener */
	W(LISTENER, LISTEN, CLOSE, PL, P0, LO, ANY, true),
};

/* What the test knows of its sockets. */
struct conn {
	int family;
	uint16_t port[3];		/* by enum port */
	uint8_t addr[2][16];		/* by enum addr */
	uint64_t ino[NR_ROLES];
	uint64_t client_cookie;
};

/* The socket an event is about, by its ports and states, or -1. */
static int role_of(const struct conn *c, const struct ev *e)
{
	uint16_t pl = c->port[PL], pc = c->port[PC];

	if (e->sport == pl && e->dport == 0)
		return e->old == TCP_LISTEN && e->new == TCP_SYN_RECV ?
		       CHILD : LISTENER;
	if (e->sport == pl && e->dport == pc)
		return CHILD;
	if ((e->sport == pc || e->sport == 0) && e->dport == pl)
		return CLIENT;
	return -1;
}

/*
 * The mismatches of @e against @w, printed; @prev is the event before it of
 * the same socket, NULL for its first.
 */
static int check_event(const struct conn *c, const struct want *w,
		       const struct ev *e, const struct ev *prev)
{
	size_t alen = c->family == AF_INET ? 4 : 16;
	int bad = 0;

#define EXPECT(cond, fmt, ...) do {					\
		if (!(cond)) {						\
			ksft_print_msg("%s -> %s of socket %d: " fmt "\n", \
				       tcpfsm_state_name(w->old),	\
				       tcpfsm_state_name(w->new),	\
				       w->role, ##__VA_ARGS__);		\
			bad++;						\
		}							\
	} while (0)

	EXPECT(e->old == w->old && e->new == w->new, "got %s -> %s",
	       tcpfsm_state_name(e->old), tcpfsm_state_name(e->new));
	EXPECT(e->family == c->family, "family %u", e->family);
	EXPECT(e->sport == c->port[w->sport], "sport %u", e->sport);
	EXPECT(e->dport == c->port[w->dport], "dport %u", e->dport);
	EXPECT(!memcmp(e->saddr, c->addr[w->saddr], alen), "saddr");
	EXPECT(!memcmp(e->daddr, c->addr[w->daddr], alen), "daddr");
	/* sk_socket's inode and sk_uid, mapped to our user ns: root */
	EXPECT(e->has_ino == w->ino, "ino %s",
	       e->has_ino ? "present" : "absent");
	EXPECT(!w->ino || e->ino == c->ino[w->role], "ino %llu, fd's %llu",
	       (unsigned long long)e->ino,
	       (unsigned long long)c->ino[w->role]);
	EXPECT(!w->ino || (e->has_uid && e->uid == getuid()), "uid %u",
	       e->uid);
	/*
	 * sk_cookie: the client's was made by SO_COOKIE before connect();
	 * nothing makes the listener's, and the child copies it
	 */
	EXPECT(e->cookie == (w->role == CLIENT ? c->client_cookie : 0),
	       "cookie %llu", (unsigned long long)e->cookie);
	/*
	 * tcpfsm_track(): a socket enters the table at its birth (its first
	 * event, whose old state it was never seen in), and each event's
	 * timestamp is the time it entered its new state: the time in the
	 * old state is exactly the time since the socket's previous event.
	 */
	EXPECT(e->has_dwell == !!prev, "old-state-ns %s",
	       e->has_dwell ? "present" : "absent");
	EXPECT(!prev || !e->has_dwell || e->dwell == e->ts - prev->ts,
	       "old-state-ns %llu, %llu since the socket's last event",
	       (unsigned long long)e->dwell,
	       (unsigned long long)(e->ts - prev->ts));
#undef EXPECT
	return bad;
}

/*
 * Per source: the sequence numbers of a new netns, 1, 2, ... with no gap,
 * in the order received (tcpfsm_event_drain() sends a ring in order).
 * Returns the number of mismatches.
 */
static int check_seq_from_1(const struct evl *l)
{
	int ncpu = get_nprocs_conf(), bad = 0;
	uint64_t *last = calloc(ncpu, sizeof(*last));
	size_t i;

	if (!last)
		return 1;
	for (i = 0; i < l->n; i++) {
		const struct ev *e = &l->ev[i];

		if (e->source >= (uint32_t)ncpu) {
			ksft_print_msg("event %zu: source %u of %d CPUs\n", i,
				       e->source, ncpu);
			bad++;
			continue;
		}
		if (e->seq != last[e->source] + 1) {
			ksft_print_msg("event %zu: seq %llu from CPU %u after %llu\n",
				       i, (unsigned long long)e->seq, e->source,
				       (unsigned long long)last[e->source]);
			bad++;
		}
		last[e->source] = e->seq;
	}
	free(last);
	return bad;
}

FIXTURE(exchange) {
	struct evl l;
	struct nl req;
};

FIXTURE_VARIANT(exchange) {
	int family;
};

FIXTURE_VARIANT_ADD(exchange, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(exchange, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(exchange)
{
	struct family f = { 0 };
	int fd;

	if (!events_setup(_metadata))
		SKIP(return, "tcpfsm is not loaded");
	fd = socket(variant->family, SOCK_STREAM, 0);
	if (fd < 0 && errno == EAFNOSUPPORT)
		SKIP(return, "no IPv6");
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, nl_open(&self->req, &f));
	ASSERT_EQ(0, evl_open(&self->l, BIG_RCVBUF, false));
}

FIXTURE_TEARDOWN(exchange)
{
	evl_close(&self->l);
	if (self->req.sk)
		mnl_socket_close(self->req.sk);
}

TEST_F_TIMEOUT(exchange, transitions, 120)
{
	const size_t nwant = ARRAY_SIZE(exchange_want);
	struct ev *by_role[NR_ROLES][ARRAY_SIZE(exchange_want)];
	size_t nrole[NR_ROLES] = { 0 }, next[NR_ROLES] = { 0 }, i;
	struct tcpfsm_addr la, ca;
	struct counters c0, c1;
	socklen_t len;
	uint64_t t0, t1;
	struct conn c = { .family = variant->family };
	int lfd, cfd, afd, r, bad = 0;
	char b;

	ASSERT_EQ(0, get_counters(&self->req, &c0));
	t0 = tcpfsm_now_ns();

	lfd = tcpfsm_listen(c.family, 1, &la);
	ASSERT_LE(0, lfd);
	c.port[PL] = tcpfsm_port(&la);
	c.ino[LISTENER] = tcpfsm_fd_ino(lfd);
	cfd = socket(c.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, cfd);
	c.ino[CLIENT] = tcpfsm_fd_ino(cfd);
	len = sizeof(c.client_cookie);
	ASSERT_EQ(0, getsockopt(cfd, SOL_SOCKET, SO_COOKIE, &c.client_cookie,
				&len));
	ASSERT_NE(0, c.client_cookie);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&la.ss, la.len));
	ca.len = sizeof(ca.ss);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&ca.ss, &ca.len));
	c.port[PC] = tcpfsm_port(&ca);
	afd = tcpfsm_accept(lfd);
	ASSERT_LE(0, afd);
	c.ino[CHILD] = tcpfsm_fd_ino(afd);
	ASSERT_EQ(0, close(cfd));
	/* CLOSE_WAIT before close(): the server closes second */
	ASSERT_EQ(0, tcpfsm_recv(afd, &b, 1));
	ASSERT_EQ(0, close(afd));
	/* the client's TIME_WAIT acks the FIN: LAST_ACK -> CLOSE */
	ASSERT_EQ((int64_t)nwant - 1, proc_settled());
	ASSERT_EQ(0, close(lfd));

	ASSERT_EQ(0, evl_collect(&self->l, nwant, QUIET_MS));
	t1 = tcpfsm_now_ns();
	ASSERT_EQ(0, get_counters(&self->req, &c1));

	if (c.family == AF_INET) {
		uint32_t lo = htonl(INADDR_LOOPBACK);

		memcpy(c.addr[LO], &lo, 4);
	} else {
		memcpy(c.addr[LO], &in6addr_loopback, 16);
	}
	/* exactly the transitions /proc counted, each once */
	ASSERT_EQ(0, self->l.bad);
	ASSERT_EQ(0, self->l.enobufs);
	ASSERT_EQ((int64_t)nwant, proc_total());
	ASSERT_EQ(nwant, self->l.n);
	/* tcpfsm_event_send(): all of them delivered, none lost */
	ASSERT_EQ(c0.v[SENT] + nwant, c1.v[SENT]);
	ASSERT_EQ(c0.v[OVERFLOW], c1.v[OVERFLOW]);
	ASSERT_EQ(c0.v[NOMEM], c1.v[NOMEM]);
	ASSERT_EQ(c0.v[RCVBUF], c1.v[RCVBUF]);
	ASSERT_EQ(0, check_seq_from_1(&self->l));

	for (i = 0; i < self->l.n; i++) {
		struct ev *e = &self->l.ev[i];

		r = role_of(&c, e);
		if (r < 0 || nrole[r] == nwant) {
			TH_LOG("event %zu of no socket: %u -> %u, %s -> %s", i,
			       e->sport, e->dport, tcpfsm_state_name(e->old),
			       tcpfsm_state_name(e->new));
			bad++;
			continue;
		}
		/* ktime_get_ns() in tcpfsm_event_record(): CLOCK_MONOTONIC */
		if (e->ts < t0 || e->ts > t1) {
			TH_LOG("event %zu: timestamp %llu not in [%llu, %llu]",
			       i, (unsigned long long)e->ts,
			       (unsigned long long)t0, (unsigned long long)t1);
			bad++;
		}
		if (nrole[r] && e->ts < by_role[r][nrole[r] - 1]->ts) {
			TH_LOG("event %zu: timestamp before the last of its socket",
			       i);
			bad++;
		}
		by_role[r][nrole[r]++] = e;
	}
	for (i = 0; i < nwant; i++) {
		const struct want *w = &exchange_want[i];

		if (next[w->role] == nrole[w->role]) {
			TH_LOG("socket %d: no %s -> %s", w->role,
			       tcpfsm_state_name(w->old),
			       tcpfsm_state_name(w->new));
			bad++;
			continue;
		}
		bad += check_event(&c, w, by_role[w->role][next[w->role]],
				   next[w->role] ?
				   by_role[w->role][next[w->role] - 1] : NULL);
		next[w->role]++;
	}
	ASSERT_EQ(0, bad);
}

/*
 * isolation: tcpfsm_event_drain() sends each event to the netns of its
 * socket only (genlmsg_multicast_netns()), and the probe records the
 * events of a netns only while one of its sockets is subscribed, though
 * genl_has_listeners() is global.
 */

FIXTURE(isolation) {
	struct evl a, b;
	struct nl req_a;
	int ns_a, ns_b;
};

FIXTURE_SETUP(isolation)
{
	struct family f = { 0 };

	self->ns_a = -1;
	self->ns_b = -1;
	if (!events_setup(_metadata))
		SKIP(return, "tcpfsm is not loaded");
	self->ns_a = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns_a);
	ASSERT_EQ(0, nl_open(&self->req_a, &f));
	ASSERT_EQ(0, tcpfsm_netns_new());
	self->ns_b = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns_b);
	ASSERT_EQ(0, evl_open(&self->b, BIG_RCVBUF, false));
	ASSERT_EQ(0, setns(self->ns_a, CLONE_NEWNET));
}

FIXTURE_TEARDOWN(isolation)
{
	evl_close(&self->a);
	evl_close(&self->b);
	if (self->req_a.sk)
		mnl_socket_close(self->req_a.sk);
	if (self->ns_a >= 0)
		close(self->ns_a);
	if (self->ns_b >= 0)
		close(self->ns_b);
}

TEST_F_TIMEOUT(isolation, netns, 180)
{
	struct counters c0, c1;
	int64_t n;

	/*
	 * Only B listens: A's transitions are counted, but no event of A is
	 * recorded (no socket of A subscribed), so none of A's event
	 * counters moves, not even events-unheard, and B receives none.
	 */
	ASSERT_EQ(0, get_counters(&self->req_a, &c0));
	ASSERT_EQ(0, tcpfsm_one_connection());
	n = proc_settled();
	ASSERT_LT(0, n);
	ASSERT_EQ(0, evl_collect(&self->b, 0, ABSENT_MS));
	ASSERT_EQ(0, self->b.n);
	ASSERT_EQ(0, get_counters(&self->req_a, &c1));
	ASSERT_EQ(0, memcmp(&c0, &c1, sizeof(c0)));

	/*
	 * A listens too: A gets each of A's events, numbered from 1 (none
	 * was recorded before), B still nothing
	 */
	ASSERT_EQ(0, evl_open(&self->a, BIG_RCVBUF, false));
	ASSERT_EQ(0, tcpfsm_one_connection());
	ASSERT_EQ(2 * n, proc_settled());
	ASSERT_EQ(0, evl_collect(&self->a, n, QUIET_MS));
	ASSERT_EQ(0, evl_collect(&self->b, 0, ABSENT_MS));
	ASSERT_EQ(0, self->a.bad);
	ASSERT_EQ(n, (int64_t)self->a.n);
	ASSERT_EQ(0, check_seq_from_1(&self->a));
	ASSERT_EQ(0, self->b.n);
	ASSERT_EQ(0, get_counters(&self->req_a, &c1));
	ASSERT_EQ(c0.v[SENT] + n, c1.v[SENT]);

	/* the other way round: traffic in B reaches B only */
	ASSERT_EQ(0, setns(self->ns_b, CLONE_NEWNET));
	ASSERT_EQ(0, tcpfsm_one_connection());
	n = proc_settled();
	ASSERT_LT(0, n);
	ASSERT_EQ(0, evl_collect(&self->b, n, QUIET_MS));
	ASSERT_EQ(0, self->b.bad);
	ASSERT_EQ(n, (int64_t)self->b.n);
	ASSERT_EQ(0, check_seq_from_1(&self->b));
	self->a.n = 0;
	ASSERT_EQ(0, evl_collect(&self->a, 0, ABSENT_MS));
	ASSERT_EQ(0, self->a.n);
}

/*
 * unsubscribe: A's listener leaves the subscription (events-unsubscribe)
 * but stays in the group: A's events are no longer recorded; subscribing
 * again brings them back (numbered from 1: none was recorded before).
 */
TEST_F_TIMEOUT(isolation, unsubscribe, 180)
{
	struct counters c0, c1;
	int64_t t0, n;

	ASSERT_EQ(0, evl_open(&self->a, BIG_RCVBUF, false));
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_UNSUBSCRIBE));
	/* twice: not an error */
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_UNSUBSCRIBE));
	ASSERT_EQ(0, get_counters(&self->req_a, &c0));
	ASSERT_EQ(0, tcpfsm_one_connection());
	n = proc_settled();
	ASSERT_LT(0, n);
	ASSERT_EQ(0, evl_collect(&self->a, 0, ABSENT_MS));
	ASSERT_EQ(0, self->a.n);
	ASSERT_EQ(0, get_counters(&self->req_a, &c1));
	ASSERT_EQ(0, memcmp(&c0, &c1, sizeof(c0)));

	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_SUBSCRIBE));
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_SUBSCRIBE));
	t0 = proc_total();
	ASSERT_EQ(0, tcpfsm_one_connection());
	n = proc_settled() - t0;
	ASSERT_EQ(0, evl_collect(&self->a, n, QUIET_MS));
	ASSERT_EQ(0, self->a.bad);
	ASSERT_EQ(n, (int64_t)self->a.n);
	ASSERT_EQ(0, check_seq_from_1(&self->a));
	ASSERT_EQ(0, get_counters(&self->req_a, &c1));
	ASSERT_EQ(c0.v[SENT] + n, c1.v[SENT]);
}

/*
 * tenant: an unprivileged user (uid 65534) in a user and network namespace
 * of its own holds CAP_NET_ADMIN there, so it may join the events group and
 * subscribe to the events of its netns. That must cost every other netns
 * nothing: while it listens (passive) or leaves and re-joins the group
 * every 50 ms (rejoin, which defeated the former per-join heuristic on
 * 6.6+), A churns connections for 1.5 s and A's event counters, what A
 * records, built and sent, stay exactly where they were. The tenant still
 * gets the events of its own netns.
 */

/* The tenant's side, in a child: exit status 0, or the step that failed. */
static int tenant_run(int ready, int done, bool rejoin)
{
	struct pollfd p = { .fd = done, .events = POLLIN };
	struct evl l;
	int64_t t0, n;
	char c = 1;
	int err;

	err = tcpfsm_tenant();
	if (err)
		return err;
	if (tcpfsm_netns_new())
		return 12;
	/* EOPNOTSUPP: a module before the op; joined, which was enough */
	err = evl_open(&l, -1, false);
	if (err && err != -EOPNOTSUPP)
		return 13;
	if (write(ready, &c, 1) != 1)
		return 14;
	while (poll(&p, 1, 50) == 0) {
		if (evl_read(&l) < 0)
			return 15;
		if (rejoin &&
		    (setsockopt(mnl_socket_get_fd(l.nl.sk), SOL_NETLINK,
				NETLINK_DROP_MEMBERSHIP, &l.nl.events,
				sizeof(l.nl.events)) ||
		     setsockopt(mnl_socket_get_fd(l.nl.sk), SOL_NETLINK,
				NETLINK_ADD_MEMBERSHIP, &l.nl.events,
				sizeof(l.nl.events))))
			return 16;
	}
	/* its own netns's events do reach it */
	l.n = 0;
	t0 = proc_total();
	if (t0 < 0 || tcpfsm_one_connection())
		return 17;
	n = proc_settled() - t0;
	if (n <= 0 || evl_collect(&l, n, QUIET_MS) || l.bad ||
	    (int64_t)l.n != n)
		return 18;
	evl_close(&l);
	return 0;
}

FIXTURE(tenant) {
	struct nl req;
};

FIXTURE_VARIANT(tenant) {
	bool rejoin;
};

FIXTURE_VARIANT_ADD(tenant, passive) {
	.rejoin = false,
};

FIXTURE_VARIANT_ADD(tenant, rejoin) {
	.rejoin = true,
};

FIXTURE_SETUP(tenant)
{
	struct family f = { 0 };

	if (!events_setup(_metadata))
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, nl_open(&self->req, &f));
}

FIXTURE_TEARDOWN(tenant)
{
	if (self->req.sk)
		mnl_socket_close(self->req.sk);
}

TEST_F_TIMEOUT(tenant, costs_others_nothing, 180)
{
	int ready[2], done[2], status, conns = 0;
	struct counters c0, c1;
	int64_t t0, total, start;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(ready[0]);
		close(done[1]);
		_exit(tenant_run(ready[1], done[0], variant->rejoin));
	}
	close(ready[1]);
	close(done[0]);
	if (read(ready[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) &&
		    WEXITSTATUS(status) == TCPFSM_TENANT_NOUSERNS)
			SKIP(return, "no unprivileged user namespaces here");
		ASSERT_EQ(0, WEXITSTATUS(status));
	}

	ASSERT_EQ(0, get_counters(&self->req, &c0));
	t0 = proc_total();
	ASSERT_LE(0, t0);
	start = tcpfsm_now_ms();
	while (conns < 20 || tcpfsm_now_ms() - start < 1500) {
		ASSERT_EQ(0, tcpfsm_one_connection());
		conns++;
	}
	total = proc_settled() - t0;
	ASSERT_EQ(0, get_counters(&self->req, &c1));
	TH_LOG("%d connections, %lld transitions here in %lld ms: %llu events recorded, %llu unheard",
	       conns, (long long)total, (long long)(tcpfsm_now_ms() - start),
	       (unsigned long long)(c1.v[SENT] + c1.v[UNHEARD] +
				    c1.v[OVERFLOW] + c1.v[NOMEM] +
				    c1.v[RCVBUF] - c0.v[SENT] - c0.v[UNHEARD] -
				    c0.v[OVERFLOW] - c0.v[NOMEM] -
				    c0.v[RCVBUF]),
	       (unsigned long long)(c1.v[UNHEARD] - c0.v[UNHEARD]));
	ASSERT_LT(0, total);
	ASSERT_EQ(1, write(done[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* nothing of this netns was recorded for the tenant */
	ASSERT_EQ(0, memcmp(&c0, &c1, sizeof(c0)));
}

/*
 * burst_loss_accounting: a listener that does not read, with the smallest
 * receive buffer, while BURST connections come and go; then it reads.
 *
 * The exact account, from module/probe.c and module/events.c, in a new
 * netns subscribed before its first transition:
 *
 * (1) every transition takes one sequence number of (netns, its CPU):
 *     tcpfsm_probe() counts it and, the group having a listener, calls
 *     tcpfsm_event_record(), which takes it even when the ring is full.
 *     Numbers start at 1 (ev_seq starts at 0), so on each CPU the last
 *     number used is the number of events of that CPU. The listener cannot
 *     see the numbers of a lost tail: after reading it all, it makes two
 *     transitions on each CPU (listen(), close() pinned there), the
 *     markers, which are received, and whose last number is the count of
 *     that CPU. So  sum over CPUs (marker seq) == /proc total.
 * (2) what was received, per CPU, is numbered with no repeat and in
 *     increasing order; lost = that sum - received.
 * (3) each numbered event is then exactly one of: overflow (ring full),
 *     nomem, or part of a batch that genlmsg_multicast_netns() delivered
 *     (events-sent) or refused with -ENOBUFS (events-lost-rcvbuf). The
 *     test's listener is the only one of its netns, so events-sent grew by
 *     what it received, and
 *       lost == d(events-lost-overflow + events-lost-nomem + events-lost-rcvbuf)
 *     provided the listener set NETLINK_BROADCAST_ERROR: without it,
 *     do_one_broadcast() does not report a failed delivery to
 *     netlink_broadcast_filtered(), which returns -ESRCH for a batch that
 *     reached nobody, and tcpfsm_event_send() counts it nowhere; then the
 *     counters can only be a lower bound of what was lost.
 *
 * The module's memory is bounded by construction (events_ring slots per
 * CPU, allocated at the first subscription); what shows it here is that the events it could
 * not deliver were dropped and counted, not queued: lost > 0 with the
 * counters, and the listener saw ENOBUFS (netlink_overrun()).
 */
FIXTURE(burst) {
	struct evl l;
	struct nl req;
};

FIXTURE_VARIANT(burst) {
	bool bcast_error;	/* NETLINK_BROADCAST_ERROR on the listener */
};

FIXTURE_VARIANT_ADD(burst, broadcast_error) {
	.bcast_error = true,
};

FIXTURE_VARIANT_ADD(burst, plain_listener) {
	.bcast_error = false,
};

FIXTURE_SETUP(burst)
{
	struct family f = { 0 };

	if (!events_setup(_metadata))
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, nl_open(&self->req, &f));
	ASSERT_EQ(0, evl_open(&self->l, 0, variant->bcast_error));
}

FIXTURE_TEARDOWN(burst)
{
	evl_close(&self->l);
	if (self->req.sk)
		mnl_socket_close(self->req.sk);
}

/*
 * Shrink every slab cache (/sys/kernel/slab/NAME/shrink): kmem_cache_shrink()
 * gives back empty slabs and, on a KASAN kernel, frees the cache's objects
 * from KASAN's quarantine, where freed objects otherwise wait (up to 1/32 of
 * memory) and would weigh as if something held them.
 */
static void slab_shrink(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	char path[512];
	struct dirent *e;
	int fd;

	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			fprintf(stderr, "# %s: %s\n", path, strerror(errno));
		close(fd);
	}
	if (d)
		closedir(d);
}

/*
 * What the kernel holds in unreclaimable slab, vmalloc and per-CPU memory,
 * in kB: where anything the module queued would be (rings, messages).
 */
static int64_t kernel_mem_kb(void)
{
	static const char *const keys[] = { "SUnreclaim", "VmallocUsed",
					    "Percpu" };
	int64_t sum = 0;
	long v;
	size_t i;

	slab_shrink();
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		v = tcpfsm_meminfo_kb(keys[i]);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

TEST_F_TIMEOUT(burst, loss_accounting, 300)
{
	int ncpu = get_nprocs_conf(), nmark = 0, cpu, i, fd, cfd, afd, bad = 0;
	uint64_t *last, *got, *mark_seq, sum = 0, lost, counted;
	uint16_t *mark_port;
	struct counters c0, c1;
	struct tcpfsm_addr la;
	cpu_set_t all;
	int64_t total, mem0, mem1;
	size_t k;

	last = calloc(ncpu, sizeof(*last));
	got = calloc(ncpu, sizeof(*got));
	mark_seq = calloc(ncpu, sizeof(*mark_seq));
	mark_port = calloc(ncpu, sizeof(*mark_port));
	ASSERT_TRUE(last && got && mark_seq && mark_port);
	ASSERT_EQ(0, get_counters(&self->req, &c0));

	/* the burst, on every CPU the test may run on */
	CPU_ZERO(&all);
	for (cpu = 0; cpu < ncpu && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &all);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(all), &all));
	fd = tcpfsm_listen(AF_INET, 128, &la);
	ASSERT_LE(0, fd);
	mem0 = kernel_mem_kb();
	ASSERT_LT(0, mem0);
	for (i = 0; i < BURST; i++) {
		cfd = tcpfsm_connect(&la, false);
		ASSERT_LE(0, cfd);
		afd = tcpfsm_accept(fd);
		ASSERT_LE(0, afd);
		/* a reset: no timewait socket left to weigh in the memory */
		ASSERT_EQ(0, tcpfsm_linger0(afd));
		ASSERT_EQ(0, close(afd));
		ASSERT_EQ(0, close(cfd));
	}
	ASSERT_EQ(0, close(fd));
	total = proc_settled();
	ASSERT_LT(0, total);
	/*
	 * Bounded: what the stalled listener did not take was dropped, not
	 * kept. Anything kept per event (a 72-byte ring slot, a message)
	 * would weigh more than 64 bytes an event.
	 */
	mem1 = kernel_mem_kb();
	ASSERT_LT(0, mem1);
	TH_LOG("kernel memory %+lld kB over %lld transitions of a stalled listener",
	       (long long)(mem1 - mem0), (long long)total);
	ASSERT_GT(total * 64 / 1024, mem1 - mem0);

	/* now read, with room for everything that is still to come */
	i = BIG_RCVBUF;
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->l.nl.sk), SOL_SOCKET,
				SO_RCVBUFFORCE, &i, sizeof(i)));
	ASSERT_EQ(0, evl_collect(&self->l, SIZE_MAX, QUIET_MS));
	ASSERT_NE(0, self->l.enobufs) TH_LOG("the buffer never overflowed");

	/* the markers, on each CPU we may run on */
	for (cpu = 0; cpu < ncpu; cpu++) {
		int err = tcpfsm_marker(cpu, &mark_port[cpu]);

		if (err == -EINVAL)	/* offline */
			continue;
		ASSERT_EQ(0, err);
		nmark++;
	}
	ASSERT_LT(0, nmark);
	k = self->l.n;
	ASSERT_EQ(0, evl_collect(&self->l, k + 2 * nmark, QUIET_MS));
	ASSERT_EQ(k + 2 * nmark, self->l.n);
	total = proc_total();
	ASSERT_EQ(0, get_counters(&self->req, &c1));
	ASSERT_EQ(0, self->l.bad);

	for (k = 0; k < self->l.n; k++) {
		const struct ev *e = &self->l.ev[k];

		if (e->source >= (uint32_t)ncpu) {
			TH_LOG("event %zu: source %u of %d CPUs", k, e->source,
			       ncpu);
			bad++;
			continue;
		}
		/* (2): in ring order, a gap for each one lost */
		if (e->seq <= last[e->source]) {
			TH_LOG("event %zu: seq %llu from CPU %u after %llu", k,
			       (unsigned long long)e->seq, e->source,
			       (unsigned long long)last[e->source]);
			bad++;
		}
		last[e->source] = e->seq;
		got[e->source]++;
		/* a marker: the CPU that ran listen() is the source */
		for (cpu = 0; cpu < ncpu; cpu++) {
			if (!mark_port[cpu] || e->sport != mark_port[cpu] ||
			    e->old != TCP_LISTEN)
				continue;
			if (e->source != (uint32_t)cpu) {
				TH_LOG("marker of CPU %d from source %u", cpu,
				       e->source);
				bad++;
			}
			mark_seq[cpu] = e->seq;
		}
	}
	ASSERT_EQ(0, bad);
	for (cpu = 0; cpu < ncpu; cpu++) {
		/* (1): the marker is the last event of its CPU */
		if (mark_port[cpu]) {
			ASSERT_EQ(last[cpu], mark_seq[cpu]);
		} else {
			ASSERT_EQ(0, got[cpu]);
		}
		sum += last[cpu];
	}
	ASSERT_EQ((uint64_t)total, sum);
	lost = sum - self->l.n;
	counted = (c1.v[OVERFLOW] - c0.v[OVERFLOW]) +
		  (c1.v[NOMEM] - c0.v[NOMEM]) +
		  (c1.v[RCVBUF] - c0.v[RCVBUF]);
	TH_LOG("%lld transitions: %zu received, %llu lost; overflow %llu, nomem %llu, rcvbuf %llu",
	       (long long)total, self->l.n, (unsigned long long)lost,
	       (unsigned long long)(c1.v[OVERFLOW] - c0.v[OVERFLOW]),
	       (unsigned long long)(c1.v[NOMEM] - c0.v[NOMEM]),
	       (unsigned long long)(c1.v[RCVBUF] - c0.v[RCVBUF]));
	/* (3) */
	ASSERT_EQ(c0.v[SENT] + self->l.n, c1.v[SENT]);
	ASSERT_LT(0, lost);
	if (variant->bcast_error) {
		ASSERT_EQ(lost, counted);
	} else {
		ASSERT_GE(lost, counted);
	}
	free(last);
	free(got);
	free(mark_seq);
	free(mark_port);
}

/*
 * rings: the per-CPU event rings exist only while somebody subscribes.
 *
 * module/events.c allocates one ring per possible CPU, each with
 * vzalloc_node() from tcpfsm_ev_ring_alloc(), at the first subscription
 * of any netns, and frees them all at the end of the last one
 * (events-unsubscribe, or the socket's release: NETLINK_URELEASE). The
 * oracle is the kernel's list of vmalloc areas, /proc/vmallocinfo, which
 * names the caller of each: its lines from tcpfsm_ev_ring_alloc are the
 * rings that exist.
 */

/* The rings in /proc/vmallocinfo: their number, and their bytes in @bytes */
static int rings_now(int64_t *bytes)
{
	FILE *f = fopen("/proc/vmallocinfo", "re");
	char line[512];
	long size;
	int n = 0;

	if (!f)
		return -errno;
	if (bytes)
		*bytes = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " tcpfsm_ev_ring_alloc"))
			continue;
		n++;
		/* 0xSTART-0xEND SIZE CALLER ... */
		if (bytes && sscanf(line, "%*s %ld", &size) == 1)
			*bytes += size;
	}
	fclose(f);
	return n;
}

/* The possible CPUs, from /sys/devices/system/cpu/possible ("0-1"), or -1 */
static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	int a, b, n = 0;
	char sep;

	if (!f)
		return -1;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		if (fscanf(f, "%c", &sep) == 1 && sep == '-' &&
		    fscanf(f, "%d%c", &b, &sep) < 1)
			break;
		n += b - a + 1;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n ?: -1;
}

/* The module parameter events_ring: slots per ring, or -1 */
static long param_events_ring(void)
{
	FILE *f = fopen("/sys/module/tcpfsm/parameters/events_ring", "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

FIXTURE(rings) {
	struct evl a, b;
	int ncpu;
	int ns_a, ns_b;
};

FIXTURE_SETUP(rings)
{
	int n;

	self->ns_a = -1;
	self->ns_b = -1;
	if (!events_setup(_metadata))
		SKIP(return, "tcpfsm is not loaded");
	n = rings_now(NULL);
	if (n == -EACCES || n == -ENOENT)
		SKIP(return, "/proc/vmallocinfo cannot be read");
	ASSERT_LE(0, n);
	/* the suite runs one test at a time: nobody else subscribes */
	if (n)
		SKIP(return, "another program subscribes to the events (%d rings)",
		     n);
	self->ncpu = possible_cpus();
	ASSERT_LT(0, self->ncpu);
	self->ns_a = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns_a);
}

FIXTURE_TEARDOWN(rings)
{
	evl_close(&self->a);
	evl_close(&self->b);
	if (self->ns_a >= 0)
		close(self->ns_a);
	if (self->ns_b >= 0)
		close(self->ns_b);
}

/*
 * Nothing at load, one ring per possible CPU from the first subscription
 * to the end of the last, whichever way it ends; two netns share them.
 */
TEST_F_TIMEOUT(rings, lifetime, 120)
{
	int64_t bytes, slots;

	/* a member of the group that has not subscribed: no ring */
	ASSERT_EQ(0, evl_open(&self->a, BIG_RCVBUF, false));
	ASSERT_EQ(self->ncpu, rings_now(&bytes));
	slots = param_events_ring();
	TH_LOG("%d rings, %lld bytes in all, %lld slots each", self->ncpu,
	       (long long)bytes, (long long)slots);
	/* 100 bytes a slot at least (struct tcpfsm_ev), per possible CPU */
	if (slots > 0)
		ASSERT_LE(slots * 100 * self->ncpu, bytes);

	/* events-unsubscribe of the only subscriber: freed */
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_UNSUBSCRIBE));
	ASSERT_EQ(0, rings_now(NULL));
	/* unsubscribing twice changes nothing */
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_UNSUBSCRIBE));
	ASSERT_EQ(0, rings_now(NULL));
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_SUBSCRIBE));
	ASSERT_EQ(self->ncpu, rings_now(NULL));
	/* subscribing twice allocates nothing more */
	ASSERT_EQ(0, evl_subscribe(&self->a.nl, TCPFSM_CMD_EVENTS_SUBSCRIBE));
	ASSERT_EQ(self->ncpu, rings_now(NULL));

	/* a second netns subscribes: the same rings */
	ASSERT_EQ(0, tcpfsm_netns_new());
	self->ns_b = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns_b);
	ASSERT_EQ(0, evl_open(&self->b, BIG_RCVBUF, false));
	ASSERT_EQ(self->ncpu, rings_now(NULL));
	/* A's socket released (NETLINK_URELEASE): B still subscribes */
	evl_close(&self->a);
	ASSERT_EQ(self->ncpu, rings_now(NULL));
	/* then B's: the last subscription ended */
	evl_close(&self->b);
	ASSERT_EQ(0, rings_now(NULL));
}

/*
 * Subscriptions that come and go, with traffic: every event still arrives,
 * numbered without a gap across the rings' free and new allocation (the
 * numbers are the netns's: nothing is recorded, and no number taken,
 * between two subscriptions), events-sent counts them all, and nothing is
 * left allocated after the last round.
 */
#define CHURN_ROUNDS	10

TEST_F_TIMEOUT(rings, churn, 300)
{
	int ncpu = get_nprocs_conf(), round, bad = 0;
	int64_t t0, n, got = 0, vm0, vm1;
	struct counters c0, c1;
	uint64_t *last;
	struct nl req;
	struct family f = { 0 };
	size_t i;

	last = calloc(ncpu, sizeof(*last));
	ASSERT_NE(NULL, last);
	ASSERT_EQ(0, nl_open(&req, &f));
	ASSERT_EQ(0, get_counters(&req, &c0));
	vm0 = tcpfsm_meminfo_kb("VmallocUsed");
	for (round = 0; round < CHURN_ROUNDS; round++) {
		t0 = proc_total();
		ASSERT_LE(0, t0);
		ASSERT_EQ(0, evl_open(&self->a, BIG_RCVBUF, false));
		ASSERT_EQ(self->ncpu, rings_now(NULL));
		ASSERT_EQ(0, tcpfsm_one_connection());
		n = proc_settled() - t0;
		ASSERT_LT(0, n);
		ASSERT_EQ(0, evl_collect(&self->a, n, QUIET_MS));
		ASSERT_EQ(0, self->a.bad);
		ASSERT_EQ(n, (int64_t)self->a.n);
		for (i = 0; i < self->a.n; i++) {
			const struct ev *e = &self->a.ev[i];

			if (e->source >= (uint32_t)ncpu ||
			    e->seq != last[e->source] + 1) {
				ksft_print_msg("round %d event %zu: seq %llu from CPU %u after %llu\n",
					       round, i,
					       (unsigned long long)e->seq,
					       e->source,
					       (unsigned long long)(e->source < (uint32_t)ncpu ?
								    last[e->source] : 0));
				bad++;
				continue;
			}
			last[e->source] = e->seq;
		}
		got += self->a.n;
		/* half the rounds end with unsubscribe, half with close */
		if (round & 1)
			ASSERT_EQ(0, evl_subscribe(&self->a.nl,
						   TCPFSM_CMD_EVENTS_UNSUBSCRIBE));
		evl_close(&self->a);
		ASSERT_EQ(0, rings_now(NULL));
		/* unsubscribed: counted, not recorded */
		ASSERT_EQ(0, tcpfsm_one_connection());
		ASSERT_LT(0, proc_settled());
	}
	ASSERT_EQ(0, bad);
	ASSERT_EQ(0, get_counters(&req, &c1));
	mnl_socket_close(req.sk);
	free(last);
	vm1 = tcpfsm_meminfo_kb("VmallocUsed");
	TH_LOG("%d rounds: %lld events, VmallocUsed %+lld kB", CHURN_ROUNDS,
	       (long long)got, (long long)(vm1 - vm0));
	ASSERT_EQ(c0.v[SENT] + got, c1.v[SENT]);
	ASSERT_EQ(c0.v[OVERFLOW], c1.v[OVERFLOW]);
	ASSERT_EQ(c0.v[NOMEM], c1.v[NOMEM]);
	ASSERT_EQ(c0.v[RCVBUF], c1.v[RCVBUF]);
	ASSERT_EQ(c0.v[UNHEARD], c1.v[UNHEARD]);
	ASSERT_EQ(0, rings_now(NULL));
}

TEST_HARNESS_MAIN
