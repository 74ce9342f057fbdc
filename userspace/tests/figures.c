// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of figures.c: the table the text, JSON and Prometheus output
 * read agrees with the spec's stats set (spec.c), so that a counter added
 * to the spec without its row fails here.
 *
 *	figures [-l] [-t TEST]...
 */
#include <string.h>

#include "figures.h"
#include "spec.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"

/* The row of @attr, and how many there are, in *@n */
static const struct tcpfsm_figure *row_of(unsigned int attr, unsigned int *n)
{
	const struct tcpfsm_figure *row = NULL;
	unsigned int i;

	*n = 0;
	for (i = 0; i < tcpfsm_nr_figures; i++) {
		if (tcpfsm_figures[i].attr != attr)
			continue;
		row = &tcpfsm_figures[i];
		(*n)++;
	}
	return row;
}

TEST(spec)
{
	const struct tcpfsm_attr_set *set = &tcpfsm_stats_set;
	enum mnl_attr_data_type type;
	unsigned int attr, n;

	for (attr = 1; attr <= set->max; attr++) {
		type = set->attrs[attr].type;
		row_of(attr, &n);
		/* netns-get's: which namespace, not a figure of it */
		if (attr == TCPFSM_A_STATS_NETNS_INO ||
		    attr == TCPFSM_A_STATS_NETNS_COOKIE)
			CHECK(n == 0, "figures: no row for %s, an identity",
			      set->attrs[attr].name);
		else if (type == MNL_TYPE_U64 || type == MNL_TYPE_U32)
			CHECK(n == 1, "figures: one row for %s of the stats set",
			      set->attrs[attr].name);
		else
			CHECK(n == 0, "figures: no row for %s, not a u32 or u64",
			      set->attrs[attr].name);
	}
}

TEST(rows)
{
	const struct tcpfsm_figure *a, *b;
	unsigned int i, j, n;

	for (i = 0; i < tcpfsm_nr_figures; i++) {
		a = &tcpfsm_figures[i];
		CHECK(a->group < TCPFSM_FIG_NR_GROUPS && a->key && a->text &&
		      strstr(a->text, "%s") && a->metric.name &&
		      a->metric.type && a->metric.help,
		      "figures: %s: group, key, text with %%s, metric", a->key);
		for (n = 0, j = 0; j < tcpfsm_nr_figures; j++)
			n += tcpfsm_figures[j].prom_order == i;
		CHECK(n == 1, "figures: one row with prom_order %u", i);
		for (j = i + 1; j < tcpfsm_nr_figures; j++) {
			b = &tcpfsm_figures[j];
			CHECK(a->group != b->group || strcmp(a->key, b->key),
			      "figures: %s: one key per group", a->key);
			if (strcmp(a->metric.name, b->metric.name))
				continue;
			CHECK(a->cause && b->cause && strcmp(a->cause, b->cause) &&
			      !strcmp(a->metric.type, b->metric.type) &&
			      !strcmp(a->metric.help, b->metric.help),
			      "figures: %s: one family, labels that differ",
			      a->metric.name);
		}
	}
}

/* The samples of a family stand together in Prometheus: orders in a run */
TEST(families)
{
	unsigned int i, j, n, lo, hi, o;
	const char *name;

	for (i = 0; i < tcpfsm_nr_figures; i++) {
		name = tcpfsm_figures[i].metric.name;
		n = 0;
		lo = hi = tcpfsm_figures[i].prom_order;
		for (j = 0; j < tcpfsm_nr_figures; j++) {
			if (strcmp(tcpfsm_figures[j].metric.name, name))
				continue;
			o = tcpfsm_figures[j].prom_order;
			lo = o < lo ? o : lo;
			hi = o > hi ? o : hi;
			n++;
		}
		CHECK(hi - lo + 1 == n, "figures: %s: its samples together",
		      name);
	}
}

TEST_HARNESS_MAIN
