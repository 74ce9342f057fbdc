/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: the figures of a GET reply, one descriptor each, which the text,
 * the JSON and the Prometheus output all read: a counter the module adds
 * reaches the three by one row of figures.c.
 */
#ifndef TCPFSM_FIGURES_H
#define TCPFSM_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/* A Prometheus metric family */
struct tcpfsm_metric {
	const char *name;
	const char *type;		/* "counter", "gauge", "histogram" */
	const char *help;
};

/* The groups of the scalar figures: an object each in JSON */
enum tcpfsm_figure_group {
	TCPFSM_FIG_EVENTS,		/* "events": the line events: in text */
	TCPFSM_FIG_TRACKING,		/* "tracking": the line tracking: */
	TCPFSM_FIG_TIMEWAIT,		/* "timewait": the end of that line */
	TCPFSM_FIG_NR_GROUPS,
};

/*
 * A scalar figure of the stats set: an attribute TCPFSM_A_STATS_x, a u64
 * or a u32 as the spec says (spec.c), kept in a field of struct
 * tcpfsm_stats, its bit in ->present when the reply had it.
 */
struct tcpfsm_figure {
	unsigned int attr;
	size_t offset;			/* of its field in struct tcpfsm_stats */
	enum tcpfsm_figure_group group;
	const char *key;		/* its key in its group's JSON object */
	const char *text;		/* in text: a format of its value or "-" */
	struct tcpfsm_metric metric;
	const char *cause;		/* label cause="..." in Prometheus, or NULL */
	unsigned int prom_order;	/* its place among the families there */
};

extern const struct tcpfsm_figure tcpfsm_figures[];
extern const unsigned int tcpfsm_nr_figures;
extern const char *const tcpfsm_figure_groups[TCPFSM_FIG_NR_GROUPS];

struct nlattr;

const struct tcpfsm_figure *tcpfsm_figure_of(unsigned int attr);
void tcpfsm_figure_set(struct tcpfsm_stats *st, const struct tcpfsm_figure *fig,
		       const struct nlattr *attr);
bool tcpfsm_figure_present(const struct tcpfsm_stats *st,
			   const struct tcpfsm_figure *fig);
uint64_t tcpfsm_figure_value(const struct tcpfsm_stats *st,
			     const struct tcpfsm_figure *fig);

/* A figure of each state: a column in text, a key in JSON, a family */
struct tcpfsm_state_figure {
	const char *key;		/* JSON key and text column */
	size_t has;			/* offset of its bool "present" */
	size_t offset;			/* of its value */
	bool is_signed;			/* int64_t, else uint64_t */
	struct tcpfsm_metric metric;	/* with the label state="..." */
};

extern const struct tcpfsm_state_figure tcpfsm_state_figures[];
extern const unsigned int tcpfsm_nr_state_figures;

bool tcpfsm_state_figure_present(const struct tcpfsm_state_stats *s,
				 const struct tcpfsm_state_figure *fig);
int64_t tcpfsm_state_figure_s64(const struct tcpfsm_state_stats *s,
				const struct tcpfsm_state_figure *fig);
uint64_t tcpfsm_state_figure_u64(const struct tcpfsm_state_stats *s,
				 const struct tcpfsm_state_figure *fig);

/*
 * A figure of each timewait substate (FIN_WAIT2, TIME_WAIT): a column in
 * text, a key in JSON, a family with the label substate="..."
 */
struct tcpfsm_tw_figure {
	unsigned int attr;		/* TCPFSM_A_TIMEWAIT_STATS_x */
	const char *key;
	bool is_signed;			/* int64_t, else uint64_t */
	struct tcpfsm_metric metric;
};

extern const struct tcpfsm_tw_figure tcpfsm_tw_figures[];
extern const unsigned int tcpfsm_nr_tw_figures;

bool tcpfsm_tw_figure_present(const struct tcpfsm_tw_stats *tw,
			      unsigned int attr);

/*
 * A figure of the handshake nest (request sockets): a column in text, a
 * key in JSON, a sample of its family, with the label outcome="..." if it
 * has one. current has no family: it is tcpfsm_sockets{state="NEW_SYN_RECV"}.
 */
struct tcpfsm_hs_figure {
	unsigned int attr;		/* TCPFSM_A_HANDSHAKE_STATS_x */
	const char *key;
	bool is_signed;			/* int64_t, else uint64_t */
	struct tcpfsm_metric metric;	/* .name NULL: not in Prometheus */
	const char *outcome;		/* label outcome="..." or NULL */
};

extern const struct tcpfsm_hs_figure tcpfsm_hs_figures[];
extern const unsigned int tcpfsm_nr_hs_figures;

bool tcpfsm_hs_figure_present(const struct tcpfsm_hs_stats *hs,
			      unsigned int attr);

/* The families of the transitions and of the time-in-state histograms */
extern const struct tcpfsm_metric tcpfsm_metric_transitions;
extern const struct tcpfsm_metric tcpfsm_metric_duration;
/* and of the handshake's histogram: first SYN-ACK to final ACK */
extern const struct tcpfsm_metric tcpfsm_metric_handshake;

#endif /* TCPFSM_FIGURES_H */
