/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the time-in-state histograms of a GET reply, as bcc's tools
 * print their log2 histograms, or as JSON.
 */
#ifndef TCPFSM_HIST_H
#define TCPFSM_HIST_H

#include <stdint.h>
#include <stdio.h>

#include "nl.h"
#include "output.h"

/* The width of the bars */
#define TCPFSM_HIST_STARS	40

uint64_t tcpfsm_bucket_low_us(unsigned int i);
uint64_t tcpfsm_bucket_high_us(unsigned int i);
void tcpfsm_print_hist(FILE *f, enum tcpfsm_fmt fmt,
		       const struct tcpfsm_stats *st, uint32_t states);

#endif /* TCPFSM_HIST_H */
