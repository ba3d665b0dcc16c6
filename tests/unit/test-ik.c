/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Version 2's handshake (engine/ik.c) between two in-memory endpoints: whole handshakes
 * ending in sessions that carry data both ways, and every way one must fail: another
 * responder key, another psk, tampered bytes, a replayed response, no common cipher; that a
 * passive observer does not see the initiator's key; the sizes of the amplification rule.
 * The MACs, cookies and time stamps are in test-cookie.c.
 */
#include <check.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "engine/ik.h"
#include "suites.h"
#include "unhex.h"

/* Two endpoints with their keys: i initiates, r responds. */
struct ends {
	struct tk_ik_static i, r;
	uint8_t init[TK_FRAME_IK_INIT_LEN], resp[TK_FRAME_IK_RESP_LEN];
	struct tk_ik_hs hi, hr;
	struct tk_session si, sr;
};

static void ends_init(struct ends *e)
{
	uint8_t k[TK_KEY_LEN];

	memset(e, 0, sizeof(*e));
	randombytes_buf(k, sizeof(k));
	ck_assert_int_eq(tk_ik_static_init(&e->i, k), 0);
	randombytes_buf(k, sizeof(k));
	ck_assert_int_eq(tk_ik_static_init(&e->r, k), 0);
}

static void stamp(uint8_t t[TK_IK_TAI64N_LEN], double when)
{
	ck_assert_int_eq(tk_tai64n(t, when), 0);
}

/* Message 1 from i to r with psk, checked and read by r: who sent it, and what. */
static void initiate_and_consume(struct ends *e, const uint8_t *psk, unsigned ciphers)
{
	uint8_t t[TK_IK_TAI64N_LEN], who[TK_KEY_LEN], when[TK_IK_TAI64N_LEN];
	unsigned offered;
	uint32_t sender;

	stamp(t, 1700000000.5);
	ck_assert_int_eq(
	        tk_ik_initiate(&e->hi, &e->i, e->r.pub, psk, 0x11111111, ciphers, t, NULL, e->init),
	        0);
	ck_assert_int_eq(tk_ik_check_macs(&e->r, e->init, sizeof(e->init), NULL), 0);
	ck_assert_int_eq(tk_ik_consume(&e->hr, &e->r, e->init, sizeof(e->init), who, when, &offered,
	                         &sender),
	        0);
	ck_assert_mem_eq(who, e->i.pub, TK_KEY_LEN);
	ck_assert_mem_eq(when, t, TK_IK_TAI64N_LEN);
	ck_assert_uint_eq(offered, ciphers);
	ck_assert_uint_eq(sender, 0x11111111);
}

/* A whole handshake; the sessions must mirror each other. */
static void handshake(struct ends *e, const uint8_t *psk_i, const uint8_t *psk_r, unsigned ci,
        unsigned cr, unsigned want)
{
	initiate_and_consume(e, psk_i, ci);
	ck_assert_int_eq(tk_ik_respond(&e->hr, psk_r, 0x22222222, cr, 5, e->resp, &e->sr), 0);
	ck_assert_int_eq(tk_ik_check_macs(&e->i, e->resp, sizeof(e->resp), NULL), 0);
	ck_assert_int_eq(tk_ik_finish(&e->hi, e->resp, sizeof(e->resp), 6, &e->si), 0);
	ck_assert_uint_eq(e->si.cipher, want);
	ck_assert_uint_eq(e->sr.cipher, want);
	ck_assert(e->si.initiator && !e->sr.initiator);
	ck_assert_uint_eq(e->si.remote_index, 0x22222222);
	ck_assert_uint_eq(e->sr.remote_index, 0x11111111);
	ck_assert_mem_eq(e->si.send_key, e->sr.recv_key, TK_KEY_LEN);
	ck_assert_mem_eq(e->si.recv_key, e->sr.send_key, TK_KEY_LEN);
	ck_assert_mem_ne(e->si.send_key, e->si.recv_key, TK_KEY_LEN);
	/* both handshake states are used up and wiped */
	ck_assert_int_eq(e->hi.state, TK_IK_NONE);
	ck_assert_int_eq(e->hr.state, TK_IK_NONE);
}

static void round_trip(struct tk_session *a, struct tk_session *b, size_t len)
{
	static uint8_t buf[2048];
	size_t flen, plen;

	for (size_t k = 0; k < len; k++)
		buf[TK_FRAME_DATA_HDR + k] = (uint8_t)(k * 3 + len);
	ck_assert_int_eq(tk_crypto_seal(a, buf, len, sizeof(buf), &flen), 0);
	ck_assert_int_eq(tk_crypto_open(b, buf, flen, &plen), 0);
	ck_assert_uint_eq(plen, len);
	for (size_t k = 0; k < len; k++)
		if (buf[TK_FRAME_DATA_HDR + k] != (uint8_t)(k * 3 + len))
			ck_abort_msg("byte %zu of %zu differs", k, len);
}

static const unsigned cipher_cases[][3] = {
        {TK_CIPHER_ALL, TK_CIPHER_ALL, TK_CIPHER_AES256GCM},
        {TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305},
        {TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_CHACHA20POLY1305},
        {TK_CIPHER_AES256GCM, TK_CIPHER_AES256GCM, TK_CIPHER_AES256GCM},
};

START_TEST(ik_handshake_and_data)
{
	const unsigned *c = cipher_cases[_i];
	uint8_t psk[TK_KEY_LEN];
	struct ends e;

	if ((c[2] & TK_CIPHER_AES256GCM) && !crypto_aead_aes256gcm_is_available())
		return;
	ends_init(&e);
	/* with a psk on even cases, without on odd ones */
	randombytes_buf(psk, sizeof(psk));
	handshake(&e, _i % 2 ? NULL : psk, _i % 2 ? NULL : psk, c[0], c[1], c[2]);
	ck_assert_uint_eq(e.si.created_ns, 6);
	ck_assert_uint_eq(e.sr.created_ns, 5);
	for (size_t len = 0; len < 1500; len += 331) {
		round_trip(&e.si, &e.sr, len);
		round_trip(&e.sr, &e.si, len);
	}
	ck_assert(e.si.confirmed && e.sr.confirmed);
	tk_crypto_session_wipe(&e.si);
	tk_crypto_session_wipe(&e.sr);
}
END_TEST

START_TEST(ik_psk_absent_is_zero)
{
	/* no psk on one side and 32 zero bytes on the other: the same handshake */
	static const uint8_t zero[TK_KEY_LEN];
	struct ends e;

	ends_init(&e);
	handshake(&e, NULL, zero, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305,
	        TK_CIPHER_CHACHA20POLY1305);
	handshake(&e, zero, NULL, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305,
	        TK_CIPHER_CHACHA20POLY1305);
}
END_TEST

START_TEST(ik_wrong_psk)
{
	/* psk2: the responder cannot tell, the initiator's check of message 2 fails */
	uint8_t a[TK_KEY_LEN] = {1}, b[TK_KEY_LEN] = {2};
	struct ends e;

	ends_init(&e);
	initiate_and_consume(&e, a, TK_CIPHER_ALL);
	ck_assert_int_eq(tk_ik_respond(&e.hr, b, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), 0);
	ck_assert_int_eq(tk_ik_check_macs(&e.i, e.resp, sizeof(e.resp), NULL), 0);
	ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, sizeof(e.resp), 0, &e.si), -EBADMSG);
	/* a psk on one side only */
	initiate_and_consume(&e, NULL, TK_CIPHER_ALL);
	ck_assert_int_eq(tk_ik_respond(&e.hr, b, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), 0);
	ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, sizeof(e.resp), 0, &e.si), -EBADMSG);
}
END_TEST

START_TEST(ik_wrong_responder_key)
{
	uint8_t t[TK_IK_TAI64N_LEN] = {0}, who[TK_KEY_LEN], when[TK_IK_TAI64N_LEN];
	struct tk_ik_static other;
	uint8_t k[TK_KEY_LEN];
	unsigned offered;
	uint32_t sender;
	struct ends e;

	ends_init(&e);
	randombytes_buf(k, sizeof(k));
	ck_assert_int_eq(tk_ik_static_init(&other, k), 0);
	/* the initiator thinks the responder is "other": mac1 is keyed for other */
	ck_assert_int_eq(
	        tk_ik_initiate(&e.hi, &e.i, other.pub, NULL, 1, TK_CIPHER_ALL, t, NULL, e.init), 0);
	ck_assert_int_eq(tk_ik_check_macs(&e.r, e.init, sizeof(e.init), NULL), -EBADMSG);
	ck_assert_int_eq(
	        tk_ik_consume(&e.hr, &e.r, e.init, sizeof(e.init), who, when, &offered, &sender),
	        -EBADMSG);
	/* with a mac1 made right for r, Noise still fails: es was for other's key */
	tk_ik_mac(e.init + TK_FRAME_IK_INIT_MAC1, e.r.mac1_key, TK_KEY_LEN, e.init,
	        TK_FRAME_IK_INIT_MAC1);
	ck_assert_int_eq(tk_ik_check_macs(&e.r, e.init, sizeof(e.init), NULL), 0);
	ck_assert_int_eq(
	        tk_ik_consume(&e.hr, &e.r, e.init, sizeof(e.init), who, when, &offered, &sender),
	        -EBADMSG);
	ck_assert_int_eq(e.hr.state, TK_IK_NONE);
	/* and "other" itself accepts it */
	ck_assert_int_eq(tk_ik_check_macs(&other, e.init, sizeof(e.init), NULL), -EBADMSG);
	tk_ik_static_wipe(&other);
}
END_TEST

/* Flip bit of a copy of msg, put a right mac1 on it (key), and return the copy. */
static uint8_t *flipped(
        const uint8_t *msg, size_t len, size_t bit, size_t mac1_off, const uint8_t *key)
{
	static uint8_t bad[TK_FRAME_IK_INIT_LEN];

	memcpy(bad, msg, len);
	bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	if (key && bit / 8 < mac1_off)
		tk_ik_mac(bad + mac1_off, key, TK_KEY_LEN, bad, mac1_off);
	return bad;
}

START_TEST(ik_tampered_initiation)
{
	uint8_t who[TK_KEY_LEN], when[TK_IK_TAI64N_LEN], cookie[TK_COOKIE_LEN] = {7};
	unsigned offered;
	uint32_t sender;
	struct ends e;

	ends_init(&e);
	initiate_and_consume(&e, NULL, TK_CIPHER_ALL);
	for (size_t bit = 0; bit < TK_FRAME_IK_INIT_LEN * 8; bit++) {
		const uint8_t *bad = flipped(e.init, sizeof(e.init), bit, 0, NULL);
		int want = bit < TK_FRAME_IK_INIT_MAC2 * 8 ? -EBADMSG : 0;

		/* mac1 covers everything before it; mac2 is checked only with a cookie */
		if (tk_ik_check_macs(&e.r, bad, sizeof(e.init), NULL) != want)
			ck_abort_msg("flipped bit %zu: mac1", bit);
		if (want == 0 && tk_ik_check_macs(&e.r, bad, sizeof(e.init), cookie) != -EAGAIN)
			ck_abort_msg("flipped bit %zu: mac2", bit);
		if (bit >= TK_FRAME_IK_INIT_MAC1 * 8)
			continue;
		/* past a mac1 made right again, Noise (or the index, or a reserved byte) fails */
		bad = flipped(e.init, sizeof(e.init), bit, TK_FRAME_IK_INIT_MAC1, e.r.mac1_key);
		if (tk_ik_consume(&e.hr, &e.r, bad, sizeof(e.init), who, when, &offered, &sender) !=
		        -EBADMSG)
			ck_abort_msg("flipped bit %zu accepted", bit);
	}
	for (size_t n = 0; n < sizeof(e.init) + 1; n++)
		if (n != sizeof(e.init) && tk_ik_check_macs(&e.r, e.init, n, NULL) != -EBADMSG)
			ck_abort_msg("a %zu-byte initiation passed", n);
}
END_TEST

START_TEST(ik_tampered_response)
{
	struct tk_ik_hs saved;
	struct ends e;

	ends_init(&e);
	initiate_and_consume(&e, NULL, TK_CIPHER_ALL);
	ck_assert_int_eq(tk_ik_respond(&e.hr, NULL, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), 0);
	saved = e.hi;
	/* every bit before mac2, with mac1 as it was and made right again: refused, and the
	 * pending handshake stays as it was for the real response */
	for (size_t bit = 0; bit < TK_FRAME_IK_RESP_MAC2 * 8; bit++) {
		for (int fix = 0; fix < 2; fix++) {
			const uint8_t *bad = flipped(e.resp, sizeof(e.resp), bit,
			        TK_FRAME_IK_RESP_MAC1, fix ? e.i.mac1_key : NULL);

			if (tk_ik_finish(&e.hi, bad, sizeof(e.resp), 0, &e.si) != -EBADMSG)
				ck_abort_msg(
				        "flipped response bit %zu (fix %d) accepted", bit, fix);
		}
	}
	ck_assert_mem_eq(&saved, &e.hi, sizeof(saved));
	for (size_t n = 0; n < sizeof(e.resp); n++)
		ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, n, 0, &e.si), -EBADMSG);
	/* mac1 is keyed by the initiator's key: the responder itself would not take it */
	ck_assert_int_eq(tk_ik_check_macs(&e.r, e.resp, sizeof(e.resp), NULL), -EBADMSG);
	ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, sizeof(e.resp), 0, &e.si), 0);
	/* replayed: the handshake is used up */
	ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, sizeof(e.resp), 0, &e.si), -EBADMSG);
	/* and a new handshake with the same index does not take the old response either */
	initiate_and_consume(&e, NULL, TK_CIPHER_ALL);
	ck_assert_int_eq(tk_ik_finish(&e.hi, e.resp, sizeof(e.resp), 0, &e.si), -EBADMSG);
	ck_assert_int_eq(e.hi.state, TK_IK_SENT);
}
END_TEST

START_TEST(ik_refusals)
{
	uint8_t t[TK_IK_TAI64N_LEN] = {0}, zero[TK_KEY_LEN] = {0}, pub[TK_KEY_LEN];
	struct ends e;

	ends_init(&e);
	/* no cipher offered */
	ck_assert_int_eq(
	        tk_ik_initiate(&e.hi, &e.i, e.r.pub, NULL, 1, 0, t, NULL, e.init), -EINVAL);
	ck_assert_int_eq(e.hi.state, TK_IK_NONE);
	/* a low-order responder key */
	ck_assert_int_eq(tk_ik_initiate(&e.hi, &e.i, zero, NULL, 1, TK_CIPHER_ALL, t, NULL, e.init),
	        -EBADMSG);
	ck_assert_int_eq(e.hi.state, TK_IK_NONE);
	/* respond without a consumed initiation */
	ck_assert_int_eq(tk_ik_respond(&e.hr, NULL, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), -EPROTO);
	/* no common cipher: no response, the state is gone */
	initiate_and_consume(&e, NULL, TK_CIPHER_AES256GCM);
	ck_assert_int_eq(
	        tk_ik_respond(&e.hr, NULL, 9, TK_CIPHER_CHACHA20POLY1305, 0, e.resp, &e.sr),
	        -ENOPROTOOPT);
	ck_assert_int_eq(e.hr.state, TK_IK_NONE);
	ck_assert_int_eq(tk_ik_respond(&e.hr, NULL, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), -EPROTO);
	/* other frame types are not handshake messages with MACs */
	memset(e.resp, 0, sizeof(e.resp));
	tk_frame_put_data(e.resp, 1, 0);
	ck_assert_int_eq(tk_ik_check_macs(&e.r, e.resp, TK_FRAME_MIN, NULL), -EBADMSG);
	/* a private key is any 32 bytes (X25519 clamps it) */
	ck_assert_int_eq(tk_ik_pubkey(pub, zero), 0);
}
END_TEST

START_TEST(ik_identity_hidden)
{
	/* a passive observer sees e, and s only encrypted under es: not the initiator's key */
	struct ends e;

	ends_init(&e);
	for (int k = 0; k < 16; k++) {
		initiate_and_consume(&e, NULL, TK_CIPHER_ALL);
		ck_assert_ptr_null(memmem(e.init, sizeof(e.init), e.i.pub, TK_KEY_LEN));
		ck_assert_ptr_null(memmem(e.init, sizeof(e.init), e.i.pub, 8));
		ck_assert_int_eq(tk_ik_respond(&e.hr, NULL, 9, TK_CIPHER_ALL, 0, e.resp, &e.sr), 0);
		ck_assert_ptr_null(memmem(e.resp, sizeof(e.resp), e.i.pub, 8));
		ck_assert_ptr_null(memmem(e.resp, sizeof(e.resp), e.r.pub, 8));
		tk_ik_hs_wipe(&e.hi);
	}
}
END_TEST

START_TEST(ik_pubkey_rfc7748)
{
	/* RFC 7748, section 6.1: Alice's and Bob's key pairs */
	static const char *const pairs[][2] = {
	        {"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"},
	        {"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	                "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"},
	};
	uint8_t priv[TK_KEY_LEN], pub[TK_KEY_LEN], got[TK_KEY_LEN], buf[40], key[TK_KEY_LEN];
	struct tk_ik_static st;

	for (size_t k = 0; k < 2; k++) {
		unhex(priv, sizeof(priv), pairs[k][0]);
		unhex(pub, sizeof(pub), pairs[k][1]);
		ck_assert_int_eq(tk_ik_pubkey(got, priv), 0);
		ck_assert_mem_eq(got, pub, TK_KEY_LEN);
		ck_assert_int_eq(tk_ik_static_init(&st, priv), 0);
		ck_assert_mem_eq(st.pub, pub, TK_KEY_LEN);
		/* the derived keys, computed here the plain way */
		memcpy(buf, "mac1----", 8);
		memcpy(buf + 8, pub, TK_KEY_LEN);
		crypto_generichash(key, sizeof(key), buf, sizeof(buf), NULL, 0);
		ck_assert_mem_eq(st.mac1_key, key, TK_KEY_LEN);
		memcpy(buf, "cookie--", 8);
		crypto_generichash(key, sizeof(key), buf, sizeof(buf), NULL, 0);
		ck_assert_mem_eq(st.cookie_key, key, TK_KEY_LEN);
		tk_ik_static_wipe(&st);
	}
}
END_TEST

static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

Suite *suite_ik(void)
{
	Suite *s = suite_create("ik");
	TCase *tc = tcase_create("handshake");

	tcase_add_loop_test(tc, ik_handshake_and_data, 0, 4);
	tcase_add_test(tc, ik_psk_absent_is_zero);
	tcase_add_test(tc, ik_wrong_psk);
	tcase_add_test(tc, ik_wrong_responder_key);
	tcase_add_test(tc, ik_tampered_initiation);
	tcase_add_test(tc, ik_tampered_response);
	tcase_add_test(tc, ik_refusals);
	tcase_add_test(tc, ik_identity_hidden);
	tcase_add_test(tc, ik_pubkey_rfc7748);
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	return s;
}
