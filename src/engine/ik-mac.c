/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parts of version 2 around Noise, as WireGuard has them: the keyed BLAKE2b MACs, the
 * cookie of a source address and the cookie reply that carries it (XChaCha20-Poly1305), and
 * TAI64N time stamps.  mac1 proves the sender knows the receiver's public key; mac2, asked
 * for only under load, proves it can receive at its source address.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sodium.h>

#include "ik.h"

#define LABEL_LEN 8

_Static_assert(
        TK_FRAME_COOKIE_BOX == TK_FRAME_COOKIE_NONCE + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
        "cookie reply nonce");
_Static_assert(TK_FRAME_COOKIE_BOX + TK_COOKIE_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES ==
                       TK_FRAME_COOKIE_LEN,
        "cookie reply box");

void tk_ik_label_key(uint8_t key[TK_KEY_LEN], const char *label, const uint8_t pub[TK_KEY_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, TK_KEY_LEN);
	crypto_generichash_update(&st, (const uint8_t *)label, LABEL_LEN);
	crypto_generichash_update(&st, pub, TK_KEY_LEN);
	crypto_generichash_final(&st, key, TK_KEY_LEN);
}

void tk_ik_mac(uint8_t out[TK_FRAME_MAC], const uint8_t *key, size_t key_len, const uint8_t *data,
        size_t len)
{
	crypto_generichash(out, TK_FRAME_MAC, data, len, key, key_len);
}

int tk_cookie_make(uint8_t cookie[TK_COOKIE_LEN], const uint8_t secret[TK_COOKIE_SECRET_LEN],
        const struct sockaddr_storage *from)
{
	uint8_t buf[16 + 2];
	size_t n;

	/* the port fields are in network order already: big-endian, as the format says */
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)from;

		memcpy(buf, &a->sin_addr, 4);
		memcpy(buf + 4, &a->sin_port, 2);
		n = 4 + 2;
	} else if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;

		memcpy(buf, &a->sin6_addr, 16);
		memcpy(buf + 16, &a->sin6_port, 2);
		n = 16 + 2;
	} else {
		return -EAFNOSUPPORT;
	}
	tk_ik_mac(cookie, secret, TK_COOKIE_SECRET_LEN, buf, n);
	return 0;
}

int tk_cookie_reply(uint8_t out[TK_FRAME_COOKIE_LEN], const struct tk_ik_static *me,
        uint32_t receiver_index, const uint8_t mac1[TK_FRAME_MAC],
        const uint8_t cookie[TK_COOKIE_LEN], const uint8_t nonce[TK_COOKIE_NONCE_LEN])
{
	tk_frame_put_cookie(out, receiver_index);
	memcpy(out + TK_FRAME_COOKIE_NONCE, nonce, TK_COOKIE_NONCE_LEN);
	/* the initiation's mac1 as associated data: the reply answers that initiation only */
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + TK_FRAME_COOKIE_BOX, NULL, cookie,
	        TK_COOKIE_LEN, mac1, TK_FRAME_MAC, NULL, nonce, me->cookie_key);
	return 0;
}

int tk_cookie_open(uint8_t cookie[TK_COOKIE_LEN], const uint8_t peer_pub[TK_KEY_LEN],
        const uint8_t mac1_sent[TK_FRAME_MAC], const uint8_t *in, size_t len)
{
	uint8_t key[TK_KEY_LEN];
	struct tk_frame f;
	int r = -EBADMSG;

	if (tk_frame_parse(in, len, &f) == 0 && f.type == TK_FRAME_COOKIE) {
		tk_ik_label_key(key, "cookie--", peer_pub);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(cookie, NULL, NULL,
		            in + TK_FRAME_COOKIE_BOX, TK_FRAME_COOKIE_LEN - TK_FRAME_COOKIE_BOX,
		            mac1_sent, TK_FRAME_MAC, in + TK_FRAME_COOKIE_NONCE, key) == 0)
			r = 0;
		sodium_memzero(key, sizeof(key));
	}
	if (r < 0)
		sodium_memzero(cookie, TK_COOKIE_LEN);
	return r;
}

bool tk_cookie_usable(uint64_t received_ns, uint64_t now_ns)
{
	uint64_t max = (uint64_t)(TK_COOKIE_SECRET_SEC - TK_COOKIE_LATENCY_SEC) * TK_NSEC;

	/* a clock that went backwards counts as new, as crypto.c's ages do */
	return now_ns < received_ns || now_ns - received_ns < max;
}

int tk_tai64n(uint8_t out[TK_IK_TAI64N_LEN], double unix_time)
{
	const double limit = 4611686018427387904.0; /* 2^62: TAI64 labels are below 2^63 */
	uint64_t label;
	int64_t sec;
	uint32_t ns;

	/* written so that NaN fails too */
	if (!(unix_time > -limit && unix_time < limit))
		return -ERANGE;
	sec = (int64_t)unix_time; /* towards zero; floor() without libm: */
	if ((double)sec > unix_time)
		sec--;
	ns = (uint32_t)((unix_time - (double)sec) * 1e9 + 0.5);
	if (ns >= 1000000000u) {
		ns -= 1000000000u;
		sec++;
	}
	label = (uint64_t)sec + (UINT64_C(1) << 62);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(label >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(ns >> (24 - 8 * i));
	return 0;
}

int tk_tai64n_cmp(const uint8_t a[TK_IK_TAI64N_LEN], const uint8_t b[TK_IK_TAI64N_LEN])
{
	/* big-endian fields: the byte order is the time order */
	int c = memcmp(a, b, TK_IK_TAI64N_LEN);

	return (c > 0) - (c < 0);
}
