/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc walk for tun/tap holders.  fdinfo names the device but not its
 * namespace, and two namespaces may both have a "tap0": so each candidate fd
 * is duplicated with pidfd_getfd() and asked for its device's namespace
 * (TUNGETDEVNETNS); where that is refused, the holder's own namespace is used.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procs.h"
#include "tun.h"

#ifndef TUNGETDEVNETNS
#define TUNGETDEVNETNS _IO('T', 227)
#endif

/* Reads the "iff:" line of /proc/PID/fdinfo/FD into name; false if none. */
static bool fdinfo_iff(int pid, const char *fd, char name[IF_NAMESIZE])
{
	char path[300], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "iff:", 4))
			continue;
		if (sscanf(line + 4, " %15s", name) == 1)
			found = true;
		break;
	}
	fclose(f);
	return found;
}

/* Inode of the namespace the device behind pid's fd lives in; 0 if unknown. */
static ino_t device_netns(int pid, int fd)
{
	int pfd, dup, ns;
	struct stat st;
	ino_t ino = 0;

	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return 0;
	dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	if (dup < 0)
		return 0;
	ns = ioctl(dup, TUNGETDEVNETNS);
	close(dup);
	if (ns < 0)
		return 0;
	if (!fstat(ns, &st))
		ino = st.st_ino;
	close(ns);
	return ino;
}

static ino_t path_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static void read_comm(int pid, char comm[17])
{
	char path[64];
	FILE *f;

	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, 17, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

static int push(struct tk_holder **v, size_t *n, size_t *cap, const struct tk_holder *h)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct tk_holder *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = *h;
	return 0;
}

/* Adds the tun holders of one process. */
static int scan_pid(int pid, ino_t self_ns, struct tk_holder **v, size_t *n, size_t *cap)
{
	char path[64], target[32];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone, or not ours to read */
	while (!r && (de = readdir(d))) {
		struct tk_holder h = { .pid = pid };
		char link[300];
		ssize_t len;
		ino_t ns;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/%d/fd/%s", pid, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len != (ssize_t)strlen(TK_TUN_DEV) || memcmp(target, TK_TUN_DEV, (size_t)len))
			continue;
		if (!fdinfo_iff(pid, de->d_name, h.ifname))
			continue; /* open but not attached, or a detached queue */
		h.fd = atoi(de->d_name);
		ns = device_netns(pid, h.fd);
		if (!ns) {
			snprintf(link, sizeof(link), "/proc/%d/ns/net", pid);
			ns = path_ino(link);
		}
		if (ns != self_ns)
			continue;
		read_comm(pid, h.comm);
		r = push(v, n, cap, &h);
	}
	closedir(d);
	return r;
}

int tk_procs_holders(struct tk_holder **out, size_t *n)
{
	struct tk_holder *v = NULL;
	size_t cnt = 0, cap = 0;
	ino_t self_ns = path_ino("/proc/self/ns/net");
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!r && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		r = scan_pid(atoi(de->d_name), self_ns, &v, &cnt, &cap);
	}
	closedir(d);
	if (r) {
		free(v);
		return r;
	}
	*out = v;
	*n = cnt;
	return 0;
}
