/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit dump: the packets crossing a device, decoded, as text, JSON Lines
 * or a pcap file.  Direction is exact, not guessed: the kernel's packet
 * type, read from one packet socket with a mapped ring (dump.c,
 * capture.c), or on other links one libpcap handle per direction
 * (dump-pcap.c).  Kernel drops are always reported at the end.  --attach is tunkit as the
 * program behind a free tun/tap device instead (dump-attach.c), --reply
 * answering ping there from userspace.
 */
#include <errno.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "dump.h"
#include "err.h"
#include "nl.h"
#include "opt.h"
#include "out.h"
#include "sig.h"

enum { O_COUNT, O_HEX, O_LINK, O_SNAP, O_IN, O_OUT, O_WRITE, O_READ, O_ATTACH, O_REPLY, O_RADDR,
       O_RMAC };

static const struct tk_opt opts[] = {
	[O_COUNT] = { "count", 'c', TK_ARG_REQ, "COUNT", NULL, "stop after COUNT packets" },
	[O_HEX] = { "hex", 'x', TK_ARG_NONE, NULL, NULL, "each packet in hex and ASCII too" },
	[O_LINK] = { "link", 'e', TK_ARG_NONE, NULL, NULL, "show the link-level header" },
	[O_SNAP] = { "snaplen", 's', TK_ARG_REQ, "SNAPLEN", NULL, "capture at most SNAPLEN bytes" },
	[O_IN] = { "in", 0, TK_ARG_NONE, NULL, NULL, "only packets the device received" },
	[O_OUT] = { "out", 0, TK_ARG_NONE, NULL, NULL, "only packets the device sent" },
	[O_WRITE] = { "write", 'w', TK_ARG_REQ, "FILE", "@file", "write a pcap file (- stdout)" },
	[O_READ] = { "read", 'r', TK_ARG_REQ, "FILE", "@file", "read a pcap file, not a device" },
	[O_ATTACH] = { "attach", 0, TK_ARG_NONE, NULL, NULL,
		       "be the program behind a tun/tap device no process holds" },
	[O_REPLY] = { "reply", 0, TK_ARG_NONE, NULL, NULL,
		      "with --attach: answer ARP, ND and echo for each --reply-addr" },
	[O_RADDR] = { "reply-addr", 0, TK_ARG_REQ, "ADDR", NULL,
		      "an IPv4 or IPv6 address to answer for (repeatable)" },
	[O_RMAC] = { "reply-mac", 0, TK_ARG_REQ, "MAC", NULL,
		     "the MAC the answers on a tap come from" },
	{ NULL },
};

static int reply_addr(struct tk_ctx *ctx, struct tk_dump *d, const char *arg)
{
	struct tk_cidr c;

	if (tk_parse_cidr(arg, &c) || c.prefixlen >= 0)
		return tk_usage(ctx, "reply-addr \"%s\": expected an IPv4 or IPv6 address", arg);
	if (d->naddrs == TK_DUMP_MAX_ADDRS)
		return tk_usage(ctx, "reply-addr \"%s\": at most %d addresses", arg,
				TK_DUMP_MAX_ADDRS);
	d->addrs[d->naddrs].family = c.family;
	memcpy(d->addrs[d->naddrs].addr, c.addr, sizeof(c.addr));
	d->naddrs++;
	return 0;
}

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct tk_dump *d = st;

	switch (idx) {
	case O_COUNT:
		if (tk_parse_u32(arg, 1, UINT32_MAX, &d->count))
			return tk_usage(ctx, "count \"%s\": expected a positive number", arg);
		break;
	case O_SNAP:
		if (tk_parse_u32(arg, 1, 262144, &d->snaplen))
			return tk_usage(ctx, "snaplen \"%s\": expected 1 to 262144", arg);
		break;
	case O_HEX: d->hex = true; break;
	case O_LINK: d->link_hdr = true; break;
	case O_IN: d->in = true; break;
	case O_OUT: d->out = true; break;
	case O_WRITE: d->wfile = arg; break;
	case O_READ: d->rfile = arg; break;
	case O_ATTACH: d->attach = true; break;
	case O_REPLY: d->reply = true; break;
	case O_RMAC:
		if (tk_parse_mac(arg, d->reply_mac))
			return tk_usage(ctx, "reply-mac \"%s\": expected a unicast MAC", arg);
		d->has_mac = true;
		break;
	case O_RADDR:
		return reply_addr(ctx, d, arg);
	}
	return 0;
}

/* The filter is the operands after the device, joined as tcpdump does. */
static char *join(char **v, int n)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	for (int i = 0; s && i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_dump d = { .snaplen = 262144 };
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_dump, argc, argv, opt, &d, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (d.in && d.out)
		return tk_usage(ctx, "--in and --out together are the default: give one or neither");
	if (d.attach && d.rfile)
		return tk_usage(ctx, "--attach and --read: a device or a file, not both");
	if (d.reply && !d.attach)
		return tk_usage(ctx, "--reply needs --attach (tunkit answers as the device's program)");
	if (d.reply && !d.naddrs)
		return tk_usage(ctx, "--reply needs at least one --reply-addr");
	if (!d.reply && (d.naddrs || d.has_mac))
		return tk_usage(ctx, "--reply-addr and --reply-mac go with --reply");
	if (!d.rfile && first == argc)
		return tk_usage(ctx, "missing operand: DEV (or --read FILE)");
	if (!d.rfile)
		d.dev = argv[first++];
	d.filter = join(argv + first, argc - first);
	if (!d.filter)
		return tk_err(ctx, -ENOMEM, "filter");
	r = d.rfile ? tk_dump_file(ctx, &d) : d.attach ? tk_dump_attach(ctx, &d) :
		tk_dump_live(ctx, &d);
	free(d.filter);
	return r;
}

const struct tk_cmd tk_cmd_dump = {
	.name = "dump",
	.summary = "show the packets on a device, decoded (text, JSON Lines, pcap)",
	.synopsis = "DEV [FILTER...] | --read FILE [FILTER...] | --attach [--reply] DEV [FILTER...]",
	.opts = opts,
	.min_args = 0,
	.max_args = -1,
	.operands = "@link",
	.run = run,
};
