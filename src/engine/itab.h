/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A worker's session indexes: which peer owns each local index, so a frame's receiver index
 * finds its peer in one lookup however many peers the tunnel has.  Indexes are random (the
 * low bits carry the worker's lane), never 0.  Open addressing with linear probing and
 * backward-shift deletion; the table doubles when half full.  One worker's, unlocked.  Pure
 * code: no I/O, never prints.
 */
#ifndef TK_ENGINE_ITAB_H
#define TK_ENGINE_ITAB_H

#include <stddef.h>
#include <stdint.h>

struct tk_itab_slot {
	uint32_t index; /* 0: free */
	void *owner;
};

struct tk_itab {
	struct tk_itab_slot *slot;
	size_t cap; /* a power of two, or 0 before the first add */
	size_t n;
};

/* Owner of index: 0, -EEXIST when another owner has it (the same owner again is 0), -EINVAL
 * for index 0, -ENOMEM. */
int tk_itab_add(struct tk_itab *t, uint32_t index, void *owner);
/* Forgets index (if owner has it). */
void tk_itab_del(struct tk_itab *t, uint32_t index, const void *owner);
/* The owner of index, or NULL. */
void *tk_itab_get(const struct tk_itab *t, uint32_t index);
void tk_itab_free(struct tk_itab *t);

#endif
