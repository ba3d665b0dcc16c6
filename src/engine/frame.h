/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's wire format (docs/protocol.md has the byte layouts): the data frame, the
 * handshakes of version 1 (a shared key) and version 2 (a key pair per peer, with cookie
 * replies under load), little-endian fields, a 16-byte data header so a packet can be sealed
 * in place between TK_FRAME_DATA_HDR bytes of headroom and TK_FRAME_TAG bytes of tailroom;
 * and the TCP stream framer (a 2-byte big-endian length before each frame).
 * Pure code: no I/O, no allocation, never prints; returns 0 or -errno.
 */
#ifndef TK_FRAME_H
#define TK_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tk_frame_type {
	TK_FRAME_INIT = 1, /* handshake initiation */
	TK_FRAME_RESP = 2, /* handshake response */
	TK_FRAME_DATA = 3, /* data; a keepalive is a data frame with no payload */
	/* version 2 (engine/ik.h) */
	TK_FRAME_IK_INIT = 4, /* handshake initiation: IKpsk2 message 1, mac1, mac2 */
	TK_FRAME_IK_RESP = 5, /* handshake response: IKpsk2 message 2, mac1, mac2 */
	TK_FRAME_COOKIE = 6,  /* cookie reply: "busy, prove your address with this" */
};

#define TK_FRAME_TAG         16
#define TK_FRAME_INIT_HDR    8  /* type, 3 reserved, sender index */
#define TK_FRAME_RESP_HDR    12 /* type, 3 reserved, sender index, receiver index */
#define TK_FRAME_DATA_HDR    16 /* type, 3 reserved, receiver index, counter */
#define TK_FRAME_INIT_LEN    72 /* header + e (32) + payload (16) + tag */
#define TK_FRAME_RESP_LEN    68 /* header + e (32) + payload (8) + tag: never more than INIT */
#define TK_FRAME_OVERHEAD    (TK_FRAME_DATA_HDR + TK_FRAME_TAG)
#define TK_FRAME_MIN         TK_FRAME_OVERHEAD /* a keepalive, the shortest message */
#define TK_FRAME_MAX         65535             /* what the TCP length prefix can say */
#define TK_FRAME_MAX_PAYLOAD (TK_FRAME_MAX - TK_FRAME_OVERHEAD)
#define TK_FRAMER_PREFIX     2
/* A data payload of this one byte is a probe: a keepalive that asks for a keepalive back
 * (no IP packet or Ethernet frame is one byte long). */
#define TK_FRAME_PROBE       0x01

/* Version 2: offsets and sizes (an "encrypted" field ends in its 16-byte tag) */
#define TK_FRAME_MAC          16  /* mac1 and mac2 */
#define TK_FRAME_IK_INIT_HDR  8   /* type, 3 reserved, sender index */
#define TK_FRAME_IK_INIT_MAC1 124 /* after header, e (32), s (32 + 16), payload (20 + 16) */
#define TK_FRAME_IK_INIT_MAC2 140
#define TK_FRAME_IK_INIT_LEN  156
#define TK_FRAME_IK_RESP_HDR  12 /* type, 3 reserved, sender index, receiver index */
#define TK_FRAME_IK_RESP_MAC1 68 /* after header, e (32), payload (8 + 16) */
#define TK_FRAME_IK_RESP_MAC2 84
#define TK_FRAME_IK_RESP_LEN  100
#define TK_FRAME_COOKIE_NONCE 8  /* after type, 3 reserved, receiver index */
#define TK_FRAME_COOKIE_BOX   32 /* after the 24-byte nonce: cookie (16) + tag */
#define TK_FRAME_COOKIE_LEN   64
#define TK_FRAME_HS_MAX       TK_FRAME_IK_INIT_LEN /* the largest handshake message */

/* A parsed frame header; fields not in that message type are 0. */
struct tk_frame {
	uint8_t type;
	uint32_t sender;    /* INIT, RESP, IK_INIT, IK_RESP: the sender's index */
	uint32_t receiver;  /* RESP, DATA, IK_RESP, COOKIE: the receiver's index, for the lookup */
	uint64_t counter;   /* DATA: the nonce counter */
	size_t len;         /* the whole frame */
	size_t payload_len; /* DATA: plaintext length (len - TK_FRAME_OVERHEAD) */
};

/*
 * Check size, type and reserved bytes of one frame and read its header into *f.  Reads only
 * buf[0..len).  Returns 0, or -EBADMSG for anything malformed.  Authenticates nothing.
 */
int tk_frame_parse(const uint8_t *buf, size_t len, struct tk_frame *f);

/* Write the clear header of each type at buf (the caller owns room for it). */
void tk_frame_put_init(uint8_t *buf, uint32_t sender);
void tk_frame_put_resp(uint8_t *buf, uint32_t sender, uint32_t receiver);
void tk_frame_put_data(uint8_t *buf, uint32_t receiver, uint64_t counter);
void tk_frame_put_ik_init(uint8_t *buf, uint32_t sender);
void tk_frame_put_ik_resp(uint8_t *buf, uint32_t sender, uint32_t receiver);
void tk_frame_put_cookie(uint8_t *buf, uint32_t receiver);

static inline uint32_t tk_frame_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void tk_frame_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * TCP: a stream of [2-byte big-endian length][frame].  Feed it bytes in any chunks; it
 * yields whole frames.  A length below TK_FRAME_MIN or above max, or a frame that fails
 * tk_frame_parse(), is an error that sticks: the stream cannot be resynchronized and the
 * connection must be closed.  The caller owns the struct (about 64 KiB).
 */
struct tk_framer {
	_Alignas(16) uint8_t buf[TK_FRAME_MAX];
	size_t max;        /* largest frame accepted */
	size_t need;       /* length of the frame being collected */
	size_t have;       /* bytes of it collected */
	unsigned hdr_have; /* bytes of the length prefix collected */
	uint8_t hdr[TK_FRAMER_PREFIX];
	int err;
};

/* Start a stream; max_frame is clamped to [TK_FRAME_HS_MAX, TK_FRAME_MAX], so every
 * handshake message passes whatever the device's MTU. */
void tk_framer_init(struct tk_framer *fr, size_t max_frame);

/*
 * Consume bytes from in[0..len) up to the end of the next whole frame.  Returns how many
 * bytes were consumed (call again with the rest); when a frame completed, *frame points at it
 * in fr->buf (writable, valid until the next call) and *frame_len is its length, else *frame
 * is NULL.  Returns -EMSGSIZE for a length above max, -EBADMSG for a length below the
 * minimum or a malformed frame; then and afterwards, nothing more is consumed.
 */
ssize_t tk_framer_feed(
        struct tk_framer *fr, const uint8_t *in, size_t len, uint8_t **frame, size_t *frame_len);

/* Write the length prefix for a frame of frame_len bytes.  Returns 0 or -EMSGSIZE. */
int tk_framer_put_prefix(uint8_t out[TK_FRAMER_PREFIX], size_t frame_len);

#endif
