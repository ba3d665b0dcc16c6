/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating devices all or nothing.  Everything that can be checked is
 * checked before the first ioctl (names, the bridge); what only the kernel
 * can refuse (an MTU out of range, a taken MAC) rolls back what was made.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dev.h"
#include "err.h"
#include "link.h"
#include "name.h"

void tk_dev_req_init(struct tk_dev_req *req)
{
	memset(req, 0, sizeof(*req));
	req->spec.uid = req->spec.gid = -1;
	req->txqlen = -1;
	req->count = 1;
}

/* Refuses a master that is missing or not a bridge (a taken name is the
 * kernel's to refuse: IFF_TUN_EXCL, no extra round trip per device). */
static int precheck(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_dev_req *req,
		    int *master)
{
	struct tk_link l;
	int r;

	*master = -1;
	if (!req->master)
		return 0;
	r = tk_nl_link_get(nl, req->master, &l);
	if (r == -ENODEV)
		return tk_fail(ctx, req->master, "no such bridge");
	if (r)
		return tk_err(ctx, r, req->master);
	if (strcmp(l.kind, "bridge"))
		return tk_fail(ctx, req->master, "not a bridge (a %s)", tk_link_kind_name(&l));
	*master = l.ifindex;
	return 0;
}

/* Netlink settings of one new device; returns 0 or -errno, *what names the step. */
static int configure(struct tk_nl *nl, int ifindex, const struct tk_dev_req *req, int master,
		     const char **what)
{
	struct tk_link_change c;
	bool peer_used = false;
	int r;

	tk_nl_link_change_init(&c);
	c.mtu = req->mtu;
	c.txqlen = req->txqlen;
	c.mac = req->has_mac ? req->mac : NULL;
	c.master = master;
	*what = "settings";
	if (c.mtu || c.txqlen >= 0 || c.mac || c.master >= 0) {
		r = tk_nl_link_set(nl, ifindex, &c);
		if (r)
			return r;
	}
	for (size_t i = 0; i < req->naddrs; i++) {
		const struct tk_cidr *a = &req->addrs[i];
		const uint8_t *peer = NULL;

		if (req->has_peer && !peer_used && req->peer.family == a->family) {
			peer = req->peer.addr;
			peer_used = true;
		}
		*what = "address";
		r = tk_nl_addr_add(nl, ifindex, a->family, a->addr, a->prefixlen, peer);
		if (r)
			return r;
	}
	if (req->up) {
		tk_nl_link_change_init(&c);
		c.up = 1;
		*what = "up";
		return tk_nl_link_set(nl, ifindex, &c);
	}
	return 0;
}

static bool needs_netlink(const struct tk_dev_req *req, int master)
{
	return req->mtu || req->txqlen >= 0 || req->has_mac || master >= 0 || req->naddrs ||
	       req->up;
}

static void rollback(struct tk_nl *nl, json_t *made)
{
	size_t i;
	json_t *n;
	struct tk_link l;

	json_array_foreach(made, i, n) {
		if (!tk_nl_link_get(nl, json_string_value(n), &l) && l.is_tun)
			tk_nl_link_del(nl, l.ifindex);
	}
}

/*
 * Numbers a template in userspace: the kernel's own %d search scans every
 * device for each new one (1,000 devices: quadratic, 2.5x slower than
 * explicit names).  *next is the number to try first; names in use are
 * skipped, and a name taken meanwhile (EBUSY) tries the next number.
 */
static int create_numbered(const struct tk_dev_req *req, const struct tk_snap *s, unsigned *next,
			   char name[IF_NAMESIZE])
{
	struct tk_tun_spec spec = req->spec;
	char buf[64];
	int r = -EBUSY;

	for (unsigned tries = 0; r == -EBUSY && tries < 100000; tries++, (*next)++) {
		snprintf(buf, sizeof(buf), req->spec.name, *next);
		if (strlen(buf) >= IF_NAMESIZE)
			return -ENFILE; /* the numbers outgrew the name */
		if (tk_snap_by_name(s, buf))
			continue;
		spec.name = buf;
		r = tk_tun_create(&spec, name);
	}
	return r;
}

static int one(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_dev_req *req, int master,
	       const struct tk_snap *s, unsigned *next, json_t *made)
{
	char name[IF_NAMESIZE];
	const char *what;
	struct tk_link l;
	int r;

	if (s)
		r = create_numbered(req, s, next, name);
	else
		r = tk_tun_create(&req->spec, name);
	if (r == -EBUSY) /* the name is taken: say by what */
		return tk_nl_link_get(nl, req->spec.name, &l) ?
			tk_fail(ctx, req->spec.name, "already exists") :
			tk_fail(ctx, req->spec.name, "already exists (a %s)", tk_link_kind_name(&l));
	if (r)
		return tk_err(ctx, r, req->spec.name);
	json_array_append_new(made, json_string(name));
	if (!needs_netlink(req, master))
		return 0;
	r = tk_nl_link_get(nl, name, &l);
	if (r)
		return tk_err(ctx, r, name);
	r = configure(nl, l.ifindex, req, master, &what);
	if (r) {
		char obj[64];

		snprintf(obj, sizeof(obj), "%s: %s", name, what);
		return tk_err(ctx, r, obj);
	}
	return 0;
}

int tk_dev_create(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_dev_req *req,
		  json_t **names)
{
	json_t *made = json_array();
	struct tk_snap s, *sp = NULL;
	unsigned next = 0;
	int master, r;

	r = precheck(ctx, nl, req, &master);
	if (!r && tk_name_is_template(req->spec.name)) {
		r = tk_snap_take(nl, &s, 0);
		if (r)
			r = tk_err(ctx, r, "netlink");
		else
			sp = &s;
	}
	for (unsigned i = 0; !r && i < req->count; i++)
		r = one(ctx, nl, req, master, sp, &next, made);
	if (sp)
		tk_snap_free(sp);
	if (r) {
		rollback(nl, made);
		json_decref(made);
		return r;
	}
	*names = made;
	return 0;
}

json_t *tk_dev_describe(struct tk_nl *nl, const json_t *names, int *err)
{
	struct tk_snap s;
	json_t *out, *n;
	size_t i;

	*err = tk_snap_take(nl, &s, TK_SNAP_ADDRS | TK_SNAP_HOLDERS);
	if (*err)
		return NULL;
	out = json_array();
	json_array_foreach(names, i, n) {
		const struct tk_link *l = tk_snap_by_name(&s, json_string_value(n));

		if (l && l->is_tun)
			json_array_append_new(out, tk_json_tuntap(&s, l, NULL));
	}
	tk_snap_free(&s);
	return out;
}

/* Which of mode, pi, vnet_hdr, multi_queue differs between spec and l. */
static int explain_einval(struct tk_ctx *ctx, const struct tk_tun_spec *spec,
			  const struct tk_link *l)
{
	const struct {
		const char *name;
		int dev, want;
	} f[] = {
		{ "pi", l->tun.pi, spec->pi },
		{ "vnet_hdr", l->tun.vnet_hdr, spec->vnet_hdr },
		{ "multi_queue", l->tun.multi_queue, spec->multi_queue },
	};
	const char *mode = tk_link_tuntap_type(l);

	if (!mode)
		return tk_fail(ctx, spec->name, "not a tun/tap device (a %s)", tk_link_kind_name(l));
	if (strcmp(mode, spec->tap ? "tap" : "tun"))
		return tk_fail(ctx, spec->name, "the device is a %s, not a %s", mode,
			       spec->tap ? "tap" : "tun");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].dev >= 0 && f[i].dev != f[i].want)
			return tk_fail(ctx, spec->name, "the device has %s %s, the attach asked %s",
				       f[i].name, f[i].dev ? "on" : "off", f[i].want ? "on" : "off");
	return tk_err(ctx, -EINVAL, spec->name);
}

int tk_dev_busy(struct tk_ctx *ctx, const char *name)
{
	struct tk_holder *h;
	size_t n;

	if (tk_procs_holders(&h, &n))
		return tk_fail(ctx, name, "busy: another process holds the device");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i].ifname, name)) {
			int r = tk_fail(ctx, name, "busy: held by pid %d (%s)", h[i].pid, h[i].comm);

			free(h);
			return r;
		}
	free(h);
	return tk_fail(ctx, name, "busy: another process holds the device");
}

int tk_dev_attach(struct tk_ctx *ctx, struct tk_nl *nl, const struct tk_tun_spec *spec,
		  bool nonblock)
{
	struct tk_link l;
	int fd = tk_tun_attach(spec, nonblock);

	if (fd >= 0)
		return fd;
	if (fd == -EINVAL && !tk_nl_link_get(nl, spec->name, &l))
		explain_einval(ctx, spec, &l);
	else if (fd == -EBUSY)
		tk_dev_busy(ctx, spec->name);
	else
		tk_err(ctx, fd, spec->name);
	return -1;
}
