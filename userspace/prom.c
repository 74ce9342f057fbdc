// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the Prometheus text exposition format (version 0.0.4).
 *
 * Each metric family has one "# HELP" and one "# TYPE" line, written
 * before its first sample, and its samples together; a family of which the
 * reply has no figure (a module before it) is left out whole. Values are
 * integers, or decimals written by hand (seconds from nanoseconds), never
 * through the locale. Label values are escaped as the format says.
 *
 * The histograms: bucket i of the module (times t in microseconds, 2^(i-1)
 * <= t < 2^i) is the series of le = 2^i microseconds, in seconds, for i =
 * 0..38, cumulative; the module's last bucket, open-ended, is only in
 * le="+Inf", which is the number of samples, as _count is. A cumulative
 * count is never above it (the module's figures are read without a lock).
 *
 * As node_exporter where they overlap: the values of the labels that name
 * a state (state, old, new, substate) are the kernel's names in lower
 * case, as node_tcp_connection_states{state="close_wait"} has them; and a
 * tcpfsm_build_info{version} series of value 1 comes first.
 *
 * With -A, several namespaces: the same series, each with netns="LABEL"
 * as its first label, a family's samples together (each namespace's
 * output is written apart, then merged family by family), build_info
 * once, without it.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "hist.h"
#include "prom.h"
#include "states.h"
#include "util.h"

/*
 * The writer: the family of the last sample, whose header is out; @base,
 * labels every sample has first (netns="..." with -A), or "".
 */
struct prom {
	FILE *f;
	const char *last;
	const char *base;
};

/* name="value", after a comma if @buf is not empty; escaped: \ " newline */
static void label_add(char *buf, size_t len, const char *name,
		      const char *value)
{
	size_t off = strlen(buf);

	off += snprintf(buf + off, len - off, "%s%s=\"", off ? "," : "", name);
	for (; *value && off + 3 < len; value++) {
		if (*value == '\\' || *value == '"')
			buf[off++] = '\\';
		if (*value == '\n') {
			buf[off++] = '\\';
			buf[off++] = 'n';
			continue;
		}
		buf[off++] = *value;
	}
	snprintf(buf + off, len - off, "\"");
}

/* A sample of @fam: NAME[SUFFIX][{LABELS}] VALUE, after the family's header */
static void prom_sample(struct prom *p, const struct tcpfsm_metric *fam,
			const char *suffix, const char *labels,
			const char *value)
{
	if (!p->last || strcmp(p->last, fam->name)) {
		fprintf(p->f, "# HELP %s %s\n# TYPE %s %s\n", fam->name,
			fam->help, fam->name, fam->type);
		p->last = fam->name;
	}
	fprintf(p->f, "%s%s%s%s%s%s%s %s\n", fam->name, suffix,
		*p->base || *labels ? "{" : "", p->base,
		*p->base && *labels ? "," : "", labels,
		*p->base || *labels ? "}" : "", value);
}

static void prom_u64(struct prom *p, const struct tcpfsm_metric *fam,
		     const char *labels, uint64_t v)
{
	char value[24];

	snprintf(value, sizeof(value), "%" PRIu64, v);
	prom_sample(p, fam, "", labels, value);
}

/* @ns in seconds: 1.5, 0.000001, 3; no exponent, no locale */
static void seconds_str(uint64_t ns, char *buf, size_t len)
{
	size_t n;

	n = snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, ns / 1000000000,
		     ns % 1000000000);
	if (n >= len)
		return;
	while (buf[n - 1] == '0')
		buf[--n] = 0;
	if (buf[n - 1] == '.')
		buf[n - 1] = 0;
}

/* A label that names a state: name="close_wait", as node_exporter's */
static void state_add(char *buf, size_t len, const char *name,
		      unsigned int state)
{
	const char *s = tcpfsm_state_name(state);
	char lower[32];
	size_t i;

	for (i = 0; s[i] && i < sizeof(lower) - 1; i++)
		lower[i] = tolower((unsigned char)s[i]);
	lower[i] = 0;
	label_add(buf, len, name, lower);
}

static void state_label(char *buf, size_t len, unsigned int state)
{
	buf[0] = 0;
	state_add(buf, len, "state", state);
}

static const struct tcpfsm_metric build_info = {
	.name = "tcpfsm_build_info",
	.type = "gauge",
	.help = "The version of the tcpfsm command that wrote these metrics, as a label; always 1.",
};

/* Each family of the figures of the states: a sample a state that has it */
static void prom_states(struct prom *p, const struct tcpfsm_stats *st)
{
	const struct tcpfsm_state_figure *fig;
	char labels[64], value[24];
	unsigned int f, i;

	for (f = 0; f < tcpfsm_nr_state_figures; f++) {
		fig = &tcpfsm_state_figures[f];
		for (i = 1; i <= TCPFSM_NR_STATES; i++) {
			if (!st->state[i].present ||
			    !tcpfsm_state_figure_present(&st->state[i], fig))
				continue;
			state_label(labels, sizeof(labels), i);
			if (fig->is_signed)
				snprintf(value, sizeof(value), "%" PRId64,
					 tcpfsm_state_figure_s64(&st->state[i], fig));
			else
				snprintf(value, sizeof(value), "%" PRIu64,
					 tcpfsm_state_figure_u64(&st->state[i], fig));
			prom_sample(p, &fig->metric, "", labels, value);
		}
	}
}

/* Each family of the timewait figures: a sample a substate that has it */
static void prom_tw(struct prom *p, const struct tcpfsm_stats *st)
{
	static const unsigned int subs[] = {
		TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_TIME_WAIT,
	};
	const struct tcpfsm_tw_figure *fig;
	char labels[64], value[24];
	unsigned int f, i;

	for (f = 0; f < tcpfsm_nr_tw_figures; f++) {
		fig = &tcpfsm_tw_figures[f];
		for (i = 0; i < ARRAY_SIZE(subs); i++) {
			if (!tcpfsm_tw_figure_present(&st->tw[subs[i]],
						      fig->attr))
				continue;
			labels[0] = 0;
			state_add(labels, sizeof(labels), "substate", subs[i]);
			if (fig->is_signed)
				snprintf(value, sizeof(value), "%" PRId64,
					 (int64_t)st->tw[subs[i]].fig[fig->attr]);
			else
				snprintf(value, sizeof(value), "%" PRIu64,
					 st->tw[subs[i]].fig[fig->attr]);
			prom_sample(p, &fig->metric, "", labels, value);
		}
	}
}

/* Every pair the reply had, zeros included */
static void prom_transitions(struct prom *p, const struct tcpfsm_stats *st)
{
	unsigned int old, new;
	char labels[96];

	for (old = 1; old <= TCPFSM_NR_STATES; old++) {
		for (new = 1; new <= TCPFSM_NR_STATES; new++) {
			if (!(st->trans_seen[old] & BIT(new)))
				continue;
			labels[0] = 0;
			state_add(labels, sizeof(labels), "old", old);
			state_add(labels, sizeof(labels), "new", new);
			prom_u64(p, &tcpfsm_metric_transitions, labels, st->trans[old][new]);
		}
	}
}

/*
 * _bucket{[LABELS,]le}... cumulative, +Inf, _sum, _count of family @fam;
 * @base: the labels of the histogram (state="..."), or ""
 */
static void prom_histogram(struct prom *p, const struct tcpfsm_metric *fam,
			   const char *base, const struct tcpfsm_dwell *d)
{
	char labels[96], le[32], value[32];
	uint64_t cum = 0;
	unsigned int i;

	for (i = 0; i < TCPFSM_DWELL_BUCKETS - 1; i++) {
		cum += d->bucket[i];
		seconds_str(tcpfsm_bucket_high_us(i) * 1000, le, sizeof(le));
		snprintf(labels, sizeof(labels), "%s", base);
		label_add(labels, sizeof(labels), "le", le);
		snprintf(value, sizeof(value), "%" PRIu64,
			 cum < d->samples ? cum : d->samples);
		prom_sample(p, fam, "_bucket", labels, value);
	}
	snprintf(labels, sizeof(labels), "%s", base);
	label_add(labels, sizeof(labels), "le", "+Inf");
	snprintf(value, sizeof(value), "%" PRIu64, d->samples);
	prom_sample(p, fam, "_bucket", labels, value);

	seconds_str(d->sum_ns, value, sizeof(value));
	prom_sample(p, fam, "_sum", base, value);
	snprintf(value, sizeof(value), "%" PRIu64, d->samples);
	prom_sample(p, fam, "_count", base, value);
}

/*
 * The handshake's figures the reply has, a family each but the ends of
 * the request sockets, one family by outcome; then its histogram
 */
static void prom_hs(struct prom *p, const struct tcpfsm_stats *st,
		    unsigned int flags)
{
	const struct tcpfsm_hs_figure *fig;
	char labels[48];
	unsigned int f;

	for (f = 0; f < tcpfsm_nr_hs_figures; f++) {
		fig = &tcpfsm_hs_figures[f];
		if (!fig->metric.name ||
		    !tcpfsm_hs_figure_present(&st->hs, fig->attr))
			continue;
		labels[0] = 0;
		if (fig->outcome)
			label_add(labels, sizeof(labels), "outcome",
				  fig->outcome);
		prom_u64(p, &fig->metric, labels, st->hs.fig[fig->attr]);
	}
	if (st->hs.present && st->hs.dwell.present &&
	    !(flags & TCPFSM_PROM_NO_HIST))
		prom_histogram(p, &tcpfsm_metric_handshake, "", &st->hs.dwell);
}

/* The scalar figures the reply has, in the order of their prom_order */
static void prom_scalars(struct prom *p, const struct tcpfsm_stats *st)
{
	const struct tcpfsm_figure *fig;
	unsigned int order, i;
	char labels[32];

	for (order = 0; order < tcpfsm_nr_figures; order++) {
		for (i = 0; i < tcpfsm_nr_figures; i++) {
			fig = &tcpfsm_figures[i];
			if (fig->prom_order != order ||
			    !tcpfsm_figure_present(st, fig))
				continue;
			labels[0] = 0;
			if (fig->cause)
				label_add(labels, sizeof(labels), "cause",
					  fig->cause);
			prom_u64(p, &fig->metric, labels,
				 tcpfsm_figure_value(st, fig));
		}
	}
}

/* The build_info series: the command's, not of a namespace */
static void prom_build_info(struct prom *p)
{
	char labels[64] = "";

	label_add(labels, sizeof(labels), "version", TCPFSM_VERSION);
	prom_u64(p, &build_info, labels, 1);
}

/* Every family but build_info, of one reply */
static void prom_figures(struct prom *p, const struct tcpfsm_stats *st,
			 unsigned int flags)
{
	char labels[64] = "";
	unsigned int i;

	prom_states(p, st);
	prom_transitions(p, st);
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (!st->dwell[i].present || (flags & TCPFSM_PROM_NO_HIST))
			continue;
		state_label(labels, sizeof(labels), i);
		prom_histogram(p, &tcpfsm_metric_duration, labels, &st->dwell[i]);
	}
	prom_scalars(p, st);
	prom_tw(p, st);
	prom_hs(p, st, flags);
}

/**
 * tcpfsm_print_prometheus_flags() - a GET reply in the Prometheus text format
 * @f: where
 * @st: the reply
 * @flags: TCPFSM_PROM_x: TCPFSM_PROM_NO_HIST leaves out the histograms
 *
 * The families (figures.c): tcpfsm_build_info{version}, those of the
 * figures of each state (tcpfsm_sockets{state}...),
 * tcpfsm_transitions_total{old,new}, tcpfsm_state_duration_seconds{state}
 * (histograms: 42 series a state, 336 in all; not with
 * TCPFSM_PROM_NO_HIST), then those of the scalar figures in their
 * prom_order (tcpfsm_tracked_sockets..., tcpfsm_events_lost_total{cause}...),
 * then those of the timewait substates (tcpfsm_timewait_sockets{substate}...),
 * then those of the handshake (tcpfsm_handshake_requests_created_total,
 * tcpfsm_handshake_requests_ended_total{outcome}, tcpfsm_handshake_cookies_total,
 * tcpfsm_handshake_duration_seconds, a histogram: not with
 * TCPFSM_PROM_NO_HIST); each only with the figures the reply has.
 */
void tcpfsm_print_prometheus_flags(FILE *f, const struct tcpfsm_stats *st,
				   unsigned int flags)
{
	struct prom p = { .f = f, .base = "" };

	prom_build_info(&p);
	prom_figures(&p, st, flags);
}

/**
 * tcpfsm_print_prometheus() - tcpfsm_print_prometheus_flags(), all of it
 * @f: where
 * @st: the reply
 */
void tcpfsm_print_prometheus(FILE *f, const struct tcpfsm_stats *st)
{
	tcpfsm_print_prometheus_flags(f, st, 0);
}

/* A family of the output of a namespace: "# HELP NAME ...", then its lines */
struct prom_block {
	const char *name;	/* in the text, up to the space */
	size_t name_len;
	const char *samples;	/* after "# HELP" and "# TYPE" */
	size_t samples_len;
	const char *next;	/* the next block, or the end */
};

/* The block that starts at @at, a "# HELP" line; false at the end */
static bool prom_block_at(const char *at, struct prom_block *b)
{
	const char *line;

	if (strncmp(at, "# HELP ", 7))
		return false;
	b->name = at + 7;
	b->name_len = strcspn(b->name, " \n");
	line = strchr(at, '\n');			/* # TYPE */
	line = line ? strchr(line + 1, '\n') : NULL;	/* the samples */
	b->samples = line ? line + 1 : at + strlen(at);
	for (line = b->samples; *line && strncmp(line, "# HELP ", 7);) {
		line = strchr(line, '\n');
		line = line ? line + 1 : b->samples + strlen(b->samples);
	}
	b->samples_len = line - b->samples;
	b->next = line;
	return true;
}

/* The block of family @name in @text; false if it has none */
static bool prom_block_find(const char *text, const char *name, size_t len,
			    struct prom_block *b)
{
	const char *at = text;

	while (prom_block_at(at, b)) {
		if (b->name_len == len && !strncmp(b->name, name, len))
			return true;
		at = b->next;
	}
	return false;
}

/**
 * tcpfsm_print_prometheus_netns() - several namespaces' replies (-A)
 * @f: where
 * @st: the replies
 * @labels: the value of the label netns of each (tcpfsm_netns_label())
 * @n: how many
 * @flags: as tcpfsm_print_prometheus_flags()
 *
 * The series of tcpfsm_print_prometheus_flags(), each with netns="LABEL"
 * as its first label, but tcpfsm_build_info's, once. The text format
 * wants the samples of a family together, after its one HELP and TYPE:
 * each namespace is written apart, then the families are put together,
 * in the order they come in, the namespaces in the order of @st.
 *
 * Return: 0, or -1 (errno set) if memory ran out.
 */
int tcpfsm_print_prometheus_netns(FILE *f, const struct tcpfsm_stats *st,
				  const char *const *labels, size_t n,
				  unsigned int flags)
{
	struct prom p = { .f = f, .base = "" };
	struct prom_block b, o;
	char base[TCPFSM_PROM_BASE_LEN];
	const char *at;
	char **text;
	size_t i, j, len;
	int ret = -1;
	FILE *m;

	text = calloc(n ? n : 1, sizeof(*text));
	if (!text)
		return -1;
	for (i = 0; i < n; i++) {
		m = open_memstream(&text[i], &len);
		if (!m)
			goto out;
		base[0] = 0;
		label_add(base, sizeof(base), "netns", labels[i]);
		p.f = m;
		p.base = base;
		p.last = NULL;
		prom_figures(&p, &st[i], flags);
		if (fclose(m))
			goto out;
	}
	p.f = f;
	p.base = "";
	p.last = NULL;
	prom_build_info(&p);
	/* each family once: where it first comes, with every namespace's */
	for (i = 0; i < n; i++) {
		for (at = text[i]; prom_block_at(at, &b); at = b.next) {
			for (j = 0; j < i; j++)
				if (prom_block_find(text[j], b.name,
						    b.name_len, &o))
					break;
			if (j < i)
				continue;	/* written with namespace j's */
			fwrite(b.name - 7, 1, b.samples - (b.name - 7), f);
			for (j = i; j < n; j++)
				if (prom_block_find(text[j], b.name,
						    b.name_len, &o))
					fwrite(o.samples, 1, o.samples_len, f);
		}
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(text[i]);
	free(text);
	return ret;
}
