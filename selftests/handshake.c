// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the server's side of the handshake (module/reqsk.c), request
 * sockets (NEW_SYN_RECV) against ss and the kernel's own counters, over
 * IPv4 and IPv6, each test in a new netns (so that every figure, the
 * kernel's included, starts at 0).
 *
 * /proc/net/tcpfsm/handshake must say, in a quiet netns:
 * - complete: N handshakes: created +N, completed +N, N samples in the
 *   SYN-to-ACK histogram, nothing dropped; PassiveOpens +N;
 * - pending: N SYNs from a raw socket whose SYN-ACKs an nftables rule
 *   drops: created +N, current N, equal to ss and to states' NEW_SYN_RECV;
 *   the listener closes: current still equals ss while its requests wait
 *   for their timer, then 0, orphaned +N (issue 11: ss listed such
 *   requests for 8 to 11 s while tcpfsm said 0);
 * - expire: the same with the listener open and tcp_synack_retries = 1:
 *   the timer gives up, expired +N, current 0 = ss;
 * - cookies: tcp_syncookies = 2 (a cookie for every SYN): N handshakes
 *   completed by a cookie: cookies +N = SyncookiesRecv, no request socket
 *   created;
 * - retransmit: the client's final ACK dropped (nftables) until the
 *   server's SYN-ACK timer (1 s) retransmits; the handshake's sample lands
 *   in a bucket of 0.5 s or more.
 *
 * - seed: with the module unloaded, requests pending on a listener and on
 *   a closed one (past their third SYN-ACK, so that their timer waits 8 s:
 *   issue 11's case); loaded, the module counts both at once, as ss does.
 *
 * After each, the get op's handshake nest must say what the file says.
 *
 * Needs tcpfsm loaded, root, nft, ss and libmnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define N		20
#define NSYN		50
#define RAW_PORT	40000	/* the raw SYNs' source ports: RAW_PORT.. */
#define WAIT_MS		40000
#define HS_BUCKETS	64

/* /proc/net/tcpfsm/handshake */
struct hs {
	int64_t current, created, completed, expired, orphaned, dropped;
	int64_t cookies, samples, sum_ns;
	int64_t bucket[HS_BUCKETS];
	int nbuckets;
	bool absent;		/* a figure read "-" */
};

static int hs_read(struct hs *h)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "current", offsetof(struct hs, current) },
		{ "created", offsetof(struct hs, created) },
		{ "completed", offsetof(struct hs, completed) },
		{ "expired", offsetof(struct hs, expired) },
		{ "orphaned", offsetof(struct hs, orphaned) },
		{ "dropped", offsetof(struct hs, dropped) },
		{ "cookies", offsetof(struct hs, cookies) },
		{ "syn_to_ack_samples", offsetof(struct hs, samples) },
		{ "syn_to_ack_sum_ns", offsetof(struct hs, sum_ns) },
	};
	char *line = NULL, *tok, *save;
	size_t cap = 0, i;
	int seen = 0;
	FILE *fp;

	memset(h, 0, sizeof(*h));
	fp = fopen(TCPFSM_PROC "/handshake", "re");
	if (!fp)
		return -errno;
	while (getline(&line, &cap, fp) > 0) {
		tok = strtok_r(line, " \n", &save);
		if (!tok)
			continue;
		if (!strcmp(tok, "syn_to_ack")) {
			while ((tok = strtok_r(NULL, " \n", &save)) &&
			       h->nbuckets < HS_BUCKETS) {
				if (!strcmp(tok, "-"))
					h->absent = true;
				h->bucket[h->nbuckets++] = strtoll(tok, NULL, 10);
			}
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(f); i++) {
			if (strcmp(tok, f[i].name))
				continue;
			tok = strtok_r(NULL, " \n", &save);
			if (!tok || !strcmp(tok, "-"))
				h->absent = true;
			else
				*(int64_t *)((char *)h + f[i].off) =
					strtoll(tok, NULL, 10);
			seen++;
		}
	}
	free(line);
	fclose(fp);
	return seen == ARRAY_SIZE(f) && h->nbuckets ? 0 : -EINVAL;
}

/* the get op's handshake nest, as struct hs; bad: attributes out of place */
struct nl_hs {
	struct hs h;
	int bad;
};

static int parse_hs_nest(const struct nlattr *nest, struct hs *h)
{
	int64_t *v[] = {
		[TCPFSM_A_HANDSHAKE_STATS_CURRENT] = &h->current,
		[TCPFSM_A_HANDSHAKE_STATS_CREATED] = &h->created,
		[TCPFSM_A_HANDSHAKE_STATS_COMPLETED] = &h->completed,
		[TCPFSM_A_HANDSHAKE_STATS_EXPIRED] = &h->expired,
		[TCPFSM_A_HANDSHAKE_STATS_ORPHANED] = &h->orphaned,
		[TCPFSM_A_HANDSHAKE_STATS_DROPPED] = &h->dropped,
		[TCPFSM_A_HANDSHAKE_STATS_COOKIES] = &h->cookies,
		[TCPFSM_A_HANDSHAKE_STATS_SAMPLES] = &h->samples,
		[TCPFSM_A_HANDSHAKE_STATS_SUM_NS] = &h->sum_ns,
	};
	const struct nlattr *a, *b;
	int type, bad = 0, seen = 0;

	memset(h, 0, sizeof(*h));
	h->nbuckets = TCPFSM_HIST_BUCKETS;
	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type == TCPFSM_A_HANDSHAKE_STATS_BUCKET) {
			int idx = -1;
			int64_t n = -1;

			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == TCPFSM_A_BUCKET_INDEX &&
				    mnl_attr_validate(b, MNL_TYPE_U8) >= 0)
					idx = mnl_attr_get_u8(b);
				else if (mnl_attr_get_type(b) == TCPFSM_A_BUCKET_COUNT &&
					 mnl_attr_validate(b, MNL_TYPE_U64) >= 0)
					n = (int64_t)mnl_attr_get_u64(b);
			}
			if (idx < 0 || idx >= TCPFSM_HIST_BUCKETS || n <= 0)
				bad++;
			else
				h->bucket[idx] = n;
		} else if (type > 0 && type < (int)ARRAY_SIZE(v) && v[type]) {
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				bad++;
			else
				*v[type] = (int64_t)mnl_attr_get_u64(a);
			seen++;
		} else if (type != TCPFSM_A_HANDSHAKE_STATS_PAD) {
			bad++;
		}
	}
	/* every figure, cookies too where tcp_get_cookie_sock is probed */
	return bad + (seen == ARRAY_SIZE(v) - 1 ? 0 : 1);
}

static void hs_nest(const struct nlattr *nest, void *data)
{
	struct nl_hs *t = data;

	t->bad += parse_hs_nest(nest, &t->h);
}

static int nl_hs_read(struct hs *h)
{
	struct nl_hs t = { 0 };
	int n = nl_get_nests(TCPFSM_A_STATS_HANDSHAKE, hs_nest, &t);

	if (n < 0)
		return n;
	if (n != 1 || t.bad)
		return -EPROTO;
	*h = t.h;
	return 0;
}

/* In a quiet netns: the get op's nest and the file say the same. */
static int hs_nl_agrees(void)
{
	struct hs f, n;
	int b;

	if (hs_read(&f) || nl_hs_read(&n))
		return -1;
	if (f.current != n.current || f.created != n.created ||
	    f.completed != n.completed || f.expired != n.expired ||
	    f.orphaned != n.orphaned || f.dropped != n.dropped ||
	    f.cookies != n.cookies || f.samples != n.samples ||
	    f.sum_ns != n.sum_ns || f.nbuckets != n.nbuckets)
		return -1;
	for (b = 0; b < f.nbuckets; b++)
		if (f.bucket[b] != n.bucket[b])
			return -1;
	return 0;
}

static int sysctl_write(const char *name, const char *val)
{
	char path[256];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* TcpExt figures the tests read */
enum {
	X_SYNCOOKIES_SENT, X_SYNCOOKIES_RECV, X_LISTEN_OVERFLOWS,
	X_LISTEN_DROPS, X_REQQ_FULL_DROP, X_N,
};

static const char *const ext_names[X_N] = {
	"SyncookiesSent", "SyncookiesRecv", "ListenOverflows", "ListenDrops",
	"TCPReqQFullDrop",
};

static int ext_read(int64_t *v)
{
	return tcpfsm_mib_read("/proc/net/netstat", "TcpExt: ", ext_names, v,
			       X_N);
}

/*
 * handshake's current, ss's SYN-RECV and states' NEW_SYN_RECV, read in
 * that order: 0 once the first and the last (tcpfsm's, read around ss)
 * equal ss's, with the figures in *@cur and *@ss; -1 after @wait_ms.
 */
static int syn_recv_agree(int64_t *cur, int *ss, int wait_ms)
{
	int64_t deadline = tcpfsm_now_ms() + wait_ms;
	struct tcpfsm_states st;
	struct hs h;

	for (;;) {
		if (hs_read(&h))
			return -1;
		*ss = tcpfsm_ss_count("syn-recv");
		if (tcpfsm_read_states(&st))
			return -1;
		*cur = st.cur[TCP_NEW_SYN_RECV];
		if (h.current == *ss && *cur == *ss)
			return 0;
		if (tcpfsm_now_ms() > deadline)
			return -1;
		usleep(20000);
	}
}

FIXTURE(hs) {
	struct hs h0;
	int64_t x0[X_N];
	struct tcpfsm_addr l;
	int lfd;
	bool nft;
};

FIXTURE_VARIANT(hs) {
	int family;
};

FIXTURE_VARIANT_ADD(hs, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(hs, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(hs)
{
	int err = tcpfsm_test_netns();

	self->lfd = -1;
	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	if (tcpfsm_sh("command -v nft && command -v ss"))
		SKIP(return, "no nft or ss");
	ASSERT_EQ(0, hs_read(&self->h0));
	if (self->h0.absent)
		SKIP(return, "request sockets not counted (see the kernel log)");
	ASSERT_EQ(0, ext_read(self->x0));
	/*
	 * The raw SYNs come from RAW_PORT on: no connection of the test may
	 * have one of those ports, or a SYN meets its timewait socket (hs.
	 * ipv4.events saw fewer than NSYN requests expire, 6.12)
	 */
	ASSERT_EQ(0, sysctl_write("net/ipv4/ip_local_port_range",
				  "20000 29999"));
	self->lfd = tcpfsm_listen(variant->family, 128, &self->l);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(hs)
{
	const char *ko = getenv("TCPFSM_KO");
	int fd;

	if (self->lfd >= 0)
		close(self->lfd);
	/* seed unloads the module: whatever happened, leave it loaded */
	if (ko && !tcpfsm_module_loaded()) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			tcpfsm_module_load(fd, "");
			close(fd);
		}
	}
}

/* The deltas of handshake since the fixture's read, in *@d. */
static int hs_delta(const struct hs *h0, struct hs *d)
{
	struct hs h;
	int b, err;

	err = hs_read(&h);
	if (err)
		return err;
	d->current = h.current - h0->current;
	d->created = h.created - h0->created;
	d->completed = h.completed - h0->completed;
	d->expired = h.expired - h0->expired;
	d->orphaned = h.orphaned - h0->orphaned;
	d->dropped = h.dropped - h0->dropped;
	d->cookies = h.cookies - h0->cookies;
	d->samples = h.samples - h0->samples;
	d->sum_ns = h.sum_ns - h0->sum_ns;
	d->nbuckets = h.nbuckets;
	for (b = 0; b < h.nbuckets; b++)
		d->bucket[b] = h.bucket[b] - h0->bucket[b];
	d->absent = h.absent;
	return 0;
}

static void log_delta(struct __test_metadata *_metadata, const struct hs *d)
{
	TH_LOG("current %+lld created %+lld completed %+lld expired %+lld orphaned %+lld dropped %+lld cookies %+lld samples %+lld",
	       (long long)d->current, (long long)d->created,
	       (long long)d->completed, (long long)d->expired,
	       (long long)d->orphaned, (long long)d->dropped,
	       (long long)d->cookies, (long long)d->samples);
}

/*
 * /proc/net/tcpfsm/machine, the RFC 9293 view, counts a request socket as
 * the connection's SYN-RECEIVED: created is LISTEN -> SYN_RECV (its
 * child's LISTEN -> SYN_RECV is not counted again), an end without a child
 * SYN_RECV -> CLOSE. Both beside the kernel's transitions, since the same
 * moment (load or the netns's creation) as handshake's figures.
 */
static void check_machine(struct __test_metadata *_metadata)
{
	int64_t m[TCPFSM_NR][TCPFSM_NR];
	struct tcpfsm_matrix t;
	int64_t to, out;
	struct hs h;

	ASSERT_EQ(0, tcpfsm_read_machine(m));
	ASSERT_EQ(0, tcpfsm_read_matrix(&t));
	ASSERT_EQ(0, hs_read(&h));
	ASSERT_NE(TCPFSM_ABSENT, m[TCP_LISTEN][TCP_SYN_RECV]);
	ASSERT_NE(TCPFSM_ABSENT, m[TCP_SYN_RECV][TCP_CLOSE]);
	to = m[TCP_LISTEN][TCP_SYN_RECV] - (int64_t)t.n[TCP_LISTEN][TCP_SYN_RECV];
	out = m[TCP_SYN_RECV][TCP_CLOSE] - (int64_t)t.n[TCP_SYN_RECV][TCP_CLOSE];
	TH_LOG("machine: LISTEN -> SYN_RECV %+lld, SYN_RECV -> CLOSE %+lld beside transitions",
	       (long long)to, (long long)out);
	EXPECT_EQ(h.created - h.completed, to);
	EXPECT_EQ(h.expired + h.orphaned + h.dropped, out);
}

/* entered - left of SYN_RECV in the machine view */
static int64_t machine_syn_recv(void)
{
	int64_t m[TCPFSM_NR][TCPFSM_NR], n = 0;
	int x;

	if (tcpfsm_read_machine(m))
		return TCPFSM_ABSENT;
	for (x = TCP_ESTABLISHED; x <= TCP_CLOSING; x++)
		if (x != TCP_SYN_RECV)
			n += m[x][TCP_SYN_RECV] - m[TCP_SYN_RECV][x];
	return n;
}

/* @n connections, accepted and closed */
static int handshakes(const struct tcpfsm_addr *l, int lfd, int n)
{
	int i, c, a;

	for (i = 0; i < n; i++) {
		c = tcpfsm_connect(l, false);
		if (c < 0)
			return c;
		a = tcpfsm_accept(lfd);
		if (a < 0) {
			close(c);
			return a;
		}
		close(a);
		close(c);
	}
	return 0;
}

TEST_F(hs, complete)
{
	struct tcpfsm_tcp_mib t0, t1;
	int64_t x1[X_N], cur;
	struct hs d;
	int b, ss;

	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&t0));
	ASSERT_EQ(0, handshakes(&self->l, self->lfd, N));
	ASSERT_EQ(0, tcpfsm_tcp_mib_read(&t1));
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	log_delta(_metadata, &d);
	EXPECT_EQ(N, d.created);
	EXPECT_EQ(N, d.completed);
	EXPECT_EQ(N, d.samples);
	EXPECT_EQ(0, d.current);
	EXPECT_EQ(0, d.expired + d.orphaned + d.dropped + d.cookies);
	EXPECT_EQ(N, t1.passive_opens - t0.passive_opens);
	for (b = 0, cur = 0; b < d.nbuckets; b++)
		cur += d.bucket[b];
	EXPECT_EQ(N, cur);
	TH_LOG("mean SYN-ACK to ACK %lld us",
	       (long long)(d.samples ? d.sum_ns / d.samples / 1000 : 0));
	ASSERT_EQ(0, ext_read(x1));
	EXPECT_EQ(0, x1[X_LISTEN_DROPS] - self->x0[X_LISTEN_DROPS]);
	ASSERT_EQ(0, syn_recv_agree(&cur, &ss, WAIT_MS));
	EXPECT_EQ(0, cur);
	EXPECT_EQ(0, hs_nl_agrees());
	check_machine(_metadata);
}

/* SYN-ACKs to the raw SYNs' ports dropped as they come in */
static int drop_synacks(void)
{
	return tcpfsm_sh("nft add table inet hs && "
			 "nft add chain inet hs in "
			 "'{ type filter hook input priority 0; }' && "
			 "nft add rule inet hs in tcp dport %d-%d drop",
			 RAW_PORT, RAW_PORT + NSYN - 1);
}

TEST_F_TIMEOUT(hs, pending, 120)
{
	int64_t x1[X_N], cur, t;
	struct hs d;
	int ss, polls = 0, during = 0, bad = 0;
	int64_t first = 0;

	ASSERT_EQ(0, drop_synacks());
	ASSERT_EQ(0, tcpfsm_syn_raw(&self->l, RAW_PORT, NSYN));
	ASSERT_EQ(0, syn_recv_agree(&cur, &ss, WAIT_MS));
	TH_LOG("pending: NEW_SYN_RECV %lld, ss syn-recv %d", (long long)cur, ss);
	EXPECT_EQ(NSYN, cur);
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	EXPECT_EQ(NSYN, d.created);
	EXPECT_EQ(NSYN, d.current);
	ASSERT_EQ(0, ext_read(x1));
	EXPECT_EQ(0, x1[X_REQQ_FULL_DROP] - self->x0[X_REQQ_FULL_DROP]);
	EXPECT_EQ(0, x1[X_LISTEN_DROPS] - self->x0[X_LISTEN_DROPS]);
	/* a netns made after the load: what entered SYN_RECV and stays */
	EXPECT_EQ(ss, machine_syn_recv());
	check_machine(_metadata);

	/*
	 * The listener goes; its requests stay until their timer runs, one
	 * by one. At every read, tcpfsm's figures before and after ss's
	 * bracket it (they only go down, counted right after the kernel
	 * unhashes): handshake, states, ss, handshake.
	 */
	ASSERT_EQ(0, close(self->lfd));
	self->lfd = -1;
	t = tcpfsm_now_ms();
	for (;;) {
		struct tcpfsm_states st;
		struct hs h1, h2;

		ASSERT_EQ(0, hs_read(&h1));
		ASSERT_EQ(0, tcpfsm_read_states(&st));
		ss = tcpfsm_ss_count("syn-recv");
		ASSERT_EQ(0, hs_read(&h2));
		if (!polls++)
			first = h1.current;
		if (h1.current < st.cur[TCP_NEW_SYN_RECV] ||
		    st.cur[TCP_NEW_SYN_RECV] < ss || ss < h2.current) {
			TH_LOG("handshake %lld, states %lld, ss %d, handshake %lld",
			       (long long)h1.current,
			       (long long)st.cur[TCP_NEW_SYN_RECV], ss,
			       (long long)h2.current);
			bad++;
		} else if (ss) {
			during++;
		} else if (!h1.current) {
			break;
		}
		ASSERT_GT(t + WAIT_MS, tcpfsm_now_ms());
		usleep(20000);
	}
	TH_LOG("after the listener closed: NEW_SYN_RECV %lld at once; %d reads of tcpfsm around ss, %d with requests left, all gone in %lld ms",
	       (long long)first, polls, during,
	       (long long)(tcpfsm_now_ms() - t));
	EXPECT_EQ(0, bad);
	/* they wait for their timer: at least 1 s from their SYN-ACK */
	EXPECT_LT(0, first);
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	log_delta(_metadata, &d);
	EXPECT_EQ(NSYN, d.orphaned);
	EXPECT_EQ(0, d.current);
	EXPECT_EQ(0, d.completed + d.expired + d.dropped);
	EXPECT_EQ(0, hs_nl_agrees());
	EXPECT_EQ(0, machine_syn_recv());
	check_machine(_metadata);
}

/*
 * NSYN requests to @l whose SYN-ACKs go nowhere, with tcp_synack_retries
 * 1 (SYN-ACK at 0, again at 1 s, given up at 3 s). Returns how many ms
 * after the SYNs @base + NSYN had expired since *@h0, the deltas in *@d;
 * -1 after WAIT_MS or on an error.
 */
static int64_t requests_expire(const struct tcpfsm_addr *l,
			       const struct hs *h0, int64_t base, struct hs *d)
{
	int64_t t;

	if (sysctl_write("net/ipv4/tcp_synack_retries", "1") ||
	    drop_synacks() || tcpfsm_syn_raw(l, RAW_PORT, NSYN))
		return -1;
	t = tcpfsm_now_ms();
	do {
		if (hs_delta(h0, d) || tcpfsm_now_ms() >= t + WAIT_MS)
			return -1;
		usleep(100000);
	} while (d->expired - base < NSYN);
	return tcpfsm_now_ms() - t;
}

TEST_F_TIMEOUT(hs, expire, 120)
{
	int64_t cur, t;
	struct hs d;
	int ss;

	t = requests_expire(&self->l, &self->h0, 0, &d);
	ASSERT_LE(0, t);
	TH_LOG("expired after %lld ms", (long long)t);
	log_delta(_metadata, &d);
	EXPECT_EQ(NSYN, d.created);
	EXPECT_EQ(NSYN, d.expired);
	EXPECT_EQ(0, d.current);
	EXPECT_EQ(0, d.completed + d.orphaned + d.dropped);
	ASSERT_EQ(0, syn_recv_agree(&cur, &ss, WAIT_MS));
	EXPECT_EQ(0, cur);
	EXPECT_EQ(0, hs_nl_agrees());
	check_machine(_metadata);
}

TEST_F(hs, cookies)
{
	int64_t x1[X_N];
	struct hs d;

	ASSERT_EQ(0, sysctl_write("net/ipv4/tcp_syncookies", "2"));
	ASSERT_EQ(0, handshakes(&self->l, self->lfd, N));
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	ASSERT_EQ(0, ext_read(x1));
	log_delta(_metadata, &d);
	TH_LOG("SyncookiesSent %+lld SyncookiesRecv %+lld",
	       (long long)(x1[X_SYNCOOKIES_SENT] - self->x0[X_SYNCOOKIES_SENT]),
	       (long long)(x1[X_SYNCOOKIES_RECV] - self->x0[X_SYNCOOKIES_RECV]));
	EXPECT_EQ(N, d.cookies);
	EXPECT_EQ(x1[X_SYNCOOKIES_RECV] - self->x0[X_SYNCOOKIES_RECV],
		  d.cookies);
	EXPECT_EQ(N, x1[X_SYNCOOKIES_SENT] - self->x0[X_SYNCOOKIES_SENT]);
	EXPECT_EQ(0, d.created + d.completed + d.samples + d.current);
	EXPECT_EQ(0, hs_nl_agrees());
	check_machine(_metadata);
}

TEST_F_TIMEOUT(hs, retransmit, 60)
{
	int c, a, b, hit = -1;
	struct hs d;

	/* the client's final ACK (a bare ACK to the listener) goes nowhere */
	ASSERT_EQ(0, tcpfsm_sh("nft add table inet hs && "
			       "nft add chain inet hs in "
			       "'{ type filter hook input priority 0; }' && "
			       "nft add rule inet hs in tcp dport %d 'tcp flags == ack' drop",
			       tcpfsm_port(&self->l)));
	c = tcpfsm_connect(&self->l, false);
	ASSERT_LE(0, c);
	usleep(300000);
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	EXPECT_EQ(1, d.current);
	EXPECT_EQ(0, d.completed);
	/* the SYN-ACK comes again at 1 s: its ACK passes */
	ASSERT_EQ(0, tcpfsm_sh("nft delete table inet hs"));
	a = tcpfsm_accept(self->lfd);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, hs_delta(&self->h0, &d));
	log_delta(_metadata, &d);
	EXPECT_EQ(1, d.created);
	EXPECT_EQ(1, d.completed);
	EXPECT_EQ(1, d.samples);
	for (b = 0; b < d.nbuckets; b++)
		if (d.bucket[b])
			hit = b;
	TH_LOG("SYN-ACK to ACK %lld us: bucket lt%llu", (long long)d.sum_ns / 1000,
	       hit >= 0 ? 1ULL << hit : 0);
	/* 2^19 us <= t: at least one retransmission timeout (1 s) */
	EXPECT_LE(20, hit);
	EXPECT_LE(1000000, d.sum_ns / 1000);
	EXPECT_EQ(0, hs_nl_agrees());
	close(a);
	close(c);
}

/*
 * The events of request sockets: a subscription without rsk-events hears
 * none (only the children's transitions); with it, each request's steps,
 * flagged, under the listener's port: its creation (LISTEN ->
 * NEW_SYN_RECV, no time), its completion (NEW_SYN_RECV -> SYN_RECV, the
 * time the histogram took: their sum is its sum) and its end without a
 * child (NEW_SYN_RECV -> CLOSE, at least the 1 s to the SYN-ACK's
 * retransmission), no ino, sequence numbers shared with the kernel's
 * transitions, without gaps.
 */
TEST_F_TIMEOUT(hs, events, 90)
{
	int64_t n[TCPFSM_NR][TCPFSM_NR] = { { 0 } }, sum = 0;
	uint16_t port = tcpfsm_port(&self->l);
	int i, other = 0;
	struct nl_evl *l;
	struct hs d, d0;

	l = calloc(1, sizeof(*l));
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, nl_evl_open(l, NL_EV_TW));
	ASSERT_EQ(0, handshakes(&self->l, self->lfd, 2));
	nl_evl_read(l, 300);
	TH_LOG("without rsk-events: %d events", l->n);
	ASSERT_LT(0, l->n);
	for (i = 0; i < l->n; i++)
		ASSERT_FALSE(l->ev[i].req);

	/* subscribing again asks for them */
	ASSERT_EQ(0, nl_evl_subscribe(l, NL_EV_TW | NL_EV_RSK));
	l->n = 0;
	ASSERT_EQ(0, hs_delta(&self->h0, &d0));
	ASSERT_EQ(0, handshakes(&self->l, self->lfd, N));
	/* and NSYN requests whose SYN-ACKs go nowhere, given up at 3 s */
	ASSERT_LE(0, requests_expire(&self->l, &self->h0, d0.expired, &d));
	nl_evl_read(l, 500);
	log_delta(_metadata, &d);
	ASSERT_EQ(0, l->bad);
	for (i = 0; i < l->n; i++) {
		const struct nl_ev *e = &l->ev[i];

		if (!e->req)
			continue;
		if (e->sport != port) {
			other++;
			continue;
		}
		n[e->old][e->new]++;
		EXPECT_FALSE(e->has_ino);
		if (e->old == TCP_LISTEN) {
			EXPECT_FALSE(e->has_dwell);
		} else {
			ASSERT_TRUE(e->has_dwell);
			if (e->new == TCP_SYN_RECV)
				sum += e->dwell;
			else
				EXPECT_LE(1000000000ULL, e->dwell);
		}
	}
	TH_LOG("request events: %lld created, %lld completed, %lld ended; %d of other ports",
	       (long long)n[TCP_LISTEN][TCP_NEW_SYN_RECV],
	       (long long)n[TCP_NEW_SYN_RECV][TCP_SYN_RECV],
	       (long long)n[TCP_NEW_SYN_RECV][TCP_CLOSE], other);
	EXPECT_EQ(0, other);
	EXPECT_EQ(N + NSYN, n[TCP_LISTEN][TCP_NEW_SYN_RECV]);
	EXPECT_EQ(d.created - d0.created, n[TCP_LISTEN][TCP_NEW_SYN_RECV]);
	EXPECT_EQ(N, n[TCP_NEW_SYN_RECV][TCP_SYN_RECV]);
	EXPECT_EQ(d.completed - d0.completed, n[TCP_NEW_SYN_RECV][TCP_SYN_RECV]);
	EXPECT_EQ(d.sum_ns - d0.sum_ns, sum);
	EXPECT_EQ(NSYN, n[TCP_NEW_SYN_RECV][TCP_CLOSE]);
	EXPECT_EQ(d.expired - d0.expired, n[TCP_NEW_SYN_RECV][TCP_CLOSE]);
	EXPECT_EQ(0, nl_evl_gaps(l));
	mnl_socket_close(l->nl.sk);
	free(l);
}

TEST_F_TIMEOUT(hs, seed, 300)
{
	const char *ko = getenv("TCPFSM_KO");
	struct tcpfsm_addr l2;
	int64_t cur, t;
	int lfd2, fd, ss;
	struct hs d;

	if (!ko)
		SKIP(return, "TCPFSM_KO is not set (path of tcpfsm.ko)");
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, drop_synacks());
	lfd2 = tcpfsm_listen(variant->family, 128, &l2);
	ASSERT_LE(0, lfd2);
	ASSERT_EQ(0, tcpfsm_module_unload());
	t = tcpfsm_now_ms();
	ASSERT_EQ(0, tcpfsm_syn_raw(&self->l, RAW_PORT, NSYN / 2));
	ASSERT_EQ(0, tcpfsm_syn_raw(&l2, RAW_PORT, NSYN / 2));
	/*
	 * SYN-ACKs at 0, 1, 3, 7 and 15 s, the next at 31 s: a closed
	 * listener's requests go at the next one, and the load (up to 6 s on
	 * a busy host's debug kernel) is done long before
	 */
	usleep(16000 * 1000);
	ASSERT_EQ(0, close(lfd2));
	ASSERT_EQ(NSYN, tcpfsm_ss_count("syn-recv"));
	ASSERT_EQ(0, tcpfsm_module_load(fd, ""));
	close(fd);
	ASSERT_EQ(0, hs_read(&self->h0));
	ASSERT_EQ(0, syn_recv_agree(&cur, &ss, 1000));
	TH_LOG("%lld ms after the SYNs, loaded: NEW_SYN_RECV %lld, ss syn-recv %d",
	       (long long)(tcpfsm_now_ms() - t), (long long)cur, ss);
	EXPECT_EQ(NSYN, cur);
	EXPECT_EQ(NSYN, self->h0.current);
	/* the closed listener's requests go at their timer, counted */
	do {
		ASSERT_EQ(0, hs_delta(&self->h0, &d));
		ASSERT_GT(t + 60000, tcpfsm_now_ms());
		usleep(100000);
	} while (d.orphaned < NSYN / 2);
	TH_LOG("orphans gone %lld ms after the SYNs",
	       (long long)(tcpfsm_now_ms() - t));
	log_delta(_metadata, &d);
	EXPECT_EQ(NSYN / 2, d.orphaned);
	EXPECT_EQ(-NSYN / 2, d.current);
	EXPECT_EQ(0, d.created + d.completed + d.expired + d.dropped);
	ASSERT_EQ(0, syn_recv_agree(&cur, &ss, WAIT_MS));
	EXPECT_EQ(NSYN / 2, cur);
	EXPECT_EQ(0, hs_nl_agrees());
	check_machine(_metadata);
}

TEST_HARNESS_MAIN
