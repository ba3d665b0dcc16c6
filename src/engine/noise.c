/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Noise handshake for the two patterns of noise.h, written from the Noise specification
 * (revision 34), sections 4 (crypto functions), 5 (processing rules), 7 (patterns) and 9
 * (pre-shared keys), on libsodium.  HMAC is the HMAC of RFC 2104 over BLAKE2b-512 with its
 * 128-byte block, as the spec asks (not BLAKE2b's own keyed mode).  The message patterns are
 * data (token lists), walked by one writer and one reader.
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

const struct tk_noise_pattern tk_noise_nnpsk0 = {
        .name = "Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b",
        .psk = true,
        .tokens = {{TK_NOISE_PSK, TK_NOISE_E}, {TK_NOISE_E, TK_NOISE_EE}},
};

const struct tk_noise_pattern tk_noise_ikpsk2 = {
        .name = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b",
        .pre_rs = true,
        .psk = true,
        .tokens = {{TK_NOISE_E, TK_NOISE_ES, TK_NOISE_S, TK_NOISE_SS},
                {TK_NOISE_E, TK_NOISE_EE, TK_NOISE_SE, TK_NOISE_PSK}},
};

/* EncryptAndHash (spec 5.2): out gets len bytes, and the tag when there is a key. */
static int encrypt_and_hash(struct tk_noise_hs *hs, const uint8_t *in, size_t len, uint8_t *out)
{
	int r = 0;

	if (hs->cs.has_key) {
		r = tk_noise_cipher_encrypt(&hs->cs, hs->h, sizeof(hs->h), in, len, out);
		len += TK_NOISE_TAGLEN;
	} else {
		memcpy(out, in, len);
	}
	if (r == 0)
		mix_hash(hs, out, len);
	return r;
}

/* DecryptAndHash: in is len bytes, the tag included when there is a key. */
static int decrypt_and_hash(struct tk_noise_hs *hs, const uint8_t *in, size_t len, uint8_t *out)
{
	int r = 0;

	if (hs->cs.has_key)
		r = tk_noise_cipher_decrypt(&hs->cs, hs->h, sizeof(hs->h), in, len, out);
	else
		memcpy(out, in, len);
	if (r == 0)
		mix_hash(hs, in, len);
	return r;
}

int tk_noise_hs_set_psk(struct tk_noise_hs *hs, const uint8_t psk[TK_NOISE_KEYLEN])
{
	if (!hs || !psk)
		return -EINVAL;
	memcpy(hs->psk, psk, TK_NOISE_KEYLEN);
	hs->has_psk = true;
	return 0;
}

/* This side's static key pair; libsodium clamps the scalar, a zero public key is refused. */
static int set_static(struct tk_noise_hs *hs, const uint8_t priv[TK_NOISE_DHLEN])
{
	memcpy(hs->s_priv, priv, TK_NOISE_DHLEN);
	if (crypto_scalarmult_base(hs->s_pub, hs->s_priv) != 0 ||
	        sodium_is_zero(hs->s_pub, TK_NOISE_DHLEN))
		return -EINVAL;
	hs->has_s = true;
	return 0;
}

int tk_noise_hs_init(struct tk_noise_hs *hs, const struct tk_noise_pattern *pat, bool initiator,
        const uint8_t *prologue, size_t prologue_len, const uint8_t s_priv[TK_NOISE_DHLEN],
        const uint8_t rs[TK_NOISE_DHLEN], const uint8_t psk[TK_NOISE_KEYLEN])
{
	size_t name_len;

	if (!hs || !pat || (!prologue && prologue_len))
		return -EINVAL;
	memset(hs, 0, sizeof(*hs));
	hs->pat = pat;
	hs->initiator = initiator;
	/* h = the name padded with zeros, or its hash when longer than HASHLEN */
	name_len = strlen(pat->name);
	if (name_len <= TK_NOISE_HASHLEN)
		memcpy(hs->h, pat->name, name_len);
	else
		hash2(hs->h, (const uint8_t *)pat->name, name_len, NULL, 0);
	memcpy(hs->ck, hs->h, sizeof(hs->ck));
	mix_hash(hs, prologue, prologue_len);
	if ((s_priv && set_static(hs, s_priv) < 0) || (psk && tk_noise_hs_set_psk(hs, psk) < 0))
		goto inval;
	if (rs) {
		memcpy(hs->rs, rs, TK_NOISE_DHLEN);
		hs->has_rs = true;
	}
	if (pat->pre_rs) {
		/* "<- s": both sides hash the responder's static public key */
		if (initiator ? !hs->has_rs : !hs->has_s)
			goto inval;
		mix_hash(hs, initiator ? hs->rs : hs->s_pub, TK_NOISE_DHLEN);
	}
	return 0;
inval:
	tk_noise_hs_wipe(hs);
	return -EINVAL;
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
	hs->has_e = true;
	memcpy(out, hs->e_pub, TK_NOISE_DHLEN);
	mix_hash(hs, hs->e_pub, TK_NOISE_DHLEN);
	if (hs->pat->psk)
		mix_key(hs, hs->e_pub, TK_NOISE_DHLEN);
}

static void read_e(struct tk_noise_hs *hs, const uint8_t *in)
{
	memcpy(hs->re, in, TK_NOISE_DHLEN);
	hs->has_re = true;
	mix_hash(hs, hs->re, TK_NOISE_DHLEN);
	if (hs->pat->psk)
		mix_key(hs, hs->re, TK_NOISE_DHLEN);
}

/*
 * A DH token: which of this side's keys meets which of the peer's (spec 7.1: "es" is the
 * initiator's e with the responder's s, from either side).  libsodium refuses an all-zero
 * result (a low-order point).
 */
static int mix_dh(struct tk_noise_hs *hs, uint8_t tok)
{
	bool i = hs->initiator;
	bool local_s =
	        tok == TK_NOISE_SS || (tok == TK_NOISE_SE && i) || (tok == TK_NOISE_ES && !i);
	bool remote_s =
	        tok == TK_NOISE_SS || (tok == TK_NOISE_ES && i) || (tok == TK_NOISE_SE && !i);
	uint8_t dh[TK_NOISE_DHLEN];
	int r = 0;

	if ((local_s ? !hs->has_s : !hs->has_e) || (remote_s ? !hs->has_rs : !hs->has_re))
		return -EPROTO;
	if (crypto_scalarmult(dh, local_s ? hs->s_priv : hs->e_priv, remote_s ? hs->rs : hs->re))
		r = -EBADMSG;
	else
		mix_key(hs, dh, sizeof(dh));
	sodium_memzero(dh, sizeof(dh));
	return r;
}

/* The tokens both sides process alike: the DHs and "psk". */
static int mix_token(struct tk_noise_hs *hs, uint8_t tok)
{
	if (tok != TK_NOISE_PSK)
		return mix_dh(hs, tok);
	if (!hs->has_psk)
		return -ENOKEY;
	mix_key_and_hash(hs, hs->psk, TK_NOISE_KEYLEN);
	return 0;
}

size_t tk_noise_message_len(const struct tk_noise_hs *hs, size_t payload_len)
{
	bool key = hs->cs.has_key;
	size_t n = 0;

	if (!hs->pat || hs->step >= TK_NOISE_MAX_MSGS)
		return 0;
	for (const uint8_t *t = hs->pat->tokens[hs->step]; *t; t++) {
		if (*t == TK_NOISE_E) {
			n += TK_NOISE_DHLEN;
			key = key || hs->pat->psk;
		} else if (*t == TK_NOISE_S) {
			n += TK_NOISE_DHLEN + (key ? TK_NOISE_TAGLEN : 0);
		} else {
			key = true;
		}
	}
	return n + payload_len + (key ? TK_NOISE_TAGLEN : 0);
}

/* Whether the next message is this side's to write (or, !writing, to read). */
static bool my_turn(const struct tk_noise_hs *hs, bool writing)
{
	return hs->pat && hs->step < TK_NOISE_MAX_MSGS &&
	       (hs->step % 2 == 0) == (hs->initiator == writing);
}

/* Bytes an "s" token takes now: the key, and a tag once there is a cipher key. */
static size_t s_len(const struct tk_noise_hs *hs)
{
	return TK_NOISE_DHLEN + (hs->cs.has_key ? TK_NOISE_TAGLEN : 0);
}

static int write_token(struct tk_noise_hs *hs, uint8_t tok, uint8_t *out, size_t *off)
{
	size_t n;
	int r;

	switch (tok) {
	case TK_NOISE_E:
		write_e(hs, out + *off);
		*off += TK_NOISE_DHLEN;
		return 0;
	case TK_NOISE_S:
		if (!hs->has_s)
			return -EPROTO;
		n = s_len(hs);
		r = encrypt_and_hash(hs, hs->s_pub, TK_NOISE_DHLEN, out + *off);
		*off += n;
		return r;
	default:
		return mix_token(hs, tok);
	}
}

static int read_token(struct tk_noise_hs *hs, uint8_t tok, const uint8_t *msg, size_t *off)
{
	size_t n;
	int r;

	switch (tok) {
	case TK_NOISE_E:
		read_e(hs, msg + *off);
		*off += TK_NOISE_DHLEN;
		return 0;
	case TK_NOISE_S:
		n = s_len(hs);
		r = decrypt_and_hash(hs, msg + *off, n, hs->rs);
		hs->has_rs = r == 0;
		*off += n;
		return r;
	default:
		return mix_token(hs, tok);
	}
}

int tk_noise_write_message(struct tk_noise_hs *hs, const uint8_t *payload, size_t payload_len,
        uint8_t *out, size_t cap, size_t *out_len)
{
	size_t need, off = 0;
	int r = 0;

	if (!my_turn(hs, true))
		return -EPROTO;
	if (payload_len > TK_NOISE_MAX_MSG)
		return -EMSGSIZE;
	need = tk_noise_message_len(hs, payload_len);
	if (need > TK_NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (cap < need)
		return -ENOSPC;
	for (const uint8_t *t = hs->pat->tokens[hs->step]; *t && r == 0; t++)
		r = write_token(hs, *t, out, &off);
	if (r == 0)
		r = encrypt_and_hash(hs, payload, payload_len, out + off);
	if (r < 0)
		return r;
	hs->step++;
	*out_len = need;
	return 0;
}

int tk_noise_read_message(struct tk_noise_hs *hs, const uint8_t *msg, size_t msg_len,
        uint8_t *payload, size_t cap, size_t *payload_len)
{
	size_t overhead, off = 0;
	int r = 0;

	if (!my_turn(hs, false))
		return -EPROTO;
	overhead = tk_noise_message_len(hs, 0);
	if (msg_len < overhead || msg_len > TK_NOISE_MAX_MSG)
		return -EBADMSG;
	if (cap < msg_len - overhead)
		return -ENOSPC;
	for (const uint8_t *t = hs->pat->tokens[hs->step]; *t && r == 0; t++)
		r = read_token(hs, *t, msg, &off);
	if (r == 0)
		r = decrypt_and_hash(hs, msg + off, msg_len - off, payload);
	if (r < 0)
		return r;
	hs->step++;
	*payload_len = msg_len - overhead;
	return 0;
}

int tk_noise_split(
        struct tk_noise_hs *hs, uint8_t i2r[TK_NOISE_KEYLEN], uint8_t r2i[TK_NOISE_KEYLEN])
{
	uint8_t k1[TK_NOISE_HASHLEN], k2[TK_NOISE_HASHLEN];

	if (hs->step != TK_NOISE_MAX_MSGS)
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

const uint8_t *tk_noise_hs_remote_static(const struct tk_noise_hs *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}

void tk_noise_hs_wipe(struct tk_noise_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}
