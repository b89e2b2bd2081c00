// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer with iproute2's PRINT_ANY contract. It
 * tracks nesting so that commas and indentation come out right; values are
 * escaped per RFC 8259.
 */
#include <stdarg.h>
#include <string.h>

#include "json_print.h"

#define MAX_DEPTH 32

static struct {
	FILE *out;
	bool json, pretty;
	int depth;
	bool first[MAX_DEPTH];
	bool in_array[MAX_DEPTH];
	bool error;
	bool wrote;
} js;

void json_init(FILE *out, bool json, bool pretty)
{
	memset(&js, 0, sizeof(js));
	js.out = out;
	js.json = json;
	js.pretty = pretty;
	js.first[0] = true;
}

bool is_json(void)
{
	return js.json;
}

int json_finish(void)
{
	if (js.json && js.wrote)
		fputc('\n', js.out);
	fflush(js.out);
	return js.error || js.depth ? -1 : 0;
}

static void newline_indent(void)
{
	if (!js.pretty)
		return;
	fputc('\n', js.out);
	for (int i = 0; i < js.depth; i++)
		fputs("  ", js.out);
}

static void put_escaped(const char *s)
{
	fputc('"', js.out);
	for (; *s; s++) {
		unsigned char c = *s;
		const char *esc = NULL;

		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		}
		if (esc)
			fputs(esc, js.out);
		else if (c < 0x20)
			fprintf(js.out, "\\u%04x", c);
		else
			fputc(c, js.out);
	}
	fputc('"', js.out);
}

/* Separator and key before a value; keys are ignored inside arrays. */
static void begin_value(const char *key)
{
	js.wrote = true;
	if (!js.first[js.depth])
		fputc(',', js.out);
	js.first[js.depth] = false;
	if (js.depth)
		newline_indent();
	if (key && !js.in_array[js.depth]) {
		put_escaped(key);
		fputs(js.pretty ? ": " : ":", js.out);
	}
}

static void open_container(const char *key, char c, bool array)
{
	if (!js.json)
		return;
	if (js.depth + 1 >= MAX_DEPTH) {
		js.error = true;
		return;
	}
	begin_value(key);
	fputc(c, js.out);
	js.depth++;
	js.first[js.depth] = true;
	js.in_array[js.depth] = array;
}

static void close_container(char c)
{
	if (!js.json)
		return;
	if (!js.depth) {
		js.error = true;
		return;
	}
	js.depth--;
	if (!js.first[js.depth + 1])
		newline_indent();
	fputc(c, js.out);
}

void open_json_object(const char *key)
{
	open_container(key, '{', false);
}

void close_json_object(void)
{
	close_container('}');
}

void open_json_array(const char *key)
{
	open_container(key, '[', true);
}

void close_json_array(void)
{
	close_container(']');
}

static bool want_text(enum output_type t)
{
	return !js.json && (t & PRINT_FP) && js.out;
}

static bool want_json(enum output_type t)
{
	return js.json && (t & PRINT_JSON);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val)
{
	if (want_json(t)) {
		begin_value(key);
		put_escaped(val ? val : "");
	} else if (want_text(t) && fmt) {
		fprintf(js.out, fmt, val ? val : "");
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		uint64_t val)
{
	if (want_json(t)) {
		begin_value(key);
		fprintf(js.out, "%llu", (unsigned long long)val);
	} else if (want_text(t) && fmt) {
		fprintf(js.out, fmt, (unsigned long long)val);
	}
}

void print_int(enum output_type t, const char *key, const char *fmt,
	       int64_t val)
{
	if (want_json(t)) {
		begin_value(key);
		fprintf(js.out, "%lld", (long long)val);
	} else if (want_text(t) && fmt) {
		fprintf(js.out, fmt, (long long)val);
	}
}

/* Hex values go to JSON as strings ("0x..."), which keeps 64 bits exact. */
void print_hex(enum output_type t, const char *key, const char *fmt,
	       uint64_t val)
{
	char buf[32];

	if (want_json(t)) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)val);
		begin_value(key);
		put_escaped(buf);
	} else if (want_text(t) && fmt) {
		fprintf(js.out, fmt, (unsigned long long)val);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool val)
{
	if (want_json(t)) {
		begin_value(key);
		fputs(val ? "true" : "false", js.out);
	} else if (want_text(t) && fmt) {
		fprintf(js.out, fmt, val ? "yes" : "no");
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (js.json || !js.out)
		return;
	va_start(ap, fmt);
	vfprintf(js.out, fmt, ap);
	va_end(ap);
}
