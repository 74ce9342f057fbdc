// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of prom.c: the Prometheus text format, exactly for a small
 * reply, and its structure for a full one.
 *
 *	prom [-l] [-t TEST]...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "prom.h"
#include "states.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"
#include "samples.h"

/* A small reply: two states, two transitions, one histogram, the scalars */
static void small_stats(struct tcpfsm_stats *st)
{
	struct tcpfsm_stats d;

	sample_dwell(&d);
	memset(st, 0, sizeof(*st));
	st->state[TCPFSM_STATE_ESTABLISHED] = (struct tcpfsm_state_stats){
		.present = true, .has_current = true, .has_flow = true,
		.current = 2, .entered = 14, .left = 12,
	};
	st->state[TCPFSM_STATE_TIME_WAIT] = (struct tcpfsm_state_stats){
		.present = true, .has_current = true, .current = 6,
	};
	st->trans_seen[TCPFSM_STATE_ESTABLISHED] = BIT(TCPFSM_STATE_FIN_WAIT1);
	st->trans_seen[TCPFSM_STATE_SYN_SENT] = BIT(TCPFSM_STATE_ESTABLISHED);
	st->trans[TCPFSM_STATE_ESTABLISHED][TCPFSM_STATE_FIN_WAIT1] = 3;
	st->dwell[TCPFSM_STATE_ESTABLISHED] = d.dwell[TCPFSM_STATE_ESTABLISHED];
	st->tracked = 12;
	st->track_size = 65536;
	st->timewait_created = 340;
	st->events_sent = 10;
	st->events_lost_overflow = 1;
	st->events_lost_rcvbuf = 2;
	st->events_unheard = 4;
	st->present = UINT32_MAX;
}

#define BUILD_INFO \
	"# HELP tcpfsm_build_info The version of the tcpfsm command that wrote these metrics, as a label; always 1.\n" \
	"# TYPE tcpfsm_build_info gauge\n" \
	"tcpfsm_build_info{version=\"" TCPFSM_VERSION "\"} 1\n"

static const char prom_small[] =
	BUILD_INFO
	"# HELP tcpfsm_sockets Sockets in each TCP state now.\n"
	"# TYPE tcpfsm_sockets gauge\n"
	"tcpfsm_sockets{state=\"established\"} 2\n"
	"tcpfsm_sockets{state=\"time_wait\"} 6\n"
	"# HELP tcpfsm_state_entered_total Transitions into each TCP state from another state.\n"
	"# TYPE tcpfsm_state_entered_total counter\n"
	"tcpfsm_state_entered_total{state=\"established\"} 14\n"
	"# HELP tcpfsm_state_left_total Transitions out of each TCP state to another state.\n"
	"# TYPE tcpfsm_state_left_total counter\n"
	"tcpfsm_state_left_total{state=\"established\"} 12\n"
	"# HELP tcpfsm_transitions_total TCP state transitions, by old and new state.\n"
	"# TYPE tcpfsm_transitions_total counter\n"
	"tcpfsm_transitions_total{old=\"established\",new=\"fin_wait1\"} 3\n"
	"tcpfsm_transitions_total{old=\"syn_sent\",new=\"established\"} 0\n"
	"# HELP tcpfsm_state_duration_seconds Time tracked sockets stayed in a TCP state before they left it.\n"
	"# TYPE tcpfsm_state_duration_seconds histogram\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000001\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000002\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000004\"} 1\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000008\"} 3\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000016\"} 3\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000032\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000064\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000128\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000256\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.000512\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.001024\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.002048\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.004096\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.008192\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.016384\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.032768\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.065536\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.131072\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.262144\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"0.524288\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"1.048576\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"2.097152\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"4.194304\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"8.388608\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"16.777216\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"33.554432\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"67.108864\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"134.217728\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"268.435456\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"536.870912\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"1073.741824\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"2147.483648\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"4294.967296\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"8589.934592\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"17179.869184\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"34359.738368\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"68719.476736\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"137438.953472\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"274877.906944\"} 7\n"
	"tcpfsm_state_duration_seconds_bucket{state=\"established\",le=\"+Inf\"} 7\n"
	"tcpfsm_state_duration_seconds_sum{state=\"established\"} 0.008641969\n"
	"tcpfsm_state_duration_seconds_count{state=\"established\"} 7\n"
	"# HELP tcpfsm_tracked_sockets Sockets whose time of entering their state is tracked now.\n"
	"# TYPE tcpfsm_tracked_sockets gauge\n"
	"tcpfsm_tracked_sockets 12\n"
	"# HELP tcpfsm_untracked_sockets_total Sockets not tracked because the table was full, since load.\n"
	"# TYPE tcpfsm_untracked_sockets_total counter\n"
	"tcpfsm_untracked_sockets_total 0\n"
	"# HELP tcpfsm_track_table_size Capacity of the table of tracked sockets, 0 when disabled.\n"
	"# TYPE tcpfsm_track_table_size gauge\n"
	"tcpfsm_track_table_size 65536\n"
	"# HELP tcpfsm_timewait_created_total Timewait sockets created since the module was loaded.\n"
	"# TYPE tcpfsm_timewait_created_total counter\n"
	"tcpfsm_timewait_created_total 340\n"
	"# HELP tcpfsm_events_sent_total Transition events sent to the events group.\n"
	"# TYPE tcpfsm_events_sent_total counter\n"
	"tcpfsm_events_sent_total 10\n"
	"# HELP tcpfsm_events_lost_total Transition events lost, by cause.\n"
	"# TYPE tcpfsm_events_lost_total counter\n"
	"tcpfsm_events_lost_total{cause=\"overflow\"} 1\n"
	"tcpfsm_events_lost_total{cause=\"nomem\"} 0\n"
	"tcpfsm_events_lost_total{cause=\"rcvbuf\"} 2\n"
	"# HELP tcpfsm_events_unheard_total Transition events sent while nobody in the namespace listened.\n"
	"# TYPE tcpfsm_events_unheard_total counter\n"
	"tcpfsm_events_unheard_total 4\n";

/* A full reply: every state, 121 transitions, 8 histograms, one racy */
static void full_stats(struct tcpfsm_stats *st)
{
	unsigned int i, j;

	small_stats(st);
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		st->state[i] = (struct tcpfsm_state_stats){
			.present = true,
			.has_current = tcpfsm_state_has_current(i),
			.has_flow = tcpfsm_state_has_flow(i),
			.current = (int64_t)i - 3, .entered = i * 7, .left = i,
		};
		if (i <= TCPFSM_NR_TRANS_STATES)
			st->trans_seen[i] = 0xffe & (BIT(TCPFSM_NR_TRANS_STATES + 1) - 1);
		for (j = 1; j <= TCPFSM_NR_TRANS_STATES; j++)
			st->trans[i][j] = i * j % 5;
		if (!tcpfsm_state_has_dwell(i))
			continue;
		st->dwell[i].present = true;
		for (j = 0; j < TCPFSM_DWELL_BUCKETS; j += i) {
			st->dwell[i].bucket[j] = j + i;
			st->dwell[i].samples += j + i;
			st->dwell[i].sum_ns += (j + i) * 1000ULL * (1ULL << j);
		}
	}
	st->dwell[TCPFSM_STATE_CLOSING].samples -= 3;	/* read while counted */
}

/* Whether @s is well formed: families, their headers, the histograms */
static bool prom_structure(const char *s, unsigned int *samples)
{
	char family[128] = "", type[16] = "", line[512], name[128];
	char hist_state[32] = "", seen[64][64];
	unsigned long long v, last = 0, inf = 0;
	unsigned int nseen = 0, i;
	bool ok = true, help = false;
	const char *nl;

	*samples = 0;
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl || nl - s >= (int)sizeof(line))
			return false;
		memcpy(line, s, nl - s);
		line[nl - s] = 0;
		if (!strncmp(line, "# HELP ", 7)) {
			sscanf(line + 7, "%127s", family);
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], family))
					ok = false;	/* a second HELP */
			snprintf(seen[nseen++ % 64], sizeof(seen[0]), "%s", family);
			help = true;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			if (!help || sscanf(line + 7, "%127s %15s", name, type) != 2 ||
			    strcmp(name, family))
				ok = false;	/* not right after its HELP */
			help = false;
			continue;
		}
		if (help || sscanf(line, "%127[^{ ]", name) != 1 ||
		    strncmp(name, family, strlen(family)))
			ok = false;	/* a sample outside its family */
		(*samples)++;
		if (strcmp(type, "histogram"))
			continue;
		/* _bucket{state="S",le="L"} V, then _sum, _count */
		if (strstr(line, "_bucket{")) {
			char st[32];

			if (sscanf(line, "%*[^\"]\"%31[^\"]\"%*[^ ] %llu", st, &v) != 2)
				return false;
			if (strcmp(st, hist_state)) {
				snprintf(hist_state, sizeof(hist_state), "%s", st);
				last = 0;
			}
			if (v < last)
				ok = false;	/* not cumulative */
			last = v;
			if (strstr(line, "le=\"+Inf\""))
				inf = v;
		} else if (strstr(line, "_count{")) {
			if (sscanf(line, "%*s %llu", &v) != 1 || v != inf)
				ok = false;	/* +Inf is not _count */
		}
	}
	return ok && !help;
}

TEST(exposition)
{
	static struct tcpfsm_stats st;
	struct capture cap;
	unsigned int n;
	bool ok;
	char *s;

	small_stats(&st);
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	CHECK_STR(s, prom_small, "prometheus: a small reply, exactly");
	/* n is an argument too: set before the call */
	ok = prom_structure(s, &n);
	CHECK(ok && n == 58, "prometheus: the checker passes it (%u samples)", n);
	free(s);

	full_stats(&st);
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	ok = prom_structure(s, &n);
	CHECK(ok && n == 1 + 11 + 10 + 10 + 121 + 8 * 42 + 9,
	      "prometheus: a full reply: one HELP and TYPE a family, cumulative buckets, +Inf == _count (%u samples)",
	      n);
	CHECK(count_lines(s, "tcpfsm_transitions_total{") == 121 &&
	      count_lines(s, "le=\"+Inf\"") == 8 &&
	      strstr(s, "\ntcpfsm_sockets{state=\"last_ack\"} 6\n") &&
	      strstr(s, "\ntcpfsm_sockets{state=\"established\"} -2\n") &&
	      !strstr(s, "tcpfsm_sockets{state=\"close\"}") &&
	      !strstr(s, "entered_total{state=\"time_wait\"}") &&
	      !strstr(s, "state=\"listen\",le="),
	      "prometheus: every pair, the 8 histograms, the figures each state has");
	free(s);

	memset(&st, 0, sizeof(st));
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	s = cap_close(&cap);
	CHECK_STR(s, BUILD_INFO, "prometheus: only the build info from an empty reply");
	free(s);
}

/* promtool check metrics (Debian prometheus) passes @s, or is not here */
static bool promtool_ok(const char *s)
{
	FILE *p;

	if (system("command -v promtool >/dev/null 2>&1")) {
		printf("# promtool not found: the exposition is not checked by it\n");
		return true;
	}
	fflush(stdout);
	p = popen("promtool check metrics", "w");
	if (!p)
		return false;
	fputs(s, p);
	return pclose(p) == 0;
}

/* nohist: the same without the histograms; the rest as node_exporter's */
TEST(nohist)
{
	static struct tcpfsm_stats st;
	struct capture cap;
	char *all, *s;
	unsigned int n;
	bool ok;

	full_stats(&st);
	tcpfsm_print_prometheus(cap_open(&cap), &st);
	all = cap_close(&cap);
	tcpfsm_print_prometheus_flags(cap_open(&cap), &st, TCPFSM_PROM_NO_HIST);
	s = cap_close(&cap);
	ok = prom_structure(s, &n);
	CHECK(ok && n == 1 + 11 + 10 + 10 + 121 + 9 && !strstr(s, "duration") &&
	      strstr(all, "# TYPE tcpfsm_state_duration_seconds histogram\n"),
	      "prometheus: nohist: no histogram, all else (%u samples)", n);
	CHECK(starts_with(s, BUILD_INFO) &&
	      strstr(s, "\ntcpfsm_sockets{state=\"close_wait\"} ") &&
	      strstr(s, "\ntcpfsm_sockets{state=\"syn_sent\"} ") &&
	      strstr(s, "\ntcpfsm_transitions_total{old=\"fin_wait1\",new=\"time_wait\"} ") &&
	      !strstr(s, "=\"ESTABLISHED\"") && !strstr(s, "=\"TIME_WAIT\""),
	      "prometheus: the build info first; state names in lower case, as node_tcp_connection_states");
	CHECK(promtool_ok(all) && promtool_ok(s),
	      "prometheus: promtool check metrics passes both, if installed");
	free(s);
	free(all);
}

/*
 * @single (a namespace's output) with netns="@label" as the first label
 * of each sample: the lines of its samples, without the build info
 */
static void with_netns(FILE *f, const char *single, const char *label,
		       const char *family)
{
	const char *line, *end, *brace, *sp;

	for (line = single; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (*line == '#' || !starts_with(line, family) ||
		    (line[strlen(family)] != '{' && line[strlen(family)] != ' ' &&
		     line[strlen(family)] != '_'))
			continue;
		brace = memchr(line, '{', end - line);
		sp = memchr(line, ' ', end - line);
		if (brace && brace < sp)
			fprintf(f, "%.*snetns=\"%s\",%.*s", (int)(brace + 1 - line),
				line, label, (int)(end - brace - 1), brace + 1);
		else
			fprintf(f, "%.*s{netns=\"%s\"}%.*s", (int)(sp - line), line,
				label, (int)(end - sp), sp);
	}
}

/*
 * -A: the build info once; every other family once, its HELP and TYPE
 * once, then the samples of each namespace in turn, each with netns first;
 * a family only the second namespace has comes where it first comes.
 */
TEST(netns)
{
	static struct tcpfsm_stats st[2];
	const char *labels[] = { "blue", "pid:1\"\\" };
	const char *fam, *next, *at;
	char *single, *s, *want;
	struct capture cap;
	size_t len;
	FILE *f;

	small_stats(&st[0]);
	small_stats(&st[1]);
	st[1].trans[TCPFSM_STATE_SYN_SENT][TCPFSM_STATE_ESTABLISHED] = 5;
	tcpfsm_print_prometheus(cap_open(&cap), &st[0]);
	single = cap_close(&cap);
	CHECK(tcpfsm_print_prometheus_netns(cap_open(&cap), st, labels, 2, 0) == 0,
	      "prometheus: -A: 0");
	s = cap_close(&cap);
	f = open_memstream(&want, &len);
	ASSERT_NE(NULL, f);
	fputs(BUILD_INFO, f);
	/* each family of the single output: its header, then both */
	for (at = single + strlen(BUILD_INFO); *at; at = next) {
		char name[128];

		ASSERT_TRUE(starts_with(at, "# HELP "));
		fam = at + 7;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(fam, " "), fam);
		next = strstr(at + 1, "# HELP ");
		next = next ? next : at + strlen(at);
		fprintf(f, "%.*s", (int)(strstr(strchr(at, '\n') + 1, "\n") + 1 - at), at);
		with_netns(f, single, "blue", name);
		with_netns(f, single, "pid:1\\\"\\\\", name);
	}
	fclose(f);
	/* the second namespace's own figure */
	ASSERT_NE(NULL, strstr(want, "tcpfsm_transitions_total{netns=\"pid:1\\\"\\\\\",old=\"syn_sent\",new=\"established\"} 0\n"));
	*strstr(want, "tcpfsm_transitions_total{netns=\"pid:1\\\"\\\\\",old=\"syn_sent\",new=\"established\"} 0\n") = 0;
	CHECK(starts_with(s, want),
	      "prometheus: -A: each family once, both namespaces' samples, netns first");
	CHECK(strstr(s, "tcpfsm_transitions_total{netns=\"pid:1\\\"\\\\\",old=\"syn_sent\",new=\"established\"} 5\n"),
	      "prometheus: -A: each namespace's own figures");
	CHECK(count_lines(s, "# TYPE tcpfsm_sockets ") == 1 &&
	      count_lines(s, "# HELP tcpfsm_transitions_total ") == 1 &&
	      count_lines(s, "tcpfsm_build_info") == 3,
	      "prometheus: -A: one header a family, the build info once");
	CHECK(promtool_ok(s), "prometheus: -A: promtool check metrics passes, if installed");
	free(want);
	free(single);
	free(s);

	CHECK(tcpfsm_print_prometheus_netns(cap_open(&cap), st, labels, 0, 0) == 0,
	      "prometheus: -A, no namespace: 0");
	s = cap_close(&cap);
	CHECK_STR(s, BUILD_INFO, "prometheus: -A, no namespace: the build info");
	free(s);
}

TEST_HARNESS_MAIN
