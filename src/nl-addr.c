/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Netlink requests that change things: link settings, deletion, and
 * addresses; and the address dump.  Messages are built by hand so that
 * exactly the attributes asked for are sent.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "nl-priv.h"

void tk_nl_link_change_init(struct tk_link_change *c)
{
	memset(c, 0, sizeof(*c));
	c->txqlen = -1;
	c->master = -1;
	c->up = -1;
	c->group = -1;
}

static struct nl_msg *link_msg(int type, int flags, int ifindex, unsigned ifflags, unsigned change)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = ifflags, .ifi_change = change };
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int tk_nl_link_set(struct tk_nl *nl, int ifindex, const struct tk_link_change *c)
{
	struct nl_msg *msg;
	int bad = 0;

	tk_nl_request_start(nl);
	msg = link_msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex,
		       c->up > 0 ? IFF_UP : 0, c->up >= 0 ? IFF_UP : 0);
	if (!msg)
		return -ENOMEM;
	if (c->mtu > 0)
		bad |= nla_put_u32(msg, IFLA_MTU, (uint32_t)c->mtu);
	if (c->txqlen >= 0)
		bad |= nla_put_u32(msg, IFLA_TXQLEN, (uint32_t)c->txqlen);
	if (c->master >= 0)
		bad |= nla_put_u32(msg, IFLA_MASTER, (uint32_t)c->master);
	if (c->mac)
		bad |= nla_put(msg, IFLA_ADDRESS, 6, c->mac);
	if (c->group >= 0)
		bad |= nla_put_u32(msg, IFLA_GROUP, (uint32_t)c->group);
	if (bad) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_transact(nl, msg, NULL, NULL);
}

int tk_nl_link_del(struct tk_nl *nl, int ifindex)
{
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = link_msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex, 0, 0);
	if (!msg)
		return -ENOMEM;
	return tk_nl_transact(nl, msg, NULL, NULL);
}

int tk_nl_group_del(struct tk_nl *nl, uint32_t group)
{
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = link_msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 0, 0, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, IFLA_GROUP, group) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_transact(nl, msg, NULL, NULL);
}

int tk_nl_addr_add(struct tk_nl *nl, int ifindex, int family, const uint8_t *local, int prefixlen,
		   const uint8_t *peer)
{
	int alen = family == AF_INET ? 4 : 16;
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)family,
		.ifa_prefixlen = (uint8_t)(prefixlen >= 0 ? prefixlen : alen * 8),
		.ifa_index = (uint32_t)ifindex,
	};
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, alen, local) < 0 ||
	    nla_put(msg, IFA_ADDRESS, alen, peer ? peer : local) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_transact(nl, msg, NULL, NULL);
}

struct addr_vec {
	struct tk_addr *v;
	size_t n, cap;
	int err;
};

void tk_nl_parse_addr(struct nlmsghdr *h, struct tk_addr *a)
{
	struct ifaddrmsg *ifa = nlmsg_data(h);
	struct nlattr *tb[IFA_MAX + 1];
	int alen = ifa->ifa_family == AF_INET ? 4 : 16;

	memset(a, 0, sizeof(*a));
	if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return;
	a->ifindex = (int)ifa->ifa_index;
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = tk_nla_u32(tb[IFA_FLAGS], ifa->ifa_flags);
	/* IFA_LOCAL is the local address when present; IFA_ADDRESS is then the peer */
	if (tb[IFA_LOCAL] && nla_len(tb[IFA_LOCAL]) >= alen) {
		memcpy(a->local, nla_data(tb[IFA_LOCAL]), (size_t)alen);
		a->has_local = true;
		if (tb[IFA_ADDRESS] && nla_len(tb[IFA_ADDRESS]) >= alen &&
		    memcmp(nla_data(tb[IFA_ADDRESS]), a->local, (size_t)alen)) {
			memcpy(a->peer, nla_data(tb[IFA_ADDRESS]), (size_t)alen);
			a->has_peer = true;
		}
	} else if (tb[IFA_ADDRESS] && nla_len(tb[IFA_ADDRESS]) >= alen) {
		memcpy(a->local, nla_data(tb[IFA_ADDRESS]), (size_t)alen);
		a->has_local = true;
	}
	tk_nla_str(tb[IFA_LABEL], a->label, sizeof(a->label));
	if (tb[IFA_CACHEINFO] && nla_len(tb[IFA_CACHEINFO]) >= (int)sizeof(struct ifa_cacheinfo)) {
		struct ifa_cacheinfo *ci = nla_data(tb[IFA_CACHEINFO]);

		a->valid_lft = ci->ifa_valid;
		a->preferred_lft = ci->ifa_prefered;
	}
}

static int addr_valid(struct nlmsghdr *h, void *arg)
{
	struct addr_vec *av = arg;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (av->n == av->cap) {
		size_t cap = av->cap ? av->cap * 2 : 64;
		struct tk_addr *v = realloc(av->v, cap * sizeof(*v));

		if (!v) {
			av->err = -ENOMEM;
			return -ENOMEM;
		}
		av->v = v;
		av->cap = cap;
	}
	tk_nl_parse_addr(h, &av->v[av->n]);
	if (av->v[av->n].has_local)
		av->n++;
	return 0;
}

int tk_nl_addrs(struct tk_nl *nl, int family, struct tk_addr **out, size_t *n)
{
	struct ifaddrmsg ifa = { .ifa_family = (uint8_t)family };
	struct addr_vec av = { 0 };
	struct nl_msg *msg;
	int r;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = tk_nl_dump(nl, msg, addr_valid, &av);
	if (!r && av.err)
		r = av.err;
	if (r) {
		free(av.v);
		av.v = NULL;
		av.n = 0;
	}
	*out = av.v;
	*n = av.n;
	return r;
}
