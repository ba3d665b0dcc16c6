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
/* Text of the kernel's last extended ACK, "" if none; valid until the next request. */
const char *tk_nl_extack(void);

/* tun/tap attributes (IFLA_TUN_*); -1 in a field means the kernel did not say. */
struct tk_tun_info {
	int type; /* 1 tun, 2 tap (IFF_TUN / IFF_TAP) */
	int pi, vnet_hdr, persist, multi_queue;
	int64_t uid, gid; /* -1: none set */
	int num_queues, num_disabled;
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
	int operstate;	    /* IF_OPER_* */
	int carrier;	    /* -1 unknown */
	uint8_t addr[32], brd[32];
	int addr_len;
	bool is_tun;
	struct tk_tun_info tun;
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
/* Dumps all addresses (family 0: all); *out is malloc'd. */
int tk_nl_addrs(struct tk_nl *nl, int family, struct tk_addr **out, size_t *n);

/* What tk_nl_link_set changes; a field left at its "unset" value is not touched. */
struct tk_link_change {
	int mtu;	/* 0: unset */
	int txqlen;	/* -1: unset */
	int master;	/* -1: unset, 0: no master */
	int up;		/* -1: unset, 0 down, 1 up */
	const uint8_t *mac; /* NULL: unset; 6 bytes */
};
void tk_nl_link_change_init(struct tk_link_change *c);
int tk_nl_link_set(struct tk_nl *nl, int ifindex, const struct tk_link_change *c);
int tk_nl_link_del(struct tk_nl *nl, int ifindex);
/* Adds an address; peer may be NULL (family-sized bytes otherwise). */
int tk_nl_addr_add(struct tk_nl *nl, int ifindex, int family, const uint8_t *local, int prefixlen,
		   const uint8_t *peer);

/* A route to dst/prefixlen through ifindex (main table, link scope); 0 or -errno. */
int tk_nl_route_add(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex);
int tk_nl_route_del(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex);

#endif
