/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Allowed addresses (allowedips.h): a sorted array per family, grouped by prefix length
 * (longest first), binary search in each group.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/allowedips.h"

static size_t alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* addr with the bits past plen cleared, into out (16 bytes, the rest zero). */
static void mask(uint8_t out[16], const uint8_t *addr, size_t len, unsigned plen)
{
	memset(out, 0, 16);
	for (size_t i = 0; i < len && plen; i++) {
		unsigned keep = plen >= 8 ? 8 : plen;

		out[i] = (uint8_t)(addr[i] & (0xff00u >> keep));
		plen -= keep;
	}
}

/* An entry while the table is built: with its place in the caller's list, for errors. */
struct ent {
	struct tk_aip a;
	size_t from;
};

static int cmp(const void *x, const void *y)
{
	const struct ent *p = x, *q = y;
	int c;

	if (p->a.plen != q->a.plen)
		return p->a.plen > q->a.plen ? -1 : 1;
	c = memcmp(p->a.addr, q->a.addr, 16);
	if (c)
		return c;
	return p->from < q->from ? -1 : p->from > q->from;
}

/* One family's entries of list, masked, sorted, repeats of one owner dropped, into *out;
 * -EEXIST (and *at, the later one in list) when two owners share a prefix. */
static int family(const struct tk_aip *list, size_t n, int fam, struct tk_aip **out,
		  size_t *nout, size_t *at)
{
	struct ent *e = calloc(n ? n : 1, sizeof(*e));
	size_t k = 0, w = 0;
	int r = 0;

	*out = calloc(n ? n : 1, sizeof(**out));
	if (!e || !*out) {
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (list[i].family != fam)
			continue;
		e[k].a = list[i];
		mask(e[k].a.addr, list[i].addr, alen(fam), list[i].plen);
		e[k++].from = i;
	}
	qsort(e, k, sizeof(*e), cmp);
	for (size_t i = 0; i < k && !r; i++) {
		if (w && (*out)[w - 1].plen == e[i].a.plen &&
		    !memcmp((*out)[w - 1].addr, e[i].a.addr, 16)) {
			if ((*out)[w - 1].owner != e[i].a.owner) {
				*at = e[i].from;
				r = -EEXIST;
			}
			continue;
		}
		(*out)[w++] = e[i].a;
	}
	free(e);
	*nout = w;
	return r;
}

int tk_aips_build(struct tk_aips *a, const struct tk_aip *list, size_t n, size_t *clash)
{
	size_t at = 0;
	int r = 0;

	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < n && !r; i++) {
		if (!((list[i].family == AF_INET && list[i].plen <= 32) ||
		      (list[i].family == AF_INET6 && list[i].plen <= 128))) {
			at = i;
			r = -EINVAL;
		}
	}
	if (!r)
		r = family(list, n, AF_INET, &a->v4, &a->n4, &at);
	if (!r)
		r = family(list, n, AF_INET6, &a->v6, &a->n6, &at);
	if (r) {
		if (clash)
			*clash = at;
		tk_aips_free(a);
	}
	return r;
}

void tk_aips_free(struct tk_aips *a)
{
	free(a->v4);
	free(a->v6);
	memset(a, 0, sizeof(*a));
}

/* The entry of v[lo..hi) (one prefix length) equal to key, or NULL. */
static const struct tk_aip *search(const struct tk_aip *v, size_t lo, size_t hi,
				   const uint8_t key[16])
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(v[mid].addr, key, 16);

		if (!c)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int tk_aips_lookup(const struct tk_aips *a, int family, const uint8_t *addr, uint32_t *owner)
{
	const struct tk_aip *v = family == AF_INET ? a->v4 : a->v6;
	size_t n = family == AF_INET ? a->n4 : a->n6, start = 0;

	if (family != AF_INET && family != AF_INET6)
		return -ENOENT;
	while (start < n) {
		unsigned plen = v[start].plen;
		size_t end = start;
		const struct tk_aip *hit;
		uint8_t key[16];

		while (end < n && v[end].plen == plen)
			end++;
		mask(key, addr, alen(family), plen);
		hit = search(v, start, end, key);
		if (hit) {
			*owner = hit->owner;
			return 0;
		}
		start = end;
	}
	return -ENOENT;
}

int tk_aips_allows(const struct tk_aips *a, uint32_t owner, int family, const uint8_t *addr)
{
	uint32_t o;

	return !tk_aips_lookup(a, family, addr, &o) && o == owner;
}

int tk_aips_packet(const uint8_t *pkt, size_t len, int *family, const uint8_t **src,
		   const uint8_t **dst)
{
	if (len >= 20 && pkt[0] >> 4 == 4) {
		*family = AF_INET;
		*src = pkt + 12;
		*dst = pkt + 16;
		return 0;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		*family = AF_INET6;
		*src = pkt + 8;
		*dst = pkt + 24;
		return 0;
	}
	return -EINVAL;
}
