/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The brctl personality: bridge-utils' verbs (addbr, delbr, addif, delif,
 * show, showmacs, stp) on tunkit's bridge commands, with brctl's own output
 * for show and showmacs, so scripts that parse it keep working.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "err.h"
#include "personality.h"

static int usage(void)
{
	fputs("Usage: brctl [commands]\ncommands:\n"
	      "\taddbr     \t<bridge>\t\tadd bridge\n"
	      "\tdelbr     \t<bridge>\t\tdelete bridge\n"
	      "\taddif     \t<bridge> <device>\tadd interface to bridge\n"
	      "\tdelif     \t<bridge> <device>\tdelete interface from bridge\n"
	      "\tshow      \t[ <bridge> ]\t\tshow a list of bridges\n"
	      "\tshowmacs  \t<bridge>\t\tshow a list of mac addrs\n"
	      "\tstp       \t<bridge> {on|off}\tturn stp on/off\n",
	      stderr);
	return 2;
}

/* brctl prints the bridge id without colons: 8000.aabbccddeeff */
static void print_bridge(FILE *f, const json_t *b)
{
	const json_t *ports = json_object_get(b, "ports"), *p;
	char id[32] = "";
	size_t i, k = 0;

	for (const char *s = json_string_value(json_object_get(b, "bridge_id")); s && *s; s++)
		if (*s != ':' && k < sizeof(id) - 1)
			id[k++] = *s;
	fprintf(f, "%s\t\t%s\t%s\t\t", json_string_value(json_object_get(b, "ifname")), id,
		json_is_true(json_object_get(b, "stp")) ? "yes" : "no");
	if (!json_array_size(ports))
		fputc('\n', f);
	json_array_foreach(ports, i, p)
		fprintf(f, "%s%s\n", i ? "\t\t\t\t\t\t\t" : "",
			json_string_value(json_object_get(p, "ifname")));
}

static int show(struct tk_ctx *ctx, struct tk_snap *s, int argc, char **argv)
{
	int status = 0;

	for (int i = 2; i < argc; i++) {
		const struct tk_link *l = tk_snap_by_name(s, argv[i]);

		if (!l || !l->is_bridge)
			status = tk_fail(ctx, argv[i], "no such bridge");
	}
	if (status)
		return status;
	fputs("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n", ctx->out);
	for (size_t i = 0; i < s->nlinks; i++) {
		bool want = argc == 2;

		for (int j = 2; j < argc; j++)
			want |= !strcmp(argv[j], s->links[i].ifname);
		if (want && s->links[i].is_bridge) {
			json_t *b = tk_json_bridge(s, &s->links[i]);

			print_bridge(ctx->out, b);
			json_decref(b);
		}
	}
	return 0;
}

static int showmacs(struct tk_ctx *ctx, struct tk_nl *nl, struct tk_snap *s, const char *name)
{
	const struct tk_link *br = tk_snap_by_name(s, name);
	struct tk_fdb *f;
	size_t n;
	int r;

	if (!br || !br->is_bridge)
		return tk_fail(ctx, name, "no such bridge");
	r = tk_nl_fdb(nl, br->ifindex, &f, &n);
	if (r)
		return tk_err(ctx, r, name);
	fputs("port no\tmac addr\t\tis local?\tageing timer\n", ctx->out);
	for (size_t i = 0; i < n; i++) {
		const struct tk_link *p = tk_snap_by_index(s, f[i].ifindex);
		bool local = f[i].state & 0x80; /* NUD_PERMANENT */

		fprintf(ctx->out, "%3d\t%02x:%02x:%02x:%02x:%02x:%02x\t%s\t\t%7.2f\n",
			p && p->port.port_no >= 0 ? p->port.port_no : 0, f[i].mac[0], f[i].mac[1],
			f[i].mac[2], f[i].mac[3], f[i].mac[4], f[i].mac[5], local ? "yes" : "no",
			local ? 0.0 : f[i].updated / 100.0);
	}
	free(f);
	return 0;
}

int tk_brctl_main(struct tk_ctx *ctx, int argc, char **argv)
{
	static const char *const verbs[] = { "addbr", "delbr", "addif", "delif", "stp", NULL };
	struct tk_nl *nl;
	struct tk_snap s;
	int r;

	ctx->prog = "brctl";
	if (argc < 2)
		return usage();
	for (const char *const *v = verbs; *v; v++)
		if (!strcmp(argv[1], *v)) {
			const struct tk_cmd *c = tk_cmd_find_in(tk_cmd_bridge.subs, *v);

			return c->run(ctx, argc - 1, argv + 1);
		}
	if (strcmp(argv[1], "show") && strcmp(argv[1], "showmacs"))
		return usage();
	if (!strcmp(argv[1], "showmacs") && argc != 3)
		return usage();
	r = tk_nl_open(&nl);
	if (!r && (r = tk_snap_take(nl, &s, 0)))
		tk_nl_close(nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	r = argv[1][4] ? showmacs(ctx, nl, &s, argv[2]) : show(ctx, &s, argc, argv);
	tk_snap_free(&s);
	tk_nl_close(nl);
	return r;
}
