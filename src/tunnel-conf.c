/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options of `tunkit tunnel`, and --config files: "key = value" lines
 * with the long option names as keys ("# comments", blank lines, flags as
 * "persist = yes").  One parser serves both, so they cannot disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-tunnel.h"
#include <netinet/in.h>

#include "engine/workers.h"
#include "err.h"
#include "opt.h"

enum { O_LISTEN, O_CONNECT, O_TRANSPORT, O_MODE, O_DEV, O_PERSIST, O_ADDR, O_PEER, O_ROUTE,
       O_BRIDGE, O_MTU, O_KEEPALIVE, O_KEY, O_CONFIG, O_NAT, O_DRY, O_REKEY, O_REKEY_PKTS,
       O_CIPHER, O_NO_OFFLOAD, O_WORKERS, O_PRIVATE_KEY, O_PEER_KEY, O_ALLOWED, O_PSK, O_NAME };

const struct tk_opt tk_tunnel_opts[] = {
	[O_LISTEN] = { "listen", 'l', TK_ARG_REQ, "[ADDR:]PORT", NULL, "serve on this port" },
	[O_CONNECT] = { "connect", 'c', TK_ARG_REQ, "HOST:PORT", NULL, "connect to a peer" },
	[O_TRANSPORT] = { "transport", 't', TK_ARG_REQ, "PROTO", "udp tcp",
			  "udp (the default) or tcp" },
	[O_MODE] = { "mode", 'm', TK_ARG_REQ, "MODE", "tun tap", "tun (the default) or tap" },
	[O_DEV] = { "dev", 'd', TK_ARG_REQ, "NAME", "@tuntap",
		    "use this device (created when missing)" },
	[O_PERSIST] = { "persist", 0, TK_ARG_NONE, NULL, NULL,
			"keep a device the tunnel created at exit" },
	[O_ADDR] = { "addr", 'a', TK_ARG_REQ, "CIDR", NULL, "address of a new device (repeatable)" },
	[O_PEER] = { "peer-addr", 0, TK_ARG_REQ, "ADDR", NULL, "point-to-point peer address" },
	[O_ROUTE] = { "route", 'r', TK_ARG_REQ, "CIDR", NULL, "route via the device (repeatable)" },
	[O_BRIDGE] = { "bridge", 'b', TK_ARG_REQ, "BRIDGE", "@bridge", "tap: attach to a bridge" },
	[O_MTU] = { "mtu", 0, TK_ARG_REQ, "N", NULL, "device MTU (default: underlay minus overhead)" },
	[O_KEEPALIVE] = { "keepalive", 'k', TK_ARG_REQ, "SEC", NULL, "send keepalives" },
	[O_KEY] = { "key", 'K', TK_ARG_REQ, "FILE", "@file", "the key file (tunkit genkey)" },
	[O_CONFIG] = { "config", 'C', TK_ARG_REQ, "FILE", "@file", "read settings from FILE" },
	[O_NAT] = { "nat", 0, TK_ARG_NONE, NULL, NULL, "forward and masquerade the peer's traffic" },
	[O_DRY] = { "dry-run", 'n', TK_ARG_NONE, NULL, NULL,
		    "print the host commands instead of running the tunnel" },
	[O_REKEY] = { "rekey", 0, TK_ARG_REQ, "SEC", NULL, "new session keys every SEC (120)" },
	[O_REKEY_PKTS] = { "rekey-packets", 0, TK_ARG_REQ, "N", NULL,
			   "new session keys after N packets" },
	[O_CIPHER] = { "cipher", 0, TK_ARG_REQ, "CIPHER", "auto aes-256-gcm chacha20-poly1305",
		       "auto (the default), aes-256-gcm or chacha20-poly1305" },
	[O_NO_OFFLOAD] = { "no-offload", 0, TK_ARG_NONE, NULL, NULL,
			   "one packet per system call: no batches, no UDP GSO/GRO" },
	[O_WORKERS] = { "workers", 'w', TK_ARG_REQ, "N", "auto 1 2 4",
			"UDP: N workers, a device queue each (auto: one per CPU)" },
	[O_PRIVATE_KEY] = { "private-key", 'P', TK_ARG_REQ, "FILE", "@file",
			    "this side's own key (tunkit genkey): peers with keys of their own" },
	[O_PEER_KEY] = { "peer", 0, TK_ARG_REQ, "PUBKEY", NULL,
			 "a peer by its public key (tunkit pubkey); repeatable" },
	[O_ALLOWED] = { "allowed-ips", 0, TK_ARG_REQ, "CIDR,...", NULL,
			"the last --peer's addresses: routed to it, taken from it" },
	[O_PSK] = { "psk", 0, TK_ARG_REQ, "FILE", "@file",
		    "a pre-shared key with the last --peer (tunkit genkey)" },
	[O_NAME] = { "peer-name", 0, TK_ARG_REQ, "NAME", NULL, "a name for the last --peer" },
	{ NULL },
};

static int cidr(struct tk_ctx *ctx, const char *what, const char *arg, struct tk_cidr *c,
		size_t *n, size_t max)
{
	if (*n == max)
		return tk_usage(ctx, "at most %zu %ss", max, what);
	if (tk_parse_cidr(arg, &c[*n]))
		return tk_usage(ctx, "%s \"%s\": expected ADDR[/PREFIX]", what, arg);
	(*n)++;
	return 0;
}

static int num(struct tk_ctx *ctx, const char *what, const char *arg, uint32_t lo, uint32_t hi,
	       unsigned *out)
{
	uint32_t v;

	if (tk_parse_u32(arg, lo, hi, &v))
		return tk_usage(ctx, "%s \"%s\": expected %u to %u", what, arg, lo, hi);
	*out = v;
	return 0;
}

int tk_tunnel_parse_pub(struct tk_ctx *ctx, const char *what, const char *arg,
			uint8_t pub[TK_KEY_LEN])
{
	if (tk_crypto_key_parse(arg, strlen(arg), pub))
		return tk_usage(ctx, "%s \"%s\": expected a public key (tunkit pubkey)", what, arg);
	return 0;
}

int tk_tunnel_parse_aips(struct tk_ctx *ctx, const char *arg, struct tk_peer_conf *c)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int r = 0;

	if (!copy)
		return tk_err(ctx, -ENOMEM, NULL);
	for (tok = strtok_r(copy, ", ", &save); tok && !r; tok = strtok_r(NULL, ", ", &save)) {
		struct tk_cidr x;
		struct tk_aip *a;

		if (tk_parse_cidr(tok, &x)) {
			r = tk_usage(ctx, "allowed address \"%s\": expected ADDR[/PREFIX]", tok);
			break;
		}
		a = realloc(c->allowed, (c->nallowed + 1) * sizeof(*a));
		if (!a) {
			r = tk_err(ctx, -ENOMEM, NULL);
			break;
		}
		c->allowed = a;
		a += c->nallowed++;
		memset(a, 0, sizeof(*a));
		a->family = x.family;
		memcpy(a->addr, x.addr, sizeof(x.addr));
		a->plen = x.prefixlen >= 0 ? (unsigned)x.prefixlen : x.family == AF_INET ? 32 : 128;
	}
	free(copy);
	return r;
}

/* The peer --allowed-ips, --psk and --peer-name apply to: the last --peer. */
static struct tk_peer_conf *last_peer(struct tk_ctx *ctx, struct tk_tunnel_cfg *c,
				      const char *opt)
{
	if (!c->npeers)
		tk_usage(ctx, "--%s needs a --peer before it", opt);
	return c->npeers ? &c->peers[c->npeers - 1] : NULL;
}

static int add_peer(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, const char *arg)
{
	struct tk_peer_conf *p;

	if (c->npeers == TK_PEERS_MAX)
		return tk_usage(ctx, "at most %d peers", TK_PEERS_MAX);
	if (c->npeers == c->peers_cap) {
		size_t cap = c->peers_cap ? c->peers_cap * 2 : 8;

		p = realloc(c->peers, cap * sizeof(*p));
		if (!p)
			return tk_err(ctx, -ENOMEM, NULL);
		c->peers = p;
		c->peers_cap = cap;
	}
	p = &c->peers[c->npeers];
	memset(p, 0, sizeof(*p));
	if (tk_tunnel_parse_pub(ctx, "peer", arg, p->pub))
		return 2;
	c->npeers++;
	return 0;
}

/* --psk FILE for the last peer; --peer-name NAME. */
static int peer_extra(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, int idx, const char *arg)
{
	struct tk_peer_conf *p = last_peer(ctx, c, tk_tunnel_opts[idx].lng);
	int r;

	if (!p)
		return 2;
	if (idx == O_ALLOWED)
		return tk_tunnel_parse_aips(ctx, arg, p);
	if (idx == O_NAME) {
		if (!*arg || strlen(arg) >= sizeof(p->name) || strpbrk(arg, " \t\"/"))
			return tk_usage(ctx, "peer name \"%s\": 1 to %zu characters, no blanks, "
					     "quotes or slashes", arg, sizeof(p->name) - 1);
		strcpy(p->name, arg);
		return 0;
	}
	r = tk_crypto_key_read(arg, p->psk);
	if (r)
		return tk_key_err(ctx, r, arg);
	p->has_psk = true;
	return 0;
}

int tk_tunnel_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct tk_tunnel_cfg *c = st;

	switch (idx) {
	case O_LISTEN: c->listen = arg; return 0;
	case O_CONNECT: c->connect = arg; return 0;
	case O_TRANSPORT:
		if (strcmp(arg, "udp") && strcmp(arg, "tcp"))
			return tk_usage(ctx, "transport \"%s\": expected udp or tcp", arg);
		c->transport = strcmp(arg, "udp") ? TK_TR_TCP : TK_TR_UDP;
		return 0;
	case O_MODE:
		if (strcmp(arg, "tun") && strcmp(arg, "tap"))
			return tk_usage(ctx, "mode \"%s\": expected tun or tap", arg);
		c->tap = !strcmp(arg, "tap");
		return 0;
	case O_DEV: c->dev = arg; return 0;
	case O_PERSIST: c->persist = true; return 0;
	case O_ADDR:
		return cidr(ctx, "address", arg, c->req.addrs, &c->req.naddrs, TK_DEV_MAX_ADDRS);
	case O_PEER:
		if (tk_parse_cidr(arg, &c->req.peer) || c->req.peer.prefixlen >= 0)
			return tk_usage(ctx, "peer address \"%s\": expected an address", arg);
		c->req.has_peer = true;
		return 0;
	case O_ROUTE: return cidr(ctx, "route", arg, c->routes, &c->nroutes, TK_TUN_MAX_ROUTES);
	case O_BRIDGE: c->bridge = arg; return 0;
	case O_MTU:
		c->has_mtu = true;
		return num(ctx, "mtu", arg, 576, 65000, &c->mtu);
	case O_KEEPALIVE: return num(ctx, "keepalive", arg, 1, 3600, &c->keepalive);
	case O_KEY: c->key = arg; return 0;
	case O_PRIVATE_KEY: c->private_key = arg; return 0;
	case O_PEER_KEY: return add_peer(ctx, c, arg);
	case O_ALLOWED:
	case O_PSK:
	case O_NAME: return peer_extra(ctx, c, idx, arg);
	case O_CONFIG: return tk_tunnel_conf_read(ctx, c, arg);
	case O_NAT: c->nat = true; return 0;
	case O_DRY: c->dry_run = true; return 0;
	case O_NO_OFFLOAD: c->no_offload = true; return 0;
	case O_WORKERS:
		if (!strcmp(arg, "auto")) {
			c->workers = 0;
			return 0;
		}
		return num(ctx, "workers", arg, 1, TK_WORKERS_MAX, &c->workers);
	case O_REKEY: return num(ctx, "rekey", arg, 2, 86400, &c->rekey);
	case O_REKEY_PKTS: return num(ctx, "rekey-packets", arg, 16, UINT32_MAX, &c->rekey_packets);
	case O_CIPHER:
		if (!strcmp(arg, "auto"))
			c->ciphers = 0;
		else if (!strcmp(arg, "aes-256-gcm"))
			c->ciphers = TK_CIPHER_AES256GCM;
		else if (!strcmp(arg, "chacha20-poly1305"))
			c->ciphers = TK_CIPHER_CHACHA20POLY1305;
		else
			return tk_usage(ctx, "cipher \"%s\": expected auto, aes-256-gcm or "
					     "chacha20-poly1305", arg);
		return 0;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One "key = value" line; 0 or 2. */
static int conf_line(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, const char *path, int lineno,
		     char *line)
{
	char *eq = strchr(line, '='), *k, *v;
	int idx;
	bool on;

	if (!eq)
		return tk_usage(ctx, "%s:%d: expected key = value", path, lineno);
	*eq = '\0';
	k = trim(line);
	v = trim(eq + 1);
	idx = tk_opt_index(&tk_cmd_tunnel, k);
	if (idx < 0 || idx == O_CONFIG)
		return tk_usage(ctx, "%s:%d: unknown key \"%s\"", path, lineno, k);
	if (tk_tunnel_opts[idx].arg == TK_ARG_NONE) {
		if (tk_parse_bool(v, &on))
			return tk_usage(ctx, "%s:%d: \"%s\": expected yes or no", path, lineno, v);
		return on ? tk_tunnel_opt(ctx, c, idx, NULL) : 0;
	}
	if (c->nstrings == c->strings_cap) {
		size_t cap = c->strings_cap ? c->strings_cap * 2 : 32;
		char **p = realloc(c->strings, cap * sizeof(*p));

		if (!p)
			return tk_err(ctx, -ENOMEM, path);
		c->strings = p;
		c->strings_cap = cap;
	}
	c->strings[c->nstrings] = strdup(v);
	if (!c->strings[c->nstrings])
		return tk_err(ctx, -ENOMEM, path);
	return tk_tunnel_opt(ctx, c, idx, c->strings[c->nstrings++]);
}

int tk_tunnel_conf_read(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, const char *path)
{
	char line[1024], *s;
	int lineno = 0, r = 0;
	FILE *f;

	if (c->config)
		return tk_usage(ctx, "--config given twice");
	c->config = path;
	f = fopen(path, "re");
	if (!f)
		return tk_err(ctx, -errno, path); /* 1, as the error object says */
	while (!r && fgets(line, sizeof(line), f)) {
		lineno++;
		s = trim(line);
		if (*s && *s != '#')
			r = conf_line(ctx, c, path, lineno, s);
	}
	fclose(f);
	return r;
}

void tk_tunnel_cfg_free(struct tk_tunnel_cfg *c)
{
	for (size_t i = 0; i < c->nstrings; i++)
		free(c->strings[i]);
	free(c->strings);
	c->strings = NULL;
	c->nstrings = c->strings_cap = 0;
	for (size_t i = 0; i < c->npeers; i++)
		tk_peer_conf_free(&c->peers[i]);
	free(c->peers);
	c->peers = NULL;
	c->npeers = c->peers_cap = 0;
}

int tk_tunnel_cfg_peers(struct tk_ctx *ctx, struct tk_tunnel_cfg *cfg,
			const struct sockaddr_storage *endpoint, socklen_t elen,
			struct tk_peer_set **out)
{
	struct tk_peer_conf *v = cfg->peers;
	size_t n = cfg->npeers, at = 0;
	int r;

	if (endpoint && n == 1) {
		memcpy(&v[0].endpoint, endpoint, elen);
		v[0].endpoint_len = elen;
	}
	cfg->peers = NULL;
	cfg->npeers = cfg->peers_cap = 0;
	r = tk_peer_set_new(out, v, n, &at);
	if (r == -EEXIST)
		return tk_usage(ctx, "peer %zu: its key or one of its addresses is another "
				     "peer's already", at + 1);
	return r ? tk_err(ctx, r, "peers") : 0;
}
