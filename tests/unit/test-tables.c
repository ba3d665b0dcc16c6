/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's tables: allowed addresses (engine/allowedips.c: hand-made cases, clashes, and
 * the longest-prefix match against a plain reference that scans every prefix, on random
 * tables) and session indexes (engine/itab.c, against a plain array).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/allowedips.h"
#include "engine/itab.h"
#include "suites.h"

static struct tk_aip pfx(const char *s, unsigned plen, uint32_t owner)
{
	struct tk_aip a = { .plen = plen, .owner = owner };

	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(a.family, s, a.addr), 1);
	return a;
}

static int look(const struct tk_aips *t, const char *s, uint32_t *owner)
{
	uint8_t a[16];
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	ck_assert_int_eq(inet_pton(fam, s, a), 1);
	return tk_aips_lookup(t, fam, a, owner);
}

START_TEST(aips_longest)
{
	struct tk_aip l[] = {
		pfx("192.0.2.0", 24, 1),   pfx("192.0.2.7", 32, 2), pfx("0.0.0.0", 0, 3),
		pfx("192.0.2.99", 25, 4), pfx("2001:db8::", 32, 5), pfx("2001:db8:1::1", 128, 6),
		pfx("192.0.2.7", 32, 2), /* again, same owner: kept once */
	};
	struct tk_aips t;
	uint32_t o;

	ck_assert_int_eq(tk_aips_build(&t, l, 7, NULL), 0);
	ck_assert_int_eq(t.n4, 4);
	ck_assert_int_eq(look(&t, "192.0.2.7", &o), 0);
	ck_assert_uint_eq(o, 2);
	ck_assert_int_eq(look(&t, "192.0.2.8", &o), 0);
	ck_assert_uint_eq(o, 4); /* 192.0.2.0/25 (host bits of .99 ignored) */
	ck_assert_int_eq(look(&t, "192.0.2.200", &o), 0);
	ck_assert_uint_eq(o, 1);
	ck_assert_int_eq(look(&t, "198.51.100.1", &o), 0);
	ck_assert_uint_eq(o, 3); /* the default */
	ck_assert_int_eq(look(&t, "2001:db8:1::1", &o), 0);
	ck_assert_uint_eq(o, 6);
	ck_assert_int_eq(look(&t, "2001:db8:1::2", &o), 0);
	ck_assert_uint_eq(o, 5);
	ck_assert_int_eq(look(&t, "2001:db9::1", &o), -ENOENT);
	tk_aips_free(&t);
}
END_TEST

START_TEST(aips_clash)
{
	struct tk_aip l[] = { pfx("192.0.2.0", 24, 1), pfx("198.51.100.0", 24, 2),
			      pfx("192.0.2.255", 24, 3) };
	struct tk_aip bad[] = { pfx("192.0.2.0", 24, 1), pfx("192.0.2.0", 33, 1) };
	struct tk_aips t;
	size_t at = 99;

	ck_assert_int_eq(tk_aips_build(&t, l, 3, &at), -EEXIST);
	ck_assert_uint_eq(at, 2);
	ck_assert_ptr_null(t.v4);
	ck_assert_int_eq(tk_aips_build(&t, bad, 2, &at), -EINVAL);
	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(tk_aips_build(&t, NULL, 0, NULL), 0); /* empty: nothing matches */
	ck_assert_int_eq(look(&t, "192.0.2.1", &(uint32_t){ 0 }), -ENOENT);
	tk_aips_free(&t);
}
END_TEST

/* The longest of list's prefixes holding a (bits compared one by one), or -1. */
static long reference(const struct tk_aip *list, size_t n, int fam, const uint8_t *a)
{
	long best = -1;
	int best_len = -1;

	for (size_t i = 0; i < n; i++) {
		unsigned b;

		if (list[i].family != fam)
			continue;
		for (b = 0; b < list[i].plen; b++)
			if (((a[b / 8] ^ list[i].addr[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == list[i].plen && (int)list[i].plen > best_len) {
			best_len = (int)list[i].plen;
			best = list[i].owner;
		}
	}
	return best;
}

START_TEST(aips_random)
{
	unsigned seed = 7;

	for (int round = 0; round < 200; round++) {
		struct tk_aip l[64];
		size_t n = (size_t)(rand_r(&seed) % 64);
		struct tk_aips t;
		int fam = round % 2 ? AF_INET6 : AF_INET;
		unsigned bits = fam == AF_INET ? 32 : 128;

		/* prefixes in a small space (first bytes alike) so they nest and overlap; one
		 * owner per prefix length and value, so no two owners share a prefix */
		for (size_t i = 0; i < n; i++) {
			l[i].family = fam;
			for (int b = 0; b < 16; b++)
				l[i].addr[b] = b < 2 ? 0x20 : (uint8_t)(rand_r(&seed) % 4);
			l[i].plen = (unsigned)rand_r(&seed) % (bits + 1);
			for (unsigned b = l[i].plen; b < 128; b++)
				l[i].addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
			l[i].owner = l[i].plen * 1000 + l[i].addr[2] * 64 + l[i].addr[3] * 16 +
				     l[i].addr[4] * 4 + l[i].addr[5];
		}
		ck_assert_int_eq(tk_aips_build(&t, l, n, NULL), 0);
		for (int k = 0; k < 500; k++) {
			uint8_t a[16];
			uint32_t o;
			long want;

			for (int b = 0; b < 16; b++)
				a[b] = b < 2 ? 0x20 : (uint8_t)(rand_r(&seed) % 4);
			want = reference(l, n, fam, a);
			if (want < 0) {
				ck_assert_int_eq(tk_aips_lookup(&t, fam, a, &o), -ENOENT);
			} else {
				ck_assert_int_eq(tk_aips_lookup(&t, fam, a, &o), 0);
				ck_assert_uint_eq(o, (uint32_t)want);
				ck_assert(tk_aips_allows(&t, o, fam, a));
			}
		}
		tk_aips_free(&t);
	}
}
END_TEST

START_TEST(aips_packet)
{
	uint8_t v4[20] = { 0x45 }, v6[40] = { 0x60 }, bad[20] = { 0x55 };
	const uint8_t *s, *d;
	int fam;

	ck_assert_int_eq(tk_aips_packet(v4, sizeof(v4), &fam, &s, &d), 0);
	ck_assert_int_eq(fam, AF_INET);
	ck_assert_ptr_eq(s, v4 + 12);
	ck_assert_ptr_eq(d, v4 + 16);
	ck_assert_int_eq(tk_aips_packet(v6, sizeof(v6), &fam, &s, &d), 0);
	ck_assert_int_eq(fam, AF_INET6);
	ck_assert_ptr_eq(d, v6 + 24);
	ck_assert_int_eq(tk_aips_packet(v6, 39, &fam, &s, &d), -EINVAL);
	ck_assert_int_eq(tk_aips_packet(bad, sizeof(bad), &fam, &s, &d), -EINVAL);
}
END_TEST

/* Random adds and deletes, many colliding homes, against an array of (index, owner). */
START_TEST(itab_random)
{
	static uint32_t idx[4096];
	static void *own[4096];
	struct tk_itab t = { 0 };
	unsigned seed = 11;
	size_t n = 0;

	for (int op = 0; op < 100000; op++) {
		unsigned r = (unsigned)rand_r(&seed);
		uint32_t k = ((unsigned)rand_r(&seed) % 3000 + 1) << 4 | 3; /* one lane */

		if (r % 3 && n < 4096) {
			void *o = (void *)(uintptr_t)(r % 7 + 1);
			size_t i;
			int e;

			for (i = 0; i < n && idx[i] != k; i++)
				;
			e = tk_itab_add(&t, k, o);
			if (i < n) {
				ck_assert_int_eq(e, own[i] == o ? 0 : -EEXIST);
			} else {
				ck_assert_int_eq(e, 0);
				idx[n] = k;
				own[n++] = o;
			}
		} else if (n) {
			size_t i = r % n;

			tk_itab_del(&t, idx[i], (void *)1); /* a wrong owner changes nothing */
			if (own[i] != (void *)1) {
				ck_assert_ptr_eq(tk_itab_get(&t, idx[i]), own[i]);
				tk_itab_del(&t, idx[i], own[i]);
			}
			ck_assert_ptr_null(tk_itab_get(&t, idx[i]));
			idx[i] = idx[--n];
			own[i] = own[n];
		}
		if (op % 1000 == 0)
			for (size_t i = 0; i < n; i++)
				ck_assert_ptr_eq(tk_itab_get(&t, idx[i]), own[i]);
		ck_assert_uint_eq(t.n, n);
	}
	ck_assert_int_eq(tk_itab_add(&t, 0, own), -EINVAL);
	tk_itab_free(&t);
}
END_TEST

Suite *suite_tables(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("allowedips");
	TCase *it = tcase_create("itab");

	tcase_add_test(tc, aips_longest);
	tcase_add_test(tc, aips_clash);
	tcase_add_test(tc, aips_random);
	tcase_add_test(tc, aips_packet);
	tcase_add_test(it, itab_random);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, it);
	return s;
}
