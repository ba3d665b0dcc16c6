/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunnel's state outside the loop: set-up and tear-down of its fds,
 * events, and the state object the control socket answers with.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/frame.h"
#include "engine/sockaddr.h"
#include "engine/tunnel.h"

double tk_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

double tk_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int tk_tunnel_overhead(int family, enum tk_transport tr, bool tap)
{
	return (family == AF_INET6 ? 40 : 20) + (tr == TK_TR_UDP ? 8 : 32) + TK_FRAME_OVERHEAD +
	       (tap ? 14 : 0);
}

void tk_tunnel_init(struct tk_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	t->pend_fd = t->tun_fd = t->sock_fd = t->lsock_fd = t->sig_fd = t->timer_fd = t->ctl_fd = t->ep_fd =
		-1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void tk_tunnel_close(struct tk_tunnel *t)
{
	close_fd(&t->sock_fd);
	close_fd(&t->pend_fd);
	close_fd(&t->lsock_fd);
	close_fd(&t->sig_fd);
	close_fd(&t->timer_fd);
	close_fd(&t->ep_fd);
	if (t->ctl_fd >= 0 && t->ctl_path)
		unlink(t->ctl_path);
	close_fd(&t->ctl_fd);
	close_fd(&t->tun_fd);
	free(t->rbuf);
	free(t->pbuf);
	if (t->gro_q)
		tk_gro_free(t->gro_q);
	free(t->gro_q);
	t->gro_q = NULL;
	t->rbuf = t->pbuf = NULL;
}

void tk_tunnel_event(struct tk_tunnel *t, const char *type, json_t *more)
{
	json_t *ev = json_pack("{s:s,s:f}", "event", type, "time", tk_now());

	if (more)
		json_object_update(ev, more);
	json_decref(more);
	if (t->event)
		t->event(t->event_arg, ev);
	else
		json_decref(ev);
}

static json_t *ts_or_null(double v)
{
	return v > 0 ? json_real(v) : json_null();
}

/* What the data path batches with: the device's super-packets, the socket's offloads. */
static json_t *offload_json(const struct tk_tunnel *t)
{
	return json_pack("{s:b,s:b,s:b,s:b,s:b,s:I,s:I}", "vnet_hdr", t->vnet, "tso", t->tso,
			 "uso", t->uso, "udp_gso", t->transport == TK_TR_UDP && t->gso, "udp_gro",
			 t->transport == TK_TR_UDP && t->gro, "segmented",
			 (json_int_t)t->st.segmented, "coalesced",
			 (json_int_t)(t->gro_q ? t->gro_q->coalesced : 0));
}

json_t *tk_tunnel_state(const struct tk_tunnel *t)
{
	double now = tk_now();
	const struct tk_stats *s = &t->st;
	json_t *o;

	o = json_pack(
		"{s:s,s:s,s:o,s:b,s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		"role",
		t->listen ? "listen" : "connect", "transport",
		t->transport == TK_TR_UDP ? "udp" : "tcp", "peer",
		t->have_peer ? tk_sockaddr_json(&t->peer) : json_null(), "session_up",
		t->session_up, "session_age",
		t->session_up ? json_real(now - t->session_since) : json_null(), "last_handshake",
		ts_or_null(t->last_handshake), "cipher",
		t->sess.has_cur ? json_string(t->sess.cur.cipher == TK_CIPHER_AES256GCM
						      ? "aes-256-gcm"
						      : "chacha20-poly1305")
				: json_null(),
		"sessions", (json_int_t)t->sess.sessions, "handshakes_tx",
		(json_int_t)s->handshakes_tx, "handshakes_rx", (json_int_t)s->handshakes_rx,
		"tx_packets", (json_int_t)s->tx_packets, "tx_bytes",
		(json_int_t)s->tx_bytes, "rx_packets", (json_int_t)s->rx_packets, "rx_bytes",
		(json_int_t)s->rx_bytes, "auth_failures", (json_int_t)s->auth_failures,
		"replays_dropped", (json_int_t)s->replays, "keepalives_tx",
		(json_int_t)s->keepalives_tx, "keepalives_rx", (json_int_t)s->keepalives_rx,
		"oversize_dropped", (json_int_t)s->oversize, "tx_dropped",
		(json_int_t)s->tx_dropped, "last_tx_error",
		s->last_tx_error ? json_string(strerror(s->last_tx_error)) : json_null());
	if (o)
		json_object_set_new(o, "offload", offload_json(t));
	return o;
}
