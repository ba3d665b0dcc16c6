/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table, sorted by name (a unit test keeps it so), and the
 * dispatcher every entry point uses: argv, the shell, batch lines.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "err.h"

const struct tk_cmd *const tk_cmds[] = {
	&tk_cmd_complete,
	&tk_cmd_bridge,
	&tk_cmd_create,
	&tk_cmd_delete,
	&tk_cmd_doctor,
	&tk_cmd_dump,
	&tk_cmd_genkey,
	&tk_cmd_help,
	&tk_cmd_monitor,
	&tk_cmd_peer,
	&tk_cmd_pubkey,
	&tk_cmd_shell,
	&tk_cmd_show,
	&tk_cmd_stats,
	&tk_cmd_tunnel,
	&tk_cmd_version,
	NULL,
};

const struct tk_cmd *tk_cmd_find(const char *name)
{
	return tk_cmd_find_in(tk_cmds, name);
}

const struct tk_cmd *tk_cmd_find_in(const struct tk_cmd *const *table, const char *name)
{
	for (size_t i = 0; table && table[i]; i++) {
		const struct tk_cmd *c = table[i];

		if (!strcmp(c->name, name))
			return c;
		for (const char *const *a = c->aliases; a && *a; a++)
			if (!strcmp(*a, name))
				return c;
	}
	return NULL;
}

int tk_cmd_run_sub(struct tk_ctx *ctx, const struct tk_cmd *parent, int argc, char **argv)
{
	const struct tk_cmd *c;

	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(ctx->out, "Usage: tunkit %s COMMAND [ARGS...]\n\n%s\n\nCommands:\n",
			parent->name, parent->summary);
		for (size_t i = 0; parent->subs[i]; i++)
			fprintf(ctx->out, "  %-8s %-16s %s\n", parent->subs[i]->name,
				parent->subs[i]->synopsis, parent->subs[i]->summary);
		return 0;
	}
	c = tk_cmd_find_in(parent->subs, argv[1]);
	if (!c)
		return tk_usage(ctx, "unknown %s command \"%s\"", parent->name, argv[1]);
	return c->run(ctx, argc - 1, argv + 1);
}

int tk_cmd_run(struct tk_ctx *ctx, int argc, char **argv)
{
	const struct tk_cmd *c = tk_cmd_find(argv[0]);
	const char *saved = ctx->cmd;
	int r;

	if (!c) {
		ctx->cmd = NULL;
		return tk_usage(ctx, "unknown command \"%s\" (see \"tunkit help\")", argv[0]);
	}
	ctx->cmd = c->name;
	r = c->run(ctx, argc, argv);
	/* a write error is the command's failure, named after it (main() checks again for
	 * what it prints itself) */
	if (!r && (fflush(ctx->out) || ferror(ctx->out)))
		r = tk_fail(ctx, "stdout", "write error");
	ctx->cmd = saved;
	return r;
}

void tk_cmd_list_help(FILE *f)
{
	fputs("Usage: tunkit [OPTIONS] COMMAND [ARGS...]\n\n"
	      "Options (before the command):\n"
	      "  -j, --json          JSON output (JSON Lines for streams)\n"
	      "  -p, --pretty        indented JSON\n"
	      "  -n, --netns NAME    run the command inside network namespace NAME\n"
	      "  -q, --quiet         no output on success, no warnings\n"
	      "  -b, --batch FILE    run the commands of FILE, one per line (- for stdin)\n"
	      "  -c, --command CMD   run CMD (repeatable), as a line of a batch\n"
	      "      --force         with -b or -c: go on after a failing line\n"
	      "  -V, --version       print the version\n"
	      "  -h, --help          this help\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; tk_cmds[i]; i++)
		if (!(tk_cmds[i]->flags & TK_CMD_HIDDEN))
			fprintf(f, "  %-12s %s\n", tk_cmds[i]->name, tk_cmds[i]->summary);
	fputs("\n\"tunkit COMMAND --help\" shows a command's options; man tunkit has the rest.\n", f);
}
