/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoded packet's tree (rec.h).
 */
#include <string.h>

#include "rec.h"

static int node(struct tk_rec *r, enum tk_rec_type type)
{
	struct tk_rec_node *n;

	if (r->n >= TK_REC_MAX)
		return -1;
	n = &r->node[r->n];
	n->key = NULL;
	n->next = n->first = n->last = -1;
	n->type = (uint8_t)type;
	n->i = 0;
	n->s[0] = '\0';
	return r->n++;
}

int tk_rec_obj(struct tk_rec *r)
{
	return node(r, TK_REC_OBJ);
}

int tk_rec_arr(struct tk_rec *r)
{
	return node(r, TK_REC_ARR);
}

int tk_rec_int(struct tk_rec *r, long long v)
{
	int k = node(r, TK_REC_INT);

	if (k >= 0)
		r->node[k].i = v;
	return k;
}

int tk_rec_str(struct tk_rec *r, const char *s)
{
	int k = node(r, TK_REC_STR_T);

	if (k >= 0) {
		size_t n = strnlen(s, TK_REC_STR - 1);

		memcpy(r->node[k].s, s, n);
		r->node[k].s[n] = '\0';
	}
	return k;
}

int tk_rec_bool(struct tk_rec *r, bool v)
{
	int k = node(r, TK_REC_BOOL);

	if (k >= 0)
		r->node[k].i = v;
	return k;
}

void tk_rec_append(struct tk_rec *r, int arr, int val)
{
	struct tk_rec_node *a;

	if (arr < 0 || val < 0)
		return;
	a = &r->node[arr];
	if (a->last >= 0)
		r->node[a->last].next = (int16_t)val;
	else
		a->first = (int16_t)val;
	a->last = (int16_t)val;
}

void tk_rec_set(struct tk_rec *r, int obj, const char *key, int val)
{
	struct tk_rec_node *o;
	int prev = -1;

	if (obj < 0 || val < 0)
		return;
	o = &r->node[obj];
	r->node[val].key = key;
	for (int k = o->first; k >= 0; prev = k, k = r->node[k].next) {
		if (strcmp(r->node[k].key, key))
			continue;
		r->node[val].next = r->node[k].next;
		if (prev >= 0)
			r->node[prev].next = (int16_t)val;
		else
			o->first = (int16_t)val;
		if (o->last == k)
			o->last = (int16_t)val;
		return;
	}
	tk_rec_append(r, obj, val);
}

int tk_rec_get(const struct tk_rec *r, int obj, const char *key)
{
	if (obj < 0 || r->node[obj].type != TK_REC_OBJ)
		return -1;
	for (int k = r->node[obj].first; k >= 0; k = r->node[k].next)
		if (!strcmp(r->node[k].key, key))
			return k;
	return -1;
}

json_t *tk_rec_json(const struct tk_rec *r, int k)
{
	const struct tk_rec_node *n;
	json_t *j;

	if (k < 0)
		return NULL;
	n = &r->node[k];
	switch (n->type) {
	case TK_REC_INT: return json_integer(n->i);
	case TK_REC_STR_T: return json_string(n->s);
	case TK_REC_BOOL: return json_boolean(n->i);
	case TK_REC_ARR:
		j = json_array();
		for (int c = n->first; j && c >= 0; c = r->node[c].next)
			if (json_array_append_new(j, tk_rec_json(r, c))) {
				json_decref(j);
				return NULL;
			}
		return j;
	default:
		j = json_object();
		for (int c = n->first; j && c >= 0; c = r->node[c].next)
			if (json_object_set_new(j, r->node[c].key, tk_rec_json(r, c))) {
				json_decref(j);
				return NULL;
			}
		return j;
	}
}
