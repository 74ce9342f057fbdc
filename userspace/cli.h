/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the command line: options, commands, their arguments, usage.
 * Parsing only; tcpfsm.c runs what it asks for.
 */
#ifndef TCPFSM_CLI_H
#define TCPFSM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor.h"

/*
 * The exit status of tcpfsm, as ip and ss have theirs: scripts rely on it
 * (Documentation/tcpfsm-command.rst, EXIT STATUS)
 */
enum tcpfsm_exit {
	TCPFSM_EXIT_OK = 0,
	TCPFSM_EXIT_FAIL = 1,		/* the kernel said no, an I/O error */
	TCPFSM_EXIT_USAGE = 2,		/* a wrong command line */
	TCPFSM_EXIT_NOMODULE = 3,	/* no netlink family tcpfsm */
};

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
	CLI_CMD_HIST,
	CLI_CMD_CLOSEWAIT,
	CLI_CMD_TOP,
	CLI_CMD_DIAGRAM,
};

/* top: how many ports of each kind, by default */
#define CLI_TOP_LIMIT	10

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
	bool prometheus;		/* -o prometheus */
	bool all;			/* stats all */
	bool nohist;			/* stats nohist */
	unsigned int state;		/* state NAME */
	bool timestamp;			/* -t: monitor's wall-clock time */
	unsigned int rcvbuf;		/* --rcvbuf: monitor's socket buffer, or 0 */
	const char *netns;		/* -n NETNS, or NULL */
	bool all_netns;			/* -A: stats of every netns */
	struct tcpfsm_filter filter;	/* monitor FILTERS */
	bool full;			/* monitor full: no tw or req events */
	uint32_t states;		/* hist STATE...: BIT(state) */
	bool has_min_age;		/* closewait --older-than */
	uint64_t min_age_ns;
	uint32_t limit;			/* top limit N */
};

const struct cli_command *cli_lookup(const char *name);
int cli_parse(struct cli_args *a, int argc, char **argv, FILE *err);
void cli_usage(FILE *f, const struct cli_command *cmd);
void cli_version(FILE *f);
int cli_parse_duration(const char *s, uint64_t *ns);
int cli_parse_size(const char *s, unsigned int *bytes);

#endif /* TCPFSM_CLI_H */
