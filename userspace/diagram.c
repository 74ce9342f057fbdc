// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the RFC 9293 state diagram (its figure 5, as Linux walks it),
 * drawn in 80 columns of plain ASCII from a GET reply.
 *
 * Each box is a state: the sockets in it now, and the median of the times
 * tracked sockets stayed in it (from its time-in-state histogram, by
 * linear interpolation within the log2 bucket that holds it, as
 * Prometheus' histogram_quantile() does). Each arrow is an edge: the
 * transitions that took it since the module was loaded. "-" is a figure
 * the module does not send.
 *
 * Every figure is a sum of terms (struct term) read from the reply: a
 * cell of the transition matrix, a figure of a timewait substate, a state's
 * current. A term the module does not send yet is NOT_SENT, which makes
 * the figure "-": when it comes, the term that reads it replaces NOT_SENT
 * in the row of the edge, and the drawing shows it. The drawing is a
 * template: "{nX<<}" is the current of state X, "{mX..}" its median,
 * "{eX......}" the count of edge X, each as wide as its token, "<" left
 * aligned, "." right aligned. An edge without a place in the template is
 * listed below it, as is every other transition that happened.
 */
#include <inttypes.h>
#include <string.h>

#include "diagram.h"
#include "figures.h"
#include "hist.h"
#include "json_print.h"
#include "states.h"
#include "util.h"

enum term_kind {
	TERM_END,		/* no more terms */
	TERM_TRANS,		/* trans[a][b] */
	TERM_TW,		/* tw[a].fig[b]: substate a, attribute b */
	TERM_CURRENT,		/* state[a].current */
	TERM_FROM,		/* tw[a].from[b]: created in substate a from b */
	TERM_OPT_FROM,		/* the same, 0 if the module does not send it */
	TERM_NOT_SENT,		/* a figure the module does not send */
};

struct term {
	enum term_kind kind;
	unsigned int a, b;
	int sign;
};

#define MAX_TERMS	4

#define TRANS(_o, _n)	{ TERM_TRANS, TCPFSM_STATE_##_o, TCPFSM_STATE_##_n, 1 }
#define MINUS_TRANS(_o, _n) \
			{ TERM_TRANS, TCPFSM_STATE_##_o, TCPFSM_STATE_##_n, -1 }
#define TW(_sub, _f)	{ TERM_TW, TCPFSM_STATE_##_sub, \
			  TCPFSM_A_TIMEWAIT_STATS_##_f, 1 }
#define MINUS_TW(_sub, _f) \
			{ TERM_TW, TCPFSM_STATE_##_sub, \
			  TCPFSM_A_TIMEWAIT_STATS_##_f, -1 }
#define FROM(_sub, _x)	{ TERM_FROM, TCPFSM_STATE_##_sub, TCPFSM_STATE_##_x, 1 }
#define MINUS_FROM(_sub, _x) \
			{ TERM_FROM, TCPFSM_STATE_##_sub, TCPFSM_STATE_##_x, -1 }
#define OPT_FROM(_sub, _x) \
			{ TERM_OPT_FROM, TCPFSM_STATE_##_sub, TCPFSM_STATE_##_x, 1 }
#define MINUS_OPT_FROM(_sub, _x) \
			{ TERM_OPT_FROM, TCPFSM_STATE_##_sub, TCPFSM_STATE_##_x, -1 }
#define CURRENT(_s)	{ TERM_CURRENT, TCPFSM_STATE_##_s, 0, 1 }
#define NOT_SENT	{ TERM_NOT_SENT, 0, 0, 1 }

/*
 * The states of the diagram, in the order of the JSON object. The box of
 * SYN_RECV holds the request sockets too (NEW_SYN_RECV), as ss shows both
 * as SYN-RECV. med: the state whose histogram gives the median, 0 none.
 */
static const struct dg_state {
	unsigned int state;
	char id;			/* of its tokens in the template */
	struct term current[MAX_TERMS];
	unsigned int med;
} dg_states[] = {
	{ TCPFSM_STATE_CLOSE, 'k', { NOT_SENT }, 0 },
	{ TCPFSM_STATE_LISTEN, 'l', { CURRENT(LISTEN) }, 0 },
	{ TCPFSM_STATE_SYN_SENT, 's', { CURRENT(SYN_SENT) },
	  TCPFSM_STATE_SYN_SENT },
	{ TCPFSM_STATE_SYN_RECV, 'r',
	  { CURRENT(SYN_RECV), CURRENT(NEW_SYN_RECV) }, TCPFSM_STATE_SYN_RECV },
	{ TCPFSM_STATE_ESTABLISHED, 'e', { CURRENT(ESTABLISHED) },
	  TCPFSM_STATE_ESTABLISHED },
	{ TCPFSM_STATE_FIN_WAIT1, 'f', { CURRENT(FIN_WAIT1) },
	  TCPFSM_STATE_FIN_WAIT1 },
	{ TCPFSM_STATE_FIN_WAIT2, 'g', { CURRENT(FIN_WAIT2) },
	  TCPFSM_STATE_FIN_WAIT2 },
	{ TCPFSM_STATE_CLOSING, 'i', { CURRENT(CLOSING) },
	  TCPFSM_STATE_CLOSING },
	{ TCPFSM_STATE_TIME_WAIT, 't', { CURRENT(TIME_WAIT) }, 0 },
	{ TCPFSM_STATE_CLOSE_WAIT, 'w', { CURRENT(CLOSE_WAIT) },
	  TCPFSM_STATE_CLOSE_WAIT },
	{ TCPFSM_STATE_LAST_ACK, 'a', { CURRENT(LAST_ACK) },
	  TCPFSM_STATE_LAST_ACK },
};

/*
 * The edges, in the order of the JSON array. A full socket that becomes a
 * timewait socket goes to CLOSE in the matrix (tcp_time_wait() then
 * tcp_done()): the edges into TIME_WAIT, and the orphans' FIN_WAIT2 (a
 * timewait socket in substate FIN_WAIT2), come from the timewait figures,
 * created-from taking them out of X -> CLOSE, as /proc/net/tcpfsm/machine
 * (tcpfsm_tw_machine() of the module) does: the edges sum to its cells.
 * via "orphan": that timewait socket in FIN_WAIT2. id 0: not drawn.
 */
static const struct dg_edge {
	unsigned int from, to;
	const char *via;
	char id;
	struct term terms[MAX_TERMS];
} dg_edges[] = {
	{ TCPFSM_STATE_CLOSE, TCPFSM_STATE_LISTEN, NULL, 'a', { TRANS(CLOSE, LISTEN) } },
	{ TCPFSM_STATE_CLOSE, TCPFSM_STATE_SYN_SENT, NULL, 'b', { TRANS(CLOSE, SYN_SENT) } },
	{ TCPFSM_STATE_LISTEN, TCPFSM_STATE_CLOSE, NULL, 'c', { TRANS(LISTEN, CLOSE) } },
	{ TCPFSM_STATE_LISTEN, TCPFSM_STATE_SYN_RECV, NULL, 'd', { TRANS(LISTEN, SYN_RECV) } },
	{ TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECV, NULL, 'e', { TRANS(SYN_SENT, SYN_RECV) } },
	{ TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_ESTABLISHED, NULL, 'f', { TRANS(SYN_SENT, ESTABLISHED) } },
	{ TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_CLOSE, NULL, 'g', { TRANS(SYN_SENT, CLOSE) } },
	{ TCPFSM_STATE_SYN_RECV, TCPFSM_STATE_ESTABLISHED, NULL, 'h', { TRANS(SYN_RECV, ESTABLISHED) } },
	{ TCPFSM_STATE_SYN_RECV, TCPFSM_STATE_FIN_WAIT1, NULL, 'i', { TRANS(SYN_RECV, FIN_WAIT1) } },
	{ TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_FIN_WAIT1, NULL, 'j', { TRANS(ESTABLISHED, FIN_WAIT1) } },
	{ TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_CLOSE_WAIT, NULL, 'k', { TRANS(ESTABLISHED, CLOSE_WAIT) } },
	{ TCPFSM_STATE_FIN_WAIT1, TCPFSM_STATE_FIN_WAIT2, NULL, 'l',
	  { TRANS(FIN_WAIT1, FIN_WAIT2), OPT_FROM(FIN_WAIT2, FIN_WAIT1) } },
	{ TCPFSM_STATE_FIN_WAIT1, TCPFSM_STATE_CLOSING, NULL, 'm', { TRANS(FIN_WAIT1, CLOSING) } },
	/* timewait sockets created from FIN_WAIT1 */
	{ TCPFSM_STATE_FIN_WAIT1, TCPFSM_STATE_TIME_WAIT, NULL, 'n',
	  { TRANS(FIN_WAIT1, TIME_WAIT), FROM(TIME_WAIT, FIN_WAIT1) } },
	/* created in TIME_WAIT from a full FIN_WAIT2 */
	{ TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_TIME_WAIT, NULL, 'o',
	  { TRANS(FIN_WAIT2, TIME_WAIT), FROM(TIME_WAIT, FIN_WAIT2) } },
	{ TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_TIME_WAIT, "orphan", 'p', { TW(TIME_WAIT, ENTERED) } },
	/* created from CLOSING */
	{ TCPFSM_STATE_CLOSING, TCPFSM_STATE_TIME_WAIT, NULL, 'q',
	  { TRANS(CLOSING, TIME_WAIT), FROM(TIME_WAIT, CLOSING) } },
	{ TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSE, NULL, 'r',
	  { TW(TIME_WAIT, TIMER), TW(TIME_WAIT, REUSED), TW(TIME_WAIT, KILLED) } },
	{ TCPFSM_STATE_CLOSE_WAIT, TCPFSM_STATE_LAST_ACK, NULL, 's', { TRANS(CLOSE_WAIT, LAST_ACK) } },
	{ TCPFSM_STATE_LAST_ACK, TCPFSM_STATE_CLOSE, NULL, 't', { TRANS(LAST_ACK, CLOSE) } },
	{ TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_CLOSE, "orphan", 'u',
	  { TW(FIN_WAIT2, TIMER), TW(FIN_WAIT2, REUSED), TW(FIN_WAIT2, KILLED) } },
	/* full sockets closed otherwise than into a timewait socket */
	{ TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_CLOSE, NULL, 0,
	  { TRANS(FIN_WAIT2, CLOSE), MINUS_FROM(FIN_WAIT2, FIN_WAIT2),
	    MINUS_FROM(TIME_WAIT, FIN_WAIT2) } },
	{ TCPFSM_STATE_CLOSING, TCPFSM_STATE_CLOSE, NULL, 0,
	  { TRANS(CLOSING, CLOSE), MINUS_FROM(TIME_WAIT, CLOSING),
	    MINUS_OPT_FROM(FIN_WAIT2, CLOSING) } },
};

static const char *const dg_template[] = {
	"                               +---------------+",
	"                               |    CLOSED     |",
	"                               | {nk<<} {mk..} |",
	"                               +---------------+",
	"                 passive open   |   ^     ^   |   active open",
	"                 {ea<<<<<<}     |   |     |   |   {eb<<<<<<}",
	"              +-----------------+   |     |   +-----------------+",
	"              |  close {ec<<<<<<}   |     |  close {eg<<<<<<}   |",
	"              v                     |     |  (refused, timeout) v",
	"     +---------------+              |     |             +---------------+",
	"     |    LISTEN     |--------------+     +-------------|   SYN_SENT    |",
	"     | {nl<<} {ml..} |                                  | {ns<<} {ms..} |",
	"     +---------------+                                  +---------------+",
	"              |  final ACK {ed<<<<<<}                     |         |",
	"              |            simultaneous open {ee<<<<<<}   |         |",
	"              v                                           |         |",
	"     +---------------+<-----------------------------------+         |",
	"     |   SYN_RECV    |                                              |",
	"     | {nr<<} {mr..} |                                   SYN-ACK    |",
	"     +---------------+                                   {ef<<<<<<} |",
	"       |         |  ACK {eh<<<<<<}                                  |",
	"       |         +-------------------------+   +--------------------+",
	"       |  close                            v   v",
	"       |  {ei<<<<<<}                 +---------------+",
	"       |                             |  ESTABLISHED  |",
	"       |                             | {ne<<} {me..} |",
	"       |                             +---------------+",
	"       |             close {ej<<<<<<}  |           |  peer's FIN {ek<<<<<<}",
	"       v                               |           |",
	"+---------------+<---------------------+           +------->+---------------+",
	"|   FIN_WAIT1   |                                           |  CLOSE_WAIT   |",
	"| {nf<<} {mf..} |                                           | {nw<<} {mw..} |",
	"+---------------+                                           +---------------+",
	"  |    |      |  peer's FIN {em<<<<<<}                              |",
	"  |    |      +--------------------------+                          | close",
	"  |    |  FIN+ACK {en<<<<<<}             v                          | {es<<<<<<}",
	"  |    +---------------+         +---------------+                  v",
	"  | ACK {el<<<<<<}     |         |    CLOSING    |          +---------------+",
	"  v                    |         | {ni<<} {mi..} |          |   LAST_ACK    |",
	"+---------------+      |         +---------------+          | {na<<} {ma..} |",
	"|   FIN_WAIT2   |      |           |  ACK {eq<<<<<<}        +---------------+",
	"| {ng<<} {mg..} |      v           v                                | ACK",
	"+---------------+    +---------------+  2MSL, reuse, kill           | {et<<<<<<}",
	"  |   |  peer's FIN  |   TIME_WAIT   |  {er<<<<<<}                  v",
	"  |   +------------->| {nt<<} {mt..} |----------------------->+---------------+",
	"  |  full {eo<<<<<<} +---------------+                        |    CLOSED     |",
	"  |  orphan {ep<<<<<<}                                        | {nk<<} {mk..} |",
	"  |  orphan's timeout, reuse, kill {eu<<<<<<}                 +---------------+",
	"  +-----------------------------------------------------------------^",
};

#undef NOT_SENT
#undef CURRENT
#undef MINUS_TW
#undef TW
#undef MINUS_TRANS
#undef TRANS

/* The sum of @terms, absent if the reply lacks one */
static struct tcpfsm_dg_value dg_sum(const struct tcpfsm_stats *st,
				     const struct term *terms)
{
	struct tcpfsm_dg_value r = { .present = true };
	const struct term *t;
	int64_t v;

	for (t = terms; t < terms + MAX_TERMS && t->kind != TERM_END; t++) {
		switch (t->kind) {
		case TERM_TRANS:
			if (!(st->trans_seen[t->a] & BIT(t->b)))
				return (struct tcpfsm_dg_value){ 0 };
			v = (int64_t)st->trans[t->a][t->b];
			break;
		case TERM_TW:
			if (!tcpfsm_tw_figure_present(&st->tw[t->a], t->b))
				return (struct tcpfsm_dg_value){ 0 };
			v = (int64_t)st->tw[t->a].fig[t->b];
			break;
		case TERM_FROM:
		case TERM_OPT_FROM:
			if (!(st->tw[t->a].from_seen & BIT(t->b))) {
				if (t->kind == TERM_FROM)
					return (struct tcpfsm_dg_value){ 0 };
				v = 0;
				break;
			}
			v = (int64_t)st->tw[t->a].from[t->b];
			break;
		case TERM_CURRENT:
			if (!st->state[t->a].present ||
			    !st->state[t->a].has_current)
				return (struct tcpfsm_dg_value){ 0 };
			v = st->state[t->a].current;
			break;
		default:
			return (struct tcpfsm_dg_value){ 0 };
		}
		r.v += t->sign * v;
	}
	return r;
}

/**
 * tcpfsm_dwell_median() - the median of a time-in-state histogram
 * @d: the histogram
 * @ns: the median, in nanoseconds: linear within the log2 bucket that
 *	holds it, the lower bound of the last, open-ended one
 *
 * Return: false if the reply had no histogram, or it has no sample.
 */
bool tcpfsm_dwell_median(const struct tcpfsm_dwell *d, uint64_t *ns)
{
	uint64_t total = 0, cum = 0, low, high;
	unsigned int i;
	double rank;

	if (!d->present)
		return false;
	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++)
		total += d->bucket[i];
	if (!total)
		return false;
	rank = total / 2.0;
	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++) {
		if (!d->bucket[i] || cum + d->bucket[i] < rank) {
			cum += d->bucket[i];
			continue;
		}
		low = tcpfsm_bucket_low_us(i) * 1000;
		if (i == TCPFSM_DWELL_BUCKETS - 1) {
			*ns = low;
			return true;
		}
		high = tcpfsm_bucket_high_us(i) * 1000;
		*ns = low + (uint64_t)((high - low) * ((rank - cum) /
						       d->bucket[i]));
		return true;
	}
	return false;	/* not reached */
}

/**
 * tcpfsm_diagram_edge() - the count of an edge of the diagram
 * @st: the reply
 * @from: its old state
 * @to: its new state
 * @via: "orphan", or NULL
 *
 * Return: the count; not present if the module does not send it, or the
 * diagram has no such edge.
 */
struct tcpfsm_dg_value tcpfsm_diagram_edge(const struct tcpfsm_stats *st,
					   unsigned int from, unsigned int to,
					   const char *via)
{
	const struct dg_edge *e;

	for (e = dg_edges; e < dg_edges + ARRAY_SIZE(dg_edges); e++)
		if (e->from == from && e->to == to &&
		    !e->via == !via && (!via || !strcmp(e->via, via)))
			return dg_sum(st, e->terms);
	return (struct tcpfsm_dg_value){ 0 };
}

static struct tcpfsm_dg_value dg_median(const struct tcpfsm_stats *st,
					const struct dg_state *s)
{
	/* TIME_WAIT: the timewait sockets' time in the substate */
	const struct tcpfsm_dwell *d = s->state == TCPFSM_STATE_TIME_WAIT ?
		&st->tw[TCPFSM_STATE_TIME_WAIT].dwell : &st->dwell[s->med];
	struct tcpfsm_dg_value r = { 0 };
	uint64_t ns;

	if ((s->med || s->state == TCPFSM_STATE_TIME_WAIT) &&
	    tcpfsm_dwell_median(d, &ns)) {
		r.present = true;
		r.v = (int64_t)ns;
	}
	return r;
}

/* A count in @width columns: 1234, or 12.3k, 123M... when it is wider */
static void count_str(struct tcpfsm_dg_value c, char *buf, size_t len,
		      unsigned int width)
{
	static const char units[] = "kMGTPE";
	uint64_t v, scale = 1;
	unsigned int i;

	if (!c.present) {
		snprintf(buf, len, "-");
		return;
	}
	if ((size_t)snprintf(buf, len, "%" PRId64, c.v) <= width || c.v < 0)
		return;
	v = (uint64_t)c.v;
	for (i = 0; units[i]; i++) {
		scale *= 1000;
		if (v / scale < 10)
			snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", v / scale,
				 v % scale / (scale / 10), units[i]);
		else
			snprintf(buf, len, "%" PRIu64 "%c", v / scale,
				 units[i]);
		if (strlen(buf) <= width)
			return;
	}
}

/* A duration in at most 5 columns: 850ns, 1.2us, 35ms, 59s, 2.5m, 3h, 12d */
static void dur_str(struct tcpfsm_dg_value d, char *buf, size_t len)
{
	static const struct {
		uint64_t scale, below;
		const char *unit;
	} units[] = {
		{ 1, 1000, "ns" }, { 1000, 1000, "us" },
		{ 1000000, 1000, "ms" }, { 1000000000ULL, 60, "s" },
		{ 60000000000ULL, 60, "m" }, { 3600000000000ULL, 24, "h" },
		{ 86400000000000ULL, UINT64_MAX, "d" },
	};
	uint64_t ns = (uint64_t)d.v, v;
	unsigned int i;

	if (!d.present) {
		snprintf(buf, len, "-");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		v = ns / units[i].scale;
		if (v >= units[i].below)
			continue;
		if (v < 10 && units[i].scale > 1)
			snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%s", v,
				 ns % units[i].scale / (units[i].scale / 10),
				 units[i].unit);
		else
			snprintf(buf, len, "%" PRIu64 "%s", v, units[i].unit);
		return;
	}
}

/* The text of token @tok (its kind and id) for @width columns */
static void token_text(const struct tcpfsm_stats *st, char kind, char id,
		       unsigned int width, char *buf, size_t len)
{
	unsigned int i;

	snprintf(buf, len, "?");
	if (kind == 'e') {
		for (i = 0; i < ARRAY_SIZE(dg_edges); i++)
			if (dg_edges[i].id == id)
				count_str(dg_sum(st, dg_edges[i].terms), buf,
					  len, width);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dg_states); i++) {
		if (dg_states[i].id != id)
			continue;
		if (kind == 'n')
			count_str(dg_sum(st, dg_states[i].current), buf, len,
				  width);
		else
			dur_str(dg_median(st, &dg_states[i]), buf, len);
	}
}

/* A line of the template, its tokens replaced, without trailing blanks */
static void draw_line(FILE *f, const struct tcpfsm_stats *st, const char *l)
{
	char line[TCPFSM_DIAGRAM_WIDTH * 2], buf[32];
	size_t off = 0, n;
	const char *end;
	int width;

	while (*l && off < sizeof(line) - 1) {
		end = *l == '{' ? strchr(l, '}') : NULL;
		if (!end) {
			line[off++] = *l++;
			continue;
		}
		width = end - l + 1;
		token_text(st, l[1], l[2], width, buf, sizeof(buf));
		n = snprintf(line + off, sizeof(line) - off,
			     l[3] == '<' ? "%-*.*s" : "%*.*s", width, width, buf);
		off = off + n < sizeof(line) ? off + n : sizeof(line) - 1;
		l = end + 1;
	}
	while (off && line[off - 1] == ' ')
		off--;
	line[off] = 0;
	fprintf(f, "%s\n", line);
}

/* Whether the matrix cell old -> new is a term of an edge */
static bool cell_in_edges(unsigned int old, unsigned int new)
{
	const struct term *t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dg_edges); i++)
		for (t = dg_edges[i].terms;
		     t < dg_edges[i].terms + MAX_TERMS && t->kind != TERM_END; t++)
			if (t->kind == TERM_TRANS && t->a == old && t->b == new)
				return true;
	return false;
}

/* In text, "FROM -> TO [(via)]  COUNT"; in JSON, an object of edges[] */
static void print_edge(unsigned int from, unsigned int to, const char *via,
		       struct tcpfsm_dg_value c)
{
	char name[40];

	open_json_object(NULL);
	snprintf(name, sizeof(name), "%s%s%s%s", tcpfsm_state_name(to),
		 via ? " (" : "", via ? via : "", via ? ")" : "");
	print_string(PRINT_ANY, "from", "  %-12s -> ", tcpfsm_state_name(from));
	print_string(PRINT_JSON, "to", NULL, tcpfsm_state_name(to));
	print_fp("%-21s", name);
	if (via)
		print_string(PRINT_JSON, "via", NULL, via);
	if (c.present)
		print_s64(PRINT_ANY, "count", " %12" PRId64 "\n", c.v);
	else
		print_null(PRINT_ANY, "count", " %12s\n", "-");
	close_json_object();
}

/*
 * A cell of the matrix as /proc/net/tcpfsm/machine has it: the full
 * sockets' X -> CLOSE that timewait sockets took over are X -> TIME_WAIT
 * (or X -> FIN_WAIT2) there. Unchanged where the module sends no
 * created-from.
 */
static int64_t machine_cell(const struct tcpfsm_stats *st, unsigned int old,
			    unsigned int new)
{
	static const unsigned int subs[] = {
		TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_TIME_WAIT,
	};
	int64_t v = (int64_t)st->trans[old][new];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		if (new == TCPFSM_STATE_CLOSE)
			v -= (int64_t)st->tw[subs[i]].from[old];
		else if (new == subs[i] && old != new)
			v += (int64_t)st->tw[subs[i]].from[old];
	}
	return v;
}

/* The edges not drawn, and every other transition that happened */
static void print_edges(const struct tcpfsm_stats *st, bool json)
{
	unsigned int i, old, new;

	print_fp("\nnot drawn:\n");
	open_json_array(PRINT_JSON, "edges");
	for (i = 0; i < ARRAY_SIZE(dg_edges); i++)
		if (json || !dg_edges[i].id)
			print_edge(dg_edges[i].from, dg_edges[i].to,
				   dg_edges[i].via,
				   dg_sum(st, dg_edges[i].terms));
	for (old = 1; old <= TCPFSM_NR_STATES; old++) {
		for (new = 1; new <= TCPFSM_NR_STATES; new++) {
			if (old == new || !machine_cell(st, old, new) ||
			    cell_in_edges(old, new))
				continue;
			print_edge(old, new, NULL, (struct tcpfsm_dg_value){
				   .present = true,
				   .v = machine_cell(st, old, new) });
		}
	}
	close_json_array(PRINT_JSON, NULL);
}

static void print_states_json(const struct tcpfsm_stats *st)
{
	struct tcpfsm_dg_value v;
	unsigned int i;

	open_json_object("states");
	for (i = 0; i < ARRAY_SIZE(dg_states); i++) {
		open_json_object(tcpfsm_state_name(dg_states[i].state));
		v = dg_sum(st, dg_states[i].current);
		if (v.present)
			print_s64(PRINT_JSON, "current", NULL, v.v);
		else
			print_null(PRINT_JSON, "current", NULL, NULL);
		v = dg_median(st, &dg_states[i]);
		if (v.present)
			print_u64(PRINT_JSON, "median_ns", NULL, (uint64_t)v.v);
		else
			print_null(PRINT_JSON, "median_ns", NULL, NULL);
		close_json_object();
	}
	close_json_object();
}

/**
 * tcpfsm_print_diagram() - the RFC 9293 diagram of a GET reply
 * @f: where
 * @fmt: text: the drawing, then the edges it has no place for and the
 *	other transitions that happened; JSON: {"states": {NAME: {"current",
 *	"median_ns"}}, "edges": [{"from", "to", ["via",] "count"}]}, every
 *	edge of the diagram then every other transition that happened, a
 *	figure the module does not send null
 * @st: the reply
 */
void tcpfsm_print_diagram(FILE *f, enum tcpfsm_fmt fmt,
			  const struct tcpfsm_stats *st)
{
	unsigned int i;

	new_json_obj(f, fmt);
	open_json_object(NULL);
	if (fmt == TCPFSM_FMT_TEXT) {
		for (i = 0; i < ARRAY_SIZE(dg_template); i++)
			draw_line(f, st, dg_template[i]);
		fputs("\nBoxes: the sockets in the state now, and the median time in it.\n"
		      "Arrows: the transitions since the module was loaded; orphan: a\n"
		      "timewait socket in FIN_WAIT2. \"-\": not counted by the module.\n", f);
	} else {
		print_states_json(st);
	}
	print_edges(st, fmt != TCPFSM_FMT_TEXT);
	close_json_object();
	delete_json_obj();
}
