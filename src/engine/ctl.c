/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket: a unix stream socket (/run/tunkit/DEV.sock, mode
 * 0600) that answers every connection with one JSON object, the tunnel's
 * state, and closes it.  `socat - UNIX:/run/tunkit/tktun0.sock` reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

void tk_ctl_answer(struct tk_tunnel *t)
{
	json_t *st;
	char *s;
	int c;

	c = accept4(t->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	st = tk_tunnel_state(t);
	s = st ? json_dumps(st, JSON_COMPACT) : NULL;
	if (s) {
		/* a blocking send of a few hundred bytes to a fresh socket does not block */
		if (send(c, s, strlen(s), MSG_NOSIGNAL) >= 0)
			send(c, "\n", 1, MSG_NOSIGNAL);
	}
	free(s);
	json_decref(st);
	close(c);
}
