/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON and text for bridges, their ports and their MAC tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>

#include "bridge.h"

const char *tk_brport_state_name(int state)
{
	static const char *const names[] = { "disabled", "listening", "learning", "forwarding",
					     "blocking" };

	return state >= 0 && state <= 4 ? names[state] : "unknown";
}

void tk_bridge_id_str(const uint8_t id[8], char buf[24])
{
	snprintf(buf, 24, "%02x%02x.%02x:%02x:%02x:%02x:%02x:%02x", id[0], id[1], id[2], id[3],
		 id[4], id[5], id[6], id[7]);
}

static json_t *tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *num(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *port(const struct tk_link *p)
{
	const struct tk_brport_info *i = &p->port;

	return json_pack("{s:s,s:i,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o}",
		"ifname", p->ifname, "ifindex", p->ifindex, "kind", tk_link_kind_name(p),
		"state", tk_brport_state_name(i->state), "priority", num(i->priority),
		"cost", num(i->cost), "learning", tri(i->learning), "flood", tri(i->flood),
		"mcast_flood", tri(i->mcast_flood), "bcast_flood", tri(i->bcast_flood),
		"no", num(i->port_no), "mtu", p->mtu, "flags", tk_json_link_flags(p));
}

json_t *tk_json_bridge(const struct tk_snap *s, const struct tk_link *br)
{
	const struct tk_bridge_info *b = &br->br;
	char bid[24], rid[24];
	json_t *ports = json_array();

	for (size_t i = 0; i < s->nlinks; i++)
		if (s->links[i].master == br->ifindex && s->links[i].is_port)
			json_array_append_new(ports, port(&s->links[i]));
	tk_bridge_id_str(b->bridge_id, bid);
	tk_bridge_id_str(b->root_id, rid);
	return json_pack("{s:s,s:i,s:i,s:o,s:s,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:b,"
			 "s:s,s:s,s:i,s:i,s:o}",
		"ifname", br->ifname, "ifindex", br->ifindex,
		"mtu", br->mtu, "flags", tk_json_link_flags(br),
		"operstate", tk_link_operstate(br->operstate),
		"stp", b->stp_state != 0, "stp_state", (int)b->stp_state,
		"forward_delay", (int)b->forward_delay, "hello_time", (int)b->hello_time,
		"max_age", (int)b->max_age, "ageing_time", (int)b->ageing_time,
		"priority", (int)b->priority, "vlan_filtering", b->vlan_filtering != 0,
		"bridge_id", bid, "root_id", rid, "root_port", (int)b->root_port,
		"root_path_cost", (int)b->root_path_cost, "ports", ports);
}

json_t *tk_json_fdb(const struct tk_snap *s, const struct tk_fdb *f, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct tk_link *p = tk_snap_by_index(s, f[i].ifindex);
		const struct tk_link *m = tk_snap_by_index(s, f[i].master);
		bool local = f[i].state & NUD_PERMANENT;
		char mac[18];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", f[i].mac[0],
			 f[i].mac[1], f[i].mac[2], f[i].mac[3], f[i].mac[4], f[i].mac[5]);
		json_array_append_new(a, json_pack("{s:s,s:s?,s:s?,s:o,s:s,s:b,s:o}",
			"mac", mac, "ifname", p ? p->ifname : NULL, "master", m ? m->ifname : NULL,
			"vlan", f[i].vlan >= 0 ? json_integer(f[i].vlan) : json_null(),
			"state", local ? "permanent" : (f[i].state & NUD_NOARP) ? "static" : "learned",
			"is_local", local,
			"age", f[i].has_age && !local ? json_real(f[i].updated / 100.0) : json_null()));
	}
	return a;
}

static char *bridge_lines(const json_t *o)
{
	const json_t *ports = json_object_get(o, "ports"), *p;
	char *s = NULL, *n;
	size_t i;

	if (asprintf(&s, "%s: id %s, stp %s, vlan_filtering %s, ageing %llds, "
		     "forward_delay %llds, %s",
		     json_string_value(json_object_get(o, "ifname")),
		     json_string_value(json_object_get(o, "bridge_id")),
		     json_is_true(json_object_get(o, "stp")) ? "on" : "off",
		     json_is_true(json_object_get(o, "vlan_filtering")) ? "on" : "off",
		     (long long)json_integer_value(json_object_get(o, "ageing_time")) / 100,
		     (long long)json_integer_value(json_object_get(o, "forward_delay")) / 100,
		     json_string_value(json_object_get(o, "operstate"))) < 0)
		return NULL;
	json_array_foreach(ports, i, p) {
		if (asprintf(&n, "%s\n  port %-15s %-11s %s, learning %s, flood %s", s,
			     json_string_value(json_object_get(p, "ifname")),
			     json_string_value(json_object_get(p, "state")),
			     json_string_value(json_object_get(p, "kind")),
			     json_is_true(json_object_get(p, "learning")) ? "on" : "off",
			     json_is_true(json_object_get(p, "flood")) ? "on" : "off") < 0)
			n = NULL;
		free(s);
		s = n;
		if (!s)
			return NULL;
	}
	return s;
}

const struct tk_view *tk_bridge_view(void)
{
	static const struct tk_view v = { TK_VIEW_LINES, NULL, bridge_lines };

	return &v;
}

static char *fdb_age(const json_t *o)
{
	const json_t *a = json_object_get(o, "age");
	char *s;

	if (!json_is_number(a))
		return strdup("-");
	if (asprintf(&s, "%.2f", json_number_value(a)) < 0)
		return NULL;
	return s;
}

const struct tk_view *tk_fdb_view(void)
{
	static const struct tk_col cols[] = {
		{ "mac", "MAC", NULL },	      { "ifname", "PORT", NULL },
		{ "vlan", "VLAN", NULL },     { "state", "STATE", NULL },
		{ "age", "AGE", fdb_age },    { NULL },
	};
	static const struct tk_view v = { TK_VIEW_TABLE, cols, NULL };

	return &v;
}
