/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch mode: one command per line, like `ip -batch`, but with -j every
 * command's result (or error) comes back as one JSON line that names its
 * line number, so a script can tell which result came from which command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "out.h"
#include "words.h"

/* Runs argv with its output captured; the parsed JSON result in *result. */
static int run_captured(struct tk_ctx *ctx, struct tk_argv *a, json_t **result)
{
	struct tk_ctx c = *ctx;
	char *buf = NULL;
	size_t len = 0;
	int st;

	c.out = open_memstream(&buf, &len);
	if (!c.out)
		return tk_err(ctx, -errno, "batch");
	c.keep_error = true;
	c.last_error = NULL;
	c.json = true;
	st = tk_cmd_run(&c, a->n, a->v);
	fclose(c.out);
	*result = NULL;
	if (st)
		*result = c.last_error ? c.last_error : json_object();
	else {
		json_decref(c.last_error);
		/* one document, or JSON Lines (streams): an array of them */
		*result = len ? json_loadb(buf, len, JSON_DECODE_ANY, NULL) : json_null();
		if (!*result) {
			json_t *arr = json_array();
			char *save = NULL;

			for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				json_array_append_new(arr, json_loads(l, JSON_DECODE_ANY, NULL));
			*result = arr;
		}
	}
	free(buf);
	return st;
}

/* A line that does not split: a usage error of batch; with want, its object too. */
static int bad_line(struct tk_ctx *ctx, const char *why, unsigned lineno, json_t **want)
{
	struct tk_ctx c = *ctx;
	int st;

	c.cmd = "batch";
	c.keep_error = want != NULL;
	c.last_error = NULL;
	st = lineno ? tk_usage(&c, "line %u: %s", lineno, why) : tk_usage(&c, "%s", why);
	if (want)
		*want = c.last_error ? c.last_error : json_object();
	return st;
}

/* With -j: {"line", "cmd", "status", "result"|"error"} on stdout; consumes res. */
static void record(struct tk_ctx *ctx, const char *line, unsigned lineno, int st, json_t *res)
{
	json_t *rec = json_pack("{s:I,s:s,s:i}", "line", (json_int_t)lineno, "cmd", line,
				"status", st);

	json_object_set_new(rec, st ? "error" : "result", res ? res : json_null());
	tk_out_stream_rec(ctx, rec);
	json_decref(rec);
}

int tk_batch_line(struct tk_ctx *ctx, const char *line, unsigned lineno)
{
	struct tk_argv a;
	const char *why = tk_words_split(line, 0, &a);
	bool rec = ctx->json && lineno;
	json_t *res = NULL;
	int st;

	if (why) {
		/* with -j such a line has its record too: every line that ran or failed has one */
		st = bad_line(ctx, why, lineno, rec ? &res : NULL);
		if (rec)
			record(ctx, line, lineno, st, res);
		return st;
	}
	if (!a.n) {
		tk_argv_free(&a);
		return 0;
	}
	if (!rec) {
		st = tk_cmd_run(ctx, a.n, a.v);
		tk_argv_free(&a);
		return st;
	}
	st = run_captured(ctx, &a, &res);
	record(ctx, line, lineno, st, res);
	tk_argv_free(&a);
	return st;
}

static int stop(struct tk_ctx *ctx, unsigned lineno, const char *name)
{
	const char *saved = ctx->cmd;

	ctx->cmd = "batch";
	tk_fail(ctx, name, "line %u failed; stopped (--force goes on)", lineno);
	ctx->cmd = saved;
	return 1;
}

int tk_batch_file(struct tk_ctx *ctx, FILE *f, const char *name, bool force)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0, failed = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (tk_batch_line(ctx, line, lineno)) {
			failed++;
			if (!force) {
				free(line);
				return stop(ctx, lineno, name);
			}
		}
	}
	free(line);
	if (failed) {
		ctx->cmd = "batch";
		tk_fail(ctx, name, "%u of %u lines failed", failed, lineno);
	}
	return failed ? 1 : 0;
}

int tk_batch_cmds(struct tk_ctx *ctx, char **cmds, int n, bool force)
{
	unsigned failed = 0;

	for (int i = 0; i < n; i++)
		if (tk_batch_line(ctx, cmds[i], (unsigned)i + 1)) {
			failed++;
			if (!force)
				return stop(ctx, (unsigned)i + 1, "-c");
		}
	return failed ? 1 : 0;
}
