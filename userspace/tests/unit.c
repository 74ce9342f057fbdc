// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the tcpfsm command; the tcpfsm module is not needed.
 *
 *	unit [PATH/TO/tcpfsm]
 *
 * State names, the command line, the text and JSON output, the parsers of
 * netlink replies (fed messages built here with libmnl) and the printing of
 * errors; then the netlink plumbing against the running kernel's own
 * family nlctrl; then, given the path of the command, its exit status and
 * output for a few command lines. Prints "ok N - ..." or "not ok N - ..."
 * per test, "# " lines to say why, and last "N passed, N failed". Exits 1
 * if a test failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cli.h"
#include "nl.h"
#include "output.h"
#include "states.h"
#include "util.h"

static unsigned int passed, failed;

__attribute__((format(printf, 2, 3)))
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

/* Each line of @s after "# " */
static void diag(const char *label, const char *s)
{
	const char *nl;

	printf("# %s:\n", label);
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl) {
			printf("#   %s\\ (no newline)\n", s);
			return;
		}
		printf("#   %.*s\n", (int)(nl - s), s);
	}
}

static bool check_str(const char *got, const char *want, const char *what)
{
	bool ok = got && !strcmp(got, want);

	if (!check(ok, "%s", what)) {
		diag("expected", want);
		diag("got", got ? got : "(nothing)");
	}
	return ok;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/* What is written to a FILE, in memory */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		perror("open_memstream");
		exit(2);
	}
	return c->f;
}

/* The text; free() it */
static char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* States */

static void test_states(void)
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

	check(!strcmp(tcpfsm_state_name(1), "ESTABLISHED") &&
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
	check(ok, "states: every name parses as its number");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		int got = tcpfsm_state_parse(good[i].s);

		if (got != good[i].state) {
			printf("# \"%s\": %d, expected %d\n", good[i].s, got,
			       good[i].state);
			ok = false;
		}
	}
	check(ok, "states: any case, ss spellings, TCP_ prefix, numbers");

	ok = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int got = tcpfsm_state_parse(bad[i]);

		if (got != -1) {
			printf("# \"%s\" parses as %d\n", bad[i], got);
			ok = false;
		}
	}
	check(ok, "states: bad names and numbers are refused");

	ok = true;
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		bool cur = i != TCPFSM_STATE_CLOSE;
		bool flow = i != TCPFSM_STATE_TIME_WAIT &&
			    i != TCPFSM_STATE_NEW_SYN_RECV;

		ok &= tcpfsm_state_has_current(i) == cur &&
		      tcpfsm_state_has_flow(i) == flow;
	}
	check(ok, "states: no current for CLOSE, no flow for TIME_WAIT and NEW_SYN_RECV");
}

/* Command line */

struct parsed {
	int ret;
	struct cli_args a;
	char *err;
};

/* cli_parse() of "tcpfsm" and the NULL-terminated arguments */
static struct parsed parse(const char *arg, ...)
{
	char *argv[16] = { "tcpfsm" };
	struct capture cap;
	struct parsed p;
	va_list ap;
	int argc = 1;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	memset(&p.a, 0x5a, sizeof(p.a));	/* cli_parse must set it all */
	p.ret = cli_parse(&p.a, argc, argv, cap_open(&cap));
	p.err = cap_close(&cap);
	return p;
}

static bool parsed_ok(struct parsed *p, enum cli_action action,
		      const char *cmd, const char *what)
{
	bool ok = !p->ret && p->a.action == action && !p->err[0] &&
		  (cmd ? p->a.cmd && !strcmp(p->a.cmd->name, cmd) : !p->a.cmd);

	if (!check(ok, "cli: %s", what)) {
		printf("# ret %d, action %d, cmd %s\n", p->ret, p->a.action,
		       p->a.cmd ? p->a.cmd->name : "NULL");
		diag("stderr", p->err);
	}
	free(p->err);
	return ok;
}

/* An error: -1, and stderr starts with @first_line (a whole line) */
static void parsed_err(struct parsed *p, const char *first_line,
		       const char *what)
{
	size_t n = strlen(first_line);
	bool ok = p->ret == -1 && !strncmp(p->err, first_line, n) &&
		  p->err[n] == '\n';

	if (!check(ok, "cli: %s", what)) {
		printf("# ret %d, expected -1, and the first line:\n# %s\n",
		       p->ret, first_line);
		diag("stderr", p->err);
	}
	free(p->err);
}

static void test_cli_lookup(void)
{
	const struct cli_command *stats = cli_lookup("stats");

	check(stats && stats->id == CLI_CMD_STATS && cli_lookup("show") == stats,
	      "cli: stats, and show its alias");
	check(cli_lookup("state") && cli_lookup("state")->id == CLI_CMD_STATE &&
	      cli_lookup("help") && cli_lookup("help")->id == CLI_CMD_HELP,
	      "cli: state and help");
	check(!cli_lookup("stat") && !cli_lookup("statss") && !cli_lookup("") &&
	      !cli_lookup("STATS") && !cli_lookup("monitor"),
	      "cli: no prefixes, no other case, no unknown command");
}

static void test_cli_parse(void)
{
	struct parsed p;

	p = parse("stats", NULL);
	parsed_ok(&p, CLI_RUN, "stats", "stats");
	check(!p.a.json && !p.a.pretty && !p.a.all, "cli: stats: text, not all");

	p = parse("-j", "show", "all", NULL);
	parsed_ok(&p, CLI_RUN, "stats", "-j show all");
	check(p.a.json && !p.a.pretty && p.a.all, "cli: -j show all: JSON, all");

	p = parse("-jp", "stats", NULL);
	parsed_ok(&p, CLI_RUN, "stats", "-jp stats");
	check(p.a.json && p.a.pretty, "cli: -jp: pretty JSON");

	p = parse("-p", "stats", NULL);
	parsed_ok(&p, CLI_RUN, "stats", "-p stats");
	check(!p.a.json && p.a.pretty, "cli: -p alone does not imply -j");

	p = parse("--json", "--pretty", "state", "TIME-WAIT", NULL);
	parsed_ok(&p, CLI_RUN, "state", "--json --pretty state TIME-WAIT");
	check(p.a.json && p.a.pretty && p.a.state == TCPFSM_STATE_TIME_WAIT,
	      "cli: state TIME-WAIT is 6, with long options");

	p = parse("state", "estab", NULL);
	parsed_ok(&p, CLI_RUN, "state", "state estab");
	check(p.a.state == TCPFSM_STATE_ESTABLISHED, "cli: state estab is 1");

	p = parse("--", "state", "12", NULL);
	parsed_ok(&p, CLI_RUN, "state", "-- state 12");
	check(p.a.state == TCPFSM_STATE_NEW_SYN_RECV, "cli: state 12");

	p = parse("stats", "help", NULL);
	parsed_ok(&p, CLI_HELP, "stats", "stats help: usage of stats");
	p = parse("stats", "--help", NULL);
	parsed_ok(&p, CLI_HELP, "stats", "stats --help");
	p = parse("show", "all", "-h", NULL);
	parsed_ok(&p, CLI_HELP, "stats", "show all -h");
	p = parse("state", "help", NULL);
	parsed_ok(&p, CLI_HELP, "state", "state help");
	p = parse("state", "bogus", "--help", NULL);
	parsed_ok(&p, CLI_HELP, "state", "state bogus --help: help first");
	p = parse("help", NULL);
	parsed_ok(&p, CLI_HELP, NULL, "help: usage of tcpfsm");
	p = parse("help", "show", NULL);
	parsed_ok(&p, CLI_HELP, "stats", "help show: usage of stats");
	p = parse("help", "help", NULL);
	parsed_ok(&p, CLI_HELP, "help", "help help");
	p = parse("-h", NULL);
	parsed_ok(&p, CLI_HELP, NULL, "-h");
	p = parse("--help", "stats", NULL);
	parsed_ok(&p, CLI_HELP, NULL, "--help stats: usage of tcpfsm");
	p = parse("-V", NULL);
	parsed_ok(&p, CLI_VERSION, NULL, "-V");
	p = parse("-j", "--version", NULL);
	parsed_ok(&p, CLI_VERSION, NULL, "-j --version");

	p = parse(NULL);
	parsed_err(&p, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]", "no command: usage");
	p = parse("foo", NULL);
	parsed_err(&p, "Command \"foo\" is unknown, try \"tcpfsm help\".",
		   "unknown command");
	p = parse("-j", "stat", NULL);
	parsed_err(&p, "Command \"stat\" is unknown, try \"tcpfsm help\".",
		   "no prefix matching");
	p = parse("-x", "stats", NULL);
	parsed_err(&p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option");
	p = parse("--json", "-jx", "stats", NULL);
	parsed_err(&p, "Option \"-x\" is unknown, try \"tcpfsm help\".",
		   "unknown short option in a cluster");
	p = parse("--bogus", "stats", NULL);
	parsed_err(&p, "Option \"--bogus\" is unknown, try \"tcpfsm help\".",
		   "unknown long option");
	p = parse("--json=yes", "stats", NULL);
	parsed_err(&p, "Option \"--json=yes\" is unknown, try \"tcpfsm help\".",
		   "long option with an argument");
	p = parse("stats", "bogus", NULL);
	parsed_err(&p, "tcpfsm: stats: unknown argument \"bogus\"",
		   "stats bogus");
	p = parse("stats", "-j", NULL);
	parsed_err(&p, "tcpfsm: stats: unknown argument \"-j\" (options go before the command)",
		   "option after the command");
	p = parse("state", NULL);
	parsed_err(&p, "tcpfsm: state: NAME is missing", "state without NAME");
	p = parse("state", "ESTAB", "LISTEN", NULL);
	parsed_err(&p, "tcpfsm: state: unknown argument \"LISTEN\"",
		   "state with two names");
	p = parse("help", "bogus", NULL);
	parsed_err(&p, "Command \"bogus\" is unknown, try \"tcpfsm help\".",
		   "help of an unknown command");

	p = parse("state", "bogus", NULL);
	check(p.ret == -1, "cli: state bogus fails");
	check_str(p.err,
		  "tcpfsm: unknown state \"bogus\"\n"
		  "valid states: ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING NEW_SYN_RECV\n"
		  "(in any case; or as ss spells them: ESTAB, SYN-SENT, FIN-WAIT-1, ...; or 1-12)\n",
		  "cli: state bogus lists the valid names");
	free(p.err);
}

static void test_cli_usage(void)
{
	struct capture cap;
	char *s;

	cli_usage(cap_open(&cap), NULL);
	s = cap_close(&cap);
	check(starts_with(s, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n") &&
	      strstr(s, "\n  stats [all]  ") && strstr(s, "(alias show)") &&
	      strstr(s, "\n  state NAME  ") && strstr(s, "\n  help [COMMAND]  ") &&
	      strstr(s, "-j, --json") && strstr(s, "-p, --pretty") &&
	      strstr(s, "-h, --help") && strstr(s, "-V, --version"),
	      "usage: tcpfsm's lists every command and option");
	free(s);

	cli_usage(cap_open(&cap), cli_lookup("show"));
	s = cap_close(&cap);
	check(starts_with(s, "Usage: tcpfsm [-j [-p]] stats [all]\n"
			     "       tcpfsm [-j [-p]] show [all]\n\n"),
	      "usage: of stats, with its alias");
	free(s);

	cli_usage(cap_open(&cap), cli_lookup("state"));
	s = cap_close(&cap);
	check(starts_with(s, "Usage: tcpfsm [-j [-p]] state NAME\n\n") &&
	      strstr(s, "ESTAB"), "usage: of state");
	free(s);

	cli_version(cap_open(&cap));
	s = cap_close(&cap);
	check_str(s, "tcpfsm " TCPFSM_VERSION ", for version 1 of the tcpfsm netlink family\n",
		  "version");
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
	st->present = BIT(TCPFSM_A_STATS_TRANSITION) | BIT(TCPFSM_A_STATS_STATE) |
		      BIT(TCPFSM_A_STATS_EVENTS_SENT) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_NOMEM) |
		      BIT(TCPFSM_A_STATS_EVENTS_LOST_RCVBUF);
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
	"events: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2\n";

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
	"\"events\":{\"sent\":10,\"lost_overflow\":1,\"lost_nomem\":0,\"lost_rcvbuf\":2}}\n";

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

static unsigned int count_lines(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

static void test_output_stats(void)
{
	struct tcpfsm_stats st;
	char want[4096];
	char *s;

	sample_stats(&st);
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s%s", sample_states_text, sample_text);
	check_str(s, want, "output: text: states, non-zero transitions, events");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, true);
	check(starts_with(s, sample_states_text) &&
	      count_lines(s, " -> ") == 121 &&
	      strstr(s, "\nESTABLISHED  -> ESTABLISHED             0\n"
			"ESTABLISHED  -> SYN_SENT                0\n") &&
	      strstr(s, "\nCLOSING      -> CLOSING                 0\n\nevents: ") &&
	      strstr(s, "\nCLOSE_WAIT   -> CLOSE        18446744073709551615\n") &&
	      !strstr(s, "NEW_SYN_RECV ->") && !strstr(s, "-> NEW_SYN_RECV"),
	      "output: text all: the 121 transitions between TCP states, in order");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	check_str(s, sample_json, "output: JSON, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_JSON, &st, true);
	check(count_lines(s, "{\"old\":") == 121 &&
	      strstr(s, "\"transitions\":[{\"old\":\"ESTABLISHED\",\"new\":\"ESTABLISHED\",\"count\":0},") &&
	      strstr(s, "{\"old\":\"CLOSING\",\"new\":\"CLOSING\",\"count\":0}],\"events\""),
	      "output: JSON all: 121 transitions");
	free(s);

	memset(st.trans, 0, sizeof(st.trans));
	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	snprintf(want, sizeof(want), "%s\nold             new                 count\n(none)\n\nevents: sent 10, lost_overflow 1, lost_nomem 0, lost_rcvbuf 2\n",
		 sample_states_text);
	check_str(s, want, "output: text without transitions");
	free(s);
	s = render_stats(TCPFSM_FMT_JSON, &st, false);
	check(s && strstr(s, ",\"transitions\":[],\"events\":{"),
	      "output: JSON without transitions: []");
	free(s);
}

static void test_output_pretty(void)
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
	check_str(s,
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
	check_str(s,
		  "{\"states\":[{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12},"
		  "{\"state\":\"TIME_WAIT\",\"current\":6}],"
		  "\"transitions\":[{\"old\":\"SYN_SENT\",\"new\":\"ESTABLISHED\",\"count\":7}],"
		  "\"events\":{\"sent\":5}}\n",
		  "output: the same, compact");
	free(s);

	s = render_stats(TCPFSM_FMT_TEXT, &st, false);
	check(s && strstr(s, "\nevents: sent 5, lost_overflow -, lost_nomem -, lost_rcvbuf -\n"),
	      "output: text: absent event counters are -");
	free(s);

	st.present = 0;
	s = render_stats(TCPFSM_FMT_JSON_PRETTY, &st, false);
	check(s && strstr(s, "            \"count\": 7\n        }\n    ]\n}\n"),
	      "output: JSON without any event counter: no events object");
	free(s);
}

static void test_output_state(void)
{
	struct tcpfsm_stats st;
	char *s;

	sample_stats(&st);
	s = render_state(TCPFSM_FMT_TEXT, &st, TCPFSM_STATE_LAST_ACK);
	check_str(s, "state             current      entered         left\n"
		     "LAST_ACK               -1            5            6\n",
		  "output: state, text");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_ESTABLISHED);
	check_str(s, "{\"state\":\"ESTABLISHED\",\"current\":2,\"entered\":14,\"left\":12}\n",
		  "output: state, JSON");
	free(s);
	s = render_state(TCPFSM_FMT_JSON, &st, TCPFSM_STATE_CLOSE);
	check_str(s, "{\"state\":\"CLOSE\",\"entered\":14,\"left\":9}\n",
		  "output: state CLOSE, JSON: no current");
	free(s);
	s = render_state(TCPFSM_FMT_JSON_PRETTY, &st, TCPFSM_STATE_TIME_WAIT);
	check_str(s, "{\n    \"state\": \"TIME_WAIT\",\n    \"current\": 6\n}\n",
		  "output: state TIME_WAIT, pretty JSON: no entered, left");
	free(s);
}

static void test_json_writer(void)
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
	check_str(s, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f \xc3\xa9\","
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
			check_str(s, "{\n"
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
			check_str(s, "{\"a\":[1,18446744073709551615],\"b\":{},\"c\":[],\"d\":-9223372036854775808}\n",
				  "json: compact: nesting, empty containers, limits");
		free(s);
	}
}

/* Netlink replies, built here */

#define MSG_SIZE	16384

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = TCPFSM_FAMILY_VERSION;
	return nlh;
}

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
	    a->present != b->present) {
		printf("# event counters or present differ\n");
		ok = false;
	}
	return ok;
}

static void test_parse_stats(void)
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
	check(!ret && e.kind == TCPFSM_ERR_NONE, "parse: a complete GET reply");
	check(stats_equal(&got, &want), "parse: every figure, as sent");
	check(!tcpfsm_stats_check(&got, &e), "parse: the GET reply is complete");

	nlh = put_stats(buf, &want, WITH_UNKNOWN);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	check(!ret && e.kind == TCPFSM_ERR_NONE,
	      "parse: unknown attributes, figures and states are skipped");
	check(stats_equal(&got, &want) && !tcpfsm_stats_check(&got, &e),
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

static bool check_err(int ret, const struct tcpfsm_err *e,
		      enum tcpfsm_err_kind kind, int code, const char *detail,
		      const char *what)
{
	bool ok = ret == -1 && e->kind == kind && e->code == code &&
		  (!detail || !strcmp(e->detail, detail));

	if (!check(ok, "%s", what))
		printf("# ret %d, kind %d (expected %d), code %d (expected %d), detail \"%s\" (expected \"%s\")\n",
		       ret, e->kind, kind, e->code, code, e->detail,
		       detail ? detail : "");
	return ok;
}

static void test_parse_missing(void)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_stats st, got;
	struct tcpfsm_err e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	ret = parse_variant(OMIT_TRANSITION, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "the transition ESTABLISHED -> CLOSE",
		  "missing: a transition");
	ret = parse_variant(OMIT_STATE, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of LISTEN",
		  "missing: a state");
	ret = parse_variant(OMIT_EVENT, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "events-lost-rcvbuf",
		  "missing: an event counter");

	/* a reply of STATE_GET: one state */
	sample_stats(&st);
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	put_state(nlh, TCPFSM_STATE_ESTABLISHED, &st.state[TCPFSM_STATE_ESTABLISHED]);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	check(!ret && !tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e) &&
	      got.state[1].present && got.state[1].current == 2 &&
	      got.state[1].entered == 14 && got.state[1].left == 12 &&
	      !got.state[2].present,
	      "parse: a STATE_GET reply");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_SYN_SENT, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
		  "missing: the state asked for");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_stats_check(&got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "the figures of SYN_SENT",
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
	check(!tcpfsm_parse_stats(nlh, &got, &e), "parse: states lacking figures");
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_ESTABLISHED, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "current of ESTABLISHED",
		  "missing: current of ESTABLISHED");
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_state_check(&got, TCPFSM_STATE_LISTEN, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "entered and left of LISTEN",
		  "missing: entered and left of LISTEN");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u8(nlh, TCPFSM_A_STATE_STATS_STATE, TCPFSM_STATE_LISTEN);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_ENTERED, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&got, 0, sizeof(got));
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "left of LISTEN",
		  "missing: entered without left");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATE_STATS_CURRENT, 1);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "state in a state-stats",
		  "missing: a state nest without its state");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_TRANSITION);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPFSM_A_TRANSITION_NEW_STATE, 7);
	mnl_attr_nest_end(nlh, nest);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_stats(nlh, &got, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0,
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

static void test_parse_malformed(void)
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
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
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
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute count of transition",
		  "malformed: a u64 of 4 bytes in a nest");

	nlh = msg_start(buf, 0x20, TCPFSM_CMD_STATE_GET);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_STATS_STATE);
	mnl_attr_put(nlh, TCPFSM_A_STATE_STATS_STATE, sizeof(v16), &v16);
	mnl_attr_nest_end(nlh, nest);
	ret = parse_msg(nlh, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of state-stats",
		  "malformed: a u8 of 2 bytes in a nest");

	/* a nest that is not one */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put(nlh, TCPFSM_A_STATS_STATE, 2, &v16);
	ret = parse_msg(nlh, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
		  "attribute state of stats", "malformed: a nest of 2 bytes");

	/* state 0 */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	put_transition(nlh, 0, 1, 5);
	ret = parse_msg(nlh, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, EINVAL,
		  "state 0 in attribute old-state of transition",
		  "malformed: state 0");

	/* the last attribute runs past the end of the message */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_SENT, 1);
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u64(nlh, TCPFSM_A_STATS_EVENTS_LOST_NOMEM, 1);
	attr->nla_len += 8;
	ret = parse_msg(nlh, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
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
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
		  "attribute lengths in a transition nest",
		  "malformed: an attribute longer than its nest");

	/* shorter than a generic netlink header */
	nlh = msg_start(buf, 0x20, TCPFSM_CMD_GET);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	ret = parse_msg(nlh, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, EBADMSG,
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

static void test_parse_family(void)
{
	static char buf[MSG_SIZE];
	struct tcpfsm_family fam;
	struct tcpfsm_err e = { 0 };
	struct nlmsghdr *nlh;
	uint32_t v32 = 0x1234;
	int ret;

	ret = tcpfsm_parse_family(put_family(buf, 1, true), &fam, &e);
	check(!ret && fam.id == 0x1234 && fam.version == 1 && fam.mcgrp_events == 9,
	      "family: id, version, the events group (among others)");
	check(!tcpfsm_family_check(&fam, &e), "family: version 1 is known");

	ret = tcpfsm_parse_family(put_family(buf, 2, true), &fam, &e);
	check(!ret, "family: version 2 parses");
	ret = tcpfsm_family_check(&fam, &e);
	check(ret == -1 && e.kind == TCPFSM_ERR_VERSION && e.version == 2,
	      "family: version 2 is refused");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(put_family(buf, 1, false), &fam, &e);
	check_err(ret, &e, TCPFSM_ERR_MISSING, 0, "the family id",
		  "family: no id");

	nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put(nlh, CTRL_ATTR_FAMILY_ID, sizeof(v32), &v32);
	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_family(nlh, &fam, &e);
	check_err(ret, &e, TCPFSM_ERR_MALFORMED, ERANGE,
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

static void test_parse_error(void)
{
	static char buf[MSG_SIZE], reqbuf[MSG_SIZE];
	struct nlmsghdr *req = msg_start(reqbuf, 0x20, TCPFSM_CMD_STATE_GET);
	struct tcpfsm_err e;
	int ret;

	mnl_attr_put_u8(req, TCPFSM_A_STATS_STATE_ID, 13);

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, 0, true, NULL, req), &e);
	check(ret == MNL_CB_STOP && e.kind == TCPFSM_ERR_NONE, "error: an ack stops");

	memset(&e, 0, sizeof(e));
	errno = 0;
	ret = tcpfsm_parse_error(put_error(buf, -EINVAL, true, "out of range", req), &e);
	check(ret == MNL_CB_ERROR && errno == EINVAL && e.kind == TCPFSM_ERR_KERNEL &&
	      e.code == EINVAL && !strcmp(e.ext_msg, "out of range") &&
	      e.has_offs && e.ext_offs == 20,
	      "error: capped, with the kernel's message and offset");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -ERANGE, false, "too big", req), &e);
	check(ret == MNL_CB_ERROR && e.code == ERANGE &&
	      !strcmp(e.ext_msg, "too big") && e.has_offs && e.ext_offs == 20,
	      "error: not capped: the message after the request echoed");

	memset(&e, 0, sizeof(e));
	ret = tcpfsm_parse_error(put_error(buf, -EPERM, false, NULL, req), &e);
	check(ret == MNL_CB_ERROR && e.code == EPERM && !e.ext_msg[0] && !e.has_offs,
	      "error: without an extended ack");

	memset(&e, 0, sizeof(e));
	put_error(buf, -EPERM, true, NULL, req)->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	ret = tcpfsm_parse_error((struct nlmsghdr *)buf, &e);
	check(ret == MNL_CB_ERROR && e.kind == TCPFSM_ERR_MALFORMED,
	      "error: a truncated error message");
}

static void test_err_print(void)
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
		check_str(s, cases[i].want, what);
		free(s);
	}
}

/* The plumbing, against the running kernel's family nlctrl */
static void test_kernel(void)
{
	struct tcpfsm_family fam;
	struct tcpfsm_nl nl;
	struct tcpfsm_err e;
	char name[64];
	int ret;

	if (!check(!tcpfsm_nl_socket(&nl, &e), "kernel: a generic netlink socket")) {
		tcpfsm_err_print(stdout, &e);
		return;
	}
	ret = tcpfsm_nl_resolve(&nl, "nlctrl", &fam, &e);
	check(!ret && fam.id == GENL_ID_CTRL && fam.version >= 1 &&
	      !fam.mcgrp_events,
	      "kernel: nlctrl resolves: id %#x, version %u; no group \"events\"",
	      fam.id, fam.version);

	ret = tcpfsm_nl_resolve(&nl, "tcpfsm-nonesuch", &fam, &e);
	check(ret == -1 && e.kind == TCPFSM_ERR_NOFAMILY && e.code == ENOENT,
	      "kernel: an unknown family is TCPFSM_ERR_NOFAMILY");

	/* longer than GENL_NAMSIZ: the policy of nlctrl refuses it */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	ret = tcpfsm_nl_resolve(&nl, name, &fam, &e);
	if (!check(ret == -1 && e.kind == TCPFSM_ERR_KERNEL && e.code &&
		   e.ext_msg[0] && e.has_offs &&
		   e.ext_offs == MNL_NLMSG_HDRLEN + GENL_HDRLEN,
		   "kernel: an error has the kernel's message and offset"))
		tcpfsm_err_print(stdout, &e);

	/* the socket still works after an error */
	ret = tcpfsm_nl_resolve(&nl, "nlctrl", &fam, &e);
	check(!ret && fam.id == GENL_ID_CTRL, "kernel: and goes on after it");
	tcpfsm_nl_close(&nl);

	ret = tcpfsm_nl_open(&nl, &e);
	if (access("/sys/module/tcpfsm", F_OK)) {
		check(ret == -1 && e.kind == TCPFSM_ERR_NOFAMILY,
		      "kernel: without the module, tcpfsm_nl_open() says so");
	} else {
		check(!ret && nl.family.id && nl.family.mcgrp_events,
		      "kernel: with the module, tcpfsm_nl_open() finds its family and group");
		if (!ret)
			tcpfsm_nl_close(&nl);
	}
}

/* The command itself */

struct run {
	int status;		/* exit status, or -1 */
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
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		r.status = WEXITSTATUS(status);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void check_run(struct run *r, int status, const char *out_prefix,
		      const char *err_prefix, const char *what)
{
	bool ok = r->status == status &&
		  (out_prefix ? starts_with(r->out, out_prefix) : !r->out[0]) &&
		  (err_prefix ? starts_with(r->err, err_prefix) : !r->err[0]);

	if (!check(ok, "command: %s", what)) {
		printf("# exit status %d, expected %d\n", r->status, status);
		diag("stdout", r->out);
		diag("stderr", r->err);
	}
	free(r->out);
	free(r->err);
}

static void test_command(const char *bin)
{
	static const char nofamily[] =
		"tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (insmod tcpfsm.ko)\n";
	struct run r;

	r = run_cmd(bin, NULL, "help", NULL);
	check_run(&r, 0, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n", NULL,
		  "help: usage on stdout, exit 0");
	r = run_cmd(bin, NULL, "stats", "help", NULL);
	check_run(&r, 0, "Usage: tcpfsm [-j [-p]] stats [all]\n", NULL,
		  "stats help");
	r = run_cmd(bin, NULL, "-j", "state", "--help", NULL);
	check_run(&r, 0, "Usage: tcpfsm [-j [-p]] state NAME\n", NULL,
		  "-j state --help");
	r = run_cmd(bin, NULL, "-V", NULL);
	check_run(&r, 0, "tcpfsm " TCPFSM_VERSION ", for version 1", NULL, "-V");
	r = run_cmd(bin, NULL, NULL);
	check_run(&r, 1, NULL, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n",
		  "no command: usage on stderr, exit 1");
	r = run_cmd(bin, NULL, "foo", NULL);
	check_run(&r, 1, NULL,
		  "Command \"foo\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown command: stderr, exit 1");
	r = run_cmd(bin, NULL, "--bogus", "stats", NULL);
	check_run(&r, 1, NULL,
		  "Option \"--bogus\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown option: stderr, exit 1");
	r = run_cmd(bin, NULL, "stats", "bogus", NULL);
	check_run(&r, 1, NULL,
		  "tcpfsm: stats: unknown argument \"bogus\"\nUsage: tcpfsm [-j [-p]] stats",
		  "bad argument: the command's usage on stderr, exit 1");
	r = run_cmd(bin, NULL, "state", "FIN-WAIT-3", NULL);
	check_run(&r, 1, NULL, "tcpfsm: unknown state \"FIN-WAIT-3\"\nvalid states: ESTABLISHED ",
		  "unknown state: exit 1");
	r = run_cmd(bin, "/dev/full", "help", NULL);
	check_run(&r, 1, NULL, "tcpfsm: writing the output: No space left on device\n",
		  "a write error is an error");

	if (access("/sys/module/tcpfsm", F_OK)) {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(&r, 1, NULL, nofamily, "stats without the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(&r, 1, NULL, nofamily, "-j state estab without the module");
	} else {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(&r, 0, "state             current      entered         left\n",
			  NULL, "stats with the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(&r, 0, "{\"state\":\"ESTABLISHED\",\"current\":", NULL,
			  "-j state estab with the module");
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);

	test_states();
	test_cli_lookup();
	test_cli_parse();
	test_cli_usage();
	test_output_stats();
	test_output_pretty();
	test_output_state();
	test_json_writer();
	test_parse_stats();
	test_parse_missing();
	test_parse_malformed();
	test_parse_family();
	test_parse_error();
	test_err_print();
	test_kernel();
	if (argc > 1)
		test_command(argv[1]);

	printf("1..%u\n", passed + failed);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
