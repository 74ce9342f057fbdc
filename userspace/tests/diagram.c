// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of diagram.c, and of the timewait substates of a GET reply
 * (nl.c, output.c, prom.c): a reply built as the module sends it, parsed,
 * then drawn, in text and JSON.
 *
 *	diagram [-l] [-t TEST]...
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "diagram.h"
#include "nl.h"
#include "output.h"
#include "prom.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

#define S(x)	TCPFSM_STATE_##x

/*
 * A namespace after 4 active closes (one through CLOSING), 3 orphans whose
 * peer never closed, 2 passive closes and a refused connect, as the module
 * would count them; the figures are made up to tell each edge apart.
 */
static const struct {
	uint8_t old, new;
	uint64_t count;
} scenario_trans[] = {
	{ S(CLOSE), S(LISTEN), 1 },
	{ S(LISTEN), S(SYN_RECV), 9 },
	{ S(SYN_RECV), S(ESTABLISHED), 9 },
	{ S(CLOSE), S(SYN_SENT), 10 },
	{ S(SYN_SENT), S(ESTABLISHED), 9 },
	{ S(SYN_SENT), S(CLOSE), 1 },
	{ S(ESTABLISHED), S(FIN_WAIT1), 7 },
	{ S(ESTABLISHED), S(CLOSE_WAIT), 2 },
	{ S(ESTABLISHED), S(CLOSE), 3 },
	{ S(FIN_WAIT1), S(FIN_WAIT2), 6 },
	{ S(FIN_WAIT1), S(CLOSING), 1 },
	{ S(FIN_WAIT2), S(CLOSE), 6 },
	{ S(FIN_WAIT2), S(FIN_WAIT2), 2 },
	{ S(CLOSING), S(CLOSE), 1 },
	{ S(CLOSE_WAIT), S(LAST_ACK), 2 },
	{ S(LAST_ACK), S(CLOSE), 2 },
	{ S(CLOSE), S(CLOSE), 4 },
	{ S(SYN_RECV), S(CLOSE), 1234567 },
};

/* current of each state; -1: not sent (CLOSE) */
static const int64_t scenario_current[TCPFSM_NR_STATES + 1] = {
	[S(ESTABLISHED)] = 6, [S(LISTEN)] = 1, [S(FIN_WAIT2)] = 3,
	[S(TIME_WAIT)] = 4, [S(CLOSE)] = -1, [S(NEW_SYN_RECV)] = 2,
	[S(CLOSE_WAIT)] = 12345678,
};

/* FIN_WAIT2 then TIME_WAIT: current, created, refused, entered, left,
 * timer, reused, killed
 */
static const uint64_t scenario_tw[2][8] = {
	{ 1, 3, 0, 0, 1, 1, 0, 0 },
	{ 4, 4, 0, 1, 0, 0, 0, 1 },
};

static void put_tw(struct nlmsghdr *nlh, uint8_t sub, const uint64_t *f,
		   bool exits)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TIMEWAIT_SUBSTATE);
	unsigned int i;

	mnl_attr_put_u8(nlh, TCPFSM_A_TIMEWAIT_STATS_SUBSTATE, sub);
	for (i = 0; i < 8; i++) {
		if (!exits && i >= 5)	/* timer, reused, killed */
			continue;
		put_pad(nlh, TCPFSM_A_TIMEWAIT_STATS_PAD);
		mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_STATS_CURRENT + i, f[i]);
	}
	mnl_attr_put_u32(nlh, TCPFSM_A_TIMEWAIT_STATS_MAX + 1, 7);	/* newer */
	mnl_attr_nest_end(nlh, nest);
}

static void put_dwell(struct nlmsghdr *nlh, uint8_t state, uint64_t samples,
		      unsigned int nb, const uint8_t *index,
		      const uint64_t *count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_DWELL);
	struct nlattr *b;
	unsigned int i;

	mnl_attr_put_u8(nlh, TCPFSM_A_DWELL_STATE, state);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SAMPLES, samples);
	mnl_attr_put_u64(nlh, TCPFSM_A_DWELL_SUM_NS, 1);
	for (i = 0; i < nb; i++) {
		b = mnl_attr_nest_start(nlh, TCPFSM_A_DWELL_BUCKET);
		mnl_attr_put_u8(nlh, TCPFSM_A_BUCKET_INDEX, index[i]);
		mnl_attr_put_u64(nlh, TCPFSM_A_BUCKET_COUNT, count[i]);
		mnl_attr_nest_end(nlh, b);
	}
	mnl_attr_nest_end(nlh, nest);
}

enum { WITH_TW, WITHOUT_TW, TW_NO_EXITS };

/* The reply of the scenario, as the module sends it */
static struct nlmsghdr *put_scenario(char *buf, int variant)
{
	static const uint8_t est_i[] = { 11, 12 }, fw1_i[] = { 0 },
		cw_i[] = { 39 }, ss_i[] = { 7, 21 };
	static const uint64_t est_c[] = { 2, 2 }, fw1_c[] = { 7 },
		cw_c[] = { 2 }, ss_c[] = { 8, 1 };
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	unsigned int old, new, i;
	struct nlattr *nest;

	for (old = 1; old <= TCPFSM_NR_TRANS_STATES; old++) {
		for (new = 1; new <= TCPFSM_NR_TRANS_STATES; new++) {
			uint64_t c = 0;

			for (i = 0; i < ARRAY_SIZE(scenario_trans); i++)
				if (scenario_trans[i].old == old &&
				    scenario_trans[i].new == new)
					c = scenario_trans[i].count;
			nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
			mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, old);
			mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, new);
			mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, c);
			mnl_attr_nest_end(nlh, nest);
		}
	}
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
		mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, i);
		if (scenario_current[i] >= 0)
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT,
					 scenario_current[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	put_dwell(nlh, S(ESTABLISHED), 4, 2, est_i, est_c);
	put_dwell(nlh, S(FIN_WAIT1), 7, 1, fw1_i, fw1_c);
	put_dwell(nlh, S(CLOSE_WAIT), 2, 1, cw_i, cw_c);
	put_dwell(nlh, S(SYN_SENT), 9, 2, ss_i, ss_c);
	put_dwell(nlh, S(FIN_WAIT2), 0, 0, NULL, NULL);
	if (variant != WITHOUT_TW) {
		put_tw(nlh, S(FIN_WAIT2), scenario_tw[0], variant == WITH_TW);
		put_tw(nlh, S(TIME_WAIT), scenario_tw[1], variant == WITH_TW);
	}
	return nlh;
}

static struct tcpfsm_stats *parse_scenario(struct __test_metadata *_metadata,
					   int variant)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats *st = calloc(1, sizeof(*st));
	struct tcpfsm_err e = { 0 };

	ASSERT_NE(NULL, st);
	CHECK(tcpfsm_parse_stats(put_scenario(buf, variant), st, &e) == 0,
	      "the scenario's reply parses");
	return st;
}

static char *render(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
		    void (*print)(FILE *, enum tcpfsm_fmt,
				  const struct tcpfsm_stats *))
{
	struct capture cap;

	print(cap_open(&cap), fmt, st);
	return cap_close(&cap);
}

static void print_diagram(FILE *f, enum tcpfsm_fmt fmt,
			  const struct tcpfsm_stats *st)
{
	tcpfsm_print_diagram(f, fmt, st);
}

static const char diagram_text[] =
	"                               +---------------+\n"
	"                               |    CLOSED     |\n"
	"                               | -           - |\n"
	"                               +---------------+\n"
	"                 passive open   |   ^     ^   |   active open\n"
	"                 1              |   |     |   |   10\n"
	"              +-----------------+   |     |   +-----------------+\n"
	"              |  close 0            |     |  close 1            |\n"
	"              v                     |     |  (refused, timeout) v\n"
	"     +---------------+              |     |             +---------------+\n"
	"     |    LISTEN     |--------------+     +-------------|   SYN_SENT    |\n"
	"     | 1           - |                                  | 0       100us |\n"
	"     +---------------+                                  +---------------+\n"
	"              |  final ACK 9                              |         |\n"
	"              |            simultaneous open 0            |         |\n"
	"              v                                           |         |\n"
	"     +---------------+<-----------------------------------+         |\n"
	"     |   SYN_RECV    |                                              |\n"
	"     | 2           - |                                   SYN-ACK    |\n"
	"     +---------------+                                   9          |\n"
	"       |         |  ACK 9                                           |\n"
	"       |         +-------------------------+   +--------------------+\n"
	"       |  close                            v   v\n"
	"       |  0                          +---------------+\n"
	"       |                             |  ESTABLISHED  |\n"
	"       |                             | 6       2.0ms |\n"
	"       |                             +---------------+\n"
	"       |             close 7           |           |  peer's FIN 2\n"
	"       v                               |           |\n"
	"+---------------+<---------------------+           +------->+---------------+\n"
	"|   FIN_WAIT1   |                                           |  CLOSE_WAIT   |\n"
	"| 0       500ns |                                           | 12345k   3.1d |\n"
	"+---------------+                                           +---------------+\n"
	"  |    |      |  peer's FIN 1                                       |\n"
	"  |    |      +--------------------------+                          | close\n"
	"  |    |  FIN+ACK -                      v                          | 2\n"
	"  |    +---------------+         +---------------+                  v\n"
	"  | ACK 6              |         |    CLOSING    |          +---------------+\n"
	"  v                    |         | 0           - |          |   LAST_ACK    |\n"
	"+---------------+      |         +---------------+          | 0           - |\n"
	"|   FIN_WAIT2   |      |           |  ACK -                 +---------------+\n"
	"| 3           - |      v           v                                | ACK\n"
	"+---------------+    +---------------+  2MSL, reuse, kill           | 2\n"
	"  |   |  peer's FIN  |   TIME_WAIT   |  1                           v\n"
	"  |   +------------->| 4           - |----------------------->+---------------+\n"
	"  |  full -          +---------------+                        |    CLOSED     |\n"
	"  |  orphan 1                                                 | -           - |\n"
	"  |  orphan's timeout, reuse, kill 1                          +---------------+\n"
	"  +-----------------------------------------------------------------^\n"
	"\n"
	"Boxes: the sockets in the state now, and the median time in it.\n"
	"Arrows: the transitions since the module was loaded; orphan: a\n"
	"timewait socket in FIN_WAIT2. \"-\": not counted by the module.\n"
	"\n"
	"not drawn:\n"
	"  FIN_WAIT2    -> CLOSE                            -\n"
	"  CLOSING      -> CLOSE                            -\n"
	"  ESTABLISHED  -> CLOSE                            3\n"
	"  SYN_RECV     -> CLOSE                      1234567\n";

static const char diagram_json[] =
	"{\"states\":{\"CLOSE\":{\"current\":null,\"median_ns\":null},"
	"\"LISTEN\":{\"current\":1,\"median_ns\":null},"
	"\"SYN_SENT\":{\"current\":0,\"median_ns\":100000},"
	"\"SYN_RECV\":{\"current\":2,\"median_ns\":null},"
	"\"ESTABLISHED\":{\"current\":6,\"median_ns\":2048000},"
	"\"FIN_WAIT1\":{\"current\":0,\"median_ns\":500},"
	"\"FIN_WAIT2\":{\"current\":3,\"median_ns\":null},"
	"\"CLOSING\":{\"current\":0,\"median_ns\":null},"
	"\"TIME_WAIT\":{\"current\":4,\"median_ns\":null},"
	"\"CLOSE_WAIT\":{\"current\":12345678,\"median_ns\":274877906944000},"
	"\"LAST_ACK\":{\"current\":0,\"median_ns\":null}},\"edges\":["
	"{\"from\":\"CLOSE\",\"to\":\"LISTEN\",\"count\":1},"
	"{\"from\":\"CLOSE\",\"to\":\"SYN_SENT\",\"count\":10},"
	"{\"from\":\"LISTEN\",\"to\":\"CLOSE\",\"count\":0},"
	"{\"from\":\"LISTEN\",\"to\":\"SYN_RECV\",\"count\":9},"
	"{\"from\":\"SYN_SENT\",\"to\":\"SYN_RECV\",\"count\":0},"
	"{\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\",\"count\":9},"
	"{\"from\":\"SYN_SENT\",\"to\":\"CLOSE\",\"count\":1},"
	"{\"from\":\"SYN_RECV\",\"to\":\"ESTABLISHED\",\"count\":9},"
	"{\"from\":\"SYN_RECV\",\"to\":\"FIN_WAIT1\",\"count\":0},"
	"{\"from\":\"ESTABLISHED\",\"to\":\"FIN_WAIT1\",\"count\":7},"
	"{\"from\":\"ESTABLISHED\",\"to\":\"CLOSE_WAIT\",\"count\":2},"
	"{\"from\":\"FIN_WAIT1\",\"to\":\"FIN_WAIT2\",\"count\":6},"
	"{\"from\":\"FIN_WAIT1\",\"to\":\"CLOSING\",\"count\":1},"
	"{\"from\":\"FIN_WAIT1\",\"to\":\"TIME_WAIT\",\"count\":null},"
	"{\"from\":\"FIN_WAIT2\",\"to\":\"TIME_WAIT\",\"count\":null},"
	"{\"from\":\"FIN_WAIT2\",\"to\":\"TIME_WAIT\",\"via\":\"orphan\",\"count\":1},"
	"{\"from\":\"CLOSING\",\"to\":\"TIME_WAIT\",\"count\":null},"
	"{\"from\":\"TIME_WAIT\",\"to\":\"CLOSE\",\"count\":1},"
	"{\"from\":\"CLOSE_WAIT\",\"to\":\"LAST_ACK\",\"count\":2},"
	"{\"from\":\"LAST_ACK\",\"to\":\"CLOSE\",\"count\":2},"
	"{\"from\":\"FIN_WAIT2\",\"to\":\"CLOSE\",\"via\":\"orphan\",\"count\":1},"
	"{\"from\":\"FIN_WAIT2\",\"to\":\"CLOSE\",\"count\":null},"
	"{\"from\":\"CLOSING\",\"to\":\"CLOSE\",\"count\":null},"
	"{\"from\":\"ESTABLISHED\",\"to\":\"CLOSE\",\"count\":3},"
	"{\"from\":\"SYN_RECV\",\"to\":\"CLOSE\",\"count\":1234567}]}"
	"\n";

/* Every line of @s at most @width columns */
static bool fits(const char *s, unsigned int width)
{
	const char *nl;

	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl || (unsigned int)(nl - s) > width)
			return false;
	}
	return true;
}

TEST(drawing)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITH_TW);
	char *s = render(TCPFSM_FMT_TEXT, st, print_diagram);

	CHECK_STR(s, diagram_text, "diagram: the drawing of the scenario");
	CHECK(fits(s, TCPFSM_DIAGRAM_WIDTH), "diagram: fits in %d columns",
	      TCPFSM_DIAGRAM_WIDTH);
	free(s);
	free(st);
}

TEST(json)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITH_TW);
	char *s = render(TCPFSM_FMT_JSON, st, print_diagram);

	CHECK_STR(s, diagram_json, "diagram: -j of the scenario");
	free(s);
	free(st);
}

/* The edge @from -> @to [via] is @want, or absent if @want is -1 */
static bool edge_is(const struct tcpfsm_stats *st, unsigned int from,
		    unsigned int to, const char *via, int64_t want)
{
	struct tcpfsm_dg_value v = tcpfsm_diagram_edge(st, from, to, via);

	return want < 0 ? !v.present : v.present && v.v == want;
}

TEST(edges)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITH_TW);

	CHECK(edge_is(st, S(TIME_WAIT), S(CLOSE), NULL, 1),
	      "TIME_WAIT -> CLOSE: timer + reused + killed of TIME_WAIT");
	CHECK(edge_is(st, S(FIN_WAIT2), S(TIME_WAIT), "orphan", 1),
	      "FIN_WAIT2 -> TIME_WAIT of orphans: entered of TIME_WAIT");
	CHECK(edge_is(st, S(FIN_WAIT2), S(CLOSE), "orphan", 1),
	      "FIN_WAIT2 -> CLOSE of orphans: timer + reused + killed of FIN_WAIT2");
	CHECK(edge_is(st, S(FIN_WAIT2), S(TIME_WAIT), NULL, -1),
	      "FIN_WAIT2 -> TIME_WAIT of full sockets: not sent");
	CHECK(edge_is(st, S(CLOSING), S(TIME_WAIT), NULL, -1),
	      "CLOSING -> TIME_WAIT: not sent");
	CHECK(edge_is(st, S(ESTABLISHED), S(FIN_WAIT1), NULL, 7),
	      "ESTABLISHED -> FIN_WAIT1: the matrix");
	CHECK(edge_is(st, S(ESTABLISHED), S(CLOSE), NULL, -1),
	      "ESTABLISHED -> CLOSE: not an edge of the diagram");
	free(st);
}

TEST(without_timewait)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITHOUT_TW);
	char *s;

	CHECK(edge_is(st, S(TIME_WAIT), S(CLOSE), NULL, -1) &&
	      edge_is(st, S(FIN_WAIT2), S(TIME_WAIT), "orphan", -1) &&
	      edge_is(st, S(FIN_WAIT2), S(CLOSE), "orphan", -1),
	      "no timewait nests: the timewait edges are absent");
	s = render(TCPFSM_FMT_TEXT, st, print_diagram);
	CHECK(strstr(s, "\n  |  orphan -   ") != NULL,
	      "no timewait nests: the orphans' edge is drawn \"-\"");
	free(s);
	s = render(TCPFSM_FMT_JSON, st, print_diagram);
	CHECK(strstr(s, "{\"from\":\"TIME_WAIT\",\"to\":\"CLOSE\",\"count\":null}") != NULL,
	      "no timewait nests: TIME_WAIT -> CLOSE null in JSON");
	free(s);
	free(st);

	st = parse_scenario(_metadata, TW_NO_EXITS);
	CHECK(edge_is(st, S(TIME_WAIT), S(CLOSE), NULL, -1) &&
	      edge_is(st, S(FIN_WAIT2), S(TIME_WAIT), "orphan", 1),
	      "the exits not counted: TIME_WAIT -> CLOSE absent, the rest there");
	free(st);
}

TEST(median)
{
	struct tcpfsm_dwell d = { .present = true };
	uint64_t ns = 0;

	CHECK(!tcpfsm_dwell_median(&d, &ns), "median: none without samples");
	d.bucket[1] = 1;		/* [1, 2) us */
	CHECK(tcpfsm_dwell_median(&d, &ns) && ns == 1500,
	      "median: one sample, the middle of its bucket (%llu)",
	      (unsigned long long)ns);
	d.bucket[1] = 0;
	d.bucket[10] = 3;		/* [512, 1024) us */
	d.bucket[20] = 1;
	CHECK(tcpfsm_dwell_median(&d, &ns) && ns == 512000 + 512000 * 2 / 3,
	      "median: linear within the bucket (%llu)", (unsigned long long)ns);
	memset(d.bucket, 0, sizeof(d.bucket));
	d.bucket[TCPFSM_DWELL_BUCKETS - 1] = 5;
	CHECK(tcpfsm_dwell_median(&d, &ns) &&
	      ns == (1ULL << (TCPFSM_DWELL_BUCKETS - 2)) * 1000,
	      "median: the lower bound of the open-ended bucket");
	d.present = false;
	CHECK(!tcpfsm_dwell_median(&d, &ns), "median: none without a histogram");
}

/*
 * With created-from, the edges into TIME_WAIT are drawn, and the full
 * sockets' X -> CLOSE that timewait sockets took over are out of X -> CLOSE,
 * as /proc/net/tcpfsm/machine has them
 */
TEST(edges_created_from)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITH_TW);
	struct tcpfsm_tw_stats *tw = &st->tw[S(TIME_WAIT)];
	struct tcpfsm_tw_stats *fw2 = &st->tw[S(FIN_WAIT2)];
	char *s;

	/* TIME_WAIT created 4: 1 from FIN_WAIT1, 2 from FIN_WAIT2, 1 from CLOSING */
	tw->from_seen = fw2->from_seen = 0xffe;	/* ESTABLISHED..CLOSING */
	tw->from[S(FIN_WAIT1)] = 1;
	tw->from[S(FIN_WAIT2)] = 2;
	tw->from[S(CLOSING)] = 1;
	fw2->from[S(FIN_WAIT2)] = 3;	/* FIN_WAIT2 created 3, orphans */
	CHECK(edge_is(st, S(FIN_WAIT1), S(TIME_WAIT), NULL, 1),
	      "created-from: FIN_WAIT1 -> TIME_WAIT");
	CHECK(edge_is(st, S(FIN_WAIT2), S(TIME_WAIT), NULL, 2),
	      "created-from: FIN_WAIT2 -> TIME_WAIT of full sockets");
	CHECK(edge_is(st, S(CLOSING), S(TIME_WAIT), NULL, 1),
	      "created-from: CLOSING -> TIME_WAIT");
	CHECK(edge_is(st, S(FIN_WAIT2), S(CLOSE), NULL, 6 - 3 - 2),
	      "created-from: FIN_WAIT2 -> CLOSE of full sockets, the others out");
	CHECK(edge_is(st, S(CLOSING), S(CLOSE), NULL, 0),
	      "created-from: CLOSING -> CLOSE, the one into TIME_WAIT out");
	CHECK(edge_is(st, S(FIN_WAIT1), S(FIN_WAIT2), NULL, 6),
	      "created-from: FIN_WAIT1 -> FIN_WAIT2, none created from FIN_WAIT1");
	fw2->from_seen = 0;
	CHECK(edge_is(st, S(FIN_WAIT1), S(FIN_WAIT2), NULL, 6) &&
	      edge_is(st, S(FIN_WAIT2), S(CLOSE), NULL, -1),
	      "created-from of FIN_WAIT2 not sent: what needs it is -");
	fw2->from_seen = 0xffe;

	/* an edge not drawn, from the matrix the same way */
	st->trans[S(FIN_WAIT1)][S(CLOSE)] = 5;
	tw->from[S(FIN_WAIT1)] = 5;
	tw->from[S(FIN_WAIT2)] = 0;
	tw->from[S(CLOSING)] = 0;
	s = render(TCPFSM_FMT_JSON, st, print_diagram);
	CHECK(!strstr(s, "{\"from\":\"FIN_WAIT1\",\"to\":\"CLOSE\""),
	      "created-from: FIN_WAIT1 -> CLOSE all into TIME_WAIT: not listed");
	CHECK(strstr(s, "{\"from\":\"FIN_WAIT1\",\"to\":\"TIME_WAIT\",\"count\":5}") != NULL,
	      "created-from: FIN_WAIT1 -> TIME_WAIT 5 in -j");
	free(s);

	/* the median of TIME_WAIT: the timewait sockets' histogram */
	tw->dwell.present = true;
	tw->dwell.samples = 2;
	tw->dwell.bucket[26] = 2;	/* [2^25, 2^26) us: about 33-67 s */
	s = render(TCPFSM_FMT_TEXT, st, print_diagram);
	CHECK(strstr(s, "|   TIME_WAIT   |") != NULL && strstr(s, "50s") != NULL,
	      "created-from: the median of TIME_WAIT drawn (%s)", s);
	free(s);
	free(st);
}

/*
 * A timewait-substate nest with its histogram and created-from nests (the
 * multi-attr ones): parsed into dwell and from[], a state this command
 * does not know skipped
 */
TEST(timewait_nest_multi)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats *st = calloc(1, sizeof(*st));
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	struct tcpfsm_err e = { 0 };
	struct nlattr *nest, *n;
	const struct tcpfsm_tw_stats *tw;
	unsigned int i;

	ASSERT_NE(NULL, st);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TIMEWAIT_SUBSTATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_TIMEWAIT_STATS_SUBSTATE, S(TIME_WAIT));
	put_pad(nlh, TCPFSM_A_TIMEWAIT_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_STATS_CREATED, 9);
	put_pad(nlh, TCPFSM_A_TIMEWAIT_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_STATS_SAMPLES, 5);
	put_pad(nlh, TCPFSM_A_TIMEWAIT_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPFSM_A_TIMEWAIT_STATS_SUM_NS, 300000000000ULL);
	n = mnl_attr_nest_start(nlh, TCPFSM_A_TIMEWAIT_STATS_BUCKET);
	mnl_attr_put_u8(nlh, TCPFSM_A_BUCKET_INDEX, 25);
	mnl_attr_put_u64(nlh, TCPFSM_A_BUCKET_COUNT, 5);
	mnl_attr_nest_end(nlh, n);
	for (i = S(ESTABLISHED); i <= S(CLOSING) + 1; i++) {
		n = mnl_attr_nest_start(nlh, TCPFSM_A_TIMEWAIT_STATS_CREATED_FROM);
		/* 200: a state of a newer module */
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE,
				i <= S(CLOSING) ? i : 200);
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, S(TIME_WAIT));
		mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, i);
		mnl_attr_nest_end(nlh, n);
	}
	mnl_attr_nest_end(nlh, nest);
	CHECK(tcpfsm_parse_stats(nlh, st, &e) == 0, "timewait nest: parses");
	tw = &st->tw[S(TIME_WAIT)];
	CHECK(tw->present && tw->fig[TCPFSM_A_TIMEWAIT_STATS_CREATED] == 9 &&
	      tw->dwell.present && tw->dwell.samples == 5 &&
	      tw->dwell.sum_ns == 300000000000ULL && tw->dwell.bucket[25] == 5,
	      "timewait nest: the histogram of the substate");
	CHECK(tw->from[S(FIN_WAIT1)] == S(FIN_WAIT1) &&
	      tw->from[S(CLOSING)] == S(CLOSING) &&
	      (tw->from_seen & BIT(S(FIN_WAIT2))) &&
	      !(tw->from_seen & BIT(S(NEW_SYN_RECV))),
	      "timewait nest: created-from by the full socket's state");
	CHECK(!st->tw[S(FIN_WAIT2)].present && !st->tw[S(FIN_WAIT2)].dwell.present,
	      "timewait nest: the other substate absent");
	free(st);
}

/* The timewait substates in stats: the nests parsed, shown three ways */
TEST(stats_timewait)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, TW_NO_EXITS);
	struct capture cap;
	char *s;

	CHECK(st->tw[S(FIN_WAIT2)].present && st->tw[S(TIME_WAIT)].present &&
	      st->tw[S(TIME_WAIT)].fig[TCPFSM_A_TIMEWAIT_STATS_CREATED] == 4 &&
	      !(st->tw[S(TIME_WAIT)].has & BIT(TCPFSM_A_TIMEWAIT_STATS_TIMER)),
	      "stats: the timewait nests parsed, the absent figures absent");
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_TEXT, st, false);
	s = cap_close(&cap);
	CHECK(strstr(s, "\nsubstate          current      created      refused      entered         left        timer       reused       killed\n"
			"FIN_WAIT2               1            3            0            0            1            -            -            -\n"
			"TIME_WAIT               4            4            0            1            0            -            -            -\n") != NULL,
	      "stats: the table of the timewait substates, as /proc has it");
	free(s);
	tcpfsm_print_stats(cap_open(&cap), TCPFSM_FMT_JSON, st, false);
	s = cap_close(&cap);
	CHECK(strstr(s, "\"timewait_substates\":[{\"substate\":\"FIN_WAIT2\",\"current\":1,\"created\":3,\"refused\":0,\"entered\":0,\"left\":1},"
			"{\"substate\":\"TIME_WAIT\",\"current\":4,\"created\":4,\"refused\":0,\"entered\":1,\"left\":0}]") != NULL,
	      "stats -j: timewait_substates, the absent figures left out");
	free(s);
	tcpfsm_print_prometheus(cap_open(&cap), st);
	s = cap_close(&cap);
	CHECK(strstr(s, "# TYPE tcpfsm_timewait_sockets gauge\n"
			"tcpfsm_timewait_sockets{substate=\"FIN_WAIT2\"} 1\n"
			"tcpfsm_timewait_sockets{substate=\"TIME_WAIT\"} 4\n") != NULL &&
	      strstr(s, "tcpfsm_timewait_substate_entered_total{substate=\"TIME_WAIT\"} 1\n") != NULL &&
	      !strstr(s, "timer_total"),
	      "stats -o prometheus: a family per figure, by substate");
	free(s);
	free(st);
}

TEST_HARNESS_MAIN
