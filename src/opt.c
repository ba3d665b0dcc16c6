/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option parsing from a command's option table (getopt_long underneath),
 * per-command --help, and the small value parsers shared by all commands.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "opt.h"

/* Long options get values above any char, so short letters stay themselves. */
#define TK_OPT_BASE 0x1000
#define TK_OPT_MAX 64

static size_t opt_count(const struct tk_opt *o)
{
	size_t n = 0;

	while (o && o[n].lng)
		n++;
	return n;
}

int tk_opt_index(const struct tk_cmd *cmd, const char *lng)
{
	size_t i, n = opt_count(cmd->opts);

	for (i = 0; i < n; i++)
		if (!strcmp(cmd->opts[i].lng, lng))
			return (int)i;
	return -1;
}

static int find_short(const struct tk_opt *o, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (o[i].shrt == c)
			return (int)i;
	return -1;
}

/* Builds getopt_long's tables; "+" is not used: options may follow operands. */
static void build_tables(const struct tk_opt *o, size_t n, struct option *lo, char *so)
{
	size_t i;
	char *s = so;

	*s++ = ':'; /* report a missing argument as ':' */
	for (i = 0; i < n; i++) {
		lo[i].name = o[i].lng;
		lo[i].has_arg = o[i].arg == TK_ARG_REQ ? required_argument
			: o[i].arg == TK_ARG_OPT ? optional_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = TK_OPT_BASE + (int)i;
		if (o[i].shrt) {
			*s++ = (char)o[i].shrt;
			if (o[i].arg == TK_ARG_REQ)
				*s++ = ':';
			else if (o[i].arg == TK_ARG_OPT) {
				*s++ = ':';
				*s++ = ':';
			}
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' + TK_OPT_BASE * 2 };
	memset(&lo[n + 1], 0, sizeof(lo[n + 1]));
	if (find_short(o, n, 'h') < 0)
		*s++ = 'h';
	*s = '\0';
}

/* An optional argument may also come as the next word when it is not an option. */
static const char *optional_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-' && strspn(argv[optind], "0123456789.") ==
	    strlen(argv[optind]))
		return argv[optind++];
	return NULL;
}

int tk_opt_parse(struct tk_ctx *ctx, const struct tk_cmd *cmd, int argc, char **argv,
		 int (*fn)(struct tk_ctx *ctx, void *st, int idx, const char *arg), void *st,
		 int *first)
{
	struct option lo[TK_OPT_MAX + 2];
	char so[TK_OPT_MAX * 3 + 4];
	size_t n = opt_count(cmd->opts);
	int c, idx, nargs, r;

	if (n > TK_OPT_MAX)
		return tk_usage(ctx, "too many options in the command table");
	build_tables(cmd->opts, n, lo, so);
	optind = 0; /* full re-initialisation: the shell parses many lines */
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h' + TK_OPT_BASE * 2 || (c == 'h' && find_short(cmd->opts, n, 'h') < 0)) {
			/* a subcommand (bridge add) runs under its parent's name */
			tk_opt_help(ctx->cmd && strcmp(ctx->cmd, cmd->name) ? ctx->cmd : NULL, cmd,
				    ctx->out);
			return TK_OPT_HELP;
		}
		if (c == '?') {
			if (optopt && optopt < TK_OPT_BASE)
				return tk_usage(ctx, "unknown option \"-%c\"", optopt);
			return tk_usage(ctx, "unknown option \"%s\"", argv[optind - 1]);
		}
		if (c == ':') {
			if (optopt >= TK_OPT_BASE)
				return tk_usage(ctx, "option \"--%s\" needs a value",
						cmd->opts[optopt - TK_OPT_BASE].lng);
			return tk_usage(ctx, "option \"-%c\" needs a value", optopt);
		}
		idx = c >= TK_OPT_BASE ? c - TK_OPT_BASE : find_short(cmd->opts, n, c);
		if (idx < 0 || (size_t)idx >= n)
			return tk_usage(ctx, "unknown option \"%s\"", argv[optind - 1]);
		r = !fn ? 0 : fn(ctx, st, idx,
		       cmd->opts[idx].arg == TK_ARG_OPT ? optional_arg(argc, argv) : optarg);
		if (r) /* 1: fn reported a failure (a file it reads), not a usage error */
			return r == 1 ? 1 : 2;
	}
	nargs = argc - optind;
	if (nargs < cmd->min_args)
		return tk_usage(ctx, "missing operand: %s", cmd->synopsis ? cmd->synopsis : "");
	if (cmd->max_args >= 0 && nargs > cmd->max_args)
		return tk_usage(ctx, "unexpected operand \"%s\"", argv[optind + cmd->max_args]);
	*first = optind;
	return 0;
}

void tk_opt_help(const char *parent, const struct tk_cmd *cmd, FILE *f)
{
	const struct tk_opt *o;
	char left[64];

	fprintf(f, "Usage: tunkit %s%s%s%s %s\n\n%s\n", parent ? parent : "", parent ? " " : "",
		cmd->name, cmd->opts ? " [OPTIONS]" : "", cmd->synopsis ? cmd->synopsis : "",
		cmd->summary);
	if (cmd->aliases && cmd->aliases[0]) {
		fputs("\nAliases:", f);
		for (const char *const *a = cmd->aliases; *a; a++)
			fprintf(f, " %s", *a);
		fputc('\n', f);
	}
	fputs("\nOptions:\n", f);
	for (o = cmd->opts; o && o->lng; o++) {
		int k = 0;

		if (o->shrt)
			k = snprintf(left, sizeof(left), "-%c, ", o->shrt);
		snprintf(left + k, sizeof(left) - (size_t)k, "--%s%s%s%s%s", o->lng,
			 o->arg == TK_ARG_OPT ? "[=" : o->arg == TK_ARG_REQ ? " " : "",
			 o->metavar ? o->metavar : "", o->arg == TK_ARG_OPT ? "]" : "", "");
		/* one column for the help, with or without a short option */
		fprintf(f, "  %s%-*s %s\n", o->shrt ? "" : "    ", o->shrt ? 30 : 26, left, o->help);
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "show this help");
}

int tk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int tk_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "1", "true" };
	static const char *const no[] = { "off", "no", "0", "false" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(s, yes[i]))
			return *out = true, 0;
		if (!strcmp(s, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

int tk_parse_user(const char *s, uint32_t *uid)
{
	struct passwd *pw;

	if (!tk_parse_u32(s, 0, UINT32_MAX - 1, uid))
		return 0;
	pw = getpwnam(s);
	if (!pw)
		return -ENOENT;
	*uid = pw->pw_uid;
	return 0;
}

int tk_parse_group(const char *s, uint32_t *gid)
{
	struct group *gr;

	if (!tk_parse_u32(s, 0, UINT32_MAX - 1, gid))
		return 0;
	gr = getgrnam(s);
	if (!gr)
		return -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

int tk_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) !=
		    6 ||
	    n != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	if (mac[0] & 1)
		return -EINVAL; /* multicast/broadcast: not a device address */
	return 0;
}

int tk_parse_cidr(const char *s, struct tk_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	uint32_t pfx;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	out->prefixlen = -1;
	if (slash) {
		if (tk_parse_u32(slash, 0, out->family == AF_INET ? 32 : 128, &pfx))
			return -EINVAL;
		out->prefixlen = (int)pfx;
	}
	return 0;
}
