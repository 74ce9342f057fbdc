// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: one call prints a figure as text or as JSON (json_print.h).
 *
 * The JSON writer under it puts the commas, and in pretty mode the
 * newlines and the indentation, 4 spaces a level, and ": " after a key,
 * as iproute2's json_writer.c; empty containers stay "{}" and "[]". A
 * document ends with a newline.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "json_print.h"

static struct {
	FILE *f;
	bool json;		/* else text */
	bool pretty;
	bool first;		/* nothing written yet in the current container */
	unsigned int depth;
} jw;

/* Whether a call of type @t writes in the current format */
static bool json_ctx(enum output_type t)
{
	return jw.json && (t & PRINT_JSON);
}

static bool fp_ctx(enum output_type t)
{
	return !jw.json && (t & PRINT_FP);
}

/**
 * new_json_obj() - start a view
 * @f: where it goes
 * @fmt: text, compact JSON or pretty JSON
 */
void new_json_obj(FILE *f, enum tcpfsm_fmt fmt)
{
	jw.f = f;
	jw.json = fmt != TCPFSM_FMT_TEXT;
	jw.pretty = fmt == TCPFSM_FMT_JSON_PRETTY;
	jw.first = true;
	jw.depth = 0;
}

/**
 * delete_json_obj() - end a view: in JSON, the newline after the document
 */
void delete_json_obj(void)
{
	if (jw.json)
		fputc('\n', jw.f);
	jw.f = NULL;
}

bool is_json_context(void)
{
	return jw.json;
}

static void jw_newline(void)
{
	unsigned int i;

	if (!jw.pretty)
		return;
	fputc('\n', jw.f);
	for (i = 0; i < jw.depth; i++)
		fputs("    ", jw.f);
}

/* Before a key, or a value that has no key: the comma, the line break */
static void jw_sep(void)
{
	if (!jw.first)
		fputc(',', jw.f);
	if (jw.depth)
		jw_newline();
	jw.first = false;
}

/* @s quoted, with '"', '\' and the control characters escaped */
static void jw_quote(const char *s)
{
	static const char esc[] = "\"\"\\\\\bb\ff\nn\rr\tt";
	FILE *f = jw.f;
	unsigned int i;

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		for (i = 0; i < sizeof(esc) - 1; i += 2)
			if (c == (unsigned char)esc[i])
				break;
		if (i < sizeof(esc) - 1)
			fprintf(f, "\\%c", esc[i + 1]);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Before a value: the separator, and its key if any (none in an array) */
static void jw_key(const char *key)
{
	jw_sep();
	if (!key)
		return;
	jw_quote(key);
	fputs(jw.pretty ? ": " : ":", jw.f);
}

static void jw_open(const char *key, char bracket)
{
	jw_key(key);
	fputc(bracket, jw.f);
	jw.depth++;
	jw.first = true;
}

static void jw_close(char bracket)
{
	jw.depth--;
	if (!jw.first)
		jw_newline();
	fputc(bracket, jw.f);
	jw.first = false;
}

/**
 * open_json_object() - start an object, in JSON
 * @key: its key in the enclosing object, or NULL (in an array, at the top)
 */
void open_json_object(const char *key)
{
	if (jw.json)
		jw_open(key, '{');
}

void close_json_object(void)
{
	if (jw.json)
		jw_close('}');
}

/**
 * open_json_array() - start an array, as iproute2's
 * @t: where
 * @key: its key in JSON (or NULL); in text, written as it is
 */
void open_json_array(enum output_type t, const char *key)
{
	if (json_ctx(t))
		jw_open(key, '[');
	else if (fp_ctx(t) && key)
		fputs(key, jw.f);
}

/**
 * close_json_array() - end an array
 * @t: where
 * @text: in text, written as it is (or NULL)
 */
void close_json_array(enum output_type t, const char *text)
{
	if (json_ctx(t))
		jw_close(']');
	else if (fp_ctx(t) && text)
		fputs(text, jw.f);
}

/**
 * print_string() - a string
 * @t: where
 * @key: its key in JSON, or NULL in an array
 * @fmt: its format in text
 * @value: the string; in JSON UTF-8, escaped
 */
void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (json_ctx(t)) {
		jw_key(key);
		jw_quote(value);
	} else if (fp_ctx(t)) {
		fprintf(jw.f, fmt, value);
	}
}

/* print_u64(), print_s64(): "key":value in JSON, @fmt of value in text */
#define PRINT_NUMBER(name, type, json_fmt)				\
void name(enum output_type t, const char *key, const char *fmt,	\
	  type value)							\
{									\
	if (json_ctx(t)) {						\
		jw_key(key);						\
		fprintf(jw.f, json_fmt, value);				\
	} else if (fp_ctx(t)) {						\
		fprintf(jw.f, fmt, value);				\
	}								\
}

PRINT_NUMBER(print_u64, uint64_t, "%" PRIu64)
PRINT_NUMBER(print_s64, int64_t, "%" PRId64)

#undef PRINT_NUMBER

/**
 * print_bool() - true or false in JSON, @value through @fmt in text
 * @t: where
 * @key: its key in JSON, or NULL in an array
 * @fmt: its format in text: "%s" of "true" or "false"
 * @value: the boolean
 */
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (json_ctx(t)) {
		jw_key(key);
		fputs(value ? "true" : "false", jw.f);
	} else if (fp_ctx(t)) {
		fprintf(jw.f, fmt, value ? "true" : "false");
	}
}

/**
 * print_null() - null in JSON, @value through @fmt in text
 * @t: where
 * @key: its key in JSON, or NULL in an array
 * @fmt: its format in text
 * @value: what stands for it in text
 */
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *value)
{
	if (json_ctx(t)) {
		jw_key(key);
		fputs("null", jw.f);
	} else if (fp_ctx(t)) {
		fprintf(jw.f, fmt, value);
	}
}

/**
 * print_fp() - text only, printf style
 * @fmt: the format
 */
void print_fp(const char *fmt, ...)
{
	va_list ap;

	if (jw.json)
		return;
	va_start(ap, fmt);
	vfprintf(jw.f, fmt, ap);
	va_end(ap);
}
