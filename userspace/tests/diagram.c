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

TEST(dump)
{
	struct tcpfsm_stats *st = parse_scenario(_metadata, WITH_TW);
	char *s = render(TCPFSM_FMT_TEXT, st, print_diagram);

	fputs(s, stdout);
	free(s);
	s = render(TCPFSM_FMT_JSON_PRETTY, st, print_diagram);
	fputs(s, stdout);
	free(s);
	free(st);
}

TEST_HARNESS_MAIN
