/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters and rates.  The kernel's struct rtnl_link_stats64 arrives as an
 * array of 24 u64 in a fixed order; the names below are iproute2's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "stats.h"

enum { RX_PACKETS, TX_PACKETS, RX_BYTES, TX_BYTES, RX_ERRORS, TX_ERRORS, RX_DROPPED, TX_DROPPED,
       MULTICAST, COLLISIONS, RX_LENGTH, RX_OVER, RX_CRC, RX_FRAME, RX_FIFO, RX_MISSED,
       TX_ABORTED, TX_CARRIER, TX_FIFO, TX_HEARTBEAT, TX_WINDOW, RX_COMPRESSED, TX_COMPRESSED,
       RX_NOHANDLER };

struct counter {
	const char *key;
	int idx;
	bool detail;
};

static const struct counter rx[] = {
	{ "bytes", RX_BYTES, false },	     { "packets", RX_PACKETS, false },
	{ "errors", RX_ERRORS, false },	     { "dropped", RX_DROPPED, false },
	{ "over_errors", RX_OVER, false },   { "multicast", MULTICAST, false },
	{ "length_errors", RX_LENGTH, true }, { "crc_errors", RX_CRC, true },
	{ "frame_errors", RX_FRAME, true },  { "fifo_errors", RX_FIFO, true },
	{ "missed_errors", RX_MISSED, true }, { "nohandler", RX_NOHANDLER, true },
	{ NULL, 0, false },
};
static const struct counter tx[] = {
	{ "bytes", TX_BYTES, false },		{ "packets", TX_PACKETS, false },
	{ "errors", TX_ERRORS, false },		{ "dropped", TX_DROPPED, false },
	{ "carrier_errors", TX_CARRIER, false }, { "collisions", COLLISIONS, false },
	{ "aborted_errors", TX_ABORTED, true }, { "fifo_errors", TX_FIFO, true },
	{ "window_errors", TX_WINDOW, true },	{ "heartbeat_errors", TX_HEARTBEAT, true },
	{ NULL, 0, false },
};

static json_t *side(const struct counter *c, const uint64_t *st, bool details, const uint64_t *prev,
		    double dt, int pk, int by)
{
	json_t *o = json_object();

	for (; c->key; c++)
		if (!c->detail || details)
			json_object_set_new(o, c->key, json_integer((json_int_t)st[c->idx]));
	if (prev && dt > 0) {
		/* counters only grow; a reset (device re-created) gives no rate */
		bool ok = st[pk] >= prev[pk] && st[by] >= prev[by];

		/* three decimals: the sampling interval is not more exact than that */
		json_object_set_new(o, "packets_per_sec",
				    ok ? json_real(round((double)(st[pk] - prev[pk]) / dt * 1000) / 1000)
				       : json_null());
		json_object_set_new(o, "bits_per_sec",
				    ok ? json_real(round((double)(st[by] - prev[by]) * 8 / dt * 1000) / 1000)
				       : json_null());
	}
	return o;
}

json_t *tk_json_stats(const struct tk_link *l, bool details, const uint64_t *prev, double dt)
{
	static const uint64_t zero[24];
	const uint64_t *st = l->has_stats ? l->stats : zero;

	return json_pack("{s:s,s:i,s:s,s:o,s:o}", "ifname", l->ifname, "ifindex", l->ifindex,
			 "kind", tk_link_kind_name(l),
			 "rx", side(rx, st, details, prev, dt, RX_PACKETS, RX_BYTES),
			 "tx", side(tx, st, details, prev, dt, TX_PACKETS, TX_BYTES));
}

void tk_watch_init(struct tk_watch *w)
{
	memset(w, 0, sizeof(*w));
}

void tk_watch_free(struct tk_watch *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* Links come in the same order sample after sample: looking from where the
 * last match was found makes the usual case one comparison, not n. */
static const struct tk_watch_prev *find_prev(const struct tk_watch *w, int ifindex, size_t *hint)
{
	for (size_t k = 0; k < w->n; k++) {
		size_t i = (*hint + k) % w->n;

		if (w->v[i].ifindex == ifindex) {
			*hint = i + 1;
			return &w->v[i];
		}
	}
	return NULL;
}

json_t *tk_watch_sample(struct tk_ctx *ctx, struct tk_watch *w, const struct tk_snap *s, double t,
			bool details, bool (*want)(const void *arg, const struct tk_link *l),
			const void *arg)
{
	struct tk_watch_prev *next = calloc(s->nlinks + 1, sizeof(*next));
	json_t *links = json_array();
	double dt = w->started ? t - w->t : 0;
	size_t n = 0, hint = 0;

	for (size_t i = 0; next && i < s->nlinks; i++) {
		const struct tk_link *l = &s->links[i];
		const struct tk_watch_prev *p;

		if (!want(arg, l))
			continue;
		p = find_prev(w, l->ifindex, &hint);
		json_array_append_new(links, tk_json_stats(l, details, p ? p->stats : NULL, dt));
		next[n].ifindex = l->ifindex;
		snprintf(next[n].ifname, sizeof(next[n].ifname), "%s", l->ifname);
		memcpy(next[n].stats, l->stats, sizeof(l->stats));
		n++;
	}
	/* sampled last time and not now: gone (or no longer wanted) */
	hint = 0;
	for (size_t i = 0; i < w->n; i++)
		if (!find_prev(&(struct tk_watch){ .v = next, .n = n }, w->v[i].ifindex, &hint))
			tk_warn(ctx, w->v[i].ifname, "gone");
	free(w->v);
	w->v = next;
	w->n = n;
	w->started = true;
	w->t = t;
	return json_pack("{s:f,s:o,s:o}", "time", t, "interval", dt > 0 ? json_real(round(dt * 1e6) / 1e6) : json_null(),
			 "links", links);
}
