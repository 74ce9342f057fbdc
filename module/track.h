/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: time in state (track.c): a table per netns of when each tracked
 * socket entered its state, and the histograms it feeds.
 */
#ifndef _TCPFSM_TRACK_H
#define _TCPFSM_TRACK_H

#include "tcpfsm.h"

/**
 * struct tcpfsm_dwell - what the table says of a transition
 * @now: ktime_get_ns() at the transition, 0 if tracking is off
 * @ns: time spent in the old state, or TCPFSM_DWELL_UNKNOWN
 */
struct tcpfsm_dwell {
	u64 now;
	u64 ns;
};

void tcpfsm_track_init_net(struct net *net, struct tcpfsm_net *tn);
void tcpfsm_track_exit_net(struct tcpfsm_net *tn);
void tcpfsm_track(const struct sock *sk, struct tcpfsm_net *tn,
		  struct tcpfsm_pcpu __percpu *stats, int old, int new,
		  struct tcpfsm_dwell *d);
void tcpfsm_track_tw_created(const void *tw, struct tcpfsm_net *tn,
			     struct tcpfsm_pcpu __percpu *stats, int sub,
			     struct tcpfsm_dwell *d);
void tcpfsm_track_tw_left(const void *tw, struct tcpfsm_net *tn,
			  struct tcpfsm_pcpu __percpu *stats, int sub, bool end,
			  struct tcpfsm_dwell *d);
bool tcpfsm_track_since(const struct sock *sk, u64 *since);
unsigned int tcpfsm_track_size(const struct tcpfsm_net *tn);
int tcpfsm_dwell_state(int i);
unsigned int tcpfsm_dwell_bucket(u64 ns);

#endif /* _TCPFSM_TRACK_H */
