// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cli.c: the command line, the usage, the monitor's filters,
 * durations.
 *
 *	cli [-l] [-t TEST]...
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "monitor.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"

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
		       struct parsed p, const char *first_line,
		       const char *what)
{
	size_t n = strlen(first_line);
	bool ok = p.ret == -1 && !strncmp(p.err, first_line, n) &&
		  p.err[n] == '\n';

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d, expected -1, and the first line:\n# %s\n",
		       p.ret, first_line);
		diag("stderr", p.err);
	}
	free(p.err);
}

TEST(commands)
{
	const struct cli_command *stats = cli_lookup("stats");

	CHECK(stats && stats->id == CLI_CMD_STATS && cli_lookup("show") == stats,
	      "cli: stats, and show its alias");
	CHECK(cli_lookup("state") && cli_lookup("state")->id == CLI_CMD_STATE &&
	      cli_lookup("help") && cli_lookup("help")->id == CLI_CMD_HELP,
	      "cli: state and help");
	CHECK(cli_lookup("diagram") &&
	      cli_lookup("diagram")->id == CLI_CMD_DIAGRAM,
	      "cli: diagram");
	CHECK(!cli_lookup("stat") && !cli_lookup("statss") && !cli_lookup("") &&
	      !cli_lookup("STATS") && !cli_lookup("monitors") &&
	      !cli_lookup("mon"),
	      "cli: no prefixes, no other case, no unknown command");
}

TEST(options)
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
	parsed_err(_metadata, p, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]", "no command: usage");
	p = parse("foo", NULL);
	parsed_err(_metadata, p, "Command \"foo\" is unknown, try \"tcpfsm help\".",
		   "unknown command");
	p = parse("-j", "stat", NULL);
	parsed_err(_metadata, p, "Command \"stat\" is unknown, try \"tcpfsm help\".",
		   "no prefix matching");
	p = parse("-x", "stats", NULL);
	parsed_err(_metadata, p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option");
	p = parse("--json", "-jx", "stats", NULL);
	parsed_err(_metadata, p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option in a cluster");
	p = parse("--bogus", "stats", NULL);
	parsed_err(_metadata, p, "Option \"--bogus\" is unknown, try \"tcpfsm help\".",
		   "unknown long option");
	p = parse("--json=yes", "stats", NULL);
	parsed_err(_metadata, p, "Option \"--json=yes\" is unknown, try \"tcpfsm help\".",
		   "long option with an argument");
	p = parse("stats", "bogus", NULL);
	parsed_err(_metadata, p, "tcpfsm: stats: unknown argument \"bogus\"",
		   "stats bogus");
	p = parse("stats", "-j", NULL);
	parsed_err(_metadata, p, "tcpfsm: stats: unknown argument \"-j\" (options go before the command)",
		   "option after the command");
	p = parse("state", NULL);
	parsed_err(_metadata, p, "tcpfsm: state: NAME is missing", "state without NAME");
	p = parse("state", "ESTAB", "LISTEN", NULL);
	parsed_err(_metadata, p, "tcpfsm: state: unknown argument \"LISTEN\"",
		   "state with two names");
	p = parse("help", "bogus", NULL);
	parsed_err(_metadata, p, "Command \"bogus\" is unknown, try \"tcpfsm help\".",
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

TEST(help)
{
	struct capture cap;
	char *s;

	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n") &&
	      strstr(s, "\n  stats [all] [nohist] [-A]\n") && strstr(s, "(alias show)") &&
	      strstr(s, "\n  state NAME  ") && strstr(s, "\n  help [COMMAND]  ") &&
	      strstr(s, "-j, --json") && strstr(s, "-p, --pretty") &&
	      strstr(s, "-h, --help") && strstr(s, "-V, --version") &&
	      strstr(s, "-t, --timestamp") && strstr(s, "-n, --netns NETNS") &&
	      strstr(s, "-A, --all-netns") && strstr(s, "--rcvbuf SIZE"),
	      "usage: tcpfsm's lists every command and option");
	free(s);

	cli_usage(cap_open(&cap), cli_lookup("show"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j [-p]] stats [all] [nohist] [-A]\n"
			     "       tcpfsm [-j [-p]] show [all] [nohist] [-A]\n\n"),
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

TEST(filters)
{
	struct parsed p;
	struct capture cap;
	char *s;

	CHECK(cli_lookup("monitor") && cli_lookup("monitor")->id == CLI_CMD_MONITOR,
	      "cli: monitor");

	p = parse("monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor");
	CHECK(!p.a.json && !p.a.full && filter_is(&p.a.filter, 0, 0, 0, 0, 0, 0),
	      "cli: monitor: text, no filter, timewait and request events too");

	p = parse("monitor", "port", "80", "full", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor port 80 full");
	CHECK(p.a.full &&
	      filter_is(&p.a.filter, 0, TCPFSM_FILTER_PORT, 0, 0, 80, 0),
	      "cli: monitor: full, the kernel's transitions only, among filters");

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
	parsed_err(_metadata, p, "tcpfsm: monitor: sport: PORT is missing", "monitor sport");
	p = parse("monitor", "state", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: state: NAME is missing", "monitor state");
	p = parse("monitor", "-4", "family", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: family: inet or inet6 is missing",
		   "monitor -4 family");
	p = parse("monitor", "port", "65536", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: port: invalid port \"65536\" (0-65535)",
		   "monitor port 65536");
	p = parse("monitor", "dport", "-1", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: dport: invalid port \"-1\" (0-65535)",
		   "monitor dport -1");
	p = parse("monitor", "sport", "80x", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: sport: invalid port \"80x\" (0-65535)",
		   "monitor sport 80x");
	p = parse("monitor", "sport", "", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: sport: invalid port \"\" (0-65535)",
		   "monitor sport \"\"");
	p = parse("monitor", "sport", "99999999999999999999999", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: sport: invalid port \"99999999999999999999999\" (0-65535)",
		   "monitor sport of 23 digits");
	p = parse("monitor", "sport", "1", "sport", "2", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: sport given twice", "monitor sport twice");
	p = parse("monitor", "family", "ipx", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: family: invalid family \"ipx\" (inet or inet6)",
		   "monitor family ipx");
	p = parse("monitor", "-4", "-6", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: the inet and inet6 filters exclude each other",
		   "monitor -4 -6");
	p = parse("monitor", "family", "inet6", "-4", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: the inet and inet6 filters exclude each other",
		   "monitor family inet6 -4");
	p = parse("monitor", "state", "estab", "state", "FIN-WAIT-3", NULL);
	parsed_err(_metadata, p, "tcpfsm: unknown state \"FIN-WAIT-3\"", "monitor state FIN-WAIT-3");
	p = parse("monitor", "bogus", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: unknown argument \"bogus\"", "monitor bogus");
	p = parse("monitor", "80", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: unknown argument \"80\"", "monitor 80");
	p = parse("monitor", "-j", NULL);
	parsed_err(_metadata, p, "tcpfsm: monitor: unknown argument \"-j\" (options go before the command)",
		   "monitor -j");

	cli_usage(cap_open(&cap), cli_lookup("monitor"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]\n\n") &&
	      strstr(s, "-4, -6, family inet|inet6") && strstr(s, "sport PORT") &&
	      strstr(s, "dport PORT") && strstr(s, "port PORT") &&
	      strstr(s, "state NAME"),
	      "usage: of monitor, with its filters");
	free(s);
	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n  monitor [full] [FILTERS]\n                     the transitions as they happen\n"),
	      "usage: tcpfsm's lists monitor");
	free(s);
}

TEST(duration)
{
	static const struct {
		const char *s;
		uint64_t ns;
	} good[] = {
		{ "500ms", 500000000ULL }, { "30s", 30000000000ULL },
		{ "5m", 300000000000ULL }, { "2h", 7200000000000ULL },
		{ "1d", 86400000000000ULL }, { "45", 45000000000ULL },
		{ "0", 0 }, { "0ms", 0 }, { "007s", 7000000000ULL },
		{ "18446744073s", 18446744073000000000ULL },
		{ "18446744073709ms", 18446744073709000000ULL },
	};
	static const char *const bad[] = {
		"", "s", "ms", "5x", "1.5s", "-1", "+1", " 1", "1 ", "5 s",
		"5S", "1w", "1sm", "5mss", "0x10", "1e3",
	};
	static const char *const huge[] = {
		"18446744074s", "18446744073710ms", "213504d", "5124095577h",
		"99999999999999999999", "99999999999999999999ms",
	};
	unsigned int i;
	uint64_t ns;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ns = 1;
		if (cli_parse_duration(good[i].s, &ns) || ns != good[i].ns) {
			printf("# \"%s\": %llu\n", good[i].s, (unsigned long long)ns);
			ok = false;
		}
	}
	CHECK(ok, "duration: ms, s, m, h, d, plain seconds, the largest");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		if (cli_parse_duration(bad[i], &ns) != -1 || errno != EINVAL) {
			printf("# \"%s\" parses, or errno %d\n", bad[i], errno);
			ok = false;
		}
	}
	CHECK(ok, "duration: bad ones are EINVAL");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		errno = 0;
		if (cli_parse_duration(huge[i], &ns) != -1 || errno != ERANGE) {
			printf("# \"%s\" parses, or errno %d\n", huge[i], errno);
			ok = false;
		}
	}
	CHECK(ok, "duration: beyond 2^64 ns is ERANGE");
}

/* 0, the command, nothing on stderr; @cond about the rest */
static void ok_parse(struct __test_metadata *_metadata,
		     struct parsed p, const char *cmd, bool cond,
		     const char *what)
{
	bool ok = !p.ret && p.a.cmd && !strcmp(p.a.cmd->name, cmd) &&
		  !p.err[0] && cond;

	if (!CHECK(ok, "cli: %s", what)) {
		printf("# ret %d\n", p.ret);
		diag("stderr", p.err);
	}
	free(p.err);
}

/* -1, and stderr starts with @first_line */
TEST(hist_closewait_top)
{
	struct parsed p;

	p = parse("hist", NULL);
	ok_parse(_metadata, p, "hist", !p.a.states && !p.a.json, "hist: every state");
	p = parse("-jp", "hist", "estab", "CLOSE-WAIT", "syn_sent", NULL);
	ok_parse(_metadata, p, "hist", p.a.json && p.a.pretty &&
		 p.a.states == (BIT(TCPFSM_STATE_ESTABLISHED) |
				BIT(TCPFSM_STATE_CLOSE_WAIT) |
				BIT(TCPFSM_STATE_SYN_SENT)),
		 "-jp hist estab CLOSE-WAIT syn_sent");
	p = parse("hist", "LISTEN", NULL);
	parsed_err(_metadata, p, "tcpfsm: hist: LISTEN has no time in state; the states that have one: ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE_WAIT LAST_ACK CLOSING NEW_SYN_RECV",
		  "hist LISTEN");
	p = parse("hist", "time-wait", NULL);
	ok_parse(_metadata, p, "hist", p.a.states == BIT(TCPFSM_STATE_TIME_WAIT),
		 "hist time-wait: the timewait sockets'");
	p = parse("hist", "handshake", "NEW_SYN_RECV", NULL);
	ok_parse(_metadata, p, "hist", p.a.states == BIT(TCPFSM_STATE_NEW_SYN_RECV),
		 "hist handshake NEW_SYN_RECV: the request sockets'");
	p = parse("hist", "bogus", NULL);
	parsed_err(_metadata, p, "tcpfsm: unknown state \"bogus\"", "hist bogus");
	p = parse("hist", "-j", NULL);
	parsed_err(_metadata, p, "tcpfsm: hist: unknown argument \"-j\" (options go before the command)",
		  "hist -j");

	p = parse("closewait", NULL);
	ok_parse(_metadata, p, "closewait", !p.a.has_min_age, "closewait: all");
	p = parse("closewait", "--older-than", "5m", NULL);
	ok_parse(_metadata, p, "closewait", p.a.has_min_age &&
		 p.a.min_age_ns == 300000000000ULL, "closewait --older-than 5m");
	p = parse("-j", "closewait", "--older-than=500ms", NULL);
	ok_parse(_metadata, p, "closewait", p.a.json && p.a.has_min_age &&
		 p.a.min_age_ns == 500000000ULL,
		 "-j closewait --older-than=500ms");
	p = parse("closewait", "older-than", "30", NULL);
	ok_parse(_metadata, p, "closewait", p.a.has_min_age &&
		 p.a.min_age_ns == 30000000000ULL, "closewait older-than 30");
	p = parse("closewait", "--older-than", "5x", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: --older-than: invalid duration \"5x\" (a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d; seconds without one)",
		  "closewait --older-than 5x");
	p = parse("closewait", "--older-than=", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: --older-than: invalid duration \"\" (a whole number and a unit, ms, s, m, h or d: 500ms, 30s, 5m, 2h, 1d; seconds without one)",
		  "closewait --older-than=");
	p = parse("closewait", "--older-than", "300000d", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: --older-than: duration \"300000d\" too long (at most 584 years)",
		  "closewait --older-than 300000d");
	p = parse("closewait", "--older-than", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: --older-than: DURATION is missing",
		  "closewait --older-than without DURATION");
	p = parse("closewait", "--older-than", "1s", "older-than", "2s", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: --older-than given twice",
		  "closewait --older-than twice");
	p = parse("closewait", "--older", "1s", NULL);
	parsed_err(_metadata, p, "tcpfsm: closewait: unknown argument \"--older\" (options go before the command)",
		  "closewait --older");

	p = parse("top", NULL);
	ok_parse(_metadata, p, "top", p.a.limit == CLI_TOP_LIMIT, "top: limit 10");
	p = parse("-j", "top", "limit", "1000", NULL);
	ok_parse(_metadata, p, "top", p.a.json && p.a.limit == 1000, "-j top limit 1000");
	p = parse("top", "limit", "0", NULL);
	parsed_err(_metadata, p, "tcpfsm: top: limit: invalid number \"0\" (1-1000)", "top limit 0");
	p = parse("top", "limit", "1001", NULL);
	parsed_err(_metadata, p, "tcpfsm: top: limit: invalid number \"1001\" (1-1000)",
		  "top limit 1001");
	p = parse("top", "limit", "-5", NULL);
	parsed_err(_metadata, p, "tcpfsm: top: limit: invalid number \"-5\" (1-1000)", "top limit -5");
	p = parse("top", "limit", NULL);
	parsed_err(_metadata, p, "tcpfsm: top: limit: N is missing", "top limit");
	p = parse("top", "5", NULL);
	parsed_err(_metadata, p, "tcpfsm: top: unknown argument \"5\"", "top 5");

	p = parse("-o", "prometheus", "stats", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus && !p.a.json, "-o prometheus stats");
	p = parse("stats", "-o", "prometheus", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus, "stats -o prometheus");
	p = parse("stats", "all", "--output", "prometheus", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus && p.a.all,
		 "stats all --output prometheus");
	p = parse("--output=prometheus", "show", NULL);
	ok_parse(_metadata, p, "stats", p.a.prometheus, "--output=prometheus show");
	p = parse("stats", "--output=json", NULL);
	ok_parse(_metadata, p, "stats", p.a.json && !p.a.prometheus, "stats --output=json is -j");
	p = parse("-j", "-o", "text", "stats", NULL);
	ok_parse(_metadata, p, "stats", !p.a.json && !p.a.prometheus, "-j -o text: text");
	p = parse("-o", "prometheus", "-j", "stats", NULL);
	ok_parse(_metadata, p, "stats", p.a.json, "-o prometheus -j: the last one wins");
	p = parse("-o", "xml", "stats", NULL);
	parsed_err(_metadata, p, "tcpfsm: -o: unknown output format \"xml\" (text, json or prometheus)",
		  "-o xml");
	p = parse("stats", "-o", NULL);
	parsed_err(_metadata, p, "tcpfsm: stats: -o: FORMAT is missing", "stats -o");
	p = parse("-o", NULL);
	parsed_err(_metadata, p, "Option \"-o\" needs a FORMAT: text, json or prometheus.", "-o alone");
	p = parse("-o", "prometheus", "hist", NULL);
	parsed_err(_metadata, p, "tcpfsm: hist: -o prometheus is for stats only",
		  "-o prometheus hist");
	p = parse("-o", "prometheus", "help", "stats", NULL);
	CHECK(!p.ret && p.a.action == CLI_HELP, "cli: -o prometheus help stats");
	free(p.err);
}

TEST(help_hist_closewait_top)
{
	struct capture cap;
	char *s;

	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	CHECK(s && strstr(s, "\n  hist [STATE...]    how long sockets stay in each state\n") &&
	      strstr(s, "\n  closewait [--older-than DURATION]\n"
			"                     the sockets in CLOSE_WAIT, oldest first\n") &&
	      strstr(s, "\n  top [limit N]      TIME_WAIT pressure") &&
	      strstr(s, "-o, --output FORMAT"),
	      "usage: hist, closewait (on two lines), top, -o");
	free(s);
	cli_usage(cap_open(&cap), cli_lookup("closewait"));
	s = cap_close(&cap);
	CHECK(starts_with(s, "Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]\n\n") &&
	      strstr(s, "CAP_NET_ADMIN"), "usage: of closewait");
	free(s);
}

/* -t, --timestamp: the monitor's wall-clock time; for monitor only */
TEST(timestamp)
{
	struct parsed p;

	p = parse("-t", "monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-t monitor");
	CHECK(p.a.timestamp && !p.a.json, "cli: -t monitor: timestamps, text");
	p = parse("-j", "--timestamp", "monitor", "-4", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-j --timestamp monitor -4");
	CHECK(p.a.timestamp && p.a.json && p.a.filter.family == AF_INET,
	      "cli: -j --timestamp monitor -4");
	p = parse("-jt", "monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-jt monitor");
	CHECK(p.a.timestamp && p.a.json, "cli: -jt monitor");
	p = parse("monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor");
	CHECK(!p.a.timestamp, "cli: monitor: no timestamps by default");
	p = parse("-t", "monitor", "help", NULL);
	parsed_ok(_metadata, &p, CLI_HELP, "monitor", "-t monitor help");
	parsed_err(_metadata, parse("-t", "stats", NULL),
		   "tcpfsm: stats: -t is for monitor only", "-t stats");
	parsed_err(_metadata, parse("--timestamp", "closewait", NULL),
		   "tcpfsm: closewait: -t is for monitor only", "--timestamp closewait");
	parsed_err(_metadata, parse("monitor", "-t", NULL),
		   "tcpfsm: monitor: unknown argument \"-t\" (options go before the command)",
		   "monitor -t: options go before the command");
}

/* --rcvbuf SIZE: the monitor's socket buffer; for monitor only */
TEST(rcvbuf)
{
	static const struct {
		const char *arg;
		unsigned int bytes;	/* 0: refused */
	} sizes[] = {
		{ "65536", 65536 }, { "64K", 65536 }, { "16M", 16U << 20 },
		{ "1G", 1U << 30 }, { "1073741824", 1U << 30 },
		{ "65535", 0 }, { "63K", 0 }, { "1025M", 0 }, { "2G", 0 },
		{ "0", 0 }, { "-1M", 0 }, { "8X", 0 }, { "8m", 0 }, { "M", 0 },
		{ "", 0 }, { "99999999999999999999", 0 }, { "17179869184K", 0 },
	};
	struct parsed p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = parse("--rcvbuf", sizes[i].arg, "monitor", NULL);
		if (sizes[i].bytes) {
			parsed_ok(_metadata, &p, CLI_RUN, "monitor", sizes[i].arg);
			CHECK(p.a.rcvbuf == sizes[i].bytes, "cli: --rcvbuf %s",
			      sizes[i].arg);
		} else {
			CHECK(p.ret < 0 &&
			      starts_with(p.err, "tcpfsm: --rcvbuf: invalid size \"") &&
			      strstr(p.err, "\" (64K to 1G: bytes, or with K, M or G)\n"),
			      "cli: --rcvbuf %s refused", sizes[i].arg);
			free(p.err);
		}
	}
	p = parse("-j", "--rcvbuf=32M", "monitor", "full", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "-j --rcvbuf=32M monitor full");
	CHECK(p.a.rcvbuf == 32U << 20 && p.a.full && p.a.json,
	      "cli: --rcvbuf=32M with -j and full");
	p = parse("monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "monitor");
	CHECK(!p.a.rcvbuf, "cli: monitor: the default buffer");
	parsed_err(_metadata, parse("--rcvbuf", "8M", "stats", NULL),
		   "tcpfsm: stats: --rcvbuf is for monitor only", "--rcvbuf stats");
	parsed_err(_metadata, parse("--rcvbuf", NULL),
		   "Option \"--rcvbuf\" needs a SIZE: bytes, or with K, M or G.",
		   "--rcvbuf without a size");
	parsed_err(_metadata, parse("-r", "8M", "monitor", NULL),
		   "Option \"-r\" is unknown, try \"tcpfsm help\".",
		   "-r is not --rcvbuf");
	parsed_err(_metadata, parse("monitor", "--rcvbuf", "8M", NULL),
		   "tcpfsm: monitor: unknown argument \"--rcvbuf\" (options go before the command)",
		   "monitor --rcvbuf: options go before the command");
}

/* stats nohist, --no-histograms */
TEST(nohist)
{
	struct parsed p;

	p = parse("-o", "prometheus", "stats", "nohist", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-o prometheus stats nohist");
	CHECK(p.a.prometheus && p.a.nohist && !p.a.all, "cli: stats nohist");
	p = parse("stats", "--no-histograms", "all", "-o", "prometheus", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "stats --no-histograms all -o prometheus");
	CHECK(p.a.prometheus && p.a.nohist && p.a.all, "cli: stats --no-histograms all");
	p = parse("-o", "prometheus", "show", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-o prometheus show");
	CHECK(!p.a.nohist, "cli: the histograms by default");
	parsed_err(_metadata, parse("state", "estab", "nohist", NULL),
		   "tcpfsm: state: unknown argument \"nohist\"", "state estab nohist");
}

/* -n NETNS, --netns NETNS: a name, for every command */
TEST(netns)
{
	struct parsed p;

	p = parse("-n", "blue", "stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-n blue stats");
	CHECK(p.a.netns && !strcmp(p.a.netns, "blue"), "cli: -n blue");
	p = parse("--netns=pod-1", "-j", "monitor", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "monitor", "--netns=pod-1 -j monitor");
	CHECK(p.a.netns && !strcmp(p.a.netns, "pod-1") && p.a.json,
	      "cli: --netns=pod-1");
	p = parse("-jnred", "top", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "top", "-jnred top");
	CHECK(p.a.netns && !strcmp(p.a.netns, "red"), "cli: -jnred");
	p = parse("stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "stats");
	CHECK(!p.a.netns, "cli: no -n: the caller's namespace");
	parsed_err(_metadata, parse("stats", "-n", "blue", NULL),
		   "tcpfsm: stats: unknown argument \"-n\" (options go before the command)",
		   "stats -n blue: options go before the command");
	parsed_err(_metadata, parse("-n", NULL),
		   "Option \"-n\" needs a NETNS: a name of ip netns list.", "-n alone");
	parsed_err(_metadata, parse("--netns", NULL),
		   "Option \"--netns\" needs a NETNS: a name of ip netns list.", "--netns alone");
	parsed_err(_metadata, parse("-n", "", "stats", NULL),
		   "tcpfsm: -n: invalid network namespace name \"\" (a name of ip netns list)",
		   "-n ''");
	parsed_err(_metadata, parse("-n", "/run/netns/blue", "stats", NULL),
		   "tcpfsm: -n: invalid network namespace name \"/run/netns/blue\" (a name of ip netns list)",
		   "-n a path");
	parsed_err(_metadata, parse("-n", "..", "stats", NULL),
		   "tcpfsm: -n: invalid network namespace name \"..\" (a name of ip netns list)",
		   "-n ..");
}

/* -A, --all-netns: stats only, before or after it, not with -n */
TEST(all_netns)
{
	struct parsed p;

	p = parse("-A", "stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-A stats");
	CHECK(p.a.all_netns && !p.a.netns, "cli: -A stats");
	p = parse("-j", "--all-netns", "show", "all", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-j --all-netns show all");
	CHECK(p.a.all_netns && p.a.json && p.a.all, "cli: -j --all-netns show all");
	p = parse("stats", "--all-netns", "-o", "prometheus", "nohist", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "stats --all-netns -o prometheus nohist");
	CHECK(p.a.all_netns && p.a.prometheus && p.a.nohist,
	      "cli: stats --all-netns -o prometheus nohist");
	p = parse("-jA", "stats", "-A", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "-jA stats -A");
	CHECK(p.a.all_netns && p.a.json, "cli: -jA stats -A");
	p = parse("stats", NULL);
	parsed_ok(_metadata, &p, CLI_RUN, "stats", "stats");
	CHECK(!p.a.all_netns, "cli: no -A: the caller's namespace only");
	parsed_err(_metadata, parse("-A", "state", "estab", NULL),
		   "tcpfsm: state: -A is for stats only", "-A state estab");
	parsed_err(_metadata, parse("--all-netns", "top", NULL),
		   "tcpfsm: top: -A is for stats only", "--all-netns top");
	parsed_err(_metadata, parse("-A", "-n", "blue", "stats", NULL),
		   "tcpfsm: -A shows every network namespace: not with -n",
		   "-A -n blue stats");
	parsed_err(_metadata, parse("state", "estab", "-A", NULL),
		   "tcpfsm: state: unknown argument \"-A\" (options go before the command)",
		   "state estab -A");
	p = parse("-A", "help", "stats", NULL);
	CHECK(p.ret == 0 && p.a.action == CLI_HELP, "cli: -A help stats: the usage");
	free(p.err);
}

TEST_HARNESS_MAIN
