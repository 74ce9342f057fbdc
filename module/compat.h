/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: everything that differs between the kernels tcpfsm supports.
 *
 * The .c files never test a kernel version. Differences are decided here,
 * by the presence of the feature where the build can see it (a macro of
 * the kernel's headers), and named by what they mean (COMPAT_HAVE_...).
 * The only version test is the floor, in Kbuild.
 */
#ifndef _TCPFSM_COMPAT_H
#define _TCPFSM_COMPAT_H

/*
 * Supported: 6.1 to 6.12 (Debian bookworm and its 6.12 backport). Older
 * kernels lack the per-netns established hash that tcpfsm reads through
 * net->ipv4.tcp_death_row.hashinfo; Kbuild refuses them with a message.
 */

/*
 * COMPAT_HAVE_GENL_INFO_DUMP (6.2 and later, defined by Kbuild): a dump's
 * parsed request is a struct genl_info, genl_info_dump(); before, the
 * attributes hang off struct genl_dumpit_info directly.
 */
#include <net/genetlink.h>

static inline struct nlattr **compat_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef COMPAT_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * COMPAT_HAVE_TWSK_HASHDANCE_SCHEDULE (6.12, not 6.1; defined by Kbuild):
 * inet_twsk_hashdance_schedule() hashes a new timewait socket and arms its
 * timer in one call, arming it through a static inet_twsk_schedule() that
 * may inline __inet_twsk_schedule(): timewait.c counts creations at the
 * former's entry. In 6.1, tcp_time_wait() called __inet_twsk_schedule(tw,
 * timeo, false) itself, then inet_twsk_hashdance(): creations are counted
 * there.
 */
#ifdef COMPAT_HAVE_TWSK_HASHDANCE_SCHEDULE
#define COMPAT_TW_CREATE_SYMBOL		"inet_twsk_hashdance_schedule"
#define COMPAT_TW_CREATED_IN_SCHEDULE	false
#else
#define COMPAT_TW_CREATE_SYMBOL		"inet_twsk_hashdance"
#define COMPAT_TW_CREATED_IN_SCHEDULE	true
#endif

#endif /* _TCPFSM_COMPAT_H */
