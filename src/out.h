/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output layer.  A command builds one json_t; -j prints it as JSON (one
 * document, or JSON Lines for streams), and text is a view of that same
 * json_t: a table, a record per object, or one line per object.
 */
#ifndef TK_OUT_H
#define TK_OUT_H

#include <jansson.h>
#include "cmd.h"

enum tk_view_kind { TK_VIEW_TABLE, TK_VIEW_RECORD, TK_VIEW_LINES };

/* A column: the object's member `key`, shown under `head`; fmt (optional)
 * renders the cell from the whole object, returning a malloc'd string. */
struct tk_col {
	const char *key;
	const char *head;
	char *(*fmt)(const json_t *obj);
};

struct tk_view {
	enum tk_view_kind kind;
	const struct tk_col *cols;	  /* TABLE, RECORD: ends with key == NULL */
	char *(*line)(const json_t *obj); /* LINES: one malloc'd line per object */
};

/*
 * Prints doc (an array of objects, or one object) as -j JSON or as the text
 * view.  Does not take the reference.  Returns 0, or -EIO when stdout failed.
 */
int tk_out(struct tk_ctx *ctx, const json_t *doc, const struct tk_view *view);

/* One element of a stream: a JSON Lines record with -j, else the view's line
 * (or a table row without header); flushed at once.  0 or -EIO. */
int tk_out_stream(struct tk_ctx *ctx, const json_t *obj, const struct tk_view *view);

/* The default text of a JSON value: strings as is, numbers, yes/no, "-" for
 * null, arrays joined with ",".  Malloc'd. */
char *tk_out_cell(const json_t *v);

#endif
