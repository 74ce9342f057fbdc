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

/* What /proc/net/tcpfsm/handshake shows. */
struct tcpfsm_rsk_figures {
	s64 current_nr;
	u64 created;
	u64 completed;
	u64 expired;
	u64 orphaned;
	u64 dropped;
	u64 cookies;
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
