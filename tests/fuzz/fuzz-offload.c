/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: super-packets with virtio-net headers as the device hands them up, and
 * the peer's packets as they reach the coalescer.  The input is a virtio-net header (10
 * bytes), a byte whose low bit says tap (and the next, UDP coalescing), then the packet.  Every segment tk_gso_split emits
 * lies inside the packet, and a segment of a super-packet has IP headers that parse and
 * an IPv4 header checksum that verifies; every segment then goes through tk_gro_add, and what comes out is never longer
 * than a super-packet.  The packet itself also goes to the coalescer as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct tk_gro g;
	const uint8_t *lo, *hi; /* the packet being split */
	size_t total;
	bool tap, gso;
};

static int out(void *arg, uint8_t *p, size_t len)
{
	if (len < TK_VNET_HDR_LEN || len > TK_VNET_HDR_LEN + TK_GSO_MAX)
		abort();
	/* reads every byte: ASan sees an emit past its buffer */
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= p[i];
	(void)x;
	return 0;
}

static int emit(void *arg, uint8_t *p, size_t len)
{
	struct ctx *c = arg;
	uint8_t *b;
	int l3;

	if (p < c->lo || p + len > c->hi || !len)
		abort();
	c->total += len;
	/* a segment of a super-packet: IP that parses, its IPv4 header checksum verifies */
	if (c->gso) {
		l3 = tk_l3_offset(p, len, c->tap);
		if (l3 < 0)
			abort();
		if (p[l3] >> 4 == 4 &&
		    tk_csum(p + l3, (size_t)(p[l3] & 15) * 4, 0) != 0xffff)
			abort();
	}
	b = malloc(TK_VNET_HDR_LEN + len);
	if (!b)
		return 0;
	memcpy(b + TK_VNET_HDR_LEN, p, len);
	tk_gro_add(&c->g, b + TK_VNET_HDR_LEN, len);
	free(b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctx c;
	static bool ready;
	struct virtio_net_hdr vh;
	uint8_t *b;
	size_t len;

	if (!ready) {
		if (tk_gro_init(&c.g, false, out, &c))
			return 0;
		ready = true;
	}
	if (size < TK_VNET_HDR_LEN + 1)
		return 0;
	memcpy(&vh, data, sizeof(vh));
	c.tap = data[TK_VNET_HDR_LEN] & 1;
	c.g.tap = c.tap;
	c.g.udp = data[TK_VNET_HDR_LEN] & 2;
	data += TK_VNET_HDR_LEN + 1;
	len = size - TK_VNET_HDR_LEN - 1;
	/* exactly the packet's bytes, room before it for the coalescer's header */
	b = malloc(TK_VNET_HDR_LEN + len + 1);
	if (!b)
		return 0;
	memcpy(b + TK_VNET_HDR_LEN, data, len);
	c.lo = b + TK_VNET_HDR_LEN;
	c.hi = c.lo + len;
	c.total = 0;
	c.gso = (vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE;
	if (!tk_gso_split(b + TK_VNET_HDR_LEN, len, &vh, c.tap, emit, &c) && c.total < len &&
	    vh.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		abort(); /* a plain packet passes whole */
	memcpy(b + TK_VNET_HDR_LEN, data, len);
	tk_gro_add(&c.g, b + TK_VNET_HDR_LEN, len);
	tk_gro_flush(&c.g);
	free(b);
	return 0;
}
