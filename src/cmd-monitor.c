/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit monitor: what happens to tun/tap devices and bridges, as it
 * happens: created, deleted, renamed, up/down, a process attached or
 * detached (the carrier follows the first attachment), a port joined or
 * left a bridge, MTU and address changes.  Text lines, or JSON Lines with -j.
 * Netlink sends whole link states; the table of last-seen states turns them
 * into these events.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "err.h"
#include "link.h"
#include "opt.h"
#include "out.h"
#include "sig.h"

enum { O_COUNT };

static const struct tk_opt opts[] = {
	[O_COUNT] = { "count", 'c', TK_ARG_REQ, "N", NULL, "stop after N events" },
	{ NULL },
};

struct mon {
	struct tk_ctx *ctx;
	struct tk_snap s; /* last-seen links (addresses and holders unused) */
	uint32_t count, seen;
	int err;
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct mon *m = st;

	if (tk_parse_u32(arg, 1, UINT32_MAX, &m->count))
		return tk_usage(ctx, "count \"%s\": expected a positive number", arg);
	return 0;
}

static char *line(const json_t *o)
{
	double t = json_real_value(json_object_get(o, "time"));
	time_t sec = (time_t)t;
	struct tm tm;
	char ts[32], *extra, *s;
	json_t *rest = json_deep_copy(o);
	const char *keys[] = { "time", "event", "ifname", "ifindex", "kind" };

	localtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_object_del(rest, keys[i]);
	extra = json_object_size(rest) ? json_dumps(rest, JSON_COMPACT) : strdup("");
	json_decref(rest);
	if (asprintf(&s, "%s.%06d %-14s %-15s %s %s", ts, (int)((t - (double)sec) * 1e6),
		     json_string_value(json_object_get(o, "event")),
		     json_string_value(json_object_get(o, "ifname")),
		     json_string_value(json_object_get(o, "kind")), extra ? extra : "") < 0)
		s = NULL;
	free(extra);
	return s;
}

static const struct tk_view view = { TK_VIEW_LINES, NULL, line };

static const struct tk_link *by_index(const struct tk_snap *s, int ifindex)
{
	return ifindex ? tk_snap_by_index(s, ifindex) : NULL;
}

/* Prints one event; extra (may be NULL) is merged into it. */
static void emit(struct mon *m, const char *event, const struct tk_link *l, json_t *extra)
{
	struct timeval tv;
	json_t *o;

	if (m->err || (m->count && m->seen >= m->count)) {
		json_decref(extra);
		return;
	}
	gettimeofday(&tv, NULL);
	o = json_pack("{s:f,s:s,s:s,s:i,s:s}", "time", tv.tv_sec + tv.tv_usec / 1e6, "event",
		      event, "ifname", l->ifname, "ifindex", l->ifindex, "kind",
		      tk_link_kind_name(l));
	if (extra) {
		json_object_update(o, extra);
		json_decref(extra);
	}
	if (tk_out_stream(m->ctx, o, &view))
		m->err = -EIO;
	json_decref(o);
	m->seen++;
}

static bool relevant(const struct mon *m, const struct tk_link *l)
{
	const struct tk_link *master = by_index(&m->s, l->master);

	return l->is_tun || l->is_bridge || (master && master->is_bridge);
}

static void port_change(struct mon *m, const struct tk_link *old, const struct tk_link *l)
{
	const struct tk_link *was = by_index(&m->s, old->master), *now = by_index(&m->s, l->master);

	if (old->master && old->master != l->master)
		emit(m, "port-left", l, json_pack("{s:s?}", "master", was ? was->ifname : NULL));
	if (l->master && old->master != l->master)
		emit(m, "port-joined", l, json_pack("{s:s?}", "master", now ? now->ifname : NULL));
}

/* The events between the last-seen state old and the new state l. */
static void changes(struct mon *m, const struct tk_link *old, const struct tk_link *l)
{
	bool was_up = old->flags & 1, up = l->flags & 1; /* IFF_UP */
	int oc = old->carrier, nc = l->carrier;

	if (strcmp(old->ifname, l->ifname))
		emit(m, "renamed", l, json_pack("{s:s}", "old_ifname", old->ifname));
	if (was_up != up)
		emit(m, up ? "up" : "down", l, NULL);
	if (oc >= 0 && nc >= 0 && oc != nc) {
		if (l->is_tun)
			emit(m, nc ? "attached" : "detached", l, json_pack("{s:b}", "carrier", nc));
		else
			emit(m, nc ? "carrier-on" : "carrier-off", l, NULL);
	}
	port_change(m, old, l);
	if (old->mtu != l->mtu)
		emit(m, "mtu-changed", l, json_pack("{s:i,s:i}", "mtu", l->mtu, "old_mtu", old->mtu));
}

static int remember(struct mon *m, const struct tk_link *l)
{
	struct tk_link *v;

	for (size_t i = 0; i < m->s.nlinks; i++)
		if (m->s.links[i].ifindex == l->ifindex) {
			m->s.links[i] = *l;
			return 0;
		}
	v = realloc(m->s.links, (m->s.nlinks + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->s.links = v;
	m->s.links[m->s.nlinks++] = *l;
	return 0;
}

static void forget(struct mon *m, int ifindex)
{
	for (size_t i = 0; i < m->s.nlinks; i++)
		if (m->s.links[i].ifindex == ifindex) {
			m->s.links[i] = m->s.links[--m->s.nlinks];
			return;
		}
}

static void address(struct mon *m, const struct tk_nl_event *ev)
{
	const struct tk_link *l = by_index(&m->s, ev->addr.ifindex);
	char buf[64];
	int fam = ev->addr.family;

	if (!l || !relevant(m, l) || !inet_ntop(fam, ev->addr.local, buf, sizeof(buf)))
		return;
	emit(m, ev->type == RTM_NEWADDR ? "address-added" : "address-removed", l,
	     json_pack("{s:s,s:s,s:i}", "family", fam == AF_INET ? "inet" : "inet6", "local", buf,
		       "prefixlen", ev->addr.prefixlen));
}

static int event(const struct tk_nl_event *ev, void *arg)
{
	struct mon *m = arg;
	const struct tk_link *old;

	if (ev->type == RTM_NEWADDR || ev->type == RTM_DELADDR) {
		address(m, ev);
		return m->err;
	}
	old = by_index(&m->s, ev->link.ifindex);
	if (ev->type == RTM_DELLINK) {
		if (old && relevant(m, old))
			emit(m, "deleted", &ev->link, NULL);
		forget(m, ev->link.ifindex);
		return m->err;
	}
	if (!old && relevant(m, &ev->link)) {
		emit(m, "created", &ev->link, NULL);
		if (ev->link.master)
			emit(m, "port-joined", &ev->link, NULL);
	} else if (old && (relevant(m, old) || relevant(m, &ev->link))) {
		changes(m, old, &ev->link);
	}
	return remember(m, &ev->link) ? -ENOMEM : m->err;
}

static int loop(struct tk_ctx *ctx, struct mon *m, struct tk_nl *mon)
{
	struct pollfd p = { .fd = tk_nl_fd(mon), .events = POLLIN };
	int r = 0;

	while (!r && !tk_sig_interrupted() && (!m->count || m->seen < m->count)) {
		if (poll(&p, 1, 250) < 0 && errno != EINTR)
			return tk_err(ctx, -errno, "poll");
		if (!(p.revents & POLLIN))
			continue;
		r = tk_nl_monitor_read(mon, event, m);
		if (r == -ENOBUFS) { /* the kernel dropped events: say so, and go on */
			tk_warn(ctx, NULL, "events were lost (receive queue overflow)");
			r = 0;
		}
	}
	return r ? tk_err(ctx, r, "netlink") : 0;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct mon m = { .ctx = ctx };
	struct tk_nl *mon, *nl;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_monitor, argc, argv, opt, &m, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	/* subscribe first, then read the state: nothing falls in between */
	r = tk_nl_monitor_open(&mon);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = tk_nl_open(&nl);
	if (!r) {
		r = tk_snap_take(nl, &m.s, 0);
		tk_nl_close(nl);
	}
	if (r) {
		tk_nl_close(mon);
		return tk_err(ctx, r, "netlink");
	}
	tk_sig_catch();
	r = loop(ctx, &m, mon);
	tk_sig_release();
	tk_snap_free(&m.s);
	tk_nl_close(mon);
	return r;
}

const struct tk_cmd tk_cmd_monitor = {
	.name = "monitor",
	.summary = "a live stream of tun/tap and bridge events",
	.max_args = 0,
	.opts = opts,
	.run = run,
};
