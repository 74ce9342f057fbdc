/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the command line: options, commands, their arguments, usage.
 * Parsing only; tcpfsm.c runs what it asks for.
 */
#ifndef TCPFSM_CLI_H
#define TCPFSM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "monitor.h"

enum cli_action {
	CLI_RUN,		/* run cmd */
	CLI_HELP,		/* print the usage of cmd (of tcpfsm if NULL) */
	CLI_VERSION,		/* print the version */
};

enum cli_cmd_id {
	CLI_CMD_HELP,
	CLI_CMD_STATS,
	CLI_CMD_STATE,
	CLI_CMD_MONITOR,
};

struct cli_args;

struct cli_command {
	const char *name;
	const char *alias;		/* or NULL */
	enum cli_cmd_id id;
	const char *opts;		/* synopsis of the options it takes */
	const char *args;		/* synopsis of its arguments */
	const char *summary;		/* one line, for tcpfsm's usage */
	const char *details;		/* for its own usage */
	/* its arguments, after its name; prints why to err on error */
	int (*parse)(struct cli_args *a, int argc, char **argv, FILE *err);
};

struct cli_args {
	enum cli_action action;
	const struct cli_command *cmd;
	bool json;
	bool pretty;
	bool all;			/* stats all */
	unsigned int state;		/* state NAME */
	struct tcpfsm_filter filter;	/* monitor FILTERS */
};

const struct cli_command *cli_lookup(const char *name);
int cli_parse(struct cli_args *a, int argc, char **argv, FILE *err);
void cli_usage(FILE *f, const struct cli_command *cmd);
void cli_version(FILE *f);

#endif /* TCPFSM_CLI_H */
