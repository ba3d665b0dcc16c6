#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hub: one server, three clients, each with a key pair of its own.  The server knows
# each client by its public key and the addresses it may use; the clients reach each other
# through it, and the world behind it through its NAT.  Then one client is removed at
# runtime: its session ends at once and its key no longer works.  Namespaces are made here
# and removed at exit.
#
#            client1 198.51.100.11 --+
#            client2 198.51.100.12 --+-- switch -- 198.51.100.1 server 203.0.113.1 -- 203.0.113.2 far
#            client3 198.51.100.13 --+            (UDP 7000)
#   tunnel:  192.0.2.11, .12, .13 /24            hub0 192.0.2.1/24 --nat
#
# Usage: examples/hub.sh [TUNKIT]   (root; default tunkit from PATH)
set -eu
TUNKIT=${1:-tunkit}
S=$$
SV=server-$S F=far-$S
CL="client1-$S client2-$S client3-$S"
D=$(mktemp -d /tmp/tk-example-hub.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in $SV $F $CL; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$D"
}
trap cleanup EXIT

# the underlay: a switch (a bridge) in the server's namespace, the world behind it
for n in $SV $F $CL; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n "$SV" link add switch type bridge
ip -n "$SV" addr add 198.51.100.1/24 dev switch
ip -n "$SV" link set switch up
ip -n "$SV" link add uplink type veth peer name eth0 netns "$F"
ip -n "$SV" addr add 203.0.113.1/24 dev uplink
ip -n "$F" addr add 203.0.113.2/24 dev eth0
ip -n "$SV" link set uplink up
ip -n "$F" link set eth0 up
i=11
for c in $CL; do
	ip -n "$c" link add eth0 type veth peer name "p$i" netns "$SV"
	ip -n "$SV" link set "p$i" master switch up
	ip -n "$c" addr add "198.51.100.$i/24" dev eth0
	ip -n "$c" link set eth0 up
	i=$((i + 1))
done

# a key pair each; the server names the clients by their public keys
(umask 077 && for k in server client1 client2 client3; do "$TUNKIT" genkey "$D/$k.key"; done)
for k in server client1 client2 client3; do "$TUNKIT" pubkey "$D/$k.key" >"$D/$k.pub"; done
cat >"$D/hub.conf" <<CONF
listen = 7000
private-key = $D/server.key
dev = hub0
addr = 192.0.2.1/24
nat = yes
peer = $(cat "$D/client1.pub")
peer-name = client1
allowed-ips = 192.0.2.11/32
peer = $(cat "$D/client2.pub")
peer-name = client2
allowed-ips = 192.0.2.12/32
peer = $(cat "$D/client3.pub")
peer-name = client3
allowed-ips = 192.0.2.13/32
CONF
echo "the server's configuration:"
sed "s|$D|/etc/tunkit|" "$D/hub.conf"
ip netns exec "$SV" "$TUNKIT" tunnel --config "$D/hub.conf" &
PIDS="$PIDS $!"
i=11
for c in $CL; do
	k=client$((i - 10))
	ip netns exec "$c" "$TUNKIT" tunnel --connect 198.51.100.1:7000 --dev tk0 \
		--private-key "$D/$k.key" --peer "$(cat "$D/server.pub")" \
		--addr "192.0.2.$i/24" --route 203.0.113.0/24 &
	PIDS="$PIDS $!"
	i=$((i + 1))
done

# ping_from NS ADDR: the first answer within 30 s (the tunnels start in the background)
ping_from() {
	local end=$((SECONDS + 30))
	until ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 || [ $SECONDS -ge $end ]; do
		sleep 0.1
	done
	ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$2" | grep 'packets transmitted'
}
set -- $CL
echo
echo "client1 -> client2, client2 -> client3, client3 -> client1, through the hub:"
ping_from "$1" 192.0.2.12
ping_from "$2" 192.0.2.13
ping_from "$3" 192.0.2.11
echo "each client -> the far host behind the server's NAT:"
for c in $CL; do ping_from "$c" 203.0.113.2; done
echo
echo "the hub's peers:"
ip netns exec "$SV" "$TUNKIT" peer list hub0
echo
echo "client3 removed at runtime:"
ip netns exec "$SV" "$TUNKIT" peer remove hub0 client3
if ip netns exec "$3" ping -c 2 -i 0.2 -W 1 192.0.2.1 >/dev/null 2>&1; then
	echo "client3 still gets through (unexpected)"
else
	echo "client3 no longer gets through"
fi
ping_from "$1" 192.0.2.12
ip netns exec "$SV" "$TUNKIT" peer list hub0
