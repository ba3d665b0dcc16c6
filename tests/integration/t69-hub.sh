#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hub (version 2: a key pair each): the example of the README; a peer that sends from
# another's address is dropped and counted; a removed peer's key no longer works; SIGHUP
# keeps the sessions of the peers it did not change; `tunkit peer` at runtime and its
# errors; 200 peers up and passing traffic; a flood of valid-looking initiations from 100
# addresses while established peers ping and a new peer joins (cookies under load).
#
#   A: hub0 192.0.2.1/24 --listen 7000 (198.51.100.1)
#      |veth
#   B: 198.51.100.2 and 203.0.113.1-100 (the flood); clients cN 192.0.2.N/32, each a
#      tunkit process of its own with its own key, pinging with -I cN
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup
D=$(mktemp -d /tmp/tk-hub.XXXXXX)
trap 'tn_cleanup; rm -rf "$D"' EXIT

t_example "the example runs" 120 "$TOP_SRCDIR/examples/hub.sh" "$TUNKIT"
out=$(t_stdout)
t_is "$(echo "$out" | grep -c '2 packets transmitted, 2 received')" 7 \
	"example: clients reach each other and the far host (6 pairs), and after the removal"
t_match "$out" "client3 no longer gets through" "example: the removed client is cut off"
t_is "$(ex_left)" 0 "example: namespaces removed"

# keys: hub, c2..c5 (and n for the newcomer)
key() { [ -f "$D/$1" ] || (umask 077 && "$TUNKIT" genkey "$D/$1"); "$TUNKIT" pubkey "$D/$1"; }
H=$(key hub)
for i in 2 3 4 5; do eval "C$i=\$(key c$i)"; done
# the hub's configuration: c2, c3, c4 (c5 comes later)
conf() { # peers...: one block each, as N
	printf 'listen = 198.51.100.1:7000\nprivate-key = %s\ndev = hub0\naddr = 192.0.2.1/24\n' "$D/hub"
	for i in "$@"; do
		printf 'peer = %s\npeer-name = c%s\nallowed-ips = 192.0.2.%s/32\n' "$(key "c$i")" "$i" "$i"
	done
}
conf 2 3 4 >"$D/hub.conf"
ip netns exec "$A" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$A" "$TUNKIT" -j tunnel --config "$D/hub.conf" >"$D/hub.ev" &
PA=$!; TN_PIDS="$TN_PIDS $PA"
client() { # N: client N in B (device cN, 192.0.2.N), its pid in $PC
	tn_start PC "$B" tunnel --connect 198.51.100.1:7000 --private-key "$D/c$1" --peer "$H" \
		--dev "c$1" --addr "192.0.2.$1/32" --peer-addr 192.0.2.1 --workers 1
	eval "P$1=$PC"
}
pings() { ip netns exec "$B" ping -c "${3:-1}" -i 0.1 -W "${4:-2}" -I "c$1" "$2" >/dev/null 2>&1; }
hub() { tn_state "$A" hub0 | jq "$1"; }
peer_of() { hub ".peers[] | select(.name == \"c$1\") | $2"; }
for i in 2 3 4; do client $i; done
wait_for 30 sh -c "$(declare -f tn_state); tn_state $A hub0 | jq -e '[.peers[].session_up] | all'"
t_is $? 0 "three peers up"
t_ok "c2 reaches the hub" pings 2 192.0.2.1 3
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	t_ok "show -j of the hub matches docs/schema/device.json" sh -c "ip netns exec $A $TUNKIT -j show hub0 |
		/usr/bin/python3 -c 'import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for d in json.load(sys.stdin):
    assert d[\"tunnel\"][\"peers\"], d
    jsonschema.validate(d, schema)' $TOP_SRCDIR/docs/schema/device.json"
else
	t_skip "python3-jsonschema missing"
fi
t_is "$(jq -s '[.[] | select(.event == "peer_up")] | length >= 3' "$D/hub.ev")" true \
	"-j: peer_up events"
t_is "$(jq -s -r '[.[] | select(.event == "peer_up") | .name] | unique | join(" ")' "$D/hub.ev")" \
	"c2 c3 c4" "-j: ... naming the peers"

# c3 sends from c4's address: dropped and counted, never delivered
sp0=$(peer_of 3 .spoofed)
ip netns exec "$B" /usr/bin/python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"c3")
icmp = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"spoof"
def csum(b):
    b += b"\0" * (len(b) % 2); s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); return ~(s + (s >> 16)) & 0xffff
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                 socket.inet_aton("192.0.2.4"), socket.inet_aton("192.0.2.1"))
for i in range(5): s.sendto(ip + icmp, ("192.0.2.1", 0))'
wait_for 30 sh -c "[ \$($(declare -f tn_state); tn_state $A hub0 | jq '.peers[] | select(.name == \"c3\") | .spoofed') -ge $((sp0 + 5)) ]"
t_is $? 0 "a peer sending from another's address: each packet dropped and counted"
t_ok "... and the peer itself still passes traffic" pings 3 192.0.2.1

# runtime: c5 added, c4 removed; errors
t_ok "peer add" ip netns exec "$A" "$TUNKIT" peer add hub0 "$C5" --allowed-ips 192.0.2.5/32 \
	--name c5
wait_for 30 grep -q '"peer_added"' "$D/hub.ev"
t_is "$(jq -r 'select(.event == "peer_added") | [.public_key, .name] | join(" ")' "$D/hub.ev")" \
	"$C5 c5" "peer add: the event names the peer added"
client 5
t_ok "the added peer connects" bash -c "B=$B; $(declare -f wait_for pings); wait_for 30 pings 5 192.0.2.1"
t_ok "peer remove" ip netns exec "$A" "$TUNKIT" peer remove hub0 c4
t_status 1 "the removed peer no longer passes traffic" pings 4 192.0.2.1 3 1
wait_for 30 sh -c "[ \$($(declare -f tn_state); tn_state $A hub0 | jq .unknown_peer) -ge 1 ]"
t_is $? 0 "... its new handshakes are refused as an unknown key"
t_ok "doctor: not an error" ip netns exec "$A" "$TUNKIT" -j doctor hub0
t_is "$(t_stdout | jq -r '[.[] | select(.severity != "note") | .check] | sort | join(" ")')" \
	"hub-spoofed hub-unknown-key" "doctor: the spoofed packets and the refused key, as warnings"
t_status 1 "peer add: a key already there" ip netns exec "$A" "$TUNKIT" peer add hub0 "$C2" \
	--allowed-ips 192.0.2.9/32
t_match "$(t_stderr)" "^tunkit: peer: hub0: .*a peer already$" "... says so"
t_status 1 "peer add: another peer's address" ip netns exec "$A" "$TUNKIT" peer add hub0 \
	"$C4" --allowed-ips 192.0.2.2/32
t_match "$(t_stderr)" "another peer has that key or one of those addresses" "... says so"
t_status 1 "peer remove: nobody" ip netns exec "$A" "$TUNKIT" peer remove hub0 nobody
t_match "$(t_stderr)" 'peer "nobody": no such peer' "... says so"
t_status 1 "peer list: no tunnel there" ip netns exec "$A" "$TUNKIT" peer list nosuch
t_match "$(t_stderr)" "^tunkit: peer: nosuch: no tunnel runs behind it$" "... says so"
t_status 2 "peer: no command" "$TUNKIT" peer
t_status 2 "peer add: no key" "$TUNKIT" peer add hub0
t_is "$(ip netns exec "$A" "$TUNKIT" -j peer list hub0 | jq -r '[.[].name] | sort | join(" ")')" \
	"c2 c3 c5" "peer list -j: the peers now"

# SIGHUP: the file says c2, c3, c4 again; c5 goes, c4 comes back, c2 and c3 keep their
# sessions (the same count and handshake time)
s2=$(peer_of 2 '[.sessions, .last_handshake] | tostring')
s3=$(peer_of 3 '[.sessions, .last_handshake] | tostring')
kill -HUP "$PA"
wait_for 30 grep -q config_reloaded "$D/hub.ev"
t_is "$(jq -c 'select(.event == "config_reloaded") | [(.peers.added | length), (.peers.removed | length)]' "$D/hub.ev")" \
	"[1,1]" "SIGHUP: one peer added, one removed"
t_is "$(peer_of 2 '[.sessions, .last_handshake] | tostring')$(peer_of 3 '[.sessions, .last_handshake] | tostring')" \
	"$s2$s3" "SIGHUP: the untouched peers keep their sessions"
t_ok "SIGHUP: ... and pass traffic" pings 2 192.0.2.1
t_status 1 "SIGHUP: the peer not in the file is cut off" pings 5 192.0.2.1 3 1
kill -TERM "$P4"; wait "$P4" 2>/dev/null
wait_for 30 sh -c "! ip -n $B link show c4"
client 4
t_ok "SIGHUP: the peer back in the file connects" bash -c \
	"B=$B; $(declare -f wait_for pings); wait_for 30 pings 4 192.0.2.1"
# a file whose peer has no allowed addresses: refused whole, as at the start
conf 2 3 4 | sed '/allowed-ips = 192.0.2.2\//d' >"$D/hub.conf"
kill -HUP "$PA"
wait_for 30 grep -q config_reload_failed "$D/hub.ev"
t_match "$(jq -r 'select(.event == "config_reload_failed") | .error' "$D/hub.ev")" \
	"peer 1 has no --allowed-ips" "SIGHUP: a peer without allowed addresses fails the reload"
t_is "$(ip netns exec "$A" "$TUNKIT" -j peer list hub0 | jq -c '[.[] | [.name, .allowed_ips]] | sort')" \
	'[["c2",["192.0.2.2/32"]],["c3",["192.0.2.3/32"]],["c4",["192.0.2.4/32"]]]' \
	"SIGHUP: ... and changes nothing"
t_ok "SIGHUP: ... c2 still passes traffic" pings 2 192.0.2.1

# over TCP: a connection per peer; a stranger's connection changes nothing
kill -TERM "$PA" $P2 $P3 $P4 $P5; wait "$PA" $P2 $P3 $P4 $P5 2>/dev/null
TN_PIDS=
ip netns exec "$A" "$TUNKIT" -q tunnel -t tcp --listen 198.51.100.1:7002 --private-key "$D/hub" \
	--dev hub1 --addr 192.0.2.1/24 --peer "$C2" --allowed-ips 192.0.2.2 --peer "$C3" \
	--allowed-ips 192.0.2.3 &
PA=$!; TN_PIDS="$TN_PIDS $PA"
for i in 2 3; do
	tn_start PC "$B" -q tunnel -t tcp --connect 198.51.100.1:7002 --private-key "$D/c$i" \
		--peer "$H" --dev "c$i" --addr "192.0.2.$i/32" --peer-addr 192.0.2.1
	eval "P$i=$PC"
done
t_ok "tcp: both peers reach the hub" bash -c "B=$B; $(declare -f wait_for pings);
	wait_for 30 pings 2 192.0.2.1 && wait_for 30 pings 3 192.0.2.1"
t_is "$(ip netns exec "$B" /usr/bin/python3 -c '
import os, socket
s = socket.create_connection(("198.51.100.1", 7002)); s.sendall(b"\x00\x9c" + os.urandom(156))
s.settimeout(5)
try: print(len(s.recv(100)))
except Exception as e: print(e)')" 0 "tcp: a stranger's garbage: the connection closed, no answer"
t_ok "tcp: ... and the peers still pass traffic" pings 2 192.0.2.1 3
t_is "$(ip netns exec "$A" "$TUNKIT" -j peer list hub1 | jq -c '[.[].session_up]')" "[true,true]" \
	"tcp: peer list: both up"
t_ok "tcp: peer remove" ip netns exec "$A" "$TUNKIT" peer remove hub1 "$C3"
t_status 1 "tcp: the removed peer no longer passes traffic" pings 3 192.0.2.1 3 1
t_ok "tcp: the other still does" pings 2 192.0.2.1
kill -TERM "$PA" $P2 $P3; wait "$PA" $P2 $P3 2>/dev/null
TN_PIDS=

# two workers each side: the client's second lane has its session on the hub's worker 1.
# Removing the peer ends both sessions at once, and the hub goes on answering.
ip netns exec "$A" "$TUNKIT" -q tunnel --listen 198.51.100.1:7003 --private-key "$D/hub" \
	--dev hub2 --addr 192.0.2.1/24 --workers 2 --peer "$C2" --allowed-ips 192.0.2.2 \
	--peer-name c2 &
PA=$!; TN_PIDS="$TN_PIDS $PA"
tn_start P2 "$B" -q tunnel --connect 198.51.100.1:7003 --private-key "$D/c2" --peer "$H" \
	--dev c2 --addr 192.0.2.2/32 --peer-addr 192.0.2.1 --workers 2
wait_for 30 sh -c "$(declare -f tn_state); tn_state $A hub2 | jq -e '[.workers[].sessions > 0] == [true, true]'"
t_is $? 0 "two workers: a session on each of the hub's workers"
t_ok "two workers: peer remove" timeout 20 ip netns exec "$A" "$TUNKIT" peer remove hub2 c2
t_ok "two workers: the hub still answers" timeout 20 ip netns exec "$A" "$TUNKIT" -j peer list hub2
t_is "$(t_stdout | jq -c .)" "[]" "two workers: ... with no peer left"
wait_for 30 sh -c "$(declare -f tn_state); tn_state $A hub2 | jq -e '[.workers[].session_up] == [false, false]'"
t_is $? 0 "two workers: both sessions ended"
t_status 1 "two workers: the removed peer no longer passes traffic" pings 2 192.0.2.1 3 1
t_ends 30 "two workers: hub and client end with SIGTERM" "$PA" "$P2"
TN_PIDS=

# tap with keys of their own: one peer, no allowed addresses needed, frames both ways
tn_start PA "$A" -q tunnel --mode tap --listen 198.51.100.1:7004 --private-key "$D/hub" \
	--dev tap0 --addr 203.0.113.1/24 --peer "$C2"
tn_start P2 "$B" -q tunnel --mode tap --connect 198.51.100.1:7004 --private-key "$D/c2" \
	--peer "$H" --dev tap0 --addr 203.0.113.2/24
t_ok "tap: the peer reaches the hub (ARP, then IP)" bash -c "$(declare -f wait_for);
	wait_for 30 ip netns exec $B ping -c 1 -W 1 203.0.113.1"
t_is "$(tn_state "$A" tap0 | jq '.spoofed + .no_route')" 0 "tap: nothing taken for spoofed or unroutable"
kill -TERM "$PA" "$P2"; wait "$PA" "$P2" 2>/dev/null
TN_PIDS=

# usage errors: nothing made
snap=$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")
tusage() { # desc regex args...
	local desc=$1 re=$2; shift 2
	t_status 2 "$desc" ip netns exec "$A" "$TUNKIT" tunnel --listen 7001 "$@"
	t_match "$(t_stderr)" "$re" "$desc: says why"
}
tusage "--peer without --private-key" "--peer needs --private-key" --key "$KEY" --peer "$C2"
tusage "--private-key without --peer" "needs at least one --peer" --private-key "$D/hub"
tusage "--key and --private-key" "give one of --key" --key "$KEY" --private-key "$D/hub" \
	--peer "$C2" --allowed-ips 192.0.2.2
tusage "a listening peer without --allowed-ips" "peer 1 has no --allowed-ips" \
	--private-key "$D/hub" --peer "$C2"
tusage "--allowed-ips before any --peer" "--allowed-ips needs a --peer before it" \
	--private-key "$D/hub" --allowed-ips 192.0.2.2
tusage "a bad public key" 'peer "xyz": expected a public key' --private-key "$D/hub" --peer xyz
tusage "tap with two peers" "--mode tap serves one peer" --mode tap --private-key "$D/hub" \
	--peer "$C2" --allowed-ips 192.0.2.2 --peer "$C3" --allowed-ips 192.0.2.3
tusage "one key twice" "peer 2: its key or one of its addresses is another peer's" \
	--private-key "$D/hub" --peer "$C2" --allowed-ips 192.0.2.2 --peer "$C2" --allowed-ips 192.0.2.3
tusage "one address for two peers" "peer 2: its key or one of its addresses" \
	--private-key "$D/hub" --peer "$C2" --allowed-ips 192.0.2.0/24 --peer "$C3" \
	--allowed-ips 192.0.2.0/24
t_is "$(ip netns exec "$A" bash -c "$(declare -f link_snapshot); link_snapshot")" "$snap" \
	"usage errors: nothing changed"
tn_start PA "$A" tunnel --listen 7001 --key "$KEY" --dev tkv
wait_for 30 tn_state "$A" tkv
t_status 1 "peer list on a tunnel with one shared key" ip netns exec "$A" "$TUNKIT" peer list tkv
t_match "$(t_stderr)" "one shared key \(--key\): no peers to manage" "... says so"
kill -TERM "$PA"; wait "$PA"
t_done
