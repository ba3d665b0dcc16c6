/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tunctl personality: uml-utilities' option letters and messages, so
 * scripts written for tunctl keep working, on tunkit's device layer.
 * Differences: usage errors exit 2 (tunctl: 1), and -d refuses a device a
 * process holds (tunctl would let it vanish under its holder).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "err.h"
#include "link.h"
#include "name.h"
#include "personality.h"

static int usage(struct tk_ctx *ctx)
{
	fprintf(stderr, "Create: tunctl [-b] [-u owner] [-g group] [-t device-name] [-p|-n] "
			"[-f tun-clone-device]\n"
			"Delete: tunctl -d device-name [-f tun-clone-device]\n\n"
			"The default tun clone device is /dev/net/tun - some systems use\n"
			"/dev/misc/net/tun instead\n\n"
			"-b will result in brief output (just the device name)\n");
	return 2;
}

static int del(struct tk_ctx *ctx, struct tk_nl *nl, const char *name)
{
	struct tk_snap s;
	const struct tk_link *l;
	int r;

	r = tk_snap_take(nl, &s, TK_SNAP_HOLDERS);
	if (r)
		return tk_err(ctx, r, name);
	l = tk_snap_by_name(&s, name);
	if (!l)
		r = tk_fail(ctx, name, "no such device");
	else if (!l->is_tun)
		r = tk_fail(ctx, name, "not a tun/tap device (a %s)", tk_link_kind_name(l));
	for (size_t i = 0; !r && i < s.nholders; i++)
		if (!strcmp(s.holders[i].ifname, name))
			r = tk_fail(ctx, name, "held open by pid %d (%s)", s.holders[i].pid,
				    s.holders[i].comm);
	if (!r && (r = tk_nl_link_del(nl, l->ifindex)))
		r = tk_err(ctx, r, name);
	if (!r)
		printf("Set '%s' nonpersistent\n", name);
	tk_snap_free(&s);
	return r;
}

static int create(struct tk_ctx *ctx, struct tk_nl *nl, struct tk_dev_req *q, bool brief)
{
	json_t *names;
	const char *name;
	int r;

	/* tunctl makes the caller the owner when neither owner nor group is given */
	if (q->spec.uid < 0 && q->spec.gid < 0)
		q->spec.uid = geteuid();
	r = tk_dev_create(ctx, nl, q, &names);
	if (r)
		return r;
	name = json_string_value(json_array_get(names, 0));
	if (brief) {
		printf("%s\n", name);
	} else {
		printf("Set '%s' persistent and owned by", name);
		if (q->spec.uid >= 0)
			printf(" uid %lld", (long long)q->spec.uid);
		if (q->spec.gid >= 0)
			printf(" gid %lld", (long long)q->spec.gid);
		printf("\n");
	}
	json_decref(names);
	return 0;
}

int tk_tunctl_main(struct tk_ctx *ctx, int argc, char **argv)
{
	struct tk_dev_req q;
	struct tk_nl *nl;
	const char *delname = NULL, *why;
	bool brief = false;
	uint32_t v;
	int c, r;

	ctx->prog = "tunctl";
	tk_dev_req_init(&q);
	q.spec.tap = true;
	q.spec.name = "tap%d";
	opterr = 0;
	while ((c = getopt(argc, argv, "bd:f:t:u:g:nph")) != -1) {
		switch (c) {
		case 'b': brief = true; break;
		case 'd': delname = optarg; break;
		case 'f': q.spec.path = optarg; break;
		case 't': q.spec.name = optarg; break;
		case 'n': q.spec.tap = false; if (!strcmp(q.spec.name, "tap%d")) q.spec.name = "tun%d"; break;
		case 'p': q.spec.tap = true; break;
		case 'u':
			if (tk_parse_user(optarg, &v))
				return tk_usage(ctx, "unknown user \"%s\"", optarg);
			q.spec.uid = v;
			break;
		case 'g':
			if (tk_parse_group(optarg, &v))
				return tk_usage(ctx, "unknown group \"%s\"", optarg);
			q.spec.gid = v;
			break;
		default: return usage(ctx);
		}
	}
	if (optind != argc)
		return usage(ctx);
	why = tk_name_invalid(delname ? delname : q.spec.name, !delname);
	if (why)
		return tk_usage(ctx, "\"%s\": %s", delname ? delname : q.spec.name, why);
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = delname ? del(ctx, nl, delname) : create(ctx, nl, &q, brief);
	tk_nl_close(nl);
	return r;
}
