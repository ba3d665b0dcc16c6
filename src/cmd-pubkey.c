/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit pubkey [FILE]: the public key of a private key, as `wg pubkey` does it.  The private
 * key is 32 bytes of base64, the format `tunkit genkey` writes; from FILE (which, as every
 * key file, must not be readable by group or others) or from one line of standard input
 * when FILE is missing or "-".  Prints the public key, base64, one line; with -j the object
 * {"public_key": "..."}.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "engine/crypto.h"
#include "engine/ik.h"
#include "err.h"
#include "opt.h"
#include "out.h"

static const struct tk_opt opts[] = {
        {NULL},
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	return 0;
}

/*
 * One line of standard input into key.  read(2) rather than stdio, so that no copy of the
 * secret stays in a FILE buffer.  Returns 0, -EINVAL (not a key, or a line too long to be
 * one) or -errno.
 */
static int read_stdin(uint8_t key[TK_KEY_LEN])
{
	char line[256];
	size_t n = 0;
	int r = 0;

	while (n < sizeof(line) && !memchr(line, '\n', n)) {
		ssize_t got = read(STDIN_FILENO, line + n, sizeof(line) - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = -errno;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (!r) {
		char *nl = memchr(line, '\n', n);

		/* the first line only; a line that fills the buffer is no key */
		if (nl)
			n = (size_t)(nl - line);
		else if (n == sizeof(line))
			r = -EINVAL;
	}
	if (!r)
		r = tk_crypto_key_parse(line, n, key);
	sodium_memzero(line, sizeof(line));
	return r;
}

static char *key_line(const json_t *o)
{
	return strdup(json_string_value(json_object_get(o, "public_key")));
}

/* Print pub as text or JSON; 0 or the exit status of the error. */
static int print(struct tk_ctx *ctx, const uint8_t pub[TK_KEY_LEN])
{
	static const struct tk_view view = {TK_VIEW_LINES, NULL, key_line};
	char b64[TK_KEY_B64_SIZE];
	json_t *j;
	int r;

	tk_crypto_key_encode(pub, b64);
	j = json_pack("{s:s}", "public_key", b64);
	if (!j)
		return tk_err(ctx, -ENOMEM, NULL);
	r = tk_out(ctx, j, &view);
	json_decref(j);
	return r ? tk_err(ctx, r, "stdout") : 0;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	uint8_t priv[TK_KEY_LEN], pub[TK_KEY_LEN];
	const char *file;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_pubkey, argc, argv, opt, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (sodium_init() < 0)
		return tk_fail(ctx, "libsodium", "initialisation failed");
	file = first < argc && strcmp(argv[first], "-") ? argv[first] : NULL;
	r = file ? tk_crypto_key_read(file, priv) : read_stdin(priv);
	if (r == 0)
		r = tk_ik_pubkey(pub, priv);
	sodium_memzero(priv, sizeof(priv));
	if (r)
		return tk_key_err(ctx, r, file ? file : "stdin");
	return print(ctx, pub);
}

const struct tk_cmd tk_cmd_pubkey = {
        .name = "pubkey",
        .summary = "print the public key of a private key",
        .synopsis = "[FILE]",
        .opts = opts,
        .min_args = 0,
        .max_args = 1,
        .operands = "@file",
        .run = run,
};
