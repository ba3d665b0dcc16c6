#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doctor: each way the pictures break is found and named with its fix, and
# a healthy setup has nothing to report.  Everything in a private netns:
#   tap0 (held or not) + v0 (veth to v1) -- br0 ; tn0 and tunnels over lo
#   and over a route with a small MTU that leads nowhere but v0.
. "$TOP_SRCDIR/tests/integration/lib.sh"
tk_private_netns "$@"
KEY=$(mktemp /tmp/tk-key.XXXXXX)
PIDS=
cleanup() { for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done; wait 2>/dev/null
	rm -f "$KEY" "$KEY.2" "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
ip link set lo up
checks() { $TUNKIT -j doctor "$@" | jq -r '[.[] | "\(.object):\(.check):\(.severity)"] | sort | join(" ")'; }

# a tap nobody holds, on a bridge that is down, next to a port with a bigger MTU
ip link add br0 type bridge stp_state 0 forward_delay 200
$TUNKIT -q create -m tap --master br0 --up tap0
ip link add v0 type veth peer name v1
ip link set v0 master br0 mtu 9000 up
ip link set v1 up
t_status 1 "broken: status 1" $TUNKIT doctor
t_is "$(checks)" "br0:down:error tap0:mtu:error tap0:no-process:error" \
	"broken: bridge down, nobody behind the tap, MTU mismatch"
t_match "$($TUNKIT doctor tap0)" "fix: start the program behind it, e\\.g\\. tunkit tunnel --dev tap0 --mode tap" \
	"text: the fix names the command"
t_match "$($TUNKIT doctor br0)" "fix: ip link set v0 mtu 1500" "text: the MTU fix"
t_is "$($TUNKIT -j doctor br0 | jq -c '.[0] | keys')" '["check","fix","object","problem","severity"]' \
	"-j: every finding has object, check, severity, problem, fix"

# fixed: held, bridge up, same MTU, forwarding
ip link set br0 up
ip link set v0 mtu 1500
pid=$(hold_tun tap0 tap); PIDS="$PIDS $pid"
wait_for 60 sh -c "bridge -j link show dev tap0 | jq -en 'input | .[0].state == \"forwarding\"'"
t_ok "healthy: status 0" $TUNKIT doctor br0
t_match "$(t_stdout)" "^no problems found \\(1 checked\\)" "healthy: says so"
t_is "$($TUNKIT -j doctor)" "[]" "healthy: -j prints []"

# STP on: a port that just joined listens before it forwards (the longest
# forward delay there is: a minute before it forwards)
ip link set br0 type bridge stp_state 1 forward_delay 3000
ip link set tap0 nomaster; ip link set tap0 master br0
t_is "$(checks tap0)" "tap0:port-state:warning" "STP: a new port is listening or learning"
t_match "$($TUNKIT doctor tap0)" "fix: wait 30 s \\(forward delay\\), or tunkit bridge stp br0 off" \
	"STP: the fix"
ip link set br0 type bridge stp_state 0

# a tun with no address, down
$TUNKIT -q create tn0
t_is "$(checks tn0)" "tn0:down:error tn0:no-address:warning" "tun: down, no address"
t_status 1 "unknown device: status 1" $TUNKIT doctor nosuch
t_match "$(t_stderr)" "^tunkit: doctor: nosuch: no such device" "unknown device: message"
t_status 2 "bad name: usage" $TUNKIT doctor "a/b"

# tunnels: a connector whose listener is missing, over a path with a small MTU
(umask 077 && $TUNKIT genkey "$KEY" && $TUNKIT genkey "$KEY.2")
ip route add 203.0.113.7/32 dev v0 mtu 1300
$TUNKIT tunnel --connect 203.0.113.7:5000 --key "$KEY" --dev tc0 --addr 192.0.2.9/32 \
	--mtu 1400 2>/dev/null &
PIDS="$PIDS $!"
wait_for 60 sh -c "$TUNKIT -j show tc0 | jq -en 'input | .[0].tunnel.handshakes_tx >= 2'"
t_is "$(checks tc0)" "tc0:mtu:error tc0:tunnel-silent:error" \
	"tunnel: a silent peer and an MTU over the path"
t_match "$($TUNKIT doctor tc0)" "fix: ip link set tc0 mtu 1240" "tunnel: MTU fix is path minus overhead"

# a listener and a connector with different keys, over loopback
$TUNKIT tunnel --listen 127.0.0.1:5001 --key "$KEY" --dev tl0 --addr 192.0.2.1/32 2>/dev/null &
PIDS="$PIDS $!"
$TUNKIT tunnel --connect 127.0.0.1:5001 --key "$KEY.2" --dev tk0 --addr 192.0.2.2/32 \
	2>/dev/null &
PIDS="$PIDS $!"
wait_for 60 sh -c "$TUNKIT -j show tl0 | jq -en 'input | .[0].tunnel.auth_failures >= 1'"
t_is "$(checks tl0)" "tl0:forwarding:note tl0:tunnel-auth:error" \
	"wrong key: the listener says so (and notes forwarding is off)"
kill -TERM $!; wait $! 2>/dev/null
# the same key: a session, nothing but the note, once both sides have it
# on every worker (the listener's comes with the connector's first frame)
$TUNKIT tunnel --connect 127.0.0.1:5001 --key "$KEY" --dev tk1 --addr 192.0.2.3/32 2>/dev/null &
PIDS="$PIDS $!"
all_up() { $TUNKIT -j show "$1" | jq -en 'input | .[0].tunnel |
	.session_up and .workers_up == (.workers | length)'; }
wait_for 60 all_up tk1 && wait_for 60 all_up tl0
t_is "$(checks tl0 tk1)" "tl0:forwarding:note" "working tunnel: only the forwarding note"
t_ok "a note alone: status 0" $TUNKIT doctor tl0 tk1
t_done
