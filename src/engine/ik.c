/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handshake of version 2: IKpsk2 message 1 in the initiation, message 2 in the response,
 * their encrypted payloads, mac1 and mac2 on both, and the sessions at the end.
 *
 * Initiation payload (20 bytes, encrypted): TAI64N time stamp (12), offered cipher mask, 3
 * reserved, the sender index again.  Response payload (8 bytes): chosen cipher, 3 reserved,
 * the sender index again.  Reserved bytes must be zero; the clear indexes repeated inside
 * the AEAD make a rewritten index fail authentication.  With no psk the psk is 32 zero bytes
 * (WireGuard's choice), so every pair runs the same pattern.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "handshake.h"
#include "ik.h"

#define INIT_PAYLOAD 20
#define RESP_PAYLOAD 8
#define MAC          TK_FRAME_MAC

_Static_assert(TK_FRAME_IK_INIT_HDR + TK_NOISE_DHLEN + TK_NOISE_DHLEN + TK_NOISE_TAGLEN +
                               INIT_PAYLOAD + TK_NOISE_TAGLEN ==
                       TK_FRAME_IK_INIT_MAC1,
        "initiation layout");
_Static_assert(TK_FRAME_IK_INIT_MAC1 + MAC == TK_FRAME_IK_INIT_MAC2 &&
                       TK_FRAME_IK_INIT_MAC2 + MAC == TK_FRAME_IK_INIT_LEN,
        "initiation macs");
_Static_assert(TK_FRAME_IK_RESP_HDR + TK_NOISE_DHLEN + RESP_PAYLOAD + TK_NOISE_TAGLEN ==
                       TK_FRAME_IK_RESP_MAC1,
        "response layout");
_Static_assert(TK_FRAME_IK_RESP_MAC1 + MAC == TK_FRAME_IK_RESP_MAC2 &&
                       TK_FRAME_IK_RESP_MAC2 + MAC == TK_FRAME_IK_RESP_LEN,
        "response macs");
/* the amplification rule: no unauthenticated packet gets a larger reply */
_Static_assert(TK_FRAME_IK_RESP_LEN < TK_FRAME_IK_INIT_LEN, "response smaller than initiation");
_Static_assert(TK_FRAME_COOKIE_LEN < TK_FRAME_IK_INIT_LEN, "cookie reply smaller than initiation");

static const uint8_t zero_psk[TK_KEY_LEN];

int tk_ik_pubkey(uint8_t pub[TK_KEY_LEN], const uint8_t priv[TK_KEY_LEN])
{
	if (crypto_scalarmult_base(pub, priv) != 0 || sodium_is_zero(pub, TK_KEY_LEN)) {
		sodium_memzero(pub, TK_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

int tk_ik_static_init(struct tk_ik_static *st, const uint8_t priv[TK_KEY_LEN])
{
	int r;

	memcpy(st->priv, priv, TK_KEY_LEN);
	r = tk_ik_pubkey(st->pub, st->priv);
	if (r < 0) {
		tk_ik_static_wipe(st);
		return r;
	}
	tk_ik_label_key(st->mac1_key, "mac1----", st->pub);
	tk_ik_label_key(st->cookie_key, "cookie--", st->pub);
	return 0;
}

void tk_ik_static_wipe(struct tk_ik_static *st)
{
	sodium_memzero(st, sizeof(*st));
}

void tk_ik_hs_wipe(struct tk_ik_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}

static int noise_init(struct tk_noise_hs *n, bool initiator, const uint8_t *s_priv,
        const uint8_t *rs, const uint8_t *psk)
{
	return tk_noise_hs_init(n, &tk_noise_ikpsk2, initiator, (const uint8_t *)TK_IK_PROLOGUE,
	        strlen(TK_IK_PROLOGUE), s_priv, rs, psk);
}

/* mac1 at off over the bytes before it; mac2 after it over the bytes before that. */
static void put_macs(
        uint8_t *msg, size_t off, const uint8_t mac1_key[TK_KEY_LEN], const uint8_t *cookie)
{
	tk_ik_mac(msg + off, mac1_key, TK_KEY_LEN, msg, off);
	if (cookie)
		tk_ik_mac(msg + off + MAC, cookie, TK_COOKIE_LEN, msg, off + MAC);
	else
		memset(msg + off + MAC, 0, MAC);
}

/* Whether the MAC at off is keyed by key over the bytes before it (constant time). */
static bool mac_ok(const uint8_t *msg, size_t off, const uint8_t *key, size_t key_len)
{
	uint8_t want[MAC];

	tk_ik_mac(want, key, key_len, msg, off);
	return sodium_memcmp(want, msg + off, MAC) == 0;
}

/* The end of both payloads: cipher byte, 3 reserved zero bytes, the clear index again. */
static bool tail_ok(const uint8_t *p, uint32_t index)
{
	return !p[1] && !p[2] && !p[3] && tk_frame_get_le32(p + 4) == index;
}

int tk_ik_initiate(struct tk_ik_hs *hs, const struct tk_ik_static *me,
        const uint8_t peer_pub[TK_KEY_LEN], const uint8_t *psk, uint32_t local_index,
        unsigned ciphers, const uint8_t tai64n[TK_IK_TAI64N_LEN], const uint8_t *cookie,
        uint8_t out[TK_FRAME_IK_INIT_LEN])
{
	uint8_t pay[INIT_PAYLOAD] = {0}, peer_mac1[TK_KEY_LEN];
	size_t n;
	int r = -EINVAL;

	if (!hs)
		return -EINVAL;
	tk_ik_hs_wipe(hs);
	if (!me || !peer_pub || !tai64n || !(ciphers & TK_CIPHER_ALL))
		goto fail;
	r = noise_init(&hs->noise, true, me->priv, peer_pub, psk ? psk : zero_psk);
	if (r < 0)
		goto fail;
	hs->local_index = local_index;
	hs->offered = ciphers & TK_CIPHER_ALL;
	memcpy(hs->mac1_key, me->mac1_key, TK_KEY_LEN);
	memcpy(pay, tai64n, TK_IK_TAI64N_LEN);
	pay[12] = (uint8_t)hs->offered;
	tk_frame_put_le32(pay + 16, local_index);
	tk_frame_put_ik_init(out, local_index);
	r = tk_noise_write_message(&hs->noise, pay, sizeof(pay), out + TK_FRAME_IK_INIT_HDR,
	        TK_FRAME_IK_INIT_MAC1 - TK_FRAME_IK_INIT_HDR, &n);
	if (r < 0)
		goto fail;
	/* mac1 is keyed by the receiver's public key: the responder's */
	tk_ik_label_key(peer_mac1, "mac1----", peer_pub);
	put_macs(out, TK_FRAME_IK_INIT_MAC1, peer_mac1, cookie);
	memcpy(hs->mac1, out + TK_FRAME_IK_INIT_MAC1, MAC);
	hs->state = TK_IK_SENT;
	sodium_memzero(pay, sizeof(pay));
	return 0;
fail:
	tk_ik_hs_wipe(hs);
	sodium_memzero(pay, sizeof(pay));
	return r;
}

int tk_ik_finish(
        struct tk_ik_hs *hs, const uint8_t *in, size_t len, uint64_t now_ns, struct tk_session *s)
{
	uint8_t pay[RESP_PAYLOAD];
	struct tk_noise_hs n;
	struct tk_frame f;
	size_t pay_len;
	int r;

	if (hs->state != TK_IK_SENT || tk_frame_parse(in, len, &f) < 0 ||
	        f.type != TK_FRAME_IK_RESP || f.receiver != hs->local_index ||
	        !mac_ok(in, TK_FRAME_IK_RESP_MAC1, hs->mac1_key, TK_KEY_LEN))
		return -EBADMSG;
	/* on a copy: a forged response must not spoil the state the real one needs */
	n = hs->noise;
	r = tk_noise_read_message(&n, in + TK_FRAME_IK_RESP_HDR,
	        TK_FRAME_IK_RESP_MAC1 - TK_FRAME_IK_RESP_HDR, pay, sizeof(pay), &pay_len);
	if (r == 0 && (pay_len != RESP_PAYLOAD || !tail_ok(pay, f.sender)))
		r = -EBADMSG;
	if (r < 0)
		goto out;
	r = tk_handshake_chosen(&n, s, pay[0], hs->offered, hs->local_index, f.sender, now_ns);
	tk_ik_hs_wipe(hs);
out:
	tk_noise_hs_wipe(&n);
	sodium_memzero(pay, sizeof(pay));
	return r;
}

int tk_ik_check_macs(
        const struct tk_ik_static *me, const uint8_t *in, size_t len, const uint8_t *cookie)
{
	struct tk_frame f;
	size_t off;

	if (tk_frame_parse(in, len, &f) < 0)
		return -EBADMSG;
	if (f.type == TK_FRAME_IK_INIT)
		off = TK_FRAME_IK_INIT_MAC1;
	else if (f.type == TK_FRAME_IK_RESP)
		off = TK_FRAME_IK_RESP_MAC1;
	else
		return -EBADMSG;
	if (!mac_ok(in, off, me->mac1_key, TK_KEY_LEN))
		return -EBADMSG;
	if (cookie && !mac_ok(in, off + MAC, cookie, TK_COOKIE_LEN))
		return -EAGAIN;
	return 0;
}

int tk_ik_consume(struct tk_ik_hs *hs, const struct tk_ik_static *me, const uint8_t *in, size_t len,
        uint8_t peer_pub[TK_KEY_LEN], uint8_t tai64n[TK_IK_TAI64N_LEN], unsigned *offered,
        uint32_t *sender)
{
	uint8_t pay[INIT_PAYLOAD];
	struct tk_frame f;
	size_t pay_len;
	int r;

	tk_ik_hs_wipe(hs);
	if (tk_frame_parse(in, len, &f) < 0 || f.type != TK_FRAME_IK_INIT ||
	        !mac_ok(in, TK_FRAME_IK_INIT_MAC1, me->mac1_key, TK_KEY_LEN))
		return -EBADMSG;
	/* the psk comes with message 2, once the engine knows whose it is */
	r = noise_init(&hs->noise, false, me->priv, NULL, NULL);
	if (r < 0)
		return r;
	r = tk_noise_read_message(&hs->noise, in + TK_FRAME_IK_INIT_HDR,
	        TK_FRAME_IK_INIT_MAC1 - TK_FRAME_IK_INIT_HDR, pay, sizeof(pay), &pay_len);
	if (r == 0 && (pay_len != INIT_PAYLOAD || !tail_ok(pay + 12, f.sender)))
		r = -EBADMSG;
	if (r < 0) {
		tk_ik_hs_wipe(hs);
		sodium_memzero(pay, sizeof(pay));
		return -EBADMSG;
	}
	hs->remote_index = f.sender;
	hs->offered = pay[12];
	hs->state = TK_IK_READ;
	memcpy(peer_pub, tk_noise_hs_remote_static(&hs->noise), TK_KEY_LEN);
	memcpy(tai64n, pay, TK_IK_TAI64N_LEN);
	*offered = pay[12];
	*sender = f.sender;
	sodium_memzero(pay, sizeof(pay));
	return 0;
}

int tk_ik_respond(struct tk_ik_hs *hs, const uint8_t *psk, uint32_t local_index, unsigned ciphers,
        uint64_t now_ns, uint8_t out[TK_FRAME_IK_RESP_LEN], struct tk_session *s)
{
	uint8_t pay[RESP_PAYLOAD] = {0}, peer_mac1[TK_KEY_LEN];
	unsigned cipher = tk_crypto_pick(hs->offered, ciphers);
	size_t n;
	int r;

	if (hs->state != TK_IK_READ) {
		r = -EPROTO;
		goto out;
	}
	if (!cipher) {
		r = -ENOPROTOOPT;
		goto out;
	}
	r = tk_noise_hs_set_psk(&hs->noise, psk ? psk : zero_psk);
	pay[0] = (uint8_t)cipher;
	tk_frame_put_le32(pay + 4, local_index);
	tk_frame_put_ik_resp(out, local_index, hs->remote_index);
	if (r == 0)
		r = tk_noise_write_message(&hs->noise, pay, sizeof(pay), out + TK_FRAME_IK_RESP_HDR,
		        TK_FRAME_IK_RESP_MAC1 - TK_FRAME_IK_RESP_HDR, &n);
	if (r < 0)
		goto out;
	/* mac1 keyed by the receiver's public key, now the initiator's; mac2 never (zero) */
	tk_ik_label_key(peer_mac1, "mac1----", tk_noise_hs_remote_static(&hs->noise));
	put_macs(out, TK_FRAME_IK_RESP_MAC1, peer_mac1, NULL);
	r = tk_handshake_session(&hs->noise, s, cipher, local_index, hs->remote_index, now_ns);
out:
	tk_ik_hs_wipe(hs);
	return r;
}
