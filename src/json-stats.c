/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters and rates.  The kernel's struct rtnl_link_stats64 arrives as an
 * array of 24 u64 in a fixed order; the names below are iproute2's.
 */
#include <errno.h>
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

int tk_stats_rates(const uint64_t *st, const uint64_t *prev, double dt, bool is_tx, double *pps,
		   double *bps)
{
	int pk = is_tx ? TX_PACKETS : RX_PACKETS, by = is_tx ? TX_BYTES : RX_BYTES;

	if (!prev || !(dt > 0))
		return 0;
	/* counters only grow; a reset (device re-created) gives no rate */
	if (st[pk] < prev[pk] || st[by] < prev[by])
		return 1;
	/* three decimals: the sampling interval is not more exact than that */
	*pps = round((double)(st[pk] - prev[pk]) / dt * 1000) / 1000;
	*bps = round((double)(st[by] - prev[by]) * 8 / dt * 1000) / 1000;
	return 2;
}

static json_t *side(const struct counter *c, const uint64_t *st, bool details, const uint64_t *prev,
		    double dt, bool is_tx)
{
	json_t *o = json_object();
	double pps, bps;

	for (; c->key; c++)
		if (!c->detail || details)
			json_object_set_new(o, c->key, json_integer((json_int_t)st[c->idx]));
	switch (tk_stats_rates(st, prev, dt, is_tx, &pps, &bps)) {
	case 1:
		json_object_set_new(o, "packets_per_sec", json_null());
		json_object_set_new(o, "bits_per_sec", json_null());
		break;
	case 2:
		json_object_set_new(o, "packets_per_sec", json_real(pps));
		json_object_set_new(o, "bits_per_sec", json_real(bps));
		break;
	}
	return o;
}

json_t *tk_json_stats(const struct tk_link *l, bool details, const uint64_t *prev, double dt)
{
	static const uint64_t zero[24];
	const uint64_t *st = l->has_stats ? l->stats : zero;

	return json_pack("{s:s,s:i,s:s,s:o,s:o}", "ifname", l->ifname, "ifindex", l->ifindex,
			 "kind", tk_link_kind_name(l),
			 "rx", side(rx, st, details, prev, dt, false),
			 "tx", side(tx, st, details, prev, dt, true));
}

/*
 * The JSON Lines record of --watch, written directly: jansson would build
 * and free some 40 objects per device per sample, the larger part of the
 * CPU a sample of 1,000 devices cost.  The text is jansson's own (compact,
 * members in insertion order, reals as JSON_REAL_PRECISION(16)); the device
 * part that does not change (name, index, kind) is encoded by jansson once.
 */
struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void reserve(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->len + more <= b->cap || b->oom)
		return;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void put(struct buf *b, const char *s, size_t n)
{
	reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#define PUTS(b, lit) put(b, lit, sizeof(lit) - 1)

/* As json_integer((json_int_t)v): counters past 2^63 print negative. */
static void put_int(struct buf *b, uint64_t v)
{
	char d[24], *e = d + sizeof(d), *p = e;
	bool neg = (int64_t)v < 0;

	if (neg)
		v = -v;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		*--p = '-';
	put(b, p, (size_t)(e - p));
}

/*
 * A rate is k / 1000 for a whole k (rounded to three decimals): printed
 * from k's digits, some ten times cheaper than snprintf, when that is what
 * %.16g prints.  It prints the binary value's digits, which differ from
 * k / 1000 when the double is off by half a unit of the 16th digit or more
 * (0.07 is 0.07000000000000001); those, and anything not k / 1000 with
 * k < 2^53, go to snprintf.
 */
static bool put_milli(struct buf *b, double v)
{
	/* a unit of the 16th significant digit, times 1000, by digits of k */
	static const double unit[17] = { 0,    1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8,
					 1e-7, 1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1 };
	double kd = round(v * 1000);
	uint64_t k, frac;
	int n = 0;
	char d[4];

	if (!(kd >= 1 && kd < 9007199254740992.0) || kd / 1000 != v)
		return false;
	k = (uint64_t)kd;
	for (uint64_t t = k; t; t /= 10)
		n++;
	/* 0.001, 0.01, 0.1 would be printed from a lower first digit if below */
	if (k == 1 || k == 10 || k == 100 || fabs(fma(v, 1000, -kd)) >= 0.45 * unit[n])
		return false;
	put_int(b, k / 1000);
	frac = k % 1000;
	d[0] = (char)('0' + frac / 100);
	d[1] = (char)('0' + frac / 10 % 10);
	d[2] = (char)('0' + frac % 10);
	n = 3;
	while (n > 1 && d[n - 1] == '0')
		n--;
	PUTS(b, ".");
	put(b, d, (size_t)n);
	return true;
}

/* As jansson's jsonp_dtostr with precision 16: %.16g, a ".0" for integral
 * values, no '+' nor leading zeros in the exponent.  JSON has no NaN. */
static void put_real(struct buf *b, double v)
{
	char s[64], *e;
	int n;

	if (v == 0 && !signbit(v)) {
		PUTS(b, "0.0"); /* the common case: an idle device */
		return;
	}
	if (put_milli(b, v))
		return;
	n = snprintf(s, sizeof(s), "%.16g", v);
	if (n <= 0 || n >= (int)sizeof(s) - 3 || !isfinite(v)) {
		b->oom = true;
		return;
	}
	if (!strchr(s, '.') && !strchr(s, 'e')) {
		memcpy(s + n, ".0", 3);
		n += 2;
	}
	e = strchr(s, 'e');
	if (e) {
		char *from = e + 1, *to = e + 1;

		if (*from == '+')
			from++;
		else if (*from == '-')
			from++, to++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(s);
	}
	put(b, s, (size_t)n);
}

static int head(struct tk_watch_dev *d)
{
	json_t *o;
	char *s;

	if (d->head || d->no_head)
		return d->head ? 0 : -1;
	o = json_pack("{s:s,s:i,s:s}", "ifname", d->ifname, "ifindex", d->ifindex, "kind",
		      d->kind);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s) {
		d->no_head = true; /* as tk_json_stats, which gives NULL: left out */
		return -1;
	}
	d->headlen = strlen(s) - 1; /* without the closing brace */
	d->head = s;
	return 0;
}

static void put_side(struct buf *b, const struct counter *c, const struct tk_watch_dev *d,
		     const struct tk_watch *w, bool details, bool is_tx)
{
	double pps, bps;
	bool first = true;

	PUTS(b, "{");
	for (; c->key; c++) {
		if (c->detail && !details)
			continue;
		if (!first)
			PUTS(b, ",");
		first = false;
		PUTS(b, "\"");
		put(b, c->key, strlen(c->key));
		PUTS(b, "\":");
		put_int(b, d->cur[c->idx]);
	}
	switch (tk_stats_rates(d->cur, d->has_prev ? d->prev : NULL, w->dt, is_tx, &pps, &bps)) {
	case 1:
		PUTS(b, ",\"packets_per_sec\":null,\"bits_per_sec\":null");
		break;
	case 2:
		PUTS(b, ",\"packets_per_sec\":");
		put_real(b, pps);
		PUTS(b, ",\"bits_per_sec\":");
		put_real(b, bps);
		break;
	}
	PUTS(b, "}");
}

int tk_watch_print(FILE *f, struct tk_watch *w, bool details)
{
	struct buf b = { w->buf, 0, w->cap, false };
	bool first = true;

	PUTS(&b, "{\"time\":");
	put_real(&b, w->t);
	PUTS(&b, ",\"interval\":");
	if (w->dt > 0)
		put_real(&b, round(w->dt * 1e6) / 1e6);
	else
		PUTS(&b, "null");
	PUTS(&b, ",\"links\":[");
	for (size_t i = 0; i < w->n; i++) {
		struct tk_watch_dev *d = &w->dev[i];

		if (head(d))
			continue;
		if (!first)
			PUTS(&b, ",");
		first = false;
		put(&b, d->head, d->headlen);
		PUTS(&b, ",\"rx\":");
		put_side(&b, rx, d, w, details, false);
		PUTS(&b, ",\"tx\":");
		put_side(&b, tx, d, w, details, true);
		PUTS(&b, "}");
	}
	PUTS(&b, "]}\n");
	w->buf = b.p;
	w->cap = b.cap;
	if (b.oom)
		return -ENOMEM;
	if (fwrite(b.p, 1, b.len, f) != b.len || fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
