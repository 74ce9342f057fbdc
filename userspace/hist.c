// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: the time-in-state histograms.
 *
 * Bucket i of a histogram counts the times t, in microseconds, with
 * 2^(i-1) <= t < 2^i; bucket 0, t < 1 us; the last bucket has no upper
 * bound. In text, each state as bcc's print_log2_hist() prints a histogram
 * (its rows from the first non-empty bucket to the last, as bcc does with
 * strip_leading_zero), with the integer range of microseconds of each
 * bucket, "low -> high" inclusive, always in usecs; in JSON, the non-empty
 * buckets with their bounds, low_us <= t < high_us.
 */
#include <inttypes.h>
#include <string.h>

#include "hist.h"
#include "json_print.h"
#include "states.h"
#include "util.h"

/**
 * tcpfsm_bucket_low_us() - the lower bound of a bucket, inclusive
 * @i: the bucket, 0..TCPFSM_DWELL_BUCKETS - 1
 *
 * Return: 0 for bucket 0, else 2^(i-1) microseconds.
 */
uint64_t tcpfsm_bucket_low_us(unsigned int i)
{
	return i ? 1ULL << (i - 1) : 0;
}

/**
 * tcpfsm_bucket_high_us() - the upper bound of a bucket, exclusive
 * @i: the bucket, 0..TCPFSM_DWELL_BUCKETS - 2 (the last has none)
 *
 * Return: 2^i microseconds.
 */
uint64_t tcpfsm_bucket_high_us(unsigned int i)
{
	return 1ULL << i;
}

static bool is_last(unsigned int i)
{
	return i == TCPFSM_DWELL_BUCKETS - 1;
}

/* Whether the histogram of @state is shown: asked for, or has samples */
static bool hist_shown(const struct tcpfsm_stats *st, uint32_t states,
		       unsigned int state)
{
	const struct tcpfsm_dwell *d = &st->dwell[state];

	if (states)
		return (states & BIT(state)) && d->present;
	return d->present && d->samples;
}

/* The average time: 850 ns, 12.345 us, 1.500 ms, 3.000 s */
static void avg_str(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		uint64_t scale;
		const char *unit;
	} units[] = { { 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (ns >= units[i].scale) {
			snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " %s",
				 ns / units[i].scale,
				 ns % units[i].scale / (units[i].scale / 1000),
				 units[i].unit);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64 " ns", ns);
}

/* The bar of @count: floor(TCPFSM_HIST_STARS * count / max) stars */
static void stars(uint64_t count, uint64_t max)
{
	unsigned int n = (unsigned __int128)count * TCPFSM_HIST_STARS / max;
	char bar[TCPFSM_HIST_STARS + 1];

	memset(bar, ' ', TCPFSM_HIST_STARS);
	memset(bar, '*', n);
	bar[TCPFSM_HIST_STARS] = 0;
	print_fp("|%s|\n", bar);
}

/*
 * The buckets: in text, bcc's rows, from the first non-empty bucket to the
 * last, "low -> high : count |bar|"; in JSON, the non-empty ones.
 */
static void print_buckets(const struct tcpfsm_dwell *d)
{
	unsigned int i, first = TCPFSM_DWELL_BUCKETS, last = 0, w;
	char low_fmt[16], high_fmt[16], inf_fmt[16];
	uint64_t max = 0, largest;

	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++) {
		if (!d->bucket[i])
			continue;
		if (first == TCPFSM_DWELL_BUCKETS)
			first = i;
		last = i;
		if (d->bucket[i] > max)
			max = d->bucket[i];
	}
	open_json_array(PRINT_JSON, "buckets");
	/* bcc's two layouts: numbers of up to 10 digits, or of up to 20 */
	largest = is_last(last) ? tcpfsm_bucket_low_us(last) :
				  tcpfsm_bucket_high_us(last) - 1;
	w = largest > 9999999999ULL ? 20 : 10;
	snprintf(low_fmt, sizeof(low_fmt), "%%%u" PRIu64 " -> ", w);
	snprintf(high_fmt, sizeof(high_fmt), "%%-%u" PRIu64, w);
	snprintf(inf_fmt, sizeof(inf_fmt), "%%-%us", w);
	if (max)
		print_fp("%*s%-*s : count     distribution\n", w - 5, "", w + 9,
			 "usecs");
	for (i = first; max && i <= last; i++) {
		if (!d->bucket[i] && is_json_context())
			continue;
		open_json_object(NULL);
		print_u64(PRINT_JSON, "index", NULL, i);
		print_u64(PRINT_ANY, "low_us", low_fmt, tcpfsm_bucket_low_us(i));
		if (is_last(i)) {
			print_null(PRINT_ANY, "high_us", inf_fmt, "inf");
		} else {
			print_u64(PRINT_JSON, "high_us", NULL,
				  tcpfsm_bucket_high_us(i));
			print_u64(PRINT_FP, NULL, high_fmt,
				  tcpfsm_bucket_high_us(i) - 1);
		}
		print_u64(PRINT_ANY, "count", " : %-8" PRIu64 " ", d->bucket[i]);
		stars(d->bucket[i], max);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

/*
 * STATE: N samples, avg X, and its rows; an object in JSON. @tw: the
 * timewait sockets' substate: "TIME_WAIT (timewait):", "FIN_WAIT2
 * (orphan):", "timewait":true in JSON.
 */
static void print_state_hist(unsigned int state, const struct tcpfsm_dwell *d,
			     bool tw)
{
	char avg[32];

	open_json_object(NULL);
	print_string(PRINT_ANY, "state", "%s", tcpfsm_state_name(state));
	if (tw) {
		print_bool(PRINT_JSON, "timewait", NULL, true);
		print_fp(" (%s)", state == TCPFSM_STATE_TIME_WAIT ? "timewait" : "orphan");
	}
	print_fp(":");
	print_u64(PRINT_ANY, "samples", " %" PRIu64 " samples", d->samples);
	print_u64(PRINT_JSON, "sum_ns", NULL, d->sum_ns);
	if (d->samples) {
		avg_str(d->sum_ns / d->samples, avg, sizeof(avg));
		print_fp(", avg %s", avg);
	}
	print_fp("\n");
	print_buckets(d);
	close_json_object();
}

/**
 * tcpfsm_print_hist() - show the time-in-state histograms of a GET reply
 * @f: where
 * @fmt: how
 * @st: the reply
 * @states: BIT(state) of the states to show, in state order; 0 for every
 *	state with samples
 *
 * Text: per state "STATE: N samples, avg X" and its bcc-style rows, a
 * blank line between states; "(no samples)" if no state has any. JSON: an
 * array of one object per state. Then the timewait sockets' time in their
 * substate, where the module sends it: FIN_WAIT2 of orphans (shown with
 * FIN_WAIT2) and TIME_WAIT, "timewait":true in JSON.
 */
void tcpfsm_print_hist(FILE *f, enum tcpfsm_fmt fmt,
		       const struct tcpfsm_stats *st, uint32_t states)
{
	unsigned int i, shown = 0;

	new_json_obj(f, fmt);
	open_json_array(PRINT_JSON, NULL);
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (!hist_shown(st, states, i))
			continue;
		if (shown++)
			print_fp("\n");
		print_state_hist(i, &st->dwell[i], false);
	}
	for (i = TCPFSM_STATE_FIN_WAIT2; i <= TCPFSM_STATE_TIME_WAIT; i++) {
		const struct tcpfsm_dwell *d = &st->tw[i].dwell;

		if (!d->present || (states ? !(states & BIT(i)) : !d->samples))
			continue;
		if (shown++)
			print_fp("\n");
		print_state_hist(i, d, true);
	}
	close_json_array(PRINT_JSON, NULL);
	if (!shown)
		print_fp("(no samples)\n");
	delete_json_obj();
}
