// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: text and JSON output, each view written once with the calls of
 * json_print.h.
 *
 * Text: the table of /proc/net/tcpfsm/states (same columns, "-" where a
 * figure does not exist), the transitions as "OLD -> NEW  COUNT" in state
 * order, the timewait substates and the handshake (request sockets) as
 * /proc/net/tcpfsm/timewait and handshake, and the event counters on one
 * line. JSON: the same as one object, absent figures omitted.
 *
 * The monitor: one line per event, per loss; in JSON one object a line.
 *
 * tcpfsm top: the timewait sockets now, since load, and their top ports.
 * The addresses, ports and durations the other outputs share.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "figures.h"
#include "netns.h"
#include "output.h"
#include "states.h"
#include "util.h"

#define TRANS_HEADER	"%-12s    %-12s %12s\n"

/* The text lines of the scalar figures: events, or tracking and timewait */
static bool line_shown(const struct tcpfsm_stats *st, bool events)
{
	const struct tcpfsm_figure *fig;

	for (fig = tcpfsm_figures; fig < tcpfsm_figures + tcpfsm_nr_figures; fig++)
		if ((fig->group == TCPFSM_FIG_EVENTS) == events &&
		    tcpfsm_figure_present(st, fig))
			return true;
	return false;
}

/*
 * The figures of group @g: in JSON its object, of those the reply has, if
 * any; in text, if @text, each through its format, "-" if absent.
 */
static void print_group(const struct tcpfsm_stats *st,
			enum tcpfsm_figure_group g, bool text)
{
	const struct tcpfsm_figure *fig, *end = tcpfsm_figures + tcpfsm_nr_figures;
	bool any = false;
	char buf[24];

	for (fig = tcpfsm_figures; fig < end; fig++)
		if (fig->group == g && tcpfsm_figure_present(st, fig))
			any = true;
	if (any)
		open_json_object(tcpfsm_figure_groups[g]);
	for (fig = tcpfsm_figures; fig < end; fig++) {
		if (fig->group != g)
			continue;
		snprintf(buf, sizeof(buf), "-");
		if (tcpfsm_figure_present(st, fig)) {
			snprintf(buf, sizeof(buf), "%" PRIu64,
				 tcpfsm_figure_value(st, fig));
			print_u64(PRINT_JSON, fig->key, NULL,
				  tcpfsm_figure_value(st, fig));
		}
		if (text)
			print_string(PRINT_FP, NULL, fig->text, buf);
	}
	if (any)
		close_json_object();
}

/*
 * The scalar figures, those of a module before them left out:
 *	events: sent 10, lost_overflow 1, ...
 *	tracking: 12 sockets of 65536, 0 untracked; timewait: created 340
 * ("tracking: disabled" with no table).
 */
static void print_figures(const struct tcpfsm_stats *st)
{
	bool shown, disabled;

	if (line_shown(st, true)) {
		print_fp("\nevents:");
		print_group(st, TCPFSM_FIG_EVENTS, true);
		print_fp("\n");
	}
	disabled = (st->present & BIT(TCPFSM_A_STATS_TRACK_SIZE)) &&
		   !st->track_size;
	shown = line_shown(st, false);
	if (shown && disabled)
		print_fp("tracking: disabled");
	print_group(st, TCPFSM_FIG_TRACKING, shown && !disabled);
	print_group(st, TCPFSM_FIG_TIMEWAIT, shown);
	if (shown)
		print_fp("\n");
}

#define NR_PAIRS	(TCPFSM_NR_STATES * TCPFSM_NR_STATES)

/*
 * The @i-th pair of states, in state order, in *@old and *@new. Return:
 * whether it is shown: if its count is not zero, or with @all if both are
 * TCP states.
 */
static bool transition_shown(const struct tcpfsm_stats *st, bool all,
			     unsigned int i, unsigned int *old, unsigned int *new)
{
	*old = i / TCPFSM_NR_STATES + 1;
	*new = i % TCPFSM_NR_STATES + 1;
	return st->trans[*old][*new] ||
	       (all && *old <= TCPFSM_NR_TRANS_STATES &&
		*new <= TCPFSM_NR_TRANS_STATES);
}

/* A row of the table of states; an object in JSON, absent figures left out */
static void print_state_row(unsigned int state,
			    const struct tcpfsm_state_stats *s)
{
	const struct tcpfsm_state_figure *fig;
	unsigned int i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "state", "%-12s", tcpfsm_state_name(state));
	for (i = 0; i < tcpfsm_nr_state_figures; i++) {
		fig = &tcpfsm_state_figures[i];
		if (!tcpfsm_state_figure_present(s, fig))
			print_fp(" %12s", "-");
		else if (fig->is_signed)
			print_s64(PRINT_ANY, fig->key, " %12" PRId64,
				  tcpfsm_state_figure_s64(s, fig));
		else
			print_u64(PRINT_ANY, fig->key, " %12" PRIu64,
				  tcpfsm_state_figure_u64(s, fig));
	}
	print_fp("\n");
	close_json_object();
}

/* In text: state, and the figures of each state */
static void print_state_header(void)
{
	unsigned int i;

	print_fp("%-12s", "state");
	for (i = 0; i < tcpfsm_nr_state_figures; i++)
		print_fp(" %12s", tcpfsm_state_figures[i].key);
	print_fp("\n");
}

static void print_transitions(const struct tcpfsm_stats *st, bool all)
{
	unsigned int i, old, new, shown = 0;

	print_fp("\n" TRANS_HEADER, "old", "new", "count");
	open_json_array(PRINT_JSON, "transitions");
	for (i = 0; i < NR_PAIRS; i++) {
		if (!transition_shown(st, all, i, &old, &new))
			continue;
		open_json_object(NULL);
		print_string(PRINT_ANY, "old", "%-12s -> ",
			     tcpfsm_state_name(old));
		print_string(PRINT_ANY, "new", "%-12s ", tcpfsm_state_name(new));
		print_u64(PRINT_ANY, "count", "%12" PRIu64 "\n",
			  st->trans[old][new]);
		close_json_object();
		shown++;
	}
	close_json_array(PRINT_JSON, NULL);
	if (!shown)
		print_fp("(none)\n");
}

/*
 * The timewait substates the reply has, as /proc/net/tcpfsm/timewait:
 * "timewait_substates" in JSON, absent figures left out
 */
static void print_tw_substates(const struct tcpfsm_stats *st)
{
	static const unsigned int subs[] = {
		TCPFSM_STATE_FIN_WAIT2, TCPFSM_STATE_TIME_WAIT,
	};
	const struct tcpfsm_tw_figure *fig;
	const struct tcpfsm_tw_stats *tw;
	unsigned int i, f;

	if (!st->tw[subs[0]].present && !st->tw[subs[1]].present)
		return;
	print_fp("\n%-12s", "substate");
	for (f = 0; f < tcpfsm_nr_tw_figures; f++)
		print_fp(" %12s", tcpfsm_tw_figures[f].key);
	print_fp("\n");
	open_json_array(PRINT_JSON, "timewait_substates");
	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		tw = &st->tw[subs[i]];
		if (!tw->present)
			continue;
		open_json_object(NULL);
		print_string(PRINT_ANY, "substate", "%-12s",
			     tcpfsm_state_name(subs[i]));
		for (f = 0; f < tcpfsm_nr_tw_figures; f++) {
			fig = &tcpfsm_tw_figures[f];
			if (!tcpfsm_tw_figure_present(tw, fig->attr))
				print_fp(" %12s", "-");
			else if (fig->is_signed)
				print_s64(PRINT_ANY, fig->key, " %12" PRId64,
					  (int64_t)tw->fig[fig->attr]);
			else
				print_u64(PRINT_ANY, fig->key, " %12" PRIu64,
					  tw->fig[fig->attr]);
		}
		print_fp("\n");
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

/*
 * The server's side of the handshake, if the reply has it, as
 * /proc/net/tcpfsm/handshake: a table of one row, NEW_SYN_RECV (the
 * request sockets); "handshake" in JSON, absent figures left out
 */
static void print_handshake(const struct tcpfsm_stats *st)
{
	const struct tcpfsm_hs_figure *fig;
	const struct tcpfsm_hs_stats *hs = &st->hs;
	unsigned int f;

	if (!hs->present)
		return;
	print_fp("\n%-12s", "handshake");
	for (f = 0; f < tcpfsm_nr_hs_figures; f++)
		print_fp(" %12s", tcpfsm_hs_figures[f].key);
	print_fp("\n%-12s", tcpfsm_state_name(TCPFSM_STATE_NEW_SYN_RECV));
	open_json_object("handshake");
	for (f = 0; f < tcpfsm_nr_hs_figures; f++) {
		fig = &tcpfsm_hs_figures[f];
		if (!tcpfsm_hs_figure_present(hs, fig->attr))
			print_fp(" %12s", "-");
		else if (fig->is_signed)
			print_s64(PRINT_ANY, fig->key, " %12" PRId64,
				  (int64_t)hs->fig[fig->attr]);
		else
			print_u64(PRINT_ANY, fig->key, " %12" PRIu64,
				  hs->fig[fig->attr]);
	}
	print_fp("\n");
	close_json_object();
}

/* What stats shows of one namespace, in the object of its JSON */
static void print_stats_body(const struct tcpfsm_stats *st, bool all)
{
	unsigned int i;

	print_state_header();
	open_json_array(PRINT_JSON, "states");
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (st->state[i].present)
			print_state_row(i, &st->state[i]);
	close_json_array(PRINT_JSON, NULL);
	print_transitions(st, all);
	print_tw_substates(st);
	print_handshake(st);
	print_figures(st);
}

/**
 * tcpfsm_print_stats() - show a reply of TCPFSM_CMD_GET
 * @f: where
 * @fmt: how
 * @st: the reply
 * @all: show every transition between TCP states, not only those that
 *	happened
 */
void tcpfsm_print_stats(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_stats *st, bool all)
{
	new_json_obj(f, fmt);
	open_json_object(NULL);
	print_stats_body(st, all);
	close_json_object();
	delete_json_obj();
}

/* In text, a line before its figures; in JSON, "netns": {...} */
static void print_netns_id(const struct tcpfsm_netns_id *id)
{
	char label[TCPFSM_NETNS_LABEL_LEN];
	size_t i;

	print_fp("netns %s", tcpfsm_netns_label(id, label, sizeof(label)));
	open_json_object("netns");
	print_u64(PRINT_ANY, "inode", " (inode %" PRIu64, id->ino);
	print_u64(PRINT_ANY, "cookie", ", cookie %" PRIu64, id->cookie);
	if (id->nnames > 1)
		print_fp(", names");
	open_json_array(PRINT_JSON, "names");
	for (i = 0; i < id->nnames; i++)
		if (is_json_context())
			print_string(PRINT_JSON, NULL, NULL, id->names[i]);
		else if (id->nnames > 1)
			print_fp("%s%s", i ? "," : " ", id->names[i]);
	close_json_array(PRINT_JSON, NULL);
	if (id->pid)
		print_s64(PRINT_ANY, "pid", ", pid %" PRId64, id->pid);
	print_fp(")\n");
	close_json_object();
}

/**
 * tcpfsm_print_stats_netns() - the figures of several namespaces (-A)
 * @f: where
 * @fmt: how
 * @st: a reply of TCPFSM_CMD_NETNS_GET per namespace
 * @ids: what each is known by (@ids[i] for @st[i])
 * @n: how many
 * @all: as tcpfsm_print_stats()
 *
 * Text: for each, a line "netns LABEL (inode N, cookie N[, names A,B][,
 * pid N])" and what tcpfsm_print_stats() shows, a blank line between
 * them. JSON: an array of the objects of tcpfsm_print_stats(), each with
 * "netns": {"inode", "cookie", "names": [...], "pid" if one is in it}.
 */
void tcpfsm_print_stats_netns(FILE *f, enum tcpfsm_fmt fmt,
			      const struct tcpfsm_stats *st,
			      const struct tcpfsm_netns_id *ids, size_t n,
			      bool all)
{
	size_t i;

	new_json_obj(f, fmt);
	open_json_array(PRINT_JSON, NULL);
	for (i = 0; i < n; i++) {
		if (i)
			print_fp("\n");
		open_json_object(NULL);
		print_netns_id(&ids[i]);
		print_stats_body(&st[i], all);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	delete_json_obj();
}

/**
 * tcpfsm_print_state() - show the figures of one state
 * @f: where
 * @fmt: how
 * @st: a reply of TCPFSM_CMD_STATE_GET (or _GET)
 * @state: the state, 1..12
 */
void tcpfsm_print_state(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_stats *st, unsigned int state)
{
	new_json_obj(f, fmt);
	print_state_header();
	print_state_row(state, &st->state[state]);
	delete_json_obj();
}

/* The monitor */

/**
 * tcpfsm_family_name() - "ipv4" or "ipv6"
 * @family: AF_INET or AF_INET6, as the parsers checked
 *
 * Return: the name.
 */
const char *tcpfsm_family_name(unsigned int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

/**
 * tcpfsm_addr_str() - an address in text
 * @family: AF_INET or AF_INET6
 * @addr: in network byte order
 * @buf: where, INET6_ADDRSTRLEN bytes at least
 * @len: its size
 *
 * Return: @buf.
 */
char *tcpfsm_addr_str(unsigned int family, const uint8_t *addr, char *buf,
		      size_t len)
{
	if (!inet_ntop(family, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/**
 * tcpfsm_endpoint_str() - ADDR:PORT, [ADDR]:PORT for IPv6
 * @family: AF_INET or AF_INET6
 * @addr: in network byte order
 * @port: in host order
 * @buf: where, TCPFSM_ENDPOINT_LEN bytes
 * @len: its size
 *
 * Return: @buf.
 */
char *tcpfsm_endpoint_str(unsigned int family, const uint8_t *addr,
			  uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	tcpfsm_addr_str(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

/**
 * tcpfsm_duration_str() - a duration for people: 1d2h3m4s, 5m0s, 7s, 250ms
 * @ns: the duration
 * @buf: where, 32 bytes are enough
 * @len: its size
 *
 * Below a second, in whole milliseconds; else from its largest unit (d,
 * h, m) down to whole seconds.
 *
 * Return: @buf.
 */
char *tcpfsm_duration_str(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	uint64_t secs = ns / 1000000000;
	size_t off = 0;
	unsigned int i;
	bool started = false;

	if (!secs) {
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
		return buf;
	}
	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(units) && off < len; i++) {
		uint64_t v = secs / units[i].secs;

		secs %= units[i].secs;
		if (!v && !started)
			continue;
		started = true;
		off += snprintf(buf + off, len - off, "%" PRIu64 "%c", v,
				units[i].unit);
	}
	return buf;
}

static bool event_has(const struct tcpfsm_event *ev, unsigned int attr)
{
	return ev->present & BIT(attr);
}

/**
 * print_ends() - the two ends of a connection
 * @t: PRINT_ANY, or PRINT_JSON where the text shows them its own way
 * @family: AF_INET or AF_INET6
 * @saddr: the local address, in network byte order
 * @sport: the local port
 * @daddr: the remote address
 * @dport: the remote port
 *
 * JSON: "family", "saddr", "sport", "daddr", "dport". Text: " ipv4
 * 127.0.0.1:43210 10.1.2.3:8080", [ADDR]:PORT for IPv6.
 */
void print_ends(enum output_type t, unsigned int family, const uint8_t *saddr,
		uint16_t sport, const uint8_t *daddr, uint16_t dport)
{
	char buf[INET6_ADDRSTRLEN], ep[TCPFSM_ENDPOINT_LEN];

	print_string(t, "family", " %s", tcpfsm_family_name(family));
	print_string(t & PRINT_JSON, "saddr", NULL,
		     tcpfsm_addr_str(family, saddr, buf, sizeof(buf)));
	print_u64(t & PRINT_JSON, "sport", NULL, sport);
	print_string(t & PRINT_FP, NULL, " %s",
		     tcpfsm_endpoint_str(family, saddr, sport, ep, sizeof(ep)));
	print_string(t & PRINT_JSON, "daddr", NULL,
		     tcpfsm_addr_str(family, daddr, buf, sizeof(buf)));
	print_u64(t & PRINT_JSON, "dport", NULL, dport);
	print_string(t & PRINT_FP, NULL, " %s",
		     tcpfsm_endpoint_str(family, daddr, dport, ep, sizeof(ep)));
}

/*
 * The lines of the monitor, which may have to keep up with a hundred
 * thousand events a second: each is built in memory, its text and its
 * JSON by the same calls, and written with one fwrite(); no printf. The
 * bytes are those the calls of json_print.h would write (-j is one
 * compact object a line, even with -p).
 */
struct mline {
	char b[1024];		/* the longest line is about 400 bytes */
	size_t n;
	bool json;
	bool first;		/* no key yet in the object */
};

/*
 * Inlined, so that the length of a constant (a key, a separator) is known
 * where it is written, and its copy is a move or two
 */
#define ml_inline	inline __attribute__((always_inline))

/* What fits of @s, to the end of the buffer: never, for the monitor's lines */
static void ml_raw_cut(struct mline *l, const char *s)
{
	memcpy(l->b + l->n, s, sizeof(l->b) - l->n);
	l->n = sizeof(l->b);
}

/* A copy of a length known where inlined is a move or two, not a call */
static ml_inline void ml_raw(struct mline *l, const char *s, size_t len)
{
	if (__builtin_expect(len > sizeof(l->b) - l->n, 0)) {
		ml_raw_cut(l, s);
		return;
	}
	memcpy(l->b + l->n, s, len);
	l->n += len;
}

static ml_inline void ml_str(struct mline *l, const char *s)
{
	ml_raw(l, s, strlen(s));
}

static inline void ml_char(struct mline *l, char c)
{
	if (l->n < sizeof(l->b))
		l->b[l->n++] = c;
}

/* 00 to 99: the digits of a number are written two at a time */
static const char ml_pairs[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The number of decimal digits of @v: from its bit length, then one test */
static unsigned int ml_digits(uint64_t v)
{
	static const uint64_t pow10[] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	/* log10(2) is about 1233 / 4096: n or n + 1 digits */
	unsigned int n = ((64 - __builtin_clzll(v | 1)) * 1233 >> 12) + 1;

	return n - (n > 1 && v < pow10[n - 1]);
}

/*
 * @v in decimal, at least @width digits (zeros before; callers ask for 6
 * at most), written in place from the last digit back, two at a time; in
 * a copy that ml_raw() cuts when the buffer is nearly full
 */
static void ml_u64(struct mline *l, uint64_t v, unsigned int width)
{
	unsigned int n = ml_digits(v);
	char d[24], *start, *p;

	if (width > 20)
		width = 20;
	if (n < width)
		n = width;
	start = n <= sizeof(l->b) - l->n ? l->b + l->n : d;
	p = start + n;
	while (v >= 100) {
		p -= 2;
		memcpy(p, ml_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, ml_pairs + 2 * v, 2);
	} else {
		*--p = '0' + v;
	}
	while (p > start)
		*--p = '0';
	if (start == d)
		ml_raw(l, d, n);
	else
		l->n += n;
}

static void ml_start(struct mline *l, enum tcpfsm_fmt fmt)
{
	l->n = 0;
	l->json = fmt != TCPFSM_FMT_TEXT;
	l->first = true;
	if (l->json)
		ml_char(l, '{');
}

/* "key": in JSON, after a comma unless first; keys need no escape */
static ml_inline void ml_key(struct mline *l, const char *key)
{
	/* the comma before unless first */
	if (!l->first)
		ml_char(l, ',');
	l->first = false;
	ml_char(l, '"');
	ml_str(l, key);
	ml_raw(l, "\":", 2);
}

/* JSON only: "key":value */
static ml_inline void ml_json_u64(struct mline *l, const char *key, uint64_t v)
{
	if (!l->json)
		return;
	ml_key(l, key);
	ml_u64(l, v, 0);
}

/*
 * JSON: "key":"value"; text: @before, value, @after. The values of the
 * monitor's lines (names of states and families, addresses, the wall
 * time) have nothing to escape.
 */
static ml_inline void ml_string(struct mline *l, const char *key, const char *before,
		      const char *value, const char *after)
{
	if (l->json) {
		ml_key(l, key);
		ml_char(l, '"');
		ml_str(l, value);
		ml_char(l, '"');
		return;
	}
	ml_str(l, before);
	ml_str(l, value);
	ml_str(l, after);
}

/* JSON: "key":value; text: @before, value */
static ml_inline void ml_number(struct mline *l, const char *key, const char *before,
		      uint64_t v)
{
	if (l->json)
		ml_key(l, key);
	else
		ml_str(l, before);
	ml_u64(l, v, 0);
}

/* JSON: "key":true; text: @text */
static ml_inline void ml_true(struct mline *l, const char *key, const char *text)
{
	if (l->json) {
		ml_key(l, key);
		ml_str(l, "true");
	} else {
		ml_str(l, text);
	}
}

/* The end of the line, written */
static void ml_write(struct mline *l, FILE *f)
{
	if (l->json)
		ml_char(l, '}');
	ml_char(l, '\n');
	fwrite(l->b, 1, l->n, f);
}

/* 0 to 255 in decimal, without a division by a variable or a loop */
static void ml_octet(struct mline *l, uint8_t v)
{
	char d[3];

	if (v < 10) {
		ml_char(l, '0' + v);
		return;
	}
	if (v < 100) {
		memcpy(d, ml_pairs + 2 * v, 2);
		ml_raw(l, d, 2);
		return;
	}
	d[0] = '0' + v / 100;
	memcpy(d + 1, ml_pairs + 2 * (v % 100), 2);
	ml_raw(l, d, 3);
}

/*
 * An address as tcpfsm_addr_str() writes it; IPv4 without inet_ntop(),
 * whose sprintf() would cost more than the rest of the line.
 */
static void ml_addr(struct mline *l, unsigned int family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	if (family != AF_INET) {
		ml_str(l, tcpfsm_addr_str(family, addr, a, sizeof(a)));
		return;
	}
	for (i = 0; i < 4; i++) {
		if (i)
			ml_char(l, '.');
		ml_octet(l, addr[i]);
	}
}

/* The end @addr, @port: "key":"ADDR","pkey":PORT, or ADDR:PORT, [ADDR]:PORT */
static void ml_end(struct mline *l, const char *key, const char *pkey,
		   unsigned int family, const uint8_t *addr, uint16_t port)
{
	bool v6 = family == AF_INET6;

	if (l->json) {
		ml_key(l, key);
		ml_char(l, '"');
		ml_addr(l, family, addr);
		ml_char(l, '"');
		ml_key(l, pkey);
	} else {
		ml_str(l, v6 ? " [" : " ");
		ml_addr(l, family, addr);
		ml_str(l, v6 ? "]:" : ":");
	}
	ml_u64(l, port, 0);
}

/* As print_ends(PRINT_ANY, ...) */
static void ml_ends(struct mline *l, const struct tcpfsm_event *ev)
{
	ml_string(l, "family", " ", tcpfsm_family_name(ev->family), "");
	ml_end(l, "saddr", "sport", ev->family, ev->saddr, ev->sport);
	ml_end(l, "daddr", "dport", ev->family, ev->daddr, ev->dport);
}

/**
 * tcpfsm_print_event() - one line for a transition event
 * @f: where
 * @fmt: text, or JSON (always compact)
 * @ev: an event of tcpfsm_parse_event()
 *
 * Text: seconds.microseconds of CLOCK_MONOTONIC, the family, the local
 * and the remote end, OLD -> NEW, the time in OLD in milliseconds ("-" if
 * unknown), "tw" for a timewait socket's event, "req" for a request
 * socket's, then ino, uid and cookie if known. JSON has "timewait":true
 * for a timewait socket's event, "request":true for a request socket's,
 * neither key otherwise (as before them).
 */
void tcpfsm_print_event(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_event *ev)
{
	tcpfsm_print_event_at(f, fmt, ev, NULL);
}

/**
 * tcpfsm_print_event_at() - tcpfsm_print_event(), with the wall-clock time
 * @f: where
 * @fmt: text, or JSON (always compact)
 * @ev: an event of tcpfsm_parse_event()
 * @wall: its wall-clock time, of tcpfsm_wall_time() (monitor -t), or NULL
 *
 * The wall-clock time comes first: at the start of the line in text,
 * "wall_time" before "time_ns" in JSON.
 */
void tcpfsm_print_event_at(FILE *f, enum tcpfsm_fmt fmt,
			   const struct tcpfsm_event *ev, const char *wall)
{
	struct mline l;

	ml_start(&l, fmt);
	if (wall)
		ml_string(&l, "wall_time", "", wall, " ");
	if (l.json) {
		ml_json_u64(&l, "time_ns", ev->time_ns);
	} else {
		ml_u64(&l, ev->time_ns / 1000000000, 0);
		ml_char(&l, '.');
		ml_u64(&l, ev->time_ns % 1000000000 / 1000, 6);
	}
	ml_ends(&l, ev);
	ml_string(&l, "old", " ", tcpfsm_state_name(ev->old_state), " ->");
	ml_string(&l, "new", " ", tcpfsm_state_name(ev->new_state), "");
	if (event_has(ev, TCPFSM_A_EVENT_OLD_STATE_NS)) {
		if (l.json) {
			ml_json_u64(&l, "old_state_ns", ev->old_state_ns);
		} else {
			ml_char(&l, ' ');
			ml_u64(&l, ev->old_state_ns / 1000000, 0);
			ml_char(&l, '.');
			ml_u64(&l, ev->old_state_ns / 1000 % 1000, 3);
			ml_str(&l, "ms");
		}
	} else if (!l.json) {
		ml_str(&l, " -");
	}
	if (event_has(ev, TCPFSM_A_EVENT_TIMEWAIT))
		ml_true(&l, "timewait", " tw");
	if (event_has(ev, TCPFSM_A_EVENT_REQUEST))
		ml_true(&l, "request", " req");
	/* the cookie is last in text */
	if (event_has(ev, TCPFSM_A_EVENT_COOKIE))
		ml_json_u64(&l, "cookie", ev->cookie);
	if (event_has(ev, TCPFSM_A_EVENT_INO))
		ml_number(&l, "ino", " ino ", ev->ino);
	if (event_has(ev, TCPFSM_A_EVENT_UID))
		ml_number(&l, "uid", " uid ", ev->uid);
	if (event_has(ev, TCPFSM_A_EVENT_COOKIE) && !l.json) {
		ml_str(&l, " cookie ");
		ml_u64(&l, ev->cookie, 0);
	}
	ml_json_u64(&l, "source", ev->source);
	ml_json_u64(&l, "seq", ev->seq);
	ml_write(&l, f);
}

/**
 * tcpfsm_print_lost() - one line for events a gap in the sequence says lost
 * @f: where
 * @fmt: text, or JSON (always compact)
 * @lost: how many
 * @source: of which source (CPU)
 */
void tcpfsm_print_lost(FILE *f, enum tcpfsm_fmt fmt, uint64_t lost,
		       uint32_t source)
{
	struct mline l;

	ml_start(&l, fmt);
	ml_number(&l, "lost", "LOST ", lost);
	if (!l.json)
		ml_str(&l, " events");
	ml_number(&l, "source", " (source ", source);
	if (!l.json)
		ml_char(&l, ')');
	ml_write(&l, f);
}

/**
 * tcpfsm_print_overflow() - one line for an overflow of the socket buffer
 * @f: where
 * @fmt: text, or JSON (always compact)
 * @overflows: how many so far, this one included
 *
 * How many events were lost is not known yet ("lost" is null in JSON): the
 * gaps in the sequences of the next events tell, in lines of their own.
 */
void tcpfsm_print_overflow(FILE *f, enum tcpfsm_fmt fmt, uint64_t overflows)
{
	struct mline l;

	ml_start(&l, fmt);
	if (l.json) {
		ml_key(&l, "lost");
		ml_str(&l, "null");
	} else {
		ml_str(&l, "lost events: socket buffer overflow");
	}
	ml_json_u64(&l, "overflows", overflows);
	ml_write(&l, f);
}

/**
 * tcpfsm_print_monitor_summary() - the last line of the monitor, in text
 * @f: where, stderr
 * @events: the events shown
 * @lost: the events lost, by the gaps of the sequences
 * @overflows: the overflows of the socket buffer, said only if any
 */
void tcpfsm_print_monitor_summary(FILE *f, uint64_t events, uint64_t lost,
				  uint64_t overflows)
{
	fprintf(f, "# %" PRIu64 " events, %" PRIu64 " lost", events, lost);
	if (overflows)
		fprintf(f, ", %" PRIu64 " socket buffer overflows", overflows);
	fputc('\n', f);
}

/* tcpfsm top: the timewait sockets */

/* The ports with the most timewait sockets: "local_ports": [...] */
static void print_ports(const char *key, const char *title,
			const struct tcpfsm_port_count *pc, unsigned int n)
{
	unsigned int i;

	print_fp("\n%-12s %12s\n", title, "timewait");
	open_json_array(PRINT_JSON, key);
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_u64(PRINT_ANY, "port", "%-12" PRIu64, pc[i].port);
		print_u64(PRINT_ANY, "count", " %12" PRIu64 "\n", pc[i].count);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	if (!n)
		print_fp("(none)\n");
}

/**
 * tcpfsm_print_timewait() - show a reply of TCPFSM_CMD_TIMEWAIT_GET
 * @f: where
 * @fmt: how
 * @tw: the reply
 *
 * Text: "timewait: N now, N created since load", then the local ports and
 * the remote ports with the most timewait sockets, most first.
 */
void tcpfsm_print_timewait(FILE *f, enum tcpfsm_fmt fmt,
			   const struct tcpfsm_timewait *tw)
{
	new_json_obj(f, fmt);
	open_json_object(NULL);
	print_u64(PRINT_ANY, "count", "timewait: %" PRIu64 " now", tw->count);
	print_u64(PRINT_ANY, "created", ", %" PRIu64 " created since load\n",
		  tw->created);
	print_ports("local_ports", "local port", tw->local, tw->n_local);
	print_ports("remote_ports", "remote port", tw->remote, tw->n_remote);
	close_json_object();
	delete_json_obj();
}
