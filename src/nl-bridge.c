/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bridges through netlink: their settings and their ports' (IFLA_BR_*,
 * IFLA_BRPORT_*), creating and changing a bridge, and the forwarding
 * database (the AF_BRIDGE neighbour table).  Ports join and leave with
 * tk_nl_link_set's master.  Silent: 0 or -errno.
 */
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "nl-priv.h"

static uint16_t get_u16(struct nlattr *a, uint16_t dflt)
{
	return a && nla_len(a) >= 2 ? nla_get_u16(a) : dflt;
}

static void bridge_id(struct nlattr *a, uint8_t id[8])
{
	if (a && nla_len(a) >= (int)sizeof(struct ifla_bridge_id))
		memcpy(id, nla_data(a), 8);
}

void tk_nl_parse_bridge(struct nlattr *data, struct tk_bridge_info *b)
{
	struct nlattr *tb[IFLA_BR_MAX + 1];

	memset(b, 0, sizeof(*b));
	if (!data || nla_parse_nested(tb, IFLA_BR_MAX, data, NULL) < 0)
		return;
	b->forward_delay = tk_nla_u32(tb[IFLA_BR_FORWARD_DELAY], 0);
	b->hello_time = tk_nla_u32(tb[IFLA_BR_HELLO_TIME], 0);
	b->max_age = tk_nla_u32(tb[IFLA_BR_MAX_AGE], 0);
	b->ageing_time = tk_nla_u32(tb[IFLA_BR_AGEING_TIME], 0);
	b->stp_state = tk_nla_u32(tb[IFLA_BR_STP_STATE], 0);
	b->priority = get_u16(tb[IFLA_BR_PRIORITY], 0);
	b->vlan_filtering = (uint8_t)tk_nla_u8(tb[IFLA_BR_VLAN_FILTERING], 0);
	bridge_id(tb[IFLA_BR_BRIDGE_ID], b->bridge_id);
	bridge_id(tb[IFLA_BR_ROOT_ID], b->root_id);
	b->root_port = get_u16(tb[IFLA_BR_ROOT_PORT], 0);
	b->root_path_cost = tk_nla_u32(tb[IFLA_BR_ROOT_PATH_COST], 0);
}

void tk_nl_parse_brport(struct nlattr *data, struct tk_brport_info *p)
{
	struct nlattr *tb[IFLA_BRPORT_MAX + 1];

	p->state = p->priority = p->cost = p->learning = -1;
	p->flood = p->mcast_flood = p->bcast_flood = p->port_no = -1;
	if (!data || nla_parse_nested(tb, IFLA_BRPORT_MAX, data, NULL) < 0)
		return;
	p->state = tk_nla_u8(tb[IFLA_BRPORT_STATE], -1);
	p->priority = tb[IFLA_BRPORT_PRIORITY] ? get_u16(tb[IFLA_BRPORT_PRIORITY], 0) : -1;
	p->cost = tb[IFLA_BRPORT_COST] ? (int)tk_nla_u32(tb[IFLA_BRPORT_COST], 0) : -1;
	p->learning = tk_nla_u8(tb[IFLA_BRPORT_LEARNING], -1);
	p->flood = tk_nla_u8(tb[IFLA_BRPORT_UNICAST_FLOOD], -1);
	p->mcast_flood = tk_nla_u8(tb[IFLA_BRPORT_MCAST_FLOOD], -1);
	p->bcast_flood = tk_nla_u8(tb[IFLA_BRPORT_BCAST_FLOOD], -1);
	p->port_no = tb[IFLA_BRPORT_NO] ? get_u16(tb[IFLA_BRPORT_NO], 0) : -1;
}

void tk_nl_bridge_opts_init(struct tk_bridge_opts *o)
{
	o->stp = o->vlan_filtering = -1;
	o->ageing_time = o->forward_delay = -1;
}

/* IFLA_LINKINFO { kind "bridge", data { the settings asked for } } */
static int put_bridge(struct nl_msg *msg, const struct tk_bridge_opts *o)
{
	struct nlattr *li, *data;

	li = nla_nest_start(msg, IFLA_LINKINFO);
	if (!li || nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0)
		return -ENOMEM;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data ||
	    (o->stp >= 0 && nla_put_u32(msg, IFLA_BR_STP_STATE, (uint32_t)o->stp) < 0) ||
	    (o->vlan_filtering >= 0 &&
	     nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, (uint8_t)o->vlan_filtering) < 0) ||
	    (o->ageing_time >= 0 &&
	     nla_put_u32(msg, IFLA_BR_AGEING_TIME, (uint32_t)o->ageing_time) < 0) ||
	    (o->forward_delay >= 0 &&
	     nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, (uint32_t)o->forward_delay) < 0))
		return -ENOMEM;
	nla_nest_end(msg, data);
	nla_nest_end(msg, li);
	return 0;
}

static int bridge_msg(struct tk_nl *nl, int flags, int ifindex, const char *name,
		      const struct tk_bridge_opts *o)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | flags);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0) || put_bridge(msg, o) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_transact(nl, msg, NULL, NULL);
}

int tk_nl_bridge_add(struct tk_nl *nl, const char *name, const struct tk_bridge_opts *o)
{
	return bridge_msg(nl, NLM_F_CREATE | NLM_F_EXCL, 0, name, o);
}

int tk_nl_bridge_set(struct tk_nl *nl, int ifindex, const struct tk_bridge_opts *o)
{
	return bridge_msg(nl, 0, ifindex, NULL, o);
}

struct fdb_vec {
	struct tk_fdb *v;
	size_t n, cap;
	int br;
};

static int fdb_valid(struct nlmsghdr *h, void *arg)
{
	struct fdb_vec *fv = arg;
	struct ndmsg *nd = nlmsg_data(h);
	struct nlattr *tb[NDA_MAX + 1];
	struct tk_fdb *f;

	if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_family != AF_BRIDGE ||
	    nlmsg_parse(h, sizeof(*nd), tb, NDA_MAX, NULL) < 0 || !tb[NDA_LLADDR] ||
	    nla_len(tb[NDA_LLADDR]) != 6)
		return 0;
	if (fv->br && (int)tk_nla_u32(tb[NDA_MASTER], 0) != fv->br)
		return 0; /* another bridge's, or a device's own (self) entry */
	if (fv->n == fv->cap) {
		size_t cap = fv->cap ? fv->cap * 2 : 64;
		struct tk_fdb *v = realloc(fv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fv->v = v;
		fv->cap = cap;
	}
	f = &fv->v[fv->n++];
	memset(f, 0, sizeof(*f));
	f->ifindex = nd->ndm_ifindex;
	f->master = (int)tk_nla_u32(tb[NDA_MASTER], 0);
	memcpy(f->mac, nla_data(tb[NDA_LLADDR]), 6);
	f->vlan = tb[NDA_VLAN] ? get_u16(tb[NDA_VLAN], 0) : -1;
	f->state = nd->ndm_state;
	f->flags = nd->ndm_flags;
	if (tb[NDA_CACHEINFO] && nla_len(tb[NDA_CACHEINFO]) >= (int)sizeof(struct nda_cacheinfo)) {
		f->updated = ((struct nda_cacheinfo *)nla_data(tb[NDA_CACHEINFO]))->ndm_updated;
		f->has_age = true;
	}
	return 0;
}

int tk_nl_fdb(struct tk_nl *nl, int br, struct tk_fdb **out, size_t *n)
{
	struct ndmsg nd = { .ndm_family = AF_BRIDGE };
	struct fdb_vec fv = { .br = br };
	struct nl_msg *msg;
	int r;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &nd, sizeof(nd), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = tk_nl_dump(nl, msg, fdb_valid, &fv);
	if (r) {
		free(fv.v);
		fv.v = NULL;
		fv.n = 0;
	}
	*out = fv.v;
	*n = fv.n;
	return r;
}
