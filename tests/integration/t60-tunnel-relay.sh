#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tunnel over a bad path: a userspace UDP relay (netem does not exist
# here) drops, reorders and duplicates datagrams between the peers; pings
# and a TCP transfer still arrive intact, reordering is not taken for replay,
# duplicates are.  Then 10,000 random datagrams at the listener while a ping
# runs: none reaches the device, none is answered, memory stays flat.
#
#   A: tka 192.0.2.1 --listen 198.51.100.1:5000
#   B: tkb 192.0.2.2 --connect 127.0.0.1:6000 -> relay (in B) -> 198.51.100.1:5000
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

cat >"$KEY.relay" <<'PY'
# relay.py LOSS REORDER DUP SECONDS: forwards 127.0.0.1:6000 <-> 198.51.100.1:5000 as a NAT
# does, a socket towards the listener for each client address (each of B's workers sends from
# a port of its own).  Each datagram is dropped with LOSS, sent twice with DUP, or with REORDER
# held back behind the next one of its flow and way, for 20 ms at most (a path reorders
# within a few milliseconds, not across a handshake's retry); fixed seed; for SECONDS.
import random, select, socket, sys, time
loss, reorder, dup, secs = map(float, sys.argv[1:5])
rnd = random.Random(7)
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); front.bind(("127.0.0.1", 6000))
backs = {}  # client address -> its socket towards the listener
client_of = {}  # that socket -> the client address
held = {}  # way -> (datagram, its sender, since)
def send(to, m):
    try:
        to(m)
    except OSError:  # an earlier datagram's ICMP unreachable, reported on this send
        pass
def release(way):
    d, to, _ = held.pop(way)
    send(to, d)
end = time.time() + secs
while time.time() < end:
    r, _, _ = select.select([front] + list(client_of), [], [], 0.005 if held else 0.2)
    for way in [w for w, h in held.items() if time.time() - h[2] > 0.02]:
        release(way)
    for s in r:
        try:
            d, a = s.recvfrom(65535)
        except OSError:  # ICMP unreachable from a listener not up yet
            continue
        if s is front:
            if a not in backs:
                b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                b.connect(("198.51.100.1", 5000))
                backs[a] = b; client_of[b] = a
            way = backs[a]
            to = lambda m, b=backs[a]: b.send(m)
        else:
            way = s
            to = lambda m, c=client_of[s]: front.sendto(m, c)
        if rnd.random() < loss:
            continue
        if way not in held and rnd.random() < reorder:
            held[way] = (d, to, time.time()); continue
        send(to, d)
        if rnd.random() < dup:
            send(to, d)
        if way in held:
            release(way)
PY
ip netns exec "$B" timeout 70 /usr/bin/python3 "$KEY.relay" 0.03 0.1 0.02 60 &
RP=$!; TN_PIDS="$TN_PIDS $RP"
wait_for 30 sh -c "ip netns exec $B ss -Hlun 'sport = :6000' | grep -q 6000"
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24
wait_for 30 sh -c "ip netns exec $A ss -Hlun 'sport = :5000' | grep -q 5000"
tn_start PB "$B" tunnel --connect 127.0.0.1:6000 --key "$KEY" --dev tkb --addr 192.0.2.2/24 \
	--mtu 1400
wait_for 30 tn_up "$B" tkb; t_is $? 0 "bad path: session up through the relay"
# (each lost one waited for 3 s: the relay drops some)
read -r sent got < <(TN_PING_WAIT=3 tn_ping "$B" 192.0.2.1 100 0.02)
t_is "$(( got > 70 ))" 1 "bad path: pings get through ($got of $sent)"
t_ok "bad path: 5 MiB TCP transfer, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
st=$(tn_state "$A" tka)
t_is "$(echo "$st" | jq .auth_failures)" 0 "bad path: nothing failed authentication"
kill -TERM "$PB"; wait "$PB"
kill -TERM "$RP"; wait "$RP" 2>/dev/null
t_is "$(tn_state "$A" tka | jq '.replays_dropped > 0')" true \
	"bad path: duplicates dropped as replays"
t_is "$(echo "$st" | jq '.rx_packets > 100')" true "bad path: reordered frames were delivered"

# 10,000 random datagrams while a ping runs (B's new device without IPv6, whose router
# solicitations would cross the tunnel too)
ip netns exec "$B" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb && wait_for 30 tn_up "$A" tka
t_is $? 0 "random flood: session up"
ip netns exec "$B" ping -c 1 -W 3 192.0.2.1 >/dev/null # the path warm, as in service
# the bad path's TCP connection may still be closing (A in LAST-ACK resends its FIN, B's
# kernel answers across the new tunnel): wait until no socket sends on its own any more
tcp_quiet() {
	for ns in "$A" "$B"; do
		[ -z "$(ip netns exec "$ns" ss -Htan exclude listening exclude time-wait)" ] || return 1
	done
}
wait_for 120 tcp_quiet || ip netns exec "$A" ss -tan | sed 's/^/# /'
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$PA/status"; }
rss0=$(rss)
rx0=$(ip -n "$A" -j -s link show tka | jq '.[0].stats64.rx.packets')
tx0=$(tn_state "$B" tkb | jq .tx_packets)
BAD='.auth_failures + .replays_dropped + .wrong_worker + .oversize_dropped'
bad0=$(tn_state "$A" tka | jq "$BAD")
# what A's kernel dropped (a busy machine: the flood fills the socket buffer), from now on
kin0a=$(tn_udp_drops "$A") kin0b=$(tn_udp_drops "$B")
kdrops() { echo $(( $(tn_udp_drops "$A") - kin0a )); }
tn_ping "$B" 192.0.2.1 30 0.1 >"$T_OUT" &
PP=$!
read -r sent answers < <(ip netns exec "$B" /usr/bin/python3 -c '
import os, random, socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setblocking(False)
r = random.Random(3); sent = 0
for i in range(10000):
    if i % 50 == 49: time.sleep(0.01)  # about 5,000 a second, as long as the ping runs
    n = r.randrange(1, 1400)
    b = bytearray(os.urandom(n))
    if n >= 32 and i % 2: b[0] = r.randrange(1, 4); b[1:4] = b"\0\0\0"  # past the parser
    try: s.sendto(bytes(b), ("198.51.100.1", 5000)); sent += 1
    except BlockingIOError: pass
s.setblocking(True); s.settimeout(1.0); n = 0
try:
    while True: s.recv(2000); n += 1
except OSError: pass
print(sent, n)')
wait "$PP"
# the tunnel loses none of the pings; the kernel may have dropped some on a busy machine
# (the flood fills A's socket buffer)
read -r _ got <"$T_OUT"
t_is "$(( got == 30 || 30 - got <= $(kdrops) + $(tn_udp_drops "$B") - kin0b ))" 1 \
	"random flood: every ping answered, or lost only where the kernel dropped ($got of 30)" ||
	{ tn_state "$B" tkb; tn_state "$A" tka; ip -n "$B" -s link show tkb; ip -n "$A" -s link show tka; } |
	sed 's/^/# /'
t_is "$answers" 0 "random flood: 0 answers"
# every datagram that reached A's port (the flood and B's tunnel's) was dropped by the kernel
# before the tunnel could read it, refused and counted by the tunnel, or delivered to the
# device; A reads them all in time
rx() { echo $(( $(ip -n "$A" -j -s link show tka | jq '.[0].stats64.rx.packets') - rx0 )); }
tx() { echo $(( $(tn_state "$B" tkb | jq .tx_packets) - tx0 )); }
bad() { echo $(( $(tn_state "$A" tka | jq "$BAD") - bad0 )); }
flood_counted() { [ $(( $(bad) + $(kdrops) + $(rx) )) = $(( sent + $(tx) )) ]; }
wait_for 30 flood_counted
t_is $? 0 "random flood: all $sent counted ($(bad) by the tunnel, $(kdrops) by the kernel, $(rx) of $(tx) delivered)"
# what reached A's device is what B's tunnel sent (the pings, and any late packet of B's
# kernel), less what the kernel dropped; nothing of the flood
t_is "$(( $(rx) <= $(tx) && $(tx) - $(rx) <= $(kdrops) ))" 1 \
	"random flood: only what the peer's tunnel sent reached the device"
t_is "$(( $(rss) - rss0 < 1024 ))" 1 "random flood: memory flat ($rss0 -> $(rss) KiB)"
t_done
