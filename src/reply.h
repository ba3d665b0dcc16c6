/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Answers built in userspace for dump --attach --reply: ARP requests,
 * IPv6 neighbour solicitations, and ICMP / ICMPv6 echo requests for a set of
 * addresses.  Pure: bytes in, bytes out, checksums computed; no I/O, no
 * printing; never reads past len.
 */
#ifndef TK_REPLY_H
#define TK_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_reply_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct tk_reply_cfg {
	bool ether;     /* frames start with an Ethernet header (tap), else raw IP (tun) */
	uint8_t mac[6]; /* the answering MAC on a tap */
	const struct tk_reply_addr *addrs;
	size_t naddrs;
};

/*
 * If the frame in[0..len) asks something of one of cfg's addresses, writes
 * the answer to out (outsz bytes) and returns its length; otherwise (or if
 * out is too small) returns 0.
 */
size_t tk_reply(
        const struct tk_reply_cfg *cfg, const uint8_t *in, size_t len, uint8_t *out, size_t outsz);

/* The Internet checksum of buf, starting from the partial sum sum (host order result). */
uint16_t tk_reply_csum(const uint8_t *buf, size_t len, uint32_t sum);

#endif
