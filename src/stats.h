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

/* A device of a --watch: its counters now and at the sample before. */
struct tk_watch_dev {
	int ifindex;
	char ifname[IF_NAMESIZE];
	char kind[24];	/* tk_link_kind_name */
	bool has_prev;	/* it was in the sample before: rates */
	unsigned seen;	/* the sample that last read its counters */
	uint64_t cur[24], prev[24];
	uint64_t next[24]; /* read, not yet taken */
	char *head;	/* its JSON text up to "rx":{, made on first use */
	size_t headlen;
	bool no_head;	/* jansson could not encode it (a name not UTF-8) */
};

/* Every link of the last full read, sorted by ifindex, and the watched
 * device it is (-1: not watched). */
struct tk_watch_link {
	int ifindex;
	int dev;
};

/*
 * The state of a --watch.  Between samples it asks the kernel only for
 * counters (tk_nl_stats64) and reads the whole link list again only when
 * that list changed: a link event, or a link in the counters it does not
 * know or misses.
 */
struct tk_watch {
	struct tk_watch_dev *dev; /* the watched devices, in the kernel's order */
	size_t n;
	struct tk_watch_link *known;
	size_t nknown;
	struct tk_nl *events; /* link events (NULL: read everything each time) */
	bool full;	      /* read the whole link list next time */
	bool no_stats;	      /* the kernel has no RTM_GETSTATS: always full reads */
	unsigned sample;
	double t, dt;	      /* the time of the last sample, and since the one before */
	bool started;
	bool (*want)(const void *arg, const struct tk_link *l);
	const void *arg;
	char *buf;	      /* the JSON Lines record */
	size_t cap;
	size_t full_reads;    /* for tests and benchmarks */
};
/* Subscribes to link events (without them, every sample is a full read);
 * want() chooses the devices. */
void tk_watch_init(struct tk_watch *w, bool (*want)(const void *arg, const struct tk_link *l),
		  const void *arg);
void tk_watch_free(struct tk_watch *w);
/*
 * Takes the device list and counters from s (a full read): devices gone
 * since the last sample are reported once with tk_warn and dropped, new ones
 * are picked up.  Sets the time of the sample.  0 or -ENOMEM.
 */
int tk_watch_load(struct tk_ctx *ctx, struct tk_watch *w, const struct tk_snap *s);
/* Reads the next sample: counters only when the list did not change, else a
 * full read and tk_watch_load.  0 or -errno. */
int tk_watch_read(struct tk_ctx *ctx, struct tk_watch *w, struct tk_nl *nl);
/*
 * The rates of one side (rx, or tx) from counters st and prev, dt seconds
 * apart, rounded as printed: 0 when there are none (no prev, dt <= 0), 1
 * when they are null (a counter went backwards: the device was re-created),
 * 2 with *pps and *bps set.
 */
int tk_stats_rates(const uint64_t *st, const uint64_t *prev, double dt, bool is_tx, double *pps,
		   double *bps);

/* The sample as one JSON Lines record {time, interval, links[...]}, the
 * same text jansson would make of tk_json_stats objects.  0 or -EIO/-ENOMEM. */
int tk_watch_print(FILE *f, struct tk_watch *w, bool details);
/* Redraws a sample in place on a terminal, with human units.  0 or -EIO. */
int tk_stats_redraw(struct tk_ctx *ctx, const struct tk_watch *w);

#endif
