/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Segmentation of the device's super-packets and coalescing of the peer's segments (see
 * offload.h).  Every length is checked against the bytes at hand before it is used: the
 * virtio-net header comes from the kernel, the packets from an authenticated peer, and
 * neither is trusted to describe the bytes correctly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/offload.h"

#define ETH_HLEN_ 14
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_URG 0x20
#define TCP_CWR 0x80
#define HDR_MAX 160 /* Ethernet with two tags, IPv4 with options, TCP with options: 142 */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

int tk_l3_offset(const uint8_t *p, size_t len, bool tap)
{
	size_t off = ETH_HLEN_;
	unsigned type;

	if (!tap)
		return len >= 1 && (p[0] >> 4 == 4 || p[0] >> 4 == 6) ? 0 : -1;
	if (len < ETH_HLEN_)
		return -1;
	type = get16(p + 12);
	for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; tags++) {
		if (len < off + 4)
			return -1;
		type = get16(p + off + 2);
		off += 4;
	}
	if (type != 0x0800 && type != 0x86dd)
		return -1;
	if (len <= off || p[off] >> 4 != (type == 0x0800 ? 4 : 6))
		return -1;
	return (int)off;
}

uint16_t tk_csum(const void *v, size_t len, uint32_t sum)
{
	const uint8_t *p = v;
	uint64_t s = sum;

	for (; len >= 16; p += 16, len -= 16) {
		uint32_t w[4];

		memcpy(w, p, 16);
		s += (uint64_t)w[0] + w[1] + w[2] + w[3];
	}
	for (; len >= 4; p += 4, len -= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		s += w;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		s += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, p, 1);
		s += w;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The pseudo-header's sum for an L4 segment of l4len bytes (memory order). */
static uint32_t pseudo(const uint8_t *ip, unsigned proto, size_t l4len)
{
	bool v6 = ip[0] >> 4 == 6;
	uint32_t s = v6 ? tk_csum(ip + 8, 32, 0) : tk_csum(ip + 12, 8, 0);

	return s + htons((uint16_t)proto) + htons((uint16_t)(l4len >> 16)) +
	       htons((uint16_t)(l4len & 0xffff));
}

/* Fills the L4 checksum at l4 + at over l4len bytes; UDP and TCP both write 0 as 0xffff,
 * as the kernel does (skb_checksum_help). */
static void l4_csum(const uint8_t *ip, uint8_t *l4, size_t at, unsigned proto, size_t l4len)
{
	uint16_t c;

	memset(l4 + at, 0, 2);
	c = (uint16_t)~tk_csum(l4, l4len, pseudo(ip, proto, l4len));
	if (!c)
		c = 0xffff;
	memcpy(l4 + at, &c, 2);
}

static void ip4_csum(uint8_t *ip)
{
	uint16_t c;

	memset(ip + 10, 0, 2);
	c = (uint16_t)~tk_csum(ip, (size_t)(ip[0] & 15) * 4, 0);
	memcpy(ip + 10, &c, 2);
}

/* Headers of a packet this code understands: IPv4 (options allowed, not a fragment) or
 * IPv6 (no extension headers) at l3, TCP or UDP after it. */
struct hdrs {
	size_t l3, l4, hlen;
	unsigned ver, proto;
};

static int parse(const uint8_t *p, size_t len, bool tap, struct hdrs *h)
{
	int l3 = tk_l3_offset(p, len, tap);
	size_t ihl;

	if (l3 < 0)
		return -EINVAL;
	h->l3 = (size_t)l3;
	h->ver = p[l3] >> 4;
	if (h->ver == 4) {
		if (len < h->l3 + 20)
			return -EINVAL;
		ihl = (size_t)(p[l3] & 15) * 4;
		if (ihl < 20 || get16(p + l3 + 6) & 0x3fff)
			return -EINVAL;
		h->proto = p[l3 + 9];
	} else {
		ihl = 40;
		if (len < h->l3 + ihl)
			return -EINVAL;
		h->proto = p[l3 + 6];
	}
	h->l4 = h->l3 + ihl;
	if (h->proto == IPPROTO_TCP) {
		if (len < h->l4 + 20)
			return -EINVAL;
		h->hlen = h->l4 + (size_t)(p[h->l4 + 12] >> 4) * 4;
		if (h->hlen < h->l4 + 20)
			return -EINVAL;
	} else if (h->proto == IPPROTO_UDP) {
		h->hlen = h->l4 + 8;
	} else {
		return -EINVAL;
	}
	return len < h->hlen ? -EINVAL : 0;
}

/* A packet that only wants its checksum completed: the field holds the pseudo-header sum. */
static int finish_csum(uint8_t *p, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, at = vh->csum_offset;
	uint16_t c;

	if (start > len || at > len - start || len - start - at < 2)
		return -EINVAL;
	c = (uint16_t)~tk_csum(p + start, len - start, 0);
	if (!c)
		c = 0xffff;
	memcpy(p + start + at, &c, 2);
	return 0;
}

int tk_gso_split(uint8_t *p, size_t len, const struct virtio_net_hdr *vh, bool tap,
		 tk_pkt_fn emit, void *arg)
{
	unsigned type = vh->gso_type & (unsigned)~VIRTIO_NET_HDR_GSO_ECN;
	uint8_t tmpl[HDR_MAX];
	struct hdrs h;
	size_t gso = vh->gso_size, thl, off;
	uint32_t seq = 0;
	uint16_t id = 0;
	int r;

	if (!len)
		return -EINVAL;
	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && finish_csum(p, len, vh))
			return -EINVAL;
		return emit(arg, p, len);
	}
	if (parse(p, len, tap, &h) || !gso || h.hlen > sizeof(tmpl))
		return -EINVAL;
	if (!(type == VIRTIO_NET_HDR_GSO_TCPV4 && h.ver == 4 && h.proto == IPPROTO_TCP) &&
	    !(type == VIRTIO_NET_HDR_GSO_TCPV6 && h.ver == 6 && h.proto == IPPROTO_TCP) &&
	    !(type == VIRTIO_NET_HDR_GSO_UDP_L4 && h.proto == IPPROTO_UDP))
		return -EINVAL;
	thl = h.hlen - h.l4;
	memcpy(tmpl, p, h.hlen);
	if (h.proto == IPPROTO_TCP)
		seq = get32(p + h.l4 + 4);
	if (h.ver == 4)
		id = get16(p + h.l3 + 4);
	off = h.hlen;
	for (unsigned i = 0;; i++) {
		size_t n = len - off < gso ? len - off : gso;
		bool last = off + n >= len;
		uint8_t *s = p + off - h.hlen, *ip = s + h.l3, *l4 = s + h.l4;

		/* headers over the end of the segment before, which emit has consumed */
		if (i)
			memcpy(s, tmpl, h.hlen);
		if (h.ver == 4) {
			put16(ip + 2, (unsigned)(h.l4 - h.l3 + thl + n));
			put16(ip + 4, (uint16_t)(id + i));
			ip4_csum(ip);
		} else {
			put16(ip + 4, (unsigned)(thl + n));
		}
		if (h.proto == IPPROTO_TCP) {
			uint8_t fl = tmpl[h.l4 + 13];

			put32(l4 + 4, seq + (uint32_t)(i * gso));
			if (!last)
				fl &= (uint8_t)~(TCP_FIN | TCP_PSH);
			if (i)
				fl &= (uint8_t)~TCP_CWR;
			l4[13] = fl;
			l4_csum(ip, l4, 16, IPPROTO_TCP, thl + n);
		} else {
			put16(l4 + 4, (unsigned)(8 + n));
			l4_csum(ip, l4, 6, IPPROTO_UDP, 8 + n);
		}
		r = emit(arg, s, h.hlen + n);
		if (r || last)
			return r;
		off += n;
	}
}

int tk_gro_init(struct tk_gro *g, bool tap, tk_pkt_fn out, void *arg)
{
	memset(g, 0, sizeof(*g));
	g->tap = tap;
	g->out = out;
	g->arg = arg;
	for (int i = 0; i < TK_GRO_SLOTS; i++) {
		g->slot[i].buf = malloc(TK_VNET_HDR_LEN + TK_GSO_MAX);
		if (!g->slot[i].buf) {
			tk_gro_free(g);
			return -ENOMEM;
		}
	}
	return 0;
}

void tk_gro_free(struct tk_gro *g)
{
	for (int i = 0; i < TK_GRO_SLOTS; i++) {
		free(g->slot[i].buf);
		g->slot[i].buf = NULL;
	}
}

/* The packet at p alone, its virtio-net header in the room before it. */
static int out_alone(struct tk_gro *g, uint8_t *p, size_t len)
{
	memset(p - TK_VNET_HDR_LEN, 0, TK_VNET_HDR_LEN);
	return g->out(g->arg, p - TK_VNET_HDR_LEN, len + TK_VNET_HDR_LEN);
}

static int send_slot(struct tk_gro *g, struct tk_gro_slot *s)
{
	struct virtio_net_hdr vh = { 0 };
	uint8_t *p = s->buf + TK_VNET_HDR_LEN, *ip = p + s->l3;
	size_t len = s->len;
	uint16_t c;

	s->len = 0;
	if (s->segs == 1) /* as it came: its checksum is whole */
		return out_alone(g, p, len);
	if (ip[0] >> 4 == 4) {
		put16(ip + 2, (unsigned)(len - s->l3));
		ip4_csum(ip);
		vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	} else {
		put16(ip + 4, (unsigned)(len - s->l4));
		vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	}
	vh.csum_offset = 16;
	if (s->proto == IPPROTO_UDP) {
		put16(p + s->l4 + 4, (unsigned)(len - s->l4));
		vh.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		vh.csum_offset = 6;
	}
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum, the kernel trusts the rest
	 * (the peer's AEAD has vouched for every byte) */
	c = tk_csum(NULL, 0, pseudo(ip, s->proto, len - s->l4));
	memcpy(p + s->l4 + vh.csum_offset, &c, 2);
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.hdr_len = (uint16_t)s->hlen;
	vh.gso_size = s->mss;
	vh.csum_start = (uint16_t)s->l4;
	memcpy(s->buf, &vh, sizeof(vh));
	return g->out(g->arg, s->buf, len + TK_VNET_HDR_LEN);
}

/* Same connection: link header (tap), protocol, addresses and ports. */
static bool same_flow(const struct tk_gro_slot *s, const uint8_t *p, const struct hdrs *h)
{
	const uint8_t *q = s->buf + TK_VNET_HDR_LEN;

	if (s->l3 != h->l3 || s->l4 != h->l4 || q[s->l3] >> 4 != h->ver || s->proto != h->proto)
		return false;
	if (memcmp(q, p, h->l3) || memcmp(q + s->l4, p + h->l4, 4))
		return false;
	return h->ver == 4 ? !memcmp(q + s->l3 + 12, p + h->l3 + 12, 8)
			   : !memcmp(q + s->l3 + 8, p + h->l3 + 8, 32);
}

/* Everything but lengths, IDs, checksums and the sequence number equal, as kernel GRO
 * demands: TOS/traffic class, TTL, DF, and for TCP the next sequence number, ACK, window,
 * flags but PSH and FIN, options.  A UDP datagram no longer than the first one joins. */
static bool joins(const struct tk_gro_slot *s, const uint8_t *p, size_t len,
		  const struct hdrs *h)
{
	const uint8_t *q = s->buf + TK_VNET_HDR_LEN, *a = q + s->l4, *b = p + h->l4;
	size_t pay = len - h->hlen;

	if (s->closed || s->hlen != h->hlen || pay > s->mss)
		return false;
	if (s->len + pay - s->l3 > 65535 || s->segs >= 64)
		return false;
	if (h->ver == 4 ? q[s->l3 + 1] != p[h->l3 + 1] || q[s->l3 + 8] != p[h->l3 + 8] ||
				  (q[s->l3 + 6] ^ p[h->l3 + 6]) & 0x40
			: memcmp(q + s->l3, p + h->l3, 4) || q[s->l3 + 7] != p[h->l3 + 7])
		return false;
	if (h->proto == IPPROTO_UDP)
		return true;
	return get32(b + 4) == s->next_seq && !memcmp(a + 8, b + 8, 5) &&
	       ((a[13] ^ b[13]) & ~(TCP_PSH | TCP_FIN)) == 0 && !memcmp(a + 14, b + 14, 2) &&
	       !memcmp(a + 20, b + 20, h->hlen - h->l4 - 20);
}

/* A TCP segment or UDP datagram that may be glued: with payload, whole (the IP and UDP
 * lengths are the packet's, no Ethernet padding), IPv4 without options. */
static bool candidate(const uint8_t *p, size_t len, const struct hdrs *h)
{
	if (h->ver == 4 ? h->l4 - h->l3 != 20 || get16(p + h->l3 + 2) != len - h->l3
			: get16(p + h->l3 + 4) != len - h->l4)
		return false;
	if (h->proto == IPPROTO_UDP && get16(p + h->l4 + 4) != len - h->l4)
		return false;
	return len > h->hlen;
}

int tk_gro_add(struct tk_gro *g, uint8_t *p, size_t len)
{
	struct tk_gro_slot *s = NULL, *old = NULL;
	struct hdrs h;
	bool cand;
	uint8_t fl;
	int r;

	if (len > TK_GSO_MAX || parse(p, len, g->tap, &h) ||
	    (h.proto != IPPROTO_TCP && !(h.proto == IPPROTO_UDP && g->udp)))
		return out_alone(g, p, len);
	for (int i = 0; i < TK_GRO_SLOTS && !s; i++)
		if (g->slot[i].len && same_flow(&g->slot[i], p, &h))
			s = &g->slot[i];
	cand = candidate(p, len, &h);
	/* UDP has no flags: as TCP with none that stop a run */
	fl = h.proto == IPPROTO_TCP ? p[h.l4 + 13] : 0;
	if (s && cand && !(fl & (TCP_SYN | TCP_RST | TCP_URG | TCP_CWR)) &&
	    joins(s, p, len, &h)) {
		size_t pay = len - h.hlen;
		uint8_t *q = s->buf + TK_VNET_HDR_LEN;

		memcpy(q + s->len, p + h.hlen, pay);
		s->len += pay;
		s->next_seq += (uint32_t)pay;
		s->segs++;
		if (h.proto == IPPROTO_TCP)
			q[s->l4 + 13] |= fl & (TCP_PSH | TCP_FIN);
		s->closed = pay < s->mss || (fl & (TCP_PSH | TCP_FIN));
		g->coalesced++;
		return 0;
	}
	/* what the flow holds goes first, so the flow keeps its order */
	if (s && (r = send_slot(g, s)))
		return r;
	/* nothing can follow it (or join it): it goes as it is */
	if (!cand || fl & (TCP_SYN | TCP_RST | TCP_URG | TCP_CWR | TCP_PSH | TCP_FIN))
		return out_alone(g, p, len);
	for (int i = 0; i < TK_GRO_SLOTS && !(s && !s->len); i++)
		if (!g->slot[i].len)
			s = &g->slot[i];
		else if (!old || g->slot[i].age < old->age)
			old = &g->slot[i];
	if (!s || s->len) {
		s = old;
		if ((r = send_slot(g, s)))
			return r;
	}
	memcpy(s->buf + TK_VNET_HDR_LEN, p, len);
	s->len = len;
	s->l3 = h.l3;
	s->l4 = h.l4;
	s->hlen = h.hlen;
	s->proto = h.proto;
	s->mss = (uint16_t)(len - h.hlen);
	s->next_seq = h.proto == IPPROTO_TCP ? get32(p + h.l4 + 4) + (uint32_t)s->mss : 0;
	s->segs = 1;
	s->closed = false;
	s->age = ++g->clock;
	return 0;
}

int tk_gro_flush(struct tk_gro *g)
{
	for (;;) {
		struct tk_gro_slot *s = NULL;
		int r;

		for (int i = 0; i < TK_GRO_SLOTS; i++)
			if (g->slot[i].len && (!s || g->slot[i].age < s->age))
				s = &g->slot[i];
		if (!s)
			return 0;
		if ((r = send_slot(g, s)))
			return r;
	}
}
