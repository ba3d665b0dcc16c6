/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which processes hold a tun/tap device open: the file descriptors on
 * /dev/net/tun found under /proc, with the device each is attached to
 * (fdinfo's "iff:"), kept only when the device lives in our namespace.
 * Silent: returns 0 or -errno.
 */
#ifndef TK_PROCS_H
#define TK_PROCS_H

#include <net/if.h>
#include <stddef.h>

struct tk_holder {
	int pid;
	int fd;
	char comm[17];
	char ifname[IF_NAMESIZE];
};

/* All holders of tun/tap devices of the current network namespace; *out is malloc'd. */
int tk_procs_holders(struct tk_holder **out, size_t *n);

#endif
