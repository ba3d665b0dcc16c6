#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Throughput of `tunkit tunnel` (UDP and TCP underlay, tun; batched with UDP
# GSO/GRO, and with --no-offload) next to the raw
# veth it runs over, with iperf3, in two namespaces made and removed here.
# A benchmark, not a test: it prints Gbit/s and TCP retransmits, and the
# tunnel's share of the raw link, from one run.
#
#   A 198.51.100.1 ===veth=== 198.51.100.2 B     tunnel 192.0.2.1 <-> 192.0.2.2
#
# Usage: bench/tunnel-iperf3.sh [TUNKIT] [SECONDS]   (root)
set -u
# default: the build tree beside this script, else tunkit on PATH
TK=${1:-$(dirname "$0")/../build/tunkit}
[ -x "$TK" ] || TK=$(command -v tunkit) || { echo "bench: no tunkit binary; pass its path" >&2; exit 2; }
TK=$(readlink -f "$TK")
SECS=${2:-3}
A=bench-a-$$ B=bench-b-$$
KEY=$(mktemp /tmp/tk-bench-key.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -f "$KEY"
}
trap cleanup EXIT
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add va type veth peer name vb netns "$B"
ip -n "$A" addr add 198.51.100.1/24 dev va
ip -n "$B" addr add 198.51.100.2/24 dev vb
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" link set va up
ip -n "$B" link set vb up
"$TK" genkey "$KEY"

run() { # label address
	ip netns exec "$A" iperf3 -s -D -1 >/dev/null
	for i in $(seq 20); do
		ip netns exec "$A" ss -Hltn 'sport = :5201' | grep -q LISTEN && break
		sleep 0.05
	done
	ip netns exec "$B" iperf3 -c "$2" -t "$SECS" -J |
		jq -r --arg l "$1" '"\($l) \(.end.sum_received.bits_per_second / 1e9) \(.end.sum_sent.retransmits)"'
}

raw=$(run raw 198.51.100.1)
echo "link Gbit/s retransmits ratio"
echo "$raw 1.00"
rawbps=$(echo "$raw" | cut -d' ' -f2)
for mode in udp tcp udp-no-offload tcp-no-offload; do
	tr=${mode%%-*}
	off=; [ "$mode" = "$tr" ] || off=--no-offload
	ip netns exec "$A" "$TK" -q tunnel -t $tr --listen 198.51.100.1:5000 --key "$KEY" \
		--addr 192.0.2.1/24 --dev tka $off &
	pa=$!
	ip netns exec "$B" "$TK" -q tunnel -t $tr --connect 198.51.100.1:5000 --key "$KEY" \
		--addr 192.0.2.2/24 --dev tkb $off &
	pb=$!
	PIDS="$pa $pb"
	for i in $(seq 100); do ip netns exec "$B" ping -c 1 -W 1 192.0.2.1 >/dev/null && break; done
	r=$(run "tunnel-$mode" 192.0.2.1)
	echo "$r $(echo "$r" | awk -v raw="$rawbps" '{ printf "%.3f", $2 / raw }')"
	kill -TERM $pa $pb
	wait $pa $pb
	PIDS=
done
