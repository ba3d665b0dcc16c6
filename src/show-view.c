/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text views of the device objects that json-link.c builds: a compact table
 * for people, and the long form (-d) as one record per device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "show.h"

static char *dup_or_dash(const char *s)
{
	return strdup(s && *s ? s : "-");
}

static char *fmt_flags(const json_t *o)
{
	char buf[64] = "";

	if (json_is_true(json_object_get(o, "pi")))
		strcat(buf, "pi,");
	if (json_is_true(json_object_get(o, "vnet_hdr")))
		strcat(buf, "vnet_hdr,");
	if (json_is_true(json_object_get(o, "multi_queue")))
		strcat(buf, "multi_queue,");
	if (!json_is_true(json_object_get(o, "persist")))
		strcat(buf, "transient,");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	return dup_or_dash(buf);
}

static char *id_name(const json_t *o, const char *name, const char *id)
{
	const json_t *n = json_object_get(o, name), *i = json_object_get(o, id);
	char buf[64];

	if (json_is_string(n))
		return strdup(json_string_value(n));
	if (json_is_integer(i)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(i));
		return strdup(buf);
	}
	return strdup("-");
}

static char *fmt_owner(const json_t *o)
{
	char *u = id_name(o, "user", "uid"), *g = id_name(o, "group", "gid"), *s;

	if (!strcmp(u, "-") && !strcmp(g, "-"))
		s = strdup("-");
	else if (asprintf(&s, "%s:%s", u, g) < 0)
		s = NULL;
	free(u);
	free(g);
	return s;
}

static char *fmt_state(const json_t *o)
{
	const char *st = json_string_value(json_object_get(o, "operstate"));
	const json_t *why = json_object_get(o, "no_carrier_reason");
	char *s;

	if (json_is_string(why) && strcmp(st ? st : "", "DOWN"))
		st = "NO-CARRIER";
	if (asprintf(&s, "%s", st ? st : "-") < 0)
		return NULL;
	for (char *p = s; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return s;
}

/* Joins item(e) over the array o[key] with ","; "-" for none.  Malloc'd. */
static char *join(const json_t *o, const char *key, char *(*item)(const json_t *e))
{
	const json_t *a = json_object_get(o, key), *e;
	char *s = strdup(""), *n, *it;
	size_t i;

	json_array_foreach(a, i, e) {
		it = item(e);
		if (!s || !it || asprintf(&n, "%s%s%s", s, i ? "," : "", it) < 0)
			n = NULL;
		free(it);
		free(s);
		s = n;
	}
	if (s && !*s) {
		free(s);
		s = strdup("-");
	}
	return s;
}

static char *addr_item(const json_t *e)
{
	const char *loc = json_string_value(json_object_get(e, "local"));
	const json_t *peer = json_object_get(e, "address");
	long long pfx = json_integer_value(json_object_get(e, "prefixlen"));
	char *s;

	if (asprintf(&s, "%s%s%s/%lld", loc ? loc : "?", json_is_string(peer) ? " peer " : "",
		     json_is_string(peer) ? json_string_value(peer) : "", pfx) < 0)
		return NULL;
	return s;
}

static char *holder_item(const json_t *e)
{
	char *s;

	if (asprintf(&s, "%lld/%s", (long long)json_integer_value(json_object_get(e, "pid")),
		     json_string_value(json_object_get(e, "comm"))) < 0)
		return NULL;
	return s;
}

static char *fmt_addrs(const json_t *o)
{
	return join(o, "addr_info", addr_item);
}

static char *fmt_holders(const json_t *o)
{
	return join(o, "holders", holder_item);
}

/* "connect udp 198.51.100.1:5000 up": role, transport, peer, session; "(1 of 2 workers up)"
 * after it when some workers have no session */
static char *fmt_tunnel(const json_t *o)
{
	const json_t *t = json_object_get(o, "tunnel");
	size_t n = json_array_size(json_object_get(t, "workers"));
	json_int_t up = json_integer_value(json_object_get(t, "workers_up"));
	char part[48] = "";
	const char *peer;
	char *s;

	if (!json_is_object(t))
		return strdup("-");
	if (n > 1 && (size_t)up < n)
		snprintf(part, sizeof(part), " (%lld of %zu workers up)", (long long)up, n);
	peer = json_string_value(json_object_get(t, "peer"));
	if (asprintf(&s, "%s %s %s %s%s", json_string_value(json_object_get(t, "role")),
		     json_string_value(json_object_get(t, "transport")), peer ? peer : "-",
		     json_is_true(json_object_get(t, "session_up")) ? "up" : "down", part) < 0)
		return NULL;
	return s;
}

static const struct tk_col table_cols[] = {
	{ "ifname", "NAME", NULL },	     { "type", "TYPE", NULL },
	{ "flags", "FLAGS", fmt_flags },     { "user", "OWNER", fmt_owner },
	{ "mtu", "MTU", NULL },		     { "operstate", "STATE", fmt_state },
	{ "master", "MASTER", NULL },	     { "addr_info", "ADDRESSES", fmt_addrs },
	{ "holders", "HELD BY", fmt_holders }, { "tunnel", "TUNNEL", fmt_tunnel },
	{ NULL },
};

static const struct tk_col record_cols[] = {
	{ "ifname", "name:", NULL },
	{ "ifindex", "ifindex:", NULL },
	{ "type", "type:", NULL },
	{ "pi", "pi:", NULL },
	{ "vnet_hdr", "vnet_hdr:", NULL },
	{ "multi_queue", "multi_queue:", NULL },
	{ "numqueues", "queues attached:", NULL },
	{ "persist", "persist:", NULL },
	{ "user", "owner:", fmt_owner },
	{ "mtu", "mtu:", NULL },
	{ "address", "address:", NULL },
	{ "txqlen", "txqlen:", NULL },
	{ "flags", "link flags:", NULL },
	{ "operstate", "state:", fmt_state },
	{ "no_carrier_reason", "no carrier because:", NULL },
	{ "master", "master:", NULL },
	{ "addr_info", "addresses:", fmt_addrs },
	{ "holders", "held by:", fmt_holders },
	{ "tunnel", "tunnel:", fmt_tunnel },
	{ "netns", "netns:", NULL },
	{ NULL },
};

const struct tk_view *tk_show_view(bool details)
{
	static const struct tk_view table = { TK_VIEW_TABLE, table_cols, NULL };
	static const struct tk_view record = { TK_VIEW_RECORD, record_cols, NULL };

	return details ? &record : &table;
}

int tk_show_print(struct tk_ctx *ctx, const json_t *devs, bool details)
{
	return tk_out(ctx, devs, tk_show_view(details));
}
