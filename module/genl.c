// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpfsm.yaml */
/* by scripts/genl-gen.py with the YNL-GEN kernel source printers */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "genl.h"

#include <uapi/linux/tcpfsm.h>

/* TCPFSM_CMD_STATE_GET - do */
static const struct nla_policy tcpfsm_state_get_nl_policy[TCPFSM_A_STATS_STATE_ID + 1] = {
	[TCPFSM_A_STATS_STATE_ID] = NLA_POLICY_RANGE(NLA_U8, 1, 12),
};

/* TCPFSM_CMD_CLOSEWAIT_GET - dump */
static const struct nla_policy tcpfsm_closewait_get_nl_policy[TCPFSM_A_SOCKET_MIN_AGE_NS + 1] = {
	[TCPFSM_A_SOCKET_MIN_AGE_NS] = { .type = NLA_U64, },
};

/* TCPFSM_CMD_TIMEWAIT_GET - do */
static const struct nla_policy tcpfsm_timewait_get_nl_policy[TCPFSM_A_TIMEWAIT_LIMIT + 1] = {
	[TCPFSM_A_TIMEWAIT_LIMIT] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* TCPFSM_CMD_EVENTS_SUBSCRIBE - do */
static const struct nla_policy tcpfsm_events_subscribe_nl_policy[TCPFSM_A_STATS_RSK_EVENTS + 1] = {
	[TCPFSM_A_STATS_TW_EVENTS] = { .type = NLA_FLAG, },
	[TCPFSM_A_STATS_RSK_EVENTS] = { .type = NLA_FLAG, },
};

static const struct genl_ops tcpfsm_nl_ops[] = {
	{
		.cmd	= TCPFSM_CMD_GET,
		.doit	= tcpfsm_nl_get_doit,
	},
	{
		.cmd		= TCPFSM_CMD_STATE_GET,
		.doit		= tcpfsm_nl_state_get_doit,
		.policy		= tcpfsm_state_get_nl_policy,
		.maxattr	= TCPFSM_A_STATS_STATE_ID,
	},
	{
		.cmd		= TCPFSM_CMD_CLOSEWAIT_GET,
		.dumpit		= tcpfsm_nl_closewait_get_dumpit,
		.policy		= tcpfsm_closewait_get_nl_policy,
		.maxattr	= TCPFSM_A_SOCKET_MIN_AGE_NS,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TCPFSM_CMD_TIMEWAIT_GET,
		.doit		= tcpfsm_nl_timewait_get_doit,
		.policy		= tcpfsm_timewait_get_nl_policy,
		.maxattr	= TCPFSM_A_TIMEWAIT_LIMIT,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TCPFSM_CMD_EVENTS_SUBSCRIBE,
		.doit		= tcpfsm_nl_events_subscribe_doit,
		.policy		= tcpfsm_events_subscribe_nl_policy,
		.maxattr	= TCPFSM_A_STATS_RSK_EVENTS,
	},
	{
		.cmd	= TCPFSM_CMD_EVENTS_UNSUBSCRIBE,
		.doit	= tcpfsm_nl_events_unsubscribe_doit,
	},
	{
		.cmd	= TCPFSM_CMD_NETNS_GET,
		.dumpit	= tcpfsm_nl_netns_get_dumpit,
		.start	= tcpfsm_nl_netns_get_start,
		.flags	= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group tcpfsm_nl_mcgrps[] = {
	[TCPFSM_NLGRP_EVENTS] = { "events", .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

struct genl_family tcpfsm_nl_family __ro_after_init = {
	.name		= TCPFSM_FAMILY_NAME,
	.version	= TCPFSM_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= tcpfsm_nl_ops,
	.n_ops		= ARRAY_SIZE(tcpfsm_nl_ops),
	.mcgrps		= tcpfsm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(tcpfsm_nl_mcgrps),
};
