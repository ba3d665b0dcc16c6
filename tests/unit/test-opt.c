/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option and value parsing, and the interface-name rules.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "name.h"
#include "opt.h"
#include "suites.h"

START_TEST(names)
{
	ck_assert_ptr_null(tk_name_invalid("tap0", false));
	ck_assert_ptr_null(tk_name_invalid("abcdefghijklmno", false)); /* 15 bytes */
	ck_assert_ptr_nonnull(tk_name_invalid("abcdefghijklmnop", false)); /* 16 */
	ck_assert_ptr_nonnull(tk_name_invalid("", false));
	ck_assert_ptr_nonnull(tk_name_invalid(".", false));
	ck_assert_ptr_nonnull(tk_name_invalid("..", false));
	ck_assert_ptr_nonnull(tk_name_invalid("a/b", false));
	ck_assert_ptr_nonnull(tk_name_invalid("a b", false));
	ck_assert_ptr_nonnull(tk_name_invalid("a\tb", false));
	ck_assert_ptr_nonnull(tk_name_invalid("a:b", false));
	ck_assert_ptr_nonnull(tk_name_invalid("tap%d", false));
	ck_assert_ptr_null(tk_name_invalid("tap%d", true));
	ck_assert_ptr_nonnull(tk_name_invalid("tap%s", true));
	ck_assert_ptr_nonnull(tk_name_invalid("t%d%d", true));
	ck_assert(tk_name_is_glob("tap*"));
	ck_assert(!tk_name_is_glob("tap0"));
}
END_TEST

START_TEST(values)
{
	uint32_t v;
	bool b;
	uint8_t mac[6];
	struct tk_cidr c;

	ck_assert_int_eq(tk_parse_u32("1500", 68, 65535, &v), 0);
	ck_assert_uint_eq(v, 1500);
	ck_assert_int_eq(tk_parse_u32("67", 68, 65535, &v), -ERANGE);
	ck_assert_int_eq(tk_parse_u32("-1", 0, 10, &v), -EINVAL);
	ck_assert_int_eq(tk_parse_u32("12x", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(tk_parse_u32("", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(tk_parse_u32("99999999999999999999", 0, 100, &v), -ERANGE);
	ck_assert_int_eq(tk_parse_bool("on", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(tk_parse_bool("off", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(tk_parse_bool("maybe", &b), -EINVAL);
	ck_assert_int_eq(tk_parse_mac("02:00:5e:10:00:01", mac), 0);
	ck_assert_uint_eq(mac[5], 1);
	ck_assert_int_eq(tk_parse_mac("01:00:5e:10:00:01", mac), -EINVAL); /* multicast */
	ck_assert_int_eq(tk_parse_mac("02:00:5e:10:00", mac), -EINVAL);
	ck_assert_int_eq(tk_parse_mac("02:00:5e:10:00:01:02", mac), -EINVAL);
	ck_assert_int_eq(tk_parse_cidr("192.0.2.1/24", &c), 0);
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_int_eq(c.prefixlen, 24);
	ck_assert_int_eq(tk_parse_cidr("2001:db8::1", &c), 0);
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_int_eq(c.prefixlen, -1);
	ck_assert_int_eq(tk_parse_cidr("192.0.2.1/33", &c), -EINVAL);
	ck_assert_int_eq(tk_parse_cidr("2001:db8::1/129", &c), -EINVAL);
	ck_assert_int_eq(tk_parse_cidr("192.0.2.300", &c), -EINVAL);
	ck_assert_int_eq(tk_parse_user("0", &v), 0);
	ck_assert_int_eq(tk_parse_user("root", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(tk_parse_user("no-such-user-tk", &v), -ENOENT);
	ck_assert_int_eq(tk_parse_group("no-such-group-tk", &v), -ENOENT);
}
END_TEST

static const struct tk_opt opts[] = {
	{ "mode", 'm', TK_ARG_REQ, "MODE", "tun tap", "mode" },
	{ "up", 0, TK_ARG_NONE, NULL, NULL, "up" },
	{ "watch", 0, TK_ARG_OPT, "SEC", NULL, "watch" },
	{ NULL },
};
static const struct tk_cmd cmd = { .name = "t", .summary = "t", .synopsis = "NAME",
				   .opts = opts, .min_args = 1, .max_args = 2 };

struct seen {
	char log[256];
};

static int record(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct seen *s = st;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "%d=%s;", idx, arg ? arg : "-");
	return 0;
}

static int parse(const char *line, struct seen *s, int *first, char ***argvp)
{
	static char buf[256];
	static char *argv[16];
	struct tk_ctx ctx = { .prog = "t", .cmd = "t", .out = stdout };
	int argc = 0;

	strcpy(buf, line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	memset(s, 0, sizeof(*s));
	*argvp = argv;
	return tk_opt_parse(&ctx, &cmd, argc, argv, record, s, first);
}

START_TEST(table_driven)
{
	struct seen s;
	char **argv;
	int first;

	ck_assert_int_eq(parse("t --mode tap x --up", &s, &first, &argv), 0);
	ck_assert_str_eq(s.log, "0=tap;1=-;");
	ck_assert_str_eq(argv[first], "x");
	ck_assert_int_eq(parse("t -m tun x", &s, &first, &argv), 0);
	ck_assert_str_eq(s.log, "0=tun;");
	ck_assert_int_eq(parse("t --watch 2 x", &s, &first, &argv), 0);
	ck_assert_str_eq(s.log, "2=2;");
	ck_assert_int_eq(parse("t --watch x", &s, &first, &argv), 0);
	ck_assert_str_eq(s.log, "2=-;");
	ck_assert_int_eq(parse("t --bogus x", &s, &first, &argv), 2);
	ck_assert_int_eq(parse("t --mode", &s, &first, &argv), 2);
	ck_assert_int_eq(parse("t", &s, &first, &argv), 2);
	ck_assert_int_eq(parse("t a b c", &s, &first, &argv), 2);
}
END_TEST

Suite *suite_opt(void)
{
	Suite *s = suite_create("opt");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, names);
	tcase_add_test(tc, values);
	tcase_add_test(tc, table_driven);
	suite_add_tcase(s, tc);
	return s;
}
