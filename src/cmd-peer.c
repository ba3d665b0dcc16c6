/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit peer: a running hub's peers (tunkit tunnel with --private-key), through its
 * control socket: list them with their endpoints and counters, add, remove, change one.
 * The tunnel checks and applies the request; this command says what it answered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "engine/crypto.h"
#include "err.h"
#include "name.h"
#include "opt.h"
#include "out.h"
#include "tunnel-ctl.h"

struct peer_args {
	json_t *req; /* the request being built */
};

enum { O_ALLOWED, O_PSK, O_NO_PSK, O_NAME };

static const struct tk_opt change_opts[] = {
	[O_ALLOWED] = { "allowed-ips", 'a', TK_ARG_REQ, "CIDR,...", NULL,
			"its addresses: routed to it, taken from it" },
	[O_PSK] = { "psk", 0, TK_ARG_REQ, "FILE", "@file", "a pre-shared key (tunkit genkey)" },
	[O_NO_PSK] = { "no-psk", 0, TK_ARG_NONE, NULL, NULL, "no pre-shared key" },
	[O_NAME] = { "name", 0, TK_ARG_REQ, "NAME", NULL, "a name for it" },
	{ NULL },
};

static int change_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	struct peer_args *a = st;
	uint8_t key[TK_KEY_LEN];
	char b64[TK_KEY_B64_SIZE];
	int r;

	switch (idx) {
	case O_ALLOWED: /* repeatable: each a comma-separated list */
		if (!json_object_get(a->req, "allowed_ips"))
			json_object_set_new(a->req, "allowed_ips", json_array());
		json_array_append_new(json_object_get(a->req, "allowed_ips"), json_string(arg));
		return 0;
	case O_NAME: json_object_set_new(a->req, "name", json_string(arg)); return 0;
	case O_NO_PSK: json_object_set_new(a->req, "psk", json_string("")); return 0;
	}
	r = tk_crypto_key_read(arg, key);
	if (r)
		return tk_key_err(ctx, r, arg);
	tk_crypto_key_encode(key, b64);
	sodium_memzero(key, sizeof(key));
	json_object_set_new(a->req, "psk", json_string(b64));
	sodium_memzero(b64, sizeof(b64));
	return 0;
}

/* Sends req to dev's tunnel; its answer (new), or NULL after saying why. */
static json_t *ask(struct tk_ctx *ctx, const char *dev, const json_t *req)
{
	const char *why = tk_name_invalid(dev, false);
	json_t *ans, *err;
	int r;

	if (why) {
		tk_usage(ctx, "\"%s\": %s", dev, why);
		return NULL;
	}
	r = tk_tunnel_call(dev, req, &ans);
	if (r) {
		tk_fail(ctx, dev, "%s", tk_tunnel_call_strerror(r));
		return NULL;
	}
	err = json_object_get(ans, "error");
	if (err) {
		tk_fail(ctx, dev, "%s", json_string_value(json_object_get(err, "message")));
		json_decref(ans);
		return NULL;
	}
	return ans;
}

static char *fmt_aips(const json_t *o)
{
	const json_t *a = json_object_get(o, "allowed_ips"), *v;
	char *s = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&s, &size);

	if (!f)
		return NULL;
	json_array_foreach(a, i, v)
		fprintf(f, "%s%s", i ? "," : "", json_string_value(v));
	fclose(f);
	return s;
}

/* "3s ago", or "-" before the first handshake. */
static char *fmt_handshake(const json_t *o)
{
	const json_t *v = json_object_get(o, "last_handshake");
	char *s;

	if (!json_is_number(v))
		return strdup("-");
	if (asprintf(&s, "%.0fs ago", (double)time(NULL) - json_number_value(v)) < 0)
		return NULL;
	return s;
}

static char *fmt_up(const json_t *o)
{
	return strdup(json_is_true(json_object_get(o, "session_up")) ? "up" : "down");
}

static const struct tk_col list_cols[] = {
	{ "name", "NAME", NULL },		{ "public_key", "PUBLIC-KEY", NULL },
	{ "allowed_ips", "ALLOWED-IPS", fmt_aips }, { "peer", "ENDPOINT", NULL },
	{ "session_up", "SESSION", fmt_up },	{ "last_handshake", "HANDSHAKE", fmt_handshake },
	{ "rx_bytes", "RX-BYTES", NULL },	{ "tx_bytes", "TX-BYTES", NULL },
	{ NULL },
};

static int run_list(struct tk_ctx *ctx, int argc, char **argv);
static int run_add(struct tk_ctx *ctx, int argc, char **argv);
static int run_remove(struct tk_ctx *ctx, int argc, char **argv);
static int run_set(struct tk_ctx *ctx, int argc, char **argv);

static const struct tk_cmd sub_list = {
	.name = "list", .aliases = (const char *const[]){ "show", NULL },
	.summary = "the peers of a hub, their endpoints and counters", .synopsis = "DEV",
	.min_args = 1, .max_args = 1, .operands = "@tuntap", .run = run_list,
};
static const struct tk_cmd sub_add = {
	.name = "add", .summary = "add a peer to a running hub", .synopsis = "DEV PUBKEY",
	.opts = change_opts, .min_args = 2, .max_args = 2, .operands = "@tuntap", .run = run_add,
};
static const struct tk_cmd sub_remove = {
	.name = "remove", .aliases = (const char *const[]){ "del", NULL },
	.summary = "remove a peer: its session ends at once", .synopsis = "DEV PEER",
	.min_args = 2, .max_args = 2, .operands = "@tuntap", .run = run_remove,
};
static const struct tk_cmd sub_set = {
	.name = "set", .summary = "change a peer's addresses, pre-shared key or name",
	.synopsis = "DEV PEER", .opts = change_opts, .min_args = 2, .max_args = 2,
	.operands = "@tuntap", .run = run_set,
};

static int no_opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	return 0;
}

static int run_list(struct tk_ctx *ctx, int argc, char **argv)
{
	static const struct tk_view view = { TK_VIEW_TABLE, list_cols, NULL };
	json_t *req, *ans;
	int first, r;

	r = tk_opt_parse(ctx, &sub_list, argc, argv, no_opt, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	req = json_pack("{s:s}", "op", "peers");
	ans = ask(ctx, argv[first], req);
	json_decref(req);
	if (!ans)
		return 1;
	r = tk_out(ctx, json_object_get(ans, "peers"), &view);
	json_decref(ans);
	return r ? tk_err(ctx, r, "stdout") : 0;
}

/* add, remove and set: one request, an answer of ok. */
static int change(struct tk_ctx *ctx, const struct tk_cmd *c, const char *op, const char *key,
		  int argc, char **argv)
{
	struct peer_args a = { json_pack("{s:s}", "op", op) };
	json_t *ans;
	int first, r;

	r = tk_opt_parse(ctx, c, argc, argv, c->opts ? change_opt : no_opt, &a, &first);
	if (!r) {
		json_object_set_new(a.req, key, json_string(argv[first + 1]));
		ans = ask(ctx, argv[first], a.req);
		r = ans ? 0 : 1;
		if (ans && ctx->json)
			r = tk_out(ctx, ans, NULL) ? tk_err(ctx, -EIO, "stdout") : 0;
		json_decref(ans);
	}
	json_decref(a.req);
	return r == TK_OPT_HELP ? 0 : r;
}

static int run_add(struct tk_ctx *ctx, int argc, char **argv)
{
	return change(ctx, &sub_add, "peer_add", "public_key", argc, argv);
}

static int run_remove(struct tk_ctx *ctx, int argc, char **argv)
{
	return change(ctx, &sub_remove, "peer_remove", "peer", argc, argv);
}

static int run_set(struct tk_ctx *ctx, int argc, char **argv)
{
	return change(ctx, &sub_set, "peer_set", "peer", argc, argv);
}

static const struct tk_cmd *const subs[] = {
	&sub_add, &sub_list, &sub_remove, &sub_set, NULL,
};

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return tk_usage(ctx, "expected a command: add, list, remove or set");
	return tk_cmd_run_sub(ctx, &tk_cmd_peer, argc, argv);
}

const struct tk_cmd tk_cmd_peer = {
	.name = "peer",
	.summary = "a running hub's peers: list, add, remove, set",
	.synopsis = "COMMAND [ARGS...]",
	.max_args = -1,
	.subs = subs,
	.run = run,
};
