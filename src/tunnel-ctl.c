/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket paths and queries (tunnel-ctl.h).  /run is shared by all
 * network namespaces, so a tunnel outside the initial one puts its socket
 * in a directory named after its namespace.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "tunnel-ctl.h"

/* The inode number of the initial network namespace (include/linux/proc_ns.h). */
#define PROC_NET_INIT_INO 0xEFFFFFF9U

/* The directory part for this namespace: "" in the initial one. */
static void ns_dir(char *sub, size_t size)
{
	struct stat self, init, st;
	char p[300];
	struct dirent *d;
	DIR *dir;

	sub[0] = '\0';
	if (stat("/proc/self/ns/net", &self) < 0)
		return;
	/* PID 1's namespace may be hidden from us (a container, a sandbox): then the initial
	 * namespace is the one with the kernel's fixed number for it.  Every other namespace
	 * has a directory of its own, or two tunnels of one name in two `unshare -n` shells
	 * would share a socket path. */
	if (stat("/proc/1/ns/net", &init) < 0)
		init.st_ino = PROC_NET_INIT_INO;
	if (self.st_ino != init.st_ino)
		snprintf(sub, size, "net-%lu/", (unsigned long)self.st_ino);
	dir = opendir("/run/netns");
	while (dir && (d = readdir(dir))) {
		snprintf(p, sizeof(p), "/run/netns/%s", d->d_name);
		if (d->d_name[0] != '.' && !stat(p, &st) && st.st_ino == self.st_ino) {
			snprintf(sub, size, "%s/", d->d_name);
			break;
		}
	}
	if (dir)
		closedir(dir);
}

json_t *tk_tunnel_query_all(void)
{
	json_t *all = json_object();
	char dir[320], sub[300];
	struct dirent *d;
	DIR *dp;

	ns_dir(sub, sizeof(sub));
	snprintf(dir, sizeof(dir), TK_CTL_DIR "/%s", sub);
	dp = opendir(dir);
	while (dp && (d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		char dev[64];
		json_t *st;

		if (n <= 5 || n - 5 >= sizeof(dev) || strcmp(d->d_name + n - 5, ".sock"))
			continue;
		memcpy(dev, d->d_name, n - 5);
		dev[n - 5] = '\0';
		st = tk_tunnel_query(dev);
		if (st)
			json_object_set_new(all, dev, st);
	}
	if (dp)
		closedir(dp);
	return all;
}

int tk_tunnel_ctl_path(char *buf, size_t size, const char *dev, int mkdirs)
{
	char sub[300];
	int n;

	ns_dir(sub, sizeof(sub));
	if (mkdirs)
		mkdir(TK_CTL_DIR, 0755);
	n = snprintf(buf, size, TK_CTL_DIR "/%s%s.sock", sub, dev);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

json_t *tk_tunnel_query(const char *dev)
{
	return tk_tunnel_ask(dev, NULL);
}

/* Sends the request line (empty for the state) in one piece: 0 or -errno. */
static int send_line(int fd, const json_t *req)
{
	char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;
	size_t len = s ? strlen(s) : 0;
	char nl = '\n';
	struct iovec iov[2] = { { s, len }, { &nl, 1 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	int r = 0;

	if (req && !s)
		return -ENOMEM;
	if (sendmsg(fd, &m, MSG_NOSIGNAL) != (ssize_t)(len + 1))
		r = errno ? -errno : -EIO;
	if (s)
		explicit_bzero(s, len); /* a peer's pre-shared key may be in it */
	free(s);
	return r;
}

/* The answer read to its end into a buffer that grows (a hub's peers are many): 0 with *o a
 * new object, or -ETIMEDOUT (nothing for TK_CTL_WAIT_MS), -EPROTO (not an object: the
 * tunnel closed the connection without an answer), -ENOMEM. */
static int read_answer(int fd, json_t **o)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), *nb;
	int r = 0;

	*o = NULL;
	while (buf) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		/* a loaded machine may take a while: the tunnel asks its workers first */
		n = poll(&p, 1, TK_CTL_WAIT_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n ? -errno : -ETIMEDOUT;
			goto out;
		}
		if (len == cap) {
			if (cap >= (64u << 20) || !(nb = realloc(buf, cap * 2))) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (!buf)
		return -ENOMEM;
	*o = json_loadb(buf, len, 0, NULL);
	if (!json_is_object(*o)) {
		json_decref(*o);
		*o = NULL;
		r = -EPROTO;
	}
out:
	free(buf);
	return r;
}

int tk_tunnel_call(const char *dev, const json_t *req, json_t **ans)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	*ans = NULL;
	r = tk_tunnel_ctl_path(sa.sun_path, sizeof(sa.sun_path), dev, 0);
	if (r)
		return r;
	if (access(sa.sun_path, F_OK))
		return -errno;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* the request line: an empty one asks for the state */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = -errno;
	else if (!(r = send_line(fd, req)))
		r = read_answer(fd, ans);
	close(fd);
	return r;
}

json_t *tk_tunnel_ask(const char *dev, const json_t *req)
{
	json_t *o;

	tk_tunnel_call(dev, req, &o);
	return o;
}

const char *tk_tunnel_call_strerror(int err)
{
	switch (err) {
	case -ENOENT:
	case -ECONNREFUSED:
		return "no tunnel runs behind it";
	case -ETIMEDOUT:
		return "its tunnel did not answer in time";
	case -EPROTO:
		return "its tunnel closed the connection without an answer";
	default:
		return strerror(-err);
	}
}
