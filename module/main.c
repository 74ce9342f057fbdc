// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: connection-state telemetry for TCP.
 *
 * Counts, per network namespace, every transition of the TCP state machine
 * seen on the tracepoint sock:inet_sock_set_state, and the number of
 * sockets in each state, and publishes them in /proc/net/tcpfsm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "events.h"
#include "reqsk.h"
#include "timewait.h"

unsigned int tcpfsm_net_id __read_mostly;

/**
 * tcpfsm_pow2_param_set() - set a struct tcpfsm_pow2_param from insmod
 * @val: the text given
 * @kp: the parameter; kp->arg is its struct tcpfsm_pow2_param
 *
 * Rounds up to a power of 2; a value out of range refuses the load, with
 * the reason in the kernel log.
 *
 * Return: 0, or -EINVAL.
 */
static int tcpfsm_pow2_param_set(const char *val, const struct kernel_param *kp)
{
	struct tcpfsm_pow2_param *p = kp->arg;
	unsigned int n;

	if (kstrtouint(val, 0, &n)) {
		pr_err("%s=%s: not a number\n", kp->name, val);
		return -EINVAL;
	}
	if (n && (n < p->min || n > p->max)) {
		pr_err("%s=%u: %s%u to %u %s\n", kp->name, n,
		       p->zero_ok ? "0 (off) or " : "", p->min, p->max, p->unit);
		return -EINVAL;
	}
	if (!n && !p->zero_ok) {
		pr_err("%s=0: %u to %u %s\n", kp->name, p->min, p->max,
		       p->unit);
		return -EINVAL;
	}
	p->val = n ? roundup_pow_of_two(n) : 0;
	return 0;
}

static int tcpfsm_pow2_param_get(char *buf, const struct kernel_param *kp)
{
	const struct tcpfsm_pow2_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", p->val);
}

const struct kernel_param_ops tcpfsm_pow2_param_ops = {
	.set = tcpfsm_pow2_param_set,
	.get = tcpfsm_pow2_param_get,
};
DECLARE_RWSEM(tcpfsm_seed_rwsem);

static bool tcpfsm_kprobes = true;
module_param_named(kprobes, tcpfsm_kprobes, bool, 0444);
MODULE_PARM_DESC(kprobes,
		 "Count the sockets no tracepoint reports (timewait and request sockets) through kprobes (default 1; 0: only the tracepoint, their figures show -)");

static int __net_init tcpfsm_net_init(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	int err;

	tcpfsm_events_init_net(tn);
	/* the table before the counters: the probe starts with those */
	tcpfsm_track_init_net(net, tn);
	err = tcpfsm_stats_init_net(net, tn);
	if (err)
		goto err_track;
	err = tcpfsm_proc_init_net(net, tn);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	tcpfsm_stats_exit_net(tn);
err_track:
	tcpfsm_track_exit_net(tn);
	return err;
}

/*
 * Sockets of a dying netns can still change state (kernel sockets closed by
 * later exit handlers). Stop the probe writing here first; the netns core
 * waits for an RCU grace period, which covers running probes, before .exit.
 */
static void __net_exit tcpfsm_net_pre_exit(struct net *net)
{
	WRITE_ONCE(tcpfsm_pernet(net)->probe_stats, NULL);
}

static void __net_exit tcpfsm_net_exit(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	tcpfsm_events_exit_net(net);
	tcpfsm_proc_exit_net(net, tn);
	tcpfsm_stats_exit_net(tn);
	tcpfsm_track_exit_net(tn);
}

static struct pernet_operations tcpfsm_net_ops = {
	.init = tcpfsm_net_init,
	.pre_exit = tcpfsm_net_pre_exit,
	.exit = tcpfsm_net_exit,
	.id = &tcpfsm_net_id,
	.size = sizeof(struct tcpfsm_net),
};

/*
 * Init order: the events' state (the rings wait for the first
 * subscription, events.c), the per-netns tables of tracked sockets,
 * counters and /proc files (for every existing netns, and from now on for
 * every new one), the notifier that ends the events subscriptions of
 * released netlink sockets, then the netlink family, then the probe and
 * the timewait and request-socket kprobes (unless kprobes=0), then the
 * seed of the gauges, which must see the probes already counting
 * (seed.c). Exit in reverse: the probes are
 * detached and every running instance has returned, the events they
 * queued are sent, then the family and the notifier go, the per-netns
 * state (subscriptions and tables included) is freed.
 */
static int __init tcpfsm_init(void)
{
	int err;

	err = tcpfsm_events_init();
	if (err)
		return err;
	err = register_pernet_subsys(&tcpfsm_net_ops);
	if (err)
		goto err_events_fini;
	err = tcpfsm_events_subs_register();
	if (err)
		goto err_unregister_pernet;
	err = tcpfsm_netlink_register();
	if (err)
		goto err_subs_unregister;
	/* the seed's records, before the first probe can run */
	tcpfsm_seed_prepare();
	err = tcpfsm_probe_register();
	if (err)
		goto err_seed_abort;
	if (tcpfsm_kprobes) {
		err = tcpfsm_tw_register();
		if (err)
			goto err_unregister_probe;
		err = tcpfsm_rsk_register();
		if (err)
			goto err_unregister_tw;
	} else {
		pr_info("kprobes=0: timewait and request sockets not counted\n");
	}
	err = tcpfsm_seed();
	if (err)
		goto err_unregister_rsk;
	return 0;

err_unregister_rsk:
	tcpfsm_rsk_unregister();
err_unregister_tw:
	tcpfsm_tw_unregister();
err_unregister_probe:
	tcpfsm_probe_unregister();
	tcpfsm_events_flush();
err_seed_abort:
	tcpfsm_seed_abort();
	tcpfsm_netlink_unregister();
err_subs_unregister:
	tcpfsm_events_subs_unregister();
err_unregister_pernet:
	unregister_pernet_subsys(&tcpfsm_net_ops);
err_events_fini:
	tcpfsm_events_fini();
	return err;
}

static void __exit tcpfsm_exit(void)
{
	tcpfsm_rsk_unregister();
	tcpfsm_tw_unregister();
	tcpfsm_probe_unregister();
	tcpfsm_events_flush();
	tcpfsm_netlink_unregister();
	tcpfsm_events_subs_unregister();
	unregister_pernet_subsys(&tcpfsm_net_ops);
	tcpfsm_events_fini();
}

module_init(tcpfsm_init);
module_exit(tcpfsm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-netns counters of TCP state transitions");
MODULE_AUTHOR("The tcpfsm developers");
MODULE_VERSION("1.0");
/* "tcpfsm stats" with the module not loaded loads it (genl_ctrl asks modprobe) */
MODULE_ALIAS_GENL_FAMILY(TCPFSM_FAMILY_NAME);
