/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: rendering of the structures of nl.h as text or JSON, and the
 * small JSON writer that does it.
 */
#ifndef TCPFSM_OUTPUT_H
#define TCPFSM_OUTPUT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json_print.h"
#include "nl.h"

/* The longest [ADDR]:PORT, and its NUL */
#define TCPFSM_ENDPOINT_LEN	(INET6_ADDRSTRLEN + 8)

const char *tcpfsm_family_name(unsigned int family);
char *tcpfsm_addr_str(unsigned int family, const uint8_t *addr, char *buf,
		      size_t len);
char *tcpfsm_endpoint_str(unsigned int family, const uint8_t *addr,
			  uint16_t port, char *buf, size_t len);
char *tcpfsm_duration_str(uint64_t ns, char *buf, size_t len);

void tcpfsm_print_stats(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_stats *st, bool all);
struct tcpfsm_netns_id;
void tcpfsm_print_stats_netns(FILE *f, enum tcpfsm_fmt fmt,
			      const struct tcpfsm_stats *st,
			      const struct tcpfsm_netns_id *ids, size_t n,
			      bool all);
void tcpfsm_print_state(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_stats *st, unsigned int state);

/* The lines of the monitor: -j is one compact object a line, even with -p */
void tcpfsm_print_event(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_event *ev);
void tcpfsm_print_event_at(FILE *f, enum tcpfsm_fmt fmt,
			   const struct tcpfsm_event *ev, const char *wall);
void tcpfsm_print_lost(FILE *f, enum tcpfsm_fmt fmt, uint64_t lost,
		       uint32_t source);
void tcpfsm_print_overflow(FILE *f, enum tcpfsm_fmt fmt, uint64_t overflows);
void tcpfsm_print_monitor_summary(FILE *f, uint64_t events, uint64_t lost,
				  uint64_t overflows);

void tcpfsm_print_timewait(FILE *f, enum tcpfsm_fmt fmt,
			   const struct tcpfsm_timewait *tw);

/* "family", "saddr", "sport", "daddr", "dport"; in text " ipv4 SRC DST" */
void print_ends(enum output_type t, unsigned int family, const uint8_t *saddr,
		uint16_t sport, const uint8_t *daddr, uint16_t dport);

#endif /* TCPFSM_OUTPUT_H */
