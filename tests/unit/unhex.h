/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hex strings of published test vectors into bytes, for the unit suites that replay them.
 */
#ifndef TK_TEST_UNHEX_H
#define TK_TEST_UNHEX_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decode hex into out (cap bytes; the test fails if it does not fit); returns the length. */
static inline size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex) / 2;

	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

#endif
