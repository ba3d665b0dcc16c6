/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet decoder: bytes in, a small tree out (rec.h), no malloc per
 * packet.  Pure code (no I/O), never reads past the captured length, and
 * fuzzed.  The text is rendered from the tree (format.c) and -j is the
 * same tree as json_t, so the two views of a packet cannot disagree.
 */
#ifndef TK_DECODE_H
#define TK_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/rec.h"

enum tk_dec_link {
	TK_DEC_LINK_ETHER, /* Ethernet II (tap, veth, bridge) */
	TK_DEC_LINK_RAW,   /* IPv4 or IPv6 by the version nibble (tun) */
	TK_DEC_LINK_TUN_PI, /* struct tun_pi (4 bytes), then by its protocol (a tun) */
	TK_DEC_LINK_TAP_PI  /* struct tun_pi, then Ethernet: a tap's proto is the
			     * frame's ethertype, not 0x6558 */
};

struct tk_dec_opts {
	unsigned vnet_hdr_len; /* 0, 10 or 12: a virtio-net header comes first
				* (after the tun_pi, as the kernel writes them) */
};

/*
 * Decodes one packet of caplen captured bytes (len on the wire) into r
 * (emptied first); node 0 is the packet, an object with one member per
 * layer in order ("vnet_hdr", "pi", "eth", "vlan" (array), "arp", "ip",
 * "ipv6", "icmp", "icmpv6", "tcp", "udp", "payload"); a layer cut short has
 * "truncated": true and ends decoding; an unknown protocol is
 * {"unknown": {"layer", "proto", "len"}}.  Never prints.
 */
void tk_dec_rec(struct tk_rec *r, const uint8_t *p, size_t caplen, size_t len,
		enum tk_dec_link link, const struct tk_dec_opts *o);
/* The same as a new json_t (-j); NULL only without memory. */
json_t *tk_dec_packet(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link link,
		      const struct tk_dec_opts *o);

#define TK_DEC_FMT_LINK 1 /* -e: the link-level header too */

/* Text, in a buffer kept from packet to packet (free(s) when done). */
struct tk_dec_buf {
	char *s;
	size_t len, cap;
};

/* A tcpdump-like one-line summary of decoded packet r, in b; returns b->s
 * ("" without memory). */
const char *tk_dec_format(const struct tk_rec *r, unsigned flags, struct tk_dec_buf *b);
/* Decodes and renders one packet: malloc'd text (NULL without memory). */
char *tk_dec_text(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link link,
		  const struct tk_dec_opts *o, unsigned flags);
/* tcpdump -X style lines of hex and ASCII; malloc'd. */
char *tk_dec_hexdump(const uint8_t *p, size_t len);

#endif
