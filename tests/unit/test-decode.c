/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet decoder on hand-made packets: the fields, the text, and every
 * packet cut at every byte offset (run under ASan/UBSan and valgrind in CI:
 * no read past the end, and the cut layer says so).
 */
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "suites.h"

/* Ethernet + IPv4 + ICMP echo request 192.0.2.2 > 192.0.2.1, id 0x1234, seq 1 */
static const uint8_t echo[] = {
	0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
	0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 1, 0, 0, 192, 0, 2, 2, 192, 0, 2, 1,
	8, 0, 0, 0, 0x12, 0x34, 0, 1,
};
/* Ethernet + 802.1Q vlan 5 + ARP request who-has 192.0.2.1 tell 192.0.2.2 */
static const uint8_t arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x05, 0x08, 0x06,
	0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 2, 192, 0, 2, 2, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1,
};
/* raw IPv6 + hop-by-hop + TCP SYN 2001:db8::1.40000 > 2001:db8::2.80 */
static const uint8_t tcp6[] = {
	0x60, 0, 0, 0, 0, 28, 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	6, 0, 1, 4, 0, 0, 0, 0, /* hop-by-hop, next TCP */
	0x9c, 0x40, 0, 80, 0, 0, 0, 100, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0,
};
/* raw IPv4 + UDP 198.51.100.1.53 > 198.51.100.2.5000, 4 bytes */
static const uint8_t udp4[] = {
	0x45, 0, 0, 32, 0, 2, 0, 0, 64, 17, 0, 0, 198, 51, 100, 1, 198, 51, 100, 2,
	0, 53, 0x13, 0x88, 0, 12, 0, 0, 'a', 'b', 'c', 'd',
};

static json_t *dec(const uint8_t *p, size_t n, enum tk_dec_link l)
{
	json_t *j = tk_dec_packet(p, n, n, l, NULL);

	ck_assert_ptr_nonnull(j);
	return j;
}

static void text_is(const uint8_t *p, size_t n, enum tk_dec_link l, const char *want)
{
	char *t = tk_dec_text(p, n, n, l, NULL, 0);

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, want);
	free(t);
}

START_TEST(fields_and_text)
{
	json_t *j = dec(echo, sizeof(echo), TK_DEC_LINK_ETHER);

	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "icmp"), "ident")),
			 0x1234);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "ip"), "src")),
			 "192.0.2.2");
	json_decref(j);
	text_is(echo, sizeof(echo), TK_DEC_LINK_ETHER,
		"IP 192.0.2.2 > 192.0.2.1: ICMP echo request, id 4660, seq 1, length 8");
	text_is(arp, sizeof(arp), TK_DEC_LINK_ETHER,
		"ARP, Request who-has 192.0.2.1 tell 192.0.2.2, length 28");
	text_is(tcp6, sizeof(tcp6), TK_DEC_LINK_RAW,
		"IP6 2001:db8::1.40000 > 2001:db8::2.80: Flags [S], seq 100, ack 0, win 64240, "
		"length 0");
	text_is(udp4, sizeof(udp4), TK_DEC_LINK_RAW,
		"IP 198.51.100.1.53 > 198.51.100.2.5000: UDP, length 4");
	j = dec(arp, sizeof(arp), TK_DEC_LINK_ETHER);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_array_get(json_object_get(j, "vlan"), 0), "id")), 5);
	json_decref(j);
}
END_TEST

/* Cut at every length: never crashes, and the text says "truncated" when a
 * layer that was there is cut. */
static void cuts(const uint8_t *p, size_t n, enum tk_dec_link l)
{
	for (size_t k = 0; k < n; k++) {
		uint8_t *copy = malloc(k ? k : 1); /* exact size: ASan sees any overread */
		json_t *j;
		char *t;

		memcpy(copy, p, k);
		j = tk_dec_packet(copy, k, n, l, NULL);
		ck_assert_ptr_nonnull(j);
		t = tk_dec_text(copy, k, n, l, NULL, TK_DEC_FMT_LINK);
		ck_assert_ptr_nonnull(t);
		free(t);
		json_decref(j);
		free(copy);
	}
}

START_TEST(truncated_everywhere)
{
	cuts(echo, sizeof(echo), TK_DEC_LINK_ETHER);
	cuts(arp, sizeof(arp), TK_DEC_LINK_ETHER);
	cuts(tcp6, sizeof(tcp6), TK_DEC_LINK_RAW);
	cuts(udp4, sizeof(udp4), TK_DEC_LINK_RAW);
	cuts(echo, sizeof(echo), TK_DEC_LINK_TUN_PI);
	text_is(echo, 20, TK_DEC_LINK_ETHER, "IP [truncated]");
	text_is(echo, 10, TK_DEC_LINK_ETHER, "Ethernet [truncated]");
}
END_TEST

START_TEST(bad_lengths)
{
	uint8_t p[sizeof(udp4)];
	json_t *j;

	memcpy(p, udp4, sizeof(p));
	p[0] = 0x44; /* IHL 4: shorter than a header */
	j = dec(p, sizeof(p), TK_DEC_LINK_RAW);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "ip"), "bad_length")));
	ck_assert_ptr_null(json_object_get(j, "udp"));
	json_decref(j);
	memcpy(p, udp4, sizeof(p));
	p[0] = 0x4f; /* IHL 15: longer than the total length */
	j = dec(p, sizeof(p), TK_DEC_LINK_RAW);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "ip"), "bad_length")));
	ck_assert_ptr_null(json_object_get(j, "udp"));
	json_decref(j);
	p[3] = 64; /* now the header fits the total but not the capture */
	j = dec(p, sizeof(p), TK_DEC_LINK_RAW);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "ip"), "truncated")));
	json_decref(j);
	memcpy(p, udp4, sizeof(p));
	p[3] = 10; /* total length below the header */
	j = dec(p, sizeof(p), TK_DEC_LINK_RAW);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "ip"), "bad_length")));
	json_decref(j);
	memcpy(p, udp4, sizeof(p));
	p[25] = 4; /* UDP length below its header */
	j = dec(p, sizeof(p), TK_DEC_LINK_RAW);
	ck_assert(json_is_true(json_object_get(json_object_get(j, "udp"), "bad_length")));
	json_decref(j);
	{
		uint8_t t[sizeof(tcp6)];

		memcpy(t, tcp6, sizeof(t));
		t[48 + 12] = 0x20; /* TCP data offset 8 bytes */
		j = dec(t, sizeof(t), TK_DEC_LINK_RAW);
		ck_assert(json_is_true(json_object_get(json_object_get(j, "tcp"), "bad_length")));
		json_decref(j);
	}
}
END_TEST

START_TEST(prefixes)
{
	uint8_t v[10 + sizeof(udp4)] = { 1, 1, 0, 0, 0x10, 0x05 };
	struct tk_dec_opts o = { .vnet_hdr_len = 10 };
	json_t *j;

	memcpy(v + 10, udp4, sizeof(udp4));
	j = tk_dec_packet(v, sizeof(v), sizeof(v), TK_DEC_LINK_RAW, &o);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "vnet_hdr"),
							    "gso_type")), "tcpv4");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "vnet_hdr"),
							     "gso_size")), 0x510);
	ck_assert_ptr_nonnull(json_object_get(j, "udp"));
	json_decref(j);
	for (size_t k = 0; k < sizeof(v); k++) {
		j = tk_dec_packet(v, k, k, TK_DEC_LINK_RAW, &o);
		json_decref(j);
	}
}
END_TEST

/* As the kernel writes them: tun_pi first, then the virtio-net header; a
 * tap's tun_pi carries the frame's ethertype and Ethernet follows. */
START_TEST(pi_then_vnet)
{
	struct tk_dec_opts o = { .vnet_hdr_len = 10 };
	uint8_t tap[4 + 10 + sizeof(echo)] = { 0, 0, 0x08, 0x00 };
	uint8_t tun[4 + 10 + sizeof(udp4)] = { 0, 0, 0x08, 0x00 };
	json_t *j;
	char *t;

	memcpy(tap + 14, echo, sizeof(echo));
	j = tk_dec_packet(tap, sizeof(tap), sizeof(tap), TK_DEC_LINK_TAP_PI, &o);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "pi"), "proto")),
			 0x0800);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "vnet_hdr"),
							    "gso_type")), "none");
	ck_assert_ptr_nonnull(json_object_get(j, "eth"));
	ck_assert_ptr_nonnull(json_object_get(j, "icmp"));
	t = tk_dec_text(tap, sizeof(tap), sizeof(tap), TK_DEC_LINK_TAP_PI, &o, 0);
	ck_assert_msg(!strncmp(t, "pi proto 0x0800: vnet_hdr gso none: IP ", 39), "%s", t);
	free(t);
	json_decref(j);
	memcpy(tun + 14, udp4, sizeof(udp4));
	j = tk_dec_packet(tun, sizeof(tun), sizeof(tun), TK_DEC_LINK_TUN_PI, &o);
	ck_assert_ptr_nonnull(json_object_get(j, "vnet_hdr"));
	ck_assert_ptr_nonnull(json_object_get(j, "udp"));
	json_decref(j);
	for (size_t k = 0; k < sizeof(tap); k++) {
		j = tk_dec_packet(tap, k, k, TK_DEC_LINK_TAP_PI, &o);
		ck_assert_ptr_nonnull(j);
		json_decref(j);
	}
}
END_TEST

Suite *suite_decode(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("packets");

	tcase_add_test(tc, fields_and_text);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, bad_lengths);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, pi_then_vnet);
	suite_add_tcase(s, tc);
	return s;
}
