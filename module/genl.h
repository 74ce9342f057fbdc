/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpfsm.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TCPFSM_GEN_H
#define _LINUX_TCPFSM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/tcpfsm.h>

int tcpfsm_nl_netns_get_start(struct netlink_callback *cb);

int tcpfsm_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_state_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_closewait_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int tcpfsm_nl_timewait_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_events_subscribe_doit(struct sk_buff *skb,
				    struct genl_info *info);
int tcpfsm_nl_events_unsubscribe_doit(struct sk_buff *skb,
				      struct genl_info *info);
int tcpfsm_nl_netns_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);

enum {
	TCPFSM_NLGRP_EVENTS,
};

extern struct genl_family tcpfsm_nl_family;

#endif /* _LINUX_TCPFSM_GEN_H */
