/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receive side's sliding replay window, a bitmap as in WireGuard (RFC 6479's scheme):
 * 8192 bits in a ring of 64-bit words, of which TK_REPLAY_WINDOW counters behind the
 * highest one seen stay checkable.  A counter is accepted once, if it is below the limit and
 * not older than the window.  Check before decrypting, update only after the packet
 * authenticated.  No allocation, no printing; the struct is the caller's.
 */
#ifndef TK_REPLAY_H
#define TK_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define TK_REPLAY_BITS  8192
#define TK_REPLAY_WORDS (TK_REPLAY_BITS / 64)
/* how far behind the highest counter a packet may still arrive (8128) */
#define TK_REPLAY_WINDOW (TK_REPLAY_BITS - 64)

struct tk_replay {
	uint64_t top;   /* highest accepted counter + 1; 0 while none was accepted */
	uint64_t limit; /* counters >= limit are refused */
	uint64_t bits[TK_REPLAY_WORDS];
};

/* Empty window that refuses counters >= limit. */
void tk_replay_init(struct tk_replay *w, uint64_t limit);

/*
 * Whether counter would be accepted, without changing anything.  Returns 0, -ESTALE if it
 * is older than the window, -EALREADY if it was seen, -EKEYEXPIRED if it is >= the limit.
 */
int tk_replay_check(const struct tk_replay *w, uint64_t counter);

/*
 * Check and record counter (call after the packet authenticated).  Returns 0 if it was new
 * and is now recorded, else the error of tk_replay_check() and w is unchanged.
 */
int tk_replay_update(struct tk_replay *w, uint64_t counter);

#endif
