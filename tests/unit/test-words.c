/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shell and batch tokenizer: quotes, escapes, comments, limits.
 */
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "words.h"

static char *joined(const char *line, int lenient)
{
	struct tk_argv a;
	const char *why = tk_words_split(line, lenient, &a);
	char *s = calloc(1, strlen(line) * 2 + 64);

	if (why) {
		strcpy(s, "ERR:");
		strcat(s, why);
		return s;
	}
	for (int i = 0; i < a.n; i++) {
		strcat(s, "[");
		strcat(s, a.v[i]);
		strcat(s, "]");
	}
	ck_assert_ptr_null(a.v[a.n]);
	tk_argv_free(&a);
	return s;
}

#define CHECK(line, want)                          \
	do {                                       \
		char *got = joined(line, 0);       \
		ck_assert_str_eq(got, want);       \
		free(got);                         \
	} while (0)

START_TEST(quoting)
{
	CHECK("create tap0 --mode tap", "[create][tap0][--mode][tap]");
	CHECK("  \tshow   ", "[show]");
	CHECK("", "");
	CHECK("# only a comment", "");
	CHECK("show # trailing comment", "[show]");
	CHECK("show a#b", "[show][a#b]");
	CHECK("create 'a b'", "[create][a b]");
	CHECK("create \"a \\\"b\\\" \\\\c\"", "[create][a \"b\" \\c]");
	CHECK("create \"a\\nb\"", "[create][a\\nb]");
	CHECK("create a\\ b", "[create][a b]");
	CHECK("x'y'\"z\"", "[xyz]");
	CHECK("''", "[]");
	CHECK("create 'x", "ERR:unbalanced quote");
	CHECK("create \"x", "ERR:unbalanced quote");
	CHECK("trailing\\", "[trailing\\]");
}
END_TEST

START_TEST(lenient_and_limits)
{
	struct tk_argv a;
	char *big = malloc(TK_LINE_MAX + 2);

	ck_assert_ptr_null(tk_words_split("show \"ta", 1, &a));
	ck_assert_int_eq(a.n, 2);
	ck_assert_str_eq(a.v[1], "ta");
	ck_assert_int_eq(a.open_quote, '"');
	ck_assert_uint_eq(a.last_start, 5);
	tk_argv_free(&a);
	memset(big, 'a', TK_LINE_MAX + 1);
	big[TK_LINE_MAX + 1] = '\0';
	ck_assert_str_eq(tk_words_split(big, 0, &a), "line too long");
	big[TK_LINE_MAX] = '\0';
	ck_assert_ptr_null(tk_words_split(big, 0, &a));
	ck_assert_int_eq(a.n, 1);
	tk_argv_free(&a);
	free(big);
}
END_TEST

Suite *suite_words(void)
{
	Suite *s = suite_create("words");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, quoting);
	tcase_add_test(tc, lenient_and_limits);
	suite_add_tcase(s, tc);
	return s;
}
