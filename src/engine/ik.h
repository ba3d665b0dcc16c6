/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Version 2 of the tunnel's handshake, for a hub with many peers: every side has its own
 * X25519 key pair, and the handshake is Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b (noise.h)
 * inside the frames of frame.h, with WireGuard's two MACs and cookie replies against load:
 *
 *   initiator                                   responder
 *   tk_ik_initiate()  -- initiation (156) -->   tk_ik_check_macs()   (cheap, no DH)
 *                                               tk_ik_consume()      (who is it? the engine
 *                                                                     looks the key up)
 *   tk_ik_finish()    <-- response (100)  --    tk_ik_respond()
 *   tk_cookie_open()  <-- cookie reply (64) --  tk_cookie_reply()    (instead, under load)
 *
 * Both ends get a struct tk_session (crypto.h), the same as version 1's, for data frames.
 * docs/protocol.md has the byte layouts and the reasons.  Pure code: no I/O, no clock (the
 * caller passes times), no allocation, never prints; returns 0 or -errno.  Secrets are
 * wiped with sodium_memzero().  A failure means "drop the frame, send nothing", except
 * -EAGAIN from tk_ik_check_macs(), which asks for a cookie reply.  sodium_init() must have
 * succeeded before any of this is called.
 */
#ifndef TK_IK_H
#define TK_IK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "crypto.h"
#include "frame.h"
#include "noise.h"

/* The Noise prologue of version 2: version 1's label with another number. */
#define TK_IK_PROLOGUE "tunkit tunnel v2"

#define TK_IK_TAI64N_LEN     12 /* 8-byte seconds (2^62 + Unix), 4-byte nanoseconds, BE */
#define TK_COOKIE_LEN        16
#define TK_COOKIE_SECRET_LEN 32
#define TK_COOKIE_NONCE_LEN  24
/* The responder changes its cookie secret this often; an initiator uses a cookie while it is
 * younger than that minus the latency margin (both as WireGuard). */
#define TK_COOKIE_SECRET_SEC  120
#define TK_COOKIE_LATENCY_SEC 5

/*
 * This side's static key pair, and what it needs to check the mac1 of messages sent to it
 * and to seal its cookie replies: both keys derive from its own public key.  Caller-owned;
 * tk_ik_static_wipe() when done.
 */
struct tk_ik_static {
	uint8_t priv[TK_KEY_LEN];
	uint8_t pub[TK_KEY_LEN];
	uint8_t mac1_key[TK_KEY_LEN];   /* BLAKE2b-256("mac1----" || pub) */
	uint8_t cookie_key[TK_KEY_LEN]; /* BLAKE2b-256("cookie--" || pub) */
};

enum tk_ik_state {
	TK_IK_NONE = 0, /* empty or used up */
	TK_IK_SENT,     /* an initiator waiting for the response */
	TK_IK_READ,     /* a responder that read an initiation, before it answers */
};

/* One side's handshake in progress.  Caller-owned; may be copied (its one pointer is to a
 * constant pattern).  tk_ik_hs_wipe() one that is dropped. */
struct tk_ik_hs {
	struct tk_noise_hs noise;
	uint8_t mac1_key[TK_KEY_LEN]; /* initiator: its own, to check the response */
	uint8_t mac1[TK_FRAME_MAC];   /* initiator: the initiation's mac1, for tk_cookie_open() */
	uint32_t local_index;         /* initiator: its sender index */
	uint32_t remote_index;        /* responder: the initiator's sender index */
	unsigned offered;             /* initiator: what it offered; responder: what it got */
	enum tk_ik_state state;
};

/* pub = X25519(priv, 9).  Returns 0, or -EINVAL when the result is all zero. */
int tk_ik_pubkey(uint8_t pub[TK_KEY_LEN], const uint8_t priv[TK_KEY_LEN]);

/* Fill st from a private key (copied).  Returns 0, or -EINVAL (as tk_ik_pubkey()). */
int tk_ik_static_init(struct tk_ik_static *st, const uint8_t priv[TK_KEY_LEN]);
/* Zero st. */
void tk_ik_static_wipe(struct tk_ik_static *st);

/*
 * Initiator: start a handshake with the responder whose static public key is peer_pub.
 * psk is the pair's pre-shared key, or NULL for none (32 zero bytes, as WireGuard);
 * ciphers the TK_CIPHER_* offer; tai64n the time stamp (tk_tai64n()) the responder will
 * require to grow; cookie the last cookie from this responder while tk_cookie_usable(), or
 * NULL.  Writes the initiation to out (mac1 always, mac2 with a cookie, else zeros) and keeps
 * the state in hs for tk_ik_finish().  Returns 0; -EINVAL (no cipher offered, a NULL key);
 * -EBADMSG if peer_pub is a low-order point.  On failure hs is wiped.
 */
int tk_ik_initiate(struct tk_ik_hs *hs, const struct tk_ik_static *me,
        const uint8_t peer_pub[TK_KEY_LEN], const uint8_t *psk, uint32_t local_index,
        unsigned ciphers, const uint8_t tai64n[TK_IK_TAI64N_LEN], const uint8_t *cookie,
        uint8_t out[TK_FRAME_IK_INIT_LEN]);

/*
 * Initiator: read the response (found by its receiver index) and set up s.  Returns 0;
 * -EBADMSG if it is malformed, not for hs, its mac1 is wrong or it does not authenticate
 * (another responder key or psk, tampering); -ENOPROTOOPT if the responder chose a cipher
 * that was not offered.  After a response that authenticated, hs is wiped (used once); after
 * -EBADMSG it is unchanged, so a forged response cannot cancel the handshake.  Nothing is
 * written to s on failure.  The response's mac2 is not checked (it is always zero).
 */
int tk_ik_finish(
        struct tk_ik_hs *hs, const uint8_t *in, size_t len, uint64_t now_ns, struct tk_session *s);

/*
 * Responder (or initiator), first and cheap (two BLAKE2b, no DH): is this handshake message
 * (initiation or response) for me?  cookie is NULL normally; under load, the cookie for the
 * packet's source (tk_cookie_make()), and then mac2 must carry it.  Returns 0; -EBADMSG if
 * it is malformed or its mac1 is wrong (drop it); -EAGAIN if mac1 is right but mac2 is not
 * (answer with tk_cookie_reply()).
 */
int tk_ik_check_macs(
        const struct tk_ik_static *me, const uint8_t *in, size_t len, const uint8_t *cookie);

/*
 * Responder, second: run message 1 (e, es, s, ss) of an initiation that passed
 * tk_ik_check_macs() (mac1 is checked again here, mac2 is not).  On success hs holds the
 * state for tk_ik_respond(), and the outputs say who the initiator is (peer_pub, its static
 * public key, for the engine to look up), when it sent this (tai64n: the engine drops it
 * unless it is later than the last one accepted from that peer; that is the replay
 * protection), what it offers and its index.  An engine that drops it then wipes hs.
 * Returns 0; -EBADMSG (malformed, mac1, does not authenticate, low-order keys, index
 * repeated wrongly, reserved bytes not zero); -EINVAL if me holds no key.  On failure hs is
 * wiped and the outputs are not written.
 */
int tk_ik_consume(struct tk_ik_hs *hs, const struct tk_ik_static *me, const uint8_t *in, size_t len,
        uint8_t peer_pub[TK_KEY_LEN], uint8_t tai64n[TK_IK_TAI64N_LEN], unsigned *offered,
        uint32_t *sender);

/*
 * Responder, last: the peer is known and its initiation fresh; answer it with psk (NULL: no
 * psk) and this side's ciphers.  Writes the response to out (TK_FRAME_IK_RESP_LEN, smaller
 * than the initiation; mac1 keyed by the initiator's public key, mac2 zero) and sets up s.
 * Returns 0; -ENOPROTOOPT if no cipher in common; -EPROTO if hs did not come from
 * tk_ik_consume(); -EBADMSG for a low-order key.  hs is wiped in every case; nothing is
 * written to s on failure.
 */
int tk_ik_respond(struct tk_ik_hs *hs, const uint8_t *psk, uint32_t local_index, unsigned ciphers,
        uint64_t now_ns, uint8_t out[TK_FRAME_IK_RESP_LEN], struct tk_session *s);

/* Zero hs. */
void tk_ik_hs_wipe(struct tk_ik_hs *hs);

/* key = BLAKE2b-256(label || pub); label is 8 characters ("mac1----" or "cookie--"). */
void tk_ik_label_key(uint8_t key[TK_KEY_LEN], const char *label, const uint8_t pub[TK_KEY_LEN]);
/* out = keyed BLAKE2b-128 of data: mac1, mac2 and the cookie itself.  key_len 16 to 64. */
void tk_ik_mac(uint8_t out[TK_FRAME_MAC], const uint8_t *key, size_t key_len, const uint8_t *data,
        size_t len);

/*
 * Responder under load: the cookie of the address an initiation came from, keyed by the
 * secret it changes every TK_COOKIE_SECRET_SEC (random bytes from the caller).  The address
 * is hashed as 4 (IPv4) or 16 (IPv6) bytes, then the port, big-endian.  Returns 0, or
 * -EAFNOSUPPORT for another family.
 */
int tk_cookie_make(uint8_t cookie[TK_COOKIE_LEN], const uint8_t secret[TK_COOKIE_SECRET_LEN],
        const struct sockaddr_storage *from);

/*
 * Responder under load: the cookie reply to an initiation whose sender index is
 * receiver_index and whose mac1 is mac1 (bytes TK_FRAME_IK_INIT_MAC1.. of it), sealed with
 * me->cookie_key and the caller's 24 random bytes of nonce.  Writes TK_FRAME_COOKIE_LEN bytes
 * to out, smaller than the initiation.  Returns 0.
 */
int tk_cookie_reply(uint8_t out[TK_FRAME_COOKIE_LEN], const struct tk_ik_static *me,
        uint32_t receiver_index, const uint8_t mac1[TK_FRAME_MAC],
        const uint8_t cookie[TK_COOKIE_LEN], const uint8_t nonce[TK_COOKIE_NONCE_LEN]);

/*
 * Initiator: open a cookie reply to its pending initiation (the engine finds it by the
 * receiver index; mac1_sent is that handshake's hs->mac1) from the responder whose static
 * public key is peer_pub.  Returns 0 with the cookie (to use for mac2 while
 * tk_cookie_usable()), or -EBADMSG if it is malformed or does not decrypt (not for that
 * initiation, not from that responder); then cookie is zeroed.
 */
int tk_cookie_open(uint8_t cookie[TK_COOKIE_LEN], const uint8_t peer_pub[TK_KEY_LEN],
        const uint8_t mac1_sent[TK_FRAME_MAC], const uint8_t *in, size_t len);

/* Whether a cookie received at received_ns may still go into mac2 at now_ns. */
bool tk_cookie_usable(uint64_t received_ns, uint64_t now_ns);

/*
 * TAI64N of a Unix time in seconds (to the nanosecond as far as a double holds it).
 * Returns 0, or -ERANGE for a time that is not finite or beyond TAI64's range.
 */
int tk_tai64n(uint8_t out[TK_IK_TAI64N_LEN], double unix_time);
/* Compare two TAI64N stamps: < 0, 0 or > 0 as a is earlier, the same or later than b. */
int tk_tai64n_cmp(const uint8_t a[TK_IK_TAI64N_LEN], const uint8_t b[TK_IK_TAI64N_LEN]);

#endif
