/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's event loop: epoll over the device fd, the underlay socket(s),
 * a signalfd (SIGINT/SIGTERM end, SIGHUP re-reads the key), a 200 ms
 * timerfd tick (hello retries with backoff, keepalives, session timeout,
 * TCP reconnects) and the control socket.  Receive order for each frame:
 * size and type, AEAD open with the replay window, then roaming and
 * timers, then the write to the device.  The device fd stays open for the
 * tunnel's whole life, so a lost peer never flaps the link.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine/tunnel.h"
#include "engine/sockaddr.h"

#define TICK_NS 200000000L
#define HELLO_MAX_BACKOFF 8.0

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

static int send_frame(struct tk_tunnel *t, int type, uint8_t *payload, size_t len)
{
	uint8_t *f;
	int r;

	if (!t->have_peer || (t->transport == TK_TR_TCP && t->sock_fd < 0))
		return -ENOTCONN;
	f = tk_psk_seal(&t->psk, type, payload, len);
	if (t->transport == TK_TR_UDP)
		r = tk_udp_send(t, f, len + TK_PSK_OVERHEAD);
	else
		r = tk_tcp_send(t, f, len + TK_PSK_OVERHEAD);
	if (!r)
		t->last_tx = tk_mono();
	return r;
}

static int send_control(struct tk_tunnel *t, int type)
{
	uint8_t *p = t->pkt->buf + TK_PKT_HEADROOM;

	if (type == TK_PSK_KEEPALIVE)
		t->st.keepalives_tx++;
	return send_frame(t, type, p, 0);
}

static void session_up(struct tk_tunnel *t, bool restarted)
{
	double now = tk_now();

	if (t->session_up && !restarted)
		return;
	t->session_up = true;
	t->session_since = now;
	t->last_handshake = now;
	t->retry = 0;
	tk_tunnel_event(t, "session_up", json_pack("{s:o}", "peer", tk_sockaddr_json(&t->peer)));
}

/* After authentication: roaming (UDP listener follows the peer) and timers. */
static void authenticated(struct tk_tunnel *t, const struct sockaddr_storage *from,
			  socklen_t flen, bool new_sender)
{
	t->last_rx = tk_mono();
	t->auth_ok++;
	if (from && t->listen &&
	    (!t->have_peer || !tk_sockaddr_equal(from, &t->peer))) {
		bool had = t->have_peer;

		memcpy(&t->peer, from, flen);
		t->peer_len = flen;
		t->have_peer = true;
		if (had)
			tk_tunnel_event(t, "peer_changed",
					json_pack("{s:o}", "peer", tk_sockaddr_json(&t->peer)));
	}
	session_up(t, new_sender);
}

/* One received frame (UDP datagram or TCP record); 0, or -errno when fatal. */
static int deliver_from(struct tk_tunnel *t, uint8_t *f, size_t len,
			const struct sockaddr_storage *from, socklen_t flen)
{
	bool new_sender;
	int type, n;
	ssize_t w;

	n = tk_psk_open(&t->psk, f, len, &type, &new_sender);
	if (n == -EALREADY) {
		t->st.replays++;
		report_bad(t, "replay", from ? from : &t->peer);
		return 0;
	}
	if (n < 0) {
		t->st.auth_failures++;
		report_bad(t, "authentication", from ? from : &t->peer);
		return 0;
	}
	authenticated(t, from, flen, new_sender);
	if (type == TK_PSK_HELLO) {
		send_control(t, TK_PSK_KEEPALIVE);
		return 0;
	}
	if (type == TK_PSK_KEEPALIVE || n == 0) {
		t->st.keepalives_rx++;
		return 0;
	}
	w = write(t->tun_fd, f + TK_PSK_HDR, (size_t)n);
	if (w < 0 && (errno == EBADFD || errno == EIO || errno == ENXIO))
		return -errno;
	if (w > 0) {
		t->st.rx_packets++;
		t->st.rx_bytes += (uint64_t)n;
	}
	return 0;
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
	uint8_t *buf = t->pkt->buf + TK_PKT_HEADROOM - TK_PSK_HDR;
	int n, r;

	if (t->transport == TK_TR_TCP) {
		r = tk_tcp_recv(t, deliver_tcp);
		if (r == -EBADFD || r == -EIO)
			return r;
		if (r < 0 && r != -EAGAIN) {
			report_bad(t, r == -EMSGSIZE ? "oversized frame" : "connection lost",
				   &t->peer);
			tk_tcp_drop(t);
		}
		return 0;
	}
	for (int i = 0; i < 64; i++) {
		flen = sizeof(from);
		n = tk_udp_recv(t, buf, TK_PKT_MAX, &from, &flen);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			continue; /* ICMP errors surface here: the peer may come back */
		r = deliver_from(t, buf, (size_t)n, &from, flen);
		if (r)
			return r;
	}
	return 0;
}

static int on_tun(struct tk_tunnel *t)
{
	uint8_t *p = t->pkt->buf + TK_PKT_HEADROOM;

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(t->tun_fd, p, TK_PKT_MAX - TK_PSK_OVERHEAD);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return -errno;
		if (send_frame(t, TK_PSK_DATA, p, (size_t)n))
			continue; /* no peer yet, or a full socket: the packet is dropped */
		t->st.tx_packets++;
		t->st.tx_bytes += (uint64_t)n;
	}
	return 0;
}

/* The 200 ms tick: hellos with backoff, keepalives, session timeout, reconnect. */
static void on_tick(struct tk_tunnel *t)
{
	uint64_t exp;
	double now = tk_mono();

	if (read(t->timer_fd, &exp, sizeof(exp)) < 0)
		return;
	if (t->transport == TK_TR_TCP && !t->listen && t->sock_fd < 0 &&
	    now >= t->next_reconnect) {
		t->retry = t->retry < 4 ? t->retry + 1 : 4;
		t->next_reconnect = now + (1u << t->retry) * 0.25;
		if (!tk_tcp_connect(t))
			t->next_hello = 0;
	}
	if (t->session_up && t->keepalive && now - t->last_rx > 3.0 * t->keepalive + 1) {
		t->session_up = false;
		tk_tunnel_event(t, "session_down", json_pack("{s:s}", "reason", "timeout"));
	}
	if (!t->listen && !t->session_up && now >= t->next_hello) {
		double b = 0.5 * (1u << (t->retry < 4 ? t->retry : 4));

		t->next_hello = now + (b < HELLO_MAX_BACKOFF ? b : HELLO_MAX_BACKOFF);
		if (t->transport == TK_TR_UDP)
			t->retry++;
		send_control(t, TK_PSK_HELLO);
	}
	if (t->session_up && t->keepalive && now - t->last_tx >= t->keepalive)
		send_control(t, TK_PSK_KEEPALIVE);
}

/* SIGINT/SIGTERM: 1 (stop); SIGHUP re-reads the key: 0. */
static int on_signal(struct tk_tunnel *t)
{
	struct signalfd_siginfo si;
	uint8_t key[32];
	int r;

	if (read(t->sig_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo != SIGHUP)
		return 1;
	r = tk_psk_read(t->key_path, key);
	if (r) {
		tk_tunnel_event(t, "key_reload_failed", json_pack("{s:s}", "error", strerror(-r)));
		return 0;
	}
	memcpy(t->psk.key, key, sizeof(key));
	tk_tunnel_event(t, "key_reloaded", NULL);
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
	struct itimerspec its = { { 0, TICK_NS }, { 0, TICK_NS } };
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	t->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	t->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->sig_fd < 0 || t->timer_fd < 0 || t->ep_fd < 0)
		return -errno;
	if (timerfd_settime(t->timer_fd, 0, &its, NULL) < 0)
		return -errno;
	r = ep_add(t->ep_fd, t->tun_fd);
	if (!r)
		r = ep_add(t->ep_fd, t->sig_fd);
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

	if (fd == t->sig_fd)
		return on_signal(t) ? 1 : 0;
	if (fd == t->tun_fd) {
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
		tk_ctl_answer(t);
		return 0;
	}
	if (fd == t->lsock_fd) {
		int cur = t->sock_fd;

		if (!tk_tcp_accept(t))
			r = tcp_watch(t, t->sock_fd != cur ? t->sock_fd : t->pend_fd);
		return r;
	}
	if (fd == t->sock_fd)
		return on_sock(t);
	if (fd == t->pend_fd)
		return tk_tcp_pending(t, deliver_tcp);
	return 0;
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
