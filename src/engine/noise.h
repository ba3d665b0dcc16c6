/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Noise protocol framework (revision 34), only as far as the tunnel needs it: two-message
 * patterns with X25519, ChaCha20-Poly1305 and BLAKE2b, on libsodium.  Two patterns are
 * defined, one per protocol version of the tunnel:
 *
 *   NNpsk0 (version 1, a shared key)     IKpsk2 (version 2, a key pair per peer)
 *     -> psk, e                            <- s
 *     <- e, ee                             ...
 *                                          -> e, es, s, ss
 *                                          <- e, ee, se, psk
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

/* The tokens of a message pattern (spec 7.1), and the end of a message's list. */
enum tk_noise_token {
	TK_NOISE_END = 0,
	TK_NOISE_E,
	TK_NOISE_S,
	TK_NOISE_EE,
	TK_NOISE_ES,
	TK_NOISE_SE,
	TK_NOISE_SS,
	TK_NOISE_PSK,
};

#define TK_NOISE_MAX_MSGS   2 /* the patterns here have two messages */
#define TK_NOISE_MAX_TOKENS 5 /* tokens in one message, plus the END */

/* A handshake pattern with its full protocol name (what Initialize() hashes). */
struct tk_noise_pattern {
	const char *name;
	bool pre_rs; /* the pre-message "<- s": the initiator knows the responder's key */
	bool psk;    /* a psk modifier: every "e" also does MixKey(e.pub) (spec 9.2) */
	uint8_t tokens[TK_NOISE_MAX_MSGS][TK_NOISE_MAX_TOKENS + 1];
};

/* Noise_NNpsk0_25519_ChaChaPoly_BLAKE2b and Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b. */
extern const struct tk_noise_pattern tk_noise_nnpsk0;
extern const struct tk_noise_pattern tk_noise_ikpsk2;

/* A Noise CipherState (ChaChaPoly): key, 64-bit nonce. */
struct tk_noise_cipher {
	uint8_t k[TK_NOISE_KEYLEN];
	uint64_t n;
	bool has_key;
};

/* A HandshakeState with its SymmetricState. */
struct tk_noise_hs {
	const struct tk_noise_pattern *pat;
	uint8_t ck[TK_NOISE_HASHLEN];
	uint8_t h[TK_NOISE_HASHLEN];
	struct tk_noise_cipher cs;
	uint8_t psk[TK_NOISE_KEYLEN];
	uint8_t s_priv[TK_NOISE_DHLEN];
	uint8_t s_pub[TK_NOISE_DHLEN];
	uint8_t e_priv[TK_NOISE_DHLEN];
	uint8_t e_pub[TK_NOISE_DHLEN];
	uint8_t rs[TK_NOISE_DHLEN];
	uint8_t re[TK_NOISE_DHLEN];
	bool has_psk, has_s, has_e, has_rs, has_re;
	bool initiator;
	bool fixed_e; /* e_priv was set by tk_noise_hs_set_ephemeral() */
	int step;     /* messages done: 0, 1, 2 (2 = ready to split) */
};

/*
 * Initialize a handshake for pattern pat: Initialize(), MixHash(prologue), the pre-messages.
 * s_priv is this side's static private key (NULL if the pattern has none for this side); rs
 * the responder's static public key, for an initiator of a pattern with "<- s" (else NULL);
 * psk the pre-shared key, or NULL to give it later with tk_noise_hs_set_psk().  hs is the
 * caller's storage; everything is copied.  Returns 0; -EINVAL for a NULL hs or pat, a key
 * the pre-message needs that is missing, or a static private key whose public key is zero.
 */
int tk_noise_hs_init(struct tk_noise_hs *hs, const struct tk_noise_pattern *pat, bool initiator,
        const uint8_t *prologue, size_t prologue_len, const uint8_t s_priv[TK_NOISE_DHLEN],
        const uint8_t rs[TK_NOISE_DHLEN], const uint8_t psk[TK_NOISE_KEYLEN]);

/* Set the pre-shared key; any time before the "psk" token.  Returns 0 or -EINVAL. */
int tk_noise_hs_set_psk(struct tk_noise_hs *hs, const uint8_t psk[TK_NOISE_KEYLEN]);

/*
 * Use this ephemeral private key instead of a random one (test vectors only).  Call after
 * tk_noise_hs_init() and before this side writes its e.  Returns 0 or -EINVAL.
 */
int tk_noise_hs_set_ephemeral(struct tk_noise_hs *hs, const uint8_t priv[TK_NOISE_DHLEN]);

/*
 * The size of this side's next message (reading or writing) with a payload of payload_len
 * bytes; the tokens' bytes are that minus payload_len.  0 when the handshake is over.
 */
size_t tk_noise_message_len(const struct tk_noise_hs *hs, size_t payload_len);

/*
 * Write this side's next handshake message carrying payload, to out (cap bytes; out and
 * payload must not overlap).  Returns 0 and sets *out_len; -ENOSPC if out is too small;
 * -EMSGSIZE if the message would exceed 65535 bytes; -EPROTO if it is not this side's turn
 * or a key a token needs is missing; -ENOKEY at a "psk" token with no psk set; -EBADMSG if
 * a DH result is all zero.  On failure the state must be discarded.
 */
int tk_noise_write_message(struct tk_noise_hs *hs, const uint8_t *payload, size_t payload_len,
        uint8_t *out, size_t cap, size_t *out_len);

/*
 * Read the peer's next handshake message; the decrypted payload goes to payload (cap bytes,
 * not overlapping msg).  Returns 0 and sets *payload_len; -EBADMSG if the message is too
 * short, fails to authenticate (wrong keys, psk, prologue or tampering) or gives an all-zero
 * DH result; -ENOSPC if payload is too small; -EPROTO and -ENOKEY as for writing.  On
 * failure the state must be discarded.
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

/* The peer's static public key (32 bytes, owned by hs) once known, else NULL. */
const uint8_t *tk_noise_hs_remote_static(const struct tk_noise_hs *hs);

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
