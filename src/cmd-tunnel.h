/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by cmd-tunnel.c (running the tunnel), tunnel-conf.c (options and
 * --config files) and tunnel-host.c (device, routes, NAT): the settings of
 * one `tunkit tunnel` as parsed from the command line and config file.
 */
#ifndef TK_CMD_TUNNEL_H
#define TK_CMD_TUNNEL_H

#include "dev.h"
#include "engine/peers.h"
#include "engine/tunnel.h"

#define TK_TUN_MAX_ROUTES 32

struct tk_tunnel_cfg {
	const char *listen, *connect, *dev, *key, *config, *bridge;
	enum tk_transport transport;
	bool tap, persist, nat, dry_run, has_mtu, no_offload;
	unsigned mtu, keepalive, rekey, rekey_packets;
	unsigned workers; /* --workers; 0: auto, one per CPU (UDP); TCP always has one */
	unsigned nworkers; /* what that came to on this machine */
	unsigned ciphers; /* TK_CIPHER_* allowed; 0 all this host can do */
	struct tk_dev_req req; /* addresses, peer address */
	struct tk_cidr routes[TK_TUN_MAX_ROUTES];
	size_t nroutes;
	/* version 2: this side's private key and the peers (--peer and what follows it) */
	const char *private_key;
	struct tk_peer_conf *peers; /* owned */
	size_t npeers, peers_cap;
	char **strings; /* values read from --config, owned */
	size_t nstrings, strings_cap;
};

extern const struct tk_opt tk_tunnel_opts[];

/* The tk_opt_parse callback of `tunnel`: 0, 2 after a usage message, 1 when --config
 * cannot be read. */
int tk_tunnel_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg);
/* Reads --config FILE (key = value lines, same names as the options) into cfg;
 * command-line options given after --config win.  0, or the exit status. */
int tk_tunnel_conf_read(struct tk_ctx *ctx, struct tk_tunnel_cfg *cfg, const char *path);
void tk_tunnel_cfg_free(struct tk_tunnel_cfg *cfg);
/* The peers of cfg as a set (taken from cfg: its peers are then none); the connecting
 * side's one peer gets the --connect address as its endpoint.  0 or the exit status, with
 * a message naming the peer. */
int tk_tunnel_cfg_peers(struct tk_ctx *ctx, struct tk_tunnel_cfg *cfg,
			const struct sockaddr_storage *endpoint, socklen_t elen,
			struct tk_peer_set **out);
/* tunnel-peers.c: the control socket's peer requests (t->request); SIGHUP's peers from the
 * configuration read again (n; its peers are taken): {"added": [...], "removed": [...]}, or
 * NULL when nothing was applied. */
json_t *tk_tunnel_request(void *arg, struct tk_tunnel *t, const char *op, const json_t *req);
json_t *tk_tunnel_reload_peers(struct tk_ctx *ctx, struct tk_tunnel *t, struct tk_tunnel_cfg *n);
/* "--allowed-ips" values: a comma-separated list of prefixes appended to c.  0 or 2. */
int tk_tunnel_parse_aips(struct tk_ctx *ctx, const char *arg, struct tk_peer_conf *c);
/* A public key in base64 into pub; 0 or 2 (usage, naming what). */
int tk_tunnel_parse_pub(struct tk_ctx *ctx, const char *what, const char *arg,
			uint8_t pub[TK_KEY_LEN]);

/* The host side: what the tunnel made, to undo at exit. */
struct tk_tunnel_host {
	char dev[IF_NAMESIZE];
	int ifindex;
	bool created, nat_on, enslaved;
	bool vnet, tso, uso; /* attached with IFF_VNET_HDR; TSO and USO offloads on */
	bool mq;          /* a multi-queue device: a queue per worker */
	bool pi0, vnet0;  /* the device's flags before: restored when it outlives the tunnel */
	char fwd_was; /* ip_forward before --nat: '0', '1', 0 unknown */
	int mtu;
};

/* Opens or creates the device (configured, up; multi-queue for more than one worker) and
 * attaches up to want queues into fds: returns how many (at least 1; fewer on a device
 * that is not multi-queue, with a warning when --workers asked for more), or an exit status as a negative number (-1,
 * -2) after printing. */
int tk_tunnel_dev_open(struct tk_ctx *ctx, struct tk_tunnel_cfg *cfg, struct tk_tunnel_host *h,
		       int *fds, unsigned want);
/* Adds --route routes; 0 or exit status. */
int tk_tunnel_routes(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
		     const struct tk_tunnel_host *h);
/* --nat: forwarding and a masquerade table; 0 or exit status.  Undone by nat_off. */
int tk_tunnel_nat_on(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
		     struct tk_tunnel_host *h);
/* The nft script --nat runs (and --dry-run prints) for dev. */
void tk_tunnel_nat_script(char *buf, size_t size, const char *dev);
void tk_tunnel_nat_off(struct tk_ctx *ctx, struct tk_tunnel_host *h);
/* Removes a device the tunnel created (unless --persist). */
void tk_tunnel_dev_close(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
			 struct tk_tunnel_host *h);

#endif
