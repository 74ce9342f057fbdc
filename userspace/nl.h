/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the generic netlink family "tcpfsm" (Documentation/netlink/specs/
 * tcpfsm.yaml), with libmnl: family resolution, requests, the events group,
 * and the parsing of replies and events into plain C structures. Nothing
 * here prints but tcpfsm_err_print().
 */
#ifndef TCPFSM_NL_H
#define TCPFSM_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tcpfsm.h>

#include "states.h"

struct nlmsghdr;
struct mnl_socket;
struct tcpfsm_err;

/* The figures of one state; entered and left exist together (has_flow) */
struct tcpfsm_state_stats {
	bool present;		/* the reply had this state's nest */
	bool has_current, has_flow;
	int64_t current;
	uint64_t entered, left;
};

/*
 * Time in state: a log2 histogram. Bucket i counts times t, in
 * microseconds, with 2^(i-1) <= t < 2^i; bucket 0 t < 1 us; the last one
 * has no upper bound.
 */
#define TCPFSM_DWELL_BUCKETS	TCPFSM_HIST_BUCKETS	/* the spec's hist-buckets */

struct tcpfsm_dwell {
	bool present;		/* the reply had this state's dwell nest */
	uint64_t samples;	/* times a tracked socket left the state */
	uint64_t sum_ns;	/* the time they spent in it, in all */
	uint64_t bucket[TCPFSM_DWELL_BUCKETS];
};

/*
 * The life of the timewait sockets of one substate (FIN_WAIT2 or
 * TIME_WAIT): fig[TCPFSM_A_TIMEWAIT_STATS_x], current as an int64_t, each
 * with its bit in ->has if the reply had it (figures.c names them)
 */
struct tcpfsm_tw_stats {
	bool present;		/* the reply had this substate's nest */
	uint32_t has;		/* bit TCPFSM_A_TIMEWAIT_STATS_x: sent */
	uint64_t fig[TCPFSM_A_TIMEWAIT_STATS_MAX + 1];
	/* time in the substate (samples, sum-ns, bucket), if sent */
	struct tcpfsm_dwell dwell;
	/* created-from: by the full socket's state, bit state of from_seen */
	uint64_t from[TCPFSM_NR_STATES + 1];
	uint16_t from_seen;
};

/*
 * The server's side of the handshake (request sockets, NEW_SYN_RECV):
 * fig[TCPFSM_A_HANDSHAKE_STATS_x], current as an int64_t, each with its bit
 * in ->has if the reply had it (figures.c names them)
 */
struct tcpfsm_hs_stats {
	bool present;		/* the reply had the handshake nest */
	uint32_t has;		/* bit TCPFSM_A_HANDSHAKE_STATS_x: sent */
	uint64_t fig[TCPFSM_A_HANDSHAKE_STATS_MAX + 1];
	/* first SYN-ACK to final ACK (samples, sum-ns, bucket), if sent */
	struct tcpfsm_dwell dwell;
};

/* A reply of TCPFSM_CMD_GET or TCPFSM_CMD_STATE_GET; indexed by state */
struct tcpfsm_stats {
	uint64_t trans[TCPFSM_NR_STATES + 1][TCPFSM_NR_STATES + 1];
	uint16_t trans_seen[TCPFSM_NR_STATES + 1];	/* bit new of [old] */
	struct tcpfsm_state_stats state[TCPFSM_NR_STATES + 1];
	uint64_t events_sent;
	uint64_t events_lost_overflow;
	uint64_t events_lost_nomem;
	uint64_t events_lost_rcvbuf;
	uint64_t events_unheard;
	struct tcpfsm_dwell dwell[TCPFSM_NR_STATES + 1];
	uint64_t tracked;	/* sockets whose time of entering is known */
	uint64_t untracked;	/* since load: the table was full */
	uint32_t track_size;	/* capacity of the table; 0: disabled */
	uint64_t timewait_created;	/* since load */
	/* by substate: [TCPFSM_STATE_FIN_WAIT2] and [TCPFSM_STATE_TIME_WAIT] */
	struct tcpfsm_tw_stats tw[TCPFSM_NR_STATES + 1];
	struct tcpfsm_hs_stats hs;	/* the handshake nest */
	/* in a reply of TCPFSM_CMD_NETNS_GET: the namespace's identity */
	uint32_t netns_ino;
	uint64_t netns_cookie;
	uint32_t present;	/* bit TCPFSM_A_STATS_x: attribute seen */
};

/* The replies of TCPFSM_CMD_NETNS_GET: one a namespace, in cookie order */
struct tcpfsm_netns_stats {
	struct tcpfsm_stats *v;
	size_t n, size;
};

void tcpfsm_netns_stats_free(struct tcpfsm_netns_stats *l);

/*
 * A TCPFSM_CMD_TRANSITION_NTF: one transition of one socket. Addresses in
 * network byte order (the first 4 bytes for AF_INET), ports in host order.
 */
struct tcpfsm_event {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint8_t old_state, new_state;	/* 1..12 */
	uint64_t time_ns;	/* CLOCK_MONOTONIC */
	uint64_t cookie, ino;	/* if present */
	uint32_t uid;		/* if present */
	uint32_t source;	/* the CPU whose buffer carried it */
	uint64_t seq;		/* of the event among those of its source */
	uint64_t old_state_ns;	/* time in the old state, if present */
	uint32_t present;	/* bit TCPFSM_A_EVENT_x: attribute seen */
};

/* The two ends of a connection, as struct tcpfsm_event has them */
struct tcpfsm_ends {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

/* A socket of a reply of TCPFSM_CMD_CLOSEWAIT_GET */
struct tcpfsm_socket {
	struct tcpfsm_ends ends;
	uint64_t age_ns;	/* in CLOSE_WAIT, if present */
	uint64_t ino, cookie;	/* if present */
	uint32_t uid;		/* if present */
	uint32_t present;	/* bit TCPFSM_A_SOCKET_x: attribute seen */
};

/* The sockets of a dump */
struct tcpfsm_sockets {
	struct tcpfsm_socket *v;
	size_t n, size;
};

void tcpfsm_sockets_free(struct tcpfsm_sockets *s);

/* The most ports of a reply of TCPFSM_CMD_TIMEWAIT_GET: the family's max */
#define TCPFSM_TIMEWAIT_MAX_PORTS	1000

struct tcpfsm_port_count {
	uint16_t port;		/* host order */
	uint32_t count;
};

/* A reply of TCPFSM_CMD_TIMEWAIT_GET; the ports most first, as sent */
struct tcpfsm_timewait {
	uint64_t count;		/* timewait sockets now */
	uint64_t created;	/* since load */
	unsigned int n_local, n_remote;
	struct tcpfsm_port_count local[TCPFSM_TIMEWAIT_MAX_PORTS];
	struct tcpfsm_port_count remote[TCPFSM_TIMEWAIT_MAX_PORTS];
};

/*
 * Called for each event of a datagram: @ev, or NULL and @e for a message
 * that does not parse. Return 0 to go on, -1 (errno set) to stop.
 */
typedef int (*tcpfsm_event_cb)(const struct tcpfsm_event *ev,
			       const struct tcpfsm_err *e, void *data);

/* What CTRL_CMD_GETFAMILY says about the family */
struct tcpfsm_family {
	uint16_t id;
	uint32_t version;
	uint32_t mcgrp_events;	/* multicast group "events", 0 if none */
};

enum tcpfsm_err_kind {
	TCPFSM_ERR_NONE,
	TCPFSM_ERR_SYS,		/* a system call failed */
	TCPFSM_ERR_KERNEL,	/* the kernel answered a request with an error */
	TCPFSM_ERR_NOFAMILY,	/* no family "tcpfsm": module not loaded */
	TCPFSM_ERR_VERSION,	/* family version this command does not know */
	TCPFSM_ERR_MISSING,	/* a reply lacks an attribute it must have */
	TCPFSM_ERR_MALFORMED,	/* a reply does not parse */
	TCPFSM_ERR_NOGROUP,	/* the family has no multicast group "events" */
};

struct tcpfsm_err {
	enum tcpfsm_err_kind kind;
	int code;		/* errno value (positive), or 0 */
	const char *what;	/* what was being done, for the message */
	char detail[96];	/* which attribute was missing or malformed */
	char ext_msg[256];	/* the kernel's extended ack message, or "" */
	bool has_offs;
	uint32_t ext_offs;	/* offset of the attribute the kernel rejected */
	uint32_t version;	/* the family's, for TCPFSM_ERR_VERSION */
};

struct tcpfsm_nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	struct tcpfsm_family family;
	char *buf;		/* receive buffer, TCPFSM_NL_BUFSIZE bytes */
};

int tcpfsm_nl_socket(struct tcpfsm_nl *nl, struct tcpfsm_err *e);
int tcpfsm_nl_resolve(struct tcpfsm_nl *nl, const char *name,
		      struct tcpfsm_family *fam, struct tcpfsm_err *e);
int tcpfsm_nl_open(struct tcpfsm_nl *nl, struct tcpfsm_err *e);
void tcpfsm_nl_close(struct tcpfsm_nl *nl);
int tcpfsm_nl_get_stats(struct tcpfsm_nl *nl, struct tcpfsm_stats *st,
			struct tcpfsm_err *e);
int tcpfsm_nl_get_state(struct tcpfsm_nl *nl, unsigned int state,
			struct tcpfsm_stats *st, struct tcpfsm_err *e);
int tcpfsm_nl_get_netns(struct tcpfsm_nl *nl, struct tcpfsm_netns_stats *l,
			struct tcpfsm_err *e);
int tcpfsm_nl_get_closewait(struct tcpfsm_nl *nl, const uint64_t *min_age_ns,
			    struct tcpfsm_sockets *socks, struct tcpfsm_err *e);
int tcpfsm_nl_get_timewait(struct tcpfsm_nl *nl, uint32_t limit,
			   struct tcpfsm_timewait *tw, struct tcpfsm_err *e);
int tcpfsm_nl_join_events(struct tcpfsm_nl *nl, bool full,
			  unsigned int rcvbuf, struct tcpfsm_err *e);
int tcpfsm_nl_recv_events(struct tcpfsm_nl *nl, tcpfsm_event_cb cb, void *data,
			  struct tcpfsm_err *e);

/* The parsers the functions above run on each reply, for the unit tests */
int tcpfsm_parse_family(const struct nlmsghdr *nlh, struct tcpfsm_family *fam,
			struct tcpfsm_err *e);
int tcpfsm_family_check(const struct tcpfsm_family *fam, struct tcpfsm_err *e);
int tcpfsm_parse_stats(const struct nlmsghdr *nlh, struct tcpfsm_stats *st,
		       struct tcpfsm_err *e);
int tcpfsm_stats_check(const struct tcpfsm_stats *st, struct tcpfsm_err *e);
int tcpfsm_state_check(const struct tcpfsm_stats *st, unsigned int state,
		       struct tcpfsm_err *e);
int tcpfsm_dwell_check(const struct tcpfsm_stats *st, struct tcpfsm_err *e);
int tcpfsm_parse_socket(const struct nlmsghdr *nlh, struct tcpfsm_socket *sk,
			struct tcpfsm_err *e);
int tcpfsm_parse_timewait(const struct nlmsghdr *nlh,
			  struct tcpfsm_timewait *tw, struct tcpfsm_err *e);
int tcpfsm_parse_error(const struct nlmsghdr *nlh, struct tcpfsm_err *e);
int tcpfsm_parse_event(const struct nlmsghdr *nlh, struct tcpfsm_event *ev,
		       struct tcpfsm_err *e);
int tcpfsm_parse_events(const void *buf, size_t len, uint16_t family_id,
			tcpfsm_event_cb cb, void *data, struct tcpfsm_err *e);

void tcpfsm_err_print(FILE *f, const struct tcpfsm_err *e);

#endif /* TCPFSM_NL_H */
