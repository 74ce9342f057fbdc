/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: time in state (track.c): a table per netns of when each tracked
 * socket entered its state, and the histograms it feeds.
 */
#ifndef _TCPFSM_TRACK_H
#define _TCPFSM_TRACK_H

#include <linux/timekeeping.h>

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
void tcpfsm_track_tw_left(const void *tw, struct tcpfsm_net *tn, int sub,
			  bool end, struct tcpfsm_dwell *d);
bool tcpfsm_track_since(const struct sock *sk, u64 *since);
const struct tcpfsm_hist *tcpfsm_track_hist(const struct tcpfsm_net *tn);
unsigned int tcpfsm_track_size(const struct tcpfsm_net *tn);
int tcpfsm_dwell_state(int i);
unsigned int tcpfsm_dwell_bucket(u64 ns);

/**
 * tcpfsm_kprobe_now() - the time, in a kprobe handler
 *
 * A kprobe placed by an int3 (not by ftrace: the debug kernel's) runs its
 * handler as an NMI, where ktime_get()'s seqcount must not be taken
 * (lockdep: inconsistent lock state, IN-NMI): the NMI-safe reader of the
 * same clock, CLOCK_MONOTONIC, as the tracepoint's probe reads it.
 *
 * Return: ktime_get_ns() time.
 */
static inline u64 tcpfsm_kprobe_now(void)
{
	return ktime_get_mono_fast_ns();
}

/**
 * tcpfsm_since() - the time between two readings of the clock
 * @now: the later one
 * @since: the earlier one, maybe read by the other reader of the clock,
 *	which can be a hair ahead
 *
 * Return: @now - @since, 0 if @since is after @now.
 */
static inline u64 tcpfsm_since(u64 now, u64 since)
{
	return now > since ? now - since : 0;
}

#endif /* _TCPFSM_TRACK_H */
