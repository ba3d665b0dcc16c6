/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit dump through libpcap: a pcap file (-r), and live capture on the
 * links the ring of capture.c does not take (neither Ethernet nor raw IP):
 * there one libpcap handle per direction, polled together, each round's
 * packets sorted by time before they are shown, so a reply never precedes
 * its request.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "dump.h"
#include "err.h"
#include "sig.h"

#define ROUND_MAX 512

struct pkt {
	struct timeval ts;
	uint32_t caplen, len;
	int dir; /* 1 in, 2 out, 0 unknown */
	size_t off; /* of its bytes in the round's arena */
};

struct cap {
	struct tk_ctx *ctx;
	const struct tk_dump *d;
	enum tk_dec_link link;
	pcap_dumper_t *dumper;
	uint64_t seen;
	struct pkt round[ROUND_MAX];
	size_t n;
	uint8_t *arena; /* the round's packet bytes, reused: no malloc per packet */
	size_t used, cap;
	int dir; /* of the handle being dispatched */
	int err;
};

enum tk_dec_link tk_dump_link_of(int dlt)
{
	switch (dlt) {
	case DLT_RAW: /* 12 on Linux (14 elsewhere) */
	case 14:
	case DLT_IPV4:
	case DLT_IPV6:
		return TK_DEC_LINK_RAW;
	default:
		return TK_DEC_LINK_ETHER;
	}
}

/* A file's packet: shown (or written) at once, in the file's order. */
static void on_file_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap *c = (struct cap *)arg;
	int r;

	if (c->err || (c->d->count && c->seen >= c->d->count))
		return;
	c->seen++;
	if (c->dumper) {
		pcap_dump((u_char *)c->dumper, h, bytes);
		return;
	}
	r = tk_dump_show(c->ctx, c->d, &h->ts, NULL, bytes, h->caplen, h->len, c->link, NULL);
	if (r)
		c->err = r;
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap *c = (struct cap *)arg;
	struct pkt *p;

	if (c->n == ROUND_MAX || (c->d->count && c->seen >= c->d->count))
		return;
	c->seen++;
	if (c->dumper) {
		pcap_dump((u_char *)c->dumper, h, bytes);
		return;
	}
	if (c->used + h->caplen > c->cap) {
		size_t cap = (c->used + h->caplen) * 2;
		uint8_t *a = realloc(c->arena, cap);

		if (!a) {
			c->err = -ENOMEM;
			return;
		}
		c->arena = a;
		c->cap = cap;
	}
	p = &c->round[c->n];
	p->off = c->used;
	memcpy(c->arena + c->used, bytes, h->caplen);
	c->used += h->caplen;
	p->ts = h->ts;
	p->caplen = h->caplen;
	p->len = h->len;
	p->dir = c->dir;
	c->n++;
}

static int by_time(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;

	if (x->ts.tv_sec != y->ts.tv_sec)
		return x->ts.tv_sec < y->ts.tv_sec ? -1 : 1;
	return x->ts.tv_usec < y->ts.tv_usec ? -1 : x->ts.tv_usec > y->ts.tv_usec;
}

static void flush_round(struct cap *c)
{
	qsort(c->round, c->n, sizeof(c->round[0]), by_time);
	for (size_t i = 0; i < c->n && !c->err; i++) {
		const struct pkt *p = &c->round[i];
		int r = tk_dump_show(c->ctx, c->d, &p->ts,
				     p->dir == 1 ? "in" : p->dir == 2 ? "out" : NULL,
				     c->arena + p->off, p->caplen, p->len, c->link, NULL);

		if (r)
			c->err = r;
	}
	c->n = 0;
	c->used = 0;
	if (!c->err)
		c->err = tk_dump_flush(c->ctx, c->dumper);
}

/*
 * Compiles and sets the filter.  (Passing "inbound"/"outbound" per handle
 * lost the first packets of a capture here; pcap_setdirection does the
 * direction instead.)  A syntax error is a usage error.
 */
static int set_filter(struct tk_ctx *ctx, pcap_t *h, const char *filter)
{
	struct bpf_program prog;
	int r;

	if (!*filter)
		return 0;
	if (pcap_compile(h, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return tk_usage(ctx, "filter \"%s\": %s", filter, pcap_geterr(h));
	r = 0;
	if (pcap_setfilter(h, &prog) < 0)
		r = tk_fail(ctx, "filter", "%s", pcap_geterr(h));
	pcap_freecode(&prog);
	return r;
}

int tk_dump_file(struct tk_ctx *ctx, const struct tk_dump *d)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct cap c = { .ctx = ctx, .d = d };
	pcap_t *h;
	int r;

	h = pcap_open_offline(d->rfile, errbuf);
	if (!h) {
		size_t n = strlen(d->rfile);
		/* libpcap's text often starts with the file name: say it once */
		const char *why = !strncmp(errbuf, d->rfile, n) && !strncmp(errbuf + n, ": ", 2) ?
			errbuf + n + 2 : errbuf;

		return tk_fail(ctx, d->rfile, "%s", why);
	}
	c.link = tk_dump_link_of(pcap_datalink(h));
	r = set_filter(ctx, h, d->filter);
	if (!r)
		r = tk_dump_open_writer(ctx, d, h, &c.dumper);
	while (!r && !c.err && (!d->count || c.seen < d->count)) {
		int n = pcap_dispatch(h, ROUND_MAX, on_file_packet, (u_char *)&c);

		if (n <= 0) {
			if (n < 0)
				r = tk_fail(ctx, d->rfile, "%s", pcap_geterr(h));
			break;
		}
	}
	if (!c.err)
		c.err = tk_dump_flush(ctx, c.dumper);
	if (c.dumper)
		pcap_dump_close(c.dumper);
	if (!r)
		tk_dump_summary(ctx, d->rfile, "read", c.seen, -1, -1);
	r = r ? r : c.err ? tk_err(ctx, c.err, d->wfile ? d->wfile : "stdout") : 0;
	pcap_close(h);
	return r;
}

/* One handle on dev for one direction, filtered and non-blocking. */
static pcap_t *open_dir(struct tk_ctx *ctx, const struct tk_dump *d, pcap_direction_t dir,
			int *status)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *h = pcap_create(d->dev, errbuf);
	int r;

	*status = 0;
	if (!h) {
		*status = tk_fail(ctx, d->dev, "%s", errbuf);
		return NULL;
	}
	pcap_set_snaplen(h, (int)d->snaplen);
	/* immediate delivery (packets show as they come); a 32 MiB ring absorbs
	 * bursts at high rates */
	pcap_set_immediate_mode(h, 1);
	pcap_set_buffer_size(h, 32 << 20);
	r = pcap_activate(h);
	if (r < 0)
		*status = tk_dump_pcap_error(ctx, d->dev, h, r);
	else if (pcap_setdirection(h, dir) < 0)
		*status = tk_fail(ctx, d->dev, "%s", pcap_geterr(h));
	else if (!(*status = set_filter(ctx, h, d->filter)) && pcap_setnonblock(h, 1, errbuf) < 0)
		*status = tk_fail(ctx, d->dev, "%s", errbuf);
	if (*status) {
		pcap_close(h);
		return NULL;
	}
	return h;
}

/* Polls the handles until done; returns 0, or 1 when the device went away. */
static int capture(struct cap *c, pcap_t **h, const int *dirs, int nh)
{
	struct pollfd pf[2];

	for (int i = 0; i < nh; i++)
		pf[i] = (struct pollfd){ .fd = pcap_get_selectable_fd(h[i]), .events = POLLIN };
	while (!c->err && !tk_sig_interrupted() && (!c->d->count || c->seen < c->d->count)) {
		if (poll(pf, (nfds_t)nh, 200) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < nh; i++) {
			c->dir = dirs[i];
			/* dispatch even without POLLIN: the ring may hold packets */
			if (pcap_dispatch(h[i], ROUND_MAX, on_packet, (u_char *)c) < 0) {
				flush_round(c);
				tk_warn(c->ctx, c->d->dev, "%s", pcap_geterr(h[i]));
				return 1;
			}
		}
		flush_round(c);
	}
	return 0;
}

int tk_dump_pcap_live(struct tk_ctx *ctx, const struct tk_dump *d)
{
	struct cap *c = calloc(1, sizeof(*c));
	pcap_t *h[2] = { NULL, NULL };
	int dirs[2], nh = 0, r = 0;
	int64_t drop = 0, ifdrop = 0;

	if (!c)
		return tk_err(ctx, -ENOMEM, "dump");
	if (!d->out) {
		dirs[nh] = 1;
		h[nh] = open_dir(ctx, d, PCAP_D_IN, &r);
		nh += !r;
	}
	if (!r && !d->in) {
		dirs[nh] = 2;
		h[nh] = open_dir(ctx, d, PCAP_D_OUT, &r);
		nh += !r;
	}
	*c = (struct cap){ .ctx = ctx, .d = d };
	if (!r) {
		c->link = tk_dump_link_of(pcap_datalink(h[0]));
		r = tk_dump_open_writer(ctx, d, h[0], &c->dumper);
	}
	if (!r) {
		tk_sig_catch(); /* before "listening": a signal after it is caught */
		tk_dump_ready(ctx, d, pcap_datalink(h[0]), false);
		if (capture(c, h, dirs, nh))
			tk_warn(ctx, d->dev, "capture ended (device gone?)");
		tk_sig_release();
		if (c->dumper)
			pcap_dump_close(c->dumper);
		for (int i = 0; i < nh; i++) {
			struct pcap_stat st;

			if (!pcap_stats(h[i], &st)) {
				drop += st.ps_drop;
				ifdrop += st.ps_ifdrop;
			}
		}
		tk_dump_summary(ctx, d->dev, NULL, c->seen, drop, ifdrop);
		r = c->err ? tk_err(ctx, c->err, d->wfile ? d->wfile : "stdout") : 0;
	}
	for (int i = 0; i < nh; i++)
		pcap_close(h[i]);
	free(c->arena);
	free(c);
	return r;
}
