/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error messages, one line each, in one shape:
 *   tunkit: CMD: OBJECT: cause (hint) (kernel: extended ack text)
 * These are the only functions that print errors; they return the exit
 * status the command should return (1 for failure, 2 for usage).
 * With -j the same error is also written to stderr as one JSON object.
 */
#ifndef TK_ERR_H
#define TK_ERR_H

#include "cmd.h"

/* r is -errno (or errno); obj may be NULL.  Adds a hint for common causes. Returns 1. */
int tk_err(struct tk_ctx *ctx, int r, const char *obj);
/* Like tk_err with a cause of the caller's wording instead of strerror. Returns 1. */
int tk_fail(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A usage error (bad option, operand or value). Returns 2. */
int tk_usage(struct tk_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning that does not change the exit status (suppressed by -q). */
void tk_warn(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The hint tk_err adds for r (a constant string), or NULL. */
const char *tk_err_hint(int r);

#endif
