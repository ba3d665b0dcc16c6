/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replay window.  Bit c % 8192 of the ring stands for counter c; when the highest
 * counter moves forward, the words it passes over are cleared, so a bit is never trusted
 * for a counter more than TK_REPLAY_WINDOW behind the top.
 */
#include <errno.h>
#include <string.h>

#include "replay.h"

void tk_replay_init(struct tk_replay *w, uint64_t limit)
{
	memset(w, 0, sizeof(*w));
	w->limit = limit;
}

static bool test_bit(const struct tk_replay *w, uint64_t c)
{
	return w->bits[(c / 64) % TK_REPLAY_WORDS] >> (c % 64) & 1;
}

int tk_replay_check(const struct tk_replay *w, uint64_t counter)
{
	if (counter >= w->limit)
		return -EKEYEXPIRED;
	if (counter >= w->top)
		return 0;
	/* top - 1 is the highest counter seen */
	if (w->top - 1 - counter > TK_REPLAY_WINDOW)
		return -ESTALE;
	return test_bit(w, counter) ? -EALREADY : 0;
}

int tk_replay_update(struct tk_replay *w, uint64_t counter)
{
	int r = tk_replay_check(w, counter);

	if (r < 0)
		return r;
	if (counter >= w->top) {
		/* clear the words after the top's word, up to the new counter's word */
		uint64_t cur = (w->top - 1) / 64, next = counter / 64;

		if (!w->top || next - cur >= TK_REPLAY_WORDS)
			memset(w->bits, 0, sizeof(w->bits));
		else
			for (uint64_t i = cur + 1; i <= next; i++)
				w->bits[i % TK_REPLAY_WORDS] = 0;
		w->top = counter + 1;
	}
	w->bits[(counter / 64) % TK_REPLAY_WORDS] |= UINT64_C(1) << (counter % 64);
	return 0;
}
