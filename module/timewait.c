// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: timewait sockets, seen through kprobes.
 *
 * No tracepoint reports a timewait socket (struct inet_timewait_sock, the
 * small object that replaces a full socket entering TIME_WAIT, or an
 * orphan in FIN_WAIT2). These functions see every step of its life, in
 * Debian's 6.1 and 6.12 alike (none is inlined there):
 *
 *	created		6.12: inet_twsk_hashdance_schedule(tw, sk, hashinfo,
 *			timeo); 6.1: __inet_twsk_schedule(tw, timeo, false),
 *			which tcp_time_wait() calls before the hash dance
 *			(module/compat.h chooses). Both count where the kernel
 *			counts TW/TWKilled and takes tw_refcount.
 *	refused		inet_twsk_alloc(sk, dr, state) returning NULL: over
 *			tcp_max_tw_buckets, or no memory (TCPTimeWaitOverflow)
 *	FIN_WAIT2 ->	tcp_timewait_state_process(tw, ...) entered in
 *	TIME_WAIT	FIN_WAIT2, then __inet_twsk_schedule(tw, .., true) on
 *			the same CPU with the substate now TIME_WAIT: the
 *			peer's FIN arrived (the only rearm in FIN_WAIT2)
 *	ended		inet_twsk_kill(tw), the one place every timewait socket
 *			leaves the hash and gives back its tw_refcount, once;
 *			from tw_timer_handler() (its timer ran out), after a
 *			connect() unhashed it to take its place (tcp_tw_reuse,
 *			TWRecycled), or from inet_twsk_deschedule_put()
 *			otherwise (reset, a new SYN, netns exit)
 *	freed		inet_twsk_free(tw), at its last reference, in its
 *			last substate: the gauges count frees, not kills, so
 *			that a FIN racing the FIN_WAIT2 timer is seen in the
 *			substate it left the socket in (the CPU that wrote it
 *			held a reference, dropped after our count)
 *
 * Only TCP's timewait sockets count (tw_dr is the netns's tcp_death_row;
 * DCCP's go through the same functions). Like the tracepoint probe, the
 * handlers take no lock, allocate nothing and only increment this CPU's
 * counters of the socket's netns; two per-CPU pointers carry what one
 * handler learnt to the next on the same CPU (both run in the same
 * BH-disabled section, which on PREEMPT_RT also keeps the task on the CPU
 * and alone in it).
 *
 * Time in each substate (track.c): a timewait socket takes a slot of its
 * netns's time-in-state table when it is created, if the probes of its end
 * are on to give it back; its move to TIME_WAIT and its end take a sample
 * of the histogram of the substate it leaves.
 *
 * If a function cannot be probed, that part is off, with one line in the
 * kernel log, and its figures read "-"; so do figures of a probe that
 * missed a hit (kprobe nmissed).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <net/inet_timewait_sock.h>
#include <net/sock.h>

#include "events.h"
#include "timewait.h"
#include "track.h"

/**
 * struct tcpfsm_tw_scratch - what a handler tells the next, on this CPU:
 * the address of a timewait socket, or 0 (integers: 6.1's this_cpu ops
 * take no pointers)
 * @fin_wait2: tcp_timewait_state_process() began on it in FIN_WAIT2
 * @timer: tw_timer_handler() runs for it
 */
struct tcpfsm_tw_scratch {
	unsigned long fin_wait2;
	unsigned long timer;
};

static DEFINE_PER_CPU(struct tcpfsm_tw_scratch, tcpfsm_tw_scratch);

/* which parts are on: set at load, before the seed; read by readers */
static bool tcpfsm_tw_on, tcpfsm_tw_exits_on, tcpfsm_tw_refused_on;
/* 6.1: the probe of inet_twsk_hashdance(), which sees the full socket */
static bool tcpfsm_tw_from_on;

static unsigned long tcpfsm_tw_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/**
 * tcpfsm_tw_sub() - the index of a timewait substate
 * @substate: TCP_FIN_WAIT2 or TCP_TIME_WAIT
 *
 * Return: TCPFSM_TW_FIN_WAIT2, TCPFSM_TW_TIME_WAIT, or -1.
 */
int tcpfsm_tw_sub(int substate)
{
	if (substate == TCP_FIN_WAIT2)
		return TCPFSM_TW_FIN_WAIT2;
	if (substate == TCP_TIME_WAIT)
		return TCPFSM_TW_TIME_WAIT;
	return -1;
}

/* The counters of a TCP timewait socket's netns and its state, or NULL. */
static struct tcpfsm_pcpu __percpu *
tcpfsm_tw_stats(const struct inet_timewait_sock *tw, struct tcpfsm_net **tnp)
{
	struct net *net = twsk_net(tw);
	struct tcpfsm_net *tn;

	if (tw->tw_dr != &net->ipv4.tcp_death_row)
		return NULL;
	tn = tcpfsm_pernet(net);
	*tnp = tn;
	return likely(tn) ? READ_ONCE(tn->probe_stats) : NULL;
}

/* Substate index @sub's TCP state. */
static int tcpfsm_tw_state(int sub)
{
	return sub == TCPFSM_TW_FIN_WAIT2 ? TCP_FIN_WAIT2 : TCP_TIME_WAIT;
}

/*
 * A timewait socket is created (@create), or the full socket it replaces
 * is known (@sk, locked, in the state it leaves for CLOSE next, or NULL);
 * on 6.12 both at once.
 */
static void tcpfsm_tw_created(const struct inet_timewait_sock *tw,
			      bool create, const struct sock *sk)
{
	int sub = tcpfsm_tw_sub(READ_ONCE(tw->tw_substate));
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_dwell d = { 0 };
	struct tcpfsm_net *tn;
	int from;
	u64 since;

	stats = tcpfsm_tw_stats(tw, &tn);
	if (!stats || sub < 0)
		return;
	if (create) {
		this_cpu_inc(stats->tw.created[sub]);
		if (unlikely(READ_ONCE(tcpfsm_seeding_on)))
			tcpfsm_seed_tw(tw, tn, TCPFSM_SEED_CREATED, sub);
		/* a slot only while its end hands it back */
		if (READ_ONCE(tcpfsm_tw_exits_on))
			tcpfsm_track_tw_created(tw, tn, stats, sub, &d);
	}
	if (!sk)
		return;
	from = READ_ONCE(sk->sk_state);
	if (!tcpfsm_state_valid(from))
		return;
	this_cpu_inc(stats->tw.from[sub][tcpfsm_idx(from)]);
	/* FIN_WAIT2 -> FIN_WAIT2: the connection stays where it is */
	if (from == tcpfsm_tw_state(sub) ||
	    !tcpfsm_events_tw_wanted(twsk_net(tw), tn))
		return;
	/* the full socket's time in @from, as its own event will say */
	d.ns = TCPFSM_DWELL_UNKNOWN;
	if (!d.now)
		d.now = tcpfsm_kprobe_now();
	if (tcpfsm_track_since(sk, &since))
		d.ns = tcpfsm_since(d.now, since);
	tcpfsm_event_record_tw(tw, twsk_net(tw), stats, from,
			       tcpfsm_tw_state(sub), &d);
}

/*
 * 6.12: inet_twsk_hashdance_schedule(tw, sk, hashinfo, timeo); 6.1:
 * inet_twsk_hashdance(tw, sk, hashinfo), right after the creation.
 */
static int tcpfsm_tw_hashdance_pre(struct kprobe *p, struct pt_regs *regs)
{
	tcpfsm_tw_created((void *)tcpfsm_tw_arg(regs, 0),
			  !COMPAT_TW_CREATED_IN_SCHEDULE,
			  (void *)tcpfsm_tw_arg(regs, 1));
	return 0;
}

/* __inet_twsk_schedule(tw, timeo, rearm) */
static int tcpfsm_tw_schedule_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)tcpfsm_tw_arg(regs, 0);
	/* a bool argument: only the low byte is defined */
	bool rearm = tcpfsm_tw_arg(regs, 2) & 0xff;
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_dwell d;
	struct tcpfsm_net *tn;

	if (!rearm) {
		if (COMPAT_TW_CREATED_IN_SCHEDULE)
			tcpfsm_tw_created(tw, true, NULL);
		return 0;
	}
	if (this_cpu_read(tcpfsm_tw_scratch.fin_wait2) != (unsigned long)tw)
		return 0;
	this_cpu_write(tcpfsm_tw_scratch.fin_wait2, 0);
	if (READ_ONCE(tw->tw_substate) != TCP_TIME_WAIT)
		return 0;
	stats = tcpfsm_tw_stats(tw, &tn);
	if (!stats)
		return 0;
	this_cpu_inc(stats->tw.fin_wait2_to_time_wait);
	if (unlikely(READ_ONCE(tcpfsm_seeding_on)))
		tcpfsm_seed_tw(tw, tn, TCPFSM_SEED_TO_TIME_WAIT,
			       TCPFSM_TW_TIME_WAIT);
	tcpfsm_track_tw_left(tw, tn, TCPFSM_TW_FIN_WAIT2, false, &d);
	if (tcpfsm_events_tw_wanted(twsk_net(tw), tn))
		tcpfsm_event_record_tw(tw, twsk_net(tw), stats, TCP_FIN_WAIT2,
				       TCP_TIME_WAIT, &d);
	return 0;
}

/* tcp_timewait_state_process(tw, skb, th[, tw_isn]): TCP's only */
static int tcpfsm_tw_process_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)tcpfsm_tw_arg(regs, 0);

	this_cpu_write(tcpfsm_tw_scratch.fin_wait2,
		       READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
		       (unsigned long)tw : 0);
	return 0;
}

/* tw_timer_handler(&tw->tw_timer): it calls inet_twsk_kill(tw) */
static int tcpfsm_tw_timer_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct timer_list *t = (void *)tcpfsm_tw_arg(regs, 0);

	this_cpu_write(tcpfsm_tw_scratch.timer, (unsigned long)
		       container_of(t, struct inet_timewait_sock, tw_timer));
	return 0;
}

/* inet_twsk_kill(tw): once per timewait socket, as it leaves the hash */
static int tcpfsm_tw_kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)tcpfsm_tw_arg(regs, 0);
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_dwell d;
	struct tcpfsm_net *tn;
	bool timer;
	int sub;

	timer = this_cpu_read(tcpfsm_tw_scratch.timer) == (unsigned long)tw;
	this_cpu_write(tcpfsm_tw_scratch.timer, 0);
	stats = tcpfsm_tw_stats(tw, &tn);
	sub = tcpfsm_tw_sub(READ_ONCE(tw->tw_substate));
	if (!stats || sub < 0)
		return 0;
	/*
	 * __inet_check_established() unhashes a timewait socket it takes
	 * over (and counts TWRecycled) before it kills it; every other
	 * kill finds it hashed.
	 */
	if (hlist_nulls_unhashed_lockless(&tw->tw_node))
		this_cpu_inc(stats->tw.reused[sub]);
	else if (timer)
		this_cpu_inc(stats->tw.timer[sub]);
	else
		this_cpu_inc(stats->tw.killed[sub]);
	tcpfsm_track_tw_left(tw, tn, sub, true, &d);
	if (tcpfsm_events_tw_wanted(twsk_net(tw), tn))
		tcpfsm_event_record_tw(tw, twsk_net(tw), stats,
				       tcpfsm_tw_state(sub), TCP_CLOSE, &d);
	return 0;
}

/* inet_twsk_free(tw): its last reference */
static int tcpfsm_tw_free_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw = (void *)tcpfsm_tw_arg(regs, 0);
	int sub = tcpfsm_tw_sub(READ_ONCE(tw->tw_substate));
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;

	stats = tcpfsm_tw_stats(tw, &tn);
	if (!stats || sub < 0)
		return 0;
	this_cpu_inc(stats->tw.freed[sub]);
	if (unlikely(READ_ONCE(tcpfsm_seeding_on)))
		tcpfsm_seed_tw(tw, tn, TCPFSM_SEED_FREED, sub);
	return 0;
}

/**
 * struct tcpfsm_tw_alloc - what inet_twsk_alloc()'s entry tells its return
 * @sk: the full socket becoming a timewait socket
 * @sub: the substate asked for
 */
struct tcpfsm_tw_alloc {
	struct sock *sk;
	int sub;
};

/* inet_twsk_alloc(sk, dr, state): only TCP's calls go on to the return */
static int tcpfsm_tw_alloc_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tcpfsm_tw_alloc *a = (void *)ri->data;
	struct sock *sk = (void *)tcpfsm_tw_arg(regs, 0);
	void *dr = (void *)tcpfsm_tw_arg(regs, 1);

	if (dr != &sock_net(sk)->ipv4.tcp_death_row)
		return 1;
	a->sk = sk;
	a->sub = tcpfsm_tw_sub((int)tcpfsm_tw_arg(regs, 2));
	return a->sub < 0;
}

static int tcpfsm_tw_alloc_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct tcpfsm_tw_alloc *a = (void *)ri->data;
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_net *tn;

	if (regs_return_value(regs))
		return 0;
	tn = tcpfsm_pernet(sock_net(a->sk));
	stats = likely(tn) ? READ_ONCE(tn->probe_stats) : NULL;
	if (stats)
		this_cpu_inc(stats->tw.refused[a->sub]);
	return 0;
}

static struct kprobe tcpfsm_tw_kp_create = {
	.symbol_name	= COMPAT_TW_CREATE_SYMBOL,
	.pre_handler	= tcpfsm_tw_hashdance_pre,
};

static struct kprobe tcpfsm_tw_kp_schedule = {
	.symbol_name	= "__inet_twsk_schedule",
	.pre_handler	= tcpfsm_tw_schedule_pre,
};

static struct kprobe tcpfsm_tw_kp_process = {
	.symbol_name	= "tcp_timewait_state_process",
	.pre_handler	= tcpfsm_tw_process_pre,
};

static struct kprobe tcpfsm_tw_kp_free = {
	.symbol_name	= "inet_twsk_free",
	.pre_handler	= tcpfsm_tw_free_pre,
};

static struct kprobe tcpfsm_tw_kp_timer = {
	.symbol_name	= "tw_timer_handler",
	.pre_handler	= tcpfsm_tw_timer_pre,
};

static struct kprobe tcpfsm_tw_kp_kill = {
	.symbol_name	= "inet_twsk_kill",
	.pre_handler	= tcpfsm_tw_kill_pre,
};

/* the gauges: creations, FIN_WAIT2 -> TIME_WAIT, frees */
static struct kprobe *tcpfsm_tw_core[] = {
	&tcpfsm_tw_kp_schedule,
	&tcpfsm_tw_kp_process,
	&tcpfsm_tw_kp_free,
	/*
	 * last: on 6.1 the creations are counted in __inet_twsk_schedule
	 * and this one, registered apart, sees only the full socket's state
	 */
	&tcpfsm_tw_kp_create,
};

/* how they end: the timer, or not */
static struct kprobe *tcpfsm_tw_exits[] = {
	&tcpfsm_tw_kp_timer,
	&tcpfsm_tw_kp_kill,
};

static struct kretprobe tcpfsm_tw_rp_alloc = {
	.kp.symbol_name	= "inet_twsk_alloc",
	.entry_handler	= tcpfsm_tw_alloc_entry,
	.handler	= tcpfsm_tw_alloc_ret,
	.data_size	= sizeof(struct tcpfsm_tw_alloc),
};

static int tcpfsm_tw_register_kprobes(struct kprobe **kps, int n,
				      const char *what)
{
	int err, i;

	for (i = 0; i < n; i++) {
		err = register_kprobe(kps[i]);
		if (err)
			break;
	}
	if (i == n)
		return 0;
	/* no memory is the load's failure, said by the allocator */
	if (err != -ENOMEM)
		pr_warn("timewait sockets: %s not counted: cannot probe %s: %d\n",
			what, kps[i]->symbol_name, err);
	while (i--)
		unregister_kprobe(kps[i]);
	return err;
}

static bool tcpfsm_tw_missed(struct kprobe **kps, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (READ_ONCE(kps[i]->nmissed))
			return true;
	return false;
}

/**
 * tcpfsm_tw_register() - attach the timewait probes
 *
 * After the tracepoint probe and before the seed (seed.c counts the
 * timewait sockets already there). A part that cannot be attached (a
 * function absent or not probeable) is off, said once in the kernel log;
 * the module works without it. No memory fails the load.
 *
 * Return: 0, or -ENOMEM with nothing attached.
 */
int tcpfsm_tw_register(void)
{
	int n = ARRAY_SIZE(tcpfsm_tw_core);
	int err;

	/* 6.1 counts creations in __inet_twsk_schedule() */
	if (COMPAT_TW_CREATED_IN_SCHEDULE)
		n--;
	err = tcpfsm_tw_register_kprobes(tcpfsm_tw_core, n,
					 "FIN_WAIT2 and TIME_WAIT");
	if (err)
		return err == -ENOMEM ? err : 0;
	tcpfsm_tw_on = true;
	/* 6.1: the full socket's state is seen after the creation */
	if (COMPAT_TW_CREATED_IN_SCHEDULE) {
		err = tcpfsm_tw_register_kprobes(&tcpfsm_tw_core[n], 1,
						 "the states they come from");
		if (err == -ENOMEM)
			goto err_unregister;
		tcpfsm_tw_from_on = !err;
	} else {
		tcpfsm_tw_from_on = true;
	}
	err = tcpfsm_tw_register_kprobes(tcpfsm_tw_exits,
					 ARRAY_SIZE(tcpfsm_tw_exits),
					 "their ends (timer, reused, killed)");
	if (err == -ENOMEM)
		goto err_unregister;
	tcpfsm_tw_exits_on = !err;
	/* never short of instances: they are only in flight in this call */
	tcpfsm_tw_rp_alloc.maxactive = max(64U, 4 * num_possible_cpus());
	err = register_kretprobe(&tcpfsm_tw_rp_alloc);
	if (err == -ENOMEM)
		goto err_unregister;
	if (err)
		pr_warn("timewait sockets: refusals not counted: cannot probe inet_twsk_alloc: %d\n",
			err);
	tcpfsm_tw_refused_on = !err;
	return 0;

err_unregister:
	tcpfsm_tw_unregister();
	return -ENOMEM;
}

/**
 * tcpfsm_tw_unregister() - detach the timewait probes
 *
 * Returns when no handler runs any more (unregister_kprobe() waits).
 */
void tcpfsm_tw_unregister(void)
{
	int n = ARRAY_SIZE(tcpfsm_tw_core);

	if (tcpfsm_tw_refused_on)
		unregister_kretprobe(&tcpfsm_tw_rp_alloc);
	if (tcpfsm_tw_exits_on)
		unregister_kprobes(tcpfsm_tw_exits, ARRAY_SIZE(tcpfsm_tw_exits));
	if (COMPAT_TW_CREATED_IN_SCHEDULE) {
		n--;
		if (tcpfsm_tw_from_on)
			unregister_kprobe(&tcpfsm_tw_kp_create);
	}
	if (tcpfsm_tw_on)
		unregister_kprobes(tcpfsm_tw_core, n);
	tcpfsm_tw_on = false;
	tcpfsm_tw_from_on = false;
	tcpfsm_tw_exits_on = false;
	tcpfsm_tw_refused_on = false;
}

/**
 * tcpfsm_tw_counting() - are the timewait gauges exact?
 *
 * Return: true if their probes are attached and none missed a hit.
 */
bool tcpfsm_tw_counting(void)
{
	int n = ARRAY_SIZE(tcpfsm_tw_core);

	if (COMPAT_TW_CREATED_IN_SCHEDULE)
		n--;
	return tcpfsm_tw_on && !tcpfsm_tw_missed(tcpfsm_tw_core, n);
}

/**
 * tcpfsm_tw_from_counting() - are the states timewait sockets come from
 * exact?
 *
 * Return: true if the probe that sees them is attached and missed no hit.
 */
bool tcpfsm_tw_from_counting(void)
{
	return tcpfsm_tw_from_on && !READ_ONCE(tcpfsm_tw_kp_create.nmissed);
}

/**
 * tcpfsm_tw_exits_counting() - are timer, reused and killed exact?
 *
 * Return: true if their probes are attached and none missed a hit.
 */
bool tcpfsm_tw_exits_counting(void)
{
	return tcpfsm_tw_exits_on &&
	       !tcpfsm_tw_missed(tcpfsm_tw_exits, ARRAY_SIZE(tcpfsm_tw_exits));
}

/**
 * tcpfsm_tw_refused_counting() - is refused exact?
 *
 * Return: true if inet_twsk_alloc() is probed and no call was missed.
 */
bool tcpfsm_tw_refused_counting(void)
{
	return tcpfsm_tw_refused_on && !READ_ONCE(tcpfsm_tw_rp_alloc.nmissed) &&
	       !READ_ONCE(tcpfsm_tw_rp_alloc.kp.nmissed);
}

/**
 * tcpfsm_tw_flow() - the net flow into a substate
 * @tw: folded timewait counters
 * @sub: TCPFSM_TW_FIN_WAIT2 or TCPFSM_TW_TIME_WAIT
 *
 * Return: created, plus entered from the other substate, minus left to
 * it, minus freed.
 */
s64 tcpfsm_tw_flow(const struct tcpfsm_tw_counters *tw, int sub)
{
	s64 n = tw->c.created[sub] - tw->c.freed[sub];

	if (sub == TCPFSM_TW_FIN_WAIT2)
		return n - tw->c.fin_wait2_to_time_wait;
	return n + tw->c.fin_wait2_to_time_wait;
}

/**
 * tcpfsm_tw_figures() - the figures of one timewait substate
 * @snap: a snapshot of the netns
 * @sub: TCPFSM_TW_FIN_WAIT2 or TCPFSM_TW_TIME_WAIT
 * @f: filled in
 */
void tcpfsm_tw_figures(const struct tcpfsm_snapshot *snap, int sub,
		       struct tcpfsm_tw_figures *f)
{
	const struct tcpfsm_tw_counters *tw = &snap->sum.tw;
	u64 moved = tw->c.fin_wait2_to_time_wait;
	int b;

	f->current_nr = snap->tw_current[sub];
	f->created = tw->c.created[sub];
	f->refused = tw->c.refused[sub];
	f->entered = sub == TCPFSM_TW_TIME_WAIT ? moved : 0;
	f->left = sub == TCPFSM_TW_FIN_WAIT2 ? moved : 0;
	f->timer = tw->c.timer[sub];
	f->reused = tw->c.reused[sub];
	f->killed = tw->c.killed[sub];
	f->samples = 0;
	for (b = 0; b < TCPFSM_NR_BUCKETS; b++)
		f->samples += tw->dwell[sub][b];
	f->sum_ns = tw->dwell_sum_ns[sub];
	f->untracked = tw->c.untracked[sub];
}

/**
 * tcpfsm_tw_machine() - the transition matrix as RFC 9293 draws it
 * @snap: a snapshot of the netns
 * @m: filled in, [old][new] as snap->sum.trans
 *
 * The full socket's X -> CLOSE that a timewait socket took over becomes
 * X -> TIME_WAIT (or X -> FIN_WAIT2, nothing if X is FIN_WAIT2: it stays
 * there), and the timewait sockets' own steps are added: FIN_WAIT2 ->
 * TIME_WAIT (the peer's FIN), TIME_WAIT -> CLOSE and FIN_WAIT2 -> CLOSE
 * (their ends). Exact where tcpfsm_tw_counting(), tcpfsm_tw_from_counting()
 * and tcpfsm_tw_exits_counting() all hold.
 */
void tcpfsm_tw_machine(const struct tcpfsm_snapshot *snap,
		       u64 m[TCPFSM_NR_STATES][TCPFSM_NR_STATES])
{
	const struct tcpfsm_tw_counters *tw = &snap->sum.tw;
	const int sub_state[TCPFSM_NR_TW] = {
		[TCPFSM_TW_FIN_WAIT2] = TCP_FIN_WAIT2,
		[TCPFSM_TW_TIME_WAIT] = TCP_TIME_WAIT,
	};
	const int closed = tcpfsm_idx(TCP_CLOSE);
	int sub, x, s;

	memcpy(m, snap->sum.trans, sizeof(snap->sum.trans));
	for (sub = 0; sub < TCPFSM_NR_TW; sub++) {
		s = tcpfsm_idx(sub_state[sub]);
		for (x = 0; x < TCPFSM_NR_STATES; x++) {
			m[x][closed] -= tw->c.from[sub][x];
			if (x != s)
				m[x][s] += tw->c.from[sub][x];
		}
		m[s][closed] += tw->c.timer[sub] + tw->c.reused[sub] +
			       tw->c.killed[sub];
	}
	m[tcpfsm_idx(TCP_FIN_WAIT2)][tcpfsm_idx(TCP_TIME_WAIT)] +=
		tw->c.fin_wait2_to_time_wait;
}
