/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Version 2's MACs, cookies and time stamps (engine/ik-mac.c): mac1 and mac2 recomputed
 * here from the format's words; the cookie reply's round trip and each way it must fail
 * (another source, another initiation, another responder, tampering); the mac2 a busy
 * responder asks for; TAI64N encoding and order.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <string.h>
#include <sys/un.h>

#include "engine/ik.h"
#include "suites.h"
#include "unhex.h"

static struct sockaddr_storage addr(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET, ip, &a->sin_addr), 1);
	}
	return ss;
}

struct two {
	struct tk_ik_static i, r;
	struct tk_ik_hs hi;
	uint8_t t[TK_IK_TAI64N_LEN];
	uint8_t init[TK_FRAME_IK_INIT_LEN];
};

static void two_init(struct two *w)
{
	uint8_t k[TK_KEY_LEN];

	randombytes_buf(k, sizeof(k));
	ck_assert_int_eq(tk_ik_static_init(&w->i, k), 0);
	randombytes_buf(k, sizeof(k));
	ck_assert_int_eq(tk_ik_static_init(&w->r, k), 0);
	ck_assert_int_eq(tk_tai64n(w->t, 1e9), 0);
}

static void initiate(struct two *w, const uint8_t *cookie)
{
	ck_assert_int_eq(tk_ik_initiate(&w->hi, &w->i, w->r.pub, NULL, 0x01020304, TK_CIPHER_ALL,
	                         w->t, cookie, w->init),
	        0);
}

START_TEST(macs_as_specified)
{
	/* mac1 = BLAKE2b-128 keyed by BLAKE2b-256("mac1----" || responder's public key) over
	 * the bytes before it; mac2 = BLAKE2b-128 keyed by the cookie over the bytes before it */
	uint8_t label[40], key[32], mac[16], cookie[TK_COOKIE_LEN], zero[16] = {0};
	struct two w;

	two_init(&w);
	initiate(&w, NULL);
	memcpy(label, "mac1----", 8);
	memcpy(label + 8, w.r.pub, 32);
	crypto_generichash(key, sizeof(key), label, sizeof(label), NULL, 0);
	crypto_generichash(mac, sizeof(mac), w.init, 124, key, sizeof(key));
	ck_assert_mem_eq(w.init + 124, mac, 16);
	ck_assert_mem_eq(w.init + 140, zero, 16);
	ck_assert_mem_eq(w.hi.mac1, mac, 16);
	randombytes_buf(cookie, sizeof(cookie));
	initiate(&w, cookie);
	crypto_generichash(mac, sizeof(mac), w.init, 140, cookie, sizeof(cookie));
	ck_assert_mem_eq(w.init + 140, mac, 16);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), cookie), 0);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), NULL), 0);
	/* the clear header: type 4, reserved zero, the sender index little-endian */
	ck_assert_uint_eq(w.init[0], 4);
	ck_assert_uint_eq(w.init[1] | w.init[2] | w.init[3], 0);
	ck_assert_uint_eq(w.init[4], 0x04);
	ck_assert_uint_eq(w.init[7], 0x01);
}
END_TEST

START_TEST(cookie_round_trip)
{
	static const char *const sources[] = {"192.0.2.7", "2001:db8::7"};
	uint8_t secret[TK_COOKIE_SECRET_LEN], cookie[TK_COOKIE_LEN], got[TK_COOKIE_LEN];
	uint8_t nonce[TK_COOKIE_NONCE_LEN], reply[TK_FRAME_COOKIE_LEN], again[TK_FRAME_COOKIE_LEN];
	struct sockaddr_storage from;
	struct two w;

	two_init(&w);
	randombytes_buf(secret, sizeof(secret));
	randombytes_buf(nonce, sizeof(nonce));
	for (size_t k = 0; k < 2; k++) {
		from = addr(sources[k], 51820);
		initiate(&w, NULL);
		/* the busy responder: mac1 is right, but mac2 does not carry the cookie */
		ck_assert_int_eq(tk_cookie_make(cookie, secret, &from), 0);
		ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), cookie), -EAGAIN);
		ck_assert_int_eq(tk_cookie_reply(reply, &w.r, 0x01020304,
		                         w.init + TK_FRAME_IK_INIT_MAC1, cookie, nonce),
		        0);
		/* the caller's nonce makes it deterministic */
		ck_assert_int_eq(tk_cookie_reply(again, &w.r, 0x01020304,
		                         w.init + TK_FRAME_IK_INIT_MAC1, cookie, nonce),
		        0);
		ck_assert_mem_eq(reply, again, sizeof(reply));
		ck_assert_mem_eq(reply + 8, nonce, sizeof(nonce));
		ck_assert_uint_eq(reply[0], TK_FRAME_COOKIE);
		ck_assert_uint_eq(reply[4], 0x04);
		/* the initiator opens it and tries again with mac2: accepted */
		ck_assert_int_eq(tk_cookie_open(got, w.r.pub, w.hi.mac1, reply, sizeof(reply)), 0);
		ck_assert_mem_eq(got, cookie, sizeof(cookie));
		initiate(&w, got);
		ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), cookie), 0);
	}
}
END_TEST

START_TEST(cookie_refusals)
{
	uint8_t secret[TK_COOKIE_SECRET_LEN] = {9}, cookie[TK_COOKIE_LEN], c2[TK_COOKIE_LEN];
	uint8_t nonce[TK_COOKIE_NONCE_LEN] = {1}, reply[TK_FRAME_COOKIE_LEN], bad[64], zero[16];
	struct sockaddr_storage a = addr("192.0.2.7", 1000), un;
	struct two w;

	memset(zero, 0, sizeof(zero));
	two_init(&w);
	ck_assert_int_eq(tk_cookie_make(cookie, secret, &a), 0);
	/* a cookie for another source: another port, another address, another family */
	ck_assert_int_eq(tk_cookie_make(c2, secret, (a = addr("192.0.2.7", 1001), &a)), 0);
	ck_assert_mem_ne(c2, cookie, sizeof(c2));
	initiate(&w, cookie);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), c2), -EAGAIN);
	ck_assert_int_eq(tk_cookie_make(c2, secret, (a = addr("192.0.2.8", 1000), &a)), 0);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), c2), -EAGAIN);
	ck_assert_int_eq(tk_cookie_make(c2, secret, (a = addr("::ffff:192.0.2.7", 1000), &a)), 0);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), c2), -EAGAIN);
	/* the same source after the secret changed */
	secret[0] ^= 1;
	ck_assert_int_eq(tk_cookie_make(c2, secret, (a = addr("192.0.2.7", 1000), &a)), 0);
	ck_assert_int_eq(tk_ik_check_macs(&w.r, w.init, sizeof(w.init), c2), -EAGAIN);
	memset(&un, 0, sizeof(un));
	un.ss_family = AF_UNIX;
	ck_assert_int_eq(tk_cookie_make(c2, secret, &un), -EAFNOSUPPORT);
	/* a reply opens only for the initiation it answers, from the responder it names */
	ck_assert_int_eq(tk_cookie_reply(reply, &w.r, 7, w.hi.mac1, cookie, nonce), 0);
	ck_assert_int_eq(tk_cookie_open(c2, w.i.pub, w.hi.mac1, reply, sizeof(reply)), -EBADMSG);
	ck_assert_mem_eq(c2, zero, 16);
	ck_assert_int_eq(tk_cookie_open(c2, w.r.pub, zero, reply, sizeof(reply)), -EBADMSG);
	for (size_t bit = 0; bit < sizeof(reply) * 8; bit++) {
		memcpy(bad, reply, sizeof(reply));
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		/* the receiver index is not covered: the engine found the handshake by it */
		if (bit / 8 >= 4 && bit / 8 < 8)
			continue;
		if (tk_cookie_open(c2, w.r.pub, w.hi.mac1, bad, sizeof(bad)) != -EBADMSG)
			ck_abort_msg("flipped bit %zu accepted", bit);
	}
	ck_assert_int_eq(tk_cookie_open(c2, w.r.pub, w.hi.mac1, reply, 63), -EBADMSG);
	ck_assert_int_eq(tk_cookie_open(c2, w.r.pub, w.hi.mac1, w.init, sizeof(w.init)), -EBADMSG);
	ck_assert_int_eq(tk_cookie_open(c2, w.r.pub, w.hi.mac1, reply, sizeof(reply)), 0);
	/* the amplification rule */
	ck_assert_uint_lt(sizeof(reply), sizeof(w.init));
	ck_assert_uint_lt(TK_FRAME_IK_RESP_LEN, sizeof(w.init));
}
END_TEST

START_TEST(cookie_age)
{
	const uint64_t s = TK_NSEC, t0 = 1000 * TK_NSEC;

	ck_assert(tk_cookie_usable(t0, t0));
	ck_assert(tk_cookie_usable(t0, t0 + 115 * s - 1));
	ck_assert(!tk_cookie_usable(t0, t0 + 115 * s));
	ck_assert(!tk_cookie_usable(t0, t0 + 1000 * s));
	ck_assert(tk_cookie_usable(t0, t0 - s));
}
END_TEST

START_TEST(tai64n_encoding)
{
	static const struct {
		double t;
		const char *hex;
	} cases[] = {
	        {0, "400000000000000000000000"},
	        {1.5, "40000000000000011dcd6500"},
	        {1700000000.25, "400000006553f1000ee6b280"},
	        {-1.25, "3ffffffffffffffe2cb41780"},
	        /* as a double this is 2^32 + 1: the nanoseconds round up into the seconds */
	        {4294967296.9999999999, "400000010000000100000000"},
	};
	uint8_t out[TK_IK_TAI64N_LEN], want[TK_IK_TAI64N_LEN];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		unhex(want, sizeof(want), cases[k].hex);
		ck_assert_int_eq(tk_tai64n(out, cases[k].t), 0);
		ck_assert_mem_eq(out, want, sizeof(want));
	}
	ck_assert_int_eq(tk_tai64n(out, NAN), -ERANGE);
	ck_assert_int_eq(tk_tai64n(out, INFINITY), -ERANGE);
	ck_assert_int_eq(tk_tai64n(out, -INFINITY), -ERANGE);
	ck_assert_int_eq(tk_tai64n(out, 0x1p62), -ERANGE);
	ck_assert_int_eq(tk_tai64n(out, 0x1p61), 0);
}
END_TEST

START_TEST(tai64n_order)
{
	/* later times compare greater, across second boundaries and the sign */
	static const double times[] = {-1e9, -1.5, -1, -0.25, 0, 1e-6, 0.5, 0.999999, 1, 1700000000,
	        1700000000.001, 1700000000.5, 1700000001, 4e9, 1e12};
	uint8_t a[TK_IK_TAI64N_LEN], b[TK_IK_TAI64N_LEN];
	const size_t n = sizeof(times) / sizeof(times[0]);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			ck_assert_int_eq(tk_tai64n(a, times[i]), 0);
			ck_assert_int_eq(tk_tai64n(b, times[j]), 0);
			ck_assert_int_eq(tk_tai64n_cmp(a, b), (i > j) - (i < j));
		}
	}
}
END_TEST

static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

Suite *suite_cookie(void)
{
	Suite *s = suite_create("cookie");
	TCase *tc = tcase_create("cookie");

	tcase_add_test(tc, macs_as_specified);
	tcase_add_test(tc, cookie_round_trip);
	tcase_add_test(tc, cookie_refusals);
	tcase_add_test(tc, cookie_age);
	tcase_add_test(tc, tai64n_encoding);
	tcase_add_test(tc, tai64n_order);
	tcase_add_checked_fixture(tc, setup_sodium, NULL);
	suite_add_tcase(s, tc);
	return s;
}
