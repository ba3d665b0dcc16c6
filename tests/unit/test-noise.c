/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Noise layer (engine/noise.c) against published test vectors, byte for byte: both
 * handshake messages, the handshake hash and four transport messages of each pattern the
 * tunnel uses; and the API's refusals (missing keys, wrong turn, a low-order point).
 */
#include <check.h>
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "engine/noise.h"
#include "suites.h"
#include "unhex.h"

/*
 * Cacophony's vectors (github.com/haskell-cryptography/cacophony, vectors/cacophony.txt,
 * commit 8ee9d41), the values only.  Both use the same prologue, PSK and ephemeral keys.
 */
struct vector {
	const struct tk_noise_pattern *pat;
	const char *init_static, *resp_static, *resp_static_pub; /* "" when the pattern has none */
	const char *hash;
	struct {
		const char *payload, *ciphertext;
	} msgs[6];
};

static const char vec_prologue[] = "4a6f686e2047616c74";
static const char vec_psk[] = "54686973206973206d7920417573747269616e20706572737065637469766521";
static const char vec_init_e[] = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
static const char vec_resp_e[] = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";

static const struct vector vectors[] = {
        {
                .pat = &tk_noise_nnpsk0,
                .init_static = "",
                .resp_static = "",
                .resp_static_pub = "",
                .hash = "ed5e9692d0ab507b6c2beec3f584fd5b127817a9d20b26cd50aa72c507260fa3"
                        "1aa7d88dd3723316338af37ce0b4cfb2923aeb848bbf2b934911306f01ffc963",
                .msgs = {{"4c756477696720766f6e204d69736573",
                                 "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
                                 "ed63df2f5a12aee1185ee9c50305f2ecf12421dcb53c047a63b784cf7c54a10"
                                 "5"},
                        {"4d757272617920526f746862617264",
                                "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
                                "0e0fe7d5c0c9b92f7478716c8852f1b4f389edb75e3ebe546fafafd5b6f0f7"},
                        {"462e20412e20486179656b",
                                "0fe04b26dcfbb69f8a6a94c61f1a26ef88769218d32f5d17c068a6"},
                        {"4361726c204d656e676572",
                                "2239e0c540c01f09eb1f4cc5258fd5acfefff18a5a3773f21b7bfe"},
                        {"4a65616e2d426170746973746520536179",
                                "f216cb03d30fb8af1e561fe02a07552d09b416e27a75e62c77d193718b0bdaa"
                                "e9f"},
                        {"457567656e2042f6686d20766f6e2042617765726b",
                                "6e8baf98b944184dd7dc5ef14d8108cbeca626de118a5460f3308e294d61e17"
                                "238bce29bd9"}},
        },
        {
                .pat = &tk_noise_ikpsk2,
                .init_static = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
                .resp_static = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
                .resp_static_pub =
                        "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62",
                .hash = "ed837c9084f2f0333a7ec60b9bcacd9921394858de8ced118b5966d1147ba390"
                        "084dab42326c565a309c29317a6079be30aa1d790d25a517b43287426cb1d36a",
                .msgs = {{"4c756477696720766f6e204d69736573",
                                 "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
                                 "b6fe0240b839afac809de1630eaf99d8f9b941394f0512c0554633bbb021d151"
                                 "76135c0a20e7fdb9a9ed066f22f054b47625b1d5061cb27d6a17f053273db7c2"
                                 "5216a5addc506ee321bc0618feb5849d"},
                        {"4d757272617920526f746862617264",
                                "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
                                "8f627e69fc120006f746b9d420bf4056cf8481ab32d9e904ffaeeaa56a5290"},
                        {"462e20412e20486179656b",
                                "07fc0034398a5f1010322be193d62f94bebf2948a20b3e15d681fe"},
                        {"4361726c204d656e676572",
                                "2ea5400f5b8a16971c8b67bde75aeb7987d454b1c0beeb2566932d"},
                        {"4a65616e2d426170746973746520536179",
                                "96eef918ef51639fc0e156da1823c4f71b33fac5af983f5da9384f7da20d86e"
                                "d91"},
                        {"457567656e2042f6686d20766f6e2042617765726b",
                                "f02766a56496e1fbf32e05274baebf6d693c8f3e4c6e0dc7ebdc5ac170f15da"
                                "e433b92f469"}},
        },
};

/* Both sides of vector v, initialized as the vector says. */
static void vector_init(const struct vector *v, struct tk_noise_hs *hi, struct tk_noise_hs *hr)
{
	uint8_t prologue[16], psk[32], e[32], is[32], rs[32], rs_pub[32], pub[32];
	size_t prologue_len = unhex(prologue, sizeof(prologue), vec_prologue);
	bool statics = unhex(is, sizeof(is), v->init_static) != 0;

	unhex(psk, sizeof(psk), vec_psk);
	unhex(rs, sizeof(rs), v->resp_static);
	unhex(rs_pub, sizeof(rs_pub), v->resp_static_pub);
	if (statics) {
		/* the vector's remote static key is the responder's: X25519 agrees */
		ck_assert_int_eq(crypto_scalarmult_base(pub, rs), 0);
		ck_assert_mem_eq(pub, rs_pub, 32);
	}
	ck_assert_int_eq(tk_noise_hs_init(hi, v->pat, true, prologue, prologue_len,
	                         statics ? is : NULL, statics ? rs_pub : NULL, psk),
	        0);
	ck_assert_int_eq(tk_noise_hs_init(hr, v->pat, false, prologue, prologue_len,
	                         statics ? rs : NULL, NULL, psk),
	        0);
	ck_assert_int_eq(tk_noise_hs_set_ephemeral(hi, (unhex(e, sizeof(e), vec_init_e), e)), 0);
	ck_assert_int_eq(tk_noise_hs_set_ephemeral(hr, (unhex(e, sizeof(e), vec_resp_e), e)), 0);
}

/* Message m of the vector: written by one side, read by the other, compared. */
static void vector_message(const struct vector *v, size_t m, struct tk_noise_hs *hs,
        struct tk_noise_cipher ci[2], struct tk_noise_cipher cr[2])
{
	uint8_t pay[64], ct[160], out[160], back[64];
	size_t pl = unhex(pay, sizeof(pay), v->msgs[m].payload);
	size_t want = unhex(ct, sizeof(ct), v->msgs[m].ciphertext), ct_len, n;
	bool from_i = m % 2 == 0;

	if (m < 2) {
		ck_assert_uint_eq(tk_noise_message_len(&hs[!from_i], pl), want);
		ck_assert_int_eq(
		        tk_noise_write_message(&hs[!from_i], pay, pl, out, sizeof(out), &ct_len),
		        0);
		ck_assert_int_eq(
		        tk_noise_read_message(&hs[from_i], out, ct_len, back, sizeof(back), &n), 0);
	} else {
		ct_len = pl + TK_NOISE_TAGLEN;
		ck_assert_int_eq(
		        tk_noise_cipher_encrypt(from_i ? &ci[0] : &cr[1], NULL, 0, pay, pl, out),
		        0);
		ck_assert_int_eq(tk_noise_cipher_decrypt(
		                         from_i ? &cr[0] : &ci[1], NULL, 0, out, ct_len, back),
		        0);
		n = pl;
	}
	ck_assert_uint_eq(ct_len, want);
	ck_assert_mem_eq(out, ct, want);
	ck_assert_uint_eq(n, pl);
	ck_assert_mem_eq(back, pay, pl);
}

START_TEST(noise_vectors)
{
	const struct vector *v = &vectors[_i];
	struct tk_noise_hs hs[2];            /* [0] the initiator, [1] the responder */
	struct tk_noise_cipher ci[2], cr[2]; /* [0] sends i->r, [1] sends r->i */
	uint8_t hash[64], rs[32];

	vector_init(v, &hs[0], &hs[1]);
	unhex(hash, sizeof(hash), v->hash);
	memset(ci, 0, sizeof(ci));
	memset(cr, 0, sizeof(cr));
	for (size_t m = 0; m < 6; m++) {
		vector_message(v, m, hs, ci, cr);
		if (m != 1)
			continue;
		ck_assert_mem_eq(tk_noise_hs_hash(&hs[0]), hash, 64);
		ck_assert_mem_eq(tk_noise_hs_hash(&hs[1]), hash, 64);
		ck_assert_int_eq(tk_noise_split(&hs[0], ci[0].k, ci[1].k), 0);
		ck_assert_int_eq(tk_noise_split(&hs[1], cr[0].k, cr[1].k), 0);
		for (int i = 0; i < 2; i++)
			ci[i].has_key = cr[i].has_key = true;
	}
	if (v->pat->pre_rs) {
		/* the responder learned the initiator's static public key from message 1 */
		unhex(rs, sizeof(rs), v->init_static);
		ck_assert_int_eq(crypto_scalarmult_base(rs, rs), 0);
		ck_assert_ptr_nonnull(tk_noise_hs_remote_static(&hs[1]));
		ck_assert_mem_eq(tk_noise_hs_remote_static(&hs[1]), rs, 32);
	} else {
		ck_assert_ptr_null(tk_noise_hs_remote_static(&hs[1]));
	}
	tk_noise_hs_wipe(&hs[0]);
	tk_noise_hs_wipe(&hs[1]);
}
END_TEST

START_TEST(noise_refusals)
{
	uint8_t s[32] = {1}, rs[32], psk[32] = {2}, zero[32] = {0}, msg[200], pay[64];
	struct tk_noise_hs hi, hr;
	size_t n;

	ck_assert_int_eq(crypto_scalarmult_base(rs, s), 0);
	/* IK needs the responder's key on both sides before the first message */
	ck_assert_int_eq(
	        tk_noise_hs_init(&hi, &tk_noise_ikpsk2, true, NULL, 0, s, NULL, psk), -EINVAL);
	ck_assert_int_eq(
	        tk_noise_hs_init(&hr, &tk_noise_ikpsk2, false, NULL, 0, NULL, NULL, psk), -EINVAL);
	ck_assert_int_eq(
	        tk_noise_hs_init(NULL, &tk_noise_ikpsk2, true, NULL, 0, s, rs, psk), -EINVAL);
	ck_assert_int_eq(tk_noise_hs_init(&hi, NULL, true, NULL, 0, s, rs, psk), -EINVAL);
	/* an initiator without its own static key cannot write "s" */
	ck_assert_int_eq(tk_noise_hs_init(&hi, &tk_noise_ikpsk2, true, NULL, 0, NULL, rs, psk), 0);
	ck_assert_int_eq(tk_noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &n), -EPROTO);
	/* the psk can come late, but not after its token */
	ck_assert_int_eq(tk_noise_hs_init(&hi, &tk_noise_ikpsk2, true, NULL, 0, s, rs, NULL), 0);
	ck_assert_int_eq(tk_noise_hs_init(&hr, &tk_noise_ikpsk2, false, NULL, 0, s, NULL, NULL), 0);
	ck_assert_int_eq(tk_noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &n), 0);
	ck_assert_uint_eq(n, 32 + 48 + 16);
	/* wrong turn: the initiator reads nothing yet, the responder writes nothing yet */
	ck_assert_int_eq(tk_noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &n), -EPROTO);
	ck_assert_int_eq(tk_noise_write_message(&hr, NULL, 0, msg, sizeof(msg), &n), -EPROTO);
	ck_assert_int_eq(tk_noise_read_message(&hr, msg, 95, pay, sizeof(pay), &n), -EBADMSG);
	ck_assert_int_eq(tk_noise_read_message(&hr, msg, 96, pay, sizeof(pay), &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(tk_noise_write_message(&hr, NULL, 0, msg, sizeof(msg), &n), -ENOKEY);
	/* a low-order ephemeral key from the peer: an all-zero DH result fails */
	ck_assert_int_eq(tk_noise_hs_init(&hr, &tk_noise_ikpsk2, false, NULL, 0, s, NULL, psk), 0);
	ck_assert_int_eq(tk_noise_hs_init(&hi, &tk_noise_ikpsk2, true, NULL, 0, s, rs, psk), 0);
	ck_assert_int_eq(tk_noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &n), 0);
	memcpy(msg, zero, 32);
	ck_assert_int_eq(tk_noise_read_message(&hr, msg, n, pay, sizeof(pay), &n), -EBADMSG);
	/* split only when done */
	ck_assert_int_eq(tk_noise_split(&hi, pay, pay + 32), -EPROTO);
	tk_noise_hs_wipe(&hi);
	tk_noise_hs_wipe(&hr);
}
END_TEST

START_TEST(noise_wrong_responder_key)
{
	/* the initiator believes in another responder key: message 1 does not authenticate */
	uint8_t s[32], other[32], rs[32], psk[32] = {2}, msg[200], pay[64];
	struct tk_noise_hs hi, hr;
	size_t n;

	/* not {1} and {3}: clamping clears the low three bits, they would be the same key */
	memset(s, 0x11, sizeof(s));
	memset(other, 0x33, sizeof(other));
	ck_assert_int_eq(crypto_scalarmult_base(rs, other), 0);
	ck_assert_int_eq(tk_noise_hs_init(&hi, &tk_noise_ikpsk2, true, NULL, 0, s, rs, psk), 0);
	ck_assert_int_eq(tk_noise_hs_init(&hr, &tk_noise_ikpsk2, false, NULL, 0, s, NULL, psk), 0);
	ck_assert_int_eq(tk_noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &n), 0);
	ck_assert_int_eq(tk_noise_read_message(&hr, msg, n, pay, sizeof(pay), &n), -EBADMSG);
	tk_noise_hs_wipe(&hi);
	tk_noise_hs_wipe(&hr);
}
END_TEST

static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

Suite *suite_noise(void)
{
	Suite *s = suite_create("noise");
	TCase *tc = tcase_create("noise");

	tcase_add_loop_test(tc, noise_vectors, 0, sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_test(tc, noise_refusals);
	tcase_add_test(tc, noise_wrong_responder_key);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	return s;
}
