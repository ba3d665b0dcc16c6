/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit delete: removes tun/tap devices, whatever their flags, and nothing
 * else.  Every name is judged before the first deletion, so a refusal
 * changes nothing: not a tun/tap, missing, or held open by a process (a
 * holder of a deleted device is left with EBADFD, hence the check).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "link.h"
#include "name.h"
#include "opt.h"
#include "out.h"

enum { O_ALL, O_MODE, O_IFEXISTS, O_FORCE };

static const struct tk_opt opts[] = {
	[O_ALL] = { "all", 0, TK_ARG_NONE, NULL, NULL, "every tun/tap device" },
	[O_MODE] = { "mode", 'm', TK_ARG_REQ, "MODE", "tun tap", "only tun or only tap devices" },
	[O_IFEXISTS] = { "if-exists", 0, TK_ARG_NONE, NULL, NULL, "a missing device is no error" },
	[O_FORCE] = { "force", 'f', TK_ARG_NONE, NULL, NULL,
		      "delete devices that processes hold open" },
	{ NULL },
};

struct del_args {
	bool all, if_exists, force;
	const char *mode;
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct del_args *a = st;

	switch (idx) {
	case O_ALL: a->all = true; break;
	case O_IFEXISTS: a->if_exists = true; break;
	case O_FORCE: a->force = true; break;
	case O_MODE:
		if (strcmp(arg, "tun") && strcmp(arg, "tap"))
			return tk_usage(ctx, "mode \"%s\": expected tun or tap", arg);
		a->mode = arg;
	}
	return 0;
}

static bool mode_ok(const struct del_args *a, const struct tk_link *l)
{
	return !a->mode || !strcmp(a->mode, tk_link_tuntap_type(l));
}

/* Refuses a held device unless --force; returns the exit status. */
static int check_held(struct tk_ctx *ctx, const struct del_args *a, const struct tk_snap *s,
		      const struct tk_link *l)
{
	char who[256] = "";
	size_t n = 0, len = 0;

	if (a->force)
		return 0;
	for (size_t i = 0; i < s->nholders; i++) {
		if (strcmp(s->holders[i].ifname, l->ifname))
			continue;
		if (len < sizeof(who))
			len += (size_t)snprintf(who + len, sizeof(who) - len, "%s%d (%s)",
						n ? ", " : "", s->holders[i].pid,
						s->holders[i].comm);
		n++;
	}
	if (!n)
		return 0;
	return tk_fail(ctx, l->ifname, "held open by pid %s; stop %s or use --force", who,
		       n > 1 ? "them" : "it");
}

/* Marks the devices name selects in sel[]; returns the exit status. */
static int select_name(struct tk_ctx *ctx, const struct del_args *a, const struct tk_snap *s,
		       const char *name, bool *sel)
{
	bool any = false;

	if (tk_name_is_glob(name)) {
		for (size_t i = 0; i < s->nlinks; i++)
			if (s->links[i].is_tun && mode_ok(a, &s->links[i]) &&
			    !fnmatch(name, s->links[i].ifname, 0))
				sel[i] = any = true;
		if (!any && !a->if_exists)
			return tk_fail(ctx, name, "no tun/tap device matches");
		return 0;
	}
	const struct tk_link *l = tk_snap_by_name(s, name);

	if (!l)
		return a->if_exists ? 0 : tk_fail(ctx, name, "no such device");
	if (!l->is_tun)
		return tk_fail(ctx, name, "not a tun/tap device (a %s); left as it is",
			       tk_link_kind_name(l));
	if (!mode_ok(a, l))
		return tk_fail(ctx, name, "is a %s, not a %s", tk_link_tuntap_type(l), a->mode);
	sel[l - s->links] = true;
	return 0;
}

/* A link group no link of the snapshot is in, or 0 if none was found. */
static uint32_t free_group(const struct tk_snap *s)
{
	for (uint32_t g = 0x746b0000u + ((uint32_t)getpid() & 0xffff), n = 0; n < 64; n++, g++) {
		size_t i;

		for (i = 0; i < s->nlinks && s->links[i].group != g; i++)
			;
		if (i == s->nlinks)
			return g;
	}
	return 0;
}

/*
 * Many devices go in one request: each is moved into a link group of its
 * own and the group is deleted at once, which costs the kernel one RCU grace
 * period instead of one per device (1,000 taps: well under a second instead
 * of about 16 s).  Any failure leaves the rest to the one-by-one path.
 */
static bool remove_bulk(struct tk_nl *nl, const struct tk_snap *s, const bool *sel, size_t n)
{
	struct tk_link_change c;
	uint32_t g = free_group(s);

	if (n < 2 || !g)
		return false;
	tk_nl_link_change_init(&c);
	c.group = g;
	for (size_t i = 0; i < s->nlinks; i++)
		if (sel[i] && tk_nl_link_set(nl, s->links[i].ifindex, &c)) {
			tk_nl_group_del(nl, g); /* those moved so far */
			return false;
		}
	return tk_nl_group_del(nl, g) == 0;
}

static int remove_selected(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_snap *s,
			   const bool *sel, json_t *done)
{
	size_t n = 0;
	bool bulk;

	for (size_t i = 0; i < s->nlinks; i++)
		n += sel[i];
	bulk = remove_bulk(nl, s, sel, n);
	for (size_t i = 0; i < s->nlinks; i++) {
		int r = 0;

		if (!sel[i])
			continue;
		if (!bulk)
			r = tk_nl_link_del(nl, s->links[i].ifindex);
		if (r == -ENODEV)
			continue; /* gone meanwhile: what was asked is true */
		if (r)
			return tk_err(ctx, r, s->links[i].ifname);
		json_array_append_new(done, tk_json_tuntap(s, &s->links[i], NULL));
	}
	return 0;
}

static char *line(const json_t *o)
{
	char *s;

	if (asprintf(&s, "deleted %s (%s)", json_string_value(json_object_get(o, "ifname")),
		     json_string_value(json_object_get(o, "type"))) < 0)
		return NULL;
	return s;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	static const struct tk_view view = { TK_VIEW_LINES, NULL, line };
	struct del_args a = { 0 };
	struct tk_nl *nl;
	struct tk_snap s;
	json_t *done;
	bool *sel;
	int first, r, status = 0;

	r = tk_opt_parse(ctx, &tk_cmd_delete, argc, argv, opt, &a, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (a.all == (first < argc))
		return tk_usage(ctx, a.all ? "--all takes no names" : "missing operand: NAME|GLOB...");
	for (int i = first; i < argc; i++) {
		const char *why = tk_name_is_glob(argv[i]) ? NULL : tk_name_invalid(argv[i], false);

		if (why)
			return tk_usage(ctx, "\"%s\": %s", argv[i], why);
	}
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = tk_snap_take(nl, &s, TK_SNAP_ADDRS | TK_SNAP_HOLDERS);
	if (r) {
		tk_nl_close(nl);
		return tk_err(ctx, r, "netlink");
	}
	sel = calloc(s.nlinks + 1, sizeof(*sel));
	for (size_t i = 0; a.all && i < s.nlinks; i++)
		sel[i] = s.links[i].is_tun && mode_ok(&a, &s.links[i]);
	for (int i = first; i < argc; i++)
		if (select_name(ctx, &a, &s, argv[i], sel))
			status = 1;
	for (size_t i = 0; i < s.nlinks; i++)
		if (sel[i] && check_held(ctx, &a, &s, &s.links[i]))
			status = 1;
	done = json_array();
	if (!status)
		status = remove_selected(ctx, nl, &s, sel, done);
	if (!status && (!ctx->quiet || ctx->json) && (r = tk_out(ctx, done, &view)))
		status = tk_err(ctx, r, "stdout");
	json_decref(done);
	free(sel);
	tk_snap_free(&s);
	tk_nl_close(nl);
	return status;
}

const struct tk_cmd tk_cmd_delete = {
	.name = "delete",
	.aliases = (const char *const[]){ "del", "rm", NULL },
	.summary = "delete tun/tap devices (and nothing else)",
	.synopsis = "NAME|GLOB... | --all",
	.opts = opts,
	.min_args = 0,
	.max_args = -1,
	.operands = "@tuntap",
	.run = run,
};
