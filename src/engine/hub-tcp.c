/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hub over TCP (version 2, --listen with --transport tcp): a connection per peer.  A new
 * connection belongs to nobody until its first frame, an initiation, is answered: then it is
 * that peer's (the key and a fresh time stamp prove it; a replay is refused), and an older
 * connection of the peer is closed.  Anything else first, garbage, or silence for
 * TK_CONN_IDLE_SEC closes it; so does a frame that fails once it is a peer's.  Frames are as
 * on any TCP tunnel: a 2-byte big-endian length, then the frame.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/tunnel.h"

#define TK_CONN_IDLE_SEC 10.0 /* a connection that never said who it is */
#define TK_CONNS_WAITING 64   /* at most this many such connections; the oldest goes */
#define CONN_BUF (TK_FRAMER_PREFIX + TK_PKT_MAX)

static void conn_free(struct tk_tunnel *t, struct tk_conn *c, const char *why)
{
	epoll_ctl(t->ep_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->r && c->r->conn == c) {
		c->r->conn = NULL;
		if (why)
			tk_loop_session_down(t, c->r, why);
	}
	free(c->buf);
	free(c);
}

/* Takes c out of the list (swapping the last into its place) and frees it. */
static void conn_drop(struct tk_tunnel *t, struct tk_conn *c, const char *why)
{
	for (size_t i = 0; i < t->nconns; i++)
		if (t->conns[i] == c) {
			t->conns[i] = t->conns[--t->nconns];
			break;
		}
	conn_free(t, c, why);
}

/* The oldest connection that is nobody's yet, or -1. */
static long oldest_waiting(const struct tk_tunnel *t, size_t *waiting)
{
	long o = -1;

	*waiting = 0;
	for (size_t i = 0; i < t->nconns; i++) {
		if (t->conns[i]->r)
			continue;
		(*waiting)++;
		if (o < 0 || t->conns[i]->since < t->conns[o]->since)
			o = (long)i;
	}
	return o;
}

int tk_hub_tcp_accept(struct tk_tunnel *t)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct timeval tv = { 1, 0 };
	struct tk_conn *c, **v;
	size_t waiting;
	long o;
	int one = 1;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->flen = sizeof(c->from);
	c->fd = accept4(t->lsock_fd, (struct sockaddr *)&c->from, &c->flen,
			SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c->fd < 0) {
		free(c);
		return -errno;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	o = oldest_waiting(t, &waiting);
	if (waiting >= TK_CONNS_WAITING)
		conn_drop(t, t->conns[o], NULL);
	v = realloc(t->conns, (t->nconns + 1) * sizeof(*v));
	c->buf = malloc(CONN_BUF);
	ev.data.fd = c->fd;
	if (!v || !c->buf || epoll_ctl(t->ep_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		if (v)
			t->conns = v;
		close(c->fd);
		free(c->buf);
		free(c);
		return -ENOMEM;
	}
	t->conns = v;
	c->since = tk_mono();
	t->conns[t->nconns++] = c;
	return 0;
}

struct tk_conn *tk_hub_tcp_find(const struct tk_tunnel *t, int fd)
{
	for (size_t i = 0; i < t->nconns; i++)
		if (t->conns[i]->fd == fd)
			return t->conns[i];
	return NULL;
}

/* One frame of connection c; 0 to go on, -EBADMSG to close it, or another -errno (fatal). */
static int frame(struct tk_tunnel *t, struct tk_conn *c, uint8_t *f, size_t len)
{
	uint64_t bad = t->st.auth_failures + t->st.replays;
	struct tk_remote *r;
	int e;

	if (!c->r) {
		/* its first frame must be an initiation that the hub answers */
		if (f[0] != TK_FRAME_IK_INIT)
			return -EBADMSG;
		r = tk_hub_initiation(t, f, len, &c->from, c->flen);
		if (!r)
			return -EBADMSG;
		if (r->conn)
			conn_drop(t, r->conn, NULL); /* the peer's older connection */
		c->r = r;
		r->conn = c;
		return 0;
	}
	if (f[0] == TK_FRAME_IK_INIT) {
		r = tk_hub_initiation(t, f, len, &c->from, c->flen);
		return r == c->r ? 0 : -EBADMSG;
	}
	e = tk_loop_deliver_to(t, c->r, f, len, &c->from, c->flen);
	if (e)
		return e;
	/* on a stream, a frame that fails means garbage */
	return t->st.auth_failures + t->st.replays != bad ? -EBADMSG : 0;
}

int tk_hub_tcp_read(struct tk_tunnel *t, struct tk_conn *c)
{
	size_t used = 0, flen;
	ssize_t n;
	int e = 0;

	n = recv(c->fd, c->buf + c->len, CONN_BUF - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		conn_drop(t, c, "connection lost");
		return 0;
	}
	c->len += (size_t)n;
	t->cur_conn = c;
	while (!e && c->len - used >= TK_FRAMER_PREFIX) {
		flen = (size_t)c->buf[used] << 8 | c->buf[used + 1];
		if (flen < TK_FRAME_MIN || flen > CONN_BUF - TK_FRAMER_PREFIX) {
			e = -EBADMSG;
			break;
		}
		if (c->len - used < TK_FRAMER_PREFIX + flen)
			break;
		e = frame(t, c, c->buf + used + TK_FRAMER_PREFIX, flen);
		used += TK_FRAMER_PREFIX + flen;
	}
	t->cur_conn = NULL;
	if (e == -EBADMSG) {
		tk_loop_bad(t, -EBADMSG, &c->from, "connection closed");
		conn_drop(t, c, "connection lost");
		return 0;
	}
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	return e;
}

void tk_hub_tcp_forget(struct tk_tunnel *t, struct tk_remote *r)
{
	if (r->conn)
		conn_drop(t, r->conn, NULL);
}

void tk_hub_tcp_expire(struct tk_tunnel *t, double now)
{
	for (size_t i = 0; i < t->nconns;) {
		if (!t->conns[i]->r && now - t->conns[i]->since > TK_CONN_IDLE_SEC)
			conn_drop(t, t->conns[i], NULL);
		else
			i++;
	}
}

void tk_hub_tcp_free(struct tk_tunnel *t)
{
	while (t->nconns)
		conn_drop(t, t->conns[t->nconns - 1], NULL);
	free(t->conns);
	t->conns = NULL;
}

int tk_hub_tcp_write(struct tk_tunnel *t, int fd, const uint8_t *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	if (n == (ssize_t)len)
		return 0;
	/* a partial record would desynchronise the stream: the connection ends, and its read
	 * (end of file next) takes it away where nothing holds it */
	shutdown(fd, SHUT_RDWR);
	return -EPIPE;
}

int tk_hub_tcp_fd(const struct tk_tunnel *t, const struct tk_remote *r)
{
	if (t->cur_conn)
		return t->cur_conn->fd; /* an answer goes back on the connection it came on */
	if (r && r->conn)
		return r->conn->fd;
	return t->set && t->listen ? -1 : t->sock_fd;
}
