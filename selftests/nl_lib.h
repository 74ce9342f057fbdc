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

#endif /* _TCPFSM_NL_LIB_H */
