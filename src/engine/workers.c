/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workers of one tunnel (workers.h): threads, waking them through an eventfd, and the little
 * they tell each other under the group's lock: snapshots, SIGHUP's settings, the end.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

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

void tk_workers_snap(const struct tk_tunnel *t, struct tk_snap *s)
{
	s->st = t->st;
	s->session_up = t->session_up;
	s->have_peer = t->have_peer;
	s->attached = !t->detached;
	s->peer = t->peer;
	s->sessions = t->sess.sessions;
	s->coalesced = t->gro_q ? t->gro_q->coalesced : 0;
	s->cipher = t->sess.has_cur ? t->sess.cur.cipher : 0;
}

void tk_workers_publish(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;

	if (!g || !t->worker)
		return;
	pthread_mutex_lock(&g->lock);
	tk_workers_snap(t, &g->snap[t->worker]);
	pthread_mutex_unlock(&g->lock);
}

void tk_workers_reload(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	memcpy(g->psk, t->sess.psk, TK_KEY_LEN);
	g->keepalive = t->keepalive;
	g->rekey_after_ns = t->sess.rekey_after_ns;
	g->rekey_after_msgs = t->sess.rekey_after_msgs;
	g->gen++;
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 1; i < g->n; i++)
		tk_workers_poke(g->w[i]);
}

int tk_workers_woken(struct tk_tunnel *t)
{
	struct tk_group *g = t->group;
	uint64_t v;
	int r = 0;

	if (read(t->wake_fd, &v, sizeof(v)) < 0)
		return 0;
	pthread_mutex_lock(&g->lock);
	if (!t->worker) {
		r = g->err ? g->err : -EIO;
	} else if (g->stop) {
		r = 1;
	} else if (t->seen_gen != g->gen) {
		t->seen_gen = g->gen;
		tk_peer_set_key(&t->sess, g->psk);
		t->keepalive = g->keepalive;
		t->sess.rekey_after_ns = g->rekey_after_ns;
		t->sess.rekey_after_msgs = g->rekey_after_msgs;
	}
	pthread_mutex_unlock(&g->lock);
	return r;
}

static void *worker_main(void *arg)
{
	struct tk_tunnel *t = arg;
	struct tk_group *g = t->group;
	int r = tk_loop_run(t);

	tk_workers_publish(t);
	pthread_mutex_lock(&g->lock);
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
	unsigned started = 1;
	sigset_t set;
	int r = 0;

	if (n <= 1)
		return tk_loop_run(w[0]);
	if (n > TK_WORKERS_MAX)
		return -EINVAL;
	pthread_mutex_init(&g.lock, NULL);
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
	pthread_mutex_destroy(&g.lock);
	return r;
}
