/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's state as a whole (engine/tunnel.c, engine/workers.c): the control socket's
 * object from the workers' snapshots, and the events a group of workers reports as their
 * sessions come and go.  No threads and no sockets: the group is set up by hand.
 */
#include <check.h>
#include <string.h>

#include "engine/sockaddr.h"
#include "engine/workers.h"
#include "suites.h"

static void snap(struct tk_worker_snap *w, bool up, uint64_t sessions, uint64_t tx,
		 const char *peer, double hs)
{
	socklen_t len;

	memset(w, 0, sizeof(*w));
	w->session_up = up;
	w->attached = up;
	w->sessions = sessions;
	w->st.tx_packets = tx;
	w->st.rx_packets = 2 * tx;
	w->st.handshakes_tx = sessions;
	w->cipher = up ? TK_CIPHER_CHACHA20POLY1305 : 0;
	w->last_handshake = hs;
	w->have_peer = peer != NULL;
	if (peer)
		ck_assert_int_eq(tk_sockaddr_parse(peer, false, &w->peer, &len), 0);
}

static json_int_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The traffic went through worker 1 only: the top level still tells it all. */
START_TEST(state_sums_workers)
{
	struct tk_tunnel t;
	struct tk_worker_snap w[2];
	struct tk_tunnel_whole whole = { true, 2, 1000.0 };
	json_t *o;

	tk_tunnel_init(&t);
	snap(&w[0], true, 1, 0, "198.51.100.1:5000", 1001.0);
	snap(&w[1], true, 4, 200, "198.51.100.1:5000", 1003.5);
	o = tk_tunnel_state_of(&t, w, 2, &whole, 1010.0);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_is_true(json_object_get(o, "session_up")));
	ck_assert_int_eq(num(o, "workers_up"), 2);
	ck_assert_int_eq(num(o, "sessions"), 5);
	ck_assert_int_eq(num(o, "tx_packets"), 200);
	ck_assert_int_eq(num(o, "rx_packets"), 400);
	ck_assert_int_eq(num(o, "handshakes_tx"), 5);
	ck_assert(json_real_value(json_object_get(o, "session_age")) == 10.0);
	ck_assert(json_real_value(json_object_get(o, "last_handshake")) == 1003.5);
	ck_assert_str_eq(json_string_value(json_object_get(o, "cipher")), "chacha20-poly1305");
	ck_assert_int_eq(json_array_size(json_object_get(o, "workers")), 2);
	ck_assert_int_eq(num(json_array_get(json_object_get(o, "workers"), 1), "sessions"), 4);
	json_decref(o);
}
END_TEST

/* Worker 0 lost its session, worker 1 has one: not up as a whole, worker 1 speaks. */
START_TEST(state_worker0_down)
{
	struct tk_tunnel t;
	struct tk_worker_snap w[2];
	struct tk_tunnel_whole whole = { false, 1, 0 };
	json_t *o;

	tk_tunnel_init(&t);
	t.listen = true;
	snap(&w[0], false, 1, 7, NULL, 0);
	snap(&w[1], true, 3, 5, "198.51.100.2:40001", 1002.0);
	o = tk_tunnel_state_of(&t, w, 2, &whole, 1010.0);
	ck_assert(json_is_false(json_object_get(o, "session_up")));
	ck_assert_int_eq(num(o, "workers_up"), 1);
	ck_assert(json_is_null(json_object_get(o, "session_age")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "peer")), "198.51.100.2:40001");
	ck_assert_str_eq(json_string_value(json_object_get(o, "cipher")), "chacha20-poly1305");
	ck_assert_int_eq(num(o, "tx_packets"), 12);
	json_decref(o);
}
END_TEST

/* Events of a group: collected as "type" or "type/worker" words. */
static char events[512];

static void on_event(void *arg, json_t *ev)
{
	const json_t *w = json_object_get(ev, "worker");
	size_t n = strlen(events);

	snprintf(events + n, sizeof(events) - n, "%s%s", n ? " " : "",
		 json_string_value(json_object_get(ev, "event")));
	n = strlen(events);
	if (w)
		snprintf(events + n, sizeof(events) - n, "/%lld", (long long)json_integer_value(w));
	json_decref(ev);
}

static struct tk_group g;
static struct tk_tunnel wk[2];

static void group_setup(void)
{
	memset(&g, 0, sizeof(g));
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.published, NULL);
	g.n = 2;
	g.attached = 1;
	for (unsigned i = 0; i < 2; i++) {
		tk_tunnel_init(&wk[i]);
		wk[i].group = &g;
		wk[i].worker = i;
		wk[i].detached = i > 0;
		wk[i].event = on_event;
		g.w[i] = &wk[i];
	}
	events[0] = '\0';
}

static void group_teardown(void)
{
	pthread_cond_destroy(&g.published);
	pthread_mutex_destroy(&g.lock);
}

/* A worker's session, its queue following it as loop.c moves it (worker 0's stays). */
static void change(unsigned i, enum tk_session_change c)
{
	if (i)
		wk[i].detached = c == TK_SESSION_DOWN;
	tk_workers_session(&wk[i], &wk[i].one, c, c == TK_SESSION_DOWN ? "timeout" : NULL);
}

START_TEST(events_whole)
{
	/* worker 1 first: its queue joins, worker 0's has no session yet: not up */
	change(1, TK_SESSION_UP);
	ck_assert_str_eq(events, "worker_up/1");
	change(0, TK_SESSION_UP);
	ck_assert_str_eq(events, "worker_up/1 worker_up/0 session_up");
	change(1, TK_SESSION_REKEYED);
	ck_assert_uint_eq(g.sessions, 3);
	/* worker 1 goes: its queue leaves, the tunnel still carries every flow */
	change(1, TK_SESSION_DOWN);
	ck_assert_str_eq(events, "worker_up/1 worker_up/0 session_up rekeyed/1 worker_down/1");
	ck_assert(g.since > 0);
	/* worker 0 goes while worker 1 is back: its queue's flows are lost, so down */
	change(1, TK_SESSION_UP);
	change(0, TK_SESSION_DOWN);
	ck_assert_str_eq(events, "worker_up/1 worker_up/0 session_up rekeyed/1 worker_down/1 "
				 "worker_up/1 worker_down/0 session_down");
	ck_assert(g.since == 0);
	ck_assert_uint_eq(g.up, 2);
}
END_TEST

START_TEST(events_one_worker)
{
	struct tk_tunnel t;

	tk_tunnel_init(&t);
	t.event = on_event;
	tk_workers_session(&t, &t.one, TK_SESSION_UP, NULL);
	tk_workers_session(&t, &t.one, TK_SESSION_REKEYED, NULL);
	tk_workers_session(&t, &t.one, TK_SESSION_DOWN, "expired");
	ck_assert_str_eq(events, "session_up rekeyed session_down");
}
END_TEST

Suite *suite_state(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("whole");
	TCase *ev = tcase_create("events");

	tcase_add_test(tc, state_sums_workers);
	tcase_add_test(tc, state_worker0_down);
	tcase_add_checked_fixture(ev, group_setup, group_teardown);
	tcase_add_test(ev, events_whole);
	tcase_add_test(ev, events_one_worker);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ev);
	return s;
}
