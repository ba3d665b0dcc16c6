/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit stats: the 64-bit counters of tun/tap devices (or any link), once
 * or as a stream of samples with rates.  On a terminal the table redraws in
 * place; otherwise each sample is one JSON object per line, so
 * `tunkit stats --watch tap0 | jq` works as a stream.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "link.h"
#include "name.h"
#include "opt.h"
#include "out.h"
#include "sig.h"
#include "stats.h"
#include "tunnel-ctl.h"

enum { O_ALL, O_DETAILS, O_WATCH, O_COUNT };

static const struct tk_opt opts[] = {
	[O_ALL] = { "all-links", 'a', TK_ARG_NONE, NULL, NULL, "every link, not only tun/tap" },
	[O_DETAILS] = { "details", 'd', TK_ARG_NONE, NULL, NULL, "the detailed error counters" },
	[O_WATCH] = { "watch", 'w', TK_ARG_OPT, "SEC", NULL,
		      "a sample every SEC seconds (default 1), with rates" },
	[O_COUNT] = { "count", 'c', TK_ARG_REQ, "N", NULL, "stop after N samples" },
	{ NULL },
};

struct stats_args {
	bool all, details, watch;
	double interval;
	uint32_t count;
	char **names;
	int nnames;
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct stats_args *a = st;
	char *end;

	switch (idx) {
	case O_ALL: a->all = true; break;
	case O_DETAILS: a->details = true; break;
	case O_WATCH:
		a->watch = true;
		if (arg) {
			a->interval = strtod(arg, &end);
			if (*end || !(a->interval >= 0.05 && a->interval <= 86400))
				return tk_usage(ctx, "watch \"%s\": expected 0.05 to 86400 seconds",
						arg);
		}
		break;
	case O_COUNT:
		if (tk_parse_u32(arg, 1, UINT32_MAX, &a->count))
			return tk_usage(ctx, "count \"%s\": expected a positive number", arg);
	}
	return 0;
}

static bool selected(const struct stats_args *a, const struct tk_link *l)
{
	if (a->nnames) {
		for (int i = 0; i < a->nnames; i++)
			if (!fnmatch(a->names[i], l->ifname, 0))
				return true;
		return false;
	}
	return a->all || l->is_tun;
}

/* Named devices must exist (once, at the start); returns the exit status. */
static int check_names(struct tk_ctx *ctx, const struct stats_args *a, const struct tk_snap *s)
{
	int status = 0;

	for (int i = 0; i < a->nnames; i++)
		if (!tk_name_is_glob(a->names[i]) && !tk_snap_by_name(s, a->names[i]))
			status = tk_fail(ctx, a->names[i], "no such device");
	return status;
}

static int once(struct tk_ctx *ctx, const struct stats_args *a, struct tk_nl *nl)
{
	struct tk_out_arr out;
	struct tk_snap s;
	json_t *tunnels;
	int r;

	r = tk_snap_take(nl, &s, 0);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = check_names(ctx, a, &s);
	/* a tunnel behind a device adds its own counters (one readdir when none runs) */
	tunnels = tk_tunnel_query_all();
	tk_out_arr_begin(&out, ctx, tk_stats_view(a->details, false));
	for (size_t i = 0; !r && i < s.nlinks; i++) {
		json_t *o, *t;

		if (!selected(a, &s.links[i]))
			continue;
		o = tk_json_stats(&s.links[i], a->details, NULL, 0);
		t = json_object_get(tunnels, s.links[i].ifname);
		if (t)
			json_object_set(o, "tunnel", t);
		tk_out_arr_add(&out, o);
	}
	r = tk_out_arr_end(&out, r != 0) ? tk_err(ctx, -EIO, "stdout") : r;
	json_decref(tunnels);
	tk_snap_free(&s);
	return r;
}

static int watch(struct tk_ctx *ctx, const struct stats_args *a, struct tk_nl *nl)
{
	struct tk_watch w;
	bool tty = !ctx->json && isatty(fileno(ctx->out));
	struct tk_snap s;
	int r;

	/* subscribed before the first read: no change can fall in between */
	tk_watch_init(&w, (bool (*)(const void *, const struct tk_link *))selected, a);
	tk_sig_catch();
	r = tk_snap_take(nl, &s, 0);
	if (r)
		r = tk_err(ctx, r, "netlink");
	else if (!(r = check_names(ctx, a, &s)) && (r = tk_watch_load(ctx, &w, &s)))
		r = tk_err(ctx, r, "netlink");
	tk_snap_free(&s);
	for (uint32_t n = 0; !r && (!a->count || n < a->count); n++) {
		if (n && !tk_sig_sleep(a->interval))
			break;
		if (n && (r = tk_watch_read(ctx, &w, nl))) {
			r = tk_err(ctx, r, "netlink");
			break;
		}
		/* off a terminal, samples are JSON Lines */
		r = tty ? tk_stats_redraw(ctx, &w) : tk_watch_print(ctx->out, &w, a->details);
		if (r) {
			r = tk_err(ctx, r, "stdout");
			break;
		}
	}
	tk_sig_release();
	tk_watch_free(&w);
	return r;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct stats_args a = { .interval = 1 };
	struct tk_nl *nl;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_stats, argc, argv, opt, &a, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	a.names = argv + first;
	a.nnames = argc - first;
	for (int i = 0; i < a.nnames; i++) {
		const char *why = tk_name_is_glob(a.names[i]) ? NULL :
			tk_name_invalid(a.names[i], false);

		if (why)
			return tk_usage(ctx, "\"%s\": %s", a.names[i], why);
	}
	if (a.count && !a.watch)
		a.watch = true;
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = a.watch ? watch(ctx, &a, nl) : once(ctx, &a, nl);
	tk_nl_close(nl);
	return r;
}

const struct tk_cmd tk_cmd_stats = {
	.name = "stats",
	.summary = "packet and byte counters, once or live with rates",
	.synopsis = "[DEV|GLOB...]",
	.opts = opts,
	.max_args = -1,
	.operands = "@tuntap",
	.run = run,
};
