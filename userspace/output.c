// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: text and JSON output.
 *
 * Text: the table of /proc/net/tcpfsm/states (same columns, "-" where a
 * figure does not exist), the transitions as "OLD -> NEW  COUNT" in state
 * order, and the event counters on one line. JSON: the same as one object,
 * absent figures omitted.
 *
 * The monitor: one line per event, per loss; in JSON one object a line.
 *
 * tcpfsm top: the timewait sockets now, since load, and their top ports.
 * The addresses, ports and durations the other outputs share.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <sys/socket.h>

#include "output.h"
#include "states.h"
#include "util.h"

#define STATE_ROW	"%-12s %12s %12s %12s\n"
#define TRANS_HEADER	"%-12s    %-12s %12s\n"
#define TRANS_ROW	"%-12s -> %-12s %12" PRIu64 "\n"

/* The event counters, in the order they are shown */
static const struct {
	unsigned int attr;
	size_t offset;
	const char *name;
} event_fields[] = {
	{ TCPFSM_A_STATS_EVENTS_SENT,
	  offsetof(struct tcpfsm_stats, events_sent), "sent" },
	{ TCPFSM_A_STATS_EVENTS_LOST_OVERFLOW,
	  offsetof(struct tcpfsm_stats, events_lost_overflow), "lost_overflow" },
	{ TCPFSM_A_STATS_EVENTS_LOST_NOMEM,
	  offsetof(struct tcpfsm_stats, events_lost_nomem), "lost_nomem" },
	{ TCPFSM_A_STATS_EVENTS_LOST_RCVBUF,
	  offsetof(struct tcpfsm_stats, events_lost_rcvbuf), "lost_rcvbuf" },
	{ TCPFSM_A_STATS_EVENTS_UNHEARD,
	  offsetof(struct tcpfsm_stats, events_unheard), "unheard" },
};

static bool event_present(const struct tcpfsm_stats *st, unsigned int i)
{
	return st->present & BIT(event_fields[i].attr);
}

static uint64_t event_value(const struct tcpfsm_stats *st, unsigned int i)
{
	return *(const uint64_t *)((const char *)st + event_fields[i].offset);
}

static bool any_event(const struct tcpfsm_stats *st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(event_fields); i++)
		if (event_present(st, i))
			return true;
	return false;
}

static bool stats_has(const struct tcpfsm_stats *st, unsigned int attr)
{
	return st->present & BIT(attr);
}

/* A u64 figure of a reply, "-" if absent */
static const char *figure(char *buf, size_t len, const struct tcpfsm_stats *st,
			  unsigned int attr, uint64_t v)
{
	if (!stats_has(st, attr))
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/*
 * tracking: 12 sockets of 65536, 0 untracked; timewait: created 340
 * ("tracking: disabled" with no table). Nothing from a module without them.
 */
static void text_tracking(FILE *f, const struct tcpfsm_stats *st)
{
	char b[4][24];

	if (!(st->present & (BIT(TCPFSM_A_STATS_TRACKED) |
			     BIT(TCPFSM_A_STATS_UNTRACKED) |
			     BIT(TCPFSM_A_STATS_TRACK_SIZE) |
			     BIT(TCPFSM_A_STATS_TIMEWAIT_CREATED))))
		return;
	if (stats_has(st, TCPFSM_A_STATS_TRACK_SIZE) && !st->track_size)
		fputs("tracking: disabled", f);
	else
		fprintf(f, "tracking: %s sockets of %s, %s untracked",
			figure(b[0], sizeof(b[0]), st, TCPFSM_A_STATS_TRACKED,
			       st->tracked),
			figure(b[1], sizeof(b[1]), st, TCPFSM_A_STATS_TRACK_SIZE,
			       st->track_size),
			figure(b[2], sizeof(b[2]), st, TCPFSM_A_STATS_UNTRACKED,
			       st->untracked));
	fprintf(f, "; timewait: created %s\n",
		figure(b[3], sizeof(b[3]), st, TCPFSM_A_STATS_TIMEWAIT_CREATED,
		       st->timewait_created));
}

/* Key and value of a figure of a reply, if present */
static void json_figure(struct json *j, const struct tcpfsm_stats *st,
			unsigned int attr, const char *key, uint64_t v)
{
	if (!stats_has(st, attr))
		return;
	json_key(j, key);
	json_u64(j, v);
}

static void json_tracking(struct json *j, const struct tcpfsm_stats *st)
{
	if (st->present & (BIT(TCPFSM_A_STATS_TRACKED) |
			   BIT(TCPFSM_A_STATS_UNTRACKED) |
			   BIT(TCPFSM_A_STATS_TRACK_SIZE))) {
		json_key(j, "tracking");
		json_open(j, '{');
		json_figure(j, st, TCPFSM_A_STATS_TRACKED, "tracked", st->tracked);
		json_figure(j, st, TCPFSM_A_STATS_TRACK_SIZE, "size",
			    st->track_size);
		json_figure(j, st, TCPFSM_A_STATS_UNTRACKED, "untracked",
			    st->untracked);
		json_close(j, '}');
	}
	if (stats_has(st, TCPFSM_A_STATS_TIMEWAIT_CREATED)) {
		json_key(j, "timewait");
		json_open(j, '{');
		json_figure(j, st, TCPFSM_A_STATS_TIMEWAIT_CREATED, "created",
			    st->timewait_created);
		json_close(j, '}');
	}
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

static void text_state(FILE *f, unsigned int state,
		       const struct tcpfsm_state_stats *s)
{
	char cur[24] = "-", entered[24] = "-", left[24] = "-";

	if (s->has_current)
		snprintf(cur, sizeof(cur), "%" PRId64, s->current);
	if (s->has_flow) {
		snprintf(entered, sizeof(entered), "%" PRIu64, s->entered);
		snprintf(left, sizeof(left), "%" PRIu64, s->left);
	}
	fprintf(f, STATE_ROW, tcpfsm_state_name(state), cur, entered, left);
}

static void text_state_header(FILE *f)
{
	fprintf(f, STATE_ROW, "state", "current", "entered", "left");
}

static void text_stats(FILE *f, const struct tcpfsm_stats *st, bool all)
{
	unsigned int i, old, new, shown = 0;

	text_state_header(f);
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (st->state[i].present)
			text_state(f, i, &st->state[i]);

	fputc('\n', f);
	fprintf(f, TRANS_HEADER, "old", "new", "count");
	for (i = 0; i < NR_PAIRS; i++) {
		if (!transition_shown(st, all, i, &old, &new))
			continue;
		fprintf(f, TRANS_ROW, tcpfsm_state_name(old),
			tcpfsm_state_name(new), st->trans[old][new]);
		shown++;
	}
	if (!shown)
		fputs("(none)\n", f);

	if (any_event(st)) {
		fputs("\nevents:", f);
		for (i = 0; i < ARRAY_SIZE(event_fields); i++) {
			fprintf(f, "%s %s ", i ? "," : "", event_fields[i].name);
			if (event_present(st, i))
				fprintf(f, "%" PRIu64, event_value(st, i));
			else
				fputc('-', f);
		}
		fputc('\n', f);
	}
	text_tracking(f, st);
}

static void json_state(struct json *j, unsigned int state,
		       const struct tcpfsm_state_stats *s)
{
	json_open(j, '{');
	json_key(j, "state");
	json_string(j, tcpfsm_state_name(state));
	if (s->has_current) {
		json_key(j, "current");
		json_s64(j, s->current);
	}
	if (s->has_flow) {
		json_key(j, "entered");
		json_u64(j, s->entered);
		json_key(j, "left");
		json_u64(j, s->left);
	}
	json_close(j, '}');
}

static void json_stats(struct json *j, const struct tcpfsm_stats *st, bool all)
{
	unsigned int i, old, new;

	json_open(j, '{');
	json_key(j, "states");
	json_open(j, '[');
	for (i = 1; i <= TCPFSM_NR_STATES; i++)
		if (st->state[i].present)
			json_state(j, i, &st->state[i]);
	json_close(j, ']');

	json_key(j, "transitions");
	json_open(j, '[');
	for (i = 0; i < NR_PAIRS; i++) {
		if (!transition_shown(st, all, i, &old, &new))
			continue;
		json_open(j, '{');
		json_key(j, "old");
		json_string(j, tcpfsm_state_name(old));
		json_key(j, "new");
		json_string(j, tcpfsm_state_name(new));
		json_key(j, "count");
		json_u64(j, st->trans[old][new]);
		json_close(j, '}');
	}
	json_close(j, ']');

	if (any_event(st)) {
		json_key(j, "events");
		json_open(j, '{');
		for (i = 0; i < ARRAY_SIZE(event_fields); i++) {
			if (!event_present(st, i))
				continue;
			json_key(j, event_fields[i].name);
			json_u64(j, event_value(st, i));
		}
		json_close(j, '}');
	}
	json_tracking(j, st);
	json_close(j, '}');
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
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		text_stats(f, st, all);
		return;
	}
	json_init(&j, f, fmt == TCPFSM_FMT_JSON_PRETTY);
	json_stats(&j, st, all);
	json_end(&j);
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
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		text_state_header(f);
		text_state(f, state, &st->state[state]);
		return;
	}
	json_init(&j, f, fmt == TCPFSM_FMT_JSON_PRETTY);
	json_state(&j, state, &st->state[state]);
	json_end(&j);
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

static void text_event(FILE *f, const struct tcpfsm_event *ev)
{
	char src[TCPFSM_ENDPOINT_LEN], dst[TCPFSM_ENDPOINT_LEN], ms[32] = "-";

	if (event_has(ev, TCPFSM_A_EVENT_OLD_STATE_NS))
		snprintf(ms, sizeof(ms), "%" PRIu64 ".%03" PRIu64 "ms",
			 ev->old_state_ns / 1000000,
			 ev->old_state_ns / 1000 % 1000);
	fprintf(f, "%" PRIu64 ".%06" PRIu64 " %s %s %s %s -> %s %s",
		ev->time_ns / 1000000000, ev->time_ns % 1000000000 / 1000,
		tcpfsm_family_name(ev->family),
		tcpfsm_endpoint_str(ev->family, ev->saddr, ev->sport, src,
				    sizeof(src)),
		tcpfsm_endpoint_str(ev->family, ev->daddr, ev->dport, dst,
				    sizeof(dst)),
		tcpfsm_state_name(ev->old_state),
		tcpfsm_state_name(ev->new_state), ms);
	if (event_has(ev, TCPFSM_A_EVENT_INO))
		fprintf(f, " ino %" PRIu64, ev->ino);
	if (event_has(ev, TCPFSM_A_EVENT_UID))
		fprintf(f, " uid %" PRIu32, ev->uid);
	if (event_has(ev, TCPFSM_A_EVENT_COOKIE))
		fprintf(f, " cookie %" PRIu64, ev->cookie);
	fputc('\n', f);
}

/**
 * json_ends() - "family", "saddr", "sport", "daddr", "dport" of a connection
 * @j: the writer, in an object
 * @family: AF_INET or AF_INET6
 * @saddr: the local address, in network byte order
 * @sport: the local port
 * @daddr: the remote address
 * @dport: the remote port
 */
void json_ends(struct json *j, unsigned int family, const uint8_t *saddr,
	       uint16_t sport, const uint8_t *daddr, uint16_t dport)
{
	char buf[INET6_ADDRSTRLEN];

	json_key(j, "family");
	json_string(j, tcpfsm_family_name(family));
	json_key(j, "saddr");
	json_string(j, tcpfsm_addr_str(family, saddr, buf, sizeof(buf)));
	json_key(j, "sport");
	json_u64(j, sport);
	json_key(j, "daddr");
	json_string(j, tcpfsm_addr_str(family, daddr, buf, sizeof(buf)));
	json_key(j, "dport");
	json_u64(j, dport);
}

static void json_event(struct json *j, const struct tcpfsm_event *ev)
{
	json_open(j, '{');
	json_key(j, "time_ns");
	json_u64(j, ev->time_ns);
	json_ends(j, ev->family, ev->saddr, ev->sport, ev->daddr, ev->dport);
	json_key(j, "old");
	json_string(j, tcpfsm_state_name(ev->old_state));
	json_key(j, "new");
	json_string(j, tcpfsm_state_name(ev->new_state));
	if (event_has(ev, TCPFSM_A_EVENT_OLD_STATE_NS)) {
		json_key(j, "old_state_ns");
		json_u64(j, ev->old_state_ns);
	}
	if (event_has(ev, TCPFSM_A_EVENT_COOKIE)) {
		json_key(j, "cookie");
		json_u64(j, ev->cookie);
	}
	if (event_has(ev, TCPFSM_A_EVENT_INO)) {
		json_key(j, "ino");
		json_u64(j, ev->ino);
	}
	if (event_has(ev, TCPFSM_A_EVENT_UID)) {
		json_key(j, "uid");
		json_u64(j, ev->uid);
	}
	json_key(j, "source");
	json_u64(j, ev->source);
	json_key(j, "seq");
	json_u64(j, ev->seq);
	json_close(j, '}');
}

/**
 * tcpfsm_print_event() - one line for a transition event
 * @f: where
 * @fmt: text, or JSON (always compact)
 * @ev: an event of tcpfsm_parse_event()
 *
 * Text: seconds.microseconds of CLOCK_MONOTONIC, the family, the local
 * and the remote end, OLD -> NEW, the time in OLD in milliseconds ("-" if
 * unknown), then ino, uid and cookie if known.
 */
void tcpfsm_print_event(FILE *f, enum tcpfsm_fmt fmt,
			const struct tcpfsm_event *ev)
{
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		text_event(f, ev);
		return;
	}
	json_init(&j, f, false);
	json_event(&j, ev);
	json_end(&j);
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
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		fprintf(f, "LOST %" PRIu64 " events (source %" PRIu32 ")\n",
			lost, source);
		return;
	}
	json_init(&j, f, false);
	json_open(&j, '{');
	json_key(&j, "lost");
	json_u64(&j, lost);
	json_key(&j, "source");
	json_u64(&j, source);
	json_close(&j, '}');
	json_end(&j);
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
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		fputs("lost events: socket buffer overflow\n", f);
		return;
	}
	json_init(&j, f, false);
	json_open(&j, '{');
	json_key(&j, "lost");
	json_null(&j);
	json_key(&j, "overflows");
	json_u64(&j, overflows);
	json_close(&j, '}');
	json_end(&j);
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

#define PORT_ROW	"%-12s %12s\n"

static void text_ports(FILE *f, const char *title,
		       const struct tcpfsm_port_count *pc, unsigned int n)
{
	unsigned int i;

	fprintf(f, "\n" PORT_ROW, title, "timewait");
	for (i = 0; i < n; i++)
		fprintf(f, "%-12u %12" PRIu32 "\n", pc[i].port, pc[i].count);
	if (!n)
		fputs("(none)\n", f);
}

static void json_ports(struct json *j, const char *key,
		       const struct tcpfsm_port_count *pc, unsigned int n)
{
	unsigned int i;

	json_key(j, key);
	json_open(j, '[');
	for (i = 0; i < n; i++) {
		json_open(j, '{');
		json_key(j, "port");
		json_u64(j, pc[i].port);
		json_key(j, "count");
		json_u64(j, pc[i].count);
		json_close(j, '}');
	}
	json_close(j, ']');
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
	struct json j;

	if (fmt == TCPFSM_FMT_TEXT) {
		fprintf(f, "timewait: %" PRIu64 " now, %" PRIu64 " created since load\n",
			tw->count, tw->created);
		text_ports(f, "local port", tw->local, tw->n_local);
		text_ports(f, "remote port", tw->remote, tw->n_remote);
		return;
	}
	json_init(&j, f, fmt == TCPFSM_FMT_JSON_PRETTY);
	json_open(&j, '{');
	json_key(&j, "count");
	json_u64(&j, tw->count);
	json_key(&j, "created");
	json_u64(&j, tw->created);
	json_ports(&j, "local_ports", tw->local, tw->n_local);
	json_ports(&j, "remote_ports", tw->remote, tw->n_remote);
	json_close(&j, '}');
	json_end(&j);
}

/* The JSON writer */

void json_init(struct json *j, FILE *f, bool pretty)
{
	*j = (struct json){ .f = f, .pretty = pretty, .first = true };
}

static void json_newline(struct json *j)
{
	unsigned int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Before a key, or a value that has no key: the comma, the line break */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first)
		fputc(',', j->f);
	if (j->depth)
		json_newline(j);
	j->first = false;
}

static void json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/**
 * json_open() - start an object or an array
 * @j: the writer
 * @bracket: '{' or '['
 */
void json_open(struct json *j, char bracket)
{
	json_sep(j);
	fputc(bracket, j->f);
	j->depth++;
	j->first = true;
}

/**
 * json_close() - end an object or an array
 * @j: the writer
 * @bracket: '}' or ']'
 */
void json_close(struct json *j, char bracket)
{
	j->depth--;
	if (!j->first)
		json_newline(j);
	fputc(bracket, j->f);
	j->first = false;
}

/**
 * json_key() - the key of the next value of an object
 * @j: the writer
 * @key: the key, escaped as a string is
 */
void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quote(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

/**
 * json_string() - a string value
 * @j: the writer
 * @s: the string, UTF-8: '"', '\' and control characters are escaped
 */
void json_string(struct json *j, const char *s)
{
	json_sep(j);
	json_quote(j->f, s);
}

void json_u64(struct json *j, uint64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_s64(struct json *j, int64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->f);
}

/**
 * json_end() - end the document (a line)
 * @j: the writer
 */
void json_end(struct json *j)
{
	fputc('\n', j->f);
}
