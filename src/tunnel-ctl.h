/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a running tunnel's control socket lives, and the client side of it:
 * show, stats and doctor ask a device's tunnel for its state.
 */
#ifndef TK_TUNNEL_CTL_H
#define TK_TUNNEL_CTL_H

#include <jansson.h>
#include <stddef.h>

#define TK_CTL_DIR "/run/tunkit"

/*
 * The socket path of dev's tunnel in the calling thread's network namespace:
 * /run/tunkit/DEV.sock in the initial one, else /run/tunkit/NS/DEV.sock with
 * NS the name `ip netns` gave it (or net-INODE).  With mkdirs, makes the
 * directories.  Returns 0, or -ENAMETOOLONG.
 */
int tk_tunnel_ctl_path(char *buf, size_t size, const char *dev, int mkdirs);

/* How long a client waits for the tunnel's answer: a loaded machine may take seconds. */
#define TK_CTL_WAIT_MS 10000

/* The state of dev's running tunnel (a new object), or NULL when no tunnel
 * answers within TK_CTL_WAIT_MS. */
json_t *tk_tunnel_query(const char *dev);

/* The answer of dev's running tunnel to the request req (NULL: the state), a new object, or
 * NULL when no tunnel answers within TK_CTL_WAIT_MS. */
json_t *tk_tunnel_ask(const char *dev, const json_t *req);

/* The same, saying why not: 0 with *ans a new object, or -errno: -ENOENT (no socket),
 * -ECONNREFUSED (a socket left by a killed tunnel), -ETIMEDOUT (no answer in time), -EPROTO
 * (closed without an answer), others from the system. */
int tk_tunnel_call(const char *dev, const json_t *req, json_t **ans);

/* A call's error in words, for "DEV: ...". */
const char *tk_tunnel_call_strerror(int err);

/* Every running tunnel of this network namespace: an object ifname -> state
 * (never NULL; empty when none runs). */
json_t *tk_tunnel_query_all(void);

#endif
