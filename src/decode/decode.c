/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoder's entry: the prefixes a program behind /dev/net/tun sees
 * (packet information, then the virtio-net header), Ethernet with 802.1Q/802.1ad
 * tags, and ARP.  Every read is checked against what was captured.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec-util.h"
#include "decode.h"

int tk_dec_mac(struct tk_rec *r, const uint8_t *p)
{
	static const char hex[] = "0123456789abcdef";
	char s[18];

	for (int i = 0; i < 6; i++) {
		s[i * 3] = hex[p[i] >> 4];
		s[i * 3 + 1] = hex[p[i] & 15];
		s[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	return tk_rec_str(r, s);
}

int tk_dec_ip4(struct tk_rec *r, const uint8_t *p)
{
	char s[INET_ADDRSTRLEN];

	return tk_rec_str(r, inet_ntop(AF_INET, p, s, sizeof(s)));
}

int tk_dec_ip6(struct tk_rec *r, const uint8_t *p)
{
	char s[INET6_ADDRSTRLEN];

	return tk_rec_str(r, inet_ntop(AF_INET6, p, s, sizeof(s)));
}

bool tk_dec_cut(struct tk_rec *r, int pkt, const char *key, int obj)
{
	tk_rec_set_bool(r, obj, "truncated", true);
	tk_rec_set(r, pkt, key, obj);
	return false;
}

void tk_dec_unknown(struct tk_rec *r, int pkt, const char *layer, unsigned proto, size_t len)
{
	int o = tk_rec_obj(r);

	tk_rec_set_str(r, o, "layer", layer);
	tk_rec_set_int(r, o, "proto", (int)proto);
	tk_rec_set_int(r, o, "len", (long long)len);
	tk_rec_set(r, pkt, "unknown", o);
}

void tk_dec_by_ethertype(struct tk_rec *r, int pkt, uint16_t type, struct tk_buf b)
{
	switch (type) {
	case 0x0800: tk_dec_ipv4(r, pkt, b); break;
	case 0x86dd: tk_dec_ipv6(r, pkt, b); break;
	case 0x0806: tk_dec_arp(r, pkt, b); break;
	default: tk_dec_unknown(r, pkt, "ethertype", type, b.n);
	}
}

void tk_dec_ether(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int eth = tk_rec_obj(r), vlans = -1;
	uint16_t type;

	if (b.n < 14) {
		tk_dec_cut(r, pkt, "eth", eth);
		return;
	}
	tk_rec_set(r, eth, "dst", tk_dec_mac(r, b.p));
	tk_rec_set(r, eth, "src", tk_dec_mac(r, b.p + 6));
	type = tk_be16(b.p + 12);
	tk_skip(&b, 14);
	/* 802.1Q / 802.1ad tags, stacked; at most 8 (no real frame has more) */
	for (int depth = 0; (type == 0x8100 || type == 0x88a8) && depth < 8; depth++) {
		uint16_t tci;
		int v;

		if (vlans < 0)
			vlans = tk_rec_arr(r);
		v = tk_rec_obj(r);
		if (b.n < 4) {
			tk_rec_set_int(r, eth, "type", type);
			tk_rec_set(r, pkt, "eth", eth);
			tk_rec_set_bool(r, v, "truncated", true);
			tk_rec_append(r, vlans, v);
			tk_rec_set(r, pkt, "vlan", vlans);
			return;
		}
		tci = tk_be16(b.p);
		tk_rec_set_int(r, v, "tpid", type);
		tk_rec_set_int(r, v, "id", tci & 0xfff);
		tk_rec_set_int(r, v, "priority", tci >> 13);
		tk_rec_set_int(r, v, "dei", (tci >> 12) & 1);
		tk_rec_append(r, vlans, v);
		type = tk_be16(b.p + 2);
		tk_skip(&b, 4);
	}
	tk_rec_set_int(r, eth, "type", type);
	tk_rec_set(r, pkt, "eth", eth);
	if (vlans >= 0)
		tk_rec_set(r, pkt, "vlan", vlans);
	if (type < 0x0600) { /* 802.3 length field: LLC, not decoded */
		tk_dec_unknown(r, pkt, "llc", type, b.n);
		return;
	}
	tk_dec_by_ethertype(r, pkt, type, b);
}

void tk_dec_arp(struct tk_rec *r, int pkt, struct tk_buf b)
{
	int arp = tk_rec_obj(r);
	uint16_t op;

	if (b.n < 8)
		return (void)tk_dec_cut(r, pkt, "arp", arp);
	op = tk_be16(b.p + 6);
	tk_rec_set_int(r, arp, "hw_type", tk_be16(b.p));
	tk_rec_set_int(r, arp, "proto_type", tk_be16(b.p + 2));
	tk_rec_set_int(r, arp, "opcode", op);
	/* only Ethernet + IPv4 addresses are read; others are shown as such */
	if (tk_be16(b.p) != 1 || tk_be16(b.p + 2) != 0x0800 || b.p[4] != 6 || b.p[5] != 4) {
		tk_rec_set_bool(r, arp, "unsupported", true);
		tk_rec_set(r, pkt, "arp", arp);
		return;
	}
	if (b.n < 28)
		return (void)tk_dec_cut(r, pkt, "arp", arp);
	tk_rec_set(r, arp, "src_hw_mac", tk_dec_mac(r, b.p + 8));
	tk_rec_set(r, arp, "src_proto_ipv4", tk_dec_ip4(r, b.p + 14));
	tk_rec_set(r, arp, "dst_hw_mac", tk_dec_mac(r, b.p + 18));
	tk_rec_set(r, arp, "dst_proto_ipv4", tk_dec_ip4(r, b.p + 24));
	tk_rec_set(r, pkt, "arp", arp);
}

static void raw(struct tk_rec *r, int pkt, struct tk_buf b)
{
	if (!b.n) {
		tk_dec_unknown(r, pkt, "ip", 0, 0);
		return;
	}
	if (b.p[0] >> 4 == 4)
		tk_dec_ipv4(r, pkt, b);
	else if (b.p[0] >> 4 == 6)
		tk_dec_ipv6(r, pkt, b);
	else
		tk_dec_unknown(r, pkt, "ip", b.p[0] >> 4, b.n);
}

/* struct tun_pi: flags and protocol, big-endian; false when cut short */
static bool pi(struct tk_rec *r, int pkt, struct tk_buf *b, uint16_t *proto)
{
	int o = tk_rec_obj(r);

	if (b->n < 4)
		return tk_dec_cut(r, pkt, "pi", o);
	*proto = tk_be16(b->p + 2);
	tk_rec_set_int(r, o, "flags", tk_be16(b->p));
	tk_rec_set_int(r, o, "proto", *proto);
	tk_rec_set(r, pkt, "pi", o);
	tk_skip(b, 4);
	return true;
}

/* What follows the prefixes; proto is the tun_pi's for TK_DEC_LINK_TUN_PI. */
static void link(struct tk_rec *r, int pkt, struct tk_buf b, enum tk_dec_link l, uint16_t proto)
{
	switch (l) {
	case TK_DEC_LINK_ETHER:
	case TK_DEC_LINK_TAP_PI:
		tk_dec_ether(r, pkt, b);
		return;
	case TK_DEC_LINK_RAW:
		raw(r, pkt, b);
		return;
	case TK_DEC_LINK_TUN_PI:
		/* a tun carries what proto says (0x6558: Ethernet) */
		if (proto == 0x6558 || !b.n)
			tk_dec_ether(r, pkt, b);
		else
			tk_dec_by_ethertype(r, pkt, proto, b);
	}
}

static const char *gso_name(unsigned t)
{
	switch (t & 0x7f) {
	case 0: return "none";
	case 1: return "tcpv4";
	case 3: return "udp";
	case 4: return "tcpv6";
	case 5: return "udp_l4";
	default: return "unknown";
	}
}

static bool vnet(struct tk_rec *r, int pkt, struct tk_buf *b, unsigned hlen)
{
	int v = tk_rec_obj(r);

	if (b->n < hlen)
		return tk_dec_cut(r, pkt, "vnet_hdr", v);
	/* struct virtio_net_hdr: little-endian fields on x86 (the tun default) */
	tk_rec_set_int(r, v, "flags", b->p[0]);
	tk_rec_set_str(r, v, "gso_type", gso_name(b->p[1]));
	tk_rec_set_bool(r, v, "ecn", b->p[1] & 0x80);
	tk_rec_set_int(r, v, "hdr_len", b->p[2] | b->p[3] << 8);
	tk_rec_set_int(r, v, "gso_size", b->p[4] | b->p[5] << 8);
	tk_rec_set_int(r, v, "csum_start", b->p[6] | b->p[7] << 8);
	tk_rec_set_int(r, v, "csum_offset", b->p[8] | b->p[9] << 8);
	if (hlen >= 12)
		tk_rec_set_int(r, v, "num_buffers", b->p[10] | b->p[11] << 8);
	tk_rec_set(r, pkt, "vnet_hdr", v);
	tk_skip(b, hlen);
	return true;
}

void tk_dec_rec(struct tk_rec *r, const uint8_t *p, size_t caplen, size_t len,
		enum tk_dec_link l, const struct tk_dec_opts *o)
{
	struct tk_buf b = { p, caplen };
	uint16_t proto = 0;
	int pkt;

	tk_rec_reset(r);
	pkt = tk_rec_obj(r);
	(void)len;
	/* the kernel writes the tun_pi first, then the virtio-net header */
	if ((l == TK_DEC_LINK_TUN_PI || l == TK_DEC_LINK_TAP_PI) && !pi(r, pkt, &b, &proto))
		return;
	if (o && o->vnet_hdr_len && !vnet(r, pkt, &b, o->vnet_hdr_len >= 12 ? 12 : 10))
		return;
	link(r, pkt, b, l, proto);
}

json_t *tk_dec_packet(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link l,
		      const struct tk_dec_opts *o)
{
	struct tk_rec *r = malloc(sizeof(*r));
	json_t *j;

	if (!r)
		return NULL;
	tk_dec_rec(r, p, caplen, len, l, o);
	j = tk_rec_json(r, 0);
	free(r);
	return j;
}
