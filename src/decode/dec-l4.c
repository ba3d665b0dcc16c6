/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ICMP, ICMPv6 (echo, unreachable, neighbour discovery), TCP and UDP.
 */
#include <string.h>

#include "dec-util.h"

static void icmp(struct tk_rec *r, int pkt, struct tk_buf b, bool v6)
{
	const char *key = v6 ? "icmpv6" : "icmp";
	int o = tk_rec_obj(r);
	int type, code;

	if (b.n < 4)
		return (void)tk_dec_cut(r, pkt, key, o);
	type = b.p[0];
	code = b.p[1];
	tk_rec_set_int(r, o, "type", type);
	tk_rec_set_int(r, o, "code", code);
	tk_rec_set_int(r, o, "checksum", tk_be16(b.p + 2));
	tk_rec_set_int(r, o, "len", (long long)b.n);
	if ((!v6 && (type == 0 || type == 8)) || (v6 && (type == 128 || type == 129))) {
		if (b.n < 8)
			return (void)tk_dec_cut(r, pkt, key, o);
		tk_rec_set_int(r, o, "ident", tk_be16(b.p + 4));
		tk_rec_set_int(r, o, "seq", tk_be16(b.p + 6));
	} else if (v6 && (type == 135 || type == 136 || type == 137)) {
		if (b.n < 24)
			return (void)tk_dec_cut(r, pkt, key, o);
		tk_rec_set(r, o, "target", tk_dec_ip6(r, b.p + 8));
	}
	tk_rec_set(r, pkt, key, o);
}

static void flags_str(unsigned f, char out[16])
{
	static const struct {
		unsigned bit;
		char c;
	} map[] = { { 0x02, 'S' }, { 0x01, 'F' }, { 0x04, 'R' }, { 0x08, 'P' },
		    { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' }, { 0x10, '.' } };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].bit)
			out[n++] = map[i].c;
	out[n] = '\0';
}

static void tcp(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int o = tk_rec_obj(r);
	unsigned doff;
	char fl[16];

	if (b.n < 20)
		return (void)tk_dec_cut(r, pkt, "tcp", o);
	doff = (b.p[12] >> 4) * 4u;
	flags_str(b.p[13], fl);
	tk_rec_set_int(r, o, "srcport", tk_be16(b.p));
	tk_rec_set_int(r, o, "dstport", tk_be16(b.p + 2));
	tk_rec_set_int(r, o, "seq", tk_be32(b.p + 4));
	tk_rec_set_int(r, o, "ack", tk_be32(b.p + 8));
	tk_rec_set_int(r, o, "hdr_len", doff);
	tk_rec_set_str(r, o, "flags", fl);
	tk_rec_set_int(r, o, "window_size", tk_be16(b.p + 14));
	tk_rec_set_int(r, o, "checksum", tk_be16(b.p + 16));
	if (doff < 20) {
		tk_rec_set_bool(r, o, "bad_length", true);
		tk_rec_set(r, pkt, "tcp", o);
		return;
	}
	if (b.n < doff)
		return (void)tk_dec_cut(r, pkt, "tcp", o);
	tk_rec_set_int(r, o, "options_len", doff - 20);
	tk_rec_set_int(r, o, "len", (long long)(b.n - doff));
	tk_rec_set(r, pkt, "tcp", o);
}

static void udp(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int o = tk_rec_obj(r);
	unsigned ulen;

	if (b.n < 8)
		return (void)tk_dec_cut(r, pkt, "udp", o);
	ulen = tk_be16(b.p + 4);
	tk_rec_set_int(r, o, "srcport", tk_be16(b.p));
	tk_rec_set_int(r, o, "dstport", tk_be16(b.p + 2));
	tk_rec_set_int(r, o, "length", ulen);
	tk_rec_set_int(r, o, "checksum", tk_be16(b.p + 6));
	if (ulen < 8)
		tk_rec_set_bool(r, o, "bad_length", true);
	tk_rec_set(r, pkt, "udp", o);
}

void tk_dec_l4(struct tk_rec *r, int pkt, int proto, struct tk_buf b, bool v6)
{
	switch (proto) {
	case 1:
		if (!v6)
			return icmp(r, pkt, b, false);
		break;
	case 58:
		if (v6)
			return icmp(r, pkt, b, true);
		break;
	case 6:
		return tcp(r, pkt, b);
	case 17:
		return udp(r, pkt, b);
	}
	tk_dec_unknown(r, pkt, "ip", (unsigned)proto, b.n);
}
