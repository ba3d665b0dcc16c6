/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One AF_PACKET socket with a TPACKET_V3 ring (capture.h).  The kernel
 * fills a block of packets and hands it over (its status becomes
 * TP_STATUS_USER) when it is full or retire_ms after its first packet; we
 * read the block in place and give it back (TP_STATUS_KERNEL).  A packet
 * that finds no free block is counted as a drop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"

struct sock_filter *tk_cap_filter_dir(const struct sock_filter *prog, unsigned n,
				      enum tk_cap_dir dir, unsigned *nout)
{
	/* A = skb->pkt_type; unwanted: return 0 (drop); else A = 0 and prog */
	const struct sock_filter pre[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, dir == TK_CAP_OUT,
			 dir == TK_CAP_IN),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 0),
	};
	size_t np = dir == TK_CAP_ALL ? 0 : sizeof(pre) / sizeof(pre[0]);
	struct sock_filter *f = malloc((np + n) * sizeof(*f) + 1);

	if (!f)
		return NULL;
	memcpy(f, pre, np * sizeof(*f));
	if (n)
		memcpy(f + np, prog, n * sizeof(*f));
	*nout = (unsigned)(np + n);
	return f;
}

int tk_cap_open(struct tk_cap *c, int ifindex, bool ether, const struct sock_fprog *prog,
		size_t ring_bytes, size_t block_bytes, unsigned retire_ms)
{
	struct tpacket_req3 req = {
		.tp_block_size = (unsigned)block_bytes,
		.tp_block_nr = (unsigned)(ring_bytes / block_bytes),
		.tp_frame_size = TPACKET_ALIGNMENT << 7, /* V3 ignores it, but checks it */
		.tp_retire_blk_tov = retire_ms,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int v = TPACKET_V3, err = 0;
	socklen_t len = sizeof(err);

	memset(c, 0, sizeof(*c));
	c->ifindex = ifindex;
	c->ether = ether;
	req.tp_frame_nr = block_bytes / req.tp_frame_size * req.tp_block_nr;
	/* protocol 0: nothing is queued before bind, when the filter is on */
	c->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, sizeof(*prog)) < 0 ||
	    setsockopt(c->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		goto fail;
	c->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	c->block_size = req.tp_block_size;
	c->nblocks = req.tp_block_nr;
	c->ring = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, c->fd,
		       0);
	if (c->ring == MAP_FAILED) {
		c->ring = NULL;
		goto fail;
	}
	if (ether && !(c->tagged = malloc(c->block_size + 4))) {
		errno = ENOMEM;
		goto fail;
	}
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	/* a device that is down: bind succeeds, the error is the socket's */
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		errno = err ? err : errno;
		goto fail;
	}
	return 0;
fail:
	err = -errno;
	tk_cap_close(c);
	return err;
}

/* One packet of a block as tk_cap_pkt; an Ethernet frame gets back the
 * VLAN tag the device took out (as libpcap does), in c->tagged. */
static void packet(struct tk_cap *c, const struct tpacket3_hdr *h, struct tk_cap_pkt *p)
{
	const struct sockaddr_ll *sll =
		(const void *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));

	p->data = (const uint8_t *)h + h->tp_mac;
	p->caplen = h->tp_snaplen;
	p->len = h->tp_len;
	p->ts.tv_sec = h->tp_sec;
	p->ts.tv_nsec = h->tp_nsec;
	p->out = sll->sll_pkttype == PACKET_OUTGOING;
	if (c->ether && (h->tp_status & TP_STATUS_VLAN_VALID) && p->caplen >= 12 &&
	    p->caplen <= c->block_size) {
		uint16_t tpid = h->tp_status & TP_STATUS_VLAN_TPID_VALID ? h->hv1.tp_vlan_tpid :
			ETH_P_8021Q;
		uint16_t tag[2] = { htons(tpid), htons((uint16_t)h->hv1.tp_vlan_tci) };

		memcpy(c->tagged, p->data, 12);
		memcpy(c->tagged + 12, tag, 4);
		memcpy(c->tagged + 16, p->data + 12, p->caplen - 12);
		p->data = c->tagged;
		p->caplen += 4;
		p->len += 4;
	}
}

size_t tk_cap_read(struct tk_cap *c, int (*fn)(void *arg, const struct tk_cap_pkt *p), void *arg)
{
	size_t n = 0;

	for (;;) {
		struct tpacket_block_desc *bd = (void *)(c->ring + (size_t)c->cur * c->block_size);
		const uint8_t *h;
		int stop = 0;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			return n;
		h = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
		for (uint32_t i = 0; i < bd->hdr.bh1.num_pkts && !stop; i++) {
			const struct tpacket3_hdr *th = (const void *)h;
			struct tk_cap_pkt p;

			packet(c, th, &p);
			stop = fn(arg, &p);
			n++;
			h += th->tp_next_offset;
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		c->cur = (c->cur + 1) % c->nblocks;
		if (stop)
			return n;
	}
}

int tk_cap_wait(struct tk_cap *c, int timeout_ms)
{
	struct pollfd pf = { .fd = c->fd, .events = POLLIN };
	int r = poll(&pf, 1, timeout_ms), err = 0;
	socklen_t len = sizeof(err);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (pf.revents & POLLERR) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			return -errno;
		if (err)
			return -err;
	}
	return r > 0 && (pf.revents & POLLIN);
}

bool tk_cap_gone(struct tk_cap *c)
{
	struct ifreq ifr = { .ifr_ifindex = c->ifindex };

	return ioctl(c->fd, SIOCGIFNAME, &ifr) < 0 && errno == ENODEV;
}

uint64_t tk_cap_drops(struct tk_cap *c)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (!getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		c->drops += st.tp_drops;
	return c->drops;
}

void tk_cap_close(struct tk_cap *c)
{
	if (c->ring)
		munmap(c->ring, c->ring_len);
	if (c->fd >= 0)
		close(c->fd);
	free(c->tagged);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}
