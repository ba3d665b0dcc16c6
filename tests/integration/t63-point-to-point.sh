#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The point-to-point picture, as shipped in examples/point-to-point.sh: two
# namespaces, a tun tunnel over UDP, a ping across; the script cleans up.
. "$TOP_SRCDIR/tests/integration/lib.sh"
[ "$(id -u)" = 0 ] || tk_skip_all "needs root (CAP_NET_ADMIN)"
[ -c /dev/net/tun ] || tk_skip_all "no /dev/net/tun"

t_example "point to point: the example runs" 60 "$TOP_SRCDIR/examples/point-to-point.sh" "$TUNKIT"
out=$(t_stdout)
t_match "$out" "3 received, 0% packet loss" "point to point: ping crosses the tunnel"
t_match "$out" "listen udp 198\.51\.100\.2:[0-9]+ up" "point to point: show lists the tunnel"
t_is "$(ex_left)" 0 "point to point: the example removed its namespaces"
t_done
