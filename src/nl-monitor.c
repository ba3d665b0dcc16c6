/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Netlink multicast: link and address events as they happen, for
 * `tunkit monitor`, and link events alone, for `tunkit stats --watch` to
 * know when its list of devices is out of date.  Silent: 0 or -errno.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "nl-priv.h"

int tk_nl_monitor_open(struct tk_nl **nl)
{
	int r = tk_nl_open(nl), big = 1 << 20;

	if (!r)
		r = tk_nl_connect(*nl);
	if (r) {
		tk_nl_close(*nl);
		*nl = NULL;
		return r;
	}
	r = nl_socket_add_memberships((*nl)->sk, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
				      RTNLGRP_IPV6_IFADDR, 0);
	if (r < 0) {
		tk_nl_close(*nl);
		*nl = NULL;
		return -EPERM;
	}
	/* a burst (1,000 devices deleted at once) must not overflow the queue */
	setsockopt(tk_nl_fd(*nl), SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return 0;
}

int tk_nl_link_events_open(struct tk_nl **nl)
{
	int r = tk_nl_open(nl), big = 1 << 20;

	if (!r)
		r = tk_nl_connect(*nl);
	if (!r && nl_socket_add_memberships((*nl)->sk, RTNLGRP_LINK, 0) < 0)
		r = -EPERM;
	if (r) {
		tk_nl_close(*nl);
		*nl = NULL;
		return r;
	}
	/* an overflow is no loss here (it only says "read again"), but a
	 * larger queue makes it rarer */
	setsockopt(tk_nl_fd(*nl), SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return 0;
}

int tk_nl_link_events(struct tk_nl *nl)
{
	static char buf[65536];
	int any = 0;

	for (;;) {
		ssize_t n = recv(tk_nl_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
			any = 1; /* every message of the group is about a link */
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			return any;
		if (errno == ENOBUFS)
			any = 1; /* lost some: as good as told */
		else if (errno != EINTR)
			return -errno;
	}
}

int tk_nl_fd(struct tk_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

static int one(struct nlmsghdr *h, struct tk_nl_event *ev,
	       int (*fn)(const struct tk_nl_event *, void *), void *arg)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = h->nlmsg_type;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		h->nlmsg_type = RTM_NEWLINK; /* the same layout */
		if (tk_nl_parse_link(h, &ev->link) < 0)
			return 0;
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		tk_nl_parse_addr(h, &ev->addr);
		if (!ev->addr.has_local)
			return 0;
		break;
	default:
		return 0;
	}
	return fn(ev, arg);
}

int tk_nl_monitor_read(struct tk_nl *nl, int (*fn)(const struct tk_nl_event *ev, void *arg),
		       void *arg)
{
	static char buf[65536];
	struct tk_nl_event *ev = malloc(sizeof(*ev));
	int r = 0;

	if (!ev)
		return -ENOMEM;
	for (;;) {
		ssize_t n = recv(tk_nl_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0) {
			r = errno == EAGAIN || errno == EINTR ? 0 : -errno;
			break;
		}
		for (int len = (int)n; !r && nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			r = one(h, ev, fn, arg);
		if (r)
			break;
	}
	free(ev);
	return r;
}
