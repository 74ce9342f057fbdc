/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmnl plumbing shared by the tcpfsm selftests that speak generic
 * netlink: see nl_lib.c. Functions return 0 or a negative errno.
 */
#ifndef _TCPFSM_NL_LIB_H
#define _TCPFSM_NL_LIB_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpfsm.h>
#include <stdbool.h>
#include <stdint.h>

#include "spec.h"

#define RCV_TIMEOUT_S	5

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;	/* id of tcpfsm */
	uint32_t events;	/* id of its "events" group */
};

/* A family as CTRL_CMD_GETFAMILY describes it, with one group's id. */
struct family {
	const char *grp;
	uint16_t id;
	uint32_t version;
	uint32_t grp_id;
};

/* The ACK (err 0) or error that ended an exchange, with its extack. */
struct answer {
	int err;			/* a positive errno, or 0 */
	int nreplies;			/* messages before it */
	bool has_msg;
	char msg[128];			/* NLMSGERR_ATTR_MSG */
	int64_t offs;			/* NLMSGERR_ATTR_OFFS, or -1 */
	int64_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	bool has_policy;		/* NLMSGERR_ATTR_POLICY */
	uint32_t pol_type;
	uint64_t pol_min, pol_max;
};

int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data,
	    struct answer *a);
struct nlmsghdr *nl_req(struct nl *nl, uint16_t type, uint8_t cmd,
			uint8_t version);
int nl_family(struct nl *nl, const char *name, struct family *f);
int nl_open(struct nl *nl, struct family *f);

/* Called for each multi-attr attribute: how many rules it breaks. */
typedef int (*nl_multi_cb)(const struct nlattr *attr, unsigned int type,
			   void *data);
/*
 * The attributes of a message (after its genl header) or a nest, as the
 * spec's table of @set (spec.c, generated from the YAML spec) has them:
 * each of a type the set has, of its type and exact length, at most once
 * unless multi-attr, nests flagged NLA_F_NESTED; pads skipped (a type the
 * table leaves out, without payload); nothing after the last. tb[type]:
 * the last of each type (set->max + 1 entries). Returns how many
 * attributes break those rules, plus what @multi returns for each
 * multi-attr one.
 */
int nl_msg_attrs(const struct nlmsghdr *nlh, const struct tcpfsm_attr_set *set,
		 const struct nlattr **tb, nl_multi_cb multi, void *data);
int nl_nest_attrs(const struct nlattr *nest, const struct tcpfsm_attr_set *set,
		  const struct nlattr **tb, nl_multi_cb multi, void *data);

/* A transition event, as a listener of the events group received it. */
struct nl_ev {
	uint8_t old, new;
	bool tw, req;		/* a timewait socket's, a request socket's */
	bool has_ino, has_dwell;
	uint16_t sport;
	uint32_t source;
	uint64_t seq, dwell;
};

/* A socket of the events group and the events it received. */
struct nl_evl {
	struct nl nl;
	struct nl_ev ev[1024];
	int n, bad;		/* bad: malformed, or ENOBUFS (lost) */
};

/* what events-subscribe asks for beside the kernel's transitions */
#define NL_EV_TW	1	/* tw-events */
#define NL_EV_RSK	2	/* rsk-events */

int nl_evl_subscribe(struct nl_evl *l, int flags);
int nl_evl_open(struct nl_evl *l, int flags);
void nl_evl_read(struct nl_evl *l, int quiet_ms);
int nl_evl_gaps(const struct nl_evl *l);

#endif /* _TCPFSM_NL_LIB_H */
