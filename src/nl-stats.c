/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters only: an RTM_GETSTATS dump filtered to IFLA_STATS_LINK_64.  The
 * kernel then fills about 200 bytes per link instead of a full RTM_GETLINK
 * message (IFLA_AF_SPEC, link info, tun attributes: several KiB), which is
 * what a --watch of 1,000 devices pays every sample.  Silent: 0 or -errno.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "nl-priv.h"
#include "nl.h"

struct stats_walk {
	int (*fn)(int ifindex, const uint64_t *st, void *arg);
	void *arg;
};

static int stats_one(struct nlmsghdr *h, void *arg)
{
	struct stats_walk *w = arg;
	struct if_stats_msg *ifsm = nlmsg_data(h);
	struct nlattr *tb[IFLA_STATS_MAX + 1];
	uint64_t st[24] = { 0 };
	size_t n;

	if (h->nlmsg_type != RTM_NEWSTATS || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifsm)) ||
	    nlmsg_parse(h, sizeof(*ifsm), tb, IFLA_STATS_MAX, NULL) < 0 ||
	    !tb[IFLA_STATS_LINK_64] || nla_len(tb[IFLA_STATS_LINK_64]) < (int)sizeof(uint64_t) * 23)
		return 0;
	/* newer kernels append fields; the attribute is only 4-byte aligned */
	n = (size_t)nla_len(tb[IFLA_STATS_LINK_64]);
	if (n > sizeof(st))
		n = sizeof(st);
	memcpy(st, nla_data(tb[IFLA_STATS_LINK_64]), n);
	return w->fn((int)ifsm->ifindex, st, w->arg);
}

int tk_nl_stats64(struct tk_nl *nl, int (*fn)(int ifindex, const uint64_t *st, void *arg),
		  void *arg)
{
	struct if_stats_msg ifsm = {
		.family = AF_UNSPEC,
		.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64),
	};
	struct stats_walk w = { fn, arg };
	struct nl_msg *msg;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_GETSTATS, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ifsm, sizeof(ifsm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tk_nl_dump(nl, msg, stats_one, &w);
}
