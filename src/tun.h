/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tun layer: the only file that calls ioctl() on /dev/net/tun.
 * Silent: returns 0 or -errno, never prints.
 */
#ifndef TK_TUN_H
#define TK_TUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#define TK_TUN_DEV "/dev/net/tun"

struct tk_tun_spec {
	const char *name; /* a name, or a template with one %d */
	bool tap;	  /* IFF_TAP, else IFF_TUN */
	bool pi, vnet_hdr, multi_queue;
	int64_t uid, gid; /* owner and group; -1: none */
	const char *path; /* the clone device; NULL: /dev/net/tun */
};

/*
 * Creates a persistent device from spec and writes the name the kernel gave
 * it to name (IF_NAMESIZE bytes).  Never attaches to an existing device:
 * -EBUSY when the name is taken.  On failure nothing is left behind.
 */
int tk_tun_create(const struct tk_tun_spec *spec, char name[IF_NAMESIZE]);

/*
 * Attaches to an existing device as the program behind it (one queue).
 * Returns the fd (close-on-exec) or -errno; -EINVAL when the flags differ
 * from the device's (the caller compares with tk_nl's tun info to say which).
 */
int tk_tun_attach(const struct tk_tun_spec *spec, bool nonblock);

/* Sets or clears persistence on an attached fd. */
int tk_tun_set_persist(int fd, bool persist);

/*
 * Offloads on an attached fd opened with vnet_hdr: on asks for checksum offload and TCP
 * (and, where the kernel has it, UDP) segmentation, so reads return super-packets with a
 * virtio-net header; off returns the device to whole, checksummed packets.  1 when UDP
 * segmentation is on too (Linux 6.2 on: the kernel also takes UDP super-packets), 0 when
 * only TCP's is, or -errno.
 */
int tk_tun_set_offload(int fd, bool on);

/* The virtio-net header size of an attached fd (10 unless changed) or -errno. */
int tk_tun_vnet_hdr_sz(int fd);

#endif
