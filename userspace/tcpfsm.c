// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: show the TCP state-machine counters of the tcpfsm kernel module,
 * read over its generic netlink family.
 *
 *	tcpfsm [-j [-p]] stats [all]
 *	tcpfsm [-j [-p]] state NAME
 *	tcpfsm [-j] monitor [FILTERS]
 *	tcpfsm help [COMMAND]
 *
 * cli.c parses the command line, nl.c talks to the kernel, output.c
 * renders what it says. Exit status: 0 on success, 1 on any error.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "cli.h"
#include "monitor.h"
#include "nl.h"
#include "output.h"
#include "util.h"

/* The reply of the command of @a, or -1 (and the error printed) */
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
	if (ret < 0)
		tcpfsm_err_print(stderr, &e);
	return ret;
}

static int run(const struct cli_args *a)
{
	enum tcpfsm_fmt fmt = TCPFSM_FMT_TEXT;
	struct tcpfsm_stats st;

	if (a->json)
		fmt = a->pretty ? TCPFSM_FMT_JSON_PRETTY : TCPFSM_FMT_JSON;
	if (query(a, &st) < 0)
		return -1;
	if (a->cmd->id == CLI_CMD_STATE)
		tcpfsm_print_state(stdout, fmt, &st, a->state);
	else
		tcpfsm_print_stats(stdout, fmt, &st, a->all);
	return 0;
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

/* Receive the events of @nl until a signal; -1 on an error (printed) */
static int monitor_loop(struct tcpfsm_nl *nl, int sfd, struct tcpfsm_monitor *m)
{
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(nl->sk), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	struct tcpfsm_err e;

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
		if (pfd[0].revents &&
		    tcpfsm_nl_recv_events(nl, tcpfsm_monitor_cb, m, &e) < 0) {
			if (e.kind != TCPFSM_ERR_SYS || e.code != ENOBUFS) {
				tcpfsm_err_print(stderr, &e);
				return -1;
			}
			tcpfsm_monitor_overflow(m);
		}
		if (ferror(m->out))
			return -1;	/* main() says so */
	}
}

/* tcpfsm monitor: the events, until SIGINT or SIGTERM */
static int monitor(const struct cli_args *a)
{
	enum tcpfsm_fmt fmt = a->json ? TCPFSM_FMT_JSON : TCPFSM_FMT_TEXT;
	struct tcpfsm_monitor m;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	int ret, sfd;

	if (tcpfsm_nl_open(&nl, &e) < 0) {
		tcpfsm_err_print(stderr, &e);
		return -1;
	}
	if (tcpfsm_nl_join_events(&nl, &e) < 0) {
		tcpfsm_err_print(stderr, &e);
		tcpfsm_nl_close(&nl);
		return -1;
	}
	sfd = signals_fd();
	if (sfd < 0) {
		fprintf(stderr, "tcpfsm: monitor: signals: %s\n", strerror(errno));
		tcpfsm_nl_close(&nl);
		return -1;
	}
	/* each line as soon as it is complete */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tcpfsm_monitor_init(&m, stdout, stderr, fmt, &a->filter);

	ret = monitor_loop(&nl, sfd, &m);
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
		return 1;

	switch (a.action) {
	case CLI_HELP:
		cli_usage(stdout, a.cmd);
		break;
	case CLI_VERSION:
		cli_version(stdout);
		break;
	case CLI_RUN:
		switch (a.cmd->id) {
		case CLI_CMD_HELP:	/* parse_help() asks for CLI_HELP */
			break;
		case CLI_CMD_STATS:
		case CLI_CMD_STATE:
			ret = run(&a);
			break;
		case CLI_CMD_MONITOR:
			ret = monitor(&a);
			break;
		}
		break;
	}

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcpfsm: writing the output: %s\n", strerror(errno));
		ret = -1;
	}
	return ret ? 1 : 0;
}
