/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering: JSON and text views of the same json_t.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "suites.h"

static char *render(bool json, const json_t *doc, const struct tk_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tk_ctx ctx = { .prog = "t", .out = f, .json = json };

	ck_assert_int_eq(tk_out(&ctx, doc, v), 0);
	fclose(f);
	return buf;
}

static char *upper_name(const json_t *o)
{
	char *s = strdup(json_string_value(json_object_get(o, "name")));

	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return s;
}

static const struct tk_col cols[] = {
	{ "name", "NAME", NULL }, { "mtu", "MTU", NULL }, { "up", "UP", NULL },
	{ "addrs", "ADDRS", NULL }, { "name", "SHOUT", upper_name }, { NULL },
};

START_TEST(table_and_json_agree)
{
	const struct tk_view table = { TK_VIEW_TABLE, cols, NULL };
	json_t *doc = json_pack("[{s:s,s:i,s:b,s:[s,s]},{s:s,s:i,s:b,s:[]}]", "name", "tap0",
				"mtu", 1500, "up", 1, "addrs", "a", "b", "name", "tun12", "mtu",
				65535, "up", 0, "addrs");
	char *t = render(false, doc, &table), *j = render(true, doc, &table);

	ck_assert_str_eq(t, "NAME   MTU    UP   ADDRS  SHOUT\n"
			    "tap0   1500   yes  a,b    TAP0\n"
			    "tun12  65535  no   -      TUN12\n");
	ck_assert_str_eq(j, "[{\"name\":\"tap0\",\"mtu\":1500,\"up\":true,\"addrs\":[\"a\","
			    "\"b\"]},{\"name\":\"tun12\",\"mtu\":65535,\"up\":false,"
			    "\"addrs\":[]}]\n");
	free(t);
	free(j);
	json_decref(doc);
}
END_TEST

START_TEST(record_view_and_null)
{
	const struct tk_view rec = { TK_VIEW_RECORD, cols, NULL };
	json_t *doc = json_pack("{s:s,s:n,s:b,s:[]}", "name", "tap0", "mtu", "up", 0, "addrs");
	char *t = render(false, doc, &rec);

	ck_assert_str_eq(t, "NAME   tap0\nMTU    -\nUP     no\nADDRS  -\nSHOUT  TAP0\n");
	free(t);
	json_decref(doc);
}
END_TEST

START_TEST(empty_table_prints_nothing)
{
	const struct tk_view table = { TK_VIEW_TABLE, cols, NULL };
	json_t *doc = json_array();
	char *t = render(false, doc, &table), *j = render(true, doc, &table);

	ck_assert_str_eq(t, "");
	ck_assert_str_eq(j, "[]\n");
	free(t);
	free(j);
	json_decref(doc);
}
END_TEST

Suite *suite_out(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, table_and_json_agree);
	tcase_add_test(tc, record_view_and_null);
	tcase_add_test(tc, empty_table_prints_nothing);
	suite_add_tcase(s, tc);
	return s;
}
