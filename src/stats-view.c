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
		{ "rx", "counters:", all_counters }, { NULL },
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

static double num(const json_t *o, const char *side, const char *key)
{
	return json_number_value(json_object_get(json_object_get(o, side), key));
}

int tk_stats_redraw(struct tk_ctx *ctx, const json_t *sample, bool details)
{
	const json_t *links = json_object_get(sample, "links"), *l;
	FILE *f = ctx->out;
	char a[32], b[32], c[32], d[32], e[32], g[32];
	size_t i;

	fputs("\033[H\033[2J", f); /* home, clear: redraw in place */
	fprintf(f, "%-15s %12s %14s %12s %14s %10s %10s\n", "NAME", "RX pkt/s", "RX bit/s",
		"TX pkt/s", "TX bit/s", "RX bytes", "TX bytes");
	json_array_foreach(links, i, l) {
		human(a, sizeof(a), num(l, "rx", "packets_per_sec"), "");
		human(b, sizeof(b), num(l, "rx", "bits_per_sec"), "bit/s");
		human(c, sizeof(c), num(l, "tx", "packets_per_sec"), "");
		human(d, sizeof(d), num(l, "tx", "bits_per_sec"), "bit/s");
		human(e, sizeof(e), num(l, "rx", "bytes"), "B");
		human(g, sizeof(g), num(l, "tx", "bytes"), "B");
		fprintf(f, "%-15s %12s %14s %12s %14s %10s %10s\n",
			json_string_value(json_object_get(l, "ifname")), a, b, c, d, e, g);
	}
	fputs("\n(Ctrl-C to stop)\n", f);
	return fflush(f) || ferror(f) ? -5 : 0;
}
