// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the probe on sock:inet_sock_set_state.
 *
 * This runs on every state change of every TCP socket of the machine,
 * from softirq or from process context with preemption disabled. It takes
 * no lock, allocates nothing and writes only this CPU's counters (but for
 * a pair of states the kernel's TCP never makes, and time in state); while
 * a socket of its netns is subscribed to the events group it also fills a
 * slot of this CPU's event ring (events.c).
 */
#include <linux/tracepoint.h>
#include <net/sock.h>

#include "events.h"

static struct tracepoint *tcpfsm_tp;

/*
 * One more @old -> @new: this CPU's slot, or the netns's cell for a pair
 * without one (exact, and rare enough to share).
 */
static void tcpfsm_count(struct tcpfsm_net *tn,
			 struct tcpfsm_pcpu __percpu *stats, int old, int new)
{
	unsigned int o = tcpfsm_idx(old), n = tcpfsm_idx(new);
	unsigned int slot = tcpfsm_trans_slot[o][n];

	if (likely(slot))
		this_cpu_inc(stats->trans[slot - 1]);
	else
		atomic64_inc(&tn->trans_other[o][n]);
}

static void tcpfsm_probe(void *data, const struct sock *sk,
			 const int oldstate, const int newstate)
{
	struct tcpfsm_pcpu __percpu *stats;
	struct tcpfsm_dwell d;
	struct tcpfsm_net *tn;

	/* DCCP, SCTP and MPTCP fire the same tracepoint */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	if (unlikely(!tcpfsm_state_valid(oldstate) ||
		     !tcpfsm_state_valid(newstate)))
		return;
	/* NULL while the netns is being set up or torn down */
	tn = tcpfsm_pernet(sock_net(sk));
	stats = likely(tn) ? READ_ONCE(tn->probe_stats) : NULL;
	if (unlikely(!stats))
		return;
	/* only while the load's seed runs (seed.c) */
	if (unlikely(READ_ONCE(tcpfsm_seeding_on)))
		tcpfsm_seed_trans(sk, tn, oldstate, newstate);
	tcpfsm_track(sk, tn, stats, oldstate, newstate, &d);
	tcpfsm_count(tn, stats, oldstate, newstate);
	if (tcpfsm_events_wanted(sock_net(sk), tn))
		tcpfsm_event_record(sk, sock_net(sk), stats, oldstate, newstate,
				    &d);
}

static void tcpfsm_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		*(struct tracepoint **)priv = tp;
}

/**
 * tcpfsm_probe_register() - attach the probe
 *
 * The tracepoint is not exported to modules: look it up by name.
 *
 * Return: 0, -ENOENT if the kernel has no such tracepoint, or the error of
 * tracepoint_probe_register().
 */
int tcpfsm_probe_register(void)
{
	int err;

	for_each_kernel_tracepoint(tcpfsm_find_tp, &tcpfsm_tp);
	if (!tcpfsm_tp) {
		pr_err("tracepoint sock:inet_sock_set_state not found\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(tcpfsm_tp, (void *)tcpfsm_probe, NULL);
	if (err)
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
	return err;
}

/**
 * tcpfsm_probe_unregister() - detach the probe and wait until no CPU runs it
 */
void tcpfsm_probe_unregister(void)
{
	tracepoint_probe_unregister(tcpfsm_tp, (void *)tcpfsm_probe, NULL);
	tracepoint_synchronize_unregister();
}
