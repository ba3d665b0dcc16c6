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

static void on_signal(int sig)
{
	interrupted = 1;
}

static void set(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void tk_sig_catch(void)
{
	interrupted = 0;
	set(on_signal);
}

void tk_sig_release(void)
{
	set(SIG_DFL);
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
