/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit bridge: Linux bridges for tap devices (and any other link): add,
 * delete, attach and detach ports, STP, show, and the MAC table; brctl's
 * verbs are aliases.  Every operand is judged before anything changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "err.h"
#include "name.h"
#include "opt.h"

struct br_args {
	struct tk_bridge_opts o;
	bool up;
};

enum { O_STP, O_VLAN, O_AGEING, O_FWD, O_UP };

static const struct tk_opt add_opts[] = {
	[O_STP] = { "stp", 0, TK_ARG_REQ, "on|off", "on off", "spanning tree protocol" },
	[O_VLAN] = { "vlan-filtering", 0, TK_ARG_REQ, "on|off", "on off", "VLAN filtering" },
	[O_AGEING] = { "ageing", 0, TK_ARG_REQ, "SEC", NULL, "MAC table ageing time" },
	[O_FWD] = { "forward-delay", 0, TK_ARG_REQ, "SEC", NULL, "STP forward delay" },
	[O_UP] = { "up", 0, TK_ARG_NONE, NULL, NULL, "bring the bridge up" },
	{ NULL },
};

static int add_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct br_args *a = st;
	uint32_t v;
	bool b;

	switch (idx) {
	case O_STP:
	case O_VLAN:
		if (tk_parse_bool(arg, &b))
			return tk_usage(ctx, "\"%s\": expected on or off", arg);
		*(idx == O_STP ? &a->o.stp : &a->o.vlan_filtering) = b;
		return 0;
	case O_AGEING:
	case O_FWD:
		if (tk_parse_u32(arg, 0, 1000000, &v))
			return tk_usage(ctx, "\"%s\": expected seconds", arg);
		*(idx == O_AGEING ? &a->o.ageing_time : &a->o.forward_delay) = (int64_t)v * 100;
		return 0;
	case O_UP:
		a->up = true;
	}
	return 0;
}

/* Opens netlink and reads the namespace; prints the error itself. */
static int open_snap(struct tk_ctx *ctx, struct tk_nl **nl, struct tk_snap *s)
{
	int r = tk_nl_open(nl);

	if (!r)
		r = tk_snap_take(*nl, s, 0);
	if (r) {
		tk_nl_close(*nl);
		*nl = NULL;
		return tk_err(ctx, r, "netlink");
	}
	return 0;
}

/* The bridge called name, or NULL after printing why not. */
static const struct tk_link *find_bridge(struct tk_ctx *ctx, const struct tk_snap *s,
					 const char *name)
{
	const struct tk_link *l = tk_snap_by_name(s, name);
	const char *why = tk_name_invalid(name, false);

	if (why)
		tk_fail(ctx, name, "%s", why);
	else if (!l)
		tk_fail(ctx, name, "no such bridge");
	else if (!l->is_bridge)
		tk_fail(ctx, name, "not a bridge (a %s)", tk_link_kind_name(l));
	else
		return l;
	return NULL;
}

static int finish(struct tk_ctx *ctx, struct tk_nl *nl, struct tk_snap *s, int r)
{
	tk_snap_free(s);
	tk_nl_close(nl);
	return r;
}

static int run_add(struct tk_ctx *ctx, int argc, char **argv);
static int run_delete(struct tk_ctx *ctx, int argc, char **argv);
static int run_attach(struct tk_ctx *ctx, int argc, char **argv);
static int run_detach(struct tk_ctx *ctx, int argc, char **argv);
static int run_show(struct tk_ctx *ctx, int argc, char **argv);
static int run_fdb(struct tk_ctx *ctx, int argc, char **argv);
static int run_stp(struct tk_ctx *ctx, int argc, char **argv);

static const struct tk_cmd sub_add = {
	.name = "add", .aliases = (const char *const[]){ "addbr", NULL },
	.summary = "create a bridge", .synopsis = "BRIDGE", .opts = add_opts,
	.min_args = 1, .max_args = 1, .run = run_add,
};
static const struct tk_cmd sub_attach = {
	.name = "attach", .aliases = (const char *const[]){ "addif", NULL },
	.summary = "make links ports of a bridge", .synopsis = "BRIDGE DEV...",
	.min_args = 2, .max_args = -1, .operands = "@link", .run = run_attach,
};
static const struct tk_cmd sub_delete = {
	.name = "delete", .aliases = (const char *const[]){ "del", "delbr", NULL },
	.summary = "delete bridges (and nothing else)", .synopsis = "BRIDGE...",
	.min_args = 1, .max_args = -1, .operands = "@bridge", .run = run_delete,
};
static const struct tk_cmd sub_detach = {
	.name = "detach", .aliases = (const char *const[]){ "delif", NULL },
	.summary = "release ports from their bridge (delif: BRIDGE DEV...)",
	.synopsis = "DEV...", .min_args = 1, .max_args = -1, .operands = "@port",
	.run = run_detach,
};
static const struct tk_cmd sub_fdb = {
	.name = "fdb", .aliases = (const char *const[]){ "showmacs", NULL },
	.summary = "the MAC table of a bridge", .synopsis = "BRIDGE",
	.min_args = 1, .max_args = 1, .operands = "@bridge", .run = run_fdb,
};
static const struct tk_cmd sub_show = {
	.name = "show", .aliases = (const char *const[]){ "list", NULL },
	.summary = "bridges with their ports and settings", .synopsis = "[BRIDGE...]",
	.min_args = 0, .max_args = -1, .operands = "@bridge", .run = run_show,
};
static const struct tk_cmd sub_stp = {
	.name = "stp", .summary = "turn the spanning tree protocol on or off",
	.synopsis = "BRIDGE on|off", .min_args = 2, .max_args = 2, .operands = "@bridge",
	.run = run_stp,
};

static int no_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	return 0;
}

static int parse(struct tk_ctx *ctx, const struct tk_cmd *c, int argc, char **argv, int *first)
{
	int r = tk_opt_parse(ctx, c, argc, argv, no_opt, NULL, first);

	return r == TK_OPT_HELP ? -1 : r;
}

static int run_add(struct tk_ctx *ctx, int argc, char **argv)
{
	struct br_args a = { .up = false };
	struct tk_link_change c;
	struct tk_nl *nl;
	struct tk_link l;
	const char *why;
	int first, r;

	tk_nl_bridge_opts_init(&a.o);
	r = tk_opt_parse(ctx, &sub_add, argc, argv, add_opt, &a, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	why = tk_name_invalid(argv[first], false);
	if (why)
		return tk_usage(ctx, "\"%s\": %s", argv[first], why);
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	if (!tk_nl_link_get(nl, argv[first], &l)) {
		tk_nl_close(nl);
		return tk_fail(ctx, argv[first], "already exists (a %s)", tk_link_kind_name(&l));
	}
	r = tk_nl_bridge_add(nl, argv[first], &a.o);
	if (!r && a.up) {
		tk_nl_link_change_init(&c);
		c.up = 1;
		r = tk_nl_link_get(nl, argv[first], &l);
		if (!r && (r = tk_nl_link_set(nl, l.ifindex, &c)))
			tk_nl_link_del(nl, l.ifindex); /* all or nothing */
	}
	tk_nl_close(nl);
	return r ? tk_err(ctx, r, argv[first]) : 0;
}

static int run_delete(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_nl *nl;
	struct tk_snap s;
	int first, r, status = 0;

	if ((r = parse(ctx, &sub_delete, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	for (int i = first; i < argc; i++)
		if (!find_bridge(ctx, &s, argv[i]))
			status = 1;
	for (int i = first; !status && i < argc; i++) {
		r = tk_nl_link_del(nl, tk_snap_by_name(&s, argv[i])->ifindex);
		if (r && r != -ENODEV)
			status = tk_err(ctx, r, argv[i]);
	}
	return finish(ctx, nl, &s, status);
}

/* Why dev cannot join br, or NULL. */
static const char *attach_refusal(const struct tk_snap *s, const struct tk_link *br,
				  const struct tk_link *dev, char *buf, size_t size)
{
	const struct tk_link *m;

	if (dev == br)
		return "a bridge cannot be its own port";
	if (dev->is_bridge)
		return "is a bridge: bridges do not nest";
	if (dev->master && dev->master != br->ifindex) {
		m = tk_snap_by_index(s, dev->master);
		snprintf(buf, size, "already a port of %s", m ? m->ifname : "another bridge");
		return buf;
	}
	return NULL;
}

static int run_attach(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_link_change c;
	const struct tk_link *br, *dev;
	struct tk_nl *nl;
	struct tk_snap s;
	char buf[64];
	const char *why;
	int first, r, status = 0;

	if ((r = parse(ctx, &sub_attach, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	br = find_bridge(ctx, &s, argv[first]);
	for (int i = first + 1; br && i < argc; i++) {
		dev = tk_snap_by_name(&s, argv[i]);
		if (!dev)
			status = tk_fail(ctx, argv[i], "no such device");
		else if ((why = attach_refusal(&s, br, dev, buf, sizeof(buf))))
			status = tk_fail(ctx, argv[i], "%s", why);
	}
	if (!br)
		status = 1;
	tk_nl_link_change_init(&c);
	c.master = br ? br->ifindex : 0;
	for (int i = first + 1; !status && i < argc; i++) {
		dev = tk_snap_by_name(&s, argv[i]);
		r = dev->master == br->ifindex ? 0 : tk_nl_link_set(nl, dev->ifindex, &c);
		if (r) {
			status = tk_err(ctx, r, argv[i]);
			/* roll back the ports this call attached */
			c.master = 0;
			for (int j = first + 1; j < i; j++) {
				const struct tk_link *d = tk_snap_by_name(&s, argv[j]);

				if (!d->master)
					tk_nl_link_set(nl, d->ifindex, &c);
			}
		}
	}
	return finish(ctx, nl, &s, status);
}

static int run_detach(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_link_change c;
	const struct tk_link *br = NULL, *dev;
	struct tk_nl *nl;
	struct tk_snap s;
	int first, r, status = 0;
	bool brctl = !strcmp(argv[0], "delif"); /* brctl names the bridge first */

	if ((r = parse(ctx, &sub_detach, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if (brctl && argc - first < 2)
		return tk_usage(ctx, "delif takes BRIDGE DEV...");
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	if (brctl && !(br = find_bridge(ctx, &s, argv[first++])))
		status = 1;
	for (int i = first; !status && i < argc; i++) {
		dev = tk_snap_by_name(&s, argv[i]);
		if (!dev)
			status = tk_fail(ctx, argv[i], "no such device");
		else if (!dev->master || !dev->is_port)
			status = tk_fail(ctx, argv[i], "not a port of any bridge");
		else if (br && dev->master != br->ifindex)
			status = tk_fail(ctx, argv[i], "not a port of %s", br->ifname);
	}
	tk_nl_link_change_init(&c);
	c.master = 0;
	for (int i = first; !status && i < argc; i++) {
		r = tk_nl_link_set(nl, tk_snap_by_name(&s, argv[i])->ifindex, &c);
		if (r)
			status = tk_err(ctx, r, argv[i]);
	}
	return finish(ctx, nl, &s, status);
}

static int run_show(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_out_arr out;
	struct tk_nl *nl;
	struct tk_snap s;
	int first, r, status = 0;

	if ((r = parse(ctx, &sub_show, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	for (int i = first; i < argc; i++)
		if (!find_bridge(ctx, &s, argv[i]))
			status = 1;
	tk_out_arr_begin(&out, ctx, tk_bridge_view());
	for (size_t i = 0; !status && i < s.nlinks; i++) {
		bool want = first == argc;

		for (int j = first; j < argc; j++)
			want |= !strcmp(argv[j], s.links[i].ifname);
		if (want && s.links[i].is_bridge)
			tk_out_arr_add(&out, tk_json_bridge(&s, &s.links[i]));
	}
	r = tk_out_arr_end(&out, status != 0);
	if (r && !status)
		status = tk_err(ctx, r, "stdout");
	return finish(ctx, nl, &s, status);
}

static int run_fdb(struct tk_ctx *ctx, int argc, char **argv)
{
	const struct tk_link *br;
	struct tk_fdb *f;
	struct tk_nl *nl;
	struct tk_snap s;
	json_t *doc;
	size_t n;
	int first, r;

	if ((r = parse(ctx, &sub_fdb, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	br = find_bridge(ctx, &s, argv[first]);
	if (!br)
		return finish(ctx, nl, &s, 1);
	r = tk_nl_fdb(nl, br->ifindex, &f, &n);
	if (r)
		return finish(ctx, nl, &s, tk_err(ctx, r, argv[first]));
	doc = tk_json_fdb(&s, f, n);
	free(f);
	r = tk_out(ctx, doc, tk_fdb_view());
	json_decref(doc);
	return finish(ctx, nl, &s, r ? tk_err(ctx, r, "stdout") : 0);
}

static int run_stp(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_bridge_opts o;
	const struct tk_link *br;
	struct tk_nl *nl;
	struct tk_snap s;
	int first, r;
	bool on;

	if ((r = parse(ctx, &sub_stp, argc, argv, &first)))
		return r < 0 ? 0 : r;
	if (tk_parse_bool(argv[first + 1], &on))
		return tk_usage(ctx, "\"%s\": expected on or off", argv[first + 1]);
	if ((r = open_snap(ctx, &nl, &s)))
		return r;
	br = find_bridge(ctx, &s, argv[first]);
	if (!br)
		return finish(ctx, nl, &s, 1);
	tk_nl_bridge_opts_init(&o);
	o.stp = on;
	r = tk_nl_bridge_set(nl, br->ifindex, &o);
	return finish(ctx, nl, &s, r ? tk_err(ctx, r, argv[first]) : 0);
}

static const struct tk_cmd *const subs[] = {
	&sub_add, &sub_attach, &sub_delete, &sub_detach, &sub_fdb, &sub_show, &sub_stp, NULL,
};

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	char *dflt[] = { (char *)"show", NULL };

	if (argc < 2)
		return run_show(ctx, 1, dflt);
	return tk_cmd_run_sub(ctx, &tk_cmd_bridge, argc, argv);
}

const struct tk_cmd tk_cmd_bridge = {
	.name = "bridge",
	.summary = "Linux bridges for tap devices: ports, STP, MAC table",
	.synopsis = "COMMAND [ARGS...]",
	.max_args = -1,
	.subs = subs,
	.run = run,
};
