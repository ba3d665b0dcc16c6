#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tunnel over TCP: tun over IPv4 and IPv6 underlay, tap over IPv4; ping and
# a checksummed 5 MiB transfer each; garbage on the stream drops the
# connection and the connecting side reconnects.
#
#   A: tka (192.0.2.1) --listen        B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 / 2001:db8:1::1 ===veth=== vb 198.51.100.2 / 2001:db8:1::2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

stop() {
	kill -TERM "$PA" "$PB"; wait "$PA" "$PB"
}

tn_start PA "$A" tunnel -t tcp --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24
tn_start PB "$B" tunnel -t tcp --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "tcp/v4: session up"
t_is "$(ip -n "$B" -j link show tkb | jq '.[0].mtu')" 1416 "tcp/v4: MTU 1500 - 20 - 32 - 32"
t_ok "tcp/v4: ping across" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "tcp/v4: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
t_ok "tcp/v4: ping -M do at the MTU passes" \
	ip netns exec "$B" ping -c 1 -W 2 -M do -s $((1416 - 28)) 192.0.2.1

# a stranger's second connection waits as pending; an oversized length (0xffff) or a
# well-sized frame of garbage drops it, and never pushes the peer's connection out
peer=$(tn_state "$A" tka | jq -r .peer)
stranger() { # python bytes expression
	ip netns exec "$B" /usr/bin/python3 -c '
import os, socket, sys; s = socket.create_connection(("198.51.100.1", 5000))
s.sendall(eval(sys.argv[1])); s.settimeout(2)
try: print(len(s.recv(10)))
except Exception as e: print(e)' "$1"
}
t_is "$(stranger 'b"\xff" * 4096')" 0 "tcp: an oversized frame length is disconnected"
t_is "$(stranger 'b"\x00\x48" + os.urandom(72) + b"\x00\x40" + os.urandom(64)')" 0 \
	"tcp: well-sized frames of garbage are disconnected"
t_is "$(tn_state "$A" tka | jq -r '.peer + " " + (.session_up | tostring)')" "$peer true" \
	"tcp: ... and the peer's connection stays"
t_ok "tcp: ping still crosses" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 192.0.2.1
# the connecting side killed and restarted: its new connection takes over
kill -KILL "$PB"; wait "$PB" 2>/dev/null
t_status 1 "tcp: the killed connector's device went with it" ip -n "$B" link show tkb
tn_start PB "$B" tunnel -t tcp --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
# the 5 s count from the moment it runs (a sanitizer build on a loaded machine starts slowly)
wait_for 30 tn_running "$B" tkb
wait_for 5 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
t_is $? 0 "tcp: connector SIGKILLed and restarted: traffic resumes within 5 s"
stop

tn_start PA "$A" tunnel -t tcp --listen '[2001:db8:1::1]:5001' --key "$KEY" --dev tka \
	--addr 192.0.2.1/24
tn_start PB "$B" tunnel -t tcp --connect '[2001:db8:1::1]:5001' --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "tcp/v6: session up"
t_ok "tcp/v6: ping across" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "tcp/v6: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
stop

tn_start PA "$A" tunnel -t tcp -m tap --listen 198.51.100.1:5002 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24
tn_start PB "$B" tunnel -t tcp -m tap --connect 198.51.100.1:5002 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "tcp/tap: session up"
t_ok "tcp/tap: ping across (ARP answered through the tunnel)" \
	ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "tcp/tap: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
stop

tn_start PA "$A" tunnel -m tap --listen 198.51.100.1:5003 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24
tn_start PB "$B" tunnel -m tap --connect 198.51.100.1:5003 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "udp/tap: session up"
t_is "$(ip -n "$B" -j link show tkb | jq '.[0].mtu')" 1426 "udp/tap: MTU 1440 - 14"
t_ok "udp/tap: ping across" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "udp/tap: 5 MiB transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
t_done
