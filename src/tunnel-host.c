/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `tunkit tunnel` changes on the host, and undoes at exit: the device
 * (an existing one is used as it is, a missing one is created configured
 * and up), routes through it, and with --nat IPv4 forwarding plus a
 * masquerade table of tunkit's own ("ip tunkit-DEV").  --dry-run prints the
 * same steps as ip/sysctl/nft commands; the nft text is the very one run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "cmd-tunnel.h"
#include "err.h"
#include "link.h"

#define FWD "/proc/sys/net/ipv4/ip_forward"

static int check_existing(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
			  const struct tk_link *l)
{
	if (!l->is_tun)
		return tk_fail(ctx, l->ifname, "not a tun/tap device (a %s)",
			       tk_link_kind_name(l));
	if ((l->tun.type == 2) != cfg->tap)
		return tk_fail(ctx, l->ifname, "a %s device, but --mode %s",
			       l->tun.type == 2 ? "tap" : "tun", cfg->tap ? "tap" : "tun");
	return 0;
}

/* An existing tap joins --bridge for the tunnel's life; 0 or exit status. */
static int enslave(struct tk_ctx *ctx, struct tk_nl *nl, struct tk_tunnel_host *h, int ifindex,
		   const char *bridge)
{
	struct tk_link_change c;
	struct tk_link br;
	int r;

	r = tk_nl_link_get(nl, bridge, &br);
	if (r == -ENODEV || (!r && strcmp(br.kind, "bridge")))
		return tk_fail(ctx, bridge, "no such bridge");
	if (r)
		return tk_err(ctx, r, bridge);
	tk_nl_link_change_init(&c);
	c.master = br.ifindex;
	r = tk_nl_link_set(nl, ifindex, &c);
	if (r)
		return tk_err(ctx, r, h->dev);
	h->enslaved = true;
	return 0;
}

/* Creates the device; 0 or exit status. */
static int make(struct tk_ctx *ctx, struct tk_nl *nl, struct tk_tunnel_cfg *cfg,
		struct tk_tunnel_host *h, const char *name)
{
	json_t *names = NULL;
	int r;

	cfg->req.spec.name = name;
	cfg->req.spec.tap = cfg->tap;
	cfg->req.mtu = h->mtu;
	cfg->req.master = cfg->bridge;
	cfg->req.up = true;
	/* the tun ring is txqueuelen long: 500 overflows under a burst while the
	 * loop is off the CPU, and each drop costs TCP inside a retransmit */
	cfg->req.txqlen = 2000;
	/* a queue per worker */
	cfg->req.spec.multi_queue = cfg->nworkers > 1;
	r = tk_dev_create(ctx, nl, &cfg->req, &names);
	if (r)
		return r;
	snprintf(h->dev, sizeof(h->dev), "%s", json_string_value(json_array_get(names, 0)));
	json_decref(names);
	h->created = true;
	return 0;
}

/* One more queue of a multi-queue device, with the flags and offloads of the first. */
static int more_queue(const struct tk_tun_spec *spec, const struct tk_tunnel_host *h)
{
	int fd = tk_tun_attach(spec, true);

	if (fd >= 0 && h->vnet)
		tk_tun_set_offload(fd, true);
	return fd;
}

int tk_tunnel_dev_open(struct tk_ctx *ctx, struct tk_tunnel_cfg *cfg, struct tk_tunnel_host *h,
		       int *fds, unsigned want)
{
	const char *name = cfg->dev ? cfg->dev : cfg->tap ? "tktap%d" : "tktun%d";
	struct tk_tun_spec spec = { .uid = -1, .gid = -1, .tap = cfg->tap };
	struct tk_nl *nl;
	struct tk_link l;
	unsigned n = 1;
	int r, fd;

	r = tk_nl_open(&nl);
	if (r)
		return -tk_err(ctx, r, "netlink");
	r = cfg->dev ? tk_nl_link_get(nl, cfg->dev, &l) : -ENODEV;
	if (!r) {
		r = check_existing(ctx, cfg, &l);
		snprintf(h->dev, sizeof(h->dev), "%s", cfg->dev);
		if (!r && cfg->bridge && !l.master)
			r = enslave(ctx, nl, h, l.ifindex, cfg->bridge);
	} else if (r == -ENODEV) {
		r = make(ctx, nl, cfg, h, name);
	} else {
		r = tk_err(ctx, r, cfg->dev);
	}
	if (!r && !(r = tk_nl_link_get(nl, h->dev, &l))) {
		h->ifindex = l.ifindex;
		h->pi0 = l.tun.pi > 0;
		h->vnet0 = l.tun.vnet_hdr > 0;
		h->mq = l.tun.multi_queue > 0;
	} else if (r < 0)
		r = tk_err(ctx, r, h->dev);
	tk_nl_close(nl);
	if (r)
		return -r;
	spec.name = h->dev;
	spec.multi_queue = h->mq;
	/* super-packets through the device unless told not to, or the kernel refuses */
	spec.vnet_hdr = !cfg->no_offload;
	fd = tk_tun_attach(&spec, true);
	if (fd == -EINVAL && spec.vnet_hdr) {
		spec.vnet_hdr = false;
		fd = tk_tun_attach(&spec, true);
	}
	if (fd >= 0 && spec.vnet_hdr) {
		int o = tk_tun_set_offload(fd, true);

		h->vnet = true;
		h->tso = o >= 0;
		h->uso = o > 0;
	}
	if (fd == -EBUSY)
		return -tk_fail(ctx, h->dev, "already attached to another program");
	if (fd < 0)
		return -tk_err(ctx, fd, h->dev);
	fds[0] = fd;
	/* asked for by name, not by the default of one per CPU */
	if (cfg->workers > 1 && !h->mq)
		tk_warn(ctx, h->dev, "not a multi-queue device: one worker");
	while (h->mq && n < want) {
		fd = more_queue(&spec, h);
		if (fd < 0) {
			tk_warn(ctx, h->dev, "%u queues: %s", n, strerror(-fd));
			break;
		}
		fds[n++] = fd;
	}
	/* a device made for this tunnel lives as long as its queues: killed with SIGKILL, the
	 * tunnel takes it along, so a restart finds the name free and no stale address */
	if (h->created && !cfg->persist)
		tk_tun_set_persist(fds[0], false);
	return (int)n;
}

int tk_tunnel_routes(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
		     const struct tk_tunnel_host *h)
{
	struct tk_nl *nl;
	int r = 0;

	if (!cfg->nroutes)
		return 0;
	r = tk_nl_open(&nl);
	if (r)
		return tk_err(ctx, r, "netlink");
	for (size_t i = 0; !r && i < cfg->nroutes; i++) {
		const struct tk_cidr *c = &cfg->routes[i];
		int plen = c->prefixlen >= 0 ? c->prefixlen : c->family == AF_INET ? 32 : 128;

		r = tk_nl_route_add(nl, c->family, c->addr, plen, h->ifindex);
		if (r == -EEXIST)
			r = 0; /* a route kept from an earlier run of a persistent device */
		if (r)
			r = tk_err(ctx, r, "route");
	}
	tk_nl_close(nl);
	return r;
}

/* The nft script for --nat: mark what comes in from the device, masquerade it out. */
void tk_tunnel_nat_script(char *buf, size_t size, const char *dev)
{
	/* declared and deleted first: a table left by a tunnel killed with SIGKILL is replaced,
	 * not added to */
	snprintf(buf, size,
		 "table ip tunkit-%s\n"
		 "delete table ip tunkit-%s\n"
		 "table ip tunkit-%s {\n"
		 "\tchain forward {\n"
		 "\t\ttype filter hook forward priority 0; policy accept;\n"
		 "\t\tiifname \"%s\" meta mark set 0x746b\n"
		 "\t}\n"
		 "\tchain postrouting {\n"
		 "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		 "\t\tmeta mark 0x746b oifname != \"%s\" masquerade\n"
		 "\t}\n"
		 "}\n",
		 dev, dev, dev, dev, dev);
}

/*
 * Runs `nft -f -` on script; 0, or -EPROTO with nft's first line of complaint in why.
 * nft's stderr goes to a memfd (inherited: no MFD_CLOEXEC), not onto ours: with -j
 * stderr holds only JSON, and without it the failure is our one line, nft's words in it.
 */
static int nft(const char *script, char *why, size_t size)
{
	int efd = memfd_create("tunkit-nft", 0), st;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	char cmd[64];
	ssize_t n;
	FILE *p;

	why[0] = '\0';
	if (efd < 0)
		return -errno;
	snprintf(cmd, sizeof(cmd), "nft -f - 2>/proc/self/fd/%d", efd);
	p = popen(cmd, "w");
	if (!p) {
		st = -errno;
		close(efd);
		return st;
	}
	/* an nft that is missing or quits early closes the pipe: EPIPE, not death by SIGPIPE
	 * before anything is undone */
	sigaction(SIGPIPE, &ign, &old);
	fputs(script, p);
	st = pclose(p);
	sigaction(SIGPIPE, &old, NULL);
	n = pread(efd, why, size - 1, 0);
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	close(efd);
	return st == 0 ? 0 : -EPROTO;
}

static int write_proc(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The ip_forward value before --nat, to put back at exit: '0', '1', or 0 unknown. */
static char read_fwd(void)
{
	char c = 0;
	int fd = open(FWD, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && read(fd, &c, 1) != 1)
		c = 0;
	if (fd >= 0)
		close(fd);
	return c;
}

int tk_tunnel_nat_on(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
		     struct tk_tunnel_host *h)
{
	char script[1024], why[256];
	int r;

	if (!cfg->nat)
		return 0;
	h->fwd_was = read_fwd();
	r = write_proc(FWD, "1\n");
	if (r)
		return tk_err(ctx, r, FWD);
	tk_tunnel_nat_script(script, sizeof(script), h->dev);
	r = nft(script, why, sizeof(why));
	if (r) {
		if (h->fwd_was == '0')
			write_proc(FWD, "0\n"); /* nothing changed by a --nat that failed */
		return tk_fail(ctx, "nft", "could not add table \"tunkit-%s\"%s%s%s", h->dev,
			       *why ? " (" : "", why, *why ? ")" : "");
	}
	h->nat_on = true;
	return 0;
}

void tk_tunnel_nat_off(struct tk_ctx *ctx, struct tk_tunnel_host *h)
{
	char cmd[64], why[256];

	if (!h->nat_on)
		return;
	snprintf(cmd, sizeof(cmd), "delete table ip tunkit-%s\n", h->dev);
	if (nft(cmd, why, sizeof(why)))
		tk_warn(ctx, "nft", "could not delete table \"tunkit-%s\"%s%s%s", h->dev,
			*why ? " (" : "", why, *why ? ")" : "");
	if (h->fwd_was == '0')
		write_proc(FWD, "0\n");
	h->nat_on = false;
}

/*
 * A device that outlives the tunnel gets back the flags it had (pi, vnet_hdr) and loses
 * the offloads, so the next program behind it reads whole packets as before.  The flags
 * belong to the device and are set by whoever attaches last: attach once more.
 */
static void restore_flags(const struct tk_tunnel_host *h, bool tap)
{
	struct tk_tun_spec spec = { .name = h->dev, .tap = tap, .pi = h->pi0,
				    .vnet_hdr = h->vnet0, .multi_queue = h->mq, .uid = -1,
				    .gid = -1 };
	int fd;

	if (!h->vnet && !h->pi0 && !h->vnet0)
		return; /* attached with the flags it had, no offloads: nothing to undo */
	fd = tk_tun_attach(&spec, true);
	if (fd < 0)
		return; /* gone, or someone else is behind it now: theirs to set */
	tk_tun_set_offload(fd, false);
	close(fd);
}

void tk_tunnel_dev_close(struct tk_ctx *ctx, const struct tk_tunnel_cfg *cfg,
			 struct tk_tunnel_host *h)
{
	struct tk_nl *nl;
	struct tk_link l;

	if (tk_nl_open(&nl))
		return;
	/* an existing device leaves the bridge it joined for the tunnel */
	if (h->enslaved && !tk_nl_link_get(nl, h->dev, &l) && l.ifindex == h->ifindex) {
		struct tk_link_change c;

		tk_nl_link_change_init(&c);
		c.master = 0;
		tk_nl_link_set(nl, l.ifindex, &c);
	}
	if (!h->created || cfg->persist) {
		tk_nl_close(nl);
		restore_flags(h, cfg->tap);
		return;
	}
	/* only a tun/tap of that name: the device may have been replaced meanwhile */
	if (!tk_nl_link_get(nl, h->dev, &l) && l.is_tun && l.ifindex == h->ifindex)
		tk_nl_link_del(nl, l.ifindex);
	tk_nl_close(nl);
}
