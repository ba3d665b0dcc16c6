#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/dump.sh [TUNKIT] [SECS]: a sender pushes small UDP packets through a
# veth between two private namespaces; on the receiving side tunkit dump and
# tcpdump capture in turn, each writing pcap to /dev/null (-w) and decoding
# to /dev/null (text), at a few sending rates.  Prints packets captured per
# second and kernel drops, and tunkit/tcpdump ratios.  Not a test.
set -eu
TUNKIT=$(readlink -f "${1:-build/tunkit}")
SECS=${2:-4}
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
command -v tcpdump >/dev/null || { echo "bench: tcpdump missing" >&2; exit 2; }
A=tkdA-$$ B=tkdB-$$
cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; }
trap cleanup EXIT
ip netns add $A && ip netns add $B
ip link add va netns $A type veth peer name vb netns $B
ip -n $A addr add 198.51.100.1/24 dev va && ip -n $A link set va up
ip -n $B addr add 198.51.100.2/24 dev vb && ip -n $B link set vb up
ip -n $A link set lo up && ip -n $B link set lo up

# send RATE (packets/s, 0 = as fast as it goes) for SECS seconds, 18-byte payloads
send() {
	ip netns exec $A /usr/bin/python3 - "$1" "$SECS" <<'PY'
import socket, sys, time
rate, secs = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + secs; n = 0; t0 = time.time()
while time.time() < end:
    for _ in range(100):
        s.sendto(b"tunkit-bench-00000", ("198.51.100.2", 9))
    n += 100
    if rate:
        ahead = n / rate - (time.time() - t0)
        if ahead > 0: time.sleep(ahead)
PY
}

# run NAME CMD...: capture in B while sending; prints "NAME pps drops"
run() {
	local name=$1 rate=$2; shift 2
	local log; log=$(mktemp)
	ip netns exec $B "$@" >/dev/null 2>"$log" & local pid=$!
	sleep 1
	send "$rate"
	sleep 0.5
	kill -INT $pid; wait $pid 2>/dev/null || true
	local got drop
	case $name in
	tunkit*) got=$(sed -n 's/.*: \([0-9]*\) packets captured, \([0-9]*\) dropped.*/\1 \2/p' "$log");;
	tcpdump*) got="$(sed -n 's/^\([0-9]*\) packets captured/\1/p' "$log") $(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$log")";;
	esac
	rm -f "$log"
	set -- $got
	echo "$name $rate $(awk -v n="${1:-0}" -v s="$SECS" 'BEGIN{printf "%.0f", n/s}') ${2:-NA}"
}

printf "%-16s %10s %12s %10s\n" capture "rate/s" "captured/s" drops
for rate in 20000 100000 0; do
	for mode in w text; do
		if [ $mode = w ]; then
			run tunkit-w $rate "$TUNKIT" dump -w /dev/null vb udp
			run tcpdump-w $rate tcpdump -i vb -n -w /dev/null udp
		else
			run tunkit-text $rate sh -c "exec $TUNKIT dump vb udp >/dev/null"
			run tcpdump-text $rate sh -c "exec tcpdump -i vb -n -l udp >/dev/null"
		fi
	done
done | awk '{ printf "%-16s %10s %12s %10s\n", $1, ($2 ? $2 : "max"), $3, $4 }'
