/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded reads for the decoder's layers (shared by the files of decode/ only).
 */
#ifndef TK_DEC_UTIL_H
#define TK_DEC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec.h"

/* What is left of the packet: p[0..n) captured, wire bytes claimed. */
struct tk_buf {
	const uint8_t *p;
	size_t n;
};

static inline uint16_t tk_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tk_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Advances b by k bytes (k <= b->n). */
static inline void tk_skip(struct tk_buf *b, size_t k)
{
	b->p += k;
	b->n -= k;
}

/* Strings of addresses, as new nodes of r. */
int tk_dec_mac(struct tk_rec *r, const uint8_t *p);
int tk_dec_ip4(struct tk_rec *r, const uint8_t *p);
int tk_dec_ip6(struct tk_rec *r, const uint8_t *p);
/* Marks layer obj truncated, adds it to pkt under key, returns false. */
bool tk_dec_cut(struct tk_rec *r, int pkt, const char *key, int obj);
/* pkt's "unknown": {layer, proto, len} */
void tk_dec_unknown(struct tk_rec *r, int pkt, const char *layer, unsigned proto, size_t len);

/* Layers: each adds its member(s) to pkt and decodes what it carries. */
void tk_dec_ether(struct tk_rec *r, int pkt, struct tk_buf b);
void tk_dec_by_ethertype(struct tk_rec *r, int pkt, uint16_t type, struct tk_buf b);
void tk_dec_arp(struct tk_rec *r, int pkt, struct tk_buf b);
void tk_dec_ipv4(struct tk_rec *r, int pkt, struct tk_buf b);
void tk_dec_ipv6(struct tk_rec *r, int pkt, struct tk_buf b);
void tk_dec_l4(struct tk_rec *r, int pkt, int proto, struct tk_buf b, bool v6);

#endif
