/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: request sockets (reqsk.c), the server's side of the handshake,
 * seen through kprobes: created (hashed), completed (the final ACK made a
 * child), and each way out without a child, counted per netns in struct
 * tcpfsm_rsk_pcpu; the time from the first SYN-ACK to the final ACK as a
 * histogram; handshakes completed by a SYN cookie apart.
 */
#ifndef _TCPFSM_REQSK_H
#define _TCPFSM_REQSK_H

#include "tcpfsm.h"

/**
 * struct tcpfsm_rsk_figures - what /proc/net/tcpfsm/handshake and the
 * handshake nest of netlink show
 * @c: the request-socket counters, folded (struct tcpfsm_rsk_counters's)
 * @current_nr: request sockets now, counted by their probes
 * @samples: handshakes in the histogram of the time from the first SYN-ACK
 *	to the final ACK
 * @sum_ns: the sum of those times
 */
struct tcpfsm_rsk_figures {
	struct tcpfsm_rsk_pcpu c;
	s64 current_nr;
	u64 samples;
	u64 sum_ns;
};

int tcpfsm_rsk_register(void);
void tcpfsm_rsk_unregister(void);
bool tcpfsm_rsk_counting(void);
bool tcpfsm_rsk_cookies_counting(void);
s64 tcpfsm_rsk_flow(const struct tcpfsm_rsk_counters *rsk);
void tcpfsm_rsk_figures(const struct tcpfsm_snapshot *snap,
			struct tcpfsm_rsk_figures *f);
void tcpfsm_rsk_machine(const struct tcpfsm_snapshot *snap,
			u64 m[TCPFSM_NR_STATES][TCPFSM_NR_STATES]);

#endif /* _TCPFSM_REQSK_H */
