/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UDP underlay: one non-blocking socket.  The listening side binds and
 * answers whoever authenticates last (roaming); the connecting side sends
 * to its configured peer.  Batches: UDP GSO (UDP_SEGMENT) sends a run of
 * equal-size frames in one call and the kernel keeps them one packet down
 * to the receiver, whose UDP_GRO hands them up as one read; without them
 * (--no-offload, or a kernel that refuses) sendmmsg still sends a batch in
 * one call.  Workers of a listening tunnel share its port (SO_REUSEPORT), and a socket
 * filter hands each frame to the worker its session index names (tk_udp_steer).
 */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#include "engine/tunnel.h"

/* A socket buffer of size bytes: forced past the system's limit where allowed. */
static void buf_size(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

int tk_udp_open(struct tk_tunnel *t, const struct sockaddr *bind_to, socklen_t blen)
{
	int fam = t->listen ? bind_to->sa_family : t->one.addr.ss_family;
	int fd, off = 0, buf = 4 << 20;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* bursts from the device outrun the default buffers: drops would hit TCP inside.  Past
	 * net.core.[rw]mem_max (208 KiB unless raised) with CAP_NET_ADMIN, which a tunnel that
	 * makes its device has; else as far as the limit lets */
	buf_size(fd, SO_SNDBUFFORCE, SO_SNDBUF, buf);
	buf_size(fd, SO_RCVBUFFORCE, SO_RCVBUF, buf);
	/* a listener on [::] also takes IPv4 peers */
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* a port the workers share must be free first: bound by anyone, even with
	 * SO_REUSEPORT, it is taken (and no other tunnel can join ours later, as it asks the
	 * same of its first socket) */
	if (t->listen && t->shared_port && !t->worker) {
		int probe = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;

		if (probe < 0 || bind(probe, bind_to, blen) < 0)
			e = errno;
		if (probe >= 0)
			close(probe);
		if (e) {
			close(fd);
			return -e;
		}
	}
	if (t->listen && t->shared_port &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &(int){ 1 }, sizeof(int)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (t->listen && bind(fd, bind_to, blen) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	t->sock_fd = fd;
	t->one.have_addr = !t->listen;
	if (!t->no_offload) {
		int one = 1;

		t->gso = true; /* until the first send says otherwise */
		t->gro = !setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one));
	}
	return 0;
}

int tk_udp_steer(struct tk_tunnel *t)
{
	/* the byte at 4 is the low byte of the index (little-endian): the sender's in an
	 * initiation, ours in a data frame; its lane is the socket's place in the group, which
	 * is the order the workers bound in.  A lane past the group falls back to the kernel's
	 * hash, and that worker refuses it (peer.c). */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 4),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, TK_PEER_LANES - 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog;

	memset(&prog, 0, sizeof(prog)); /* the padding after len goes to the kernel too */
	prog.len = sizeof(code) / sizeof(code[0]);
	prog.filter = code;

	if (setsockopt(t->sock_fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)) < 0)
		return -errno;
	return 0;
}

static socklen_t sa_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* One datagram per frame, all in one sendmmsg. */
static int send_each(struct tk_tunnel *t, const struct sockaddr_storage *to, const uint8_t *buf,
		     size_t len, size_t seg)
{
	struct mmsghdr m[64];
	struct iovec iov[64];
	unsigned n = 0, done = 0;

	for (size_t off = 0; off < len && n < 64; off += seg, n++) {
		iov[n].iov_base = (void *)(buf + off);
		iov[n].iov_len = len - off < seg ? len - off : seg;
		m[n].msg_hdr = (struct msghdr){ .msg_name = (void *)to, .msg_namelen = sa_len(to),
						.msg_iov = &iov[n], .msg_iovlen = 1 };
	}
	while (done < n) {
		int r = sendmmsg(t->sock_fd, m + done, n - done, 0);

		if (r < 0)
			return -errno;
		done += (unsigned)r;
	}
	return 0;
}

int tk_udp_send_batch(struct tk_tunnel *t, const struct sockaddr_storage *to, const uint8_t *buf,
		      size_t len, size_t seg)
{
	char ctl[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = sa_len(to),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	uint16_t gs = (uint16_t)seg;

	if (len <= seg)
		return tk_udp_send_to(t, buf, len, to);
	if (!t->gso)
		return send_each(t, to, buf, len, seg);
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(gs));
	memcpy(CMSG_DATA(c), &gs, sizeof(gs));
	if (sendmsg(t->sock_fd, &mh, 0) >= 0)
		return 0;
	if (errno != EIO && errno != EINVAL && errno != ENOPROTOOPT && errno != EOPNOTSUPP)
		return -errno;
	/* no segmentation offload on this path: one datagram each, from now on */
	t->gso = false;
	return send_each(t, to, buf, len, seg);
}

static socklen_t sa_len(const struct sockaddr_storage *a);

int tk_udp_send_to(struct tk_tunnel *t, const uint8_t *frame, size_t len,
		   const struct sockaddr_storage *to)
{
	ssize_t n = sendto(t->sock_fd, frame, len, 0, (const struct sockaddr *)to, sa_len(to));

	return n < 0 ? -errno : 0;
}

int tk_udp_recv(struct tk_tunnel *t, uint8_t *buf, size_t size, struct sockaddr_storage *from,
		socklen_t *flen, size_t *seg)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_name = from, .msg_namelen = *flen, .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(t->sock_fd, &mh, MSG_TRUNC);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	*flen = mh.msg_namelen;
	if ((size_t)n > size || (mh.msg_flags & MSG_TRUNC)) {
		t->st.oversize++;
		return -EMSGSIZE;
	}
	*seg = (size_t)n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO) {
			int gs;

			memcpy(&gs, CMSG_DATA(c), sizeof(gs));
			if (gs > 0 && (size_t)gs < *seg)
				*seg = (size_t)gs;
		}
	return (int)n;
}

int tk_udp_path_mtu(const struct sockaddr *peer, socklen_t plen)
{
	int fd, mtu = 0, r;
	socklen_t ml = sizeof(mtu);

	fd = socket(peer->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a connected UDP socket knows the route's (or device's) MTU toward the peer */
	if (connect(fd, peer, plen) < 0)
		r = -errno;
	else if (getsockopt(fd, peer->sa_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
			    peer->sa_family == AF_INET6 ? IPV6_MTU : IP_MTU, &mtu, &ml) < 0)
		r = -errno;
	else
		r = mtu;
	close(fd);
	return r;
}
