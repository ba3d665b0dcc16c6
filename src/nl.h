/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink layer: the only file that includes libnl.  Links, addresses,
 * and the tun/tap attributes the kernel reports in IFLA_INFO_DATA.
 * Silent: every function returns 0 or -errno and never prints.  When the
 * kernel explains a failure (extended ACK), tk_nl_extack() has the text.
 */
#ifndef TK_NL_H
#define TK_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_nl;

/* Opens a route netlink socket in the current network namespace. */
int tk_nl_open(struct tk_nl **nl);
void tk_nl_close(struct tk_nl *nl);
/* Link reads without the counters (less work for the kernel); off by default. */
void tk_nl_skip_stats(struct tk_nl *nl, bool skip);
/* Text of the kernel's last extended ACK, "" if none; valid until the next request. */
const char *tk_nl_extack(void);

/* tun/tap attributes (IFLA_TUN_*); -1 in a field means the kernel did not say. */
struct tk_tun_info {
	int type; /* 1 tun, 2 tap (IFF_TUN / IFF_TAP) */
	int pi, vnet_hdr, persist, multi_queue;
	int64_t uid, gid; /* -1: none set */
	int num_queues, num_disabled;
};

/* A bridge's settings (IFLA_BR_*), in the kernel's units (centiseconds). */
struct tk_bridge_info {
	uint32_t forward_delay, hello_time, max_age, ageing_time, stp_state;
	uint16_t priority;
	uint8_t vlan_filtering;
	uint8_t bridge_id[8], root_id[8]; /* 2-byte priority, then the MAC */
	uint16_t root_port;
	uint32_t root_path_cost;
};

/* A bridge port's settings (IFLA_BRPORT_*); -1: not reported. */
struct tk_brport_info {
	int state; /* BR_STATE_*: 0 disabled .. 4 blocking */
	int priority, cost, learning, flood, mcast_flood, bcast_flood;
	int port_no;
};

struct tk_link {
	int ifindex;
	char ifname[IF_NAMESIZE];
	char kind[24];	    /* IFLA_INFO_KIND, "" when none */
	char slave_kind[24]; /* IFLA_INFO_SLAVE_KIND ("bridge" for a port) */
	unsigned flags;	    /* IFF_* */
	unsigned arptype;   /* ARPHRD_* */
	int mtu, min_mtu, max_mtu, txqlen;
	int master;	    /* ifindex, 0 none */
	uint32_t group;	    /* link group (IFLA_GROUP) */
	int operstate;	    /* IF_OPER_* */
	int carrier;	    /* -1 unknown */
	uint8_t addr[32], brd[32];
	int addr_len;
	bool is_tun, is_bridge, is_port;
	struct tk_tun_info tun;
	struct tk_bridge_info br;   /* when is_bridge */
	struct tk_brport_info port; /* when is_port */
	bool has_stats;
	uint64_t stats[24]; /* struct rtnl_link_stats64 as u64 array, in kernel order */
};

struct tk_addr {
	int ifindex;
	int family;
	int prefixlen;
	int scope;
	uint8_t local[16], peer[16];
	bool has_local, has_peer;
	char label[IF_NAMESIZE];
	uint32_t valid_lft, preferred_lft;
	unsigned flags; /* IFA_F_* */
};

/* Dumps all links; *out is a malloc'd array the caller frees. */
int tk_nl_links(struct tk_nl *nl, struct tk_link **out, size_t *n);
/* One link by name; -ENODEV when there is none. */
int tk_nl_link_get(struct tk_nl *nl, const char *name, struct tk_link *out);
/* One link by index; -ENODEV when there is none. */
int tk_nl_link_get_index(struct tk_nl *nl, int ifindex, struct tk_link *out);
/*
 * The counters of every link and nothing else (RTM_GETSTATS): fn gets each
 * link's ifindex and its struct rtnl_link_stats64 as 24 u64 in kernel order
 * (as tk_link.stats); fn returns < 0 to stop.  Much cheaper than
 * tk_nl_links for a namespace of many links, but no names nor kinds.
 */
int tk_nl_stats64(struct tk_nl *nl, int (*fn)(int ifindex, const uint64_t *st, void *arg),
		  void *arg);
/* Dumps all addresses (family 0: all); *out is malloc'd. */
int tk_nl_addrs(struct tk_nl *nl, int family, struct tk_addr **out, size_t *n);

/* What tk_nl_link_set changes; a field left at its "unset" value is not touched. */
struct tk_link_change {
	int mtu;	/* 0: unset */
	int txqlen;	/* -1: unset */
	int master;	/* -1: unset, 0: no master */
	int up;		/* -1: unset, 0 down, 1 up */
	const uint8_t *mac; /* NULL: unset; 6 bytes */
	int64_t group;	/* -1: unset */
};
void tk_nl_link_change_init(struct tk_link_change *c);
int tk_nl_link_set(struct tk_nl *nl, int ifindex, const struct tk_link_change *c);
int tk_nl_link_del(struct tk_nl *nl, int ifindex);
/* Deletes every link of link group `group` in one request (one RCU grace
 * period for all, where one by one costs one each). */
int tk_nl_group_del(struct tk_nl *nl, uint32_t group);
/* Adds an address; peer may be NULL (family-sized bytes otherwise). */
int tk_nl_addr_add(struct tk_nl *nl, int ifindex, int family, const uint8_t *local, int prefixlen,
		   const uint8_t *peer);

/* Bridge settings for tk_nl_bridge_add/set; negative: leave as it is. */
struct tk_bridge_opts {
	int stp, vlan_filtering; /* 0/1 */
	int64_t ageing_time, forward_delay; /* centiseconds */
};
void tk_nl_bridge_opts_init(struct tk_bridge_opts *o);
/* Creates bridge name (-EEXIST when the name is taken). */
int tk_nl_bridge_add(struct tk_nl *nl, const char *name, const struct tk_bridge_opts *o);
/* Changes the settings of bridge ifindex. */
int tk_nl_bridge_set(struct tk_nl *nl, int ifindex, const struct tk_bridge_opts *o);

/* One entry of a bridge's forwarding database. */
struct tk_fdb {
	int ifindex; /* the port (or the bridge itself) */
	int master;  /* the bridge, 0 if not reported */
	uint8_t mac[6];
	int vlan; /* -1: none */
	uint16_t state; /* NUD_* */
	uint8_t flags;	/* NTF_* */
	uint32_t updated; /* centiseconds since the last update; 0 when unknown */
	bool has_age;
};
/* Dumps the AF_BRIDGE neighbour table of bridge br (0: all); *out malloc'd. */
int tk_nl_fdb(struct tk_nl *nl, int br, struct tk_fdb **out, size_t *n);

/* Events from the link and address multicast groups. */
struct tk_nl_event {
	int type; /* RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR */
	struct tk_link link;
	struct tk_addr addr;
};
/* A socket subscribed to link, IPv4 and IPv6 address events. */
int tk_nl_monitor_open(struct tk_nl **nl);
/* A socket subscribed to link events only (RTNLGRP_LINK), to learn cheaply
 * whether a tk_nl_links read is out of date. */
int tk_nl_link_events_open(struct tk_nl **nl);
/* Drains what is queued, without blocking: 1 when some link appeared,
 * changed or vanished since the last call (or events were lost), else 0;
 * -errno on other errors. */
int tk_nl_link_events(struct tk_nl *nl);
/* Its file descriptor, for poll(). */
int tk_nl_fd(struct tk_nl *nl);
/* Reads what is queued (without blocking) and calls fn for each event.
 * 0, or -errno (-ENOBUFS: events were lost, the caller should resync). */
int tk_nl_monitor_read(struct tk_nl *nl, int (*fn)(const struct tk_nl_event *ev, void *arg),
		       void *arg);

/* A route to dst/prefixlen through ifindex (main table, link scope); 0 or -errno. */
int tk_nl_route_add(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex);
int tk_nl_route_del(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex);

#endif
