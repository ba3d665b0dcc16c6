/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The peers of a hub in its state (version 2): each configured peer once, its counters the
 * sums over the workers, its endpoint the first worker's that knows one (each worker of a
 * peer sends from a port of its own), up when any worker has a session with it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/sockaddr.h"
#include "engine/workers.h"

static json_t *prefixes_json(const struct tk_peer_conf *c)
{
	json_t *a = json_array();
	char s[INET6_ADDRSTRLEN + 8];

	for (size_t i = 0; i < c->nallowed; i++) {
		const struct tk_aip *p = &c->allowed[i];
		size_t n;

		inet_ntop(p->family, p->addr, s, INET6_ADDRSTRLEN);
		n = strlen(s);
		snprintf(s + n, sizeof(s) - n, "/%u", p->plen);
		json_array_append_new(a, json_string(s));
	}
	return a;
}

json_t *tk_hub_conf_json(const struct tk_peer_conf *c)
{
	char b64[TK_KEY_B64_SIZE];

	tk_crypto_key_encode(c->pub, b64);
	return json_pack("{s:s,s:s?,s:o,s:b,s:o}", "public_key", b64, "name",
			 c->name[0] ? c->name : NULL, "allowed_ips", prefixes_json(c), "psk",
			 c->has_psk, "endpoint",
			 c->endpoint_len ? tk_sockaddr_json(&c->endpoint) : json_null());
}

/* Worker w's snapshot of peer i of set, found by key when w holds another set. */
static const struct tk_peer_snap *of(const struct tk_peer_snaps *ps, const struct tk_peer_set *set,
				     size_t i)
{
	long k;

	if (!ps->set)
		return NULL;
	if (ps->set == set)
		return &ps->v[i];
	k = tk_peer_set_find(ps->set, set->v[i].pub);
	return k < 0 ? NULL : &ps->v[k];
}

static void add(struct tk_peer_snap *sum, const struct tk_peer_snap *p, bool *addr)
{
	sum->up |= p->up;
	if (p->have_addr && (!*addr || (p->up && !sum->have_addr))) {
		sum->addr = p->addr;
		sum->have_addr = *addr = true;
	}
	if (p->last_handshake > sum->last_handshake)
		sum->last_handshake = p->last_handshake;
	sum->sessions += p->sessions;
	sum->tx_packets += p->tx_packets;
	sum->tx_bytes += p->tx_bytes;
	sum->rx_packets += p->rx_packets;
	sum->rx_bytes += p->rx_bytes;
	sum->spoofed += p->spoofed;
}

static json_t *peer_json(const struct tk_peer_conf *c, const struct tk_peer_snap *s)
{
	json_t *o = tk_hub_conf_json(c);

	json_object_update_new(
		o, json_pack("{s:b,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "session_up", s->up,
			     "peer", s->have_addr ? tk_sockaddr_json(&s->addr) : json_null(),
			     "last_handshake",
			     s->last_handshake > 0 ? json_real(s->last_handshake) : json_null(),
			     "sessions", (json_int_t)s->sessions, "tx_packets",
			     (json_int_t)s->tx_packets, "tx_bytes", (json_int_t)s->tx_bytes,
			     "rx_packets", (json_int_t)s->rx_packets, "rx_bytes",
			     (json_int_t)s->rx_bytes, "spoofed", (json_int_t)s->spoofed));
	return o;
}

json_t *tk_hub_peers_json(struct tk_tunnel *t)
{
	struct tk_peer_snaps own = { 0 };
	struct tk_group *g = t->group;
	json_t *a = json_array();

	if (!t->set || tk_workers_peer_snaps(t, &own))
		return a;
	if (g)
		pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < t->set->n; i++) {
		struct tk_peer_snap sum = { 0 };
		bool addr = false;

		add(&sum, &own.v[i], &addr);
		for (unsigned w = 1; g && w < g->n; w++) {
			const struct tk_peer_snap *p = of(&g->peers[w], t->set, i);

			if (p)
				add(&sum, p, &addr);
		}
		json_array_append_new(a, peer_json(&t->set->v[i], &sum));
	}
	if (g)
		pthread_mutex_unlock(&g->lock);
	tk_peer_snaps_free(&own);
	return a;
}
