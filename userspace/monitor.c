// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the monitor's logic.
 *
 * Each event carries the CPU whose buffer carried it (its source) and its
 * sequence number among the events of that source: a gap between two
 * consecutive events of a source is the number of events lost between them
 * (the socket buffer was full, or the module dropped them). The first event
 * of a source sets the baseline. Every event counts, shown or filtered out:
 * the gaps are about delivery, not display.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor.h"
#include "util.h"

/**
 * tcpfsm_filter_match() - whether an event passes the filters
 * @f: the filters, all of which it must pass
 * @ev: the event
 *
 * Return: true if it passes.
 */
bool tcpfsm_filter_match(const struct tcpfsm_filter *f,
			 const struct tcpfsm_event *ev)
{
	if (f->family && ev->family != f->family)
		return false;
	if ((f->ports & TCPFSM_FILTER_SPORT) && ev->sport != f->sport)
		return false;
	if ((f->ports & TCPFSM_FILTER_DPORT) && ev->dport != f->dport)
		return false;
	if ((f->ports & TCPFSM_FILTER_PORT) && ev->sport != f->port &&
	    ev->dport != f->port)
		return false;
	if (f->states &&
	    !(f->states & (BIT(ev->old_state) | BIT(ev->new_state))))
		return false;
	return true;
}

/**
 * tcpfsm_seqs_account() - account for the sequence number of an event
 * @s: the last sequence numbers
 * @source: the event's
 * @seq: the event's
 * @lost: the events of @source lost before it: 0 for the first of
 *	@source, or if its sequence went back (restarted)
 *
 * Return: 0, or -1 (errno ENOMEM).
 */
int tcpfsm_seqs_account(struct tcpfsm_seqs *s, uint32_t source, uint64_t seq,
			uint64_t *lost)
{
	size_t lo = 0, hi = s->n, mid;
	struct tcpfsm_seq_source *v;

	*lost = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].source < source)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->v[lo].source == source) {
		if (seq > s->v[lo].seq)
			*lost = seq - s->v[lo].seq - 1;
		s->v[lo].seq = seq;
		s->lost += *lost;
		return 0;
	}

	if (s->n == s->size) {
		size_t size = s->size ? 2 * s->size : 64;

		v = realloc(s->v, size * sizeof(*v));
		if (!v) {
			errno = ENOMEM;
			return -1;
		}
		s->v = v;
		s->size = size;
	}
	memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof(*s->v));
	s->v[lo].source = source;
	s->v[lo].seq = seq;
	s->n++;
	return 0;
}

void tcpfsm_seqs_free(struct tcpfsm_seqs *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

#define NSEC_PER_SEC	1000000000LL

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/**
 * tcpfsm_wall_offset() - how far CLOCK_REALTIME is ahead of CLOCK_MONOTONIC
 * @off_ns: the difference, in nanoseconds
 *
 * The realtime clock is read between two readings of the monotonic one,
 * and compared with their middle. Taken once, at the start of a monitor:
 * a later step of the wall clock (settimeofday, an NTP step; not a slew)
 * is not seen, and a suspend shifts the times after it, which the module
 * stamps with CLOCK_MONOTONIC (it stops during a suspend).
 *
 * Return: 0, or -1 (errno set).
 */
int tcpfsm_wall_offset(int64_t *off_ns)
{
	struct timespec m1, r, m2;

	if (clock_gettime(CLOCK_MONOTONIC, &m1) < 0 ||
	    clock_gettime(CLOCK_REALTIME, &r) < 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &m2) < 0)
		return -1;
	*off_ns = ts_ns(&r) - (ts_ns(&m1) + (ts_ns(&m2) - ts_ns(&m1)) / 2);
	return 0;
}

/**
 * tcpfsm_wall_time() - the local wall-clock time of a CLOCK_MONOTONIC time
 * @mono_ns: the monotonic time, as the module stamps events
 * @off_ns: of tcpfsm_wall_offset()
 * @buf: where: ISO 8601 with microseconds and the UTC offset of the local
 *	time zone, 2026-11-30T23:30:01.123456+01:00, as journalctl -o
 *	short-iso-precise prints it
 * @len: its size, TCPFSM_WALL_TIME_LEN is enough
 *
 * Return: 0, or -1 (errno EOVERFLOW or ERANGE) if it cannot be written.
 */
int tcpfsm_wall_time(uint64_t mono_ns, int64_t off_ns, char *buf, size_t len)
{
	int64_t t, usec;
	struct tm tm;
	char zone[8];
	size_t n;
	time_t s;

	if (mono_ns > INT64_MAX ||
	    __builtin_add_overflow((int64_t)mono_ns, off_ns, &t)) {
		errno = EOVERFLOW;
		return -1;
	}
	/* rounded down, also before 1970 */
	s = t / NSEC_PER_SEC;
	t %= NSEC_PER_SEC;
	if (t < 0) {
		s--;
		t += NSEC_PER_SEC;
	}
	usec = t / 1000;
	if (!localtime_r(&s, &tm))
		return -1;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	/* %z is +hhmm: +hh:mm */
	if (!n || strftime(zone, sizeof(zone), "%z", &tm) != 5 ||
	    (size_t)snprintf(buf + n, len - n, ".%06" PRId64 "%.3s:%s", usec,
			     zone, zone + 3) >= len - n) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

/**
 * tcpfsm_monitor_wall() - have a monitor print the wall-clock time
 * @m: the monitor, of tcpfsm_monitor_init()
 *
 * Return: 0, or -1 (errno set) if the clocks cannot be read.
 */
int tcpfsm_monitor_wall(struct tcpfsm_monitor *m)
{
	if (tcpfsm_wall_offset(&m->wall_offset_ns) < 0)
		return -1;
	m->wall = true;
	return 0;
}

/**
 * tcpfsm_monitor_init() - start a monitor
 * @m: the monitor
 * @out: where the events and the losses go
 * @err: where the messages that do not parse are reported
 * @fmt: TCPFSM_FMT_TEXT or TCPFSM_FMT_JSON (one object a line)
 * @filter: which events to show
 */
void tcpfsm_monitor_init(struct tcpfsm_monitor *m, FILE *out, FILE *err,
			 enum tcpfsm_fmt fmt, const struct tcpfsm_filter *filter)
{
	memset(m, 0, sizeof(*m));
	m->out = out;
	m->err = err;
	m->fmt = fmt;
	m->filter = *filter;
}

/**
 * tcpfsm_monitor_cb() - an event, or a message that did not parse
 * @ev: the event, or NULL
 * @e: what is wrong with the message, if @ev is NULL
 * @data: the monitor
 *
 * Prints the loss before the event if its sequence number says so, then
 * the event if it passes the filters. A tcpfsm_event_cb.
 *
 * Return: 0, or -1 (errno ENOMEM).
 */
int tcpfsm_monitor_cb(const struct tcpfsm_event *ev, const struct tcpfsm_err *e,
		      void *data)
{
	struct tcpfsm_monitor *m = data;
	uint64_t lost;

	if (!ev) {
		m->malformed++;
		tcpfsm_err_print(m->err, e);
		return 0;
	}
	if (tcpfsm_seqs_account(&m->seqs, ev->source, ev->seq, &lost) < 0)
		return -1;
	if (lost)
		tcpfsm_print_lost(m->out, m->fmt, lost, ev->source);
	m->received++;
	if (!tcpfsm_filter_match(&m->filter, ev))
		return 0;
	m->shown++;
	if (m->wall) {
		char wall[TCPFSM_WALL_TIME_LEN];

		/* a time it cannot write (year 10000) is shown without */
		if (!tcpfsm_wall_time(ev->time_ns, m->wall_offset_ns, wall,
				      sizeof(wall))) {
			tcpfsm_print_event_at(m->out, m->fmt, ev, wall);
			return 0;
		}
	}
	tcpfsm_print_event(m->out, m->fmt, ev);
	return 0;
}

/**
 * tcpfsm_monitor_overflow() - the socket buffer overflowed (ENOBUFS)
 * @m: the monitor
 *
 * How many events were lost the gaps of the next events tell.
 */
void tcpfsm_monitor_overflow(struct tcpfsm_monitor *m)
{
	m->overflows++;
	tcpfsm_print_overflow(m->out, m->fmt, m->overflows);
}

void tcpfsm_monitor_free(struct tcpfsm_monitor *m)
{
	tcpfsm_seqs_free(&m->seqs);
}
