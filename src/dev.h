/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device lifecycle shared by `create`, `delete`, the tunctl personality and
 * the tunnel: make tun/tap devices with all their settings, or none of them;
 * remove tun/tap devices and nothing else.  These print their errors through
 * err.c (they are command-level helpers) and return an exit status.
 */
#ifndef TK_DEV_H
#define TK_DEV_H

#include <jansson.h>
#include <net/if.h>

#include "cmd.h"
#include "nl.h"
#include "opt.h"
#include "tun.h"

#define TK_DEV_MAX_ADDRS 32

struct tk_dev_req {
	struct tk_tun_spec spec;
	int mtu;	  /* 0: kernel default */
	int txqlen;	  /* -1: kernel default */
	bool has_mac;
	uint8_t mac[6];
	struct tk_cidr addrs[TK_DEV_MAX_ADDRS];
	size_t naddrs;
	bool has_peer;
	struct tk_cidr peer; /* peer of the first address of its family */
	bool up;
	const char *master; /* bridge name or NULL */
	unsigned count;	    /* devices to make from a template; 1 otherwise */
};

void tk_dev_req_init(struct tk_dev_req *req);

/*
 * Creates req->count devices, configured, or on any failure none (each made
 * so far is removed again).  On success *names is a new JSON array of the
 * names made.  Returns 0, or the exit status after printing the error.
 */
int tk_dev_create(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_dev_req *req,
		  json_t **names);

/*
 * Attaches to the existing device spec->name as its program (one queue) and
 * returns the fd.  On failure prints why and returns -1: EINVAL names the
 * flag that differs from the device's, EBUSY the process that holds it.
 */
int tk_dev_attach(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_tun_spec *spec,
		  bool nonblock);

/* Prints that another process holds the device name (which, if it can tell);
 * returns the exit status. */
int tk_dev_busy(struct tk_ctx *ctx, const char *name);

/* Devices of a JSON array of names, as `show` prints them (new array). */
json_t *tk_dev_describe(struct tk_nl *nl, const json_t *names, int *err);

#endif
