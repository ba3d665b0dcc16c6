/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Route netlink through libnl's core: requests are built here and replies
 * parsed into plain structs (struct tk_link, struct tk_addr), because libnl's
 * link objects drop the tun attributes (IFLA_TUN_*) that `show` needs.  Errors
 * keep the kernel's real errno and extended-ACK text (libnl's NLE_* codes
 * lose both), captured by an error callback.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "nl.h"
#include "nl-priv.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static char extack[256];

const char *tk_nl_extack(void)
{
	return extack;
}

static int err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct tk_nl *nl = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	nl->err = -e->error;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (NLMSG_HDRLEN + off >= h->nlmsg_len)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(h->nlmsg_len - NLMSG_HDRLEN - off), NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG]) {
		size_t len = (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]);

		if (len >= sizeof(extack))
			len = sizeof(extack) - 1;
		memcpy(extack, nla_data(tb[NLMSGERR_ATTR_MSG]), len);
		extack[len] = '\0';
	}
	return NL_STOP;
}

/*
 * The socket is made on the first request, not here: a create that needs
 * no netlink at all (a batch of 1,000 plain creates) then costs none of
 * the socket, bind and option calls.  It belongs to the namespace current
 * at that first request.
 */
int tk_nl_open(struct tk_nl **out)
{
	struct tk_nl *nl = calloc(1, sizeof(*nl));
	struct nl_cb *cb;

	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	/* one read per dump chunk: the kernel's dump skbs are at most 32 KiB */
	nl_socket_set_msg_buf_size(nl->sk, 65536);
	nl_socket_disable_msg_peek(nl->sk);
	/* requests that want an ACK ask for it; a GET is answered by its reply */
	nl_socket_disable_auto_ack(nl->sk);
	cb = nl_socket_get_cb(nl->sk);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, nl);
	nl_cb_put(cb);
	*out = nl;
	return 0;
}

int tk_nl_connect(struct tk_nl *nl)
{
	int one = 1;

	if (nl->connected)
		return 0;
	if (nl_connect(nl->sk, NETLINK_ROUTE) < 0)
		return errno ? -errno : -EIO;
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->connected = true;
	return 0;
}

void tk_nl_skip_stats(struct tk_nl *nl, bool skip)
{
	nl->skip_stats = skip;
}

void tk_nl_close(struct tk_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/* Turns a libnl result into 0 or -errno, preferring the kernel's own errno. */
int tk_nl_ret(struct tk_nl *nl, int r)
{
	if (r >= 0)
		return 0;
	if (nl->err)
		return -nl->err;
	switch (-r) {
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_EXIST: return -EEXIST;
	case NLE_NODEV: return -ENODEV;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_BUSY: return -EBUSY;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

void tk_nl_request_start(struct tk_nl *nl)
{
	nl->err = 0;
	extack[0] = '\0';
}

/* Sends msg (consumed), then reads replies with valid() for each until ACK/DONE. */
int tk_nl_transact(struct tk_nl *nl, struct nl_msg *msg, int (*valid)(struct nl_msg *, void *),
		   void *arg)
{
	struct nl_cb *cb, *orig;
	int r = tk_nl_connect(nl);

	if (r) {
		nlmsg_free(msg);
		return r;
	}
	r = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return tk_nl_ret(nl, r);
	if (!valid)
		return tk_nl_ret(nl, nl_wait_for_ack(nl->sk));
	orig = nl_socket_get_cb(nl->sk);
	cb = nl_cb_clone(orig);
	nl_cb_put(orig);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
	r = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	return tk_nl_ret(nl, r);
}

/* Copies the extended-ACK text of an NLMSG_ERROR or NLMSG_DONE payload. */
static void read_extack(struct nlmsghdr *h, size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	off = NLMSG_ALIGN(off);
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || NLMSG_HDRLEN + off >= h->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlmsg_data(h) + off),
		      (int)(h->nlmsg_len - NLMSG_HDRLEN - off), NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		tk_nla_str(tb[NLMSGERR_ATTR_MSG], extack, sizeof(extack));
}

/* One reply message: 1 to go on, 0 when the request is answered, or -errno. */
static int dump_one(struct tk_nl *nl, struct nlmsghdr *h, uint32_t seq,
		    int (*fn)(struct nlmsghdr *, void *), void *arg)
{
	if (h->nlmsg_seq != seq)
		return 1; /* a late answer to an earlier request */
	if (h->nlmsg_type == NLMSG_DONE)
		return 0;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = nlmsg_data(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EIO;
		if (!e->error)
			return 0;
		read_extack(h, sizeof(*e) + ((h->nlmsg_flags & NLM_F_CAPPED) ? 0 :
					     e->msg.nlmsg_len - NLMSG_HDRLEN));
		nl->err = -e->error;
		return e->error;
	}
	if (fn(h, arg) < 0)
		return -ENOMEM;
	return (h->nlmsg_flags & NLM_F_MULTI) ? 1 : 0;
}

int tk_nl_dump(struct tk_nl *nl, struct nl_msg *msg, int (*fn)(struct nlmsghdr *, void *),
	       void *arg)
{
	size_t cap = 65536;
	char *buf;
	uint32_t seq;
	int r = tk_nl_connect(nl);

	if (r) {
		nlmsg_free(msg);
		return r;
	}
	/* libnl copies every message of a reply into an nl_msg of its own;
	 * for dumps of thousands of links the parsing is done in place here */
	r = nl_send_auto(nl->sk, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (r < 0)
		return tk_nl_ret(nl, r);
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (r = 1; r == 1;) {
		ssize_t n = recv(nl_socket_get_fd(nl->sk), buf, cap, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0) {
			r = errno == EINTR ? 1 : -errno;
			continue;
		}
		for (int len = (int)n; r == 1 && nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			r = dump_one(nl, h, seq, fn, arg);
	}
	free(buf);
	return r;
}

uint32_t tk_nla_u32(struct nlattr *a, uint32_t dflt)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : dflt;
}

int tk_nla_u8(struct nlattr *a, int dflt)
{
	return a && nla_len(a) >= 1 ? nla_get_u8(a) : dflt;
}

void tk_nla_str(struct nlattr *a, char *dst, size_t size)
{
	size_t len;

	dst[0] = '\0';
	if (!a)
		return;
	len = strnlen(nla_data(a), (size_t)nla_len(a));
	if (len >= size)
		len = size - 1;
	memcpy(dst, nla_data(a), len);
	dst[len] = '\0';
}

static void parse_tun(struct nlattr *data, struct tk_tun_info *t)
{
	struct nlattr *tb[IFLA_TUN_MAX + 1];

	t->type = t->pi = t->vnet_hdr = t->persist = t->multi_queue = -1;
	t->uid = t->gid = -1;
	t->num_queues = t->num_disabled = -1;
	if (!data || nla_parse_nested(tb, IFLA_TUN_MAX, data, NULL) < 0)
		return;
	t->type = tk_nla_u8(tb[IFLA_TUN_TYPE], -1);
	t->pi = tk_nla_u8(tb[IFLA_TUN_PI], -1);
	t->vnet_hdr = tk_nla_u8(tb[IFLA_TUN_VNET_HDR], -1);
	t->persist = tk_nla_u8(tb[IFLA_TUN_PERSIST], -1);
	t->multi_queue = tk_nla_u8(tb[IFLA_TUN_MULTI_QUEUE], -1);
	if (tb[IFLA_TUN_OWNER])
		t->uid = tk_nla_u32(tb[IFLA_TUN_OWNER], 0);
	if (tb[IFLA_TUN_GROUP])
		t->gid = tk_nla_u32(tb[IFLA_TUN_GROUP], 0);
	t->num_queues = (int)tk_nla_u32(tb[IFLA_TUN_NUM_QUEUES], (uint32_t)-1);
	t->num_disabled = (int)tk_nla_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES], (uint32_t)-1);
}

static void parse_linkinfo(struct nlattr *li, struct tk_link *l)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (!li || nla_parse_nested(tb, IFLA_INFO_MAX, li, NULL) < 0)
		return;
	tk_nla_str(tb[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
	tk_nla_str(tb[IFLA_INFO_SLAVE_KIND], l->slave_kind, sizeof(l->slave_kind));
	if (!strcmp(l->kind, "tun")) {
		l->is_tun = true;
		parse_tun(tb[IFLA_INFO_DATA], &l->tun);
	} else if (!strcmp(l->kind, "bridge")) {
		l->is_bridge = true;
		tk_nl_parse_bridge(tb[IFLA_INFO_DATA], &l->br);
	}
	if (!strcmp(l->slave_kind, "bridge")) {
		l->is_port = true;
		tk_nl_parse_brport(tb[IFLA_INFO_SLAVE_DATA], &l->port);
	}
}

static void copy_addr(struct nlattr *a, uint8_t *dst, int *len)
{
	int n = a ? nla_len(a) : 0;

	if (n > 32)
		n = 32;
	if (n > 0)
		memcpy(dst, nla_data(a), (size_t)n);
	if (len)
		*len = n;
}

int tk_nl_parse_link(struct nlmsghdr *h, struct tk_link *l)
{
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr *tb[IFLA_MAX + 1];

	/* AF_BRIDGE messages are a bridge's view of its port, not the link */
	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    ifi->ifi_family == AF_BRIDGE || nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->arptype = ifi->ifi_type;
	tk_nla_str(tb[IFLA_IFNAME], l->ifname, sizeof(l->ifname));
	l->mtu = (int)tk_nla_u32(tb[IFLA_MTU], 0);
	l->min_mtu = (int)tk_nla_u32(tb[IFLA_MIN_MTU], 0);
	l->max_mtu = (int)tk_nla_u32(tb[IFLA_MAX_MTU], 0);
	l->txqlen = (int)tk_nla_u32(tb[IFLA_TXQLEN], 0);
	l->master = (int)tk_nla_u32(tb[IFLA_MASTER], 0);
	l->group = tk_nla_u32(tb[IFLA_GROUP], 0);
	l->operstate = tk_nla_u8(tb[IFLA_OPERSTATE], 0);
	l->carrier = tk_nla_u8(tb[IFLA_CARRIER], -1);
	copy_addr(tb[IFLA_ADDRESS], l->addr, &l->addr_len);
	copy_addr(tb[IFLA_BROADCAST], l->brd, NULL);
	if (tb[IFLA_STATS64] && nla_len(tb[IFLA_STATS64]) >= (int)sizeof(uint64_t) * 23) {
		size_t n = (size_t)nla_len(tb[IFLA_STATS64]);

		if (n > sizeof(l->stats))
			n = sizeof(l->stats);
		memcpy(l->stats, nla_data(tb[IFLA_STATS64]), n);
		l->has_stats = true;
	}
	parse_linkinfo(tb[IFLA_LINKINFO], l);
	return 0;
}

struct link_vec {
	struct tk_link *v;
	size_t n, cap;
	int err;
};

static int link_valid(struct nlmsghdr *h, void *arg)
{
	struct link_vec *lv = arg;

	if (lv->n == lv->cap) {
		size_t cap = lv->cap ? lv->cap * 2 : 256;
		struct tk_link *v = realloc(lv->v, cap * sizeof(*v));

		if (!v) {
			lv->err = -ENOMEM;
			return -ENOMEM;
		}
		lv->v = v;
		lv->cap = cap;
	}
	if (tk_nl_parse_link(h, &lv->v[lv->n]) == 0)
		lv->n++;
	return 0;
}

static int links_query(struct tk_nl *nl, int flags, const char *name, int ifindex,
		       struct link_vec *lv)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg;
	int r;

	tk_nl_request_start(nl);
	msg = nlmsg_alloc_simple(RTM_GETLINK, flags);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0) ||
	    (nl->skip_stats && nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = tk_nl_dump(nl, msg, link_valid, lv);
	if (!r && lv->err)
		r = lv->err;
	if (r) {
		free(lv->v);
		lv->v = NULL;
		lv->n = 0;
	}
	return r;
}

int tk_nl_links(struct tk_nl *nl, struct tk_link **out, size_t *n)
{
	struct link_vec lv = { 0 };
	int r = links_query(nl, NLM_F_DUMP, NULL, 0, &lv);

	*out = lv.v;
	*n = lv.n;
	return r;
}

static int link_one(struct tk_nl *nl, const char *name, int ifindex, struct tk_link *out)
{
	struct link_vec lv = { 0 };
	int r = links_query(nl, 0, name, ifindex, &lv);

	if (!r && lv.n == 0)
		r = -ENODEV;
	if (!r)
		*out = lv.v[0];
	free(lv.v);
	return r;
}

int tk_nl_link_get(struct tk_nl *nl, const char *name, struct tk_link *out)
{
	return link_one(nl, name, 0, out);
}

int tk_nl_link_get_index(struct tk_nl *nl, int ifindex, struct tk_link *out)
{
	return link_one(nl, NULL, ifindex, out);
}
