/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tunnel with many peers (version 2, keys of their own): this worker's peers as the
 * configured set has them, routing by allowed addresses, the source check, finding a frame's
 * peer by its index, and initiations, answered or, under load, met with a cookie reply.
 *
 * Under load (more initiations than TK_HUB_LOAD_PER_SEC in a second on this worker) an
 * initiation must carry a mac2 made with the cookie of its source address, or it gets a
 * cookie reply (64 bytes, smaller than the initiation) and costs no Diffie-Hellman; one
 * with a valid mac2 still passes a rate limit per source address.  So a flood from
 * addresses that cannot receive (spoofed) costs two hashes a packet, and one from real
 * addresses costs each its rate, while established peers' data and new peers' handshakes
 * (a cookie round trip later) go on.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/sockaddr.h"
#include "engine/tunnel.h"

#define TK_HUB_LOAD_PER_SEC 1000 /* initiations a second on one worker: beyond, cookies */
#define TK_HUB_LOAD_HOLD 1.0     /* seconds the load state lasts after the last excess */
#define RATE_SLOTS 4096
#define RATE_PER_SEC 20.0        /* initiations a second from one address, under load */
#define RATE_BURST 5.0

struct tk_rate {
	struct {
		uint8_t addr[16];
		double tokens, at;
	} slot[RATE_SLOTS];
};

size_t tk_tunnel_npeers(const struct tk_tunnel *t)
{
	return t->set ? t->set->n : 1;
}

struct tk_remote *tk_tunnel_peer(struct tk_tunnel *t, size_t i)
{
	return t->set ? t->rem[i] : &t->one;
}

/* What r's sessions are made with: its key, the optional pre-shared one. */
static void remote_conf(struct tk_remote *r, const struct tk_peer_conf *c)
{
	if (!r->have_addr && c->endpoint_len) {
		memcpy(&r->addr, &c->endpoint, c->endpoint_len);
		r->addr_len = c->endpoint_len;
		r->have_addr = true;
	}
	if (r->sess) {
		memcpy(r->sess->psk, c->psk, TK_KEY_LEN);
		r->sess->has_psk = c->has_psk;
	}
}

/* The end of a peer no longer configured: its sessions go at once. */
static void remote_gone(struct tk_tunnel *t, struct tk_remote *r)
{
	if (r->session_up)
		tk_loop_session_down(t, r, "removed");
	tk_hub_tcp_forget(t, r);
	tk_remote_free(r);
	free(r);
}

/* Whether a peer's sessions survive a new configuration: the same pre-shared key. */
static bool keeps(const struct tk_peer_conf *a, const struct tk_peer_conf *b)
{
	return a->has_psk == b->has_psk &&
	       (!a->has_psk || !sodium_memcmp(a->psk, b->psk, TK_KEY_LEN));
}

int tk_hub_apply(struct tk_tunnel *t, struct tk_peer_set *set)
{
	struct tk_remote **rem = calloc(set->n ? set->n : 1, sizeof(*rem));
	size_t i;

	if (!rem)
		return -ENOMEM;
	for (i = 0; i < set->n; i++) {
		long old = tk_peer_set_find(t->set, set->v[i].pub);

		if (old >= 0 && keeps(&t->set->v[old], &set->v[i])) {
			rem[i] = t->rem[old];
			t->rem[old] = NULL;
		} else if (!(rem[i] = calloc(1, sizeof(*rem[i])))) {
			break;
		} else if (old >= 0 && t->rem[old]) {
			/* a new key schedule, the same peer: its time stamps must still grow, or
			 * an initiation recorded before would be answered again */
			memcpy(rem[i]->last_ts, t->rem[old]->last_ts, sizeof(rem[i]->last_ts));
			rem[i]->has_ts = t->rem[old]->has_ts;
		}
		rem[i]->id = (uint32_t)i;
		remote_conf(rem[i], &set->v[i]);
	}
	if (i < set->n) { /* out of memory: the old set stays, the peers moved go back */
		for (size_t k = 0; k < i; k++) {
			long old = tk_peer_set_find(t->set, set->v[k].pub);

			if (old >= 0 && !t->rem[old]) {
				t->rem[old] = rem[k];
				rem[k]->id = (uint32_t)old;
			} else {
				free(rem[k]);
			}
		}
		free(rem);
		return -ENOMEM;
	}
	for (i = 0; t->set && i < t->set->n; i++)
		if (t->rem[i])
			remote_gone(t, t->rem[i]);
	free(t->rem);
	tk_peer_set_unref(t->set);
	t->rem = rem;
	t->set = tk_peer_set_ref(set);
	return 0;
}

struct tk_remote *tk_hub_route(struct tk_tunnel *t, const uint8_t *pkt, size_t len)
{
	const uint8_t *src, *dst;
	uint32_t owner;
	int fam;

	/* one peer that names no addresses (a client's hub), or tap's one peer (frames are
	 * not routed by address): everything goes to it */
	if (t->set->n == 1 && (t->tap || !t->set->v[0].nallowed))
		return t->rem[0];
	if (tk_aips_packet(pkt, len, &fam, &src, &dst))
		return NULL;
	if (tk_aips_lookup(&t->set->aips, fam, dst, &owner)) {
		/* multicast and broadcast (the host's own IPv6 chatter) have no peer by nature */
		if (!(fam == AF_INET6 ? dst[0] == 0xff : (dst[0] & 0xf0) == 0xe0 || dst[0] == 0xff))
			t->st.no_route++;
		return NULL;
	}
	return t->rem[owner];
}

bool tk_hub_source_ok(const struct tk_tunnel *t, const struct tk_remote *r, const uint8_t *pkt,
		      size_t len)
{
	const uint8_t *src, *dst;
	int fam;

	/* a peer that names no addresses may send from any; and a tap tunnel's frames are
	 * Ethernet, which allowed addresses do not describe */
	if (!t->set || t->tap || !t->set->v[r->id].nallowed)
		return true;
	return !tk_aips_packet(pkt, len, &fam, &src, &dst) &&
	       tk_aips_allows(&t->set->aips, r->id, fam, src);
}

struct tk_remote *tk_hub_find(struct tk_tunnel *t, const uint8_t *f, size_t len)
{
	/* the receiver index: after the sender's in a response, first in the others */
	size_t at = f[0] == TK_FRAME_IK_RESP ? 8 : 4;

	if (len < at + 4)
		return NULL;
	return tk_itab_get(&t->itab, tk_frame_get_le32(f + at));
}

/* Whether this worker is under load now; counts one more initiation. */
static bool loaded(struct tk_tunnel *t, double now)
{
	if (now - t->load_since >= 1.0) {
		t->load_since = now;
		t->load_count = 0;
	}
	if (++t->load_count > TK_HUB_LOAD_PER_SEC)
		t->under_load_until = now + TK_HUB_LOAD_HOLD;
	return now < t->under_load_until;
}

/* The address bytes of a source (the port is not part of the rate). */
static void addr_of(const struct sockaddr_storage *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a->ss_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)a)->sin_addr, 4);
	else if (a->ss_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
}

/* A token bucket per source address: false when it is over its rate. */
static bool rate_ok(struct tk_tunnel *t, const struct sockaddr_storage *from, double now)
{
	uint8_t a[16];
	uint32_t h = 2166136261u;
	size_t i;

	if (!t->rate && !(t->rate = calloc(1, sizeof(*t->rate))))
		return true;
	addr_of(from, a);
	for (int k = 0; k < 16; k++)
		h = (h ^ a[k]) * 16777619u;
	i = h % RATE_SLOTS;
	if (memcmp(t->rate->slot[i].addr, a, 16) || !t->rate->slot[i].at) {
		memcpy(t->rate->slot[i].addr, a, 16);
		t->rate->slot[i].tokens = RATE_BURST;
	} else {
		t->rate->slot[i].tokens += (now - t->rate->slot[i].at) * RATE_PER_SEC;
		if (t->rate->slot[i].tokens > RATE_BURST)
			t->rate->slot[i].tokens = RATE_BURST;
	}
	t->rate->slot[i].at = now;
	if (t->rate->slot[i].tokens < 1.0)
		return false;
	t->rate->slot[i].tokens -= 1.0;
	return true;
}

/* The cookie of a source address; the secret changes every two minutes. */
static void cookie_of(struct tk_tunnel *t, const struct sockaddr_storage *from, double now,
		      uint8_t cookie[TK_COOKIE_LEN])
{
	if (!t->cookie_secret_at || now - t->cookie_secret_at >= TK_COOKIE_SECRET_SEC) {
		randombytes_buf(t->cookie_secret, sizeof(t->cookie_secret));
		t->cookie_secret_at = now;
	}
	if (tk_cookie_make(cookie, t->cookie_secret, from))
		memset(cookie, 0, TK_COOKIE_LEN);
}

static void send_cookie(struct tk_tunnel *t, const uint8_t *f, const struct sockaddr_storage *from,
			const uint8_t cookie[TK_COOKIE_LEN])
{
	uint8_t b[TK_FRAMER_PREFIX + TK_FRAME_COOKIE_LEN], nonce[TK_COOKIE_NONCE_LEN];

	randombytes_buf(nonce, sizeof(nonce));
	tk_cookie_reply(b + TK_FRAMER_PREFIX, t->me, tk_frame_get_le32(f + 4),
			f + TK_FRAME_IK_INIT_MAC1, cookie, nonce);
	if (!tk_loop_put(t, NULL, b + TK_FRAMER_PREFIX, TK_FRAME_COOKIE_LEN, from))
		t->st.cookies_tx++;
}

/* The peer an initiation that authenticated comes from, when it is configured and its time
 * stamp is later than the last one taken from it; NULL (counted) otherwise. */
static struct tk_remote *sender(struct tk_tunnel *t, const uint8_t pub[TK_KEY_LEN],
				const uint8_t ts[TK_IK_TAI64N_LEN],
				const struct sockaddr_storage *from)
{
	long i = tk_peer_set_find(t->set, pub);
	struct tk_remote *r;

	if (i < 0) {
		t->st.unknown_peer++;
		tk_loop_bad(t, -EBADMSG, from, "unknown peer");
		return NULL;
	}
	r = t->rem[i];
	if (r->has_ts && tk_tai64n_cmp(ts, r->last_ts) <= 0) {
		tk_loop_bad(t, -EALREADY, from, NULL); /* a replayed initiation */
		return NULL;
	}
	return r;
}

struct tk_remote *tk_hub_initiation(struct tk_tunnel *t, uint8_t *f, size_t len,
				    const struct sockaddr_storage *from, socklen_t flen)
{
	uint8_t ans[TK_FRAMER_PREFIX + TK_FRAME_IK_RESP_LEN];
	uint8_t cookie[TK_COOKIE_LEN], pub[TK_KEY_LEN], ts[TK_IK_TAI64N_LEN];
	double now = tk_mono();
	bool load = loaded(t, now);
	/* a cookie proves the source address, which a TCP connection has proved already; and
	 * a peer that reconnects has a new port, so a cookie for the old one would never do */
	bool cookies = load && t->transport != TK_TR_TCP;
	struct tk_ik_hs hs;
	struct tk_remote *r;
	unsigned offered;
	uint32_t idx;
	size_t n;
	int e;

	if (cookies)
		cookie_of(t, from, now, cookie);
	e = tk_ik_check_macs(t->me, f, len, cookies ? cookie : NULL);
	if (e == -EAGAIN) {
		send_cookie(t, f, from, cookie);
		return NULL;
	}
	if (e || (load && !rate_ok(t, from, now))) {
		if (e)
			tk_loop_bad(t, e, from, NULL);
		else
			t->st.ratelimited++;
		return NULL;
	}
	if ((e = tk_ik_consume(&hs, t->me, f, len, pub, ts, &offered, &idx))) {
		tk_loop_bad(t, e, from, NULL);
		return NULL;
	}
	r = sender(t, pub, ts, from);
	if (!r || !tk_remote_sess(t, r)) {
		tk_ik_hs_wipe(&hs);
		return NULL;
	}
	e = tk_peer_answer_v2(r->sess, tk_mono_ns(), &hs, ans + TK_FRAMER_PREFIX, &n);
	if (e < 0) {
		tk_loop_bad(t, e, from, NULL);
		return NULL;
	}
	/* only now, answered: a replay of it is refused from here on */
	memcpy(r->last_ts, ts, sizeof(ts));
	r->has_ts = true;
	t->st.handshakes_rx++;
	tk_loop_put(t, r, ans + TK_FRAMER_PREFIX, n, from);
	(void)flen;
	return r;
}

void tk_hub_free(struct tk_tunnel *t)
{
	tk_hub_tcp_free(t);
	for (size_t i = 0; t->set && i < t->set->n; i++) {
		tk_remote_free(t->rem[i]);
		free(t->rem[i]);
	}
	free(t->rem);
	t->rem = NULL;
	tk_peer_set_unref(t->set);
	t->set = NULL;
	tk_itab_free(&t->itab);
	free(t->rate);
	t->rate = NULL;
	sodium_memzero(t->cookie_secret, sizeof(t->cookie_secret));
}
