#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway: a client whose firewall lets it reach only the server's underlay
# address sends all its traffic through a tunnel to the server, which
# forwards and masquerades it (--nat) toward a host the client cannot reach
# otherwise.  Namespaces are made here and removed at exit.
#
#  client 198.51.100.2 ==UDP== 198.51.100.1 server 203.0.113.1 ---- 203.0.113.2 far
#  tkc 192.0.2.2  --route 0.0.0.0/0      tks 192.0.2.1 --nat
#  nft: client may send only to 198.51.100.1 on its wire
#
# Usage: examples/gateway.sh [TUNKIT]   (root; default tunkit from PATH)
set -eu
TUNKIT=${1:-tunkit}
S=$$
C=client-$S SV=server-$S F=far-$S
KEY=$(mktemp /tmp/tk-example-key.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $C $SV $F; do ip netns del "$n" 2>/dev/null || true; done
	rm -f "$KEY"
}
trap cleanup EXIT

for n in $C $SV $F; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n "$C" link add wire type veth peer name wire netns "$SV"
ip -n "$SV" link add uplink type veth peer name eth0 netns "$F"
ip -n "$C" addr add 198.51.100.2/24 dev wire
ip -n "$SV" addr add 198.51.100.1/24 dev wire
ip -n "$SV" addr add 203.0.113.1/24 dev uplink
ip -n "$F" addr add 203.0.113.2/24 dev eth0
ip -n "$C" link set wire up
ip -n "$SV" link set wire up
ip -n "$SV" link set uplink up
ip -n "$F" link set eth0 up
ip netns exec "$C" nft -f - <<'NFT'
table inet client-fw {
	chain out {
		type filter hook output priority 0; policy accept;
		oifname "wire" ip daddr != 198.51.100.1 drop
		oifname "wire" meta nfproto ipv6 drop
	}
}
NFT
"$TUNKIT" genkey "$KEY"

ip netns exec "$SV" "$TUNKIT" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tks \
	--addr 192.0.2.1/24 --nat &
PIDS="$PIDS $!"
ip netns exec "$C" "$TUNKIT" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkc \
	--addr 192.0.2.2/24 --route 0.0.0.0/0 --keepalive 10 &
PIDS="$PIDS $!"

# the first answer, within 30 s (the tunnels start in the background)
end=$((SECONDS + 30))
until ip netns exec "$C" ping -c 1 -W 1 203.0.113.2 >/dev/null 2>&1 || [ $SECONDS -ge $end ]; do
	sleep 0.1
done
echo "client -> far host, through the tunnel and the server's NAT:"
ip netns exec "$C" ping -c 3 -i 0.2 203.0.113.2
echo "the server's NAT table:"
ip netns exec "$SV" nft list table ip tunkit-tks
