/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit's entry point: picks the personality from argv[0] (tunkit, or
 * tunctl through a link), reads the global options, enters the network
 * namespace, and hands the rest to the command table.  Only main() exits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "netns.h"
#include "personality.h"

static int globals(struct tk_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },	 { "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' }, { "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },	 { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpn:qVh", lo, NULL)) != -1) {
		switch (c) {
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
	int r;

	if (!strcmp(base, "tunctl"))
		return finish(&ctx, tk_tunctl_main(&ctx, argc, argv));
	if (!strcmp(base, "brctl"))
		return finish(&ctx, tk_brctl_main(&ctx, argc, argv));
	r = globals(&ctx, argc, argv);
	if (r == -'h') {
		tk_cmd_list_help(stdout);
		return finish(&ctx, 0);
	}
	if (r == -'V')
		return finish(&ctx, tk_cmd_run(&ctx, 1, version));
	if (r)
		return r;
	if (optind == argc) {
		tk_cmd_list_help(stderr);
		return 2;
	}
	if (ctx.netns) {
		r = tk_netns_enter(ctx.netns);
		if (r == -ENOENT || r == -EINVAL)
			return tk_fail(&ctx, ctx.netns, "no such network namespace");
		if (r)
			return tk_err(&ctx, r, ctx.netns);
	}
	return finish(&ctx, tk_cmd_run(&ctx, argc - optind, argv + optind));
}
