#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Point to point: two namespaces joined by a wire, a tun tunnel over UDP
# between them, and a ping across it.  Removed again at exit.
#
#   left  198.51.100.1 ==== UDP 5000 ==== 198.51.100.2  right
#   tun0  192.0.2.1                              192.0.2.2  tun0
#
# Usage: examples/point-to-point.sh [TUNKIT]   (root; default tunkit from PATH)
set -eu
TUNKIT=${1:-tunkit}
L=left-$$ R=right-$$
KEY=$(mktemp /tmp/tk-example-key.XXXXXX)
PIDS=

cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$L" 2>/dev/null || true
	ip netns del "$R" 2>/dev/null || true
	rm -f "$KEY"
}
trap cleanup EXIT

ip netns add "$L"
ip netns add "$R"
ip -n "$L" link add wire type veth peer name wire netns "$R"
ip -n "$L" addr add 198.51.100.1/24 dev wire
ip -n "$R" addr add 198.51.100.2/24 dev wire
ip -n "$L" link set wire up
ip -n "$R" link set wire up
"$TUNKIT" genkey "$KEY"

ip netns exec "$L" "$TUNKIT" tunnel --listen 5000 --key "$KEY" --dev tun0 --addr 192.0.2.1/24 &
PIDS="$PIDS $!"
ip netns exec "$R" "$TUNKIT" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tun0 \
	--addr 192.0.2.2/24 --keepalive 25 &
PIDS="$PIDS $!"

# the first answer, within 30 s (the tunnels start in the background)
end=$((SECONDS + 30))
until ip netns exec "$R" ping -c 1 -W 1 192.0.2.1 >/dev/null 2>&1 || [ $SECONDS -ge $end ]; do
	sleep 0.1
done
ip netns exec "$R" ping -c 3 -i 0.2 192.0.2.1
echo "the left side's device and tunnel:"
ip netns exec "$L" "$TUNKIT" show tun0
