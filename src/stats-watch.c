/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The samples of `stats --watch`.  A full link dump of 1,000 tun/tap
 * devices costs the kernel several KiB per device; between samples only the
 * counters are read (RTM_GETSTATS), and the device list again only when a
 * link event or the counters themselves say it changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "err.h"
#include "stats.h"

static double now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void stamp(struct tk_watch *w)
{
	double t = now();

	w->dt = w->started ? t - w->t : 0;
	w->t = t;
	w->started = true;
}

void tk_watch_init(struct tk_watch *w, bool (*want)(const void *arg, const struct tk_link *l),
		  const void *arg)
{
	memset(w, 0, sizeof(*w));
	w->want = want;
	w->arg = arg;
	w->full = true;
	if (tk_nl_link_events_open(&w->events))
		w->events = NULL;
}

static void free_devs(struct tk_watch_dev *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].head);
	free(v);
}

void tk_watch_free(struct tk_watch *w)
{
	free_devs(w->dev, w->n);
	free(w->known);
	free(w->buf);
	tk_nl_close(w->events);
	memset(w, 0, sizeof(*w));
}

static int by_index(const void *a, const void *b)
{
	const struct tk_watch_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static struct tk_watch_link *known(const struct tk_watch *w, int ifindex)
{
	struct tk_watch_link key = { .ifindex = ifindex };

	return w->nknown ? bsearch(&key, w->known, w->nknown, sizeof(key), by_index) : NULL;
}

/* The device ifindex of the previous list, or NULL. */
static struct tk_watch_dev *old_dev(const struct tk_watch *w, int ifindex)
{
	const struct tk_watch_link *k = known(w, ifindex);

	return k && k->dev >= 0 ? &w->dev[k->dev] : NULL;
}

int tk_watch_load(struct tk_ctx *ctx, struct tk_watch *w, const struct tk_snap *s)
{
	struct tk_watch_dev *v = calloc(s->nlinks + 1, sizeof(*v));
	struct tk_watch_link *k = calloc(s->nlinks + 1, sizeof(*k));
	size_t n = 0;

	if (!v || !k) {
		free(v);
		free(k);
		return -ENOMEM;
	}
	w->sample++;
	for (size_t i = 0; i < s->nlinks; i++) {
		const struct tk_link *l = &s->links[i];
		struct tk_watch_dev *d = &v[n], *o;

		k[i].ifindex = l->ifindex;
		k[i].dev = -1;
		if (!w->want(w->arg, l))
			continue;
		k[i].dev = (int)n++;
		d->ifindex = l->ifindex;
		snprintf(d->ifname, sizeof(d->ifname), "%s", l->ifname);
		snprintf(d->kind, sizeof(d->kind), "%s", tk_link_kind_name(l));
		memcpy(d->cur, l->stats, sizeof(d->cur));
		d->seen = w->sample;
		o = old_dev(w, l->ifindex);
		if (!o)
			continue;
		/* counted last time: rates from there */
		d->has_prev = true;
		memcpy(d->prev, o->cur, sizeof(d->prev));
		if (!strcmp(o->ifname, d->ifname) && !strcmp(o->kind, d->kind)) {
			d->head = o->head;
			d->headlen = o->headlen;
			d->no_head = o->no_head;
			o->head = NULL;
		}
		o->seen = 0; /* still here */
	}
	/* listed last time and not now: gone (or no longer wanted) */
	for (size_t i = 0; i < w->n; i++)
		if (w->dev[i].seen)
			tk_warn(ctx, w->dev[i].ifname, "gone");
	qsort(k, s->nlinks, sizeof(*k), by_index);
	free_devs(w->dev, w->n);
	free(w->known);
	w->dev = v;
	w->n = n;
	w->known = k;
	w->nknown = s->nlinks;
	w->full = false;
	w->full_reads++;
	stamp(w);
	return 0;
}

static int counters(int ifindex, const uint64_t *st, void *arg)
{
	struct tk_watch *w = arg;
	const struct tk_watch_link *k = known(w, ifindex);
	struct tk_watch_dev *d;

	if (!k) {
		w->full = true; /* a link that appeared: read the list */
		return 0;
	}
	if (k->dev < 0)
		return 0;
	/* kept aside until the read is known to be complete */
	d = &w->dev[k->dev];
	memcpy(d->next, st, sizeof(d->next));
	d->seen = w->sample;
	return 0;
}

/* Counters only; sets w->full when the list turns out to have changed. */
static int read_counters(struct tk_watch *w, struct tk_nl *nl)
{
	int r;

	if (w->events) {
		r = tk_nl_link_events(w->events);
		if (r < 0) {
			tk_nl_close(w->events);
			w->events = NULL;
		}
		if (r)
			return w->full = true, 0;
	}
	w->sample++;
	r = tk_nl_stats64(nl, counters, w);
	if (r == -EOPNOTSUPP || r == -EINVAL) {
		w->no_stats = true; /* a kernel before 4.7 */
		return w->full = true, 0;
	}
	for (size_t i = 0; !r && !w->full && i < w->n; i++)
		if (w->dev[i].seen != w->sample)
			w->full = true; /* one vanished */
	for (size_t i = 0; !r && !w->full && i < w->n; i++) {
		struct tk_watch_dev *d = &w->dev[i];

		memcpy(d->prev, d->cur, sizeof(d->prev));
		memcpy(d->cur, d->next, sizeof(d->cur));
		d->has_prev = true;
	}
	return r;
}

int tk_watch_read(struct tk_ctx *ctx, struct tk_watch *w, struct tk_nl *nl)
{
	struct tk_snap s;
	int r;

	if (!w->full && w->events && !w->no_stats) {
		r = read_counters(w, nl);
		if (r)
			return r;
		if (!w->full) {
			stamp(w);
			return 0;
		}
	}
	r = tk_snap_take(nl, &s, 0);
	if (r)
		return r;
	r = tk_watch_load(ctx, w, &s);
	tk_snap_free(&s);
	return r;
}
