/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpdump-like text of a decoded packet, rendered from its tree (rec.h),
 * the one -j converts, and the -x hex dump.  Anything truncated or unknown
 * is said so in the text.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static bool grow(struct tk_dec_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *s;

	if (b->len + need + 1 <= b->cap)
		return true;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s)
		return false;
	b->s = s;
	b->cap = cap;
	return true;
}

static void add(struct tk_dec_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct tk_dec_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* into the room there is; only a line longer than that is formatted twice */
	va_start(ap, fmt);
	n = b->s ? vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap) : -1;
	va_end(ap);
	if (n >= 0 && b->len + (size_t)n < b->cap) {
		b->len += (size_t)n;
		return;
	}
	if (n < 0) {
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
	}
	if (n < 0 || !grow(b, (size_t)n)) {
		if (b->s)
			b->s[b->len] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* a plain string, without printf */
static void put(struct tk_dec_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static const char *str(const struct tk_rec *r, int o, const char *k)
{
	int v = tk_rec_get(r, o, k);

	return v >= 0 && r->node[v].type == TK_REC_STR_T ? r->node[v].s : "?";
}

static long long num(const struct tk_rec *r, int o, const char *k)
{
	int v = tk_rec_get(r, o, k);

	return v >= 0 && r->node[v].type == TK_REC_INT ? r->node[v].i : 0;
}

static bool is_true(const struct tk_rec *r, int o, const char *k)
{
	int v = tk_rec_get(r, o, k);

	return v >= 0 && r->node[v].type == TK_REC_BOOL && r->node[v].i;
}

static bool cut(const struct tk_rec *r, int o)
{
	return is_true(r, o, "truncated");
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

static void l4(struct tk_dec_buf *b, const struct tk_rec *r, const char *src, const char *dst)
{
	int o;

	if ((o = tk_rec_get(r, 0, "tcp")) >= 0) {
		add(b, "%s.%lld > %s.%lld: Flags [%s]", src, num(r, o, "srcport"), dst,
		    num(r, o, "dstport"), str(r, o, "flags"));
		if (!cut(r, o))
			add(b, ", seq %lld, ack %lld, win %lld, length %lld", num(r, o, "seq"),
			    num(r, o, "ack"), num(r, o, "window_size"), num(r, o, "len"));
	} else if ((o = tk_rec_get(r, 0, "udp")) >= 0) {
		add(b, "%s.%lld > %s.%lld: UDP, length %lld", src, num(r, o, "srcport"), dst,
		    num(r, o, "dstport"), num(r, o, "length") - 8);
	} else if ((o = tk_rec_get(r, 0, "icmp")) >= 0 || (o = tk_rec_get(r, 0, "icmpv6")) >= 0) {
		bool v6 = tk_rec_get(r, 0, "icmpv6") >= 0;
		int t = (int)num(r, o, "type");
		const char *name = icmp_name(t, (int)num(r, o, "code"), v6);

		add(b, "%s > %s: %s", src, dst, v6 ? "ICMP6, " : "ICMP ");
		if (!v6 && t == 3 && name)
			add(b, "%s unreachable", name);
		else if (name)
			put(b, name);
		else
			add(b, "type %d, code %lld", t, num(r, o, "code"));
		if (tk_rec_get(r, o, "ident") >= 0)
			add(b, ", id %lld, seq %lld", num(r, o, "ident"), num(r, o, "seq"));
		if (tk_rec_get(r, o, "target") >= 0)
			add(b, ", who has %s", str(r, o, "target"));
		add(b, ", length %lld", num(r, o, "len"));
	} else {
		add(b, "%s > %s:", src, dst);
	}
	if (o >= 0 && cut(r, o))
		put(b, " [truncated]");
}

static void arp(struct tk_dec_buf *b, const struct tk_rec *r, int a)
{
	long long op = num(r, a, "opcode");

	put(b, "ARP, ");
	if (is_true(r, a, "unsupported") || cut(r, a))
		add(b, "opcode %lld%s", op, cut(r, a) ? " [truncated]" : " (not Ethernet/IPv4)");
	else if (op == 1)
		add(b, "Request who-has %s tell %s, length 28", str(r, a, "dst_proto_ipv4"),
		    str(r, a, "src_proto_ipv4"));
	else if (op == 2)
		add(b, "Reply %s is-at %s, length 28", str(r, a, "src_proto_ipv4"),
		    str(r, a, "src_hw_mac"));
	else
		add(b, "opcode %lld", op);
}

static void link_hdr(struct tk_dec_buf *b, const struct tk_rec *r)
{
	int e = tk_rec_get(r, 0, "eth"), v = tk_rec_get(r, 0, "vlan");

	if (e >= 0 && !cut(r, e))
		add(b, "%s > %s, ethertype 0x%04llx, ", str(r, e, "src"), str(r, e, "dst"),
		    num(r, e, "type"));
	if (v >= 0 && r->node[v].type == TK_REC_ARR)
		for (int t = r->node[v].first; t >= 0; t = r->node[t].next)
			add(b, "vlan %lld, p %lld, ", num(r, t, "id"), num(r, t, "priority"));
}

const char *tk_dec_format(const struct tk_rec *r, unsigned flags, struct tk_dec_buf *b)
{
	int o;

	b->len = 0;
	if (!grow(b, 0))
		return "";
	b->s[0] = '\0';
	if ((o = tk_rec_get(r, 0, "pi")) >= 0)
		add(b, "pi proto 0x%04llx: ", num(r, o, "proto"));
	if ((o = tk_rec_get(r, 0, "vnet_hdr")) >= 0)
		add(b, "vnet_hdr gso %s: ", str(r, o, "gso_type"));
	if (flags & TK_DEC_FMT_LINK)
		link_hdr(b, r);
	if ((o = tk_rec_get(r, 0, "eth")) >= 0 && cut(r, o))
		put(b, "Ethernet [truncated]");
	else if ((o = tk_rec_get(r, 0, "arp")) >= 0)
		arp(b, r, o);
	else if ((o = tk_rec_get(r, 0, "ip")) >= 0) {
		put(b, "IP ");
		if (cut(r, o))
			put(b, "[truncated]");
		else if (is_true(r, o, "bad_length"))
			add(b, "%s > %s: bad header length", str(r, o, "src"), str(r, o, "dst"));
		else
			l4(b, r, str(r, o, "src"), str(r, o, "dst"));
	} else if ((o = tk_rec_get(r, 0, "ipv6")) >= 0) {
		put(b, "IP6 ");
		if (cut(r, o))
			put(b, "[truncated]");
		else
			l4(b, r, str(r, o, "src"), str(r, o, "dst"));
	}
	if ((o = tk_rec_get(r, 0, "unknown")) >= 0)
		add(b, "%sunknown %s 0x%04llx, length %lld", b->len ? " " : "", str(r, o, "layer"),
		    num(r, o, "proto"), num(r, o, "len"));
	if ((o = tk_rec_get(r, 0, "payload")) >= 0 && tk_rec_get(r, 0, "tcp") < 0)
		add(b, " (fragment, %lld bytes)", num(r, o, "len"));
	return b->s;
}

char *tk_dec_text(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link l,
		  const struct tk_dec_opts *o, unsigned flags)
{
	struct tk_rec *r = malloc(sizeof(*r));
	struct tk_dec_buf b = { 0 };

	if (!r)
		return NULL;
	tk_dec_rec(r, p, caplen, len, l, o);
	tk_dec_format(r, flags, &b);
	free(r);
	return b.s;
}

char *tk_dec_hexdump(const uint8_t *p, size_t len)
{
	struct tk_dec_buf b = { 0 };

	if (!grow(&b, 0))
		return NULL;
	b.s[0] = '\0';
	for (size_t off = 0; off < len; off += 16) {
		add(&b, "\t0x%04zx:  ", off);
		for (size_t i = 0; i < 16; i += 2) {
			if (off + i + 1 < len)
				add(&b, "%02x%02x ", p[off + i], p[off + i + 1]);
			else if (off + i < len)
				add(&b, "%02x   ", p[off + i]);
			else
				put(&b, "     ");
		}
		put(&b, " ");
		for (size_t i = 0; i < 16 && off + i < len; i++)
			add(&b, "%c", p[off + i] >= 32 && p[off + i] < 127 ? p[off + i] : '.');
		if (off + 16 < len)
			put(&b, "\n");
	}
	return b.s;
}
