/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the RFC 9293 state diagram, drawn from a GET reply: each
 * state's sockets now and median time in state, each edge's count.
 */
#ifndef TCPFSM_DIAGRAM_H
#define TCPFSM_DIAGRAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json_print.h"
#include "nl.h"

/* The width of the drawing, in columns */
#define TCPFSM_DIAGRAM_WIDTH	80

/* A figure of the diagram: absent where the kernel does not send a term */
struct tcpfsm_dg_value {
	bool present;
	int64_t v;
};

bool tcpfsm_dwell_median(const struct tcpfsm_dwell *d, uint64_t *ns);
struct tcpfsm_dg_value tcpfsm_diagram_edge(const struct tcpfsm_stats *st,
					   unsigned int from, unsigned int to,
					   const char *via);
void tcpfsm_print_diagram(FILE *f, enum tcpfsm_fmt fmt,
			  const struct tcpfsm_stats *st);

#endif /* TCPFSM_DIAGRAM_H */
