/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit show: every tun/tap device of the namespace (or of every named
 * namespace), from netlink alone, so it works inside `unshare -n` too.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "err.h"
#include "link.h"
#include "name.h"
#include "netns.h"
#include "opt.h"
#include "out.h"
#include "show.h"

enum { O_DETAILS, O_MODE, O_ALLNS };

static const struct tk_opt opts[] = {
	[O_DETAILS] = { "details", 'd', TK_ARG_NONE, NULL, NULL, "the long form, one record each" },
	[O_MODE] = { "mode", 'm', TK_ARG_REQ, "MODE", "tun tap", "only tun or only tap devices" },
	[O_ALLNS] = { "all-netns", 0, TK_ARG_NONE, NULL, NULL, "every named network namespace" },
	{ NULL },
};

struct show_args {
	bool details, all_netns;
	const char *mode;
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct show_args *a = st;

	if (idx == O_DETAILS)
		a->details = true;
	else if (idx == O_ALLNS)
		a->all_netns = true;
	else if (strcmp(arg, "tun") && strcmp(arg, "tap"))
		return tk_usage(ctx, "mode \"%s\": expected tun or tap", arg);
	else
		a->mode = arg;
	return 0;
}

static bool wanted(const struct tk_link *l, const struct show_args *a, char **pats, int npats)
{
	if (!l->is_tun || (a->mode && strcmp(a->mode, tk_link_tuntap_type(l))))
		return false;
	if (!npats)
		return true;
	for (int i = 0; i < npats; i++)
		if (!fnmatch(pats[i], l->ifname, 0))
			return true;
	return false;
}

/* Adds this namespace's devices to out; a named device that is missing or
 * not a tun/tap is an error (only when one namespace is shown). */
static int collect(struct tk_ctx *ctx, const struct show_args *a, char **pats, int npats,
		   const char *ns, struct tk_out_arr *out)
{
	struct tk_snap s;
	int r, status = 0;

	r = tk_snap_read(&s, TK_SNAP_ADDRS | TK_SNAP_HOLDERS | TK_SNAP_TUNNELS);
	if (r)
		return tk_err(ctx, r, ns ? ns : "netlink");
	for (int i = 0; !ns && i < npats; i++) {
		const struct tk_link *l;

		if (tk_name_is_glob(pats[i]))
			continue;
		l = tk_snap_by_name(&s, pats[i]);
		if (!l)
			status = tk_fail(ctx, pats[i], "no such device");
		else if (!l->is_tun)
			status = tk_fail(ctx, pats[i], "not a tun/tap device (a %s)",
					 tk_link_kind_name(l));
	}
	for (size_t i = 0; !status && i < s.nlinks; i++)
		if (wanted(&s.links[i], a, pats, npats))
			tk_out_arr_add(out, tk_json_tuntap(&s, &s.links[i], ns));
	tk_snap_free(&s);
	return status;
}

static int all_netns(struct tk_ctx *ctx, const struct show_args *a, char **pats, int npats,
		     struct tk_out_arr *out)
{
	char **names;
	size_t n;
	int home, r, status = 0;

	r = tk_netns_list(&names, &n);
	if (r)
		return tk_err(ctx, r, TK_NETNS_DIR);
	home = tk_netns_save();
	if (home < 0) {
		tk_netns_list_free(names, n);
		return tk_err(ctx, home, "netns");
	}
	for (size_t i = 0; i < n; i++) {
		r = tk_netns_enter(names[i]);
		/* gone since it was listed, or going (ip netns del unmounts it before
		 * it unlinks the name): no longer one of the named namespaces */
		if (r == -ENOENT || r == -EINVAL)
			continue;
		if (r)
			status = tk_err(ctx, r, names[i]);
		else if (collect(ctx, a, pats, npats, names[i], out))
			status = 1;
	}
	tk_netns_list_free(names, n);
	r = tk_netns_restore(home);
	return r ? tk_err(ctx, r, "netns") : status;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	struct show_args a = { 0 };
	struct tk_out_arr out;
	int first, r, status;

	r = tk_opt_parse(ctx, &tk_cmd_show, argc, argv, opt, &a, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	for (int i = first; i < argc; i++) {
		const char *why = tk_name_is_glob(argv[i]) ? NULL : tk_name_invalid(argv[i], false);

		if (why)
			return tk_usage(ctx, "\"%s\": %s", argv[i], why);
	}
	tk_out_arr_begin(&out, ctx, tk_show_view(a.details));
	if (a.all_netns)
		status = all_netns(ctx, &a, argv + first, argc - first, &out);
	else
		status = collect(ctx, &a, argv + first, argc - first, NULL, &out);
	r = tk_out_arr_end(&out, status != 0);
	if (r && !status)
		status = tk_err(ctx, r, "stdout");
	return status;
}

const struct tk_cmd tk_cmd_show = {
	.name = "show",
	.aliases = (const char *const[]){ "list", "ls", NULL },
	.summary = "show tun/tap devices",
	.synopsis = "[NAME|GLOB...]",
	.opts = opts,
	.min_args = 0,
	.max_args = -1,
	.operands = "@tuntap",
	.run = run,
};
