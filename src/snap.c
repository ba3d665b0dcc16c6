/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One consistent read of the namespace: links, then (on request) addresses
 * and the processes holding tun/tap devices.
 */
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "tunnel-ctl.h"

int tk_snap_take(struct tk_nl *nl, struct tk_snap *s, unsigned what)
{
	int r;

	memset(s, 0, sizeof(*s));
	r = tk_nl_links(nl, &s->links, &s->nlinks);
	if (!r && (what & TK_SNAP_ADDRS))
		r = tk_nl_addrs(nl, 0, &s->addrs, &s->naddrs);
	if (!r && (what & TK_SNAP_HOLDERS))
		r = tk_procs_holders(&s->holders, &s->nholders);
	if (!r && (what & TK_SNAP_TUNNELS))
		s->tunnels = tk_tunnel_query_all();
	if (r)
		tk_snap_free(s);
	return r;
}

int tk_snap_read(struct tk_snap *s, unsigned what)
{
	struct tk_nl *nl;
	int r;

	r = tk_nl_open(&nl);
	if (!r) {
		tk_nl_skip_stats(nl, true);
		r = tk_snap_take(nl, s, what);
	}
	tk_nl_close(nl);
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
