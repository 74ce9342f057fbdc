// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl plumbing shared by the tcpfsm selftests that speak generic
 * netlink (netlink.c, events.c): a socket with extended and capped ACKs,
 * the id of the family and of its "events" group, one request with
 * everything that answers it, and the attributes of a message or nest
 * checked against the spec's tables.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "nl_lib.h"

/* the largest request netlink.c makes: two 64 KiB attributes */
static char tx[NLMSG_HDRLEN + GENL_HDRLEN + 2 * (UINT16_MAX + 1)];
static char rx[64 * 1024];	/* a get reply is about 5 KiB */

static int ack_tlv(const struct nlattr *attr, void *data)
{
	int type = mnl_attr_get_type(attr);
	struct answer *a = data;
	const struct nlattr *p;

	if (type == NLMSGERR_ATTR_MSG) {
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		a->has_msg = true;
		snprintf(a->msg, sizeof(a->msg), "%s", mnl_attr_get_str(attr));
	} else if (type == NLMSGERR_ATTR_OFFS || type == NLMSGERR_ATTR_MISS_TYPE) {
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		*(type == NLMSGERR_ATTR_OFFS ? &a->offs : &a->miss_type) =
			mnl_attr_get_u32(attr);
	} else if (type == NLMSGERR_ATTR_POLICY) {
		a->has_policy = true;
		mnl_attr_for_each_nested(p, attr) {
			if (mnl_attr_get_type(p) == NL_POLICY_TYPE_ATTR_TYPE)
				a->pol_type = mnl_attr_get_u32(p);
			else if (mnl_attr_get_type(p) == NL_POLICY_TYPE_ATTR_MIN_VALUE_U)
				a->pol_min = mnl_attr_get_u64(p);
			else if (mnl_attr_get_type(p) == NL_POLICY_TYPE_ATTR_MAX_VALUE_U)
				a->pol_max = mnl_attr_get_u64(p);
		}
	}
	return MNL_CB_OK;
}

/* struct nlmsgerr, then the request unless NLM_F_CAPPED, then the TLVs */
static int parse_ack(const struct nlmsghdr *nlh, struct answer *a)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EPROTO;
	a->err = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	return mnl_attr_parse(nlh, off, ack_tlv, a) == MNL_CB_OK ? 0 : -EPROTO;
}

/*
 * Send @req and read what answers it, up to its ACK or error, handing the
 * replies to @cb. 0 with *@a filled, or a negative errno if the socket
 * failed or a message was not for this request.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data,
	    struct answer *a)
{
	struct nlmsghdr *nlh;
	int len;

	memset(a, 0, sizeof(*a));
	a->offs = -1;
	a->miss_type = -1;
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		len = mnl_socket_recvfrom(nl->sk, rx, sizeof(rx));
		if (len < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)rx; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    nlh->nlmsg_pid != nl->portid)
				return -EPROTO;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return parse_ack(nlh, a);
			/* the end of a dump, with its error (0 or -errno) */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
					a->err = -*(int *)mnl_nlmsg_get_payload(nlh);
				return 0;
			}
			if (nlh->nlmsg_type != req->nlmsg_type ||
			    cb(nlh, data) != MNL_CB_OK)
				return -EPROTO;
			a->nreplies++;
		}
		if (len)
			return -EPROTO;
	}
}

struct nlmsghdr *nl_req(struct nl *nl, uint16_t type, uint8_t cmd,
			uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tx);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int parse_family(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *grp, *ga;
	struct family *f = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			f->id = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_VERSION:
			f->version = mnl_attr_get_u32(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, attr) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(ga, grp) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
						name = mnl_attr_get_str(ga);
					else if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
						id = mnl_attr_get_u32(ga);
				}
				if (name && f->grp && !strcmp(name, f->grp))
					f->grp_id = id;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

/* CTRL_CMD_GETFAMILY of @name: 0, or a negative errno. */
int nl_family(struct nl *nl, const char *name, struct family *f)
{
	struct nlmsghdr *nlh = nl_req(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	struct answer a;
	int err;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_talk(nl, nlh, parse_family, f, &a);
	if (!err && (a.err || a.nreplies != 1 || !f->id))
		err = a.err ? -a.err : -EPROTO;
	return err;
}

/* A socket of the caller's netns, with extended and capped ACKs. */
int nl_open(struct nl *nl, struct family *f)
{
	struct timeval tv = { .tv_sec = RCV_TIMEOUT_S };
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO,
		       &tv, sizeof(tv))) {
		err = -errno;
		goto err_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	f->grp = TCPFSM_MCGRP_EVENTS;
	err = nl_family(nl, TCPFSM_FAMILY_NAME, f);
	if (err)
		goto err_close;
	nl->family = f->id;
	nl->events = f->grp_id;
	return 0;

err_close:
	mnl_socket_close(nl->sk);
	nl->sk = NULL;
	return err;
}

/*
 * The attributes of @payload (@len bytes) against the spec's table of @set
 * (userspace/spec.c, generated from Documentation/netlink/specs/tcpfsm.yaml).
 */
static int spec_attrs(const void *payload, size_t len,
		      const struct tcpfsm_attr_set *set,
		      const struct nlattr **tb, nl_multi_cb multi, void *data)
{
	const struct tcpfsm_attr_spec *spec;
	const struct nlattr *attr;
	unsigned int t;
	int bad = 0;

	memset(tb, 0, (set->max + 1) * sizeof(*tb));
	mnl_attr_for_each_payload(payload, len) {
		const struct nlattr *a = attr;

		t = mnl_attr_get_type(a);
		spec = t <= set->max ? &set->attrs[t] : NULL;
		/* a pad (the table leaves them out): in range, no payload */
		if (t && spec && spec->type == MNL_TYPE_UNSPEC &&
		    !mnl_attr_get_payload_len(a))
			continue;
		if (!spec || spec->type == MNL_TYPE_UNSPEC ||
		    (tb[t] && !spec->multi) ||
		    (spec->len ? mnl_attr_validate2(a, spec->type, spec->len) :
				 mnl_attr_validate(a, spec->type)) < 0 ||
		    /* the kernel's nla_nest_start() flags every nest */
		    (spec->type == MNL_TYPE_NESTED &&
		     !(a->nla_type & NLA_F_NESTED))) {
			bad++;
			continue;
		}
		tb[t] = a;
		if (spec->multi && multi)
			bad += multi(a, t, data);
	}
	/* nothing after the last attribute */
	return bad + ((const char *)attr < (const char *)payload + len);
}

int nl_msg_attrs(const struct nlmsghdr *nlh, const struct tcpfsm_attr_set *set,
		 const struct nlattr **tb, nl_multi_cb multi, void *data)
{
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN) {
		memset(tb, 0, (set->max + 1) * sizeof(*tb));
		return 1;
	}
	return spec_attrs(mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
			  mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN,
			  set, tb, multi, data);
}

int nl_nest_attrs(const struct nlattr *nest, const struct tcpfsm_attr_set *set,
		  const struct nlattr **tb, nl_multi_cb multi, void *data)
{
	return spec_attrs(mnl_attr_get_payload(nest),
			  mnl_attr_get_payload_len(nest), set, tb, multi, data);
}
