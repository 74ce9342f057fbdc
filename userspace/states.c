// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: TCP state names and numbers.
 *
 * The names are the kernel's (include/net/tcp_states.h without TCP_), which
 * is also how /proc/net/tcpfsm spells them. tcpfsm_state_parse() also takes
 * the spellings of ss (ESTAB, SYN-SENT, FIN-WAIT-1, UNCONN...), the kernel's
 * own (TCP_ESTABLISHED, as the sock:inet_sock_set_state tracepoint prints
 * it) and numbers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spec.h"
#include "states.h"
#include "util.h"

/*
 * Spellings of ss that differ from the kernel's by more than '-' for '_'.
 * ss shows both SYN_RECV and NEW_SYN_RECV as SYN-RECV: it means SYN_RECV.
 */
static const struct {
	const char *name;
	unsigned int state;
} state_aliases[] = {
	{ "ESTAB",	TCPFSM_STATE_ESTABLISHED },
	{ "FIN_WAIT_1",	TCPFSM_STATE_FIN_WAIT1 },
	{ "FIN_WAIT_2",	TCPFSM_STATE_FIN_WAIT2 },
	{ "UNCONN",	TCPFSM_STATE_CLOSE },
};

/**
 * tcpfsm_state_name() - the name of a state
 * @state: its number
 *
 * Return: "ESTABLISHED" for 1 and so on, NULL for a number out of 1..12.
 */
const char *tcpfsm_state_name(unsigned int state)
{
	if (state < 1 || state > TCPFSM_NR_STATES)
		return NULL;
	return tcpfsm_state_names[state];
}

/* Case-insensitive, and '-' matches '_' */
static bool name_eq(const char *s, const char *name)
{
	for (; *s && *name; s++, name++) {
		int c = *s == '-' ? '_' : toupper((unsigned char)*s);

		if (c != *name)
			return false;
	}
	return !*s && !*name;
}

/**
 * tcpfsm_state_parse() - the number of a state
 * @s: its name, its ss spelling, or its number in decimal
 *
 * Return: 1..12, or -1 if @s names no state.
 */
int tcpfsm_state_parse(const char *s)
{
	unsigned int i;

	if (*s >= '0' && *s <= '9') {
		unsigned long v;
		char *end;

		v = strtoul(s, &end, 10);
		if (*end || v < 1 || v > TCPFSM_NR_STATES)
			return -1;
		return v;
	}
	if (!strncasecmp(s, "TCP_", 4))
		s += 4;
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (name_eq(s, tcpfsm_state_names[i]))
			return i;
	for (i = 0; i < ARRAY_SIZE(state_aliases); i++)
		if (name_eq(s, state_aliases[i].name))
			return state_aliases[i].state;
	return -1;
}

/**
 * tcpfsm_state_has_current() - whether the module counts sockets in a state
 * @state: 1..12
 *
 * Return: false for CLOSE, which is not tracked.
 */
bool tcpfsm_state_has_current(unsigned int state)
{
	return state != TCPFSM_STATE_CLOSE;
}

/**
 * tcpfsm_state_has_flow() - whether a state has entered and left figures
 * @state: 1..12
 *
 * Return: false for TIME_WAIT and NEW_SYN_RECV, which no transition reports.
 */
bool tcpfsm_state_has_flow(unsigned int state)
{
	return state != TCPFSM_STATE_TIME_WAIT &&
	       state != TCPFSM_STATE_NEW_SYN_RECV;
}

/**
 * tcpfsm_state_has_dwell() - whether the module times how long sockets stay
 * @state: 1..12
 *
 * Return: true for the states a socket stays in until a transition takes
 * it out: SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2,
 * CLOSE_WAIT, LAST_ACK and CLOSING.
 */
bool tcpfsm_state_has_dwell(unsigned int state)
{
	return state >= TCPFSM_STATE_ESTABLISHED &&
	       state <= TCPFSM_STATE_CLOSING &&
	       state != TCPFSM_STATE_TIME_WAIT && state != TCPFSM_STATE_CLOSE &&
	       state != TCPFSM_STATE_LISTEN;
}
