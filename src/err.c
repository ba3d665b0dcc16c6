/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The error printer.  Every failure a user sees goes through here, so the
 * shape of messages and their JSON twin are decided in one place.
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

static void emit(struct tk_ctx *ctx, int status, int r, const char *obj, const char *msg)
{
	const char *ext = tk_nl_extack();
	const char *cmd = ctx->cmd;
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "%s: ", ctx->prog ? ctx->prog : "tunkit");
	if (cmd)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s: ", cmd);
	if (obj && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s: ", obj);
	if ((size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s", msg);
	if (r && ext && *ext && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " (kernel: %s)", ext);
	fflush(ctx->out);
	fprintf(stderr, "%s\n", line);
	if (ctx->json || ctx->keep_error) {
		json_t *j = json_pack("{s:{s:s?,s:s?,s:s,s:i,s:i}}", "error", "command", cmd,
				      "object", obj, "message", line, "errno", r < 0 ? -r : r,
				      "status", status);
		char *s = j && ctx->json ? json_dumps(j, JSON_COMPACT) : NULL;

		if (s)
			fprintf(stderr, "%s\n", s);
		free(s);
		if (ctx->keep_error) {
			json_decref(ctx->last_error);
			ctx->last_error = json_incref(json_object_get(j, "error"));
		}
		json_decref(j);
	}
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
	va_list ap;

	if (ctx->quiet)
		return;
	fflush(ctx->out);
	fprintf(stderr, "%s: %s%s%s%s", ctx->prog ? ctx->prog : "tunkit", ctx->cmd ? ctx->cmd : "",
		ctx->cmd ? ": " : "", obj ? obj : "", obj ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
