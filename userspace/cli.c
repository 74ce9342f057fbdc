// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the command line, in the way of iproute2's ip: options first,
 * then a command and its arguments; "help", -h or --help after a command
 * asks for its usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <linux/tcpfsm.h>

#include "cli.h"
#include "netns.h"
#include "nl.h"
#include "states.h"
#include "util.h"

#ifndef TCPFSM_VERSION
#define TCPFSM_VERSION	"unknown"
#endif

static int parse_stats(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_state(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_monitor(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_hist(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_closewait(struct cli_args *a, int argc, char **argv,
			   FILE *err);
static int parse_top(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_none(struct cli_args *a, int argc, char **argv, FILE *err);
static int parse_help(struct cli_args *a, int argc, char **argv, FILE *err);

#define JSON_OPTS	"[-j [-p]] "

static const struct cli_command commands[] = {
	{
		.name = "stats",
		.alias = "show",
		.id = CLI_CMD_STATS,
		.opts = JSON_OPTS,
		.args = "[all] [nohist] [-A]",
		.summary = "per-state figures, transitions, event counters",
		.details =
"For every TCP state: the sockets in it now (current), the transitions\n"
"into it (entered) and out of it (left); \"-\" where the module does not\n"
"count them. Then the transitions that happened, as OLD -> NEW  COUNT, in\n"
"state order (with all: every one of the 121 between the 11 TCP states).\n"
"Then the timewait sockets of each substate, FIN_WAIT2 and TIME_WAIT, as\n"
"/proc/net/tcpfsm/timewait: now, created, refused, entered, left, ended\n"
"by their timer, reused, killed.\n"
"Then the server's side of the handshake, as /proc/net/tcpfsm/handshake:\n"
"the request sockets (NEW_SYN_RECV) now, created, completed by the final\n"
"ACK, expired, orphaned (their listener closed), dropped, and the\n"
"handshakes completed by a SYN cookie.\n"
"Then the transition events the module sent to its listeners, and those\n"
"it lost; the sockets whose time in state is tracked, of how many the\n"
"table holds, and those it had no room for; the timewait sockets created.\n"
"Figures are those of the caller's network namespace.\n"
"\n"
"-o prometheus (--output prometheus), before or after stats: the same in\n"
"the Prometheus text format, with the time-in-state histograms, for\n"
"node_exporter's textfile collector: state labels in lower case, as\n"
"node_exporter's (state=\"close_wait\"), and tcpfsm_build_info{version}.\n"
"nohist (--no-histograms) leaves the histograms out (336 of about 500\n"
"series); text and JSON have none. -o json is -j, -o text the default.\n"
"\n"
"-A (--all-netns), before or after stats: the same for every network\n"
"namespace of the system (CAP_NET_ADMIN in the initial user namespace),\n"
"each labelled by its ip netns name, else \"pid:PID\" (its lowest pid),\n"
"else \"ino:INODE\": in text a line \"netns LABEL (inode, cookie...)\"\n"
"before each; in JSON an array of objects with \"netns\": {\"inode\",\n"
"\"cookie\", \"names\", \"pid\"}; in Prometheus a label netns=\"LABEL\" on\n"
"every series but tcpfsm_build_info.\n",
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
		.opts = "[-j] [-t] ",
		.args = "[full] [FILTERS]",
		.summary = "the transitions as they happen",
		.details =
"One line per TCP state transition of the caller's network namespace, as it\n"
"happens, until SIGINT or SIGTERM: the time (CLOCK_MONOTONIC seconds), the\n"
"family, the local and the remote address and port, OLD -> NEW, then the\n"
"socket's inode, owner and cookie where it has them. With -j, one JSON\n"
"object per line (-p does nothing). The events lost on the way are counted\n"
"from the gaps in their sequence numbers: \"LOST N events (source CPU)\".\n"
"With -t (--timestamp), each event starts with its local wall-clock time,\n"
"2026-11-30T23:30:01.123456+01:00 (\"wall_time\" in JSON), to match logs:\n"
"the monotonic time plus the offset of the wall clock read once at start.\n"
"Needs CAP_NET_ADMIN: the events carry addresses. Its socket buffer, for\n"
"the bursts it reads behind, is 4 MiB (the kernel doubles it); --rcvbuf\n"
"SIZE sets another, 64K to 1G.\n"
"\n"
"Besides the kernel's transitions of full sockets, the steps of timewait\n"
"sockets (marked tw) and of request sockets, a server's half-open\n"
"connections (marked req), where the module sends them; \"full\" asks for\n"
"the kernel's transitions only, as the tracepoint reports them.\n"
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
		.name = "hist",
		.id = CLI_CMD_HIST,
		.opts = JSON_OPTS,
		.args = "[STATE...]",
		.summary = "how long sockets stay in each state",
		.details =
"The time tracked sockets of the caller's network namespace stayed in a\n"
"state before they left it, as log2 histograms in microseconds, as bcc's\n"
"tools print them: each row counts the times from low to high usecs. By\n"
"default every state with samples; else the STATEs named (as for \"tcpfsm\n"
"state\"), among SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2,\n"
"CLOSE_WAIT, LAST_ACK and CLOSING. Only sockets the module saw enter the\n"
"state are timed. Then the timewait sockets' (TIME_WAIT, and FIN_WAIT2 of\n"
"orphans) and the server's handshakes, from a request socket's first\n"
"SYN-ACK to the final ACK (NEW_SYN_RECV, or handshake), where the module\n"
"sends them.\n",
		.parse = parse_hist,
	},
	{
		.name = "closewait",
		.id = CLI_CMD_CLOSEWAIT,
		.opts = JSON_OPTS,
		.args = "[--older-than DURATION]",
		.summary = "the sockets in CLOSE_WAIT, oldest first",
		.details =
"The sockets of the caller's network namespace in CLOSE_WAIT (the peer\n"
"closed, the application has not), oldest first, those of unknown age\n"
"last: local and remote address and port, the time in CLOSE_WAIT, and\n"
"the processes holding the socket, as ss -p shows them. With\n"
"--older-than (or older-than), only those known to have been in\n"
"CLOSE_WAIT that long: DURATION is a whole number and a unit, ms, s, m,\n"
"h or d (500ms, 30s, 5m, 2h, 1d), seconds without one.\n"
"Needs CAP_NET_ADMIN (root): the sockets carry addresses and owners; the\n"
"processes of other users are found as root only.\n",
		.parse = parse_closewait,
	},
	{
		.name = "top",
		.id = CLI_CMD_TOP,
		.opts = JSON_OPTS,
		.args = "[limit N]",
		.summary = "TIME_WAIT pressure: the ports that churn",
		.details =
"The timewait sockets of the caller's network namespace now, those\n"
"created since the module was loaded, and the N (10; 1-1000) local and\n"
"remote ports holding the most of them, most first: the local port of a\n"
"server that closes first, or a client's ephemeral ports; the remote port\n"
"of the service a client opens short connections to.\n"
"Needs CAP_NET_ADMIN (root).\n",
		.parse = parse_top,
	},
	{
		.name = "diagram",
		.id = CLI_CMD_DIAGRAM,
		.opts = JSON_OPTS,
		.args = "",
		.summary = "the RFC 9293 state diagram, with the figures",
		.details =
"The TCP state diagram of RFC 9293 (its figure 5, as Linux walks it),\n"
"drawn in 80 columns: in each state's box the sockets of the caller's\n"
"network namespace in the state now and the median time tracked sockets\n"
"stayed in it; on each arrow the transitions since the module was loaded.\n"
"CLOSED has no count; SYN_RECV counts the request sockets too, the RFC's\n"
"SYN-RECEIVED of a server, which have a line of their own in its box,\n"
"(requests): those now and the median time from their first SYN-ACK to\n"
"the final ACK; their edges are those of /proc/net/tcpfsm/machine (SYN,\n"
"SYN cookie and Fast Open into SYN_RECV, CLOSED out of it). The\n"
"timewait sockets (TIME_WAIT, and an orphan's FIN_WAIT2, \"orphan\") and\n"
"the request sockets are counted through their own figures: \"-\" where\n"
"the module does not send one. Below it, the edges it has no place for\n"
"and the other transitions that happened (resets, ...). With -j:\n"
"{\"states\": {NAME: {\"current\", \"median_ns\"}}, \"edges\": [{\"from\", \"to\",\n"
"\"via\", \"count\"}]}, a figure not sent null; the request sockets' own\n"
"figures as the state NEW_SYN_RECV, their edges via \"request\".\n",
		.parse = parse_none,
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
		const char *sep = *cmd->args ? " " : "";

		fprintf(f, "Usage: tcpfsm %s%s%s%s\n", cmd->opts, cmd->name,
			sep, cmd->args);
		if (cmd->alias)
			fprintf(f, "       tcpfsm %s%s%s%s\n", cmd->opts,
				cmd->alias, sep, cmd->args);
		fprintf(f, "\n%s", cmd->details);
		return;
	}

	fputs("Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n"
	      "       tcpfsm COMMAND help\n"
	      "\n"
	      "The TCP state-machine counters of the tcpfsm kernel module, for the\n"
	      "caller's network namespace (or NETNS's, with -n).\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		char synopsis[64];

		snprintf(synopsis, sizeof(synopsis), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		/* a long one on a line of its own */
		if (strlen(synopsis) > 18)
			fprintf(f, "  %s\n%21s%s", synopsis, "",
				commands[i].summary);
		else
			fprintf(f, "  %-18s %s", synopsis, commands[i].summary);
		if (commands[i].alias)
			fprintf(f, " (alias %s)", commands[i].alias);
		fputc('\n', f);
	}
	fputs("\n"
	      "Options:\n"
	      "  -j, --json         output JSON\n"
	      "  -p, --pretty       indent the JSON output (with -j)\n"
	      "  -o, --output FORMAT\n"
	      "                     text, json (-j) or prometheus (stats only)\n"
	      "  -t, --timestamp    the wall-clock time of each event (monitor)\n"
	      "      --rcvbuf SIZE  the monitor's socket buffer, 64K to 1G\n"
	      "                     (default 4M; bytes, or with K, M or G)\n"
	      "  -n, --netns NETNS  run in network namespace NETNS (ip netns),\n"
	      "                     as ip -n: /run/netns/NETNS; needs root\n"
	      "  -A, --all-netns    every network namespace (stats only), each\n"
	      "                     labelled; needs root\n"
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

/* @what (of @arg if not NULL) is missing */
static int missing(const struct cli_args *a, const char *arg, const char *what,
		   FILE *err)
{
	fprintf(err, "tcpfsm: %s: %s%s%s is missing\n", a->cmd->name,
		arg ? arg : "", arg ? ": " : "", what);
	cli_usage(err, a->cmd);
	return -1;
}

/*
 * An option of a command, among its arguments: @name VALUE, or
 * @name=VALUE for a long one. Return: the arguments it takes (*@val its
 * value, NULL if missing), or 0 if @arg is not @name.
 */
static int opt_value(const char *arg, const char *next, const char *name,
		     const char **val)
{
	size_t len = strlen(name);

	if (!strcmp(arg, name)) {
		*val = next;
		return 2;
	}
	if (!strncmp(arg, "--", 2) && !strncmp(arg, name, len) &&
	    arg[len] == '=') {
		*val = arg + len + 1;
		return 1;
	}
	return 0;
}

/* -o FORMAT, --output FORMAT: 0, or -1 */
static int set_output(struct cli_args *a, const char *fmt, FILE *err)
{
	if (!strcmp(fmt, "text") || !strcmp(fmt, "json")) {
		a->json = fmt[0] == 'j';
		a->prometheus = false;
	} else if (!strcmp(fmt, "prometheus")) {
		a->json = false;
		a->prometheus = true;
	} else {
		fprintf(err, "tcpfsm: -o: unknown output format \"%s\" (text, json or prometheus)\n",
			fmt);
		return -1;
	}
	return 0;
}

/* -o FORMAT among the arguments of a command: see opt_value(); or -1 */
static int output_arg(struct cli_args *a, const char *arg, const char *next,
		      FILE *err)
{
	const char *fmt = NULL;
	int n = opt_value(arg, next, "-o", &fmt);

	if (!n)
		n = opt_value(arg, next, "--output", &fmt);
	if (!n)
		return 0;
	if (!fmt)
		return missing(a, arg, "FORMAT", err);
	return set_output(a, fmt, err) < 0 ? -1 : n;
}

static int parse_stats(struct cli_args *a, int argc, char **argv, FILE *err)
{
	int i, n;

	for (i = 0; i < argc; i += n) {
		n = 1;
		if (!strcmp(argv[i], "all")) {
			a->all = true;
			continue;
		}
		if (!strcmp(argv[i], "nohist") ||
		    !strcmp(argv[i], "--no-histograms")) {
			a->nohist = true;
			continue;
		}
		if (!strcmp(argv[i], "-A") || !strcmp(argv[i], "--all-netns")) {
			a->all_netns = true;
			continue;
		}
		n = output_arg(a, argv[i], i + 1 < argc ? argv[i + 1] : NULL,
			       err);
		if (n < 0)
			return -1;
		if (!n)
			return bad_arg(a, argv[i], err);
	}
	return 0;
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

struct cli_unit {
	const char *name;
	uint64_t mult;
};

/*
 * A whole number and one of @n @units after it, in the first unit's
 * multiple: 0, or -1 with errno EINVAL (not that) or ERANGE (beyond 2^64)
 */
static int parse_with_unit(const char *s, const struct cli_unit *units,
			   size_t n, uint64_t *out)
{
	unsigned long long v;
	size_t i;
	char *end;

	if (*s < '0' || *s > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(end, units[i].name))
			continue;
		if (__builtin_mul_overflow(v, units[i].mult, out)) {
			errno = ERANGE;
			return -1;
		}
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/**
 * cli_parse_duration() - a duration of the command line
 * @s: a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d;
 *	without a unit, seconds
 * @ns: the duration, in nanoseconds
 *
 * Return: 0, or -1 with errno EINVAL (not a duration) or ERANGE (beyond
 * 2^64 - 1 nanoseconds, 584 years).
 */
int cli_parse_duration(const char *s, uint64_t *ns)
{
	static const struct cli_unit units[] = {
		{ "", 1000000000ULL }, { "ms", 1000000ULL },
		{ "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL }, { "d", 86400000000000ULL },
	};

	return parse_with_unit(s, units, ARRAY_SIZE(units), ns);
}

/* the bounds of --rcvbuf */
#define CLI_RCVBUF_MIN	(64U << 10)
#define CLI_RCVBUF_MAX	(1U << 30)

/**
 * cli_parse_size() - a socket buffer size of the command line
 * @s: a whole number of bytes, or of KiB, MiB or GiB with K, M or G:
 *	65536, 512K, 16M, 1G
 * @bytes: the size
 *
 * Return: 0, or -1 with errno EINVAL (not a size) or ERANGE (outside 64K
 * to 1G: the kernel doubles what it is given, in an int).
 */
int cli_parse_size(const char *s, unsigned int *bytes)
{
	static const struct cli_unit units[] = {
		{ "", 1 }, { "K", 1ULL << 10 }, { "M", 1ULL << 20 },
		{ "G", 1ULL << 30 },
	};
	uint64_t v;

	if (parse_with_unit(s, units, ARRAY_SIZE(units), &v) < 0)
		return -1;
	if (v < CLI_RCVBUF_MIN || v > CLI_RCVBUF_MAX) {
		errno = ERANGE;
		return -1;
	}
	*bytes = v;
	return 0;
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
		if (!strcmp(argv[i], "full")) {
			a->full = true;
			n = 1;
			continue;
		}
		n = parse_filter(a, argv[i], i + 1 < argc ? argv[i + 1] : NULL,
				 err);
		if (n < 0)
			return -1;
	}
	return 0;
}

/* The states that have a time in state, for a message */
static void dwell_states(FILE *err)
{
	unsigned int i;

	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (tcpfsm_state_has_dwell(i) || i == TCPFSM_STATE_TIME_WAIT ||
		    i == TCPFSM_STATE_NEW_SYN_RECV)
			fprintf(err, " %s", tcpfsm_state_name(i));
	fputc('\n', err);
}

static int parse_hist(struct cli_args *a, int argc, char **argv, FILE *err)
{
	int i, state;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '-')
			return bad_arg(a, argv[i], err);
		/* handshake: the request sockets', NEW_SYN_RECV */
		state = !strcasecmp(argv[i], "handshake") ?
			TCPFSM_STATE_NEW_SYN_RECV :
			parse_state_name(argv[i], err);
		if (state < 0)
			return -1;
		/* TIME_WAIT: the timewait sockets'; NEW_SYN_RECV the requests' */
		if (!tcpfsm_state_has_dwell(state) &&
		    state != TCPFSM_STATE_TIME_WAIT &&
		    state != TCPFSM_STATE_NEW_SYN_RECV) {
			fprintf(err, "tcpfsm: hist: %s has no time in state; the states that have one:",
				tcpfsm_state_name(state));
			dwell_states(err);
			return -1;
		}
		a->states |= BIT(state);
	}
	return 0;
}

static int parse_closewait(struct cli_args *a, int argc, char **argv,
			   FILE *err)
{
	const char *val = NULL;
	int i, n;

	for (i = 0; i < argc; i += n) {
		n = opt_value(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
			      "--older-than", &val);
		if (!n)
			n = opt_value(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
				      "older-than", &val);
		if (!n)
			return bad_arg(a, argv[i], err);
		if (!val)
			return missing(a, argv[i], "DURATION", err);
		if (a->has_min_age) {
			fprintf(err, "tcpfsm: closewait: --older-than given twice\n");
			return -1;
		}
		if (cli_parse_duration(val, &a->min_age_ns) < 0) {
			fprintf(err, errno == ERANGE ?
				"tcpfsm: closewait: --older-than: duration \"%s\" too long (at most 584 years)\n" :
				"tcpfsm: closewait: --older-than: invalid duration \"%s\" (a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d; seconds without one)\n",
				val);
			return -1;
		}
		a->has_min_age = true;
	}
	return 0;
}

static int parse_top(struct cli_args *a, int argc, char **argv, FILE *err)
{
	unsigned long v;
	char *end;

	a->limit = CLI_TOP_LIMIT;
	if (!argc)
		return 0;
	if (strcmp(argv[0], "limit"))
		return bad_arg(a, argv[0], err);
	if (argc < 2)
		return missing(a, argv[0], "N", err);
	if (argc > 2)
		return bad_arg(a, argv[2], err);
	v = strtoul(argv[1], &end, 10);
	if (argv[1][0] < '0' || argv[1][0] > '9' || *end || v < 1 ||
	    v > TCPFSM_TIMEWAIT_MAX_PORTS) {
		fprintf(err, "tcpfsm: top: limit: invalid number \"%s\" (1-%d)\n",
			argv[1], TCPFSM_TIMEWAIT_MAX_PORTS);
		return -1;
	}
	a->limit = v;
	return 0;
}

/* A command without arguments */
static int parse_none(struct cli_args *a, int argc, char **argv, FILE *err)
{
	return argc ? bad_arg(a, argv[0], err) : 0;
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
		{ "output",	required_argument, NULL, 'o' },
		{ "timestamp",	no_argument,	NULL,	't' },
		{ "netns",	required_argument, NULL, 'n' },
		{ "all-netns",	no_argument,	NULL,	'A' },
		/* long only, as with the -rcvbuf of ip */
		{ "rcvbuf",	required_argument, NULL, 'r' },
		{ NULL,		0,		NULL,	0 }
	};
	int opt, i, cur;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 0;	/* glibc: start afresh (the unit tests parse often) */
	/* "+": options end at the command, as with ip */
	for (;;) {
		cur = optind ? optind : 1;	/* the argument getopt reads */
		opt = getopt_long(argc, argv, "+jphVo:tn:A", long_opts, NULL);
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
		case 'o':
			if (set_output(a, optarg, err) < 0)
				return -1;
			break;
		case 't':
			a->timestamp = true;
			break;
		case 'A':
			a->all_netns = true;
			break;
		case 'r':
			if (cli_parse_size(optarg, &a->rcvbuf) < 0) {
				fprintf(err, "tcpfsm: --rcvbuf: invalid size \"%s\" (64K to 1G: bytes, or with K, M or G)\n",
					optarg);
				return -1;
			}
			break;
		case 'n':
			if (!tcpfsm_netns_name_ok(optarg)) {
				fprintf(err, "tcpfsm: -n: invalid network namespace name \"%s\" (a name of ip netns list)\n",
					optarg);
				return -1;
			}
			a->netns = optarg;
			break;
		default:
			if (optopt == 'o') {
				fprintf(err, "Option \"%s\" needs a FORMAT: text, json or prometheus.\n",
					argv[cur]);
				return -1;
			}
			if (optopt == 'r' && !strncmp(argv[cur], "--", 2)) {
				fprintf(err, "Option \"%s\" needs a SIZE: bytes, or with K, M or G.\n",
					argv[cur]);
				return -1;
			}
			if (optopt == 'n') {
				fprintf(err, "Option \"%s\" needs a NETNS: a name of ip netns list.\n",
					argv[cur]);
				return -1;
			}
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
	if (a->cmd->parse(a, argc, argv, err) < 0)
		return -1;
	if (a->prometheus && a->action == CLI_RUN &&
	    a->cmd->id != CLI_CMD_STATS) {
		fprintf(err, "tcpfsm: %s: -o prometheus is for stats only\n",
			a->cmd->name);
		return -1;
	}
	if (a->all_netns && a->action == CLI_RUN &&
	    a->cmd->id != CLI_CMD_STATS) {
		fprintf(err, "tcpfsm: %s: -A is for stats only\n",
			a->cmd->name);
		return -1;
	}
	if (a->all_netns && a->netns) {
		fprintf(err, "tcpfsm: -A shows every network namespace: not with -n\n");
		return -1;
	}
	if (a->timestamp && a->action == CLI_RUN &&
	    a->cmd->id != CLI_CMD_MONITOR) {
		fprintf(err, "tcpfsm: %s: -t is for monitor only\n",
			a->cmd->name);
		return -1;
	}
	if (a->rcvbuf && a->action == CLI_RUN &&
	    a->cmd->id != CLI_CMD_MONITOR) {
		fprintf(err, "tcpfsm: %s: --rcvbuf is for monitor only\n",
			a->cmd->name);
		return -1;
	}
	return 0;
}
