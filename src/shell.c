/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit shell: a readline console over the command table.  Completion asks
 * tk_complete() (live names read at that moment), history persists under
 * $XDG_STATE_HOME/tunkit/history, and Ctrl-C stops the running command, not
 * the shell.  Shell words: help, json on|off, pretty on|off, netns NAME|-,
 * exit, quit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "batch.h"
#include "complete.h"
#include "err.h"
#include "netns.h"
#include "opt.h"
#include "words.h"

static const char *const builtins[] = { "exit", "json", "netns", "pretty", "quit", NULL };
static volatile sig_atomic_t at_prompt;

/* At the prompt Ctrl-C clears the line; during a command the command's own
 * handler (tk_sig_catch) is in place and ends it. */
static void on_sigint(int sig)
{
	if (!at_prompt)
		return;
	if (write(STDOUT_FILENO, "\n", 1) < 0) {
		/* nothing to do: the prompt is redrawn anyway */
	}
	rl_on_new_line();
	rl_replace_line("", 0);
	rl_redisplay();
}

static char *history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir = NULL, *path = NULL;

	if (state && *state) {
		if (asprintf(&dir, "%s/tunkit", state) < 0)
			return NULL;
	} else if (home && *home) {
		if (asprintf(&dir, "%s/.local/state/tunkit", home) < 0)
			return NULL;
	} else {
		return NULL;
	}
	/* mkdir -p, quietly: no history is no reason to refuse a shell */
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	if (asprintf(&path, "%s/history", dir) < 0)
		path = NULL;
	free(dir);
	return path;
}

static struct tk_words matches;
static size_t match_next;

static char *generator(const char *text, int state)
{
	if (!state)
		match_next = 0;
	while (match_next < matches.n) {
		const char *m = matches.v[match_next++];

		if (!strncmp(m, text, strlen(text)) && strcmp(m, TK_COMPLETE_FILES))
			return strdup(m);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char *upto = strndup(rl_line_buffer, (size_t)start);
	struct tk_argv a;
	char **words;
	int n;

	rl_attempted_completion_over = 1;
	tk_words_free(&matches);
	if (!upto || tk_words_split(upto, 1, &a)) {
		free(upto);
		return NULL;
	}
	free(upto);
	/* the words before the cursor, then the one being completed */
	words = calloc((size_t)a.n + 2, sizeof(*words));
	for (n = 0; words && n < a.n; n++)
		words[n] = a.v[n];
	if (words) {
		words[n++] = (char *)text;
		tk_complete(n, words, &matches);
		if (n == 1)
			for (const char *const *b = builtins; *b; b++)
				if (!strncmp(*b, text, strlen(text)))
					tk_words_add(&matches, *b);
		if (matches.n == 1 && !strcmp(matches.v[0], TK_COMPLETE_FILES))
			rl_attempted_completion_over = 0; /* readline's file names */
	}
	free(words);
	tk_argv_free(&a);
	return rl_completion_matches(text, generator);
}

static void prompt(char *buf, size_t size, const char *ns)
{
	snprintf(buf, size, ns ? "tunkit(%s)> " : "tunkit> ", ns);
}

/* The shell's own words; returns 1 when the line was one, -1 for exit. */
static int builtin(struct tk_ctx *ctx, struct tk_argv *a, char **ns, int home)
{
	const char *w = a->v[0];
	bool b;

	if (!strcmp(w, "exit") || !strcmp(w, "quit"))
		return -1;
	if (!strcmp(w, "json") || !strcmp(w, "pretty")) {
		if (a->n != 2 || tk_parse_bool(a->v[1], &b))
			tk_usage(ctx, "%s on|off", w);
		else if (w[0] == 'j')
			ctx->json = b, ctx->pretty = ctx->pretty && b;
		else
			ctx->pretty = b, ctx->json = ctx->json || b;
		return 1;
	}
	if (!strcmp(w, "netns")) {
		int r;

		if (a->n != 2) {
			tk_usage(ctx, "netns NAME, or netns - for the first namespace");
			return 1;
		}
		r = tk_netns_restore(dup(home)); /* from the first namespace, not nested */
		if (!r && strcmp(a->v[1], "-"))
			r = tk_netns_enter(a->v[1]);
		if (r) {
			tk_fail(ctx, a->v[1], "no such network namespace");
			tk_netns_restore(dup(home));
			free(*ns);
			*ns = NULL;
		} else {
			free(*ns);
			*ns = strcmp(a->v[1], "-") ? strdup(a->v[1]) : NULL;
		}
		return 1;
	}
	return 0;
}

static void one_line(struct tk_ctx *ctx, const char *line, char **ns, int home, bool *done)
{
	struct tk_argv a;
	const char *why = tk_words_split(line, 0, &a);
	const char *saved = ctx->cmd;

	if (why) {
		ctx->cmd = NULL;
		tk_usage(ctx, "%s", why);
		ctx->cmd = saved;
		return;
	}
	if (a.n) {
		int b = builtin(ctx, &a, ns, home);

		if (b < 0)
			*done = true;
		else if (!b)
			tk_cmd_run(ctx, a.n, a.v);
	}
	tk_argv_free(&a);
}

int tk_shell(struct tk_ctx *ctx)
{
	struct sigaction sa = { .sa_handler = on_sigint };
	char *hist = history_path(), *ns = ctx->netns ? strdup(ctx->netns) : NULL, *line;
	char pr[128];
	int home = tk_netns_save();
	bool done = false;

	if (home < 0)
		return tk_err(ctx, home, "netns");
	ctx->interactive = true;
	rl_readline_name = "tunkit";
	rl_catch_signals = 0;
	rl_attempted_completion_function = complete;
	/* one Tab lists what is ambiguous, as network consoles do */
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_basic_word_break_characters = " \t\n\"'";
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	using_history();
	/* append_history() needs the file to exist */
	if (hist && read_history(hist) == ENOENT)
		write_history(hist);
	while (!done) {
		prompt(pr, sizeof(pr), ns);
		at_prompt = 1;
		line = readline(pr);
		at_prompt = 0;
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		if (*line) {
			add_history(line);
			if (hist)
				append_history(1, hist);
			one_line(ctx, line, &ns, home, &done);
		}
		free(line);
		fflush(stdout);
		clearerr(stdout); /* an output error ends the command, not the shell */
	}
	tk_words_free(&matches);
	free(hist);
	free(ns);
	close(home);
	return 0;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	int first, r = tk_opt_parse(ctx, &tk_cmd_shell, argc, argv, NULL, NULL, &first);

	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (ctx->interactive)
		return tk_fail(ctx, NULL, "already in the shell");
	return tk_shell(ctx);
}

const struct tk_cmd tk_cmd_shell = {
	.name = "shell",
	.summary = "an interactive console over the same commands",
	.max_args = 0,
	.run = run,
};
