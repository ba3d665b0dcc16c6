/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 (options, fragments) and IPv6 (extension headers).  Lengths from
 * the headers decide what the next layer may claim; captured bytes decide
 * what may be read.
 */
#include <stdio.h>

#include "dec-util.h"

void tk_dec_ipv4(json_t *pkt, struct tk_buf b)
{
	json_t *ip = json_object();
	unsigned ihl, tot, off;
	int proto;
	char flags[8] = "";

	if (b.n < 20)
		return (void)tk_dec_cut(pkt, "ip", ip);
	ihl = (b.p[0] & 15) * 4u;
	tot = tk_be16(b.p + 2);
	off = tk_be16(b.p + 6);
	proto = b.p[9];
	json_object_set_new(ip, "version", json_integer(b.p[0] >> 4));
	json_object_set_new(ip, "hdr_len", json_integer(ihl));
	json_object_set_new(ip, "dsfield", json_integer(b.p[1]));
	json_object_set_new(ip, "len", json_integer(tot));
	json_object_set_new(ip, "id", json_integer(tk_be16(b.p + 4)));
	if (off & 0x4000)
		snprintf(flags, sizeof(flags), "DF");
	if (off & 0x2000)
		snprintf(flags, sizeof(flags), "%sMF", *flags ? "DF," : "");
	json_object_set_new(ip, "flags", json_string(flags));
	json_object_set_new(ip, "frag_offset", json_integer((off & 0x1fff) * 8));
	json_object_set_new(ip, "ttl", json_integer(b.p[8]));
	json_object_set_new(ip, "proto", json_integer(b.p[9]));
	json_object_set_new(ip, "checksum", json_integer(tk_be16(b.p + 10)));
	json_object_set_new(ip, "src", tk_dec_ip4(b.p + 12));
	json_object_set_new(ip, "dst", tk_dec_ip4(b.p + 16));
	if (ihl < 20 || tot < ihl) { /* a header that lies: stop, never misread */
		json_object_set_new(ip, "bad_length", json_true());
		json_object_set_new(pkt, "ip", ip);
		return;
	}
	if (b.n < ihl)
		return (void)tk_dec_cut(pkt, "ip", ip);
	json_object_set_new(pkt, "ip", ip);
	tk_skip(&b, ihl);
	if (b.n > tot - ihl)
		b.n = tot - ihl; /* Ethernet padding is not payload */
	if (off & 0x1fff) { /* a later fragment: no transport header here */
		json_object_set_new(pkt, "payload", json_pack("{s:i}", "len", (int)(tot - ihl)));
		return;
	}
	tk_dec_l4(pkt, proto, b, false);
}

static bool ext_header(int nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

static const char *ext_name(int nh)
{
	return nh == 0 ? "hop_by_hop" : nh == 43 ? "routing" : nh == 44 ? "fragment" : "dst_opts";
}

void tk_dec_ipv6(json_t *pkt, struct tk_buf b)
{
	json_t *ip = json_object(), *exts = NULL;
	unsigned plen;
	int nh;
	bool later_fragment = false;

	if (b.n < 40)
		return (void)tk_dec_cut(pkt, "ipv6", ip);
	plen = tk_be16(b.p + 4);
	nh = b.p[6];
	json_object_set_new(ip, "version", json_integer(b.p[0] >> 4));
	json_object_set_new(ip, "tclass", json_integer((tk_be16(b.p) >> 4) & 0xff));
	json_object_set_new(ip, "flow", json_integer(tk_be32(b.p) & 0xfffff));
	json_object_set_new(ip, "plen", json_integer(plen));
	json_object_set_new(ip, "nxt", json_integer(nh));
	json_object_set_new(ip, "hlim", json_integer(b.p[7]));
	json_object_set_new(ip, "src", tk_dec_ip6(b.p + 8));
	json_object_set_new(ip, "dst", tk_dec_ip6(b.p + 24));
	tk_skip(&b, 40);
	if (b.n > plen)
		b.n = plen;
	/* extension headers, bounded: 8 of them at most */
	for (int i = 0; ext_header(nh) && i < 8; i++) {
		size_t hl = nh == 44 ? 8 : b.n >= 2 ? (b.p[1] + 1u) * 8 : 8;

		if (!exts)
			exts = json_array();
		if (b.n < 2 || b.n < hl) {
			json_array_append_new(exts, json_pack("{s:s,s:b}", "type", ext_name(nh),
							       "truncated", 1));
			json_object_set_new(ip, "ext", exts);
			return (void)tk_dec_cut(pkt, "ipv6", ip);
		}
		if (nh == 44) {
			unsigned fo = tk_be16(b.p + 2);

			json_array_append_new(exts, json_pack("{s:s,s:i,s:b,s:I}", "type", "fragment",
				"offset", (int)(fo & 0xfff8), "more", fo & 1, "id",
				(json_int_t)tk_be32(b.p + 4)));
			later_fragment = (fo & 0xfff8) != 0;
		} else {
			json_array_append_new(exts, json_pack("{s:s,s:i}", "type", ext_name(nh),
							       "len", (int)hl));
		}
		nh = b.p[0];
		tk_skip(&b, hl);
	}
	if (exts)
		json_object_set_new(ip, "ext", exts);
	json_object_set_new(pkt, "ipv6", ip);
	if (later_fragment || ext_header(nh)) {
		json_object_set_new(pkt, "payload", json_pack("{s:I}", "len", (json_int_t)b.n));
		return;
	}
	tk_dec_l4(pkt, nh, b, true);
}
