/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: timewait sockets (timewait.c), seen through kprobes: created in
 * substate FIN_WAIT2 or TIME_WAIT, FIN_WAIT2 -> TIME_WAIT, and each way
 * out, counted per netns in struct tcpfsm_tw_pcpu.
 */
#ifndef _TCPFSM_TIMEWAIT_H
#define _TCPFSM_TIMEWAIT_H

#include "tcpfsm.h"

/*
 * What /proc/net/tcpfsm/timewait shows of one substate, and its time in
 * state (time_in_timewait): @samples and @sum_ns of the histogram
 * snap->sum.tw.dwell[sub], @untracked the sockets created in it without a
 * slot of the table.
 */
struct tcpfsm_tw_figures {
	s64 current_nr;
	u64 created;
	u64 refused;
	u64 entered;
	u64 left;
	u64 timer;
	u64 reused;
	u64 killed;
	u64 samples;
	u64 sum_ns;
	u64 untracked;
};

int tcpfsm_tw_register(void);
void tcpfsm_tw_unregister(void);
bool tcpfsm_tw_counting(void);
bool tcpfsm_tw_exits_counting(void);
bool tcpfsm_tw_refused_counting(void);
bool tcpfsm_tw_from_counting(void);
void tcpfsm_tw_machine(const struct tcpfsm_snapshot *snap,
		       u64 m[TCPFSM_NR_STATES][TCPFSM_NR_STATES]);
void tcpfsm_tw_figures(const struct tcpfsm_snapshot *snap, int sub,
		       struct tcpfsm_tw_figures *f);
s64 tcpfsm_tw_flow(const struct tcpfsm_tw_counters *tw, int sub);
int tcpfsm_tw_sub(int substate);

#endif /* _TCPFSM_TIMEWAIT_H */
