/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text views of counters: a table (or records with -d), and the in-place
 * redraw of --watch on a terminal, with human units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static char *counter(const json_t *o, const char *side, const char *key)
{
	return tk_out_cell(json_object_get(json_object_get(o, side), key));
}

#define CELL(name, side, key)                         \
	static char *name(const json_t *o)            \
	{                                             \
		return counter(o, side, key);         \
	}
CELL(rx_packets, "rx", "packets")
CELL(rx_bytes, "rx", "bytes")
CELL(rx_errors, "rx", "errors")
CELL(rx_dropped, "rx", "dropped")
CELL(rx_mcast, "rx", "multicast")
CELL(tx_packets, "tx", "packets")
CELL(tx_bytes, "tx", "bytes")
CELL(tx_errors, "tx", "errors")
CELL(tx_dropped, "tx", "dropped")

static char *all_counters(const json_t *o)
{
	char *a = json_dumps(json_object_get(o, "rx"), JSON_COMPACT);
	char *b = json_dumps(json_object_get(o, "tx"), JSON_COMPACT);
	char *s = NULL;

	if (a && b && asprintf(&s, "rx %s\ntx %s", a, b) < 0)
		s = NULL;
	free(a);
	free(b);
	return s;
}

/* The tunnel behind the device, if one runs: its own counters. */
static char *tunnel_counters(const json_t *o)
{
	const json_t *t = json_object_get(o, "tunnel");
	char *s = NULL;

	if (!t)
		return strdup("-");
	if (asprintf(&s, "tx %lld packets %lld bytes, rx %lld packets %lld bytes, "
			 "%lld failed authentication, %lld replays",
		     (long long)json_integer_value(json_object_get(t, "tx_packets")),
		     (long long)json_integer_value(json_object_get(t, "tx_bytes")),
		     (long long)json_integer_value(json_object_get(t, "rx_packets")),
		     (long long)json_integer_value(json_object_get(t, "rx_bytes")),
		     (long long)json_integer_value(json_object_get(t, "auth_failures")),
		     (long long)json_integer_value(json_object_get(t, "replays_dropped"))) < 0)
		s = NULL;
	return s;
}

const struct tk_view *tk_stats_view(bool details, bool rates)
{
	static const struct tk_col cols[] = {
		{ "ifname", "NAME", NULL },	     { "rx", "RX-PACKETS", rx_packets },
		{ "rx", "RX-BYTES", rx_bytes },	     { "rx", "RX-ERR", rx_errors },
		{ "rx", "RX-DROP", rx_dropped },     { "rx", "RX-MCAST", rx_mcast },
		{ "tx", "TX-PACKETS", tx_packets },  { "tx", "TX-BYTES", tx_bytes },
		{ "tx", "TX-ERR", tx_errors },	     { "tx", "TX-DROP", tx_dropped },
		{ NULL },
	};
	static const struct tk_col rec[] = {
		{ "ifname", "name:", NULL }, { "kind", "kind:", NULL },
		{ "rx", "counters:", all_counters }, { "tunnel", "tunnel:", tunnel_counters },
		{ NULL },
	};
	static const struct tk_view table = { TK_VIEW_TABLE, cols, NULL };
	static const struct tk_view record = { TK_VIEW_RECORD, rec, NULL };

	return details ? &record : &table;
}

/* 1234567 -> "1.23M" */
static void human(char *buf, size_t size, double v, const char *unit)
{
	static const char *const pfx[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, size, i ? "%.2f%s%s" : "%.0f%s%s", v, pfx[i], unit);
}

int tk_stats_redraw(struct tk_ctx *ctx, const struct tk_watch *w)
{
	FILE *f = ctx->out;
	char a[32], b[32], c[32], d[32], e[32], g[32];

	fputs("\033[H\033[2J", f); /* home, clear: redraw in place */
	fprintf(f, "%-15s %12s %14s %12s %14s %10s %10s\n", "NAME", "RX pkt/s", "RX bit/s",
		"TX pkt/s", "TX bit/s", "RX bytes", "TX bytes");
	for (size_t i = 0; i < w->n; i++) {
		const struct tk_watch_dev *v = &w->dev[i];
		const uint64_t *prev = v->has_prev ? v->prev : NULL;
		double rp = 0, rb = 0, tp = 0, tb = 0;

		/* no rate (yet) shows as 0, as it always has */
		if (tk_stats_rates(v->cur, prev, w->dt, false, &rp, &rb) != 2)
			rp = rb = 0;
		if (tk_stats_rates(v->cur, prev, w->dt, true, &tp, &tb) != 2)
			tp = tb = 0;
		human(a, sizeof(a), rp, "");
		human(b, sizeof(b), rb, "bit/s");
		human(c, sizeof(c), tp, "");
		human(d, sizeof(d), tb, "bit/s");
		human(e, sizeof(e), (double)v->cur[2], "B"); /* rx_bytes */
		human(g, sizeof(g), (double)v->cur[3], "B"); /* tx_bytes */
		fprintf(f, "%-15s %12s %14s %12s %14s %10s %10s\n", v->ifname, a, b, c, d, e, g);
	}
	fputs("\n(Ctrl-C to stop)\n", f);
	return fflush(f) || ferror(f) ? -5 : 0;
}
