/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs every unit suite and reports as TAP (the test driver counts each
 * test); a process per test, with Check's timeout, so a crash or a hang is a failure.
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = { suite_capture, suite_cmd,   suite_cookie, suite_decode,
					   suite_engine,  suite_err,   suite_ik,     suite_noise,
					   suite_offload, suite_opt,   suite_out,    suite_peer,
					   suite_reply,	  suite_state, suite_stats,  suite_tables,
					   suite_words };
	SRunner *sr;
	int failed;

	/* Check's 4 s a test is short for the randomised tables under ASan on a loaded
	 * machine: two minutes (read as each test case is made), unless the caller says */
	setenv("CK_DEFAULT_TIMEOUT", "120", 0);
	sr = srunner_create(NULL);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
