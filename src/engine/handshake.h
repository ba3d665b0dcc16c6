/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's handshake: Noise NNpsk0 (noise.h) inside the initiation and response frames
 * (frame.h), with the cipher negotiation in the encrypted payloads, ending in a session
 * (crypto.h).  Fresh ephemeral keys on both sides every time, so every session has new keys
 * per direction.  Pure code: no I/O, never prints; returns 0 or -errno.  A failure means
 * "drop the frame, send nothing".
 */
#ifndef TK_HANDSHAKE_H
#define TK_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "frame.h"
#include "noise.h"

/* The Noise prologue: a fixed protocol label and version, so other versions never agree. */
#define TK_HANDSHAKE_PROLOGUE "tunkit tunnel v1"

/* The initiator's pending handshake, kept until the response arrives.  Caller-owned. */
struct tk_handshake {
	struct tk_noise_hs noise;
	uint32_t local_index;
	unsigned offered;
};

/*
 * Start a handshake: write the initiation frame (TK_FRAME_INIT_LEN bytes) to out, offering
 * the ciphers in the mask.  hs keeps the state for tk_handshake_finish().  Returns 0 or
 * -EINVAL (no cipher offered).
 */
int tk_handshake_initiate(struct tk_handshake *hs, const uint8_t psk[TK_KEY_LEN],
        uint32_t local_index, unsigned ciphers, uint8_t out[TK_FRAME_INIT_LEN]);

/*
 * Answer an initiation frame: on success write the response (TK_FRAME_RESP_LEN bytes, never
 * more than the initiation) to out and set up s as the responder's session.  ciphers is
 * what this side allows.  Returns 0; -EBADMSG if the frame is malformed or does not
 * authenticate (wrong key, other version, tampering); -ENOPROTOOPT if no common cipher.
 * Nothing is written to s on failure.
 */
int tk_handshake_respond(const uint8_t psk[TK_KEY_LEN], const uint8_t *in, size_t len,
        uint32_t local_index, unsigned ciphers, uint64_t now_ns, uint8_t out[TK_FRAME_RESP_LEN],
        struct tk_session *s);

/*
 * The initiator reads the response (found by its receiver index) and sets up s.  Returns 0;
 * -EBADMSG if it is malformed, not for hs, or does not authenticate; -ENOPROTOOPT if the
 * peer chose a cipher that was not offered.  After a response that authenticated, hs is
 * wiped (a handshake state is used once); after -EBADMSG it is kept unchanged, so a forged
 * response cannot cancel the handshake.
 */
int tk_handshake_finish(struct tk_handshake *hs, const uint8_t *in, size_t len, uint64_t now_ns,
        struct tk_session *s);

/*
 * Split a finished Noise handshake of either version into s, this side's session: i2r is
 * the initiator's sending key.  Returns 0 or the errors of tk_noise_split() and
 * tk_crypto_session_init().  n is not wiped.
 */
int tk_handshake_session(struct tk_noise_hs *n, struct tk_session *s, unsigned cipher,
        uint32_t local, uint32_t remote, uint64_t now_ns);

/*
 * The initiator's end of either version: the responder chose cipher, which must be exactly
 * one of those offered (-ENOPROTOOPT otherwise); then tk_handshake_session().
 */
int tk_handshake_chosen(struct tk_noise_hs *n, struct tk_session *s, unsigned cipher,
        unsigned offered, uint32_t local, uint32_t remote, uint64_t now_ns);

/* Zero the pending state. */
void tk_handshake_wipe(struct tk_handshake *hs);

#endif
