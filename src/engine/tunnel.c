/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's state outside the loop: set-up and tear-down of its fds,
 * events, and the state object the control socket answers with.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "engine/frame.h"
#include "engine/sockaddr.h"
#include "engine/tunnel.h"
#include "engine/workers.h"

double tk_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

uint64_t tk_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double tk_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int tk_tunnel_overhead(int family, enum tk_transport tr, bool tap)
{
	return (family == AF_INET6 ? 40 : 20) + (tr == TK_TR_UDP ? 8 : 32) + TK_FRAME_OVERHEAD +
	       (tap ? 14 : 0);
}

void tk_tunnel_init(struct tk_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	t->pend_fd = t->tun_fd = t->sock_fd = t->lsock_fd = t->sig_fd = t->timer_fd = t->ctl_fd = t->ep_fd =
		t->wake_fd = -1;
	for (size_t i = 0; i < TK_CTL_CONNS; i++)
		t->ctl_conn[i].fd = -1;
}

struct tk_peer *tk_remote_sess(struct tk_tunnel *t, struct tk_remote *r)
{
	struct tk_peer *p = r->sess;

	if (p)
		return p;
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	tk_peer_init(p, t->psk, t->ciphers, !t->listen);
	p->lane = t->worker;
	p->rekey_after_ns = t->rekey_after_ns;
	p->rekey_after_msgs = t->rekey_after_msgs;
	if (t->set) {
		/* version 2: keys of its own, indexes in the worker's table */
		const struct tk_peer_conf *c = &t->set->v[r->id];

		p->me = t->me;
		memcpy(p->peer_pub, c->pub, TK_KEY_LEN);
		memcpy(p->psk, c->psk, TK_KEY_LEN);
		p->has_psk = c->has_psk;
		p->itab = &t->itab;
		p->owner = r;
	}
	r->sess = p;
	return p;
}

void tk_tunnel_settings(struct tk_tunnel *t)
{
	for (size_t i = 0; i < tk_tunnel_npeers(t); i++) {
		struct tk_peer *p = tk_tunnel_peer(t, i)->sess;

		if (!p)
			continue;
		if (!t->set)
			tk_peer_set_key(p, t->psk); /* version 2's keys are the peers' own */
		p->rekey_after_ns = t->rekey_after_ns;
		p->rekey_after_msgs = t->rekey_after_msgs;
	}
}

void tk_remote_free(struct tk_remote *r)
{
	if (r->sess) {
		tk_peer_wipe(r->sess);
		free(r->sess);
	}
	r->sess = NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void tk_tunnel_close(struct tk_tunnel *t)
{
	close_fd(&t->sock_fd);
	close_fd(&t->pend_fd);
	close_fd(&t->lsock_fd);
	close_fd(&t->sig_fd);
	close_fd(&t->timer_fd);
	close_fd(&t->ep_fd);
	tk_ctl_close(t);
	if (t->ctl_fd >= 0 && t->ctl_path)
		unlink(t->ctl_path);
	close_fd(&t->ctl_fd);
	close_fd(&t->tun_fd);
	tk_remote_free(&t->one);
	tk_hub_free(t);
	sodium_memzero(t->psk, sizeof(t->psk));
	free(t->rbuf);
	free(t->pbuf);
	if (t->gro_q)
		tk_gro_free(t->gro_q);
	free(t->gro_q);
	t->gro_q = NULL;
	t->rbuf = t->pbuf = NULL;
}

/* Workers report from their own threads: one event at a time reaches the callback. */
static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;

static void emit(struct tk_tunnel *t, const char *type, json_t *more, bool worker)
{
	json_t *ev = json_pack("{s:s,s:f}", "event", type, "time", tk_now());

	if (worker && t->group)
		json_object_set_new(ev, "worker", json_integer(t->worker));
	if (more)
		json_object_update(ev, more);
	json_decref(more);
	if (!t->event) {
		json_decref(ev);
		return;
	}
	pthread_mutex_lock(&event_lock);
	t->event(t->event_arg, ev);
	pthread_mutex_unlock(&event_lock);
}

void tk_tunnel_event(struct tk_tunnel *t, const char *type, json_t *more)
{
	emit(t, type, more, true);
}

void tk_tunnel_event_whole(struct tk_tunnel *t, const char *type, json_t *more)
{
	emit(t, type, more, false);
}

static json_t *ts_or_null(double v)
{
	return v > 0 ? json_real(v) : json_null();
}

json_t *tk_cipher_json(unsigned c)
{
	return c ? json_string(c == TK_CIPHER_AES256GCM ? "aes-256-gcm" : "chacha20-poly1305")
		 : json_null();
}

/* What the data path batches with: the device's super-packets, the socket's offloads. */
static json_t *offload_json(const struct tk_tunnel *t, const struct tk_stats *s,
			    uint64_t coalesced)
{
	return json_pack("{s:b,s:b,s:b,s:b,s:b,s:I,s:I}", "vnet_hdr", t->vnet, "tso", t->tso,
			 "uso", t->uso, "udp_gso", t->transport == TK_TR_UDP && t->gso, "udp_gro",
			 t->transport == TK_TR_UDP && t->gro, "segmented",
			 (json_int_t)s->segmented, "coalesced", (json_int_t)coalesced);
}

static void add_stats(struct tk_stats *a, const struct tk_stats *b)
{
	a->tx_packets += b->tx_packets;
	a->tx_bytes += b->tx_bytes;
	a->rx_packets += b->rx_packets;
	a->rx_bytes += b->rx_bytes;
	a->auth_failures += b->auth_failures;
	a->replays += b->replays;
	a->keepalives_tx += b->keepalives_tx;
	a->keepalives_rx += b->keepalives_rx;
	a->oversize += b->oversize;
	a->tx_dropped += b->tx_dropped;
	a->handshakes_tx += b->handshakes_tx;
	a->handshakes_rx += b->handshakes_rx;
	a->segmented += b->segmented;
	a->wrong_worker += b->wrong_worker;
	a->no_route += b->no_route;
	a->spoofed += b->spoofed;
	a->unknown_peer += b->unknown_peer;
	a->cookies_tx += b->cookies_tx;
	a->cookies_rx += b->cookies_rx;
	a->ratelimited += b->ratelimited;
	if (b->last_tx_error)
		a->last_tx_error = b->last_tx_error;
}

static json_t *worker_json(unsigned i, const struct tk_worker_snap *w)
{
	return json_pack("{s:I,s:b,s:b,s:o,s:o,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "worker",
			 (json_int_t)i, "queue", w->attached, "session_up", w->session_up, "peer",
			 w->have_peer ? tk_sockaddr_json(&w->peer) : json_null(), "cipher",
			 tk_cipher_json(w->cipher), "sessions", (json_int_t)w->sessions,
			 "last_handshake", ts_or_null(w->last_handshake), "tx_packets",
			 (json_int_t)w->st.tx_packets, "tx_bytes", (json_int_t)w->st.tx_bytes,
			 "rx_packets", (json_int_t)w->st.rx_packets, "rx_bytes",
			 (json_int_t)w->st.rx_bytes, "tx_dropped", (json_int_t)w->st.tx_dropped,
			 "wrong_worker", (json_int_t)w->st.wrong_worker);
}

/* The worker that speaks for the tunnel's session: the first with one, else worker 0. */
static const struct tk_worker_snap *speaker(const struct tk_worker_snap *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (w[i].session_up)
			return &w[i];
	return &w[0];
}

json_t *tk_tunnel_state_of(const struct tk_tunnel *t, const struct tk_worker_snap *w,
			   unsigned n, const struct tk_tunnel_whole *whole, double now)
{
	const struct tk_worker_snap *sp = speaker(w, n);
	struct tk_stats sum = { 0 }, *s = &sum;
	uint64_t coalesced = 0, sessions = 0;
	double last_hs = 0;
	json_t *o, *arr = json_array();

	for (unsigned i = 0; i < n; i++) {
		add_stats(s, &w[i].st);
		coalesced += w[i].coalesced;
		sessions += w[i].sessions;
		if (w[i].last_handshake > last_hs)
			last_hs = w[i].last_handshake;
		json_array_append_new(arr, worker_json(i, &w[i]));
	}
	o = json_pack(
		"{s:s,s:s,s:o,s:b,s:I,s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I}",
		"role", t->listen ? "listen" : "connect", "transport",
		t->transport == TK_TR_UDP ? "udp" : "tcp", "peer",
		sp->have_peer ? tk_sockaddr_json(&sp->peer) : json_null(), "session_up", whole->up,
		"workers_up", (json_int_t)whole->workers_up, "session_age",
		whole->up ? json_real(now - whole->since) : json_null(), "last_handshake",
		ts_or_null(last_hs), "cipher", tk_cipher_json(sp->session_up ? sp->cipher : 0),
		"sessions", (json_int_t)sessions, "handshakes_tx", (json_int_t)s->handshakes_tx,
		"handshakes_rx", (json_int_t)s->handshakes_rx, "tx_packets",
		(json_int_t)s->tx_packets, "tx_bytes", (json_int_t)s->tx_bytes, "rx_packets",
		(json_int_t)s->rx_packets, "rx_bytes", (json_int_t)s->rx_bytes, "auth_failures",
		(json_int_t)s->auth_failures, "replays_dropped", (json_int_t)s->replays,
		"keepalives_tx", (json_int_t)s->keepalives_tx, "keepalives_rx",
		(json_int_t)s->keepalives_rx, "oversize_dropped", (json_int_t)s->oversize,
		"tx_dropped", (json_int_t)s->tx_dropped, "last_tx_error",
		s->last_tx_error ? json_string(strerror(s->last_tx_error)) : json_null(),
		"wrong_worker", (json_int_t)s->wrong_worker);
	if (o && t->me)
		json_object_update_new(
			o, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "no_route", (json_int_t)s->no_route,
				     "spoofed", (json_int_t)s->spoofed, "unknown_peer",
				     (json_int_t)s->unknown_peer, "cookies_tx",
				     (json_int_t)s->cookies_tx, "cookies_rx",
				     (json_int_t)s->cookies_rx, "ratelimited",
				     (json_int_t)s->ratelimited));
	if (o) {
		json_object_set_new(o, "offload", offload_json(t, s, coalesced));
		json_object_set_new(o, "workers", arr);
	} else {
		json_decref(arr);
	}
	return o;
}

json_t *tk_tunnel_state(struct tk_tunnel *t)
{
	struct tk_worker_snap w[TK_WORKERS_MAX];
	struct tk_tunnel_whole whole = { t->session_up, t->session_up, t->one.session_since };
	struct tk_group *g = t->group;
	unsigned n = 1;
	json_t *o;

	/* every worker's state as of now, not as of its last tick */
	tk_workers_refresh(t);
	tk_workers_snap(t, &w[0]);
	if (g) {
		pthread_mutex_lock(&g->lock);
		n = g->n;
		memcpy(w + 1, g->snap + 1, (n - 1) * sizeof(w[0]));
		whole.up = g->since > 0;
		whole.workers_up = (unsigned)__builtin_popcount(g->up);
		whole.since = g->since;
		pthread_mutex_unlock(&g->lock);
	}
	o = tk_tunnel_state_of(t, w, n, &whole, tk_now());
	if (o && t->set)
		json_object_set_new(o, "peers", tk_hub_peers_json(t));
	return o;
}
