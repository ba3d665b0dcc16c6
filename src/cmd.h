/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command table: one row per subcommand, the one place that --help, the
 * shell's help and completion, the man-page check and `tunkit __complete`
 * all read.  A command is a const struct tk_cmd exported by cmd-<name>.c.
 */
#ifndef TK_CMD_H
#define TK_CMD_H

#include <stdbool.h>
#include <stdio.h>

struct tk_ctx;

enum tk_arg { TK_ARG_NONE, TK_ARG_REQ, TK_ARG_OPT };

/*
 * One option of a command.  `values` drives completion: a space separated
 * list of literal words ("tun tap"), or one of the live sets "@link",
 * "@tuntap", "@bridge", "@netns", "@user", "@group", "@file".
 */
struct tk_opt {
	const char *lng;
	int shrt;
	enum tk_arg arg;
	const char *metavar;
	const char *values;
	const char *help;
};

enum {
	TK_CMD_HIDDEN = 1 << 0,	 /* not listed in help or completion */
	TK_CMD_NO_NETNS = 1 << 1, /* the command handles -n itself */
};

struct tk_cmd {
	const char *name;
	const char *const *aliases; /* NULL-terminated exact aliases, or NULL */
	const char *summary;
	const char *synopsis; /* operands after the options, e.g. "NAME..." */
	const struct tk_opt *opts; /* terminated by a row with lng == NULL */
	int min_args, max_args;	   /* operand counts; max -1: unlimited */
	const char *operands;	   /* completion set of operands, as tk_opt.values */
	unsigned flags;
	const struct tk_cmd *const *subs; /* subcommands (NULL-terminated), or NULL */
	/* argv[0] is the command name; returns the exit status 0, 1 or 2 */
	int (*run)(struct tk_ctx *ctx, int argc, char **argv);
};

/* Global state of one invocation; commands read it, out.c and err.c use it. */
struct tk_ctx {
	const char *prog;  /* "tunkit" (messages) */
	const char *cmd;   /* current command for messages, or NULL */
	const char *netns; /* -n NAME, or NULL */
	bool json, pretty, quiet;
	bool interactive;  /* running inside the shell */
	FILE *out;
	/* batch -j: err.c keeps the last error object here (a reference) */
	bool keep_error;
	struct json_t *last_error;
};

/* The sorted table, NULL-terminated; and lookup by exact name or alias. */
extern const struct tk_cmd *const tk_cmds[];
const struct tk_cmd *tk_cmd_find(const char *name);
/* Lookup in a NULL-terminated table (a command's subcommands). */
const struct tk_cmd *tk_cmd_find_in(const struct tk_cmd *const *table, const char *name);

/* tunkit PARENT COMMAND [ARGS...] with argv[1] the COMMAND: --help lists parent->subs, an
 * unknown one is a usage error, else the subcommand runs on argv + 1. */
int tk_cmd_run_sub(struct tk_ctx *ctx, const struct tk_cmd *parent, int argc, char **argv);

/* Run argv (argv[0] the command or alias) with ctx: parses nothing itself. */
int tk_cmd_run(struct tk_ctx *ctx, int argc, char **argv);

/* Print the list of commands (tunkit --help) to f. */
void tk_cmd_list_help(FILE *f);

/* Every command, exported by its cmd-<name>.c */
extern const struct tk_cmd tk_cmd_bridge;
extern const struct tk_cmd tk_cmd_complete;
extern const struct tk_cmd tk_cmd_create;
extern const struct tk_cmd tk_cmd_delete;
extern const struct tk_cmd tk_cmd_doctor;
extern const struct tk_cmd tk_cmd_dump;
extern const struct tk_cmd tk_cmd_genkey;
extern const struct tk_cmd tk_cmd_help;
extern const struct tk_cmd tk_cmd_monitor;
extern const struct tk_cmd tk_cmd_peer;
extern const struct tk_cmd tk_cmd_pubkey;
extern const struct tk_cmd tk_cmd_shell;
extern const struct tk_cmd tk_cmd_show;
extern const struct tk_cmd tk_cmd_stats;
extern const struct tk_cmd tk_cmd_tunnel;
extern const struct tk_cmd tk_cmd_version;

#endif
