/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One call per field prints it as text or as JSON, the way iproute2's
 * json_print does: PRINT_ANY goes to whichever output is active,
 * PRINT_FP only to text, PRINT_JSON only to JSON.
 */
#ifndef MV_JSON_PRINT_H
#define MV_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler.h"

enum output_type { PRINT_FP = 1, PRINT_JSON = 2, PRINT_ANY = 3 };

void json_init(FILE *out, bool json, bool pretty);
int json_finish(void);
bool is_json(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum output_type t, const char *key, const char *fmt,
		uint64_t val);
void print_int(enum output_type t, const char *key, const char *fmt,
	       int64_t val);
void print_hex(enum output_type t, const char *key, const char *fmt,
	       uint64_t val);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool val);
/* Text only. */
void print_text(const char *fmt, ...) __printf(1, 2);

#endif
