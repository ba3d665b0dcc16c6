/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routes through a device (the tunnel's --route): add and delete a
 * destination prefix with the device as the only next hop, main table.
 * Silent: 0 or -errno; the kernel's extended ACK is in tk_nl_extack().
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "nl-priv.h"
#include "nl.h"

static int route_msg(struct tk_nl *nl, int type, int flags, int family, const uint8_t *dst,
		     int prefixlen, int ifindex)
{
	struct rtmsg rt = {
		.rtm_family = (unsigned char)family,
		.rtm_dst_len = (unsigned char)prefixlen,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = RT_SCOPE_LINK,
		.rtm_type = RTN_UNICAST,
	};
	int alen = family == AF_INET6 ? 16 : 4;
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | flags);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &rt, sizeof(rt), NLMSG_ALIGNTO) < 0 ||
	    (prefixlen && nla_put(msg, RTA_DST, alen, dst) < 0) ||
	    nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_transact(nl, msg, NULL, NULL);
}

int tk_nl_route_add(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex)
{
	return route_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, family, dst, prefixlen,
			 ifindex);
}

int tk_nl_route_del(struct tk_nl *nl, int family, const uint8_t *dst, int prefixlen, int ifindex)
{
	return route_msg(nl, RTM_DELROUTE, 0, family, dst, prefixlen, ifindex);
}
