#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The two-sites picture, as shipped in examples/two-sites.sh: two bridges,
# each with a LAN host and a tap, joined by a tap tunnel with --bridge.
# Host A's ARP is answered by host B (its MAC lands in A's neighbour
# table) and ping crosses; the script cleans up its namespaces.
#
#  hostA -- [br0 + tap0] siteA ==== UDP ==== siteB [br0 + tap0] -- hostB
. "$TOP_SRCDIR/tests/integration/lib.sh"
[ "$(id -u)" = 0 ] || tk_skip_all "needs root (CAP_NET_ADMIN)"
[ -c /dev/net/tun ] || tk_skip_all "no /dev/net/tun"

t_example "two sites: the example runs" 60 "$TOP_SRCDIR/examples/two-sites.sh" "$TUNKIT"
out=$(t_stdout)
t_match "$out" "3 received" "two sites: ping from host A to host B crosses the tunnel"
t_match "$out" "192\.0\.2\.20 dev eth0 lladdr [0-9a-f:]{17}" "two sites: B's ARP answer reached A"
t_match "$out" "Out ARP, Request who-has 192\.0\.2\.20 tell 192\.0\.2\.10" \
	"two sites: dump shows A's ARP request leave site A's tap"
t_match "$out" "In  ARP, Reply 192\.0\.2\.20 is-at" "two sites: ... and B's reply come in"
t_match "$out" "listen udp 198\.51\.100\.2:[0-9]+ up" "two sites: show lists the tunnel"
t_match "$out" "no problems found" "two sites: doctor finds nothing wrong"
t_is "$(ex_left)" 0 "two sites: the example removed its namespaces"
t_done
