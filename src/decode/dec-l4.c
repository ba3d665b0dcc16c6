/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ICMP, ICMPv6 (echo, unreachable, neighbour discovery), TCP and UDP.
 */
#include <string.h>

#include "dec-util.h"

static void icmp(json_t *pkt, struct tk_buf b, bool v6)
{
	const char *key = v6 ? "icmpv6" : "icmp";
	json_t *o = json_object();
	int type, code;

	if (b.n < 4)
		return (void)tk_dec_cut(pkt, key, o);
	type = b.p[0];
	code = b.p[1];
	json_object_set_new(o, "type", json_integer(type));
	json_object_set_new(o, "code", json_integer(code));
	json_object_set_new(o, "checksum", json_integer(tk_be16(b.p + 2)));
	json_object_set_new(o, "len", json_integer((json_int_t)b.n));
	if ((!v6 && (type == 0 || type == 8)) || (v6 && (type == 128 || type == 129))) {
		if (b.n < 8)
			return (void)tk_dec_cut(pkt, key, o);
		json_object_set_new(o, "ident", json_integer(tk_be16(b.p + 4)));
		json_object_set_new(o, "seq", json_integer(tk_be16(b.p + 6)));
	} else if (v6 && (type == 135 || type == 136 || type == 137)) {
		if (b.n < 24)
			return (void)tk_dec_cut(pkt, key, o);
		json_object_set_new(o, "target", tk_dec_ip6(b.p + 8));
	}
	json_object_set_new(pkt, key, o);
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

static void tcp(json_t *pkt, struct tk_buf b)
{
	json_t *o = json_object();
	unsigned doff;
	char fl[16];

	if (b.n < 20)
		return (void)tk_dec_cut(pkt, "tcp", o);
	doff = (b.p[12] >> 4) * 4u;
	flags_str(b.p[13], fl);
	json_object_set_new(o, "srcport", json_integer(tk_be16(b.p)));
	json_object_set_new(o, "dstport", json_integer(tk_be16(b.p + 2)));
	json_object_set_new(o, "seq", json_integer(tk_be32(b.p + 4)));
	json_object_set_new(o, "ack", json_integer(tk_be32(b.p + 8)));
	json_object_set_new(o, "hdr_len", json_integer(doff));
	json_object_set_new(o, "flags", json_string(fl));
	json_object_set_new(o, "window_size", json_integer(tk_be16(b.p + 14)));
	json_object_set_new(o, "checksum", json_integer(tk_be16(b.p + 16)));
	if (doff < 20) {
		json_object_set_new(o, "bad_length", json_true());
		json_object_set_new(pkt, "tcp", o);
		return;
	}
	if (b.n < doff)
		return (void)tk_dec_cut(pkt, "tcp", o);
	json_object_set_new(o, "options_len", json_integer(doff - 20));
	json_object_set_new(o, "len", json_integer((json_int_t)(b.n - doff)));
	json_object_set_new(pkt, "tcp", o);
}

static void udp(json_t *pkt, struct tk_buf b)
{
	json_t *o = json_object();
	unsigned ulen;

	if (b.n < 8)
		return (void)tk_dec_cut(pkt, "udp", o);
	ulen = tk_be16(b.p + 4);
	json_object_set_new(o, "srcport", json_integer(tk_be16(b.p)));
	json_object_set_new(o, "dstport", json_integer(tk_be16(b.p + 2)));
	json_object_set_new(o, "length", json_integer(ulen));
	json_object_set_new(o, "checksum", json_integer(tk_be16(b.p + 6)));
	if (ulen < 8)
		json_object_set_new(o, "bad_length", json_true());
	json_object_set_new(pkt, "udp", o);
}

void tk_dec_l4(json_t *pkt, int proto, struct tk_buf b, bool v6)
{
	switch (proto) {
	case 1:
		if (!v6)
			return icmp(pkt, b, false);
		break;
	case 58:
		if (v6)
			return icmp(pkt, b, true);
		break;
	case 6:
		return tcp(pkt, b);
	case 17:
		return udp(pkt, b);
	}
	json_object_set_new(pkt, "unknown", json_pack("{s:s,s:i,s:I}", "layer", "ip", "proto",
						      proto, "len", (json_int_t)b.n));
}
