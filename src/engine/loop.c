/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's event loop: epoll over the device fd, the underlay socket(s),
 * a signalfd (SIGINT/SIGTERM end, SIGHUP re-reads config and key), a 200 ms
 * timerfd tick (handshakes with backoff, rekeying, probes and keepalives,
 * session expiry, TCP reconnects) and the control socket.  Sessions and
 * handshakes are engine/peer.c's; this file only moves frames and keeps
 * time.  Receive order for each frame: size and type, session, AEAD and
 * replay window, then roaming and timers, then the write to the device.
 * The device fd stays open for the tunnel's whole life, so a lost peer
 * never flaps the link.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine/tunnel.h"
#include "engine/sockaddr.h"
#include "engine/workers.h"

#define TICK_NS 200000000L
/* sent and heard nothing for this long: the session is down (the connecting side rehandshakes) */
#define TK_DEAD_SEC 2.5

static void count_bad(struct tk_tunnel *t, int r, const struct sockaddr_storage *from);

/* Rate limit of bad-packet reports: 5 per 10 seconds. */
static void report_bad(struct tk_tunnel *t, const char *why, const struct sockaddr_storage *from)
{
	double now = tk_mono();

	if (now - t->log_window > 10.0) {
		t->log_window = now;
		t->log_budget = 5;
	}
	if (!t->log_budget)
		return;
	t->log_budget--;
	tk_tunnel_event(t, "dropped", json_pack("{s:s,s:o}", "reason", why, "from",
						  tk_sockaddr_json(from)));
}

static uint64_t now_ns(void)
{
	return tk_mono_ns();
}

/* A TCP hub: one frame (with headroom for the length) onto r's connection, or the one being
 * read. */
static int tcp_hub_send(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len)
{
	int fd = tk_hub_tcp_fd(t, r);

	if (fd < 0)
		return -ENOTCONN;
	f[-2] = (uint8_t)(len >> 8);
	f[-1] = (uint8_t)len;
	return tk_hub_tcp_write(t, fd, f - 2, len + 2);
}

/* A frame onto the underlay (TCP needs TK_FRAMER_PREFIX bytes of headroom before it), to
 * r's address, or with to to there (a UDP answer). */
static int put(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len,
	       const struct sockaddr_storage *to)
{
	int e;

	if (t->transport == TK_TR_TCP && t->set && t->listen)
		e = tcp_hub_send(t, r, f, len);
	else if (t->transport == TK_TR_TCP)
		e = t->sock_fd < 0 ? -ENOTCONN : tk_tcp_send(t, f, len);
	else if (to)
		e = tk_udp_send_to(t, f, len, to);
	else
		e = r->have_addr ? tk_udp_send_to(t, f, len, &r->addr) : -ENOTCONN;
	if (!e && r)
		r->last_tx = tk_mono();
	else if (e && e != -ENOTCONN)
		t->st.last_tx_error = -e;
	return e;
}

int tk_loop_put(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len,
		const struct sockaddr_storage *to)
{
	return put(t, r, f, len, to);
}

/* Data and probes expect to hear from the peer soon (an answer, or its passive keepalive);
 * keepalives and handshake answers do not, or two peers would answer each other forever. */
static void expect_answer(struct tk_remote *r)
{
	if (!r->unanswered)
		r->unanswered = r->last_tx;
}

/* Seals the payload at frame + TK_FRAME_DATA_HDR and sends it to r. */
static int send_data(struct tk_tunnel *t, struct tk_remote *r, uint8_t *frame, size_t len,
		     size_t cap)
{
	size_t flen;
	int e;

	if (!r->have_addr || !r->sess)
		return -ENOTCONN;
	e = tk_peer_seal(r->sess, now_ns(), frame, len, cap, &flen);
	return e ? e : put(t, r, frame, flen, NULL);
}

/* An empty data frame; a probe carries one byte, TK_FRAME_PROBE, and asks for one back. */
static void send_keepalive(struct tk_tunnel *t, struct tk_remote *r, bool probe)
{
	uint8_t b[TK_PKT_HEADROOM + TK_FRAME_OVERHEAD + 16];
	uint8_t *f = b + TK_PKT_HEADROOM - TK_FRAME_DATA_HDR;

	f[TK_FRAME_DATA_HDR] = TK_FRAME_PROBE;
	if (send_data(t, r, f, probe ? 1 : 0, sizeof(b) - (size_t)(f - b)))
		return;
	t->st.keepalives_tx++;
	if (probe) {
		r->last_probe = r->last_tx;
		expect_answer(r);
	}
}

static void initiate(struct tk_tunnel *t, struct tk_remote *r)
{
	uint8_t b[TK_FRAMER_PREFIX + TK_FRAME_HS_MAX], ts[TK_IK_TAI64N_LEN];
	uint8_t *f = b + TK_FRAMER_PREFIX;
	size_t len = t->me ? TK_FRAME_IK_INIT_LEN : TK_FRAME_INIT_LEN;
	int e;

	r->fresh_handshake = false;
	if (!tk_remote_sess(t, r))
		return;
	if (t->me) {
		e = tk_tai64n(ts, tk_now());
		if (!e)
			e = tk_peer_initiate_v2(r->sess, now_ns(), ts, f);
	} else
		e = tk_peer_initiate(r->sess, now_ns(), f);
	if (!e && !put(t, r, f, len, NULL))
		t->st.handshakes_tx++;
}

/*
 * A worker's queue joins the device when its session comes up and leaves when it goes down,
 * so the kernel hands the flows to workers that can carry them.  Worker 0's stays: with
 * every session down, packets are counted as dropped there, as with one worker.
 */
static void queue_on(struct tk_tunnel *t, bool on)
{
	struct ifreq ifr = { .ifr_flags = on ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE };
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = t->tun_fd };

	if (!t->worker || t->detached == !on)
		return;
	if (!on)
		epoll_ctl(t->ep_fd, EPOLL_CTL_DEL, t->tun_fd, NULL);
	if (ioctl(t->tun_fd, TUNSETQUEUE, &ifr) < 0)
		return; /* the device is going away: the next read says so */
	t->detached = !on;
	if (on)
		epoll_ctl(t->ep_fd, EPOLL_CTL_ADD, t->tun_fd, &ev);
}

/* A peer's session came up (or was replaced): the peer's and, with the first, the
 * worker's (its queue joins the device). */
static void new_session(struct tk_tunnel *t, struct tk_remote *r)
{
	double now = tk_now();

	r->last_handshake = now;
	if (r->session_up) {
		tk_workers_session(t, r, TK_SESSION_REKEYED, NULL);
		return;
	}
	r->session_up = true;
	r->session_since = now;
	t->nup++;
	if (t->set)
		tk_workers_peer(t, r, true, NULL);
	if (t->session_up)
		return;
	t->session_up = true;
	queue_on(t, true);
	tk_workers_session(t, r, TK_SESSION_UP, NULL);
}

void tk_loop_session_down(struct tk_tunnel *t, struct tk_remote *r, const char *why)
{
	if (!r->session_up)
		return;
	r->session_up = false;
	t->nup--;
	if (t->set)
		tk_workers_peer(t, r, false, why);
	if (t->nup)
		return;
	t->session_up = false;
	queue_on(t, false);
	tk_workers_session(t, r, TK_SESSION_DOWN, why);
}

/* After authentication: roaming (the UDP listener follows the peer) and timers. */
static void authenticated(struct tk_tunnel *t, struct tk_remote *r,
			  const struct sockaddr_storage *from, socklen_t flen)
{
	r->last_rx = tk_mono();
	r->unanswered = 0;
	t->auth_ok++;
	if (from && t->listen && (!r->have_addr || !tk_sockaddr_equal(from, &r->addr))) {
		bool had = r->have_addr;

		memcpy(&r->addr, from, flen);
		r->addr_len = flen;
		r->have_addr = true;
		if (had)
			tk_tunnel_event(t, "peer_changed",
					json_pack("{s:o}", "peer", tk_sockaddr_json(&r->addr)));
	}
}

void tk_loop_bad(struct tk_tunnel *t, int r, const struct sockaddr_storage *from, const char *why)
{
	if (why) {
		t->st.auth_failures++;
		report_bad(t, why, from);
		return;
	}
	count_bad(t, r, from);
}

static void count_bad(struct tk_tunnel *t, int r, const struct sockaddr_storage *from)
{
	if (r == -EXDEV) {
		t->st.wrong_worker++; /* the peer has more workers than this side */
		return;
	}
	if (r == -EALREADY || r == -ESTALE) {
		t->st.replays++;
		report_bad(t, "replay", from);
		return;
	}
	t->st.auth_failures++;
	report_bad(t, r == -ENOPROTOOPT ? "no common cipher" : "authentication", from);
}

/* A packet (with its virtio-net header when t->vnet) onto the device: 0, or -errno when the
 * device is gone.  A packet the device refuses is lost, as on a wire. */
static int dev_write(void *arg, uint8_t *p, size_t len)
{
	struct tk_tunnel *t = arg;

	if (t->detached)
		return 0; /* a late packet of a session that went down */
	if (write(t->tun_fd, p, len) < 0 && (errno == EBADFD || errno == EIO || errno == ENXIO))
		return -errno;
	return 0;
}

/* One received frame (UDP datagram or TCP record); 0, or -errno when fatal.  The order:
 * size and type, session, AEAD and replay window (tk_peer_receive), then roaming and
 * timers, then the device. */
int tk_loop_deliver_to(struct tk_tunnel *t, struct tk_remote *r, uint8_t *f, size_t len,
		       const struct sockaddr_storage *from, socklen_t flen);

/* One frame for peer rm; 0, or -errno when fatal.  The order: size and type, session, AEAD
 * and replay window (tk_peer_receive), then roaming and timers, then the source check and
 * the device. */
int tk_loop_deliver_to(struct tk_tunnel *t, struct tk_remote *rm, uint8_t *f, size_t len,
		       const struct sockaddr_storage *from, socklen_t flen)
{
	uint8_t ans[TK_FRAMER_PREFIX + TK_FRAME_RESP_LEN];
	unsigned ev;
	size_t n;
	int r;

	r = tk_peer_receive(rm->sess, now_ns(), f, len, ans + TK_FRAMER_PREFIX, &n, &ev);
	if (r < 0) {
		count_bad(t, r, from ? from : &rm->addr);
		return 0;
	}
	if (r == TK_PEER_ANSWER) {
		/* an initiation proves nothing yet (it may be replayed): no roaming, no timers */
		t->st.handshakes_rx++;
		put(t, rm, ans + TK_FRAMER_PREFIX, n, from);
		return 0;
	}
	if (r == TK_PEER_COOKIE) {
		t->st.cookies_rx++; /* the peer is busy: the next initiation carries its cookie */
		return 0;
	}
	authenticated(t, rm, from, flen);
	if (ev & TK_PEER_EV_NEW_SESSION)
		new_session(t, rm);
	if (r == TK_PEER_SESSION) {
		send_keepalive(t, rm, false); /* confirms the session to the responder at once */
		return 0;
	}
	if (r == TK_PEER_KEEPALIVE || (n == 1 && f[TK_FRAME_DATA_HDR] == TK_FRAME_PROBE)) {
		t->st.keepalives_rx++;
		if (n == 1)
			send_keepalive(t, rm, false);
		return 0;
	}
	if (t->set && !tk_hub_source_ok(t, rm, f + TK_FRAME_DATA_HDR, n)) {
		t->st.spoofed++; /* another peer's address, or one nobody has */
		rm->spoofed++;
		return 0;
	}
	t->st.rx_packets++;
	t->st.rx_bytes += (uint64_t)n;
	rm->rx_packets++;
	rm->rx_bytes += (uint64_t)n;
	/* the frame's header is spent: its last bytes hold the virtio-net header */
	if (t->gro_q)
		return tk_gro_add(t->gro_q, f + TK_FRAME_DATA_HDR, n);
	return dev_write(t, f + TK_FRAME_DATA_HDR, n);
}

/* One received frame (UDP datagram or TCP record): to its peer; 0, or -errno when fatal. */
static int deliver_from(struct tk_tunnel *t, uint8_t *f, size_t len,
			const struct sockaddr_storage *from, socklen_t flen)
{
	struct tk_remote *rm;

	if (!t->set)
		return tk_loop_deliver_to(t, &t->one, f, len, from, flen);
	if (len && f[0] == TK_FRAME_IK_INIT && from) {
		tk_hub_initiation(t, f, len, from, flen);
		return 0;
	}
	rm = tk_hub_find(t, f, len);
	if (!rm || !rm->sess) {
		count_bad(t, -EBADMSG, from ? from : &t->one.addr);
		return 0;
	}
	return tk_loop_deliver_to(t, rm, f, len, from, flen);
}

/* On a stream, a frame that fails authentication means garbage: drop the connection. */
static int deliver_tcp(struct tk_tunnel *t, uint8_t *f, size_t len)
{
	uint64_t bad = t->st.auth_failures;
	int r = deliver_from(t, f, len, NULL, 0);

	return r ? r : t->st.auth_failures != bad ? -EBADMSG : 0;
}

static int on_sock(struct tk_tunnel *t)
{
	struct sockaddr_storage from;
	socklen_t flen;
	uint8_t *buf = t->pkt->buf + TK_PKT_HEADROOM - TK_FRAME_DATA_HDR;
	int n, r;

	if (t->transport == TK_TR_TCP) {
		r = tk_tcp_recv(t, deliver_tcp);
		if (r == -EBADFD || r == -EIO)
			return r;
		if (r < 0 && r != -EAGAIN) {
			report_bad(t, r == -EMSGSIZE ? "oversized frame" : "connection lost",
				   &t->one.addr);
			tk_tcp_drop(t);
		}
		return 0;
	}
	for (int i = 0; i < 64; i++) {
		size_t seg;

		flen = sizeof(from);
		n = tk_udp_recv(t, buf, TK_PKT_MAX, &from, &flen, &seg);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			continue; /* ICMP errors surface here: the peer may come back */
		/* with UDP_GRO one read holds a run of datagrams of seg bytes each */
		for (size_t off = 0; off < (size_t)n; off += seg) {
			size_t len = (size_t)n - off < seg ? (size_t)n - off : seg;

			r = deliver_from(t, buf + off, len, &from, flen);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Sends what the queue holds to its peer: one GSO send (UDP) or one write (TCP). */
static void flush(struct tk_tunnel *t)
{
	struct tk_txq *q = t->txq;
	struct tk_remote *r = q->to;
	int e;

	if (!q->n)
		return;
	if (t->transport == TK_TR_TCP && t->set && t->listen)
		e = r->conn ? tk_hub_tcp_write(t, r->conn->fd, q->buf, q->off) : -ENOTCONN;
	else if (t->transport == TK_TR_TCP)
		e = t->sock_fd < 0 ? -ENOTCONN : tk_tcp_send_raw(t, q->buf, q->off);
	else
		e = r->have_addr ? tk_udp_send_batch(t, &r->addr, q->buf, q->off, q->seg)
				 : -ENOTCONN;
	if (!e) {
		r->last_tx = tk_mono();
		expect_answer(r);
		t->st.tx_packets += q->pkts;
		t->st.tx_bytes += q->bytes;
		r->tx_packets += q->pkts;
		r->tx_bytes += q->bytes;
	} else {
		t->st.tx_dropped += q->pkts;
		t->st.last_tx_error = -e;
	}
	q->off = q->seg = q->n = 0;
	q->closed = false;
	q->pkts = q->bytes = 0;
}

/* Seals the packet at p for r into the queue, sending the queue first when the frame does
 * not belong to its run: another peer, a different size (UDP GSO wants equal frames, the
 * last may be shorter) or no room left. */
static void queue(struct tk_tunnel *t, struct tk_remote *r, const uint8_t *p, size_t n)
{
	struct tk_txq *q = t->txq;
	size_t pfx = t->transport == TK_TR_TCP ? TK_FRAMER_PREFIX : 0;
	size_t need = pfx + n + TK_FRAME_OVERHEAD, flen;
	uint8_t *f;

	if (q->n && (q->to != r || q->off + need > sizeof(q->buf) ||
		     (!pfx && (q->closed || n + TK_FRAME_OVERHEAD > q->seg))))
		flush(t);
	if (need > sizeof(q->buf)) {
		t->st.tx_dropped++; /* larger than a batch can hold (an MTU near 64 KiB) */
		return;
	}
	f = q->buf + q->off + pfx;
	if (!r->sess ||
	    tk_peer_seal_to(r->sess, now_ns(), f, p, n, sizeof(q->buf) - q->off - pfx, &flen)) {
		t->st.tx_dropped++; /* no session yet */
		return;
	}
	if (pfx) {
		f[-2] = (uint8_t)(flen >> 8);
		f[-1] = (uint8_t)flen;
	}
	if (!q->n) {
		q->seg = flen;
		q->to = r;
	} else if (flen < q->seg) {
		q->closed = true;
	}
	q->off += pfx + flen;
	q->n++;
	q->pkts++;
	q->bytes += n;
}

/* The peer a packet from the device goes to, or NULL (nobody to send to). */
static struct tk_remote *route(struct tk_tunnel *t, const uint8_t *p, size_t n)
{
	struct tk_remote *r = t->set ? tk_hub_route(t, p, n) : &t->one;

	if (!r || !r->have_addr)
		return NULL;
	if (t->transport == TK_TR_TCP && (t->set && t->listen ? !r->conn : t->sock_fd < 0))
		return NULL;
	return r;
}

struct segs {
	struct tk_tunnel *t;
	struct tk_remote *r;
};

static int queue_seg(void *arg, uint8_t *p, size_t len)
{
	struct segs *s = arg;

	queue(s->t, s->r, p, len);
	return 0;
}

/* A super-packet (virtio-net header, then up to 64 KB) cut into packets for the queue. */
static void split(struct tk_tunnel *t, struct tk_remote *r, uint8_t *p, size_t n)
{
	struct segs s = { t, r };
	struct virtio_net_hdr vh;

	if (n < TK_VNET_HDR_LEN) {
		t->st.tx_dropped++;
		return;
	}
	memcpy(&vh, p, sizeof(vh));
	if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		t->st.segmented++;
	if (tk_gso_split(p + TK_VNET_HDR_LEN, n - TK_VNET_HDR_LEN, &vh, t->tap, queue_seg, &s))
		t->st.tx_dropped++; /* a header that does not describe the packet */
}

/* One packet, one datagram (--no-offload). */
static void send_one(struct tk_tunnel *t, struct tk_remote *r, uint8_t *p, size_t n)
{
	if (!send_data(t, r, p - TK_FRAME_DATA_HDR, n, TK_PKT_MAX + TK_PKT_TAILROOM)) {
		expect_answer(r);
		t->st.tx_packets++;
		t->st.tx_bytes += (uint64_t)n;
		r->tx_packets++;
		r->tx_bytes += (uint64_t)n;
	} else {
		t->st.tx_dropped++;
	}
}

/* A burst of packets from the device, sealed into one batch per run; the last batch is sent
 * here, so nothing waits for the next burst.  With virtio-net headers a read is a
 * super-packet, read whole with its header into the headroom. */
static int on_tun(struct tk_tunnel *t)
{
	uint8_t *p = t->pkt->buf + TK_PKT_HEADROOM;
	size_t vlen = t->vnet ? TK_VNET_HDR_LEN : 0;
	struct tk_remote *r;
	int e = 0;

	for (int i = 0; i < 64; i++) {
		ssize_t n = t->vnet ? read(t->tun_fd, p - vlen, vlen + TK_GSO_MAX)
				    : read(t->tun_fd, p, TK_PKT_MAX - TK_FRAME_OVERHEAD);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			e = -errno;
			break;
		}
		r = n > (ssize_t)vlen ? route(t, p, (size_t)n - vlen) : NULL;
		if (!r)
			t->st.tx_dropped++; /* nobody to send to */
		else if (t->vnet)
			split(t, r, p - vlen, (size_t)n);
		else if (!t->no_offload)
			queue(t, r, p, (size_t)n);
		else
			send_one(t, r, p, (size_t)n);
	}
	flush(t);
	return e;
}

/* A new TCP connection of the connecting side: a new session, the old one may be the old
 * peer's. */
static void tcp_reconnect(struct tk_tunnel *t, double now)
{
	struct tk_remote *r = &t->one;

	t->retry = t->retry < 4 ? t->retry + 1 : 4;
	t->next_reconnect = now + (1u << t->retry) * 0.25;
	if (tk_tcp_connect(t))
		return;
	r->fresh_handshake = true;
	if (r->sess) {
		r->sess->hs_pending = false;
		r->sess->hs_tries = 0;
	}
	r->unanswered = 0;
}

/* r's timers, each tick: expiry, silence, handshakes, keepalives. */
static void tick_remote(struct tk_tunnel *t, struct tk_remote *r, uint64_t ns, double now)
{
	bool silent;

	if (r->sess && tk_peer_expire(r->sess, ns))
		tk_loop_session_down(t, r, "expired");
	/* sent something, heard nothing: ask once a second, give up on the session after
	 * TK_DEAD_SEC (the connecting side then starts a new handshake) */
	silent = r->unanswered && now - r->unanswered > TK_DEAD_SEC;
	if (silent)
		tk_loop_session_down(t, r, "timeout");
	else if (r->unanswered && now - r->unanswered >= 1.0 && now - r->last_probe >= 1.0)
		send_keepalive(t, r, true);
	if (r->have_addr && (t->transport == TK_TR_UDP || t->sock_fd >= 0) && tk_remote_sess(t, r) &&
	    tk_peer_want_initiate(r->sess, ns, silent || r->fresh_handshake))
		initiate(t, r);
	if (r->session_up && t->keepalive && now - r->last_tx >= t->keepalive)
		send_keepalive(t, r, true);
}

/* The 200 ms tick: handshakes, probes and keepalives, expiry, TCP reconnects. */
static void on_tick(struct tk_tunnel *t)
{
	uint64_t exp, ns = now_ns();
	double now = tk_mono();

	if (read(t->timer_fd, &exp, sizeof(exp)) < 0)
		return;
	if (t->transport == TK_TR_TCP && !t->listen && t->sock_fd < 0 &&
	    now >= t->next_reconnect)
		tcp_reconnect(t, now);
	for (size_t i = 0; i < tk_tunnel_npeers(t); i++)
		tick_remote(t, tk_tunnel_peer(t, i), ns, now);
	tk_ctl_expire(t, now);
	if (t->conns)
		tk_hub_tcp_expire(t, now);
	tk_workers_publish(t);
}

/* SIGINT/SIGTERM: 1 (stop); SIGHUP re-reads the key: 0. */
static int on_signal(struct tk_tunnel *t)
{
	struct signalfd_siginfo si;
	uint8_t key[TK_KEY_LEN];
	int r;

	if (read(t->sig_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo != SIGHUP)
		return 1;
	if (t->reload)
		t->reload(t->reload_arg, t);
	if (t->me) {
		/* version 2: the private key stays (the workers share it); the peers follow the
		 * configuration read again (t->reload) */
		tk_tunnel_settings(t);
		tk_workers_reload(t);
		return 0;
	}
	r = tk_crypto_key_read(t->key_path, key);
	if (r) {
		tk_tunnel_event(t, "key_reload_failed", json_pack("{s:s}", "error", strerror(-r)));
	} else {
		memcpy(t->psk, key, sizeof(key));
		sodium_memzero(key, sizeof(key));
		tk_tunnel_event(t, "key_reloaded", NULL);
	}
	tk_tunnel_settings(t); /* the key and limits into the sessions that follow */
	tk_workers_reload(t); /* the other workers take what worker 0 now has */
	return 0;
}

static int ep_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (fd < 0)
		return 0;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int setup(struct tk_tunnel *t)
{
	/* the first tick at once: a connecting side's first initiation leaves as soon as it can,
	 * not a tick later */
	struct itimerspec its = { { 0, TICK_NS }, { 0, 1 } };
	struct ifreq ifr = { .ifr_flags = IFF_DETACH_QUEUE };
	sigset_t set;
	int r;

	/* the signals are worker 0's; the other workers' threads have them blocked */
	if (!t->worker) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		if (pthread_sigmask(SIG_BLOCK, &set, NULL))
			return -EINVAL;
		t->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
		if (t->sig_fd < 0)
			return -errno;
	}
	/* the other workers' queues wait off the device for their sessions */
	if (t->worker && !t->session_up) {
		if (ioctl(t->tun_fd, TUNSETQUEUE, &ifr) < 0)
			return -errno;
		t->detached = true;
	}
	t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	t->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->timer_fd < 0 || t->ep_fd < 0)
		return -errno;
	if (timerfd_settime(t->timer_fd, 0, &its, NULL) < 0)
		return -errno;
	if (t->vnet && !t->gro_q) {
		t->gro_q = malloc(sizeof(*t->gro_q));
		if (!t->gro_q || tk_gro_init(t->gro_q, t->tap, dev_write, t)) {
			free(t->gro_q);
			t->gro_q = NULL;
			return -ENOMEM;
		}
		t->gro_q->udp = t->uso; /* a kernel with USO takes UDP super-packets too */
	}
	r = t->detached ? 0 : ep_add(t->ep_fd, t->tun_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->sig_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->wake_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->timer_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->ctl_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->lsock_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->sock_fd);
	return r;
}

/* Registers a new TCP connection's fd (after connect or accept). */
static int tcp_watch(struct tk_tunnel *t, int fd)
{
	return ep_add(t->ep_fd, fd);
}

static int dispatch(struct tk_tunnel *t, const struct epoll_event *ev)
{
	int fd = ev->data.fd, r = 0;
	struct tk_ctl_conn *c;
	struct tk_conn *conn;

	if (fd == t->sig_fd)
		return on_signal(t) ? 1 : 0;
	if (fd == t->wake_fd)
		return tk_workers_woken(t);
	if (fd == t->tun_fd) {
		if (t->detached)
			return 0; /* an event from before the queue left */
		r = on_tun(t);
		if (!r && (ev->events & (EPOLLERR | EPOLLHUP)))
			r = -EBADFD;
		return r;
	}
	if (fd == t->timer_fd) {
		int before = t->sock_fd;

		on_tick(t);
		if (t->sock_fd >= 0 && t->sock_fd != before)
			r = tcp_watch(t, t->sock_fd);
		return r;
	}
	if (fd == t->ctl_fd) {
		tk_ctl_accept(t);
		return 0;
	}
	if ((c = tk_ctl_conn_of(t, fd))) {
		tk_ctl_read(t, c);
		return 0;
	}
	if (fd == t->lsock_fd && t->set) {
		tk_hub_tcp_accept(t);
		return 0;
	}
	if (t->conns && (conn = tk_hub_tcp_find(t, fd))) {
		r = tk_hub_tcp_read(t, conn);
		return !r && t->gro_q ? tk_gro_flush(t->gro_q) : r;
	}
	if (fd == t->lsock_fd) {
		int cur = t->sock_fd;

		if (!tk_tcp_accept(t))
			r = tcp_watch(t, t->sock_fd != cur ? t->sock_fd : t->pend_fd);
		return r;
	}
	if (fd == t->sock_fd)
		r = on_sock(t);
	else if (fd == t->pend_fd)
		r = tk_tcp_pending(t, deliver_tcp);
	/* the batch is over: what coalescing holds goes to the device now */
	if (!r && t->gro_q)
		r = tk_gro_flush(t->gro_q);
	return r;
}

int tk_loop_run(struct tk_tunnel *t)
{
	struct epoll_event evs[16];
	int r, n;

	r = setup(t);
	if (r)
		return r;
	t->started = tk_now();
	for (;;) {
		n = epoll_wait(t->ep_fd, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++) {
			r = dispatch(t, &evs[i]);
			if (r)
				return r > 0 ? 0 : r;
		}
	}
}
