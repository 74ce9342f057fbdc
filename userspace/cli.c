// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the command line, in the way of iproute2's ip: options first,
 * then a command and its arguments; "help", -h or --help after a command
 * asks for its usage.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/tcpfsm.h>

#include "cli.h"
#include "states.h"
#include "util.h"

#ifndef TCPFSM_VERSION
#define TCPFSM_VERSION	"unknown"
#endif

static int parse_stats(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_state(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_monitor(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_help(struct cli_args *a, int argc, char **argv, FILE *err);

#define JSON_OPTS	"[-j [-p]] "

static const struct cli_command commands[] = {
	{
		.name = "stats",
		.alias = "show",
		.id = CLI_CMD_STATS,
		.opts = JSON_OPTS,
		.args = "[all]",
		.summary = "per-state figures, transitions, event counters",
		.details =
"For every TCP state: the sockets in it now (current), the transitions\n"
"into it (entered) and out of it (left); \"-\" where the module does not\n"
"count them. Then the transitions that happened, as OLD -> NEW  COUNT, in\n"
"state order (with all: every one of the 121 between the 11 TCP states).\n"
"Then the transition events the module sent to its listeners, and those\n"
"it lost. Figures are those of the caller's network namespace.\n",
		.parse = parse_stats,
	},
	{
		.name = "state",
		.id = CLI_CMD_STATE,
		.opts = JSON_OPTS,
		.args = "NAME",
		.summary = "the figures of one state",
		.details =
"The current, entered and left figures of one state of the caller's\n"
"network namespace. NAME is the kernel's name of the state (ESTABLISHED,\n"
"SYN_SENT, ..., NEW_SYN_RECV) in any case, as ss spells it (ESTAB,\n"
"SYN-SENT, FIN-WAIT-1, TIME-WAIT, ...), or its number (1-12).\n",
		.parse = parse_state,
	},
	{
		.name = "monitor",
		.id = CLI_CMD_MONITOR,
		.opts = "[-j] ",
		.args = "[FILTERS]",
		.summary = "the transitions as they happen",
		.details =
"One line per TCP state transition of the caller's network namespace, as it\n"
"happens, until SIGINT or SIGTERM: the time (CLOCK_MONOTONIC seconds), the\n"
"family, the local and the remote address and port, OLD -> NEW, then the\n"
"socket's inode, owner and cookie where it has them. With -j, one JSON\n"
"object per line (-p does nothing). The events lost on the way are counted\n"
"from the gaps in their sequence numbers: \"LOST N events (source CPU)\".\n"
"Needs CAP_NET_ADMIN: the events carry addresses.\n"
"\n"
"Filters, all of which an event must pass:\n"
"  -4, -6, family inet|inet6   its address family\n"
"  sport PORT                  its local port\n"
"  dport PORT                  its remote port\n"
"  port PORT                   its local or its remote port\n"
"  state NAME                  its old or its new state; repeated: any of\n"
"                              them (NAME as for \"tcpfsm state\")\n",
		.parse = parse_monitor,
	},
	{
		.name = "help",
		.id = CLI_CMD_HELP,
		.opts = "",
		.args = "[COMMAND]",
		.summary = "this text, or the usage of COMMAND",
		.details = "The usage of tcpfsm, or of COMMAND.\n",
		.parse = parse_help,
	},
};

/**
 * cli_lookup() - find a command
 * @name: its name or alias, exactly
 *
 * Return: the command, or NULL.
 */
const struct cli_command *cli_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name) ||
		    (commands[i].alias && !strcmp(name, commands[i].alias)))
			return &commands[i];
	return NULL;
}

/**
 * cli_usage() - print the usage of tcpfsm, or of one of its commands
 * @f: where
 * @cmd: the command, or NULL for tcpfsm's
 */
void cli_usage(FILE *f, const struct cli_command *cmd)
{
	unsigned int i;

	if (cmd) {
		fprintf(f, "Usage: tcpfsm %s%s %s\n", cmd->opts, cmd->name,
			cmd->args);
		if (cmd->alias)
			fprintf(f, "       tcpfsm %s%s %s\n", cmd->opts,
				cmd->alias, cmd->args);
		fprintf(f, "\n%s", cmd->details);
		return;
	}

	fputs("Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n"
	      "       tcpfsm COMMAND help\n"
	      "\n"
	      "The TCP state-machine counters of the tcpfsm kernel module, for the\n"
	      "caller's network namespace.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		char synopsis[32];

		snprintf(synopsis, sizeof(synopsis), "%s %s", commands[i].name,
			 commands[i].args);
		fprintf(f, "  %-18s %s", synopsis, commands[i].summary);
		if (commands[i].alias)
			fprintf(f, " (alias %s)", commands[i].alias);
		fputc('\n', f);
	}
	fputs("\n"
	      "Options:\n"
	      "  -j, --json         output JSON\n"
	      "  -p, --pretty       indent the JSON output (with -j)\n"
	      "  -h, --help         this text\n"
	      "  -V, --version      the version of tcpfsm\n", f);
}

/**
 * cli_version() - print the version of tcpfsm
 * @f: where
 */
void cli_version(FILE *f)
{
	fprintf(f, "tcpfsm %s, for version %d of the tcpfsm netlink family\n",
		TCPFSM_VERSION, TCPFSM_FAMILY_VERSION);
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

static int bad_arg(const struct cli_args *a, const char *arg, FILE *err)
{
	fprintf(err, "tcpfsm: %s: unknown argument \"%s\"%s\n", a->cmd->name,
		arg, arg[0] == '-' ? " (options go before the command)" : "");
	cli_usage(err, a->cmd);
	return -1;
}

static int parse_stats(struct cli_args *a, int argc, char **argv, FILE *err)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "all"))
			return bad_arg(a, argv[i], err);
		a->all = true;
	}
	return 0;
}

/* @what (of @arg if not NULL) is missing */
static int missing(const struct cli_args *a, const char *arg, const char *what,
		   FILE *err)
{
	fprintf(err, "tcpfsm: %s: %s%s%s is missing\n", a->cmd->name,
		arg ? arg : "", arg ? ": " : "", what);
	cli_usage(err, a->cmd);
	return -1;
}

/* The number of state @s, or -1 and the valid names on @err */
static int parse_state_name(const char *s, FILE *err)
{
	unsigned int i;
	int state = tcpfsm_state_parse(s);

	if (state >= 0)
		return state;
	fprintf(err, "tcpfsm: unknown state \"%s\"\nvalid states:", s);
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		fprintf(err, " %s", tcpfsm_state_name(i));
	fputs("\n(in any case; or as ss spells them: ESTAB, SYN-SENT, FIN-WAIT-1, ...; or 1-12)\n",
	      err);
	return -1;
}

static int parse_state(struct cli_args *a, int argc, char **argv, FILE *err)
{
	int state;

	if (argc < 1)
		return missing(a, NULL, "NAME", err);
	if (argc > 1)
		return bad_arg(a, argv[1], err);
	state = parse_state_name(argv[0], err);
	if (state < 0)
		return -1;
	a->state = state;
	return 0;
}

/* The family of "family NAME" */
static unsigned int parse_family_name(const char *s)
{
	if (!strcmp(s, "inet") || !strcmp(s, "ipv4"))
		return AF_INET;
	if (!strcmp(s, "inet6") || !strcmp(s, "ipv6"))
		return AF_INET6;
	return 0;
}

/* A port, 0-65535 in decimal: -1 if @s is not one */
static int parse_port(const char *s)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	return *end || v > UINT16_MAX ? -1 : (int)v;
}

/* The port filters: their names, their bit, where they go */
static const struct {
	const char *name;
	unsigned int bit;
	size_t offset;
} port_filters[] = {
	{ "sport", TCPFSM_FILTER_SPORT, offsetof(struct tcpfsm_filter, sport) },
	{ "dport", TCPFSM_FILTER_DPORT, offsetof(struct tcpfsm_filter, dport) },
	{ "port", TCPFSM_FILTER_PORT, offsetof(struct tcpfsm_filter, port) },
};

/* Filter @arg, of value @val (NULL if none); Return: arguments used, or -1 */
static int parse_filter(struct cli_args *a, const char *arg, const char *val,
			FILE *err)
{
	struct tcpfsm_filter *f = &a->filter;
	unsigned int family = 0, i;
	int n = 1, v;

	if (!strcmp(arg, "-4")) {
		family = AF_INET;
	} else if (!strcmp(arg, "-6")) {
		family = AF_INET6;
	} else if (!strcmp(arg, "family")) {
		if (!val)
			return missing(a, arg, "inet or inet6", err);
		family = parse_family_name(val);
		if (!family) {
			fprintf(err, "tcpfsm: %s: family: invalid family \"%s\" (inet or inet6)\n",
				a->cmd->name, val);
			return -1;
		}
		n = 2;
	} else if (!strcmp(arg, "state")) {
		if (!val)
			return missing(a, arg, "NAME", err);
		v = parse_state_name(val, err);
		if (v < 0)
			return -1;
		f->states |= BIT(v);
		return 2;
	} else {
		for (i = 0; i < ARRAY_SIZE(port_filters); i++)
			if (!strcmp(arg, port_filters[i].name))
				break;
		if (i == ARRAY_SIZE(port_filters))
			return bad_arg(a, arg, err);
		if (!val)
			return missing(a, arg, "PORT", err);
		if (f->ports & port_filters[i].bit) {
			fprintf(err, "tcpfsm: %s: %s given twice\n",
				a->cmd->name, arg);
			return -1;
		}
		v = parse_port(val);
		if (v < 0) {
			fprintf(err, "tcpfsm: %s: %s: invalid port \"%s\" (0-65535)\n",
				a->cmd->name, arg, val);
			return -1;
		}
		f->ports |= port_filters[i].bit;
		*(uint16_t *)((char *)f + port_filters[i].offset) = v;
		return 2;
	}

	if (f->family && f->family != family) {
		fprintf(err, "tcpfsm: %s: the inet and inet6 filters exclude each other\n",
			a->cmd->name);
		return -1;
	}
	f->family = family;
	return n;
}

static int parse_monitor(struct cli_args *a, int argc, char **argv, FILE *err)
{
	int i, n;

	for (i = 0; i < argc; i += n) {
		n = parse_filter(a, argv[i], i + 1 < argc ? argv[i + 1] : NULL,
				 err);
		if (n < 0)
			return -1;
	}
	return 0;
}

static int unknown_command(const char *name, FILE *err)
{
	fprintf(err, "Command \"%s\" is unknown, try \"tcpfsm help\".\n", name);
	cli_usage(err, NULL);
	return -1;
}

static int parse_help(struct cli_args *a, int argc, char **argv, FILE *err)
{
	const struct cli_command *cmd = NULL;

	if (argc > 1)
		return bad_arg(a, argv[1], err);
	if (argc == 1) {
		cmd = cli_lookup(argv[0]);
		if (!cmd)
			return unknown_command(argv[0], err);
	}
	a->action = CLI_HELP;
	a->cmd = cmd;
	return 0;
}

/**
 * cli_parse() - parse the command line
 * @a: what it asks for
 * @argc: as main() has it
 * @argv: as main() has it
 * @err: where to say what is wrong with it, with the usage
 *
 * Return: 0, or -1 if the command line is wrong.
 */
int cli_parse(struct cli_args *a, int argc, char **argv, FILE *err)
{
	static const struct option long_opts[] = {
		{ "json",	no_argument,	NULL,	'j' },
		{ "pretty",	no_argument,	NULL,	'p' },
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	int opt, i, cur;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 0;	/* glibc: start afresh (the unit tests parse often) */
	/* "+": options end at the command, as with ip */
	for (;;) {
		cur = optind ? optind : 1;	/* the argument getopt reads */
		opt = getopt_long(argc, argv, "+jphV", long_opts, NULL);
		if (opt == -1)
			break;
		switch (opt) {
		case 'j':
			a->json = true;
			break;
		case 'p':
			a->pretty = true;
			break;
		case 'h':
			a->action = CLI_HELP;
			return 0;
		case 'V':
			a->action = CLI_VERSION;
			return 0;
		default:
			if (strncmp(argv[cur], "--", 2))
				fprintf(err, "Option \"-%c\" is unknown, try \"tcpfsm help\".\n",
					optopt);
			else
				fprintf(err, "Option \"%s\" is unknown, try \"tcpfsm help\".\n",
					argv[cur]);
			cli_usage(err, NULL);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_usage(err, NULL);
		return -1;
	}

	a->cmd = cli_lookup(argv[optind]);
	if (!a->cmd)
		return unknown_command(argv[optind], err);
	argc -= optind + 1;
	argv += optind + 1;
	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			a->action = CLI_HELP;
			return 0;
		}
	}
	return a->cmd->parse(a, argc, argv, err);
}
