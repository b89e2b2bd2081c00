// SPDX-License-Identifier: GPL-2.0
/*
 * The PRINT_ANY printer: one call gives text or JSON, JSON is valid and
 * escaped, nesting and commas are right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../lib/json_print.h"
#include "../../selftests/lib/mv_util.h"

static char *render(bool json, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_init(f, json, pretty);
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "name %s", "a\"b\\c\n\x01");
	print_uint(PRINT_ANY, "n", " n %llu", 18446744073709551615ULL);
	print_int(PRINT_ANY, "i", " i %lld", -5);
	print_hex(PRINT_ANY, "x", " x 0x%llx", 0xdeadbeefcafeULL);
	print_bool(PRINT_ANY, "b", " b %s\n", true);
	open_json_array("list");
	print_string(PRINT_ANY, NULL, " %s", "one");
	print_string(PRINT_ANY, NULL, " %s", "two");
	close_json_array();
	open_json_object("empty");
	close_json_object();
	open_json_array("objs");
	open_json_object(NULL);
	print_uint(PRINT_JSON, "k", NULL, 1);
	close_json_object();
	open_json_object(NULL);
	print_uint(PRINT_JSON, "k", NULL, 2);
	close_json_object();
	close_json_array();
	print_string(PRINT_FP, NULL, "%s", " text-only\n");
	close_json_object();
	json_finish();
	fclose(f);
	return buf;
}

TEST(json_output_is_valid_and_exact)
{
	char *s = render(true, false);

	EXPECT_EQ(0, mv_json_validate(s)) {
		TH_LOG("%s", s);
	}
	static const char want[] =
		"{\"name\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":18446744073709551615,\"i\":-5,\"x\":\"0xdeadbeefcafe\",\"b\":true,\"list\":[\"one\",\"two\"],\"empty\":{},\"objs\":[{\"k\":1},{\"k\":2}]}\n";

	EXPECT_STREQ(want, s);
	free(s);
}

TEST(pretty_json_is_valid)
{
	char *s = render(true, true);

	EXPECT_EQ(0, mv_json_validate(s)) {
		TH_LOG("%s", s);
	}
	EXPECT_NE(NULL, strstr(s, "\n  \"list\": [\n    \"one\",\n    \"two\"\n  ]"));
	free(s);
}

TEST(text_output)
{
	char *s = render(false, false);

	EXPECT_STREQ("name a\"b\\c\n\x01 n 18446744073709551615 i -5 x 0xdeadbeefcafe b yes\n one two text-only\n", s);
	free(s);
}

TEST(validator_rejects_bad_json)
{
	EXPECT_NE(0, mv_json_validate("{\"a\":1,}"));
	EXPECT_NE(0, mv_json_validate("[1 2]"));
	EXPECT_NE(0, mv_json_validate("{\"a\"}"));
	EXPECT_NE(0, mv_json_validate("\"\x01\""));
	EXPECT_NE(0, mv_json_validate("01"));
	EXPECT_NE(0, mv_json_validate("{} x"));
	EXPECT_EQ(0, mv_json_validate(" {\"a\":[1,-2.5e3,true,null,\"\\u00e9\"]} "));
}

TEST_HARNESS_MAIN
