/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for everything the tunnel reads off the network before it trusts it:
 * the frame parser, the handshake responder and initiator of both versions, cookie replies,
 * opening data frames, and the TCP stream framer fed the same bytes in chunks.  The keys are
 * fixed (psk 0x42..., version 2's responder 0x43..., initiator 0x44...) and so is the random
 * number generator, so seeds made with them reach past the parser into the Noise code; and
 * version 2's responder path runs twice, the second time with mac1 made right, so that
 * mutations reach Noise instead of stopping at mac1.
 *
 * TK_FUZZ_SEEDS=DIR writes version 2's seeds (ik-init, ik-resp, ik-cookie) to DIR.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "engine/crypto.h"
#include "engine/frame.h"
#include "engine/handshake.h"
#include "engine/ik.h"
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

/* version 2: a responder, and an initiator with a handshake pending to it */
static struct tk_ik_static ik_resp, ik_init;
static struct tk_ik_hs ik_pending;
static uint8_t ik_cookie[TK_COOKIE_LEN];

/* A fixed generator instead of the system's: the same ephemeral keys in every run. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static const char *rng_name(void)
{
	return "fuzz-fixed";
}

static uint32_t rng_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static void rng_buf(void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = (uint8_t)rng_random();
}

static randombytes_implementation rng_fixed = {
        .implementation_name = rng_name,
        .random = rng_random,
        .buf = rng_buf,
};

static void write_seed(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0)
		abort();
}

/* The pending initiation; with TK_FUZZ_SEEDS, a seed of each version 2 message. */
static void setup_ik(void)
{
	uint8_t k[TK_KEY_LEN], t[TK_IK_TAI64N_LEN], init[TK_FRAME_IK_INIT_LEN], who[TK_KEY_LEN];
	uint8_t resp[TK_FRAME_IK_RESP_LEN], cookie[TK_FRAME_COOKIE_LEN], nonce[24] = {0};
	const char *dir = getenv("TK_FUZZ_SEEDS");
	struct tk_session s;
	struct tk_ik_hs hs;
	unsigned offered;
	uint32_t sender;

	memset(k, 0x43, sizeof(k));
	if (tk_ik_static_init(&ik_resp, k) < 0)
		abort();
	memset(k, 0x44, sizeof(k));
	if (tk_ik_static_init(&ik_init, k) < 0)
		abort();
	memset(ik_cookie, 0x45, sizeof(ik_cookie));
	if (tk_tai64n(t, 1.8e9) < 0 || tk_ik_initiate(&ik_pending, &ik_init, ik_resp.pub, NULL, 1,
	                                       TK_CIPHER_ALL, t, NULL, init) < 0)
		abort();
	if (!dir)
		return;
	if (tk_ik_consume(&hs, &ik_resp, init, sizeof(init), who, t, &offered, &sender) < 0 ||
	        tk_ik_respond(&hs, NULL, 2, TK_CIPHER_CHACHA20POLY1305, 0, resp, &s) < 0 ||
	        tk_cookie_reply(cookie, &ik_resp, 1, ik_pending.mac1, ik_cookie, nonce) < 0)
		abort();
	write_seed(dir, "ik-init", init, sizeof(init));
	write_seed(dir, "ik-resp", resp, sizeof(resp));
	write_seed(dir, "ik-cookie", cookie, sizeof(cookie));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t init[TK_FRAME_INIT_LEN], resp[TK_FRAME_RESP_LEN];
	struct tk_handshake hs;

	if (randombytes_set_implementation(&rng_fixed) != 0 || sodium_init() < 0)
		abort();
	setup_ik();
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

/* Version 2's responder on any bytes: check_macs, then consume, then respond. */
static void fuzz_ik_responder(const uint8_t *data, size_t size, bool fix_mac1)
{
	uint8_t msg[TK_FRAME_IK_INIT_LEN], who[TK_KEY_LEN], t[TK_IK_TAI64N_LEN];
	uint8_t out[TK_FRAME_IK_RESP_LEN];
	struct tk_session s;
	struct tk_ik_hs hs;
	unsigned offered;
	uint32_t sender;
	int r, rc;

	r = tk_ik_check_macs(&ik_resp, data, size, NULL);
	rc = tk_ik_check_macs(&ik_resp, data, size, ik_cookie);
	/* a cookie can only add a condition */
	if ((r != 0 && r != -EBADMSG) || (r == -EBADMSG && rc != -EBADMSG) ||
	        (r == 0 && rc != 0 && rc != -EAGAIN))
		abort();
	if (size != sizeof(msg)) {
		if (tk_ik_consume(&hs, &ik_resp, data, size, who, t, &offered, &sender) != -EBADMSG)
			abort();
		return;
	}
	memcpy(msg, data, size);
	if (fix_mac1)
		tk_ik_mac(msg + TK_FRAME_IK_INIT_MAC1, ik_resp.mac1_key, TK_KEY_LEN, msg,
		        TK_FRAME_IK_INIT_MAC1);
	r = tk_ik_consume(&hs, &ik_resp, msg, size, who, t, &offered, &sender);
	if (r < 0) {
		if (r != -EBADMSG || hs.state != TK_IK_NONE)
			abort();
		return;
	}
	if (sender != tk_frame_get_le32(msg + 4))
		abort();
	if (tk_ik_respond(&hs, NULL, 5, TK_CIPHER_ALL, 0, out, &s) == 0)
		tk_crypto_session_wipe(&s);
	if (hs.state != TK_IK_NONE)
		abort();
}

/* Version 2's initiator: a response (raw, and with mac1 made right) or a cookie reply. */
static void fuzz_ik_initiator(const uint8_t *data, size_t size, uint8_t type)
{
	uint8_t msg[TK_FRAME_IK_RESP_LEN], cookie[TK_COOKIE_LEN];
	struct tk_session s;
	struct tk_ik_hs hs;

	if (type == TK_FRAME_COOKIE) {
		if (tk_cookie_open(cookie, ik_resp.pub, ik_pending.mac1, data, size) == 0 &&
		        size != TK_FRAME_COOKIE_LEN)
			abort();
		return;
	}
	memcpy(msg, data, sizeof(msg));
	for (int fix = 0; fix < 2; fix++) {
		if (fix)
			tk_ik_mac(msg + TK_FRAME_IK_RESP_MAC1, ik_init.mac1_key, TK_KEY_LEN, msg,
			        TK_FRAME_IK_RESP_MAC1);
		hs = ik_pending;
		if (tk_ik_finish(&hs, msg, sizeof(msg), 0, &s) == 0)
			tk_crypto_session_wipe(&s);
		else if (hs.state != TK_IK_NONE && memcmp(&hs, &ik_pending, sizeof(hs)))
			abort(); /* a refused response must leave the handshake as it was */
	}
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
			break; /* below, as any bytes */
		case TK_FRAME_IK_RESP:
		case TK_FRAME_COOKIE:
			fuzz_ik_initiator(data, size, f.type);
			break;
		default:
			abort();
		}
	}
	fuzz_ik_responder(data, size, false);
	fuzz_ik_responder(data, size, true);
	if (size <= TK_FRAME_MAX) {
		fuzz_peer(&listener, data, size);
		fuzz_peer(&connector, data, size);
	}
	fuzz_framer(data, size, TK_FRAME_MAX);
	fuzz_framer(data, size, 1500);
	return 0;
}
