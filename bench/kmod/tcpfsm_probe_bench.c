// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm_probe_bench: what one call of the probes attached to
 * sock:inet_sock_set_state costs, measured in the kernel.
 *
 * At load, it creates a kernel TCP socket in the netns of the process that
 * loads it (load it from a netns of its own: the probes count what it
 * does there), then times, with ktime_get_ns() and preemption disabled as
 * in the tracepoint, @batches batches of @loops iterations of:
 *
 *   empty  the loop alone;
 *   call   an indirect call of an empty function of this module with the
 *          tracepoint's prototype (what calling any probe costs);
 *   probe  an indirect call of every probe attached to the tracepoint,
 *          with its data, as __traceiter_inet_sock_set_state() does, for
 *          the transition ESTABLISHED -> CLOSE_WAIT of that socket.
 *
 * It prints one line per kind, "tcpfsm_probe_bench: KIND ps/iter: B1 B2 ..."
 * (picoseconds per iteration of each batch) and one line naming the
 * probes, then stays loaded doing nothing: unload it with rmmod. With only
 * tcpfsm attached, probe - empty is the cost of the probe as the
 * tracepoint calls it through its iterator (the kernel calls a lone probe
 * through a static call, which is a little cheaper), and probe - call the
 * cost of its body.
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

static unsigned int loops = 100000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "iterations per batch (default 100000)");

static unsigned int batches = 7;
module_param(batches, uint, 0444);
MODULE_PARM_DESC(batches, "batches per kind, at most 32 (default 7)");

#define BENCH_MAX_BATCHES	32
/* iterations with preemption disabled at a time */
#define BENCH_CHUNK		1000

enum bench_kind { BENCH_EMPTY, BENCH_CALL, BENCH_PROBE, BENCH_KINDS };

static const char * const bench_kind_name[BENCH_KINDS] = {
	[BENCH_EMPTY] = "empty",
	[BENCH_CALL] = "call",
	[BENCH_PROBE] = "probe",
};

static struct tracepoint *bench_tp;

static noinline void bench_nop(void *data, const struct sock *sk,
			       int oldstate, int newstate)
{
	barrier();
}

/* read with READ_ONCE(): an indirect call the compiler cannot make direct */
static void (*bench_nop_fn)(void *data, const struct sock *sk, int oldstate,
			    int newstate) = bench_nop;

static void bench_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		*(struct tracepoint **)priv = tp;
}

/* BENCH_CHUNK iterations of @kind on @sk */
static void bench_chunk(enum bench_kind kind, struct sock *sk)
{
	void (*fn)(void *data, const struct sock *sk, int oldstate,
		   int newstate);
	struct tracepoint_func *it;
	unsigned int i;

	for (i = 0; i < BENCH_CHUNK; i++) {
		switch (kind) {
		case BENCH_EMPTY:
			barrier();
			break;
		case BENCH_CALL:
			fn = READ_ONCE(bench_nop_fn);
			fn(NULL, sk, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
			break;
		case BENCH_PROBE:
			it = rcu_dereference_sched(bench_tp->funcs);
			if (!it)
				break;
			do {
				fn = READ_ONCE(it->func);
				fn(it->data, sk, TCP_ESTABLISHED, TCP_CLOSE_WAIT);
			} while ((++it)->func);
			break;
		default:
			break;
		}
	}
}

/* picoseconds per iteration of one batch of @kind */
static u64 bench_batch(enum bench_kind kind, struct sock *sk)
{
	unsigned int done;
	u64 t0, ns = 0;

	for (done = 0; done < loops; done += BENCH_CHUNK) {
		preempt_disable();
		t0 = ktime_get_ns();
		bench_chunk(kind, sk);
		ns += ktime_get_ns() - t0;
		preempt_enable();
		cond_resched();
	}
	return div_u64(ns * 1000, done);
}

static void bench_print_probes(void)
{
	struct tracepoint_func *it;

	rcu_read_lock_sched();
	it = rcu_dereference_sched(bench_tp->funcs);
	if (!it) {
		pr_info("tcpfsm_probe_bench: probes: none\n");
	} else {
		do
			pr_info("tcpfsm_probe_bench: probe: %ps\n", it->func);
		while ((++it)->func);
	}
	rcu_read_unlock_sched();
}

static int __init tcpfsm_probe_bench_init(void)
{
	u64 ps[BENCH_KINDS][BENCH_MAX_BATCHES];
	struct socket *sock;
	enum bench_kind k;
	unsigned int b;
	char line[512];
	int err, len;

	if (!loops || !batches || batches > BENCH_MAX_BATCHES)
		return -EINVAL;
	loops = roundup(loops, BENCH_CHUNK);
	for_each_kernel_tracepoint(bench_find_tp, &bench_tp);
	if (!bench_tp)
		return -ENOENT;
	err = sock_create_kern(current->nsproxy->net_ns, AF_INET, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err)
		return err;

	bench_print_probes();
	/* interleaved, so that a disturbance hits every kind alike */
	for (b = 0; b < batches; b++)
		for (k = 0; k < BENCH_KINDS; k++)
			ps[k][b] = bench_batch(k, sock->sk);
	sock_release(sock);

	for (k = 0; k < BENCH_KINDS; k++) {
		len = 0;
		for (b = 0; b < batches; b++)
			len += scnprintf(line + len, sizeof(line) - len, " %llu",
					 ps[k][b]);
		pr_info("tcpfsm_probe_bench: %s ps/iter:%s\n",
			bench_kind_name[k], line);
	}
	pr_info("tcpfsm_probe_bench: loops %u batches %u\n", loops, batches);
	return 0;
}

static void __exit tcpfsm_probe_bench_exit(void)
{
}

module_init(tcpfsm_probe_bench_init);
module_exit(tcpfsm_probe_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcpfsm benchmark: the cost of the inet_sock_set_state probes");
