/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpdump-like text of a decoded packet, rendered from its json_t, and the
 * -x hex dump.  Anything truncated or unknown is said so in the text.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct sb {
	char *s;
	size_t len, cap;
};

static void add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "?";
}

static long long num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static bool cut(const json_t *o)
{
	return json_is_true(json_object_get(o, "truncated"));
}

static const char *icmp_name(int type, int code, bool v6)
{
	static const char *const unreach[] = { "net", "host", "protocol", "port", "need to frag",
					       "source route failed" };

	if (!v6) {
		switch (type) {
		case 0: return "echo reply";
		case 8: return "echo request";
		case 3: return code >= 0 && code <= 5 ? unreach[code] : "unreachable";
		case 11: return "time exceeded";
		default: return NULL;
		}
	}
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	default: return NULL;
	}
}

static void l4(struct sb *b, const json_t *pkt, const char *src, const char *dst)
{
	const json_t *o;

	if ((o = json_object_get(pkt, "tcp"))) {
		add(b, "%s.%lld > %s.%lld: Flags [%s]", src, num(o, "srcport"), dst, num(o, "dstport"),
		    str(o, "flags"));
		if (!cut(o))
			add(b, ", seq %lld, ack %lld, win %lld, length %lld", num(o, "seq"),
			    num(o, "ack"), num(o, "window_size"), num(o, "len"));
	} else if ((o = json_object_get(pkt, "udp"))) {
		add(b, "%s.%lld > %s.%lld: UDP, length %lld", src, num(o, "srcport"), dst,
		    num(o, "dstport"), num(o, "length") - 8);
	} else if ((o = json_object_get(pkt, "icmp")) || (o = json_object_get(pkt, "icmpv6"))) {
		bool v6 = json_object_get(pkt, "icmpv6") != NULL;
		const char *name = icmp_name((int)num(o, "type"), (int)num(o, "code"), v6);
		int t = (int)num(o, "type");

		add(b, "%s > %s: %s", src, dst, v6 ? "ICMP6, " : "ICMP ");
		if (!v6 && t == 3 && name)
			add(b, "%s unreachable", name);
		else if (name)
			add(b, "%s", name);
		else
			add(b, "type %d, code %lld", t, num(o, "code"));
		if (json_object_get(o, "ident"))
			add(b, ", id %lld, seq %lld", num(o, "ident"), num(o, "seq"));
		if (json_object_get(o, "target"))
			add(b, ", who has %s", str(o, "target"));
		add(b, ", length %lld", num(o, "len"));
	} else {
		add(b, "%s > %s:", src, dst);
	}
	if (o && cut(o))
		add(b, " [truncated]");
}

static void arp(struct sb *b, const json_t *a)
{
	long long op = num(a, "opcode");

	add(b, "ARP, ");
	if (json_is_true(json_object_get(a, "unsupported")) || cut(a))
		add(b, "opcode %lld%s", op, cut(a) ? " [truncated]" : " (not Ethernet/IPv4)");
	else if (op == 1)
		add(b, "Request who-has %s tell %s, length 28", str(a, "dst_proto_ipv4"),
		    str(a, "src_proto_ipv4"));
	else if (op == 2)
		add(b, "Reply %s is-at %s, length 28", str(a, "src_proto_ipv4"), str(a, "src_hw_mac"));
	else
		add(b, "opcode %lld", op);
}

static void link_hdr(struct sb *b, const json_t *pkt)
{
	const json_t *e = json_object_get(pkt, "eth"), *v = json_object_get(pkt, "vlan"), *t;
	size_t i;

	if (e && !cut(e))
		add(b, "%s > %s, ethertype 0x%04llx, ", str(e, "src"), str(e, "dst"), num(e, "type"));
	json_array_foreach(v, i, t)
		add(b, "vlan %lld, p %lld, ", num(t, "id"), num(t, "priority"));
}

char *tk_dec_format(const json_t *pkt, unsigned flags)
{
	struct sb b = { 0 };
	const json_t *o;

	add(&b, "%s", "");
	if ((o = json_object_get(pkt, "pi")))
		add(&b, "pi proto 0x%04llx: ", num(o, "proto"));
	if (json_object_get(pkt, "vnet_hdr"))
		add(&b, "vnet_hdr gso %s: ", str(json_object_get(pkt, "vnet_hdr"), "gso_type"));
	if (flags & TK_DEC_FMT_LINK)
		link_hdr(&b, pkt);
	if ((o = json_object_get(pkt, "eth")) && cut(o))
		add(&b, "Ethernet [truncated]");
	else if ((o = json_object_get(pkt, "arp")))
		arp(&b, o);
	else if ((o = json_object_get(pkt, "ip"))) {
		add(&b, "IP ");
		if (cut(o))
			add(&b, "[truncated]");
		else if (json_is_true(json_object_get(o, "bad_length")))
			add(&b, "%s > %s: bad header length", str(o, "src"), str(o, "dst"));
		else
			l4(&b, pkt, str(o, "src"), str(o, "dst"));
	} else if ((o = json_object_get(pkt, "ipv6"))) {
		add(&b, "IP6 ");
		if (cut(o))
			add(&b, "[truncated]");
		else
			l4(&b, pkt, str(o, "src"), str(o, "dst"));
	}
	if ((o = json_object_get(pkt, "unknown")))
		add(&b, "%sunknown %s 0x%04llx, length %lld", b.len ? " " : "", str(o, "layer"),
		    num(o, "proto"), num(o, "len"));
	if ((o = json_object_get(pkt, "payload")) && !json_object_get(pkt, "tcp"))
		add(&b, " (fragment, %lld bytes)", num(o, "len"));
	return b.s ? b.s : strdup("");
}

char *tk_dec_hexdump(const uint8_t *p, size_t len)
{
	struct sb b = { 0 };

	add(&b, "%s", "");
	for (size_t off = 0; off < len; off += 16) {
		add(&b, "\t0x%04zx:  ", off);
		for (size_t i = 0; i < 16; i += 2) {
			if (off + i + 1 < len)
				add(&b, "%02x%02x ", p[off + i], p[off + i + 1]);
			else if (off + i < len)
				add(&b, "%02x   ", p[off + i]);
			else
				add(&b, "     ");
		}
		add(&b, " ");
		for (size_t i = 0; i < 16 && off + i < len; i++)
			add(&b, "%c", p[off + i] >= 32 && p[off + i] < 127 ? p[off + i] : '.');
		if (off + 16 < len)
			add(&b, "\n");
	}
	return b.s ? b.s : strdup("");
}
