// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: timewait sockets (module/timewait.c) against ss, sockstat and the
 * kernel's own counters, over IPv4 and IPv6, each test in a new netns (so
 * that every figure, the kernel's included, starts at 0).
 *
 * Every check compares, in a quiet netns:
 * - /proc/net/tcpfsm/states' FIN_WAIT2 and TIME_WAIT current with `ss -tan`
 *   (a timewait socket counts in its substate, as ss lists it);
 * - timewait's current FIN_WAIT2 + TIME_WAIT with sockstat's tw;
 * - per substate, current = created + entered - left - timer - reused -
 *   killed;
 * - created with TcpExt TW + TWKilled (counted at creation: TWKilled when
 *   the timer is 4 s or less, i.e. the FIN_WAIT2 substate with
 *   tcp_fin_timeout = 2, TW otherwise), reused with TWRecycled, refused
 *   with TCPTimeWaitOverflow.
 *
 * The scenarios:
 * - scenario: issue 11's namespace: 4 normal active closes, 3 orphaned
 *   closes whose peer never closes, 2 half-closed, 2 closed by the server
 *   first: ss says FIN-WAIT-2 5, TIME-WAIT 6, and so must states;
 * - fin_timeout: with tcp_fin_timeout = 2, 3 orphans leave FIN_WAIT2 by
 *   their timer, 2 s after their close (TWKilled: timers of 4 s or less);
 * - fin_then_data: an orphan in timewait FIN_WAIT2 gets its peer's FIN
 *   (FIN_WAIT2 -> TIME_WAIT), another gets data (a reset: killed);
 * - reuse: a connect() from the port of a TIME_WAIT socket takes it over
 *   (reused, TWRecycled);
 * - syn_kills: a new SYN from the peer's same port ends the server's
 *   TIME_WAIT socket (killed);
 * - overflow: tcp_max_tw_buckets = 2 and 4 active closes: 2 refused;
 * - seed: timewait sockets made before the module is loaded (it is
 *   unloaded and loaded again, TCPFSM_KO) count in their substate at once.
 *
 * An orphan whose FIN is acked while close() still owns it may stay a
 * full socket (FIN_WAIT2, then TIME_WAIT made from it): where that changes
 * which substate a socket is created in, the checks add the substates up,
 * or retry the connection.
 *
 * The get op's timewait-substate nests must say what the file says.
 *
 * Needs tcpfsm loaded, root and libmnl; fails if the module has no timewait
 * figures ("-": its probes are off, see dmesg).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define FW2		0	/* the timewait file's rows */
#define TW		1
#define NSUB		2
#define SETTLE_MS	300	/* the matrix unchanged that long */
#define WAIT_MS		20000

/* a row of /proc/net/tcpfsm/timewait */
struct twfig {
	int64_t cur, created, refused, entered, left, timer, reused, killed;
};

/* TcpExt TW, TWKilled, TWRecycled, TCPTimeWaitOverflow */
struct twmib {
	int64_t tw, killed, recycled, overflow;
};

#define NB		TCPFSM_HIST_BUCKETS

/* a row of /proc/net/tcpfsm/time_in_timewait, or of the get op's nest */
struct twhist {
	int64_t samples, sum_ns, b[NB];
};

/* everything a check compares, read at one quiet moment */
struct view {
	struct twfig f[NSUB];
	struct twfig nl[NSUB];	/* the same, from the get op */
	struct twhist h[NSUB];	/* time in the substate */
	struct twhist nlh[NSUB];	/* the same, from the get op */
	int64_t untracked[NSUB];	/* the get op's */
	int64_t from[NSUB][TCPFSM_NR];	/* the get op's created-from */
	int64_t m[TCPFSM_NR][TCPFSM_NR];	/* /proc/net/tcpfsm/machine */
	struct tcpfsm_states st;
	int ss[TCPFSM_NR];
	int64_t sockstat_tw;
	struct twmib mib;
};

static int read_twfig(struct twfig f[NSUB])
{
	static const char *const rows[NSUB] = { "FIN_WAIT2", "TIME_WAIT" };
	char line[512], name[32], v[8][32];
	int64_t *dst;
	int row = 0, i;
	FILE *fp;

	fp = fopen(TCPFSM_PROC "/timewait", "r");
	if (!fp)
		return -errno;
	if (!fgets(line, sizeof(line), fp) ||
	    strncmp(line, "substate ", 9)) {
		fclose(fp);
		return -EPROTO;
	}
	while (row < NSUB && fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%31s %31s %31s %31s %31s %31s %31s %31s %31s",
			   name, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
			   v[7]) != 9 || strcmp(name, rows[row]))
			break;
		dst = &f[row].cur;
		for (i = 0; i < 8; i++)
			dst[i] = strcmp(v[i], "-") ? strtoll(v[i], NULL, 10) :
						     TCPFSM_ABSENT;
		row++;
	}
	fclose(fp);
	return row == NSUB ? 0 : -EPROTO;
}

/* /proc/net/tcpfsm/time_in_timewait; "-" is TCPFSM_ABSENT everywhere */
static int read_twhist(struct twhist h[NSUB])
{
	static const char *const rows[NSUB] = { "FIN_WAIT2", "TIME_WAIT" };
	char line[2048], name[32], v[32];
	int row = 0, i, n, off;
	int64_t *dst;
	char *p;
	FILE *fp;

	fp = fopen(TCPFSM_PROC "/time_in_timewait", "r");
	if (!fp)
		return -errno;
	if (!fgets(line, sizeof(line), fp) ||
	    strncmp(line, "substate ", 9)) {
		fclose(fp);
		return -EPROTO;
	}
	while (row < NSUB && fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%31s%n", name, &off) != 1 ||
		    strcmp(name, rows[row]))
			break;
		p = line + off;
		dst = &h[row].samples;
		for (i = 0; i < 2 + NB; i++, p += n) {
			if (sscanf(p, " %31s%n", v, &n) != 1)
				break;
			dst[i] = strcmp(v, "-") ? strtoll(v, NULL, 10) :
						  TCPFSM_ABSENT;
		}
		if (i < 2 + NB || sscanf(p, " %31s", v) == 1)
			break;
		row++;
	}
	fclose(fp);
	return row == NSUB ? 0 : -EPROTO;
}

/* `ss -tan`: sockets per state, timewait sockets in their substate */
static int ss_states(int n[TCPFSM_NR])
{
	static const char *const names[TCPFSM_NR] = {
		[TCP_ESTABLISHED] = "ESTAB", [TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECV] = "SYN-RECV", [TCP_FIN_WAIT1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT2] = "FIN-WAIT-2", [TCP_TIME_WAIT] = "TIME-WAIT",
		[TCP_CLOSE] = "UNCONN", [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK", [TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};
	char line[512], word[32];
	FILE *p;
	int s;

	memset(n, 0, sizeof(int) * TCPFSM_NR);
	p = popen("ss -tan", "r");
	if (!p)
		return -errno;
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%31s", word) != 1 || !strcmp(word, "State"))
			continue;
		for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++)
			if (!strcmp(word, names[s]))
				break;
		if (s <= TCP_CLOSING)
			n[s]++;
	}
	return pclose(p) ? -EPROTO : 0;
}

static int read_mib(struct twmib *m)
{
	static const char *const names[] = {
		"TW", "TWKilled", "TWRecycled", "TCPTimeWaitOverflow",
	};
	int64_t v[4];
	int err;

	err = tcpfsm_mib_read("/proc/net/netstat", "TcpExt: ", names, v, 4);
	if (err)
		return err;
	m->tw = v[0];
	m->killed = v[1];
	m->recycled = v[2];
	m->overflow = v[3];
	return 0;
}

/* the get op's timewait-substate nests, absent figures TCPFSM_ABSENT */
struct nl_tw {
	struct twfig f[NSUB];
	struct twhist h[NSUB];
	int64_t untracked[NSUB];
	int64_t from[NSUB][TCPFSM_NR];
	int nests, bad;
};

/* a created-from nest: (full socket's state, substate, count) into @from */
static void parse_tw_from(const struct nlattr *nest, int substate,
			  int64_t from[TCPFSM_NR], struct nl_tw *t)
{
	int old = -1, new = -1;
	const struct nlattr *a;
	int64_t count = -1;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case TCPFSM_A_TRANSITION_OLD_STATE:
			old = mnl_attr_get_u8(a);
			break;
		case TCPFSM_A_TRANSITION_NEW_STATE:
			new = mnl_attr_get_u8(a);
			break;
		case TCPFSM_A_TRANSITION_COUNT:
			count = (int64_t)mnl_attr_get_u64(a);
			break;
		}
	}
	if (old < TCP_ESTABLISHED || old > TCP_CLOSING || new != substate ||
	    count < 0 || from[old] != TCPFSM_ABSENT) {
		t->bad++;
		return;
	}
	from[old] = count;
}

/* a bucket nest of a timewait-substate nest, into @b */
static void parse_tw_bucket(const struct nlattr *nest, int64_t b[NB],
			    int *last, struct nl_tw *t)
{
	int64_t count = -1;
	const struct nlattr *a;
	int index = -1;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == TCPFSM_A_BUCKET_INDEX &&
		    mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
			index = mnl_attr_get_u8(a);
		else if (mnl_attr_get_type(a) == TCPFSM_A_BUCKET_COUNT &&
			 mnl_attr_validate(a, MNL_TYPE_U64) >= 0)
			count = (int64_t)mnl_attr_get_u64(a);
	}
	/* non-empty buckets only, in order */
	if (index < 0 || index >= NB || index <= *last || count <= 0) {
		t->bad++;
		return;
	}
	b[index] = count;
	*last = index;
}

static void parse_tw_nest(const struct nlattr *nest, struct nl_tw *t)
{
	int64_t v[TCPFSM_A_TIMEWAIT_STATS_MAX + 1], b[NB] = { 0 };
	int sub = -1, type, i, last = -1, substate = -1;
	int64_t from[TCPFSM_NR];
	const struct nlattr *a;

	for (i = 0; i <= TCPFSM_A_TIMEWAIT_STATS_MAX; i++)
		v[i] = TCPFSM_ABSENT;
	for (i = 0; i < TCPFSM_NR; i++)
		from[i] = TCPFSM_ABSENT;
	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type == TCPFSM_A_TIMEWAIT_STATS_CREATED_FROM) {
			/* after substate, the nest's first attribute */
			parse_tw_from(a, substate, from, t);
		} else if (type == TCPFSM_A_TIMEWAIT_STATS_BUCKET) {
			parse_tw_bucket(a, b, &last, t);
		} else if (type == TCPFSM_A_TIMEWAIT_STATS_SAMPLES ||
			   type == TCPFSM_A_TIMEWAIT_STATS_SUM_NS ||
			   type == TCPFSM_A_TIMEWAIT_STATS_UNTRACKED) {
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0 ||
			    v[type] != TCPFSM_ABSENT)
				t->bad++;
			else
				v[type] = (int64_t)mnl_attr_get_u64(a);
		} else if (type == TCPFSM_A_TIMEWAIT_STATS_SUBSTATE) {
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				break;
			i = mnl_attr_get_u8(a);
			substate = i;
			sub = i == TCP_FIN_WAIT2 ? FW2 :
			      i == TCP_TIME_WAIT ? TW : -1;
		} else if (type >= TCPFSM_A_TIMEWAIT_STATS_CURRENT &&
			   type <= TCPFSM_A_TIMEWAIT_STATS_KILLED) {
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0 ||
			    v[type] != TCPFSM_ABSENT)
				t->bad++;
			else
				v[type] = (int64_t)mnl_attr_get_u64(a);
		} else if (type != TCPFSM_A_TIMEWAIT_STATS_PAD) {
			t->bad++;
		}
	}
	if (sub < 0 || sub != t->nests) {	/* FIN_WAIT2, then TIME_WAIT */
		t->bad++;
		return;
	}
	t->f[sub].cur = v[TCPFSM_A_TIMEWAIT_STATS_CURRENT];
	t->f[sub].created = v[TCPFSM_A_TIMEWAIT_STATS_CREATED];
	t->f[sub].refused = v[TCPFSM_A_TIMEWAIT_STATS_REFUSED];
	t->f[sub].entered = v[TCPFSM_A_TIMEWAIT_STATS_ENTERED];
	t->f[sub].left = v[TCPFSM_A_TIMEWAIT_STATS_LEFT];
	t->f[sub].timer = v[TCPFSM_A_TIMEWAIT_STATS_TIMER];
	t->f[sub].reused = v[TCPFSM_A_TIMEWAIT_STATS_REUSED];
	t->f[sub].killed = v[TCPFSM_A_TIMEWAIT_STATS_KILLED];
	t->h[sub].samples = v[TCPFSM_A_TIMEWAIT_STATS_SAMPLES];
	t->h[sub].sum_ns = v[TCPFSM_A_TIMEWAIT_STATS_SUM_NS];
	for (i = 0; i < NB; i++)	/* as the file: "-" without samples */
		t->h[sub].b[i] = t->h[sub].samples == TCPFSM_ABSENT ?
				 TCPFSM_ABSENT : b[i];
	t->untracked[sub] = v[TCPFSM_A_TIMEWAIT_STATS_UNTRACKED];
	memcpy(t->from[sub], from, sizeof(from));
}

static int parse_get(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	struct nl_tw *t = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != TCPFSM_A_STATS_TIMEWAIT_SUBSTATE)
			continue;
		parse_tw_nest(attr, t);
		t->nests++;
	}
	return MNL_CB_OK;
}

static int nl_twfig(struct view *v)
{
	struct family fam = { 0 };
	struct nl_tw t = { 0 };
	struct nlmsghdr *nlh;
	struct answer a;
	struct nl nl;
	int err;

	err = nl_open(&nl, &fam);
	if (err)
		return err;
	nlh = nl_req(&nl, nl.family, TCPFSM_CMD_GET, TCPFSM_FAMILY_VERSION);
	err = nl_talk(&nl, nlh, parse_get, &t, &a);
	mnl_socket_close(nl.sk);
	if (err)
		return err;
	if (a.err || t.nests != NSUB || t.bad)
		return -EPROTO;
	memcpy(v->nl, t.f, sizeof(t.f));
	memcpy(v->nlh, t.h, sizeof(t.h));
	memcpy(v->untracked, t.untracked, sizeof(t.untracked));
	memcpy(v->from, t.from, sizeof(t.from));
	return 0;
}

static int read_view(struct view *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	err = read_twfig(v->f);
	if (!err)
		err = read_twhist(v->h);
	if (!err)
		err = tcpfsm_read_machine(v->m);
	if (!err)
		err = tcpfsm_read_states(&v->st);
	if (!err)
		err = ss_states(v->ss);
	if (!err)
		err = tcpfsm_sockstat_tw(&v->sockstat_tw);
	if (!err)
		err = read_mib(&v->mib);
	if (!err)
		err = nl_twfig(v);
	return err;
}

/* once the matrix is quiet: 0, or -1 */
static int settled_view(struct view *v)
{
	struct tcpfsm_matrix m;

	if (tcpfsm_matrix_settled(&m, SETTLE_MS, WAIT_MS))
		return -1;
	return read_view(v);
}

static int64_t sum(const struct view *v, size_t off)
{
	return *(const int64_t *)((const char *)&v->f[FW2] + off) +
	       *(const int64_t *)((const char *)&v->f[TW] + off);
}

#define SUM(v, field)	sum(v, offsetof(struct twfig, field))

static int set_sysctl(const char *name, const char *val)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* a socket with SO_REUSEADDR bound to loopback port @port (0: any) */
static int bound_socket(int family, uint16_t port, struct tcpfsm_addr *a)
{
	int fd, one = 1;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(port);
		a->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(port);
		a->len = sizeof(*sin6);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a->ss, a->len) ||
	    getsockname(fd, (struct sockaddr *)&a->ss, &a->len)) {
		close(fd);
		return -errno;
	}
	return fd;
}

FIXTURE(timewait) {
	int lfd;
	struct tcpfsm_addr la;
};

FIXTURE_VARIANT(timewait) {
	int family;
};

FIXTURE_VARIANT_ADD(timewait, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(timewait, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(timewait)
{
	struct twfig f[NSUB];
	int err = tcpfsm_test_netns(), s;

	self->lfd = -1;
	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
	/* a module without the file is older than the feature: fail */
	ASSERT_EQ(0, read_twfig(f));
	for (s = 0; s < NSUB; s++) {
		/* "-": a probe is off or missed a hit (dmesg says which) */
		ASSERT_NE(TCPFSM_ABSENT, f[s].cur);
		ASSERT_NE(TCPFSM_ABSENT, f[s].refused);
		ASSERT_NE(TCPFSM_ABSENT, f[s].timer);
	}
	self->lfd = tcpfsm_listen(variant->family, 64, &self->la);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(timewait)
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

/* entered - left of state @s in the machine view */
static int64_t mflow(const struct view *v, int s)
{
	int64_t n = 0;
	int x;

	for (x = TCP_ESTABLISHED; x <= TCP_CLOSING; x++) {
		if (x == s)
			continue;
		n += v->m[x][s] - v->m[s][x];
	}
	return n;
}

/*
 * The machine view of a netns made after the load: a timewait socket is
 * one more step of its connection, so its FIN_WAIT2 and TIME_WAIT flows
 * are what ss lists; its TIME_WAIT column is the timewait sockets that
 * entered TIME_WAIT, its TIME_WAIT row their ends; the get op's
 * created-from adds up to created.
 */
static void check_machine(struct __test_metadata *_metadata,
			  const struct view *v)
{
	int64_t from[NSUB] = { 0, 0 }, col = 0;
	int s, x;

	for (x = TCP_ESTABLISHED; x <= TCP_CLOSING; x++) {
		for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++)
			ASSERT_NE(TCPFSM_ABSENT, v->m[x][s]);
		for (s = 0; s < NSUB; s++) {
			ASSERT_NE(TCPFSM_ABSENT, v->from[s][x]);
			from[s] += v->from[s][x];
		}
		if (x != TCP_TIME_WAIT)
			col += v->m[x][TCP_TIME_WAIT];
	}
	EXPECT_EQ(v->f[FW2].created, from[FW2]);
	EXPECT_EQ(v->f[TW].created, from[TW]);
	EXPECT_EQ(v->ss[TCP_FIN_WAIT2], mflow(v, TCP_FIN_WAIT2));
	EXPECT_EQ(v->ss[TCP_TIME_WAIT], mflow(v, TCP_TIME_WAIT));
	EXPECT_EQ(v->f[TW].created + v->f[TW].entered, col);
	EXPECT_EQ(v->f[FW2].left + v->from[TW][TCP_FIN_WAIT2],
		  v->m[TCP_FIN_WAIT2][TCP_TIME_WAIT]);
	EXPECT_EQ(v->from[TW][TCP_CLOSING], v->m[TCP_CLOSING][TCP_TIME_WAIT]);
	EXPECT_EQ(v->f[TW].timer + v->f[TW].reused + v->f[TW].killed,
		  v->m[TCP_TIME_WAIT][TCP_CLOSE]);
	for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++)
		if (s != TCP_CLOSE)
			EXPECT_EQ(0, v->m[TCP_TIME_WAIT][s]);
}

/*
 * Everything that must hold in a quiet netns, whatever happened in it;
 * @since_load: the figures count only part of the netns's life (seed), so
 * they add up with the sockets there at load only, and not to the MIB.
 */
static void check_figures(struct __test_metadata *_metadata,
			  const struct view *v, bool since_load)
{
	int s;

	TH_LOG("ss FIN-WAIT-2 %d TIME-WAIT %d; states %" PRId64 " %" PRId64
	       "; timewait FIN_WAIT2 %" PRId64 " TIME_WAIT %" PRId64
	       "; sockstat tw %" PRId64, v->ss[TCP_FIN_WAIT2],
	       v->ss[TCP_TIME_WAIT], v->st.cur[TCP_FIN_WAIT2],
	       v->st.cur[TCP_TIME_WAIT], v->f[FW2].cur, v->f[TW].cur,
	       v->sockstat_tw);
	for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++) {
		if (s == TCP_CLOSE || s == TCP_SYN_RECV)
			continue;
		EXPECT_EQ(v->ss[s], v->st.cur[s]) {
			TH_LOG("state %s", tcpfsm_state_name(s));
		}
	}
	EXPECT_EQ(v->sockstat_tw, v->f[FW2].cur + v->f[TW].cur);
	EXPECT_EQ(v->f[TW].cur, v->st.cur[TCP_TIME_WAIT]);
	EXPECT_LE(v->f[FW2].cur, v->st.cur[TCP_FIN_WAIT2]);
	EXPECT_EQ(0, v->f[FW2].entered);
	EXPECT_EQ(0, v->f[TW].left);
	EXPECT_EQ(v->f[FW2].left, v->f[TW].entered);
	/* the get op says the same */
	EXPECT_EQ(0, memcmp(v->f, v->nl, sizeof(v->f)));
	EXPECT_EQ(0, memcmp(v->h, v->nlh, sizeof(v->h)));
	for (s = 0; s < NSUB; s++) {
		int64_t n = 0;
		int b;

		ASSERT_NE(TCPFSM_ABSENT, v->h[s].samples);
		for (b = 0; b < NB; b++)
			n += v->h[s].b[b];
		EXPECT_EQ(v->h[s].samples, n);
		EXPECT_EQ(0, v->untracked[s]);
	}
	if (since_load)
		return;
	check_machine(_metadata, v);
	/* each end of a substate (and each move out of FIN_WAIT2): a sample */
	EXPECT_EQ(v->f[FW2].timer + v->f[FW2].reused + v->f[FW2].killed +
		  v->f[FW2].left, v->h[FW2].samples);
	EXPECT_EQ(v->f[TW].timer + v->f[TW].reused + v->f[TW].killed,
		  v->h[TW].samples);
	for (s = 0; s < NSUB; s++) {
		EXPECT_EQ(v->f[s].cur, v->f[s].created + v->f[s].entered -
			  v->f[s].left - v->f[s].timer - v->f[s].reused -
			  v->f[s].killed) {
			TH_LOG("substate %s", s == FW2 ? "FIN_WAIT2" : "TIME_WAIT");
		}
	}
	/* the netns is new: the kernel's counters started at 0 with ours */
	EXPECT_EQ(v->mib.tw + v->mib.killed, SUM(v, created));
	EXPECT_EQ(v->mib.recycled, SUM(v, reused));
	EXPECT_EQ(v->mib.overflow, SUM(v, refused));
}

#define check_view(_metadata, v)	check_figures(_metadata, v, false)

/* the bucket of a time, as the module's tcpfsm_dwell_bucket() */
static int bucket_of(int64_t ns)
{
	int64_t us = ns / 1000;
	int b = 0;

	while (us) {
		b++;
		us >>= 1;
	}
	return b < NB ? b : NB - 1;
}

/*
 * From view @a to view @b, substate @sub's histogram took @n samples whose
 * sum is between @lo_ns and @hi_ns, the bounds the wall clock of the test
 * gives; one sample must be in the bucket of its time.
 */
static void check_samples(struct __test_metadata *_metadata,
			  const struct view *a, const struct view *b, int sub,
			  int n, int64_t lo_ns, int64_t hi_ns)
{
	int64_t sum = b->h[sub].sum_ns - a->h[sub].sum_ns;
	int k;

	TH_LOG("%s: %" PRId64 " sample(s), %" PRId64 " ns, bounds %" PRId64
	       " to %" PRId64 " ns", sub == FW2 ? "FIN_WAIT2" : "TIME_WAIT",
	       b->h[sub].samples - a->h[sub].samples, sum, lo_ns, hi_ns);
	ASSERT_EQ(n, b->h[sub].samples - a->h[sub].samples);
	EXPECT_LE(lo_ns, sum);
	EXPECT_GE(hi_ns, sum);
	if (n != 1)
		return;
	for (k = 0; k < NB; k++)
		EXPECT_EQ(b->h[sub].b[k] - a->h[sub].b[k], k == bucket_of(sum)) {
			TH_LOG("bucket %d", k);
		}
}

/* a connection to the fixture's listener: its two ends */
static int pair(FIXTURE_DATA(timewait) *self, int *c, int *s)
{
	*c = tcpfsm_connect(&self->la, false);
	if (*c < 0)
		return *c;
	*s = tcpfsm_accept(self->lfd);
	return *s < 0 ? *s : 0;
}

/* @a closes first, @b sees the EOF and closes */
static int close_first(int a, int b)
{
	char c;

	if (close(a) || tcpfsm_recv(b, &c, 1) != 0 || close(b))
		return -1;
	return 0;
}

TEST_F_TIMEOUT(timewait, scenario, 90)
{
	int keep[7], nkeep = 0, c, s, i;
	struct view v;
	char ch;

	/* the default: the orphans stay (tcp_fin_timeout below) */
	ASSERT_EQ(0, set_sysctl("tcp_fin_timeout", "60"));
	for (i = 0; i < 4; i++) {	/* normal active closes */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close_first(c, s));
	}
	for (i = 0; i < 3; i++) {	/* orphans: the peer never closes */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close(c));
		ASSERT_EQ(0, tcpfsm_recv(s, &ch, 1));
		keep[nkeep++] = s;
	}
	for (i = 0; i < 2; i++) {	/* half-closed */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, shutdown(c, SHUT_WR));
		ASSERT_EQ(0, tcpfsm_recv(s, &ch, 1));
		keep[nkeep++] = c;
		keep[nkeep++] = s;
	}
	for (i = 0; i < 2; i++) {	/* the server closes first */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close_first(s, c));
	}
	ASSERT_EQ(0, settled_view(&v));
	check_view(_metadata, &v);
	ASSERT_EQ(5, v.ss[TCP_FIN_WAIT2]);
	ASSERT_EQ(6, v.ss[TCP_TIME_WAIT]);
	ASSERT_EQ(5, v.st.cur[TCP_FIN_WAIT2]);
	ASSERT_EQ(6, v.st.cur[TCP_TIME_WAIT]);
	ASSERT_EQ(6, v.f[TW].cur);
	/* each of the 6 entered TIME_WAIT once, as a timewait socket */
	ASSERT_EQ(6, v.f[TW].created + v.f[TW].entered);
	/* orphans still full sockets (see the top) are the rest */
	TH_LOG("%" PRId64 " of 3 orphans in timewait FIN_WAIT2", v.f[FW2].cur);
	ASSERT_LE(0, v.f[FW2].cur);
	ASSERT_GE(3, v.f[FW2].cur);
	ASSERT_EQ(9 - (3 - v.f[FW2].cur), v.sockstat_tw);
	ASSERT_EQ(0, SUM(&v, timer));
	ASSERT_EQ(0, SUM(&v, killed));
	ASSERT_EQ(0, SUM(&v, reused));
	ASSERT_EQ(0, SUM(&v, refused));
	/*
	 * the machine: each of the 6 went FIN_WAIT2 -> TIME_WAIT, as a full
	 * socket or as a timewait one; the orphans stay in FIN_WAIT2
	 */
	ASSERT_EQ(6, v.m[TCP_FIN_WAIT2][TCP_TIME_WAIT]);
	ASSERT_EQ(0, v.m[TCP_CLOSING][TCP_TIME_WAIT]);
	ASSERT_EQ(0, v.m[TCP_TIME_WAIT][TCP_CLOSE]);
	ASSERT_EQ(0, v.m[TCP_FIN_WAIT2][TCP_CLOSE]);
	ASSERT_EQ(5, mflow(&v, TCP_FIN_WAIT2));
	ASSERT_EQ(6, mflow(&v, TCP_TIME_WAIT));
	/* one timewait socket each, and one each orphan that is one */
	ASSERT_EQ(6 + v.f[FW2].cur, v.mib.tw + v.mib.killed);
	for (i = 0; i < nkeep; i++)
		close(keep[i]);
}

/*
 * Simultaneous close (lo holds every packet 200 ms, both ends close at
 * once): each end goes FIN_WAIT1 -> CLOSING, then its timewait socket
 * is created in TIME_WAIT from CLOSING: the machine shows CLOSING ->
 * TIME_WAIT 2 where the matrix shows CLOSING -> CLOSE.
 */
TEST_F_TIMEOUT(timewait, simultaneous, 90)
{
	struct tcpfsm_matrix mx;
	int64_t deadline;
	struct view v;
	int c, s, err;

	ASSERT_EQ(0, pair(self, &c, &s));
	ASSERT_EQ(0, settled_view(&v));
	err = tcpfsm_sh("tc qdisc add dev lo root netem delay 200ms");
	if (err)
		SKIP(return, "tc qdisc netem unavailable (exit %d)", err);
	ASSERT_EQ(0, close(c));
	ASSERT_EQ(0, close(s));
	deadline = tcpfsm_now_ms() + WAIT_MS;
	do {
		usleep(100 * 1000);
		ASSERT_EQ(0, read_view(&v));
	} while (v.f[TW].cur < 2 && tcpfsm_now_ms() < deadline);
	ASSERT_EQ(0, tcpfsm_sh("tc qdisc del dev lo root"));
	ASSERT_EQ(0, settled_view(&v));
	check_view(_metadata, &v);
	ASSERT_EQ(0, tcpfsm_read_matrix(&mx));
	ASSERT_EQ(2, mx.n[TCP_CLOSING][TCP_CLOSE]);
	ASSERT_EQ(2, v.m[TCP_CLOSING][TCP_TIME_WAIT]);
	ASSERT_EQ(0, v.m[TCP_CLOSING][TCP_CLOSE]);
	ASSERT_EQ(2, v.from[TW][TCP_CLOSING]);
	ASSERT_EQ(2, v.f[TW].created);
	ASSERT_EQ(2, v.ss[TCP_TIME_WAIT]);
	ASSERT_EQ(2, v.mib.tw);
}

/*
 * tcp_fin_timeout = 2: 3 orphans whose peer never closes leave FIN_WAIT2
 * by their timer, 2 s after their close; their 2 s timers make them
 * TWKilled in the kernel's counters, the 60 s TIME_WAIT ones TW.
 */
TEST_F_TIMEOUT(timewait, fin_timeout, 90)
{
	int64_t closed, gone, deadline, orphans;
	int keep[3], c, s, i;
	struct view v;
	char ch;

	ASSERT_EQ(0, set_sysctl("tcp_fin_timeout", "2"));
	ASSERT_EQ(0, pair(self, &c, &s));	/* and one normal close */
	ASSERT_EQ(0, close_first(c, s));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close(c));
		closed = tcpfsm_now_ms();
		ASSERT_EQ(0, tcpfsm_recv(s, &ch, 1));
		keep[i] = s;
	}
	deadline = closed + WAIT_MS;
	do {
		usleep(100 * 1000);
		ASSERT_EQ(0, read_view(&v));
		gone = tcpfsm_now_ms();
	} while ((v.f[FW2].cur || v.ss[TCP_FIN_WAIT2]) && gone < deadline);
	TH_LOG("orphans gone %" PRId64 " ms after the last close", gone - closed);
	ASSERT_LE(1900, gone - closed);
	ASSERT_EQ(0, settled_view(&v));
	check_view(_metadata, &v);
	ASSERT_EQ(0, v.ss[TCP_FIN_WAIT2]);
	ASSERT_EQ(0, v.st.cur[TCP_FIN_WAIT2]);
	ASSERT_EQ(0, v.f[FW2].cur);
	/* the timewait ones (see the top): all by their timer */
	orphans = v.f[FW2].created - v.f[FW2].left;
	TH_LOG("%" PRId64 " of 3 orphans were timewait sockets", orphans);
	ASSERT_LE(0, orphans);
	ASSERT_GE(3, orphans);
	ASSERT_EQ(orphans, v.f[FW2].timer);
	/*
	 * TWKilled counts the timers of 4 s or less: the orphans' (2 s); the
	 * one whose peer's FIN came may have had more, tcp_fin_time()
	 * raising it to 3.5 RTO (a slow debug guest's RTO did): then TW.
	 */
	ASSERT_LE(orphans, v.mib.killed);
	ASSERT_GE(v.f[FW2].created, v.mib.killed);
	ASSERT_LE(v.f[TW].created, v.mib.tw);
	ASSERT_EQ(1, v.f[TW].cur);
	ASSERT_EQ(1, v.ss[TCP_TIME_WAIT]);
	ASSERT_EQ(0, v.f[TW].timer);
	ASSERT_EQ(0, SUM(&v, killed));
	for (i = 0; i < 3; i++)
		close(keep[i]);
}

/*
 * An orphan that is a timewait socket in FIN_WAIT2 (retried while it
 * stays a full socket): its client end in *c is closed, its server end in
 * *s still open.
 */
static int tw_orphan(FIXTURE_DATA(timewait) *self, int64_t *fw2, int *s)
{
	int64_t created;
	struct view v;
	int c, i;
	char ch;

	/*
	 * by creations, not by the current figure: with a short
	 * tcp_fin_timeout, a slow guest may see an earlier orphan's timer
	 * end in the meantime
	 */
	if (read_view(&v))
		return -1;
	created = v.f[FW2].created;
	for (i = 0; i < 10; i++) {
		if (pair(self, &c, s) || close(c) ||
		    tcpfsm_recv(*s, &ch, 1) != 0 || settled_view(&v))
			return -1;
		*fw2 = v.f[FW2].cur;
		if (v.f[FW2].created == created + 1)
			return 0;
		close(*s);	/* a full orphan: its peer's FIN ends it */
		if (settled_view(&v))
			return -1;
		*fw2 = v.f[FW2].cur;
		created = v.f[FW2].created;
	}
	return -1;
}

TEST_F_TIMEOUT(timewait, fin_then_data, 90)
{
	int64_t fw2 = 0, moved0, tw0, t0, t1, t2, t3, t4, t5, t6;
	struct view v0, v;
	int s1, s2;

	t0 = tcpfsm_now_ns();
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s1));
	t1 = tcpfsm_now_ns();
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s2));
	ASSERT_EQ(0, settled_view(&v0));
	t2 = tcpfsm_now_ns();
	check_view(_metadata, &v0);
	ASSERT_EQ(2, v0.f[FW2].cur);
	moved0 = v0.f[TW].entered;
	tw0 = v0.f[TW].cur;

	/* the peer closes: its FIN reaches the timewait socket */
	t3 = tcpfsm_now_ns();
	ASSERT_EQ(0, close(s1));
	ASSERT_EQ(0, settled_view(&v));
	t4 = tcpfsm_now_ns();
	check_view(_metadata, &v);
	ASSERT_EQ(moved0 + 1, v.f[TW].entered);
	ASSERT_EQ(1, v.f[FW2].cur);
	ASSERT_EQ(tw0 + 1, v.f[TW].cur);
	/* its time in FIN_WAIT2: from its creation to the FIN */
	check_samples(_metadata, &v0, &v, FW2, 1, t3 - t1, t4 - t0);
	check_samples(_metadata, &v0, &v, TW, 0, 0, 0);

	/* the peer sends data after the half-duplex close: a reset */
	v0 = v;
	t5 = tcpfsm_now_ns();
	ASSERT_EQ(1, send(s2, "x", 1, 0));
	ASSERT_EQ(0, settled_view(&v));
	t6 = tcpfsm_now_ns();
	check_view(_metadata, &v);
	check_samples(_metadata, &v0, &v, FW2, 1, t5 - t2, t6 - t1);
	ASSERT_EQ(1, v.f[FW2].killed);
	ASSERT_EQ(0, v.f[FW2].cur);
	ASSERT_EQ(0, v.f[TW].killed);
	ASSERT_EQ(0, SUM(&v, timer));
	close(s2);
}

/* A connection from port @port (0: any) closed by one end first. */
static int connect_from(FIXTURE_DATA(timewait) *self, int family,
			uint16_t *port, bool client_first)
{
	struct tcpfsm_addr a;
	int c, s;

	c = bound_socket(family, *port, &a);
	if (c < 0)
		return c;
	*port = tcpfsm_port(&a);
	if (connect(c, (struct sockaddr *)&self->la.ss, self->la.len)) {
		close(c);
		return -errno;
	}
	s = tcpfsm_accept(self->lfd);
	if (s < 0) {
		close(c);
		return s;
	}
	return client_first ? close_first(c, s) : close_first(s, c);
}

TEST_F_TIMEOUT(timewait, reuse, 90)
{
	int64_t t0, t1, t2, t3;
	struct view v0, v;
	uint16_t port = 0;

	ASSERT_EQ(0, set_sysctl("tcp_tw_reuse", "1"));
	t0 = tcpfsm_now_ns();
	ASSERT_EQ(0, connect_from(self, variant->family, &port, true));
	ASSERT_EQ(0, settled_view(&v0));
	t1 = tcpfsm_now_ns();
	check_view(_metadata, &v0);
	ASSERT_EQ(1, v0.f[TW].cur);
	/* tcp_twsk_unique(): a timestamp at least a second old */
	usleep(1100 * 1000);
	t2 = tcpfsm_now_ns();
	ASSERT_EQ(0, connect_from(self, variant->family, &port, false));
	ASSERT_EQ(0, settled_view(&v));
	t3 = tcpfsm_now_ns();
	check_view(_metadata, &v);
	/* its time in TIME_WAIT, over a second: from the FIN to the reuse */
	check_samples(_metadata, &v0, &v, TW, 1, t2 - t1, t3 - t0);
	ASSERT_EQ(1, v.mib.recycled);
	ASSERT_EQ(1, v.f[TW].reused);
	ASSERT_EQ(1, v.m[TCP_TIME_WAIT][TCP_CLOSE]);
	ASSERT_EQ(0, SUM(&v, killed));
	/* the second connection, closed by the server first, left its own */
	ASSERT_EQ(1, v.f[TW].cur);
	ASSERT_EQ(1, v.ss[TCP_TIME_WAIT]);
}

TEST_F_TIMEOUT(timewait, syn_kills, 90)
{
	int64_t t0, t1, t2, t3;
	struct view v0, v;
	uint16_t port = 0;

	/* the server closes first: the timewait socket is the server's */
	t0 = tcpfsm_now_ns();
	ASSERT_EQ(0, connect_from(self, variant->family, &port, false));
	ASSERT_EQ(0, settled_view(&v0));
	t1 = tcpfsm_now_ns();
	check_view(_metadata, &v0);
	ASSERT_EQ(1, v0.f[TW].cur);
	usleep(200 * 1000);
	/* the same client port again: its SYN ends it (TCP_TW_SYN) */
	t2 = tcpfsm_now_ns();
	ASSERT_EQ(0, connect_from(self, variant->family, &port, true));
	ASSERT_EQ(0, settled_view(&v));
	t3 = tcpfsm_now_ns();
	check_view(_metadata, &v);
	check_samples(_metadata, &v0, &v, TW, 1, t2 - t1, t3 - t0);
	ASSERT_EQ(1, v.f[TW].killed);
	ASSERT_EQ(0, SUM(&v, reused));
	ASSERT_EQ(0, v.mib.recycled);
	ASSERT_EQ(1, v.m[TCP_TIME_WAIT][TCP_CLOSE]);
	/* the second connection, closed by the client first, left its own */
	ASSERT_EQ(1, v.f[TW].cur);
}

/* An event of the group, as much as the timewait test looks at. */
/* timewait events from @a to @b, by [old][new], as the figures say */
static void tw_events_expected(const struct view *a, const struct view *b,
			       int64_t want[TCPFSM_NR][TCPFSM_NR])
{
	static const int st[NSUB] = { TCP_FIN_WAIT2, TCP_TIME_WAIT };
	int sub, x;

	memset(want, 0, sizeof(int64_t) * TCPFSM_NR * TCPFSM_NR);
	for (sub = 0; sub < NSUB; sub++) {
		for (x = TCP_ESTABLISHED; x <= TCP_CLOSING; x++)
			if (x != st[sub])
				want[x][st[sub]] += b->from[sub][x] -
						    a->from[sub][x];
		want[st[sub]][TCP_CLOSE] +=
			b->f[sub].timer + b->f[sub].reused + b->f[sub].killed -
			a->f[sub].timer - a->f[sub].reused - a->f[sub].killed;
	}
	want[TCP_FIN_WAIT2][TCP_TIME_WAIT] += b->f[FW2].left - a->f[FW2].left;
}

/*
 * The events of timewait sockets: a subscription without tw-events (as
 * every older command's) hears none; with it, exactly the steps the
 * figures count (created from X, FIN_WAIT2 -> TIME_WAIT, the ends), each
 * with the timewait flag, no ino or uid, its time in the old state, and
 * sequence numbers shared with the kernel's transitions, without gaps.
 */
TEST_F_TIMEOUT(timewait, events, 90)
{
	int64_t want[TCPFSM_NR][TCPFSM_NR], fw2 = 0, n;
	int c, s, s1, s2, i, o, k;
	struct view v0, v;
	uint16_t port = 0;
	struct nl_evl l;
	char ch;

	ASSERT_EQ(0, nl_evl_open(&l, 0));
	/* without tw-events: the kernel's transitions only */
	ASSERT_EQ(0, pair(self, &c, &s));
	ASSERT_EQ(0, close_first(c, s));
	ASSERT_EQ(0, settled_view(&v0));
	nl_evl_read(&l, 300);
	TH_LOG("without tw-events: %d events", l.n);
	ASSERT_LT(0, l.n);
	for (i = 0; i < l.n; i++)
		ASSERT_FALSE(l.ev[i].tw);

	/* subscribing again asks for them */
	ASSERT_EQ(0, nl_evl_subscribe(&l, NL_EV_TW));
	l.n = 0;
	ASSERT_EQ(0, read_view(&v0));
	/* an orphan gets its peer's FIN; another data: a reset */
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s1));
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s2));
	ASSERT_EQ(0, close(s1));
	ASSERT_EQ(1, send(s2, "x", 1, 0));
	/* a server's TIME_WAIT socket that a new SYN kills */
	ASSERT_EQ(0, connect_from(self, variant->family, &port, false));
	ASSERT_EQ(0, settled_view(&v));
	ASSERT_EQ(0, connect_from(self, variant->family, &port, true));
	/* and a plain client-first close */
	ASSERT_EQ(0, pair(self, &c, &s));
	ASSERT_EQ(0, close(c));
	ASSERT_EQ(0, tcpfsm_recv(s, &ch, 1));
	ASSERT_EQ(0, close(s));
	ASSERT_EQ(0, settled_view(&v));
	nl_evl_read(&l, 500);
	check_view(_metadata, &v);
	close(s2);

	ASSERT_EQ(0, l.bad);
	tw_events_expected(&v0, &v, want);
	/* what the scenario made at least */
	ASSERT_LE(2, want[TCP_FIN_WAIT2][TCP_TIME_WAIT]);
	ASSERT_LE(1, want[TCP_FIN_WAIT2][TCP_CLOSE]);
	ASSERT_LE(1, want[TCP_TIME_WAIT][TCP_CLOSE]);
	for (i = 0; i < l.n; i++) {
		if (!l.ev[i].tw)
			continue;
		TH_LOG("timewait event %s -> %s, %" PRIu64 " ns in %s",
		       tcpfsm_state_name(l.ev[i].old),
		       tcpfsm_state_name(l.ev[i].new), l.ev[i].dwell,
		       tcpfsm_state_name(l.ev[i].old));
		want[l.ev[i].old][l.ev[i].new]--;
		EXPECT_FALSE(l.ev[i].has_ino);
		/* all made after the load: their times are known */
		EXPECT_TRUE(l.ev[i].has_dwell) {
			TH_LOG("%s -> %s", tcpfsm_state_name(l.ev[i].old),
			       tcpfsm_state_name(l.ev[i].new));
		}
	}
	n = 0;
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++)
		for (k = TCP_ESTABLISHED; k <= TCP_CLOSING; k++) {
			EXPECT_EQ(0, want[o][k]) {
				TH_LOG("%s -> %s", tcpfsm_state_name(o),
				       tcpfsm_state_name(k));
			}
			n += want[o][k] != 0;
		}
	ASSERT_EQ(0, n);
	/* one sequence per (netns, CPU), timewait events included */
	EXPECT_EQ(0, nl_evl_gaps(&l));
	mnl_socket_close(l.nl.sk);
}

/*
 * tcp_fin_timeout = 2: 2 orphans that are timewait sockets in FIN_WAIT2
 * end by their timer; their time in FIN_WAIT2, from their creation to
 * their end, is in the bucket of 2 s (2^20 <= us < 2^21), or, when the
 * guest's timer ran late (a busy host: up to 2.5 s seen), in the bucket
 * of its time: each socket's time, from its FIN_WAIT2 -> CLOSE event,
 * must be at least 2 s and fall in the bucket the histogram counts.
 */
TEST_F_TIMEOUT(timewait, fin_timeout_time, 90)
{
	int64_t fw2 = 0, t0, t2, deadline, b[NB] = { 0 };
	int s1, s2, i, k, late = 0, n = 0;
	struct view v0, v;
	struct nl_evl l;

	ASSERT_EQ(0, set_sysctl("tcp_fin_timeout", "2"));
	ASSERT_EQ(0, nl_evl_open(&l, NL_EV_TW));
	ASSERT_EQ(0, read_view(&v0));
	t0 = tcpfsm_now_ns();
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s1));
	ASSERT_EQ(0, tw_orphan(self, &fw2, &s2));
	deadline = tcpfsm_now_ms() + WAIT_MS;
	do {
		usleep(50 * 1000);
		ASSERT_EQ(0, read_view(&v));
	} while (v.f[FW2].cur && tcpfsm_now_ms() < deadline);
	t2 = tcpfsm_now_ns();
	ASSERT_EQ(0, settled_view(&v));
	nl_evl_read(&l, 300);
	check_view(_metadata, &v);
	ASSERT_EQ(2, v.f[FW2].timer);
	ASSERT_EQ(0, v.f[FW2].left);
	/* at least tcp_fin_timeout, less a jiffy; at most what we saw */
	check_samples(_metadata, &v0, &v, FW2, 2, 2 * 1996000000LL,
		      2 * (t2 - t0));
	ASSERT_EQ(0, l.bad);
	for (i = 0; i < l.n; i++) {
		if (!l.ev[i].tw || l.ev[i].old != TCP_FIN_WAIT2 ||
		    l.ev[i].new != TCP_CLOSE)
			continue;
		ASSERT_TRUE(l.ev[i].has_dwell);
		TH_LOG("an orphan ended after %" PRIu64 " ns in FIN_WAIT2",
		       l.ev[i].dwell);
		EXPECT_LE(1996000000LL, (int64_t)l.ev[i].dwell);
		k = bucket_of(l.ev[i].dwell);
		late += k != 21;
		b[k]++;
		n++;
	}
	ASSERT_EQ(2, n);
	for (k = 0; k < NB; k++)
		EXPECT_EQ(b[k], v.h[FW2].b[k] - v0.h[FW2].b[k]) {
			TH_LOG("bucket %d", k);
		}
	/* a timer late by more than 2 s is not a busy host any more */
	EXPECT_EQ(2, b[21] + b[22]);
	if (late)
		TH_LOG("%d of 2 timers ran late: past the 2 s bucket", late);
	mnl_socket_close(l.nl.sk);
	close(s1);
	close(s2);
}

TEST_F_TIMEOUT(timewait, overflow, 90)
{
	struct view v;
	int c, s, i;

	ASSERT_EQ(0, set_sysctl("tcp_max_tw_buckets", "2"));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close_first(c, s));
	}
	ASSERT_EQ(0, settled_view(&v));
	check_view(_metadata, &v);
	ASSERT_EQ(2, v.sockstat_tw);
	ASSERT_EQ(2, v.mib.overflow);
	ASSERT_EQ(2, SUM(&v, refused));
	ASSERT_EQ(2, SUM(&v, cur));
	ASSERT_EQ(2, v.ss[TCP_TIME_WAIT] + v.ss[TCP_FIN_WAIT2]);
}

TEST_F_TIMEOUT(timewait, seed, 90)
{
	const char *ko = getenv("TCPFSM_KO");
	int keep[2], c, s, i, fd;
	struct view v;

	if (!ko)
		SKIP(return, "TCPFSM_KO is not set (path of tcpfsm.ko)");
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tcpfsm_module_unload());
	for (i = 0; i < 2; i++) {	/* orphans: timewait FIN_WAIT2 */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close(c));
		ASSERT_EQ(0, tcpfsm_recv(s, (char *)&c, 1));
		keep[i] = s;
	}
	for (i = 0; i < 2; i++) {	/* TIME_WAIT */
		ASSERT_EQ(0, pair(self, &c, &s));
		ASSERT_EQ(0, close_first(c, s));
	}
	usleep(SETTLE_MS * 1000);
	ASSERT_EQ(0, tcpfsm_module_load(fd, ""));
	close(fd);
	ASSERT_EQ(0, read_view(&v));
	check_figures(_metadata, &v, true);
	ASSERT_EQ(2, v.ss[TCP_FIN_WAIT2]);
	ASSERT_EQ(2, v.ss[TCP_TIME_WAIT]);
	ASSERT_EQ(2, v.f[TW].cur);
	ASSERT_EQ(0, SUM(&v, created));

	/* a seeded orphan gets its peer's FIN, the other data: both count */
	ASSERT_EQ(0, close(keep[0]));
	ASSERT_EQ(1, send(keep[1], "x", 1, 0));
	ASSERT_EQ(0, settled_view(&v));
	check_figures(_metadata, &v, true);
	ASSERT_EQ(0, v.ss[TCP_FIN_WAIT2]);
	ASSERT_EQ(0, v.f[FW2].cur);
	close(keep[1]);
}

/*
 * TIME_WAIT's 60 s (TCP_TIMEWAIT_LEN, no sysctl in 6.1 or 6.12): an IPv4
 * and an IPv6 timewait socket wait for their timer (60 s, plus the timer
 * wheel's slack: up to 2 s at HZ 250), each a sample of the bucket of
 * 2^25 <= us < 2^26 (33.5 to 67.1 s).
 */
FIXTURE(time_wait_60s) {
	int unused;
};

FIXTURE_SETUP(time_wait_60s)
{
	int err = tcpfsm_test_netns();

	if (err == -ENOENT)
		SKIP(return, "tcpfsm is not loaded");
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(time_wait_60s)
{
}

/* both families in one test: one wait of a minute */
TEST_F_TIMEOUT(time_wait_60s, ipv4_and_ipv6, 120)
{
	int families[] = { AF_INET, AF_INET6 }, lfd[2], c, s, i;
	struct tcpfsm_addr la[2];
	int64_t t0, t2, deadline;
	struct view v0, v;
	ASSERT_EQ(0, read_view(&v0));
	ASSERT_NE(TCPFSM_ABSENT, v0.h[TW].samples);
	t0 = tcpfsm_now_ns();
	for (i = 0; i < 2; i++) {
		lfd[i] = tcpfsm_listen(families[i], 8, &la[i]);
		ASSERT_LE(0, lfd[i]);
		c = tcpfsm_connect(&la[i], false);
		ASSERT_LE(0, c);
		s = tcpfsm_accept(lfd[i]);
		ASSERT_LE(0, s);
		ASSERT_EQ(0, close_first(c, s));
	}
	ASSERT_EQ(0, settled_view(&v0));
	check_view(_metadata, &v0);
	ASSERT_EQ(2, v0.f[TW].cur);
	deadline = tcpfsm_now_ms() + 75000;
	do {
		sleep(1);
		ASSERT_EQ(0, read_view(&v));
	} while (v.f[TW].cur && tcpfsm_now_ms() < deadline);
	t2 = tcpfsm_now_ns();
	TH_LOG("TIME_WAIT sockets gone %" PRId64 " ms after the closes",
	       (t2 - t0) / 1000000);
	ASSERT_EQ(0, settled_view(&v));
	check_view(_metadata, &v);
	ASSERT_EQ(0, v.f[TW].cur);
	ASSERT_EQ(2, v.f[TW].timer);
	ASSERT_EQ(2, v.m[TCP_TIME_WAIT][TCP_CLOSE]);
	ASSERT_EQ(2, v.m[TCP_FIN_WAIT2][TCP_TIME_WAIT]);
	check_samples(_metadata, &v0, &v, TW, 2, 2 * 59996000000LL,
		      2 * (t2 - t0));
	ASSERT_EQ(2, v.h[TW].b[26] - v0.h[TW].b[26]);
	for (i = 0; i < 2; i++)
		close(lfd[i]);
}

TEST_HARNESS_MAIN
