/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet decoder: bytes in, json_t out.  Pure code (no I/O), never
 * reads past the captured length, and fuzzed.  Text is rendered from the
 * json_t (format.c), so the text and -j views of a packet cannot disagree.
 */
#ifndef TK_DECODE_H
#define TK_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

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
 * Decodes one packet of caplen captured bytes (len on the wire).  Returns a
 * new object with one member per layer in order ("vnet_hdr", "pi", "eth",
 * "vlan" (array), "arp", "ip", "ipv6", "icmp", "icmpv6", "tcp", "udp",
 * "payload"); a layer cut short has "truncated": true and ends decoding;
 * an unknown protocol is {"unknown": {"layer", "proto", "len"}}.  The
 * caller owns the result; NULL only without memory.  Never prints.
 */
json_t *tk_dec_packet(const uint8_t *p, size_t caplen, size_t len, enum tk_dec_link link,
		      const struct tk_dec_opts *o);

#define TK_DEC_FMT_LINK 1 /* -e: the link-level header too */

/* A tcpdump-like one-line summary of a decoded packet; malloc'd. */
char *tk_dec_format(const json_t *pkt, unsigned flags);
/* tcpdump -X style lines of hex and ASCII; malloc'd. */
char *tk_dec_hexdump(const uint8_t *p, size_t len);

#endif
