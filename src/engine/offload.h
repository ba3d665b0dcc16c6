/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Super-packets through the device (IFF_VNET_HDR with TSO/USO offloads), in pure code:
 * tk_gso_split() cuts what the kernel hands up (a 64 KB TCP or UDP "packet" with a
 * virtio-net header) into the packets the wire carries, each with full checksums, and
 * tk_gro_add()/tk_gro_flush() glue a peer's consecutive TCP segments back into one
 * super-packet with the virtio-net header the kernel's GRO would have made.  Nothing here
 * reads or writes a file descriptor; both sides call back with finished packets.
 *
 * The virtio-net header is the legacy one (10 bytes, host byte order: what tun uses
 * unless TUNSETVNETLE/BE says otherwise).
 */
#ifndef TK_ENGINE_OFFLOAD_H
#define TK_ENGINE_OFFLOAD_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux 6.2's UDP segmentation, newer than Debian 12's headers (values from the ABI) */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define TK_VNET_HDR_LEN ((size_t)sizeof(struct virtio_net_hdr))
/* The largest packet either side handles: a 64 KB IP packet behind an Ethernet header
 * with two VLAN tags. */
#define TK_GSO_MAX (65535 + 22)

/* A finished packet of len bytes at p; 0 to go on, nonzero stops and is returned. */
typedef int (*tk_pkt_fn)(void *arg, uint8_t *p, size_t len);

/*
 * The offset of the IP header in a device packet: 0 on a tun device, past the Ethernet
 * header and up to two VLAN tags on a tap.  -1 when the frame carries no IPv4 or IPv6.
 */
int tk_l3_offset(const uint8_t *p, size_t len, bool tap);

/*
 * The one's-complement sum of len bytes (folded to 16 bits, not inverted), in the byte
 * order of memory: store it with memcpy.  sum is an earlier partial sum to add in.
 */
uint16_t tk_csum(const void *p, size_t len, uint32_t sum);

/*
 * Cuts the device packet at p (len bytes, its virtio-net header in *vh) into wire packets,
 * calling emit for each in order.  GSO TCPv4/v6 and UDP_L4 are segmented (IP length, ID
 * and checksum, TCP sequence and flags, UDP length; full L4 checksums); a packet that only
 * needs its checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM) gets it; anything else passes as it is.
 * Rewrites p in place: each segment's headers are written over the end of the previous
 * segment, so emit must have consumed a packet before it returns.  Returns 0, the first
 * nonzero emit result, or -EINVAL for a header that does not describe the packet (nothing
 * is emitted then).
 */
int tk_gso_split(uint8_t *p, size_t len, const struct virtio_net_hdr *vh, bool tap,
		 tk_pkt_fn emit, void *arg);

/*
 * The receive side's coalescing.  Packets go to tk_gro_add() one by one with
 * TK_VNET_HDR_LEN bytes of room before them; what comes out (through the callback given
 * to tk_gro_init) is a virtio-net header followed by a packet: either the packet alone
 * (gso_type NONE) written in place, or a run of TCP segments of one flow, in order, each
 * as long as the first (the last may be shorter), glued behind the first one's headers
 * (gso_type TCPV4/TCPV6, NEEDS_CSUM with the pseudo-header sum in the checksum field).
 * With udp set (a kernel that takes UDP super-packets: USO, Linux 6.2), runs of UDP
 * datagrams of one flow are glued the same way (gso_type UDP_L4); the kernel cuts them
 * back into the same datagrams.
 * Order is kept within each flow; flows may overtake each other.  tk_gro_flush() sends
 * what is held: call it at the end of every batch.
 */
#define TK_GRO_SLOTS 8

struct tk_gro_slot {
	uint8_t *buf;	   /* TK_VNET_HDR_LEN + TK_GSO_MAX bytes */
	size_t len;	   /* of the packet held (without the virtio-net header), 0 free */
	size_t l3, l4, hlen; /* offsets of IP and TCP/UDP headers, header length */
	unsigned proto;	   /* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t next_seq; /* the sequence number the next segment must carry */
	uint16_t mss;	   /* the first segment's payload */
	unsigned segs;
	bool closed;	   /* a shorter segment, PSH or FIN: nothing more joins */
	uint64_t age;
};

struct tk_gro {
	bool tap;
	bool udp;	    /* UDP runs too (off after init) */
	tk_pkt_fn out;
	void *arg;
	uint64_t clock;
	struct tk_gro_slot slot[TK_GRO_SLOTS];
	uint64_t coalesced; /* segments (or datagrams) that joined another one, ever */
};

/* 0 or -ENOMEM. */
int tk_gro_init(struct tk_gro *g, bool tap, tk_pkt_fn out, void *arg);
void tk_gro_free(struct tk_gro *g);
/* Takes one packet (copied or written before it returns); 0 or the callback's result. */
int tk_gro_add(struct tk_gro *g, uint8_t *p, size_t len);
/* Sends every held run; 0 or the first nonzero callback result. */
int tk_gro_flush(struct tk_gro *g);

#endif
