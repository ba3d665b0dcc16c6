/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sessions of the tunnel: per-direction keys from the handshake, sealing and opening data
 * frames in place (AES-256-GCM or ChaCha20-Poly1305, 64-bit counter nonces), the replay
 * window, rekey and expiry limits; and the pre-shared key: generation, base64 encoding,
 * parsing and reading a key file.  No printing, no exit; returns 0 or -errno.  Every secret
 * is wiped with sodium_memzero() by tk_crypto_session_wipe() and on the error paths.
 * sodium_init() must have succeeded before any of this is called.
 */
#ifndef TK_CRYPTO_H
#define TK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "replay.h"

#define TK_KEY_LEN      32
#define TK_KEY_B64_SIZE 45 /* 44 characters and the NUL */

/* cipher bits: an offer is a mask of them, a choice is one of them */
#define TK_CIPHER_CHACHA20POLY1305 0x01u
#define TK_CIPHER_AES256GCM        0x02u
#define TK_CIPHER_ALL              (TK_CIPHER_CHACHA20POLY1305 | TK_CIPHER_AES256GCM)

/* limits (as in WireGuard); the engine's timers decide, these only say when */
#define TK_REKEY_AFTER_MESSAGES  (UINT64_C(1) << 60)
#define TK_REJECT_AFTER_MESSAGES (UINT64_MAX - (UINT64_C(1) << 13))
#define TK_REKEY_AFTER_SEC       120 /* the initiator starts a new handshake */
#define TK_REJECT_AFTER_SEC      180 /* a session older than this is not used at all */
#define TK_REKEY_TIMEOUT_SEC     5   /* resend an unanswered initiation */
#define TK_REKEY_ATTEMPT_SEC     90  /* give up retrying */
#define TK_KEEPALIVE_SEC         10  /* send a keepalive after receiving without sending */
#define TK_NSEC                  UINT64_C(1000000000)

/* One session: keys for each direction.  The caller owns it (keep it 16-byte aligned). */
struct tk_session {
	crypto_aead_aes256gcm_state aes_send;
	crypto_aead_aes256gcm_state aes_recv;
	uint8_t send_key[TK_KEY_LEN];
	uint8_t recv_key[TK_KEY_LEN];
	uint64_t send_counter; /* next counter to send */
	uint64_t rekey_after;  /* messages */
	uint64_t reject_after; /* messages, each direction: no counter at or past it */
	uint64_t created_ns;   /* the caller's monotonic clock at the handshake */
	uint64_t rekey_after_ns;  /* age: the initiator starts a new handshake */
	uint64_t reject_after_ns; /* age: the session is not used at all */
	struct tk_replay replay;
	uint32_t local_index;  /* data frames to us carry this */
	uint32_t remote_index; /* data frames we send carry this */
	unsigned cipher;       /* one TK_CIPHER_* */
	bool initiator;
	bool confirmed; /* a frame from the peer authenticated with these keys */
};

/* The ciphers this host can do (AES-256-GCM only with hardware support). */
unsigned tk_crypto_ciphers(void);

/* The responder's choice from the initiator's offer: AES-256-GCM when both can, else
 * ChaCha20-Poly1305, else 0. */
unsigned tk_crypto_pick(unsigned offered, unsigned local);

/*
 * Set up s with the cipher and keys (copied) and default limits.  Returns 0, or -EINVAL for
 * an unknown cipher, -ENOTSUP for AES-256-GCM without hardware support.
 */
int tk_crypto_session_init(struct tk_session *s, unsigned cipher, bool initiator,
        const uint8_t send_key[TK_KEY_LEN], const uint8_t recv_key[TK_KEY_LEN],
        uint32_t local_index, uint32_t remote_index, uint64_t now_ns);

/* Lower the message limits (tests; or a cautious caller).  reject_after > 0. */
void tk_crypto_session_set_limits(
        struct tk_session *s, uint64_t rekey_after, uint64_t reject_after);

/* Other ages for rekeying and expiry (default TK_REKEY_AFTER_SEC, TK_REJECT_AFTER_SEC). */
void tk_crypto_session_set_times(struct tk_session *s, uint64_t rekey_after_ns,
        uint64_t reject_after_ns);

/*
 * Seal a data frame in place.  frame[TK_FRAME_DATA_HDR..+payload_len) holds the plaintext;
 * the header is written before it and the tag after it; cap is the room at frame.
 * Returns 0 and sets *frame_len; -ENOSPC if cap < payload_len + TK_FRAME_OVERHEAD;
 * -EMSGSIZE if payload_len > TK_FRAME_MAX_PAYLOAD; -EKEYEXPIRED when the counter reached
 * the limit (never wraps: the session must be replaced).
 */
int tk_crypto_seal(
        struct tk_session *s, uint8_t *frame, size_t payload_len, size_t cap, size_t *frame_len);

/*
 * The same, out of place: the payload is read from payload (which must not overlap the
 * frame other than exactly at frame + TK_FRAME_DATA_HDR), so a packet read anywhere is sealed
 * straight into a batch of frames without a copy.
 */
int tk_crypto_seal_to(struct tk_session *s, uint8_t *frame, const uint8_t *payload,
        size_t payload_len, size_t cap, size_t *frame_len);

/*
 * Open a data frame in place, after the caller found s by the frame's receiver index.
 * Order: size and type, receiver index, replay pre-check, AEAD, replay window update.
 * Returns 0 and sets *payload_len (the plaintext is at frame + TK_FRAME_DATA_HDR); else
 * -EBADMSG (malformed or not authentic), -ESTALE (older than the window), -EALREADY
 * (replayed), -EKEYEXPIRED (counter past the limit).  The window changes only on success;
 * after a failure the frame's bytes are undefined.
 */
int tk_crypto_open(struct tk_session *s, uint8_t *frame, size_t len, size_t *payload_len);

/* Whether it is time for a new handshake (initiator: age; both: count sent or received). */
bool tk_crypto_needs_rekey(const struct tk_session *s, uint64_t now_ns);
/* Whether the session must no longer be used (age or counter). */
bool tk_crypto_expired(const struct tk_session *s, uint64_t now_ns);

/* Zero the whole session. */
void tk_crypto_session_wipe(struct tk_session *s);

/* A new random pre-shared key. */
void tk_crypto_key_generate(uint8_t key[TK_KEY_LEN]);
/* The key as base64 (standard alphabet, padded) into out, NUL-terminated. */
void tk_crypto_key_encode(const uint8_t key[TK_KEY_LEN], char out[TK_KEY_B64_SIZE]);
/*
 * Parse base64 text (surrounding white space allowed) into a 32-byte key.  Returns 0 or
 * -EINVAL; key is zeroed on failure.
 */
int tk_crypto_key_parse(const char *text, size_t len, uint8_t key[TK_KEY_LEN]);
/*
 * Read a key file.  Returns 0; -errno from open/read; -EPERM if group or others have any
 * access to it (the caller says so); -EINVAL if it is not a regular file holding one key.
 */
int tk_crypto_key_read(const char *path, uint8_t key[TK_KEY_LEN]);

#endif
