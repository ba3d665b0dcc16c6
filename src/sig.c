/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A flag set by SIGINT/SIGTERM, checked by loops between blocking calls.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "sig.h"

static volatile sig_atomic_t interrupted;
static struct sigaction saved_int, saved_term; /* the shell's, restored after */

static void on_signal(int sig)
{
	interrupted = 1;
}

void tk_sig_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
}

void tk_sig_release(void)
{
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
}

bool tk_sig_interrupted(void)
{
	return interrupted != 0;
}

bool tk_sig_sleep(double seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds,
			       .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (!interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !interrupted;
}
