/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket: a unix stream socket (/run/tunkit/DEV.sock, mode 0600).  A client
 * writes one request line and reads one JSON object back, then the tunnel closes the
 * connection: an empty line (or the client closing its side at once) asks for the state,
 * {"op": "..."} for the rest.  `echo | socat - UNIX:/run/tunkit/tktun0.sock` reads the
 * state.  Worker 0 serves a few connections at once, each closed after 5 s of silence; more
 * wait in the backlog.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/tunnel.h"

int tk_ctl_open(struct tk_tunnel *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	if (strlen(t->ctl_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, t->ctl_path);
	strcpy(dir, t->ctl_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a live socket belongs to another tunnel; one left by a killed tunnel is stale */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, 4) < 0) {
		int e = errno;

		close(fd);
		unlink(sa.sun_path);
		return -e;
	}
	t->ctl_fd = fd;
	return 0;
}

/* A connection that has not said its request yet is closed after this long: long enough for
 * a client on a loaded machine, short enough that silent ones do not keep the others out. */
#define CTL_IDLE_SEC 5.0

/* All connections busy: the listening socket leaves the epoll set, and clients wait in its
 * backlog until one ends (a connection closed unanswered would be a tunnel not running to
 * them); back in it when one does. */
static void pause_accept(struct tk_tunnel *t, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = t->ctl_fd };

	if (t->ctl_paused == on)
		return;
	if (epoll_ctl(t->ep_fd, on ? EPOLL_CTL_DEL : EPOLL_CTL_ADD, t->ctl_fd, &ev) == 0)
		t->ctl_paused = on;
}

void tk_ctl_accept(struct tk_tunnel *t)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct tk_ctl_conn *c = NULL;
	int fd;

	for (size_t i = 0; i < TK_CTL_CONNS && !c; i++)
		if (t->ctl_conn[i].fd < 0)
			c = &t->ctl_conn[i];
	if (!c) {
		pause_accept(t, true);
		return;
	}
	fd = accept4(t->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	ev.data.fd = fd;
	if (epoll_ctl(t->ep_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->len = 0;
	c->since = tk_mono();
}

static void conn_close(struct tk_tunnel *t, struct tk_ctl_conn *c)
{
	epoll_ctl(t->ep_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->len = 0;
	pause_accept(t, false);
}

struct tk_ctl_conn *tk_ctl_conn_of(struct tk_tunnel *t, int fd)
{
	for (size_t i = 0; i < TK_CTL_CONNS; i++)
		if (t->ctl_conn[i].fd == fd)
			return &t->ctl_conn[i];
	return NULL;
}

/* The answer to one request line (a new object): "" or {"op": "state"} is the state; the
 * others go to the tunnel's handler. */
static json_t *answer(struct tk_tunnel *t, const char *line)
{
	json_error_t err;
	json_t *req, *a;
	const char *op;

	if (!*line)
		return tk_tunnel_state(t);
	req = json_loads(line, 0, &err);
	op = json_string_value(json_object_get(req, "op"));
	if (!op)
		a = json_pack("{s:{s:s}}", "error", "message", "expected {\"op\": ...}");
	else if (!strcmp(op, "state"))
		a = tk_tunnel_state(t);
	else if (t->request)
		a = t->request(t->request_arg, t, op, req);
	else
		a = NULL;
	if (!a)
		a = json_pack("{s:{s:s,s:s}}", "error", "op", op ? op : "", "message",
			      "unknown op");
	json_decref(req);
	return a;
}

void tk_ctl_read(struct tk_tunnel *t, struct tk_ctl_conn *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;
	json_t *a;
	char *s;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		c->len += (size_t)n;
	c->buf[c->len] = '\0';
	nl = memchr(c->buf, '\n', c->len);
	/* a whole line, or the client's end of it (an old client that only reads and shuts its
	 * side), or no room left: answer what there is */
	if (!nl && n > 0 && c->len < sizeof(c->buf) - 1)
		return;
	if (nl)
		*nl = '\0';
	a = answer(t, c->buf);
	s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	if (s) {
		/* blocking, so that a hub's long answer goes whole to a client that reads it; for
		 * at most a second, so that one that does not cannot hold the tunnel up */
		struct timeval tv = { 1, 0 };
		int fl = fcntl(c->fd, F_GETFL);

		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
		if (send(c->fd, s, strlen(s), MSG_NOSIGNAL) >= 0)
			send(c->fd, "\n", 1, MSG_NOSIGNAL);
	}
	free(s);
	json_decref(a);
	conn_close(t, c);
}

void tk_ctl_expire(struct tk_tunnel *t, double now)
{
	for (size_t i = 0; i < TK_CTL_CONNS; i++) {
		struct tk_ctl_conn *c = &t->ctl_conn[i];

		if (c->fd < 0 || now - c->since <= CTL_IDLE_SEC)
			continue;
		/* a request that came while this worker was busy is answered, not dropped */
		tk_ctl_read(t, c);
		if (c->fd >= 0)
			conn_close(t, c);
	}
}

void tk_ctl_close(struct tk_tunnel *t)
{
	for (size_t i = 0; i < TK_CTL_CONNS; i++)
		if (t->ctl_conn[i].fd >= 0)
			conn_close(t, &t->ctl_conn[i]);
}
