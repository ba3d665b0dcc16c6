/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A running hub's peers changed at runtime (version 2): the control socket's requests
 * (peers, peer_add, peer_remove, peer_set, from `tunkit peer`) and SIGHUP's configuration
 * read again.  Every change builds a new peer set from the running one, hands it to worker 0
 * and through it to the others; a peer whose key and pre-shared key stay keeps its sessions,
 * a removed one loses them at once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cmd-tunnel.h"
#include "engine/workers.h"
#include "err.h"

static json_t *fail(const char *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An error answer: {"error": {"op", "message"}}. */
static json_t *fail(const char *op, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:{s:s,s:s}}", "error", "op", op, "message", msg);
}

/* A copy of the running peers, with room for one more; NULL when out of memory. */
static struct tk_peer_conf *copies(const struct tk_peer_set *s, size_t *n)
{
	struct tk_peer_conf *v = calloc(s->n + 1, sizeof(*v));

	for (size_t i = 0; v && i < s->n; i++) {
		if (tk_peer_conf_copy(&v[i], &s->v[i])) {
			while (i--)
				tk_peer_conf_free(&v[i]);
			free(v);
			return NULL;
		}
	}
	*n = s->n;
	return v;
}

/* The new set takes over: on worker 0 now, on the others when they wake; NULL or error. */
static json_t *take(struct tk_tunnel *t, const char *op, struct tk_peer_conf *v, size_t n)
{
	struct tk_peer_set *set;
	int r = tk_peer_set_new(&set, v, n, NULL);

	if (r == -EEXIST)
		return fail(op, "another peer has that key or one of those addresses");
	if (!r) {
		r = tk_hub_apply(t, set);
		tk_peer_set_unref(set);
	}
	if (r)
		return fail(op, "%s", strerror(-r));
	tk_workers_peers(t);
	return NULL;
}

/* allowed_ips, psk and name of a request into c; NULL or error. */
static json_t *fields(const char *op, const json_t *req, struct tk_peer_conf *c)
{
	const json_t *a = json_object_get(req, "allowed_ips"), *v;
	const char *psk = json_string_value(json_object_get(req, "psk"));
	const char *name = json_string_value(json_object_get(req, "name"));
	struct tk_ctx quiet = { .quiet = true };
	size_t i;

	if (a) {
		free(c->allowed);
		c->allowed = NULL;
		c->nallowed = 0;
		json_array_foreach(a, i, v)
			if (!json_is_string(v) || tk_tunnel_parse_aips(&quiet, json_string_value(v), c))
				return fail(op, "allowed address \"%s\": expected ADDR[/PREFIX]",
					    json_is_string(v) ? json_string_value(v) : "(not a string)");
	}
	if (psk) {
		c->has_psk = *psk != '\0';
		if (c->has_psk && tk_crypto_key_parse(psk, strlen(psk), c->psk))
			return fail(op, "psk: not a key");
		if (!c->has_psk) /* --no-psk: the old key does not linger */
			sodium_memzero(c->psk, sizeof(c->psk));
	}
	if (name) {
		if (strlen(name) >= sizeof(c->name) || strpbrk(name, " \t\"/"))
			return fail(op, "peer name \"%s\": 0 to 31 characters, no blanks, quotes or "
					"slashes", name);
		strcpy(c->name, name);
	}
	return NULL;
}

static json_t *peer_add(struct tk_tunnel *t, const json_t *req)
{
	const char *key = json_string_value(json_object_get(req, "public_key"));
	struct tk_ctx quiet = { .quiet = true };
	struct tk_peer_conf *v, *c;
	uint8_t pub[TK_KEY_LEN];
	size_t n;
	json_t *e;

	v = copies(t->set, &n);
	if (!v)
		return fail("peer_add", "%s", strerror(ENOMEM));
	c = &v[n++];
	if (!key || tk_tunnel_parse_pub(&quiet, "peer", key, c->pub))
		e = fail("peer_add", "public key \"%s\": expected a public key (tunkit pubkey)",
			 key ? key : "");
	else if (tk_peer_set_find(t->set, c->pub) >= 0)
		e = fail("peer_add", "%s: a peer already", key);
	else if (!(e = fields("peer_add", req, c)) && !c->nallowed)
		e = fail("peer_add", "allowed_ips: the listening side routes by them");
	if (e) {
		for (size_t i = 0; i < n; i++)
			tk_peer_conf_free(&v[i]);
		free(v);
		return e;
	}
	/* the set sorts v by key: c no longer points at the new peer after take() */
	memcpy(pub, c->pub, sizeof(pub));
	e = take(t, "peer_add", v, n);
	if (!e)
		tk_tunnel_event(t, "peer_added",
				tk_hub_conf_json(&t->set->v[tk_peer_set_find(t->set, pub)]));
	return e;
}

/* peer_remove and peer_set: the peer named by "peer" (its name or key). */
static json_t *peer_change(struct tk_tunnel *t, const char *op, const json_t *req)
{
	const char *who = json_string_value(json_object_get(req, "peer"));
	long i = who ? tk_peer_set_lookup(t->set, who) : -1;
	struct tk_peer_conf *v, gone;
	size_t n;
	json_t *e;

	if (i < 0)
		return fail(op, "peer \"%s\": no such peer", who ? who : "");
	v = copies(t->set, &n);
	if (!v)
		return fail(op, "%s", strerror(ENOMEM));
	if (!strcmp(op, "peer_remove")) {
		gone = v[i];
		v[i] = v[--n];
		e = take(t, op, v, n);
		if (!e)
			tk_tunnel_event(t, "peer_removed", tk_hub_conf_json(&gone));
		tk_peer_conf_free(&gone);
		return e;
	}
	e = fields(op, req, &v[i]);
	if (!e && !v[i].nallowed)
		e = fail(op, "allowed_ips: the listening side routes by them");
	if (e) {
		for (size_t k = 0; k < n; k++)
			tk_peer_conf_free(&v[k]);
		free(v);
		return e;
	}
	return take(t, op, v, n);
}

json_t *tk_tunnel_request(void *arg, struct tk_tunnel *t, const char *op, const json_t *req)
{
	json_t *e;

	if (strcmp(op, "peers") && strcmp(op, "peer_add") && strcmp(op, "peer_remove") &&
	    strcmp(op, "peer_set"))
		return NULL;
	if (!t->set)
		return fail(op, "this tunnel has one shared key (--key): no peers to manage");
	if (!strcmp(op, "peers")) {
		tk_workers_refresh(t);
		return json_pack("{s:o}", "peers", tk_hub_peers_json(t));
	}
	if (!t->listen)
		return fail(op, "a connecting tunnel has one peer, the one at --connect");
	e = !strcmp(op, "peer_add") ? peer_add(t, req) : peer_change(t, op, req);
	return e ? e : json_pack("{s:b}", "ok", true);
}

/* The keys of set a not in b, as base64 strings. */
static json_t *missing(const struct tk_peer_set *a, const struct tk_peer_set *b)
{
	json_t *out = json_array();
	char b64[TK_KEY_B64_SIZE];

	for (size_t i = 0; a && i < a->n; i++)
		if (tk_peer_set_find(b, a->v[i].pub) < 0) {
			tk_crypto_key_encode(a->v[i].pub, b64);
			json_array_append_new(out, json_string(b64));
		}
	return out;
}

json_t *tk_tunnel_reload_peers(struct tk_ctx *ctx, struct tk_tunnel *t, struct tk_tunnel_cfg *n)
{
	struct tk_peer_set *set, *old;
	json_t *o;

	if (!t->set || !t->listen || tk_tunnel_cfg_peers(ctx, n, NULL, 0, &set))
		return NULL;
	old = tk_peer_set_ref(t->set);
	if (tk_hub_apply(t, set)) {
		tk_peer_set_unref(set);
		tk_peer_set_unref(old);
		return NULL;
	}
	tk_workers_peers(t);
	o = json_pack("{s:o,s:o}", "added", missing(set, old), "removed", missing(old, set));
	tk_peer_set_unref(set);
	tk_peer_set_unref(old);
	return o;
}
