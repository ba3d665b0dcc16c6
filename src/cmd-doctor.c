/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunkit doctor [DEV|BR...]: why doesn't it work?  Looks at tun/tap devices,
 * the bridges they are ports of, and the tunnels behind them, the way the
 * point-to-point, gateway and two-site pictures fail in practice: nobody
 * behind the device (NO-CARRIER), a link or bridge down, a port STP keeps
 * from forwarding, MTUs that disagree along the path, a tunnel with no
 * session or a silent peer, forwarding off on a gateway.  Each finding says
 * what is wrong and names the fix.  Read-only: it changes nothing.
 *
 * Findings: { object, check, severity (error, warning, note), problem, fix }.
 * Exit status 1 when there is an error-level finding, so scripts can ask.
 */
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sockaddr.h"
#include "engine/tunnel.h"
#include "err.h"
#include "link.h"
#include "name.h"
#include "opt.h"
#include "out.h"

struct doctor {
	const struct tk_snap *s;
	const struct tk_link *bridge; /* the bridge whose ports are being checked */
	json_t *findings;
	int errors;
};

static const struct tk_opt opts[] = {
	{ NULL },
};

static void add(struct doctor *d, const char *obj, const char *check, const char *severity,
		const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct doctor *d, const char *obj, const char *check, const char *severity,
		const char *fix, const char *fmt, ...)
{
	char *problem = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&problem, fmt, ap) < 0)
		problem = NULL;
	va_end(ap);
	json_array_append_new(d->findings,
			      json_pack("{s:s,s:s,s:s,s:s?,s:s}", "object", obj, "check", check,
					"severity", severity, "problem", problem, "fix", fix));
	free(problem);
	if (!strcmp(severity, "error"))
		d->errors++;
}

/* A fix with the names filled in (the finding copies it). */
static const char *fixf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *fixf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

static const struct tk_holder *holder_of(const struct tk_snap *s, const char *dev)
{
	for (size_t i = 0; i < s->nholders; i++)
		if (!strcmp(s->holders[i].ifname, dev))
			return &s->holders[i];
	return NULL;
}

/* Addresses that route: link-local ones do not count. */
static int routable_addrs(const struct tk_snap *s, int ifindex)
{
	int n = 0;

	for (size_t i = 0; i < s->naddrs; i++)
		if (s->addrs[i].ifindex == ifindex && s->addrs[i].scope != RT_SCOPE_LINK)
			n++;
	return n;
}

static bool carrier(const struct tk_link *l)
{
	return l->carrier >= 0 ? l->carrier > 0 : (l->flags & IFF_RUNNING) != 0;
}

static void check_up(struct doctor *d, const struct tk_link *l, const char *what)
{
	char fix[128];

	if (!(l->flags & IFF_UP))
		add(d, l->ifname, "down", "error",
		    fixf(fix, sizeof(fix), "ip link set %s up", l->ifname),
		    "%s %s is down: nothing passes", what, l->ifname);
}

/* Nobody behind a tun/tap: the kernel drops what it routes or bridges to it. */
static void check_holder(struct doctor *d, const struct tk_link *l)
{
	const struct tk_holder *h = holder_of(d->s, l->ifname);
	char fix[200];

	if (!(l->flags & IFF_UP) || carrier(l))
		return;
	if (!h && l->tun.num_queues <= 0)
		add(d, l->ifname, "no-process", "error",
		    fixf(fix, sizeof(fix), "start the program behind it, e.g. tunkit tunnel --dev %s"
			 " --mode %s ...", l->ifname, tk_link_tuntap_type(l)),
		    "no process holds %s (NO-CARRIER): the kernel drops every packet sent to it",
		    l->ifname);
	else
		add(d, l->ifname, "carrier-off", "error",
		    "the program behind it turns the carrier on (TUNSETCARRIER)",
		    "%s is held by %d/%s but its carrier is off", l->ifname, h ? h->pid : 0,
		    h ? h->comm : "?");
}

static void check_address(struct doctor *d, const struct tk_link *l)
{
	char fix[160];
	bool tap = l->arptype == ARPHRD_ETHER;

	if (l->master || routable_addrs(d->s, l->ifindex))
		return;
	if (tap)
		add(d, l->ifname, "no-address", "warning",
		    fixf(fix, sizeof(fix), "tunkit bridge attach BRIDGE %s, or ip addr add ADDR/PREFIX "
			 "dev %s", l->ifname, l->ifname),
		    "%s is neither a bridge port nor addressed: no host traffic reaches it",
		    l->ifname);
	else
		add(d, l->ifname, "no-address", "warning",
		    fixf(fix, sizeof(fix), "ip addr add ADDR/PREFIX dev %s (or tunkit tunnel --addr)",
			 l->ifname),
		    "%s has no address and is not a port: nothing is routed into it", l->ifname);
}

/* A port of a bridge: the bridge up, STP forwarding, the MTU its neighbours have. */
static void check_port(struct doctor *d, const struct tk_link *l)
{
	const struct tk_link *br = tk_snap_by_index(d->s, l->master);
	char fix[200];

	if (!br || !br->is_bridge)
		return;
	if (br != d->bridge && !(br->flags & IFF_UP))
		add(d, br->ifname, "down", "error",
		    fixf(fix, sizeof(fix), "ip link set %s up", br->ifname),
		    "bridge %s of port %s is down: nothing is forwarded", br->ifname, l->ifname);
	switch (l->port.state) {
	case BR_STATE_FORWARDING:
	case -1:
		break;
	case BR_STATE_LISTENING:
	case BR_STATE_LEARNING:
		add(d, l->ifname, "port-state", "warning",
		    fixf(fix, sizeof(fix), "wait %u s (forward delay), or tunkit bridge stp %s off",
			 br->br.forward_delay / 100, br->ifname),
		    "port %s of %s is %s (STP): it forwards after the forward delay", l->ifname,
		    br->ifname, l->port.state == BR_STATE_LISTENING ? "listening" : "learning");
		break;
	case BR_STATE_BLOCKING:
		add(d, l->ifname, "port-state", "error",
		    "remove the loop (another path between the same LANs), or give this port a "
		    "lower cost",
		    "STP blocks port %s of %s: there is a loop or a better path", l->ifname,
		    br->ifname);
		break;
	default:
		/* the port or its bridge is down, or it has no carrier: a tun/tap's own
		 * findings say why, the rest is said here */
		if ((l->flags & IFF_UP) && !l->is_tun && !carrier(l))
			add(d, l->ifname, "no-carrier", "error",
			    "bring up the other end of the link (the veth peer, the cable)",
			    "port %s of %s has no carrier: its other end is down", l->ifname,
			    br->ifname);
	}
	for (size_t i = 0; i < d->s->nlinks; i++) {
		const struct tk_link *o = &d->s->links[i];

		if (o->master != br->ifindex || o == l || o->mtu <= l->mtu)
			continue;
		add(d, l->ifname, "mtu", "error",
		    fixf(fix, sizeof(fix), "ip link set %s mtu %d, and the same MTU on the hosts "
			 "behind it", o->ifname, l->mtu),
		    "%s (mtu %d) is a port of %s next to %s (mtu %d): frames over %d bytes from %s "
		    "are dropped at %s", l->ifname, l->mtu, br->ifname, o->ifname, o->mtu, l->mtu,
		    o->ifname, l->ifname);
		break;
	}
}

/* The underlay MTU toward the peer against the device's, plus the tunnel's overhead. */
static void check_tunnel_mtu(struct doctor *d, const struct tk_link *l, const json_t *t,
			     const char *peer)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int path, over;
	char fix[128];

	if (tk_sockaddr_parse(peer, false, &sa, &len))
		return;
	path = tk_udp_path_mtu((struct sockaddr *)&sa, len);
	if (path <= 0)
		return;
	over = tk_tunnel_overhead(sa.ss_family,
				  strcmp(json_string_value(json_object_get(t, "transport")), "tcp")
					  ? TK_TR_UDP : TK_TR_TCP,
				  l->arptype == ARPHRD_ETHER);
	if (l->mtu + over <= path)
		return;
	add(d, l->ifname, "mtu", "error",
	    fixf(fix, sizeof(fix), "ip link set %s mtu %d (or restart the tunnel without --mtu)",
		 l->ifname, path - over),
	    "%s (mtu %d) plus the tunnel's %d bytes exceeds the path MTU %d toward %s: large "
	    "packets are fragmented or lost", l->ifname, l->mtu, over, path, peer);
}

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* A worker's partner that did not answer in this long is missing, not late: the initiator
 * retries every 0.5 s, doubling to 5 s */
#define PARTNER_SEC 5.0

/*
 * Workers without a session while others have one.  Worker 0's queue stays on the device,
 * so the flows the kernel gives it are lost; another worker's queue leaves the device, so
 * its flows go to the others, and a worker that never had a partner (the peer runs fewer
 * workers) is worth a note once the partner had time to answer.
 */
static void check_workers(struct doctor *d, const struct tk_link *l, const json_t *t)
{
	json_int_t up = json_integer_value(json_object_get(t, "workers_up"));
	double age = json_number_value(json_object_get(t, "session_age"));
	bool connect = !strcmp(json_string_value(json_object_get(t, "role")), "connect");
	const json_t *w;
	size_t i;

	if (!up)
		return; /* no session at all: check_tunnel says why */
	json_array_foreach(json_object_get(t, "workers"), i, w) {
		if (json_is_true(json_object_get(w, "session_up")))
			continue;
		if (!i)
			add(d, l->ifname, "tunnel-worker", "error",
			    "it retries by itself; if it stays down, see its worker_down event and "
			    "restart the tunnel",
			    "worker 0 of the tunnel on %s has no session while %lld other%s: the "
			    "flows the kernel hands to its queue are lost", l->ifname, (long long)up,
			    up == 1 ? " has one" : "s have one");
		else if (age < PARTNER_SEC)
			continue; /* its handshake may still be on the way */
		else if (!json_integer_value(json_object_get(w, "sessions")))
			add(d, l->ifname, "tunnel-worker", "note",
			    "give both sides the same --workers",
			    "worker %zu of the tunnel on %s has no partner: the %s side runs fewer "
			    "workers; the other workers carry its flows", i, l->ifname,
			    connect ? "listening" : "connecting");
		else
			add(d, l->ifname, "tunnel-worker", "warning",
			    "it retries by itself; see its worker_down event",
			    "worker %zu of the tunnel on %s lost its session; the other workers carry "
			    "its flows", i, l->ifname);
	}
}

/*
 * A hub's peers: initiations from keys it does not know (a client whose key was never
 * added, or was removed), packets from a peer with another's source, packets to addresses
 * no peer has, and peers that never connected.
 */
static void check_peers(struct doctor *d, const struct tk_link *l, const json_t *t)
{
	json_int_t unknown = json_integer_value(json_object_get(t, "unknown_peer"));
	json_int_t spoofed = json_integer_value(json_object_get(t, "spoofed"));
	json_int_t noroute = json_integer_value(json_object_get(t, "no_route"));
	const json_t *p;
	size_t i, idle = 0;
	char fix[200];

	if (unknown)
		add(d, l->ifname, "hub-unknown-key", "warning",
		    fixf(fix, sizeof(fix), "tunkit peer add %s PUBKEY --allowed-ips ... "
			 "(the client's tunkit pubkey)", l->ifname),
		    "the hub on %s refused %lld initiations from keys that are not its peers",
		    l->ifname, (long long)unknown);
	if (spoofed)
		add(d, l->ifname, "hub-spoofed", "warning",
		    fixf(fix, sizeof(fix), "tunkit peer list %s, and give each peer the "
			 "addresses it sends from (tunkit peer set --allowed-ips)", l->ifname),
		    "the hub on %s dropped %lld packets from peers whose sources are not among "
		    "their allowed addresses", l->ifname, (long long)spoofed);
	if (noroute)
		add(d, l->ifname, "hub-no-route", "note",
		    "give the peer behind those addresses --allowed-ips for them",
		    "the hub on %s dropped %lld packets to addresses no peer has", l->ifname,
		    (long long)noroute);
	json_array_foreach(json_object_get(t, "peers"), i, p)
		if (!json_is_number(json_object_get(p, "last_handshake")))
			idle++;
	if (idle)
		add(d, l->ifname, "hub-idle-peers", "note",
		    "start them (tunkit tunnel --connect THIS-HOST:PORT --private-key ... --peer "
		    "HUB-PUBKEY)",
		    "%zu of the hub's %zu peers on %s never connected", idle,
		    json_array_size(json_object_get(t, "peers")), l->ifname);
}

static void check_tunnel(struct doctor *d, const struct tk_link *l)
{
	const json_t *t = d->s->tunnels ? json_object_get(d->s->tunnels, l->ifname) : NULL;
	const char *peer, *role;
	json_int_t auth, hs_tx, hs_rx;
	char fix[200];

	if (!t)
		return;
	peer = json_string_value(json_object_get(t, "peer"));
	role = json_string_value(json_object_get(t, "role"));
	auth = json_integer_value(json_object_get(t, "auth_failures"));
	hs_tx = json_integer_value(json_object_get(t, "handshakes_tx"));
	hs_rx = json_integer_value(json_object_get(t, "handshakes_rx"));
	/* no worker with a session (some with one: check_workers) */
	if (!json_integer_value(json_object_get(t, "workers_up"))) {
		if (auth)
			add(d, l->ifname, "tunnel-auth", "error",
			    "give both sides the same key file (tunkit genkey; copy it, mode 0600) "
			    "and the same --cipher or auto",
			    "the tunnel on %s has no session and dropped %lld frames that failed "
			    "authentication: the peer's key differs, or its cipher",
			    l->ifname, (long long)auth);
		else if (!strcmp(role, "connect"))
			add(d, l->ifname, "tunnel-silent", "error",
			    fixf(fix, sizeof(fix), "start the listening side at %s, and let its "
				 "port through the firewalls on the way", peer ? peer : "the peer"),
			    "the tunnel on %s sent %lld handshakes to %s and heard nothing back",
			    l->ifname, (long long)hs_tx, peer ? peer : "its peer");
		else
			add(d, l->ifname, "tunnel-waiting", "warning",
			    "start the connecting side (tunkit tunnel --connect THIS-HOST:PORT)",
			    "the tunnel on %s listens, and %s", l->ifname,
			    hs_rx ? "answered handshakes that were never confirmed"
				  : "no peer has connected");
	}
	check_workers(d, l, t);
	if (json_object_get(t, "peers"))
		check_peers(d, l, t);
	if (peer && !strcmp(role, "connect"))
		check_tunnel_mtu(d, l, t, peer);
	if (!strcmp(role, "listen") && l->arptype != ARPHRD_ETHER &&
	    read_int_file("/proc/sys/net/ipv4/ip_forward") == 0)
		add(d, l->ifname, "forwarding", "note",
		    "sysctl -w net.ipv4.ip_forward=1 and masquerade (tunkit tunnel --nat) if this "
		    "host is the peer's gateway",
		    "IPv4 forwarding is off: the peer reaches this host, nothing behind it");
}

static void check_link(struct doctor *d, const struct tk_link *l)
{
	check_up(d, l, l->is_bridge ? "bridge" : l->is_tun ? tk_link_tuntap_type(l) : "link");
	if (l->is_tun) {
		check_holder(d, l);
		check_address(d, l);
		check_tunnel(d, l);
	}
	if (l->master)
		check_port(d, l);
}

static void check_bridge(struct doctor *d, const struct tk_link *br)
{
	size_t ports = 0;

	check_up(d, br, "bridge");
	for (size_t i = 0; i < d->s->nlinks; i++) {
		const struct tk_link *p = &d->s->links[i];

		if (p->master != br->ifindex)
			continue;
		ports++;
		d->bridge = br;
		check_link(d, p);
		d->bridge = NULL;
	}
	if (!ports)
		add(d, br->ifname, "no-ports", "warning", "tunkit bridge attach BRIDGE DEV...",
		    "bridge %s has no ports", br->ifname);
}

/* Bridges with a tun/tap port are part of the picture; the rest are not ours. */
static bool has_tuntap_port(const struct tk_snap *s, const struct tk_link *br)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (s->links[i].master == br->ifindex && s->links[i].is_tun)
			return true;
	return false;
}

static char *finding_line(const json_t *f)
{
	char *s;

	if (asprintf(&s, "%s: %s: %s\n  fix: %s", json_string_value(json_object_get(f, "object")),
		     json_string_value(json_object_get(f, "severity")),
		     json_string_value(json_object_get(f, "problem")),
		     json_string_value(json_object_get(f, "fix"))) < 0)
		return NULL;
	return s;
}

static int run(struct tk_ctx *ctx, int argc, char **argv)
{
	static const struct tk_view view = { TK_VIEW_LINES, NULL, finding_line };
	struct doctor d = { 0 };
	struct tk_snap s;
	size_t checked = 0;
	int first, r;

	r = tk_opt_parse(ctx, &tk_cmd_doctor, argc, argv, NULL, NULL, &first);
	if (r)
		return r == TK_OPT_HELP ? 0 : r;
	for (int i = first; i < argc; i++) {
		const char *why = tk_name_invalid(argv[i], false);

		if (why)
			return tk_usage(ctx, "\"%s\": %s", argv[i], why);
	}
	r = tk_snap_read(&s, TK_SNAP_ADDRS | TK_SNAP_HOLDERS | TK_SNAP_TUNNELS);
	if (r)
		return tk_err(ctx, r, "netlink");
	for (int i = first; i < argc; i++)
		if (!tk_snap_by_name(&s, argv[i])) {
			tk_snap_free(&s);
			return tk_fail(ctx, argv[i], "no such device");
		}
	d.s = &s;
	d.findings = json_array();
	for (size_t i = 0; i < s.nlinks; i++) {
		const struct tk_link *l = &s.links[i];
		bool named = false;

		for (int k = first; k < argc; k++)
			named |= !strcmp(argv[k], l->ifname);
		if (first < argc ? !named : !(l->is_tun || (l->is_bridge && has_tuntap_port(&s, l))))
			continue;
		checked++;
		if (l->is_bridge)
			check_bridge(&d, l);
		else if (first == argc && l->master && tk_snap_by_index(&s, l->master) &&
			 has_tuntap_port(&s, tk_snap_by_index(&s, l->master)))
			continue; /* checked with its bridge */
		else
			check_link(&d, l);
	}
	if (ctx->json || json_array_size(d.findings))
		r = tk_out(ctx, d.findings, &view);
	else if (!ctx->quiet)
		r = printf("no problems found (%zu checked)\n", checked) < 0 ? -EIO : 0;
	json_decref(d.findings);
	tk_snap_free(&s);
	if (r)
		return tk_err(ctx, r, "stdout");
	return d.errors ? 1 : 0;
}

const struct tk_cmd tk_cmd_doctor = {
	.name = "doctor",
	.summary = "find out why a device, bridge or tunnel does not work",
	.synopsis = "[DEV|BRIDGE...]",
	.opts = opts,
	.min_args = 0,
	.max_args = -1,
	.operands = "@link",
	.run = run,
};
