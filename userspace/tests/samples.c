// SPDX-License-Identifier: GPL-2.0
/*
 * Samples the unit tests share: a reply of GET, events, time in state;
 * a monitor writing into memory. Without the harness (helpers.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <netinet/in.h>

#include "monitor.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "helpers.h"
#include "samples.h"

void set_state(struct tcpfsm_stats *st, unsigned int state,
	       int64_t current, uint64_t entered, uint64_t left)
{
	struct tcpfsm_state_stats *s = &st->state[state];

	s->present = true;
	s->has_current = tcpfsm_state_has_current(state);
	s->has_flow = tcpfsm_state_has_flow(state);
	s->current = s->has_current ? current : 0;
	s->entered = s->has_flow ? entered : 0;
	s->left = s->has_flow ? left : 0;
}

/* A complete reply of GET, as tcpfsm_parse_stats() would fill it */
void sample_stats(struct tcpfsm_stats *st)
{
	static const int64_t fig[][3] = {
		{ 0, 0, 0 },
		{ 2, 14, 12 }, { 0, 7, 7 }, { 0, 2, 2 }, { 0, 3, 3 },
		{ 1, 3, 2 }, { 6, 0, 0 }, { 0, 14, 9 }, { 1, 6, 5 },
		{ -1, 5, 6 }, { 1, 2, 1 }, { 0, 0, 0 }, { 3, 0, 0 },
	};
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		set_state(st, i, fig[i][0], fig[i][1], fig[i][2]);
	for (i = 1; i <= TCPFSM_NR_TRANS_STATES; i++)
		st->trans_seen[i] = 0xffe & (BIT(TCPFSM_NR_TRANS_STATES + 1) - 1);
	st->trans[TCPFSM_STATE_CLOSE][TCPFSM_STATE_SYN_SENT] = 7;
	st->trans[TCPFSM_STATE_SYN_SENT][TCPFSM_STATE_ESTABLISHED] = 7;
	st->trans[TCPFSM_STATE_ESTABLISHED][TCPFSM_STATE_FIN_WAIT1] = 3;
	st->trans[TCPFSM_STATE_FIN_WAIT2][TCPFSM_STATE_FIN_WAIT2] = 1;
	st->trans[TCPFSM_STATE_LISTEN][TCPFSM_STATE_SYN_RECV] = 2;
	st->trans[TCPFSM_STATE_CLOSE_WAIT][TCPFSM_STATE_CLOSE] = UINT64_MAX;
	st->events_sent = 10;
	st->events_lost_overflow = 1;
	st->events_lost_nomem = 0;
	st->events_lost_rcvbuf = 2;
	st->events_unheard = 4;
	st->present = BIT(TCPFSM_A_STATS_TRANSITION) | BIT(TCPFSM_A_STATS_STATE) |
		      BIT(TCPFSM_A_STATS_EVENTS_SENT) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_NOMEM) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_RCVBUF) |
		      BIT(TCPFSM_A_STATS_EVENTS_UNHEARD);
}

/* An AF_INET event with every attribute */
void sample_event4(struct tcpfsm_event *ev)
{
	static const uint8_t saddr[4] = { 127, 0, 0, 1 }, daddr[4] = { 10, 1, 2, 3 };

	memset(ev, 0, sizeof(*ev));
	ev->family = AF_INET;
	memcpy(ev->saddr, saddr, sizeof(saddr));
	memcpy(ev->daddr, daddr, sizeof(daddr));
	ev->sport = 43210;
	ev->dport = 8080;
	ev->old_state = TCPFSM_STATE_SYN_SENT;
	ev->new_state = TCPFSM_STATE_ESTABLISHED;
	ev->time_ns = 1234567890123ULL;
	ev->cookie = 4097;
	ev->ino = 123456;
	ev->uid = 1000;
	ev->source = 3;
	ev->seq = 17;
	ev->old_state_ns = 52345678;
	ev->present = BIT(TCPFSM_A_EVENT_FAMILY) | BIT(TCPFSM_A_EVENT_SADDR4) |
		      BIT(TCPFSM_A_EVENT_DADDR4) | BIT(TCPFSM_A_EVENT_SPORT) |
		      BIT(TCPFSM_A_EVENT_DPORT) | BIT(TCPFSM_A_EVENT_OLD_STATE) |
		      BIT(TCPFSM_A_EVENT_NEW_STATE) | BIT(TCPFSM_A_EVENT_TIMESTAMP) |
		      BIT(TCPFSM_A_EVENT_COOKIE) | BIT(TCPFSM_A_EVENT_INO) |
		      BIT(TCPFSM_A_EVENT_UID) | BIT(TCPFSM_A_EVENT_SOURCE) |
		      BIT(TCPFSM_A_EVENT_SEQ) | BIT(TCPFSM_A_EVENT_OLD_STATE_NS);
}

/* An AF_INET6 event without the optional attributes */
void sample_event6(struct tcpfsm_event *ev)
{
	static const uint8_t daddr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	memset(ev, 0, sizeof(*ev));
	ev->family = AF_INET6;
	ev->saddr[15] = 1;			/* ::1 */
	memcpy(ev->daddr, daddr, sizeof(daddr));	/* 2001:db8::1 */
	ev->sport = 8080;
	ev->dport = 51000;
	ev->old_state = TCPFSM_STATE_ESTABLISHED;
	ev->new_state = TCPFSM_STATE_CLOSE_WAIT;
	ev->time_ns = 5000001;
	ev->source = 0;
	ev->seq = 1;
	ev->present = BIT(TCPFSM_A_EVENT_FAMILY) | BIT(TCPFSM_A_EVENT_SADDR6) |
		      BIT(TCPFSM_A_EVENT_DADDR6) | BIT(TCPFSM_A_EVENT_SPORT) |
		      BIT(TCPFSM_A_EVENT_DPORT) | BIT(TCPFSM_A_EVENT_OLD_STATE) |
		      BIT(TCPFSM_A_EVENT_NEW_STATE) | BIT(TCPFSM_A_EVENT_TIMESTAMP) |
		      BIT(TCPFSM_A_EVENT_SOURCE) | BIT(TCPFSM_A_EVENT_SEQ);
}

const char event4_text[] =
	"1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n";
const char event4_json[] =
	"{\"time_ns\":1234567890123,\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":43210,"
	"\"daddr\":\"10.1.2.3\",\"dport\":8080,\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\","
	"\"old_state_ns\":52345678,\"cookie\":4097,\"ino\":123456,\"uid\":1000,\"source\":3,\"seq\":17}\n";
const char event6_text[] =
	"0.005000 ipv6 [::1]:8080 [2001:db8::1]:51000 ESTABLISHED -> CLOSE_WAIT -\n";
const char event6_json[] =
	"{\"time_ns\":5000001,\"family\":\"ipv6\",\"saddr\":\"::1\",\"sport\":8080,"
	"\"daddr\":\"2001:db8::1\",\"dport\":51000,\"old\":\"ESTABLISHED\",\"new\":\"CLOSE_WAIT\","
	"\"source\":0,\"seq\":1}\n";

/* ESTABLISHED: 7 samples, avg 1.234 ms; CLOSE_WAIT: 1, in the last bucket */
void sample_dwell(struct tcpfsm_stats *st)
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

void put_pad(struct nlmsghdr *nlh, uint16_t type)
{
	mnl_attr_put(nlh, type, 0, NULL);
}

void mon_start(struct mon *t, enum tcpfsm_fmt fmt,
	       const struct tcpfsm_filter *filter)
{
	cap_open(&t->out);
	cap_open(&t->err);
	tcpfsm_monitor_init(&t->m, t->out.f, t->err.f, fmt, filter);
}

/* Ends it; its stdout and stderr in *out and *err, to free() */
void mon_end(struct mon *t, char **out, char **err)
{
	*out = cap_close(&t->out);
	*err = cap_close(&t->err);
	tcpfsm_monitor_free(&t->m);
}
