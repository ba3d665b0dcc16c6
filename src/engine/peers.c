/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Peer sets (peers.h): sorted by public key, their prefixes in one allowed-address table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/peers.h"

/* Sort v by key, remembering where each came from (for the caller's error message). */
struct ord {
	struct tk_peer_conf c;
	size_t from;
};

static int by_key(const void *x, const void *y)
{
	const struct ord *a = x, *b = y;

	return memcmp(a->c.pub, b->c.pub, TK_KEY_LEN);
}

/* Of the two peers whose prefixes clash at all[c], the one given later by the user. */
static size_t later(const struct ord *o, const struct tk_aip *all, size_t n, size_t c)
{
	size_t at = o[all[c].owner].from;
	struct tk_aips one;

	for (size_t k = 0; k < n; k++) {
		if (all[k].owner == all[c].owner)
			continue;
		/* the same prefix: a table of the two clashes */
		struct tk_aip two[2] = { all[k], all[c] };

		if (tk_aips_build(&one, two, 2, NULL) == -EEXIST && o[all[k].owner].from > at)
			at = o[all[k].owner].from;
		tk_aips_free(&one);
	}
	return at;
}

/* Every peer's prefixes, owned by their places in the sorted set. */
static int prefixes(struct tk_peer_set *s, const struct ord *o, size_t *at)
{
	struct tk_aip *all;
	size_t total = 0, k = 0, clash = 0;
	int r;

	for (size_t i = 0; i < s->n; i++)
		total += s->v[i].nallowed;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->v[i].nallowed; j++) {
			all[k] = s->v[i].allowed[j];
			all[k++].owner = (uint32_t)i;
		}
	r = tk_aips_build(&s->aips, all, total, &clash);
	if (r == -EEXIST)
		*at = later(o, all, total, clash);
	free(all);
	return r;
}

int tk_peer_set_new(struct tk_peer_set **out, struct tk_peer_conf *v, size_t n, size_t *at)
{
	struct tk_peer_set *s = calloc(1, sizeof(*s));
	struct ord *o = calloc(n ? n : 1, sizeof(*o));
	size_t where = 0;
	int r = 0;

	if (!s || !o || n > TK_PEERS_MAX) {
		r = !s || !o ? -ENOMEM : -EINVAL;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		o[i].c = v[i];
		o[i].from = i;
	}
	qsort(o, n, sizeof(*o), by_key);
	for (size_t i = 0; i < n; i++) {
		v[i] = o[i].c;
		if (i && !memcmp(v[i].pub, v[i - 1].pub, TK_KEY_LEN)) {
			where = o[i].from > o[i - 1].from ? o[i].from : o[i - 1].from;
			r = -EEXIST;
		}
	}
	s->v = v;
	s->n = n;
	s->refs = 1;
	if (!r)
		r = prefixes(s, o, &where);
	if (r)
		goto fail;
	free(o);
	*out = s;
	return 0;
fail:
	if (at)
		*at = where;
	free(o);
	if (s) {
		s->v = v;
		s->n = n;
		s->refs = 1;
		tk_peer_set_unref(s);
	} else {
		for (size_t i = 0; i < n; i++)
			tk_peer_conf_free(&v[i]);
		free(v);
	}
	return r;
}

struct tk_peer_set *tk_peer_set_ref(struct tk_peer_set *s)
{
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void tk_peer_set_unref(struct tk_peer_set *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (size_t i = 0; i < s->n; i++)
		tk_peer_conf_free(&s->v[i]);
	free(s->v);
	tk_aips_free(&s->aips);
	free(s);
}

long tk_peer_set_find(const struct tk_peer_set *s, const uint8_t pub[TK_KEY_LEN])
{
	size_t lo = 0, hi = s ? s->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(s->v[mid].pub, pub, TK_KEY_LEN);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long tk_peer_set_lookup(const struct tk_peer_set *s, const char *name_or_key)
{
	uint8_t pub[TK_KEY_LEN];
	size_t len;

	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].name[0] && !strcmp(s->v[i].name, name_or_key))
			return (long)i;
	if (sodium_base642bin(pub, sizeof(pub), name_or_key, strlen(name_or_key), NULL, &len,
			      NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    len != sizeof(pub))
		return -1;
	return tk_peer_set_find(s, pub);
}

bool tk_peer_conf_same(const struct tk_peer_conf *a, const struct tk_peer_conf *b)
{
	if (memcmp(a->pub, b->pub, TK_KEY_LEN) || a->has_psk != b->has_psk ||
	    (a->has_psk && sodium_memcmp(a->psk, b->psk, TK_KEY_LEN)) ||
	    a->endpoint_len != b->endpoint_len ||
	    memcmp(&a->endpoint, &b->endpoint, a->endpoint_len) || a->nallowed != b->nallowed ||
	    strcmp(a->name, b->name))
		return false;
	for (size_t i = 0; i < a->nallowed; i++)
		if (a->allowed[i].family != b->allowed[i].family ||
		    a->allowed[i].plen != b->allowed[i].plen ||
		    memcmp(a->allowed[i].addr, b->allowed[i].addr, 16))
			return false;
	return true;
}

int tk_peer_conf_copy(struct tk_peer_conf *out, const struct tk_peer_conf *c)
{
	*out = *c;
	out->allowed = calloc(c->nallowed ? c->nallowed : 1, sizeof(*c->allowed));
	if (!out->allowed)
		return -ENOMEM;
	memcpy(out->allowed, c->allowed, c->nallowed * sizeof(*c->allowed));
	return 0;
}

void tk_peer_conf_free(struct tk_peer_conf *c)
{
	free(c->allowed);
	sodium_memzero(c, sizeof(*c));
}
