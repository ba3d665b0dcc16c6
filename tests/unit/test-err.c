/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The error printer: the human line, its JSON twin, and what reaches stderr
 * with and without -j (one line either way: the text, or only the object).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "suites.h"

START_TEST(line_shape)
{
	char b[128];

	tk_err_line(b, sizeof(b), NULL, "delete", "br0", "no such device", NULL);
	ck_assert_str_eq(b, "tunkit: delete: br0: no such device");
	tk_err_line(b, sizeof(b), "tunkit", NULL, NULL, "unknown command \"x\"", "");
	ck_assert_str_eq(b, "tunkit: unknown command \"x\"");
	tk_err_line(b, sizeof(b), "tunkit", "create", "x", "settings: Invalid argument",
		    "MTU too big");
	ck_assert_str_eq(b, "tunkit: create: x: settings: Invalid argument (kernel: MTU too big)");
}
END_TEST

START_TEST(line_cut_to_size)
{
	char b[16], big[300];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tk_err_line(b, sizeof(b), "tunkit", "create", big, "msg", "ext");
	ck_assert_uint_eq(strlen(b), sizeof(b) - 1);
	ck_assert_str_eq(b, "tunkit: create:");
}
END_TEST

START_TEST(objects)
{
	json_t *e = tk_err_json("delete", NULL, "tunkit: delete: x", -ENODEV, 1);
	json_t *w = tk_warn_json(NULL, "tap0", "tunkit: tap0: gone");
	char *se = json_dumps(e, JSON_COMPACT), *sw = json_dumps(w, JSON_COMPACT);

	ck_assert_str_eq(se, "{\"error\":{\"command\":\"delete\",\"object\":null,"
			     "\"message\":\"tunkit: delete: x\",\"errno\":19,\"status\":1}}");
	ck_assert_str_eq(sw, "{\"warning\":{\"command\":null,\"object\":\"tap0\","
			     "\"message\":\"tunkit: tap0: gone\"}}");
	free(se);
	free(sw);
	json_decref(e);
	json_decref(w);
}
END_TEST

/* Runs fn with stderr caught; returns what it wrote (malloc'd). */
static char *caught(void (*fn)(struct tk_ctx *ctx), struct tk_ctx *ctx)
{
	FILE *saved = stderr;
	char *buf = NULL;
	size_t len = 0;

	stderr = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(stderr);
	fn(ctx);
	fclose(stderr);
	stderr = saved;
	return buf;
}

static void fail_delete(struct tk_ctx *ctx)
{
	ctx->cmd = "delete";
	tk_fail(ctx, "nosuch", "no such device");
}

static void warn_gone(struct tk_ctx *ctx)
{
	ctx->cmd = "stats";
	tk_warn(ctx, "tap0", "gone");
}

START_TEST(stderr_text)
{
	struct tk_ctx c = { .prog = "tunkit", .out = stdout };
	char *s = caught(fail_delete, &c);

	ck_assert_str_eq(s, "tunkit: delete: nosuch: no such device\n");
	free(s);
	s = caught(warn_gone, &c);
	ck_assert_str_eq(s, "tunkit: stats: tap0: gone\n");
	free(s);
}
END_TEST

START_TEST(stderr_json_only)
{
	struct tk_ctx c = { .prog = "tunkit", .out = stdout, .json = true, .pretty = true };
	char *s = caught(fail_delete, &c);

	/* compact even with -p: one object, one line */
	ck_assert_str_eq(s, "{\"error\":{\"command\":\"delete\",\"object\":\"nosuch\","
			    "\"message\":\"tunkit: delete: nosuch: no such device\","
			    "\"errno\":0,\"status\":1}}\n");
	free(s);
	s = caught(warn_gone, &c);
	ck_assert_str_eq(s, "{\"warning\":{\"command\":\"stats\",\"object\":\"tap0\","
			    "\"message\":\"tunkit: stats: tap0: gone\"}}\n");
	free(s);
}
END_TEST

START_TEST(keep_error)
{
	struct tk_ctx c = { .prog = "tunkit", .out = stdout, .keep_error = true };
	char *s = caught(fail_delete, &c);

	/* kept for the batch record, and the text still printed once */
	ck_assert_str_eq(s, "tunkit: delete: nosuch: no such device\n");
	ck_assert_ptr_nonnull(c.last_error);
	ck_assert_str_eq(json_string_value(json_object_get(c.last_error, "object")), "nosuch");
	ck_assert_int_eq(json_integer_value(json_object_get(c.last_error, "status")), 1);
	json_decref(c.last_error);
	free(s);
}
END_TEST

START_TEST(quiet_warning)
{
	struct tk_ctx c = { .prog = "tunkit", .out = stdout, .json = true, .quiet = true };
	char *s = caught(warn_gone, &c);

	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

Suite *suite_err(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("printer");

	tcase_add_test(tc, line_shape);
	tcase_add_test(tc, line_cut_to_size);
	tcase_add_test(tc, objects);
	tcase_add_test(tc, stderr_text);
	tcase_add_test(tc, stderr_json_only);
	tcase_add_test(tc, keep_error);
	tcase_add_test(tc, quiet_warning);
	suite_add_tcase(s, tc);
	return s;
}
