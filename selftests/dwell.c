// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: time in state, CLOSE_WAIT and TIME_WAIT, against the kernel.
 *
 * What module/track.c does, which every expectation here follows: a socket
 * enters the table at its birth (CLOSE -> SYN_SENT or LISTEN, LISTEN ->
 * SYN_RECV), each transition adds the time since the previous one to the
 * histogram of the state it left (bucket i: 2^(i-1) <= us < 2^i), and the
 * socket leaves the table on its transition to CLOSE.
 *
 * - closewait: a server holds a socket in CLOSE_WAIT for HOLD_MS; the
 *   closewait-get dump lists it with its inode, `tcpfsm closewait` names
 *   this process, and on close() the CLOSE_WAIT histogram gets exactly one
 *   sample, of a time between what the test measured around it, in its
 *   bucket;
 * - syn_sent: a connect() whose SYNs a firewall rule drops, with
 *   tcp_syn_retries = 1, times out after 1 + 2 s: one SYN_SENT -> CLOSE and
 *   one SYN_SENT sample in the bucket of 3 s;
 * - timewait: connections the client closes first leave timewait sockets;
 *   their number equals /proc/net/sockstat's tw, the number created since
 *   load the kernel's TW + TWKilled, and timewait-get puts the server's
 *   port first among the remote ports.
 *
 * Needs tcpfsm loaded (default track_sockets), root, libmnl, nft;
 * TCPFSM_CMD names the tcpfsm command for the closewait owner check.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define NDWELL		8
#define NBUCKETS	TCPFSM_HIST_BUCKETS	/* the spec's hist-buckets */
#define HOLD_MS		1500	/* bucket 21: 1048576 <= us < 2097152 */
#define SYN_TIMEOUT_US	3000000	/* 1 s, then 2 s: bucket 22 */
#define NTW		20
#define WAIT_MS		20000
#define SETTLE_MS	500	/* the matrix unchanged that long */

/* /proc/net/tcpfsm/time_in_state, by state number */
struct dwell {
	uint64_t samples[TCPFSM_NR], sum_ns[TCPFSM_NR];
	uint64_t b[TCPFSM_NR][NBUCKETS];
	int nstates;
};

static int state_by_name(const char *name)
{
	int s;

	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++)
		if (!strcmp(name, tcpfsm_state_name(s)))
			return s;
	return -1;
}

static int read_dwell(struct dwell *d)
{
	char line[2048], name[32];
	FILE *f;
	int s, i, off, n;
	char *p;

	memset(d, 0, sizeof(*d));
	f = fopen(TCPFSM_PROC "/time_in_state", "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))	/* the header */
		goto bad;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %" SCNu64 " %" SCNu64 "%n", name,
			   &d->samples[0], &d->sum_ns[0], &off) != 3)
			goto bad;
		s = state_by_name(name);
		if (s < 0)
			goto bad;
		d->samples[s] = d->samples[0];
		d->sum_ns[s] = d->sum_ns[0];
		p = line + off;
		for (i = 0; i < NBUCKETS; i++, p += n)
			if (sscanf(p, " %" SCNu64 "%n", &d->b[s][i], &n) != 1)
				goto bad;
		d->nstates++;
	}
	fclose(f);
	return d->nstates == NDWELL ? 0 : -EPROTO;
bad:
	fclose(f);
	return -EPROTO;
}

/* Timewait sockets the netns created, as the kernel counts them. */
static int64_t tw_created_mib(void)
{
	static const char *const names[] = { "TW", "TWKilled" };
	int64_t v[2];

	return tcpfsm_mib_read("/proc/net/netstat", "TcpExt: ", names, v, 2) ?
	       -1 : v[0] + v[1];
}

/* The bucket of a time, as tcpfsm_dwell_bucket(). */
static int bucket_of_us(uint64_t us)
{
	int b = 0;

	while (us) {
		b++;
		us >>= 1;
	}
	return b < NBUCKETS ? b : NBUCKETS - 1;
}

/* The one bucket of @s that grew from @a to @b by one, or -1. */
static int grown_bucket(const struct dwell *a, const struct dwell *b, int s)
{
	int i, found = -1;

	for (i = 0; i < NBUCKETS; i++) {
		if (b->b[s][i] == a->b[s][i])
			continue;
		if (found >= 0 || b->b[s][i] != a->b[s][i] + 1)
			return -1;
		found = i;
	}
	return found;
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* What a closewait-get dump says of one socket. */
struct cw {
	uint16_t sport, dport;
	uint64_t ino, age;
	bool has_ino, has_age;
};

struct cw_list {
	struct cw v[64];
	int n;
	int bad;
};

static int parse_cw(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_SOCKET_MAX + 1];
	struct cw_list *l = data;
	struct cw c = { 0 };

	l->bad += nl_msg_attrs(nlh, &tcpfsm_socket_set, tb, NULL, NULL);
	if (tb[TCPFSM_A_SOCKET_SPORT])
		c.sport = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_SOCKET_SPORT]));
	if (tb[TCPFSM_A_SOCKET_DPORT])
		c.dport = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_SOCKET_DPORT]));
	c.has_ino = tb[TCPFSM_A_SOCKET_INO];
	if (c.has_ino)
		c.ino = mnl_attr_get_u64(tb[TCPFSM_A_SOCKET_INO]);
	c.has_age = tb[TCPFSM_A_SOCKET_AGE_NS];
	if (c.has_age)
		c.age = mnl_attr_get_u64(tb[TCPFSM_A_SOCKET_AGE_NS]);
	if (l->n < (int)(sizeof(l->v) / sizeof(l->v[0])))
		l->v[l->n++] = c;
	return MNL_CB_OK;
}

/* What timewait-get says: the first remote port and its count. */
struct tw_reply {
	uint64_t count, created;
	uint16_t top_remote;
	uint32_t top_remote_n, nlocal, nremote;
	int bad;	/* attributes against the spec */
};

/* the port nests, as they come */
static int parse_port(const struct nlattr *nest, unsigned int type, void *data)
{
	const struct nlattr *tb[TCPFSM_A_PORT_COUNT_MAX + 1];
	struct tw_reply *r = data;
	int bad;

	bad = nl_nest_attrs(nest, &tcpfsm_port_count_set, tb, NULL, NULL);
	if (type == TCPFSM_A_TIMEWAIT_LOCAL_PORT)
		r->nlocal++;
	if (type != TCPFSM_A_TIMEWAIT_REMOTE_PORT || r->nremote++)
		return bad;
	if (!tb[TCPFSM_A_PORT_COUNT_PORT] || !tb[TCPFSM_A_PORT_COUNT_COUNT])
		return bad + 1;
	r->top_remote = ntohs(mnl_attr_get_u16(tb[TCPFSM_A_PORT_COUNT_PORT]));
	r->top_remote_n = mnl_attr_get_u32(tb[TCPFSM_A_PORT_COUNT_COUNT]);
	return bad;
}

static int parse_tw(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_TIMEWAIT_MAX + 1];
	struct tw_reply *r = data;

	r->bad += nl_msg_attrs(nlh, &tcpfsm_timewait_set, tb, parse_port, r);
	if (tb[TCPFSM_A_TIMEWAIT_COUNT])
		r->count = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_COUNT]);
	if (tb[TCPFSM_A_TIMEWAIT_CREATED])
		r->created = mnl_attr_get_u64(tb[TCPFSM_A_TIMEWAIT_CREATED]);
	return MNL_CB_OK;
}

FIXTURE(dwell) {
	struct nl nl;
};

FIXTURE_SETUP(dwell)
{
	struct family f = { 0 };
	int err = tcpfsm_test_netns();

	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	if (tcpfsm_counter("track_size") <= 0)
		SKIP(return, "time in state is off (track_sockets=0)");
	ASSERT_EQ(0, nl_open(&self->nl, &f));
}

FIXTURE_TEARDOWN(dwell)
{
	if (self->nl.sk)
		mnl_socket_close(self->nl.sk);
}

/* `tcpfsm -j closewait` names this process as the owner of @ino. */
static int cmd_names_me(uint64_t ino, uint16_t port)
{
	const char *cmd = getenv("TCPFSM_CMD");
	char out[8192], want_pid[32], want_port[32];
	size_t n;
	FILE *p;

	if (!cmd)
		return -ENOENT;
	snprintf(out, sizeof(out), "%s -j closewait", cmd);
	p = popen(out, "r");
	if (!p)
		return -errno;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	if (pclose(p))
		return -EPROTO;
	snprintf(want_pid, sizeof(want_pid), "\"pid\":%d", getpid());
	snprintf(want_port, sizeof(want_port), "\"sport\":%u,", port);
	if (!strstr(out, want_pid) || !strstr(out, want_port)) {
		fprintf(stderr, "# tcpfsm -j closewait (ino %" PRIu64 "): %s\n",
			ino, out);
		return -ESRCH;
	}
	return 0;
}

TEST_F_TIMEOUT(dwell, closewait, 120)
{
	struct tcpfsm_addr la;
	struct tcpfsm_matrix m;
	struct dwell d0, d1;
	struct nlmsghdr *nlh;
	struct cw_list l = { 0 };
	struct answer a;
	int lfd, cfd, afd, i, b, err, found = -1;
	uint64_t ino, t0, t1, t2, t3, ns;
	char c;

	ASSERT_EQ(0, read_dwell(&d0));
	lfd = tcpfsm_listen(AF_INET, 1, &la);
	ASSERT_LE(0, lfd);
	cfd = tcpfsm_connect(&la, false);
	ASSERT_LE(0, cfd);
	afd = tcpfsm_accept(lfd);
	ASSERT_LE(0, afd);
	ino = tcpfsm_fd_ino(afd);
	/* the peer closes; the application does not: CLOSE_WAIT */
	t0 = tcpfsm_now_ns();
	ASSERT_EQ(0, close(cfd));
	ASSERT_EQ(0, tcpfsm_recv(afd, &c, 1));
	t1 = tcpfsm_now_ns();

	/* the dump lists it, with its file's inode */
	nlh = nl_req(&self->nl, self->nl.family, TCPFSM_CMD_CLOSEWAIT_GET,
		     TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	ASSERT_EQ(0, nl_talk(&self->nl, nlh, parse_cw, &l, &a));
	ASSERT_EQ(0, a.err);
	ASSERT_EQ(0, l.bad);
	for (i = 0; i < l.n; i++)
		if (l.v[i].sport == tcpfsm_port(&la))
			found = i;
	ASSERT_LE(0, found);
	ASSERT_EQ(1, l.n);
	ASSERT_TRUE(l.v[found].has_ino);
	ASSERT_EQ(ino, l.v[found].ino);
	ASSERT_TRUE(l.v[found].has_age);

	/* and the command finds this process from the inode, as ss -p */
	err = cmd_names_me(ino, tcpfsm_port(&la));
	if (err == -ENOENT)
		TH_LOG("TCPFSM_CMD not set: the command's owner lookup not run");
	else
		ASSERT_EQ(0, err);

	/* the checks above took part of the time */
	if (tcpfsm_now_ns() - t1 < HOLD_MS * 1000000ULL)
		usleep((HOLD_MS * 1000000ULL - (tcpfsm_now_ns() - t1)) / 1000);
	t2 = tcpfsm_now_ns();
	ASSERT_EQ(0, close(afd));
	t3 = tcpfsm_now_ns();
	ASSERT_EQ(0, close(lfd));
	ASSERT_EQ(0, tcpfsm_matrix_settled(&m, SETTLE_MS, WAIT_MS));
	ASSERT_EQ(1, m.n[TCP_CLOSE_WAIT][TCP_LAST_ACK]);

	/*
	 * one sample: from the FIN (after t0, before t1) to close() (after
	 * t2, before t3), in the bucket of that time
	 */
	ASSERT_EQ(0, read_dwell(&d1));
	ASSERT_EQ(d0.samples[TCP_CLOSE_WAIT] + 1, d1.samples[TCP_CLOSE_WAIT]);
	ns = d1.sum_ns[TCP_CLOSE_WAIT] - d0.sum_ns[TCP_CLOSE_WAIT];
	b = grown_bucket(&d0, &d1, TCP_CLOSE_WAIT);
	TH_LOG("CLOSE_WAIT for %" PRIu64 " us (between %" PRIu64 " and %" PRIu64 "): bucket %d",
	       ns / 1000, (t2 - t1) / 1000, (t3 - t0) / 1000, b);
	/* the module's clock is CLOCK_MONOTONIC too (ktime_get_ns()) */
	ASSERT_LE(t2 - t1, ns);
	ASSERT_GE(t3 - t0, ns);
	ASSERT_EQ(bucket_of_us(ns / 1000), b);
}

TEST_F_TIMEOUT(dwell, syn_sent_dropped, 120)
{
	struct tcpfsm_addr la;
	struct tcpfsm_matrix m0, m1;
	struct dwell d0, d1;
	int lfd, cfd, b;

	/* a port nobody may reach: SYNs dropped, so no RST either */
	lfd = tcpfsm_listen(AF_INET, 1, &la);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, tcpfsm_sh("nft add table inet tcpfsm_test && "
			       "nft add chain inet tcpfsm_test in "
			       "'{ type filter hook input priority 0; }' && "
			       "nft add rule inet tcpfsm_test in tcp dport %u drop",
			       tcpfsm_port(&la)));
	/* of this netns: one retransmission, given up 1 + 2 s after */
	ASSERT_EQ(0, write_file("/proc/sys/net/ipv4/tcp_syn_retries", "1"));
	ASSERT_EQ(0, tcpfsm_read_matrix(&m0));
	ASSERT_EQ(0, read_dwell(&d0));

	/* no SO_SNDTIMEO (tcpfsm_connect()'s): the kernel gives up itself */
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(-1, connect(cfd, (struct sockaddr *)&la.ss, la.len));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, close(cfd));
	ASSERT_EQ(0, tcpfsm_matrix_settled(&m1, SETTLE_MS, WAIT_MS));
	ASSERT_EQ(m0.n[TCP_CLOSE][TCP_SYN_SENT] + 1,
		  m1.n[TCP_CLOSE][TCP_SYN_SENT]);
	ASSERT_EQ(m0.n[TCP_SYN_SENT][TCP_CLOSE] + 1,
		  m1.n[TCP_SYN_SENT][TCP_CLOSE]);

	ASSERT_EQ(0, read_dwell(&d1));
	ASSERT_EQ(d0.samples[TCP_SYN_SENT] + 1, d1.samples[TCP_SYN_SENT]);
	b = grown_bucket(&d0, &d1, TCP_SYN_SENT);
	TH_LOG("SYN_SENT for %" PRIu64 " us: bucket %d",
	       (d1.sum_ns[TCP_SYN_SENT] - d0.sum_ns[TCP_SYN_SENT]) / 1000, b);
	ASSERT_EQ(bucket_of_us(SYN_TIMEOUT_US), b);
	ASSERT_EQ(0, close(lfd));
}

TEST_F_TIMEOUT(dwell, timewait, 120)
{
	int64_t tw0, tw1, created0, created1, sockstat_tw;
	struct tw_reply r = { 0 };
	struct tcpfsm_addr la;
	struct tcpfsm_matrix m;
	struct nlmsghdr *nlh;
	struct answer a;
	int lfd, cfd, afd, i;
	char c;

	tw0 = tw_created_mib();
	created0 = tcpfsm_counter("timewait_created");
	ASSERT_LE(0, tw0);
	ASSERT_LE(0, created0);
	lfd = tcpfsm_listen(AF_INET, NTW, &la);
	ASSERT_LE(0, lfd);
	for (i = 0; i < NTW; i++) {
		cfd = tcpfsm_connect(&la, false);
		ASSERT_LE(0, cfd);
		afd = tcpfsm_accept(lfd);
		ASSERT_LE(0, afd);
		/* the client closes first: the timewait is its */
		ASSERT_EQ(0, close(cfd));
		ASSERT_EQ(0, tcpfsm_recv(afd, &c, 1));
		ASSERT_EQ(0, close(afd));
	}
	ASSERT_EQ(0, tcpfsm_matrix_settled(&m, SETTLE_MS, WAIT_MS));

	/* now: as sockstat; created: as the kernel's TW + TWKilled */
	ASSERT_EQ(0, tcpfsm_sockstat_tw(&sockstat_tw));
	ASSERT_EQ(NTW, sockstat_tw);
	ASSERT_EQ(sockstat_tw, tcpfsm_counter("timewait"));
	tw1 = tw_created_mib();
	created1 = tcpfsm_counter("timewait_created");
	ASSERT_EQ(NTW, tw1 - tw0);
	ASSERT_EQ(tw1 - tw0, created1 - created0);

	nlh = nl_req(&self->nl, self->nl.family, TCPFSM_CMD_TIMEWAIT_GET,
		     TCPFSM_FAMILY_VERSION);
	mnl_attr_put_u32(nlh, TCPFSM_A_TIMEWAIT_LIMIT, 5);
	ASSERT_EQ(0, nl_talk(&self->nl, nlh, parse_tw, &r, &a));
	ASSERT_EQ(0, a.err);
	ASSERT_EQ(0, r.bad);
	ASSERT_EQ((uint64_t)NTW, r.count);
	ASSERT_EQ((uint64_t)created1, r.created);
	/* the clients' ports hold one each; the server's port holds all */
	ASSERT_EQ(5, r.nlocal);
	ASSERT_EQ(1, r.nremote);
	ASSERT_EQ(tcpfsm_port(&la), r.top_remote);
	ASSERT_EQ(NTW, r.top_remote_n);
	ASSERT_EQ(0, close(lfd));
}

/* Whether @path has a line starting with @line. */
static bool has_line(const char *path, const char *line)
{
	char buf[512];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && fgets(buf, sizeof(buf), f))
		found = !strncmp(buf, line, strlen(line));
	fclose(f);
	return found;
}

/*
 * prometheus: `tcpfsm stats -o prometheus` after one connection the server
 * closed second passes promtool's check of the text exposition format,
 * and says what happened: one CLOSE_WAIT sample, one ESTABLISHED ->
 * CLOSE_WAIT.
 */
TEST_F_TIMEOUT(dwell, prometheus, 120)
{
	const char *cmd = getenv("TCPFSM_CMD");
	char out[] = "/tmp/tcpfsm-prom.XXXXXX";
	struct tcpfsm_matrix m;
	int fd;

	if (!cmd)
		SKIP(return, "TCPFSM_CMD is not set (path of the tcpfsm command)");
	if (tcpfsm_sh("command -v promtool"))
		SKIP(return, "no promtool (Debian package prometheus)");
	ASSERT_EQ(0, tcpfsm_one_connection());
	ASSERT_EQ(0, tcpfsm_matrix_settled(&m, SETTLE_MS, WAIT_MS));

	fd = mkstemp(out);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, tcpfsm_sh("%s stats -o prometheus > %s", cmd, out));
	EXPECT_EQ(0, tcpfsm_sh("promtool check metrics < %s", out));
	EXPECT_TRUE(has_line(out, "tcpfsm_state_duration_seconds_count{state=\"close_wait\"} 1\n"));
	EXPECT_TRUE(has_line(out, "tcpfsm_transitions_total{old=\"established\",new=\"close_wait\"} 1\n"));
	EXPECT_TRUE(has_line(out, "# TYPE tcpfsm_state_duration_seconds histogram"));
	unlink(out);
}

TEST_HARNESS_MAIN
