// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of monitor.c: the events lost, from the gaps in their
 * sequence numbers; the filters; the monitor, which counts the events it
 * filters out for the gaps; its lines, byte for byte.
 *
 *	monitor [-l] [-t TEST]...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "monitor.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

TEST(seqs)
{
	static const struct {
		uint32_t source;
		uint64_t seq, lost;
	} steps[] = {
		{ 0, 1, 0 },		/* baseline */
		{ 7, 10, 0 },		/* baseline of another source */
		{ 0, 2, 0 },
		{ 0, 5, 2 },
		{ 7, 11, 0 },
		{ 7, 15, 3 },
		{ 3, 100, 0 },		/* between 0 and 7 */
		{ 0, 6, 0 },
		{ 3, 101, 0 },
		{ 0, 100, 93 },
		{ 7, 16, 0 },
		{ 7, 1, 0 },		/* restarted: a new baseline */
		{ 7, 3, 1 },
		{ UINT32_MAX, UINT64_MAX - 1, 0 },
		{ UINT32_MAX, UINT64_MAX, 0 },
	};
	struct tcpfsm_seqs s = { 0 };
	uint64_t lost, total = 0;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (tcpfsm_seqs_account(&s, steps[i].source, steps[i].seq, &lost) ||
		    lost != steps[i].lost) {
			printf("# step %u: source %u seq %llu: lost %llu, expected %llu\n",
			       i, steps[i].source, (unsigned long long)steps[i].seq,
			       (unsigned long long)lost,
			       (unsigned long long)steps[i].lost);
			ok = false;
		}
		total += steps[i].lost;
	}
	CHECK(ok && s.lost == total && total == 99 && s.n == 4,
	      "seq: gaps per source, the first of each a baseline: %llu lost",
	      (unsigned long long)s.lost);
	tcpfsm_seqs_free(&s);

	/* many sources, in an order that inserts everywhere */
	ok = true;
	for (i = 0; i < 1000; i++)
		ok &= !tcpfsm_seqs_account(&s, (i * 389) % 1000, 1, &lost) && !lost;
	for (i = 0; i < 1000; i++)
		ok &= !tcpfsm_seqs_account(&s, 999 - i, 2 + i % 3, &lost) &&
		      lost == i % 3;
	CHECK(ok && s.n == 1000 && s.lost == 999,
	      "seq: 1000 sources, each its own sequence");
	tcpfsm_seqs_free(&s);
}

TEST(filter)
{
	struct tcpfsm_filter f;
	struct tcpfsm_event ev4, ev6;

	sample_event4(&ev4);	/* 43210 -> 8080, SYN_SENT -> ESTABLISHED */
	sample_event6(&ev6);	/* 8080 -> 51000, ESTABLISHED -> CLOSE_WAIT */

	memset(&f, 0, sizeof(f));
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: none: every event");
	f.family = AF_INET;
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: -4");
	f.family = AF_INET6;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: -6");

	memset(&f, 0, sizeof(f));
	f.ports = TCPFSM_FILTER_SPORT;
	f.sport = 8080;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: sport is the local port only");
	f.ports = TCPFSM_FILTER_DPORT;
	f.dport = 8080;
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: dport is the remote port only");
	f.ports = TCPFSM_FILTER_PORT;
	f.port = 8080;
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: port is either");
	f.port = 80;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: port of neither");
	f.port = 0;
	CHECK(!tcpfsm_filter_match(&f, &ev4), "filter: port 0 is a port, not any");

	memset(&f, 0, sizeof(f));
	f.states = BIT(TCPFSM_STATE_ESTABLISHED);
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: state: the new state of one, the old of the other");
	f.states = BIT(TCPFSM_STATE_SYN_SENT);
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: state SYN_SENT");
	f.states = BIT(TCPFSM_STATE_LISTEN) | BIT(TCPFSM_STATE_CLOSE_WAIT);
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: states repeated: any of them");

	/* all of them */
	f.family = AF_INET6;
	f.ports = TCPFSM_FILTER_SPORT | TCPFSM_FILTER_DPORT | TCPFSM_FILTER_PORT;
	f.sport = 8080;
	f.dport = 51000;
	f.port = 51000;
	CHECK(tcpfsm_filter_match(&f, &ev6), "filter: all, passed");
	f.dport = 51001;
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all, one failed");
	f.dport = 51000;
	f.states = BIT(TCPFSM_STATE_LISTEN);
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all but the state");
	f.states = 0;
	f.family = AF_INET;
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all but the family");
}

/* The monitor: filtered-out events count for the gaps */
TEST(monitor)
{
	struct tcpfsm_filter f = { .ports = TCPFSM_FILTER_PORT, .port = 8080 };
	struct tcpfsm_event ev;
	char *out, *err;
	struct mon t;
	int fmt;

	for (fmt = TCPFSM_FMT_TEXT; fmt <= TCPFSM_FMT_JSON; fmt++) {
		mon_start(&t, fmt, &f);
		sample_event4(&ev);			/* shown */
		ev.seq = 1;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.dport = 22;				/* hidden */
		ev.seq = 2;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.seq = 4;				/* hidden, 1 lost */
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.dport = 8080;			/* shown, 2 lost */
		ev.seq = 7;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.source = 1;				/* baseline */
		ev.seq = 50;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		tcpfsm_monitor_overflow(&t.m);
		ev.source = 3;
		ev.seq = 8;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		CHECK(t.m.received == 6 && t.m.shown == 4 && t.m.seqs.lost == 3 &&
		      t.m.overflows == 1 && !t.m.malformed,
		      "monitor: %s: 6 events, 4 shown, 3 lost", fmt ? "JSON" : "text");
		mon_end(&t, &out, &err);
		if (fmt == TCPFSM_FMT_TEXT)
			CHECK_STR(out,
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "LOST 1 events (source 3)\n"
				  "LOST 2 events (source 3)\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "lost events: socket buffer overflow\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n",
				  "monitor: text: the gaps of the events filtered out too");
		else
			CHECK(out && starts_with(out, "{\"time_ns\":1234567890123,") &&
			      strstr(out, "\"seq\":1}\n{\"lost\":1,\"source\":3}\n"
					  "{\"lost\":2,\"source\":3}\n{\"time_ns\":") &&
			      strstr(out, "\"seq\":7}\n{\"time_ns\":") &&
			      strstr(out, "\"source\":1,\"seq\":50}\n{\"lost\":null,\"overflows\":1}\n{\"time_ns\":") &&
			      count_lines(out, "\n") == 7 && count_lines(out, "\"seq\":") == 4,
			      "monitor: JSON: one object a line, the losses as objects");
		if (!CHECK(err && !err[0], "monitor: %s: nothing on stderr",
			   fmt ? "JSON" : "text"))
			diag("stderr", err);
		free(out);
		free(err);
	}
}

/* -t: the wall-clock time of an event, from its monotonic time */
TEST(wall_time)
{
	/* 2026-11-30T23:30:01.123456789Z is monotonic 1234.567890123 */
	const int64_t off = 1796081401123456789LL - 1234567890123LL;
	struct tcpfsm_filter f = { 0 };
	struct tcpfsm_event ev;
	char buf[TCPFSM_WALL_TIME_LEN], *out, *err;
	int64_t o1, o2;
	struct mon t;

	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK(!tcpfsm_wall_time(1234567890123ULL, off, buf, sizeof(buf)) &&
	      !strcmp(buf, "2026-11-30T23:30:01.123456+00:00"),
	      "wall time: UTC, microseconds, rounded down: %s", buf);
	setenv("TZ", "IST-5:30", 1);
	tzset();
	CHECK(!tcpfsm_wall_time(1234567890123ULL, off, buf, sizeof(buf)) &&
	      !strcmp(buf, "2026-12-01T05:00:01.123456+05:30"),
	      "wall time: the local time and its offset: %s", buf);
	setenv("TZ", "EST5", 1);
	tzset();
	CHECK(!tcpfsm_wall_time(0, -1, buf, sizeof(buf)) &&
	      !strcmp(buf, "1969-12-31T18:59:59.999999-05:00"),
	      "wall time: before 1970, rounded down: %s", buf);
	CHECK(tcpfsm_wall_time(UINT64_MAX, 0, buf, sizeof(buf)) == -1 &&
	      tcpfsm_wall_time(INT64_MAX, 1, buf, sizeof(buf)) == -1,
	      "wall time: an overflow is an error");
	CHECK(tcpfsm_wall_time(1234567890123ULL, off, buf, 20) == -1,
	      "wall time: a buffer too short is an error");

	/* now: the realtime clock is well ahead of the monotonic one */
	CHECK(!tcpfsm_wall_offset(&o1) && !tcpfsm_wall_offset(&o2) &&
	      o1 > 1000000000LL * 1600000000 && llabs(o1 - o2) < 1000000000LL,
	      "wall time: the offset of the clocks");

	setenv("TZ", "UTC0", 1);
	tzset();
	for (int fmt = TCPFSM_FMT_TEXT; fmt <= TCPFSM_FMT_JSON; fmt++) {
		mon_start(&t, fmt, &f);
		CHECK(!tcpfsm_monitor_wall(&t.m) && t.m.wall,
		      "monitor: -t reads the clocks");
		t.m.wall_offset_ns = off;
		sample_event4(&ev);
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		mon_end(&t, &out, &err);
		if (fmt == TCPFSM_FMT_TEXT)
			CHECK_STR(out, "2026-11-30T23:30:01.123456+00:00 1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n",
				  "monitor -t: text: the wall-clock time first");
		else
			CHECK_STR(out, "{\"wall_time\":\"2026-11-30T23:30:01.123456+00:00\",\"time_ns\":1234567890123,\"family\":\"ipv4\","
				  "\"saddr\":\"127.0.0.1\",\"sport\":43210,\"daddr\":\"10.1.2.3\",\"dport\":8080,"
				  "\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"old_state_ns\":52345678,"
				  "\"cookie\":4097,\"ino\":123456,\"uid\":1000,\"source\":3,\"seq\":17}\n",
				  "monitor -t: JSON: wall_time, then time_ns");
		CHECK(err && !err[0], "monitor -t: nothing on stderr");
		free(out);
		free(err);
	}
}

/*
 * The lines of the monitor byte for byte, with what the samples lack: the
 * wall time, the timewait and request marks, the largest numbers (the
 * lines as the json_print.h calls wrote them before the lines were built
 * in memory)
 */
TEST(lines)
{
	static const char *const want[] = {
		"2026-11-30T23:30:01.123456+01:00 1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms tw cookie 4097\n"
		"0.000000 ipv6 [::1]:0 [2001:db8::1]:51000 ESTABLISHED -> CLOSE_WAIT - req\n"
		"LOST 18446744073709551615 events (source 4294967295)\n"
		"lost events: socket buffer overflow\n",
		"{\"wall_time\":\"2026-11-30T23:30:01.123456+01:00\",\"time_ns\":1234567890123,\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":43210,\"daddr\":\"10.1.2.3\",\"dport\":8080,\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"old_state_ns\":52345678,\"timewait\":true,\"cookie\":4097,\"source\":3,\"seq\":17}\n"
		"{\"time_ns\":7,\"family\":\"ipv6\",\"saddr\":\"::1\",\"sport\":0,\"daddr\":\"2001:db8::1\",\"dport\":51000,\"old\":\"ESTABLISHED\",\"new\":\"CLOSE_WAIT\",\"request\":true,\"source\":0,\"seq\":1}\n"
		"{\"lost\":18446744073709551615,\"source\":4294967295}\n"
		"{\"lost\":null,\"overflows\":12}\n",
	};
	struct tcpfsm_event a, b;
	size_t len;
	char *out;
	FILE *f;
	int fmt;

	for (fmt = TCPFSM_FMT_TEXT; fmt <= TCPFSM_FMT_JSON; fmt++) {
		f = open_memstream(&out, &len);
		ASSERT_NE(NULL, f);
		sample_event4(&a);
		a.present |= BIT(TCPFSM_A_EVENT_TIMEWAIT);
		a.present &= ~(BIT(TCPFSM_A_EVENT_INO) | BIT(TCPFSM_A_EVENT_UID));
		tcpfsm_print_event_at(f, fmt, &a, "2026-11-30T23:30:01.123456+01:00");
		sample_event6(&b);
		b.present |= BIT(TCPFSM_A_EVENT_REQUEST);
		b.time_ns = 7;
		b.sport = 0;
		tcpfsm_print_event(f, fmt, &b);
		tcpfsm_print_lost(f, fmt, UINT64_MAX, UINT32_MAX);
		tcpfsm_print_overflow(f, fmt, 12);
		ASSERT_EQ(0, fclose(f));
		CHECK_STR(out, want[fmt],
			  fmt ? "the monitor's lines, JSON" : "the monitor's lines, text");
		free(out);
	}
}

TEST_HARNESS_MAIN
