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

#include "hist.h"
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
static void stars(FILE *f, uint64_t count, uint64_t max)
{
	unsigned int n = (unsigned __int128)count * TCPFSM_HIST_STARS / max;
	unsigned int i;

	fputc('|', f);
	for (i = 0; i < TCPFSM_HIST_STARS; i++)
		fputc(i < n ? '*' : ' ', f);
	fputs("|\n", f);
}

static void text_rows(FILE *f, const struct tcpfsm_dwell *d)
{
	unsigned int i, first = TCPFSM_DWELL_BUCKETS, last = 0, w;
	uint64_t max = 0, largest;
	char high[24];

	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++) {
		if (!d->bucket[i])
			continue;
		if (first == TCPFSM_DWELL_BUCKETS)
			first = i;
		last = i;
		if (d->bucket[i] > max)
			max = d->bucket[i];
	}
	if (!max)
		return;
	/* bcc's two layouts: numbers of up to 10 digits, or of up to 20 */
	largest = is_last(last) ? tcpfsm_bucket_low_us(last) :
				  tcpfsm_bucket_high_us(last) - 1;
	w = largest > 9999999999ULL ? 20 : 10;
	fprintf(f, "%*s%-*s : count     distribution\n", w - 5, "", w + 9,
		"usecs");
	for (i = first; i <= last; i++) {
		if (is_last(i))
			snprintf(high, sizeof(high), "inf");
		else
			snprintf(high, sizeof(high), "%" PRIu64,
				 tcpfsm_bucket_high_us(i) - 1);
		fprintf(f, "%*" PRIu64 " -> %-*s : %-8" PRIu64 " ", w,
			tcpfsm_bucket_low_us(i), w, high, d->bucket[i]);
		stars(f, d->bucket[i], max);
	}
}

static void text_hist(FILE *f, unsigned int state, const struct tcpfsm_dwell *d)
{
	char avg[32];

	fprintf(f, "%s: %" PRIu64 " samples", tcpfsm_state_name(state),
		d->samples);
	if (d->samples) {
		avg_str(d->sum_ns / d->samples, avg, sizeof(avg));
		fprintf(f, ", avg %s", avg);
	}
	fputc('\n', f);
	text_rows(f, d);
}

static void json_hist(struct json *j, unsigned int state,
		      const struct tcpfsm_dwell *d)
{
	unsigned int i;

	json_open(j, '{');
	json_key(j, "state");
	json_string(j, tcpfsm_state_name(state));
	json_key(j, "samples");
	json_u64(j, d->samples);
	json_key(j, "sum_ns");
	json_u64(j, d->sum_ns);
	json_key(j, "buckets");
	json_open(j, '[');
	for (i = 0; i < TCPFSM_DWELL_BUCKETS; i++) {
		if (!d->bucket[i])
			continue;
		json_open(j, '{');
		json_key(j, "index");
		json_u64(j, i);
		json_key(j, "low_us");
		json_u64(j, tcpfsm_bucket_low_us(i));
		json_key(j, "high_us");
		if (is_last(i))
			json_null(j);
		else
			json_u64(j, tcpfsm_bucket_high_us(i));
		json_key(j, "count");
		json_u64(j, d->bucket[i]);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
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
 * array of one object per state.
 */
void tcpfsm_print_hist(FILE *f, enum tcpfsm_fmt fmt,
		       const struct tcpfsm_stats *st, uint32_t states)
{
	unsigned int i, shown = 0;
	struct json j;

	json_init(&j, f, fmt == TCPFSM_FMT_JSON_PRETTY);
	if (fmt != TCPFSM_FMT_TEXT)
		json_open(&j, '[');
	for (i = 1; i <= TCPFSM_NR_STATES; i++) {
		if (!hist_shown(st, states, i))
			continue;
		if (fmt != TCPFSM_FMT_TEXT) {
			json_hist(&j, i, &st->dwell[i]);
			continue;
		}
		if (shown++)
			fputc('\n', f);
		text_hist(f, i, &st->dwell[i]);
	}
	if (fmt != TCPFSM_FMT_TEXT) {
		json_close(&j, ']');
		json_end(&j);
	} else if (!shown) {
		fputs("(no samples)\n", f);
	}
}
