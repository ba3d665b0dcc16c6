/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's pure engine (the Noise vectors are in test-noise.c): the tunnel handshake
 * between two in-memory peers, data frames sealed and opened in place, the
 * replay window against a reference model, the TCP stream framer and the key file.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/crypto.h"
#include "engine/frame.h"
#include "engine/handshake.h"
#include "engine/noise.h"
#include "engine/replay.h"

Suite *suite_engine(void);

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

/* Two peers in memory: a handshake with the given cipher masks. */
struct pair {
	struct tk_session i, r;
};

static void handshake(struct pair *p, unsigned ci, unsigned cr, unsigned want)
{
	static const uint8_t psk[TK_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t init[TK_FRAME_INIT_LEN], resp[TK_FRAME_RESP_LEN];
	struct tk_handshake hs;

	ck_assert_int_eq(tk_handshake_initiate(&hs, psk, 0x11111111, ci, init), 0);
	ck_assert_int_eq(
	        tk_handshake_respond(psk, init, sizeof(init), 0x22222222, cr, 0, resp, &p->r), 0);
	ck_assert_int_eq(tk_handshake_finish(&hs, resp, sizeof(resp), 0, &p->i), 0);
	ck_assert_uint_eq(p->i.cipher, want);
	ck_assert_uint_eq(p->r.cipher, want);
	ck_assert_uint_eq(p->i.remote_index, 0x22222222);
	ck_assert_uint_eq(p->r.remote_index, 0x11111111);
	ck_assert_mem_eq(p->i.send_key, p->r.recv_key, TK_KEY_LEN);
	ck_assert_mem_eq(p->i.recv_key, p->r.send_key, TK_KEY_LEN);
	ck_assert_mem_ne(p->i.send_key, p->i.recv_key, TK_KEY_LEN);
}

/* Seal len bytes of a pattern from a to b, open it, compare. */
static void round_trip(struct tk_session *a, struct tk_session *b, size_t len)
{
	static uint8_t buf[TK_FRAME_MAX];
	size_t flen, plen;

	for (size_t k = 0; k < len; k++)
		buf[TK_FRAME_DATA_HDR + k] = (uint8_t)(k * 7 + len);
	ck_assert_int_eq(tk_crypto_seal(a, buf, len, sizeof(buf), &flen), 0);
	ck_assert_uint_eq(flen, len + TK_FRAME_OVERHEAD);
	ck_assert_int_eq(tk_crypto_open(b, buf, flen, &plen), 0);
	ck_assert_uint_eq(plen, len);
	for (size_t k = 0; k < len; k++)
		if (buf[TK_FRAME_DATA_HDR + k] != (uint8_t)(k * 7 + len))
			ck_abort_msg("byte %zu of %zu differs", k, len);
}

static const unsigned cipher_cases[][3] = {
        {TK_CIPHER_ALL, TK_CIPHER_ALL, TK_CIPHER_AES256GCM},
        {TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305},
        {TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_CHACHA20POLY1305},
        {TK_CIPHER_AES256GCM, TK_CIPHER_AES256GCM, TK_CIPHER_AES256GCM},
};

START_TEST(handshake_and_data)
{
	const unsigned *c = cipher_cases[_i];
	static const size_t lens[] = {0, 1, 15, 16, 17, 1420, 9000, TK_FRAME_MAX_PAYLOAD};
	struct pair p;

	if ((c[2] & TK_CIPHER_AES256GCM) && !crypto_aead_aes256gcm_is_available())
		return;
	handshake(&p, c[0], c[1], c[2]);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		round_trip(&p.i, &p.r, lens[k]);
		round_trip(&p.r, &p.i, lens[k]);
	}
	ck_assert(p.i.confirmed && p.r.confirmed);
	tk_crypto_session_wipe(&p.i);
	tk_crypto_session_wipe(&p.r);
}
END_TEST

START_TEST(handshake_fresh_keys)
{
	struct pair a, b;

	handshake(&a, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305);
	handshake(&b, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305);
	/* a restart: new ephemerals, so new keys, so counter 0 is a new nonce */
	ck_assert_mem_ne(a.i.send_key, b.i.send_key, TK_KEY_LEN);
	ck_assert_mem_ne(a.i.recv_key, b.i.recv_key, TK_KEY_LEN);
}
END_TEST

START_TEST(handshake_rejects)
{
	uint8_t psk[TK_KEY_LEN] = {1}, psk2[TK_KEY_LEN] = {2};
	uint8_t init[TK_FRAME_INIT_LEN], resp[TK_FRAME_RESP_LEN], bad[TK_FRAME_INIT_LEN];
	struct tk_handshake hs;
	struct tk_session s, si;

	ck_assert_int_eq(tk_handshake_initiate(&hs, psk, 7, TK_CIPHER_ALL, init), 0);
	/* wrong key */
	ck_assert_int_eq(
	        tk_handshake_respond(psk2, init, sizeof(init), 9, TK_CIPHER_ALL, 0, resp, &s),
	        -EBADMSG);
	/* no common cipher */
	ck_assert_int_eq(
	        tk_handshake_respond(psk, init, sizeof(init), 9, 0, 0, resp, &s), -ENOPROTOOPT);
	/* every flipped bit, every truncation */
	for (size_t bit = 0; bit < sizeof(init) * 8; bit++) {
		memcpy(bad, init, sizeof(bad));
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (tk_handshake_respond(psk, bad, sizeof(bad), 9, TK_CIPHER_ALL, 0, resp, &s) !=
		        -EBADMSG)
			ck_abort_msg("flipped bit %zu accepted", bit);
	}
	for (size_t n = 0; n < sizeof(init); n++)
		ck_assert_int_eq(tk_handshake_respond(psk, init, n, 9, TK_CIPHER_ALL, 0, resp, &s),
		        -EBADMSG);
	ck_assert_int_eq(
	        tk_handshake_respond(psk, init, sizeof(init), 9, TK_CIPHER_ALL, 0, resp, &s), 0);
	/* a forged response leaves the handshake usable for the real one */
	for (size_t bit = 0; bit < sizeof(resp) * 8; bit++) {
		memcpy(bad, resp, sizeof(resp));
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (tk_handshake_finish(&hs, bad, sizeof(resp), 0, &si) != -EBADMSG)
			ck_abort_msg("flipped response bit %zu accepted", bit);
	}
	ck_assert_int_eq(tk_handshake_finish(&hs, resp, sizeof(resp), 0, &si), 0);
	ck_assert_mem_eq(si.send_key, s.recv_key, TK_KEY_LEN);
	/* used once */
	ck_assert_int_eq(tk_handshake_finish(&hs, resp, sizeof(resp), 0, &si), -EBADMSG);
}
END_TEST

START_TEST(handshake_other_version)
{
	/* a peer with another prologue never agrees: emulate it with raw Noise */
	uint8_t psk[TK_KEY_LEN] = {1}, init[TK_FRAME_INIT_LEN], pay[16] = {3}, resp[128];
	struct tk_noise_hs n;
	struct tk_session s;
	size_t len;

	pay[4] = 5;
	ck_assert_int_eq(
	        tk_noise_hs_init(&n, &tk_noise_nnpsk0, true, (const uint8_t *)"tunkit tunnel v2", 16,
	                NULL, NULL, psk),
	        0);
	tk_frame_put_init(init, 5);
	ck_assert_int_eq(tk_noise_write_message(&n, pay, sizeof(pay), init + TK_FRAME_INIT_HDR,
	                         sizeof(init) - TK_FRAME_INIT_HDR, &len),
	        0);
	ck_assert_int_eq(
	        tk_handshake_respond(psk, init, sizeof(init), 9, TK_CIPHER_ALL, 0, resp, &s),
	        -EBADMSG);
	/* the same with the right prologue works: the test itself is sound */
	ck_assert_int_eq(tk_noise_hs_init(&n, &tk_noise_nnpsk0, true,
	                         (const uint8_t *)TK_HANDSHAKE_PROLOGUE, strlen(TK_HANDSHAKE_PROLOGUE),
	                         NULL, NULL, psk),
	        0);
	ck_assert_int_eq(tk_noise_write_message(&n, pay, sizeof(pay), init + TK_FRAME_INIT_HDR,
	                         sizeof(init) - TK_FRAME_INIT_HDR, &len),
	        0);
	ck_assert_int_eq(
	        tk_handshake_respond(psk, init, sizeof(init), 9, TK_CIPHER_ALL, 0, resp, &s), 0);
}
END_TEST

START_TEST(data_rejects)
{
	const unsigned *c = cipher_cases[_i];
	uint8_t buf[256], bad[256], refl[256];
	size_t flen, plen;
	struct pair p;

	if ((c[2] & TK_CIPHER_AES256GCM) && !crypto_aead_aes256gcm_is_available())
		return;
	handshake(&p, c[0], c[1], c[2]);
	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(tk_crypto_seal(&p.i, buf, 100, sizeof(buf), &flen), 0);
	/* reflected to its sender, even with its own index put in: other key, fails */
	memcpy(refl, buf, flen);
	tk_frame_put_le32(refl + 4, p.i.local_index);
	ck_assert_int_eq(tk_crypto_open(&p.i, refl, flen, &plen), -EBADMSG);
	/* every flipped bit fails, and leaves the window alone */
	for (size_t bit = 0; bit < flen * 8; bit++) {
		memcpy(bad, buf, flen);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (tk_crypto_open(&p.r, bad, flen, &plen) == 0)
			ck_abort_msg("flipped bit %zu accepted", bit);
	}
	for (size_t n = 0; n < flen; n++) {
		memcpy(bad, buf, flen);
		ck_assert_int_ne(tk_crypto_open(&p.r, bad, n, &plen), 0);
	}
	memcpy(bad, buf, flen);
	ck_assert_int_eq(tk_crypto_open(&p.r, bad, flen, &plen), 0);
	ck_assert_uint_eq(plen, 100);
	/* for another session of ours (the index says so): dropped before the AEAD */
	memcpy(bad, buf, flen);
	tk_frame_put_le32(bad + 4, p.r.local_index + 1);
	ck_assert_int_eq(tk_crypto_open(&p.r, bad, flen, &plen), -EBADMSG);
	/* replayed */
	memcpy(bad, buf, flen);
	ck_assert_int_eq(tk_crypto_open(&p.r, bad, flen, &plen), -EALREADY);
	/* too small a buffer, too large a payload */
	ck_assert_int_eq(tk_crypto_seal(&p.i, buf, 100, 131, &flen), -ENOSPC);
	ck_assert_int_eq(
	        tk_crypto_seal(&p.i, buf, TK_FRAME_MAX_PAYLOAD + 1, SIZE_MAX, &flen), -EMSGSIZE);
}
END_TEST

START_TEST(data_counter_limit)
{
	uint8_t buf[64], old[64];
	size_t flen, plen;
	struct pair p;

	handshake(&p, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305);
	tk_crypto_session_set_limits(&p.i, 2, 3);
	tk_crypto_session_set_limits(&p.r, 2, 3);
	ck_assert(!tk_crypto_needs_rekey(&p.i, 0));
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(tk_crypto_seal(&p.i, buf, 0, sizeof(buf), &flen), 0);
		memcpy(old, buf, flen);
		ck_assert_int_eq(tk_crypto_open(&p.r, buf, flen, &plen), 0);
	}
	ck_assert(tk_crypto_needs_rekey(&p.i, 0));
	ck_assert(tk_crypto_expired(&p.i, 0));
	/* refuses to send past the limit, again and again: the counter never wraps */
	ck_assert_int_eq(tk_crypto_seal(&p.i, buf, 0, sizeof(buf), &flen), -EKEYEXPIRED);
	ck_assert_int_eq(tk_crypto_seal(&p.i, buf, 0, sizeof(buf), &flen), -EKEYEXPIRED);
	ck_assert_uint_eq(p.i.send_counter, 3);
	/* a receiver refuses a counter at the limit even before the AEAD */
	tk_frame_put_le32(old + 8, 3);
	ck_assert_int_eq(tk_crypto_open(&p.r, old, flen, &plen), -EKEYEXPIRED);
	/* time */
	handshake(&p, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305);
	ck_assert(!tk_crypto_needs_rekey(&p.i, (TK_REKEY_AFTER_SEC - 1) * TK_NSEC));
	ck_assert(tk_crypto_needs_rekey(&p.i, TK_REKEY_AFTER_SEC * TK_NSEC));
	ck_assert(!tk_crypto_needs_rekey(&p.r, TK_REKEY_AFTER_SEC * TK_NSEC));
	ck_assert(!tk_crypto_expired(&p.r, (TK_REJECT_AFTER_SEC - 1) * TK_NSEC));
	ck_assert(tk_crypto_expired(&p.r, TK_REJECT_AFTER_SEC * TK_NSEC));
}
END_TEST

START_TEST(data_reorder_within_window)
{
	static uint8_t frames[64][64];
	size_t flen[64], plen;
	struct pair p;

	handshake(&p, TK_CIPHER_CHACHA20POLY1305, TK_CIPHER_ALL, TK_CIPHER_CHACHA20POLY1305);
	for (int k = 0; k < 64; k++)
		ck_assert_int_eq(
		        tk_crypto_seal(&p.i, frames[k], 8, sizeof(frames[k]), &flen[k]), 0);
	for (int k = 63; k >= 0; k--)
		ck_assert_int_eq(tk_crypto_open(&p.r, frames[k], flen[k], &plen), 0);
}
END_TEST

START_TEST(frame_parse)
{
	uint8_t b[TK_FRAME_INIT_LEN] = {0};
	struct tk_frame f;

	tk_frame_put_init(b, 0x04030201);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_INIT_LEN, &f), 0);
	ck_assert_uint_eq(f.type, TK_FRAME_INIT);
	ck_assert_uint_eq(f.sender, 0x04030201);
	ck_assert_uint_eq(b[4], 1);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_INIT_LEN - 1, &f), -EBADMSG);
	tk_frame_put_resp(b, 1, 2);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_RESP_LEN, &f), 0);
	ck_assert_uint_eq(f.receiver, 2);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_INIT_LEN, &f), -EBADMSG);
	tk_frame_put_data(b, 5, UINT64_C(0x0807060504030201));
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_MIN, &f), 0);
	ck_assert_uint_eq(f.counter, UINT64_C(0x0807060504030201));
	ck_assert_uint_eq(b[8], 1);
	ck_assert_uint_eq(f.payload_len, 0);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_MIN - 1, &f), -EBADMSG);
	b[2] = 1; /* reserved */
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_MIN, &f), -EBADMSG);
	for (int t = 0; t < 256; t++) {
		memset(b, 0, sizeof(b));
		b[0] = (uint8_t)t;
		if (t < 1 || t > 3)
			ck_assert_int_eq(tk_frame_parse(b, 68, &f), -EBADMSG);
	}
}
END_TEST

START_TEST(frame_parse_v2)
{
	static const struct {
		uint8_t type;
		size_t len;
	} hs[] = {{TK_FRAME_IK_INIT, 156}, {TK_FRAME_IK_RESP, 100}, {TK_FRAME_COOKIE, 64}};
	uint8_t b[TK_FRAME_HS_MAX + 1] = {0};
	static struct tk_framer fr;
	struct tk_frame f;

	tk_frame_put_ik_init(b, 0x04030201);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_IK_INIT_LEN, &f), 0);
	ck_assert_uint_eq(f.type, TK_FRAME_IK_INIT);
	ck_assert_uint_eq(f.sender, 0x04030201);
	ck_assert_uint_eq(f.receiver, 0);
	tk_frame_put_ik_resp(b, 1, 2);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_IK_RESP_LEN, &f), 0);
	ck_assert_uint_eq(f.sender, 1);
	ck_assert_uint_eq(f.receiver, 2);
	tk_frame_put_cookie(b, 7);
	ck_assert_int_eq(tk_frame_parse(b, TK_FRAME_COOKIE_LEN, &f), 0);
	ck_assert_uint_eq(f.type, TK_FRAME_COOKIE);
	ck_assert_uint_eq(f.receiver, 7);
	ck_assert_uint_eq(f.sender, 0);
	/* exact sizes, reserved bytes zero */
	for (size_t k = 0; k < sizeof(hs) / sizeof(hs[0]); k++) {
		memset(b, 0, sizeof(b));
		b[0] = hs[k].type;
		ck_assert_int_eq(tk_frame_parse(b, hs[k].len, &f), 0);
		ck_assert_int_eq(tk_frame_parse(b, hs[k].len - 1, &f), -EBADMSG);
		ck_assert_int_eq(tk_frame_parse(b, hs[k].len + 1, &f), -EBADMSG);
		for (int r = 1; r < 4; r++) {
			b[r] = 0x80;
			ck_assert_int_eq(tk_frame_parse(b, hs[k].len, &f), -EBADMSG);
			b[r] = 0;
		}
	}
	/* the layout adds up, and no reply to an initiation is larger than it */
	ck_assert_uint_eq(TK_FRAME_IK_INIT_MAC1, 8 + 32 + 48 + 36);
	ck_assert_uint_eq(TK_FRAME_IK_INIT_MAC2 + TK_FRAME_MAC, TK_FRAME_IK_INIT_LEN);
	ck_assert_uint_eq(TK_FRAME_IK_RESP_MAC1, 12 + 32 + 24);
	ck_assert_uint_eq(TK_FRAME_IK_RESP_MAC2 + TK_FRAME_MAC, TK_FRAME_IK_RESP_LEN);
	ck_assert_uint_eq(TK_FRAME_COOKIE_BOX + 32, TK_FRAME_COOKIE_LEN);
	ck_assert_uint_lt(TK_FRAME_IK_RESP_LEN, TK_FRAME_IK_INIT_LEN);
	ck_assert_uint_lt(TK_FRAME_COOKIE_LEN, TK_FRAME_IK_INIT_LEN);
	/* a TCP stream with a small MTU still carries the largest handshake message */
	tk_framer_init(&fr, 100);
	ck_assert_uint_eq(fr.max, TK_FRAME_HS_MAX);
}
END_TEST

/* A stream of n valid frames of assorted sizes, each with its prefix. */
static size_t make_stream(uint8_t *out, size_t cap, int n, size_t *lens)
{
	size_t off = 0;

	for (int k = 0; k < n; k++) {
		size_t len = k % 3 == 0   ? TK_FRAME_INIT_LEN
		             : k % 3 == 1 ? TK_FRAME_MIN + rng(3000)
		                          : TK_FRAME_RESP_LEN;

		ck_assert_uint_le(off + 2 + len, cap);
		ck_assert_int_eq(tk_framer_put_prefix(out + off, len), 0);
		memset(out + off + 2, 0, len);
		if (len == TK_FRAME_INIT_LEN)
			tk_frame_put_init(out + off + 2, (uint32_t)k);
		else if (len == TK_FRAME_RESP_LEN && k % 3 == 2)
			tk_frame_put_resp(out + off + 2, (uint32_t)k, 1);
		else
			tk_frame_put_data(out + off + 2, 1, (uint64_t)k);
		lens[k] = len;
		off += 2 + len;
	}
	return off;
}

START_TEST(framer_random_chunks)
{
	static uint8_t stream[200 * 3100];
	static struct tk_framer fr;
	size_t lens[200];

	rng_seed();
	for (int round = 0; round < 50; round++) {
		size_t total = make_stream(stream, sizeof(stream), 200, lens), off = 0;
		int got = 0;

		tk_framer_init(&fr, TK_FRAME_MAX);
		while (off < total) {
			size_t chunk = 1 + rng(round % 2 ? 7 : 5000), flen;
			uint8_t *frame;

			if (chunk > total - off)
				chunk = total - off;
			while (chunk) {
				ssize_t n = tk_framer_feed(&fr, stream + off, chunk, &frame, &flen);

				if (n <= 0)
					ck_abort_msg("feed returned %zd", n);
				off += (size_t)n;
				chunk -= (size_t)n;
				if (frame) {
					struct tk_frame f;

					ck_assert_int_lt(got, 200);
					ck_assert_uint_eq(flen, lens[got]);
					ck_assert_int_eq(tk_frame_parse(frame, flen, &f), 0);
					ck_assert(f.sender == (uint32_t)got ||
					          f.counter == (uint64_t)got);
					got++;
				}
			}
		}
		ck_assert_int_eq(got, 200);
	}
}
END_TEST

static ssize_t feed_all(struct tk_framer *fr, const uint8_t *in, size_t len, int *frames)
{
	size_t off = 0;

	*frames = 0;
	while (off < len) {
		uint8_t *frame;
		size_t flen;
		ssize_t n = tk_framer_feed(fr, in + off, len - off, &frame, &flen);

		if (n < 0)
			return n;
		off += (size_t)n;
		*frames += frame != NULL;
	}
	return (ssize_t)off;
}

START_TEST(framer_rejects)
{
	static uint8_t in[2 + TK_FRAME_MAX];
	static struct tk_framer fr;
	uint8_t *frame;
	size_t flen;
	int frames;

	/* over the configured maximum */
	tk_framer_init(&fr, 1500);
	memset(in, 0, sizeof(in));
	ck_assert_int_eq(tk_framer_put_prefix(in, 1501), 0);
	ck_assert_int_eq(feed_all(&fr, in, 2, &frames), -EMSGSIZE);
	/* the error sticks */
	ck_assert_int_eq(tk_framer_feed(&fr, in, 2, &frame, &flen), -EMSGSIZE);
	/* the most a prefix can say, over the default maximum of the engine */
	in[0] = in[1] = 0xff;
	tk_framer_init(&fr, 9000);
	ck_assert_int_eq(feed_all(&fr, in, 2, &frames), -EMSGSIZE);
	/* too short to be a frame: 0 and 31 */
	for (unsigned n = 0; n < TK_FRAME_MIN; n++) {
		in[0] = 0;
		in[1] = (uint8_t)n;
		tk_framer_init(&fr, TK_FRAME_MAX);
		ck_assert_int_eq(feed_all(&fr, in, 2, &frames), -EBADMSG);
	}
	/* a plausible length with garbage inside */
	tk_framer_init(&fr, TK_FRAME_MAX);
	in[0] = 0;
	in[1] = 40;
	memset(in + 2, 'G', 40);
	ck_assert_int_eq(feed_all(&fr, in, 42, &frames), -EBADMSG);
	/* a handshake type with the wrong size */
	tk_framer_init(&fr, TK_FRAME_MAX);
	memset(in + 2, 0, 40);
	tk_frame_put_init(in + 2, 1);
	ck_assert_int_eq(feed_all(&fr, in, 42, &frames), -EBADMSG);
	/* and the good case, split in the middle of the prefix */
	tk_framer_init(&fr, TK_FRAME_MAX);
	tk_frame_put_data(in + 2, 1, 2);
	ck_assert_int_eq(tk_framer_feed(&fr, in, 1, &frame, &flen), 1);
	ck_assert_ptr_null(frame);
	ck_assert_int_eq(tk_framer_feed(&fr, in + 1, 41, &frame, &flen), 41);
	ck_assert_ptr_nonnull(frame);
	ck_assert_uint_eq(flen, 40);
	ck_assert_int_eq(tk_framer_put_prefix(in, TK_FRAME_MAX + 1), -EMSGSIZE);
	ck_assert_int_eq(tk_framer_put_prefix(in, TK_FRAME_MIN - 1), -EMSGSIZE);
}
END_TEST

START_TEST(key_encode_parse)
{
	uint8_t key[TK_KEY_LEN], back[TK_KEY_LEN];
	char b64[TK_KEY_B64_SIZE], text[80];

	tk_crypto_key_generate(key);
	tk_crypto_key_encode(key, b64);
	ck_assert_uint_eq(strlen(b64), 44);
	snprintf(text, sizeof(text), "  %s\n", b64);
	ck_assert_int_eq(tk_crypto_key_parse(text, strlen(text), back), 0);
	ck_assert_mem_eq(key, back, TK_KEY_LEN);
	ck_assert_int_eq(tk_crypto_key_parse(b64, 43, back), -EINVAL);
	snprintf(text, sizeof(text), "%sAAAA", b64);
	ck_assert_int_eq(tk_crypto_key_parse(text, strlen(text), back), -EINVAL);
	memcpy(text, b64, sizeof(b64));
	text[10] = '*';
	ck_assert_int_eq(tk_crypto_key_parse(text, 44, back), -EINVAL);
	ck_assert_int_eq(tk_crypto_key_parse("", 0, back), -EINVAL);
	/* 33 bytes of base64 ends without padding at 44 characters: not a key */
	ck_assert_int_eq(
	        tk_crypto_key_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 44, back),
	        -EINVAL);
}
END_TEST

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(key_file)
{
	char dir[] = "/tmp/tk-key-XXXXXX", path[64], b64[TK_KEY_B64_SIZE], text[64];
	uint8_t key[TK_KEY_LEN], back[TK_KEY_LEN];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);
	tk_crypto_key_generate(key);
	tk_crypto_key_encode(key, b64);
	snprintf(text, sizeof(text), "%s\n", b64);
	write_file(path, text, 0600);
	ck_assert_int_eq(tk_crypto_key_read(path, back), 0);
	ck_assert_mem_eq(key, back, TK_KEY_LEN);
	write_file(path, text, 0400);
	ck_assert_int_eq(tk_crypto_key_read(path, back), 0);
	write_file(path, text, 0640);
	ck_assert_int_eq(tk_crypto_key_read(path, back), -EPERM);
	write_file(path, text, 0604);
	ck_assert_int_eq(tk_crypto_key_read(path, back), -EPERM);
	write_file(path, text, 0620);
	ck_assert_int_eq(tk_crypto_key_read(path, back), -EPERM);
	write_file(path, "not a key\n", 0600);
	ck_assert_int_eq(tk_crypto_key_read(path, back), -EINVAL);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(tk_crypto_key_read(path, back), -ENOENT);
	ck_assert_int_eq(tk_crypto_key_read(dir, back), -EINVAL);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Runs in each test's process: libsodium must be initialized (CPU features for AES-GCM). */
static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

Suite *suite_engine(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("replay");
	tcase_add_test(tc, replay_edges);
	tcase_add_test(tc, replay_against_reference);
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	tc = tcase_create("session");
	tcase_add_loop_test(tc, handshake_and_data, 0, 4);
	tcase_add_test(tc, handshake_fresh_keys);
	tcase_add_test(tc, handshake_rejects);
	tcase_add_test(tc, handshake_other_version);
	tcase_add_loop_test(tc, data_rejects, 0, 4);
	tcase_add_test(tc, data_counter_limit);
	tcase_add_test(tc, data_reorder_within_window);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	tc = tcase_create("frame");
	tcase_add_test(tc, frame_parse);
	tcase_add_test(tc, frame_parse_v2);
	tcase_add_test(tc, framer_random_chunks);
	tcase_add_test(tc, framer_rejects);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	tc = tcase_create("key");
	tcase_add_test(tc, key_encode_parse);
	tcase_add_test(tc, key_file);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	return s;
}
