/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit tunnel: carry a tun or tap device to a peer over UDP or TCP,
 * encrypted, in the foreground until SIGINT/SIGTERM.  This file checks the
 * settings, sets up the host (tunnel-host.c), runs the engine (engine/) and
 * undoes what it made at exit, whatever the way out.
 */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "cmd-tunnel.h"
#include "engine/sockaddr.h"
#include "engine/workers.h"
#include "err.h"
#include "out.h"
#include "tunnel-ctl.h"


/* Version 2's settings: peers with keys of their own. */
static int check_peers(struct tk_ctx *ctx, const struct tk_tunnel_cfg *c)
{
	if (!c->private_key)
		return c->npeers ? tk_usage(ctx, "--peer needs --private-key") : 0;
	if (!c->npeers)
		return tk_usage(ctx, "--private-key needs at least one --peer");
	if (c->connect && c->npeers > 1)
		return tk_usage(ctx, "a connecting tunnel has one --peer, the one at --connect");
	if (c->tap && c->npeers > 1)
		return tk_usage(ctx, "--mode tap serves one peer: a hub of several routes by "
				     "address (--mode tun)");
	for (size_t i = 0; c->listen && !c->tap && i < c->npeers; i++)
		if (!c->peers[i].nallowed)
			return tk_usage(ctx, "peer %zu has no --allowed-ips: the listening side "
					     "routes by them", i + 1);
	return 0;
}

static int check(struct tk_ctx *ctx, const struct tk_tunnel_cfg *c)
{
	if (!c->listen == !c->connect)
		return tk_usage(ctx, "give one of --listen and --connect");
	if (!c->key && !c->private_key)
		return tk_usage(ctx, "--key FILE is required (make one with \"tunkit genkey\"), "
				     "or --private-key with --peer");
	if (c->key && c->private_key)
		return tk_usage(ctx, "give one of --key (one key shared) and --private-key (keys "
				     "of their own, with --peer)");
	if (c->bridge && !c->tap)
		return tk_usage(ctx, "--bridge needs --mode tap");
	if (c->req.has_peer && !c->req.naddrs)
		return tk_usage(ctx, "--peer-addr needs --addr");
	if (c->workers > 1 && c->transport == TK_TR_TCP)
		return tk_usage(ctx, "--workers needs --transport udp (a TCP stream is one flow)");
	return check_peers(ctx, c);
}

static int pick_mtu(const struct tk_tunnel_cfg *c, const struct tk_tunnel *t, int family)
{
	int base = 1500;

	if (c->has_mtu)
		return (int)c->mtu;
	if (!t->listen) {
		int m = tk_udp_path_mtu((const struct sockaddr *)&t->one.addr, t->one.addr_len);

		if (m > 0)
			base = m;
	}
	return base - tk_tunnel_overhead(family, c->transport, c->tap);
}

/* "session_up peer=198.51.100.2:5000": the text view of an event (malloc'd). */
static char *event_line(const json_t *ev)
{
	char *buf = NULL, *cell;
	size_t size = 0;
	const char *k;
	json_t *v;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fprintf(f, "tunkit: tunnel: %s", json_string_value(json_object_get(ev, "event")));
	json_object_foreach((json_t *)ev, k, v) {
		if (strcmp(k, "event") && strcmp(k, "time")) {
			cell = tk_out_cell(v);
			fprintf(f, " %s=%s", k, cell ? cell : "-");
			free(cell);
		}
	}
	fclose(f);
	return buf;
}

/* Events: JSON Lines on stdout with -j (the out layer's stream), else log lines on stderr. */
static void on_event(void *arg, json_t *ev)
{
	struct tk_ctx *ctx = arg;
	char *line;

	if (ctx->json) {
		tk_out_stream(ctx, ev, NULL);
	} else if (!ctx->quiet) {
		line = event_line(ev);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	json_decref(ev);
}

/* One command of --dry-run: a line of text, or an element of "commands" with -j. */
static void dry_line(FILE *f, json_t *cmds, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (cmds)
		json_array_append_new(cmds, json_string(line));
	else
		fprintf(f, "%s\n", line);
	free(line);
}

static int dry_run(struct tk_ctx *ctx, const struct tk_tunnel_cfg *c, int mtu)
{
	const char *dev = c->dev ? c->dev : c->tap ? "tktap0" : "tktun0";
	char a[INET6_ADDRSTRLEN], script[1024];
	json_t *cmds = ctx->json ? json_array() : NULL, *o;
	FILE *f = ctx->out;
	int r;

	dry_line(f, cmds, "ip tuntap add dev %s mode %s%s", dev, c->tap ? "tap" : "tun",
		 c->nworkers > 1 ? " multi_queue" : "");
	dry_line(f, cmds, "ip link set dev %s mtu %d%s%s up", dev, mtu, c->bridge ? " master " : "",
		 c->bridge ? c->bridge : "");
	for (size_t i = 0; i < c->req.naddrs; i++) {
		const struct tk_cidr *x = &c->req.addrs[i];

		inet_ntop(x->family, x->addr, a, sizeof(a));
		dry_line(f, cmds, "ip addr add %s/%d dev %s", a,
			 x->prefixlen >= 0 ? x->prefixlen : x->family == AF_INET ? 32 : 128, dev);
	}
	for (size_t i = 0; i < c->nroutes; i++) {
		const struct tk_cidr *x = &c->routes[i];

		inet_ntop(x->family, x->addr, a, sizeof(a));
		dry_line(f, cmds, "ip route add %s/%d dev %s", a,
			 x->prefixlen >= 0 ? x->prefixlen : x->family == AF_INET ? 32 : 128, dev);
	}
	if (c->nat) {
		tk_tunnel_nat_script(script, sizeof(script), dev);
		dry_line(f, cmds, "sysctl -w net.ipv4.ip_forward=1");
		dry_line(f, cmds, "nft -f - <<'EOF'\n%sEOF", script);
	}
	if (!cmds)
		return 0;
	/* -j: one object, the commands in the order they would run */
	o = json_pack("{s:s, s:s, s:i, s:o}", "dev", dev, "mode", c->tap ? "tap" : "tun", "mtu",
		      mtu, "commands", cmds);
	r = tk_out(ctx, o, NULL);
	json_decref(o);
	return r ? tk_fail(ctx, "stdout", "write error") : 0;
}

/* Version 2: this side's key pair from key, the peers from c; 0 or exit status. */
static int peers_up(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, struct tk_tunnel *t,
		    struct tk_ik_static *me, const uint8_t key[TK_KEY_LEN])
{
	struct tk_peer_set *set;
	int r;

	if (tk_ik_static_init(me, key))
		return tk_fail(ctx, c->private_key, "not a usable private key");
	t->me = me;
	r = tk_tunnel_cfg_peers(ctx, c, t->listen ? NULL : &t->one.addr, t->one.addr_len, &set);
	if (r)
		return r;
	r = tk_hub_apply(t, set);
	tk_peer_set_unref(set);
	return r ? tk_err(ctx, r, "peers") : 0;
}

/* The underlay endpoint and the key; 0 or exit status. */
static int prepare(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, struct tk_tunnel *t,
		   struct tk_ik_static *me, struct sockaddr_storage *bind_to, socklen_t *blen)
{
	const char *ep = c->listen ? c->listen : c->connect;
	const char *kp = c->private_key ? c->private_key : c->key;
	uint8_t key[TK_KEY_LEN];
	int r;

	t->listen = c->listen != NULL;
	t->transport = c->transport;
	t->keepalive = c->keepalive;
	t->no_offload = c->no_offload;
	t->key_path = kp;
	r = t->listen ? tk_sockaddr_parse(ep, true, bind_to, blen)
		      : tk_sockaddr_parse(ep, false, &t->one.addr, &t->one.addr_len);
	if (r == -EINVAL)
		return tk_usage(ctx, "endpoint \"%s\": expected %s", ep,
				t->listen ? "[ADDR:]PORT" : "HOST:PORT");
	if (r)
		return tk_fail(ctx, ep, "cannot resolve the host");
	if (sodium_init() < 0)
		return tk_fail(ctx, "libsodium", "initialisation failed");
	if (c->ciphers & ~tk_crypto_ciphers())
		return tk_fail(ctx, "aes-256-gcm", "this CPU has no AES instructions; use "
				    "chacha20-poly1305 or auto");
	r = tk_crypto_key_read(kp, key);
	if (r)
		return tk_key_err(ctx, r, kp);
	t->ciphers = c->ciphers ? c->ciphers : tk_crypto_ciphers();
	t->rekey_after_ns = (uint64_t)c->rekey * TK_NSEC;
	t->rekey_after_msgs = c->rekey_packets;
	if (c->private_key) {
		r = peers_up(ctx, c, t, me, key);
		sodium_memzero(key, sizeof(key));
		return r;
	}
	memcpy(t->psk, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	if (!tk_remote_sess(t, &t->one))
		return tk_err(ctx, -ENOMEM, NULL);
	return 0;
}

static int open_underlay(struct tk_ctx *ctx, struct tk_tunnel *t,
			 const struct sockaddr_storage *b, socklen_t blen)
{
	int r;

	if (t->transport == TK_TR_UDP)
		r = tk_udp_open(t, (const struct sockaddr *)b, blen);
	else if (t->listen)
		r = tk_tcp_listen(t, (const struct sockaddr *)b, blen);
	else
		r = 0; /* the loop's tick connects, and reconnects */
	return r ? tk_err(ctx, r, t->listen ? "listen" : "socket") : 0;
}

/* Host set-up after the device: routes, NAT, control socket; 0 or exit status. */
static int host_up(struct tk_ctx *ctx, const struct tk_tunnel_cfg *c, struct tk_tunnel *t,
		   struct tk_tunnel_host *h, char *ctl, size_t ctlsize)
{
	int r;

	r = tk_tunnel_routes(ctx, c, h);
	if (!r)
		r = tk_tunnel_nat_on(ctx, c, h);
	if (r)
		return r;
	if (tk_tunnel_ctl_path(ctl, ctlsize, h->dev, 1))
		return tk_fail(ctx, h->dev, "control socket path too long");
	t->ctl_path = ctl;
	r = tk_ctl_open(t);
	return r ? tk_err(ctx, r, ctl) : 0;
}

static struct tk_tunnel *worker_new(void)
{
	struct tk_tunnel *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	tk_tunnel_init(t);
	t->pkt = malloc(sizeof(*t->pkt));
	t->txq = calloc(1, sizeof(*t->txq));
	if (t->pkt && t->txq)
		return t;
	free(t->pkt);
	free(t->txq);
	free(t);
	return NULL;
}

static void worker_free(struct tk_tunnel *t)
{
	if (!t)
		return;
	tk_tunnel_close(t);
	free(t->pkt);
	sodium_memzero(t->txq, sizeof(*t->txq));
	free(t->txq);
	free(t);
}

/* Worker i: worker 0's settings, key and device, its own queue, socket and lane. */
static struct tk_tunnel *worker_clone(const struct tk_tunnel *t, unsigned i, int fd)
{
	struct tk_tunnel *w = worker_new();

	if (!w)
		return NULL;
	w->listen = t->listen;
	w->transport = t->transport;
	w->one.addr = t->one.addr;
	w->one.addr_len = t->one.addr_len;
	w->keepalive = t->keepalive;
	w->key_path = t->key_path;
	w->event = t->event;
	w->event_arg = t->event_arg;
	w->no_offload = t->no_offload;
	w->shared_port = t->shared_port;
	w->tap = t->tap;
	w->vnet = t->vnet;
	w->tso = t->tso;
	w->uso = t->uso;
	/* the key and limits; no session is made yet */
	memcpy(w->psk, t->psk, sizeof(w->psk));
	w->ciphers = t->ciphers;
	w->rekey_after_ns = t->rekey_after_ns;
	w->rekey_after_msgs = t->rekey_after_msgs;
	w->worker = i;
	w->tun_fd = fd;
	w->me = t->me;
	if (t->set ? !tk_hub_apply(w, t->set) : !!tk_remote_sess(w, &w->one))
		return w;
	worker_free(w);
	return NULL;
}

/* How many workers: --workers, or one per CPU; TCP carries one stream, so one. */
static unsigned want_workers(const struct tk_tunnel_cfg *c)
{
	if (c->transport == TK_TR_TCP)
		return 1;
	return c->workers ? c->workers : tk_workers_auto();
}

/* Workers 1..n-1 on queues fds[1..n); 0 or exit status.  On failure the queues not yet
 * given to a worker are closed. */
static int workers_up(struct tk_ctx *ctx, struct tk_tunnel **w, const int *fds, unsigned n,
		      const struct sockaddr_storage *b, socklen_t blen)
{
	unsigned i;
	int r = 0;

	for (i = 1; !r && i < n; i++) {
		w[i] = worker_clone(w[0], i, fds[i]);
		if (!w[i])
			r = tk_err(ctx, -ENOMEM, NULL);
		else
			r = open_underlay(ctx, w[i], b, blen);
	}
	for (; i < n; i++)
		close(fds[i]);
	if (!r && n > 1 && w[0]->listen && (r = tk_udp_steer(w[0])))
		r = tk_err(ctx, r, "listen");
	return r;
}

static int tunnel(struct tk_ctx *ctx, struct tk_tunnel_cfg *c, struct tk_tunnel **w,
		  struct tk_ik_static *me)
{
	struct tk_tunnel_host h = { .ifindex = 0 };
	struct tk_tunnel *t = w[0];
	struct sockaddr_storage b;
	socklen_t blen = 0;
	int fds[TK_WORKERS_MAX];
	char ctl[400];
	int r, fam, n;

	r = prepare(ctx, c, t, me, &b, &blen);
	if (r)
		return r;
	fam = t->listen ? b.ss_family : t->one.addr.ss_family;
	h.mtu = pick_mtu(c, t, fam);
	c->nworkers = want_workers(c);
	if (c->dry_run)
		return dry_run(ctx, c, h.mtu);
	t->shared_port = c->nworkers > 1 && t->listen;
	r = open_underlay(ctx, t, &b, blen);
	if (r)
		return r;
	n = tk_tunnel_dev_open(ctx, c, &h, fds, c->nworkers);
	if (n < 0)
		return -n;
	t->tun_fd = fds[0];
	t->tap = c->tap;
	t->vnet = h.vnet;
	t->tso = h.tso;
	t->uso = h.uso;
	r = workers_up(ctx, w, fds, (unsigned)n, &b, blen);
	if (!r)
		r = host_up(ctx, c, t, &h, ctl, sizeof(ctl));
	if (!r) {
		tk_tunnel_event(t, "started", json_pack("{s:s,s:i,s:s,s:i}", "dev", h.dev, "mtu",
						       h.mtu, "endpoint",
						       c->listen ? c->listen : c->connect,
						       "workers", n));
		r = tk_workers_run(w, (unsigned)n);
		if (r == -EBADFD || r == -EIO || r == -ENXIO)
			r = tk_fail(ctx, h.dev, "the device was deleted under the tunnel");
		else if (r)
			r = tk_err(ctx, r, h.dev);
	}
	/* the queues go before the device is given back its flags (dev_close) */
	for (unsigned i = 0; i < TK_WORKERS_MAX; i++)
		if (w[i])
			tk_tunnel_close(w[i]);
	if (t->ctl_path) {
		/* the namespace's directory goes with its last socket (fails when in use) */
		char *slash = strrchr(ctl, '/');

		*slash = '\0';
		if (strcmp(ctl, TK_CTL_DIR))
			rmdir(ctl);
	}
	tk_tunnel_nat_off(ctx, &h);
	tk_tunnel_dev_close(ctx, c, &h);
	return r;
}

/* SIGHUP's view of the settings: the running ones, and the file read last. */
struct reload {
	struct tk_ctx *ctx;
	struct tk_tunnel_cfg *run;
	struct tk_tunnel_cfg file; /* owns the strings key_path may point into */
};

static bool differs(const char *now, const char *file)
{
	return file && (!now || strcmp(now, file));
}

/*
 * The file's peers, held to the rules of the tunnel as it runs (its mode and side, which a
 * reload does not change): nothing is applied when they break one.  Non-zero then, with
 * the message in ctx->last_error.
 */
static int reload_peers_bad(struct tk_ctx *ctx, const struct tk_tunnel_cfg *c,
			    const struct tk_tunnel_cfg *n)
{
	struct tk_tunnel_cfg v = *n;
	bool keep = ctx->keep_error;
	int r;

	if (!c->private_key)
		return 0;
	v.tap = c->tap;
	v.listen = c->listen;
	v.connect = c->connect;
	v.private_key = c->private_key;
	ctx->keep_error = true;
	r = check_peers(ctx, &v);
	ctx->keep_error = keep;
	return r;
}

/*
 * SIGHUP: --config is read again.  What a running tunnel can change takes effect (key,
 * keepalive, rekey and rekey-packets, for the sessions that follow); what needs the device
 * or the socket made again is reported, not applied.
 */
static void reload(void *arg, struct tk_tunnel *t)
{
	struct reload *rl = arg;
	struct tk_tunnel_cfg n, *c = rl->run;
	json_t *restart, *peers;

	if (!c->config)
		return;
	memset(&n, 0, sizeof(n));
	tk_dev_req_init(&n.req);
	if (tk_tunnel_conf_read(rl->ctx, &n, c->config)) {
		tk_tunnel_cfg_free(&n);
		tk_tunnel_event(t, "config_reload_failed", json_pack("{s:s}", "config", c->config));
		return;
	}
	if (reload_peers_bad(rl->ctx, c, &n)) {
		json_t *e = rl->ctx->last_error;

		tk_tunnel_event(t, "config_reload_failed",
				json_pack("{s:s,s:O?}", "config", c->config, "error",
					  json_object_get(e, "message")));
		json_decref(e);
		rl->ctx->last_error = NULL;
		tk_tunnel_cfg_free(&n);
		return;
	}
	if (n.key)
		t->key_path = n.key;
	if (n.keepalive)
		t->keepalive = n.keepalive;
	if (n.rekey)
		t->rekey_after_ns = (uint64_t)n.rekey * TK_NSEC;
	if (n.rekey_packets)
		t->rekey_after_msgs = n.rekey_packets;
	restart = json_array();
	if (differs(c->listen, n.listen) || differs(c->connect, n.connect))
		json_array_append_new(restart, json_string(n.listen ? "listen" : "connect"));
	if (differs(c->dev, n.dev))
		json_array_append_new(restart, json_string("dev"));
	if (differs(c->bridge, n.bridge))
		json_array_append_new(restart, json_string("bridge"));
	if (n.has_mtu && (!c->has_mtu || n.mtu != c->mtu))
		json_array_append_new(restart, json_string("mtu"));
	if (n.tap != c->tap)
		json_array_append_new(restart, json_string("mode"));
	if (n.transport != c->transport)
		json_array_append_new(restart, json_string("transport"));
	if (n.workers != c->workers)
		json_array_append_new(restart, json_string("workers"));
	if (differs(c->private_key, n.private_key))
		json_array_append_new(restart, json_string("private-key"));
	peers = tk_tunnel_reload_peers(rl->ctx, t, &n);
	tk_tunnel_event(t, "config_reloaded", json_pack("{s:s,s:o,s:o}", "config", c->config,
							 "needs_restart", restart, "peers",
							 peers ? peers : json_null()));
	tk_tunnel_cfg_free(&rl->file);
	rl->file = n;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_tunnel_cfg cfg;
	struct reload rl = { .ctx = ctx, .run = &cfg };
	struct tk_tunnel *w[TK_WORKERS_MAX] = { NULL };
	struct tk_ik_static me;
	int first, r;

	memset(&cfg, 0, sizeof(cfg));
	memset(&me, 0, sizeof(me));
	tk_dev_req_init(&rl.file.req);
	tk_dev_req_init(&cfg.req);
	r = tk_opt_parse(ctx, &tk_cmd_tunnel, argc, argv, tk_tunnel_opt, &cfg, &first);
	if (!r)
		r = check(ctx, &cfg);
	if (r) {
		tk_tunnel_cfg_free(&cfg);
		return r == TK_OPT_HELP ? 0 : r;
	}
	w[0] = worker_new();
	if (!w[0]) {
		r = tk_err(ctx, -ENOMEM, NULL);
	} else {
		w[0]->event = on_event;
		w[0]->event_arg = ctx;
		w[0]->reload = reload;
		w[0]->reload_arg = &rl;
		w[0]->request = tk_tunnel_request;
		r = tunnel(ctx, &cfg, w, &me);
	}
	for (unsigned i = 0; i < TK_WORKERS_MAX; i++)
		worker_free(w[i]);
	tk_ik_static_wipe(&me);
	tk_tunnel_cfg_free(&rl.file);
	tk_tunnel_cfg_free(&cfg);
	return r;
}

const struct tk_cmd tk_cmd_tunnel = {
	.name = "tunnel",
	.summary = "carry a tun/tap device to a peer over UDP or TCP, encrypted",
	.synopsis = "",
	.opts = tk_tunnel_opts,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};
