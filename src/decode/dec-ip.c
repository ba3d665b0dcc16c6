/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 (options, fragments) and IPv6 (extension headers).  Lengths from
 * the headers decide what the next layer may claim; captured bytes decide
 * what may be read.
 */
#include "dec-util.h"

void tk_dec_ipv4(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int ip = tk_rec_obj(r), p;
	unsigned ihl, tot, off;
	int proto;
	const char *flags;

	if (b.n < 20)
		return (void)tk_dec_cut(r, pkt, "ip", ip);
	ihl = (b.p[0] & 15) * 4u;
	tot = tk_be16(b.p + 2);
	off = tk_be16(b.p + 6);
	proto = b.p[9];
	flags = (off & 0x6000) == 0x6000 ? "DF,MF" : off & 0x4000 ? "DF" : off & 0x2000 ? "MF" : "";
	tk_rec_set_int(r, ip, "version", b.p[0] >> 4);
	tk_rec_set_int(r, ip, "hdr_len", ihl);
	tk_rec_set_int(r, ip, "dsfield", b.p[1]);
	tk_rec_set_int(r, ip, "len", tot);
	tk_rec_set_int(r, ip, "id", tk_be16(b.p + 4));
	tk_rec_set_str(r, ip, "flags", flags);
	tk_rec_set_int(r, ip, "frag_offset", (off & 0x1fff) * 8);
	tk_rec_set_int(r, ip, "ttl", b.p[8]);
	tk_rec_set_int(r, ip, "proto", b.p[9]);
	tk_rec_set_int(r, ip, "checksum", tk_be16(b.p + 10));
	tk_rec_set(r, ip, "src", tk_dec_ip4(r, b.p + 12));
	tk_rec_set(r, ip, "dst", tk_dec_ip4(r, b.p + 16));
	if (ihl < 20 || tot < ihl) { /* a header that lies: stop, never misread */
		tk_rec_set_bool(r, ip, "bad_length", true);
		tk_rec_set(r, pkt, "ip", ip);
		return;
	}
	if (b.n < ihl)
		return (void)tk_dec_cut(r, pkt, "ip", ip);
	tk_rec_set(r, pkt, "ip", ip);
	tk_skip(&b, ihl);
	if (b.n > tot - ihl)
		b.n = tot - ihl; /* Ethernet padding is not payload */
	if (off & 0x1fff) { /* a later fragment: no transport header here */
		p = tk_rec_obj(r);
		tk_rec_set_int(r, p, "len", (int)(tot - ihl));
		tk_rec_set(r, pkt, "payload", p);
		return;
	}
	tk_dec_l4(r, pkt, proto, b, false);
}

static bool ext_header(int nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

static const char *ext_name(int nh)
{
	return nh == 0 ? "hop_by_hop" : nh == 43 ? "routing" : nh == 44 ? "fragment" : "dst_opts";
}

void tk_dec_ipv6(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int ip = tk_rec_obj(r), exts = -1, p;
	unsigned plen;
	int nh;
	bool later_fragment = false;

	if (b.n < 40)
		return (void)tk_dec_cut(r, pkt, "ipv6", ip);
	plen = tk_be16(b.p + 4);
	nh = b.p[6];
	tk_rec_set_int(r, ip, "version", b.p[0] >> 4);
	tk_rec_set_int(r, ip, "tclass", (tk_be16(b.p) >> 4) & 0xff);
	tk_rec_set_int(r, ip, "flow", tk_be32(b.p) & 0xfffff);
	tk_rec_set_int(r, ip, "plen", plen);
	tk_rec_set_int(r, ip, "nxt", nh);
	tk_rec_set_int(r, ip, "hlim", b.p[7]);
	tk_rec_set(r, ip, "src", tk_dec_ip6(r, b.p + 8));
	tk_rec_set(r, ip, "dst", tk_dec_ip6(r, b.p + 24));
	tk_skip(&b, 40);
	if (b.n > plen)
		b.n = plen;
	/* extension headers, bounded: 8 of them at most */
	for (int i = 0; ext_header(nh) && i < 8; i++) {
		size_t hl = nh == 44 ? 8 : b.n >= 2 ? (b.p[1] + 1u) * 8 : 8;
		int e;

		if (exts < 0)
			exts = tk_rec_arr(r);
		e = tk_rec_obj(r);
		tk_rec_set_str(r, e, "type", ext_name(nh));
		if (b.n < 2 || b.n < hl) {
			tk_rec_set_bool(r, e, "truncated", true);
			tk_rec_append(r, exts, e);
			tk_rec_set(r, ip, "ext", exts);
			return (void)tk_dec_cut(r, pkt, "ipv6", ip);
		}
		if (nh == 44) {
			unsigned fo = tk_be16(b.p + 2);

			tk_rec_set_int(r, e, "offset", (int)(fo & 0xfff8));
			tk_rec_set_bool(r, e, "more", fo & 1);
			tk_rec_set_int(r, e, "id", tk_be32(b.p + 4));
			later_fragment = (fo & 0xfff8) != 0;
		} else {
			tk_rec_set_int(r, e, "len", (int)hl);
		}
		tk_rec_append(r, exts, e);
		nh = b.p[0];
		tk_skip(&b, hl);
	}
	if (exts >= 0)
		tk_rec_set(r, ip, "ext", exts);
	tk_rec_set(r, pkt, "ipv6", ip);
	if (later_fragment || ext_header(nh)) {
		p = tk_rec_obj(r);
		tk_rec_set_int(r, p, "len", (long long)b.n);
		tk_rec_set(r, pkt, "payload", p);
		return;
	}
	tk_dec_l4(r, pkt, nh, b, true);
}
