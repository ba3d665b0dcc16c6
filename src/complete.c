/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walks the words the way main() and tk_opt_parse() would (global options,
 * the command, its options and their values) to know what the last word
 * is, then lists what may stand there.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "complete.h"
#include "link.h"
#include "netns.h"

static const char *const global_opts[] = { "-j", "--json", "-p", "--pretty", "-n", "--netns",
					   "-q", "--quiet", "-V", "--version", "-h", "--help",
					   NULL };

static void add(struct tk_words *w, const char *prefix, const char *s)
{
	if (strncmp(s, prefix, strlen(prefix)))
		return;
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], s))
			return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		char **v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n] = strdup(s);
	if (w->v[w->n])
		w->n++;
}

void tk_words_add(struct tk_words *w, const char *s)
{
	add(w, "", s);
}

void tk_words_free(struct tk_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static void add_links(struct tk_words *w, const char *prefix, const char *set, const char *ns)
{
	struct tk_nl *nl;
	struct tk_snap s;
	int home = -1;

	if (ns) {
		home = tk_netns_save();
		if (home < 0 || tk_netns_enter(ns)) {
			if (home >= 0)
				tk_netns_restore(home);
			return;
		}
	}
	if (!tk_nl_open(&nl)) {
		if (!tk_snap_take(nl, &s, 0)) {
			for (size_t i = 0; i < s.nlinks; i++) {
				const struct tk_link *l = &s.links[i];

				if ((!strcmp(set, "@tuntap") && l->is_tun) ||
				    (!strcmp(set, "@bridge") && !strcmp(l->kind, "bridge")) ||
				    (!strcmp(set, "@port") && l->master) || !strcmp(set, "@link"))
					add(w, prefix, l->ifname);
			}
			tk_snap_free(&s);
		}
		tk_nl_close(nl);
	}
	if (home >= 0)
		tk_netns_restore(home);
}

static void add_set(struct tk_words *w, const char *prefix, const char *set, const char *ns)
{
	if (!set)
		return;
	if (set[0] != '@') { /* literal words */
		char *copy = strdup(set), *save = NULL;

		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			add(w, prefix, t);
		free(copy);
	} else if (!strcmp(set, "@netns")) {
		char **names;
		size_t n;

		if (!tk_netns_list(&names, &n)) {
			for (size_t i = 0; i < n; i++)
				add(w, prefix, names[i]);
			tk_netns_list_free(names, n);
		}
	} else if (!strcmp(set, "@user")) {
		struct passwd *pw;

		setpwent();
		while ((pw = getpwent()))
			add(w, prefix, pw->pw_name);
		endpwent();
	} else if (!strcmp(set, "@group")) {
		struct group *gr;

		setgrent();
		while ((gr = getgrent()))
			add(w, prefix, gr->gr_name);
		endgrent();
	} else if (!strcmp(set, "@command")) {
		for (size_t i = 0; tk_cmds[i]; i++)
			if (!(tk_cmds[i]->flags & TK_CMD_HIDDEN))
				add(w, prefix, tk_cmds[i]->name);
	} else if (!strcmp(set, TK_COMPLETE_FILES)) {
		add(w, "", TK_COMPLETE_FILES);
	} else {
		add_links(w, prefix, set, ns);
	}
}

static const struct tk_opt *find_opt(const struct tk_cmd *c, const char *word)
{
	for (const struct tk_opt *o = c->opts; o && o->lng; o++) {
		if (word[0] == '-' && word[1] == '-' && !strcmp(word + 2, o->lng))
			return o;
		if (word[0] == '-' && word[1] == o->shrt && o->shrt && !word[2])
			return o;
	}
	return NULL;
}

static void command_words(const struct tk_cmd *c, int n, char **words, struct tk_words *w,
			  const char *ns)
{
	const char *cur = words[n - 1];
	const struct tk_opt *prev = n >= 2 ? find_opt(c, words[n - 2]) : NULL;

	if (prev && prev->arg == TK_ARG_REQ) {
		add_set(w, cur, prev->values ? prev->values : "", ns);
		return;
	}
	if (cur[0] == '-') {
		char buf[64];

		for (const struct tk_opt *o = c->opts; o && o->lng; o++) {
			snprintf(buf, sizeof(buf), "--%s", o->lng);
			add(w, cur, buf);
		}
		add(w, cur, "--help");
		return;
	}
	add_set(w, cur, c->operands, ns);
}

int tk_complete(int n, char **words, struct tk_words *out)
{
	const char *ns = NULL;
	int i = 0;

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return -EINVAL;
	/* global options before the command */
	while (i < n - 1 && words[i][0] == '-') {
		if ((!strcmp(words[i], "-n") || !strcmp(words[i], "--netns")) && i + 1 < n - 1)
			ns = words[++i];
		else if (!strcmp(words[i], "-n") || !strcmp(words[i], "--netns")) {
			add_set(out, words[n - 1], "@netns", NULL);
			return 0;
		}
		i++;
	}
	if (i == n - 1) {
		if (words[i][0] == '-') {
			for (const char *const *g = global_opts; *g; g++)
				add(out, words[i], *g);
		} else {
			add_set(out, words[i], "@command", NULL);
		}
		return 0;
	}
	const struct tk_cmd *c = tk_cmd_find(words[i]);

	if (c && c->subs) { /* bridge add ...: the subcommand, then its words */
		if (++i == n - 1) {
			for (size_t k = 0; c->subs[k]; k++)
				add(out, words[i], c->subs[k]->name);
			return 0;
		}
		c = tk_cmd_find_in(c->subs, words[i]);
	}
	if (c)
		command_words(c, n - i, words + i, out, ns);
	return 0;
}
