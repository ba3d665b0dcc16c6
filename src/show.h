/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The views of tun/tap device objects, shared by show, create and tunctl.
 */
#ifndef TK_SHOW_H
#define TK_SHOW_H

#include <jansson.h>
#include "cmd.h"
#include "out.h"

/* Prints an array of device objects: JSON with -j, else the compact table
 * (details: one record per device).  0 or -EIO. */
int tk_show_print(struct tk_ctx *ctx, const json_t *devs, bool details);

/* The text view of device objects: the table, or records with details. */
const struct tk_view *tk_show_view(bool details);

#endif
