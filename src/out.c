/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renders json_t documents: JSON with -j (compact, or indented with -p),
 * tables sized to their content, and key: value records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort(); /* text output of a few KiB: no sane way on without memory */
	return d;
}

char *tk_out_cell(const json_t *v)
{
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return xstrdup(buf);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.6g", json_real_value(v));
		return xstrdup(buf);
	case JSON_TRUE:
		return xstrdup("yes");
	case JSON_FALSE:
		return xstrdup("no");
	case JSON_ARRAY: {
		size_t i, len = 0;
		char *s = xstrdup("");
		json_t *e;

		if (!json_array_size(v)) {
			free(s);
			return xstrdup("-");
		}
		json_array_foreach(v, i, e) {
			char *c = tk_out_cell(e);
			size_t cl = strlen(c);
			char *ns = realloc(s, len + cl + 2);

			if (!ns)
				abort();
			s = ns;
			if (i)
				s[len++] = ',';
			memcpy(s + len, c, cl + 1);
			len += cl;
			free(c);
		}
		return s;
	}
	case JSON_OBJECT: {
		char *s = json_dumps(v, JSON_COMPACT);

		return s ? s : xstrdup("?");
	}
	default:
		return xstrdup("-");
	}
}

static char *cell(const struct tk_col *c, const json_t *obj)
{
	const json_t *v;

	if (c->fmt)
		return c->fmt(obj);
	v = json_object_get(obj, c->key);
	return v ? tk_out_cell(v) : xstrdup("-");
}

static size_t ncols(const struct tk_col *c)
{
	size_t n = 0;

	while (c[n].key)
		n++;
	return n;
}

static void put_cell(FILE *f, const char *s, size_t width, bool last)
{
	if (last)
		fprintf(f, "%s\n", s);
	else
		fprintf(f, "%-*s  ", (int)width, s);
}

static void table(FILE *f, const json_t *arr, const struct tk_col *cols)
{
	size_t nc = ncols(cols), nr = json_array_size(arr), i, j;
	char **cells = calloc(nr * nc + 1, sizeof(*cells));
	size_t *w = calloc(nc + 1, sizeof(*w));

	if (!cells || !w)
		abort();
	for (j = 0; j < nc; j++)
		w[j] = strlen(cols[j].head);
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++) {
			cells[i * nc + j] = cell(&cols[j], json_array_get(arr, i));
			if (strlen(cells[i * nc + j]) > w[j])
				w[j] = strlen(cells[i * nc + j]);
		}
	for (j = 0; j < nc; j++)
		put_cell(f, cols[j].head, w[j], j + 1 == nc);
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++) {
			put_cell(f, cells[i * nc + j], w[j], j + 1 == nc);
			free(cells[i * nc + j]);
		}
	free(cells);
	free(w);
}

static void record(FILE *f, const json_t *obj, const struct tk_col *cols)
{
	size_t w = 0, j;

	for (j = 0; cols[j].key; j++)
		if (strlen(cols[j].head) > w)
			w = strlen(cols[j].head);
	for (j = 0; cols[j].key; j++) {
		char *c = cell(&cols[j], obj);

		fprintf(f, "%-*s %s\n", (int)w + 1, cols[j].head, c);
		free(c);
	}
}

static void text(FILE *f, const json_t *doc, const struct tk_view *view)
{
	size_t i;
	json_t *e;

	if (!json_is_array(doc)) {
		if (view->kind == TK_VIEW_LINES) {
			char *s = view->line(doc);

			fprintf(f, "%s\n", s);
			free(s);
		} else {
			record(f, doc, view->cols);
		}
		return;
	}
	if (view->kind == TK_VIEW_TABLE) {
		if (json_array_size(doc))
			table(f, doc, view->cols);
		return;
	}
	json_array_foreach(doc, i, e) {
		if (view->kind == TK_VIEW_LINES) {
			char *s = view->line(e);

			fprintf(f, "%s\n", s);
			free(s);
		} else {
			if (i)
				fputc('\n', f);
			record(f, e, view->cols);
		}
	}
}

static int flush(FILE *f)
{
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

int tk_out(struct tk_ctx *ctx, const json_t *doc, const struct tk_view *view)
{
	if (ctx->json) {
		size_t fl = JSON_ENCODE_ANY | JSON_REAL_PRECISION(16) |
			    (ctx->pretty ? JSON_INDENT(2) : JSON_COMPACT);
		/* one string, one write: json_dumpf writes every token on its own */
		char *s = json_dumps(doc, fl);

		if (!s)
			return -ENOMEM;
		fputs(s, ctx->out);
		fputc('\n', ctx->out);
		free(s);
	} else if (view) {
		text(ctx->out, doc, view);
	}
	return flush(ctx->out);
}

int tk_out_stream(struct tk_ctx *ctx, const json_t *obj, const struct tk_view *view)
{
	if (ctx->json) {
		char *s = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16));

		if (!s)
			return -ENOMEM;
		fputs(s, ctx->out);
		fputc('\n', ctx->out);
		free(s);
	} else if (view && view->kind == TK_VIEW_LINES) {
		char *s = view->line(obj);

		fprintf(ctx->out, "%s\n", s);
		free(s);
	} else if (view) {
		text(ctx->out, obj, view);
	}
	return flush(ctx->out);
}

static bool streaming(const struct tk_ctx *ctx)
{
	return ctx->json && !ctx->pretty;
}

void tk_out_arr_begin(struct tk_out_arr *a, struct tk_ctx *ctx, const struct tk_view *view)
{
	memset(a, 0, sizeof(*a));
	a->ctx = ctx;
	a->view = view;
	if (!streaming(ctx))
		a->rows = json_array();
}

void tk_out_arr_add(struct tk_out_arr *a, json_t *obj)
{
	char *s;

	if (!obj) {
		a->err = -ENOMEM;
		return;
	}
	if (a->rows) {
		json_array_append_new(a->rows, obj);
		return;
	}
	s = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (!s) {
		a->err = -ENOMEM;
		return;
	}
	fputs(a->n++ ? "," : "[", a->ctx->out);
	fputs(s, a->ctx->out);
	free(s);
}

int tk_out_arr_end(struct tk_out_arr *a, bool fail)
{
	int r;

	if (a->rows) {
		r = a->err ? a->err : fail ? 0 : tk_out(a->ctx, a->rows, a->view);
		json_decref(a->rows);
		return r;
	}
	if (fail && !a->n)
		return 0;
	fputs(a->n ? "]\n" : "[]\n", a->ctx->out);
	r = flush(a->ctx->out);
	return a->err ? a->err : r;
}

int tk_out_stream_rec(struct tk_ctx *ctx, const json_t *rec)
{
	struct tk_ctx c = *ctx;

	c.json = true;
	return tk_out_stream(&c, rec, NULL);
}
