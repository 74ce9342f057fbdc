// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the time in state (hist), closewait, top, the tracking
 * figures of stats and the Prometheus output: their command lines, the
 * parsing of their netlink attributes (messages built here with libmnl),
 * their output, the sorting of CLOSE_WAIT sockets and the owners of a
 * socket found in a fake /proc tree. kselftest_harness.h runs them:
 *
 *	telemetry [-l] [-t TEST]...
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <netinet/in.h>

#include "cli.h"
#include "closewait.h"
#include "helpers.h"
#include "hist.h"
#include "nl.h"
#include "output.h"
#include "prom.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

/* Durations */

TEST(duration)
{
	static const struct {
		const char *s;
		uint64_t ns;
	} good[] = {
		{ "500ms", 500000000ULL }, { "30s", 30000000000ULL },
		{ "5m", 300000000000ULL }, { "2h", 7200000000000ULL },
		{ "1d", 86400000000000ULL }, { "45", 45000000000ULL },
		{ "0", 0 }, { "0ms", 0 }, { "007s", 7000000000ULL },
		{ "18446744073s", 18446744073000000000ULL },
		{ "18446744073709ms", 18446744073709000000ULL },
	};
	static const char *const bad[] = {
		"", "s", "ms", "5x", "1.5s", "-1", "+1", " 1", "1 ", "5 s",
		"5S", "1w", "1sm", "5mss", "0x10", "1e3",
	};
	static const char *const huge[] = {
		"18446744074s", "18446744073710ms", "213504d", "5124095577h",
		"99999999999999999999", "99999999999999999999ms",
	};
	unsigned int i;
	uint64_t ns;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ns = 1;
		if (cli_parse_duration(good[i].s, &ns) || ns != good[i].ns) {
			printf("# \"%s\": %llu\n", good[i].s, (unsigned long long)ns);
			ok = false;
		}
	}
	CHECK(ok, "duration: ms, s, m, h, d, plain seconds, the largest");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		if (cli_parse_duration(bad[i], &ns) != -1 || errno != EINVAL) {
			printf("# \"%s\" parses, or errno %d\n", bad[i], errno);
			ok = false;
		}
	}
	CHECK(ok, "duration: bad ones are EINVAL");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		errno = 0;
		if (cli_parse_duration(huge[i], &ns) != -1 || errno != ERANGE) {
			printf("# \"%s\" parses, or errno %d\n", huge[i], errno);
			ok = false;
		}
	}
	CHECK(ok, "duration: beyond 2^64 ns is ERANGE");
}

TEST(duration_str)
{
	static const struct {
		uint64_t ns;
		const char *s;
	} cases[] = {
		{ 0, "0ms" }, { 999999, "0ms" }, { 250000000, "250ms" },
		{ 999999999, "999ms" }, { 1000000000, "1s" },
		{ 7500000000ULL, "7s" }, { 300000000000ULL, "5m0s" },
		{ 3723000000000ULL, "1h2m3s" }, { 3600000000000ULL, "1h0m0s" },
		{ 90061000000000ULL, "1d1h1m1s" },
		{ UINT64_MAX, "213503d23h34m33s" },
	};
	unsigned int i;
	char buf[32];
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tcpfsm_duration_str(cases[i].ns, buf, sizeof(buf));
		if (strcmp(buf, cases[i].s)) {
			printf("# %llu: \"%s\", expected \"%s\"\n",
			       (unsigned long long)cases[i].ns, buf, cases[i].s);
			ok = false;
		}
	}
	CHECK(ok, "duration: for people, 1h2m3s");
}

/* Command lines */


/* 0, the command, nothing on stderr; @cond about the rest */
static void ok_parse(struct __test_metadata *_metadata,
		struct parsed p, const char *cmd, bool cond,
		const char *what)
{
	bool ok = !p.ret && p.a.cmd && !strcmp(p.a.cmd->name, cmd) &&
		  !p.err[0] && cond;

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d\n", p.ret);
		diag("stderr", p.err);
	}
	free(p.err);
}

/* -1, and stderr starts with @first_line */
static void bad_parse(struct __test_metadata *_metadata,
		struct parsed p, const char *first_line,
		const char *what)
{
	size_t n = strlen(first_line);
	bool ok = p.ret == -1 && !strncmp(p.err, first_line, n) &&
		  p.err[n] == '\n';

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d, expected:\n# %s\n", p.ret, first_line);
		diag("stderr", p.err);
	}
	free(p.err);
}

TEST(cli)
{
	struct parsed p;

	p = parse("hist", NULL);
	ok_parse(_metadata, p, "hist", !p.a.states && !p.a.json, "hist: every state");
	p = parse("-jp", "hist", "estab", "CLOSE-WAIT", "syn_sent", NULL);
	ok_parse(_metadata, p, "hist", p.a.json && p.a.pretty &&
		 p.a.states == (BIT(TCPFSM_STATE_ESTABLISHED) |
				BIT(TCPFSM_STATE_CLOSE_WAIT) |
				BIT(TCPFSM_STATE_SYN_SENT)),
		 "-jp hist estab CLOSE-WAIT syn_sent");
	p = parse("hist", "LISTEN", NULL);
	bad_parse(_metadata, p, "tcpfsm: hist: LISTEN has no time in state; the states that have one: ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 CLOSE_WAIT LAST_ACK CLOSING",
		  "hist LISTEN");
	p = parse("hist", "bogus", NULL);
	bad_parse(_metadata, p, "tcpfsm: unknown state \"bogus\"", "hist bogus");
	p = parse("hist", "-j", NULL);
	bad_parse(_metadata, p, "tcpfsm: hist: unknown argument \"-j\" (options go before the command)",
		  "hist -j");

	p = parse("closewait", NULL);
	ok_parse(_metadata, p, "closewait", !p.a.has_min_age, "closewait: all");
	p = parse("closewait", "--older-than", "5m", NULL);
	ok_parse(_metadata, p, "closewait", p.a.has_min_age &&
		 p.a.min_age_ns == 300000000000ULL, "closewait --older-than 5m");
	p = parse("-j", "closewait", "--older-than=500ms", NULL);
	ok_parse(_metadata, p, "closewait", p.a.json && p.a.has_min_age &&
		 p.a.min_age_ns == 500000000ULL,
		 "-j closewait --older-than=500ms");
	p = parse("closewait", "older-than", "30", NULL);
	ok_parse(_metadata, p, "closewait", p.a.has_min_age &&
		 p.a.min_age_ns == 30000000000ULL, "closewait older-than 30");
	p = parse("closewait", "--older-than", "5x", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: --older-than: invalid duration \"5x\" (a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d; seconds without one)",
		  "closewait --older-than 5x");
	p = parse("closewait", "--older-than=", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: --older-than: invalid duration \"\" (a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d; seconds without one)",
		  "closewait --older-than=");
	p = parse("closewait", "--older-than", "300000d", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: --older-than: duration \"300000d\" too long (at most 584 years)",
		  "closewait --older-than 300000d");
	p = parse("closewait", "--older-than", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: --older-than: DURATION is missing",
		  "closewait --older-than without DURATION");
	p = parse("closewait", "--older-than", "1s", "older-than", "2s", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: --older-than given twice",
		  "closewait --older-than twice");
	p = parse("closewait", "--older", "1s", NULL);
	bad_parse(_metadata, p, "tcpfsm: closewait: unknown argument \"--older\" (options go before the command)",
		  "closewait --older");

	p = parse("top", NULL);
	ok_parse(_metadata, p, "top", p.a.limit == CLI_TOP_LIMIT, "top: limit 10");
	p = parse("-j", "top", "limit", "1000", NULL);
	ok_parse(_metadata, p, "top", p.a.json && p.a.limit == 1000, "-j top limit 1000");
	p = parse("top", "limit", "0", NULL);
	bad_parse(_metadata, p, "tcpfsm: top: limit: invalid number \"0\" (1-1000)", "top limit 0");
	p = parse("top", "limit", "1001", NULL);
	bad_parse(_metadata, p, "tcpfsm: top: limit: invalid number \"1001\" (1-1000)",
		  "top limit 1001");
	p = parse("top", "limit", "-5", NULL);
	bad_parse(_metadata, p, "tcpfsm: top: limit: invalid number \"-5\" (1-1000)", "top limit -5");
	p = parse("top", "limit", NULL);
	bad_parse(_metadata, p, "tcpfsm: top: limit: N is missing", "top limit");
	p = parse("top", "5", NULL);
	bad_parse(_metadata, p, "tcpfsm: top: unknown argument \"5\"", "top 5");

	p = parse("-o", "prometheus", "stats", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus && !p.a.json, "-o prometheus stats");
	p = parse("stats", "-o", "prometheus", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus, "stats -o prometheus");
	p = parse("stats", "all", "--output", "prometheus", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus && p.a.all,
		 "stats all --output prometheus");
	p = parse("--output=prometheus", "show", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus, "--output=prometheus show");
	p = parse("stats", "--output=json", NULL);
	ok_parse(_metadata, p, "stats", p.a.json && !p.a.prometheus, "stats --output=json is -j");
	p = parse("-j", "-o", "text", "stats", NULL);
	ok_parse(_metadata, p, "stats", !p.a.json && !p.a.prometheus, "-j -o text: text");
	p = parse("-o", "prometheus", "-j", "stats", NULL);
	ok_parse(_metadata, p, "stats", p.a.json, "-o prometheus -j: the last one wins");
	p = parse("-o", "xml", "stats", NULL);
	bad_parse(_metadata, p, "tcpfsm: -o: unknown output format \"xml\" (text, json or prometheus)",
		  "-o xml");
	p = parse("stats", "-o", NULL);
	bad_parse(_metadata, p, "tcpfsm: stats: -o: FORMAT is missing", "stats -o");
	p = parse("-o", NULL);
	bad_parse(_metadata, p, "Option \"-o\" needs a FORMAT: text, json or prometheus.", "-o alone");
	p = parse("-o", "prometheus", "hist", NULL);
	bad_parse(_metadata, p, "tcpfsm: hist: -o prometheus is for stats only",
		  "-o prometheus hist");
	p = parse("-o", "prometheus", "help", "stats", NULL);
	CHECK(!p.ret && p.a.action == CLI_HELP, "cli: -o prometheus help stats");
	free(p.err);
}

TEST(usage)
{
	struct capture cap;
	char *s;

	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n  hist [STATE...]    how long sockets stay in each state\n") &&
	      strstr(s, "\n  closewait [--older-than DURATION]\n"
			"                     the sockets in CLOSE_WAIT, oldest first\n") &&
	      strstr(s, "\n  top [limit N]      TIME_WAIT pressure") &&
	      strstr(s, "-o, --output FORMAT"),
	      "usage: hist, closewait (on two lines), top, -o");
	free(s);
	cli_usage(cap_open(&cap), cli_lookup("closewait"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]\n\n") &&
	      strstr(s, "CAP_NET_ADMIN"), "usage: of closewait");
	free(s);
}

/* Time in state */

/* ESTABLISHED: 7 samples, avg 1.234 ms; CLOSE_WAIT: 1, in the last bucket */
static void sample_dwell(struct tcpfsm_stats *st)
{
	struct tcpfsm_dwell *d;

	memset(st, 0, sizeof(*st));
	d = &st->dwell[TCPFSM_STATE_ESTABLISHED];
	d->present = true;
	d->samples = 7;
	d->sum_ns = 8641969;
	d->bucket[0] = 1;
	d->bucket[3] = 2;
	d->bucket[5] = 4;
	d = &st->dwell[TCPFSM_STATE_CLOSE_WAIT];
	d->present = true;
	d->samples = 1;
	d->sum_ns = 300000000000000ULL;
	d->bucket[39] = 1;
	st->dwell[TCPFSM_STATE_SYN_SENT].present = true;
	st->track_size = 65536;
	st->tracked = 12;
	st->timewait_created = 340;
	st->present = BIT(TCPFSM_A_STATS_DWELL) | BIT(TCPFSM_A_STATS_TRACKED) |
		      BIT(TCPFSM_A_STATS_UNTRACKED) |
		      BIT(TCPFSM_A_STATS_TRACK_SIZE) |
		      BIT(TCPFSM_A_STATS_TIMEWAIT_CREATED);
}

static const char hist_text[] =
	"ESTABLISHED: 7 samples, avg 1.234 ms\n"
	"     usecs               : count     distribution\n"
	"         0 -> 0          : 1        |**********                              |\n"
	"         1 -> 1          : 0        |                                        |\n"
	"         2 -> 3          : 0        |                                        |\n"
	"         4 -> 7          : 2        |********************                    |\n"
	"         8 -> 15         : 0        |                                        |\n"
	"        16 -> 31         : 4        |****************************************|\n"
	"\n"
	"CLOSE_WAIT: 1 samples, avg 300000.000 s\n"
	"               usecs                         : count     distribution\n"
	"        274877906944 -> inf                  : 1        |****************************************|\n";

static const char hist_json[] =
	"[{\"state\":\"ESTABLISHED\",\"samples\":7,\"sum_ns\":8641969,\"buckets\":["
	"{\"index\":0,\"low_us\":0,\"high_us\":1,\"count\":1},"
	"{\"index\":3,\"low_us\":4,\"high_us\":8,\"count\":2},"
	"{\"index\":5,\"low_us\":16,\"high_us\":32,\"count\":4}]},"
	"{\"state\":\"CLOSE_WAIT\",\"samples\":1,\"sum_ns\":300000000000000,\"buckets\":["
	"{\"index\":39,\"low_us\":274877906944,\"high_us\":null,\"count\":1}]}]\n";

static char *render_hist(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
			 uint32_t states)
{
	struct capture cap;

	tcpfsm_print_hist(cap_open(&cap), fmt, st, states);
	return cap_close(&cap);
}

TEST(hist)
{
	struct tcpfsm_stats st;
	char *s;

	sample_dwell(&st);
	s = render_hist(TCPFSM_FMT_TEXT, &st, 0);
	CHECK_STR(s, hist_text, "hist: text, bcc's layouts, every state with samples");
	free(s);
	s = render_hist(TCPFSM_FMT_JSON, &st, 0);
	CHECK_STR(s, hist_json, "hist: JSON, the non-empty buckets and their bounds");
	free(s);

	s = render_hist(TCPFSM_FMT_TEXT, &st, BIT(TCPFSM_STATE_SYN_SENT) |
			BIT(TCPFSM_STATE_CLOSE_WAIT));
	CHECK(starts_with(s, "SYN_SENT: 0 samples\n\nCLOSE_WAIT: 1 samples, avg 300000.000 s\n"),
	      "hist: the states asked for, in state order, without samples too");
	free(s);
	s = render_hist(TCPFSM_FMT_JSON, &st, BIT(TCPFSM_STATE_SYN_SENT));
	CHECK_STR(s, "[{\"state\":\"SYN_SENT\",\"samples\":0,\"sum_ns\":0,\"buckets\":[]}]\n",
		  "hist: JSON of a state without samples");
	free(s);

	memset(&st, 0, sizeof(st));
	s = render_hist(TCPFSM_FMT_TEXT, &st, 0);
	CHECK_STR(s, "(no samples)\n", "hist: text, no samples at all");
	free(s);
	s = render_hist(TCPFSM_FMT_JSON, &st, 0);
	CHECK_STR(s, "[]\n", "hist: JSON, no samples at all");
	free(s);

	st.dwell[TCPFSM_STATE_LAST_ACK].present = true;
	st.dwell[TCPFSM_STATE_LAST_ACK].samples = 3;
	st.dwell[TCPFSM_STATE_LAST_ACK].sum_ns = 2400;
	st.dwell[TCPFSM_STATE_LAST_ACK].bucket[1] = 3;
	st.dwell[TCPFSM_STATE_LAST_ACK].bucket[33] = UINT64_MAX;
	s = render_hist(TCPFSM_FMT_TEXT, &st, 0);
	CHECK(starts_with(s, "LAST_ACK: 3 samples, avg 800 ns\n"
			     "     usecs               : count     distribution\n"
			     "         1 -> 1          : 3        |                                        |\n") &&
	      strstr(s, "\n4294967296 -> 8589934591 : 18446744073709551615 |****************************************|\n"),
	      "hist: ns average, the widest numbers of the 10-digit layout, no overflow");
	free(s);
}

/* Netlink: the time in state of GET */

static void put_pad(struct nlmsghdr *nlh, uint16_t type)
{
	mnl_attr_put(nlh, type, 0, NULL);
}

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

TEST(parse_dwell)
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

/* stats: the tracking line */

TEST(stats_tracking)
{
	struct tcpfsm_stats st;
	struct capture cap;
	char *s;

	sample_dwell(&st);
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_TEXT, &st, false);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n(none)\ntracking: 12 sockets of 65536, 0 untracked; timewait: created 340\n"),
	      "stats: the tracking line, last");
	free(s);
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_JSON, &st, false);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"states\":[],\"transitions\":[],"
		     "\"tracking\":{\"tracked\":12,\"size\":65536,\"untracked\":0},"
		     "\"timewait\":{\"created\":340}}\n",
		  "stats: JSON tracking and timewait");
	free(s);

	st.track_size = 0;
	st.present &= ~BIT(TCPFSM_A_STATS_TIMEWAIT_CREATED);
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_TEXT, &st, false);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n(none)\ntracking: disabled; timewait: created -\n"),
	      "stats: tracking disabled, timewait created absent");
	free(s);
	st.present = 0;
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_TEXT, &st, false);
	s = cap_close(&cap);
	CHECK(s && !strstr(s, "tracking"), "stats: no tracking line from an old module");
	free(s);
}

/* Prometheus */

/* A small reply: two states, two transitions, one histogram, the scalars */
static void small_stats(struct tcpfsm_stats *st)
{
	struct tcpfsm_stats d;

	sample_dwell(&d);
	memset(st, 0, sizeof(*st));
	st->state[TCPFSM_STATE_ESTABLISHED] = (struct tcpfsm_state_stats){
		.present = true, .has_current = true, .has_flow = true,
		.current = 2, .entered = 14, .left = 12,
	};
	st->state[TCPFSM_STATE_TIME_WAIT] = (struct tcpfsm_state_stats){
		.present = true, .has_current = true, .current = 6,
	};
	st->trans_seen[TCPFSM_STATE_ESTABLISHED] = BIT(TCPFSM_STATE_FIN_WAIT1);
	st->trans_seen[TCPFSM_STATE_SYN_SENT] = BIT(TCPFSM_STATE_ESTABLISHED);
	st->trans[TCPFSM_STATE_ESTABLISHED][TCPFSM_STATE_FIN_WAIT1] = 3;
	st->dwell[TCPFSM_STATE_ESTABLISHED] = d.dwell[TCPFSM_STATE_ESTABLISHED];
	st->tracked = 12;
	st->track_size = 65536;
	st->timewait_created = 340;
	st->events_sent = 10;
	st->events_lost_overflow = 1;
	st->events_lost_rcvbuf = 2;
	st->events_unheard = 4;
	st->present = UINT32_MAX;
}

static const char prom_small[] =
	"# HELP tcpfsm_sockets Sockets in each TCP state now.\n"
	"# TYPE tcpfsm_sockets gauge\n"
	"tcpfsm_sockets{state=\"ESTABLISHED\"} 2\n"
	"tcpfsm_sockets{state=\"TIME_WAIT\"} 6\n"
	"# HELP tcpfsm_state_entered_total Transitions into each TCP state from another state.\n"
	"# TYPE tcpfsm_state_entered_total counter\n"
	"tcpfsm_state_entered_total{state=\"ESTABLISHED\"} 14\n"
	"# HELP tcpfsm_state_left_total Transitions out of each TCP state to another state.\n"
	"# TYPE tcpfsm_state_left_total counter\n"
	"tcpfsm_state_left_total{state=\"ESTABLISHED\"} 12\n"
	"# HELP tcpfsm_transitions_total TCP state transitions, by old and new state.\n"
	"# TYPE tcpfsm_transitions_total counter\n"
	"tcpfsm_transitions_total{old=\"ESTABLISHED\",new=\"FIN_WAIT1\"} 3\n"
	"tcpfsm_transitions_total{old=\"SYN_SENT\",new=\"ESTABLISHED\"} 0\n"
	"# HELP tcpfsm_state_duration_seconds Time tracked sockets stayed in a TCP state before they left it.\n"
	"# TYPE tcpfsm_state_duration_seconds histogram\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000001\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000002\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000004\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000008\"} 3\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000016\"} 3\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000032\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000064\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000128\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000256\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.000512\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.001024\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.002048\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.004096\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.008192\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.016384\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.032768\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.065536\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.131072\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.262144\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"0.524288\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"1.048576\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"2.097152\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"4.194304\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"8.388608\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"16.777216\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"33.554432\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"67.108864\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"134.217728\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"268.435456\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"536.870912\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"1073.741824\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"2147.483648\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"4294.967296\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"8589.934592\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"17179.869184\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"34359.738368\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"68719.476736\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"137438.953472\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"274877.906944\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"ESTABLISHED\",le=\"+Inf\"} 7\n"
	"tcpfsm_state_duration_seconds_sum{state=\"ESTABLISHED\"} 0.008641969\n"
	"tcpfsm_state_duration_seconds_count{state=\"ESTABLISHED\"} 7\n"
	"# HELP tcpfsm_tracked_sockets Sockets whose time of entering their state is tracked now.\n"
	"# TYPE tcpfsm_tracked_sockets gauge\n"
	"tcpfsm_tracked_sockets 12\n"
	"# HELP tcpfsm_untracked_sockets_total Sockets not tracked because the table was full, since load.\n"
	"# TYPE tcpfsm_untracked_sockets_total counter\n"
	"tcpfsm_untracked_sockets_total 0\n"
	"# HELP tcpfsm_track_table_size Capacity of the table of tracked sockets, 0 when disabled.\n"
	"# TYPE tcpfsm_track_table_size gauge\n"
	"tcpfsm_track_table_size 65536\n"
	"# HELP tcpfsm_timewait_created_total Timewait sockets created since the module was loaded.\n"
	"# TYPE tcpfsm_timewait_created_total counter\n"
	"tcpfsm_timewait_created_total 340\n"
	"# HELP tcpfsm_events_sent_total Transition events sent to the events group.\n"
	"# TYPE tcpfsm_events_sent_total counter\n"
	"tcpfsm_events_sent_total 10\n"
	"# HELP tcpfsm_events_lost_total Transition events lost, by cause.\n"
	"# TYPE tcpfsm_events_lost_total counter\n"
	"tcpfsm_events_lost_total{cause=\"overflow\"} 1\n"
	"tcpfsm_events_lost_total{cause=\"nomem\"} 0\n"
	"tcpfsm_events_lost_total{cause=\"rcvbuf\"} 2\n"
	"# HELP tcpfsm_events_unheard_total Transition events sent while nobody in the namespace listened.\n"
	"# TYPE tcpfsm_events_unheard_total counter\n"
	"tcpfsm_events_unheard_total 4\n";

/* A full reply: every state, 121 transitions, 8 histograms, one racy */
static void full_stats(struct tcpfsm_stats *st)
{
	unsigned int i, j;

	small_stats(st);
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		st->state[i] = (struct tcpfsm_state_stats){
			.present = true,
			.has_current = tcpfsm_state_has_current(i),
			.has_flow = tcpfsm_state_has_flow(i),
			.current = (int64_t)i - 3, .entered = i * 7, .left = i,
		};
		if (i <= TCPFSM_NR_TRANS_STATES)
			st->trans_seen[i] = 0xffe & (BIT(TCPFSM_NR_TRANS_STATES + 1) - 1);
		for (j = 1; j <= TCPFSM_NR_TRANS_STATES; j++)
			st->trans[i][j] = i * j % 5;
		if (!tcpfsm_state_has_dwell(i))
			continue;
		st->dwell[i].present = true;
		for (j = 0; j < TCPFSM_DWELL_BUCKETS; j += i) {
			st->dwell[i].bucket[j] = j + i;
			st->dwell[i].samples += j + i;
			st->dwell[i].sum_ns += (j + i) * 1000ULL * (1ULL << j);
		}
	}
	st->dwell[TCPFSM_STATE_CLOSING].samples -= 3;	/* read while counted */
}

/* Whether @s is well formed: families, their headers, the histograms */
static bool prom_structure(const char *s, unsigned int *samples)
{
	char family[128] = "", type[16] = "", line[512], name[128];
	char hist_state[32] = "", seen[64][64];
	unsigned long long v, last = 0, inf = 0;
	unsigned int nseen = 0, i;
	bool ok = true, help = false;
	const char *nl;

	*samples = 0;
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl || nl - s >= (int)sizeof(line))
			return false;
		memcpy(line, s, nl - s);
		line[nl - s] = 0;
		if (!strncmp(line, "# HELP ", 7)) {
			sscanf(line + 7, "%127s", family);
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], family))
					ok = false;	/* a second HELP */
			snprintf(seen[nseen++ % 64], sizeof(seen[0]), "%s", family);
			help = true;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			if (!help || sscanf(line + 7, "%127s %15s", name, type) != 2 ||
			    strcmp(name, family))
				ok = false;	/* not right after its HELP */
			help = false;
			continue;
		}
		if (help || sscanf(line, "%127[^{ ]", name) != 1 ||
		    strncmp(name, family, strlen(family)))
			ok = false;	/* a sample outside its family */
		(*samples)++;
		if (strcmp(type, "histogram"))
			continue;
		/* _bucket{state="S",le="L"} V, then _sum, _count */
		if (strstr(line, "_bucket{")) {
			char st[32];

			if (sscanf(line, "%*[^\"]\"%31[^\"]\"%*[^ ] %llu", st, &v) != 2)
				return false;
			if (strcmp(st, hist_state)) {
				snprintf(hist_state, sizeof(hist_state), "%s", st);
				last = 0;
			}
			if (v < last)
				ok = false;	/* not cumulative */
			last = v;
			if (strstr(line, "le=\"+Inf\""))
				inf = v;
		} else if (strstr(line, "_count{")) {
			if (sscanf(line, "%*s %llu", &v) != 1 || v != inf)
				ok = false;	/* +Inf is not _count */
		}
	}
	return ok && !help;
}

TEST(prometheus)
{
	static struct tcpfsm_stats st;
	struct capture cap;
	unsigned int n;
	bool ok;
	char *s;

	small_stats(&st);
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	CHECK_STR(s, prom_small, "prometheus: a small reply, exactly");
	/* n is an argument too: set before the call */
	ok = prom_structure(s, &n);
	CHECK(ok && n == 57, "prometheus: the checker passes it (%u samples)", n);
	free(s);

	full_stats(&st);
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	ok = prom_structure(s, &n);
	CHECK(ok && n == 11 + 10 + 10 + 121 + 8 * 42 + 9,
	      "prometheus: a full reply: one HELP and TYPE a family, cumulative buckets, +Inf == _count (%u samples)",
	      n);
	CHECK(count_lines(s, "tcpfsm_transitions_total{") == 121 &&
	      count_lines(s, "le=\"+Inf\"") == 8 &&
	      strstr(s, "\ntcpfsm_sockets{state=\"LAST_ACK\"} 6\n") &&
	      strstr(s, "\ntcpfsm_sockets{state=\"ESTABLISHED\"} -2\n") &&
	      !strstr(s, "tcpfsm_sockets{state=\"CLOSE\"}") &&
	      !strstr(s, "entered_total{state=\"TIME_WAIT\"}") &&
	      !strstr(s, "state=\"LISTEN\",le="),
	      "prometheus: every pair, the 8 histograms, the figures each state has");
	free(s);

	memset(&st, 0, sizeof(st));
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	CHECK_STR(s, "", "prometheus: nothing from an empty reply");
	free(s);
}

/* closewait */

static void set_v4(struct tcpfsm_ends *e, uint32_t saddr, uint16_t sport,
		   uint32_t daddr, uint16_t dport)
{
	saddr = htonl(saddr);
	daddr = htonl(daddr);
	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	memcpy(e->saddr, &saddr, 4);
	memcpy(e->daddr, &daddr, 4);
	e->sport = sport;
	e->dport = dport;
}

#define SK_AGE		BIT(TCPFSM_A_SOCKET_AGE_NS)
#define SK_INO		BIT(TCPFSM_A_SOCKET_INO)

/* Four sockets, in the kernel's order */
static void sample_sockets(struct tcpfsm_sockets *socks)
{
	static const uint8_t v6peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct tcpfsm_socket *v = calloc(4, sizeof(*v));

	if (!v)
		exit(2);
	/* A: 1h2m3s, held by two processes */
	set_v4(&v[0].ends, 0x7f000001, 8080, 0x0a010203, 51000);
	v[0].age_ns = 3723000000000ULL;
	v[0].ino = 1001;
	v[0].uid = 33;
	v[0].present = SK_AGE | SK_INO | BIT(TCPFSM_A_SOCKET_UID);
	/* C: age unknown, no owner found */
	set_v4(&v[1].ends, 0x7f000001, 8080, 0x0a010203, 51001);
	v[1].ino = 3003;
	v[1].present = SK_INO;
	/* B: the oldest, IPv6 */
	v[2].ends.family = AF_INET6;
	v[2].ends.saddr[15] = 1;
	memcpy(v[2].ends.daddr, v6peer, 16);
	v[2].ends.sport = 443;
	v[2].ends.dport = 40000;
	v[2].age_ns = 90061000000000ULL;
	v[2].ino = 2002;
	v[2].cookie = 77;
	v[2].present = SK_AGE | SK_INO | BIT(TCPFSM_A_SOCKET_COOKIE);
	/* D: 250ms, without a file */
	set_v4(&v[3].ends, 0x0a000001, 22, 0x0a000002, 60000);
	v[3].age_ns = 250000000;
	v[3].present = SK_AGE;
	socks->v = v;
	socks->n = socks->size = 4;
}

TEST(closewait_sort)
{
	struct tcpfsm_sockets socks;
	struct tcpfsm_socket *v;

	sample_sockets(&socks);
	tcpfsm_closewait_sort(&socks);
	v = socks.v;
	CHECK(v[0].ino == 2002 && v[1].ino == 1001 && v[2].age_ns == 250000000 &&
	      v[3].ino == 3003, "closewait: oldest first, unknown age last");
	v[0].present = v[1].present = 0;	/* two of unknown age: by ports */
	v[0].ends.family = v[1].ends.family = AF_INET;
	v[0].ends.sport = 9;
	v[1].ends.sport = 8;
	tcpfsm_closewait_sort(&socks);
	CHECK(v[0].age_ns == 250000000 && v[1].ends.sport == 8 &&
	      v[2].ends.sport == 9 && v[3].ends.sport == 8080,
	      "closewait: ties by family and port");
	tcpfsm_sockets_free(&socks);
	tcpfsm_closewait_sort(&socks);
	CHECK(!socks.v && !socks.n, "closewait: sorting none");
}

/* A file, or a symlink if @link */
static void mk(const char *root, const char *path, const char *text, bool link)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (link) {
		if (symlink(text, p))
			perror(p);
		return;
	}
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void mkd(const char *root, const char *path)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (mkdir(p, 0700))
		perror(p);
}

/*
 * A fake /proc: 123 (nginx) holds 1001 on fd 5 and fd 3, and another
 * socket; 456 (worker) holds 1001 and 2002; 789 has no fd directory; "self"
 * and "sys" are not processes.
 */
static void fake_proc(const char *root)
{
	mkd(root, "123");
	mkd(root, "123/fd");
	mk(root, "123/comm", "nginx\n", false);
	mk(root, "123/fd/5", "socket:[1001]", true);
	mk(root, "123/fd/3", "socket:[1001]", true);
	mk(root, "123/fd/4", "socket:[999]", true);
	mk(root, "123/fd/6", "/dev/null", true);
	mk(root, "123/fd/7", "socket:[1001]x", true);
	mkd(root, "456");
	mkd(root, "456/fd");
	mk(root, "456/comm", "worker\n", false);
	mk(root, "456/fd/12", "socket:[1001]", true);
	mk(root, "456/fd/10", "socket:[2002]", true);
	mkd(root, "789");
	mk(root, "789/comm", "nofd\n", false);
	mkd(root, "sys");
	mk(root, "self", "123", true);
}

static int rm_cb(const char *path, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static bool owner_is(const struct tcpfsm_owner *o, uint64_t ino, pid_t pid,
		     int fd, const char *comm)
{
	return o->ino == ino && o->pid == pid && o->fd == fd &&
	       !strcmp(o->comm, comm);
}

static const char closewait_text[] =
	"Local Address:Port  Peer Address:Port         Age  Process\n"
	"[::1]:443           [2001:db8::1]:40000  1d1h1m1s  users:((\"worker\",pid=456,fd=10))\n"
	"127.0.0.1:8080      10.1.2.3:51000         1h2m3s  users:((\"nginx\",pid=123,fd=3),(\"nginx\",pid=123,fd=5),(\"worker\",pid=456,fd=12))\n"
	"10.0.0.1:22         10.0.0.2:60000          250ms  -\n"
	"127.0.0.1:8080      10.1.2.3:51001              -  -\n";

static const char closewait_json[] =
	"[{\"family\":\"ipv6\",\"saddr\":\"::1\",\"sport\":443,\"daddr\":\"2001:db8::1\",\"dport\":40000,"
	"\"age_ns\":90061000000000,\"ino\":2002,\"cookie\":77,"
	"\"users\":[{\"comm\":\"worker\",\"pid\":456,\"fd\":10}]},"
	"{\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":8080,\"daddr\":\"10.1.2.3\",\"dport\":51000,"
	"\"age_ns\":3723000000000,\"ino\":1001,\"uid\":33,"
	"\"users\":[{\"comm\":\"nginx\",\"pid\":123,\"fd\":3},{\"comm\":\"nginx\",\"pid\":123,\"fd\":5},"
	"{\"comm\":\"worker\",\"pid\":456,\"fd\":12}]},"
	"{\"family\":\"ipv4\",\"saddr\":\"10.0.0.1\",\"sport\":22,\"daddr\":\"10.0.0.2\",\"dport\":60000,"
	"\"age_ns\":250000000,\"users\":[]},"
	"{\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":8080,\"daddr\":\"10.1.2.3\",\"dport\":51001,"
	"\"ino\":3003,\"users\":[]}]\n";

TEST(closewait_owners)
{
	char root[] = "/tmp/tcpfsm-proc.XXXXXX";
	struct tcpfsm_sockets socks, none = { 0 };
	struct tcpfsm_owners o;
	struct capture cap;
	char *s;
	int ret;

	if (!mkdtemp(root)) {
		CHECK(false, "closewait: a temporary directory: %s", strerror(errno));
		return;
	}
	fake_proc(root);
	sample_sockets(&socks);
	tcpfsm_closewait_sort(&socks);
	ret = tcpfsm_find_owners(root, &socks, &o);
	CHECK(!ret && o.n == 4 &&
	      owner_is(&o.v[0], 1001, 123, 3, "nginx") &&
	      owner_is(&o.v[1], 1001, 123, 5, "nginx") &&
	      owner_is(&o.v[2], 1001, 456, 12, "worker") &&
	      owner_is(&o.v[3], 2002, 456, 10, "worker"),
	      "closewait: owners from a fake /proc, sorted; other links skipped");

	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_TEXT, &socks, &o);
	s = cap_close(&cap);
	CHECK_STR(s, closewait_text, "closewait: text, columns as wide as needed, ss -p's users");
	free(s);
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_JSON, &socks, &o);
	s = cap_close(&cap);
	CHECK_STR(s, closewait_json, "closewait: JSON, one array");
	free(s);
	tcpfsm_owners_free(&o);

	ret = tcpfsm_find_owners("/nonexistent/proc", &socks, &o);
	CHECK(ret == -1 && errno == ENOENT && !o.n,
	      "closewait: an unreadable /proc is an error");
	tcpfsm_owners_free(&o);
	tcpfsm_sockets_free(&socks);

	ret = tcpfsm_find_owners("/nonexistent/proc", &none, &o);
	CHECK(!ret && !o.n, "closewait: no socket: /proc is not read");
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_TEXT, &none, &o);
	s = cap_close(&cap);
	CHECK_STR(s, "Local Address:Port  Peer Address:Port  Age  Process\n(none)\n",
		  "closewait: text of none");
	free(s);
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_JSON, &none, &o);
	s = cap_close(&cap);
	CHECK_STR(s, "[]\n", "closewait: JSON of none");
	free(s);
	tcpfsm_owners_free(&o);

	nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Netlink: sockets and timewait */

TEST(parse_socket)
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

TEST_HARNESS_MAIN
