/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building and checking frame headers, and the TCP stream framer.  Everything that arrives
 * from the network passes tk_frame_parse() first, so it is strict: exact sizes for the
 * handshake messages, reserved bytes zero, nothing read past len.
 */
#include <errno.h>
#include <string.h>

#include "frame.h"

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)tk_frame_get_le32(p) | (uint64_t)tk_frame_get_le32(p + 4) << 32;
}

static void put_type(uint8_t *buf, uint8_t type)
{
	buf[0] = type;
	buf[1] = buf[2] = buf[3] = 0;
}

/* The exact size of each handshake type; 0 for the data frame's any size. */
static size_t exact_len(uint8_t type)
{
	switch (type) {
	case TK_FRAME_INIT:
		return TK_FRAME_INIT_LEN;
	case TK_FRAME_RESP:
		return TK_FRAME_RESP_LEN;
	case TK_FRAME_IK_INIT:
		return TK_FRAME_IK_INIT_LEN;
	case TK_FRAME_IK_RESP:
		return TK_FRAME_IK_RESP_LEN;
	case TK_FRAME_COOKIE:
		return TK_FRAME_COOKIE_LEN;
	default:
		return 0;
	}
}

int tk_frame_parse(const uint8_t *buf, size_t len, struct tk_frame *f)
{
	size_t want;

	memset(f, 0, sizeof(*f));
	if (len < TK_FRAME_MIN || len > TK_FRAME_MAX)
		return -EBADMSG;
	if (buf[1] || buf[2] || buf[3])
		return -EBADMSG;
	want = exact_len(buf[0]);
	if (want && len != want)
		return -EBADMSG;
	f->type = buf[0];
	f->len = len;
	switch (buf[0]) {
	case TK_FRAME_INIT:
	case TK_FRAME_IK_INIT:
		f->sender = tk_frame_get_le32(buf + 4);
		return 0;
	case TK_FRAME_RESP:
	case TK_FRAME_IK_RESP:
		f->sender = tk_frame_get_le32(buf + 4);
		f->receiver = tk_frame_get_le32(buf + 8);
		return 0;
	case TK_FRAME_COOKIE:
		f->receiver = tk_frame_get_le32(buf + 4);
		return 0;
	case TK_FRAME_DATA:
		f->receiver = tk_frame_get_le32(buf + 4);
		f->counter = get_le64(buf + 8);
		f->payload_len = len - TK_FRAME_OVERHEAD;
		return 0;
	default:
		return -EBADMSG;
	}
}

void tk_frame_put_init(uint8_t *buf, uint32_t sender)
{
	put_type(buf, TK_FRAME_INIT);
	tk_frame_put_le32(buf + 4, sender);
}

void tk_frame_put_resp(uint8_t *buf, uint32_t sender, uint32_t receiver)
{
	put_type(buf, TK_FRAME_RESP);
	tk_frame_put_le32(buf + 4, sender);
	tk_frame_put_le32(buf + 8, receiver);
}

void tk_frame_put_data(uint8_t *buf, uint32_t receiver, uint64_t counter)
{
	put_type(buf, TK_FRAME_DATA);
	tk_frame_put_le32(buf + 4, receiver);
	tk_frame_put_le32(buf + 8, (uint32_t)counter);
	tk_frame_put_le32(buf + 12, (uint32_t)(counter >> 32));
}

void tk_frame_put_ik_init(uint8_t *buf, uint32_t sender)
{
	put_type(buf, TK_FRAME_IK_INIT);
	tk_frame_put_le32(buf + 4, sender);
}

void tk_frame_put_ik_resp(uint8_t *buf, uint32_t sender, uint32_t receiver)
{
	put_type(buf, TK_FRAME_IK_RESP);
	tk_frame_put_le32(buf + 4, sender);
	tk_frame_put_le32(buf + 8, receiver);
}

void tk_frame_put_cookie(uint8_t *buf, uint32_t receiver)
{
	put_type(buf, TK_FRAME_COOKIE);
	tk_frame_put_le32(buf + 4, receiver);
}

void tk_framer_init(struct tk_framer *fr, size_t max_frame)
{
	fr->max = max_frame < TK_FRAME_HS_MAX ? TK_FRAME_HS_MAX
	          : max_frame > TK_FRAME_MAX  ? TK_FRAME_MAX
	                                      : max_frame;
	fr->need = fr->have = 0;
	fr->hdr_have = 0;
	fr->err = 0;
}

/* The prefix is complete: decide whether the length can be a frame at all. */
static int framer_length(struct tk_framer *fr)
{
	size_t n = (size_t)fr->hdr[0] << 8 | fr->hdr[1];

	if (n > fr->max)
		return fr->err = -EMSGSIZE;
	if (n < TK_FRAME_MIN)
		return fr->err = -EBADMSG;
	fr->need = n;
	fr->have = 0;
	return 0;
}

ssize_t tk_framer_feed(
        struct tk_framer *fr, const uint8_t *in, size_t len, uint8_t **frame, size_t *frame_len)
{
	size_t used = 0;

	*frame = NULL;
	*frame_len = 0;
	if (fr->err)
		return fr->err;
	while (used < len) {
		struct tk_frame f;
		size_t take;

		if (fr->hdr_have < TK_FRAMER_PREFIX) {
			fr->hdr[fr->hdr_have++] = in[used++];
			if (fr->hdr_have == TK_FRAMER_PREFIX && framer_length(fr) < 0)
				return fr->err;
			continue;
		}
		take = fr->need - fr->have;
		if (take > len - used)
			take = len - used;
		memcpy(fr->buf + fr->have, in + used, take);
		fr->have += take;
		used += take;
		if (fr->have < fr->need)
			break;
		/* garbage that happens to have a plausible length stops here */
		if (tk_frame_parse(fr->buf, fr->need, &f) < 0)
			return fr->err = -EBADMSG;
		fr->hdr_have = 0;
		*frame = fr->buf;
		*frame_len = fr->need;
		break;
	}
	return (ssize_t)used;
}

int tk_framer_put_prefix(uint8_t out[TK_FRAMER_PREFIX], size_t frame_len)
{
	if (frame_len < TK_FRAME_MIN || frame_len > TK_FRAME_MAX)
		return -EMSGSIZE;
	out[0] = (uint8_t)(frame_len >> 8);
	out[1] = (uint8_t)frame_len;
	return 0;
}
