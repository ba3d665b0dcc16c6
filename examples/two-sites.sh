#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two sites, one LAN: at each site a bridge holds a LAN host (a veth to a
# host namespace) and a tap; a tap tunnel joins the two taps, so an ARP
# request from host A is answered by host B and ping crosses.  Everything
# lives in namespaces this script makes, and is removed at exit.
#
#  hostA (192.0.2.10)                                      hostB (192.0.2.20)
#     | veth                                                     | veth
#  [br0 + tap] siteA 198.51.100.1 ==== UDP ==== 198.51.100.2 siteB [br0 + tap]
#
# Usage: examples/two-sites.sh [TUNKIT]   (root; default tunkit from PATH)
set -eu
TUNKIT=${1:-tunkit}
S=$$
SA=siteA-$S SB=siteB-$S HA=hostA-$S HB=hostB-$S
KEY=$(mktemp /tmp/tk-example-key.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $SA $SB $HA $HB; do ip netns del "$n" 2>/dev/null || true; done
	rm -f "$KEY" "$KEY.dump"
}
trap cleanup EXIT

for n in $SA $SB $HA $HB; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n "$SA" link add wan type veth peer name wan netns "$SB"
ip -n "$SA" addr add 198.51.100.1/24 dev wan
ip -n "$SB" addr add 198.51.100.2/24 dev wan
for s in $SA $SB; do
	ip -n "$s" link set wan up
	ip -n "$s" link add br0 type bridge
	ip -n "$s" link set br0 up
done
ip -n "$SA" link add lan type veth peer name eth0 netns "$HA"
ip -n "$SB" link add lan type veth peer name eth0 netns "$HB"
for s in $SA $SB; do ip -n "$s" link set lan master br0 up; done
ip -n "$HA" addr add 192.0.2.10/24 dev eth0
ip -n "$HB" addr add 192.0.2.20/24 dev eth0
# the LAN's MTU must fit through the tunnel (1500 - 20 IP - 8 UDP - 32 tunkit - 14 Ethernet
# = 1426); a bridge drops frames too big for a port: 1400 on every port and host
for n in $HA $HB; do ip -n "$n" link set eth0 mtu 1400 up; done
for s in $SA $SB; do ip -n "$s" link set lan mtu 1400; done
"$TUNKIT" genkey "$KEY"

ip netns exec "$SA" "$TUNKIT" tunnel --mode tap --bridge br0 --dev tap0 \
	--listen 198.51.100.1:5000 --key "$KEY" --mtu 1400 &
PIDS="$PIDS $!"
ip netns exec "$SB" "$TUNKIT" tunnel --mode tap --bridge br0 --dev tap0 \
	--connect 198.51.100.1:5000 --key "$KEY" --keepalive 10 --mtu 1400 &
PIDS="$PIDS $!"

# wait for the session (the control socket says when), 30 s at most
end=$((SECONDS + 30))
until ip netns exec "$SB" "$TUNKIT" -j show tap0 2>/dev/null | grep -q '"session_up": *true' ||
	[ $SECONDS -ge $end ]; do
	sleep 0.1
done
echo "site A's devices, with the tunnel behind tap0:"
ip netns exec "$SA" "$TUNKIT" show
echo
echo "host A pings host B; site A's tap sees the ARP request go out and B's answer come in:"
ip netns exec "$SA" "$TUNKIT" dump -c 2 tap0 arp 2>"$KEY.dump" &
DUMP=$!
# dump says on standard error when it listens
end=$((SECONDS + 30))
until grep -q listening "$KEY.dump" || [ $SECONDS -ge $end ]; do sleep 0.1; done
ip netns exec "$HA" ping -c 3 -i 0.2 -W 2 192.0.2.20
wait "$DUMP" || true
echo
echo "host A's neighbour table (the ARP answer came from site B):"
ip -n "$HA" neigh show 192.0.2.20
echo
echo "tunkit doctor at site B:"
ip netns exec "$SB" "$TUNKIT" doctor || true
