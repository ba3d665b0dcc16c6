/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error messages, one line each, in one shape:
 *   tunkit: CMD: OBJECT: cause (hint) (kernel: extended ack text)
 * These are the only functions that print errors; they return the exit
 * status the command should return (1 for failure, 2 for usage).
 * With -j stderr carries JSON Lines instead: each error or warning is one
 * compact object whose "message" is the line above, and nothing else.
 */
#ifndef TK_ERR_H
#define TK_ERR_H

#include <jansson.h>
#include <stddef.h>

#include "cmd.h"

/* r is -errno (or errno); obj may be NULL.  Adds a hint for common causes. Returns 1. */
int tk_err(struct tk_ctx *ctx, int r, const char *obj);
/* tk_err for what tk_crypto_key_read(obj) returned: a key file too open, or not a key, in
 * words that say what to do. Returns 1. */
int tk_key_err(struct tk_ctx *ctx, int r, const char *obj);
/* Like tk_err with a cause of the caller's wording instead of strerror. Returns 1. */
int tk_fail(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A usage error (bad option, operand or value). Returns 2. */
int tk_usage(struct tk_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning that does not change the exit status (suppressed by -q); with -j the
 * object {"warning": {command, object, message}}. */
void tk_warn(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The hint tk_err adds for r (a constant string), or NULL. */
const char *tk_err_hint(int r);

/*
 * The human line "PROG: CMD: OBJ: MSG (kernel: EXT)" into buf (cut to size, always
 * terminated); prog NULL means "tunkit", cmd, obj and ext may be NULL.  Prints nothing.
 */
void tk_err_line(char *buf, size_t size, const char *prog, const char *cmd, const char *obj,
		 const char *msg, const char *ext);
/* {"error": {command, object, message, errno, status}}, a new reference (NULL when out of
 * memory); e is errno or -errno, 0 for none.  Prints nothing. */
json_t *tk_err_json(const char *cmd, const char *obj, const char *line, int e, int status);
/* {"warning": {command, object, message}}, a new reference (NULL when out of memory). */
json_t *tk_warn_json(const char *cmd, const char *obj, const char *line);

#endif
