/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TCP underlay: each frame goes as a 2-byte big-endian length and the
 * frame (TCP_NODELAY).  Lengths outside [frame overhead, TK_PKT_MAX] or a
 * frame that fails authentication drop the connection; the connecting
 * side reconnects with backoff from the loop's tick.  The listening side
 * keeps a second, pending connection: it replaces the current one only
 * once a frame of it authenticates.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/tunnel.h"

#define TCP_HDR 2

static void tune(int fd)
{
	struct timeval tv = { 1, 0 };
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* sends block at most 1 s (then the connection is dropped), connects too */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int tk_tcp_listen(struct tk_tunnel *t, const struct sockaddr *bind_to, socklen_t blen)
{
	int fd, one = 1, off = 0;

	fd = socket(bind_to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_to->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, bind_to, blen) < 0 || listen(fd, SOMAXCONN) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	t->lsock_fd = fd;
	return 0;
}

static int ensure_rbuf(struct tk_tunnel *t)
{
	if (!t->rbuf)
		t->rbuf = malloc(TCP_HDR + TK_PKT_MAX);
	t->rlen = 0;
	return t->rbuf ? 0 : -ENOMEM;
}

int tk_tcp_connect(struct tk_tunnel *t)
{
	int fd;

	if (ensure_rbuf(t))
		return -ENOMEM;
	fd = socket(t->one.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	tune(fd);
	if (connect(fd, (struct sockaddr *)&t->one.addr, t->one.addr_len) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	t->sock_fd = fd;
	t->one.have_addr = true;
	return 0;
}

int tk_tcp_accept(struct tk_tunnel *t)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	int fd;

	fd = accept4(t->lsock_fd, (struct sockaddr *)&from, &flen, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!t->rbuf)
		t->rbuf = malloc(TCP_HDR + TK_PKT_MAX);
	if (!t->pbuf)
		t->pbuf = malloc(TCP_HDR + TK_PKT_MAX);
	if (!t->rbuf || !t->pbuf) {
		close(fd);
		return -ENOMEM;
	}
	tune(fd);
	if (t->sock_fd < 0) {
		t->sock_fd = fd;
		memcpy(&t->one.addr, &from, flen);
		t->one.addr_len = flen;
		t->one.have_addr = true;
		t->rlen = 0;
		return 0;
	}
	if (t->pend_fd >= 0)
		close(t->pend_fd);
	t->pend_fd = fd;
	memcpy(&t->pend_peer, &from, flen);
	t->pend_len = flen;
	t->plen = 0;
	return 0;
}

/* Exchanges the current connection with the pending one. */
static void swap_pending(struct tk_tunnel *t)
{
	struct sockaddr_storage a = t->one.addr;
	socklen_t al = t->one.addr_len;
	uint8_t *b = t->rbuf;
	size_t l = t->rlen;
	int fd = t->sock_fd;

	t->sock_fd = t->pend_fd;
	t->rbuf = t->pbuf;
	t->rlen = t->plen;
	t->one.addr = t->pend_peer;
	t->one.addr_len = t->pend_len;
	t->pend_fd = fd;
	t->pbuf = b;
	t->plen = l;
	t->pend_peer = a;
	t->pend_len = al;
}

int tk_tcp_pending(struct tk_tunnel *t, int (*deliver)(struct tk_tunnel *, uint8_t *, size_t))
{
	uint64_t ok = t->auth_ok;
	int r;

	swap_pending(t);
	r = tk_tcp_recv(t, deliver);
	if (r == -EBADFD || r == -EIO)
		return r;
	if (t->auth_ok != ok && (r == 0 || r == -EAGAIN)) {
		/* it proved itself: it is the peer's connection now, the old one goes */
		if (t->pend_fd >= 0)
			close(t->pend_fd);
		t->pend_fd = -1;
		t->one.have_addr = true;
		return 0;
	}
	swap_pending(t);
	if (r && r != -EAGAIN) {
		close(t->pend_fd);
		t->pend_fd = -1;
	}
	return 0;
}

void tk_tcp_drop(struct tk_tunnel *t)
{
	if (t->sock_fd >= 0)
		close(t->sock_fd);
	t->sock_fd = -1;
	t->rlen = 0;
	if (t->listen)
		t->one.have_addr = false;
	tk_loop_session_down(t, &t->one, "connection lost");
}

int tk_tcp_send_raw(struct tk_tunnel *t, const uint8_t *buf, size_t len)
{
	ssize_t n = send(t->sock_fd, buf, len, MSG_NOSIGNAL);

	if (n == (ssize_t)len)
		return 0;
	/* a partial record would desynchronise the stream: start over */
	tk_tcp_drop(t);
	return -EPIPE;
}

int tk_tcp_send(struct tk_tunnel *t, uint8_t *frame, size_t len)
{
	uint8_t *h = frame - TCP_HDR; /* headroom: the loop leaves TK_PKT_HEADROOM */

	h[0] = (uint8_t)(len >> 8);
	h[1] = (uint8_t)len;
	return tk_tcp_send_raw(t, h, len + TCP_HDR);
}

int tk_tcp_recv(struct tk_tunnel *t, int (*deliver)(struct tk_tunnel *, uint8_t *, size_t))
{
	size_t used = 0, flen;
	ssize_t n;
	int r = 0;

	n = recv(t->sock_fd, t->rbuf + t->rlen, TCP_HDR + TK_PKT_MAX - t->rlen, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	if (n == 0)
		return -ECONNRESET;
	t->rlen += (size_t)n;
	while (!r && t->rlen - used >= TCP_HDR) {
		flen = (size_t)t->rbuf[used] << 8 | t->rbuf[used + 1];
		if (flen < TK_FRAME_MIN || flen > TK_PKT_MAX - TCP_HDR)
			return -EMSGSIZE;
		if (t->rlen - used < TCP_HDR + flen)
			break;
		r = deliver(t, t->rbuf + used + TCP_HDR, flen);
		used += TCP_HDR + flen;
	}
	memmove(t->rbuf, t->rbuf + used, t->rlen - used);
	t->rlen -= used;
	return r;
}
