/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit __complete WORD...: the hidden command the bash and zsh scripts
 * call; prints one candidate per line for the last word.
 */
#include "complete.h"
#include "err.h"

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_words w;
	char *empty[] = { (char *)"" };
	int r;

	/* no option parsing: every word belongs to the line being completed */
	r = argc > 1 ? tk_complete(argc - 1, argv + 1, &w) : tk_complete(1, empty, &w);
	if (r)
		return tk_err(ctx, r, "complete");
	for (size_t i = 0; i < w.n; i++)
		fprintf(ctx->out, "%s\n", w.v[i]);
	tk_words_free(&w);
	return 0;
}

const struct tk_cmd tk_cmd_complete = {
	.name = "__complete",
	.summary = "completion candidates for the last word (used by the shell scripts)",
	.synopsis = "WORD...",
	.max_args = -1,
	.flags = TK_CMD_HIDDEN,
	.run = run,
};
