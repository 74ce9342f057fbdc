// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of output.c: stats, state, the events and the tracking line,
 * in text and JSON; durations as text.
 *
 *	output [-l] [-t TEST]...
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

static const char sample_states_text[] =
	"state             current      entered         left\n"
	"ESTABLISHED             2           14           12\n"
	"SYN_SENT                0            7            7\n"
	"SYN_RECV                0            2            2\n"
	"FIN_WAIT1               0            3            3\n"
	"FIN_WAIT2               1            3            2\n"
	"TIME_WAIT               6            -            -\n"
	"CLOSE                   -           14            9\n"
	"CLOSE_WAIT              1            6            5\n"
	"LAST_ACK               -1            5            6\n"
	"LISTEN                  1            2            1\n"
	"CLOSING                 0            0            0\n"
	"NEW_SYN_RECV            3            -            -\n";

static const char sample_text[] =
	"\n"
	"old             new                 count\n"
	"ESTABLISHED  -> FIN_WAIT1               3\n"
	"SYN_SENT     -> ESTABLISHED             7\n"
	"FIN_WAIT2    -> FIN_WAIT2               1\n"
	"CLOSE        -> SYN_SENT                7\n"
	"CLOSE_WAIT   -> CLOSE        18446744073709551615\n"
	"LISTEN       -> SYN_RECV                2\n"
	"\n"
	"events: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2, unheard 4\n";

static const char sample_json[] =
	"{\"states\":["
	"{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12},"
	"{\"state\":\"SYN_SENT\",\"current\":0,\"entered\":7,\"left\":7},"
	"{\"state\":\"SYN_RECV\",\"current\":0,\"entered\":2,\"left\":2},"
	"{\"state\":\"FIN_WAIT1\",\"current\":0,\"entered\":3,\"left\":3},"
	"{\"state\":\"FIN_WAIT2\",\"current\":1,\"entered\":3,\"left\":2},"
	"{\"state\":\"TIME_WAIT\",\"current\":6},"
	"{\"state\":\"CLOSE\",\"entered\":14,\"left\":9},"
	"{\"state\":\"CLOSE_WAIT\",\"current\":1,\"entered\":6,\"left\":5},"
	"{\"state\":\"LAST_ACK\",\"current\":-1,\"entered\":5,\"left\":6},"
	"{\"state\":\"LISTEN\",\"current\":1,\"entered\":2,\"left\":1},"
	"{\"state\":\"CLOSING\",\"current\":0,\"entered\":0,\"left\":0},"
	"{\"state\":\"NEW_SYN_RECV\",\"current\":3}],"
	"\"transitions\":["
	"{\"old\":\"ESTABLISHED\",\"new\":\"FIN_WAIT1\",\"count\":3},"
	"{\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"count\":7},"
	"{\"old\":\"FIN_WAIT2\",\"new\":\"FIN_WAIT2\",\"count\":1},"
	"{\"old\":\"CLOSE\",\"new\":\"SYN_SENT\",\"count\":7},"
	"{\"old\":\"CLOSE_WAIT\",\"new\":\"CLOSE\",\"count\":18446744073709551615},"
	"{\"old\":\"LISTEN\",\"new\":\"SYN_RECV\",\"count\":2}],"
	"\"events\":{\"sent\":10,\"lost_overflow\":1,\"lost_nomem\":0,\"lost_rcvbuf\":2,\"unheard\":4}}\n";

static char *render_stats(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
			  bool all)
{
	struct capture cap;

	tcpfsm_print_stats(cap_open(&cap), fmt, st, all);
	return cap_close(&cap);
}

static char *render_state(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
			  unsigned int state)
{
	struct capture cap;

	tcpfsm_print_state(cap_open(&cap), fmt, st, state);
	return cap_close(&cap);
}

TEST(stats)
{
	struct tcpfsm_stats st;
	char want[4096];
	char *s;

	sample_stats(&st);
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s%s", sample_states_text, sample_text);
	CHECK_STR(s, want, "output: text: states, non-zero transitions, events");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, true);
	CHECK(starts_with(s, sample_states_text) &&
	      count_lines(s, " -> ") == 121 &&
	      strstr(s, "\nESTABLISHED  -> ESTABLISHED             0\n"
			"ESTABLISHED  -> SYN_SENT                0\n") &&
	      strstr(s, "\nCLOSING      -> CLOSING                 0\n\nevents: ") &&
	      strstr(s, "\nCLOSE_WAIT   -> CLOSE        18446744073709551615\n") &&
	      !strstr(s, "NEW_SYN_RECV ->") && !strstr(s, "-> NEW_SYN_RECV"),
	      "output: text all: the 121 transitions between TCP states, in order");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK_STR(s, sample_json, "output: JSON, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, true);
	CHECK(count_lines(s, "{\"old\":") == 121 &&
	      strstr(s, "\"transitions\":[{\"old\":\"ESTABLISHED\",\"new\":\"ESTABLISHED\",\"count\":0},") &&
	      strstr(s, "{\"old\":\"CLOSING\",\"new\":\"CLOSING\",\"count\":0}],\"events\""),
	      "output: JSON all: 121 transitions");
	free(s);

	memset(st.trans, 0, sizeof(st.trans));
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s\nold             new                 count\n(none)\n\nevents: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2, unheard 4\n",
		 sample_states_text);
	CHECK_STR(s, want, "output: text without transitions");
	free(s);
	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK(s && strstr(s, ",\"transitions\":[],\"events\":{"),
	      "output: JSON without transitions: []");
	free(s);
}

TEST(pretty)
{
	struct tcpfsm_stats st;
	char *s;

	memset(&st, 0, sizeof(st));
	set_state(&st, TCPFSM_STATE_ESTABLISHED, 2, 14, 12);
	set_state(&st, TCPFSM_STATE_TIME_WAIT, 6, 0, 0);
	st.trans[TCPFSM_STATE_SYN_SENT][TCPFSM_STATE_ESTABLISHED] = 7;
	st.events_sent = 5;
	st.present = BIT(TCPFSM_A_STATS_EVENTS_SENT);

	s = render_stats(TCPFSM_FMT_JSON_PRETTY, &st, false);
	CHECK_STR(s,
		  "{\n"
		  "    \"states\": [\n"
		  "        {\n"
		  "            \"state\": \"ESTABLISHED\",\n"
		  "            \"current\": 2,\n"
		  "            \"entered\": 14,\n"
		  "            \"left\": 12\n"
		  "        },\n"
		  "        {\n"
		  "            \"state\": \"TIME_WAIT\",\n"
		  "            \"current\": 6\n"
		  "        }\n"
		  "    ],\n"
		  "    \"transitions\": [\n"
		  "        {\n"
		  "            \"old\": \"SYN_SENT\",\n"
		  "            \"new\": \"ESTABLISHED\",\n"
		  "            \"count\": 7\n"
		  "        }\n"
		  "    ],\n"
		  "    \"events\": {\n"
		  "        \"sent\": 5\n"
		  "    }\n"
		  "}\n",
		  "output: JSON, pretty; absent figures and counters omitted");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK_STR(s,
		  "{\"states\":[{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12},"
		  "{\"state\":\"TIME_WAIT\",\"current\":6}],"
		  "\"transitions\":[{\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"count\":7}],"
		  "\"events\":{\"sent\":5}}\n",
		  "output: the same, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	CHECK(s && strstr(s, "\nevents: sent 5, lost_overflow -, lost_nomem -, lost_rcvbuf -, unheard -\n"),
	      "output: text: absent event counters are -");
	free(s);

	st.present = 0;
	s = render_stats(TCPFSM_FMT_JSON_PRETTY, &st, false);
	CHECK(s && strstr(s, "            \"count\": 7\n        }\n    ]\n}\n"),
	      "output: JSON without any event counter: no events object");
	free(s);
}

TEST(state)
{
	struct tcpfsm_stats st;
	char *s;

	sample_stats(&st);
	s = render_state(TCPFSM_FMT_TEXT, &st, TCPFSM_STATE_LAST_ACK);
	CHECK_STR(s, "state             current      entered         left\n"
		     "LAST_ACK               -1            5            6\n",
		  "output: state, text");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_ESTABLISHED);
	CHECK_STR(s, "{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12}\n",
		  "output: state, JSON");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_CLOSE);
	CHECK_STR(s, "{\"state\":\"CLOSE\",\"entered\":14,\"left\":9}\n",
		  "output: state CLOSE, JSON: no current");
	free(s);
	s = render_state(TCPFSM_FMT_JSON_PRETTY, &st, TCPFSM_STATE_TIME_WAIT);
	CHECK_STR(s, "{\n    \"state\": \"TIME_WAIT\",\n    \"current\": 6\n}\n",
		  "output: state TIME_WAIT, pretty JSON: no entered, left");
	free(s);
}

TEST(event)
{
	struct tcpfsm_event ev;
	struct capture cap;
	char *s;

	sample_event4(&ev);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_text, "output: an IPv4 event, text");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_json, "output: an IPv4 event, JSON");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON_PRETTY, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_json, "output: an event, JSON: one line even with -p");
	free(s);

	sample_event6(&ev);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event6_text, "output: an IPv6 event without the optional attributes, text");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event6_json, "output: an IPv6 event without the optional attributes, JSON");
	free(s);

	ev.present |= BIT(TCPFSM_A_EVENT_COOKIE);
	ev.cookie = UINT64_MAX;
	ev.time_ns = 999999999;
	memset(ev.saddr, 0xff, 16);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "0.999999 ipv6 [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:8080 [2001:db8::1]:51000 ESTABLISHED -> CLOSE_WAIT - cookie 18446744073709551615\n",
		  "output: an event with a cookie only, the longest address");
	free(s);

	/* a timewait socket's creation: no ino, no uid, the flag */
	sample_event4(&ev);
	ev.old_state = TCPFSM_STATE_FIN_WAIT1;
	ev.new_state = TCPFSM_STATE_TIME_WAIT;
	ev.present &= ~(BIT(TCPFSM_A_EVENT_INO) | BIT(TCPFSM_A_EVENT_UID));
	ev.present |= BIT(TCPFSM_A_EVENT_TIMEWAIT);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 FIN_WAIT1 -> TIME_WAIT 52.345ms tw cookie 4097\n",
		  "output: a timewait socket's event, text: tw");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"time_ns\":1234567890123,\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":43210,"
		     "\"daddr\":\"10.1.2.3\",\"dport\":8080,\"old\":\"FIN_WAIT1\",\"new\":\"TIME_WAIT\","
		     "\"old_state_ns\":52345678,\"timewait\":true,\"cookie\":4097,\"source\":3,\"seq\":17}\n",
		  "output: a timewait socket's event, JSON: timewait true");
	free(s);

	/* a request socket's completion: no ino, uid or cookie, the flag */
	sample_event4(&ev);
	ev.old_state = TCPFSM_STATE_NEW_SYN_RECV;
	ev.new_state = TCPFSM_STATE_SYN_RECV;
	ev.present &= ~(BIT(TCPFSM_A_EVENT_INO) | BIT(TCPFSM_A_EVENT_UID) |
			BIT(TCPFSM_A_EVENT_COOKIE));
	ev.present |= BIT(TCPFSM_A_EVENT_REQUEST);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 NEW_SYN_RECV -> SYN_RECV 52.345ms req\n",
		  "output: a request socket's event, text: req");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"time_ns\":1234567890123,\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":43210,"
		     "\"daddr\":\"10.1.2.3\",\"dport\":8080,\"old\":\"NEW_SYN_RECV\",\"new\":\"SYN_RECV\","
		     "\"old_state_ns\":52345678,\"request\":true,\"source\":3,\"seq\":17}\n",
		  "output: a request socket's event, JSON: request true");
	free(s);

	tcpfsm_print_lost(cap_open(&cap), TCPFSM_FMT_JSON, 5, 2);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"lost\":5,\"source\":2}\n", "output: a loss, JSON");
	free(s);
	tcpfsm_print_lost(cap_open(&cap), TCPFSM_FMT_TEXT, UINT64_MAX, 4095);
	s = cap_close(&cap);
	CHECK_STR(s, "LOST 18446744073709551615 events (source 4095)\n",
		  "output: a loss, text");
	free(s);

	tcpfsm_print_overflow(cap_open(&cap), TCPFSM_FMT_TEXT, 1);
	s = cap_close(&cap);
	CHECK_STR(s, "lost events: socket buffer overflow\n", "output: an overflow, text");
	free(s);
	tcpfsm_print_overflow(cap_open(&cap), TCPFSM_FMT_JSON, 3);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"lost\":null,\"overflows\":3}\n", "output: an overflow, JSON");
	free(s);

	tcpfsm_print_monitor_summary(cap_open(&cap), 12, 3, 0);
	s = cap_close(&cap);
	CHECK_STR(s, "# 12 events, 3 lost\n", "output: the summary of the monitor");
	free(s);
	tcpfsm_print_monitor_summary(cap_open(&cap), 0, 0, 2);
	s = cap_close(&cap);
	CHECK_STR(s, "# 0 events, 0 lost, 2 socket buffer overflows\n",
		  "output: the summary, with overflows");
	free(s);
}

/*
 * The monitor writes its numbers without printf: against it, at each end
 * of each count of digits (0, 9 and 10, 99 and 100, ... UINT64_MAX) and
 * for every octet of an IPv4 address
 */
TEST(event_numbers)
{
	uint64_t p = 1, v[64];
	struct tcpfsm_event ev;
	struct capture cap;
	char want[256], *s;
	unsigned int i, n = 0, bad = 0;

	v[n++] = 0;
	for (i = 0; i < 19; i++) {
		v[n++] = p * 10 - 1;
		p *= 10;
		v[n++] = p;
	}
	v[n++] = UINT64_MAX;
	for (i = 0; i < n; i++) {
		tcpfsm_print_lost(cap_open(&cap), TCPFSM_FMT_TEXT, v[i], i);
		s = cap_close(&cap);
		snprintf(want, sizeof(want), "LOST %" PRIu64 " events (source %u)\n",
			 v[i], i);
		bad += !str_is(s, want);
		free(s);
	}
	sample_event4(&ev);
	for (i = 0; i < 256; i++) {
		ev.saddr[0] = i;
		ev.saddr[3] = 255 - i;
		tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
		s = cap_close(&cap);
		snprintf(want, sizeof(want), "1234.567890 ipv4 %u.0.0.%u:43210 ",
			 i, 255 - i);
		if (!starts_with(s, want)) {
			diag("expected", want);
			diag("got", s);
			bad++;
		}
		free(s);
	}
	CHECK(bad == 0, "output: numbers and octets as printf writes them");
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

/*
 * -A: the namespaces one after the other, each with its identity: in text
 * a line before the usual figures; in JSON an array of the usual objects,
 * each with "netns" first.
 */
TEST(stats_netns)
{
	static struct tcpfsm_stats st[2];
	char *names[] = { "blue", "pod-a" };
	struct tcpfsm_netns_id ids[2] = {
		{ .ino = 4026531840U, .cookie = 1, .pid = 1 },
		{ .ino = 4026532301U, .cookie = 7, .names = names, .nnames = 2 },
	};
	struct capture cap;
	char *s, *want;
	size_t len;
	FILE *f;

	sample_stats(&st[0]);
	sample_stats(&st[1]);
	tcpfsm_print_stats_netns(cap_open(&cap), TCPFSM_FMT_TEXT, st, ids, 2,
				 false);
	s = cap_close(&cap);
	f = open_memstream(&want, &len);
	ASSERT_NE(NULL, f);
	fprintf(f, "netns pid:1 (inode 4026531840, cookie 1, pid 1)\n%s%s\n"
		"netns blue (inode 4026532301, cookie 7, names blue,pod-a)\n%s%s",
		sample_states_text, sample_text, sample_states_text,
		sample_text);
	fclose(f);
	CHECK_STR(s, want, "output: -A stats: a line per namespace, its figures");
	free(want);
	free(s);

	tcpfsm_print_stats_netns(cap_open(&cap), TCPFSM_FMT_JSON, st, ids, 2,
				 false);
	s = cap_close(&cap);
	f = open_memstream(&want, &len);
	ASSERT_NE(NULL, f);
	fprintf(f, "[{\"netns\":{\"inode\":4026531840,\"cookie\":1,\"names\":[],\"pid\":1},%s,"
		"{\"netns\":{\"inode\":4026532301,\"cookie\":7,\"names\":[\"blue\",\"pod-a\"]},%s]\n",
		strndupa(sample_json + 1, strlen(sample_json) - 2),
		strndupa(sample_json + 1, strlen(sample_json) - 2));
	fclose(f);
	CHECK_STR(s, want, "output: -j -A stats: an array, \"netns\" first in each object");
	free(want);
	free(s);

	tcpfsm_print_stats_netns(cap_open(&cap), TCPFSM_FMT_JSON, st, ids, 0,
				 false);
	s = cap_close(&cap);
	CHECK_STR(s, "[]\n", "output: -j -A stats: no namespace, an empty array");
	free(s);
}

TEST_HARNESS_MAIN
