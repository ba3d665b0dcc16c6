/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Check suites of the unit test runner; each test-*.c exports one.
 */
#ifndef TK_SUITES_H
#define TK_SUITES_H

#include <check.h>

Suite *suite_capture(void);
Suite *suite_cmd(void);
Suite *suite_cookie(void);
Suite *suite_decode(void);
Suite *suite_engine(void);
Suite *suite_err(void);
Suite *suite_ik(void);
Suite *suite_noise(void);
Suite *suite_offload(void);
Suite *suite_opt(void);
Suite *suite_out(void);
Suite *suite_peer(void);
Suite *suite_state(void);
Suite *suite_tables(void);
Suite *suite_stats(void);
Suite *suite_reply(void);
Suite *suite_words(void);

#endif
