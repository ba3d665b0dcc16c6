/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Initiation payload (16 bytes, encrypted): offered cipher mask, 3 reserved, the sender
 * index again, 8 bytes of padding (so the response is never larger than the initiation).
 * Response payload (8 bytes, encrypted): chosen cipher, 3 reserved, the sender index again.
 * Repeating the clear indexes inside the AEAD makes a tampered index fail authentication.
 */
#include <errno.h>
#include <string.h>

#include "handshake.h"

#define INIT_PAYLOAD 16
#define RESP_PAYLOAD 8

_Static_assert(
        TK_FRAME_INIT_HDR + TK_NOISE_DHLEN + INIT_PAYLOAD + TK_NOISE_TAGLEN == TK_FRAME_INIT_LEN,
        "initiation layout");
_Static_assert(
        TK_FRAME_RESP_HDR + TK_NOISE_DHLEN + RESP_PAYLOAD + TK_NOISE_TAGLEN == TK_FRAME_RESP_LEN,
        "response layout");
_Static_assert(TK_FRAME_RESP_LEN <= TK_FRAME_INIT_LEN, "no amplification");

static int noise_init(struct tk_noise_hs *n, bool initiator, const uint8_t *psk)
{
	return tk_noise_hs_init(n, &tk_noise_nnpsk0, initiator,
	        (const uint8_t *)TK_HANDSHAKE_PROLOGUE, strlen(TK_HANDSHAKE_PROLOGUE), NULL, NULL,
	        psk);
}

int tk_handshake_initiate(struct tk_handshake *hs, const uint8_t psk[TK_KEY_LEN],
        uint32_t local_index, unsigned ciphers, uint8_t out[TK_FRAME_INIT_LEN])
{
	uint8_t pay[INIT_PAYLOAD] = {0};
	size_t n;
	int r;

	if (!(ciphers & TK_CIPHER_ALL))
		return -EINVAL;
	r = noise_init(&hs->noise, true, psk);
	if (r < 0)
		return r;
	hs->local_index = local_index;
	hs->offered = ciphers & TK_CIPHER_ALL;
	pay[0] = (uint8_t)hs->offered;
	tk_frame_put_le32(pay + 4, local_index);
	tk_frame_put_init(out, local_index);
	r = tk_noise_write_message(&hs->noise, pay, sizeof(pay), out + TK_FRAME_INIT_HDR,
	        TK_FRAME_INIT_LEN - TK_FRAME_INIT_HDR, &n);
	if (r < 0)
		tk_handshake_wipe(hs);
	return r;
}

int tk_handshake_session(struct tk_noise_hs *n, struct tk_session *s, unsigned cipher,
        uint32_t local, uint32_t remote, uint64_t now_ns)
{
	uint8_t i2r[TK_KEY_LEN], r2i[TK_KEY_LEN];
	int r = tk_noise_split(n, i2r, r2i);

	if (r == 0)
		r = n->initiator ? tk_crypto_session_init(
		                           s, cipher, true, i2r, r2i, local, remote, now_ns)
		                 : tk_crypto_session_init(
		                           s, cipher, false, r2i, i2r, local, remote, now_ns);
	sodium_memzero(i2r, sizeof(i2r));
	sodium_memzero(r2i, sizeof(r2i));
	return r;
}

int tk_handshake_chosen(struct tk_noise_hs *n, struct tk_session *s, unsigned cipher,
        unsigned offered, uint32_t local, uint32_t remote, uint64_t now_ns)
{
	if (!cipher || tk_crypto_pick(cipher, offered) != cipher)
		return -ENOPROTOOPT;
	return tk_handshake_session(n, s, cipher, local, remote, now_ns);
}

int tk_handshake_respond(const uint8_t psk[TK_KEY_LEN], const uint8_t *in, size_t len,
        uint32_t local_index, unsigned ciphers, uint64_t now_ns, uint8_t out[TK_FRAME_RESP_LEN],
        struct tk_session *s)
{
	uint8_t pay[INIT_PAYLOAD], rpay[RESP_PAYLOAD] = {0};
	struct tk_noise_hs n;
	struct tk_frame f;
	unsigned cipher;
	size_t pay_len;
	int r;

	if (tk_frame_parse(in, len, &f) < 0 || f.type != TK_FRAME_INIT)
		return -EBADMSG;
	r = noise_init(&n, false, psk);
	if (r < 0)
		return r;
	r = tk_noise_read_message(
	        &n, in + TK_FRAME_INIT_HDR, len - TK_FRAME_INIT_HDR, pay, sizeof(pay), &pay_len);
	if (r == 0 && (pay_len != INIT_PAYLOAD || tk_frame_get_le32(pay + 4) != f.sender))
		r = -EBADMSG;
	if (r < 0)
		goto out;
	cipher = tk_crypto_pick(pay[0], ciphers);
	if (!cipher) {
		r = -ENOPROTOOPT;
		goto out;
	}
	rpay[0] = (uint8_t)cipher;
	tk_frame_put_le32(rpay + 4, local_index);
	tk_frame_put_resp(out, local_index, f.sender);
	r = tk_noise_write_message(&n, rpay, sizeof(rpay), out + TK_FRAME_RESP_HDR,
	        TK_FRAME_RESP_LEN - TK_FRAME_RESP_HDR, &pay_len);
	if (r == 0)
		r = tk_handshake_session(&n, s, cipher, local_index, f.sender, now_ns);
out:
	tk_noise_hs_wipe(&n);
	sodium_memzero(pay, sizeof(pay));
	return r;
}

int tk_handshake_finish(struct tk_handshake *hs, const uint8_t *in, size_t len, uint64_t now_ns,
        struct tk_session *s)
{
	uint8_t pay[RESP_PAYLOAD];
	struct tk_noise_hs n;
	struct tk_frame f;
	size_t pay_len;
	int r;

	if (tk_frame_parse(in, len, &f) < 0 || f.type != TK_FRAME_RESP ||
	        f.receiver != hs->local_index)
		return -EBADMSG;
	/* on a copy: a forged response must not spoil the state the real one needs */
	n = hs->noise;
	r = tk_noise_read_message(
	        &n, in + TK_FRAME_RESP_HDR, len - TK_FRAME_RESP_HDR, pay, sizeof(pay), &pay_len);
	if (r == 0 && (pay_len != RESP_PAYLOAD || tk_frame_get_le32(pay + 4) != f.sender))
		r = -EBADMSG;
	if (r < 0)
		goto out;
	r = tk_handshake_chosen(&n, s, pay[0], hs->offered, hs->local_index, f.sender, now_ns);
	tk_handshake_wipe(hs);
out:
	tk_noise_hs_wipe(&n);
	sodium_memzero(pay, sizeof(pay));
	return r;
}

void tk_handshake_wipe(struct tk_handshake *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}
