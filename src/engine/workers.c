/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workers of one tunnel (workers.h): threads, waking them through an eventfd, and the little
 * they tell each other under the group's lock: snapshots on request, SIGHUP's settings, the
 * tunnel's sessions as a whole, the end.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "engine/sockaddr.h"
#include "engine/workers.h"

unsigned tk_workers_auto(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > TK_WORKERS_MAX ? TK_WORKERS_MAX : (unsigned)n;
}

int tk_workers_poke(const struct tk_tunnel *t)
{
	uint64_t one = 1;

	return write(t->wake_fd, &one, sizeof(one)) < 0 ? -errno : 0;
}

void tk_workers_snap(const struct tk_tunnel *t, struct tk_worker_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->st = t->st;
	s->session_up = t->session_up;
	s->attached = !t->detached;
	s->coalesced = t->gro_q ? t->gro_q->coalesced : 0;
	/* with many peers: the first with a session speaks for the worker; sums and latest */
	for (size_t i = 0; i < tk_tunnel_npeers(t); i++) {
		struct tk_remote *r = tk_tunnel_peer((struct tk_tunnel *)t, i);

		if (r->have_addr && (!s->have_peer || (r->session_up && !s->cipher))) {
			s->have_peer = true;
			s->peer = r->addr;
		}
		if (r->session_up && !s->cipher && r->sess && r->sess->has_cur)
			s->cipher = r->sess->cur.cipher;
		s->sessions += r->sess ? r->sess->sessions : 0;
		if (r->last_handshake > s->last_handshake)
			s->last_handshake = r->last_handshake;
	}
}

int tk_workers_peer_snaps(struct tk_tunnel *t, struct tk_peer_snaps *ps)
{
	size_t n = t->set ? t->set->n : 0;

	if (n > ps->cap) {
		struct tk_peer_snap *v = realloc(ps->v, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->cap = n;
	}
	tk_peer_set_unref(ps->set);
	ps->set = tk_peer_set_ref(t->set);
	for (size_t i = 0; i < n; i++) {
		const struct tk_remote *r = t->rem[i];
		struct tk_peer_snap *p = &ps->v[i];

		p->up = r->session_up;
		p->have_addr = r->have_addr;
		p->addr = r->addr;
		p->last_handshake = r->last_handshake;
		p->sessions = r->sess ? r->sess->sessions : 0;
		p->tx_packets = r->tx_packets;
		p->tx_bytes = r->tx_bytes;
		p->rx_packets = r->rx_packets;
		p->rx_bytes = r->rx_bytes;
		p->spoofed = r->spoofed;
	}
	return 0;
}

void tk_peer_snaps_free(struct tk_peer_snaps *ps)
{
	tk_peer_set_unref(ps->set);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/* Under the lock: t's snapshot, answering the request worker 0 made last. */
static void publish_locked(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;

	tk_workers_snap(t, &g->snap[t->worker]);
	if (t->set)
		tk_workers_peer_snaps(t, &g->peers[t->worker]);
	if (g->snap_gen[t->worker] != g->snap_req) {
		g->snap_gen[t->worker] = g->snap_req;
		pthread_cond_broadcast(&g->published);
	}
}

void tk_workers_publish(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;

	if (!g || !t->worker)
		return;
	pthread_mutex_lock(&g->lock);
	publish_locked(t);
	pthread_mutex_unlock(&g->lock);
}

static bool all_answered(const struct tk_group *g)
{
	for (unsigned i = 1; i < g->n; i++)
		if (g->snap_gen[i] != g->snap_req && !g->ended[i])
			return false;
	return true;
}

void tk_workers_refresh(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;
	struct timespec until;

	if (!g)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 200000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&g->lock);
	g->snap_req++;
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 1; i < g->n; i++)
		tk_workers_poke(g->w[i]);
	pthread_mutex_lock(&g->lock);
	while (!all_answered(g))
		if (pthread_cond_timedwait(&g->published, &g->lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&g->lock);
}

void tk_workers_peers(struct tk_tunnel *t)
{
	tk_workers_reload(t);
}

void tk_workers_reload(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	memcpy(g->psk, t->psk, TK_KEY_LEN);
	g->keepalive = t->keepalive;
	g->rekey_after_ns = t->rekey_after_ns;
	g->rekey_after_msgs = t->rekey_after_msgs;
	if (g->set != t->set) {
		tk_peer_set_unref(g->set);
		g->set = tk_peer_set_ref(t->set);
	}
	g->gen++;
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 1; i < g->n; i++)
		tk_workers_poke(g->w[i]);
}

int tk_workers_woken(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;
	struct tk_peer_set *set = NULL;
	uint64_t v;
	int r = 0;

	if (read(t->wake_fd, &v, sizeof(v)) < 0)
		return 0;
	pthread_mutex_lock(&g->lock);
	if (!t->worker) {
		r = g->err; /* a worker ended; else the tunnel's state changed */
	} else if (g->stop) {
		r = 1;
	} else {
		if (t->seen_gen != g->gen) {
			t->seen_gen = g->gen;
			memcpy(t->psk, g->psk, TK_KEY_LEN);
			t->keepalive = g->keepalive;
			t->rekey_after_ns = g->rekey_after_ns;
			t->rekey_after_msgs = g->rekey_after_msgs;
			tk_tunnel_settings(t);
			if (g->set && g->set != t->set)
				set = tk_peer_set_ref(g->set);
		}
		if (g->snap_gen[t->worker] != g->snap_req)
			publish_locked(t);
	}
	pthread_mutex_unlock(&g->lock);
	/* outside the lock: a removed peer's session going down tells the group (out of
	 * memory: this worker keeps the peers it had) */
	if (set) {
		tk_hub_apply(t, set);
		tk_peer_set_unref(set);
	}
	return r;
}

/* Every queue on the device belongs to a worker with a session: every flow is carried. */
static bool whole_up(const struct tk_group *g)
{
	return g->up && !(g->attached & ~g->up);
}

static json_t *peer_json(const struct tk_remote *r)
{
	return json_pack("{s:o,s:o}", "peer", tk_sockaddr_json(&r->addr), "cipher",
			 tk_cipher_json(r->sess && r->sess->has_cur ? r->sess->cur.cipher : 0));
}

/* A version 2 peer's key (base64) and name. */
static json_t *peer_id(const struct tk_tunnel *t, const struct tk_remote *r)
{
	const struct tk_peer_conf *c = &t->set->v[r->id];
	char b64[sodium_base64_ENCODED_LEN(TK_KEY_LEN, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), c->pub, TK_KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
	return json_pack("{s:s,s:s?}", "public_key", b64, "name", c->name[0] ? c->name : NULL);
}

void tk_workers_peer(struct tk_tunnel *t, struct tk_remote *r, bool up, const char *why)
{
	json_t *ev = peer_id(t, r);

	if (up)
		json_object_update_new(ev, peer_json(r));
	else
		json_object_set_new(ev, "reason", json_string(why));
	tk_tunnel_event(t, up ? "peer_up" : "peer_down", ev);
}

/* One worker: its session is the tunnel's. */
static void session_one(struct tk_tunnel *t, struct tk_remote *r, enum tk_session_change c,
			const char *why)
{
	if (c == TK_SESSION_UP)
		tk_tunnel_event(t, "session_up", peer_json(r));
	else if (c == TK_SESSION_REKEYED)
		tk_tunnel_event(t, "rekeyed",
				json_pack("{s:I}", "sessions",
					  (json_int_t)(r->sess ? r->sess->sessions : 0)));
	else
		tk_tunnel_event(t, "session_down", json_pack("{s:s}", "reason", why));
}

void tk_workers_session(struct tk_tunnel *t, struct tk_remote *r, enum tk_session_change c,
			const char *why)
{
	struct tk_group *g = t->group;
	uint32_t bit = 1u << t->worker;
	bool was;

	if (!g) {
		session_one(t, r, c, why);
		return;
	}
	/* under the lock, so every worker sees the tunnel's changes in one order */
	pthread_mutex_lock(&g->lock);
	was = whole_up(g);
	if (c != TK_SESSION_DOWN)
		g->sessions++;
	if (c == TK_SESSION_UP) {
		g->up |= bit;
		tk_tunnel_event(t, "worker_up", peer_json(r));
	} else if (c == TK_SESSION_REKEYED) {
		tk_tunnel_event(t, "rekeyed", json_pack("{s:I}", "sessions", (json_int_t)g->sessions));
	} else {
		g->up &= ~bit;
		tk_tunnel_event(t, "worker_down", json_pack("{s:s}", "reason", why));
	}
	/* the queue came and went with the session (loop.c) */
	if (t->detached)
		g->attached &= ~bit;
	else
		g->attached |= bit;
	if (!was && whole_up(g)) {
		json_t *ev = peer_json(r);

		g->since = tk_now();
		json_object_set_new(ev, "workers_up", json_integer(__builtin_popcount(g->up)));
		tk_tunnel_event_whole(t, "session_up", ev);
	} else if (was && !whole_up(g)) {
		g->since = 0;
		tk_tunnel_event_whole(t, "session_down",
				      json_pack("{s:s,s:i}", "reason", why ? why : "worker",
						"workers_up", __builtin_popcount(g->up)));
	}
	pthread_mutex_unlock(&g->lock);
}

static void *worker_main(void *arg)
{
	struct tk_tunnel *t = arg;
	struct tk_group *g = t->group;
	int r = tk_loop_run(t);

	pthread_mutex_lock(&g->lock);
	publish_locked(t);
	g->ended[t->worker] = true;
	pthread_cond_broadcast(&g->published);
	/* ending without being told to: the tunnel ends with it */
	if (!g->stop && !g->err)
		g->err = r ? r : -EIO;
	pthread_mutex_unlock(&g->lock);
	tk_workers_poke(g->w[0]);
	return NULL;
}

static void stop_all(struct tk_group *g, unsigned started)
{
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 1; i < started; i++) {
		tk_workers_poke(g->w[i]);
		pthread_join(g->tid[i], NULL);
	}
}

int tk_workers_run(struct tk_tunnel **w, unsigned n)
{
	struct tk_group g = { .n = n };
	pthread_condattr_t ca;
	unsigned started = 1;
	sigset_t set;
	int r = 0;

	if (n <= 1)
		return tk_loop_run(w[0]);
	if (n > TK_WORKERS_MAX)
		return -EINVAL;
	pthread_mutex_init(&g.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* a clock set back does not stall it */
	pthread_cond_init(&g.published, &ca);
	pthread_condattr_destroy(&ca);
	g.attached = 1; /* worker 0's queue; the others join with their sessions */
	for (unsigned i = 0; i < n; i++) {
		g.w[i] = w[i];
		w[i]->group = &g;
		w[i]->worker = i;
		w[i]->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w[i]->wake_fd < 0)
			r = -errno;
	}
	/* the threads inherit the mask: only worker 0's signalfd sees the signals */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (!r)
		r = -pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!r && started < n) {
		r = -pthread_create(&g.tid[started], NULL, worker_main, w[started]);
		if (!r)
			started++; /* only a thread that exists is joined */
	}
	if (!r)
		r = tk_loop_run(w[0]);
	stop_all(&g, started);
	for (unsigned i = 0; i < n; i++) {
		if (w[i]->wake_fd >= 0)
			close(w[i]->wake_fd);
		w[i]->wake_fd = -1;
		w[i]->group = NULL;
	}
	for (unsigned i = 0; i < n; i++)
		tk_peer_snaps_free(&g.peers[i]);
	tk_peer_set_unref(g.set);
	pthread_cond_destroy(&g.published);
	pthread_mutex_destroy(&g.lock);
	return r;
}
