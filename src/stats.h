/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters as JSON (keys as `ip -j -s link`'s stats64), rates between
 * samples, and their text views (json-stats.c).
 */
#ifndef TK_STATS_H
#define TK_STATS_H

#include <jansson.h>

#include "link.h"
#include "out.h"

/* {ifname, ifindex, kind, rx{...}, tx{...}}; with prev and dt > 0 the rx and
 * tx objects also carry packets_per_sec and bits_per_sec.  New reference. */
json_t *tk_json_stats(const struct tk_link *l, bool details, const uint64_t *prev, double dt);
const struct tk_view *tk_stats_view(bool details, bool rates);

struct tk_watch_prev {
	int ifindex;
	char ifname[16];
	uint64_t stats[24];
};

/* The previous sample of a --watch. */
struct tk_watch {
	struct tk_watch_prev *v;
	size_t n;
	double t;
	bool started;
};
void tk_watch_init(struct tk_watch *w);
void tk_watch_free(struct tk_watch *w);
/*
 * One sample {time, interval, links[...]} of the links that want() keeps;
 * links gone since the last sample are reported once with tk_warn and
 * dropped, new ones are picked up.  New reference.
 */
json_t *tk_watch_sample(struct tk_ctx *ctx, struct tk_watch *w, const struct tk_snap *s, double t,
			bool details, bool (*want)(const void *arg, const struct tk_link *l),
			const void *arg);
/* Redraws a sample in place on a terminal, with human units.  0 or -EIO. */
int tk_stats_redraw(struct tk_ctx *ctx, const json_t *sample, bool details);

#endif
