/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: netlink attributes written in place.
 *
 * An event's dozen attributes cost the sender more through nla_put_*()
 * than the rest of its message: each call checks the room left, reserves
 * it with skb_put(), clears the padding with memset() and copies the value
 * with memcpy(). Here the caller checks the room once, for the largest a
 * message part can be (tcpfsm_nlw_begin()), and the attributes are stored
 * one after the other, inlined: the same bytes as nla_put_*() and
 * nla_put_64bit() write, padding and alignment attributes included; an
 * event's message header too, as genlmsg_put() writes it.
 */
#ifndef _TCPFSM_NLW_H
#define _TCPFSM_NLW_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/netlink.h>

/**
 * struct tcpfsm_nlw - where the next attribute goes
 * @skb: the message
 * @p: its tail, not yet put
 */
struct tcpfsm_nlw {
	struct sk_buff *skb;
	void *p;
};

/*
 * Begin writing at @skb's tail, if @room bytes are left there: 0, or
 * -EMSGSIZE with nothing written.
 */
static inline int tcpfsm_nlw_begin(struct tcpfsm_nlw *w, struct sk_buff *skb,
				   unsigned int room)
{
	if (unlikely(skb_tailroom(skb) < room))
		return -EMSGSIZE;
	w->skb = skb;
	w->p = skb_tail_pointer(skb);
	return 0;
}

/* Put what was written into the message. */
static inline void tcpfsm_nlw_end(struct tcpfsm_nlw *w)
{
	skb_put(w->skb, w->p - (void *)skb_tail_pointer(w->skb));
}

/*
 * The header of a message of @family's @cmd, as genlmsg_put() puts it
 * (port and sequence 0, no flags). @family must have no header of its own
 * (hdrsize 0: the YAML spec declares none), which genlmsg_put() would
 * leave room for. Return: the message, whose length tcpfsm_nlw_msg_end()
 * sets
 */
static __always_inline struct nlmsghdr *
tcpfsm_nlw_genl(struct tcpfsm_nlw *w, const struct genl_family *family, u8 cmd)
{
	struct nlmsghdr *nlh = w->p;
	struct genlmsghdr *hdr = nlmsg_data(nlh);

	nlh->nlmsg_type = family->id;
	nlh->nlmsg_flags = 0;
	nlh->nlmsg_pid = 0;
	nlh->nlmsg_seq = 0;
	hdr->cmd = cmd;
	hdr->version = family->version;
	hdr->reserved = 0;
	w->p += NLMSG_HDRLEN + GENL_HDRLEN;
	return nlh;
}

static inline void tcpfsm_nlw_msg_end(struct tcpfsm_nlw *w,
				      struct nlmsghdr *nlh)
{
	nlh->nlmsg_len = w->p - (void *)nlh;
}

/* An attribute of @len bytes, the padding after it cleared: its value */
static __always_inline void *tcpfsm_nlw_attr(struct tcpfsm_nlw *w, int type,
					     int len)
{
	struct nlattr *nla = w->p;

	nla->nla_len = nla_attr_size(len);
	nla->nla_type = type;
	w->p += nla_total_size(len);
	if (NLA_ALIGN(len) != len)	/* the last word: padding too */
		memset(nla_data(nla) + (len & ~(NLA_ALIGNTO - 1)), 0,
		       NLA_ALIGNTO);
	return nla_data(nla);
}

static __always_inline void tcpfsm_nlw_flag(struct tcpfsm_nlw *w, int type)
{
	tcpfsm_nlw_attr(w, type, 0);
}

static __always_inline void tcpfsm_nlw_u8(struct tcpfsm_nlw *w, int type,
					  u8 v)
{
	*(u8 *)tcpfsm_nlw_attr(w, type, sizeof(v)) = v;
}

static __always_inline void tcpfsm_nlw_u16(struct tcpfsm_nlw *w, int type,
					   u16 v)
{
	*(u16 *)tcpfsm_nlw_attr(w, type, sizeof(v)) = v;
}

static __always_inline void tcpfsm_nlw_u32(struct tcpfsm_nlw *w, int type,
					   u32 v)
{
	*(u32 *)tcpfsm_nlw_attr(w, type, sizeof(v)) = v;
}

static __always_inline void tcpfsm_nlw_in6(struct tcpfsm_nlw *w, int type,
					   const struct in6_addr *v)
{
	memcpy(tcpfsm_nlw_attr(w, type, sizeof(*v)), v, sizeof(*v));
}

/*
 * A u64, 8-byte aligned where unaligned loads are slow, after an empty
 * @padtype attribute if needed: as nla_put_u64_64bit() puts it.
 */
static __always_inline void tcpfsm_nlw_u64(struct tcpfsm_nlw *w, int type,
					   u64 v, int padtype)
{
	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	    IS_ALIGNED((unsigned long)w->p, 8))
		tcpfsm_nlw_attr(w, padtype, 0);
	/* maybe unaligned: a store where that is cheap, else bytes */
	memcpy(tcpfsm_nlw_attr(w, type, sizeof(v)), &v, sizeof(v));
}

/* The most tcpfsm_nlw_u64() takes */
#define TCPFSM_NLW_U64_SIZE	nla_total_size_64bit(sizeof(u64))

#endif /* _TCPFSM_NLW_H */
