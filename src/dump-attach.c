/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit dump --attach: tunkit becomes the program behind a persistent
 * tun/tap device that no process holds, with the device's own flags, and
 * shows what the kernel hands it ("out": the device sent it) and, with
 * --reply, the answers it writes back ("in": the device received them).
 * Shown packets keep their tun_pi and virtio-net headers, decoded; the
 * FILTER and -w see the packet without them (DLT_RAW on a tun, DLT_EN10MB
 * on a tap).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "dev.h"
#include "dump.h"
#include "err.h"
#include "link.h"
#include "nl.h"
#include "sig.h"
#include "tun.h"

#define PKT_MAX    65536
#define PREFIX_MAX (4 + 12)

struct att {
	struct tk_ctx *ctx;
	const struct tk_dump *d;
	int fd;
	bool tap;
	size_t pi, vnet; /* bytes before each packet: tun_pi (0, 4), virtio-net (0, 10, 12) */
	enum tk_dec_link link;
	struct tk_dec_opts dopts;
	struct tk_reply_cfg cfg;
	pcap_t *dead; /* the link type for the filter and -w */
	pcap_dumper_t *dumper;
	struct bpf_program prog;
	bool has_prog, warned;
	int read_err; /* errno of the read that ended the loop; EBADFD: device deleted */
	uint64_t seen;
	int err;
	uint8_t buf[PREFIX_MAX + PKT_MAX], out[PREFIX_MAX + PKT_MAX];
};

/* Reads d->dev's flags into spec and what follows from them into a;
 * refuses what is not a free tun/tap device.  Returns the exit status. */
static int lookup(struct att *a, struct tk_nl *nl, struct tk_tun_spec *spec)
{
	struct tk_ctx *ctx = a->ctx;
	struct tk_link l;
	int r = tk_nl_link_get(nl, spec->name, &l);

	if (r == -ENODEV)
		return tk_fail(ctx, spec->name, "no such device");
	if (r)
		return tk_err(ctx, r, spec->name);
	if (!l.is_tun)
		return tk_fail(
		        ctx, spec->name, "not a tun/tap device (a %s)", tk_link_kind_name(&l));
	if (l.tun.num_queues > 0) /* a multi-queue device would take a second queue */
		return tk_dev_busy(ctx, spec->name);
	spec->tap = !strcmp(tk_link_tuntap_type(&l), "tap");
	spec->pi = l.tun.pi == 1;
	spec->vnet_hdr = l.tun.vnet_hdr == 1;
	spec->multi_queue = l.tun.multi_queue == 1;
	a->tap = spec->tap;
	a->pi = spec->pi ? 4 : 0;
	if (spec->pi)
		a->link = spec->tap ? TK_DEC_LINK_TAP_PI : TK_DEC_LINK_TUN_PI;
	else
		a->link = spec->tap ? TK_DEC_LINK_ETHER : TK_DEC_LINK_RAW;
	return 0;
}

/* The link type for the filter and -w, and the filter compiled (a usage
 * error before anything is touched).  Returns the exit status. */
static int compile(struct att *a)
{
	const struct tk_dump *d = a->d;

	a->dead = pcap_open_dead(a->tap ? DLT_EN10MB : DLT_RAW, (int)d->snaplen);
	if (!a->dead)
		return tk_err(a->ctx, -ENOMEM, "pcap");
	if (!*d->filter)
		return 0;
	if (pcap_compile(a->dead, &a->prog, d->filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return tk_usage(a->ctx, "filter \"%s\": %s", d->filter, pcap_geterr(a->dead));
	a->has_prog = true;
	return 0;
}

/* Becomes the device's program, then opens -w.  Returns the exit status. */
static int attach(struct att *a, struct tk_nl *nl, const struct tk_tun_spec *spec)
{
	const struct tk_dump *d = a->d;

	a->fd = tk_dev_attach(a->ctx, nl, spec, true);
	if (a->fd < 0)
		return 1;
	if (spec->vnet_hdr) /* 10 unless a program set another size (TUNSETVNETHDRSZ) */
		a->vnet = tk_tun_vnet_hdr_sz(a->fd) == 12 ? 12 : 10;
	a->dopts.vnet_hdr_len = (unsigned)a->vnet;
	if (d->wfile) {
		a->dumper = pcap_dump_open(a->dead, d->wfile);
		if (!a->dumper)
			return tk_fail(a->ctx, d->wfile, "%s", pcap_geterr(a->dead));
	}
	return 0;
}

/* Shows or writes one packet of n bytes (prefixes included), if it is one
 * the options ask for. */
static void handle(struct att *a, const uint8_t *p, size_t n, const char *dir)
{
	const struct tk_dump *d = a->d;
	size_t pre = a->pi + a->vnet;
	struct pcap_pkthdr h = {.len = (bpf_u_int32)(n - pre)};
	int r;

	if ((d->in && *dir == 'o') || (d->out && *dir == 'i') || (d->count && a->seen >= d->count))
		return;
	h.caplen = h.len < d->snaplen ? h.len : d->snaplen;
	if (a->has_prog && !pcap_offline_filter(&a->prog, &h, p + pre))
		return;
	gettimeofday(&h.ts, NULL);
	a->seen++;
	if (a->dumper) {
		pcap_dump((u_char *)a->dumper, &h, p + pre);
		pcap_dump_flush(a->dumper);
		return;
	}
	r = tk_dump_show(a->ctx, d, &h.ts, dir, p, (uint32_t)(n < d->snaplen ? n : d->snaplen),
	        (uint32_t)n, a->link, &a->dopts);
	if (r) /* kept: the answer after a failed request must not clear it */
		a->err = r;
	fflush(a->ctx->out);
}

/* With --reply, answers p if it asks one of ours: the same prefixes, zeroed
 * but for the tun_pi's protocol (a tun reads it). */
static void answer(struct att *a, const uint8_t *p, size_t n)
{
	size_t pre = a->pi + a->vnet, m;

	if (!a->d->reply)
		return;
	m = tk_reply(&a->cfg, p + pre, n - pre, a->out + pre, sizeof(a->out) - pre);
	if (!m)
		return;
	memset(a->out, 0, pre);
	if (a->pi)
		memcpy(a->out + 2, p + 2, 2);
	if (write(a->fd, a->out, pre + m) == (ssize_t)(pre + m)) {
		handle(a, a->out, pre + m, "in");
	} else if (!a->warned) {
		tk_warn(a->ctx, a->d->dev, "an answer was not written: %s", strerror(errno));
		a->warned = true;
	}
}

/* Reads until the count, a signal, an error, or the device's end. */
static void loop(struct att *a)
{
	const struct tk_dump *d = a->d;
	struct pollfd pf = {.fd = a->fd, .events = POLLIN};
	size_t pre = a->pi + a->vnet;

	while (!a->err && !tk_sig_interrupted() && (!d->count || a->seen < d->count)) {
		ssize_t n;

		/* bounded, so a signal between the check and poll is seen soon */
		if (poll(&pf, 1, 200) <= 0)
			continue;
		/* a deleted device: POLLERR, and reads fail with EBADFD */
		n = read(a->fd, a->buf, sizeof(a->buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			a->read_err = errno;
			return;
		}
		if ((size_t)n < pre)
			continue;
		handle(a, a->buf, (size_t)n, "out");
		answer(a, a->buf, (size_t)n);
	}
}

static void reply_cfg(struct att *a)
{
	/* from IANA's block for documentation (RFC 7042: 00:00:5e:00:53:00-ff) */
	static const uint8_t def_mac[6] = {0x00, 0x00, 0x5e, 0x00, 0x53, 0x01};
	const struct tk_dump *d = a->d;

	a->cfg.ether = a->tap;
	memcpy(a->cfg.mac, d->has_mac ? d->reply_mac : def_mac, 6);
	a->cfg.addrs = d->addrs;
	a->cfg.naddrs = d->naddrs;
}

static void close_att(struct att *a)
{
	if (a->dumper)
		pcap_dump_close(a->dumper);
	if (a->has_prog)
		pcap_freecode(&a->prog);
	if (a->dead)
		pcap_close(a->dead);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}

int tk_dump_attach(struct tk_ctx *ctx, const struct tk_dump *d)
{
	struct tk_tun_spec spec = {.name = d->dev, .uid = -1, .gid = -1};
	struct att *a = calloc(1, sizeof(*a));
	struct tk_nl *nl;
	int r;

	if (!a)
		return tk_err(ctx, -ENOMEM, "dump");
	a->ctx = ctx;
	a->d = d;
	a->fd = -1;
	r = tk_nl_open(&nl);
	if (r) {
		free(a);
		return tk_err(ctx, r, "netlink");
	}
	r = lookup(a, nl, &spec);
	if (!r)
		r = compile(a);
	if (!r) {
		/* before the carrier and "attached": a signal after either is caught */
		tk_sig_catch();
		r = attach(a, nl, &spec);
		if (r)
			tk_sig_release();
	}
	tk_nl_close(nl);
	if (r) {
		close_att(a);
		return r;
	}
	reply_cfg(a);
	tk_dump_ready(ctx, d, a->tap ? DLT_EN10MB : DLT_RAW, true);
	loop(a);
	tk_sig_release();
	if (a->read_err == EBADFD)
		tk_warn(ctx, d->dev, "the device was deleted");
	else if (a->read_err)
		tk_warn(ctx, d->dev, "read: %s", strerror(a->read_err));
	tk_dump_summary(ctx, d->dev, "seen", a->seen, -1, -1);
	r = a->err ? tk_err(ctx, a->err, "stdout") : 0;
	close_att(a);
	return r;
}
