/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine/peer.c between two in-memory peers: first session, the responder's confirmation
 * rule, rekeying with frames in flight, replayed initiations and responses, restarts (no
 * nonce ever reused under one key, old frames find no session), roles, backoff and expiry.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "engine/peer.h"
#include "suites.h"

#define SEC UINT64_C(1000000000)

static const uint8_t psk[TK_KEY_LEN] = { 7, 7, 7, 7 };

/* A frame in flight: a copy, so it can be delivered late or twice. */
struct wire {
	uint8_t b[TK_FRAME_MAX];
	size_t len;
};

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

/* Seals len bytes of 0x5a (or a keepalive) from p onto w. */
static void seal(struct tk_peer *p, uint64_t now, size_t len, struct wire *w)
{
	memset(w->b + TK_FRAME_DATA_HDR, 0x5a, len);
	ck_assert_int_eq(tk_peer_seal(p, now, w->b, len, sizeof(w->b), &w->len), 0);
}

/* Delivers a copy of w to p; returns tk_peer_receive()'s result. */
static int deliver(struct tk_peer *p, uint64_t now, const struct wire *w, struct wire *ans,
        unsigned *ev)
{
	uint8_t b[TK_FRAME_MAX];
	struct wire dummy;
	unsigned e;
	size_t n;
	int r;

	memcpy(b, w->b, w->len);
	if (!ans)
		ans = &dummy;
	r = tk_peer_receive(p, now, b, w->len, ans->b, &n, ev ? ev : &e);
	ans->len = n;
	if (r == TK_PEER_DATA)
		ck_assert_uint_eq(b[TK_FRAME_DATA_HDR], 0x5a);
	return r;
}

/* A whole handshake i -> r, the initiator's confirming keepalive included. */
static void connect_pair(struct tk_peer *i, struct tk_peer *r, uint64_t now)
{
	struct wire init, resp, ka;
	unsigned ev;

	ck_assert_int_eq(tk_peer_initiate(i, now, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(r, now, &init, &resp, &ev), TK_PEER_ANSWER);
	ck_assert_uint_eq(resp.len, TK_FRAME_RESP_LEN);
	ck_assert_uint_le(resp.len, init.len);
	ck_assert_int_eq(deliver(i, now, &resp, NULL, &ev), TK_PEER_SESSION);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
	seal(i, now, 0, &ka);
	ck_assert_int_eq(deliver(r, now, &ka, NULL, &ev), TK_PEER_KEEPALIVE);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
}

START_TEST(peer_first_session)
{
	struct tk_peer i, r;
	struct wire init, resp, d;
	unsigned ev;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	ck_assert(!tk_peer_ready(&i, 0) && !tk_peer_ready(&r, 0));
	ck_assert_int_eq(tk_peer_want_initiate(&i, 0, false), 1);
	ck_assert_int_eq(tk_peer_want_initiate(&r, 0, true), 0); /* the listener only answers */
	ck_assert_int_eq(tk_peer_initiate(&i, 0, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&r, 0, &init, &resp, &ev), TK_PEER_ANSWER);
	/* answered but not confirmed: the responder cannot send yet */
	ck_assert(!tk_peer_ready(&r, 0));
	ck_assert_int_eq(tk_peer_seal(&r, 0, d.b, 10, sizeof(d.b), &d.len), -ENOTCONN);
	ck_assert_int_eq(deliver(&i, 0, &resp, NULL, &ev), TK_PEER_SESSION);
	/* the same response again: the handshake is used up */
	ck_assert_int_eq(deliver(&i, 0, &resp, NULL, &ev), -EBADMSG);
	seal(&i, 0, 100, &d);
	ck_assert_int_eq(deliver(&r, 0, &d, NULL, &ev), TK_PEER_DATA);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
	ck_assert(tk_peer_ready(&r, 0));
	seal(&r, 0, 1400, &d);
	ck_assert_int_eq(deliver(&i, 0, &d, NULL, &ev), TK_PEER_DATA);
	ck_assert_uint_eq(ev, 0);
	ck_assert_int_eq(deliver(&i, 0, &d, NULL, &ev), -EALREADY);
	ck_assert_uint_eq(i.sessions, 1);
	ck_assert_uint_eq(r.sessions, 1);
	/* roles: an initiator takes no initiation, a responder no response */
	ck_assert_int_eq(deliver(&i, 0, &init, NULL, &ev), -EBADMSG);
	ck_assert_int_eq(deliver(&r, 0, &resp, NULL, &ev), -EBADMSG);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

START_TEST(peer_rekey_in_flight)
{
	struct tk_peer i, r;
	struct wire old_i, old_r, init, resp, ka, d;
	unsigned ev;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	i.rekey_after_ns = 10 * SEC;
	r.rekey_after_ns = 10 * SEC;
	connect_pair(&i, &r, 0);
	ck_assert_int_eq(tk_peer_want_initiate(&i, 9 * SEC, false), 0);
	ck_assert_int_eq(tk_peer_want_initiate(&i, 10 * SEC, false), 1);
	/* frames sealed under the old session, still on the way */
	seal(&i, 10 * SEC, 64, &old_i);
	seal(&r, 10 * SEC, 64, &old_r);
	ck_assert_int_eq(tk_peer_initiate(&i, 10 * SEC, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&r, 10 * SEC, &init, &resp, &ev), TK_PEER_ANSWER);
	ck_assert_int_eq(deliver(&i, 10 * SEC, &resp, NULL, &ev), TK_PEER_SESSION);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
	/* the old frames still open: the previous session receives */
	ck_assert_int_eq(deliver(&r, 10 * SEC, &old_i, NULL, &ev), TK_PEER_DATA);
	ck_assert_uint_eq(ev, 0); /* an old-session frame does not confirm the new one */
	ck_assert_int_eq(deliver(&i, 10 * SEC, &old_r, NULL, &ev), TK_PEER_DATA);
	/* the responder still sends on the old session until the new one is confirmed */
	seal(&r, 10 * SEC, 64, &d);
	ck_assert_int_eq(deliver(&i, 10 * SEC, &d, NULL, &ev), TK_PEER_DATA);
	seal(&i, 10 * SEC, 0, &ka);
	ck_assert_int_eq(deliver(&r, 10 * SEC, &ka, NULL, &ev), TK_PEER_KEEPALIVE);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
	ck_assert_uint_eq(r.sessions, 2);
	ck_assert_uint_eq(r.cur.local_index, ka.b[4] | ka.b[5] << 8 | ka.b[6] << 16 |
	                                            (uint32_t)ka.b[7] << 24);
	seal(&r, 10 * SEC, 64, &d);
	ck_assert_int_eq(deliver(&i, 10 * SEC, &d, NULL, &ev), TK_PEER_DATA);
	/* a session rekeyed twice is gone: only one previous session is kept */
	connect_pair(&i, &r, 11 * SEC);
	ck_assert_int_eq(deliver(&r, 11 * SEC, &old_i, NULL, &ev), -EBADMSG);
	/* expiry: a minute past the rekey age nothing is sent on it */
	ck_assert(!tk_peer_expire(&i, 80 * SEC));
	ck_assert(tk_peer_expire(&i, 72 * SEC + 11 * SEC));
	ck_assert(!tk_peer_ready(&i, 83 * SEC));
	ck_assert_int_eq(tk_peer_want_initiate(&i, 83 * SEC, false), 1);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

START_TEST(peer_rekey_by_count)
{
	struct tk_peer i, r;
	struct wire d;
	unsigned ev;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	i.rekey_after_msgs = r.rekey_after_msgs = 10;
	connect_pair(&i, &r, 0); /* the confirming keepalive is message 1 */
	for (int k = 0; k < 8; k++)
		seal(&i, 0, 10, &d);
	ck_assert_int_eq(tk_peer_want_initiate(&i, 0, false), 0);
	seal(&i, 0, 10, &d);
	ck_assert_int_eq(tk_peer_want_initiate(&i, 0, false), 1);
	/* a one-way flow from the responder counts too: the initiator sees its counter */
	connect_pair(&i, &r, 1);
	for (int k = 0; k < 11; k++) {
		seal(&r, 1, 10, &d);
		ck_assert_int_eq(deliver(&i, 1, &d, NULL, &ev), TK_PEER_DATA);
	}
	ck_assert_int_eq(tk_peer_want_initiate(&i, 1, false), 1);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

START_TEST(peer_replayed_handshake)
{
	struct tk_peer i, r;
	struct wire init, resp, resp2, d;
	uint32_t cur;
	unsigned ev;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	ck_assert_int_eq(tk_peer_initiate(&i, 0, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&r, 0, &init, &resp, &ev), TK_PEER_ANSWER);
	ck_assert_int_eq(deliver(&i, 0, &resp, NULL, &ev), TK_PEER_SESSION);
	seal(&i, 0, 0, &d);
	ck_assert_int_eq(deliver(&r, 0, &d, NULL, &ev), TK_PEER_KEEPALIVE);
	cur = r.cur.local_index;
	/* the recorded initiation again: answered (NNpsk0 cannot tell), but nothing moves */
	ck_assert_int_eq(deliver(&r, 1, &init, &resp2, &ev), TK_PEER_ANSWER);
	ck_assert_uint_eq(ev, 0);
	ck_assert_uint_eq(r.cur.local_index, cur);
	ck_assert_uint_eq(r.sessions, 1);
	seal(&r, 1, 50, &d);
	ck_assert_int_eq(deliver(&i, 1, &d, NULL, &ev), TK_PEER_DATA);
	/* its answer reaches the initiator: no handshake pending, dropped */
	ck_assert_int_eq(deliver(&i, 1, &resp2, NULL, &ev), -EBADMSG);
	ck_assert_uint_eq(i.sessions, 1);
	/* the unconfirmed session is dropped after the rekey timeout */
	ck_assert(r.has_next);
	tk_peer_expire(&r, 1 + (TK_REKEY_TIMEOUT_SEC + 1) * SEC);
	ck_assert(!r.has_next);
	/* a forged response (bit flipped) does not cancel a pending handshake */
	ck_assert_int_eq(tk_peer_initiate(&i, 2, init.b), 0);
	ck_assert_int_eq(deliver(&r, 2, &init, &resp, &ev), TK_PEER_ANSWER);
	resp2 = resp;
	resp2.b[40] ^= 1;
	ck_assert_int_eq(deliver(&i, 2, &resp2, NULL, &ev), -EBADMSG);
	ck_assert_int_eq(deliver(&i, 2, &resp, NULL, &ev), TK_PEER_SESSION);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

START_TEST(peer_restarts)
{
	enum { RESTARTS = 20 };
	static uint8_t first[RESTARTS][TK_FRAME_DATA_HDR + 64 + TK_FRAME_TAG];
	struct wire old[RESTARTS];
	struct tk_peer i, r;
	unsigned ev;

	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	for (int k = 0; k < RESTARTS; k++) {
		/* a new initiator process: same key, counters from 0 */
		tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
		connect_pair(&i, &r, (uint64_t)k);
		seal(&i, (uint64_t)k, 64, &old[k]);
		ck_assert_uint_eq(old[k].len, sizeof(first[k]));
		memcpy(first[k], old[k].b, old[k].len);
		ck_assert_int_eq(deliver(&r, (uint64_t)k, &old[k], NULL, &ev), TK_PEER_DATA);
		tk_peer_wipe(&i);
	}
	/* the same counter (1) and plaintext each time, never the same ciphertext: new keys */
	for (int a = 0; a < RESTARTS; a++)
		for (int b = a + 1; b < RESTARTS; b++)
			ck_assert_mem_ne(first[a] + TK_FRAME_DATA_HDR, first[b] + TK_FRAME_DATA_HDR,
			        64 + TK_FRAME_TAG);
	/* frames of the earlier processes find no session, or are replays */
	for (int k = 0; k < RESTARTS; k++)
		ck_assert_int_lt(deliver(&r, RESTARTS, &old[k], NULL, &ev), 0);
	tk_peer_wipe(&r);
}
END_TEST

START_TEST(peer_backoff)
{
	struct tk_peer i;
	uint8_t init[TK_FRAME_INIT_LEN];
	uint64_t t = 0, gaps[6];

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	for (int k = 0; k < 6; k++) {
		uint64_t from = t;

		while (!tk_peer_want_initiate(&i, t, false))
			t += SEC / 100;
		gaps[k] = t - from;
		ck_assert_int_eq(tk_peer_initiate(&i, t, init), 0);
	}
	ck_assert_uint_eq(gaps[0], 0);
	ck_assert_uint_eq(gaps[1], SEC / 2);
	ck_assert_uint_eq(gaps[2], SEC);
	ck_assert_uint_eq(gaps[3], 2 * SEC);
	ck_assert_uint_eq(gaps[4], 4 * SEC);
	ck_assert_uint_eq(gaps[5], TK_REKEY_TIMEOUT_SEC * SEC);
	tk_peer_wipe(&i);
}
END_TEST

START_TEST(peer_wrong_key)
{
	static const uint8_t other[TK_KEY_LEN] = { 8 };
	struct tk_peer i, r;
	struct wire init, resp;
	unsigned ev;

	tk_peer_init(&i, other, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	ck_assert_int_eq(tk_peer_initiate(&i, 0, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&r, 0, &init, &resp, &ev), -EBADMSG);
	ck_assert_uint_eq(resp.len, 0);
	ck_assert(!r.has_next);
	/* the new key after SIGHUP: the next handshake works */
	tk_peer_set_key(&i, psk);
	ck_assert_int_eq(tk_peer_initiate(&i, 1, init.b), 0);
	ck_assert_int_eq(deliver(&r, 1, &init, &resp, &ev), TK_PEER_ANSWER);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

/* Workers: every index a peer makes carries its lane; worker k answers worker k only, and a
 * refused initiation changes nothing. */
START_TEST(peer_lanes)
{
	struct tk_peer i, r;
	struct wire init, resp, d;
	unsigned ev;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	i.lane = 3;
	r.lane = 1;
	for (int k = 0; k < 50; k++) {
		ck_assert_int_eq(tk_peer_initiate(&i, (uint64_t)k, init.b), 0);
		ck_assert_uint_eq(TK_PEER_LANE(i.hs.local_index), 3);
		ck_assert_uint_eq(TK_PEER_LANE(init.b[4]), 3); /* what the socket filter reads */
	}
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&r, 0, &init, &resp, &ev), -EXDEV);
	ck_assert_uint_eq(resp.len, 0);
	ck_assert(!r.has_next && !r.has_cur);
	r.lane = 3;
	ck_assert_int_eq(deliver(&r, 0, &init, &resp, &ev), TK_PEER_ANSWER);
	ck_assert_uint_eq(TK_PEER_LANE(r.next.local_index), 3);
	ck_assert_int_eq(deliver(&i, 0, &resp, NULL, &ev), TK_PEER_SESSION);
	seal(&i, 0, 10, &d);
	ck_assert_uint_eq(TK_PEER_LANE(d.b[4]), 3); /* data to the responder names its lane */
	ck_assert_int_eq(deliver(&r, 0, &d, NULL, &ev), TK_PEER_DATA);
	seal(&r, 0, 10, &d);
	ck_assert_uint_eq(TK_PEER_LANE(d.b[4]), 3);
	ck_assert_int_eq(deliver(&i, 0, &d, NULL, &ev), TK_PEER_DATA);
	tk_peer_wipe(&i);
	tk_peer_wipe(&r);
}
END_TEST

/* Registered indexes follow the sessions: what the table holds is what each peer's sessions
 * and pending handshake use, through rekeys, expiry and wipe. */
static bool holds_exactly(const struct tk_itab *t, const struct tk_peer *p)
{
	size_t n = 0;

	if (p->has_cur && tk_itab_get(t, p->cur.local_index) == p->owner)
		n++;
	if (p->has_next && tk_itab_get(t, p->next.local_index) == p->owner)
		n++;
	if (p->has_prev && tk_itab_get(t, p->prev.local_index) == p->owner)
		n++;
	if (p->hs_pending && tk_itab_get(t, p->hs.local_index) == p->owner)
		n++;
	return n == t->n;
}

START_TEST(peer_itab)
{
	struct tk_itab ti = { 0 }, tr = { 0 };
	struct tk_peer i, r;
	int owner_i, owner_r;

	tk_peer_init(&i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&r, psk, TK_CIPHER_ALL, false);
	i.itab = &ti;
	i.owner = &owner_i;
	r.itab = &tr;
	r.owner = &owner_r;
	for (int k = 0; k < 6; k++) {
		connect_pair(&i, &r, (uint64_t)k * SEC);
		ck_assert(holds_exactly(&ti, &i));
		ck_assert(holds_exactly(&tr, &r));
		ck_assert_uint_le(ti.n, 2); /* cur and prev */
		ck_assert_uint_le(tr.n, 2);
	}
	ck_assert_int_eq(tk_peer_initiate(&i, 7 * SEC, (uint8_t[TK_FRAME_INIT_LEN]){ 0 }), 0);
	ck_assert(holds_exactly(&ti, &i)); /* the pending handshake's index too */
	ck_assert_uint_eq(ti.n, 3);
	ck_assert(tk_peer_expire(&r, 400 * SEC)); /* every session of r is past its age */
	ck_assert_uint_eq(tr.n, 0);
	tk_peer_wipe(&i);
	ck_assert_uint_eq(ti.n, 0);
	tk_peer_wipe(&r);
	tk_itab_free(&ti);
	tk_itab_free(&tr);
}
END_TEST

/* Version 2: two key pairs, a handshake through tk_peer (the responder's part that the
 * tunnel does in between, tk_ik_check_macs and tk_ik_consume, done here) */
struct v2 {
	struct tk_ik_static si, sr;
	struct tk_peer i, r;
};

static void v2_init(struct v2 *v)
{
	uint8_t ki[TK_KEY_LEN] = { 1, 2, 3 }, kr[TK_KEY_LEN] = { 4, 5, 6 };

	ck_assert_int_eq(tk_ik_static_init(&v->si, ki), 0);
	ck_assert_int_eq(tk_ik_static_init(&v->sr, kr), 0);
	tk_peer_init(&v->i, psk, TK_CIPHER_ALL, true);
	tk_peer_init(&v->r, psk, TK_CIPHER_ALL, false);
	v->i.me = &v->si;
	memcpy(v->i.peer_pub, v->sr.pub, TK_KEY_LEN);
	v->r.me = &v->sr;
	memcpy(v->r.peer_pub, v->si.pub, TK_KEY_LEN);
	v->i.has_psk = v->r.has_psk = true;
}

/* The responder's side of an initiation; cookie as tk_ik_check_macs() takes it. */
static int v2_answer(struct v2 *v, const struct wire *init, const uint8_t *cookie,
        struct wire *resp)
{
	uint8_t pub[TK_KEY_LEN], ts[TK_IK_TAI64N_LEN];
	struct tk_ik_hs hs;
	unsigned offered;
	uint32_t sender;
	int r = tk_ik_check_macs(&v->sr, init->b, init->len, cookie);

	if (r)
		return r;
	ck_assert_int_eq(tk_ik_consume(&hs, &v->sr, init->b, init->len, pub, ts, &offered, &sender), 0);
	ck_assert_mem_eq(pub, v->si.pub, TK_KEY_LEN);
	return tk_peer_answer_v2(&v->r, 0, &hs, resp->b, &resp->len);
}

START_TEST(peer_v2)
{
	uint8_t ts[TK_IK_TAI64N_LEN], cookie[TK_COOKIE_LEN], secret[32] = { 9 }, nonce[24] = { 1 };
	struct sockaddr_storage from = { .ss_family = AF_INET };
	struct wire init, resp, d, cr;
	struct v2 v;
	unsigned ev;

	v2_init(&v);
	ck_assert_int_eq(tk_tai64n(ts, 1000.0), 0);
	ck_assert_int_eq(tk_peer_initiate_v2(&v.i, 0, ts, init.b), 0);
	init.len = TK_FRAME_IK_INIT_LEN;
	ck_assert_int_eq(v2_answer(&v, &init, NULL, &resp), TK_PEER_ANSWER);
	ck_assert_uint_lt(resp.len, init.len);
	ck_assert_int_eq(deliver(&v.i, 0, &resp, NULL, &ev), TK_PEER_SESSION);
	seal(&v.i, 0, 0, &d);
	ck_assert_int_eq(deliver(&v.r, 0, &d, NULL, &ev), TK_PEER_KEEPALIVE);
	ck_assert(ev & TK_PEER_EV_NEW_SESSION);
	seal(&v.r, 0, 100, &d);
	ck_assert_int_eq(deliver(&v.i, 0, &d, NULL, &ev), TK_PEER_DATA);
	/* a version 1 message means nothing to a version 2 peer */
	ck_assert_int_eq(tk_peer_initiate(&v.i, 0, init.b), 0);
	init.len = TK_FRAME_INIT_LEN;
	ck_assert_int_eq(deliver(&v.r, 0, &init, NULL, &ev), -EBADMSG);

	/* under load: a cookie reply instead of an answer; the next initiation carries it */
	ck_assert_int_eq(tk_peer_initiate_v2(&v.i, SEC, ts, init.b), 0);
	init.len = TK_FRAME_IK_INIT_LEN;
	ck_assert_int_eq(tk_cookie_make(cookie, secret, &from), 0);
	ck_assert_int_eq(v2_answer(&v, &init, cookie, &resp), -EAGAIN);
	ck_assert_int_eq(tk_cookie_reply(cr.b, &v.sr, tk_frame_get_le32(init.b + 4),
	                         init.b + TK_FRAME_IK_INIT_MAC1, cookie, nonce), 0);
	cr.len = TK_FRAME_COOKIE_LEN;
	ck_assert_uint_lt(cr.len, init.len);
	ck_assert_int_eq(deliver(&v.i, SEC, &cr, NULL, &ev), TK_PEER_COOKIE);
	ck_assert_int_eq(tk_peer_want_initiate(&v.i, SEC + 1, true), 1); /* at once, no backoff */
	ck_assert_int_eq(tk_tai64n(ts, 1001.0), 0);
	ck_assert_int_eq(tk_peer_initiate_v2(&v.i, SEC + 1, ts, init.b), 0);
	ck_assert_int_eq(v2_answer(&v, &init, cookie, &resp), TK_PEER_ANSWER);
	ck_assert_int_eq(deliver(&v.i, SEC + 1, &resp, NULL, &ev), TK_PEER_SESSION);
	ck_assert_uint_eq(v.i.sessions, 2);
	/* the cookie reply again: nothing pending for it */
	ck_assert_int_eq(deliver(&v.i, SEC + 2, &cr, NULL, &ev), -EBADMSG);
	tk_peer_wipe(&v.i);
	tk_peer_wipe(&v.r);
	tk_ik_static_wipe(&v.si);
	tk_ik_static_wipe(&v.sr);
}
END_TEST

Suite *suite_peer(void)
{
	Suite *s = suite_create("peer");
	TCase *tc = tcase_create("sessions");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, peer_first_session);
	tcase_add_test(tc, peer_rekey_in_flight);
	tcase_add_test(tc, peer_rekey_by_count);
	tcase_add_test(tc, peer_replayed_handshake);
	tcase_add_test(tc, peer_restarts);
	tcase_add_test(tc, peer_backoff);
	tcase_add_test(tc, peer_wrong_key);
	tcase_add_test(tc, peer_lanes);
	tcase_add_test(tc, peer_itab);
	tcase_add_test(tc, peer_v2);
	suite_add_tcase(s, tc);
	return s;
}
