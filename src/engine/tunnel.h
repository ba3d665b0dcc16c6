/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel engine's state and entry points: one device fd, one underlay
 * socket, signals, timers and the control socket, run by tk_loop_run().
 * The engine never prints: it reports events through a callback and
 * returns 0 or -errno.  Buffers (struct tk_pkt) keep headroom and tailroom
 * so frames are sealed in place, and live apart from the I/O loop so
 * batching (recvmmsg/sendmmsg, GSO/GRO) can replace packet-at-a-time later.
 */
#ifndef TK_ENGINE_TUNNEL_H
#define TK_ENGINE_TUNNEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "engine/ik.h"
#include "engine/itab.h"
#include "engine/offload.h"
#include "engine/peer.h"
#include "engine/peers.h"

#define TK_PKT_HEADROOM 64
#define TK_PKT_MAX 65535
#define TK_PKT_TAILROOM 64

struct tk_pkt {
	uint8_t buf[TK_PKT_HEADROOM + TK_PKT_MAX + TK_PKT_TAILROOM];
};

enum tk_transport { TK_TR_UDP, TK_TR_TCP };

/*
 * Frames sealed from a burst of device reads, laid out back to back so one system call
 * sends them all: over UDP one GSO send (UDP_SEGMENT) for a run of equal-size frames (the
 * last may be shorter), over TCP one write of length-prefixed frames.
 */
#define TK_TXQ_SIZE 65000 /* one UDP GSO send: under the 65507-byte datagram limit */
struct tk_remote;

struct tk_txq {
	uint8_t buf[TK_TXQ_SIZE];
	size_t off;		/* bytes queued */
	size_t seg;		/* UDP: the frame size of the run */
	unsigned n;		/* frames queued */
	bool closed;		/* UDP: a shorter frame ended the run */
	uint64_t pkts, bytes;	/* the packets in it, counted once sent */
	struct tk_remote *to;	/* the peer they go to */
};

struct tk_stats {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t auth_failures, replays, keepalives_tx, keepalives_rx, oversize;
	uint64_t tx_dropped; /* read from the device, not sent: no session or peer, a send error */
	int last_tx_error;   /* errno of the last failed send, 0 none */
	uint64_t handshakes_tx, handshakes_rx; /* initiations sent, answered */
	uint64_t segmented; /* super-packets read from the device and cut into packets */
	uint64_t wrong_worker; /* initiations for another worker's lane, refused */
	/* version 2 */
	uint64_t no_route;    /* packets from the device to an address no peer has */
	uint64_t spoofed;     /* packets from a peer with a source outside its addresses */
	uint64_t unknown_peer; /* initiations that authenticated, from a key not configured */
	uint64_t cookies_tx, cookies_rx; /* cookie replies sent (under load), received */
	uint64_t ratelimited; /* initiations dropped under load, their source over its rate */
};

struct tk_group; /* engine/workers.h: the workers of one tunnel */

/* A hub's TCP connection (engine/hub-tcp.c): nobody's (r NULL) until an initiation on it
 * was answered. */
struct tk_conn {
	int fd;
	uint8_t *buf; /* the stream, up to a whole frame */
	size_t len;
	struct tk_remote *r;
	double since;
	struct sockaddr_storage from;
	socklen_t flen;
};

/* A control socket connection waiting for its request line (engine/ctl.c). */
#define TK_CTL_CONNS 8
struct tk_ctl_conn {
	int fd; /* -1: free */
	size_t len;
	double since;
	char buf[4096];
};

/*
 * One peer of the tunnel, as one worker sees it: where its frames go, its sessions, its
 * timers.  A point-to-point tunnel has exactly one (t->one).  The sessions are allocated
 * when the first handshake needs them, so a peer that never connected costs little.
 */
struct tk_remote {
	struct tk_peer *sess;	      /* handshake and sessions; NULL until the first handshake */
	struct sockaddr_storage addr; /* connect: the peer; listen: learnt from its frames */
	socklen_t addr_len;
	bool have_addr, session_up;
	bool fresh_handshake;	      /* connect side: a new TCP connection wants one */
	double session_since, last_rx, last_tx, last_handshake;
	double unanswered;	      /* first frame sent since the last one received, 0 none */
	double last_probe;
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	/* version 2: the peer's place in t->set, the latest initiation time stamp it sent
	 * (replay protection), its packets with a source outside its addresses */
	uint32_t id;
	uint8_t last_ts[TK_IK_TAI64N_LEN];
	bool has_ts;
	uint64_t spoofed;
	struct tk_conn *conn; /* a TCP hub: its connection, or NULL */
};

struct tk_tunnel {
	/* configuration, set before tk_loop_run */
	bool listen;
	enum tk_transport transport;
	unsigned keepalive;	      /* seconds, 0 off */
	const char *key_path;	      /* re-read on SIGHUP */
	const char *ctl_path;	      /* control socket, or NULL */
	void (*event)(void *arg, json_t *ev); /* takes the reference */
	void *event_arg;
	/* SIGHUP, before the key is read again: the caller may change key_path,
	 * keepalive and the session limits (rekey_after_*) */
	void (*reload)(void *arg, struct tk_tunnel *t);
	void *reload_arg;
	/* a control socket request other than the state: the answer (new object), or NULL for
	 * an op it does not know */
	json_t *(*request)(void *arg, struct tk_tunnel *t, const char *op, const json_t *req);
	void *request_arg;
	/* what a peer's sessions are made with (tk_remote_sess) */
	uint8_t psk[TK_KEY_LEN];      /* the shared key */
	unsigned ciphers;	      /* TK_CIPHER_* this side allows */
	uint64_t rekey_after_ns, rekey_after_msgs; /* 0: the defaults */

	/* version 2 (engine/hub.c): this side's key pair, the peers (each worker holds its own
	 * reference, and rem[i] is set->v[i] as this worker sees it), the session indexes of
	 * all of them, and what the answers under load need */
	const struct tk_ik_static *me; /* NULL: version 1, one peer (t->one) with t->psk */
	struct tk_peer_set *set;
	struct tk_remote **rem;
	struct tk_itab itab;
	uint8_t cookie_secret[32];
	double cookie_secret_at, load_since, under_load_until;
	unsigned load_count;
	struct tk_rate *rate;	      /* initiations per source address, under load */
	struct tk_conn **conns;	      /* a TCP hub's connections */
	size_t nconns;
	struct tk_conn *cur_conn;     /* the one being read */

	/* state */
	int tun_fd, sock_fd, lsock_fd, sig_fd, timer_fd, ctl_fd, ep_fd;
	struct tk_ctl_conn ctl_conn[TK_CTL_CONNS];
	bool ctl_paused; /* every connection busy: ctl_fd out of the epoll set (ctl.c) */
	struct tk_remote one;	      /* version 1: the peer */
	bool session_up;	      /* a peer has a session: the worker carries traffic */
	size_t nup;		      /* how many of its peers have one */
	struct tk_stats st;
	double started;
	unsigned retry;		      /* connect side: TCP reconnect backoff step */
	double next_reconnect;
	unsigned log_budget;	      /* rate limit of bad-packet log lines */
	double log_window;
	/* tcp: the stream reassembly buffer */
	uint8_t *rbuf;
	size_t rlen;
	/* tcp listener: a new connection waits here until a frame of it
	 * authenticates, so a stranger cannot push the peer's connection out */
	int pend_fd;
	uint8_t *pbuf;
	size_t plen;
	struct sockaddr_storage pend_peer;
	socklen_t pend_len;
	uint64_t auth_ok; /* frames that authenticated, ever */
	struct tk_pkt *pkt;
	struct tk_txq *txq;
	bool no_offload;	/* --no-offload: one datagram per system call */
	bool shared_port;	/* UDP listener: the workers bind one port (SO_REUSEPORT) */
	bool gso, gro;		/* UDP segmentation offload on send, coalescing on receive */
	bool tap;		/* the device carries Ethernet frames */
	bool vnet, tso, uso;	/* the device fd has virtio-net headers; TSO, USO offloads on */
	struct tk_gro *gro_q;	/* with vnet: the peer's TCP segments glued into super-packets */
	/* workers (engine/workers.h): one per device queue, each with its own socket, sessions
	 * and lane; worker 0 runs on the caller's thread with the signals and the control
	 * socket, the others are woken through wake_fd */
	unsigned worker;
	struct tk_group *group;	/* NULL: the only worker */
	int wake_fd;		/* eventfd: worker 0, a worker ended; others, stop or reload */
	unsigned seen_gen;	/* the group's settings generation applied */
	bool detached;		/* worker > 0: its queue is off the device while no session is up */
};

/* r's sessions, made (with t's key, ciphers, limits and lane) on first use: NULL when out
 * of memory. */
struct tk_peer *tk_remote_sess(struct tk_tunnel *t, struct tk_remote *r);
/* Frees r's sessions (wiped). */
void tk_remote_free(struct tk_remote *r);
/* After t's key or session limits changed: the peers' next sessions use them. */
void tk_tunnel_settings(struct tk_tunnel *t);
/* r's session is over (why: "timeout", "expired", "connection lost"). */
void tk_loop_session_down(struct tk_tunnel *t, struct tk_remote *r, const char *why);

/* Now in seconds (CLOCK_REALTIME with microseconds) and on the monotonic clock (seconds,
 * nanoseconds). */
double tk_now(void);
double tk_mono(void);
uint64_t tk_mono_ns(void);

/* The bytes a packet costs on the underlay beyond itself: IP (family), UDP or TCP (with
 * options), the frame's header and tag, and 14 for a tap's Ethernet header. */
int tk_tunnel_overhead(int family, enum tk_transport tr, bool tap);

/* Prepares fds to -1 and the counters; call before anything else. */
void tk_tunnel_init(struct tk_tunnel *t);
/* Closes what is open and removes the control socket. */
void tk_tunnel_close(struct tk_tunnel *t);

/*
 * Runs until SIGINT/SIGTERM (returns 0) or a fatal error: -EBADFD/-EIO when
 * the device went away, other -errno from the kernel.  tun_fd and the
 * socket (tk_udp_open / tk_tcp_open) are set up before.
 */
int tk_loop_run(struct tk_tunnel *t);

/* Emits {"event": type, "time": now, ...more} through t->event ("worker": N too when there
 * are several); safe from any worker's thread. */
void tk_tunnel_event(struct tk_tunnel *t, const char *type, json_t *more);
/* The same for an event of the tunnel as a whole: never with "worker". */
void tk_tunnel_event_whole(struct tk_tunnel *t, const char *type, json_t *more);

/* A TK_CIPHER_* by name ("aes-256-gcm", "chacha20-poly1305"); 0 is null. */
json_t *tk_cipher_json(unsigned c);

/* The tunnel's session as a whole: every queue on the device belongs to a worker with a
 * session (up), since when (Unix time), and how many workers have one. */
struct tk_tunnel_whole {
	bool up;
	unsigned workers_up;
	double since;
};
struct tk_worker_snap;

/* The state as the control socket answers it (new object), from fresh snapshots of every
 * worker: the tunnel's session as a whole, every worker's counters summed, each worker in
 * "workers".  Worker 0 only. */
json_t *tk_tunnel_state(struct tk_tunnel *t);
/* The same from the snapshots w[0..n) and the whole (pure: the unit tests' entry). */
json_t *tk_tunnel_state_of(const struct tk_tunnel *t, const struct tk_worker_snap *w,
			   unsigned n, const struct tk_tunnel_whole *whole, double now);

/* Underlay transports.  bind is for --listen, peer for --connect. */
int tk_udp_open(struct tk_tunnel *t, const struct sockaddr *bind, socklen_t blen);
int tk_udp_send_to(struct tk_tunnel *t, const uint8_t *frame, size_t len,
		   const struct sockaddr_storage *to);
/* Sends len bytes of frames of seg bytes each (the last may be shorter) to to, in one GSO
 * call when t->gso, else one datagram per frame.  0 or -errno. */
int tk_udp_send_batch(struct tk_tunnel *t, const struct sockaddr_storage *to, const uint8_t *buf,
		      size_t len, size_t seg);
/* Reads one datagram, or with t->gro a run of coalesced ones of *seg bytes each (the last
 * may be shorter; *seg is the length when there is one), into buf; returns the total
 * length, -EAGAIN, or -errno. */
int tk_udp_recv(struct tk_tunnel *t, uint8_t *buf, size_t size, struct sockaddr_storage *from,
		socklen_t *flen, size_t *seg);
/* The listening workers' sockets are bound, in worker order: steer each frame to the worker
 * of its lane (call on any one of them).  0 or -errno. */
int tk_udp_steer(struct tk_tunnel *t);
/* The path MTU toward the peer (route or device), or -errno. */
int tk_udp_path_mtu(const struct sockaddr *peer, socklen_t plen);

int tk_tcp_listen(struct tk_tunnel *t, const struct sockaddr *bind, socklen_t blen);
int tk_tcp_connect(struct tk_tunnel *t);
/* Accepts a connection: the current one if there is none, else the pending
 * one (replacing an earlier pending one). */
int tk_tcp_accept(struct tk_tunnel *t);
/* Reads the pending connection: promoted to current once a frame of it
 * authenticates, closed on garbage.  0 or -errno (fatal, as tk_tcp_recv). */
int tk_tcp_pending(struct tk_tunnel *t, int (*deliver)(struct tk_tunnel *, uint8_t *, size_t));
int tk_tcp_send(struct tk_tunnel *t, uint8_t *frame, size_t len);
/* Writes already length-prefixed frames in one call; a short write drops the connection. */
int tk_tcp_send_raw(struct tk_tunnel *t, const uint8_t *buf, size_t len);
/* Reads what is there and calls deliver for each whole frame; -errno when the
 * connection is lost or sent garbage (the caller drops it). */
int tk_tcp_recv(struct tk_tunnel *t, int (*deliver)(struct tk_tunnel *, uint8_t *, size_t));
void tk_tcp_drop(struct tk_tunnel *t);

/*
 * Version 2, many peers (engine/hub.c).  tk_hub_apply: this worker takes set (a reference
 * of its own), keeping the sessions of every peer whose key and pre-shared key are the same
 * in it; peers no longer there end at once.  0 or -ENOMEM (nothing changed).  tk_hub_route:
 * the peer a packet from the device goes to (the longest prefix of its destination), or
 * NULL.  tk_hub_source_ok: whether a packet from r may have its source.  tk_hub_find: the
 * peer a frame is for, by its receiver index.  tk_hub_initiation: an initiation read,
 * answered (or a cookie reply when under load).  tk_hub_free: everything above.
 */
struct tk_rate;
int tk_hub_apply(struct tk_tunnel *t, struct tk_peer_set *set);
/*
 * A hub over TCP (engine/hub-tcp.c): accept a connection; the one of fd (or NULL); read what
 * it sent (closing it on garbage, end of file, or a first frame that is not an initiation
 * answered); close the connections that never said who they are; close all.  tk_hub_tcp_fd:
 * where frames to r go (the connection being read, else r's; -1 when it has none).
 * tk_hub_tcp_write: frames onto fd, whole or the connection ends.
 */
int tk_hub_tcp_accept(struct tk_tunnel *t);
struct tk_conn *tk_hub_tcp_find(const struct tk_tunnel *t, int fd);
int tk_hub_tcp_read(struct tk_tunnel *t, struct tk_conn *c);
void tk_hub_tcp_expire(struct tk_tunnel *t, double now);
/* r goes: its connection is closed (after its session went down). */
void tk_hub_tcp_forget(struct tk_tunnel *t, struct tk_remote *r);
void tk_hub_tcp_free(struct tk_tunnel *t);
int tk_hub_tcp_fd(const struct tk_tunnel *t, const struct tk_remote *r);
int tk_hub_tcp_write(struct tk_tunnel *t, int fd, const uint8_t *buf, size_t len);
struct tk_remote *tk_hub_route(struct tk_tunnel *t, const uint8_t *pkt, size_t len);
bool tk_hub_source_ok(const struct tk_tunnel *t, const struct tk_remote *r, const uint8_t *pkt,
		      size_t len);
struct tk_remote *tk_hub_find(struct tk_tunnel *t, const uint8_t *f, size_t len);
struct tk_remote *tk_hub_initiation(struct tk_tunnel *t, uint8_t *f, size_t len,
				    const struct sockaddr_storage *from, socklen_t flen);
void tk_hub_free(struct tk_tunnel *t);
/* The state's "peers" (engine/hub-state.c): each peer with its counters summed over the
 * workers (worker 0, after tk_workers_refresh); one peer's configuration.  New objects. */
json_t *tk_hub_peers_json(struct tk_tunnel *t);
json_t *tk_hub_conf_json(const struct tk_peer_conf *c);
/* The number of peers this worker holds (1 for version 1) and the i-th. */
size_t tk_tunnel_npeers(const struct tk_tunnel *t);
struct tk_remote *tk_tunnel_peer(struct tk_tunnel *t, size_t i);

/* For engine/hub.c: a frame onto the underlay to r or to to (loop.c's put); a refused frame
 * counted (and reported, rate-limited) by its error. */
int tk_loop_put(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len,
		const struct sockaddr_storage *to);
void tk_loop_bad(struct tk_tunnel *t, int r, const struct sockaddr_storage *from, const char *why);
/* A frame for peer r (loop.c): 0, or -errno when fatal. */
int tk_loop_deliver_to(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len,
		       const struct sockaddr_storage *from, socklen_t flen);

/* Control socket (engine/ctl.c): create at ctl_path; accept a connection; read what a
 * connection sent and answer once its request line is whole; close the connections that
 * said nothing for too long, or all of them. */
int tk_ctl_open(struct tk_tunnel *t);
void tk_ctl_accept(struct tk_tunnel *t);
struct tk_ctl_conn *tk_ctl_conn_of(struct tk_tunnel *t, int fd);
void tk_ctl_read(struct tk_tunnel *t, struct tk_ctl_conn *c);
void tk_ctl_expire(struct tk_tunnel *t, double now);
void tk_ctl_close(struct tk_tunnel *t);

#endif
