/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON for links: key names follow `ip -j -d link` and `ip -j addr` where
 * iproute2 reports the same fact (the tun attributes flattened from
 * linkinfo.info_data).  Every key is always present; null when unknown.
 */
#include <arpa/inet.h>
#include <grp.h>
#include <net/if.h>
#include <linux/if_arp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "link.h"

/* net/if.h stops at IFF_DYNAMIC; linux/if.h clashes with it */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP (1 << 16)
#define IFF_DORMANT (1 << 17)
#define IFF_ECHO (1 << 18)
#endif

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },	  { IFF_BROADCAST, "BROADCAST" },
	{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
	{ IFF_NOARP, "NOARP" },		  { IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_PROMISC, "PROMISC" },	  { IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" },		  { IFF_DEBUG, "DEBUG" },
	{ IFF_DYNAMIC, "DYNAMIC" },	  { IFF_AUTOMEDIA, "AUTOMEDIA" },
	{ IFF_PORTSEL, "PORTSEL" },	  { IFF_NOTRAILERS, "NOTRAILERS" },
	{ IFF_UP, "UP" },		  { IFF_LOWER_UP, "LOWER_UP" },
	{ IFF_DORMANT, "DORMANT" },	  { IFF_ECHO, "ECHO" },
};

json_t *tk_json_link_flags(const struct tk_link *l)
{
	json_t *a = json_array();

	/* as ip: NO-CARRIER first when the link is up without carrier */
	if ((l->flags & IFF_UP) && !(l->flags & IFF_RUNNING))
		json_array_append_new(a, json_string("NO-CARRIER"));
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (l->flags & flag_names[i].flag)
			json_array_append_new(a, json_string(flag_names[i].name));
	return a;
}

const char *tk_link_operstate(int operstate)
{
	static const char *const names[] = { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
					     "TESTING", "DORMANT", "UP" };

	return operstate >= 0 && operstate <= 6 ? names[operstate] : "UNKNOWN";
}

const char *tk_link_tuntap_type(const struct tk_link *l)
{
	if (!l->is_tun)
		return NULL;
	if (l->tun.type == 2 || (l->tun.type < 0 && l->arptype == ARPHRD_ETHER))
		return "tap";
	return "tun";
}

const char *tk_link_kind_name(const struct tk_link *l)
{
	if (l->is_tun)
		return tk_link_tuntap_type(l);
	if (l->kind[0])
		return l->kind;
	if (l->arptype == ARPHRD_LOOPBACK)
		return "loopback";
	if (l->arptype == ARPHRD_ETHER)
		return "ethernet device";
	return "non-tun/tap device";
}

static json_t *jbool(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *jint(long long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *hwaddr(const uint8_t *a, int len)
{
	char buf[32 * 3];
	int i, n = 0;

	if (len <= 0)
		return json_null();
	for (i = 0; i < len && n < (int)sizeof(buf) - 3; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, i ? ":%02x" : "%02x", a[i]);
	return json_string(buf);
}

static json_t *ipaddr(int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, buf, sizeof(buf)))
		return json_null();
	return json_string(buf);
}

static const char *scope_name(int scope)
{
	switch (scope) {
	case 0: return "global";
	case 200: return "site";
	case 253: return "link";
	case 254: return "host";
	default: return "unknown";
	}
}

static json_t *addr_info(const struct tk_snap *s, int ifindex)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->naddrs; i++) {
		const struct tk_addr *ad = &s->addrs[i];

		if (ad->ifindex != ifindex)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:i,s:s,s:s?,s:I,s:I}",
			"family", ad->family == AF_INET ? "inet" : "inet6",
			"local", ipaddr(ad->family, ad->local),
			"address", ad->has_peer ? ipaddr(ad->family, ad->peer) : json_null(),
			"prefixlen", ad->prefixlen, "scope", scope_name(ad->scope),
			"label", ad->label[0] ? ad->label : NULL,
			"valid_life_time", (json_int_t)ad->valid_lft,
			"preferred_life_time", (json_int_t)ad->preferred_lft));
	}
	return a;
}

static json_t *holders(const struct tk_snap *s, const struct tk_link *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->nholders; i++) {
		const struct tk_holder *h = &s->holders[i];

		if (strcmp(h->ifname, l->ifname))
			continue;
		/* the kernel does not tell a queue's index; a single queue is 0 */
		json_array_append_new(a, json_pack("{s:i,s:s,s:i,s:o}", "pid", h->pid, "comm",
			h->comm, "fd", h->fd, "queue", l->tun.multi_queue == 1 ? json_null()
								      : json_integer(0)));
	}
	return a;
}

/* The last id looked up, and its name: with 1,000 devices of one owner the
 * passwd file is read once, not 1,000 times. */
struct id_cache {
	int64_t id;
	bool found;
	char name[64];
};

static json_t *user_name(int64_t uid)
{
	static struct id_cache c = { .id = -1 };
	struct passwd *pw;

	if (uid < 0)
		return json_null();
	if (uid != c.id) {
		pw = getpwuid((uid_t)uid);
		c.id = uid;
		c.found = pw && strlen(pw->pw_name) < sizeof(c.name);
		if (c.found)
			strcpy(c.name, pw->pw_name);
	}
	return c.found ? json_string(c.name) : json_null();
}

static json_t *group_name(int64_t gid)
{
	static struct id_cache c = { .id = -1 };
	struct group *gr;

	if (gid < 0)
		return json_null();
	if (gid != c.id) {
		gr = getgrgid((gid_t)gid);
		c.id = gid;
		c.found = gr && strlen(gr->gr_name) < sizeof(c.name);
		if (c.found)
			strcpy(c.name, gr->gr_name);
	}
	return c.found ? json_string(c.name) : json_null();
}

/* The state of the tunnel behind the device, when one answered (TK_SNAP_TUNNELS). */
static json_t *tunnel_state(const struct tk_snap *s, const struct tk_link *l)
{
	json_t *t = s->tunnels ? json_object_get(s->tunnels, l->ifname) : NULL;

	return t ? json_incref(t) : json_null();
}

json_t *tk_json_tuntap(const struct tk_snap *s, const struct tk_link *l, const char *netns)
{
	const struct tk_link *m = l->master ? tk_snap_by_index(s, l->master) : NULL;
	json_t *hold = holders(s, l);
	bool carrier = l->carrier >= 0 ? l->carrier > 0 : (l->flags & IFF_RUNNING) != 0;
	const char *why = NULL;
	int nq = l->tun.num_queues;

	/* a single-queue device reports no count: its carrier is its one queue */
	if (l->tun.num_queues < 0 && l->tun.multi_queue != 1)
		nq = carrier ? 1 : 0;
	if (!carrier)
		why = json_array_size(hold) || l->tun.num_queues > 0 ? "carrier off"
								      : "no process attached";
	return json_pack("{s:s,s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,"
			 "s:o,s:o,s:i,s:o,s:s,s:b,s:s?,s:o,s:o,s:o,s:o,s:o}",
		"ifname", l->ifname, "ifindex", l->ifindex,
		"type", tk_link_tuntap_type(l),
		"pi", jbool(l->tun.pi), "vnet_hdr", jbool(l->tun.vnet_hdr),
		"multi_queue", jbool(l->tun.multi_queue),
		"numqueues", jint(nq), "numdisabled", jint(l->tun.num_disabled),
		"persist", jbool(l->tun.persist),
		"user", user_name(l->tun.uid), "uid", jint(l->tun.uid),
		"group", group_name(l->tun.gid), "gid", jint(l->tun.gid),
		"mtu", l->mtu,
		"address", l->arptype == ARPHRD_ETHER ? hwaddr(l->addr, l->addr_len) : json_null(),
		"broadcast", l->arptype == ARPHRD_ETHER ? hwaddr(l->brd, l->addr_len) : json_null(),
		"txqlen", l->txqlen,
		"flags", tk_json_link_flags(l),
		"operstate", tk_link_operstate(l->operstate),
		"carrier", carrier,
		"no_carrier_reason", why,
		"master", m ? json_string(m->ifname) : json_null(),
		"addr_info", addr_info(s, l->ifindex),
		"holders", hold,
		"tunnel", tunnel_state(s, l),
		"netns", netns ? json_string(netns) : json_null());
}
