/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The error printer.  Every failure and warning a user sees goes through
 * here, so the shape of messages and their JSON twin are decided in one
 * place.  Without -j stderr gets the human line; with -j it gets only the
 * JSON object, one compact line, whose "message" is that human line: a
 * script reads stderr whole as JSON Lines.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nl.h"

const char *tk_err_hint(int r)
{
	switch (r < 0 ? -r : r) {
	case EPERM:
	case EACCES:
		return "need CAP_NET_ADMIN";
	case ENODEV:
		return "no such device";
	case ENOENT:
		return NULL;
	case EBADFD:
		return "the device was deleted under its holder";
	default:
		return NULL;
	}
}

/* Appends to buf at *n, never past size (the text is cut, still terminated). */
static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < size ? *n + (size_t)k : size;
}

void tk_err_line(char *buf, size_t size, const char *prog, const char *cmd, const char *obj,
		 const char *msg, const char *ext)
{
	size_t n = 0;

	if (!size)
		return;
	buf[0] = '\0';
	append(buf, size, &n, "%s: ", prog ? prog : "tunkit");
	if (cmd)
		append(buf, size, &n, "%s: ", cmd);
	if (obj)
		append(buf, size, &n, "%s: ", obj);
	append(buf, size, &n, "%s", msg);
	if (ext && *ext)
		append(buf, size, &n, " (kernel: %s)", ext);
}

json_t *tk_err_json(const char *cmd, const char *obj, const char *line, int e, int status)
{
	return json_pack("{s:{s:s?,s:s?,s:s,s:i,s:i}}", "error", "command", cmd, "object", obj,
			 "message", line, "errno", e < 0 ? -e : e, "status", status);
}

json_t *tk_warn_json(const char *cmd, const char *obj, const char *line)
{
	return json_pack("{s:{s:s?,s:s?,s:s}}", "warning", "command", cmd, "object", obj,
			 "message", line);
}

/* One line on stderr: the JSON object with -j (when there is one), else the text. */
static void put(const struct tk_ctx *ctx, const json_t *j, const char *line)
{
	char *s = ctx->json && j ? json_dumps(j, JSON_COMPACT) : NULL;

	fflush(ctx->out);
	fprintf(stderr, "%s\n", s ? s : line);
	free(s);
}

static void emit(struct tk_ctx *ctx, int status, int r, const char *obj, const char *msg)
{
	char line[1024];
	json_t *j = NULL;

	tk_err_line(line, sizeof(line), ctx->prog, ctx->cmd, obj, msg, r ? tk_nl_extack() : NULL);
	if (ctx->json || ctx->keep_error)
		j = tk_err_json(ctx->cmd, obj, line, r, status);
	put(ctx, j, line);
	if (ctx->keep_error) {
		json_decref(ctx->last_error);
		ctx->last_error = json_incref(json_object_get(j, "error"));
	}
	json_decref(j);
}

int tk_err(struct tk_ctx *ctx, int r, const char *obj)
{
	char msg[512];
	const char *hint = tk_err_hint(r);
	int e = r < 0 ? -r : r;

	snprintf(msg, sizeof(msg), "%s%s%s%s", strerror(e), hint ? " (" : "", hint ? hint : "",
		 hint ? ")" : "");
	emit(ctx, 1, e, obj, msg);
	return 1;
}

int tk_key_err(struct tk_ctx *ctx, int r, const char *obj)
{
	if (r == -EPERM)
		return tk_fail(ctx, obj, "readable by group or others (chmod 600 it)");
	if (r == -EINVAL)
		return tk_fail(ctx, obj, "not a key (make one with \"tunkit genkey\")");
	return tk_err(ctx, r, obj);
}

int tk_fail(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(ctx, 1, 0, obj, msg);
	return 1;
}

int tk_usage(struct tk_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	if (ctx->cmd && tk_cmd_find(ctx->cmd) && n + 40 < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, " (see \"tunkit %s --help\")", ctx->cmd);
	emit(ctx, 2, 0, NULL, msg);
	return 2;
}

void tk_warn(struct tk_ctx *ctx, const char *obj, const char *fmt, ...)
{
	char msg[512], line[1024];
	json_t *j = NULL;
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tk_err_line(line, sizeof(line), ctx->prog, ctx->cmd, obj, msg, NULL);
	if (ctx->json)
		j = tk_warn_json(ctx->cmd, obj, line);
	put(ctx, j, line);
	json_decref(j);
}
