/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: per-netns counters of TCP state transitions.
 *
 * Internal interfaces between the parts of the module: the per-netns
 * state, the tracepoint probe (probe.c), the counters (stats.c), the
 * load-time seed of the per-state gauges (seed.c), the /proc/net/tcpfsm
 * files (proc.c) and the netlink family (netlink.c). The event stream and
 * time in state have headers of their own, events.h and track.h.
 */
#ifndef _TCPFSM_H
#define _TCPFSM_H

#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rwsem.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/tcp_states.h>
#include <linux/in6.h>
#include <uapi/linux/tcpfsm.h>

#include "compat.h"

/*
 * The 11 states of RFC 9293 as the kernel numbers them, TCP_ESTABLISHED (1)
 * to TCP_CLOSING (11). Arrays are indexed by state - 1.
 */
#define TCPFSM_NR_STATES	(TCP_CLOSING - TCP_ESTABLISHED + 1)

static inline bool tcpfsm_state_valid(int state)
{
	return state >= TCP_ESTABLISHED && state <= TCP_CLOSING;
}

static inline unsigned int tcpfsm_idx(int state)
{
	return state - TCP_ESTABLISHED;
}

/*
 * Time in state (track.c): a log2 histogram of microseconds per state a
 * socket can stay in (SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1,
 * FIN_WAIT2, CLOSE_WAIT, LAST_ACK, CLOSING); bucket i holds
 * 2^(i-1) <= us < 2^i, bucket 0 below 1 us, the last one has no bound.
 */
#define TCPFSM_NR_DWELL		8
#define TCPFSM_NR_BUCKETS	TCPFSM_HIST_BUCKETS	/* the spec's hist-buckets */
#define TCPFSM_DWELL_UNKNOWN	U64_MAX

/*
 * Timewait sockets (timewait.c), per substate: [0] FIN_WAIT2 (an orphan
 * waiting for its peer's FIN), [1] TIME_WAIT.
 */
#define TCPFSM_TW_FIN_WAIT2	0
#define TCPFSM_TW_TIME_WAIT	1
#define TCPFSM_NR_TW		2

/*
 * The transition matrix, per CPU: one 64-bit slot for each (old, new) pair
 * the kernel's TCP makes (checked against 6.1 and 6.12: tcp_set_state(),
 * tcp_close_state(), tcp_done(), tcp_disconnect(), inet_csk_clone_lock(),
 * inet_csk_listen_start(), inet_ehash_nolisten()): births, the handshake,
 * the closes, the same-state events of tcp_close_state() and every
 * X -> CLOSE. Any other pair (a race, another module calling
 * tcp_set_state() oddly) is counted in struct tcpfsm_net's @trans_other,
 * so that the folded matrix is exact whatever the kernel does. Each slot
 * is the slot of one pair of tcpfsm_trans_slot (stats.c), and of one only.
 */
enum tcpfsm_slot {
	/* births, the handshake */
	TCPFSM_SLOT_CLOSE_SYN_SENT,
	TCPFSM_SLOT_SYN_SENT_ESTABLISHED,
	TCPFSM_SLOT_CLOSE_LISTEN,
	TCPFSM_SLOT_LISTEN_SYN_RECV,
	TCPFSM_SLOT_SYN_RECV_ESTABLISHED,
	TCPFSM_SLOT_SYN_SENT_SYN_RECV,
	/* the closes */
	TCPFSM_SLOT_ESTABLISHED_FIN_WAIT1,
	TCPFSM_SLOT_FIN_WAIT1_FIN_WAIT2,
	TCPFSM_SLOT_ESTABLISHED_CLOSE_WAIT,
	TCPFSM_SLOT_CLOSE_WAIT_LAST_ACK,
	TCPFSM_SLOT_FIN_WAIT1_CLOSING,
	TCPFSM_SLOT_SYN_RECV_FIN_WAIT1,
	TCPFSM_SLOT_SYN_RECV_CLOSE_WAIT,
	/* tcp_close_state() in a state it keeps */
	TCPFSM_SLOT_FIN_WAIT1_FIN_WAIT1,
	TCPFSM_SLOT_FIN_WAIT2_FIN_WAIT2,
	TCPFSM_SLOT_LAST_ACK_LAST_ACK,
	TCPFSM_SLOT_CLOSING_CLOSING,
	/* every X -> CLOSE */
	TCPFSM_SLOT_ESTABLISHED_CLOSE,
	TCPFSM_SLOT_SYN_SENT_CLOSE,
	TCPFSM_SLOT_SYN_RECV_CLOSE,
	TCPFSM_SLOT_FIN_WAIT1_CLOSE,
	TCPFSM_SLOT_FIN_WAIT2_CLOSE,
	TCPFSM_SLOT_TIME_WAIT_CLOSE,
	TCPFSM_SLOT_CLOSE_CLOSE,
	TCPFSM_SLOT_CLOSE_WAIT_CLOSE,
	TCPFSM_SLOT_LAST_ACK_CLOSE,
	TCPFSM_SLOT_LISTEN_CLOSE,
	TCPFSM_SLOT_CLOSING_CLOSE,
	TCPFSM_NR_SLOTS
};

/* [old][new]: the slot of a pair, plus 1; 0 for a pair without one */
extern const u8 tcpfsm_trans_slot[TCPFSM_NR_STATES][TCPFSM_NR_STATES];

/**
 * struct tcpfsm_tw_pcpu - what the timewait probes write, per CPU per netns
 * @created: timewait sockets created, by substate at creation
 * @refused: not created: tcp_max_tw_buckets reached (or no memory)
 * @fin_wait2_to_time_wait: the peer's FIN reached one in FIN_WAIT2
 * @freed: timewait sockets freed, by their last substate
 * @timer: ended by their timer (tcp_fin_timeout or 2MSL), by substate
 * @reused: taken over by a connect() (tcp_tw_reuse), by substate
 * @killed: ended early otherwise (reset, new SYN, netns exit), by substate
 * @untracked: created, by substate, when their bucket of the netns's
 *	time-in-state table was full (track.c)
 * @from: created, by substate, by the state of the full socket they
 *	replace (that socket's next event is X -> CLOSE)
 *
 * 64-bit counters only, nothing else: stats.c folds it as an array of u64
 * into struct tcpfsm_tw_counters's @c, so that a counter added here is
 * folded without another line.
 */
struct tcpfsm_tw_pcpu {
	u64 created[TCPFSM_NR_TW];
	u64 refused[TCPFSM_NR_TW];
	u64 fin_wait2_to_time_wait;
	u64 freed[TCPFSM_NR_TW];
	u64 timer[TCPFSM_NR_TW];
	u64 reused[TCPFSM_NR_TW];
	u64 killed[TCPFSM_NR_TW];
	u64 untracked[TCPFSM_NR_TW];
	u64 from[TCPFSM_NR_TW][TCPFSM_NR_STATES];
};

static_assert(sizeof(struct tcpfsm_tw_pcpu) % sizeof(u64) == 0);

/**
 * struct tcpfsm_rsk_pcpu - what the request-socket probes write (reqsk.c)
 * @created: request sockets hashed (a SYN answered by a SYN-ACK)
 * @completed: the final ACK made a child, which took the request's place
 * @expired: its timer gave up (tcp_synack_retries), listener listening
 * @orphaned: its timer found its listener closed
 * @dropped: unhashed otherwise (RST, ICMP error, bad ACK, abort)
 * @cookies: handshakes completed by a SYN cookie (no request socket)
 *
 * 64-bit counters only, nothing else: stats.c folds it as an array of u64
 * into struct tcpfsm_rsk_counters's @c, and struct tcpfsm_rsk_figures
 * (reqsk.h) carries that sum, so that a counter added here is folded
 * without another line.
 */
struct tcpfsm_rsk_pcpu {
	u64 created;
	u64 completed;
	u64 expired;
	u64 orphaned;
	u64 dropped;
	u64 cookies;
};

static_assert(sizeof(struct tcpfsm_rsk_pcpu) % sizeof(u64) == 0);

/*
 * What the probes write on every transition: one per CPU per netns, never
 * shared, at most 1 KiB (stats.c checks). The ev_ counters are those of
 * the events group (events.c): the sequence number of the last event, and
 * how events went; tracked and untracked are time in state (track.c). The
 * histograms of time in state, written once per transition at most and
 * only with time in state on, are per netns (struct tcpfsm_hist).
 * 64-bit counters only.
 */
struct tcpfsm_pcpu {
	u64 trans[TCPFSM_NR_SLOTS];
	u64 ev_seq;
	u64 ev_sent;
	u64 ev_lost_overflow;
	u64 ev_lost_nomem;
	u64 ev_lost_rcvbuf;
	u64 ev_unheard;
	s64 tracked;
	u64 untracked;
	struct tcpfsm_tw_pcpu tw;
	struct tcpfsm_rsk_pcpu rsk;
};

/**
 * struct tcpfsm_hist - the histograms of time in state of a netns, shared
 * by its CPUs, allocated with its time-in-state table (track.c)
 * @dwell: per state with a histogram, the time tracked sockets spent in it
 * @dwell_sum_ns: per such state, the sum of those times
 * @tw_dwell: per timewait substate, the time tracked timewait sockets
 *	spent in it
 * @tw_dwell_sum_ns: per substate, the sum of those times
 */
struct tcpfsm_hist {
	atomic64_t dwell[TCPFSM_NR_DWELL][TCPFSM_NR_BUCKETS];
	atomic64_t dwell_sum_ns[TCPFSM_NR_DWELL];
	atomic64_t tw_dwell[TCPFSM_NR_TW][TCPFSM_NR_BUCKETS];
	atomic64_t tw_dwell_sum_ns[TCPFSM_NR_TW];
};

/**
 * struct tcpfsm_tw_counters - the timewait counters of a netns, folded
 * @c: struct tcpfsm_tw_pcpu of every CPU, summed
 * @dwell: per substate, a log2 histogram of the time tracked timewait
 *	sockets spent in it (as struct tcpfsm_counters's dwell)
 * @dwell_sum_ns: per substate, the sum of those times
 */
struct tcpfsm_tw_counters {
	struct tcpfsm_tw_pcpu c;
	u64 dwell[TCPFSM_NR_TW][TCPFSM_NR_BUCKETS];
	u64 dwell_sum_ns[TCPFSM_NR_TW];
};

/**
 * struct tcpfsm_rsk_counters - the request-socket counters of a netns,
 * folded
 * @c: struct tcpfsm_rsk_pcpu of every CPU, summed
 * @syn_ack: completions by time from the first SYN-ACK, log2 buckets of us
 * @syn_ack_sum_ns: the sum of those times
 */
struct tcpfsm_rsk_counters {
	struct tcpfsm_rsk_pcpu c;
	u64 syn_ack[TCPFSM_NR_BUCKETS];
	u64 syn_ack_sum_ns;
};

/**
 * struct tcpfsm_counters - every counter of a netns, folded: the per-CPU
 * ones summed, the per-netns ones read
 * @trans: transitions, [old][new]
 * @ev_seq: as struct tcpfsm_pcpu's
 * @ev_sent: events sent
 * @ev_lost_overflow: events lost to a full per-CPU ring
 * @ev_lost_nomem: events lost for want of memory
 * @ev_lost_rcvbuf: events lost to a full receive buffer
 * @ev_unheard: events nobody listened to
 * @dwell: per state with a histogram (track.c), a log2 histogram of the
 *	time tracked sockets spent in it
 * @dwell_sum_ns: per such state, the sum of those times
 * @tracked: sockets in the netns's time-in-state table now
 * @untracked: sockets born when their bucket of the table was full
 * @tw: the timewait sockets' counters
 * @rsk: the request sockets' counters
 */
struct tcpfsm_counters {
	u64 trans[TCPFSM_NR_STATES][TCPFSM_NR_STATES];
	u64 ev_seq;
	u64 ev_sent;
	u64 ev_lost_overflow;
	u64 ev_lost_nomem;
	u64 ev_lost_rcvbuf;
	u64 ev_unheard;
	u64 dwell[TCPFSM_NR_DWELL][TCPFSM_NR_BUCKETS];
	u64 dwell_sum_ns[TCPFSM_NR_DWELL];
	s64 tracked;
	u64 untracked;
	struct tcpfsm_tw_counters tw;
	struct tcpfsm_rsk_counters rsk;
};

struct tcpfsm_bucket;

/**
 * struct tcpfsm_table - the tracked sockets of one netns (track.c)
 * @b: the buckets, or NULL: time in state off
 * @bits: log2 of the number of buckets
 * @size: sockets it can hold
 * @hist: the histograms it feeds, allocated with it
 */
struct tcpfsm_table {
	struct tcpfsm_bucket *b;
	struct tcpfsm_hist *hist;
	unsigned int bits;
	unsigned int size;
};

/**
 * struct tcpfsm_net - per network namespace state
 * @stats: per-CPU counters (struct tcpfsm_pcpu), valid from .init to .exit
 * @probe_stats: what the probe writes: @stats until .pre_exit, then NULL,
 *	so that the probe never writes to a matrix about to be freed
 * @base: per-state gauge offsets; the number of sockets in state s is
 *	@base[s] plus the net flow into s read from the matrix (see seed.c)
 * @proc_dir: /proc/net/tcpfsm of this netns
 * @ev_subs: sockets subscribed to the events of this netns (events.c),
 *	under tcpfsm_ev_subs_lock
 * @ev_nr_subs: their number; the probe records events while it is not 0
 * @ev_nr_tw_subs: of those, the ones that asked for the events of timewait
 *	sockets (timewait.c records them while it is not 0)
 * @ev_nr_rsk_subs: of those, the ones that asked for the events of request
 *	sockets (reqsk.c records them while it is not 0)
 * @track: the table of this netns's tracked sockets
 * @tw_created_base: timewait sockets the netns had created before load
 * @tw_base: per substate, offsets of the timewait gauges (see seed.c)
 * @rsk_base: offset of the request-socket gauge (see seed.c)
 * @seed_pre: per state, the net flow of the transitions the probe counted
 *	while the load's seed ran, of sockets it had not yet counted (seed.c)
 * @seed_tw_pre: likewise per timewait substate
 * @seed_rsk_pre: likewise of request sockets
 * @trans_other: transitions [old][new] of the pairs without a per-CPU slot
 *	(tcpfsm_trans_slot), exact and rare
 * @syn_ack: the histogram of struct tcpfsm_rsk_counters, written once per
 *	completed handshake (reqsk.c)
 * @syn_ack_sum_ns: the sum of its times
 */
struct tcpfsm_net {
	struct tcpfsm_pcpu __percpu *probe_stats;
	struct tcpfsm_pcpu __percpu *stats;
	s64 base[TCPFSM_NR_STATES];
	struct proc_dir_entry *proc_dir;
	struct list_head ev_subs;
	unsigned int ev_nr_subs;
	unsigned int ev_nr_tw_subs;
	unsigned int ev_nr_rsk_subs;
	struct tcpfsm_table track;
	u64 tw_created_base;
	s64 tw_base[TCPFSM_NR_TW];
	s64 rsk_base;
	atomic64_t seed_pre[TCPFSM_NR_STATES];
	atomic64_t seed_tw_pre[TCPFSM_NR_TW];
	atomic64_t seed_rsk_pre;
	atomic64_t trans_other[TCPFSM_NR_STATES][TCPFSM_NR_STATES];
	atomic64_t syn_ack[TCPFSM_NR_BUCKETS];
	atomic64_t syn_ack_sum_ns;
};

/**
 * struct tcpfsm_snapshot - a folded, consistent view of one netns
 * @sum: the counters folded: transitions [old][new], events, time in
 *	state (tracked is signed: summed as it is, modulo 2^64)
 * @entered: per state, transitions into it from another state
 * @left: per state, transitions out of it to another state
 * @current_nr: per state, sockets in it now (meaningless for CLOSE, which
 *	is not tracked)
 * @timewait: timewait sockets now (TIME_WAIT and FIN_WAIT2 substates)
 * @new_syn_recv: request sockets (half-open connections) now
 * @timewait_created: timewait sockets created since load
 * @track_size: sockets the netns's table can hold
 * @tw_current: per substate, timewait sockets now, if @tw_counting
 * @tw_counting: the timewait probes are attached (timewait.c)
 * @rsk_current: request sockets now, counted by their probes, if
 *	@rsk_counting (then @new_syn_recv is this figure)
 * @rsk_counting: the request-socket probes are attached (reqsk.c)
 */
struct tcpfsm_snapshot {
	struct tcpfsm_counters sum;
	u64 entered[TCPFSM_NR_STATES];
	u64 left[TCPFSM_NR_STATES];
	s64 current_nr[TCPFSM_NR_STATES];
	s64 timewait;
	s64 new_syn_recv;
	u64 timewait_created;
	unsigned int track_size;
	s64 tw_current[TCPFSM_NR_TW];
	bool tw_counting;
	s64 rsk_current;
	bool rsk_counting;
};

/**
 * struct tcpfsm_figures - what /proc and netlink show of one state
 * @current_nr: sockets in the state now, if @has_current
 * @entered: transitions into it from another state, if @has_flow
 * @left: transitions out of it to another state, if @has_flow
 * @has_current: false for CLOSE, which is not tracked
 * @has_flow: false for TIME_WAIT and NEW_SYN_RECV, which no event reports
 */
struct tcpfsm_figures {
	s64 current_nr;
	u64 entered;
	u64 left;
	bool has_current;
	bool has_flow;
};

/**
 * struct tcpfsm_endpoints - the addresses and ports of a socket
 * @family: AF_INET or AF_INET6
 * @saddr4: local IPv4 address, for AF_INET
 * @daddr4: remote IPv4 address, for AF_INET
 * @saddr6: local IPv6 address, for AF_INET6
 * @daddr6: remote IPv6 address, for AF_INET6
 * @sport: local port
 * @dport: remote port
 */
struct tcpfsm_endpoints {
	u16 family;
	__be32 saddr4, daddr4;
	struct in6_addr saddr6, daddr6;
	__be16 sport, dport;
};

/**
 * struct tcpfsm_pow2_param - a module parameter: a power of 2 in a range
 * @val: the value, rounded up to a power of 2
 * @min: the smallest accepted
 * @max: the largest accepted
 * @zero_ok: 0 is accepted too (off)
 * @unit: what it counts, for the error message
 */
struct tcpfsm_pow2_param {
	unsigned int val;
	unsigned int min, max;
	bool zero_ok;
	const char *unit;
};

extern const struct kernel_param_ops tcpfsm_pow2_param_ops;
extern unsigned int tcpfsm_net_id;
extern struct rw_semaphore tcpfsm_seed_rwsem;

static inline struct tcpfsm_net *tcpfsm_pernet(const struct net *net)
{
	return net_generic(net, tcpfsm_net_id);
}

const char *tcpfsm_state_name(int state);

int tcpfsm_stats_init_net(struct net *net, struct tcpfsm_net *tn);
void tcpfsm_stats_exit_net(struct tcpfsm_net *tn);
void tcpfsm_stats_fold(const struct tcpfsm_net *tn,
		       struct tcpfsm_counters *sum);
void tcpfsm_flow(u64 trans[TCPFSM_NR_STATES][TCPFSM_NR_STATES],
		 u64 *entered, u64 *left);
struct tcpfsm_snapshot *tcpfsm_snapshot(struct net *net);
u64 tcpfsm_dwell_samples(const struct tcpfsm_snapshot *snap, int i);
u64 tcpfsm_timewait_created(struct net *net);
void tcpfsm_state_figures(const struct tcpfsm_snapshot *snap, int state,
			  struct tcpfsm_figures *f);

/* what a timewait or request socket's probe tells the seed (seed.c) */
enum {
	TCPFSM_SEED_CREATED,
	TCPFSM_SEED_TO_TIME_WAIT,
	TCPFSM_SEED_FREED,
	TCPFSM_SEED_ENDED,
};

struct inet_timewait_sock;
struct request_sock;

extern bool tcpfsm_seeding_on;

void tcpfsm_seed_prepare(void);
void tcpfsm_seed_abort(void);
int tcpfsm_seed(void);
void tcpfsm_seed_trans(const struct sock *sk, struct tcpfsm_net *tn, int old,
		       int new);
void tcpfsm_seed_tw(const struct inet_timewait_sock *tw,
		    struct tcpfsm_net *tn, int what, int sub);
void tcpfsm_seed_rsk(const struct request_sock *req, struct tcpfsm_net *tn,
		     int what);
bool tcpfsm_seed_enter(void);
void tcpfsm_seed_return(void);

int tcpfsm_proc_init_net(struct net *net, struct tcpfsm_net *tn);
void tcpfsm_proc_exit_net(struct net *net, struct tcpfsm_net *tn);

void tcpfsm_endpoints_of(const struct sock *sk, struct tcpfsm_endpoints *e);

/* The most tcpfsm_nlw_endpoints() writes: IPv6 */
#define TCPFSM_NL_ENDPOINTS_SIZE					\
	(nla_total_size(sizeof(u16)) +					\
	 2 * nla_total_size(sizeof(struct in6_addr)) +			\
	 2 * nla_total_size(sizeof(__be16)))

struct tcpfsm_nlw;
void tcpfsm_nlw_endpoints(struct tcpfsm_nlw *w,
			  const struct tcpfsm_endpoints *e);
int tcpfsm_nl_put_endpoints(struct sk_buff *skb,
			    const struct tcpfsm_endpoints *e);
int tcpfsm_netlink_register(void);
void tcpfsm_netlink_unregister(void);

int tcpfsm_probe_register(void);
void tcpfsm_probe_unregister(void);

#endif /* _TCPFSM_H */
