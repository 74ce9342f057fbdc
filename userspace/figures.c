// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the figures of a GET reply, one row each (figures.h).
 *
 * To parse and show a new scalar attribute of the stats set: its field in
 * struct tcpfsm_stats (nl.h), and one row here, in the order of its group
 * in text and JSON, with the next prom_order. nl.c parses the attributes
 * of the rows; a figure a reply lacks (an older module) is shown as
 * absent, except that the histograms need every one of "tracking".
 */
#include "figures.h"
#include "spec.h"
#include "util.h"

#define FIGURE(_attr, _field, _group, _key, _text, _name, _type, _help, ...) \
	{ .attr = TCPFSM_A_STATS_##_attr, \
	  .offset = offsetof(struct tcpfsm_stats, _field), \
	  .group = TCPFSM_FIG_##_group, .key = _key, .text = _text, \
	  .metric = { _name, _type, _help }, __VA_ARGS__ }
#define LOST(_attr, _field, _cause, _order) \
	FIGURE(_attr, _field, EVENTS, "lost_" _cause, ", lost_" _cause " %s", \
	       "tcpfsm_events_lost_total", "counter", \
	       "Transition events lost, by cause.", \
	       .cause = _cause, .prom_order = _order)

const struct tcpfsm_figure tcpfsm_figures[] = {
	FIGURE(EVENTS_SENT, events_sent, EVENTS, "sent", " sent %s",
	       "tcpfsm_events_sent_total", "counter",
	       "Transition events sent to the events group.",
	       .prom_order = 4),
	LOST(EVENTS_LOST_OVERFLOW, events_lost_overflow, "overflow", 5),
	LOST(EVENTS_LOST_NOMEM, events_lost_nomem, "nomem", 6),
	LOST(EVENTS_LOST_RCVBUF, events_lost_rcvbuf, "rcvbuf", 7),
	FIGURE(EVENTS_UNHEARD, events_unheard, EVENTS, "unheard",
	       ", unheard %s", "tcpfsm_events_unheard_total", "counter",
	       "Transition events sent while nobody in the namespace listened.",
	       .prom_order = 8),
	FIGURE(TRACKED, tracked, TRACKING, "tracked", "tracking: %s sockets",
	       "tcpfsm_tracked_sockets", "gauge",
	       "Sockets whose time of entering their state is tracked now.",
	       .prom_order = 0),
	FIGURE(TRACK_SIZE, track_size, TRACKING, "size", " of %s",
	       "tcpfsm_track_table_size", "gauge",
	       "Capacity of the table of tracked sockets, 0 when disabled.",
	       .prom_order = 2),
	FIGURE(UNTRACKED, untracked, TRACKING, "untracked", ", %s untracked",
	       "tcpfsm_untracked_sockets_total", "counter",
	       "Sockets not tracked because the table was full, since load.",
	       .prom_order = 1),
	FIGURE(TIMEWAIT_CREATED, timewait_created, TIMEWAIT, "created",
	       "; timewait: created %s", "tcpfsm_timewait_created_total",
	       "counter",
	       "Timewait sockets created since the module was loaded.",
	       .prom_order = 3),
};

#undef LOST
#undef FIGURE

const unsigned int tcpfsm_nr_figures = ARRAY_SIZE(tcpfsm_figures);

const char *const tcpfsm_figure_groups[TCPFSM_FIG_NR_GROUPS] = {
	[TCPFSM_FIG_EVENTS] = "events",
	[TCPFSM_FIG_TRACKING] = "tracking",
	[TCPFSM_FIG_TIMEWAIT] = "timewait",
};

bool tcpfsm_figure_present(const struct tcpfsm_stats *st,
			   const struct tcpfsm_figure *fig)
{
	return st->present & BIT(fig->attr);
}

/* The row of attribute @attr of the stats set, or NULL */
const struct tcpfsm_figure *tcpfsm_figure_of(unsigned int attr)
{
	unsigned int i;

	for (i = 0; i < tcpfsm_nr_figures; i++)
		if (tcpfsm_figures[i].attr == attr)
			return &tcpfsm_figures[i];
	return NULL;
}

/**
 * tcpfsm_figure_set() - store a figure of a reply
 * @st: the reply
 * @fig: the figure
 * @attr: its attribute, validated as the spec says (a u32 or a u64)
 */
void tcpfsm_figure_set(struct tcpfsm_stats *st, const struct tcpfsm_figure *fig,
		       const struct nlattr *attr)
{
	char *p = (char *)st + fig->offset;

	if (tcpfsm_stats_set.attrs[fig->attr].type == MNL_TYPE_U32)
		*(uint32_t *)p = mnl_attr_get_u32(attr);
	else
		*(uint64_t *)p = mnl_attr_get_u64(attr);
}

/* The figure's value, of the width the spec gives its attribute */
uint64_t tcpfsm_figure_value(const struct tcpfsm_stats *st,
			     const struct tcpfsm_figure *fig)
{
	const char *p = (const char *)st + fig->offset;

	if (tcpfsm_stats_set.attrs[fig->attr].type == MNL_TYPE_U32)
		return *(const uint32_t *)p;
	return *(const uint64_t *)p;
}

#define STATE_FIGURE(_key, _has, _field, _signed, _name, _type, _help) \
	{ .key = _key, .has = offsetof(struct tcpfsm_state_stats, _has), \
	  .offset = offsetof(struct tcpfsm_state_stats, _field), \
	  .is_signed = _signed, .metric = { _name, _type, _help } }

const struct tcpfsm_state_figure tcpfsm_state_figures[] = {
	STATE_FIGURE("current", has_current, current, true,
		     "tcpfsm_sockets", "gauge",
		     "Sockets in each TCP state now."),
	STATE_FIGURE("entered", has_flow, entered, false,
		     "tcpfsm_state_entered_total", "counter",
		     "Transitions into each TCP state from another state."),
	STATE_FIGURE("left", has_flow, left, false,
		     "tcpfsm_state_left_total", "counter",
		     "Transitions out of each TCP state to another state."),
};

#undef STATE_FIGURE

const unsigned int tcpfsm_nr_state_figures = ARRAY_SIZE(tcpfsm_state_figures);

bool tcpfsm_state_figure_present(const struct tcpfsm_state_stats *s,
				 const struct tcpfsm_state_figure *fig)
{
	return *(const bool *)((const char *)s + fig->has);
}

int64_t tcpfsm_state_figure_s64(const struct tcpfsm_state_stats *s,
				const struct tcpfsm_state_figure *fig)
{
	return *(const int64_t *)((const char *)s + fig->offset);
}

uint64_t tcpfsm_state_figure_u64(const struct tcpfsm_state_stats *s,
				 const struct tcpfsm_state_figure *fig)
{
	return *(const uint64_t *)((const char *)s + fig->offset);
}

#define TW_FIGURE(_attr, _key, _signed, _name, _type, _help) \
	{ .attr = TCPFSM_A_TIMEWAIT_STATS_##_attr, .key = _key, \
	  .is_signed = _signed, .metric = { _name, _type, _help } }

/* In the order of /proc/net/tcpfsm/timewait's columns */
const struct tcpfsm_tw_figure tcpfsm_tw_figures[] = {
	TW_FIGURE(CURRENT, "current", true, "tcpfsm_timewait_sockets", "gauge",
		  "Timewait sockets in each substate now."),
	TW_FIGURE(CREATED, "created", false,
		  "tcpfsm_timewait_substate_created_total", "counter",
		  "Timewait sockets created in each substate."),
	TW_FIGURE(REFUSED, "refused", false,
		  "tcpfsm_timewait_substate_refused_total", "counter",
		  "Timewait sockets not created, tcp_max_tw_buckets reached."),
	TW_FIGURE(ENTERED, "entered", false,
		  "tcpfsm_timewait_substate_entered_total", "counter",
		  "Timewait sockets that entered the substate from the other one."),
	TW_FIGURE(LEFT, "left", false,
		  "tcpfsm_timewait_substate_left_total", "counter",
		  "Timewait sockets that left the substate for the other one."),
	TW_FIGURE(TIMER, "timer", false,
		  "tcpfsm_timewait_substate_timer_total", "counter",
		  "Timewait sockets ended by their timer."),
	TW_FIGURE(REUSED, "reused", false,
		  "tcpfsm_timewait_substate_reused_total", "counter",
		  "Timewait sockets taken over early by a new connection."),
	TW_FIGURE(KILLED, "killed", false,
		  "tcpfsm_timewait_substate_killed_total", "counter",
		  "Timewait sockets ended otherwise before their timer."),
};

#undef TW_FIGURE

const unsigned int tcpfsm_nr_tw_figures = ARRAY_SIZE(tcpfsm_tw_figures);

/* Whether the reply had figure @attr of the substate of @tw */
bool tcpfsm_tw_figure_present(const struct tcpfsm_tw_stats *tw,
			      unsigned int attr)
{
	return tw->present && (tw->has & BIT(attr));
}

#define HS_FIGURE(_attr, _key, _signed, _name, _type, _help, _outcome) \
	{ .attr = TCPFSM_A_HANDSHAKE_STATS_##_attr, .key = _key, \
	  .is_signed = _signed, .metric = { _name, _type, _help }, \
	  .outcome = _outcome }
#define HS_ENDED(_attr, _key) \
	HS_FIGURE(_attr, _key, false, "tcpfsm_handshake_requests_ended_total", \
		  "counter", \
		  "Request sockets gone, by outcome: completed (a child took " \
		  "their place), expired, orphaned (timer, listener closed), " \
		  "dropped.", _key)

/*
 * In the order of /proc/net/tcpfsm/handshake's lines; the samples of a
 * family together (the four ends)
 */
const struct tcpfsm_hs_figure tcpfsm_hs_figures[] = {
	HS_FIGURE(CURRENT, "current", true, NULL, NULL, NULL, NULL),
	HS_FIGURE(CREATED, "created", false,
		  "tcpfsm_handshake_requests_created_total", "counter",
		  "Request sockets created: SYNs answered by a SYN-ACK.", NULL),
	HS_ENDED(COMPLETED, "completed"),
	HS_ENDED(EXPIRED, "expired"),
	HS_ENDED(ORPHANED, "orphaned"),
	HS_ENDED(DROPPED, "dropped"),
	HS_FIGURE(COOKIES, "cookies", false, "tcpfsm_handshake_cookies_total",
		  "counter",
		  "Handshakes completed by a SYN cookie, without a request socket.",
		  NULL),
};

#undef HS_ENDED
#undef HS_FIGURE

const unsigned int tcpfsm_nr_hs_figures = ARRAY_SIZE(tcpfsm_hs_figures);

/* Whether the reply had figure @attr of the handshake nest */
bool tcpfsm_hs_figure_present(const struct tcpfsm_hs_stats *hs,
			      unsigned int attr)
{
	return hs->present && (hs->has & BIT(attr));
}

const struct tcpfsm_metric tcpfsm_metric_transitions = {
	"tcpfsm_transitions_total", "counter",
	"TCP state transitions, by old and new state.",
};

const struct tcpfsm_metric tcpfsm_metric_duration = {
	"tcpfsm_state_duration_seconds", "histogram",
	"Time tracked sockets stayed in a TCP state before they left it.",
};

const struct tcpfsm_metric tcpfsm_metric_handshake = {
	"tcpfsm_handshake_duration_seconds", "histogram",
	"Time from a request socket's first SYN-ACK to the final ACK, completed handshakes.",
};
