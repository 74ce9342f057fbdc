/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: a GET reply in the Prometheus text exposition format, for
 * node_exporter's textfile collector.
 */
#ifndef TCPFSM_PROM_H
#define TCPFSM_PROM_H

#include <stddef.h>
#include <stdio.h>

#include "nl.h"

#ifndef TCPFSM_VERSION
#define TCPFSM_VERSION	"unknown"
#endif

/* Flags of tcpfsm_print_prometheus() */
#define TCPFSM_PROM_NO_HIST	0x1	/* no histograms (stats nohist) */

void tcpfsm_print_prometheus(FILE *f, const struct tcpfsm_stats *st);
void tcpfsm_print_prometheus_flags(FILE *f, const struct tcpfsm_stats *st,
				   unsigned int flags);

/* netns="LABEL" (escaped): the room for the label netns of -A */
#define TCPFSM_PROM_BASE_LEN	(2 * 256 + 16)

int tcpfsm_print_prometheus_netns(FILE *f, const struct tcpfsm_stats *st,
				  const char *const *labels, size_t n,
				  unsigned int flags);

#endif /* TCPFSM_PROM_H */
