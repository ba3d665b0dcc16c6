/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UDP underlay: one non-blocking socket.  The listening side binds and
 * answers whoever authenticates last (roaming); the connecting side sends
 * to its configured peer.  Packet at a time; recvmmsg/sendmmsg and UDP
 * GSO/GRO would replace tk_udp_send/recv without touching the loop.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "engine/tunnel.h"

int tk_udp_open(struct tk_tunnel *t, const struct sockaddr *bind_to, socklen_t blen)
{
	int fam = t->listen ? bind_to->sa_family : t->peer.ss_family;
	int fd, off = 0, buf = 4 << 20;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* bursts from the device outrun the default buffers: drops would hit TCP inside */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	/* a listener on [::] also takes IPv4 peers */
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (t->listen && bind(fd, bind_to, blen) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	t->sock_fd = fd;
	t->have_peer = !t->listen;
	return 0;
}

int tk_udp_send_to(struct tk_tunnel *t, const uint8_t *frame, size_t len,
		   const struct sockaddr_storage *to)
{
	socklen_t tl = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	ssize_t n = sendto(t->sock_fd, frame, len, 0, (const struct sockaddr *)to, tl);

	return n < 0 ? -errno : 0;
}

int tk_udp_send(struct tk_tunnel *t, const uint8_t *frame, size_t len)
{
	return tk_udp_send_to(t, frame, len, &t->peer);
}

int tk_udp_recv(struct tk_tunnel *t, uint8_t *buf, size_t size, struct sockaddr_storage *from,
		socklen_t *flen)
{
	ssize_t n = recvfrom(t->sock_fd, buf, size, MSG_TRUNC, (struct sockaddr *)from, flen);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n > size) {
		t->st.oversize++;
		return -EMSGSIZE;
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
