/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tunnel with one worker per core: the device has one queue per worker (IFF_MULTI_QUEUE),
 * and each worker is a whole tunnel of its own (struct tk_tunnel) on its own thread, with its
 * own queue fd, UDP socket, sessions, counters and timers.  Nothing on the data path is
 * shared, so nothing is locked there.  Flows stay on one path: the kernel hands each flow of
 * the device to one queue, and each worker's frames travel between one pair of UDP ports;
 * on the listening side the workers share the port (SO_REUSEPORT) and a socket filter picks
 * the worker by the lane in the frame's session index (tk_peer.lane).
 *
 * Worker 0 runs on the caller's thread and keeps the signals and the control socket; the
 * others publish a snapshot of their state five times a second for it.  A worker whose
 * session is down takes its queue off the device, so the kernel moves its flows to the
 * others instead of dropping them.
 */
#ifndef TK_ENGINE_WORKERS_H
#define TK_ENGINE_WORKERS_H

#include <pthread.h>

#include "engine/tunnel.h"

#define TK_WORKERS_MAX 16 /* the lanes a session index can name */

/* What worker 0 reads of the others (the control socket's answer). */
struct tk_worker_snap {
	struct tk_stats st;
	bool session_up, have_peer, attached;
	struct sockaddr_storage peer;
	uint64_t sessions, coalesced;
	unsigned cipher;       /* 0 without a session */
	double last_handshake; /* Unix time, 0 never */
};

/* One peer as one worker sees it (version 2), for the state's "peers". */
struct tk_peer_snap {
	bool up, have_addr;
	struct sockaddr_storage addr;
	double last_handshake;
	uint64_t sessions, tx_packets, tx_bytes, rx_packets, rx_bytes, spoofed;
};

/* A worker's peers: the set they belong to (a reference) and one snapshot each. */
struct tk_peer_snaps {
	struct tk_peer_set *set;
	struct tk_peer_snap *v;
	size_t cap;
};

struct tk_group {
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t published; /* a worker answered a snapshot request, or ended */
	struct tk_tunnel *w[TK_WORKERS_MAX];
	unsigned n;
	pthread_t tid[TK_WORKERS_MAX];
	int err;  /* the first worker that ended on its own: its -errno */
	bool stop;
	/* SIGHUP's settings, applied by each worker when gen moves */
	unsigned gen;
	uint8_t psk[TK_KEY_LEN];
	unsigned keepalive;
	uint64_t rekey_after_ns, rekey_after_msgs;
	struct tk_peer_set *set; /* version 2: the peers (a reference) */
	/* snapshots: worker 0 raises snap_req, each worker answers with its snap and snap_gen */
	struct tk_worker_snap snap[TK_WORKERS_MAX];
	struct tk_peer_snaps peers[TK_WORKERS_MAX];
	unsigned snap_req, snap_gen[TK_WORKERS_MAX];
	bool ended[TK_WORKERS_MAX];
	/* the tunnel as a whole: which workers have a session and a queue on the device, since
	 * when every queue on the device has a session (0: not now), sessions made by all */
	uint32_t up, attached;
	double since;
	uint64_t sessions;
};

/* The workers the CPUs this process may run on allow (1 to TK_WORKERS_MAX). */
unsigned tk_workers_auto(void);

/*
 * Runs w[0..n) (n >= 1; set up as for tk_loop_run, worker and lane numbered) until SIGINT or
 * SIGTERM (0) or the first fatal error of any worker (-errno).  Every worker is stopped
 * and joined before it returns; closing them is the caller's.
 */
int tk_workers_run(struct tk_tunnel **w, unsigned n);

/* t's state as a snapshot (worker 0 reads its own this way, unlocked). */
void tk_workers_snap(const struct tk_tunnel *t, struct tk_worker_snap *s);
/* t's peers into ps (a reference to t's set); 0 or -ENOMEM. */
int tk_workers_peer_snaps(struct tk_tunnel *t, struct tk_peer_snaps *ps);
void tk_peer_snaps_free(struct tk_peer_snaps *ps);
/* Worker 0: a new peer set for every worker (after SIGHUP or a control socket request);
 * worker 0 has taken it already.  The others take it when they wake. */
void tk_workers_peers(struct tk_tunnel *t);
/* Worker > 0: copy its state for worker 0.  Worker 0: after SIGHUP, hand its settings over. */
void tk_workers_publish(struct tk_tunnel *t);
void tk_workers_reload(struct tk_tunnel *t);
/* Worker 0, before it reads the snapshots: asks every worker for a fresh one and waits for
 * their answers (200 ms at most; a worker that does not answer in time leaves its last). */
void tk_workers_refresh(struct tk_tunnel *t);
/* Wakes the worker: it applies new settings, answers a snapshot request, or stops.
 * 0 or -errno. */
int tk_workers_poke(const struct tk_tunnel *t);
/* A worker woke: 1 to stop, else 0 (settings applied); worker 0: the error that ended one,
 * else 0. */
int tk_workers_woken(struct tk_tunnel *t);

/*
 * The tunnel as a whole, after worker t's session came up, was replaced by a new one, or
 * went down (why: the reason), its queue already on or off the device: updates the group's
 * masks and session count and reports the change.  With one worker that is "session_up" / "session_down" (and "rekeyed" for a new session on a
 * session that was up); with several, each worker's own change is "worker_up" /
 * "worker_down" / "rekeyed" with its number, and "session_up" / "session_down" say when
 * the tunnel as a whole starts and stops carrying every flow: every queue on the device
 * belongs to a worker with a session.
 */
enum tk_session_change { TK_SESSION_UP, TK_SESSION_REKEYED, TK_SESSION_DOWN };
void tk_workers_session(struct tk_tunnel *t, struct tk_remote *r, enum tk_session_change c,
			const char *why);
/* Version 2: peer r's session came up or went down (why): "peer_up" / "peer_down" with the
 * peer's key and name, from whichever worker. */
void tk_workers_peer(struct tk_tunnel *t, struct tk_remote *r, bool up, const char *why);

#endif
