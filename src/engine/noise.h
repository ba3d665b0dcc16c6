/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Noise protocol framework (revision 34), only as far as the tunnel needs it:
 * the pattern NNpsk0 with X25519, ChaCha20-Poly1305 and BLAKE2b, on libsodium.
 *
 *   NNpsk0:
 *     -> psk, e
 *     <- e, ee
 *
 * The state lives in a caller-owned struct tk_noise_hs (no allocation).  A test can fix the
 * ephemeral key to replay published test vectors.  Nothing here prints, exits or does I/O;
 * functions return 0 or -errno.  Call tk_noise_hs_wipe() when done: it zeroes every secret.
 */
#ifndef TK_NOISE_H
#define TK_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_NOISE_DHLEN   32
#define TK_NOISE_HASHLEN 64
#define TK_NOISE_KEYLEN  32
#define TK_NOISE_TAGLEN  16
/* Noise's own limit on one message */
#define TK_NOISE_MAX_MSG 65535

#define TK_NOISE_PROTOCOL "Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b"

/* A Noise CipherState (ChaChaPoly): key, 64-bit nonce. */
struct tk_noise_cipher {
	uint8_t k[TK_NOISE_KEYLEN];
	uint64_t n;
	bool has_key;
};

/* A HandshakeState with its SymmetricState, for NNpsk0 only. */
struct tk_noise_hs {
	uint8_t ck[TK_NOISE_HASHLEN];
	uint8_t h[TK_NOISE_HASHLEN];
	struct tk_noise_cipher cs;
	uint8_t psk[TK_NOISE_KEYLEN];
	uint8_t e_priv[TK_NOISE_DHLEN];
	uint8_t e_pub[TK_NOISE_DHLEN];
	uint8_t re[TK_NOISE_DHLEN];
	bool initiator;
	bool fixed_e; /* e_priv was set by tk_noise_hs_set_ephemeral() */
	int step;     /* messages done: 0, 1, 2 (2 = ready to split) */
};

/*
 * Initialize a handshake: Initialize(), MixHash(prologue), remember psk.  hs is the caller's
 * storage; prologue and psk are copied.  Returns 0, or -EINVAL for a NULL argument.
 */
int tk_noise_hs_init(struct tk_noise_hs *hs, bool initiator, const uint8_t *prologue,
        size_t prologue_len, const uint8_t psk[TK_NOISE_KEYLEN]);

/*
 * Use this ephemeral private key instead of a random one (test vectors only).  Call after
 * tk_noise_hs_init() and before this side writes its e.  Returns 0 or -EINVAL.
 */
int tk_noise_hs_set_ephemeral(struct tk_noise_hs *hs, const uint8_t priv[TK_NOISE_DHLEN]);

/*
 * Write this side's next handshake message (initiator: message 1, responder: message 2)
 * carrying payload, to out (cap bytes).  The message is 32 + payload_len + 16 bytes.
 * Returns 0 and sets *out_len; -ENOSPC if out is too small; -EMSGSIZE if the message would
 * exceed 65535 bytes; -EPROTO if it is not this side's turn; -EBADMSG if the DH result is
 * all zero.
 */
int tk_noise_write_message(struct tk_noise_hs *hs, const uint8_t *payload, size_t payload_len,
        uint8_t *out, size_t cap, size_t *out_len);

/*
 * Read the peer's next handshake message; the decrypted payload goes to payload (cap bytes).
 * Returns 0 and sets *payload_len; -EBADMSG if the message is too short, fails to
 * authenticate (wrong psk, prologue or tampering) or gives a low-order DH result; -ENOSPC if
 * payload is too small; -EPROTO if it is not the peer's turn.  On failure the state must be
 * discarded.
 */
int tk_noise_read_message(struct tk_noise_hs *hs, const uint8_t *msg, size_t msg_len,
        uint8_t *payload, size_t cap, size_t *payload_len);

/*
 * After both messages: Split() into the initiator-to-responder key i2r and the
 * responder-to-initiator key r2i.  Returns 0 or -EPROTO if the handshake is not complete.
 */
int tk_noise_split(
        struct tk_noise_hs *hs, uint8_t i2r[TK_NOISE_KEYLEN], uint8_t r2i[TK_NOISE_KEYLEN]);

/* The handshake hash h (64 bytes, owned by hs); meaningful after the handshake. */
const uint8_t *tk_noise_hs_hash(const struct tk_noise_hs *hs);

/*
 * Noise transport encryption with a split key (ChaChaPoly, nonce n), used by the test
 * vectors; out gets len + 16 bytes.  Returns 0 or -EOVERFLOW when n is exhausted.
 */
int tk_noise_cipher_encrypt(struct tk_noise_cipher *cs, const uint8_t *ad, size_t ad_len,
        const uint8_t *in, size_t len, uint8_t *out);
/* The reverse: out gets len - 16 bytes.  Returns 0, -EBADMSG, or -EOVERFLOW. */
int tk_noise_cipher_decrypt(struct tk_noise_cipher *cs, const uint8_t *ad, size_t ad_len,
        const uint8_t *in, size_t len, uint8_t *out);

/* Zero every secret in hs (sodium_memzero). */
void tk_noise_hs_wipe(struct tk_noise_hs *hs);

#endif
