// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the tcpfsm command; the tcpfsm module is not needed.
 *
 *	TCPFSM_CMD=PATH/TO/tcpfsm unit [-l] [-t TEST]...
 *
 * State names, the command line, the text and JSON output, the parsers of
 * netlink replies and events (fed messages built here with libmnl), the
 * monitor's filters and loss accounting, and the printing of errors; then
 * the netlink plumbing against the running kernel's own family nlctrl;
 * then the exit status and output of the command $TCPFSM_CMD for a few
 * command lines (skipped without it). kselftest_harness.h runs them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "cli.h"
#include "helpers.h"
#include "monitor.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

/* States */

TEST(states)
{
	static const struct {
		const char *s;
		int state;
	} good[] = {
		{ "ESTABLISHED", 1 }, { "established", 1 }, { "ESTAB", 1 },
		{ "estab", 1 }, { "SYN-SENT", 2 }, { "syn_sent", 2 },
		{ "SYN-RECV", 3 }, { "FIN-WAIT-1", 4 }, { "fin-wait1", 4 },
		{ "FIN_WAIT1", 4 }, { "FIN-WAIT-2", 5 }, { "TIME-WAIT", 6 },
		{ "time_wait", 6 }, { "CLOSE", 7 }, { "UNCONN", 7 },
		{ "CLOSE-WAIT", 8 }, { "LAST-ACK", 9 }, { "Listen", 10 },
		{ "CLOSING", 11 }, { "NEW_SYN_RECV", 12 }, { "new-syn-recv", 12 },
		{ "TCP_ESTABLISHED", 1 }, { "tcp_close_wait", 8 }, { "1", 1 },
		{ "12", 12 }, { "07", 7 },
	};
	static const char *const bad[] = {
		"", "0", "13", "1x", "-1", "+1", " 1", "1 ", "0x1", "ESTA",
		"ESTABLISHEDX", "ESTABLISHED ", "FINWAIT1", "FIN-WAIT-3", "TCP_",
		"TCP_1", "TCP_ESTAB_", "SYN__SENT", "99999999999999999999", "help",
	};
	unsigned int i;
	bool ok;

	CHECK(!strcmp(tcpfsm_state_name(1), "ESTABLISHED") &&
	      !strcmp(tcpfsm_state_name(6), "TIME_WAIT") &&
	      !strcmp(tcpfsm_state_name(12), "NEW_SYN_RECV") &&
	      !tcpfsm_state_name(0) && !tcpfsm_state_name(13),
	      "states: names of 1, 6, 12; none for 0 and 13");

	ok = true;
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (tcpfsm_state_parse(tcpfsm_state_name(i)) != (int)i) {
			printf("# %s does not parse as %u\n", tcpfsm_state_name(i), i);
			ok = false;
		}
	}
	CHECK(ok, "states: every name parses as its number");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		int got = tcpfsm_state_parse(good[i].s);

		if (got != good[i].state) {
			printf("# \"%s\": %d, expected %d\n", good[i].s, got,
			       good[i].state);
			ok = false;
		}
	}
	CHECK(ok, "states: any case, ss spellings, TCP_ prefix, numbers");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int got = tcpfsm_state_parse(bad[i]);

		if (got != -1) {
			printf("# \"%s\" parses as %d\n", bad[i], got);
			ok = false;
		}
	}
	CHECK(ok, "states: bad names and numbers are refused");

	ok = true;
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		bool cur = i != TCPFSM_STATE_CLOSE;
		bool flow = i != TCPFSM_STATE_TIME_WAIT &&
			    i != TCPFSM_STATE_NEW_SYN_RECV;

		ok &= tcpfsm_state_has_current(i) == cur &&
		      tcpfsm_state_has_flow(i) == flow;
	}
	CHECK(ok, "states: no current for CLOSE, no flow for TIME_WAIT and NEW_SYN_RECV");
}

/* Command line */


static bool parsed_ok(struct __test_metadata *_metadata,
		struct parsed *p, enum cli_action action,
		const char *cmd, const char *what)
{
	bool ok = !p->ret && p->a.action == action && !p->err[0] &&
		  (cmd ? p->a.cmd && !strcmp(p->a.cmd->name, cmd) : !p->a.cmd);

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d, action %d, cmd %s\n", p->ret, p->a.action,
		       p->a.cmd ? p->a.cmd->name : "NULL");
		diag("stderr", p->err);
	}
	free(p->err);
	return ok;
}

/* An error: -1, and stderr starts with @first_line (a whole line) */
static void parsed_err(struct __test_metadata *_metadata,
		struct parsed *p, const char *first_line,
		const char *what)
{
	size_t n = strlen(first_line);
	bool ok = p->ret == -1 && !strncmp(p->err, first_line, n) &&
		  p->err[n] == '\n';

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d, expected -1, and the first line:\n# %s\n",
		       p->ret, first_line);
		diag("stderr", p->err);
	}
	free(p->err);
}

TEST(cli_commands)
{
	const struct cli_command *stats = cli_lookup("stats");

	CHECK(stats && stats->id == CLI_CMD_STATS && cli_lookup("show") == stats,
	      "cli: stats, and show its alias");
	CHECK(cli_lookup("state") && cli_lookup("state")->id == CLI_CMD_STATE &&
	      cli_lookup("help") && cli_lookup("help")->id == CLI_CMD_HELP,
	      "cli: state and help");
	CHECK(!cli_lookup("stat") && !cli_lookup("statss") && !cli_lookup("") &&
	      !cli_lookup("STATS") && !cli_lookup("monitors") &&
	      !cli_lookup("mon"),
	      "cli: no prefixes, no other case, no unknown command");
}

TEST(cli_options)
{
	struct parsed p;

	p = parse("stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "stats");
	CHECK(!p.a.json && !p.a.pretty && !p.a.all, "cli: stats: text, not all");

	p = parse("-j", "show", "all", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-j show all");
	CHECK(p.a.json && !p.a.pretty && p.a.all, "cli: -j show all: JSON, all");

	p = parse("-jp", "stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-jp stats");
	CHECK(p.a.json && p.a.pretty, "cli: -jp: pretty JSON");

	p = parse("-p", "stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-p stats");
	CHECK(!p.a.json && p.a.pretty, "cli: -p alone does not imply -j");

	p = parse("--json", "--pretty", "state", "TIME-WAIT", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "state", "--json --pretty state TIME-WAIT");
	CHECK(p.a.json && p.a.pretty && p.a.state == TCPFSM_STATE_TIME_WAIT,
	      "cli: state TIME-WAIT is 6, with long options");

	p = parse("state", "estab", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "state", "state estab");
	CHECK(p.a.state == TCPFSM_STATE_ESTABLISHED, "cli: state estab is 1");

	p = parse("--", "state", "12", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "state", "-- state 12");
	CHECK(p.a.state == TCPFSM_STATE_NEW_SYN_RECV, "cli: state 12");

	p = parse("stats", "help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "stats", "stats help: usage of stats");
	p = parse("stats", "--help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "stats", "stats --help");
	p = parse("show", "all", "-h", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "stats", "show all -h");
	p = parse("state", "help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "state", "state help");
	p = parse("state", "bogus", "--help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "state", "state bogus --help: help first");
	p = parse("help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, NULL, "help: usage of tcpfsm");
	p = parse("help", "show", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "stats", "help show: usage of stats");
	p = parse("help", "help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "help", "help help");
	p = parse("-h", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, NULL, "-h");
	p = parse("--help", "stats", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, NULL, "--help stats: usage of tcpfsm");
	p = parse("-V", NULL);
	parsed_ok(_metadata, &p, CLI_VERSION, NULL, "-V");
	p = parse("-j", "--version", NULL);
	parsed_ok(_metadata, &p, CLI_VERSION, NULL, "-j --version");

	p = parse(NULL);
	parsed_err(_metadata, &p, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]", "no command: usage");
	p = parse("foo", NULL);
	parsed_err(_metadata, &p, "Command \"foo\" is unknown, try \"tcpfsm help\".",
		   "unknown command");
	p = parse("-j", "stat", NULL);
	parsed_err(_metadata, &p, "Command \"stat\" is unknown, try \"tcpfsm help\".",
		   "no prefix matching");
	p = parse("-x", "stats", NULL);
	parsed_err(_metadata, &p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option");
	p = parse("--json", "-jx", "stats", NULL);
	parsed_err(_metadata, &p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option in a cluster");
	p = parse("--bogus", "stats", NULL);
	parsed_err(_metadata, &p, "Option \"--bogus\" is unknown, try \"tcpfsm help\".",
		   "unknown long option");
	p = parse("--json=yes", "stats", NULL);
	parsed_err(_metadata, &p, "Option \"--json=yes\" is unknown, try \"tcpfsm help\".",
		   "long option with an argument");
	p = parse("stats", "bogus", NULL);
	parsed_err(_metadata, &p, "tcpfsm: stats: unknown argument \"bogus\"",
		   "stats bogus");
	p = parse("stats", "-j", NULL);
	parsed_err(_metadata, &p, "tcpfsm: stats: unknown argument \"-j\" (options go before the command)",
		   "option after the command");
	p = parse("state", NULL);
	parsed_err(_metadata, &p, "tcpfsm: state: NAME is missing", "state without NAME");
	p = parse("state", "ESTAB", "LISTEN", NULL);
	parsed_err(_metadata, &p, "tcpfsm: state: unknown argument \"LISTEN\"",
		   "state with two names");
	p = parse("help", "bogus", NULL);
	parsed_err(_metadata, &p, "Command \"bogus\" is unknown, try \"tcpfsm help\".",
		   "help of an unknown command");

	p = parse("state", "bogus", NULL);
	CHECK(p.ret == -1, "cli: state bogus fails");
	CHECK_STR(p.err,
		  "tcpfsm: unknown state \"bogus\"\n"
		  "valid states: ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING NEW_SYN_RECV\n"
		  "(in any case; or as ss spells them: ESTAB, SYN-SENT, FIN-WAIT-1, ...; or 1-12)\n",
		  "cli: state bogus lists the valid names");
	free(p.err);
}

TEST(cli_help)
{
	struct capture cap;
	char *s;

	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n") &&
	      strstr(s, "\n  stats [all]  ") && strstr(s, "(alias show)") &&
	      strstr(s, "\n  state NAME  ") && strstr(s, "\n  help [COMMAND]  ") &&
	      strstr(s, "-j, --json") && strstr(s, "-p, --pretty") &&
	      strstr(s, "-h, --help") && strstr(s, "-V, --version"),
	      "usage: tcpfsm's lists every command and option");
	free(s);

	cli_usage(cap_open(&cap), cli_lookup("show"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j [-p]] stats [all]\n"
			     "       tcpfsm [-j [-p]] show [all]\n\n"),
	      "usage: of stats, with its alias");
	free(s);

	cli_usage(cap_open(&cap), cli_lookup("state"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j [-p]] state NAME\n\n") &&
	      strstr(s, "ESTAB"), "usage: of state");
	free(s);

	cli_version(cap_open(&cap));
	s = cap_close(&cap);
	CHECK_STR(s, "tcpfsm " TCPFSM_VERSION ", for version 1 of the tcpfsm netlink family\n",
		  "version");
	free(s);
}

static bool filter_is(const struct tcpfsm_filter *f, unsigned int family,
		      unsigned int ports, uint16_t sport, uint16_t dport,
		      uint16_t port, uint32_t states)
{
	bool ok = f->family == family && f->ports == ports &&
		  (!(ports & TCPFSM_FILTER_SPORT) || f->sport == sport) &&
		  (!(ports & TCPFSM_FILTER_DPORT) || f->dport == dport) &&
		  (!(ports & TCPFSM_FILTER_PORT) || f->port == port) &&
		  f->states == states;

	if (!ok)
		printf("# family %u, ports %#x, sport %u, dport %u, port %u, states %#x\n",
		       f->family, f->ports, f->sport, f->dport, f->port,
		       f->states);
	return ok;
}

TEST(cli_filters)
{
	struct parsed p;
	struct capture cap;
	char *s;

	CHECK(cli_lookup("monitor") && cli_lookup("monitor")->id == CLI_CMD_MONITOR,
	      "cli: monitor");

	p = parse("monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor");
	CHECK(!p.a.json && filter_is(&p.a.filter, 0, 0, 0, 0, 0, 0),
	      "cli: monitor: text, no filter");

	p = parse("-j", "monitor", "-4", "sport", "80", "dport", "65535",
		  "port", "0", "state", "estab", "state", "TIME-WAIT",
		  "state", "syn_sent", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-j monitor with every filter");
	CHECK(p.a.json &&
	      filter_is(&p.a.filter, AF_INET,
			TCPFSM_FILTER_SPORT | TCPFSM_FILTER_DPORT | TCPFSM_FILTER_PORT,
			80, 65535, 0,
			BIT(TCPFSM_STATE_ESTABLISHED) | BIT(TCPFSM_STATE_TIME_WAIT) |
			BIT(TCPFSM_STATE_SYN_SENT)),
	      "cli: monitor: -4, the ports, three states");

	p = parse("-jp", "monitor", "family", "inet6", "port", "443", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-jp monitor family inet6 port 443");
	CHECK(p.a.json && p.a.pretty &&
	      filter_is(&p.a.filter, AF_INET6, TCPFSM_FILTER_PORT, 0, 0, 443, 0),
	      "cli: monitor: family inet6, port");

	p = parse("monitor", "-6", "family", "inet6", "-6", "state", "12", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor -6 family inet6 -6 state 12");
	CHECK(filter_is(&p.a.filter, AF_INET6, 0, 0, 0, 0,
			BIT(TCPFSM_STATE_NEW_SYN_RECV)),
	      "cli: monitor: the same family again is no conflict");

	p = parse("monitor", "family", "inet", "dport", "08080", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor family inet dport 08080");
	CHECK(filter_is(&p.a.filter, AF_INET, TCPFSM_FILTER_DPORT, 0, 8080, 0, 0),
	      "cli: monitor: family inet, dport 8080");

	p = parse("monitor", "help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "monitor", "monitor help");
	p = parse("monitor", "sport", "80", "--help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "monitor", "monitor sport 80 --help");
	p = parse("help", "monitor", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "monitor", "help monitor");

	p = parse("monitor", "sport", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: sport: PORT is missing", "monitor sport");
	p = parse("monitor", "state", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: state: NAME is missing", "monitor state");
	p = parse("monitor", "-4", "family", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: family: inet or inet6 is missing",
		   "monitor -4 family");
	p = parse("monitor", "port", "65536", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: port: invalid port \"65536\" (0-65535)",
		   "monitor port 65536");
	p = parse("monitor", "dport", "-1", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: dport: invalid port \"-1\" (0-65535)",
		   "monitor dport -1");
	p = parse("monitor", "sport", "80x", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: sport: invalid port \"80x\" (0-65535)",
		   "monitor sport 80x");
	p = parse("monitor", "sport", "", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: sport: invalid port \"\" (0-65535)",
		   "monitor sport \"\"");
	p = parse("monitor", "sport", "99999999999999999999999", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: sport: invalid port \"99999999999999999999999\" (0-65535)",
		   "monitor sport of 23 digits");
	p = parse("monitor", "sport", "1", "sport", "2", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: sport given twice", "monitor sport twice");
	p = parse("monitor", "family", "ipx", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: family: invalid family \"ipx\" (inet or inet6)",
		   "monitor family ipx");
	p = parse("monitor", "-4", "-6", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: the inet and inet6 filters exclude each other",
		   "monitor -4 -6");
	p = parse("monitor", "family", "inet6", "-4", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: the inet and inet6 filters exclude each other",
		   "monitor family inet6 -4");
	p = parse("monitor", "state", "estab", "state", "FIN-WAIT-3", NULL);
	parsed_err(_metadata, &p, "tcpfsm: unknown state \"FIN-WAIT-3\"", "monitor state FIN-WAIT-3");
	p = parse("monitor", "bogus", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: unknown argument \"bogus\"", "monitor bogus");
	p = parse("monitor", "80", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: unknown argument \"80\"", "monitor 80");
	p = parse("monitor", "-j", NULL);
	parsed_err(_metadata, &p, "tcpfsm: monitor: unknown argument \"-j\" (options go before the command)",
		   "monitor -j");

	cli_usage(cap_open(&cap), cli_lookup("monitor"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j] monitor [FILTERS]\n\n") &&
	      strstr(s, "-4, -6, family inet|inet6") && strstr(s, "sport PORT") &&
	      strstr(s, "dport PORT") && strstr(s, "port PORT") &&
	      strstr(s, "state NAME"),
	      "usage: of monitor, with its filters");
	free(s);
	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n  monitor [FILTERS]  the transitions as they happen\n"),
	      "usage: tcpfsm's lists monitor");
	free(s);
}

/* Output */

static void set_state(struct tcpfsm_stats *st, unsigned int state,
		      int64_t current, uint64_t entered, uint64_t left)
{
	struct tcpfsm_state_stats *s = &st->state[state];

	s->present = true;
	s->has_current = tcpfsm_state_has_current(state);
	s->has_flow = tcpfsm_state_has_flow(state);
	s->current = s->has_current ? current : 0;
	s->entered = s->has_flow ? entered : 0;
	s->left = s->has_flow ? left : 0;
}

/* A complete reply of GET, as tcpfsm_parse_stats() would fill it */
static void sample_stats(struct tcpfsm_stats *st)
{
	static const int64_t fig[][3] = {
		{ 0, 0, 0 },
		{ 2, 14, 12 }, { 0, 7, 7 }, { 0, 2, 2 }, { 0, 3, 3 },
		{ 1, 3, 2 }, { 6, 0, 0 }, { 0, 14, 9 }, { 1, 6, 5 },
		{ -1, 5, 6 }, { 1, 2, 1 }, { 0, 0, 0 }, { 3, 0, 0 },
	};
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		set_state(st, i, fig[i][0], fig[i][1], fig[i][2]);
	for (i = 1; i <= TCPFSM_NR_TRANS_STATES; i++)
		st->trans_seen[i] = 0xffe & (BIT(TCPFSM_NR_TRANS_STATES + 1) - 1);
	st->trans[TCPFSM_STATE_CLOSE][TCPFSM_STATE_SYN_SENT] = 7;
	st->trans[TCPFSM_STATE_SYN_SENT][TCPFSM_STATE_ESTABLISHED] = 7;
	st->trans[TCPFSM_STATE_ESTABLISHED][TCPFSM_STATE_FIN_WAIT1] = 3;
	st->trans[TCPFSM_STATE_FIN_WAIT2][TCPFSM_STATE_FIN_WAIT2] = 1;
	st->trans[TCPFSM_STATE_LISTEN][TCPFSM_STATE_SYN_RECV] = 2;
	st->trans[TCPFSM_STATE_CLOSE_WAIT][TCPFSM_STATE_CLOSE] = UINT64_MAX;
	st->events_sent = 10;
	st->events_lost_overflow = 1;
	st->events_lost_nomem = 0;
	st->events_lost_rcvbuf = 2;
	st->events_unheard = 4;
	st->present = BIT(TCPFSM_A_STATS_TRANSITION) | BIT(TCPFSM_A_STATS_STATE) |
		      BIT(TCPFSM_A_STATS_EVENTS_SENT) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_NOMEM) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_RCVBUF) |
		      BIT(TCPFSM_A_STATS_EVENTS_UNHEARD);
}

static const char sample_states_text[] =
	"state             current      entered         left\n"
	"ESTABLISHED             2           14           12\n"
	"SYN_SENT                0            7            7\n"
	"SYN_RECV                0            2            2\n"
	"FIN_WAIT1               0            3            3\n"
	"FIN_WAIT2               1            3            2\n"
	"TIME_WAIT               6            -            -\n"
	"CLOSE                   -           14            9\n"
	"CLOSE_WAIT              1            6            5\n"
	"LAST_ACK               -1            5            6\n"
	"LISTEN                  1            2            1\n"
	"CLOSING                 0            0            0\n"
	"NEW_SYN_RECV            3            -            -\n";

static const char sample_text[] =
	"\n"
	"old             new                 count\n"
	"ESTABLISHED  -> FIN_WAIT1               3\n"
	"SYN_SENT     -> ESTABLISHED             7\n"
	"FIN_WAIT2    -> FIN_WAIT2               1\n"
	"CLOSE        -> SYN_SENT                7\n"
	"CLOSE_WAIT   -> CLOSE        18446744073709551615\n"
	"LISTEN       -> SYN_RECV                2\n"
	"\n"
	"events: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2, unheard 4\n";

static const char sample_json[] =
	"{\"states\":["
	"{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12},"
	"{\"state\":\"SYN_SENT\",\"current\":0,\"entered\":7,\"left\":7},"
	"{\"state\":\"SYN_RECV\",\"current\":0,\"entered\":2,\"left\":2},"
	"{\"state\":\"FIN_WAIT1\",\"current\":0,\"entered\":3,\"left\":3},"
	"{\"state\":\"FIN_WAIT2\",\"current\":1,\"entered\":3,\"left\":2},"
	"{\"state\":\"TIME_WAIT\",\"current\":6},"
	"{\"state\":\"CLOSE\",\"entered\":14,\"left\":9},"
	"{\"state\":\"CLOSE_WAIT\",\"current\":1,\"entered\":6,\"left\":5},"
	"{\"state\":\"LAST_ACK\",\"current\":-1,\"entered\":5,\"left\":6},"
	"{\"state\":\"LISTEN\",\"current\":1,\"entered\":2,\"left\":1},"
	"{\"state\":\"CLOSING\",\"current\":0,\"entered\":0,\"left\":0},"
	"{\"state\":\"NEW_SYN_RECV\",\"current\":3}],"
	"\"transitions\":["
	"{\"old\":\"ESTABLISHED\",\"new\":\"FIN_WAIT1\",\"count\":3},"
	"{\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"count\":7},"
	"{\"old\":\"FIN_WAIT2\",\"new\":\"FIN_WAIT2\",\"count\":1},"
	"{\"old\":\"CLOSE\",\"new\":\"SYN_SENT\",\"count\":7},"
	"{\"old\":\"CLOSE_WAIT\",\"new\":\"CLOSE\",\"count\":18446744073709551615},"
	"{\"old\":\"LISTEN\",\"new\":\"SYN_RECV\",\"count\":2}],"
	"\"events\":{\"sent\":10,\"lost_overflow\":1,\"lost_nomem\":0,\"lost_rcvbuf\":2,\"unheard\":4}}\n";

static char *render_stats(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
			  bool all)
{
	struct capture cap;

	tcpfsm_print_stats(cap_open(&cap), fmt, st, all);
	return cap_close(&cap);
}

static char *render_state(enum tcpfsm_fmt fmt, const struct tcpfsm_stats *st,
			  unsigned int state)
{
	struct capture cap;

	tcpfsm_print_state(cap_open(&cap), fmt, st, state);
	return cap_close(&cap);
}

TEST(output_stats)
{
	struct tcpfsm_stats st;
	char want[4096];
	char *s;

	sample_stats(&st);
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s%s", sample_states_text, sample_text);
	CHECK_STR(s, want, "output: text: states, non-zero transitions, events");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, true);
	CHECK(starts_with(s, sample_states_text) &&
	      count_lines(s, " -> ") == 121 &&
	      strstr(s, "\nESTABLISHED  -> ESTABLISHED             0\n"
			"ESTABLISHED  -> SYN_SENT                0\n") &&
	      strstr(s, "\nCLOSING      -> CLOSING                 0\n\nevents: ") &&
	      strstr(s, "\nCLOSE_WAIT   -> CLOSE        18446744073709551615\n") &&
	      !strstr(s, "NEW_SYN_RECV ->") && !strstr(s, "-> NEW_SYN_RECV"),
	      "output: text all: the 121 transitions between TCP states, in order");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK_STR(s, sample_json, "output: JSON, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, true);
	CHECK(count_lines(s, "{\"old\":") == 121 &&
	      strstr(s, "\"transitions\":[{\"old\":\"ESTABLISHED\",\"new\":\"ESTABLISHED\",\"count\":0},") &&
	      strstr(s, "{\"old\":\"CLOSING\",\"new\":\"CLOSING\",\"count\":0}],\"events\""),
	      "output: JSON all: 121 transitions");
	free(s);

	memset(st.trans, 0, sizeof(st.trans));
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s\nold             new                 count\n(none)\n\nevents: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2, unheard 4\n",
		 sample_states_text);
	CHECK_STR(s, want, "output: text without transitions");
	free(s);
	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK(s && strstr(s, ",\"transitions\":[],\"events\":{"),
	      "output: JSON without transitions: []");
	free(s);
}

TEST(output_pretty)
{
	struct tcpfsm_stats st;
	char *s;

	memset(&st, 0, sizeof(st));
	set_state(&st, TCPFSM_STATE_ESTABLISHED, 2, 14, 12);
	set_state(&st, TCPFSM_STATE_TIME_WAIT, 6, 0, 0);
	st.trans[TCPFSM_STATE_SYN_SENT][TCPFSM_STATE_ESTABLISHED] = 7;
	st.events_sent = 5;
	st.present = BIT(TCPFSM_A_STATS_EVENTS_SENT);

	s = render_stats(TCPFSM_FMT_JSON_PRETTY, &st, false);
	CHECK_STR(s,
		  "{\n"
		  "    \"states\": [\n"
		  "        {\n"
		  "            \"state\": \"ESTABLISHED\",\n"
		  "            \"current\": 2,\n"
		  "            \"entered\": 14,\n"
		  "            \"left\": 12\n"
		  "        },\n"
		  "        {\n"
		  "            \"state\": \"TIME_WAIT\",\n"
		  "            \"current\": 6\n"
		  "        }\n"
		  "    ],\n"
		  "    \"transitions\": [\n"
		  "        {\n"
		  "            \"old\": \"SYN_SENT\",\n"
		  "            \"new\": \"ESTABLISHED\",\n"
		  "            \"count\": 7\n"
		  "        }\n"
		  "    ],\n"
		  "    \"events\": {\n"
		  "        \"sent\": 5\n"
		  "    }\n"
		  "}\n",
		  "output: JSON, pretty; absent figures and counters omitted");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	CHECK_STR(s,
		  "{\"states\":[{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12},"
		  "{\"state\":\"TIME_WAIT\",\"current\":6}],"
		  "\"transitions\":[{\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"count\":7}],"
		  "\"events\":{\"sent\":5}}\n",
		  "output: the same, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	CHECK(s && strstr(s, "\nevents: sent 5, lost_overflow -, lost_nomem -, lost_rcvbuf -, unheard -\n"),
	      "output: text: absent event counters are -");
	free(s);

	st.present = 0;
	s = render_stats(TCPFSM_FMT_JSON_PRETTY, &st, false);
	CHECK(s && strstr(s, "            \"count\": 7\n        }\n    ]\n}\n"),
	      "output: JSON without any event counter: no events object");
	free(s);
}

TEST(output_state)
{
	struct tcpfsm_stats st;
	char *s;

	sample_stats(&st);
	s = render_state(TCPFSM_FMT_TEXT, &st, TCPFSM_STATE_LAST_ACK);
	CHECK_STR(s, "state             current      entered         left\n"
		     "LAST_ACK               -1            5            6\n",
		  "output: state, text");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_ESTABLISHED);
	CHECK_STR(s, "{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12}\n",
		  "output: state, JSON");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_CLOSE);
	CHECK_STR(s, "{\"state\":\"CLOSE\",\"entered\":14,\"left\":9}\n",
		  "output: state CLOSE, JSON: no current");
	free(s);
	s = render_state(TCPFSM_FMT_JSON_PRETTY, &st, TCPFSM_STATE_TIME_WAIT);
	CHECK_STR(s, "{\n    \"state\": \"TIME_WAIT\",\n    \"current\": 6\n}\n",
		  "output: state TIME_WAIT, pretty JSON: no entered, left");
	free(s);
}

TEST(json_writer)
{
	struct capture cap;
	struct json j;
	char *s;
	int pretty;

	json_init(&j, cap_open(&cap), false);
	json_open(&j, '[');
	json_string(&j, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9");
	json_open(&j, '{');
	json_key(&j, "k\"\n");
	json_string(&j, "");
	json_close(&j, '}');
	json_close(&j, ']');
	json_end(&j);
	s = cap_close(&cap);
	CHECK_STR(s, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f \xc3\xa9\","
		     "{\"k\\\"\\n\":\"\"}]\n",
		  "json: escapes quotes, backslashes and control characters, in keys too");
	free(s);

	for (pretty = 0; pretty <= 1; pretty++) {
		json_init(&j, cap_open(&cap), pretty);
		json_open(&j, '{');
		json_key(&j, "a");
		json_open(&j, '[');
		json_u64(&j, 1);
		json_u64(&j, UINT64_MAX);
		json_close(&j, ']');
		json_key(&j, "b");
		json_open(&j, '{');
		json_close(&j, '}');
		json_key(&j, "c");
		json_open(&j, '[');
		json_close(&j, ']');
		json_key(&j, "d");
		json_s64(&j, INT64_MIN);
		json_close(&j, '}');
		json_end(&j);
		s = cap_close(&cap);
		if (pretty)
			CHECK_STR(s, "{\n"
				     "    \"a\": [\n"
				     "        1,\n"
				     "        18446744073709551615\n"
				     "    ],\n"
				     "    \"b\": {},\n"
				     "    \"c\": [],\n"
				     "    \"d\": -9223372036854775808\n"
				     "}\n",
				  "json: pretty: nesting, empty containers, limits");
		else
			CHECK_STR(s, "{\"a\":[1,18446744073709551615],\"b\":{},\"c\":[],\"d\":-9223372036854775808}\n",
				  "json: compact: nesting, empty containers, limits");
		free(s);
	}
}

/* Netlink replies, built here */

static void put_transition(struct nlmsghdr *nlh, uint8_t old, uint8_t new,
			   uint64_t count)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);

	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, old);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, new);
	mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, count);
	mnl_attr_nest_end(nlh, nest);
}

static void put_state(struct nlmsghdr *nlh, uint8_t state,
		      const struct tcpfsm_state_stats *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);

	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, state);
	if (s->has_current)
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, s->current);
	if (s->has_flow) {
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, s->entered);
		mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT, s->left);
	}
	mnl_attr_nest_end(nlh, nest);
}

enum {
	OMIT_NONE,
	OMIT_TRANSITION,	/* ESTABLISHED -> CLOSE */
	OMIT_STATE,		/* LISTEN */
	OMIT_EVENT,		/* events-lost-rcvbuf */
	WITH_UNKNOWN,		/* attributes and states this command does not know */
};

/* A reply of GET, as the module sends it, of what @st holds */
static struct nlmsghdr *put_stats(char *buf, const struct tcpfsm_stats *st,
				  int variant)
{
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	unsigned int old, new, i;
	struct nlattr *nest;

	for (old = 1; old <= TCPFSM_NR_TRANS_STATES; old++) {
		for (new = 1; new <= TCPFSM_NR_TRANS_STATES; new++) {
			if (variant == OMIT_TRANSITION &&
			    old == TCPFSM_STATE_ESTABLISHED && new == TCPFSM_STATE_CLOSE)
				continue;
			put_transition(nlh, old, new, st->trans[old][new]);
		}
	}
	if (variant == WITH_UNKNOWN) {
		/* a transition to a newer state; a nest with more in it */
		put_transition(nlh, TCPFSM_STATE_CLOSE, TCPFSM_NR_STATES + 1, 99);
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
		mnl_attr_put_u32(nlh, TCPFSM_A_TRANSITION_MAX + 1, 0xdead);
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, TCPFSM_STATE_CLOSING);
		mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, TCPFSM_STATE_CLOSE);
		mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT,
				 st->trans[TCPFSM_STATE_CLOSING][TCPFSM_STATE_CLOSE]);
		mnl_attr_put_u16(nlh, 0, 0);	/* a pad */
		mnl_attr_nest_end(nlh, nest);
		/* unknown top-level attributes, a plain one and a nest */
		mnl_attr_put_u32(nlh, TCPFSM_A_STATS_MAX + 1, 7);
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_MAX + 2);
		mnl_attr_put_u64(nlh, 1, 1234);
		mnl_attr_nest_end(nlh, nest);
	}
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (variant == OMIT_STATE && i == TCPFSM_STATE_LISTEN)
			continue;
		put_state(nlh, i, &st->state[i]);
		if (variant == WITH_UNKNOWN && i == TCPFSM_STATE_CLOSING) {
			/* a newer state; a newer figure */
			nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
			mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE,
					TCPFSM_NR_STATES + 1);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 5);
			mnl_attr_nest_end(nlh, nest);
			nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_MAX + 1, 77);
			mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, i);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT,
					 st->state[i].current);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED,
					 st->state[i].entered);
			mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT,
					 st->state[i].left);
			mnl_attr_nest_end(nlh, nest);
		}
	}
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, st->events_sent);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW,
			 st->events_lost_overflow);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM,
			 st->events_lost_nomem);
	if (variant != OMIT_EVENT)
		mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_RCVBUF,
				 st->events_lost_rcvbuf);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_UNHEARD, st->events_unheard);
	return nlh;
}

/* The figures of @a and @b are the same (and which are not) */
static bool stats_equal(const struct tcpfsm_stats *a, const struct tcpfsm_stats *b)
{
	bool ok = true;
	unsigned int i, j;

	for (i = 0; i <= TCPFSM_NR_STATES; i++) {
		const struct tcpfsm_state_stats *x = &a->state[i], *y = &b->state[i];

		for (j = 0; j <= TCPFSM_NR_STATES; j++) {
			if (a->trans[i][j] != b->trans[i][j]) {
				printf("# trans[%u][%u]: %llu != %llu\n", i, j,
				       (unsigned long long)a->trans[i][j],
				       (unsigned long long)b->trans[i][j]);
				ok = false;
			}
		}
		if (a->trans_seen[i] != b->trans_seen[i]) {
			printf("# trans_seen[%u]: %#x != %#x\n", i,
			       a->trans_seen[i], b->trans_seen[i]);
			ok = false;
		}
		if (x->present != y->present || x->has_current != y->has_current ||
		    x->has_flow != y->has_flow || x->current != y->current ||
		    x->entered != y->entered || x->left != y->left) {
			printf("# state %u differs\n", i);
			ok = false;
		}
	}
	if (a->events_sent != b->events_sent ||
	    a->events_lost_overflow != b->events_lost_overflow ||
	    a->events_lost_nomem != b->events_lost_nomem ||
	    a->events_lost_rcvbuf != b->events_lost_rcvbuf ||
	    a->events_unheard != b->events_unheard ||
	    a->present != b->present) {
		printf("# event counters or present differ\n");
		ok = false;
	}
	return ok;
}

TEST(parse_stats)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats want, got;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	sample_stats(&want);
	want.trans[TCPFSM_STATE_CLOSING][TCPFSM_STATE_CLOSE] = 42;
	want.state[TCPFSM_STATE_SYN_SENT].current = INT64_MIN;

	nlh = put_stats(buf, &want, OMIT_NONE);
	memset(&got, 0, sizeof(got));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && e.kind == TCPFSM_ERR_NONE, "parse: a complete GET reply");
	CHECK(stats_equal(&got, &want), "parse: every figure, as sent");
	CHECK(!tcpfsm_stats_check(&got, &e), "parse: the GET reply is complete");

	nlh = put_stats(buf, &want, WITH_UNKNOWN);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && e.kind == TCPFSM_ERR_NONE,
	      "parse: unknown attributes, figures and states are skipped");
	CHECK(stats_equal(&got, &want) && !tcpfsm_stats_check(&got, &e),
	      "parse: ... and the rest is read as without them");
}

/* tcpfsm_parse_stats() of what put_stats() made of sample_stats() */
static int parse_variant(int variant, struct tcpfsm_stats *got,
			 struct tcpfsm_err *e)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats st;
	int ret;

	sample_stats(&st);
	memset(got, 0, sizeof(*got));
	memset(e, 0, sizeof(*e));
	ret = tcpfsm_parse_stats(put_stats(buf, &st, variant), got, e);
	return ret ? ret : tcpfsm_stats_check(got, e);
}

TEST(parse_missing)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats st, got;
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	ret = parse_variant(OMIT_TRANSITION, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the transition ESTABLISHED -> CLOSE",
		  "missing: a transition");
	ret = parse_variant(OMIT_STATE, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of LISTEN",
		  "missing: a state");
	ret = parse_variant(OMIT_EVENT, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "events-lost-rcvbuf",
		  "missing: an event counter");

	/* a reply of STATE_GET: one state */
	sample_stats(&st);
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	put_state(nlh, TCPFSM_STATE_ESTABLISHED, &st.state[TCPFSM_STATE_ESTABLISHED]);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK(!ret && !tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e) &&
	      got.state[1].present && got.state[1].current == 2 &&
	      got.state[1].entered == 14 && got.state[1].left == 12 &&
	      !got.state[2].present,
	      "parse: a STATE_GET reply");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_SYN_SENT, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
		  "missing: the state asked for");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_stats_check(&got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
		  "missing: a STATE_GET reply is not a GET reply");

	/* figures the family documents for a state */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_ESTABLISHED);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_LEFT, 1);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_LISTEN);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	CHECK(!tcpfsm_parse_stats(nlh, &got, &e), "parse: states lacking figures");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "current of ESTABLISHED",
		  "missing: current of ESTABLISHED");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_LISTEN, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "entered and left of LISTEN",
		  "missing: entered and left of LISTEN");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_LISTEN);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "left of LISTEN",
		  "missing: entered without left");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "state in a state-stats",
		  "missing: a state nest without its state");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 7);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0,
		  "old-state, new-state or count in a transition",
		  "missing: a transition without its count");
}

/* tcpfsm_parse_stats() on a fresh struct */
static int parse_msg(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	static struct tcpfsm_stats got;

	memset(&got, 0, sizeof(got));
	memset(e, 0, sizeof(*e));
	return tcpfsm_parse_stats(nlh, &got, e);
}

TEST(parse_malformed)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *attr;
	uint32_t v32 = 1;
	uint16_t v16 = 1;
	int ret;

	/* a u64 of 4 bytes */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	mnl_attr_put(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM, sizeof(v32), &v32);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute events-lost-nomem of stats",
		  "malformed: a u64 of 4 bytes");

	/* in a nest: a u64 count of 4 bytes, a u8 state of 2 */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	put_transition(nlh, 1, 1, 0);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 2);
	mnl_attr_put(nlh, TCPFSM_A_TRANSITION_COUNT, sizeof(v32), &v32);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute count of transition",
		  "malformed: a u64 of 4 bytes in a nest");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put(nlh, TCPFSM_A_STATE_STATS_STATE, sizeof(v16), &v16);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of state-stats",
		  "malformed: a u8 of 2 bytes in a nest");

	/* a nest that is not one */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put(nlh, TCPFSM_A_STATS_STATE, 2, &v16);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of stats", "malformed: a nest of 2 bytes");

	/* state 0 */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	put_transition(nlh, 0, 1, 5);
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 0 in attribute old-state of transition",
		  "malformed: state 0");

	/* the last attribute runs past the end of the message */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM, 1);
	attr->nla_len += 8;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "attributes of the message",
		  "malformed: an attribute longer than the message");

	/* an attribute runs past the end of its nest */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 2);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, TCPFSM_A_TRANSITION_COUNT, 3);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	attr->nla_len += 8;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "attribute lengths in a transition nest",
		  "malformed: an attribute longer than its nest");

	/* shorter than a generic netlink header */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	ret = parse_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "generic netlink header", "malformed: no generic netlink header");
}

/* A reply of CTRL_CMD_GETFAMILY */
static struct nlmsghdr *put_family(char *buf, uint32_t version, bool with_id)
{
	struct nlmsghdr *nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *grp, *ops;

	if (with_id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPFSM_FAMILY_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, version);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, TCPFSM_A_STATS_MAX);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, TCPFSM_CMD_GET);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, ops);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "eventsx");
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, TCPFSM_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	return nlh;
}

TEST(parse_family)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_family fam;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	uint32_t v32 = 0x1234;
	int ret;

	ret = tcpfsm_parse_family(put_family(buf, 1, true), &fam, &e);
	CHECK(!ret && fam.id == 0x1234 && fam.version == 1 && fam.mcgrp_events == 9,
	      "family: id, version, the events group (among others)");
	CHECK(!tcpfsm_family_check(&fam, &e), "family: version 1 is known");

	ret = tcpfsm_parse_family(put_family(buf, 2, true), &fam, &e);
	CHECK(!ret, "family: version 2 parses");
	ret = tcpfsm_family_check(&fam, &e);
	CHECK(ret == -1 && e.kind == TCPFSM_ERR_VERSION && e.version == 2,
	      "family: version 2 is refused");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(put_family(buf, 1, false), &fam, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "the family id",
		  "family: no id");

	nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put(nlh, CTRL_ATTR_FAMILY_ID, sizeof(v32), &v32);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(nlh, &fam, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute family-id of ctrl", "family: an id of 4 bytes");
}

/* An NLMSG_ERROR answering @req, with an extended ack if @msg */
static struct nlmsghdr *put_error(char *buf, int error, bool capped,
				  const char *msg, const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	size_t reqlen = capped ? sizeof(*req) : req->nlmsg_len;

	memset(buf, 0, MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(err->error) + MNL_ALIGN(reqlen));
	err->error = error;
	memcpy(&err->msg, req, reqlen);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MAX + 1, 1);
	}
	return nlh;
}

TEST(parse_error)
{
	static char buf[MSG_SIZE], reqbuf[MSG_SIZE];
	struct nlmsghdr *req = msg_start(reqbuf, 0x20, TCPFSM_CMD_STATE_GET);
	struct tcpfsm_err e;
	int ret;

	mnl_attr_put_u8(req, TCPFSM_A_STATS_STATE_ID, 13);

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, 0, true, NULL, req), &e);
	CHECK(ret == MNL_CB_STOP && e.kind == TCPFSM_ERR_NONE, "error: an ack stops");

	memset(&e, 0, sizeof(e));
	errno = 0;
	ret = tcpfsm_parse_error(put_error(buf, -EINVAL, true, "out of range", req), &e);
	CHECK(ret == MNL_CB_ERROR && errno == EINVAL && e.kind == TCPFSM_ERR_KERNEL &&
	      e.code == EINVAL && !strcmp(e.ext_msg, "out of range") &&
	      e.has_offs && e.ext_offs == 20,
	      "error: capped, with the kernel's message and offset");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -ERANGE, false, "too big", req), &e);
	CHECK(ret == MNL_CB_ERROR && e.code == ERANGE &&
	      !strcmp(e.ext_msg, "too big") && e.has_offs && e.ext_offs == 20,
	      "error: not capped: the message after the request echoed");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -EPERM, false, NULL, req), &e);
	CHECK(ret == MNL_CB_ERROR && e.code == EPERM && !e.ext_msg[0] && !e.has_offs,
	      "error: without an extended ack");

	memset(&e, 0, sizeof(e));
	put_error(buf, -EPERM, true, NULL, req)->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	ret = tcpfsm_parse_error((struct nlmsghdr *)buf, &e);
	CHECK(ret == MNL_CB_ERROR && e.kind == TCPFSM_ERR_MALFORMED,
	      "error: a truncated error message");
}

TEST(err_print)
{
	static const struct {
		struct tcpfsm_err e;
		const char *want;
	} cases[] = {
		{ { .kind = TCPFSM_ERR_NOFAMILY, .code = ENOENT, .what = "x" },
		  "tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (insmod tcpfsm.ko)\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EPERM, .what = "reading the statistics" },
		  "tcpfsm: reading the statistics needs CAP_NET_ADMIN: Operation not permitted\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EACCES, .what = "reading" },
		  "tcpfsm: reading needs CAP_NET_ADMIN: Permission denied\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EINVAL, .what = "reading a state",
		    .ext_msg = "integer out of range", .has_offs = true, .ext_offs = 20 },
		  "tcpfsm: reading a state: Invalid argument: integer out of range (the attribute at byte 20 of the request)\n" },
		{ { .kind = TCPFSM_ERR_KERNEL, .code = EOPNOTSUPP, .what = "reading a state" },
		  "tcpfsm: reading a state: Operation not supported: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = ENOBUFS, .what = "reading" },
		  "tcpfsm: reading: No buffer space available\n" },
		{ { .kind = TCPFSM_ERR_VERSION, .version = 2 },
		  "tcpfsm: the kernel module has version 2 of the tcpfsm netlink family, this command knows version 1: the kernel module is too new for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_VERSION, .version = 0 },
		  "tcpfsm: the kernel module has version 0 of the tcpfsm netlink family, this command knows version 1: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_MISSING, .what = "reading", .detail = "events-sent" },
		  "tcpfsm: reading: the reply of the kernel lacks events-sent: the kernel module is too old for this tcpfsm command\n" },
		{ { .kind = TCPFSM_ERR_MALFORMED, .code = ERANGE, .what = "reading",
		    .detail = "attribute count of transition" },
		  "tcpfsm: reading: malformed reply from the kernel: attribute count of transition: Numerical result out of range\n" },
		{ { .kind = TCPFSM_ERR_NOGROUP, .what = "monitor" },
		  "tcpfsm: the tcpfsm module is too old: no events group\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EPERM, .what = "monitor",
		    .detail = "the events carry addresses" },
		  "tcpfsm: monitor needs CAP_NET_ADMIN (the events carry addresses)\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = EACCES, .what = "monitor",
		    .detail = "the events carry addresses" },
		  "tcpfsm: monitor needs CAP_NET_ADMIN (the events carry addresses)\n" },
		{ { .kind = TCPFSM_ERR_SYS, .code = ENOBUFS, .what = "receiving the events" },
		  "tcpfsm: receiving the events: No buffer space available\n" },
	};
	struct capture cap;
	unsigned int i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char what[64];

		tcpfsm_err_print(cap_open(&cap), &cases[i].e);
		s = cap_close(&cap);
		snprintf(what, sizeof(what), "error message %u, kind %d, %s", i,
			 cases[i].e.kind, strerror(cases[i].e.code));
		CHECK_STR(s, cases[i].want, what);
		free(s);
	}
}

/* Events, built here */

/* An AF_INET event with every attribute */
static void sample_event4(struct tcpfsm_event *ev)
{
	static const uint8_t saddr[4] = { 127, 0, 0, 1 }, daddr[4] = { 10, 1, 2, 3 };

	memset(ev, 0, sizeof(*ev));
	ev->family = AF_INET;
	memcpy(ev->saddr, saddr, sizeof(saddr));
	memcpy(ev->daddr, daddr, sizeof(daddr));
	ev->sport = 43210;
	ev->dport = 8080;
	ev->old_state = TCPFSM_STATE_SYN_SENT;
	ev->new_state = TCPFSM_STATE_ESTABLISHED;
	ev->time_ns = 1234567890123ULL;
	ev->cookie = 4097;
	ev->ino = 123456;
	ev->uid = 1000;
	ev->source = 3;
	ev->seq = 17;
	ev->old_state_ns = 52345678;
	ev->present = BIT(TCPFSM_A_EVENT_FAMILY) | BIT(TCPFSM_A_EVENT_SADDR4) |
		      BIT(TCPFSM_A_EVENT_DADDR4) | BIT(TCPFSM_A_EVENT_SPORT) |
		      BIT(TCPFSM_A_EVENT_DPORT) | BIT(TCPFSM_A_EVENT_OLD_STATE) |
		      BIT(TCPFSM_A_EVENT_NEW_STATE) | BIT(TCPFSM_A_EVENT_TIMESTAMP) |
		      BIT(TCPFSM_A_EVENT_COOKIE) | BIT(TCPFSM_A_EVENT_INO) |
		      BIT(TCPFSM_A_EVENT_UID) | BIT(TCPFSM_A_EVENT_SOURCE) |
		      BIT(TCPFSM_A_EVENT_SEQ) | BIT(TCPFSM_A_EVENT_OLD_STATE_NS);
}

/* An AF_INET6 event without the optional attributes */
static void sample_event6(struct tcpfsm_event *ev)
{
	static const uint8_t daddr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	memset(ev, 0, sizeof(*ev));
	ev->family = AF_INET6;
	ev->saddr[15] = 1;			/* ::1 */
	memcpy(ev->daddr, daddr, sizeof(daddr));	/* 2001:db8::1 */
	ev->sport = 8080;
	ev->dport = 51000;
	ev->old_state = TCPFSM_STATE_ESTABLISHED;
	ev->new_state = TCPFSM_STATE_CLOSE_WAIT;
	ev->time_ns = 5000001;
	ev->source = 0;
	ev->seq = 1;
	ev->present = BIT(TCPFSM_A_EVENT_FAMILY) | BIT(TCPFSM_A_EVENT_SADDR6) |
		      BIT(TCPFSM_A_EVENT_DADDR6) | BIT(TCPFSM_A_EVENT_SPORT) |
		      BIT(TCPFSM_A_EVENT_DPORT) | BIT(TCPFSM_A_EVENT_OLD_STATE) |
		      BIT(TCPFSM_A_EVENT_NEW_STATE) | BIT(TCPFSM_A_EVENT_TIMESTAMP) |
		      BIT(TCPFSM_A_EVENT_SOURCE) | BIT(TCPFSM_A_EVENT_SEQ);
}

static const char event4_text[] =
	"1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n";
static const char event4_json[] =
	"{\"time_ns\":1234567890123,\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":43210,"
	"\"daddr\":\"10.1.2.3\",\"dport\":8080,\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\","
	"\"old_state_ns\":52345678,\"cookie\":4097,\"ino\":123456,\"uid\":1000,\"source\":3,\"seq\":17}\n";
static const char event6_text[] =
	"0.005000 ipv6 [::1]:8080 [2001:db8::1]:51000 ESTABLISHED -> CLOSE_WAIT -\n";
static const char event6_json[] =
	"{\"time_ns\":5000001,\"family\":\"ipv6\",\"saddr\":\"::1\",\"sport\":8080,"
	"\"daddr\":\"2001:db8::1\",\"dport\":51000,\"old\":\"ESTABLISHED\",\"new\":\"CLOSE_WAIT\","
	"\"source\":0,\"seq\":1}\n";

/* A u64 attribute; after a pad attribute, as the kernel may align it */
static void put_event_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v,
			  bool pads)
{
	if (pads)
		mnl_attr_put(nlh, TCPFSM_A_EVENT_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

/*
 * A TCPFSM_CMD_TRANSITION_NTF of the attributes of @ev in ev->present, as
 * the module sends it; with @pads, pads before the u64 attributes and an
 * unknown attribute first and last.
 */
static struct nlmsghdr *put_event(char *buf, const struct tcpfsm_event *ev,
				  bool pads)
{
	struct nlmsghdr *nlh = msg_start(buf, 0x20, TCPFSM_CMD_TRANSITION_NTF);
	uint32_t a4;

#define EV_HAS(a)	(ev->present & BIT(TCPFSM_A_EVENT_##a))
	if (pads)
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_MAX + 1, 0xdead);
	if (EV_HAS(FAMILY))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_FAMILY, ev->family);
	if (EV_HAS(SADDR4)) {
		memcpy(&a4, ev->saddr, sizeof(a4));
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SADDR4, a4);
	}
	if (EV_HAS(DADDR4)) {
		memcpy(&a4, ev->daddr, sizeof(a4));
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_DADDR4, a4);
	}
	if (EV_HAS(SADDR6))
		mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 16, ev->saddr);
	if (EV_HAS(DADDR6))
		mnl_attr_put(nlh, TCPFSM_A_EVENT_DADDR6, 16, ev->daddr);
	if (EV_HAS(SPORT))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_SPORT, htons(ev->sport));
	if (EV_HAS(DPORT))
		mnl_attr_put_u16(nlh, TCPFSM_A_EVENT_DPORT, htons(ev->dport));
	if (EV_HAS(OLD_STATE))
		mnl_attr_put_u8(nlh, TCPFSM_A_EVENT_OLD_STATE, ev->old_state);
	if (EV_HAS(NEW_STATE))
		mnl_attr_put_u8(nlh, TCPFSM_A_EVENT_NEW_STATE, ev->new_state);
	if (EV_HAS(TIMESTAMP))
		put_event_u64(nlh, TCPFSM_A_EVENT_TIMESTAMP, ev->time_ns, pads);
	if (EV_HAS(COOKIE))
		put_event_u64(nlh, TCPFSM_A_EVENT_COOKIE, ev->cookie, pads);
	if (EV_HAS(INO))
		put_event_u64(nlh, TCPFSM_A_EVENT_INO, ev->ino, pads);
	if (EV_HAS(UID))
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_UID, ev->uid);
	if (EV_HAS(SOURCE))
		mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SOURCE, ev->source);
	if (EV_HAS(SEQ))
		put_event_u64(nlh, TCPFSM_A_EVENT_SEQ, ev->seq, pads);
	if (EV_HAS(OLD_STATE_NS))
		put_event_u64(nlh, TCPFSM_A_EVENT_OLD_STATE_NS, ev->old_state_ns,
			      pads);
	if (pads) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, TCPFSM_A_EVENT_MAX + 2);

		mnl_attr_put_u64(nlh, 1, 1);
		mnl_attr_nest_end(nlh, nest);
	}
#undef EV_HAS
	return nlh;
}

static bool events_equal(const struct tcpfsm_event *a, const struct tcpfsm_event *b)
{
	bool ok = a->family == b->family && !memcmp(a->saddr, b->saddr, 16) &&
		  !memcmp(a->daddr, b->daddr, 16) && a->sport == b->sport &&
		  a->dport == b->dport && a->old_state == b->old_state &&
		  a->new_state == b->new_state && a->time_ns == b->time_ns &&
		  a->cookie == b->cookie && a->ino == b->ino && a->uid == b->uid &&
		  a->source == b->source && a->seq == b->seq &&
		  a->old_state_ns == b->old_state_ns && a->present == b->present;

	if (!ok)
		printf("# family %u/%u, ports %u:%u/%u:%u, states %u>%u/%u>%u, time %llu/%llu, cookie %llu/%llu, ino %llu/%llu, uid %u/%u, source %u/%u, seq %llu/%llu, present %#x/%#x\n",
		       a->family, b->family, a->sport, a->dport, b->sport,
		       b->dport, a->old_state, a->new_state, b->old_state,
		       b->new_state, (unsigned long long)a->time_ns,
		       (unsigned long long)b->time_ns,
		       (unsigned long long)a->cookie,
		       (unsigned long long)b->cookie, (unsigned long long)a->ino,
		       (unsigned long long)b->ino, a->uid, b->uid, a->source,
		       b->source, (unsigned long long)a->seq,
		       (unsigned long long)b->seq, a->present, b->present);
	return ok;
}

/* tcpfsm_parse_event() of @nlh, into @got, which must be @want */
static void check_event_parses(struct __test_metadata *_metadata,
		const struct nlmsghdr *nlh,
		const struct tcpfsm_event *want, const char *what)
{
	struct tcpfsm_event got;
	struct tcpfsm_err e = { 0 };
	int ret;

	memset(&got, 0xa5, sizeof(got));	/* it must set it all */
	ret = tcpfsm_parse_event(nlh, &got, &e);
	if (!CHECK(!ret && e.kind == TCPFSM_ERR_NONE && events_equal(&got, want),
		   "event: %s", what))
		printf("# ret %d, kind %d, detail \"%s\"\n", ret, e.kind, e.detail);
}

static int parse_event_msg(const struct nlmsghdr *nlh, struct tcpfsm_err *e)
{
	struct tcpfsm_event ev;

	memset(e, 0, sizeof(*e));
	return tcpfsm_parse_event(nlh, &ev, e);
}

TEST(parse_event)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_event ev;
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	uint32_t v32 = 1;
	uint8_t addr[32] = { 0 };
	int ret;

	sample_event4(&ev);
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev,
			   "IPv4, every attribute, ports and addresses in network order");
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv4, with pads and unknown attributes skipped");
	ev.present &= ~(BIT(TCPFSM_A_EVENT_COOKIE) | BIT(TCPFSM_A_EVENT_INO) |
			BIT(TCPFSM_A_EVENT_UID));
	ev.cookie = ev.ino = ev.uid = 0;
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev,
			   "IPv4, without cookie, ino, uid");
	sample_event6(&ev);
	check_event_parses(_metadata, put_event(buf, &ev, false), &ev, "IPv6, no optional attribute");
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv6, with pads and unknown attributes skipped");
	ev.present |= BIT(TCPFSM_A_EVENT_UID);
	ev.uid = UINT32_MAX;
	ev.seq = UINT64_MAX;
	ev.source = 4095;
	ev.old_state = TCPFSM_STATE_LISTEN;
	ev.new_state = TCPFSM_STATE_NEW_SYN_RECV;
	check_event_parses(_metadata, put_event(buf, &ev, true), &ev,
			   "IPv6, with uid only, limits, NEW_SYN_RECV");

	/* attributes of the wrong size */
	sample_event6(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SADDR6);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 15, addr);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute saddr6 of event",
		  "event: an IPv6 address of 15 bytes");
	ev.present &= ~BIT(TCPFSM_A_EVENT_DADDR6);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SADDR6, 16, addr);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_DADDR6, 17, addr);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute daddr6 of event",
		  "event: an IPv6 address of 17 bytes");

	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);
	nlh = put_event(buf, &ev, true);
	mnl_attr_put(nlh, TCPFSM_A_EVENT_SEQ, sizeof(v32), &v32);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute seq of event",
		  "event: a u64 seq of 4 bytes");

	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SPORT);
	nlh = put_event(buf, &ev, false);
	mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_SPORT, 80);
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE, "attribute sport of event",
		  "event: a u16 port of 4 bytes");

	/* the last attribute runs past the end of the message */
	sample_event4(&ev);
	nlh = put_event(buf, &ev, false);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, TCPFSM_A_EVENT_MAX + 1, 1);
	attr->nla_len += 8;
	ret = parse_event_msg(nlh, &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG, "attributes of the message",
		  "event: an attribute longer than the message");

	/* values out of range */
	sample_event4(&ev);
	ev.family = AF_UNIX;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EAFNOSUPPORT, "family 1 of an event",
		  "event: family AF_UNIX");
	sample_event4(&ev);
	ev.old_state = 0;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 0 in attribute old-state of event", "event: old state 0");
	sample_event4(&ev);
	ev.new_state = TCPFSM_NR_STATES + 1;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 13 in attribute new-state of event", "event: new state 13");

	/* missing attributes */
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "seq in an event", "event: no seq");
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_TIMESTAMP);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "timestamp in an event",
		  "event: no timestamp");
	sample_event4(&ev);
	ev.present &= ~BIT(TCPFSM_A_EVENT_DADDR4);
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "daddr4 in an event",
		  "event: IPv4 without daddr4");
	/* an AF_INET event with IPv6 addresses */
	sample_event6(&ev);
	ev.family = AF_INET;
	ret = parse_event_msg(put_event(buf, &ev, false), &e);
	CHECK_ERR(ret, &e, TCPFSM_ERR_MISSING, 0, "saddr4 in an event",
		  "event: AF_INET with saddr6 and daddr6");
}

/* The output of the monitor, in memory */
struct mon {
	struct tcpfsm_monitor m;
	struct capture out, err;
};

static void mon_start(struct mon *t, enum tcpfsm_fmt fmt,
		      const struct tcpfsm_filter *filter)
{
	cap_open(&t->out);
	cap_open(&t->err);
	tcpfsm_monitor_init(&t->m, t->out.f, t->err.f, fmt, filter);
}

/* Ends it; its stdout and stderr in *out and *err, to free() */
static void mon_end(struct mon *t, char **out, char **err)
{
	*out = cap_close(&t->out);
	*err = cap_close(&t->err);
	tcpfsm_monitor_free(&t->m);
}

/* A datagram of several messages */
struct dgram {
	char buf[4 * MSG_SIZE];
	size_t len;
};

static void dgram_add(struct dgram *d, const struct nlmsghdr *nlh)
{
	memcpy(d->buf + d->len, nlh, nlh->nlmsg_len);
	d->len += MNL_ALIGN(nlh->nlmsg_len);
}

static int stop_cb(const struct tcpfsm_event *ev, const struct tcpfsm_err *e,
		   void *data)
{
	unsigned int *calls = data;

	(void)ev;
	(void)e;
	(*calls)++;
	errno = ENOMEM;
	return -1;
}

TEST(parse_events)
{
	static char buf[MSG_SIZE];
	static struct dgram d;
	struct tcpfsm_filter none = { 0 };
	struct tcpfsm_event ev4, ev6, ev;
	struct tcpfsm_err e = { 0 };
	char want[1024], *out, *err;
	unsigned int calls = 0;
	struct mon t;
	int ret;

	sample_event4(&ev4);
	sample_event6(&ev6);
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev4, true));
	ev = ev4;
	put_event(buf, &ev, false)->nlmsg_type = 0x21;	/* another family's */
	dgram_add(&d, (struct nlmsghdr *)buf);
	dgram_add(&d, msg_start(buf, 0x20, TCPFSM_CMD_GET));	/* another command */
	ev.present &= ~BIT(TCPFSM_A_EVENT_SEQ);			/* malformed */
	dgram_add(&d, put_event(buf, &ev, false));
	dgram_add(&d, put_event(buf, &ev6, false));
	ev = ev4;
	ev.seq = 20;
	dgram_add(&d, put_event(buf, &ev, false));

	mon_start(&t, TCPFSM_FMT_TEXT, &none);
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, tcpfsm_monitor_cb, &t.m, &e);
	CHECK(!ret && t.m.received == 3 && t.m.shown == 3 && t.m.malformed == 1 &&
	      t.m.seqs.lost == 2,
	      "events: a datagram of 6 messages: 3 events, 2 skipped, 1 malformed, 2 lost");
	mon_end(&t, &out, &err);
	snprintf(want, sizeof(want), "%s%sLOST 2 events (source 3)\n%s",
		 event4_text, event6_text,
		 "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n");
	CHECK_STR(out, want, "events: each in order, the loss before the event after the gap");
	CHECK_STR(err, "tcpfsm: reading an event: the reply of the kernel lacks seq in an event: the kernel module is too old for this tcpfsm command\n",
		  "events: the malformed one is said, and the others read");
	free(out);
	free(err);

	/* a message longer than what is left of the datagram */
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev6, false));
	dgram_add(&d, put_event(buf, &ev4, false));
	d.len -= 8;
	mon_start(&t, TCPFSM_FMT_JSON, &none);
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, tcpfsm_monitor_cb, &t.m, &e);
	CHECK(!ret && t.m.received == 1 && t.m.malformed == 1,
	      "events: a truncated last message");
	mon_end(&t, &out, &err);
	CHECK_STR(out, event6_json, "events: the event before it is shown");
	CHECK_STR(err, "tcpfsm: reading an event: malformed reply from the kernel: a message longer than its datagram: Bad message\n",
		  "events: the truncated message is said");
	free(out);
	free(err);

	/* the callback stops */
	d.len = 0;
	dgram_add(&d, put_event(buf, &ev6, false));
	dgram_add(&d, put_event(buf, &ev4, false));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_events(d.buf, d.len, 0x20, stop_cb, &calls, &e);
	CHECK(ret == -1 && calls == 1 && e.kind == TCPFSM_ERR_SYS && e.code == ENOMEM,
	      "events: a callback that fails stops the datagram");
}

TEST(seqs)
{
	static const struct {
		uint32_t source;
		uint64_t seq, lost;
	} steps[] = {
		{ 0, 1, 0 },		/* baseline */
		{ 7, 10, 0 },		/* baseline of another source */
		{ 0, 2, 0 },
		{ 0, 5, 2 },
		{ 7, 11, 0 },
		{ 7, 15, 3 },
		{ 3, 100, 0 },		/* between 0 and 7 */
		{ 0, 6, 0 },
		{ 3, 101, 0 },
		{ 0, 100, 93 },
		{ 7, 16, 0 },
		{ 7, 1, 0 },		/* restarted: a new baseline */
		{ 7, 3, 1 },
		{ UINT32_MAX, UINT64_MAX - 1, 0 },
		{ UINT32_MAX, UINT64_MAX, 0 },
	};
	struct tcpfsm_seqs s = { 0 };
	uint64_t lost, total = 0;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (tcpfsm_seqs_account(&s, steps[i].source, steps[i].seq, &lost) ||
		    lost != steps[i].lost) {
			printf("# step %u: source %u seq %llu: lost %llu, expected %llu\n",
			       i, steps[i].source, (unsigned long long)steps[i].seq,
			       (unsigned long long)lost,
			       (unsigned long long)steps[i].lost);
			ok = false;
		}
		total += steps[i].lost;
	}
	CHECK(ok && s.lost == total && total == 99 && s.n == 4,
	      "seq: gaps per source, the first of each a baseline: %llu lost",
	      (unsigned long long)s.lost);
	tcpfsm_seqs_free(&s);

	/* many sources, in an order that inserts everywhere */
	ok = true;
	for (i = 0; i < 1000; i++)
		ok &= !tcpfsm_seqs_account(&s, (i * 389) % 1000, 1, &lost) && !lost;
	for (i = 0; i < 1000; i++)
		ok &= !tcpfsm_seqs_account(&s, 999 - i, 2 + i % 3, &lost) &&
		      lost == i % 3;
	CHECK(ok && s.n == 1000 && s.lost == 999,
	      "seq: 1000 sources, each its own sequence");
	tcpfsm_seqs_free(&s);
}

TEST(filter)
{
	struct tcpfsm_filter f;
	struct tcpfsm_event ev4, ev6;

	sample_event4(&ev4);	/* 43210 -> 8080, SYN_SENT -> ESTABLISHED */
	sample_event6(&ev6);	/* 8080 -> 51000, ESTABLISHED -> CLOSE_WAIT */

	memset(&f, 0, sizeof(f));
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: none: every event");
	f.family = AF_INET;
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: -4");
	f.family = AF_INET6;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: -6");

	memset(&f, 0, sizeof(f));
	f.ports = TCPFSM_FILTER_SPORT;
	f.sport = 8080;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: sport is the local port only");
	f.ports = TCPFSM_FILTER_DPORT;
	f.dport = 8080;
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: dport is the remote port only");
	f.ports = TCPFSM_FILTER_PORT;
	f.port = 8080;
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: port is either");
	f.port = 80;
	CHECK(!tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: port of neither");
	f.port = 0;
	CHECK(!tcpfsm_filter_match(&f, &ev4), "filter: port 0 is a port, not any");

	memset(&f, 0, sizeof(f));
	f.states = BIT(TCPFSM_STATE_ESTABLISHED);
	CHECK(tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: state: the new state of one, the old of the other");
	f.states = BIT(TCPFSM_STATE_SYN_SENT);
	CHECK(tcpfsm_filter_match(&f, &ev4) && !tcpfsm_filter_match(&f, &ev6),
	      "filter: state SYN_SENT");
	f.states = BIT(TCPFSM_STATE_LISTEN) | BIT(TCPFSM_STATE_CLOSE_WAIT);
	CHECK(!tcpfsm_filter_match(&f, &ev4) && tcpfsm_filter_match(&f, &ev6),
	      "filter: states repeated: any of them");

	/* all of them */
	f.family = AF_INET6;
	f.ports = TCPFSM_FILTER_SPORT | TCPFSM_FILTER_DPORT | TCPFSM_FILTER_PORT;
	f.sport = 8080;
	f.dport = 51000;
	f.port = 51000;
	CHECK(tcpfsm_filter_match(&f, &ev6), "filter: all, passed");
	f.dport = 51001;
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all, one failed");
	f.dport = 51000;
	f.states = BIT(TCPFSM_STATE_LISTEN);
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all but the state");
	f.states = 0;
	f.family = AF_INET;
	CHECK(!tcpfsm_filter_match(&f, &ev6), "filter: all but the family");
}

TEST(output_event)
{
	struct tcpfsm_event ev;
	struct capture cap;
	char *s;

	sample_event4(&ev);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_text, "output: an IPv4 event, text");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_json, "output: an IPv4 event, JSON");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON_PRETTY, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event4_json, "output: an event, JSON: one line even with -p");
	free(s);

	sample_event6(&ev);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event6_text, "output: an IPv6 event without the optional attributes, text");
	free(s);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_JSON, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, event6_json, "output: an IPv6 event without the optional attributes, JSON");
	free(s);

	ev.present |= BIT(TCPFSM_A_EVENT_COOKIE);
	ev.cookie = UINT64_MAX;
	ev.time_ns = 999999999;
	memset(ev.saddr, 0xff, 16);
	tcpfsm_print_event(cap_open(&cap), TCPFSM_FMT_TEXT, &ev);
	s = cap_close(&cap);
	CHECK_STR(s, "0.999999 ipv6 [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:8080 [2001:db8::1]:51000 ESTABLISHED -> CLOSE_WAIT - cookie 18446744073709551615\n",
		  "output: an event with a cookie only, the longest address");
	free(s);

	tcpfsm_print_lost(cap_open(&cap), TCPFSM_FMT_JSON, 5, 2);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"lost\":5,\"source\":2}\n", "output: a loss, JSON");
	free(s);
	tcpfsm_print_lost(cap_open(&cap), TCPFSM_FMT_TEXT, UINT64_MAX, 4095);
	s = cap_close(&cap);
	CHECK_STR(s, "LOST 18446744073709551615 events (source 4095)\n",
		  "output: a loss, text");
	free(s);

	tcpfsm_print_overflow(cap_open(&cap), TCPFSM_FMT_TEXT, 1);
	s = cap_close(&cap);
	CHECK_STR(s, "lost events: socket buffer overflow\n", "output: an overflow, text");
	free(s);
	tcpfsm_print_overflow(cap_open(&cap), TCPFSM_FMT_JSON, 3);
	s = cap_close(&cap);
	CHECK_STR(s, "{\"lost\":null,\"overflows\":3}\n", "output: an overflow, JSON");
	free(s);

	tcpfsm_print_monitor_summary(cap_open(&cap), 12, 3, 0);
	s = cap_close(&cap);
	CHECK_STR(s, "# 12 events, 3 lost\n", "output: the summary of the monitor");
	free(s);
	tcpfsm_print_monitor_summary(cap_open(&cap), 0, 0, 2);
	s = cap_close(&cap);
	CHECK_STR(s, "# 0 events, 0 lost, 2 socket buffer overflows\n",
		  "output: the summary, with overflows");
	free(s);
}

/* The monitor: filtered-out events count for the gaps */
TEST(monitor)
{
	struct tcpfsm_filter f = { .ports = TCPFSM_FILTER_PORT, .port = 8080 };
	struct tcpfsm_event ev;
	char *out, *err;
	struct mon t;
	int fmt;

	for (fmt = TCPFSM_FMT_TEXT; fmt <= TCPFSM_FMT_JSON; fmt++) {
		mon_start(&t, fmt, &f);
		sample_event4(&ev);			/* shown */
		ev.seq = 1;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.dport = 22;				/* hidden */
		ev.seq = 2;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.seq = 4;				/* hidden, 1 lost */
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.dport = 8080;			/* shown, 2 lost */
		ev.seq = 7;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		ev.source = 1;				/* baseline */
		ev.seq = 50;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		tcpfsm_monitor_overflow(&t.m);
		ev.source = 3;
		ev.seq = 8;
		tcpfsm_monitor_cb(&ev, NULL, &t.m);
		CHECK(t.m.received == 6 && t.m.shown == 4 && t.m.seqs.lost == 3 &&
		      t.m.overflows == 1 && !t.m.malformed,
		      "monitor: %s: 6 events, 4 shown, 3 lost", fmt ? "JSON" : "text");
		mon_end(&t, &out, &err);
		if (fmt == TCPFSM_FMT_TEXT)
			CHECK_STR(out,
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "LOST 1 events (source 3)\n"
				  "LOST 2 events (source 3)\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n"
				  "lost events: socket buffer overflow\n"
				  "1234.567890 ipv4 127.0.0.1:43210 10.1.2.3:8080 SYN_SENT -> ESTABLISHED 52.345ms ino 123456 uid 1000 cookie 4097\n",
				  "monitor: text: the gaps of the events filtered out too");
		else
			CHECK(out && starts_with(out, "{\"time_ns\":1234567890123,") &&
			      strstr(out, "\"seq\":1}\n{\"lost\":1,\"source\":3}\n"
					  "{\"lost\":2,\"source\":3}\n{\"time_ns\":") &&
			      strstr(out, "\"seq\":7}\n{\"time_ns\":") &&
			      strstr(out, "\"source\":1,\"seq\":50}\n{\"lost\":null,\"overflows\":1}\n{\"time_ns\":") &&
			      count_lines(out, "\n") == 7 && count_lines(out, "\"seq\":") == 4,
			      "monitor: JSON: one object a line, the losses as objects");
		if (!CHECK(err && !err[0], "monitor: %s: nothing on stderr",
			   fmt ? "JSON" : "text"))
			diag("stderr", err);
		free(out);
		free(err);
	}
}

/* The plumbing, against the running kernel's family nlctrl */
TEST(kernel)
{
	socklen_t optlen = sizeof(int);
	struct tcpfsm_family fam;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	unsigned int calls;
	int rcvbuf[2] = { 0 };
	char name[64];
	int ret;

	if (!CHECK(!tcpfsm_nl_socket(&nl, &e), "kernel: a generic netlink socket")) {
		tcpfsm_err_print(stdout, &e);
		return;
	}
	ret = tcpfsm_nl_resolve(&nl, "nlctrl", &fam, &e);
	CHECK(!ret && fam.id == GENL_ID_CTRL && fam.version >= 1 &&
	      !fam.mcgrp_events,
	      "kernel: nlctrl resolves: id %#x, version %u; no group \"events\"",
	      fam.id, fam.version);

	ret = tcpfsm_nl_resolve(&nl, "tcpfsm-nonesuch", &fam, &e);
	CHECK(ret == -1 && e.kind == TCPFSM_ERR_NOFAMILY && e.code == ENOENT,
	      "kernel: an unknown family is TCPFSM_ERR_NOFAMILY");

	/* longer than GENL_NAMSIZ: the policy of nlctrl refuses it */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	ret = tcpfsm_nl_resolve(&nl, name, &fam, &e);
	if (!CHECK(ret == -1 && e.kind == TCPFSM_ERR_KERNEL && e.code &&
		   e.ext_msg[0] && e.has_offs &&
		   e.ext_offs == MNL_NLMSG_HDRLEN + GENL_HDRLEN,
		   "kernel: an error has the kernel's message and offset"))
		tcpfsm_err_print(stdout, &e);

	/* the socket still works after an error */
	ret = tcpfsm_nl_resolve(&nl, "nlctrl", &fam, &e);
	CHECK(!ret && fam.id == GENL_ID_CTRL, "kernel: and goes on after it");

	/* nlctrl has no group "events"; its group "notify" has the id GENL_ID_CTRL */
	nl.family = fam;
	ret = tcpfsm_nl_join_events(&nl, &e);
	CHECK(ret == -1 && e.kind == TCPFSM_ERR_NOGROUP,
	      "kernel: joining a family without an events group: TCPFSM_ERR_NOGROUP");
	if (!getsockopt(mnl_socket_get_fd(nl.sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf[0],
			&optlen)) {
		nl.family.mcgrp_events = GENL_ID_CTRL;
		ret = tcpfsm_nl_join_events(&nl, &e);
		if (!CHECK(!ret, "kernel: joining the group notify of nlctrl"))
			tcpfsm_err_print(stdout, &e);
		getsockopt(mnl_socket_get_fd(nl.sk), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf[1], &optlen);
		CHECK(rcvbuf[1] > rcvbuf[0],
		      "kernel: ... with a bigger receive buffer: %d, was %d",
		      rcvbuf[1], rcvbuf[0]);
		/* nothing to read: the error, not an event */
		fcntl(mnl_socket_get_fd(nl.sk), F_SETFL, O_NONBLOCK);
		calls = 0;
		ret = tcpfsm_nl_recv_events(&nl, stop_cb, &calls, &e);
		CHECK(ret == -1 && e.kind == TCPFSM_ERR_SYS && e.code == EAGAIN &&
		      !calls, "kernel: receiving on an empty socket: EAGAIN");
	}
	tcpfsm_nl_close(&nl);

	ret = tcpfsm_nl_open(&nl, &e);
	if (access("/sys/module/tcpfsm", F_OK)) {
		CHECK(ret == -1 && e.kind == TCPFSM_ERR_NOFAMILY,
		      "kernel: without the module, tcpfsm_nl_open() says so");
	} else {
		CHECK(!ret && nl.family.id && nl.family.mcgrp_events,
		      "kernel: with the module, tcpfsm_nl_open() finds its family and group");
		if (!ret)
			tcpfsm_nl_close(&nl);
	}
}

/* The command itself */

struct run {
	int status;		/* exit status, or -1 */
	int signal;		/* the signal that killed it, or 0 */
	char *out, *err;
};

static char *slurp(FILE *f)
{
	struct capture cap;
	int c;

	cap_open(&cap);
	rewind(f);
	while ((c = fgetc(f)) != EOF)
		fputc(c, cap.f);
	fclose(f);
	return cap_close(&cap);
}

/* @bin with the NULL-terminated arguments; stdout to @out_path if given */
static struct run run_cmd(const char *bin, const char *out_path, const char *arg, ...)
{
	const char *argv[16] = { bin };
	FILE *out = tmpfile(), *err = tmpfile();
	struct run r = { .status = -1 };
	int argc = 1, status;
	va_list ap;
	pid_t pid;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = arg;
	va_end(ap);
	if (!out || !err) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = out_path ? open(out_path, O_WRONLY) : fileno(out);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fileno(err), 2) < 0)
			_exit(126);
		execv(bin, (char **)argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		if (WIFEXITED(status))
			r.status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			r.signal = WTERMSIG(status);
	}
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void check_run(struct __test_metadata *_metadata,
		struct run *r, int status, const char *out_prefix,
		const char *err_prefix, const char *what)
{
	bool ok = r->status == status &&
		  (out_prefix ? starts_with(r->out, out_prefix) : !r->out[0]) &&
		  (err_prefix ? starts_with(r->err, err_prefix) : !r->err[0]);

	if (!CHECK(ok, "command: %s", what)) {
		if (r->signal)
			printf("# killed by signal %d (%s), expected exit status %d\n",
			       r->signal, strsignal(r->signal), status);
		else
			printf("# exit status %d, expected %d\n", r->status,
			       status);
		diag("stdout", r->out);
		diag("stderr", r->err);
	}
	free(r->out);
	free(r->err);
}

/* The command to run: $TCPFSM_CMD */
FIXTURE(command) {
	const char *bin;
};

FIXTURE_SETUP(command)
{
	self->bin = getenv("TCPFSM_CMD");
	if (!self->bin || !self->bin[0])
		SKIP(return, "TCPFSM_CMD is not set: the path of the command to test");
}

FIXTURE_TEARDOWN(command)
{
}

TEST_F(command, help)
{
	const char *bin = self->bin;
	struct run r;

	r = run_cmd(bin, NULL, "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n", NULL,
		  "help: usage on stdout, exit 0");
	r = run_cmd(bin, NULL, "stats", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] stats [all]\n", NULL,
		  "stats help");
	r = run_cmd(bin, NULL, "-j", "state", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] state NAME\n", NULL,
		  "-j state --help");
	r = run_cmd(bin, NULL, "-V", NULL);
	check_run(_metadata, &r, 0, "tcpfsm " TCPFSM_VERSION ", for version 1", NULL, "-V");
}

TEST_F(command, lines)
{
	const char *bin = self->bin;
	struct run r;

	r = run_cmd(bin, NULL, NULL);
	check_run(_metadata, &r, 1, NULL, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n",
		  "no command: usage on stderr, exit 1");
	r = run_cmd(bin, NULL, "foo", NULL);
	check_run(_metadata, &r, 1, NULL,
		  "Command \"foo\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown command: stderr, exit 1");
	r = run_cmd(bin, NULL, "--bogus", "stats", NULL);
	check_run(_metadata, &r, 1, NULL,
		  "Option \"--bogus\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown option: stderr, exit 1");
	r = run_cmd(bin, NULL, "stats", "bogus", NULL);
	check_run(_metadata, &r, 1, NULL,
		  "tcpfsm: stats: unknown argument \"bogus\"\nUsage: tcpfsm [-j [-p]] stats",
		  "bad argument: the command's usage on stderr, exit 1");
	r = run_cmd(bin, NULL, "state", "FIN-WAIT-3", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: unknown state \"FIN-WAIT-3\"\nvalid states: ESTABLISHED ",
		  "unknown state: exit 1");
	r = run_cmd(bin, NULL, "monitor", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j] monitor [FILTERS]\n", NULL,
		  "monitor help");
	r = run_cmd(bin, NULL, "-j", "monitor", "-4", "port", "80", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j] monitor [FILTERS]\n", NULL,
		  "-j monitor -4 port 80 --help");
	r = run_cmd(bin, NULL, "monitor", "sport", "http", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: monitor: sport: invalid port \"http\" (0-65535)\n",
		  "monitor sport http: exit 1");
	r = run_cmd(bin, NULL, "monitor", "dport", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: monitor: dport: PORT is missing\nUsage: tcpfsm [-j] monitor",
		  "monitor dport: exit 1, with the usage");
	r = run_cmd(bin, NULL, "hist", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] hist [STATE...]\n", NULL, "hist help");
	r = run_cmd(bin, NULL, "closewait", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]\n",
		  NULL, "closewait --help");
	r = run_cmd(bin, NULL, "top", "-h", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] top [limit N]\n", NULL, "top -h");
	r = run_cmd(bin, NULL, "closewait", "--older-than", "1.5h", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: closewait: --older-than: invalid duration \"1.5h\"",
		  "closewait --older-than 1.5h: exit 1");
	r = run_cmd(bin, NULL, "top", "limit", "0", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: top: limit: invalid number \"0\" (1-1000)\n",
		  "top limit 0: exit 1");
	r = run_cmd(bin, NULL, "hist", "LISTEN", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: hist: LISTEN has no time in state",
		  "hist LISTEN: exit 1");
	r = run_cmd(bin, NULL, "-o", "prometheus", "top", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: top: -o prometheus is for stats only\n",
		  "-o prometheus top: exit 1");
	r = run_cmd(bin, "/dev/full", "help", NULL);
	check_run(_metadata, &r, 1, NULL, "tcpfsm: writing the output: No space left on device\n",
		  "a write error is an error");

}

TEST_F(command, module)
{
	static const char nofamily[] =
		"tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (insmod tcpfsm.ko)\n";
	const char *bin = self->bin;
	struct run r;

	if (access("/sys/module/tcpfsm", F_OK)) {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "stats without the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "-j state estab without the module");
		r = run_cmd(bin, NULL, "monitor", "state", "LISTEN", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "monitor without the module");
		r = run_cmd(bin, NULL, "stats", "-o", "prometheus", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "stats -o prometheus without the module");
		r = run_cmd(bin, NULL, "hist", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "hist without the module");
		r = run_cmd(bin, NULL, "closewait", "--older-than", "5m", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "closewait without the module");
		r = run_cmd(bin, NULL, "-j", "top", NULL);
		check_run(_metadata, &r, 1, NULL, nofamily, "top without the module");
	} else {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(_metadata, &r, 0, "state             current      entered         left\n",
			  NULL, "stats with the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(_metadata, &r, 0, "{\"state\":\"ESTABLISHED\",\"current\":", NULL,
			  "-j state estab with the module");
	}
}

TEST_HARNESS_MAIN
