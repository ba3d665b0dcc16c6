/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for a hub's allowed addresses: what a peer's packet says about itself
 * (tk_aips_packet, on bytes an authenticated peer chose) and the longest-prefix table the
 * hub routes with.  The input is a count byte n (at most 16), n prefixes of 19 bytes
 * (family bit, length, owner, 16 address bytes), then a packet.  The table is built from
 * the prefixes; every answer of tk_aips_lookup and tk_aips_allows for the packet's
 * addresses must equal a plain scan of the list, the addresses must lie inside the packet,
 * and a list the table refuses must have a reason the scan sees too.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/allowedips.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX_LEN 19

/* whether the first plen bits of a and b agree */
static int same_bits(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full))
		return 0;
	return !rest || !((a[full] ^ b[full]) & (0xff << (8 - rest)));
}

/* the reference: the owner of the longest matching prefix, by a scan; -1 for none */
static long scan(const struct tk_aip *l, size_t n, int family, const uint8_t *addr)
{
	long owner = -1;
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (l[i].family == family && (int)l[i].plen > best &&
		    same_bits(l[i].addr, addr, l[i].plen)) {
			best = (int)l[i].plen;
			owner = l[i].owner;
		}
	return owner;
}

/* whether two owners hold the same prefix: the table must refuse the list then */
static int clashes(const struct tk_aip *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (l[i].family == l[j].family && l[i].plen == l[j].plen &&
			    l[i].owner != l[j].owner && same_bits(l[i].addr, l[j].addr, l[i].plen))
				return 1;
	return 0;
}

static void check(const struct tk_aips *a, const struct tk_aip *l, size_t n, int family,
		  const uint8_t *addr)
{
	long want = scan(l, n, family, addr);
	uint32_t owner;
	int r = tk_aips_lookup(a, family, addr, &owner);

	if (want < 0 ? r != -ENOENT : r != 0 || owner != (uint32_t)want)
		abort();
	for (uint32_t o = 0; o < 4; o++)
		if (!!tk_aips_allows(a, o, family, addr) != (want == (long)o))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_aip l[16];
	struct tk_aips a;
	const uint8_t *pkt, *src, *dst;
	size_t n, len, clash;
	int family, r;

	if (size < 1)
		return 0;
	n = data[0] % 17;
	if (size < 1 + n * PREFIX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = data + 1 + i * PREFIX_LEN;

		l[i].family = p[0] & 1 ? AF_INET6 : AF_INET;
		l[i].plen = p[1] % (l[i].family == AF_INET ? 33 : 129);
		l[i].owner = p[2] % 4;
		memset(l[i].addr, 0, sizeof(l[i].addr));
		memcpy(l[i].addr, p + 3, l[i].family == AF_INET ? 4 : 16);
	}
	pkt = data + 1 + n * PREFIX_LEN;
	len = size - 1 - n * PREFIX_LEN;

	r = tk_aips_packet(pkt, len, &family, &src, &dst);
	if (r == 0) {
		size_t alen = family == AF_INET ? 4 : 16;

		if ((family != AF_INET && family != AF_INET6) || src < pkt || dst < pkt ||
		    src + alen > pkt + len || dst + alen > pkt + len)
			abort();
	} else if (r != -EINVAL) {
		abort();
	}

	r = tk_aips_build(&a, l, n, &clash);
	if (r == -EEXIST) {
		if (!clashes(l, n) || clash >= n)
			abort();
		return 0;
	}
	if (r || clashes(l, n))
		abort();
	if (tk_aips_packet(pkt, len, &family, &src, &dst) == 0) {
		check(&a, l, n, family, src);
		check(&a, l, n, family, dst);
	}
	/* and the prefixes' own addresses, the edges of the table */
	for (size_t i = 0; i < n; i++)
		check(&a, l, n, l[i].family, l[i].addr);
	tk_aips_free(&a);
	return 0;
}
