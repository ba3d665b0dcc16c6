#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Super-packets through the device: 200 MB through every mode (tun and tap, UDP and TCP,
# offloads on and --no-offload) arrives with the sender's sha256; the control socket says
# which path ran (vnet_hdr, segmented, coalesced); mixed traffic (UDP of every size,
# IP fragments, ping, IPv6, a tap broadcast) arrives intact; a device that outlives the
# tunnel gets its own flags back.
#
#   A: tka 192.0.2.1 2001:db8:2::1 --listen   B: tkb 192.0.2.2 2001:db8:2::2 --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup
MB=${TK_OFFLOAD_MB:-200}

# big ADDR: MB megabytes of a seeded stream from B to A over TCP; both sides hash
big() {
	local addr=$1 out
	out=$(mktemp)
	ip netns exec "$A" timeout 60 /usr/bin/python3 -c '
import hashlib, socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((a, 7001)); s.listen(1)
c, _ = s.accept(); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 20)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())' "$addr" >"$out" &
	local spid=$!
	wait_for 30 sh -c "ip netns exec $A ss -Hltn 'sport = :7001' | grep -q LISTEN"
	local want
	want=$(ip netns exec "$B" timeout 60 /usr/bin/python3 -c '
import hashlib, random, socket, sys
a, mb = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((a, 7001), timeout=30)
r = random.Random(mb); h = hashlib.sha256(); n = 0
for i in range(mb * 4):
    b = r.randbytes(1 << 18)
    s.sendall(b); h.update(b); n += len(b)
s.close()
print(n, h.hexdigest())' "$addr" "$MB")
	wait $spid
	local got; got=$(cat "$out"); rm -f "$out"
	[ -n "$want" ] && [ "$got" = "$want" ] || { echo "# sent $want, got $got"; return 1; }
}

# pair MODE TRANSPORT [--no-offload]: a tunnel between A and B
pair() {
	local mode=$1 tr=$2; shift 2
	tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --mode "$mode" \
		-t "$tr" --addr 192.0.2.1/24 --addr 2001:db8:2::1/64 "$@"
	tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --mode "$mode" \
		-t "$tr" --addr 192.0.2.2/24 --addr 2001:db8:2::2/64 "$@"
	wait_for 30 tn_up "$B" tkb
}

unpair() {
	kill -TERM "$PA" "$PB" 2>/dev/null
	wait "$PA" "$PB" 2>/dev/null
	TN_PIDS=
}

for mode in tun tap; do
	for tr in udp tcp; do
		for off in "" --no-offload; do
			what="$mode/$tr${off:+/no-offload}"
			pair "$mode" "$tr" $off; t_is $? 0 "$what: session up"
			t_ok "$what: $MB MB arrive with the sender's sha256" big 192.0.2.1
			sa=$(tn_state "$A" tka) sb=$(tn_state "$B" tkb)
			if [ -z "$off" ]; then
				t_is "$(echo "$sb" | jq -c '.offload | [.vnet_hdr, .tso, .segmented > 100]')" \
					'[true,true,true]' "$what: the sender cuts super-packets"
				t_is "$(echo "$sa" | jq -c '.offload | [.vnet_hdr, .coalesced > 1000]')" \
					'[true,true]' "$what: the receiver glues segments"
			else
				t_is "$(echo "$sb" | jq -c '.offload | [.vnet_hdr, .tso, .segmented, .coalesced]')" \
					'[false,false,0,0]' "$what: no virtio-net headers"
			fi
			t_is "$(echo "$sa $sb" | jq -s 'map(.auth_failures + .oversize_dropped) | add')" 0 \
				"$what: nothing refused"
			unpair
		done
	done
done

# peers that differ: the wire carries whole packets either way
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --addr 192.0.2.2/24 \
	--no-offload
wait_for 30 tn_up "$B" tkb
t_ok "offloads on one side only: $MB MB arrive with the sender's sha256" big 192.0.2.1
t_ok "offloads on one side only: and back" tn_transfer "$B" 192.0.2.2 "$A"
unpair

# mixed traffic over tap with offloads: every UDP size (fragments past the MTU), ping of
# fragmenting sizes, IPv6, and a broadcast that crosses as Ethernet broadcast
pair tap udp
t_ok "mixed: ping, 3 sizes up to fragments" sh -c \
	"ip netns exec $B ping -c 2 -i 0.2 -W 2 192.0.2.1 &&
	 ip netns exec $B ping -c 2 -i 0.2 -W 2 -s 1400 192.0.2.1 &&
	 ip netns exec $B ping -c 2 -i 0.2 -W 2 -s 5000 192.0.2.1"
t_ok "mixed: ping over IPv6 in the tunnel, fragmenting" \
	ip netns exec "$B" ping -6 -c 2 -i 0.2 -W 2 -s 3000 2001:db8:2::1
t_ok "mixed: IPv6 TCP transfer" tn_transfer "$A" 2001:db8:2::1 "$B"
# ADDR: 42 datagrams of many sizes, each checked by hash on arrival.  The receiver waits for
# all of them, not for an end marker: fragments of a large datagram hash to another queue
# (another worker) than whole ones, and may arrive after a later small datagram.
udp_mix() {
	local out; out=$(mktemp)
	ip netns exec "$A" timeout 30 /usr/bin/python3 -c '
import hashlib, socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("" if a.endswith(".255") else a, 7002)); s.settimeout(20)
got = set()
try:
    while len(got) < 42:
        got.add(hashlib.sha256(s.recv(65535)).hexdigest())
except socket.timeout: pass
print(len(got), hashlib.sha256("".join(sorted(got)).encode()).hexdigest())' "$1" >"$out" &
	local spid=$!
	wait_for 30 sh -c "ip netns exec $A ss -Hlun 'sport = :7002' | grep -q 7002"
	local want
	want=$(ip netns exec "$B" timeout 20 /usr/bin/python3 -c '
import hashlib, random, socket, sys, time
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
r = random.Random(7); sent = set()
for size in [1, 2, 27, 100, 512, 1371, 1372, 1373, 1400, 1500, 3000, 9000, 30000, 65000]:
    for k in range(3):
        b = r.randbytes(size)
        s.sendto(b, (a, 7002)); sent.add(hashlib.sha256(b).hexdigest())
        time.sleep(0.002)
print(len(sent), hashlib.sha256("".join(sorted(sent)).encode()).hexdigest())' "$1")
	wait $spid
	local got; got=$(cat "$out"); rm -f "$out"
	[ -n "$want" ] && [ "$got" = "$want" ] || { echo "# sent $want, got $got"; return 1; }
}
t_ok "mixed: UDP 1 B to 65000 B over IPv4, every datagram intact" udp_mix 192.0.2.1
t_ok "mixed: UDP 1 B to 65000 B over IPv6, every datagram intact" udp_mix 2001:db8:2::1
t_ok "mixed: UDP to the broadcast address crosses the tap tunnel" udp_mix 192.0.2.255
unpair

# a device that outlives the tunnel: its flags as before, no offloads left behind
ip netns exec "$B" "$TUNKIT" create tkp --mode tap --pi >/dev/null
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkp --mode tap
wait_for 30 sh -c "ip netns exec $B $TUNKIT -j show tkp | jq -en 'input | .[0].tunnel != null' >/dev/null"
t_is "$(tn_state "$B" tkp | jq .offload.vnet_hdr)" true "existing device: attached with vnet_hdr"
kill -TERM "$PB"; wait "$PB"; TN_PIDS=
t_is "$(ip -n "$B" -j -d link show tkp | jq -c '.[0].linkinfo.info_data | [.pi, .vnet_hdr, .persist]')" \
	'[true,false,true]' "existing device: pi on, vnet_hdr off again after the tunnel"
ip netns exec "$B" "$TUNKIT" create tkq --mode tun --vnet-hdr >/dev/null
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkq --no-offload
wait_for 30 sh -c "ip netns exec $B $TUNKIT -j show tkq | jq -en 'input | .[0].tunnel != null' >/dev/null"
t_is "$(ip -n "$B" -j -d link show tkq | jq -c '.[0].linkinfo.info_data.vnet_hdr')" false \
	"existing device, --no-offload: attached without vnet_hdr"
kill -TERM "$PB"; wait "$PB"; TN_PIDS=
t_is "$(ip -n "$B" -j -d link show tkq | jq -c '.[0].linkinfo.info_data | [.pi, .vnet_hdr]')" \
	'[false,true]' "existing device, --no-offload: vnet_hdr on again after the tunnel"
t_done
