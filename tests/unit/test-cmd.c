/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table: sorted, unique names and aliases, complete rows, and
 * every command and option named in the man pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "complete.h"
#include "suites.h"

START_TEST(table_sorted_and_unique)
{
	for (size_t i = 0; tk_cmds[i] && tk_cmds[i + 1]; i++)
		ck_assert_msg(strcmp(tk_cmds[i]->name, tk_cmds[i + 1]->name) < 0,
			      "%s before %s", tk_cmds[i]->name, tk_cmds[i + 1]->name);
	for (size_t i = 0; tk_cmds[i]; i++)
		for (const char *const *a = tk_cmds[i]->aliases; a && *a; a++) {
			ck_assert_ptr_eq(tk_cmd_find(*a), tk_cmds[i]);
			for (size_t j = 0; tk_cmds[j]; j++)
				ck_assert_str_ne(*a, tk_cmds[j]->name);
		}
}
END_TEST

START_TEST(rows_complete)
{
	for (size_t i = 0; tk_cmds[i]; i++) {
		const struct tk_cmd *c = tk_cmds[i];

		ck_assert_ptr_nonnull(c->run);
		ck_assert_msg(c->summary && *c->summary, "%s has no summary", c->name);
		ck_assert_msg(c->max_args < 0 || c->max_args >= c->min_args, "%s counts", c->name);
		for (const struct tk_opt *o = c->opts; o && o->lng; o++) {
			ck_assert_msg(o->help && *o->help, "%s --%s has no help", c->name, o->lng);
			ck_assert_msg(o->arg == TK_ARG_NONE || o->metavar, "%s --%s: metavar",
				      c->name, o->lng);
		}
	}
}
END_TEST

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* every man page under man/, concatenated */
static char *man_text(void)
{
	static const char *const pages[] = { "tunkit.8", "tunkit-bridge.8", "tunkit-dump.8",
					     "tunkit-tunnel.8", "tunkit-shell.8" };
	const char *top = getenv("TOP_SRCDIR");
	char *all = calloc(1, 1), path[4096];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char *t;

		snprintf(path, sizeof(path), "%s/man/%s", top ? top : ".", pages[i]);
		t = slurp(path);
		if (!t)
			continue;
		all = realloc(all, len + strlen(t) + 1);
		memcpy(all + len, t, strlen(t) + 1);
		len += strlen(t);
		free(t);
	}
	return all;
}

static void check_opts(const char *man, const char *name, const struct tk_opt *opts)
{
	char pat[128];

	for (const struct tk_opt *o = opts; o && o->lng; o++) {
		snprintf(pat, sizeof(pat), "Fl -%s", o->lng);
		ck_assert_msg(strstr(man, pat), "man page lacks %s --%s", name, o->lng);
	}
}

START_TEST(man_names_everything)
{
	char *man = man_text(), pat[128];

	ck_assert_msg(man && strlen(man) > 100, "no man page (TOP_SRCDIR?)");
	for (size_t i = 0; tk_cmds[i]; i++) {
		const struct tk_cmd *c = tk_cmds[i];

		if (c->flags & TK_CMD_HIDDEN)
			continue;
		snprintf(pat, sizeof(pat), "Cm %s", c->name);
		ck_assert_msg(strstr(man, pat), "man page lacks command %s", c->name);
		check_opts(man, c->name, c->opts);
		for (size_t k = 0; c->subs && c->subs[k]; k++) {
			snprintf(pat, sizeof(pat), "Cm %s %s", c->name, c->subs[k]->name);
			ck_assert_msg(strstr(man, pat), "man page lacks %s", pat);
			check_opts(man, c->subs[k]->name, c->subs[k]->opts);
		}
	}
	free(man);
}
END_TEST

static bool has(const struct tk_words *w, const char *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], s))
			return true;
	return false;
}

START_TEST(completion_from_table)
{
	char *w1[] = { (char *)"cr" };
	char *w2[] = { (char *)"create", (char *)"--mode", (char *)"" };
	char *w3[] = { (char *)"create", (char *)"--mu" };
	char *w4[] = { (char *)"-j", (char *)"de" };
	char *w5[] = { (char *)"bridge", (char *)"at" };
	char *w6[] = { (char *)"bridge", (char *)"add", (char *)"--stp", (char *)"o" };
	struct tk_words w;

	ck_assert_int_eq(tk_complete(1, w1, &w), 0);
	ck_assert(has(&w, "create"));
	ck_assert_uint_eq(w.n, 1);
	tk_words_free(&w);
	ck_assert_int_eq(tk_complete(3, w2, &w), 0);
	ck_assert(has(&w, "tun") && has(&w, "tap") && w.n == 2);
	tk_words_free(&w);
	ck_assert_int_eq(tk_complete(2, w3, &w), 0);
	ck_assert(has(&w, "--multi-queue") && w.n == 1);
	tk_words_free(&w);
	ck_assert_int_eq(tk_complete(2, w4, &w), 0);
	ck_assert(has(&w, "delete"));
	tk_words_free(&w);
	ck_assert_int_eq(tk_complete(2, w5, &w), 0);
	ck_assert(has(&w, "attach") && w.n == 1);
	tk_words_free(&w);
	ck_assert_int_eq(tk_complete(4, w6, &w), 0);
	ck_assert(has(&w, "on") && has(&w, "off") && w.n == 2);
	tk_words_free(&w);
}
END_TEST

Suite *suite_cmd(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, table_sorted_and_unique);
	tcase_add_test(tc, rows_complete);
	tcase_add_test(tc, man_names_everything);
	tcase_add_test(tc, completion_from_table);
	suite_add_tcase(s, tc);
	return s;
}
