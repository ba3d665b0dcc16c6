/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit genkey: a new random 32-byte tunnel key, base64, one line.  To a
 * file it is written with mode 0600 from the start (O_EXCL on a temporary
 * name, then renamed), so the key is never readable by others, not even
 * for a moment; without FILE it goes to stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "opt.h"

static const struct tk_opt opts[] = {
	{ NULL },
};

static int opt(struct tk_ctx *ctx, void *st, int idx, const char *arg)
{
	return 0;
}

/* Writes line to path via a 0600 temporary file; 0 or -errno. */
static int write_private(const char *path, const char *line)
{
	char tmp[4096];
	size_t len = strlen(line);
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	errno = 0;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* the umask cannot widen 0600, but an inherited ACL default could: be explicit */
	if (fchmod(fd, 0600) < 0 || write(fd, line, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	unsigned char key[32];
	char line[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL) + 1];
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_genkey, argc, argv, opt, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	if (sodium_init() < 0)
		return tk_fail(ctx, "libsodium", "initialisation failed");
	randombytes_buf(key, sizeof(key));
	sodium_bin2base64(line, sizeof(line), key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
	strcat(line, "\n");
	if (first == argc) {
		fputs(line, ctx->out);
		r = 0;
	} else {
		r = write_private(argv[first], line);
	}
	sodium_memzero(line, sizeof(line));
	return r ? tk_err(ctx, r, argv[first]) : 0;
}

const struct tk_cmd tk_cmd_genkey = {
	.name = "genkey",
	.summary = "print or write a new random tunnel key",
	.synopsis = "[FILE]",
	.opts = opts,
	.min_args = 0,
	.max_args = 1,
	.operands = "@file",
	.run = run,
};
