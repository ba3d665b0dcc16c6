/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the nl*.c files only: the socket handle and the request helpers.
 * Nothing outside the netlink layer includes this (nor libnl).
 */
#ifndef TK_NL_PRIV_H
#define TK_NL_PRIV_H

#include <stdbool.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

struct tk_nl {
	struct nl_sock *sk;
	int err; /* errno of the last NLMSG_ERROR, 0 if none */
	bool skip_stats;
	bool connected;
};

/* Connects the socket if it is not yet (tk_nl_open defers it); 0 or -errno. */
int tk_nl_connect(struct tk_nl *nl);
/* Clears the last error and extended ACK before a request. */
void tk_nl_request_start(struct tk_nl *nl);
/* libnl result -> 0 or -errno, preferring the kernel's own errno. */
int tk_nl_ret(struct tk_nl *nl, int r);
/* Sends msg (always consumed); with valid, reads replies until DONE, else waits for the ACK. */
int tk_nl_transact(struct tk_nl *nl, struct nl_msg *msg, int (*valid)(struct nl_msg *, void *),
		   void *arg);
/* Sends msg (consumed) and calls fn on each reply message, parsed in place,
 * until DONE (dumps) or the one answer; fn returns < 0 to stop. */
int tk_nl_dump(struct tk_nl *nl, struct nl_msg *msg, int (*fn)(struct nlmsghdr *, void *),
	       void *arg);
/* Attribute readers that check the length first (dflt when absent or short). */
uint32_t tk_nla_u32(struct nlattr *a, uint32_t dflt);
int tk_nla_u8(struct nlattr *a, int dflt);
void tk_nla_str(struct nlattr *a, char *dst, size_t size);

struct tk_bridge_info;
struct tk_brport_info;
/* IFLA_INFO_DATA of a bridge, IFLA_INFO_SLAVE_DATA of a bridge port (nl-bridge.c). */
void tk_nl_parse_bridge(struct nlattr *data, struct tk_bridge_info *b);
void tk_nl_parse_brport(struct nlattr *data, struct tk_brport_info *p);

struct tk_addr;
struct tk_link;
/* An RTM_NEWLINK message (nl.c); -EINVAL if it is not one. */
int tk_nl_parse_link(struct nlmsghdr *h, struct tk_link *l);
/* An RTM_NEWADDR/DELADDR message (nl-addr.c). */
void tk_nl_parse_addr(struct nlmsghdr *h, struct tk_addr *a);

#endif
