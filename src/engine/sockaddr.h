/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Underlay endpoints: parse "[ADDR:]PORT", "HOST:PORT", "[V6]:PORT"; compare;
 * render as "ADDR:PORT" / "[V6]:PORT" text or JSON.  Silent.
 */
#ifndef TK_ENGINE_SOCKADDR_H
#define TK_ENGINE_SOCKADDR_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/socket.h>

/*
 * Resolves s into *out.  With passive, the host part may be missing (any
 * address, IPv6 dual-stack).  Returns 0, -EINVAL (bad syntax or port),
 * -ENOENT (the name does not resolve).
 */
int tk_sockaddr_parse(const char *s, bool passive, struct sockaddr_storage *out,
		      socklen_t *len);
bool tk_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* "ADDR:PORT" into buf (at least 64 bytes); returns buf. */
char *tk_sockaddr_str(const struct sockaddr_storage *a, char *buf, size_t size);
/* A JSON string of tk_sockaddr_str, or null for AF_UNSPEC. */
json_t *tk_sockaddr_json(const struct sockaddr_storage *a);

#endif
