// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: show the TCP state-machine counters of the tcpfsm kernel module,
 * read over its generic netlink family.
 *
 *	tcpfsm [-j [-p]] stats [all]
 *	tcpfsm [-j [-p]] state NAME
 *	tcpfsm help [COMMAND]
 *
 * cli.c parses the command line, nl.c talks to the kernel, output.c
 * renders what it says. Exit status: 0 on success, 1 on any error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nl.h"
#include "output.h"

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
		}
		break;
	}

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcpfsm: writing the output: %s\n", strerror(errno));
		ret = -1;
	}
	return ret ? 1 : 0;
}
