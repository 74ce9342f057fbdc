// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of json_print.c: the JSON it writes, escapes, nesting, pretty
 * or compact; one call for text and JSON.
 *
 *	json_print [-l] [-t TEST]...
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "json_print.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"

TEST(json_writer)
{
	struct capture cap;
	char *s;
	int pretty;

	new_json_obj(cap_open(&cap), TCPFSM_FMT_JSON);
	open_json_array(PRINT_JSON, NULL);
	print_string(PRINT_ANY, NULL, "%s", "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9");
	open_json_object(NULL);
	print_string(PRINT_ANY, "k\"\n", "%s", "");
	close_json_object();
	close_json_array(PRINT_JSON, NULL);
	delete_json_obj();
	s = cap_close(&cap);
	CHECK_STR(s, "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f \xc3\xa9\","
		     "{\"k\\\"\\n\":\"\"}]\n",
		  "json: escapes quotes, backslashes and control characters, in keys too");
	free(s);

	for (pretty = 0; pretty <= 1; pretty++) {
		new_json_obj(cap_open(&cap), pretty ? TCPFSM_FMT_JSON_PRETTY :
						      TCPFSM_FMT_JSON);
		open_json_object(NULL);
		open_json_array(PRINT_JSON, "a");
		print_u64(PRINT_ANY, NULL, "%" PRIu64, 1);
		print_u64(PRINT_ANY, NULL, "%" PRIu64, UINT64_MAX);
		close_json_array(PRINT_JSON, NULL);
		open_json_object("b");
		close_json_object();
		open_json_array(PRINT_JSON, "c");
		close_json_array(PRINT_JSON, NULL);
		print_s64(PRINT_ANY, "d", "%" PRId64, INT64_MIN);
		close_json_object();
		delete_json_obj();
		s = cap_close(&cap);
		if (pretty)
			CHECK_STR(s, "{\n"
				     "    \"a\": [\n"
				     "        1,\n"
				     "        18446744073709551615\n"
				     "    ],\n"
				     "    \"b\": {},\n"
				     "    \"c\": [],\n"
				     "    \"d\": -9223372036854775808\n"
				     "}\n",
				  "json: pretty: nesting, empty containers, limits");
		else
			CHECK_STR(s, "{\"a\":[1,18446744073709551615],\"b\":{},\"c\":[],\"d\":-9223372036854775808}\n",
				  "json: compact: nesting, empty containers, limits");
		free(s);
	}
}

/* The same calls, in text and in JSON */
static void view(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "name %s", "x");
	print_u64(PRINT_JSON, "hidden", NULL, 7);
	print_fp(", %d in text", 3);
	open_json_array(PRINT_ANY, "list");
	print_s64(PRINT_ANY, NULL, " %" PRId64, -1);
	print_null(PRINT_ANY, NULL, " %s", "-");
	close_json_array(PRINT_ANY, " end");
	print_u64(PRINT_FP, "shown", " %" PRIu64 "\n", 9);
	close_json_object();
}

TEST(text_and_json)
{
	static const struct {
		enum tcpfsm_fmt fmt;
		const char *want, *what;
	} cases[] = {
		{ TCPFSM_FMT_TEXT, "name x, 3 in textlist -1 - end 9\n",
		  "json_print: text: the formats of PRINT_FP and PRINT_ANY, no newline added" },
		{ TCPFSM_FMT_JSON, "{\"name\":\"x\",\"hidden\":7,\"list\":[-1,null]}\n",
		  "json_print: JSON: the keys of PRINT_JSON and PRINT_ANY, a newline at the end" },
	};
	struct capture cap;
	unsigned int i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		new_json_obj(cap_open(&cap), cases[i].fmt);
		view();
		delete_json_obj();
		s = cap_close(&cap);
		CHECK_STR(s, cases[i].want, cases[i].what);
		free(s);
	}
}

TEST_HARNESS_MAIN
