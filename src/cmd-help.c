/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit help [COMMAND] and tunkit version.
 */
#include "config.h"

#include "err.h"
#include "opt.h"
#include "out.h"

static int no_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	return 0;
}

static int help(struct tk_ctx *ctx, int argc, char **argv)
{
	const struct tk_cmd *c;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_help, argc, argv, no_opt, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (first == argc) {
		tk_cmd_list_help(ctx->out);
		return 0;
	}
	c = tk_cmd_find(argv[first]);
	if (!c)
		return tk_usage(ctx, "unknown command \"%s\"", argv[first]);
	tk_opt_help(NULL, c, ctx->out);
	return 0;
}

const struct tk_cmd tk_cmd_help = {
	.name = "help",
	.summary = "list the commands, or show one command's options",
	.synopsis = "[COMMAND]",
	.max_args = 1,
	.operands = "@command",
	.run = help,
};

static char *version_line(const json_t *o)
{
	char *s;

	if (asprintf(&s, "tunkit %s", json_string_value(json_object_get(o, "version"))) < 0)
		return NULL;
	return s;
}

static int version(struct tk_ctx *ctx, int argc, char **argv)
{
	static const struct tk_view view = { TK_VIEW_LINES, NULL, version_line };
	json_t *j;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_version, argc, argv, no_opt, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	j = json_pack("{s:s}", "version", PACKAGE_VERSION);
	r = tk_out(ctx, j, &view);
	json_decref(j);
	return r ? tk_err(ctx, r, "stdout") : 0;
}

const struct tk_cmd tk_cmd_version = {
	.name = "version",
	.summary = "print the version",
	.max_args = 0,
	.run = version,
};
