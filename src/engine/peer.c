/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sessions with the peer (peer.h): index allocation, the responder's confirmation rule,
 * rotation cur -> prev on every new session, expiry.  Session structs are moved by value
 * and the old copy is wiped, so no key is left behind in a slot that is not in use.
 */
#include <errno.h>
#include <string.h>

#include "engine/peer.h"

#define NSEC_PER_MS UINT64_C(1000000)

void tk_peer_init(struct tk_peer *p, const uint8_t psk[TK_KEY_LEN], unsigned ciphers,
        bool initiator)
{
	sodium_memzero(p, sizeof(*p));
	memcpy(p->psk, psk, TK_KEY_LEN);
	p->ciphers = ciphers;
	p->initiator = initiator;
}

void tk_peer_set_key(struct tk_peer *p, const uint8_t psk[TK_KEY_LEN])
{
	memcpy(p->psk, psk, TK_KEY_LEN);
}


/* index leaves the table: no session or handshake of p uses it any more. */
static void release(struct tk_peer *p, uint32_t index)
{
	if (p->itab)
		tk_itab_del(p->itab, index, p->owner);
}

static void drop(struct tk_peer *p, struct tk_session *s, bool *has)
{
	if (*has) {
		release(p, s->local_index);
		tk_crypto_session_wipe(s);
	}
	*has = false;
}

/* The local index of the pending handshake (either version). */
static uint32_t pending_index(const struct tk_peer *p)
{
	return p->me ? p->ik.local_index : p->hs.local_index;
}

/* Forgets the pending handshake, its index and state. */
static void unpend(struct tk_peer *p)
{
	if (p->hs_pending)
		release(p, pending_index(p));
	p->hs_pending = false;
	tk_handshake_wipe(&p->hs);
	tk_ik_hs_wipe(&p->ik);
}

void tk_peer_wipe(struct tk_peer *p)
{
	drop(p, &p->cur, &p->has_cur);
	drop(p, &p->next, &p->has_next);
	drop(p, &p->prev, &p->has_prev);
	unpend(p);
	sodium_memzero(p, sizeof(*p));
}

/* A random index of our lane that no live session or pending handshake uses (never 0), and
 * no other peer's either (the table); 0 when the table has no room. */
static uint32_t new_index(const struct tk_peer *p)
{
	uint32_t i;
	int r;

	for (;;) {
		i = (randombytes_random() & ~(TK_PEER_LANES - 1)) | p->lane;
		if (!i || (p->has_cur && i == p->cur.local_index) ||
		        (p->has_next && i == p->next.local_index) ||
		        (p->has_prev && i == p->prev.local_index) ||
		        (p->hs_pending && i == pending_index(p)))
			continue;
		r = p->itab ? tk_itab_add(p->itab, i, p->owner) : 0;
		if (r == -EEXIST)
			continue;
		return r ? 0 : i;
	}
}

/* The configured limits on a new session; the reject age stays a minute past the rekey age. */
static void limits(const struct tk_peer *p, struct tk_session *s)
{
	if (p->rekey_after_ns)
		tk_crypto_session_set_times(s, p->rekey_after_ns,
		        p->rekey_after_ns + (TK_REJECT_AFTER_SEC - TK_REKEY_AFTER_SEC) * TK_NSEC);
	if (p->rekey_after_msgs)
		tk_crypto_session_set_limits(s, p->rekey_after_msgs, TK_REJECT_AFTER_MESSAGES);
}

/* s becomes the sending session; the old one is kept for receiving. */
static void promote(struct tk_peer *p, struct tk_session *s)
{
	drop(p, &p->prev, &p->has_prev);
	if (p->has_cur) {
		p->prev = p->cur;
		p->has_prev = true;
	}
	p->cur = *s;
	p->has_cur = true;
	tk_crypto_session_wipe(s);
	p->hs_tries = 0;
	p->sessions++;
}

bool tk_peer_ready(const struct tk_peer *p, uint64_t now_ns)
{
	return p->has_cur && !tk_crypto_expired(&p->cur, now_ns);
}

static uint64_t backoff_ns(unsigned tries)
{
	uint64_t ms = 500u << (tries < 4 ? tries : 4);

	return (ms < TK_REKEY_TIMEOUT_SEC * 1000 ? ms : TK_REKEY_TIMEOUT_SEC * 1000) * NSEC_PER_MS;
}

int tk_peer_want_initiate(const struct tk_peer *p, uint64_t now_ns, bool silent)
{
	bool need;

	if (!p->initiator)
		return 0;
	need = silent || !tk_peer_ready(p, now_ns) || tk_crypto_needs_rekey(&p->cur, now_ns);
	if (!need)
		return 0;
	if (p->hs_pending && now_ns - p->hs_sent_ns < backoff_ns(p->hs_tries - 1))
		return 0;
	return 1;
}

/* Counts an initiation that went out. */
static void sent(struct tk_peer *p, uint64_t now_ns)
{
	p->hs_pending = true;
	p->hs_sent_ns = now_ns;
	if (p->hs_tries < 16)
		p->hs_tries++;
}

int tk_peer_initiate(struct tk_peer *p, uint64_t now_ns, uint8_t out[TK_FRAME_INIT_LEN])
{
	uint32_t idx;
	int r;

	/* a new ephemeral key and index each time: a late response to the old one is ignored */
	unpend(p);
	idx = new_index(p);
	if (!idx)
		return -ENOMEM;
	r = tk_handshake_initiate(&p->hs, p->psk, idx, p->ciphers, out);
	if (r < 0) {
		release(p, idx);
		return r;
	}
	sent(p, now_ns);
	return 0;
}

int tk_peer_initiate_v2(struct tk_peer *p, uint64_t now_ns, const uint8_t tai64n[TK_IK_TAI64N_LEN],
        uint8_t out[TK_FRAME_IK_INIT_LEN])
{
	bool cookie = p->has_cookie && tk_cookie_usable(p->cookie_ns, now_ns);
	uint32_t idx;
	int r;

	if (!p->me)
		return -EINVAL;
	unpend(p);
	idx = new_index(p);
	if (!idx)
		return -ENOMEM;
	r = tk_ik_initiate(&p->ik, p->me, p->peer_pub, p->has_psk ? p->psk : NULL, idx, p->ciphers,
	        tai64n, cookie ? p->cookie : NULL, out);
	if (r < 0) {
		release(p, idx);
		return r;
	}
	sent(p, now_ns);
	return 0;
}

int tk_peer_seal(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, size_t payload_len,
        size_t cap, size_t *frame_len)
{
	if (!tk_peer_ready(p, now_ns))
		return -ENOTCONN;
	return tk_crypto_seal(&p->cur, frame, payload_len, cap, frame_len);
}

int tk_peer_seal_to(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, const uint8_t *payload,
        size_t payload_len, size_t cap, size_t *frame_len)
{
	if (!tk_peer_ready(p, now_ns))
		return -ENOTCONN;
	return tk_crypto_seal_to(&p->cur, frame, payload, payload_len, cap, frame_len);
}

/* Responder: s waits as next until the initiator proves it holds the keys. */
static void waiting(struct tk_peer *p, struct tk_session *s)
{
	limits(p, s);
	drop(p, &p->next, &p->has_next);
	p->next = *s;
	p->has_next = true;
	tk_crypto_session_wipe(s);
}

/* Responder: a valid initiation makes a waiting session and an answer. */
static int answer(struct tk_peer *p, uint64_t now_ns, const uint8_t *frame, size_t flen,
        uint8_t out[TK_FRAME_RESP_LEN], size_t *len)
{
	struct tk_session s;
	uint32_t idx;
	int r;

	if (p->initiator || p->me)
		return -EBADMSG;
	/* worker k answers worker k only: one session each, never flapping between two */
	if (TK_PEER_LANE(tk_frame_get_le32(frame + 4)) != p->lane)
		return -EXDEV;
	idx = new_index(p);
	if (!idx)
		return -ENOMEM;
	r = tk_handshake_respond(p->psk, frame, flen, idx, p->ciphers, now_ns, out, &s);
	if (r < 0) {
		release(p, idx);
		return r;
	}
	waiting(p, &s);
	*len = TK_FRAME_RESP_LEN;
	return TK_PEER_ANSWER;
}

int tk_peer_answer_v2(struct tk_peer *p, uint64_t now_ns, struct tk_ik_hs *hs,
        uint8_t out[TK_FRAME_IK_RESP_LEN], size_t *len)
{
	struct tk_session s;
	uint32_t idx;
	int r;

	if (p->initiator || !p->me) {
		tk_ik_hs_wipe(hs);
		return -EBADMSG;
	}
	if (TK_PEER_LANE(hs->remote_index) != p->lane) {
		tk_ik_hs_wipe(hs);
		return -EXDEV;
	}
	idx = new_index(p);
	if (!idx) {
		tk_ik_hs_wipe(hs);
		return -ENOMEM;
	}
	r = tk_ik_respond(hs, p->has_psk ? p->psk : NULL, idx, p->ciphers, now_ns, out, &s);
	if (r < 0) {
		release(p, idx);
		return r;
	}
	waiting(p, &s);
	*len = TK_FRAME_IK_RESP_LEN;
	return TK_PEER_ANSWER;
}

/* Initiator: the response to the pending handshake (either version) makes the new sending
 * session. */
static int finish(struct tk_peer *p, uint64_t now_ns, const uint8_t *frame, size_t flen,
        unsigned type, unsigned *events)
{
	struct tk_session s;
	uint32_t idx;
	int r;

	if (!p->initiator || !p->hs_pending || (type == TK_FRAME_IK_RESP) != !!p->me)
		return -EBADMSG;
	idx = pending_index(p);
	r = p->me ? tk_ik_finish(&p->ik, frame, flen, now_ns, &s)
	          : tk_handshake_finish(&p->hs, frame, flen, now_ns, &s);
	if (r == -EBADMSG)
		return r; /* a forged response: the handshake stays pending */
	p->hs_pending = false;
	if (r < 0) {
		release(p, idx);
		return r;
	}
	limits(p, &s);
	s.confirmed = true; /* the response authenticated under the new keys' handshake */
	promote(p, &s);
	*events |= TK_PEER_EV_NEW_SESSION;
	return TK_PEER_SESSION;
}

/* Initiator, version 2: the responder is under load and sent a cookie for its address. */
static int cookie(struct tk_peer *p, uint64_t now_ns, const uint8_t *frame, size_t flen,
        const struct tk_frame *f)
{
	uint8_t c[TK_COOKIE_LEN];

	if (!p->me || !p->hs_pending || f->receiver != p->ik.local_index ||
	        tk_cookie_open(c, p->peer_pub, p->ik.mac1, frame, flen))
		return -EBADMSG;
	memcpy(p->cookie, c, sizeof(c));
	sodium_memzero(c, sizeof(c));
	p->cookie_ns = now_ns;
	p->has_cookie = true;
	/* the next initiation carries it: make it at the next tick, not after the backoff */
	p->hs_sent_ns = 0;
	return TK_PEER_COOKIE;
}

static struct tk_session *lookup(struct tk_peer *p, uint32_t index)
{
	if (p->has_cur && p->cur.local_index == index)
		return &p->cur;
	if (p->has_next && p->next.local_index == index)
		return &p->next;
	if (p->has_prev && p->prev.local_index == index)
		return &p->prev;
	return NULL;
}

static int data(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, size_t flen,
        const struct tk_frame *f, size_t *len, unsigned *events)
{
	struct tk_session *s = lookup(p, f->receiver);
	int r;

	if (!s)
		return -EBADMSG;
	if (tk_crypto_expired(s, now_ns))
		return -EKEYEXPIRED;
	r = tk_crypto_open(s, frame, flen, len);
	if (r < 0)
		return r;
	if (s == &p->next) {
		/* the initiator holds the keys: the waiting session sends from now on */
		p->has_next = false;
		promote(p, &p->next);
		*events |= TK_PEER_EV_NEW_SESSION;
	}
	return *len ? TK_PEER_DATA : TK_PEER_KEEPALIVE;
}

int tk_peer_receive(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, size_t flen,
        uint8_t out[TK_FRAME_RESP_LEN], size_t *len, unsigned *events)
{
	struct tk_frame f;

	*events = 0;
	*len = 0;
	if (tk_frame_parse(frame, flen, &f) < 0)
		return -EBADMSG;
	switch (f.type) {
	case TK_FRAME_INIT:
		return answer(p, now_ns, frame, flen, out, len);
	case TK_FRAME_RESP:
	case TK_FRAME_IK_RESP:
		return finish(p, now_ns, frame, flen, f.type, events);
	case TK_FRAME_COOKIE:
		return cookie(p, now_ns, frame, flen, &f);
	case TK_FRAME_DATA:
		return data(p, now_ns, frame, flen, &f, len, events);
	}
	return -EBADMSG; /* a version 2 initiation is the tunnel's (tk_ik_consume) */
}

bool tk_peer_expire(struct tk_peer *p, uint64_t now_ns)
{
	if (p->has_prev && tk_crypto_expired(&p->prev, now_ns))
		drop(p, &p->prev, &p->has_prev);
	/* an initiation never confirmed within the rekey timeout was a replay or is lost */
	if (p->has_next && now_ns - p->next.created_ns > TK_REKEY_TIMEOUT_SEC * TK_NSEC)
		drop(p, &p->next, &p->has_next);
	if (p->has_cur && tk_crypto_expired(&p->cur, now_ns)) {
		drop(p, &p->cur, &p->has_cur);
		return true;
	}
	return false;
}
