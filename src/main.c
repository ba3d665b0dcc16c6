/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit's entry point: picks the personality from argv[0] (tunkit, or
 * tunctl through a link), reads the global options, enters the network
 * namespace, and hands the rest to the command table.  Only main() exits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cmd.h"
#include "err.h"
#include "netns.h"
#include "personality.h"

struct batch_opts {
	const char *file;
	char **cmds;
	int ncmds;
	bool force;
};

static int globals(struct tk_ctx *ctx, int argc, char **argv, struct batch_opts *b)
{
	static const struct option lo[] = {
		{ "batch", required_argument, NULL, 'b' }, { "command", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },	 { "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' }, { "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },	 { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpn:qVhb:c:", lo, NULL)) != -1) {
		switch (c) {
		case 'b': b->file = optarg; break;
		case 'c':
			if (b->ncmds == 64)
				return tk_usage(ctx, "at most 64 -c commands (use -b FILE)");
			b->cmds[b->ncmds++] = optarg;
			break;
		case 'f': b->force = true; break;
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		case 'n': ctx->netns = optarg; break;
		case 'q': ctx->quiet = true; break;
		case 'V': return -'V';
		case 'h': return -'h';
		case ':': return tk_usage(ctx, "option \"%s\" needs a value", argv[optind - 1]);
		default: return tk_usage(ctx, "unknown option \"%s\" (see \"tunkit --help\")",
					 argv[optind - 1]);
		}
	}
	return 0;
}

static int batch_file(struct tk_ctx *ctx, const struct batch_opts *b)
{
	FILE *f = strcmp(b->file, "-") ? fopen(b->file, "re") : stdin;
	int r;

	if (!f) {
		ctx->cmd = "batch";
		return tk_err(ctx, -errno, b->file);
	}
	r = tk_batch_file(ctx, f, b->file, b->force);
	if (f != stdin)
		fclose(f);
	return r;
}

static int finish(struct tk_ctx *ctx, int status)
{
	/* a full disk or a closed pipe must not pass for success */
	if (fflush(stdout) || ferror(stdout)) {
		if (status == 0)
			status = tk_fail(ctx, "stdout", "write error");
	}
	return status;
}

int main(int argc, char **argv)
{
	struct tk_ctx ctx = { .prog = "tunkit", .out = stdout };
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char *version[] = { (char *)"version", NULL };
	char *cmds[64];
	struct batch_opts b = { .cmds = cmds };
	int r;

	if (!strcmp(base, "tunctl"))
		return finish(&ctx, tk_tunctl_main(&ctx, argc, argv));
	if (!strcmp(base, "brctl"))
		return finish(&ctx, tk_brctl_main(&ctx, argc, argv));
	r = globals(&ctx, argc, argv, &b);
	if (r == -'h') {
		tk_cmd_list_help(stdout);
		return finish(&ctx, 0);
	}
	if (r == -'V')
		return finish(&ctx, tk_cmd_run(&ctx, 1, version));
	if (r)
		return r;
	if (optind < argc && (b.file || b.ncmds))
		return tk_usage(&ctx, "-b and -c take no command after them");
	/* one usage line, not the help on stderr: with -j it is an error object like any */
	if (optind == argc && !b.file && !b.ncmds && !isatty(STDIN_FILENO))
		return tk_usage(&ctx, "no command, and no terminal for the shell "
				      "(see \"tunkit --help\")");
	if (b.file && b.ncmds)
		return tk_usage(&ctx, "-b and -c do not go together");
	if (ctx.netns) {
		r = tk_netns_enter(ctx.netns);
		if (r == -ENOENT || r == -EINVAL)
			return tk_fail(&ctx, ctx.netns, "no such network namespace");
		if (r)
			return tk_err(&ctx, r, ctx.netns);
	}
	if (b.file)
		r = batch_file(&ctx, &b);
	else if (b.ncmds)
		r = tk_batch_cmds(&ctx, b.cmds, b.ncmds, b.force);
	else if (optind == argc)
		r = tk_shell(&ctx); /* no command, on a terminal */
	else
		r = tk_cmd_run(&ctx, argc - optind, argv + optind);
	return finish(&ctx, r);
}
