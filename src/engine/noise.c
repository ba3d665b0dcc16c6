/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b, written from the Noise specification (revision 34),
 * sections 4 (crypto functions), 5 (processing rules) and 9 (pre-shared keys), on libsodium.
 * HMAC is the HMAC of RFC 2104 over BLAKE2b-512 with its 128-byte block, as the spec asks
 * (not BLAKE2b's own keyed mode).
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "noise.h"

#define BLOCKLEN 128

static void hash2(uint8_t out[TK_NOISE_HASHLEN], const uint8_t *a, size_t a_len, const uint8_t *b,
        size_t b_len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, TK_NOISE_HASHLEN);
	crypto_generichash_update(&st, a, a_len);
	if (b_len)
		crypto_generichash_update(&st, b, b_len);
	crypto_generichash_final(&st, out, TK_NOISE_HASHLEN);
	sodium_memzero(&st, sizeof(st));
}

/* HMAC-BLAKE2b(key, d1 || d2); every key here is at most HASHLEN, shorter than a block. */
static void hmac(uint8_t out[TK_NOISE_HASHLEN], const uint8_t *key, size_t key_len,
        const uint8_t *d1, size_t l1, const uint8_t *d2, size_t l2)
{
	uint8_t pad[BLOCKLEN], inner[TK_NOISE_HASHLEN];
	crypto_generichash_state st;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, key_len);
	for (size_t i = 0; i < BLOCKLEN; i++)
		pad[i] ^= 0x36;
	crypto_generichash_init(&st, NULL, 0, TK_NOISE_HASHLEN);
	crypto_generichash_update(&st, pad, BLOCKLEN);
	if (l1)
		crypto_generichash_update(&st, d1, l1);
	if (l2)
		crypto_generichash_update(&st, d2, l2);
	crypto_generichash_final(&st, inner, TK_NOISE_HASHLEN);
	/* 0x36 ^ 0x5c turns the inner pad into the outer one */
	for (size_t i = 0; i < BLOCKLEN; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	hash2(out, pad, BLOCKLEN, inner, sizeof(inner));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&st, sizeof(st));
}

/* HKDF(chaining_key, ikm, n) for n = 2 or 3; o3 may be NULL. */
static void hkdf(const uint8_t ck[TK_NOISE_HASHLEN], const uint8_t *ikm, size_t ikm_len,
        uint8_t o1[TK_NOISE_HASHLEN], uint8_t o2[TK_NOISE_HASHLEN], uint8_t o3[TK_NOISE_HASHLEN])
{
	static const uint8_t one = 1, two = 2, three = 3;
	uint8_t temp[TK_NOISE_HASHLEN];

	hmac(temp, ck, TK_NOISE_HASHLEN, ikm, ikm_len, NULL, 0);
	hmac(o1, temp, sizeof(temp), &one, 1, NULL, 0);
	hmac(o2, temp, sizeof(temp), o1, TK_NOISE_HASHLEN, &two, 1);
	if (o3)
		hmac(o3, temp, sizeof(temp), o2, TK_NOISE_HASHLEN, &three, 1);
	sodium_memzero(temp, sizeof(temp));
}

static void mix_hash(struct tk_noise_hs *hs, const uint8_t *data, size_t len)
{
	hash2(hs->h, hs->h, sizeof(hs->h), data, len);
}

static void init_key(struct tk_noise_hs *hs, const uint8_t *k)
{
	memcpy(hs->cs.k, k, TK_NOISE_KEYLEN);
	hs->cs.n = 0;
	hs->cs.has_key = true;
}

static void mix_key(struct tk_noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t ck[TK_NOISE_HASHLEN], k[TK_NOISE_HASHLEN];

	hkdf(hs->ck, ikm, len, ck, k, NULL);
	memcpy(hs->ck, ck, sizeof(ck));
	init_key(hs, k); /* truncated to 32 bytes, HASHLEN being 64 */
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(k, sizeof(k));
}

static void mix_key_and_hash(struct tk_noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t ck[TK_NOISE_HASHLEN], th[TK_NOISE_HASHLEN], k[TK_NOISE_HASHLEN];

	hkdf(hs->ck, ikm, len, ck, th, k);
	memcpy(hs->ck, ck, sizeof(ck));
	mix_hash(hs, th, sizeof(th));
	init_key(hs, k);
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(th, sizeof(th));
	sodium_memzero(k, sizeof(k));
}

/* ChaChaPoly nonce: 32 zero bits, then n as 64 bits little-endian (spec 12.3). */
static void nonce(uint8_t out[12], uint64_t n)
{
	memset(out, 0, 4);
	for (int i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

int tk_noise_cipher_encrypt(struct tk_noise_cipher *cs, const uint8_t *ad, size_t ad_len,
        const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t npub[12];

	/* n = 2^64-1 is reserved (spec 5.1) */
	if (cs->n == UINT64_MAX)
		return -EOVERFLOW;
	nonce(npub, cs->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(
	        out, NULL, in, len, ad, ad_len, NULL, npub, cs->k);
	cs->n++;
	return 0;
}

int tk_noise_cipher_decrypt(struct tk_noise_cipher *cs, const uint8_t *ad, size_t ad_len,
        const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t npub[12];

	if (cs->n == UINT64_MAX)
		return -EOVERFLOW;
	if (len < TK_NOISE_TAGLEN)
		return -EBADMSG;
	nonce(npub, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(
	            out, NULL, NULL, in, len, ad, ad_len, npub, cs->k) != 0)
		return -EBADMSG;
	cs->n++;
	return 0;
}

int tk_noise_hs_init(struct tk_noise_hs *hs, bool initiator, const uint8_t *prologue,
        size_t prologue_len, const uint8_t psk[TK_NOISE_KEYLEN])
{
	if (!hs || !psk || (!prologue && prologue_len))
		return -EINVAL;
	memset(hs, 0, sizeof(*hs));
	/* the name is shorter than HASHLEN: h = name padded with zeros */
	memcpy(hs->h, TK_NOISE_PROTOCOL, strlen(TK_NOISE_PROTOCOL));
	memcpy(hs->ck, hs->h, sizeof(hs->ck));
	mix_hash(hs, prologue, prologue_len);
	memcpy(hs->psk, psk, TK_NOISE_KEYLEN);
	hs->initiator = initiator;
	return 0;
}

int tk_noise_hs_set_ephemeral(struct tk_noise_hs *hs, const uint8_t priv[TK_NOISE_DHLEN])
{
	if (!hs || !priv)
		return -EINVAL;
	memcpy(hs->e_priv, priv, TK_NOISE_DHLEN);
	if (crypto_scalarmult_base(hs->e_pub, hs->e_priv) != 0)
		return -EINVAL;
	hs->fixed_e = true;
	return 0;
}

/* Token "e" on the writing side, with the psk-mode MixKey(e.pub) of spec 9.2. */
static void write_e(struct tk_noise_hs *hs, uint8_t *out)
{
	if (!hs->fixed_e)
		crypto_box_keypair(hs->e_pub, hs->e_priv);
	memcpy(out, hs->e_pub, TK_NOISE_DHLEN);
	mix_hash(hs, hs->e_pub, TK_NOISE_DHLEN);
	mix_key(hs, hs->e_pub, TK_NOISE_DHLEN);
}

static void read_e(struct tk_noise_hs *hs, const uint8_t *in)
{
	memcpy(hs->re, in, TK_NOISE_DHLEN);
	mix_hash(hs, hs->re, TK_NOISE_DHLEN);
	mix_key(hs, hs->re, TK_NOISE_DHLEN);
}

/* Token "ee": libsodium refuses an all-zero result (a low-order point). */
static int mix_ee(struct tk_noise_hs *hs)
{
	uint8_t dh[TK_NOISE_DHLEN];
	int r = 0;

	if (crypto_scalarmult(dh, hs->e_priv, hs->re) != 0)
		r = -EBADMSG;
	else
		mix_key(hs, dh, sizeof(dh));
	sodium_memzero(dh, sizeof(dh));
	return r;
}

int tk_noise_write_message(struct tk_noise_hs *hs, const uint8_t *payload, size_t payload_len,
        uint8_t *out, size_t cap, size_t *out_len)
{
	size_t need = TK_NOISE_DHLEN + payload_len + TK_NOISE_TAGLEN;
	uint8_t *c = out + TK_NOISE_DHLEN;
	int r;

	if (hs->step != (hs->initiator ? 0 : 1))
		return -EPROTO;
	if (need > TK_NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (cap < need)
		return -ENOSPC;
	if (hs->initiator) {
		mix_key_and_hash(hs, hs->psk, TK_NOISE_KEYLEN);
		write_e(hs, out);
	} else {
		write_e(hs, out);
		r = mix_ee(hs);
		if (r < 0)
			return r;
	}
	/* EncryptAndHash: a key always exists here, set by psk / e */
	r = tk_noise_cipher_encrypt(&hs->cs, hs->h, sizeof(hs->h), payload, payload_len, c);
	if (r < 0)
		return r;
	mix_hash(hs, c, payload_len + TK_NOISE_TAGLEN);
	hs->step++;
	*out_len = need;
	return 0;
}

int tk_noise_read_message(struct tk_noise_hs *hs, const uint8_t *msg, size_t msg_len,
        uint8_t *payload, size_t cap, size_t *payload_len)
{
	const uint8_t *c = msg + TK_NOISE_DHLEN;
	size_t c_len;
	int r;

	if (hs->step != (hs->initiator ? 1 : 0))
		return -EPROTO;
	if (msg_len < TK_NOISE_DHLEN + TK_NOISE_TAGLEN || msg_len > TK_NOISE_MAX_MSG)
		return -EBADMSG;
	c_len = msg_len - TK_NOISE_DHLEN;
	if (cap < c_len - TK_NOISE_TAGLEN)
		return -ENOSPC;
	if (hs->initiator) {
		read_e(hs, msg);
		r = mix_ee(hs);
		if (r < 0)
			return r;
	} else {
		mix_key_and_hash(hs, hs->psk, TK_NOISE_KEYLEN);
		read_e(hs, msg);
	}
	r = tk_noise_cipher_decrypt(&hs->cs, hs->h, sizeof(hs->h), c, c_len, payload);
	if (r < 0)
		return r;
	mix_hash(hs, c, c_len);
	hs->step++;
	*payload_len = c_len - TK_NOISE_TAGLEN;
	return 0;
}

int tk_noise_split(
        struct tk_noise_hs *hs, uint8_t i2r[TK_NOISE_KEYLEN], uint8_t r2i[TK_NOISE_KEYLEN])
{
	uint8_t k1[TK_NOISE_HASHLEN], k2[TK_NOISE_HASHLEN];

	if (hs->step != 2)
		return -EPROTO;
	hkdf(hs->ck, NULL, 0, k1, k2, NULL);
	memcpy(i2r, k1, TK_NOISE_KEYLEN);
	memcpy(r2i, k2, TK_NOISE_KEYLEN);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
	return 0;
}

const uint8_t *tk_noise_hs_hash(const struct tk_noise_hs *hs)
{
	return hs->h;
}

void tk_noise_hs_wipe(struct tk_noise_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}
