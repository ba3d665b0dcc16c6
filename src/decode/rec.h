/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A decoded packet as a small tree in one fixed array: objects (members in
 * the order they were set), arrays, integers, strings and booleans, the
 * shapes the decoder's JSON has.  Building it costs no malloc, so the text
 * of a packet is rendered from it directly; -j converts it to json_t
 * (tk_rec_json), member for member.  Nodes are indexes; -1 is none, and
 * every function takes -1 and does nothing (what an exhausted tree gives).
 */
#ifndef TK_DEC_REC_H
#define TK_DEC_REC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* More than the most a packet takes (8 VLAN tags, 8 IPv6 extension
 * headers and every other layer: about 130). */
#define TK_REC_MAX 256
#define TK_REC_STR 48 /* the longest string: an IPv6 address, 46 */

enum tk_rec_type { TK_REC_OBJ, TK_REC_ARR, TK_REC_INT, TK_REC_STR_T, TK_REC_BOOL };

struct tk_rec_node {
	const char *key; /* a member's name (a string literal), else NULL */
	int16_t next, first, last; /* siblings; an object's or array's children */
	uint8_t type;
	long long i; /* TK_REC_INT, TK_REC_BOOL */
	char s[TK_REC_STR];
};

struct tk_rec {
	int n;
	struct tk_rec_node node[TK_REC_MAX];
};

/* Empties r; the next node made is 0. */
static inline void tk_rec_reset(struct tk_rec *r)
{
	r->n = 0;
}

/* New nodes, attached to nothing yet. */
int tk_rec_obj(struct tk_rec *r);
int tk_rec_arr(struct tk_rec *r);
int tk_rec_int(struct tk_rec *r, long long v);
int tk_rec_str(struct tk_rec *r, const char *s); /* cut at TK_REC_STR - 1 */
int tk_rec_bool(struct tk_rec *r, bool v);

/* obj's member key becomes val (in the old one's place if key was set),
 * as json_object_set_new; key must outlive r. */
void tk_rec_set(struct tk_rec *r, int obj, const char *key, int val);
/* val at the end of arr. */
void tk_rec_append(struct tk_rec *r, int arr, int val);

static inline void tk_rec_set_int(struct tk_rec *r, int obj, const char *key, long long v)
{
	tk_rec_set(r, obj, key, tk_rec_int(r, v));
}

static inline void tk_rec_set_str(struct tk_rec *r, int obj, const char *key, const char *s)
{
	tk_rec_set(r, obj, key, tk_rec_str(r, s));
}

static inline void tk_rec_set_bool(struct tk_rec *r, int obj, const char *key, bool v)
{
	tk_rec_set(r, obj, key, tk_rec_bool(r, v));
}

/* obj's member key, or -1. */
int tk_rec_get(const struct tk_rec *r, int obj, const char *key);

/* The tree under node as a new json_t (NULL without memory). */
json_t *tk_rec_json(const struct tk_rec *r, int node);

#endif
