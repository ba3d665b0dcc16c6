/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output layer.  A command builds one json_t; -j prints it as JSON (one
 * document, or JSON Lines for streams), and text is a view of that same
 * json_t: a table, a record per object, or one line per object.
 */
#ifndef TK_OUT_H
#define TK_OUT_H

#include <jansson.h>
#include <stdbool.h>
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

/*
 * An array printed as it is built: with compact -j each element is written
 * (and freed) at once, so 1,000 devices never sit in memory together; other
 * views keep the elements and render them at the end.
 */
struct tk_out_arr {
	struct tk_ctx *ctx;
	const struct tk_view *view;
	json_t *rows; /* kept elements (text and pretty views) */
	size_t n;
	int err;
};
void tk_out_arr_begin(struct tk_out_arr *a, struct tk_ctx *ctx, const struct tk_view *view);
/* Adds obj (the reference is taken). */
void tk_out_arr_add(struct tk_out_arr *a, json_t *obj);
/* Closes the array and flushes; 0 or -EIO/-ENOMEM.  With fail set (the
 * command failed) nothing is printed unless elements were streamed already,
 * which are then closed into a valid array. */
int tk_out_arr_end(struct tk_out_arr *a, bool fail);

/* Prints one JSON Lines record (always JSON), flushed.  0 or -EIO. */
int tk_out_stream_rec(struct tk_ctx *ctx, const json_t *rec);

/* The default text of a JSON value: strings as is, numbers, yes/no, "-" for
 * null, arrays joined with ",".  Malloc'd. */
char *tk_out_cell(const json_t *v);

#endif
