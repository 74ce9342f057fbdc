// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the tcpfsm selftests, see tcpfsm_lib.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spec.h"
#include "tcpfsm_lib.h"

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_FIELDS		16
#define SOCK_TIMEOUT_S		5
#define POLL_INTERVAL_MS	10
#define WAIT_MS			5000
/* how long a matching matrix must stay unchanged to count as final */
#define SETTLE_MS		50

/* ss(8) names, iproute2 misc/ss.c sstate_name[] */
static const char * const ss_names[TCPFSM_NR] = {
	[TCP_ESTABLISHED]	= "ESTAB",
	[TCP_SYN_SENT]		= "SYN-SENT",
	[TCP_SYN_RECV]		= "SYN-RECV",
	[TCP_FIN_WAIT1]		= "FIN-WAIT-1",
	[TCP_FIN_WAIT2]		= "FIN-WAIT-2",
	[TCP_TIME_WAIT]		= "TIME-WAIT",
	[TCP_CLOSE_WAIT]	= "CLOSE-WAIT",
	[TCP_LAST_ACK]		= "LAST-ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
};

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# tcpfsm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *tcpfsm_state_name(int state)
{
	/* as the module's tcpfsm_state_name() says it */
	if (state <= 0 || state >= TCPFSM_NR)
		return "UNKNOWN";
	return tcpfsm_state_names[state];
}

static int lookup(const char * const *names, const char *s, int first, int last)
{
	int i;

	for (i = first; i <= last; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return 0;
}

bool tcpfsm_debug_kernel(void)
{
	return !access("/proc/lockdep", F_OK) ||
	       !access("/sys/kernel/debug/kmemleak", F_OK);
}

int64_t tcpfsm_now_ms(void)
{
	return tcpfsm_now_ns() / 1000000;
}

uint64_t tcpfsm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The whole file into @buf, NUL-terminated. */
static int read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		r = read(fd, buf + len, size - 1 - len);
		if (r > 0)
			len += r;
	} while (r > 0 && len < size - 1);
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return r;
	if (len == size - 1)
		return -EFBIG;
	buf[len] = '\0';
	return 0;
}

/*
 * Next line of @*pos, which must end with '\n'; NULL at the end of the
 * text, or (with *bad set) on a last line without newline.
 */
static char *next_line(char **pos, bool *bad)
{
	char *line = *pos, *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	if (!nl) {
		*bad = true;
		return NULL;
	}
	*nl = '\0';
	*pos = nl + 1;
	return line;
}

/* Fields separated by runs of spaces; no leading or trailing space. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	if (*line == ' ' || !*line)
		return -1;
	while (*line) {
		if (n == max)
			return -1;
		f[n++] = line;
		while (*line && *line != ' ')
			line++;
		if (!*line)
			break;
		while (*line == ' ')
			*line++ = '\0';
		if (!*line)
			return -1;
	}
	return n;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* A decimal integer, or "-" for TCPFSM_ABSENT. */
static bool parse_field(const char *s, int64_t *v)
{
	uint64_t u;

	if (!strcmp(s, "-")) {
		*v = TCPFSM_ABSENT;
		return true;
	}
	if (*s == '-') {
		if (!parse_u64(s + 1, &u) || u > (uint64_t)INT64_MAX)
			return false;
		*v = -(int64_t)u;
		return true;
	}
	if (!parse_u64(s, &u) || u > (uint64_t)INT64_MAX)
		return false;
	*v = u;
	return true;
}

#define MALFORMED(file, lineno, why) ({					\
	report("%s line %d: malformed: %s", file, lineno, why);		\
	-EBADMSG; })

int tcpfsm_read_matrix(struct tcpfsm_matrix *m)
{
	static const char path[] = TCPFSM_PROC "/transitions";
	bool seen[TCPFSM_NR] = { false }, bad = false;
	char buf[16384], *pos = buf, *line, *f[MAX_FIELDS];
	int col[MAX_FIELDS], lineno = 0, rows = 0, nf, i, s;
	uint64_t v;

	memset(m, 0, sizeof(*m));
	i = read_text(path, buf, sizeof(buf));
	if (i)
		return i;
	while ((line = next_line(&pos, &bad))) {
		lineno++;
		nf = split(line, f, MAX_FIELDS);
		if (nf != 1 + TCP_CLOSING)
			return MALFORMED(path, lineno, "not 12 fields");
		if (lineno == 1) {
			if (strcmp(f[0], "old/new"))
				return MALFORMED(path, 1, "no old/new header");
			for (i = 1; i < nf; i++) {
				s = lookup(tcpfsm_state_names, f[i], TCP_ESTABLISHED,
					   TCP_CLOSING);
				if (!s || seen[s])
					return MALFORMED(path, 1, f[i]);
				seen[s] = true;
				col[i] = s;
			}
			memset(seen, 0, sizeof(seen));
			continue;
		}
		s = lookup(tcpfsm_state_names, f[0], TCP_ESTABLISHED, TCP_CLOSING);
		if (!s || seen[s])
			return MALFORMED(path, lineno, f[0]);
		seen[s] = true;
		rows++;
		for (i = 1; i < nf; i++) {
			if (!parse_u64(f[i], &v))
				return MALFORMED(path, lineno, f[i]);
			m->n[s][col[i]] = v;
		}
	}
	if (bad)
		return MALFORMED(path, lineno + 1, "no newline at end");
	if (rows != TCP_CLOSING)
		return MALFORMED(path, lineno, "not 11 rows");
	return 0;
}

/* /proc/net/tcpfsm/timewait: current of the FIN_WAIT2 row, 0 if none */
static int read_tw_fin_wait2(int64_t *n)
{
	char line[512], name[32], cur[32];
	FILE *f = fopen(TCPFSM_PROC "/timewait", "r");
	int err = -EPROTO;

	*n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %31s", name, cur) != 2 ||
		    strcmp(name, "FIN_WAIT2"))
			continue;
		/* "-": unknown, and so are FIN_WAIT2 and TIME_WAIT in states */
		if (parse_field(cur, n))
			err = 0;
		if (*n == TCPFSM_ABSENT)
			*n = 0;
		break;
	}
	fclose(f);
	return err;
}

/*
 * /proc/net/tcpfsm/machine, the matrix as RFC 9293 draws it, [old][new] by
 * state number ("-": TCPFSM_ABSENT)
 */
int tcpfsm_read_machine(int64_t m[TCPFSM_NR][TCPFSM_NR])
{
	char line[1024], name[32], v[32], *p;
	int row = 0, o, n, k;
	FILE *fp;

	fp = fopen(TCPFSM_PROC "/machine", "r");
	if (!fp)
		return -errno;
	if (!fgets(line, sizeof(line), fp) || strncmp(line, "old/new ", 8)) {
		fclose(fp);
		return -EPROTO;
	}
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		if (!fgets(line, sizeof(line), fp) ||
		    sscanf(line, "%31s%n", name, &k) != 1 ||
		    strcmp(name, tcpfsm_state_name(o)))
			break;
		p = line + k;
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++, p += k) {
			if (sscanf(p, " %31s%n", v, &k) != 1)
				break;
			m[o][n] = strcmp(v, "-") ? strtoll(v, NULL, 10) :
						   TCPFSM_ABSENT;
		}
		if (n <= TCP_CLOSING)
			break;
		row++;
	}
	fclose(fp);
	return row == TCP_CLOSING ? 0 : -EPROTO;
}

int tcpfsm_read_states(struct tcpfsm_states *st)
{
	static const char path[] = TCPFSM_PROC "/states";
	static const char * const hdr[] = { "current", "entered", "left" };
	bool seen[TCPFSM_NR] = { false }, bad = false;
	char buf[16384], *pos = buf, *line, *f[MAX_FIELDS];
	int lineno = 0, rows = 0, col[4], nf, i, j, s;
	int64_t *dst[3], v;

	i = read_text(path, buf, sizeof(buf));
	if (i)
		return i;
	while ((line = next_line(&pos, &bad))) {
		lineno++;
		nf = split(line, f, MAX_FIELDS);
		if (nf != 4)
			return MALFORMED(path, lineno, "not 4 fields");
		if (lineno == 1) {
			if (strcmp(f[0], "state"))
				return MALFORMED(path, 1, "no state header");
			for (i = 1; i < 4; i++) {
				for (j = 0; j < 3; j++)
					if (!strcmp(f[i], hdr[j]))
						break;
				if (j == 3 || seen[j])
					return MALFORMED(path, 1, f[i]);
				seen[j] = true;
				col[i] = j;
			}
			memset(seen, 0, sizeof(seen));
			continue;
		}
		s = lookup(tcpfsm_state_names, f[0], TCP_ESTABLISHED,
			   TCP_NEW_SYN_RECV);
		if (!s || seen[s])
			return MALFORMED(path, lineno, f[0]);
		seen[s] = true;
		rows++;
		dst[0] = &st->cur[s];
		dst[1] = &st->entered[s];
		dst[2] = &st->left[s];
		for (i = 1; i < 4; i++) {
			if (!parse_field(f[i], &v))
				return MALFORMED(path, lineno, f[i]);
			*dst[col[i]] = v;
		}
	}
	if (bad)
		return MALFORMED(path, lineno + 1, "no newline at end");
	if (rows != TCP_NEW_SYN_RECV)
		return MALFORMED(path, lineno, "not 12 rows");
	return read_tw_fin_wait2(&st->tw_fin_wait2);
}

/* The matrix, the states and sockstat, with no transition in between. */
int tcpfsm_snap_read(struct tcpfsm_snap *snap)
{
	struct tcpfsm_matrix again;
	int tries, err;

	for (tries = 0; tries < 100; tries++) {
		err = tcpfsm_read_matrix(&snap->m);
		if (!err)
			err = tcpfsm_read_states(&snap->s);
		if (!err)
			err = tcpfsm_sockstat_tw(&snap->sockstat_tw);
		if (!err)
			err = tcpfsm_read_matrix(&again);
		if (err)
			return err;
		if (!memcmp(&again, &snap->m, sizeof(again)))
			return 0;
		usleep(POLL_INTERVAL_MS * 1000);
	}
	report("the matrix never stopped moving");
	return -EAGAIN;
}

/* What a netns shows when nothing ever happened in it. */
void tcpfsm_snap_zero(struct tcpfsm_snap *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->s.cur[TCP_CLOSE] = TCPFSM_ABSENT;
	snap->s.entered[TCP_TIME_WAIT] = TCPFSM_ABSENT;
	snap->s.left[TCP_TIME_WAIT] = TCPFSM_ABSENT;
	snap->s.entered[TCP_NEW_SYN_RECV] = TCPFSM_ABSENT;
	snap->s.left[TCP_NEW_SYN_RECV] = TCPFSM_ABSENT;
}

static int check_field(int state, const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	if (want == TCPFSM_ABSENT)
		report("states %s %s: got %lld, expected -", tcpfsm_state_name(state),
		       what, (long long)got);
	else if (got == TCPFSM_ABSENT)
		report("states %s %s: got -, expected %lld", tcpfsm_state_name(state),
		       what, (long long)want);
	else
		report("states %s %s: got %lld, expected %lld",
		       tcpfsm_state_name(state), what, (long long)got,
		       (long long)want);
	return 1;
}

/*
 * Which fields exist, and entered/left against the matrix: entered[s] is
 * the sum of column s, left[s] the sum of row s, both without the diagonal,
 * and LISTEN -> SYN_RECV (a child's birth) does not leave LISTEN.
 */
static int check_flow(const struct tcpfsm_snap *snap)
{
	const struct tcpfsm_states *st = &snap->s;
	int bad = 0, s, o;

	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++) {
		int64_t in = 0, out = 0;

		if (s == TCP_CLOSE) {
			bad += check_field(s, "current", st->cur[s],
					   TCPFSM_ABSENT);
		} else if (st->cur[s] == TCPFSM_ABSENT || st->cur[s] < 0) {
			report("states %s current: %s, expected a count >= 0",
			       tcpfsm_state_name(s),
			       st->cur[s] == TCPFSM_ABSENT ? "-" : "negative");
			bad++;
		}
		if (s == TCP_TIME_WAIT || s == TCP_NEW_SYN_RECV) {
			in = TCPFSM_ABSENT;
			out = TCPFSM_ABSENT;
		} else {
			for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
				if (o == s)
					continue;
				in += snap->m.n[o][s];
				out += snap->m.n[s][o];
			}
			if (s == TCP_LISTEN)
				out -= snap->m.n[TCP_LISTEN][TCP_SYN_RECV];
		}
		bad += check_field(s, "entered", st->entered[s], in);
		bad += check_field(s, "left", st->left[s], out);
	}
	return bad;
}

/*
 * Per state but CLOSE, the change of current from @old to @now must be
 * the sum of @gauges for that state (0 if not listed).
 */
static int check_deltas(const struct tcpfsm_states *old,
			const struct tcpfsm_states *now,
			const struct tcpfsm_gauge *gauges, size_t ngauges)
{
	int bad = 0, s;
	size_t i;

	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++) {
		int64_t want = 0, got;

		if (s == TCP_CLOSE)
			continue;
		for (i = 0; i < ngauges; i++)
			if (gauges[i].state == s)
				want += gauges[i].delta;
		if (old->cur[s] == TCPFSM_ABSENT || now->cur[s] == TCPFSM_ABSENT)
			continue;	/* reported by check_flow() */
		got = now->cur[s] - old->cur[s];
		if (got != want) {
			report("current %s: changed by %+lld, expected %+lld (now %lld)",
			       tcpfsm_state_name(s), (long long)got,
			       (long long)want, (long long)now->cur[s]);
			bad++;
		}
	}
	return bad;
}

static int check_matrix(const struct tcpfsm_matrix *old,
			const struct tcpfsm_matrix *want,
			const struct tcpfsm_matrix *got)
{
	int bad = 0, o, n;

	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING; o++) {
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING; n++) {
			if (got->n[o][n] == want->n[o][n])
				continue;
			report("transition %s -> %s: %+lld, expected %+lld",
			       tcpfsm_state_names[o], tcpfsm_state_names[n],
			       (long long)(got->n[o][n] - old->n[o][n]),
			       (long long)(want->n[o][n] - old->n[o][n]));
			bad++;
		}
	}
	return bad;
}

/*
 * Wait until the matrix has moved from @snap by exactly the cells of one of
 * the @n outcomes and nothing else, and stays so for SETTLE_MS; then check
 * the states file against the matrix, the change of every gauge against
 * that outcome's gauges (unlisted: 0) and TIME_WAIT against sockstat.
 * *@snap becomes the new state of things, *@which (if not NULL) the
 * outcome seen (the first one if none was). Returns the number of
 * mismatches, all printed, or a negative errno.
 */
int tcpfsm_expect_one(struct tcpfsm_snap *snap,
		      const struct tcpfsm_outcome *o, size_t n, size_t *which)
{
	struct tcpfsm_matrix old = snap->m, want[TCPFSM_MAX_OUTCOMES], got;
	struct tcpfsm_states old_states = snap->s;
	int64_t deadline = tcpfsm_now_ms() + WAIT_MS, equal_since = -1, t;
	size_t i, k, seen = 0, match;
	int bad, err;

	if (n < 1 || n > TCPFSM_MAX_OUTCOMES)
		return -EINVAL;
	for (k = 0; k < n; k++) {
		want[k] = old;
		for (i = 0; i < o[k].ncells; i++)
			want[k].n[o[k].cells[i].from][o[k].cells[i].to] +=
				o[k].cells[i].n;
	}
	for (;;) {
		err = tcpfsm_read_matrix(&got);
		if (err)
			return err;
		t = tcpfsm_now_ms();
		for (match = 0; match < n; match++)
			if (!memcmp(&got, &want[match], sizeof(got)))
				break;
		if (match == n || match != seen)
			equal_since = -1;
		if (match < n && equal_since < 0) {
			equal_since = t;
			seen = match;
		} else if (match < n && t - equal_since >= SETTLE_MS) {
			break;
		}
		if (t > deadline)
			break;
		usleep(POLL_INTERVAL_MS * 1000);
	}
	if (which)
		*which = seen;
	err = tcpfsm_snap_read(snap);
	if (err)
		return err;
	bad = check_matrix(&old, &want[seen], &snap->m);
	bad += check_flow(snap);
	bad += check_deltas(&old_states, &snap->s, o[seen].gauges,
			    o[seen].ngauges);
	/* sockstat's tw: TIME_WAIT, and the timewait FIN_WAIT2 sockets */
	if (snap->s.cur[TCP_TIME_WAIT] + snap->s.tw_fin_wait2 !=
	    snap->sockstat_tw) {
		report("current TIME_WAIT %lld + timewait FIN_WAIT2 %lld but sockstat tw %lld",
		       (long long)snap->s.cur[TCP_TIME_WAIT],
		       (long long)snap->s.tw_fin_wait2,
		       (long long)snap->sockstat_tw);
		bad++;
	}
	return bad;
}

int tcpfsm_expect(struct tcpfsm_snap *snap,
		  const struct tcpfsm_cell *cells, size_t ncells,
		  const struct tcpfsm_gauge *gauges, size_t ngauges)
{
	const struct tcpfsm_outcome o = { cells, ncells, gauges, ngauges };

	return tcpfsm_expect_one(snap, &o, 1, NULL);
}

/* fields of a /proc/net/snmp or /proc/net/netstat line (TcpExt: ~120) */
#define MIB_FIELDS		256

int tcpfsm_mib_read(const char *path, const char *prefix,
		    const char *const *names, int64_t *vals, size_t n)
{
	char buf[16384], *pos = buf, *line, *hdr = NULL;
	char *h[MIB_FIELDS], *v[MIB_FIELDS];
	size_t plen = strlen(prefix), k, found = 0;
	int lineno = 0, nh, nv, i;
	bool bad = false;

	i = read_text(path, buf, sizeof(buf));
	if (i)
		return i;
	while ((line = next_line(&pos, &bad))) {
		lineno++;
		if (strncmp(line, prefix, plen))
			continue;
		if (!hdr) {
			hdr = line;
			continue;
		}
		nh = split(hdr, h, MIB_FIELDS);
		nv = split(line, v, MIB_FIELDS);
		if (nh < 0 || nh != nv)
			return MALFORMED(path, lineno, "header and values differ");
		for (i = 1; i < nh; i++) {
			for (k = 0; k < n; k++) {
				if (strcmp(h[i], names[k]))
					continue;
				if (!parse_field(v[i], &vals[k]) ||
				    vals[k] == TCPFSM_ABSENT)
					return MALFORMED(path, lineno, v[i]);
				found++;
			}
		}
		break;
	}
	if (found != n)
		return MALFORMED(path, lineno, "fields missing");
	return 0;
}

/* /proc/net/snmp: the "Tcp:" header line, then the "Tcp:" values line. */
int tcpfsm_tcp_mib_read(struct tcpfsm_tcp_mib *mib)
{
	static const char *const names[] = {
		"ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets",
		"CurrEstab",
	};
	int64_t v[ARRAY_LEN(names)];
	int err;

	err = tcpfsm_mib_read("/proc/net/snmp", "Tcp: ", names, v,
			      ARRAY_LEN(names));
	if (err)
		return err;
	mib->active_opens = v[0];
	mib->passive_opens = v[1];
	mib->attempt_fails = v[2];
	mib->estab_resets = v[3];
	mib->curr_estab = v[4];
	return 0;
}

/* /proc/net/sockstat: "TCP: inuse N orphan N tw N alloc N mem N" */
int tcpfsm_sockstat_tw(int64_t *tw)
{
	static const char path[] = "/proc/net/sockstat";
	char buf[4096], *pos = buf, *line, *f[MAX_FIELDS];
	int lineno = 0, nf, i;
	bool bad = false;

	i = read_text(path, buf, sizeof(buf));
	if (i)
		return i;
	while ((line = next_line(&pos, &bad))) {
		lineno++;
		if (strncmp(line, "TCP: ", 5))
			continue;
		nf = split(line, f, MAX_FIELDS);
		for (i = 1; i + 1 < nf; i += 2) {
			if (strcmp(f[i], "tw"))
				continue;
			if (!parse_field(f[i + 1], tw) || *tw < 0)
				break;
			return 0;
		}
		break;
	}
	return MALFORMED(path, lineno, "no TCP tw");
}

/* Lines `ss -tan state STATE` prints, its header not counted. */
int tcpfsm_ss_count(const char *state)
{
	char cmd[128], *line = NULL;
	size_t cap = 0;
	int n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ss -tan state %s 2>/dev/null", state);
	p = popen(cmd, "re");
	if (!p)
		return -errno;
	while (getline(&line, &cap, p) > 0)
		n++;
	free(line);
	if (pclose(p))
		return -EIO;
	return n;
}

/*
 * `ss -tano`: the first word of a line is the state; with -o, timewait
 * sockets carry "timer:(timewait,...)", possibly on a continuation line
 * (starting with blanks) if ss ever wraps.
 */
int tcpfsm_ss_read(struct tcpfsm_ss *ss)
{
	char *line = NULL, word[32];
	int last = -1, status, s;
	size_t cap = 0;
	FILE *p;

	memset(ss, 0, sizeof(*ss));
	p = popen("ss -tano 2>/dev/null", "re");
	if (!p)
		return -errno;
	while (getline(&line, &cap, p) > 0) {
		bool tw = strstr(line, "timer:(timewait");

		if (!strncmp(line, "State ", 6))
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			if (tw && last > 0) {
				ss->n[last]--;
				ss->timewait++;
				last = -1;
			}
			continue;
		}
		if (sscanf(line, "%31s", word) != 1)
			continue;
		s = lookup(ss_names, word, TCP_ESTABLISHED, TCP_CLOSING);
		last = -1;
		if (!s)
			ss->other++;
		else if (tw || s == TCP_TIME_WAIT)
			ss->timewait++;
		else
			ss->n[last = s]++;
	}
	free(line);
	status = pclose(p);
	if (status == -1)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return status ? -EIO : 0;
}

static int ss_diff(const struct tcpfsm_ss *want, const struct tcpfsm_ss *got,
		   bool print)
{
	int bad = 0, s;

	for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++) {
		if (s == TCP_TIME_WAIT || s == TCP_CLOSE ||
		    want->n[s] == got->n[s])
			continue;
		if (print)
			report("ss %s: %d sockets, expected %d", ss_names[s],
			       got->n[s], want->n[s]);
		bad++;
	}
	if (want->timewait >= 0 && want->timewait != got->timewait) {
		if (print)
			report("ss timewait sockets: %d, expected %d",
			       got->timewait, want->timewait);
		bad++;
	}
	return bad;
}

/*
 * The current column against ss: SYN_RECV + NEW_SYN_RECV against ss
 * SYN-RECV, TIME_WAIT and the timewait FIN_WAIT2 sockets against ss
 * timewait sockets, the rest one to one.
 */
int tcpfsm_ss_check(const struct tcpfsm_states *st, const struct tcpfsm_ss *ss)
{
	struct tcpfsm_ss want = {
		.timewait = st->cur[TCP_TIME_WAIT] + st->tw_fin_wait2,
	};
	int s;

	for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++)
		if (s != TCP_TIME_WAIT && s != TCP_CLOSE)
			want.n[s] = st->cur[s];
	want.n[TCP_SYN_RECV] += st->cur[TCP_NEW_SYN_RECV];
	want.n[TCP_FIN_WAIT2] -= st->tw_fin_wait2;
	return ss_diff(&want, ss, true);
}

/*
 * Poll ss until it shows @want (a way to wait without the module);
 * @want->timewait < 0: any number of timewait sockets.
 */
int tcpfsm_ss_wait(const struct tcpfsm_ss *want)
{
	int64_t deadline = tcpfsm_now_ms() + WAIT_MS;
	struct tcpfsm_ss got;
	int err;

	for (;;) {
		err = tcpfsm_ss_read(&got);
		if (err)
			return err;
		if (!ss_diff(want, &got, false) || tcpfsm_now_ms() > deadline)
			break;
		usleep(POLL_INTERVAL_MS * 1000);
	}
	return ss_diff(want, &got, true);
}

/* A new netns for the calling thread, with lo up (127.0.0.1 and ::1). */
int tcpfsm_netns_new(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Run on one CPU, so that loopback packets are processed in the order the
 * test sends them. It does not make every path unique: an orphan whose FIN
 * is acked while close() still owns it can stay a full FIN_WAIT2 socket
 * (seen on 6.1 and 6.12 even pinned); the tests accept both outcomes there
 * (transitions.c, first_close_any).
 */
int tcpfsm_pin_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/*
 * A new netns with lo up, this thread pinned to one CPU (tcpfsm_pin_cpu()),
 * and /proc/net/tcpfsm in it. -ENOENT if tcpfsm is not loaded; -EIO
 * (reported) if it is but the new netns has no /proc/net/tcpfsm.
 */
int tcpfsm_test_netns(void)
{
	int err;

	err = tcpfsm_netns_new();
	if (!err)
		err = tcpfsm_pin_cpu();
	if (err || !access(TCPFSM_PROC "/transitions", R_OK))
		return err;
	if (access("/sys/module/tcpfsm", F_OK))
		return -ENOENT;
	report("tcpfsm is loaded, but a new netns has no %s", TCPFSM_PROC);
	return -EIO;
}

int tcpfsm_netns_open(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Run a shell command, quietly; its exit status (127: not found). */
int tcpfsm_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n, status;

	/* grouped: the command's own redirections stay its own */
	strcpy(cmd, "{ ");
	va_start(ap, fmt);
	n = vsnprintf(cmd + 2, sizeof(cmd) - 24, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(cmd) - 24)
		return -1;
	strcat(cmd, "; } >/dev/null 2>&1");
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void loopback(int family, struct tcpfsm_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		a->len = sizeof(*sin6);
	}
}

/* Every socket times out rather than hang a test: accept, connect, recv. */
static int new_socket(int family)
{
	struct timeval tv = { .tv_sec = SOCK_TIMEOUT_S };
	int fd, err;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

/* A bare TCP header: SYN, no options. */
struct syn {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff, flags;
	uint16_t win, csum, urg;
};

/*
 * @n SYNs to @dst from source ports @sport.. of the loopback address,
 * through a raw socket: no socket of this host owns those ports. IPv4:
 * the checksum is ours (the kernel writes the IP header, from 127.0.0.1);
 * IPv6: the kernel's (IPV6_CHECKSUM).
 */
int tcpfsm_syn_raw(const struct tcpfsm_addr *dst, uint16_t sport, int n)
{
	int family = dst->ss.ss_family, fd, i, err = 0;
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };
	int off = offsetof(struct syn, csum);
	struct tcpfsm_addr to = *dst;
	struct syn s;

	/* a raw IPv6 socket takes sin6_port for the protocol: 0, its own */
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&to.ss)->sin6_port = 0;

	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof(off))) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < n; i++) {
		memset(&s, 0, sizeof(s));
		s.sport = htons(sport + i);
		s.dport = htons(tcpfsm_port(dst));
		s.seq = htonl(0x10000000u + i * 7919u);
		s.doff = (sizeof(s) / 4) << 4;
		s.flags = 0x02;		/* SYN */
		s.win = htons(65535);
		if (family == AF_INET) {
			uint32_t sum = 0;
			uint16_t len = htons(sizeof(s));

			sum = csum_add(sum, &lo4, 4);
			sum = csum_add(sum, &lo4, 4);
			sum += IPPROTO_TCP;
			sum = csum_add(sum, &len, 2);
			sum = csum_add(sum, &s, sizeof(s));
			s.csum = htons(csum_fold(sum));
		}
		if (sendto(fd, &s, sizeof(s), 0,
			   (const struct sockaddr *)&to.ss, to.len) !=
		    sizeof(s)) {
			err = -errno;
			break;
		}
	}
out:
	close(fd);
	return err;
}

/* A socket bound to an ephemeral port of the loopback address, in @a. */
int tcpfsm_bind(int family, struct tcpfsm_addr *a)
{
	int fd, err;

	fd = new_socket(family);
	if (fd < 0)
		return fd;
	loopback(family, a);
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) ||
	    getsockname(fd, (struct sockaddr *)&a->ss, &a->len)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int tcpfsm_listen(int family, int backlog, struct tcpfsm_addr *a)
{
	int fd, err;

	fd = tcpfsm_bind(family, a);
	if (fd < 0)
		return fd;
	if (listen(fd, backlog)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Blocking: the connected socket or -errno. Non-blocking: SYN sent. */
int tcpfsm_connect(const struct tcpfsm_addr *a, bool nonblock)
{
	int fd, err;

	fd = new_socket(a->ss.ss_family);
	if (fd < 0)
		return fd;
	if (nonblock && fcntl(fd, F_SETFL, O_NONBLOCK)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) &&
	    !(nonblock && errno == EINPROGRESS)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int tcpfsm_accept(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* close() will then abort the connection: RST, no FIN (tcp_disconnect) */
int tcpfsm_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) ? -errno : 0;
}

/* recv(), blocking up to SOCK_TIMEOUT_S: bytes, 0 at EOF, or -errno. */
int tcpfsm_recv(int fd, char *buf, size_t len)
{
	ssize_t r = recv(fd, buf, len, 0);

	return r < 0 ? -errno : (int)r;
}

uint16_t tcpfsm_port(const struct tcpfsm_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
}

/**
 * tcpfsm_counter() - a figure of /proc/net/tcpfsm/counters
 * @name: its name ("tracked", "timewait_created", ...)
 *
 * Return: its value, or -1 if the file or the name is missing.
 */
int64_t tcpfsm_counter(const char *name)
{
	char key[64];
	int64_t v;
	FILE *f;

	f = fopen(TCPFSM_PROC "/counters", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %" SCNd64, key, &v) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return -1;
}

/**
 * tcpfsm_one_connection() - one IPv4 connection on loopback, closed by
 * both sides: the client first, the server once it read the EOF
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_one_connection(void)
{
	int lfd, cfd = -1, afd = -1, err;
	struct tcpfsm_addr la;
	char b;

	lfd = tcpfsm_listen(AF_INET, 1, &la);
	if (lfd < 0)
		return lfd;
	err = cfd = tcpfsm_connect(&la, false);
	if (cfd >= 0)
		err = afd = tcpfsm_accept(lfd);
	if (afd >= 0) {
		err = close(cfd) ? -errno : 0;
		cfd = -1;
	}
	if (!err)
		err = tcpfsm_recv(afd, &b, 1);
	if (cfd >= 0)
		close(cfd);
	if (afd >= 0 && close(afd) && !err)
		err = -errno;
	if (close(lfd) && !err)
		err = -errno;
	return err;
}

int tcpfsm_matrix_settled(struct tcpfsm_matrix *m, int quiet_ms, int wait_ms)
{
	int64_t deadline = tcpfsm_now_ms() + wait_ms;
	struct tcpfsm_matrix last;
	int same = 0;

	if (tcpfsm_read_matrix(&last))
		return -1;
	while (tcpfsm_now_ms() < deadline) {
		usleep(50 * 1000);
		if (tcpfsm_read_matrix(m))
			return -1;
		same = memcmp(m, &last, sizeof(*m)) ? 0 : same + 1;
		if (same * 50 >= quiet_ms)
			return 0;
		last = *m;
	}
	return -1;
}

long tcpfsm_meminfo_kb(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

uint64_t tcpfsm_fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

bool tcpfsm_module_loaded(void)
{
	return !access("/sys/module/" TCPFSM_MODULE, F_OK);
}

int tcpfsm_module_load(int fd, const char *params)
{
	return syscall(__NR_finit_module, fd, params, 0) ? -errno : 0;
}

int tcpfsm_module_unload_once(void)
{
	return syscall(__NR_delete_module, TCPFSM_MODULE, O_NONBLOCK) ? -errno : 0;
}

int tcpfsm_module_unload(void)
{
	int i, err = -EBUSY;

	for (i = 0; i < 500; i++) {
		err = tcpfsm_module_unload_once();
		if (err != -EAGAIN && err != -EBUSY)
			return err;
		usleep(10000);
	}
	return err;
}

int tcpfsm_module_refcnt(void)
{
	char buf[32];

	if (read_text("/sys/module/" TCPFSM_MODULE "/refcnt", buf, sizeof(buf)) < 0)
		return -1;
	return atoi(buf);
}

int tcpfsm_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

int tcpfsm_kmsg_check(int fd)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection", "Call Trace:",
		"KASAN", "UBSAN", "lockdep", "possible circular locking",
		"possible recursive locking", "inconsistent lock state",
		"suspicious RCU usage", "rcu_sched self-detected",
		"rcu: INFO:", "soft lockup", "hung_task", "blocked for more than",
		"refcount_t:", "suspected memory leak", "ODEBUG",
		/* the seed's fallback: nothing the tests do should need it */
		"seeding the gauges under stop_machine()",
	};
	char rec[8192], *text, *nl;
	int found = 0;
	size_t i;
	ssize_t r;

	for (;;) {
		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten while we read: go on */
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return r ? -errno : found;
		rec[r] = '\0';
		/* "prio,seq,usec,flags;text" */
		text = strchr(rec, ';');
		if (!text)
			continue;
		nl = strchr(++text, '\n');
		if (nl)
			*nl = '\0';
		for (i = 0; i < ARRAY_LEN(bad); i++)
			if (strstr(text, bad[i]))
				break;
		/* LOG_ERR or worse */
		if (i < ARRAY_LEN(bad) ||
		    ((atoi(rec) & 7) <= 3 && strstr(text, TCPFSM_MODULE))) {
			fprintf(stderr, "# kernel: %s\n", text);
			found++;
		}
	}
	return found;
}

int tcpfsm_proc_left(void)
{
	struct dirent *p, *t;
	char path[600];
	DIR *procs, *tasks;
	int found = 0;

	procs = opendir("/proc");
	if (!procs)
		return 1;
	while ((p = readdir(procs))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		tasks = opendir(path);
		if (!tasks)
			continue;	/* gone */
		while ((t = readdir(tasks))) {
			if (t->d_name[0] < '1' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/net/tcpfsm",
				 p->d_name, t->d_name);
			if (!access(path, F_OK)) {
				report("%s is still there", path);
				found++;
			}
		}
		closedir(tasks);
	}
	closedir(procs);
	return found;
}

int tcpfsm_marker(int cpu, uint16_t *port)
{
	struct tcpfsm_addr a;
	cpu_set_t set;
	int fd;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	fd = tcpfsm_listen(AF_INET, 1, &a);
	if (fd < 0)
		return fd;
	*port = tcpfsm_port(&a);
	return close(fd) ? -errno : 0;
}

int tcpfsm_tenant(void)
{
	gid_t gid = TCPFSM_TENANT_UID;

	if (setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(TCPFSM_TENANT_UID, TCPFSM_TENANT_UID, TCPFSM_TENANT_UID))
		return TCPFSM_TENANT_NOUSER;
	return unshare(CLONE_NEWUSER) ? TCPFSM_TENANT_NOUSERNS : 0;
}
