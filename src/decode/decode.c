/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoder's entry: the prefixes a program behind /dev/net/tun sees
 * (packet information, then the virtio-net header), Ethernet with 802.1Q/802.1ad
 * tags, and ARP.  Every read is checked against what was captured.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dec-util.h"
#include "decode.h"

json_t *tk_dec_mac(const uint8_t *p)
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
	return json_string(s);
}

json_t *tk_dec_ip4(const uint8_t *p)
{
	char s[INET_ADDRSTRLEN];

	return json_string(inet_ntop(AF_INET, p, s, sizeof(s)));
}

json_t *tk_dec_ip6(const uint8_t *p)
{
	char s[INET6_ADDRSTRLEN];

	return json_string(inet_ntop(AF_INET6, p, s, sizeof(s)));
}

bool tk_dec_cut(json_t *pkt, const char *key, json_t *obj)
{
	json_object_set_new(obj, "truncated", json_true());
	json_object_set_new(pkt, key, obj);
	return false;
}

static void unknown(json_t *pkt, const char *layer, unsigned proto, size_t len)
{
	json_object_set_new(pkt, "unknown", json_pack("{s:s,s:i,s:I}", "layer", layer, "proto",
						      (int)proto, "len", (json_int_t)len));
}

void tk_dec_by_ethertype(json_t *pkt, uint16_t type, struct tk_buf b)
{
	switch (type) {
	case 0x0800: tk_dec_ipv4(pkt, b); break;
	case 0x86dd: tk_dec_ipv6(pkt, b); break;
	case 0x0806: tk_dec_arp(pkt, b); break;
	default: unknown(pkt, "ethertype", type, b.n);
	}
}

void tk_dec_ether(json_t *pkt, struct tk_buf b)
{
	json_t *eth = json_object(), *vlans = NULL;
	uint16_t type;

	if (b.n < 14) {
		tk_dec_cut(pkt, "eth", eth);
		return;
	}
	json_object_set_new(eth, "dst", tk_dec_mac(b.p));
	json_object_set_new(eth, "src", tk_dec_mac(b.p + 6));
	type = tk_be16(b.p + 12);
	tk_skip(&b, 14);
	/* 802.1Q / 802.1ad tags, stacked; at most 8 (no real frame has more) */
	for (int depth = 0; (type == 0x8100 || type == 0x88a8) && depth < 8; depth++) {
		uint16_t tci;

		if (!vlans)
			vlans = json_array();
		if (b.n < 4) {
			json_object_set_new(eth, "type", json_integer(type));
			json_object_set_new(pkt, "eth", eth);
			json_array_append_new(vlans, json_pack("{s:b}", "truncated", 1));
			json_object_set_new(pkt, "vlan", vlans);
			return;
		}
		tci = tk_be16(b.p);
		json_array_append_new(vlans, json_pack("{s:i,s:i,s:i,s:i}", "tpid", type, "id",
						       tci & 0xfff, "priority", tci >> 13, "dei",
						       (tci >> 12) & 1));
		type = tk_be16(b.p + 2);
		tk_skip(&b, 4);
	}
	json_object_set_new(eth, "type", json_integer(type));
	json_object_set_new(pkt, "eth", eth);
	if (vlans)
		json_object_set_new(pkt, "vlan", vlans);
	if (type < 0x0600) { /* 802.3 length field: LLC, not decoded */
		unknown(pkt, "llc", type, b.n);
		return;
	}
	tk_dec_by_ethertype(pkt, type, b);
}

void tk_dec_arp(json_t *pkt, struct tk_buf b)
{
	json_t *arp = json_object();
	uint16_t op;

	if (b.n < 8)
		return (void)tk_dec_cut(pkt, "arp", arp);
	op = tk_be16(b.p + 6);
	json_object_set_new(arp, "hw_type", json_integer(tk_be16(b.p)));
	json_object_set_new(arp, "proto_type", json_integer(tk_be16(b.p + 2)));
	json_object_set_new(arp, "opcode", json_integer(op));
	/* only Ethernet + IPv4 addresses are read; others are shown as such */
	if (tk_be16(b.p) != 1 || tk_be16(b.p + 2) != 0x0800 || b.p[4] != 6 || b.p[5] != 4) {
		json_object_set_new(arp, "unsupported", json_true());
		json_object_set_new(pkt, "arp", arp);
		return;
	}
	if (b.n < 28)
		return (void)tk_dec_cut(pkt, "arp", arp);
	json_object_set_new(arp, "src_hw_mac", tk_dec_mac(b.p + 8));
	json_object_set_new(arp, "src_proto_ipv4", tk_dec_ip4(b.p + 14));
	json_object_set_new(arp, "dst_hw_mac", tk_dec_mac(b.p + 18));
	json_object_set_new(arp, "dst_proto_ipv4", tk_dec_ip4(b.p + 24));
	json_object_set_new(pkt, "arp", arp);
}

static void raw(json_t *pkt, struct tk_buf b)
{
	if (!b.n) {
		unknown(pkt, "ip", 0, 0);
		return;
	}
	if (b.p[0] >> 4 == 4)
		tk_dec_ipv4(pkt, b);
	else if (b.p[0] >> 4 == 6)
		tk_dec_ipv6(pkt, b);
	else
		unknown(pkt, "ip", b.p[0] >> 4, b.n);
}

/* struct tun_pi: flags and protocol, big-endian; false when cut short */
static bool pi(json_t *pkt, struct tk_buf *b, uint16_t *proto)
{
	json_t *o = json_object();

	if (b->n < 4)
		return tk_dec_cut(pkt, "pi", o);
	*proto = tk_be16(b->p + 2);
	json_object_set_new(o, "flags", json_integer(tk_be16(b->p)));
	json_object_set_new(o, "proto", json_integer(*proto));
	json_object_set_new(pkt, "pi", o);
	tk_skip(b, 4);
	return true;
}

/* What follows the prefixes; proto is the tun_pi's for TK_DEC_LINK_TUN_PI. */
static void link(json_t *pkt, struct tk_buf b, enum tk_dec_link l, uint16_t proto)
{
	switch (l) {
	case TK_DEC_LINK_ETHER:
	case TK_DEC_LINK_TAP_PI:
		tk_dec_ether(pkt, b);
		return;
	case TK_DEC_LINK_RAW:
		raw(pkt, b);
		return;
	case TK_DEC_LINK_TUN_PI:
		/* a tun carries what proto says (0x6558: Ethernet) */
		if (proto == 0x6558 || !b.n)
			tk_dec_ether(pkt, b);
		else
			tk_dec_by_ethertype(pkt, proto, b);
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

static bool vnet(json_t *pkt, struct tk_buf *b, unsigned hlen)
{
	json_t *v = json_object();

	if (b->n < hlen)
		return tk_dec_cut(pkt, "vnet_hdr", v);
	/* struct virtio_net_hdr: little-endian fields on x86 (the tun default) */
	json_object_set_new(v, "flags", json_integer(b->p[0]));
	json_object_set_new(v, "gso_type", json_string(gso_name(b->p[1])));
	json_object_set_new(v, "ecn", json_boolean(b->p[1] & 0x80));
	json_object_set_new(v, "hdr_len", json_integer(b->p[2] | b->p[3] << 8));
	json_object_set_new(v, "gso_size", json_integer(b->p[4] | b->p[5] << 8));
	json_object_set_new(v, "csum_start", json_integer(b->p[6] | b->p[7] << 8));
	json_object_set_new(v, "csum_offset", json_integer(b->p[8] | b->p[9] << 8));
	if (hlen >= 12)
		json_object_set_new(v, "num_buffers", json_integer(b->p[10] | b->p[11] << 8));
	json_object_set_new(pkt, "vnet_hdr", v);
	tk_skip(b, hlen);
	return true;
}

json_t *tk_dec_packet(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link l,
		      const struct tk_dec_opts *o)
{
	json_t *pkt = json_object();
	struct tk_buf b = { p, caplen };

	uint16_t proto = 0;

	if (!pkt)
		return NULL;
	/* the kernel writes the tun_pi first, then the virtio-net header */
	if ((l == TK_DEC_LINK_TUN_PI || l == TK_DEC_LINK_TAP_PI) && !pi(pkt, &b, &proto))
		return pkt;
	if (o && o->vnet_hdr_len && !vnet(pkt, &b, o->vnet_hdr_len >= 12 ? 12 : 10))
		return pkt;
	link(pkt, b, l, proto);
	(void)len;
	return pkt;
}
