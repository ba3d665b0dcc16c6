/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit dump's capture side (dump.c), shared with its command file.
 */
#ifndef TK_DUMP_H
#define TK_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

struct tk_dump {
	const char *dev, *rfile, *wfile;
	char *filter;
	uint32_t count, snaplen;
	bool hex, link_hdr, in, out;
};

/* Capture on d->dev until the count, Ctrl-C or the device's end; prints
 * packets and the summary; returns the exit status. */
int tk_dump_live(struct tk_ctx *ctx, const struct tk_dump *d);
/* The same for a pcap file (no privileges needed). */
int tk_dump_file(struct tk_ctx *ctx, const struct tk_dump *d);

#endif
