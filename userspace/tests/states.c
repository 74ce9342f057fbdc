// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of states.c: the names of the TCP states and what each has.
 *
 *	states [-l] [-t TEST]...
 */
#include <stdlib.h>
#include <string.h>

#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"

TEST(names)
{
	static const struct {
		const char *s;
		int state;
	} good[] = {
		{ "ESTABLISHED", 1 }, { "established", 1 }, { "ESTAB", 1 },
		{ "estab", 1 }, { "SYN-SENT", 2 }, { "syn_sent", 2 },
		{ "SYN-RECV", 3 }, { "FIN-WAIT-1", 4 }, { "fin-wait1", 4 },
		{ "FIN_WAIT1", 4 }, { "FIN-WAIT-2", 5 }, { "TIME-WAIT", 6 },
		{ "time_wait", 6 }, { "CLOSE", 7 }, { "UNCONN", 7 },
		{ "CLOSE-WAIT", 8 }, { "LAST-ACK", 9 }, { "Listen", 10 },
		{ "CLOSING", 11 }, { "NEW_SYN_RECV", 12 }, { "new-syn-recv", 12 },
		{ "TCP_ESTABLISHED", 1 }, { "tcp_close_wait", 8 }, { "1", 1 },
		{ "12", 12 }, { "07", 7 },
	};
	static const char *const bad[] = {
		"", "0", "13", "1x", "-1", "+1", " 1", "1 ", "0x1", "ESTA",
		"ESTABLISHEDX", "ESTABLISHED ", "FINWAIT1", "FIN-WAIT-3", "TCP_",
		"TCP_1", "TCP_ESTAB_", "SYN__SENT", "99999999999999999999", "help",
	};
	unsigned int i;
	bool ok;

	CHECK(!strcmp(tcpfsm_state_name(1), "ESTABLISHED") &&
	      !strcmp(tcpfsm_state_name(6), "TIME_WAIT") &&
	      !strcmp(tcpfsm_state_name(12), "NEW_SYN_RECV") &&
	      !tcpfsm_state_name(0) && !tcpfsm_state_name(13),
	      "states: names of 1, 6, 12; none for 0 and 13");

	ok = true;
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (tcpfsm_state_parse(tcpfsm_state_name(i)) != (int)i) {
			printf("# %s does not parse as %u\n", tcpfsm_state_name(i), i);
			ok = false;
		}
	}
	CHECK(ok, "states: every name parses as its number");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		int got = tcpfsm_state_parse(good[i].s);

		if (got != good[i].state) {
			printf("# \"%s\": %d, expected %d\n", good[i].s, got,
			       good[i].state);
			ok = false;
		}
	}
	CHECK(ok, "states: any case, ss spellings, TCP_ prefix, numbers");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int got = tcpfsm_state_parse(bad[i]);

		if (got != -1) {
			printf("# \"%s\" parses as %d\n", bad[i], got);
			ok = false;
		}
	}
	CHECK(ok, "states: bad names and numbers are refused");

	ok = true;
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		bool cur = i != TCPFSM_STATE_CLOSE;
		bool flow = i != TCPFSM_STATE_TIME_WAIT &&
			    i != TCPFSM_STATE_NEW_SYN_RECV;

		ok &= tcpfsm_state_has_current(i) == cur &&
		      tcpfsm_state_has_flow(i) == flow;
	}
	CHECK(ok, "states: no current for CLOSE, no flow for TIME_WAIT and NEW_SYN_RECV");
}

TEST_HARNESS_MAIN
