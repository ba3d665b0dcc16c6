/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for everything the tunnel reads off the network before it trusts it:
 * the frame parser, the handshake responder and initiator, opening data frames, and the
 * TCP stream framer fed the same bytes in chunks.  The pre-shared key is fixed (0x42...)
 * so seeds made with it reach past the parser into the Noise code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/crypto.h"
#include "engine/frame.h"
#include "engine/handshake.h"
#include "engine/peer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t psk[TK_KEY_LEN];
static struct tk_handshake pending;
static struct tk_session session;
static struct tk_framer framer;
static uint8_t buf[TK_FRAME_MAX + 64];
/* the engine's view: a listener and a connector with a handshake pending */
static struct tk_peer listener, connector;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t init[TK_FRAME_INIT_LEN], resp[TK_FRAME_RESP_LEN];
	struct tk_handshake hs;

	if (sodium_init() < 0)
		abort();
	memset(psk, 0x42, sizeof(psk));
	if (tk_handshake_initiate(&pending, psk, 1, TK_CIPHER_ALL, init) < 0)
		abort();
	/* a real session (index 2) for data frames */
	if (tk_handshake_initiate(&hs, psk, 1, TK_CIPHER_CHACHA20POLY1305, init) < 0 ||
	        tk_handshake_respond(psk, init, sizeof(init), 2, TK_CIPHER_ALL, 0, resp, &session) <
	                0)
		abort();
	tk_handshake_wipe(&hs);
	tk_peer_init(&listener, psk, TK_CIPHER_ALL, false);
	tk_peer_init(&connector, psk, TK_CIPHER_ALL, true);
	if (tk_peer_initiate(&connector, 0, init) < 0)
		abort();
	return 0;
}

/* Whatever the bytes, an answer is a response and a payload fits in the frame. */
static void fuzz_peer(struct tk_peer *p, const uint8_t *data, size_t size)
{
	uint8_t out[TK_FRAME_RESP_LEN];
	unsigned ev;
	size_t n;
	int r;

	memcpy(buf, data, size);
	r = tk_peer_receive(p, 1, buf, size, out, &n, &ev);
	if (r == TK_PEER_ANSWER && (n != TK_FRAME_RESP_LEN || size != TK_FRAME_INIT_LEN))
		abort();
	if ((r == TK_PEER_DATA || r == TK_PEER_KEEPALIVE) && n + TK_FRAME_OVERHEAD != size)
		abort();
}

static void fuzz_framer(const uint8_t *data, size_t size, size_t max)
{
	size_t off = 0, step = 1 + (size ? data[0] % 97 : 0);

	tk_framer_init(&framer, max);
	while (off < size) {
		size_t chunk = size - off < step ? size - off : step;
		uint8_t *frame;
		size_t flen;
		ssize_t n = tk_framer_feed(&framer, data + off, chunk, &frame, &flen);
		struct tk_frame f;

		if (n < 0)
			return;
		if (n == 0 || (size_t)n > chunk)
			abort();
		if (frame && (flen > max || tk_frame_parse(frame, flen, &f) < 0))
			abort();
		off += (size_t)n;
		step = step * 7 % 1501 + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t resp[TK_FRAME_RESP_LEN];
	struct tk_session s;
	struct tk_frame f;
	size_t plen;

	if (tk_frame_parse(data, size, &f) == 0) {
		if (f.len != size)
			abort();
		switch (f.type) {
		case TK_FRAME_INIT:
			if (tk_handshake_respond(psk, data, size, 3, TK_CIPHER_ALL, 0, resp, &s) ==
			        0)
				tk_crypto_session_wipe(&s);
			break;
		case TK_FRAME_RESP: {
			struct tk_handshake hs = pending;

			tk_handshake_finish(&hs, data, size, 0, &s);
			break;
		}
		case TK_FRAME_DATA:
			memcpy(buf, data, size);
			if (tk_crypto_open(&session, buf, size, &plen) == 0 &&
			        plen != f.payload_len)
				abort();
			break;
		case TK_FRAME_IK_INIT:
		case TK_FRAME_IK_RESP:
		case TK_FRAME_COOKIE:
			break;
		default:
			abort();
		}
	}
	if (size <= TK_FRAME_MAX) {
		fuzz_peer(&listener, data, size);
		fuzz_peer(&connector, data, size);
	}
	fuzz_framer(data, size, TK_FRAME_MAX);
	fuzz_framer(data, size, 1500);
	return 0;
}
