/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One consistent read of the namespace: links, then (on request) addresses
 * and the processes holding tun/tap devices.
 */
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "tunnel-ctl.h"

/* Devices held by a process named tunkit may have a tunnel's control socket. */
static void tunnels(struct tk_snap *s)
{
	s->tunnels = json_object();
	for (size_t i = 0; i < s->nholders; i++) {
		const char *dev = s->holders[i].ifname;
		json_t *st;

		if (strcmp(s->holders[i].comm, "tunkit") || json_object_get(s->tunnels, dev))
			continue;
		st = tk_tunnel_query(dev);
		if (st)
			json_object_set_new(s->tunnels, dev, st);
	}
}

int tk_snap_take(struct tk_nl *nl, struct tk_snap *s, unsigned what)
{
	int r;

	memset(s, 0, sizeof(*s));
	r = tk_nl_links(nl, &s->links, &s->nlinks);
	if (!r && (what & TK_SNAP_ADDRS))
		r = tk_nl_addrs(nl, 0, &s->addrs, &s->naddrs);
	if (!r && (what & (TK_SNAP_HOLDERS | TK_SNAP_TUNNELS)))
		r = tk_procs_holders(&s->holders, &s->nholders);
	if (!r && (what & TK_SNAP_TUNNELS))
		tunnels(s);
	if (r)
		tk_snap_free(s);
	return r;
}

void tk_snap_free(struct tk_snap *s)
{
	free(s->links);
	free(s->addrs);
	free(s->holders);
	json_decref(s->tunnels);
	memset(s, 0, sizeof(*s));
}

const struct tk_link *tk_snap_by_name(const struct tk_snap *s, const char *name)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (!strcmp(s->links[i].ifname, name))
			return &s->links[i];
	return NULL;
}

const struct tk_link *tk_snap_by_index(const struct tk_snap *s, int ifindex)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (s->links[i].ifindex == ifindex)
			return &s->links[i];
	return NULL;
}
