/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit dump's capture side (dump.c), shared with its command file.
 */
#ifndef TK_DUMP_H
#define TK_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "cmd.h"
#include "decode/decode.h"
#include "reply.h"

#define TK_DUMP_MAX_ADDRS 32

struct tk_dump {
	const char *dev, *rfile, *wfile;
	char *filter;
	uint32_t count, snaplen;
	bool hex, link_hdr, in, out;
	bool attach, reply, has_mac; /* --attach, --reply, --reply-mac given */
	uint8_t reply_mac[6];
	struct tk_reply_addr addrs[TK_DUMP_MAX_ADDRS]; /* --reply-addr */
	size_t naddrs;
};

/* Capture on d->dev until the count, Ctrl-C or the device's end; prints
 * packets and the summary; returns the exit status. */
int tk_dump_live(struct tk_ctx *ctx, const struct tk_dump *d);
/* The same for a pcap file (no privileges needed). */
int tk_dump_file(struct tk_ctx *ctx, const struct tk_dump *d);
/* The same as d->dev's program, through /dev/net/tun (dump-attach.c). */
int tk_dump_attach(struct tk_ctx *ctx, const struct tk_dump *d);

/* One packet as every dump shows it: a text line (and -x hex) or, with -j,
 * a JSON record; dir is "in", "out" or NULL.  Buffered: the caller flushes
 * (tk_dump_flush).  0 or -errno. */
int tk_dump_show(struct tk_ctx *ctx, const struct tk_dump *d, const struct timeval *ts,
		 const char *dir, const uint8_t *data, uint32_t caplen, uint32_t len,
		 enum tk_dec_link link, const struct tk_dec_opts *opts);
/* The closing line on stderr (with -j instead {"summary": {object, packets, dropped,
 * if_dropped}}): with drop >= 0 the kernel's drop counts, else "SEEN packets WHAT" and
 * no drop counts. */
void tk_dump_summary(struct tk_ctx *ctx, const char *obj, const char *what, uint64_t seen,
		     int64_t drop, int64_t ifdrop);

/* Between dump.c and dump-pcap.c: */
struct pcap;
struct pcap_dumper;
/* Live capture through libpcap, for links the ring does not take. */
int tk_dump_pcap_live(struct tk_ctx *ctx, const struct tk_dump *d);
/* The decoder's link type for a pcap one (DLT_*). */
enum tk_dec_link tk_dump_link_of(int dlt);
/* The message for pcap_activate's error r on dev; returns the exit status. */
int tk_dump_pcap_error(struct tk_ctx *ctx, const char *dev, struct pcap *h, int r);
/* Opens -w (if given) for h's link type, fully buffered; *out NULL without
 * -w.  Returns the exit status. */
int tk_dump_open_writer(struct tk_ctx *ctx, const struct tk_dump *d, struct pcap *h,
			struct pcap_dumper **out);
/* Writes out what is buffered, the -w file's or stdout's: 0 or -EIO.  Called
 * when no packet is waiting, so a slow trickle still shows at once. */
int tk_dump_flush(struct tk_ctx *ctx, struct pcap_dumper *dumper);
/* "listening on DEV, link-type ..., snapshot length N" on stderr ("attached to" with
 * attached); with -j instead {"listening"|"attached": {object, link_type, snaplen}}. */
void tk_dump_ready(struct tk_ctx *ctx, const struct tk_dump *d, int dlt, bool attached);

#endif
