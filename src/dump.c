/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Live capture for tunkit dump: one packet socket with a TPACKET_V3 ring
 * (capture.c) on the device, so the kernel copies each packet once, and
 * the direction of each from the kernel's packet type, exact and already
 * in order.  libpcap still opens the device first: its errors, its link
 * type and its BPF code for the filter (which knows the VLAN tags the
 * kernel takes out of frames); the ring takes Ethernet and raw IP (tun)
 * links, anything else stays with libpcap (dump-pcap.c).  Also how every
 * dump shows a packet, and its closing summary.
 */
#include <errno.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode/decode.h"
#include "dump.h"
#include "err.h"
#include "nl.h"
#include "sig.h"

/* 64 blocks of 256 KiB: a block holds a 64 KiB GSO frame or ~1,800 small
 * packets; at 5 ms per block 16 MiB absorb a stall of a third of a second
 * at 100,000 packets/s (tcpdump's default buffer is 2 MiB). */
#define RING_BYTES  (16u << 20)
#define BLOCK_BYTES (256u << 10)
#define RETIRE_MS   5

/* HH:MM:SS of sec, local time; the last one is kept (one per second) */
static const char *hms(time_t sec)
{
	static time_t last = -1;
	static char s[16];
	struct tm tm;

	if (sec != last) {
		localtime_r(&sec, &tm);
		strftime(s, sizeof(s), "%H:%M:%S", &tm);
		last = sec;
	}
	return s;
}

int tk_dump_show(struct tk_ctx *ctx, const struct tk_dump *d, const struct timeval *ts,
		 const char *dir, const uint8_t *data, uint32_t caplen, uint32_t len,
		 enum tk_dec_link link, const struct tk_dec_opts *opts)
{
	/* kept from packet to packet: no malloc for a text line */
	static struct tk_rec rec;
	static struct tk_dec_buf text;
	double t = (double)ts->tv_sec + ts->tv_usec / 1e6;

	tk_dec_rec(&rec, data, caplen, len, link, opts);
	if (ctx->json) {
		json_t *layers = tk_rec_json(&rec, 0), *o;
		char *s;

		if (!layers)
			return -ENOMEM;
		o = json_pack("{s:f,s:s?,s:s?,s:i,s:i,s:o}", "time", t, "ifname", d->dev,
			      "direction", dir, "caplen", (int)caplen, "len", (int)len, "layers",
			      layers);
		s = o ? json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16)) :
			NULL;
		json_decref(o);
		if (!s)
			return -ENOMEM;
		fputs(s, ctx->out);
		fputc('\n', ctx->out);
		free(s);
	} else {
		time_t sec = (time_t)t;

		fprintf(ctx->out, "%s.%06d %-3s %s\n", hms(sec),
			(int)((t - (double)sec) * 1e6 + 0.5) % 1000000,
			dir ? (strcmp(dir, "in") ? "Out" : "In") : "",
			tk_dec_format(&rec, d->link_hdr ? TK_DEC_FMT_LINK : 0, &text));
		if (d->hex) {
			char *hx = tk_dec_hexdump(data, caplen);

			fprintf(ctx->out, "%s\n", hx ? hx : "");
			free(hx);
		}
	}
	return ferror(ctx->out) ? -EIO : 0;
}

/*
 * A note on stderr (readiness, the summary): the text line, or with -j only the object
 * {"KEY": o}.  Notes stay under -j, as objects, rather than going: a script waits for
 * "listening" before it sends, as with tcpdump, and reads the summary's counts.  Consumes o.
 */
static void note(struct tk_ctx *ctx, const char *key, json_t *o, const char *line)
{
	json_t *j = json_object();
	char *s;

	json_object_set_new(j, key, o); /* takes o, also when it fails */
	s = ctx->json && j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (!ctx->quiet)
		fprintf(stderr, "%s\n", s ? s : line);
	free(s);
	json_decref(j);
}

void tk_dump_summary(struct tk_ctx *ctx, const char *obj, const char *what, uint64_t seen,
		     int64_t drop, int64_t ifdrop)
{
	char msg[160], line[256];
	json_t *o;

	if (drop >= 0)
		snprintf(msg, sizeof(msg), "%llu packets captured, %lld dropped by the kernel, "
			 "%lld by the interface", (unsigned long long)seen, (long long)drop,
			 (long long)ifdrop);
	else
		snprintf(msg, sizeof(msg), "%llu packets %s", (unsigned long long)seen, what);
	snprintf(line, sizeof(line), "%s: dump: %s: %s", ctx->prog, obj, msg);
	o = json_pack("{s:s,s:I,s:o,s:o}", "object", obj, "packets", (json_int_t)seen, "dropped",
		      drop >= 0 ? json_integer(drop) : json_null(), "if_dropped",
		      drop >= 0 ? json_integer(ifdrop) : json_null());
	note(ctx, "summary", o, line);
}

int tk_dump_pcap_error(struct tk_ctx *ctx, const char *dev, pcap_t *h, int r)
{
	if (r == PCAP_ERROR_PERM_DENIED)
		return tk_err(ctx, -EPERM, dev);
	return tk_fail(ctx, dev, "%s", pcap_geterr(h));
}

int tk_dump_open_writer(struct tk_ctx *ctx, const struct tk_dump *d, pcap_t *h,
			pcap_dumper_t **out)
{
	bool std = !strcmp(d->wfile ? d->wfile : "", "-");
	FILE *f;
	int r;

	*out = NULL;
	if (!d->wfile)
		return 0;
	f = std ? stdout : fopen(d->wfile, "w");
	if (!f)
		return tk_err(ctx, -errno, d->wfile);
	if (!std) /* pcap_dump writes through stdio: big writes, flushed when idle */
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	*out = pcap_dump_fopen(h, f);
	if (*out)
		return 0;
	r = tk_fail(ctx, d->wfile, "%s", pcap_geterr(h));
	if (!std)
		fclose(f);
	return r;
}

int tk_dump_flush(struct tk_ctx *ctx, pcap_dumper_t *dumper)
{
	if (dumper)
		return pcap_dump_flush(dumper) < 0 ? -EIO : 0;
	return fflush(ctx->out) || ferror(ctx->out) ? -EIO : 0;
}

void tk_dump_ready(struct tk_ctx *ctx, const struct tk_dump *d, int dlt, bool attached)
{
	const char *lt = pcap_datalink_val_to_name(dlt);
	char line[256];

	/* as tcpdump does: a script may wait for this line before it sends */
	snprintf(line, sizeof(line), "%s: dump: %s %s, link-type %s, snapshot length %u",
		 ctx->prog, attached ? "attached to" : "listening on", d->dev, lt ? lt : "unknown",
		 d->snaplen);
	note(ctx, attached ? "attached" : "listening",
	     json_pack("{s:s,s:s?,s:I}", "object", d->dev, "link_type", lt, "snaplen",
		       (json_int_t)d->snaplen),
	     line);
}

struct live {
	struct tk_ctx *ctx;
	const struct tk_dump *d;
	enum tk_dec_link link;
	pcap_dumper_t *dumper;
	struct tk_cap cap;
	uint64_t seen;
	int err;
};

static int on_packet(void *arg, const struct tk_cap_pkt *p)
{
	struct live *l = arg;
	const struct tk_dump *d = l->d;
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = p->ts.tv_sec, .tv_usec = p->ts.tv_nsec / 1000 },
		.caplen = p->caplen < d->snaplen ? p->caplen : d->snaplen, /* a VLAN tag put back */
		.len = p->len,
	};

	l->seen++;
	if (l->dumper)
		pcap_dump((u_char *)l->dumper, &h, p->data);
	else
		l->err = tk_dump_show(l->ctx, d, &h.ts, p->out ? "out" : "in", p->data, h.caplen,
				      h.len, l->link, NULL);
	return l->err || (d->count && l->seen >= d->count);
}

/* After -ENETDOWN: deleted, or only down?  A deleted device is down first,
 * then unlisted: give that a moment. */
static bool deleted(struct tk_cap *c)
{
	for (int i = 0; i < 10; i++) {
		if (tk_cap_gone(c))
			return true;
		usleep(20000);
	}
	return false;
}

/* Reads the ring until the count, a signal, an error or the device's end. */
static void loop(struct live *l)
{
	const struct tk_dump *d = l->d;
	bool down = false;

	while (!l->err && !tk_sig_interrupted() && (!d->count || l->seen < d->count)) {
		int r;

		if (tk_cap_read(&l->cap, on_packet, l)) {
			down = false;
			continue;
		}
		/* nothing waiting: out with what is buffered, then sleep */
		l->err = tk_dump_flush(l->ctx, l->dumper);
		r = tk_cap_wait(&l->cap, 200);
		if (r == -ENETDOWN && !deleted(&l->cap)) {
			/* the socket takes packets again once the device is up */
			if (!down)
				tk_warn(l->ctx, d->dev, "the device went down");
			down = true;
		} else if (r == -ENETDOWN || (!r && tk_cap_gone(&l->cap))) {
			/* what the ring still holds (its last block retires soon) */
			tk_cap_wait(&l->cap, 2 * RETIRE_MS);
			tk_cap_read(&l->cap, on_packet, l);
			tk_warn(l->ctx, d->dev, "the device was deleted");
			return;
		} else if (r < 0) {
			tk_warn(l->ctx, d->dev, "capture: %s", strerror(-r));
			return;
		}
	}
}

/* The filter for the socket: libpcap's code for the FILTER (accept all,
 * cut at the snapshot length, when none), behind the direction check. */
static int filter(struct live *l, pcap_t *h, bool loopback, struct sock_fprog *fp)
{
	const struct tk_dump *d = l->d;
	enum tk_cap_dir dir = d->in ? TK_CAP_IN : d->out ? TK_CAP_OUT : TK_CAP_ALL;
	struct bpf_program prog;
	unsigned n;

	/* loopback sees each packet twice, sent and received: once is enough */
	if (loopback && dir == TK_CAP_ALL)
		dir = TK_CAP_IN;
	if (pcap_compile(h, &prog, d->filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return tk_usage(l->ctx, "filter \"%s\": %s", d->filter, pcap_geterr(h));
	/* struct bpf_insn is struct sock_filter: code, jt, jf, k */
	fp->filter = tk_cap_filter_dir((const struct sock_filter *)prog.bf_insns, prog.bf_len, dir,
				       &n);
	fp->len = (unsigned short)n;
	pcap_freecode(&prog);
	if (!fp->filter)
		return tk_err(l->ctx, -ENOMEM, "filter");
	if (n > BPF_MAXINSNS) {
		free(fp->filter);
		return tk_fail(l->ctx, "filter", "%u instructions, more than the kernel takes (%d)", n,
			       BPF_MAXINSNS);
	}
	return 0;
}

/* The ring on the device: the filter, -w, the socket.  Exit status. */
static int open_ring(struct live *l, pcap_t *h, const struct tk_link *k, int dlt)
{
	struct sock_fprog fp;
	int r = filter(l, h, k->arptype == ARPHRD_LOOPBACK, &fp);

	if (r)
		return r;
	r = tk_cap_open(&l->cap, k->ifindex, dlt == DLT_EN10MB, &fp, RING_BYTES, BLOCK_BYTES,
			RETIRE_MS);
	free(fp.filter);
	if (r == -ENETDOWN)
		return tk_fail(l->ctx, l->d->dev, "the device is down");
	if (r)
		return tk_err(l->ctx, r, l->d->dev);
	return tk_dump_open_writer(l->ctx, l->d, h, &l->dumper);
}

/* The device's received packets it dropped itself (rx_dropped), or -1. */
static int64_t rx_dropped(const char *dev)
{
	struct tk_nl *nl;
	struct tk_link k;
	int r = tk_nl_open(&nl);

	if (r)
		return -1;
	r = tk_nl_link_get(nl, dev, &k);
	tk_nl_close(nl);
	return r || !k.has_stats ? -1 : (int64_t)k.stats[6];
}

int tk_dump_live(struct tk_ctx *ctx, const struct tk_dump *d)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct live *l;
	struct tk_nl *nl;
	struct tk_link k;
	pcap_t *h;
	int64_t ifdrop0, ifdrop1;
	int dlt, r;

	/* a clear word for a missing device, before libpcap's own */
	r = tk_nl_open(&nl);
	if (!r) {
		r = tk_nl_link_get(nl, d->dev, &k);
		tk_nl_close(nl);
	}
	if (r == -ENODEV)
		return tk_fail(ctx, d->dev, "no such device");
	if (r)
		return tk_err(ctx, r, d->dev);
	h = pcap_create(d->dev, errbuf);
	if (!h)
		return tk_fail(ctx, d->dev, "%s", errbuf);
	pcap_set_snaplen(h, (int)d->snaplen);
	pcap_set_buffer_size(h, 1 << 20); /* only opened: its ring stays small */
	r = pcap_activate(h);
	if (r < 0) {
		r = tk_dump_pcap_error(ctx, d->dev, h, r);
		pcap_close(h);
		return r;
	}
	dlt = pcap_datalink(h);
	if (!((dlt == DLT_EN10MB && (k.arptype == ARPHRD_ETHER || k.arptype == ARPHRD_LOOPBACK)) ||
	      (dlt == DLT_RAW && k.arptype == ARPHRD_NONE))) {
		pcap_close(h);
		return tk_dump_pcap_live(ctx, d);
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		pcap_close(h);
		return tk_err(ctx, -ENOMEM, "dump");
	}
	*l = (struct live){ .ctx = ctx, .d = d, .link = tk_dump_link_of(dlt) };
	l->cap.fd = -1;
	ifdrop0 = k.has_stats ? (int64_t)k.stats[6] : -1;
	r = open_ring(l, h, &k, dlt);
	pcap_close(h); /* its socket would get a copy of every packet too */
	if (!r) {
		tk_sig_catch(); /* before "listening": a signal after it is caught */
		tk_dump_ready(ctx, d, dlt, false);
		loop(l);
		/* a second Ctrl-C while the file is flushed does not cut the summary */
		if (!l->err)
			l->err = tk_dump_flush(ctx, l->dumper);
		ifdrop1 = rx_dropped(d->dev);
		tk_dump_summary(ctx, d->dev, NULL, l->seen, (int64_t)tk_cap_drops(&l->cap),
				ifdrop0 >= 0 && ifdrop1 >= ifdrop0 ? ifdrop1 - ifdrop0 : 0);
		tk_sig_release();
		r = l->err ? tk_err(ctx, l->err, d->wfile ? d->wfile : "stdout") : 0;
	}
	if (l->dumper)
		pcap_dump_close(l->dumper);
	tk_cap_close(&l->cap);
	free(l);
	return r;
}
