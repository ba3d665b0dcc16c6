/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of engine/offload.c: checksums against a plain RFC 1071 sum, super-packets cut
 * into segments that a plain reader checks header by header, segments glued back into the
 * super-packet they came from, and headers that lie about the packet.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/offload.h"

Suite *suite_offload(void);

/* RFC 1071, byte by byte, in network order: the reference for tk_csum. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i < len; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The L4 checksum of a packet with IP header at ip checks out (sums to 0xffff). */
static bool l4_ok(const uint8_t *ip, const uint8_t *l4, size_t l4len, unsigned proto)
{
	uint32_t s = proto + (uint32_t)l4len;

	if (ip[0] >> 4 == 4)
		s += ref_sum(ip + 12, 8, 0);
	else
		s += ref_sum(ip + 8, 32, 0);
	return ref_sum(l4, l4len, s) == 0xffff;
}

enum { V4, V6 };

struct pk {
	uint8_t buf[TK_VNET_HDR_LEN + TK_GSO_MAX];
	uint8_t *p; /* the packet, TK_VNET_HDR_LEN into buf */
	size_t len, l3, l4, hlen;
};

/*
 * A TCP or UDP packet of pay bytes (a super-packet when pay > the MSS): Ethernet (with one
 * VLAN tag) when tap, IPv4 or IPv6, TCP with 12 bytes of options (timestamps) or UDP.
 */
static void mk(struct pk *k, bool tap, int ver, unsigned proto, size_t pay, uint32_t seq,
	       uint8_t flags)
{
	uint8_t *p;

	memset(k, 0, sizeof(*k));
	k->p = p = k->buf + TK_VNET_HDR_LEN;
	if (tap) {
		memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x81\x00\x00\x07", 16);
		p[16] = ver == V4 ? 0x08 : 0x86;
		p[17] = ver == V4 ? 0x00 : 0xdd;
		k->l3 = 18;
	}
	k->l4 = k->l3 + (ver == V4 ? 20 : 40);
	k->hlen = k->l4 + (proto == IPPROTO_TCP ? 32 : 8);
	k->len = k->hlen + pay;
	if (ver == V4) {
		uint8_t *ip = p + k->l3;

		ip[0] = 0x45;
		ip[2] = (uint8_t)((k->len - k->l3) >> 8);
		ip[3] = (uint8_t)(k->len - k->l3);
		ip[4] = 0x12;
		ip[5] = 0x34;
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = (uint8_t)proto;
		memcpy(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
	} else {
		uint8_t *ip = p + k->l3;

		ip[0] = 0x60;
		ip[4] = (uint8_t)((k->len - k->l4) >> 8);
		ip[5] = (uint8_t)(k->len - k->l4);
		ip[6] = (uint8_t)proto;
		ip[7] = 64;
		memcpy(ip + 8, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		memcpy(ip + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	}
	p[k->l4] = 0x9c;
	p[k->l4 + 1] = 0x40; /* 40000 */
	p[k->l4 + 2] = 0x14;
	p[k->l4 + 3] = 0x51; /* 5201 */
	if (proto == IPPROTO_TCP) {
		uint8_t *t = p + k->l4;

		t[4] = (uint8_t)(seq >> 24);
		t[5] = (uint8_t)(seq >> 16);
		t[6] = (uint8_t)(seq >> 8);
		t[7] = (uint8_t)seq;
		t[8] = 0xa0; /* ack */
		t[12] = 8 << 4;
		t[13] = flags;
		t[14] = 0x01; /* window */
		memcpy(t + 20, "\x01\x01\x08\x0a\0\0\0\x01\0\0\0\x02", 12);
	}
	for (size_t i = 0; i < pay; i++)
		p[k->hlen + i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Fills the checksums of a whole packet made by mk. */
static void fill_csums(struct pk *k, unsigned proto)
{
	uint8_t *ip = k->p + k->l3, *l4 = k->p + k->l4;
	size_t at = proto == IPPROTO_TCP ? 16 : 6, l4len = k->len - k->l4;
	uint32_t s = proto + (uint32_t)l4len;
	uint16_t c;

	if (ip[0] >> 4 == 4) {
		ip[10] = ip[11] = 0;
		c = (uint16_t)~ref_sum(ip, 20, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		s += ref_sum(ip + 12, 8, 0);
	} else {
		s += ref_sum(ip + 8, 32, 0);
	}
	if (proto == IPPROTO_UDP) {
		l4[4] = (uint8_t)(l4len >> 8);
		l4[5] = (uint8_t)l4len;
	}
	l4[at] = l4[at + 1] = 0;
	c = (uint16_t)~ref_sum(l4, l4len, s);
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
}

/* What tk_gso_split emitted: copies of the segments. */
struct segs {
	uint8_t *seg[64];
	size_t len[64];
	unsigned n;
	int stop_at; /* emit returns 7 at this segment, -1 never */
};

static int collect(void *arg, uint8_t *p, size_t len)
{
	struct segs *s = arg;

	ck_assert_uint_lt(s->n, 64);
	s->seg[s->n] = malloc(len + TK_VNET_HDR_LEN);
	memcpy(s->seg[s->n] + TK_VNET_HDR_LEN, p, len);
	s->len[s->n] = len;
	return (int)s->n++ == s->stop_at ? 7 : 0;
}

static void segs_free(struct segs *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->seg[i]);
	s->n = 0;
}

START_TEST(csum_reference)
{
	uint8_t b[300];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 131 + 17);
	for (size_t off = 0; off < 4; off++)
		for (size_t len = 0; len < 280; len++) {
			uint16_t got = tk_csum(b + off, len, 0), want = ref_sum(b + off, len, 0);

			/* tk_csum sums in memory order: on little endian the bytes are swapped */
			got = ntohs(got);
			ck_assert_uint_eq(got == 0xffff ? 0 : got, want == 0xffff ? 0 : want);
		}
	/* an earlier partial sum is added in (and a carry folded) */
	ck_assert_uint_eq(tk_csum(b, 0, 0x1ffffu), 1);
}
END_TEST

/* The cases of the split tests: _i picks tap or tun, IPv4 or IPv6, TCP or UDP. */
static void split_case(int i, bool *tap, int *ver, unsigned *proto)
{
	*tap = i & 1;
	*ver = i & 2 ? V6 : V4;
	*proto = i & 4 ? IPPROTO_UDP : IPPROTO_TCP;
}

START_TEST(split_segments)
{
	static struct pk k;
	struct virtio_net_hdr vh = { .gso_size = 1388 };
	struct segs s = { .stop_at = -1 };
	unsigned proto, mss = 1388;
	size_t pay = 20000, got = 0;
	bool tap;
	int ver;

	split_case(_i, &tap, &ver, &proto);
	mk(&k, tap, ver, proto, pay, 0xfffff000u, 0x10 | 0x08 | 0x80); /* ACK PSH CWR */
	vh.gso_type = proto == IPPROTO_UDP ? VIRTIO_NET_HDR_GSO_UDP_L4
		      : ver == V4	   ? VIRTIO_NET_HDR_GSO_TCPV4
					   : VIRTIO_NET_HDR_GSO_TCPV6;
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.hdr_len = (uint16_t)k.hlen;
	vh.csum_start = (uint16_t)k.l4;
	vh.csum_offset = proto == IPPROTO_TCP ? 16 : 6;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, tap, collect, &s), 0);
	ck_assert_uint_eq(s.n, (pay + mss - 1) / mss);
	for (unsigned i = 0; i < s.n; i++) {
		uint8_t *q = s.seg[i] + TK_VNET_HDR_LEN, *ip = q + k.l3, *l4 = q + k.l4;
		size_t n = s.len[i] - k.hlen;

		ck_assert_uint_eq(n, i + 1 < s.n ? mss : pay - mss * (s.n - 1));
		ck_assert(!memcmp(q, k.p, k.l3)); /* the link header as it was */
		if (ver == V4) {
			ck_assert_uint_eq(get16(ip + 2), s.len[i] - k.l3);
			ck_assert_uint_eq(get16(ip + 4), 0x1234 + i);
			ck_assert_uint_eq(ref_sum(ip, 20, 0), 0xffff);
		} else {
			ck_assert_uint_eq(get16(ip + 4), s.len[i] - k.l4);
		}
		ck_assert(l4_ok(ip, l4, s.len[i] - k.l4, proto));
		if (proto == IPPROTO_TCP) {
			ck_assert_uint_eq(get32(l4 + 4), 0xfffff000u + (uint32_t)(i * mss));
			ck_assert_uint_eq(l4[13], 0x10 | (i ? 0 : 0x80) | (i + 1 == s.n ? 0x08 : 0));
			ck_assert(!memcmp(l4 + 20, k.p + k.l4 + 20, 12)); /* options kept */
		} else {
			ck_assert_uint_eq(get16(l4 + 4), s.len[i] - k.l4);
		}
		/* the payload, in order, as it was (mk's pattern) */
		for (size_t j = 0; j < n; j++)
			ck_assert_uint_eq(q[k.hlen + j], (uint8_t)((got + j) * 7 + ((got + j) >> 8)));
		got += n;
	}
	ck_assert_uint_eq(got, pay);
	segs_free(&s);
}
END_TEST

START_TEST(split_stops_and_completes)
{
	static struct pk k;
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1000 };
	struct segs s = { .stop_at = 2 };

	/* emit's nonzero result ends the split and is returned */
	mk(&k, false, V4, IPPROTO_TCP, 9000, 1, 0x10);
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, false, collect, &s), 7);
	ck_assert_uint_eq(s.n, 3);
	segs_free(&s);

	/* no GSO, checksum wanted: completed from the pseudo-header sum in the field */
	s.stop_at = -1;
	mk(&k, true, V6, IPPROTO_UDP, 333, 0, 0);
	fill_csums(&k, IPPROTO_UDP);
	{
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum, not inverted */
		uint16_t c = htons(ref_sum(k.p + k.l3 + 8, 32,
					   IPPROTO_UDP + (uint32_t)(k.len - k.l4)));
		struct virtio_net_hdr v = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
					    .csum_start = (uint16_t)k.l4, .csum_offset = 6 };

		memcpy(k.p + k.l4 + 6, &c, 2);
		ck_assert_int_eq(tk_gso_split(k.p, k.len, &v, true, collect, &s), 0);
	}
	ck_assert_uint_eq(s.n, 1);
	ck_assert(l4_ok(s.seg[0] + TK_VNET_HDR_LEN + k.l3, s.seg[0] + TK_VNET_HDR_LEN + k.l4,
			k.len - k.l4, IPPROTO_UDP));
	segs_free(&s);
}
END_TEST

START_TEST(split_rejects)
{
	static struct pk k;
	static uint8_t copy[TK_GSO_MAX];
	struct segs s = { .stop_at = -1 };
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 500 };

	mk(&k, true, V4, IPPROTO_TCP, 3000, 1, 0x10);
	memcpy(copy, k.p, k.len);
	/* cut short anywhere in the headers: refused, nothing emitted */
	for (size_t n = 0; n < k.hlen; n++) {
		memcpy(k.p, copy, k.len);
		ck_assert_int_eq(tk_gso_split(k.p, n, &vh, true, collect, &s), -EINVAL);
	}
	ck_assert_uint_eq(s.n, 0);
	/* a type that is not the packet's, no segment size, a fragment */
	memcpy(k.p, copy, k.len);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	vh.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.gso_size = 0;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	vh.gso_size = 500;
	k.p[k.l3 + 6] = 0x20; /* more fragments */
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	memcpy(k.p, copy, k.len);
	k.p[k.l4 + 12] = 4 << 4; /* a TCP header shorter than 20 bytes */
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	memcpy(k.p, copy, k.len);
	k.p[12] = 0x08; /* not IP */
	k.p[13] = 0x06;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	/* a checksum place outside the packet */
	memcpy(k.p, copy, k.len);
	vh = (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				      .csum_start = (uint16_t)k.len, .csum_offset = 0 };
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	vh.csum_start = (uint16_t)(k.len - 1);
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	vh.csum_start = 0;
	vh.csum_offset = 0xffff;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, true, collect, &s), -EINVAL);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

/* What tk_gro emitted: copies of virtio-net header and packet. */
static int gather(void *arg, uint8_t *p, size_t len)
{
	struct segs *s = arg;

	ck_assert_uint_lt(s->n, 64);
	ck_assert_uint_ge(len, TK_VNET_HDR_LEN);
	s->seg[s->n] = malloc(len);
	memcpy(s->seg[s->n], p, len);
	s->len[s->n++] = len;
	return 0;
}

/* Feeds a packet to the coalescer from a buffer with room before it, as the loop does. */
static void feed(struct tk_gro *g, const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(TK_VNET_HDR_LEN + len);

	memcpy(b + TK_VNET_HDR_LEN, p, len);
	ck_assert_int_eq(tk_gro_add(g, b + TK_VNET_HDR_LEN, len), 0);
	free(b);
}

START_TEST(split_then_coalesce)
{
	static struct pk k, orig;
	struct virtio_net_hdr vh = { .gso_size = 1360 }, out;
	struct segs s = { .stop_at = -1 }, o = { .stop_at = -1 };
	struct tk_gro g;
	bool tap = _i & 1;
	int ver = _i & 2 ? V6 : V4;
	unsigned proto = _i & 4 ? IPPROTO_UDP : IPPROTO_TCP;
	size_t at = proto == IPPROTO_TCP ? 16 : 6; /* the checksum field */
	uint8_t *q;

	mk(&k, tap, ver, proto, 30000, 77, 0x10 | 0x08);
	fill_csums(&k, proto);
	orig = k;
	orig.p = orig.buf + TK_VNET_HDR_LEN;
	vh.gso_type = proto == IPPROTO_UDP ? VIRTIO_NET_HDR_GSO_UDP_L4
		      : ver == V4	   ? VIRTIO_NET_HDR_GSO_TCPV4
					   : VIRTIO_NET_HDR_GSO_TCPV6;
	ck_assert_int_eq(tk_gso_split(k.p, k.len, &vh, tap, collect, &s), 0);
	ck_assert_int_eq(tk_gro_init(&g, tap, gather, &o), 0);
	g.udp = true;
	for (unsigned i = 0; i < s.n; i++)
		feed(&g, s.seg[i] + TK_VNET_HDR_LEN, s.len[i]);
	ck_assert_uint_eq(o.n, 0); /* all held until the flush */
	ck_assert_int_eq(tk_gro_flush(&g), 0);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_uint_eq(g.coalesced, s.n - 1);
	memcpy(&out, o.seg[0], sizeof(out));
	ck_assert_uint_eq(out.gso_type, vh.gso_type);
	ck_assert_uint_eq(out.gso_size, 1360);
	ck_assert_uint_eq(out.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(out.csum_start, k.l4);
	ck_assert_uint_eq(out.csum_offset, at);
	ck_assert_uint_eq(out.hdr_len, k.hlen);
	/* the super-packet it came from: everything but the checksum field, which holds the
	 * pseudo-header's sum (and the IPv4 ID, the first segment's: the original's) */
	ck_assert_uint_eq(o.len[0], TK_VNET_HDR_LEN + orig.len);
	q = o.seg[0] + TK_VNET_HDR_LEN;
	ck_assert(!memcmp(q, orig.p, k.l4 + at));
	ck_assert(!memcmp(q + k.l4 + at + 2, orig.p + k.l4 + at + 2, orig.len - k.l4 - at - 2));
	{
		uint32_t ps = proto + (uint32_t)(orig.len - k.l4);

		ps += ver == V4 ? ref_sum(q + k.l3 + 12, 8, 0) : ref_sum(q + k.l3 + 8, 32, 0);
		ck_assert_uint_eq(get16(q + k.l4 + at), ref_sum(NULL, 0, ps));
	}
	segs_free(&s);
	segs_free(&o);
	tk_gro_free(&g);
}
END_TEST

/* Segments of two flows interleaved, one lost, a pure ACK and a UDP datagram: every packet
 * comes out once, each flow in order, and only consecutive segments are glued. */
START_TEST(coalesce_order)
{
	static struct pk a, b, ack, udp;
	struct segs o = { .stop_at = -1 };
	struct tk_gro g;
	uint32_t next_a = 1000;

	ck_assert_int_eq(tk_gro_init(&g, false, gather, &o), 0);
	for (int i = 0; i < 6; i++) {
		mk(&a, false, V4, IPPROTO_TCP, 1000, 1000 + (uint32_t)i * 1000, 0x10);
		mk(&b, false, V6, IPPROTO_TCP, 1200, 5000 + (uint32_t)i * 1200, 0x10);
		if (i != 3) /* a's fourth segment is lost */
			feed(&g, a.p, a.len);
		feed(&g, b.p, b.len);
	}
	mk(&ack, false, V4, IPPROTO_TCP, 0, 7000, 0x10); /* a's flow, no payload */
	feed(&g, ack.p, ack.len);
	/* a's held run went out before the ACK */
	ck_assert_uint_eq(o.n, 3);
	mk(&udp, false, V4, IPPROTO_UDP, 100, 0, 0);
	feed(&g, udp.p, udp.len);
	ck_assert_int_eq(tk_gro_flush(&g), 0);
	ck_assert_uint_eq(o.n, 5);
	/* a: 3 glued (1000..3999), then 2 glued (5000..6999), then the ACK; b: 6 glued */
	for (unsigned i = 0; i < o.n; i++) {
		struct virtio_net_hdr vh;
		uint8_t *q = o.seg[i] + TK_VNET_HDR_LEN;

		memcpy(&vh, o.seg[i], sizeof(vh));
		if (q[0] >> 4 == 6) {
			ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
			ck_assert_uint_eq(o.len[i] - TK_VNET_HDR_LEN, 40 + 32 + 6 * 1200);
		} else if (q[9] == IPPROTO_UDP) {
			ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
			ck_assert_uint_eq(vh.flags, 0);
		} else if (get32(q + 24) == 7000) {
			ck_assert_uint_eq(next_a, 7000);
			ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		} else {
			if (next_a == 4000)
				next_a = 5000; /* the lost one */
			ck_assert_uint_eq(get32(q + 24), next_a);
			next_a += (uint32_t)(o.len[i] - TK_VNET_HDR_LEN - 52);
		}
	}
	ck_assert_uint_eq(next_a, 7000);
	segs_free(&o);
	tk_gro_free(&g);
}
END_TEST

/* UDP runs only when the kernel takes them (udp set); a longer datagram ends a run, and a
 * datagram of another flow or protocol never joins. */
START_TEST(coalesce_udp)
{
	static struct pk d, e;
	struct segs o = { .stop_at = -1 };
	struct tk_gro g;
	struct virtio_net_hdr vh;

	ck_assert_int_eq(tk_gro_init(&g, false, gather, &o), 0);
	mk(&d, false, V4, IPPROTO_UDP, 1000, 0, 0);
	fill_csums(&d, IPPROTO_UDP);
	for (int i = 0; i < 3; i++)
		feed(&g, d.p, d.len);
	ck_assert_uint_eq(o.n, 3); /* udp off: each alone, at once */
	segs_free(&o);
	g.udp = true;
	for (int i = 0; i < 4; i++)
		feed(&g, d.p, d.len);
	mk(&e, false, V4, IPPROTO_TCP, 1000, 1, 0x10); /* same addresses and ports, TCP */
	feed(&g, e.p, e.len);
	mk(&e, false, V4, IPPROTO_UDP, 1001, 0, 0); /* longer: starts its own run */
	fill_csums(&e, IPPROTO_UDP);
	feed(&g, e.p, e.len);
	ck_assert_int_eq(tk_gro_flush(&g), 0);
	ck_assert_uint_eq(o.n, 3);
	memcpy(&vh, o.seg[0], sizeof(vh));
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_UDP_L4);
	ck_assert_uint_eq(vh.gso_size, 1000);
	ck_assert_uint_eq(o.len[0], TK_VNET_HDR_LEN + 28 + 4000);
	ck_assert_uint_eq(get16(o.seg[0] + TK_VNET_HDR_LEN + 24), 8 + 4000);
	memcpy(&vh, o.seg[2], sizeof(vh));
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_uint_eq(o.len[2], TK_VNET_HDR_LEN + 28 + 1001);
	ck_assert_uint_eq(g.coalesced, 3);
	segs_free(&o);
	tk_gro_free(&g);
}
END_TEST

/* A run never grows past 64 KB of IP packet, and a shorter segment or PSH ends it. */
START_TEST(coalesce_limits)
{
	static struct pk a;
	struct segs o = { .stop_at = -1 };
	struct tk_gro g;
	uint32_t seq = 1;

	ck_assert_int_eq(tk_gro_init(&g, true, gather, &o), 0);
	for (int i = 0; i < 60; i++) {
		mk(&a, true, V4, IPPROTO_TCP, 1448, seq, 0x10);
		feed(&g, a.p, a.len);
		seq += 1448;
	}
	mk(&a, true, V4, IPPROTO_TCP, 500, seq, 0x10 | 0x08);
	feed(&g, a.p, a.len);
	ck_assert_int_eq(tk_gro_flush(&g), 0);
	/* 45 segments make 65212 bytes of IP packet, a 46th would pass 65535 */
	ck_assert_uint_eq(o.n, 2);
	ck_assert_uint_eq(g.coalesced, 59);
	for (unsigned i = 0; i < o.n; i++) {
		uint8_t *q = o.seg[i] + TK_VNET_HDR_LEN;

		ck_assert_uint_le(o.len[i] - TK_VNET_HDR_LEN - 18, 65535);
		ck_assert_uint_eq(get16(q + 18 + 2), o.len[i] - TK_VNET_HDR_LEN - 18);
	}
	/* the last run ends with the short PSH segment */
	ck_assert_uint_eq(o.seg[o.n - 1][TK_VNET_HDR_LEN + 18 + 20 + 13] & 0x08, 0x08);
	segs_free(&o);
	tk_gro_free(&g);
}
END_TEST

Suite *suite_offload(void)
{
	Suite *s = suite_create("offload");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, csum_reference);
	tcase_add_loop_test(tc, split_segments, 0, 8);
	tcase_add_test(tc, split_stops_and_completes);
	tcase_add_test(tc, split_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("coalesce");
	tcase_add_loop_test(tc, split_then_coalesce, 0, 8);
	tcase_add_test(tc, coalesce_order);
	tcase_add_test(tc, coalesce_udp);
	tcase_add_test(tc, coalesce_limits);
	suite_add_tcase(s, tc);
	return s;
}
