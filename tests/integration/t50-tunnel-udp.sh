#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tunnel over UDP, tun mode, IPv4 and IPv6 underlay: ping, a checksummed
# 5 MiB transfer, the derived MTU (exactly passes, one byte more does not),
# the control socket, and a clean SIGTERM exit.
#
#   A: tka (192.0.2.1) --listen        B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 / 2001:db8:1::1 ===veth=== vb 198.51.100.2 / 2001:db8:1::2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --keepalive 1 --route 203.0.113.0/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "udp/v4: session up"
t_is "$(ip -n "$B" -j route show 203.0.113.0/24 | jq -r '.[0].dev')" tkb \
	"--route: 203.0.113.0/24 via the device"
t_ok "udp/v4: ping across" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "udp/v4: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
mtu=$(ip -n "$B" -j link show tkb | jq '.[0].mtu')
t_is "$mtu" 1440 "udp/v4: MTU derived: 1500 - 20 - 8 - 32"
t_ok "udp/v4: ping -M do at the MTU passes" \
	ip netns exec "$B" ping -c 1 -W 2 -M do -s $((mtu - 28)) 192.0.2.1
t_status 1 "udp/v4: one byte more fails" \
	ip netns exec "$B" ping -c 1 -W 2 -M do -s $((mtu - 27)) 192.0.2.1
t_match "$(t_stdout; t_stderr)" "message too long" "udp/v4: ... with message too long"
st=$(tn_state "$A" tka)
t_match "$st" '"peer":"198\.51\.100\.2:[0-9]+"' "control socket: peer endpoint"
t_is "$(echo "$st" | jq '.rx_packets > 3 and .tx_packets > 3 and .auth_failures == 0')" \
	true "control socket: counters"

# control socket under pressure: eight clients that say nothing hold every connection; a ninth
# waits in the backlog until the silent ones are closed (5 s) and is answered; a request that
# comes in pieces a second apart is answered whole
ip netns exec "$A" /usr/bin/python3 -c '
import socket, sys, time
cs = []
for i in range(8):
    c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); cs.append(c)
print("held", flush=True)
time.sleep(30)' "/run/tunkit/$A/tka.sock" >"$KEY.hold" &
HP=$!
wait_for 30 grep -q held "$KEY.hold"
t0=${EPOCHREALTIME/./}
t_ok "control socket: a ninth client, the others silent" ip netns exec "$A" "$TUNKIT" -j show tka
t_is "$(t_stdout | jq -r '.[0].tunnel.role')" listen "... is answered ($(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms)"
kill "$HP"; wait "$HP" 2>/dev/null
t_is "$(ip netns exec "$A" /usr/bin/python3 -c '
import json, socket, sys, time
c = socket.socket(socket.AF_UNIX); c.settimeout(15); c.connect(sys.argv[1])
c.sendall(b"{\"op\": "); time.sleep(1); c.sendall(b"\"state\"}\n")
print(json.loads(c.makefile().readline())["role"])' "/run/tunkit/$A/tka.sock")" listen \
	"control socket: a request in two pieces a second apart"

# show: the tunnel next to its device, as the control socket tells it
t_is "$(ip netns exec "$B" "$TUNKIT" -j show tkb | jq -r '.[0].tunnel | "\(.role) \(.peer) \(.session_up)"')" \
	"connect 198.51.100.1:5000 true" "show -j: the device's tunnel"
t_match "$(ip netns exec "$B" "$TUNKIT" show tkb)" "connect udp 198\.51\.100\.1:5000 up" \
	"show: a TUNNEL column"
t_is "$(ip netns exec "$A" "$TUNKIT" -j show tka | jq -r '.[0].tunnel.role')" listen \
	"show -j: the listener's device"
# stats: the device's counters and the tunnel's, side by side
st=$(ip netns exec "$B" "$TUNKIT" -j stats tkb)
t_is "$(echo "$st" | jq '.[0].tunnel.tx_packets >= .[0].tx.packets - 5 and .[0].tunnel.tx_packets > 3')" \
	true "stats -j: the tunnel's counters next to the device's"
t_match "$(ip netns exec "$B" "$TUNKIT" stats -d tkb)" "tunnel: +tx [0-9]+ packets" \
	"stats -d: a tunnel line"

# roaming: B's source address changes; A follows it after an authenticated datagram
ip -n "$B" addr add 198.51.100.3/32 dev vb
ip -n "$B" route add 198.51.100.1/32 dev vb src 198.51.100.3
wait_for 30 sh -c "$(declare -f tn_state); tn_state $A tka | grep -q 198.51.100.3"
t_match "$(tn_state "$A" tka)" '"peer":"198\.51\.100\.3:' "roaming: the listener follows the peer"
t_ok "roaming: ping after the move" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 192.0.2.1

# SIGTERM: exit 0 (at once; the bound is for a sanitizer build's exit on a loaded machine);
# device, port and control socket gone
t_ends 10 "SIGTERM: exit status 0" "$PB"
t_status 1 "SIGTERM: device removed" ip -n "$B" link show tkb
t_ok "SIGTERM: control socket removed" test ! -e /run/tunkit/$B/tkb.sock
kill -TERM "$PA"; wait "$PA"
t_is "$(ip netns exec "$A" ss -Hlun 'sport = :5000' | wc -l)" 0 "SIGTERM: port closed"

# IPv6 underlay
tn_start PA "$A" tunnel --listen '[2001:db8:1::1]:5001' --key "$KEY" --dev tka \
	--addr 192.0.2.1/24 --addr 2001:db8:2::1/64
tn_start PB "$B" tunnel --connect '[2001:db8:1::1]:5001' --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --addr 2001:db8:2::2/64
wait_for 30 tn_up "$B" tkb; t_is $? 0 "udp/v6: session up"
t_is "$(ip -n "$B" -j link show tkb | jq '.[0].mtu')" 1420 "udp/v6: MTU 1500 - 40 - 8 - 32"
t_ok "udp/v6: ping across" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
wait_for 30 ip netns exec "$B" ping -c 1 -W 1 2001:db8:2::1
t_ok "udp/v6: ping6 across" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 2001:db8:2::1
t_ok "udp/v6: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
t_done
