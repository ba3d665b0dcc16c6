#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What does not authenticate gets nowhere: a wrong key makes no session and
# delivers nothing; random datagrams at the port reach the device 0 times
# and get 0 answers; captured datagrams replayed are 0 delivered; a key
# file readable by others is refused before anything is made.
#
#   A: tka (192.0.2.1) --listen :5000    B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2   (tcpdump on va, python at B)
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

rx_of() { ip -n "$1" -j -s link show "$2" | jq '.[0].stats64.rx.packets'; }
# count NS DEV JQ: a number from the state of DEV's tunnel; reached NS DEV JQ N: at least N,
# so the tunnel has read everything sent to it (the frames it refused, by any reason: BAD)
BAD='.auth_failures + .replays_dropped + .wrong_worker + .oversize_dropped'
count() { tn_state "$1" "$2" | jq "$3"; }
reached() { [ "$(count "$1" "$2" "$3")" -ge "$4" ]; }

# a key file others can read: refused, nothing made
cp "$KEY" "$KEY.open"; chmod 644 "$KEY.open"
snap=$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")
t_status 1 "key readable by others: refused" ip netns exec "$A" "$TUNKIT" tunnel \
	--listen 5000 --key "$KEY.open" --dev tka --addr 192.0.2.1/24
t_match "$(t_stderr)" "^tunkit: tunnel: $KEY.open: readable by group or others" \
	"key readable by others: says so"
t_is "$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")" "$snap" \
	"key readable by others: nothing changed"
t_status 2 "no --key: usage error" "$TUNKIT" tunnel --listen 5000

# the devices' counters must move only by what the test sends: no IPv6 on the tunnel
# devices, whose router solicitations and MLD reports would cross at their own times
for n in "$A" "$B"; do ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done

# wrong key
(umask 077 && "$TUNKIT" genkey "$KEY.other")
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY.other" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 test -S "/run/tunkit/$B/tkb.sock"
t_status 1 "wrong key: ping fails" ip netns exec "$B" ping -c 3 -i 0.3 -W 1 192.0.2.1
t_is "$(tn_state "$B" tkb | jq .session_up)" false "wrong key: no session"
t_is "$(tn_state "$A" tka | jq '.auth_failures > 0')" true "wrong key: counted as auth failures"
t_is "$(rx_of "$A" tka)" 0 "wrong key: nothing delivered to A's device"
kill -TERM "$PB"; wait "$PB"

# random datagrams: no answer, nothing delivered
before=$(rx_of "$A" tka)
bad0=$(count "$A" tka "$BAD")
kd0=$(tn_udp_drops "$A")
answers=$(ip netns exec "$B" /usr/bin/python3 -c '
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
for i in range(300):
    s.sendto(os.urandom(1 + i * 5 % 1400), ("198.51.100.1", 5000))
n = 0
try:
    while True: s.recv(2000); n += 1
except OSError: pass
print(n)')
# each is refused and counted by the tunnel, or (a busy machine) was dropped by the kernel
# before the tunnel could read it
counted() { echo $(( $(count "$A" tka "$BAD") - bad0 + $(tn_udp_drops "$A") - kd0 )); }
all_counted() { [ "$(counted)" = 300 ]; }
wait_for 30 all_counted
t_is "$answers" 0 "random datagrams: 0 answers"
t_is "$(rx_of "$A" tka)" "$before" "random datagrams: 0 reach the device"
t_is "$(counted)" 300 "random datagrams: all counted ($(( $(tn_udp_drops "$A") - kd0 )) by the kernel)"

# replay: capture the real peer's datagrams, send them again from elsewhere
ip netns exec "$A" tcpdump -i va -U -w "$KEY.pcap" udp dst port 5000 2>/dev/null &
TD=$!; TN_PIDS="$TN_PIDS $TD"
wait_for 30 test -s "$KEY.pcap"
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb
t_ok "replay: the real peer pings" ip netns exec "$B" ping -c 5 -i 0.2 -W 2 192.0.2.1
# the capture holds the handshake and data frames before it ends (GSO may glue frames into
# one captured datagram, so not one line per ping)
wait_for 30 sh -c "[ \$(tcpdump -r $KEY.pcap 2>/dev/null | wc -l) -ge 3 ]"
kill -INT "$TD"; wait "$TD"
before=$(rx_of "$A" tka)
st0=$(tn_state "$A" tka)
peer=$(echo "$st0" | jq -r .peer)
# replay.py PCAP [MODE]: sends every captured datagram again from B; MODE flip changes one
# random bit of each, reflect sends them to B's own port (as if A had sent them)
cat >"$KEY.py" <<'PY'
import random, socket, struct, sys
d = open(sys.argv[1], "rb").read(); off = 24; n = 0
mode = sys.argv[2] if len(sys.argv) > 2 else ""
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while off + 16 <= len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    p = d[off + 16:off + 16 + incl]; off += 16 + incl
    ihl = (p[14] & 15) * 4
    sport = struct.unpack(">H", p[14 + ihl:14 + ihl + 2])[0]
    u = bytearray(p[14 + ihl + 8:])
    if mode == "flip":
        i = random.randrange(len(u) * 8); u[i // 8] ^= 1 << (i % 8)
    dst = ("198.51.100.2", sport) if mode == "reflect" else ("198.51.100.1", 5000)
    s.sendto(bytes(u), dst); n += 1
print(n)
PY
replay() { ip netns exec "$B" /usr/bin/python3 "$KEY.py" "$KEY.pcap" "$@"; }
sent=$(replay)
# each one is a replay or an initiation answered again
wait_for 30 reached "$A" tka '.replays_dropped + .handshakes_rx' \
	$(($(echo "$st0" | jq '.replays_dropped + .handshakes_rx') + sent))
st=$(tn_state "$A" tka)
t_is "$([ "$sent" -ge 3 ] && echo yes)" yes "replay: replayed $sent captured datagrams (at least 3)"
t_is "$(rx_of "$A" tka)" "$before" "replay: 0 delivered"
# the initiation in the capture authenticates again (NNpsk0 has no timestamp) and gets its
# small answer, but makes only a session that is never confirmed; everything else is a replay
t_is "$(jq -n --argjson a "$st0" --argjson b "$st" --argjson n "$sent" \
	'($b.replays_dropped - $a.replays_dropped) + ($b.handshakes_rx - $a.handshakes_rx) == $n')" \
	true "replay: every one a counted replay, or a replayed initiation"
t_is "$(echo "$st" | jq -r .peer)" "$peer" "replay: the peer's address did not move"
t_is "$(echo "$st" | jq .sessions)" "$(echo "$st0" | jq .sessions)" \
	"replay: no session changed"
t_ok "replay: the real peer still pings" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 192.0.2.1

# bit-flipped: none accepted (a flipped initiation fails too)
before=$(rx_of "$A" tka)
st0=$(tn_state "$A" tka)
sent=$(replay flip)
wait_for 30 reached "$A" tka "$BAD" $(($(echo "$st0" | jq "$BAD") + sent))
t_is $? 0 "bit-flipped: every one refused and counted"
st=$(tn_state "$A" tka)
t_is "$(rx_of "$A" tka)" "$before" "bit-flipped: 0 delivered"
t_is "$(jq -n --argjson a "$st0" --argjson b "$st" \
	'$b.handshakes_rx == $a.handshakes_rx and $b.sessions == $a.sessions')" true \
	"bit-flipped: no initiation answered, no session changed"

# reflected: A's own frames sent back to B do not open (keys are per direction)
rxb=$(rx_of "$B" tkb)
stb=$(tn_state "$B" tkb)
sent=$(replay reflect)
wait_for 30 reached "$B" tkb "$BAD" $(($(echo "$stb" | jq "$BAD") + sent))
t_is $? 0 "reflected: every one refused and counted"
t_is "$(rx_of "$B" tkb)" "$rxb" "reflected: 0 delivered"
t_is "$(tn_state "$B" tkb | jq --argjson a "$stb" '.sessions == $a.sessions')" true \
	"reflected: no session changed"

# after a restart of either side: the old frames find no session
restart_and_replay() { # VAR side ARGS...
	var=$1 side=$2; shift 2
	kill -TERM "${!var}"; wait "${!var}"
	tn_start "$var" "$@"
	wait_for 30 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
	t_is $? 0 "restart: the $side restarted, traffic resumes"
	before=$(rx_of "$A" tka)
	local n0 sent
	# every one refused, or (the captured initiation) answered with a session never confirmed
	n0=$(count "$A" tka "$BAD + .handshakes_rx")
	sent=$(replay)
	wait_for 30 reached "$A" tka "$BAD + .handshakes_rx" $((n0 + sent))
	t_is $? 0 "replay after the $side restarted: every one refused or answered, and counted"
	t_is "$(rx_of "$A" tka)" "$before" "replay after the $side restarted: 0 delivered"
}
restart_and_replay PA listener "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24
restart_and_replay PB connector "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
t_ok "restart: the real peer still pings" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 192.0.2.1
t_done
