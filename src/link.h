/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot of the namespace's links, addresses and tun holders, and the
 * one place that turns a link into JSON (json-link.c): the keys `show`,
 * `create` and every later command print for a device.
 */
#ifndef TK_LINK_H
#define TK_LINK_H

#include <jansson.h>
#include "nl.h"
#include "procs.h"

/* TK_SNAP_TUNNELS: the state of every running tunnel of the namespace (tunnel-ctl.h) */
enum { TK_SNAP_ADDRS = 1, TK_SNAP_HOLDERS = 2, TK_SNAP_TUNNELS = 4 };

struct tk_snap {
	struct tk_link *links;
	size_t nlinks;
	struct tk_addr *addrs;
	size_t naddrs;
	struct tk_holder *holders;
	size_t nholders;
	json_t *tunnels; /* ifname -> running tunnel's state, or NULL */
};

/* Reads links, and what `what` asks for, into s.  0 or -errno (s then empty). */
int tk_snap_take(struct tk_nl *nl, struct tk_snap *s, unsigned what);
/* The same on a socket of its own, without counters (show, doctor). */
int tk_snap_read(struct tk_snap *s, unsigned what);
void tk_snap_free(struct tk_snap *s);
const struct tk_link *tk_snap_by_name(const struct tk_snap *s, const char *name);
const struct tk_link *tk_snap_by_index(const struct tk_snap *s, int ifindex);

/* "tun" or "tap" for a tun/tap link, else NULL. */
const char *tk_link_tuntap_type(const struct tk_link *l);
/* The kind of a link in words, for messages: "bridge", "veth", "loopback"... */
const char *tk_link_kind_name(const struct tk_link *l);

/*
 * The JSON object of a tun/tap device (documented in tunkit(8), JSON OUTPUT,
 * and docs/schema/device.json).  netns may be NULL.  New reference.
 */
json_t *tk_json_tuntap(const struct tk_snap *s, const struct tk_link *l, const char *netns);
/* ip's flag words for a link ("UP", "NO-CARRIER", ...), a new array. */
json_t *tk_json_link_flags(const struct tk_link *l);
/* ip's operstate word ("UP", "DOWN", "UNKNOWN", ...). */
const char *tk_link_operstate(int operstate);

#endif
