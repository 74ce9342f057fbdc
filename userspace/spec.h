/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, generated from */
/*	Documentation/netlink/specs/tcpfsm.yaml by scripts/spec-tables.py */
#ifndef _TCPFSM_SPEC_H
#define _TCPFSM_SPEC_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>

#include <linux/tcpfsm.h>

struct tcpfsm_attr_set;

/* One attribute number of a set; type MNL_TYPE_UNSPEC: none, or pad */
struct tcpfsm_attr_spec {
	enum mnl_attr_data_type type;
	const char *name;
	size_t len;			/* exact length, or 0 */
	bool multi;			/* multi-attr */
	const struct tcpfsm_attr_set *nest;	/* for MNL_TYPE_NESTED */
};

struct tcpfsm_attr_set {
	const char *name;
	unsigned int max;
	const struct tcpfsm_attr_spec *attrs;	/* max + 1 */
};

extern const struct tcpfsm_attr_set tcpfsm_transition_set;
extern const struct tcpfsm_attr_set tcpfsm_state_stats_set;
extern const struct tcpfsm_attr_set tcpfsm_timewait_stats_set;
extern const struct tcpfsm_attr_set tcpfsm_handshake_stats_set;
extern const struct tcpfsm_attr_set tcpfsm_stats_set;
extern const struct tcpfsm_attr_set tcpfsm_dwell_set;
extern const struct tcpfsm_attr_set tcpfsm_bucket_set;
extern const struct tcpfsm_attr_set tcpfsm_event_set;
extern const struct tcpfsm_attr_set tcpfsm_socket_set;
extern const struct tcpfsm_attr_set tcpfsm_port_count_set;
extern const struct tcpfsm_attr_set tcpfsm_timewait_set;

/*
 * The state enum, 1 to 12: the spec's names in upper case
 * with "_" for "-", as the kernel (tcp_states.h) and /proc spell them
 */
#define TCPFSM_STATE_FIRST	1
#define TCPFSM_STATE_LAST	12
extern const char *const tcpfsm_state_names[13];

#endif /* _TCPFSM_SPEC_H */
