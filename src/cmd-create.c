/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit create: persistent tun/tap devices with every flag `ip tuntap` and
 * tunctl know, and their netlink settings, in one all-or-nothing command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dev.h"
#include "err.h"
#include "name.h"
#include "out.h"
#include "show.h"

enum { O_MODE, O_USER, O_GROUP, O_PI, O_VNET, O_MQ, O_MTU, O_MAC, O_TXQLEN, O_ADDR, O_PEER,
       O_UP, O_MASTER, O_COUNT };

static const struct tk_opt opts[] = {
	[O_MODE] = { "mode", 'm', TK_ARG_REQ, "MODE", "tun tap",
		     "tun (IP packets, the default) or tap (Ethernet frames)" },
	[O_USER] = { "user", 'u', TK_ARG_REQ, "USER", "@user",
		     "owner: USER may attach without CAP_NET_ADMIN" },
	[O_GROUP] = { "group", 'g', TK_ARG_REQ, "GROUP", "@group",
		      "group: its members may attach without CAP_NET_ADMIN" },
	[O_PI] = { "pi", 0, TK_ARG_NONE, NULL, NULL, "prepend packet information (4 bytes)" },
	[O_VNET] = { "vnet-hdr", 0, TK_ARG_NONE, NULL, NULL, "prepend a virtio-net header" },
	[O_MQ] = { "multi-queue", 0, TK_ARG_NONE, NULL, NULL, "allow several queues (fds)" },
	[O_MTU] = { "mtu", 0, TK_ARG_REQ, "N", NULL, "MTU in bytes" },
	[O_MAC] = { "mac", 0, TK_ARG_REQ, "ADDR", NULL, "MAC address (tap)" },
	[O_TXQLEN] = { "txqlen", 0, TK_ARG_REQ, "N", NULL, "transmit queue length" },
	[O_ADDR] = { "addr", 'a', TK_ARG_REQ, "CIDR", NULL, "add an address (repeatable)" },
	[O_PEER] = { "peer-addr", 0, TK_ARG_REQ, "ADDR", NULL,
		     "point-to-point peer of the first address of its family" },
	[O_UP] = { "up", 0, TK_ARG_NONE, NULL, NULL, "bring the device up" },
	[O_MASTER] = { "master", 0, TK_ARG_REQ, "BRIDGE", "@bridge", "attach to a bridge" },
	[O_COUNT] = { "count", 0, TK_ARG_REQ, "N", NULL,
		      "with a template such as tap%d: make N devices" },
	{ NULL },
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct tk_dev_req *q = st;
	uint32_t v;

	switch (idx) {
	case O_MODE:
		if (strcmp(arg, "tun") && strcmp(arg, "tap"))
			return tk_usage(ctx, "mode \"%s\": expected tun or tap", arg);
		q->spec.tap = !strcmp(arg, "tap");
		return 0;
	case O_USER:
		if (tk_parse_user(arg, &v))
			return tk_usage(ctx, "unknown user \"%s\"", arg);
		q->spec.uid = v;
		return 0;
	case O_GROUP:
		if (tk_parse_group(arg, &v))
			return tk_usage(ctx, "unknown group \"%s\"", arg);
		q->spec.gid = v;
		return 0;
	case O_PI: q->spec.pi = true; return 0;
	case O_VNET: q->spec.vnet_hdr = true; return 0;
	case O_MQ: q->spec.multi_queue = true; return 0;
	case O_UP: q->up = true; return 0;
	case O_MASTER: q->master = arg; return 0;
	case O_MTU:
		if (tk_parse_u32(arg, 68, 65535, &v))
			return tk_usage(ctx, "mtu \"%s\": expected 68 to 65535", arg);
		q->mtu = (int)v;
		return 0;
	case O_TXQLEN:
		if (tk_parse_u32(arg, 0, 1u << 30, &v))
			return tk_usage(ctx, "txqlen \"%s\": expected a number", arg);
		q->txqlen = (int)v;
		return 0;
	case O_COUNT:
		if (tk_parse_u32(arg, 1, 65536, &v))
			return tk_usage(ctx, "count \"%s\": expected 1 to 65536", arg);
		q->count = v;
		return 0;
	case O_MAC:
		if (tk_parse_mac(arg, q->mac))
			return tk_usage(ctx, "mac \"%s\": expected a unicast aa:bb:cc:dd:ee:ff", arg);
		q->has_mac = true;
		return 0;
	case O_ADDR:
		if (q->naddrs == TK_DEV_MAX_ADDRS)
			return tk_usage(ctx, "at most %d addresses", TK_DEV_MAX_ADDRS);
		if (tk_parse_cidr(arg, &q->addrs[q->naddrs]))
			return tk_usage(ctx, "address \"%s\": expected ADDR[/PREFIX]", arg);
		q->naddrs++;
		return 0;
	case O_PEER:
		if (tk_parse_cidr(arg, &q->peer) || q->peer.prefixlen >= 0)
			return tk_usage(ctx, "peer address \"%s\": expected an address", arg);
		q->has_peer = true;
		return 0;
	}
	return 0;
}

/* Combinations that no single option can judge. */
static int check(struct tk_ctx *ctx, const struct tk_dev_req *q)
{
	const char *why = tk_name_invalid(q->spec.name, true);
	bool peer_ok = !q->has_peer;

	if (why)
		return tk_usage(ctx, "\"%s\": %s", q->spec.name, why);
	if (q->count > 1 && !tk_name_is_template(q->spec.name))
		return tk_usage(ctx, "--count needs a name template such as tap%%d");
	if (q->has_mac && !q->spec.tap)
		return tk_usage(ctx, "--mac needs --mode tap (a tun device has no MAC)");
	if (q->has_mac && q->count > 1)
		return tk_usage(ctx, "--mac with --count would give devices one MAC");
	if (q->naddrs && q->count > 1)
		return tk_usage(ctx, "--addr with --count would give devices one address");
	for (size_t i = 0; i < q->naddrs; i++)
		if (q->has_peer && q->addrs[i].family == q->peer.family)
			peer_ok = true;
	if (!peer_ok)
		return tk_usage(ctx, "--peer-addr needs an --addr of the same family");
	return 0;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_dev_req q;
	struct tk_nl *nl = NULL;
	json_t *names = NULL, *devs;
	int first, r;

	tk_dev_req_init(&q);
	r = tk_opt_parse(ctx, &tk_cmd_create, argc, argv, opt, &q, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	q.spec.name = argv[first];
	r = check(ctx, &q);
	if (r)
		return r;
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = tk_dev_create(ctx, nl, &q, &names);
	if (r) {
		tk_nl_close(nl);
		return r;
	}
	if (ctx->quiet && !ctx->json) {
		tk_nl_close(nl);
		json_decref(names);
		return 0;
	}
	devs = tk_dev_describe(nl, names, &r);
	tk_nl_close(nl);
	json_decref(names);
	if (!devs)
		return tk_err(ctx, r, "netlink");
	r = tk_show_print(ctx, devs, false);
	json_decref(devs);
	return r ? tk_err(ctx, r, "stdout") : 0;
}

const struct tk_cmd tk_cmd_create = {
	.name = "create",
	.aliases = (const char *const[]){ "add", NULL },
	.summary = "create persistent tun/tap devices",
	.synopsis = "NAME",
	.opts = opts,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};
