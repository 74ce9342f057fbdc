/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: a GET reply in the Prometheus text exposition format, for
 * node_exporter's textfile collector.
 */
#ifndef TCPFSM_PROM_H
#define TCPFSM_PROM_H

#include <stdio.h>

#include "nl.h"

void tcpfsm_print_prometheus(FILE *f, const struct tcpfsm_stats *st);

#endif /* TCPFSM_PROM_H */
