/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Session indexes to peers (itab.h).  The indexes are random, so their bits are the hash;
 * a multiplication spreads the lane bits, which are the same for a whole worker.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/itab.h"

static size_t home(const struct tk_itab *t, uint32_t index)
{
	return (size_t)((index * UINT32_C(2654435761)) & (uint32_t)(t->cap - 1));
}

static size_t find(const struct tk_itab *t, uint32_t index)
{
	size_t i = home(t, index);

	while (t->slot[i].index && t->slot[i].index != index)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int grow(struct tk_itab *t)
{
	struct tk_itab old = *t;
	size_t cap = t->cap ? t->cap * 2 : 16;

	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot) {
		*t = old;
		return -ENOMEM;
	}
	t->cap = cap;
	t->n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.slot[i].index)
			continue;
		t->slot[find(t, old.slot[i].index)] = old.slot[i];
		t->n++;
	}
	free(old.slot);
	return 0;
}

int tk_itab_add(struct tk_itab *t, uint32_t index, void *owner)
{
	size_t i;

	if (!index)
		return -EINVAL;
	if ((t->n + 1) * 2 > t->cap && grow(t))
		return -ENOMEM;
	i = find(t, index);
	if (t->slot[i].index)
		return t->slot[i].owner == owner ? 0 : -EEXIST;
	t->slot[i].index = index;
	t->slot[i].owner = owner;
	t->n++;
	return 0;
}

void tk_itab_del(struct tk_itab *t, uint32_t index, const void *owner)
{
	size_t i, j, k;

	if (!t->cap || !index)
		return;
	i = find(t, index);
	if (!t->slot[i].index || t->slot[i].owner != owner)
		return;
	/* backward shift: pull later entries of the run into the hole when their home allows */
	for (j = i;;) {
		t->slot[i].index = 0;
		t->slot[i].owner = NULL;
		for (;;) {
			j = (j + 1) & (t->cap - 1);
			if (!t->slot[j].index) {
				t->n--;
				return;
			}
			k = home(t, t->slot[j].index);
			/* the entry at j may move to i unless its home lies cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->slot[i] = t->slot[j];
		i = j;
	}
}

void *tk_itab_get(const struct tk_itab *t, uint32_t index)
{
	size_t i;

	if (!t->cap || !index)
		return NULL;
	i = find(t, index);
	return t->slot[i].index ? t->slot[i].owner : NULL;
}

void tk_itab_free(struct tk_itab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->n = 0;
}
