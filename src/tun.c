/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /dev/net/tun ioctls.  A device created here is persistent: it outlives the
 * file descriptor that made it, and a program attaches to it later.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tun.h"

static unsigned spec_flags(const struct tk_tun_spec *s)
{
	unsigned f = s->tap ? IFF_TAP : IFF_TUN;

	if (!s->pi)
		f |= IFF_NO_PI;
	if (s->vnet_hdr)
		f |= IFF_VNET_HDR;
	if (s->multi_queue)
		f |= IFF_MULTI_QUEUE;
	return f;
}

static int setiff(int fd, const struct tk_tun_spec *s, unsigned extra, char name[IF_NAMESIZE])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(spec_flags(s) | extra);
	if (strlen(s->name) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	strncpy(ifr.ifr_name, s->name, IF_NAMESIZE - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	if (name) {
		memcpy(name, ifr.ifr_name, IF_NAMESIZE);
		name[IF_NAMESIZE - 1] = '\0';
	}
	return 0;
}

int tk_tun_create(const struct tk_tun_spec *s, char name[IF_NAMESIZE])
{
	int fd, r;

	fd = open(s->path ? s->path : TK_TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* IFF_TUN_EXCL: fail on an existing name instead of attaching to it */
	r = setiff(fd, s, IFF_TUN_EXCL, name);
	/* owner and group before persistence: a failure here leaves nothing */
	if (!r && s->uid >= 0 && ioctl(fd, TUNSETOWNER, (unsigned long)s->uid) < 0)
		r = -errno;
	if (!r && s->gid >= 0 && ioctl(fd, TUNSETGROUP, (unsigned long)s->gid) < 0)
		r = -errno;
	if (!r && ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		r = -errno;
	close(fd);
	return r;
}

int tk_tun_attach(const struct tk_tun_spec *s, bool nonblock)
{
	int fd, r;

	fd = open(s->path ? s->path : TK_TUN_DEV, O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	r = setiff(fd, s, 0, NULL);
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

int tk_tun_set_persist(int fd, bool persist)
{
	return ioctl(fd, TUNSETPERSIST, persist ? 1UL : 0UL) < 0 ? -errno : 0;
}

int tk_tun_vnet_hdr_sz(int fd)
{
	int sz;

	return ioctl(fd, TUNGETVNETHDRSZ, &sz) < 0 ? -errno : sz;
}

/* Linux 6.2's UDP segmentation offloads, newer than Debian 12's headers (ABI values) */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

int tk_tun_set_offload(int fd, bool on)
{
	unsigned long f = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

	if (!on)
		return ioctl(fd, TUNSETOFFLOAD, 0UL) < 0 ? -errno : 0;
	/* UDP segmentation since Linux 6.2; older kernels refuse the whole set */
	if (!ioctl(fd, TUNSETOFFLOAD, f | TUN_F_USO4 | TUN_F_USO6))
		return 1;
	return ioctl(fd, TUNSETOFFLOAD, f) < 0 ? -errno : 0;
}
