/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tunnel's peers as configured (version 2, keys of their own): each peer's public key,
 * optional pre-shared key, name, endpoint and allowed addresses.  A set is built whole and
 * never changed after: adding, removing or changing a peer (SIGHUP, the control socket)
 * builds a new set, and each worker moves its peers' sessions over to it by public key, so
 * a peer that did not change keeps its sessions.  Sets are shared by the workers and
 * counted (tk_peer_set_ref/unref, atomic).  Pure code: no I/O, never prints.
 */
#ifndef TK_ENGINE_PEERS_H
#define TK_ENGINE_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/allowedips.h"
#include "engine/crypto.h"

#define TK_PEER_NAME_MAX 32
#define TK_PEERS_MAX 65536

struct tk_peer_conf {
	uint8_t pub[TK_KEY_LEN];
	uint8_t psk[TK_KEY_LEN];
	bool has_psk;
	char name[TK_PEER_NAME_MAX]; /* "" when none */
	struct sockaddr_storage endpoint; /* where to reach it first, when endpoint_len */
	socklen_t endpoint_len;
	struct tk_aip *allowed;	/* its prefixes (owner unused here); owned */
	size_t nallowed;
};

struct tk_peer_set {
	int refs;
	struct tk_peer_conf *v; /* sorted by public key */
	size_t n;
	struct tk_aips aips;	/* every peer's prefixes; owner = the peer's place in v */
};

/*
 * A set from n peers (v is taken over, whatever the result: freed on failure).  Returns 0
 * and *out (one reference); -EEXIST when two peers have one key (*at: the second's place
 * in v as given) or one prefix (*at: the second peer's); -EINVAL, -ENOMEM.
 */
int tk_peer_set_new(struct tk_peer_set **out, struct tk_peer_conf *v, size_t n, size_t *at);
struct tk_peer_set *tk_peer_set_ref(struct tk_peer_set *s);
void tk_peer_set_unref(struct tk_peer_set *s);
/* The place of the peer with public key pub in s, or -1. */
long tk_peer_set_find(const struct tk_peer_set *s, const uint8_t pub[TK_KEY_LEN]);
/* A peer by its name or its public key in base64 (44 characters), or -1. */
long tk_peer_set_lookup(const struct tk_peer_set *s, const char *name_or_key);
/* Whether two configurations of one peer are the same (key, psk, endpoint, prefixes). */
bool tk_peer_conf_same(const struct tk_peer_conf *a, const struct tk_peer_conf *b);
/* A deep copy of c into out (its prefixes newly allocated); 0 or -ENOMEM. */
int tk_peer_conf_copy(struct tk_peer_conf *out, const struct tk_peer_conf *c);
/* Frees what c owns, wipes its keys. */
void tk_peer_conf_free(struct tk_peer_conf *c);

#endif
