#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway with NAT: examples/gateway.sh (a client firewalled to the
# server's underlay address reaches a far host through the tunnel and the
# server's masquerade); --nat's table and ip_forward are undone at SIGTERM;
# --dry-run prints the commands and changes nothing.
#
#  client ==UDP== server (--nat) ---- far       (in examples/gateway.sh)
#  A: tka --listen --nat   B: (unused)          (the clean-up checks)
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
command -v nft >/dev/null || tk_skip_all "needs nft"
tn_setup

t_example "gateway: the example runs" 60 "$TOP_SRCDIR/examples/gateway.sh" "$TUNKIT"
t_match "$(t_stdout)" "3 received" "gateway: the client reaches the far host through the NAT"
t_is "$(ex_left)" 0 "gateway: the example removed its namespaces"

t_is "$(ip netns exec "$A" cat /proc/sys/net/ipv4/ip_forward)" 0 "nat: forwarding off before"
tn_start PA "$A" tunnel --listen 5000 --key "$KEY" --dev tka --addr 192.0.2.1/24 --nat
wait_for 30 test -S "/run/tunkit/$A/tka.sock"
t_ok "nat: table tunkit-tka while running" ip netns exec "$A" nft list table ip tunkit-tka
t_is "$(ip netns exec "$A" cat /proc/sys/net/ipv4/ip_forward)" 1 "nat: forwarding on"
kill -TERM "$PA"; wait "$PA"; t_is $? 0 "nat: SIGTERM exit 0"
t_status 1 "nat: table gone after exit" ip netns exec "$A" nft list table ip tunkit-tka
t_is "$(ip netns exec "$A" cat /proc/sys/net/ipv4/ip_forward)" 0 "nat: forwarding restored"
t_status 1 "nat: device gone" ip -n "$A" link show tka

snap=$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")
t_ok "dry-run: succeeds" ip netns exec "$A" "$TUNKIT" tunnel --dry-run --listen 5000 \
	--key "$KEY" --dev tka --addr 192.0.2.1/24 --route 203.0.113.0/24 --nat
out=$(t_stdout)
t_match "$out" "^ip tuntap add dev tka mode tun" "dry-run: device command"
t_match "$out" "ip link set dev tka mtu 1420 up" "dry-run: mtu (dual-stack listener: IPv6 overhead)"
t_match "$out" "ip addr add 192\.0\.2\.1/24 dev tka" "dry-run: address"
t_match "$out" "ip route add 203\.0\.113\.0/24 dev tka" "dry-run: route"
t_match "$out" "masquerade" "dry-run: the nft script"
t_ok "dry-run -j: succeeds" ip netns exec "$A" "$TUNKIT" -j tunnel --dry-run --listen 5000 \
	--key "$KEY" --dev tka --addr 192.0.2.1/24 --route 203.0.113.0/24 --nat
t_is "$(t_stdout | jq -c '[.dev, .mode, .mtu, (.commands | length), .commands[2], (.commands[5] | test("masquerade"))]')" \
	'["tka","tun",1420,6,"ip addr add 192.0.2.1/24 dev tka",true]' "dry-run -j: one object, the commands in order"
t_is "$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")" "$snap" \
	"dry-run: nothing changed"
t_status 1 "dry-run: no nft table" ip netns exec "$A" nft list table ip tunkit-tka
t_done
