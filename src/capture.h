/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A capture on one device without libpcap's per-direction handles: one
 * AF_PACKET socket bound to the device with a TPACKET_V3 receive ring (the
 * kernel copies each packet once, straight into memory tunkit reads), a
 * classic BPF filter, and the direction of each packet from the kernel's
 * packet type.  Thin: no decoding, no output (dump.c does both).
 */
#ifndef TK_CAPTURE_H
#define TK_CAPTURE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum tk_cap_dir {
	TK_CAP_ALL,
	TK_CAP_IN,  /* what the device received: every packet type but PACKET_OUTGOING */
	TK_CAP_OUT, /* what it sent: PACKET_OUTGOING */
};

/* One packet, valid until the callback returns. */
struct tk_cap_pkt {
	const uint8_t *data;
	uint32_t caplen, len;
	struct timespec ts;
	bool out; /* PACKET_OUTGOING: the device sent it */
};

struct tk_cap {
	int fd, ifindex;
	bool ether; /* frames start with an Ethernet header (VLAN tags go back in) */
	uint8_t *ring;
	size_t ring_len, block_size;
	unsigned nblocks, cur;
	uint64_t drops; /* the kernel's, summed (reading them resets its counter) */
	uint8_t *tagged; /* a frame with its VLAN tag put back, block_size + 4 bytes */
};

/*
 * The filter the socket gets: prog with a check of the packet's direction
 * in front (SKF_AD_PKTTYPE), so that what --in or --out leaves out is never
 * copied.  prog's jumps are relative, so a prefix leaves them valid; the
 * prefix clears A again, as prog expects at its start.  Returns a malloc'd
 * program of *nout instructions, or NULL without memory.  TK_CAP_ALL
 * copies prog unchanged.
 */
struct sock_filter *tk_cap_filter_dir(const struct sock_filter *prog, unsigned n,
				      enum tk_cap_dir dir, unsigned *nout);

/*
 * Opens the capture on ifindex: the filter (required: it also applies the
 * snapshot length, its "ret" value) attached before the socket is bound, so
 * no packet gets past it; ring_bytes of ring in blocks of block_bytes (a
 * power of two, a multiple of the page size), each handed over when full or
 * after retire_ms.  ether: the device's frames are Ethernet.  0 or -errno;
 * nothing to close on failure.
 */
int tk_cap_open(struct tk_cap *c, int ifindex, bool ether, const struct sock_fprog *prog,
		size_t ring_bytes, size_t block_bytes, unsigned retire_ms);

/*
 * Hands fn each packet of the blocks the kernel has filled, without
 * waiting, until none is left or fn returns nonzero (the rest of that block
 * is then skipped).  Returns the number of packets handed over.
 */
size_t tk_cap_read(struct tk_cap *c, int (*fn)(void *arg, const struct tk_cap_pkt *p), void *arg);

/*
 * Waits up to timeout_ms for a filled block.  1 ready, 0 not yet (timeout or
 * a signal), or -errno of the socket's error: -ENETDOWN when the device went
 * down or was deleted.
 */
int tk_cap_wait(struct tk_cap *c, int timeout_ms);

/* True when the device is no more (after -ENETDOWN: deleted, or only down?). */
bool tk_cap_gone(struct tk_cap *c);

/* The kernel's drops since the capture opened (the ring was full). */
uint64_t tk_cap_drops(struct tk_cap *c);

void tk_cap_close(struct tk_cap *c);

#endif
