/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: print a view once, for text and JSON together, in the manner of
 * iproute2's lib/json_print.c.
 *
 *	new_json_obj(f, fmt);
 *	open_json_object(NULL);
 *	print_string(PRINT_ANY, "state", "%-12s", name);
 *	print_u64(PRINT_ANY, "count", " %12" PRIu64 "\n", count);
 *	print_u64(PRINT_JSON, "sum_ns", NULL, sum);
 *	print_fp(" avg %s", avg);
 *	close_json_object();
 *	delete_json_obj();
 *
 * In JSON, a PRINT_ANY or PRINT_JSON call writes "key":value (the value
 * alone without a key, in an array) and the text format is not used; in
 * text, a PRINT_ANY or PRINT_FP call writes the value through its format
 * and the key is not used. Objects and arrays exist in JSON only. One view
 * at a time: the writer's state is this file's.
 */
#ifndef TCPFSM_JSON_PRINT_H
#define TCPFSM_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum tcpfsm_fmt {
	TCPFSM_FMT_TEXT,
	TCPFSM_FMT_JSON,		/* compact, on one line */
	TCPFSM_FMT_JSON_PRETTY,		/* indented */
};

enum output_type {
	PRINT_FP = 1,			/* in text only */
	PRINT_JSON = 2,			/* in JSON only */
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void new_json_obj(FILE *f, enum tcpfsm_fmt fmt);
void delete_json_obj(void);
bool is_json_context(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(enum output_type t, const char *key);
void close_json_array(enum output_type t, const char *text);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *value);
__attribute__((format(printf, 1, 2)))
void print_fp(const char *fmt, ...);

#endif /* TCPFSM_JSON_PRINT_H */
