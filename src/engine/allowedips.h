/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Allowed addresses: IPv4 and IPv6 prefixes, each owned by one peer (a number), and the
 * longest-prefix match of an address.  A hub sends a packet to the peer whose prefixes hold
 * its destination, and takes a packet from a peer only when its source is one of the peer's.
 *
 * Built once from a list and read-only after (a peer set is replaced whole when peers
 * change), so lookups take no lock.  Entries are grouped by prefix length, longest first,
 * each group sorted by address: a lookup is a binary search per prefix length in use (one
 * or two for a typical hub, /32s and a /24).  Pure code: no I/O, never prints.
 */
#ifndef TK_ENGINE_ALLOWEDIPS_H
#define TK_ENGINE_ALLOWEDIPS_H

#include <stddef.h>
#include <stdint.h>

struct tk_aip {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* the prefix; bits past plen are ignored */
	unsigned plen;	  /* 0..32 or 0..128 */
	uint32_t owner;	  /* the peer's number */
};

struct tk_aips {
	struct tk_aip *v4, *v6; /* sorted: plen descending, then address; host bits zero */
	size_t n4, n6;
};

/*
 * Builds the table from n prefixes (copied).  Returns 0; -EINVAL for a bad family or
 * length; -EEXIST when one prefix is given to two owners (*clash, if not NULL, gets the
 * index in list of the second); -ENOMEM.  The same prefix twice for one owner is kept once.
 */
int tk_aips_build(struct tk_aips *a, const struct tk_aip *list, size_t n, size_t *clash);
void tk_aips_free(struct tk_aips *a);

/* The owner of the longest prefix holding addr (4 or 16 bytes): 0 and *owner, or -ENOENT. */
int tk_aips_lookup(const struct tk_aips *a, int family, const uint8_t *addr, uint32_t *owner);

/* Whether addr is inside one of owner's prefixes: the longest match must be owner's. */
int tk_aips_allows(const struct tk_aips *a, uint32_t owner, int family, const uint8_t *addr);

/*
 * The addresses of an IP packet (version from its first nibble): 0 with *family, *src, *dst
 * pointing into pkt; -EINVAL when it is too short or not IPv4/IPv6.
 */
int tk_aips_packet(const uint8_t *pkt, size_t len, int *family, const uint8_t **src,
		   const uint8_t **dst);

#endif
