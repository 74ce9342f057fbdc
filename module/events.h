/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the transition events of the "events" multicast group
 * (events.c): per-CPU rings the probe fills, their deferred sender, and
 * the subscriptions that say which netns wants them.
 */
#ifndef _TCPFSM_EVENTS_H
#define _TCPFSM_EVENTS_H

#include "genl.h"
#include "tcpfsm.h"
#include "track.h"

struct inet_timewait_sock;
struct request_sock;

int tcpfsm_events_init(void);
void tcpfsm_events_flush(void);
void tcpfsm_events_fini(void);
void tcpfsm_events_init_net(struct tcpfsm_net *tn);
int tcpfsm_events_subs_register(void);
void tcpfsm_events_subs_unregister(void);
void tcpfsm_events_exit_net(struct net *net);
void tcpfsm_event_record(const struct sock *sk, struct net *net,
			 struct tcpfsm_pcpu __percpu *stats, int old, int new,
			 const struct tcpfsm_dwell *d);
void tcpfsm_event_record_tw(const struct inet_timewait_sock *tw,
			    struct net *net, struct tcpfsm_pcpu __percpu *stats,
			    int old, int new, const struct tcpfsm_dwell *d);
void tcpfsm_event_record_rsk(const struct request_sock *req,
			     struct net *net, struct tcpfsm_pcpu __percpu *stats,
			     int old, int new, const struct tcpfsm_dwell *d);

/**
 * tcpfsm_events_wanted() - whether the events of a netns are wanted
 * @net: the netns
 * @tn: its state
 *
 * A socket of @net is subscribed (tn->ev_nr_subs, written only when one
 * subscribes or goes away: read-mostly for the probe) and the group has
 * a listener somewhere (the kernel keeps no count per netns).
 *
 * Return: true if the probe should record the events of the netns.
 */
static inline bool tcpfsm_events_wanted(struct net *net,
					const struct tcpfsm_net *tn)
{
	return unlikely(READ_ONCE(tn->ev_nr_subs)) &&
	       genl_has_listeners(&tcpfsm_nl_family, net, TCPFSM_NLGRP_EVENTS);
}

/**
 * tcpfsm_events_tw_wanted() - whether the events of the timewait sockets
 * of a netns are wanted
 * @net: the netns
 * @tn: its state
 *
 * As tcpfsm_events_wanted(), for subscriptions that asked for them
 * (tw-events): a listener of an older release never gets them.
 *
 * Return: true if the timewait probes should record events of the netns.
 */
static inline bool tcpfsm_events_tw_wanted(struct net *net,
					   const struct tcpfsm_net *tn)
{
	return unlikely(READ_ONCE(tn->ev_nr_tw_subs)) &&
	       genl_has_listeners(&tcpfsm_nl_family, net, TCPFSM_NLGRP_EVENTS);
}

static inline bool tcpfsm_events_rsk_wanted(struct net *net,
					    const struct tcpfsm_net *tn)
{
	return unlikely(READ_ONCE(tn->ev_nr_rsk_subs)) &&
	       genl_has_listeners(&tcpfsm_nl_family, net, TCPFSM_NLGRP_EVENTS);
}

#endif /* _TCPFSM_EVENTS_H */
