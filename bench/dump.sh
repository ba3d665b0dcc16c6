#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/dump.sh [TUNKIT] [SECS]: a sender pushes small UDP packets through a
# veth between two private namespaces; on the receiving side tunkit dump and
# tcpdump capture in turn, each writing pcap to /dev/null (-w) and decoding
# to /dev/null (text), at a few sending rates.  Prints packets captured per
# second and kernel drops, and tunkit/tcpdump ratios.  Then decoding alone,
# where no sender limits it: one pcap file of DECODE_N (200,000) packets read
# with -r by both to /dev/null, median of 3.  Not a test.
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
done | awk '{ printf "%-16s %10s %12s %10s\n", $1, ($2 ? $2 : "max"), $3, $4
	pps[$1 " " $2] = $3; drop[$1 " " $2] = $4
	if ($1 ~ /^tcpdump/) {
		t = "tunkit" substr($1, 8)
		r[++n] = sprintf("%-16s %10s %12.2f %10s", substr($1, 9), ($2 ? $2 : "max"),
			$3 ? pps[t " " $2] / $3 : 0, drop[t " " $2] " vs " $4)
	} }
	END { printf "\ntunkit/tcpdump   %10s %12s %10s\n", "rate/s", "captured", "drops"
	      for (i = 1; i <= n; i++) print r[i] }'

# Decoding alone, without a sender's limit: the same pcap file of $DECODE_N UDP packets read
# with -r by both, output to /dev/null; median of 3 runs each.
DECODE_N=${DECODE_N:-200000}
pcap=$(mktemp /tmp/tk-bench-XXXXXX.pcap)
/usr/bin/python3 - "$pcap" "$DECODE_N" <<'PY'
import struct, sys
n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        pay = b"tunkit-bench-%05d" % (i % 100000)
        udp = struct.pack(">HHHH", 40000 + i % 1000, 9, 8 + len(pay), 0) + pay
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0x4000, 64, 17, 0,
                         bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2])) + udp
        fr = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip
        f.write(struct.pack("<IIII", 1700000000 + i // 100000, i % 100000 * 10, len(fr), len(fr)) + fr)
PY
secs() { # median wall seconds of 3 runs of CMD
	local TIMEFORMAT=%R i
	for i in 1 2 3; do { time "$@" >/dev/null 2>&1; } 2>&1; done | sort -n | sed -n 2p
}
tk=$(secs "$TUNKIT" dump -r "$pcap") tj=$(secs "$TUNKIT" -j dump -r "$pcap")
td=$(secs tcpdump -n -r "$pcap")
rm -f "$pcap"
printf "\ndecode -r, %d packets: tunkit %.2f s, tunkit -j %.2f s, tcpdump -n %.2f s; " \
	"$DECODE_N" "$tk" "$tj" "$td"
awk -v a="$tk" -v b="$td" 'BEGIN { printf "tunkit is %.2fx tcpdump'"'"'s speed\n", b / a }'
