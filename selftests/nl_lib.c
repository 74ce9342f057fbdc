// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl plumbing shared by the tcpfsm selftests that speak generic
 * netlink (netlink.c, events.c): a socket with extended and capped ACKs,
 * the id of the family and of its "events" group, one request with
 * everything that answers it, and the attributes of a message or nest
 * checked against the spec's tables.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
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

/* Subscribe @l's socket to its netns's events, asking for NL_EV_* @flags. */
int nl_evl_subscribe(struct nl_evl *l, int flags)
{
	struct nlmsghdr *nlh;
	struct answer a;
	int err;

	nlh = nl_req(&l->nl, l->nl.family, TCPFSM_CMD_EVENTS_SUBSCRIBE,
		     TCPFSM_FAMILY_VERSION);
	if (flags & NL_EV_TW)
		mnl_attr_put(nlh, TCPFSM_A_STATS_TW_EVENTS, 0, NULL);
	if (flags & NL_EV_RSK)
		mnl_attr_put(nlh, TCPFSM_A_STATS_RSK_EVENTS, 0, NULL);
	err = nl_talk(&l->nl, nlh, NULL, NULL, &a);
	return err ? err : -a.err;
}

/* A socket that joined the events group and subscribed with @flags. */
int nl_evl_open(struct nl_evl *l, int flags)
{
	struct family f = { 0 };
	int err;

	memset(l, 0, sizeof(*l));
	err = nl_open(&l->nl, &f);
	if (err)
		return err;
	if (setsockopt(mnl_socket_get_fd(l->nl.sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &l->nl.events,
		       sizeof(l->nl.events)))
		return -errno;
	return nl_evl_subscribe(l, flags);
}

/* Read what comes until nothing has for @quiet_ms. */
void nl_evl_read(struct nl_evl *l, int quiet_ms)
{
	const struct nlattr *tb[TCPFSM_A_EVENT_MAX + 1];
	int fd = mnl_socket_get_fd(l->nl.sk), len;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static char buf[64 * 1024];
	const struct nlmsghdr *nlh;
	struct nl_ev *e;

	while (poll(&p, 1, quiet_ms) == 1) {
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			l->bad++;	/* ENOBUFS: lost events */
			continue;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (l->n == (int)(sizeof(l->ev) / sizeof(l->ev[0])) ||
			    nl_msg_attrs(nlh, &tcpfsm_event_set, tb, NULL, NULL) ||
			    !tb[TCPFSM_A_EVENT_OLD_STATE] ||
			    !tb[TCPFSM_A_EVENT_NEW_STATE] ||
			    !tb[TCPFSM_A_EVENT_SEQ] || !tb[TCPFSM_A_EVENT_SOURCE]) {
				l->bad++;
				continue;
			}
			e = &l->ev[l->n++];
			e->old = mnl_attr_get_u8(tb[TCPFSM_A_EVENT_OLD_STATE]);
			e->new = mnl_attr_get_u8(tb[TCPFSM_A_EVENT_NEW_STATE]);
			e->tw = tb[TCPFSM_A_EVENT_TIMEWAIT];
			e->req = tb[TCPFSM_A_EVENT_REQUEST];
			e->has_ino = tb[TCPFSM_A_EVENT_INO] ||
				     tb[TCPFSM_A_EVENT_UID];
			e->has_dwell = tb[TCPFSM_A_EVENT_OLD_STATE_NS];
			e->dwell = e->has_dwell ?
				mnl_attr_get_u64(tb[TCPFSM_A_EVENT_OLD_STATE_NS]) : 0;
			e->sport = tb[TCPFSM_A_EVENT_SPORT] ?
				ntohs(mnl_attr_get_u16(tb[TCPFSM_A_EVENT_SPORT])) : 0;
			e->source = mnl_attr_get_u32(tb[TCPFSM_A_EVENT_SOURCE]);
			e->seq = mnl_attr_get_u64(tb[TCPFSM_A_EVENT_SEQ]);
		}
	}
}

/*
 * Gaps in the sequence numbers @l received: one sequence per (netns,
 * source CPU), whatever kind of socket the events are of.
 */
int nl_evl_gaps(const struct nl_evl *l)
{
	uint64_t last[64];
	bool seen[64] = { false };
	int i, k, gaps = 0;

	for (i = 0; i < l->n; i++) {
		k = l->ev[i].source % 64;
		if (seen[k] && l->ev[i].seq != last[k] + 1)
			gaps++;
		seen[k] = true;
		last[k] = l->ev[i].seq;
	}
	return gaps;
}
