// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: show the TCP state-machine counters of the tcpfsm kernel module,
 * read over its generic netlink family.
 *
 *	tcpfsm [-n NETNS | -A] [-j [-p]] stats [all] [nohist] [-o prometheus]
 *	tcpfsm [-j [-p]] state NAME
 *	tcpfsm [-j] [-t] monitor [FILTERS]
 *	tcpfsm [-j [-p]] hist [STATE...]
 *	tcpfsm [-j [-p]] closewait [--older-than DURATION]
 *	tcpfsm [-j [-p]] top [limit N]
 *	tcpfsm [-j [-p]] diagram
 *	tcpfsm help [COMMAND]
 *
 * cli.c parses the command line, nl.c talks to the kernel, output.c
 * renders what it says. Exit status (enum tcpfsm_exit): 0 on success, 1
 * on a runtime failure, 2 on a usage error, 3 if the tcpfsm netlink family
 * is absent (the module is not loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "cli.h"
#include "closewait.h"
#include "diagram.h"
#include "hist.h"
#include "monitor.h"
#include "netns.h"
#include "nl.h"
#include "output.h"
#include "prom.h"
#include "util.h"

/* Where closewait finds the processes that hold the sockets */
#define PROC_ROOT	"/proc"

static enum tcpfsm_fmt fmt_of(const struct cli_args *a)
{
	if (!a->json)
		return TCPFSM_FMT_TEXT;
	return a->pretty ? TCPFSM_FMT_JSON_PRETTY : TCPFSM_FMT_JSON;
}

/* Print @e; Return: the exit status it means */
static int fail(const struct tcpfsm_err *e)
{
	tcpfsm_err_print(stderr, e);
	return e->kind == TCPFSM_ERR_NOFAMILY ? TCPFSM_EXIT_NOMODULE :
						TCPFSM_EXIT_FAIL;
}

/* The reply of the command of @a: 0, or the exit status (error printed) */
static int query(const struct cli_args *a, struct tcpfsm_stats *st)
{
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	int ret;

	ret = tcpfsm_nl_open(&nl, &e);
	if (!ret) {
		if (a->cmd->id == CLI_CMD_STATE)
			ret = tcpfsm_nl_get_state(&nl, a->state, st, &e);
		else
			ret = tcpfsm_nl_get_stats(&nl, st, &e);
		tcpfsm_nl_close(&nl);
	}
	if (!ret && a->cmd->id == CLI_CMD_HIST)
		ret = tcpfsm_dwell_check(st, &e);
	return ret < 0 ? fail(&e) : 0;
}

/* stats, state, hist, diagram: a GET or STATE_GET; the exit status */
static int run(const struct cli_args *a)
{
	enum tcpfsm_fmt fmt = fmt_of(a);
	struct tcpfsm_stats *st;
	int ret;

	st = malloc(sizeof(*st));	/* 14 KiB */
	if (!st) {
		fprintf(stderr, "tcpfsm: %s\n", strerror(ENOMEM));
		return TCPFSM_EXIT_FAIL;
	}
	ret = query(a, st);
	if (ret)
		goto out;
	switch (a->cmd->id) {
	case CLI_CMD_STATE:
		tcpfsm_print_state(stdout, fmt, st, a->state);
		break;
	case CLI_CMD_HIST:
		/* the handshake's histogram needs no table: hist NEW_SYN_RECV */
		if (!st->track_size &&
		    a->states != BIT(TCPFSM_STATE_NEW_SYN_RECV)) {
			fputs("tcpfsm: hist: the module does not track time in state: it was loaded with track_sockets=0\n",
			      stderr);
			ret = TCPFSM_EXIT_FAIL;
			break;
		}
		tcpfsm_print_hist(stdout, fmt, st, a->states);
		break;
	case CLI_CMD_DIAGRAM:
		tcpfsm_print_diagram(stdout, fmt, st);
		break;
	default:
		if (a->prometheus)
			tcpfsm_print_prometheus_flags(stdout, st, a->nohist ?
						      TCPFSM_PROM_NO_HIST : 0);
		else
			tcpfsm_print_stats(stdout, fmt, st, a->all);
	}
out:
	free(st);
	return ret;
}

/* The output of stats -A, of @l, each namespace labelled as @ids says */
static int print_all_netns(const struct cli_args *a,
			   const struct tcpfsm_netns_stats *l,
			   const struct tcpfsm_netns_id *ids)
{
	char (*label)[TCPFSM_NETNS_LABEL_LEN];
	const char **labels;
	size_t i;
	int ret;

	if (!a->prometheus) {
		tcpfsm_print_stats_netns(stdout, fmt_of(a), l->v, ids, l->n,
					 a->all);
		return 0;
	}
	label = calloc(l->n + 1, sizeof(*label));
	labels = calloc(l->n + 1, sizeof(*labels));
	ret = label && labels ? 0 : -1;
	for (i = 0; !ret && i < l->n; i++)
		labels[i] = tcpfsm_netns_label(&ids[i], label[i],
					       sizeof(label[i]));
	if (!ret)
		ret = tcpfsm_print_prometheus_netns(stdout, l->v, labels, l->n,
						    a->nohist ?
						    TCPFSM_PROM_NO_HIST : 0);
	free(labels);
	free(label);
	if (ret < 0) {
		fprintf(stderr, "tcpfsm: %s\n", strerror(ENOMEM));
		return TCPFSM_EXIT_FAIL;
	}
	return 0;
}

/* tcpfsm stats -A: the figures of every network namespace */
static int all_netns(const struct cli_args *a)
{
	struct tcpfsm_netns_stats l = { 0 };
	struct tcpfsm_netns_id *ids;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	size_t i;
	int ret;

	ret = tcpfsm_nl_open(&nl, &e);
	if (!ret) {
		ret = tcpfsm_nl_get_netns(&nl, &l, &e);
		tcpfsm_nl_close(&nl);
	}
	if (ret < 0) {
		tcpfsm_netns_stats_free(&l);
		return fail(&e);
	}
	ids = calloc(l.n + 1, sizeof(*ids));
	if (!ids) {
		tcpfsm_netns_stats_free(&l);
		fprintf(stderr, "tcpfsm: %s\n", strerror(ENOMEM));
		return TCPFSM_EXIT_FAIL;
	}
	for (i = 0; i < l.n; i++) {
		ids[i].ino = l.v[i].netns_ino;
		ids[i].cookie = l.v[i].netns_cookie;
	}
	if (tcpfsm_netns_find(TCPFSM_NETNS_RUN_DIR, TCPFSM_NETNS_PROC, ids,
			      l.n) < 0)
		fprintf(stderr, "tcpfsm: stats: some namespaces are labelled by their inode only: reading %s and %s: %s\n",
			TCPFSM_NETNS_RUN_DIR, TCPFSM_NETNS_PROC,
			strerror(errno));
	ret = print_all_netns(a, &l, ids);
	tcpfsm_netns_ids_free(ids, l.n);
	free(ids);
	tcpfsm_netns_stats_free(&l);
	return ret;
}

/* tcpfsm closewait: the sockets, sorted, with their processes */
static int closewait(const struct cli_args *a)
{
	/* freed on every error, also when the socket could not be opened */
	struct tcpfsm_sockets socks = { 0 };
	struct tcpfsm_owners owners;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	int ret;

	ret = tcpfsm_nl_open(&nl, &e);
	if (!ret) {
		ret = tcpfsm_nl_get_closewait(&nl, a->has_min_age ?
					      &a->min_age_ns : NULL, &socks, &e);
		tcpfsm_nl_close(&nl);
	}
	if (ret < 0) {
		tcpfsm_sockets_free(&socks);
		return fail(&e);
	}
	tcpfsm_closewait_sort(&socks);
	if (tcpfsm_find_owners(PROC_ROOT, &socks, &owners) < 0)
		fprintf(stderr, "tcpfsm: closewait: the processes are not shown: reading %s: %s\n",
			PROC_ROOT, strerror(errno));
	tcpfsm_print_closewait(stdout, fmt_of(a), &socks, &owners);
	tcpfsm_owners_free(&owners);
	tcpfsm_sockets_free(&socks);
	return 0;
}

/* tcpfsm top: the timewait sockets and their ports */
static int top(const struct cli_args *a)
{
	struct tcpfsm_timewait *tw;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	int ret;

	tw = malloc(sizeof(*tw));	/* 16 KiB */
	if (!tw) {
		fprintf(stderr, "tcpfsm: %s\n", strerror(ENOMEM));
		return TCPFSM_EXIT_FAIL;
	}
	ret = tcpfsm_nl_open(&nl, &e);
	if (!ret) {
		ret = tcpfsm_nl_get_timewait(&nl, a->limit, tw, &e);
		tcpfsm_nl_close(&nl);
	}
	if (ret < 0)
		ret = fail(&e);
	else
		tcpfsm_print_timewait(stdout, fmt_of(a), tw);
	free(tw);
	return ret;
}

/* A signalfd of SIGINT and SIGTERM, which are blocked; or -1 */
static int signals_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/*
 * The datagrams read in a row before the signals are looked at again: a
 * burst is read without a poll() between its datagrams
 */
#define MONITOR_BATCH	64

/*
 * Read what @nl holds, MONITOR_BATCH datagrams at most (its socket does
 * not block): 0, or -1 on an error (printed)
 */
static int monitor_read(struct tcpfsm_nl *nl, struct tcpfsm_monitor *m)
{
	struct tcpfsm_err e;
	int i;

	for (i = 0; i < MONITOR_BATCH; i++) {
		if (tcpfsm_nl_recv_events(nl, tcpfsm_monitor_cb, m, &e) == 0)
			continue;
		if (e.kind == TCPFSM_ERR_SYS && e.code == EAGAIN)
			break;
		if (e.kind != TCPFSM_ERR_SYS || e.code != ENOBUFS) {
			tcpfsm_err_print(stderr, &e);
			return -1;
		}
		tcpfsm_monitor_overflow(m);
	}
	return 0;
}

/* Receive the events of @nl until a signal; -1 on an error (printed) */
static int monitor_loop(struct tcpfsm_nl *nl, int sfd, struct tcpfsm_monitor *m)
{
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(nl->sk), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;

	if (fcntl(pfd[0].fd, F_SETFL, fcntl(pfd[0].fd, F_GETFL) | O_NONBLOCK) < 0) {
		fprintf(stderr, "tcpfsm: monitor: fcntl: %s\n", strerror(errno));
		return -1;
	}
	for (;;) {
		if (poll(pfd, ARRAY_SIZE(pfd), -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tcpfsm: monitor: poll: %s\n",
				strerror(errno));
			return -1;
		}
		if (pfd[1].revents) {
			if (read(sfd, &si, sizeof(si)) < 0 && errno != EAGAIN) {
				fprintf(stderr, "tcpfsm: monitor: reading the signal: %s\n",
					strerror(errno));
				return -1;
			}
			return 0;
		}
		if (pfd[0].revents && monitor_read(nl, m) < 0)
			return -1;
		/* the lines of what was read, with one write */
		if (fflush(m->out) || ferror(m->out))
			return -1;	/* main() says so */
	}
}

/*
 * Say so if the socket buffer is smaller than --rcvbuf asked: without
 * CAP_NET_ADMIN over the netns, net.core.rmem_max bounds it. The kernel
 * reports twice what it was given.
 */
static void monitor_rcvbuf_check(struct tcpfsm_nl *nl, unsigned int want)
{
	socklen_t len = sizeof(int);
	int got;

	if (getsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVBUF, &got,
		       &len) < 0 || got / 2 >= (int)want)
		return;
	fprintf(stderr, "tcpfsm: monitor: the socket buffer holds %d bytes, not the %u asked: net.core.rmem_max bounds it without CAP_NET_ADMIN\n",
		got / 2, want);
}

/* tcpfsm monitor: the events, until SIGINT or SIGTERM */
static int monitor(const struct cli_args *a)
{
	enum tcpfsm_fmt fmt = a->json ? TCPFSM_FMT_JSON : TCPFSM_FMT_TEXT;
	struct tcpfsm_monitor m;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	int ret, sfd;

	if (tcpfsm_nl_open(&nl, &e) < 0)
		return fail(&e);
	if (tcpfsm_nl_join_events(&nl, a->full, a->rcvbuf, &e) < 0) {
		tcpfsm_nl_close(&nl);
		return fail(&e);
	}
	if (a->rcvbuf)
		monitor_rcvbuf_check(&nl, a->rcvbuf);
	sfd = signals_fd();
	if (sfd < 0) {
		fprintf(stderr, "tcpfsm: monitor: signals: %s\n", strerror(errno));
		tcpfsm_nl_close(&nl);
		return TCPFSM_EXIT_FAIL;
	}
	/*
	 * The lines of what was read at once (monitor_loop()): a write per
	 * line would cost more than the rest of the monitor.
	 */
	setvbuf(stdout, NULL, _IOFBF, TCPFSM_MONITOR_OUTBUF);
	tcpfsm_monitor_init(&m, stdout, stderr, fmt, &a->filter);
	if (a->timestamp && tcpfsm_monitor_wall(&m) < 0) {
		fprintf(stderr, "tcpfsm: monitor: reading the clocks: %s\n",
			strerror(errno));
		close(sfd);
		tcpfsm_nl_close(&nl);
		return TCPFSM_EXIT_FAIL;
	}

	ret = monitor_loop(&nl, sfd, &m) < 0 ? TCPFSM_EXIT_FAIL : 0;
	if (!ret && fmt == TCPFSM_FMT_TEXT)
		tcpfsm_print_monitor_summary(stderr, m.shown, m.seqs.lost,
					     m.overflows);

	tcpfsm_monitor_free(&m);
	close(sfd);
	tcpfsm_nl_close(&nl);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli_args a;
	int ret = 0;

	if (cli_parse(&a, argc, argv, stderr) < 0)
		return TCPFSM_EXIT_USAGE;

	switch (a.action) {
	case CLI_HELP:
		cli_usage(stdout, a.cmd);
		break;
	case CLI_VERSION:
		cli_version(stdout);
		break;
	case CLI_RUN:
		/* before any socket is opened or /proc/net read */
		if (a.netns && tcpfsm_netns_enter(TCPFSM_NETNS_RUN_DIR, a.netns,
						  stderr) < 0) {
			ret = TCPFSM_EXIT_FAIL;
			break;
		}
		switch (a.cmd->id) {
		case CLI_CMD_HELP:	/* parse_help() asks for CLI_HELP */
			break;
		case CLI_CMD_STATS:
			ret = a.all_netns ? all_netns(&a) : run(&a);
			break;
		case CLI_CMD_STATE:
		case CLI_CMD_HIST:
		case CLI_CMD_DIAGRAM:
			ret = run(&a);
			break;
		case CLI_CMD_CLOSEWAIT:
			ret = closewait(&a);
			break;
		case CLI_CMD_TOP:
			ret = top(&a);
			break;
		case CLI_CMD_MONITOR:
			ret = monitor(&a);
			break;
		}
		break;
	}

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcpfsm: writing the output: %s\n", strerror(errno));
		ret = TCPFSM_EXIT_FAIL;
	}
	return ret;
}
