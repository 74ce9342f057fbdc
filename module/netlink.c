// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the generic netlink family "tcpfsm".
 *
 * The contract is Documentation/netlink/specs/tcpfsm.yaml. The policies and
 * the ops table below are what the kernel's ynl-gen-c.py makes of it, in
 * the struct genl_ops form that every supported kernel takes;
 * scripts/ynl.sh check keeps them in agreement with the spec.
 */
#include "genl.h"
#include "tcpfsm.h"

/* TCPFSM_CMD_STATE_GET - do */
static const struct nla_policy tcpfsm_state_get_nl_policy[TCPFSM_A_STATS_STATE_ID + 1] = {
	[TCPFSM_A_STATS_STATE_ID] = NLA_POLICY_RANGE(NLA_U8, 1, 12),
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
};

/* transition events carry addresses: CAP_NET_ADMIN in the netns's userns */
static const struct genl_multicast_group tcpfsm_nl_mcgrps[] = {
	[TCPFSM_NLGRP_EVENTS] = { .name = "events",
				  .flags = GENL_MCAST_CAP_NET_ADMIN, },
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
#ifdef COMPAT_HAVE_GENL_BIND
	.bind		= tcpfsm_events_bind,
#endif
};

static size_t tcpfsm_nl_transition_size(void)
{
	return nla_total_size(0) +			/* nest */
	       2 * nla_total_size(sizeof(u8)) +		/* old, new */
	       nla_total_size_64bit(sizeof(u64));	/* count */
}

static size_t tcpfsm_nl_state_size(void)
{
	return nla_total_size(0) +			/* nest */
	       nla_total_size(sizeof(u8)) +		/* state */
	       3 * nla_total_size_64bit(sizeof(u64));	/* current, ... */
}

static int tcpfsm_nl_put_transition(struct sk_buff *skb, int old, int new,
				    u64 count)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_STATS_TRANSITION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_TRANSITION_OLD_STATE, old) ||
	    nla_put_u8(skb, TCPFSM_A_TRANSITION_NEW_STATE, new) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_TRANSITION_COUNT, count,
			      TCPFSM_A_TRANSITION_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_nl_put_state(struct sk_buff *skb,
			       const struct tcpfsm_snapshot *snap, int state)
{
	struct tcpfsm_figures f;
	struct nlattr *nest;

	tcpfsm_state_figures(snap, state, &f);
	nest = nla_nest_start(skb, TCPFSM_A_STATS_STATE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_STATE_STATS_STATE, state) ||
	    (f.has_current &&
	     nla_put_s64(skb, TCPFSM_A_STATE_STATS_CURRENT, f.current_nr,
			 TCPFSM_A_STATE_STATS_PAD)) ||
	    (f.has_flow &&
	     (nla_put_u64_64bit(skb, TCPFSM_A_STATE_STATS_ENTERED, f.entered,
				TCPFSM_A_STATE_STATS_PAD) ||
	      nla_put_u64_64bit(skb, TCPFSM_A_STATE_STATS_LEFT, f.left,
				TCPFSM_A_STATE_STATS_PAD)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The module's own counters of the events group. */
static int tcpfsm_nl_put_events(struct sk_buff *skb,
				const struct tcpfsm_snapshot *snap)
{
	const struct {
		int attr;
		u64 value;
	} c[] = {
		{ TCPFSM_A_STATS_EVENTS_SENT, snap->ev_sent },
		{ TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW, snap->ev_lost_overflow },
		{ TCPFSM_A_STATS_EVENTS_LOST_NOMEM, snap->ev_lost_nomem },
		{ TCPFSM_A_STATS_EVENTS_LOST_RCVBUF, snap->ev_lost_rcvbuf },
		{ TCPFSM_A_STATS_EVENTS_UNHEARD, snap->ev_unheard },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (nla_put_u64_64bit(skb, c[i].attr, c[i].value,
				      TCPFSM_A_STATS_PAD))
			return -EMSGSIZE;
	return 0;
}

/*
 * One reply for both ops: every transition and every state, or (@only, a
 * state) that state's nest alone.
 */
static int tcpfsm_nl_reply(struct genl_info *info, u8 cmd, int only)
{
	struct tcpfsm_snapshot *snap;
	struct sk_buff *msg;
	int o, n, s, err;
	size_t size;
	void *hdr;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	tcpfsm_snapshot(genl_info_net(info), snap);

	if (only)
		size = tcpfsm_nl_state_size();
	else
		size = TCPFSM_NR_STATES * TCPFSM_NR_STATES *
			tcpfsm_nl_transition_size() +
			(TCP_NEW_SYN_RECV - TCP_ESTABLISHED + 1) *
			tcpfsm_nl_state_size() +
			5 * nla_total_size_64bit(sizeof(u64));
	err = -ENOMEM;
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_nl_family, 0, cmd);
	if (!hdr)
		goto err_free;

	err = 0;
	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV && !err; s++)
		if (!only || s == only)
			err = tcpfsm_nl_put_state(msg, snap, s);
	for (o = TCP_ESTABLISHED; o <= TCP_CLOSING && !only && !err; o++)
		for (n = TCP_ESTABLISHED; n <= TCP_CLOSING && !err; n++)
			err = tcpfsm_nl_put_transition(msg, o, n,
						       snap->trans[tcpfsm_idx(o)]
								  [tcpfsm_idx(n)]);
	if (!only && !err)
		err = tcpfsm_nl_put_events(msg, snap);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	kfree(snap);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
out:
	kfree(snap);
	return err;
}

/**
 * tcpfsm_nl_get_doit() - TCPFSM_CMD_GET: every figure of the caller's netns
 * @skb: the request
 * @info: its header and attributes
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tcpfsm_nl_reply(info, TCPFSM_CMD_GET, 0);
}

/**
 * tcpfsm_nl_state_get_doit() - TCPFSM_CMD_STATE_GET: the figures of a state
 * @skb: the request
 * @info: its header and attributes, TCPFSM_A_STATS_STATE_ID required
 *
 * Return: 0 or a negative errno.
 */
int tcpfsm_nl_state_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	/* the policy has checked the range */
	if (GENL_REQ_ATTR_CHECK(info, TCPFSM_A_STATS_STATE_ID))
		return -EINVAL;
	return tcpfsm_nl_reply(info, TCPFSM_CMD_STATE_GET,
			       nla_get_u8(info->attrs[TCPFSM_A_STATS_STATE_ID]));
}

/**
 * tcpfsm_netlink_register() - register the "tcpfsm" family
 *
 * Return: 0 or the error of genl_register_family().
 */
int tcpfsm_netlink_register(void)
{
	return genl_register_family(&tcpfsm_nl_family);
}

/**
 * tcpfsm_netlink_unregister() - unregister the family
 */
void tcpfsm_netlink_unregister(void)
{
	genl_unregister_family(&tcpfsm_nl_family);
}
