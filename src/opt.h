/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table-driven option parsing for commands: getopt_long built from the
 * command's tk_opt table, plus the value parsers every command shares.
 */
#ifndef TK_OPT_H
#define TK_OPT_H

#include <stdbool.h>
#include <stdint.h>
#include "cmd.h"

/* Returned by tk_opt_parse when it printed --help: the command ends with 0. */
#define TK_OPT_HELP (-1)

/*
 * Parses argv against cmd->opts, calling fn(ctx, st, index, arg) for each
 * option in order (index into cmd->opts).  On return *first is the index of
 * the first operand in the permuted argv.  Checks the operand count.
 * Returns 0, TK_OPT_HELP, or 2 after printing a usage message (also when fn
 * returns non-zero: fn prints its own message and returns 2, or 1 for a failure
 * such as a file it cannot read, which is then returned as it is).
 */
int tk_opt_parse(struct tk_ctx *ctx, const struct tk_cmd *cmd, int argc, char **argv,
		 int (*fn)(struct tk_ctx *ctx, void *st, int idx, const char *arg), void *st,
		 int *first);

/* Prints the help of cmd (synopsis, summary, options) to f; parent names the command cmd
 * is a subcommand of (bridge for bridge add), or is NULL. */
void tk_opt_help(const char *parent, const struct tk_cmd *cmd, FILE *f);

/* Index of the option named lng in cmd->opts (programming aid; -1 if none). */
int tk_opt_index(const struct tk_cmd *cmd, const char *lng);

/* Parse an unsigned decimal in [min, max]; 0 or -EINVAL / -ERANGE. */
int tk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "on"/"off"/"yes"/"no"/"1"/"0"; 0 or -EINVAL. */
int tk_parse_bool(const char *s, bool *out);
/* A user name or number -> uid; 0 or -ENOENT. */
int tk_parse_user(const char *s, uint32_t *uid);
/* A group name or number -> gid; 0 or -ENOENT. */
int tk_parse_group(const char *s, uint32_t *gid);
/* aa:bb:cc:dd:ee:ff -> 6 bytes; 0 or -EINVAL (also for multicast MACs). */
int tk_parse_mac(const char *s, uint8_t mac[6]);

/* An IPv4 or IPv6 address with optional /prefix. */
struct tk_cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	int prefixlen; /* -1 when no /N was given */
};
/* 0 or -EINVAL. */
int tk_parse_cidr(const char *s, struct tk_cidr *out);

#endif
