/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's sessions with its one peer: which handshake is pending, which session sends,
 * which ones may still receive, and what each arriving frame means.  Pure code on top of
 * handshake.h and crypto.h: no I/O, no clock (the caller passes now_ns), never prints.
 *
 *   cur   the session data is sent on; for a responder only after the initiator proved it
 *         holds the keys (a frame authenticated under them), so a replayed initiation never
 *         moves the responder's traffic;
 *   next  a responder's new session waiting for that proof;
 *   prev  the session cur replaced, kept for receiving, so packets in flight across a
 *         rekey are not lost.
 *
 * The connecting side initiates every handshake (first, rekey, after a silent peer); the
 * listening side only answers.  Session indexes are random and distinct, so a frame of an
 * older process or session finds no session and fails.
 */
#ifndef TK_ENGINE_PEER_H
#define TK_ENGINE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/crypto.h"
#include "engine/handshake.h"
#include "engine/ik.h"
#include "engine/itab.h"

struct tk_peer {
	struct tk_session cur, next, prev;
	bool has_cur, has_next, has_prev;
	struct tk_handshake hs;
	bool hs_pending;
	uint64_t hs_sent_ns;     /* the last initiation sent */
	unsigned hs_tries;       /* initiations since the last session */
	uint8_t psk[TK_KEY_LEN];
	unsigned ciphers;        /* this host's, TK_CIPHER_* mask */
	bool initiator;          /* the connecting side; the other only answers */
	uint64_t rekey_after_ns; /* 0: the default */
	uint64_t rekey_after_msgs;
	uint64_t sessions;       /* sessions made, ever */
	unsigned lane;           /* the worker (engine/workers.h): the low 4 bits of our indexes */
	/* where this peer's local indexes are registered, so a frame finds its peer among many
	 * (engine/itab.h); NULL for a tunnel of one peer */
	struct tk_itab *itab;
	void *owner;
	/* version 2 (engine/ik.h): handshakes with static keys.  me is this side's key pair
	 * (NULL: version 1, psk is the shared key); peer_pub the peer's public key; psk the
	 * pair's optional pre-shared key when has_psk. */
	const struct tk_ik_static *me;
	uint8_t peer_pub[TK_KEY_LEN];
	bool has_psk;
	struct tk_ik_hs ik;      /* the initiator's pending version 2 handshake */
	uint8_t cookie[TK_COOKIE_LEN]; /* the responder's last cookie (mac2), and when */
	uint64_t cookie_ns;
	bool has_cookie;
};

/* Session indexes carry the lane of the worker that made them in their low bits, so the
 * listening side's socket filter steers a worker's frames to it before reading them. */
#define TK_PEER_LANES 16u
#define TK_PEER_LANE(index) ((index) & (TK_PEER_LANES - 1))

/* What tk_peer_receive() found in a frame that was accepted. */
enum tk_peer_rx {
	TK_PEER_DATA = 1,  /* a packet: payload at frame + TK_FRAME_DATA_HDR, *len bytes */
	TK_PEER_KEEPALIVE, /* an authenticated empty data frame */
	TK_PEER_ANSWER,    /* an initiation answered: send out[0..*len) back to its source */
	TK_PEER_SESSION,   /* a response completed our handshake: a new session sends */
	TK_PEER_COOKIE,    /* version 2: a cookie reply to our initiation, kept for the next */
};

/* Flags tk_peer_receive() sets in *events. */
#define TK_PEER_EV_NEW_SESSION 0x1 /* cur changed (first session, rekey, restart) */

/* Key, ciphers and role; everything else zero.  sodium_init() must have succeeded.  With
 * itab set (after init), every local index the peer makes is registered there under owner
 * while a session or pending handshake uses it, and only an index free there is chosen. */
void tk_peer_init(struct tk_peer *p, const uint8_t psk[TK_KEY_LEN], unsigned ciphers,
        bool initiator);
/* A new key (SIGHUP): sessions stay until they are replaced by the next handshake. */
void tk_peer_set_key(struct tk_peer *p, const uint8_t psk[TK_KEY_LEN]);
/* Zero everything, keys included. */
void tk_peer_wipe(struct tk_peer *p);

/* Whether data can be sent now (a current session that is not expired). */
bool tk_peer_ready(const struct tk_peer *p, uint64_t now_ns);

/*
 * The initiator's decision: 1 when an initiation should go out now (no session, a session
 * due for rekeying, or silent is true: the caller saw no answer to its traffic), respecting
 * the retry backoff (0.5 s doubling up to TK_REKEY_TIMEOUT_SEC); 0 otherwise.
 */
int tk_peer_want_initiate(const struct tk_peer *p, uint64_t now_ns, bool silent);

/* Start a handshake: out gets TK_FRAME_INIT_LEN bytes.  0 or -errno. */
int tk_peer_initiate(struct tk_peer *p, uint64_t now_ns, uint8_t out[TK_FRAME_INIT_LEN]);
/* The same in version 2 (p->me set): out gets TK_FRAME_IK_INIT_LEN bytes; tai64n is now
 * (tk_tai64n()), the responder's replay check; the last cookie goes in while usable. */
int tk_peer_initiate_v2(struct tk_peer *p, uint64_t now_ns, const uint8_t tai64n[TK_IK_TAI64N_LEN],
        uint8_t out[TK_FRAME_IK_INIT_LEN]);
/*
 * Version 2, responder: answer an initiation the tunnel read (tk_ik_consume() into hs: it
 * found this peer by its key and checked the time stamp).  out gets TK_FRAME_IK_RESP_LEN
 * bytes, and a waiting session is made, as for version 1.  Returns TK_PEER_ANSWER with
 * *len; -EXDEV (another lane), -ENOPROTOOPT, -EBADMSG, -ENOMEM.  hs is wiped.
 */
int tk_peer_answer_v2(struct tk_peer *p, uint64_t now_ns, struct tk_ik_hs *hs,
        uint8_t out[TK_FRAME_IK_RESP_LEN], size_t *len);

/*
 * Seal a data frame (payload at frame + TK_FRAME_DATA_HDR, cap bytes of room at frame) on
 * the current session.  0 and *frame_len; -ENOTCONN without a usable session; the errors of
 * tk_crypto_seal().
 */
int tk_peer_seal(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, size_t payload_len,
        size_t cap, size_t *frame_len);
/* The same, the payload read from elsewhere (tk_crypto_seal_to()). */
int tk_peer_seal_to(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, const uint8_t *payload,
        size_t payload_len, size_t cap, size_t *frame_len);

/*
 * One frame from the network, opened in place.  Returns a TK_PEER_* (> 0) with *len set
 * (payload or answer length; an answer is written to out, TK_FRAME_RESP_LEN bytes of room),
 * or -EBADMSG (malformed, unknown session, failed authentication, a handshake message this
 * side does not take), -EALREADY / -ESTALE (replayed or too old), -ENOPROTOOPT (no common
 * cipher), -EKEYEXPIRED, -EXDEV (an initiation from another lane: the peer's worker has no
 * partner here).  Every failure leaves the sessions unchanged: drop it and send
 * nothing.  *events gets TK_PEER_EV_* flags.
 */
int tk_peer_receive(struct tk_peer *p, uint64_t now_ns, uint8_t *frame, size_t flen,
        uint8_t out[TK_FRAME_RESP_LEN], size_t *len, unsigned *events);

/* Drop expired sessions; returns true when cur went (the session is down). */
bool tk_peer_expire(struct tk_peer *p, uint64_t now_ns);

#endif
