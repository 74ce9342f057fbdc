/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples the unit tests share (samples.c): a reply of GET, events, time
 * in state; a monitor writing into memory.
 */
#ifndef TCPFSM_TESTS_SAMPLES_H
#define TCPFSM_TESTS_SAMPLES_H

#include <stdint.h>

#include <libmnl/libmnl.h>

#include "helpers.h"
#include "monitor.h"
#include "nl.h"
#include "output.h"

/* The figures of one state, as far as it has them */
void set_state(struct tcpfsm_stats *st, unsigned int state,
	       int64_t current, uint64_t entered, uint64_t left);
/* A complete reply of GET, as tcpfsm_parse_stats() would fill it */
void sample_stats(struct tcpfsm_stats *st);
/* Time in state: ESTABLISHED 7 samples, CLOSE_WAIT 1 in the last bucket */
void sample_dwell(struct tcpfsm_stats *st);

/* An AF_INET event with every attribute, and its output */
void sample_event4(struct tcpfsm_event *ev);
extern const char event4_text[], event4_json[];
/* An AF_INET6 event without the optional attributes, and its output */
void sample_event6(struct tcpfsm_event *ev);
extern const char event6_text[], event6_json[];

/* A pad attribute, as the kernel puts before a u64 it aligns */
void put_pad(struct nlmsghdr *nlh, uint16_t type);

/* The output of the monitor, in memory */
struct mon {
	struct tcpfsm_monitor m;
	struct capture out, err;
};

void mon_start(struct mon *t, enum tcpfsm_fmt fmt,
	       const struct tcpfsm_filter *filter);
/* Ends it; its stdout and stderr in *out and *err, to free() */
void mon_end(struct mon *t, char **out, char **err);

#endif /* TCPFSM_TESTS_SAMPLES_H */
