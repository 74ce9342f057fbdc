// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm under floods and at scale, against the kernel's own figures.
 *
 * - synflood (IPv4 and IPv6, syncookies forced on with tcp_syncookies = 2
 *   and off with 0): a raw socket sends NSYN SYNs to a listener of backlog
 *   FLOOD_BACKLOG that never accepts (an nftables rule drops the SYN-ACKs,
 *   so request sockets stay), and real clients overflow the accept queue of a
 *   second listener. No SYN of the flood changes a socket's state: the
 *   matrix must move by the real connections only, Tcp PassiveOpens,
 *   ActiveOpens and CurrEstab must follow from it (Documentation/tcpfsm.rst),
 *   SyncookiesSent must be the flood plus the passive opens, TCPReqQFullDrop
 *   the SYNs beyond the request queue, ListenDrops that plus
 *   ListenOverflows, and NEW_SYN_RECV the request sockets
 *   `ss -tan state syn-recv` lists; every state against `ss`.
 * - timewait: as many client-first closes on loopback as fit (NTW, or what
 *   TW_BUDGET_MS of creation allows: a timewait socket lives 60 s, and all
 *   must be alive at the check), across NLISTEN server ports; TIME_WAIT
 *   current equals sockstat's tw and `ss -tan state time-wait`,
 *   timewait_created the kernel's TW + TWKilled; then tcp_max_tw_buckets =
 *   TW_LOW: TCPTimeWaitOverflow grows by every further close and the
 *   figures still match sockstat.
 * - closewait: NCW connections (or what CW_BUDGET_MS allows: 30 s, 20 s on
 *   the debug kernel, which makes 60 a second) whose client
 *   shut its side down and whose server does not close, dumped by
 *   closewait-get and by `tcpfsm -j closewait` (TCPFSM_CMD): both complete
 *   and equal to `ss -tan state close-wait` (count and port pairs), with
 *   their times, and no soft lockup or RCU stall in the kernel log (the
 *   soft lockup detector is switched on for the dumps).
 *
 * The sizes used and the times taken are printed: under TCG on a busy
 * host the loops make a few hundred connections a second.
 *
 * Needs tcpfsm loaded, root, nft, ss; libmnl.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define BACKLOG		8
/*
 * The flooded listener's backlog: small enough that its full request queue
 * is not "more than half of max(8, backlog)", past which
 * reqsk_timer_handler() cuts the SYN-ACK retries of old requests to 2 and
 * reaps them 7 s after their SYN; a slow kernel (the debug one under TCG)
 * takes longer than that to reach the checks. With 3, NREQ request sockets
 * live tcp_synack_retries' 63 s.
 */
#define FLOOD_BACKLOG	3
#define NSYN		2000
#define RAW_PORT	40000		/* the flood's source ports: RAW_PORT.. */
#define NOVER		4		/* clients beyond a full accept queue */
/*
 * Request sockets a listener keeps: inet_csk_reqsk_queue_is_full() is
 * "more than the backlog" in 6.1.y and 6.12.y, as sk_acceptq_is_full()
 */
#define NREQ		(FLOOD_BACKLOG + 1)
#define NTW		100000
/*
 * The first ones expire after 60 s: 40 s are left for the checks, which a
 * loaded host can stretch (ss alone reads 30,000 sockets in seconds)
 */
#define TW_BUDGET_MS	20000
/*
 * tcp_max_tw_buckets for the overflow: 0 refuses every new timewait
 * socket however many of the earlier ones have expired meanwhile (on a
 * slow guest the first ones reach their 60 s during the closes)
 */
#define TW_LOW		0
#define NTW_OVER	500
#define NCW		50000
#define CW_BUDGET_MS	(tcpfsm_debug_kernel() ? 20000 : 30000)
#define NLISTEN		4
#define BATCH		256
#define WAIT_MS		20000

/* TcpExt figures the tests read */
enum {
	X_SYNCOOKIES_SENT, X_SYNCOOKIES_RECV, X_LISTEN_OVERFLOWS,
	X_LISTEN_DROPS, X_REQQ_FULL_DROP, X_REQQ_FULL_COOKIES, X_TW,
	X_TW_KILLED, X_TW_OVERFLOW, X_N,
};

static const char *const ext_names[X_N] = {
	"SyncookiesSent", "SyncookiesRecv", "ListenOverflows", "ListenDrops",
	"TCPReqQFullDrop", "TCPReqQFullDoCookies", "TW", "TWKilled",
	"TCPTimeWaitOverflow",
};

struct ext {
	int64_t v[X_N];
};

/* /proc/net/netstat, read until two reads agree (timers move it). */
static int ext_read(struct ext *x)
{
	struct ext again;
	int tries, err;

	for (tries = 0; tries < 50; tries++) {
		err = tcpfsm_mib_read("/proc/net/netstat", "TcpExt: ", ext_names,
				      x->v, X_N);
		if (!err)
			err = tcpfsm_mib_read("/proc/net/netstat", "TcpExt: ",
					      ext_names, again.v, X_N);
		if (err)
			return err;
		if (!memcmp(&again, x, sizeof(again)))
			return 0;
	}
	return -EAGAIN;
}

static int sysctl_write(const char *name, const char *val)
{
	char path[256];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static long sysctl_read(const char *name)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* A connect() as cheap as it gets: no options, blocking. */
static int quick_connect(const struct tcpfsm_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The transitions of one pair of matrices, @to - @from. */
static uint64_t moved(const struct tcpfsm_matrix *from,
		      const struct tcpfsm_matrix *to, int o, int n)
{
	return to->n[o][n] - from->n[o][n];
}

FIXTURE(synflood) {
	struct tcpfsm_snap snap;
};

FIXTURE_VARIANT(synflood) {
	int family;
	int syncookies;
};

FIXTURE_VARIANT_ADD(synflood, ipv4_cookies) {
	.family = AF_INET, .syncookies = 2,
};

FIXTURE_VARIANT_ADD(synflood, ipv4_no_cookies) {
	.family = AF_INET, .syncookies = 0,
};

FIXTURE_VARIANT_ADD(synflood, ipv6_cookies) {
	.family = AF_INET6, .syncookies = 2,
};

FIXTURE_VARIANT_ADD(synflood, ipv6_no_cookies) {
	.family = AF_INET6, .syncookies = 0,
};

FIXTURE_SETUP(synflood)
{
	int err = tcpfsm_test_netns();

	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	if (tcpfsm_sh("command -v nft && command -v ss"))
		SKIP(return, "no nft or ss");
	tcpfsm_snap_zero(&self->snap);
}

FIXTURE_TEARDOWN(synflood)
{
}

/*
 * Poll until tcpfsm's NEW_SYN_RECV and ss's SYN-RECV agree and stay so
 * for 200 ms: 0 with both in *@cur / *@ss, or -1 with the last ones seen.
 */
static int syn_recv_agree(int64_t *cur, int *ss, int wait_ms)
{
	int64_t deadline = tcpfsm_now_ms() + wait_ms, since = -1;
	struct tcpfsm_states st;

	for (;;) {
		if (tcpfsm_read_states(&st))
			return -1;
		*cur = st.cur[TCP_NEW_SYN_RECV];
		*ss = tcpfsm_ss_count("syn-recv");
		if (*cur == *ss) {
			if (since < 0)
				since = tcpfsm_now_ms();
			else if (tcpfsm_now_ms() - since >= 200)
				return 0;
		} else {
			since = -1;
		}
		if (tcpfsm_now_ms() > deadline)
			return -1;
		usleep(20000);
	}
}

TEST_F_TIMEOUT(synflood, flood, 300)
{
	const int family = variant->family, nreal = BACKLOG + 1 + NOVER;
	const int64_t t_start = tcpfsm_now_ms();
	struct tcpfsm_tcp_mib t0, t1;
	struct tcpfsm_addr l1, l2;
	struct tcpfsm_ss ss;
	struct ext x0, x1;
	int64_t cur, t, d_syn_sent, d_passive;
	int lfd1, lfd2, c[BACKLOG + 1 + NOVER], i, n_ss;
	char val[16];

	snprintf(val, sizeof(val), "%d", variant->syncookies);
	ASSERT_EQ(0, sysctl_write("net/ipv4/tcp_syncookies", val));
	/* real clients' ports stay clear of the flood's */
	ASSERT_EQ(0, sysctl_write("net/ipv4/ip_local_port_range", "20000 29999"));
	/*
	 * The SYN-ACKs to the flood's ports go nowhere: dropped as they come
	 * in, not as they leave, where the error would make the listener drop
	 * the request at its first retransmission (reqsk_timer_handler())
	 */
	ASSERT_EQ(0, tcpfsm_sh("nft add table inet floods && "
			       "nft add chain inet floods in "
			       "'{ type filter hook input priority 0; }' && "
			       "nft add rule inet floods in tcp dport %d-%d drop",
			       RAW_PORT, RAW_PORT + NSYN - 1));

	lfd1 = tcpfsm_listen(family, FLOOD_BACKLOG, &l1);
	ASSERT_LE(0, lfd1);
	lfd2 = tcpfsm_listen(family, BACKLOG, &l2);
	ASSERT_LE(0, lfd2);
	ASSERT_EQ(0, tcpfsm_snap_read(&self->snap));
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&t0));
	ASSERT_EQ(0, ext_read(&x0));

	/* the flood: the first NREQ SYNs get request sockets, if no cookies */
	t = tcpfsm_now_ms();
	ASSERT_EQ(0, tcpfsm_syn_raw(&l1, RAW_PORT, NSYN));
	TH_LOG("%d SYNs sent in %lld ms (tcp_syncookies=%d, %s)", NSYN,
	       (long long)(tcpfsm_now_ms() - t), variant->syncookies,
	       family == AF_INET ? "IPv4" : "IPv6");

	/*
	 * real clients: BACKLOG + 1 fill the accept queue of the other
	 * listener (sk_acceptq_is_full() is "more than the backlog"), the
	 * NOVER after them are dropped as ListenOverflows
	 */
	for (i = 0; i < BACKLOG + 1; i++) {
		c[i] = tcpfsm_connect(&l2, false);
		ASSERT_LE(0, c[i]);
	}
	for (; i < nreal; i++) {
		c[i] = tcpfsm_connect(&l2, true);
		ASSERT_LE(0, c[i]);
	}
	t = tcpfsm_now_ms();
	do {
		ASSERT_EQ(0, ext_read(&x1));
		ASSERT_GT(t + WAIT_MS, tcpfsm_now_ms());
	} while (x1.v[X_LISTEN_OVERFLOWS] - x0.v[X_LISTEN_OVERFLOWS] < NOVER);
	for (i = BACKLOG + 1; i < nreal; i++)
		ASSERT_EQ(0, close(c[i]));	/* SYN_SENT -> CLOSE */

	{
		const struct tcpfsm_cell cells[] = {
			TR(CLOSE, SYN_SENT, nreal),
			TR(SYN_SENT, ESTABLISHED, BACKLOG + 1),
			TR(LISTEN, SYN_RECV, BACKLOG + 1),
			TR(SYN_RECV, ESTABLISHED, BACKLOG + 1),
			TR(SYN_SENT, CLOSE, NOVER),
		};
		const struct tcpfsm_gauge gauges[] = {
			GA(ESTABLISHED, 2 * (BACKLOG + 1)),
			GA(NEW_SYN_RECV, variant->syncookies ? 0 : NREQ),
		};
		struct tcpfsm_matrix m0 = self->snap.m;

		ASSERT_EQ(0, tcpfsm_expect(&self->snap, cells, ARRAY_SIZE(cells),
					   gauges, ARRAY_SIZE(gauges)));
		d_syn_sent = moved(&m0, &self->snap.m, TCP_CLOSE, TCP_SYN_SENT);
		d_passive = moved(&m0, &self->snap.m, TCP_LISTEN, TCP_SYN_RECV) -
			    moved(&m0, &self->snap.m, TCP_SYN_SENT, TCP_SYN_RECV);
	}

	/* the kernel's counters, as they follow from the matrix */
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&t1));
	ASSERT_EQ(0, ext_read(&x1));
	TH_LOG("PassiveOpens %+lld ActiveOpens %+lld CurrEstab %lld; SyncookiesSent %+lld SyncookiesRecv %+lld TCPReqQFullDoCookies %+lld TCPReqQFullDrop %+lld ListenOverflows %+lld ListenDrops %+lld",
	       (long long)(t1.passive_opens - t0.passive_opens),
	       (long long)(t1.active_opens - t0.active_opens),
	       (long long)t1.curr_estab,
	       (long long)(x1.v[X_SYNCOOKIES_SENT] - x0.v[X_SYNCOOKIES_SENT]),
	       (long long)(x1.v[X_SYNCOOKIES_RECV] - x0.v[X_SYNCOOKIES_RECV]),
	       (long long)(x1.v[X_REQQ_FULL_COOKIES] - x0.v[X_REQQ_FULL_COOKIES]),
	       (long long)(x1.v[X_REQQ_FULL_DROP] - x0.v[X_REQQ_FULL_DROP]),
	       (long long)(x1.v[X_LISTEN_OVERFLOWS] - x0.v[X_LISTEN_OVERFLOWS]),
	       (long long)(x1.v[X_LISTEN_DROPS] - x0.v[X_LISTEN_DROPS]));
	EXPECT_EQ(d_passive, t1.passive_opens - t0.passive_opens);
	EXPECT_EQ(d_syn_sent, t1.active_opens - t0.active_opens);
	EXPECT_EQ(self->snap.s.cur[TCP_ESTABLISHED] +
		  self->snap.s.cur[TCP_CLOSE_WAIT], t1.curr_estab);
	/* drops: a full request queue, or a full accept queue; nothing else */
	EXPECT_EQ(x1.v[X_LISTEN_DROPS] - x0.v[X_LISTEN_DROPS],
		  x1.v[X_LISTEN_OVERFLOWS] - x0.v[X_LISTEN_OVERFLOWS] +
		  x1.v[X_REQQ_FULL_DROP] - x0.v[X_REQQ_FULL_DROP]);
	if (variant->syncookies) {
		/* a cookie for every SYN that passed the accept queue check */
		EXPECT_EQ(NSYN + d_passive,
			  x1.v[X_SYNCOOKIES_SENT] - x0.v[X_SYNCOOKIES_SENT]);
		EXPECT_EQ(d_passive,
			  x1.v[X_SYNCOOKIES_RECV] - x0.v[X_SYNCOOKIES_RECV]);
		EXPECT_EQ(0, x1.v[X_REQQ_FULL_DROP] - x0.v[X_REQQ_FULL_DROP]);
	} else {
		EXPECT_EQ(0, x1.v[X_SYNCOOKIES_SENT] - x0.v[X_SYNCOOKIES_SENT]);
		EXPECT_EQ(NSYN - NREQ,
			  x1.v[X_REQQ_FULL_DROP] - x0.v[X_REQQ_FULL_DROP]);
	}

	/* the request sockets, as ss lists them; every state against ss */
	ASSERT_EQ(0, syn_recv_agree(&cur, &n_ss, WAIT_MS));
	TH_LOG("NEW_SYN_RECV %lld, ss syn-recv %d", (long long)cur, n_ss);
	EXPECT_EQ(variant->syncookies ? 0 : NREQ, cur);
	ASSERT_EQ(0, tcpfsm_ss_read(&ss));
	EXPECT_EQ(0, tcpfsm_ss_check(&self->snap.s, &ss));

	/*
	 * The listeners close: the accepted-queue children are reset. A
	 * closed listener's request sockets stay in the established hash
	 * (ss lists them) until their SYN-ACK timer reaps them, and so does
	 * NEW_SYN_RECV (module/reqsk.c).
	 */
	ASSERT_EQ(0, close(lfd1));
	ASSERT_EQ(0, close(lfd2));
	t = tcpfsm_now_ms();
	{
		struct tcpfsm_states st;

		ASSERT_EQ(0, tcpfsm_read_states(&st));
		TH_LOG("right after the listeners closed: NEW_SYN_RECV %lld, ss syn-recv %d",
		       (long long)st.cur[TCP_NEW_SYN_RECV], tcpfsm_ss_count("syn-recv"));
	}
	/* their next SYN-ACK timer (1, 3, 7, 15, 31 s after the SYN) reaps them */
	for (;;) {
		ASSERT_EQ(0, syn_recv_agree(&cur, &n_ss, 2 * WAIT_MS));
		if (!cur)
			break;
		ASSERT_GT(t + 2 * WAIT_MS, tcpfsm_now_ms());
		usleep(100000);
	}
	TH_LOG("then NEW_SYN_RECV %lld, ss syn-recv %d, %lld ms after; the test took %lld ms",
	       (long long)cur, n_ss, (long long)(tcpfsm_now_ms() - t),
	       (long long)(tcpfsm_now_ms() - t_start));
	EXPECT_EQ(0, cur);
	for (i = 0; i < BACKLOG + 1; i++)
		close(c[i]);
}

FIXTURE(scale) {
	int dummy;
};

FIXTURE_SETUP(scale)
{
	int err = tcpfsm_test_netns();

	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	if (tcpfsm_sh("command -v ss"))
		SKIP(return, "no ss");
}

FIXTURE_TEARDOWN(scale)
{
}

struct listeners {
	int fd[NLISTEN];
	struct tcpfsm_addr a[NLISTEN];
};

static int listeners_open(struct listeners *l, int backlog)
{
	int i;

	for (i = 0; i < NLISTEN; i++) {
		l->fd[i] = tcpfsm_listen(AF_INET, backlog, &l->a[i]);
		if (l->fd[i] < 0)
			return l->fd[i];
	}
	return 0;
}

/*
 * @n connections, round robin over the listeners: connect, accept; then
 * the client ends close, then each server end reads the client's FIN and
 * closes: the timewait sockets are the clients', one each (a server that
 * closed before the FIN came, its softirq deferred, would make it a
 * simultaneous close and a timewait socket on both ends). Returns how many
 * it made, or -errno; stops early after @budget_ms.
 */
static int client_first_closes(struct listeners *l, int n, int64_t budget_ms)
{
	int64_t end = tcpfsm_now_ms() + budget_ms;
	int c[BATCH], s[BATCH], done = 0, i, k, err = 0;
	char b;

	while (done < n && tcpfsm_now_ms() < end && !err) {
		for (k = 0; k < BATCH && done + k < n; k++) {
			c[k] = quick_connect(&l->a[(done + k) % NLISTEN]);
			if (c[k] < 0) {
				err = c[k];
				break;
			}
			s[k] = accept4(l->fd[(done + k) % NLISTEN], NULL, NULL,
				       SOCK_CLOEXEC);
			if (s[k] < 0) {
				err = -errno;
				close(c[k]);
				break;
			}
		}
		for (i = 0; i < k; i++)
			close(c[i]);
		for (i = 0; i < k; i++) {
			if (recv(s[i], &b, 1, 0) && !err)
				err = -EPROTO;
			close(s[i]);
		}
		done += k;
	}
	return err ? err : done;
}

/* TIME_WAIT figures at one moment: sockstat's tw the same before and after. */
struct tw_figs {
	int64_t sockstat, cur, counter, created;
	int ss;
};

static int tw_read(struct tw_figs *f)
{
	struct tcpfsm_states st;
	int64_t again;
	int tries;

	for (tries = 0; tries < 10; tries++) {
		if (tcpfsm_sockstat_tw(&f->sockstat) || tcpfsm_read_states(&st))
			return -1;
		f->cur = st.cur[TCP_TIME_WAIT];
		f->counter = tcpfsm_counter("timewait");
		f->created = tcpfsm_counter("timewait_created");
		f->ss = tcpfsm_ss_count("time-wait");
		if (tcpfsm_sockstat_tw(&again))
			return -1;
		if (again == f->sockstat)
			return 0;
	}
	return -1;
}

/*
 * sockstat's tw once it is @want, or what it is after WAIT_MS: under a
 * loaded TCG host softirqs fall behind, and a FIN the loopback backlog
 * dropped comes again only on its retransmission timer.
 */
static int64_t tw_wait(int64_t want)
{
	int64_t deadline = tcpfsm_now_ms() + WAIT_MS, tw = -1;

	while (!tcpfsm_sockstat_tw(&tw) && tw != want &&
	       tcpfsm_now_ms() < deadline)
		usleep(100000);
	return tw;
}

TEST_F_TIMEOUT(scale, timewait, 240)
{
	const int64_t t_start = tcpfsm_now_ms();
	struct listeners l;
	struct tw_figs f;
	struct ext x0, x1, x2;
	int64_t t, tw, created0;
	int n, n2;
	char val[32];

	/* every port; no reuse of timewait sockets; room for all of them */
	ASSERT_EQ(0, sysctl_write("net/ipv4/ip_local_port_range", "1024 65535"));
	ASSERT_EQ(0, sysctl_write("net/ipv4/tcp_tw_reuse", "0"));
	snprintf(val, sizeof(val), "%d", 2 * NTW);
	ASSERT_EQ(0, sysctl_write("net/ipv4/tcp_max_tw_buckets", val));
	ASSERT_EQ(0, listeners_open(&l, BATCH));
	ASSERT_EQ(0, ext_read(&x0));
	created0 = tcpfsm_counter("timewait_created");
	ASSERT_LE(0, created0);

	t = tcpfsm_now_ms();
	n = client_first_closes(&l, NTW, TW_BUDGET_MS);
	ASSERT_LE(0, n);
	t = tcpfsm_now_ms() - t;
	tw = tw_wait(n);
	TH_LOG("%d client-first closes in %lld ms (%lld/s), %lld timewait sockets%s",
	       n, (long long)t, (long long)(n * 1000LL / (t ? t : 1)),
	       (long long)tw, n < NTW ?
	       ": fewer than 100000, all that fit in the 60 s of TIME_WAIT" : "");

	t = tcpfsm_now_ms();
	ASSERT_EQ(0, tw_read(&f));
	ASSERT_EQ(0, ext_read(&x1));
	TH_LOG("TIME_WAIT: tcpfsm %lld, counters %lld, sockstat %lld, ss %d (read in %lld ms); created: tcpfsm %lld, TW + TWKilled %lld, of which TWKilled %lld",
	       (long long)f.cur, (long long)f.counter, (long long)f.sockstat,
	       f.ss, (long long)(tcpfsm_now_ms() - t),
	       (long long)(f.created - created0),
	       (long long)(x1.v[X_TW] + x1.v[X_TW_KILLED] - x0.v[X_TW] -
			   x0.v[X_TW_KILLED]),
	       (long long)(x1.v[X_TW_KILLED] - x0.v[X_TW_KILLED]));
	/* one timewait socket a connection, all alive */
	ASSERT_EQ(n, tw);
	EXPECT_EQ(f.sockstat, f.cur);
	EXPECT_EQ(f.sockstat, f.counter);
	EXPECT_EQ(f.sockstat, f.ss);
	EXPECT_EQ(n, f.created - created0);
	EXPECT_EQ(x1.v[X_TW] + x1.v[X_TW_KILLED] - x0.v[X_TW] - x0.v[X_TW_KILLED],
		  f.created - created0);
	EXPECT_EQ(0, x1.v[X_TW_OVERFLOW] - x0.v[X_TW_OVERFLOW]);

	/* over the limit now: every new timewait socket is refused */
	snprintf(val, sizeof(val), "%d", TW_LOW);
	ASSERT_EQ(0, sysctl_write("net/ipv4/tcp_max_tw_buckets", val));
	n2 = client_first_closes(&l, NTW_OVER, WAIT_MS);
	ASSERT_EQ(NTW_OVER, n2);
	t = tcpfsm_now_ms();
	do {
		ASSERT_EQ(0, ext_read(&x2));
	} while (x2.v[X_TW_OVERFLOW] - x1.v[X_TW_OVERFLOW] < NTW_OVER &&
		 tcpfsm_now_ms() - t < WAIT_MS && !usleep(100000));
	ASSERT_EQ(0, tw_read(&f));
	TH_LOG("tcp_max_tw_buckets=%d, %d more closes: TCPTimeWaitOverflow %+lld, TW + TWKilled %+lld; TIME_WAIT: tcpfsm %lld, counters %lld, sockstat %lld, ss %d",
	       TW_LOW, n2,
	       (long long)(x2.v[X_TW_OVERFLOW] - x1.v[X_TW_OVERFLOW]),
	       (long long)(x2.v[X_TW] + x2.v[X_TW_KILLED] - x1.v[X_TW] -
			   x1.v[X_TW_KILLED]),
	       (long long)f.cur, (long long)f.counter, (long long)f.sockstat,
	       f.ss);
	EXPECT_EQ(NTW_OVER, x2.v[X_TW_OVERFLOW] - x1.v[X_TW_OVERFLOW]);
	EXPECT_EQ(x2.v[X_TW] + x2.v[X_TW_KILLED] - x0.v[X_TW] - x0.v[X_TW_KILLED],
		  f.created - created0);
	EXPECT_EQ(f.sockstat, f.cur);
	EXPECT_EQ(f.sockstat, f.counter);
	EXPECT_EQ(f.sockstat, f.ss);
	TH_LOG("the test took %lld ms", (long long)(tcpfsm_now_ms() - t_start));
}

/* A (local port, remote port) pair, as one number, for sorting. */
static uint32_t pair(uint16_t sport, uint16_t dport)
{
	return (uint32_t)sport << 16 | dport;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct pairs {
	uint32_t *v;
	size_t n, cap;
};

static int pairs_add(struct pairs *p, uint16_t sport, uint16_t dport)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint32_t *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = pair(sport, dport);
	return 0;
}

static void pairs_sort(struct pairs *p)
{
	qsort(p->v, p->n, sizeof(*p->v), cmp_u32);
}

/* How many of @a and @b differ, both sorted (0: the same set). */
static size_t pairs_diff(const struct pairs *a, const struct pairs *b)
{
	size_t i = 0, j = 0, d = 0;

	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->v[i] < b->v[j])) {
			d++;
			i++;
		} else if (i == a->n || b->v[j] < a->v[i]) {
			d++;
			j++;
		} else {
			i++;
			j++;
		}
	}
	return d;
}

static int parse_cw_pair(const struct nlmsghdr *nlh, void *data)
{
	uint16_t sport = 0, dport = 0;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == TCPFSM_A_SOCKET_SPORT)
			sport = ntohs(mnl_attr_get_u16(a));
		else if (mnl_attr_get_type(a) == TCPFSM_A_SOCKET_DPORT)
			dport = ntohs(mnl_attr_get_u16(a));
	}
	return pairs_add(data, sport, dport) ? MNL_CB_ERROR : MNL_CB_OK;
}

/* The port after the last ':' of an ss address ("127.0.0.1:80", "[::1]:80"). */
static int ss_port(const char *s, uint16_t *port)
{
	const char *c = strrchr(s, ':');
	char *end;
	long v;

	if (!c)
		return -1;
	v = strtol(c + 1, &end, 10);
	if (end == c + 1 || *end || v < 0 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* `ss -tan state close-wait`: Recv-Q Send-Q Local:Port Peer:Port */
static int ss_closewait(struct pairs *p)
{
	char *line = NULL, local[128], peer[128];
	uint16_t sp, dp;
	size_t cap = 0;
	int err = 0, first = 1;
	FILE *f;

	f = popen("ss -tan state close-wait 2>/dev/null", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (first) {
			first = 0;
			continue;
		}
		if (sscanf(line, "%*s %*s %127s %127s", local, peer) != 2 ||
		    ss_port(local, &sp) || ss_port(peer, &dp) ||
		    pairs_add(p, sp, dp)) {
			err = -EPROTO;
			break;
		}
	}
	free(line);
	if (pclose(f) && !err)
		err = -EIO;
	return err;
}

/* `tcpfsm -j closewait`: an array of objects with "sport": and "dport": */
static int cmd_closewait(const char *cmd, struct pairs *p)
{
	char *out = NULL, *s, *d, *end;
	size_t len = 0, cap = 0;
	int err = 0;
	FILE *f;
	char c[512];

	snprintf(c, sizeof(c), "%s -j closewait", cmd);
	f = popen(c, "re");
	if (!f)
		return -errno;
	for (;;) {
		if (cap - len < 65536) {
			char *o = realloc(out, cap + (1 << 22));

			if (!o) {
				err = -ENOMEM;
				break;
			}
			out = o;
			cap += 1 << 22;
		}
		size_t r = fread(out + len, 1, cap - len - 1, f);

		if (!r)
			break;
		len += r;
	}
	if (pclose(f) && !err)
		err = -EIO;
	if (err) {
		free(out);
		return err;
	}
	out[len] = 0;
	for (s = out; (s = strstr(s, "\"sport\":")); s = end) {
		long sp = strtol(s + 8, &end, 10);
		long dp;

		d = strstr(end, "\"dport\":");
		if (!d) {
			err = -EPROTO;
			break;
		}
		dp = strtol(d + 8, &end, 10);
		if (sp < 0 || sp > 65535 || dp < 0 || dp > 65535 ||
		    pairs_add(p, sp, dp)) {
			err = -EPROTO;
			break;
		}
	}
	free(out);
	return err;
}

/* Lines of the kernel log that report a soft lockup or an RCU stall. */
static int stall_count(void)
{
	char buf[64];
	int n = -1;
	FILE *p;

	p = popen("dmesg | grep -ciE 'soft lockup|rcu.*stall|rcu: INFO'", "re");
	if (!p)
		return -1;
	if (fgets(buf, sizeof(buf), p))
		n = atoi(buf);
	pclose(p);
	return n;
}

TEST_F_TIMEOUT(scale, closewait, 360)
{
	struct pairs dump = { 0 }, cmd = { 0 }, ss = { 0 };
	const char *tcpfsm_cmd = getenv("TCPFSM_CMD");
	struct rlimit rl = { 2 * NCW + 1024, 2 * NCW + 1024 };
	long avail0 = tcpfsm_meminfo_kb("MemAvailable");
	const int64_t t_start = tcpfsm_now_ms();
	struct tcpfsm_states st;
	struct listeners l;
	struct nl nl = { 0 };
	struct family fam = { 0 };
	struct nlmsghdr *nlh;
	struct answer a;
	int64_t t, t_dump, t_cmd, t_ss;
	int *srv, *cli, n = 0, k, stalls0, soft0;
	char b;

	if (sysctl_read("fs/nr_open") < 2 * NCW + 1024)
		ASSERT_EQ(0, sysctl_write("fs/nr_open", "1048576"));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, sysctl_write("net/ipv4/ip_local_port_range", "1024 65535"));
	ASSERT_EQ(0, listeners_open(&l, BATCH));
	ASSERT_EQ(0, nl_open(&nl, &fam));
	srv = calloc(NCW, sizeof(*srv));
	cli = calloc(NCW, sizeof(*cli));
	ASSERT_NE(NULL, srv);
	ASSERT_NE(NULL, cli);

	/*
	 * The client shuts its side (FIN_WAIT2, open: no timer), the server
	 * reads the end and keeps its socket. A client that close()d would
	 * be an orphan, and one whose FIN's ACK came while close() still
	 * owned it stays a full FIN_WAIT2 socket that resets the server's
	 * after tcp_fin_timeout (tcp_keepalive_timer()); one dropped by
	 * tcp_max_tw_buckets frees its port, and a later SYN from it would
	 * meet the server's socket.
	 */
	t = tcpfsm_now_ms();
	while (n < NCW && tcpfsm_now_ms() - t < CW_BUDGET_MS) {
		cli[n] = quick_connect(&l.a[n % NLISTEN]);
		ASSERT_LE(0, cli[n]);
		srv[n] = accept4(l.fd[n % NLISTEN], NULL, NULL, SOCK_CLOEXEC);
		ASSERT_LE(0, srv[n]);
		ASSERT_EQ(0, shutdown(cli[n], SHUT_WR));
		n++;
	}
	for (k = 0; k < n; k++)
		ASSERT_EQ(0, recv(srv[k], &b, 1, 0));
	t = tcpfsm_now_ms() - t;
	TH_LOG("%d CLOSE_WAIT sockets made in %lld ms (%lld/s)%s; MemAvailable %ld -> %ld MiB",
	       n, (long long)t, (long long)(n * 1000LL / (t ? t : 1)),
	       n < NCW ? ", fewer than 50000: the time budget ran out" : "",
	       avail0 / 1024, tcpfsm_meminfo_kb("MemAvailable") / 1024);
	ASSERT_EQ(0, tcpfsm_read_states(&st));
	EXPECT_EQ(n, st.cur[TCP_CLOSE_WAIT]);

	/* the soft lockup detector on (vm.sh boots with nosoftlockup) */
	soft0 = sysctl_read("kernel/soft_watchdog");
	if (soft0 == 0 && sysctl_write("kernel/soft_watchdog", "1"))
		TH_LOG("the soft lockup detector could not be switched on");
	stalls0 = stall_count();
	ASSERT_LE(0, stalls0);

	t = tcpfsm_now_ms();
	nlh = nl_req(&nl, nl.family, TCPFSM_CMD_CLOSEWAIT_GET,
		     TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	ASSERT_EQ(0, nl_talk(&nl, nlh, parse_cw_pair, &dump, &a));
	ASSERT_EQ(0, a.err);
	t_dump = tcpfsm_now_ms() - t;

	t = tcpfsm_now_ms();
	ASSERT_EQ(0, ss_closewait(&ss));
	t_ss = tcpfsm_now_ms() - t;

	t_cmd = -1;
	if (tcpfsm_cmd) {
		t = tcpfsm_now_ms();
		ASSERT_EQ(0, cmd_closewait(tcpfsm_cmd, &cmd));
		t_cmd = tcpfsm_now_ms() - t;
	}
	pairs_sort(&dump);
	pairs_sort(&ss);
	pairs_sort(&cmd);
	TH_LOG("closewait-get dump: %zu sockets in %lld ms; tcpfsm -j closewait: %zu in %lld ms; ss -tan state close-wait: %zu in %lld ms",
	       dump.n, (long long)t_dump, cmd.n, (long long)t_cmd, ss.n,
	       (long long)t_ss);
	EXPECT_EQ((size_t)n, ss.n);
	EXPECT_EQ((size_t)n, dump.n);
	EXPECT_EQ(0, pairs_diff(&dump, &ss));
	if (tcpfsm_cmd) {
		EXPECT_EQ((size_t)n, cmd.n);
		EXPECT_EQ(0, pairs_diff(&cmd, &ss));
	} else {
		TH_LOG("TCPFSM_CMD not set: `tcpfsm closewait` not run");
	}
	TH_LOG("soft lockup detector %s; kernel log lines of soft lockups or RCU stalls: %d before the dumps, %d after",
	       sysctl_read("kernel/soft_watchdog") == 1 ? "on" : "off",
	       stalls0, stall_count());
	EXPECT_EQ(stalls0, stall_count());
	if (soft0 == 0)
		sysctl_write("kernel/soft_watchdog", "0");

	mnl_socket_close(nl.sk);
	for (k = 0; k < n; k++) {
		close(srv[k]);
		close(cli[k]);
	}
	free(srv);
	free(cli);
	free(dump.v);
	free(cmd.v);
	free(ss.v);
	TH_LOG("the test took %lld ms", (long long)(tcpfsm_now_ms() - t_start));
}

TEST_HARNESS_MAIN
