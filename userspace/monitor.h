/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the monitor's logic, between the events nl.c reads and the lines
 * output.c prints: the filters of the command line, the accounting of the
 * events lost from the gaps in the sequence numbers of each source.
 */
#ifndef TCPFSM_MONITOR_H
#define TCPFSM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"
#include "output.h"

/* Which ports a filter has */
#define TCPFSM_FILTER_SPORT	0x1
#define TCPFSM_FILTER_DPORT	0x2
#define TCPFSM_FILTER_PORT	0x4

/* What an event must be to be shown; all zero: any */
struct tcpfsm_filter {
	unsigned int family;	/* AF_INET or AF_INET6, 0 for both */
	unsigned int ports;	/* TCPFSM_FILTER_x: those given */
	uint16_t sport, dport;
	uint16_t port;		/* sport or dport */
	uint32_t states;	/* BIT(state): the old or the new is one of them */
};

bool tcpfsm_filter_match(const struct tcpfsm_filter *f,
			 const struct tcpfsm_event *ev);

/* The last sequence number of each source, sorted by source */
struct tcpfsm_seqs {
	struct tcpfsm_seq_source {
		uint32_t source;
		uint64_t seq;
	} *v;
	size_t n, size;
	uint64_t lost;		/* in all */
};

/*
 * The output buffer of the monitor, written out after each burst of
 * datagrams read (or when full)
 */
#define TCPFSM_MONITOR_OUTBUF	(256 << 10)

/* 2026-11-30T23:30:01.123456+01:00 and its NUL */
#define TCPFSM_WALL_TIME_LEN	33

int tcpfsm_wall_offset(int64_t *off_ns);
int tcpfsm_wall_time(uint64_t mono_ns, int64_t off_ns, char *buf, size_t len);

int tcpfsm_seqs_account(struct tcpfsm_seqs *s, uint32_t source, uint64_t seq,
			uint64_t *lost);
void tcpfsm_seqs_free(struct tcpfsm_seqs *s);

struct tcpfsm_monitor {
	FILE *out;		/* the events, the losses */
	FILE *err;		/* the events that do not parse */
	enum tcpfsm_fmt fmt;	/* text or compact JSON */
	struct tcpfsm_filter filter;
	struct tcpfsm_seqs seqs;
	uint64_t received;	/* events that parsed */
	uint64_t shown;		/* of them, those the filter let through */
	uint64_t malformed;	/* messages that did not parse */
	uint64_t overflows;	/* ENOBUFS: the socket buffer was full */
	bool wall;		/* -t: the wall-clock time of each event */
	int64_t wall_offset_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
};

void tcpfsm_monitor_init(struct tcpfsm_monitor *m, FILE *out, FILE *err,
			 enum tcpfsm_fmt fmt, const struct tcpfsm_filter *filter);
int tcpfsm_monitor_cb(const struct tcpfsm_event *ev, const struct tcpfsm_err *e,
		      void *data);
void tcpfsm_monitor_overflow(struct tcpfsm_monitor *m);
int tcpfsm_monitor_wall(struct tcpfsm_monitor *m);
void tcpfsm_monitor_free(struct tcpfsm_monitor *m);

#endif /* TCPFSM_MONITOR_H */
