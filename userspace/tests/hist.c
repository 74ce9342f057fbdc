// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of hist.c: the time-in-state histograms, in text and JSON.
 *
 *	hist [-l] [-t TEST]...
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

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

TEST(histograms)
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

	/* the timewait sockets': after the full sockets', marked */
	memset(&st, 0, sizeof(st));
	st.tw[TCPFSM_STATE_TIME_WAIT].dwell.present = true;
	st.tw[TCPFSM_STATE_TIME_WAIT].dwell.samples = 1;
	st.tw[TCPFSM_STATE_TIME_WAIT].dwell.sum_ns = 60000000000ULL;
	st.tw[TCPFSM_STATE_TIME_WAIT].dwell.bucket[26] = 1;
	st.tw[TCPFSM_STATE_FIN_WAIT2].dwell.present = true;
	st.dwell[TCPFSM_STATE_FIN_WAIT2].present = true;
	s = render_hist(TCPFSM_FMT_TEXT, &st, 0);
	CHECK(starts_with(s, "TIME_WAIT (timewait): 1 samples, avg 60.000 s\n"),
	      "hist: the timewait sockets' TIME_WAIT, marked; no orphan samples, not shown");
	free(s);
	s = render_hist(TCPFSM_FMT_JSON, &st, BIT(TCPFSM_STATE_FIN_WAIT2) |
			BIT(TCPFSM_STATE_TIME_WAIT));
	CHECK_STR(s, "[{\"state\":\"FIN_WAIT2\",\"samples\":0,\"sum_ns\":0,\"buckets\":[]},"
		     "{\"state\":\"FIN_WAIT2\",\"timewait\":true,\"samples\":0,\"sum_ns\":0,\"buckets\":[]},"
		     "{\"state\":\"TIME_WAIT\",\"timewait\":true,\"samples\":1,\"sum_ns\":60000000000,\"buckets\":["
		     "{\"index\":26,\"low_us\":33554432,\"high_us\":67108864,\"count\":1}]}]\n",
		  "hist: JSON, FIN_WAIT2 of full sockets and of orphans, TIME_WAIT");
	free(s);
	s = render_hist(TCPFSM_FMT_TEXT, &st, BIT(TCPFSM_STATE_FIN_WAIT2));
	CHECK(starts_with(s, "FIN_WAIT2: 0 samples\n\nFIN_WAIT2 (orphan): 0 samples\n"),
	      "hist FIN_WAIT2: the full sockets', then the orphans'");
	free(s);
}

TEST_HARNESS_MAIN
