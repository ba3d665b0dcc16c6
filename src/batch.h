/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch mode (tunkit -b FILE, -c CMD) and the interactive shell: many
 * commands in one process, through the same command table.
 */
#ifndef TK_BATCH_H
#define TK_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

/*
 * Runs one line (already read) as a command: split, run, and with -j print
 * {"line", "cmd", "status", "result"|"error"}.  Returns the command's status
 * (2 for a line that does not split).  lineno 0: not numbered (the shell).
 */
int tk_batch_line(struct tk_ctx *ctx, const char *line, unsigned lineno);
/* Runs the lines of f (name for messages); stops at the first failure
 * unless force.  Returns 0 if every line succeeded, else 1. */
int tk_batch_file(struct tk_ctx *ctx, FILE *f, const char *name, bool force);
/* Runs cmds[0..n-1] as lines. */
int tk_batch_cmds(struct tk_ctx *ctx, char **cmds, int n, bool force);

/* The interactive shell on readline; returns the exit status. */
int tk_shell(struct tk_ctx *ctx);

#endif
