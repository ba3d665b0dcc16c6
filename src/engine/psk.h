/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TEMPORARY data-frame sealing with the pre-shared key, used by the tunnel
 * until the Noise handshake and session keys of branch engine-proto
 * (engine/noise.c, engine/crypto.c, engine/replay.c, engine/frame.c) are
 * merged; then this file goes.  Each process picks a random 64-bit sender
 * id, so (key, sender id, counter) never repeats a nonce across restarts.
 *
 * The replay window is engine/replay.c's (branch engine-proto).
 * Frame: type u8, 3 zero bytes, sender id u64 BE, counter u64 BE (the AD),
 * then XChaCha20-Poly1305 ciphertext and 16-byte tag.  Pure code, no I/O
 * except tk_psk_read.  Nothing here prints.
 */
#ifndef TK_ENGINE_PSK_H
#define TK_ENGINE_PSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/replay.h"

#define TK_PSK_HDR 20
#define TK_PSK_TAG 16
#define TK_PSK_OVERHEAD (TK_PSK_HDR + TK_PSK_TAG)

enum { TK_PSK_DATA = 1, TK_PSK_KEEPALIVE = 2, TK_PSK_HELLO = 3 };

struct tk_psk {
	uint8_t key[32];
	uint64_t sender; /* ours, random per process */
	uint64_t tx_ctr;
	/* the peer's stream we accept: its sender id and replay window */
	bool have_rx;
	uint64_t rx_sender;
	struct tk_replay rx_window;
};

/*
 * Reads a base64 key file.  Returns 0, -errno, -EKEYREJECTED when the file
 * is readable by group or others, -EINVAL when it holds no 32-byte key.
 */
int tk_psk_read(const char *path, uint8_t key[32]);

/* Sets the key and a new random sender id; counters start at 0. */
void tk_psk_init(struct tk_psk *p, const uint8_t key[32]);

/*
 * Seals len bytes at pkt in place: the header is written to the
 * TK_PSK_HDR bytes before pkt (headroom the caller owns), the tag after.
 * Returns the frame's start (pkt - TK_PSK_HDR); its length is
 * len + TK_PSK_OVERHEAD.
 */
uint8_t *tk_psk_seal(struct tk_psk *p, int type, uint8_t *pkt, size_t len);

/*
 * Opens a frame in place.  Returns the plaintext length (payload at
 * frame + TK_PSK_HDR) and sets *type, or -EBADMSG (short, bad type, failed
 * authentication) or -EALREADY (a replay).  *new_sender is set when an
 * authenticated frame started a new peer stream (the peer restarted).
 */
int tk_psk_open(struct tk_psk *p, uint8_t *frame, size_t len, int *type, bool *new_sender);

#endif
