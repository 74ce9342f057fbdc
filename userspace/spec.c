// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, generated from */
/*	Documentation/netlink/specs/tcpfsm.yaml by scripts/spec-tables.py */
#include "spec.h"

static const struct tcpfsm_attr_spec transition_attrs[TCPFSM_A_TRANSITION_MAX + 1] = {
	[TCPFSM_A_TRANSITION_OLD_STATE] = { MNL_TYPE_U8, "old-state" },
	[TCPFSM_A_TRANSITION_NEW_STATE] = { MNL_TYPE_U8, "new-state" },
	[TCPFSM_A_TRANSITION_COUNT] = { MNL_TYPE_U64, "count" },
};

const struct tcpfsm_attr_set tcpfsm_transition_set = {
	.name = "transition",
	.max = TCPFSM_A_TRANSITION_MAX,
	.attrs = transition_attrs,
};

static const struct tcpfsm_attr_spec state_stats_attrs[TCPFSM_A_STATE_STATS_MAX + 1] = {
	[TCPFSM_A_STATE_STATS_STATE] = { MNL_TYPE_U8, "state" },
	[TCPFSM_A_STATE_STATS_CURRENT] = { MNL_TYPE_U64, "current" },
	[TCPFSM_A_STATE_STATS_ENTERED] = { MNL_TYPE_U64, "entered" },
	[TCPFSM_A_STATE_STATS_LEFT] = { MNL_TYPE_U64, "left" },
};

const struct tcpfsm_attr_set tcpfsm_state_stats_set = {
	.name = "state-stats",
	.max = TCPFSM_A_STATE_STATS_MAX,
	.attrs = state_stats_attrs,
};

static const struct tcpfsm_attr_spec timewait_stats_attrs[TCPFSM_A_TIMEWAIT_STATS_MAX + 1] = {
	[TCPFSM_A_TIMEWAIT_STATS_SUBSTATE] = { MNL_TYPE_U8, "substate" },
	[TCPFSM_A_TIMEWAIT_STATS_CURRENT] = { MNL_TYPE_U64, "current" },
	[TCPFSM_A_TIMEWAIT_STATS_CREATED] = { MNL_TYPE_U64, "created" },
	[TCPFSM_A_TIMEWAIT_STATS_REFUSED] = { MNL_TYPE_U64, "refused" },
	[TCPFSM_A_TIMEWAIT_STATS_ENTERED] = { MNL_TYPE_U64, "entered" },
	[TCPFSM_A_TIMEWAIT_STATS_LEFT] = { MNL_TYPE_U64, "left" },
	[TCPFSM_A_TIMEWAIT_STATS_TIMER] = { MNL_TYPE_U64, "timer" },
	[TCPFSM_A_TIMEWAIT_STATS_REUSED] = { MNL_TYPE_U64, "reused" },
	[TCPFSM_A_TIMEWAIT_STATS_KILLED] = { MNL_TYPE_U64, "killed" },
	[TCPFSM_A_TIMEWAIT_STATS_SAMPLES] = { MNL_TYPE_U64, "samples" },
	[TCPFSM_A_TIMEWAIT_STATS_SUM_NS] = { MNL_TYPE_U64, "sum-ns" },
	[TCPFSM_A_TIMEWAIT_STATS_BUCKET] = { MNL_TYPE_NESTED, "bucket", .multi = true, .nest = &tcpfsm_bucket_set },
	[TCPFSM_A_TIMEWAIT_STATS_UNTRACKED] = { MNL_TYPE_U64, "untracked" },
	[TCPFSM_A_TIMEWAIT_STATS_CREATED_FROM] = { MNL_TYPE_NESTED, "created-from", .multi = true, .nest = &tcpfsm_transition_set },
};

const struct tcpfsm_attr_set tcpfsm_timewait_stats_set = {
	.name = "timewait-stats",
	.max = TCPFSM_A_TIMEWAIT_STATS_MAX,
	.attrs = timewait_stats_attrs,
};

static const struct tcpfsm_attr_spec handshake_stats_attrs[TCPFSM_A_HANDSHAKE_STATS_MAX + 1] = {
	[TCPFSM_A_HANDSHAKE_STATS_CURRENT] = { MNL_TYPE_U64, "current" },
	[TCPFSM_A_HANDSHAKE_STATS_CREATED] = { MNL_TYPE_U64, "created" },
	[TCPFSM_A_HANDSHAKE_STATS_COMPLETED] = { MNL_TYPE_U64, "completed" },
	[TCPFSM_A_HANDSHAKE_STATS_EXPIRED] = { MNL_TYPE_U64, "expired" },
	[TCPFSM_A_HANDSHAKE_STATS_ORPHANED] = { MNL_TYPE_U64, "orphaned" },
	[TCPFSM_A_HANDSHAKE_STATS_DROPPED] = { MNL_TYPE_U64, "dropped" },
	[TCPFSM_A_HANDSHAKE_STATS_COOKIES] = { MNL_TYPE_U64, "cookies" },
	[TCPFSM_A_HANDSHAKE_STATS_SAMPLES] = { MNL_TYPE_U64, "samples" },
	[TCPFSM_A_HANDSHAKE_STATS_SUM_NS] = { MNL_TYPE_U64, "sum-ns" },
	[TCPFSM_A_HANDSHAKE_STATS_BUCKET] = { MNL_TYPE_NESTED, "bucket", .multi = true, .nest = &tcpfsm_bucket_set },
};

const struct tcpfsm_attr_set tcpfsm_handshake_stats_set = {
	.name = "handshake-stats",
	.max = TCPFSM_A_HANDSHAKE_STATS_MAX,
	.attrs = handshake_stats_attrs,
};

static const struct tcpfsm_attr_spec stats_attrs[TCPFSM_A_STATS_MAX + 1] = {
	[TCPFSM_A_STATS_TRANSITION] = { MNL_TYPE_NESTED, "transition", .multi = true, .nest = &tcpfsm_transition_set },
	[TCPFSM_A_STATS_STATE] = { MNL_TYPE_NESTED, "state", .multi = true, .nest = &tcpfsm_state_stats_set },
	[TCPFSM_A_STATS_EVENTS_SENT] = { MNL_TYPE_U64, "events-sent" },
	[TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW] = { MNL_TYPE_U64, "events-lost-overflow" },
	[TCPFSM_A_STATS_EVENTS_LOST_NOMEM] = { MNL_TYPE_U64, "events-lost-nomem" },
	[TCPFSM_A_STATS_EVENTS_LOST_RCVBUF] = { MNL_TYPE_U64, "events-lost-rcvbuf" },
	[TCPFSM_A_STATS_STATE_ID] = { MNL_TYPE_U8, "state-id" },
	[TCPFSM_A_STATS_EVENTS_UNHEARD] = { MNL_TYPE_U64, "events-unheard" },
	[TCPFSM_A_STATS_DWELL] = { MNL_TYPE_NESTED, "dwell", .multi = true, .nest = &tcpfsm_dwell_set },
	[TCPFSM_A_STATS_TRACKED] = { MNL_TYPE_U64, "tracked" },
	[TCPFSM_A_STATS_UNTRACKED] = { MNL_TYPE_U64, "untracked" },
	[TCPFSM_A_STATS_TRACK_SIZE] = { MNL_TYPE_U32, "track-size" },
	[TCPFSM_A_STATS_TIMEWAIT_CREATED] = { MNL_TYPE_U64, "timewait-created" },
	[TCPFSM_A_STATS_TIMEWAIT_SUBSTATE] = { MNL_TYPE_NESTED, "timewait-substate", .multi = true, .nest = &tcpfsm_timewait_stats_set },
	[TCPFSM_A_STATS_TW_EVENTS] = { MNL_TYPE_FLAG, "tw-events" },
	[TCPFSM_A_STATS_HANDSHAKE] = { MNL_TYPE_NESTED, "handshake", .nest = &tcpfsm_handshake_stats_set },
	[TCPFSM_A_STATS_RSK_EVENTS] = { MNL_TYPE_FLAG, "rsk-events" },
	[TCPFSM_A_STATS_NETNS_INO] = { MNL_TYPE_U32, "netns-ino" },
	[TCPFSM_A_STATS_NETNS_COOKIE] = { MNL_TYPE_U64, "netns-cookie" },
};

const struct tcpfsm_attr_set tcpfsm_stats_set = {
	.name = "stats",
	.max = TCPFSM_A_STATS_MAX,
	.attrs = stats_attrs,
};

static const struct tcpfsm_attr_spec dwell_attrs[TCPFSM_A_DWELL_MAX + 1] = {
	[TCPFSM_A_DWELL_STATE] = { MNL_TYPE_U8, "state" },
	[TCPFSM_A_DWELL_SAMPLES] = { MNL_TYPE_U64, "samples" },
	[TCPFSM_A_DWELL_SUM_NS] = { MNL_TYPE_U64, "sum-ns" },
	[TCPFSM_A_DWELL_BUCKET] = { MNL_TYPE_NESTED, "bucket", .multi = true, .nest = &tcpfsm_bucket_set },
};

const struct tcpfsm_attr_set tcpfsm_dwell_set = {
	.name = "dwell",
	.max = TCPFSM_A_DWELL_MAX,
	.attrs = dwell_attrs,
};

static const struct tcpfsm_attr_spec bucket_attrs[TCPFSM_A_BUCKET_MAX + 1] = {
	[TCPFSM_A_BUCKET_INDEX] = { MNL_TYPE_U8, "index" },
	[TCPFSM_A_BUCKET_COUNT] = { MNL_TYPE_U64, "count" },
};

const struct tcpfsm_attr_set tcpfsm_bucket_set = {
	.name = "bucket",
	.max = TCPFSM_A_BUCKET_MAX,
	.attrs = bucket_attrs,
};

static const struct tcpfsm_attr_spec event_attrs[TCPFSM_A_EVENT_MAX + 1] = {
	[TCPFSM_A_EVENT_FAMILY] = { MNL_TYPE_U16, "family" },
	[TCPFSM_A_EVENT_SADDR4] = { MNL_TYPE_U32, "saddr4" },
	[TCPFSM_A_EVENT_DADDR4] = { MNL_TYPE_U32, "daddr4" },
	[TCPFSM_A_EVENT_SADDR6] = { MNL_TYPE_BINARY, "saddr6", .len = 16 },
	[TCPFSM_A_EVENT_DADDR6] = { MNL_TYPE_BINARY, "daddr6", .len = 16 },
	[TCPFSM_A_EVENT_SPORT] = { MNL_TYPE_U16, "sport" },
	[TCPFSM_A_EVENT_DPORT] = { MNL_TYPE_U16, "dport" },
	[TCPFSM_A_EVENT_OLD_STATE] = { MNL_TYPE_U8, "old-state" },
	[TCPFSM_A_EVENT_NEW_STATE] = { MNL_TYPE_U8, "new-state" },
	[TCPFSM_A_EVENT_TIMESTAMP] = { MNL_TYPE_U64, "timestamp" },
	[TCPFSM_A_EVENT_COOKIE] = { MNL_TYPE_U64, "cookie" },
	[TCPFSM_A_EVENT_INO] = { MNL_TYPE_U64, "ino" },
	[TCPFSM_A_EVENT_UID] = { MNL_TYPE_U32, "uid" },
	[TCPFSM_A_EVENT_SOURCE] = { MNL_TYPE_U32, "source" },
	[TCPFSM_A_EVENT_SEQ] = { MNL_TYPE_U64, "seq" },
	[TCPFSM_A_EVENT_OLD_STATE_NS] = { MNL_TYPE_U64, "old-state-ns" },
	[TCPFSM_A_EVENT_TIMEWAIT] = { MNL_TYPE_FLAG, "timewait" },
	[TCPFSM_A_EVENT_REQUEST] = { MNL_TYPE_FLAG, "request" },
};

const struct tcpfsm_attr_set tcpfsm_event_set = {
	.name = "event",
	.max = TCPFSM_A_EVENT_MAX,
	.attrs = event_attrs,
};

static const struct tcpfsm_attr_spec socket_attrs[TCPFSM_A_SOCKET_MAX + 1] = {
	[TCPFSM_A_SOCKET_FAMILY] = { MNL_TYPE_U16, "family" },
	[TCPFSM_A_SOCKET_SADDR4] = { MNL_TYPE_U32, "saddr4" },
	[TCPFSM_A_SOCKET_DADDR4] = { MNL_TYPE_U32, "daddr4" },
	[TCPFSM_A_SOCKET_SADDR6] = { MNL_TYPE_BINARY, "saddr6", .len = 16 },
	[TCPFSM_A_SOCKET_DADDR6] = { MNL_TYPE_BINARY, "daddr6", .len = 16 },
	[TCPFSM_A_SOCKET_SPORT] = { MNL_TYPE_U16, "sport" },
	[TCPFSM_A_SOCKET_DPORT] = { MNL_TYPE_U16, "dport" },
	[TCPFSM_A_SOCKET_AGE_NS] = { MNL_TYPE_U64, "age-ns" },
	[TCPFSM_A_SOCKET_INO] = { MNL_TYPE_U64, "ino" },
	[TCPFSM_A_SOCKET_UID] = { MNL_TYPE_U32, "uid" },
	[TCPFSM_A_SOCKET_COOKIE] = { MNL_TYPE_U64, "cookie" },
	[TCPFSM_A_SOCKET_MIN_AGE_NS] = { MNL_TYPE_U64, "min-age-ns" },
};

const struct tcpfsm_attr_set tcpfsm_socket_set = {
	.name = "socket",
	.max = TCPFSM_A_SOCKET_MAX,
	.attrs = socket_attrs,
};

static const struct tcpfsm_attr_spec port_count_attrs[TCPFSM_A_PORT_COUNT_MAX + 1] = {
	[TCPFSM_A_PORT_COUNT_PORT] = { MNL_TYPE_U16, "port" },
	[TCPFSM_A_PORT_COUNT_COUNT] = { MNL_TYPE_U32, "count" },
};

const struct tcpfsm_attr_set tcpfsm_port_count_set = {
	.name = "port-count",
	.max = TCPFSM_A_PORT_COUNT_MAX,
	.attrs = port_count_attrs,
};

static const struct tcpfsm_attr_spec timewait_attrs[TCPFSM_A_TIMEWAIT_MAX + 1] = {
	[TCPFSM_A_TIMEWAIT_COUNT] = { MNL_TYPE_U64, "count" },
	[TCPFSM_A_TIMEWAIT_CREATED] = { MNL_TYPE_U64, "created" },
	[TCPFSM_A_TIMEWAIT_LOCAL_PORT] = { MNL_TYPE_NESTED, "local-port", .multi = true, .nest = &tcpfsm_port_count_set },
	[TCPFSM_A_TIMEWAIT_REMOTE_PORT] = { MNL_TYPE_NESTED, "remote-port", .multi = true, .nest = &tcpfsm_port_count_set },
	[TCPFSM_A_TIMEWAIT_LIMIT] = { MNL_TYPE_U32, "limit" },
};

const struct tcpfsm_attr_set tcpfsm_timewait_set = {
	.name = "timewait",
	.max = TCPFSM_A_TIMEWAIT_MAX,
	.attrs = timewait_attrs,
};

const char *const tcpfsm_state_names[13] = {
	[TCPFSM_STATE_ESTABLISHED] = "ESTABLISHED",
	[TCPFSM_STATE_SYN_SENT] = "SYN_SENT",
	[TCPFSM_STATE_SYN_RECV] = "SYN_RECV",
	[TCPFSM_STATE_FIN_WAIT1] = "FIN_WAIT1",
	[TCPFSM_STATE_FIN_WAIT2] = "FIN_WAIT2",
	[TCPFSM_STATE_TIME_WAIT] = "TIME_WAIT",
	[TCPFSM_STATE_CLOSE] = "CLOSE",
	[TCPFSM_STATE_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCPFSM_STATE_LAST_ACK] = "LAST_ACK",
	[TCPFSM_STATE_LISTEN] = "LISTEN",
	[TCPFSM_STATE_CLOSING] = "CLOSING",
	[TCPFSM_STATE_NEW_SYN_RECV] = "NEW_SYN_RECV",
};
