// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: /proc/net/tcpfsm against what the kernel's TCP state machine
 * does in each scenario (net/ipv4/tcp.c, tcp_input.c, tcp_minisocks.c,
 * inet_connection_sock.c of 6.1 and 6.12).
 *
 * Every test runs in a new netns, whose counters start at zero, and checks
 * phase by phase the exact change of the whole transition matrix and of
 * every gauge. Loopback TCP moves in softirq and on timers, so
 * tcpfsm_expect() polls until the matrix shows the expected change, then
 * requires it to be exact and stable.
 *
 * Needs tcpfsm loaded; tc with sch_netem and nft for two of the tests.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tcpfsm_lib.h"

#define MAX_CONN	8

FIXTURE(tcpfsm) {
	struct tcpfsm_snap snap;	/* as of the last check */
	struct tcpfsm_addr addr;	/* of the last listener */
	int lfd;
	int c[MAX_CONN];		/* client ends */
	int s[MAX_CONN];		/* server ends, -1 if never accepted */
};

FIXTURE_VARIANT(tcpfsm) {
	int family;
};

FIXTURE_VARIANT_ADD(tcpfsm, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(tcpfsm, ipv6) {
	.family = AF_INET6,
};

#define EXPECT_MOVES(cells, gauges)					\
	ASSERT_EQ(0, tcpfsm_expect(&self->snap, cells, ARRAY_SIZE(cells),	\
				   gauges, ARRAY_SIZE(gauges)))
#define EXPECT_NO_MOVE()						\
	ASSERT_EQ(0, tcpfsm_expect(&self->snap, NULL, 0, NULL, 0))

/* One end close()s; the other gets the FIN and keeps its socket open. */
static const struct tcpfsm_cell first_close[] = {
	TR(ESTABLISHED, FIN_WAIT1, 1),	/* __tcp_close(): tcp_close_state() */
	TR(FIN_WAIT1, FIN_WAIT2, 1),	/* tcp_rcv_state_process(): FIN acked */
	TR(FIN_WAIT2, CLOSE, 1),	/* orphan: tcp_time_wait(FIN_WAIT2), tcp_done() */
	TR(ESTABLISHED, CLOSE_WAIT, 1),	/* tcp_fin() */
};

/* the orphan's timewait socket counts in its substate, FIN_WAIT2 */
static const struct tcpfsm_gauge first_close_g[] = {
	GA(ESTABLISHED, -2), GA(CLOSE_WAIT, 1), GA(FIN_WAIT2, 1),
};

/*
 * ... or, when the ACK of its FIN reached the orphan while close() still
 * owned it after its last look at the state, it stays a full FIN_WAIT2
 * socket (tcp_rcv_state_process(), FIN_WAIT1: "Bad case"), until the peer's
 * FIN or tcp_fin_time() hands it to a timewait socket.
 */
static const struct tcpfsm_cell first_close_held[] = {
	TR(ESTABLISHED, FIN_WAIT1, 1),
	TR(FIN_WAIT1, FIN_WAIT2, 1),
	TR(ESTABLISHED, CLOSE_WAIT, 1),
};

static const struct tcpfsm_gauge first_close_held_g[] = {
	GA(ESTABLISHED, -2), GA(CLOSE_WAIT, 1), GA(FIN_WAIT2, 1),
};

static const struct tcpfsm_outcome first_close_any[] = {
	{ first_close, ARRAY_SIZE(first_close),
	  first_close_g, ARRAY_SIZE(first_close_g) },
	{ first_close_held, ARRAY_SIZE(first_close_held),
	  first_close_held_g, ARRAY_SIZE(first_close_held_g) },
};

/* Then the other end close()s too; the timewait socket ACKs its FIN. */
static const struct tcpfsm_cell last_close[] = {
	TR(CLOSE_WAIT, LAST_ACK, 1),	/* tcp_close_state() */
	TR(LAST_ACK, CLOSE, 1),		/* tcp_rcv_state_process(): tcp_done() */
};

/* the timewait socket goes from substate FIN_WAIT2 to TIME_WAIT */
static const struct tcpfsm_gauge last_close_g[] = {
	GA(CLOSE_WAIT, -1), GA(FIN_WAIT2, -1), GA(TIME_WAIT, 1),
};

/* ... or the full FIN_WAIT2 socket gets the FIN: tcp_fin(), tcp_time_wait() */
static const struct tcpfsm_cell last_close_held[] = {
	TR(CLOSE_WAIT, LAST_ACK, 1),
	TR(LAST_ACK, CLOSE, 1),
	TR(FIN_WAIT2, CLOSE, 1),
};

static const struct tcpfsm_gauge last_close_held_g[] = {
	GA(CLOSE_WAIT, -1), GA(FIN_WAIT2, -1), GA(TIME_WAIT, 1),
};

static const struct tcpfsm_outcome last_close_any[] = {
	{ last_close, ARRAY_SIZE(last_close),
	  last_close_g, ARRAY_SIZE(last_close_g) },
	{ last_close_held, ARRAY_SIZE(last_close_held),
	  last_close_held_g, ARRAY_SIZE(last_close_held_g) },
};

/* SO_LINGER {1, 0}: tcp_disconnect() sends a RST, the peer tcp_reset()s */
static const struct tcpfsm_cell aborted[] = {
	TR(ESTABLISHED, CLOSE, 2),
};

static const struct tcpfsm_gauge aborted_g[] = {
	GA(ESTABLISHED, -2),
};

/* Both FINs in flight at once: tcp_fin() in FIN_WAIT1, then their ACKs */
static const struct tcpfsm_cell simultaneous[] = {
	TR(ESTABLISHED, FIN_WAIT1, 2),
	TR(FIN_WAIT1, CLOSING, 2),	/* tcp_fin(): FIN not acked yet */
	TR(CLOSING, CLOSE, 2),		/* tcp_time_wait(TIME_WAIT), tcp_done() */
};

static const struct tcpfsm_gauge simultaneous_g[] = {
	GA(ESTABLISHED, -2), GA(TIME_WAIT, 2),
};

static const struct tcpfsm_cell refused[] = {
	TR(CLOSE, SYN_SENT, 1),		/* tcp_v[46]_connect() */
	TR(SYN_SENT, CLOSE, 1),		/* tcp_reset(): ECONNREFUSED */
};

/* shutdown(SHUT_WR): the socket is not orphaned and stays in FIN_WAIT2 */
static const struct tcpfsm_cell shut_wr[] = {
	TR(ESTABLISHED, FIN_WAIT1, 1),	/* tcp_shutdown(): tcp_close_state() */
	TR(FIN_WAIT1, FIN_WAIT2, 1),
	TR(ESTABLISHED, CLOSE_WAIT, 1),
};

static const struct tcpfsm_gauge shut_wr_g[] = {
	GA(ESTABLISHED, -2), GA(FIN_WAIT2, 1), GA(CLOSE_WAIT, 1),
};

/* ... then the peer closes: tcp_fin() in FIN_WAIT2 */
static const struct tcpfsm_cell shut_wr_peer_close[] = {
	TR(CLOSE_WAIT, LAST_ACK, 1),
	TR(LAST_ACK, CLOSE, 1),
	TR(FIN_WAIT2, CLOSE, 1),	/* tcp_time_wait(TIME_WAIT), tcp_done() */
};

static const struct tcpfsm_gauge shut_wr_peer_close_g[] = {
	GA(CLOSE_WAIT, -1), GA(FIN_WAIT2, -1), GA(TIME_WAIT, 1),
};

/* ... or it close()s in FIN_WAIT2 itself */
static const struct tcpfsm_cell shut_wr_close[] = {
	TR(FIN_WAIT2, FIN_WAIT2, 1),	/* tcp_close_state(): new_state[FIN_WAIT2] */
	TR(FIN_WAIT2, CLOSE, 1),	/* __tcp_close(): tcp_time_wait(FIN_WAIT2) */
};

/* a full FIN_WAIT2 socket became a timewait one in substate FIN_WAIT2 */
static const struct tcpfsm_gauge shut_wr_close_g[] = {
	GA(FIN_WAIT2, 0),
};

/* The final ACK is dropped: the server holds a request socket only. */
static const struct tcpfsm_cell half_open[] = {
	TR(CLOSE, LISTEN, 1),
	TR(CLOSE, SYN_SENT, 1),
	TR(SYN_SENT, ESTABLISHED, 1),	/* no LISTEN -> SYN_RECV: no child yet */
};

static const struct tcpfsm_gauge half_open_g[] = {
	GA(LISTEN, 1), GA(ESTABLISHED, 1), GA(NEW_SYN_RECV, 1),
};

FIXTURE_SETUP(tcpfsm)
{
	int fd, err;

	/* pinned: one path through a graceful close, see tcpfsm_pin_cpu() */
	err = tcpfsm_test_netns();
	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	fd = socket(variant->family, SOCK_STREAM, 0);
	if (fd < 0 && errno == EAFNOSUPPORT)
		SKIP(return, "no IPv6");
	ASSERT_LE(0, fd);
	close(fd);
	/* a new netns starts with every counter at zero */
	tcpfsm_snap_zero(&self->snap);
	EXPECT_NO_MOVE();
}

FIXTURE_TEARDOWN(tcpfsm)
{
	/* sockets and the netns go away with the test process */
}

/* A new listener and @n connections to it, accepted or left queued. */
static void open_conns(struct __test_metadata *_metadata,
		       FIXTURE_DATA(tcpfsm) *self,
		       const FIXTURE_VARIANT(tcpfsm) *variant,
		       int n, bool do_accept)
{
	const struct tcpfsm_cell handshake[] = {
		TR(CLOSE, LISTEN, 1),		/* inet_csk_listen_start() */
		TR(CLOSE, SYN_SENT, n),		/* tcp_v[46]_connect() */
		TR(SYN_SENT, ESTABLISHED, n),	/* tcp_finish_connect() */
		TR(LISTEN, SYN_RECV, n),	/* inet_csk_clone_lock(): the child */
		TR(SYN_RECV, ESTABLISHED, n),	/* tcp_rcv_state_process(child) */
	};
	const struct tcpfsm_gauge handshake_g[] = {
		GA(LISTEN, 1), GA(ESTABLISHED, 2 * n),
	};
	int i;

	ASSERT_GE(MAX_CONN, n);
	self->lfd = tcpfsm_listen(variant->family, MAX_CONN, &self->addr);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < n; i++) {
		self->c[i] = tcpfsm_connect(&self->addr, false);
		ASSERT_LE(0, self->c[i]);
		self->s[i] = -1;
		if (do_accept) {
			self->s[i] = tcpfsm_accept(self->lfd);
			ASSERT_LE(0, self->s[i]);
		}
	}
	EXPECT_MOVES(handshake, handshake_g);
}

/* Four-way close of connection @i, one end then the other. */
static void graceful_close(struct __test_metadata *_metadata,
			   FIXTURE_DATA(tcpfsm) *self, int i, bool server_first)
{
	int first = server_first ? self->s[i] : self->c[i];
	int second = server_first ? self->c[i] : self->s[i];
	char c;

	size_t held;

	ASSERT_EQ(0, close(first));
	ASSERT_EQ(0, tcpfsm_recv(second, &c, 1));	/* EOF: the FIN is in */
	ASSERT_EQ(0, tcpfsm_expect_one(&self->snap, first_close_any, 2, &held));
	ASSERT_EQ(0, close(second));
	/* the orphan kept as a full socket dies into timewait now */
	ASSERT_EQ(0, tcpfsm_expect_one(&self->snap, &last_close_any[held], 1,
				       NULL));
}

/* Abortive close of connection @i by one end. */
static void abort_close(struct __test_metadata *_metadata,
			FIXTURE_DATA(tcpfsm) *self, int i, bool server_side)
{
	int aborter = server_side ? self->s[i] : self->c[i];
	int peer = server_side ? self->c[i] : self->s[i];
	struct tcpfsm_tcp_mib before, after;
	char c;

	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&before));
	ASSERT_EQ(0, tcpfsm_linger0(aborter));
	ASSERT_EQ(0, close(aborter));
	EXPECT_MOVES(aborted, aborted_g);
	/* tcp_reset() in ESTABLISHED */
	ASSERT_EQ(-ECONNRESET, tcpfsm_recv(peer, &c, 1));
	/* __tcp_close() of a socket already in CLOSE fires no event */
	ASSERT_EQ(0, close(peer));
	EXPECT_NO_MOVE();
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&after));
	ASSERT_EQ(2, after.estab_resets - before.estab_resets);
}

/* connect() to a port with nothing listening. */
static void refused_connect(struct __test_metadata *_metadata,
			    FIXTURE_DATA(tcpfsm) *self,
			    const FIXTURE_VARIANT(tcpfsm) *variant)
{
	struct tcpfsm_tcp_mib before, after;
	struct tcpfsm_addr a;
	int holder;

	/* bound, not listening: also keeps connect() from picking it */
	holder = tcpfsm_bind(variant->family, &a);
	ASSERT_LE(0, holder);
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&before));
	ASSERT_EQ(-ECONNREFUSED, tcpfsm_connect(&a, false));
	ASSERT_EQ(0, tcpfsm_expect(&self->snap, refused, ARRAY_SIZE(refused),
				   NULL, 0));
	ASSERT_EQ(0, close(holder));
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&after));
	/* tcp_done() in SYN_SENT */
	ASSERT_EQ(1, after.attempt_fails - before.attempt_fails);
}

/*
 * close() the listener with @n connections in its accept queue:
 * inet_csk_listen_stop() -> inet_child_forget() -> tcp_disconnect() of
 * each child (ESTABLISHED -> CLOSE, RST), and each client tcp_reset()s.
 */
static void close_listener(struct __test_metadata *_metadata,
			   FIXTURE_DATA(tcpfsm) *self, int n)
{
	const struct tcpfsm_cell cells[] = {
		TR(LISTEN, CLOSE, 1),
		TR(ESTABLISHED, CLOSE, 2 * n),
	};
	const struct tcpfsm_gauge gauges[] = {
		GA(LISTEN, -1), GA(ESTABLISHED, -2 * n),
	};
	struct tcpfsm_tcp_mib before, after;
	char c;
	int i;

	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&before));
	ASSERT_EQ(0, close(self->lfd));
	EXPECT_MOVES(cells, gauges);
	for (i = 0; i < n; i++)
		ASSERT_EQ(-ECONNRESET, tcpfsm_recv(self->c[i], &c, 1));
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&after));
	ASSERT_EQ(2 * n, after.estab_resets - before.estab_resets);
}

/* The current column against `ss -tano`; -ENOENT if there is no ss. */
static int ss_agrees(struct __test_metadata *_metadata,
		     FIXTURE_DATA(tcpfsm) *self, struct tcpfsm_ss *ss)
{
	int err = tcpfsm_ss_read(ss);

	if (err == -ENOENT)
		return err;
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, tcpfsm_ss_check(&self->snap.s, ss));
	return 0;
}

TEST_F(tcpfsm, handshake)
{
	open_conns(_metadata, self, variant, 1, true);
	ASSERT_EQ(1, self->snap.s.cur[TCP_LISTEN]);
	ASSERT_EQ(2, self->snap.s.cur[TCP_ESTABLISHED]);
}

/* Any user reads the figures of its netns, as /proc/net/snmp. */
TEST_F(tcpfsm, unprivileged_read)
{
	struct tcpfsm_snap snap;
	int status;
	pid_t pid;

	open_conns(_metadata, self, variant, 1, true);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(tcpfsm_snap_read(&snap) ||
		      memcmp(&snap.m, &self->snap.m, sizeof(snap.m)) ||
		      snap.s.cur[TCP_ESTABLISHED] != 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

TEST_F(tcpfsm, close_client_first)
{
	struct tcpfsm_ss ss;

	open_conns(_metadata, self, variant, 1, true);
	graceful_close(_metadata, self, 0, false);
	ASSERT_EQ(1, self->snap.s.cur[TCP_TIME_WAIT]);
	if (ss_agrees(_metadata, self, &ss))
		SKIP(return, "no ss(8)");
}

TEST_F(tcpfsm, close_server_first)
{
	struct tcpfsm_ss ss;

	open_conns(_metadata, self, variant, 1, true);
	graceful_close(_metadata, self, 0, true);
	ASSERT_EQ(1, self->snap.s.cur[TCP_TIME_WAIT]);
	if (ss_agrees(_metadata, self, &ss))
		SKIP(return, "no ss(8)");
}

TEST_F(tcpfsm, simultaneous_close)
{
	int err;

	open_conns(_metadata, self, variant, 1, true);
	/*
	 * Hold every packet on lo for 200 ms and close both ends at once:
	 * each FIN leaves before the other arrives, each end gets the
	 * other's FIN in FIN_WAIT1 (tcp_fin() -> CLOSING) and then the ACK
	 * of its own FIN in CLOSING (tcp_rcv_state_process() ->
	 * tcp_time_wait()). Retransmitted FINs meet a CLOSING or timewait
	 * socket and change no state.
	 */
	err = tcpfsm_sh("tc qdisc add dev lo root netem delay 200ms");
	if (err)
		SKIP(return, "tc qdisc netem unavailable (exit %d)", err);
	ASSERT_EQ(0, close(self->c[0]));
	ASSERT_EQ(0, close(self->s[0]));
	EXPECT_MOVES(simultaneous, simultaneous_g);
	ASSERT_EQ(2, self->snap.s.cur[TCP_TIME_WAIT]);
}

TEST_F(tcpfsm, abort_client)
{
	open_conns(_metadata, self, variant, 1, true);
	abort_close(_metadata, self, 0, false);
}

TEST_F(tcpfsm, abort_server)
{
	open_conns(_metadata, self, variant, 1, true);
	abort_close(_metadata, self, 0, true);
}

TEST_F(tcpfsm, connect_refused)
{
	refused_connect(_metadata, self, variant);
}

TEST_F(tcpfsm, half_close)
{
	char buf[16];

	open_conns(_metadata, self, variant, 1, true);
	ASSERT_EQ(0, shutdown(self->c[0], SHUT_WR));
	ASSERT_EQ(0, tcpfsm_recv(self->s[0], buf, sizeof(buf)));
	EXPECT_MOVES(shut_wr, shut_wr_g);
	/* FIN_WAIT2 still receives what CLOSE_WAIT sends */
	ASSERT_EQ(5, send(self->s[0], "hello", 5, 0));
	ASSERT_EQ(5, tcpfsm_recv(self->c[0], buf, sizeof(buf)));
	ASSERT_EQ(0, close(self->s[0]));
	EXPECT_MOVES(shut_wr_peer_close, shut_wr_peer_close_g);
	ASSERT_EQ(0, tcpfsm_recv(self->c[0], buf, sizeof(buf)));
	/*
	 * The client socket is in CLOSE already (tcp_done() after the
	 * timewait socket took over): __tcp_close() jumps to
	 * adjudge_to_death without tcp_close_state(), so no CLOSE -> CLOSE.
	 */
	ASSERT_EQ(0, close(self->c[0]));
	EXPECT_NO_MOVE();
}

TEST_F(tcpfsm, shutdown_then_close)
{
	char buf[16];

	open_conns(_metadata, self, variant, 1, true);
	ASSERT_EQ(0, shutdown(self->c[0], SHUT_WR));
	ASSERT_EQ(0, tcpfsm_recv(self->s[0], buf, sizeof(buf)));
	EXPECT_MOVES(shut_wr, shut_wr_g);
	ASSERT_EQ(0, close(self->c[0]));
	EXPECT_MOVES(shut_wr_close, shut_wr_close_g);
	ASSERT_EQ(0, close(self->s[0]));
	EXPECT_MOVES(last_close, last_close_g);
}

TEST_F(tcpfsm, listener_close_with_queue)
{
	open_conns(_metadata, self, variant, 3, false);
	close_listener(_metadata, self, 3);
}

TEST_F(tcpfsm, close_wait_leak)
{
	size_t held;

	open_conns(_metadata, self, variant, 1, true);
	ASSERT_EQ(0, close(self->c[0]));
	ASSERT_EQ(0, tcpfsm_expect_one(&self->snap, first_close_any, 2, &held));
	ASSERT_EQ(1, self->snap.s.cur[TCP_CLOSE_WAIT]);
	sleep(1);
	EXPECT_NO_MOVE();
	ASSERT_EQ(1, self->snap.s.cur[TCP_CLOSE_WAIT]);
	ASSERT_EQ(0, close(self->s[0]));
	ASSERT_EQ(0, tcpfsm_expect_one(&self->snap, &last_close_any[held], 1,
				       NULL));
	ASSERT_EQ(0, self->snap.s.cur[TCP_CLOSE_WAIT]);
}

TEST_F(tcpfsm, half_open)
{
	struct tcpfsm_ss ss;
	int err;

	self->lfd = tcpfsm_listen(variant->family, MAX_CONN, &self->addr);
	ASSERT_LE(0, self->lfd);
	/* drop the client's pure ACKs to the listener: the handshake's last */
	err = tcpfsm_sh("nft 'add table inet tcpfsm_test; "
			"add chain inet tcpfsm_test out "
			"{ type filter hook output priority 0; }; "
			"add rule inet tcpfsm_test out tcp dport %u "
			"tcp flags & (fin | syn | rst | ack) == ack drop'",
			tcpfsm_port(&self->addr));
	if (err)
		SKIP(return, "nft unavailable (exit %d)", err);
	self->c[0] = tcpfsm_connect(&self->addr, true);
	ASSERT_LE(0, self->c[0]);
	EXPECT_MOVES(half_open, half_open_g);
	ASSERT_EQ(1, self->snap.s.cur[TCP_NEW_SYN_RECV]);
	if (ss_agrees(_metadata, self, &ss))
		SKIP(return, "no ss(8)");
	ASSERT_EQ(1, ss.n[TCP_SYN_RECV]);
}

/* A handshake and an abortive close: leaves one more listener. */
static void traffic(struct __test_metadata *_metadata,
		    FIXTURE_DATA(tcpfsm) *self,
		    const FIXTURE_VARIANT(tcpfsm) *variant)
{
	open_conns(_metadata, self, variant, 1, true);
	abort_close(_metadata, self, 0, false);
}

TEST_F(tcpfsm, netns_isolation)
{
	struct tcpfsm_snap a, b;
	int a_fd, b_fd;

	a_fd = tcpfsm_netns_open();
	ASSERT_LE(0, a_fd);
	ASSERT_EQ(0, tcpfsm_netns_new());
	b_fd = tcpfsm_netns_open();
	ASSERT_LE(0, b_fd);
	tcpfsm_snap_zero(&b);
	ASSERT_EQ(0, tcpfsm_expect(&b, NULL, 0, NULL, 0));

	/* traffic in A moves A (checked by traffic()) and not B */
	ASSERT_EQ(0, setns(a_fd, CLONE_NEWNET));
	traffic(_metadata, self, variant);
	ASSERT_EQ(0, setns(b_fd, CLONE_NEWNET));
	ASSERT_EQ(0, tcpfsm_expect(&b, NULL, 0, NULL, 0));

	/* and the other way round */
	a = self->snap;
	self->snap = b;
	traffic(_metadata, self, variant);
	ASSERT_EQ(0, setns(a_fd, CLONE_NEWNET));
	ASSERT_EQ(0, tcpfsm_expect(&a, NULL, 0, NULL, 0));
}

TEST_F(tcpfsm, kernel_counters)
{
	const uint64_t (*m)[TCPFSM_NR] = self->snap.m.n;
	struct tcpfsm_tcp_mib mib0, mib;
	int64_t resets, passive, curr;
	struct tcpfsm_ss ss;
	size_t held;
	int o, n;

	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&mib0));
	/* a listener closed with 2 connections in its queue */
	open_conns(_metadata, self, variant, 2, false);
	close_listener(_metadata, self, 2);
	/* the listener that stays, with 7 connections */
	open_conns(_metadata, self, variant, 7, true);
	graceful_close(_metadata, self, 0, false);
	graceful_close(_metadata, self, 1, true);
	abort_close(_metadata, self, 2, false);
	abort_close(_metadata, self, 3, true);
	refused_connect(_metadata, self, variant);
	refused_connect(_metadata, self, variant);
	/* left open: 4 in CLOSE_WAIT (its client a FIN_WAIT2 timewait sock) */
	ASSERT_EQ(0, close(self->c[4]));
	ASSERT_EQ(0, tcpfsm_expect_one(&self->snap, first_close_any, 2, &held));
	/* 5 half-closed: a full FIN_WAIT2 and a CLOSE_WAIT; 6 established */
	ASSERT_EQ(0, shutdown(self->c[5], SHUT_WR));
	EXPECT_MOVES(shut_wr, shut_wr_g);

	/* the netns is new: the matrix is the change since it was made */
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&mib));
	/* tcp_set_state(): ESTABLISHED or CLOSE_WAIT -> CLOSE */
	resets = m[TCP_ESTABLISHED][TCP_CLOSE] + m[TCP_CLOSE_WAIT][TCP_CLOSE];
	/* tcp_create_openreq_child(): one per child, not simultaneous open */
	passive = -(int64_t)m[TCP_SYN_SENT][TCP_SYN_RECV];
	/* tcp_set_state(): in, SYN_RECV -> CLOSE_WAIT, out but to CLOSE_WAIT */
	curr = m[TCP_SYN_RECV][TCP_CLOSE_WAIT];
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		passive += m[o][TCP_SYN_RECV];
		if (o != TCP_ESTABLISHED)
			curr += m[o][TCP_ESTABLISHED];
	}
	for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++)
		if (n != TCP_ESTABLISHED && n != TCP_CLOSE_WAIT)
			curr -= m[TCP_ESTABLISHED][n] + m[TCP_CLOSE_WAIT][n];
	ASSERT_EQ(resets, mib.estab_resets - mib0.estab_resets);
	ASSERT_EQ(passive, mib.passive_opens - mib0.passive_opens);
	ASSERT_EQ(curr, mib.curr_estab);
	ASSERT_EQ(8, resets);
	ASSERT_EQ(9, passive);
	ASSERT_EQ(4, curr);

	/* quiescent, with LISTEN, ESTAB, CLOSE-WAIT, FIN-WAIT-2, timewait */
	if (ss_agrees(_metadata, self, &ss))
		SKIP(return, "no ss(8)");
	ASSERT_EQ(1, ss.n[TCP_LISTEN]);
	ASSERT_EQ(2, ss.n[TCP_ESTABLISHED]);
	ASSERT_EQ(2, ss.n[TCP_CLOSE_WAIT]);
	/* 5's client, and 4's if it was kept as a full socket */
	ASSERT_EQ(1 + held, ss.n[TCP_FIN_WAIT2]);
	ASSERT_EQ(3 - held, ss.timewait);
}

TEST_HARNESS_MAIN
