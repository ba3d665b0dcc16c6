/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of src/reply.c: each answer is checked byte by byte where it
 * matters (addresses, types, checksums that verify to zero), and frames
 * that ask nothing of ours, or are cut short at every byte, get no answer.
 */
#include <check.h>
#include <string.h>
#include <sys/socket.h>

#include "reply.h"
#include "suites.h"

static const struct tk_reply_addr addrs[] = {
	{ AF_INET, { 192, 0, 2, 2 } },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
};
static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 1 };

static struct tk_reply_cfg cfg(bool ether)
{
	struct tk_reply_cfg c = { .ether = ether, .mac = { 0x02, 0, 0x5e, 0, 0, 0xaa },
				  .addrs = addrs, .naddrs = 2 };
	return c;
}

static size_t eth(uint8_t *f, uint16_t type)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, peer, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

static size_t arp_req(uint8_t *f, uint8_t last)
{
	static const uint8_t a[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1,
				       192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2 };
	size_t n = eth(f, 0x0806);

	memcpy(f + n, a, 28);
	f[n + 27] = last;
	return n + 28;
}

static size_t echo4(uint8_t *ip, uint8_t last)
{
	static const uint8_t h[28] = { 0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 1, 0, 0, 192, 0, 2, 1,
				       192, 0, 2, 2, 8, 0, 0, 0, 0x12, 0x34, 0, 1 };

	memcpy(ip, h, 28);
	ip[19] = last;
	return 28;
}

static size_t echo6(uint8_t *ip, uint8_t type, const uint8_t *dst)
{
	memset(ip, 0, 48);
	ip[0] = 0x60;
	ip[5] = 8;
	ip[6] = 58;
	ip[7] = 64;
	memcpy(ip + 8, addrs[1].addr, 16);
	ip[23] = 1;
	memcpy(ip + 24, dst, 16);
	ip[40] = type;
	ip[44] = 0x12;
	return 48;
}

START_TEST(test_arp)
{
	uint8_t in[64], out[128];
	struct tk_reply_cfg c = cfg(true);
	size_t n = arp_req(in, 2), m = tk_reply(&c, in, n, out, sizeof(out));

	ck_assert_uint_eq(m, 42);
	ck_assert_mem_eq(out, peer, 6);
	ck_assert_mem_eq(out + 6, c.mac, 6);
	ck_assert_uint_eq(out[21], 2); /* reply */
	ck_assert_mem_eq(out + 22, c.mac, 6);
	ck_assert_mem_eq(out + 28, addrs[0].addr, 4);
	ck_assert_mem_eq(out + 32, peer, 6);
	ck_assert_mem_eq(out + 38, in + 28, 4);
	n = arp_req(in, 3);
	ck_assert_uint_eq(tk_reply(&c, in, n, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_icmp4)
{
	uint8_t in[64], out[128];
	struct tk_reply_cfg c = cfg(false);
	size_t n = echo4(in, 2), m = tk_reply(&c, in, n, out, sizeof(out));

	ck_assert_uint_eq(m, 28);
	ck_assert_mem_eq(out + 12, in + 16, 4);
	ck_assert_mem_eq(out + 16, in + 12, 4);
	ck_assert_uint_eq(out[20], 0);
	ck_assert_mem_eq(out + 24, in + 24, 4); /* id and sequence kept */
	ck_assert_uint_eq(tk_reply_csum(out, 20, 0), 0);
	ck_assert_uint_eq(tk_reply_csum(out + 20, 8, 0), 0);
	n = echo4(in, 9);
	ck_assert_uint_eq(tk_reply(&c, in, n, out, sizeof(out)), 0);
}
END_TEST

static uint16_t verify6(const uint8_t *ip, size_t plen)
{
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	return tk_reply_csum(ip + 40, plen, sum + (uint32_t)plen + 58);
}

START_TEST(test_icmp6_echo)
{
	uint8_t in[64], out[128];
	struct tk_reply_cfg c = cfg(false);
	size_t n = echo6(in, 128, addrs[1].addr), m = tk_reply(&c, in, n, out, sizeof(out));

	ck_assert_uint_eq(m, 48);
	ck_assert_uint_eq(out[40], 129);
	ck_assert_mem_eq(out + 8, addrs[1].addr, 16);
	ck_assert_uint_eq(out[39], 1);
	ck_assert_uint_eq(verify6(out, 8), 0);
}
END_TEST

START_TEST(test_nd)
{
	uint8_t in[128], out[128];
	struct tk_reply_cfg c = cfg(true);
	size_t n = eth(in, 0x86dd);

	static const uint8_t snm[16] = { 0xff, 2, [11] = 1, [12] = 0xff, [15] = 2 };

	echo6(in + n, 135, snm);
	in[n + 5] = 24;
	in[n + 7] = 255;
	memcpy(in + n + 48, addrs[1].addr, 16);
	ck_assert_uint_eq(tk_reply(&c, in, n + 64, out, sizeof(out)), 14 + 72);
	ck_assert_mem_eq(out, peer, 6);
	ck_assert_uint_eq(out[14 + 40], 136);
	ck_assert_mem_eq(out + 14 + 48, addrs[1].addr, 16);
	ck_assert_mem_eq(out + 14 + 66, c.mac, 6);
	ck_assert_uint_eq(verify6(out + 14, 32), 0);
	c.ether = false; /* a tun has no neighbours to answer */
	ck_assert_uint_eq(tk_reply(&c, in + 14, 64, out, sizeof(out)), 0);
	c.ether = true; /* duplicate address detection (from ::) is not answered */
	memset(in + n + 8, 0, 16);
	ck_assert_uint_eq(tk_reply(&c, in, n + 64, out, sizeof(out)), 0);
}
END_TEST

/* Ethernet padding after a short IPv4 packet is not echoed back. */
START_TEST(test_padded)
{
	uint8_t in[64] = { 0 }, out[128];
	struct tk_reply_cfg c = cfg(true);
	size_t n = eth(in, 0x0800);

	echo4(in + n, 2);
	ck_assert_uint_eq(tk_reply(&c, in, 60, out, sizeof(out)), 14 + 28);
	ck_assert_mem_eq(out, peer, 6);
	ck_assert_uint_eq(tk_reply_csum(out + 14, 20, 0), 0);
}
END_TEST

/* Fragments, other ICMP types and other addresses get no answer. */
START_TEST(test_not_ours)
{
	uint8_t in[64], out[128];
	struct tk_reply_cfg c = cfg(false);

	echo4(in, 2);
	in[6] = 0x20; /* more fragments */
	ck_assert_uint_eq(tk_reply(&c, in, 28, out, sizeof(out)), 0);
	echo4(in, 2);
	in[20] = 0; /* an echo reply */
	ck_assert_uint_eq(tk_reply(&c, in, 28, out, sizeof(out)), 0);
	echo6(in, 128, addrs[1].addr);
	in[39] = 3;
	ck_assert_uint_eq(tk_reply(&c, in, 48, out, sizeof(out)), 0);
	c.naddrs = 0;
	ck_assert_uint_eq(tk_reply(&c, (echo4(in, 2), in), 28, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_truncated)
{
	uint8_t in[128], out[128];
	struct tk_reply_cfg e = cfg(true), r = cfg(false);
	size_t na = arp_req(in, 2);

	for (size_t i = 0; i < na; i++)
		ck_assert_uint_eq(tk_reply(&e, in, i, out, sizeof(out)), 0);
	for (size_t i = 0; i < 28; i++)
		ck_assert_uint_eq(tk_reply(&r, (echo4(in, 2), in), i, out, sizeof(out)), 0);
	for (size_t i = 0; i < 48; i++)
		ck_assert_uint_eq(tk_reply(&r, (echo6(in, 128, addrs[1].addr), in), i, out,
					   sizeof(out)), 0);
	ck_assert_uint_eq(tk_reply(&r, in, 48, out, 8), 0); /* no room */
}
END_TEST

Suite *suite_reply(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_icmp4);
	tcase_add_test(tc, test_icmp6_echo);
	tcase_add_test(tc, test_nd);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_padded);
	tcase_add_test(tc, test_not_ours);
	suite_add_tcase(s, tc);
	return s;
}
