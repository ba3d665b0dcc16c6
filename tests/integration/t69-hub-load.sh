#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hub under numbers: 200 peers (each a tunkit process of its own in B) all up and each
# passing traffic; then a flood of valid-looking initiations (the right mac1, garbage
# after it) from 100 addresses while established peers ping and a new peer joins: the hub
# answers the flood with cookie replies (64 bytes for 156: no amplification), never with a
# handshake, and the peers go on.
#
#   A: hub0 192.0.2.1/24 --listen 7000 on 198.51.100.1
#      |veth
#   B: 198.51.100.2, and 203.0.113.1-100 (the flood's sources); peers pN on devices pN with
#      192.0.2.N/32 (N = 2..201), each pinging the hub with -I pN
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup
D=$(mktemp -d /tmp/tk-hubload.XXXXXX)
trap 'tn_cleanup; rm -rf "$D"' EXIT
N=200
# no IPv6 on the devices: 200 of them soliciting routers would be traffic of their own
for n in "$A" "$B"; do ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done

(umask 077 && "$TUNKIT" genkey "$D/hub")
H=$("$TUNKIT" pubkey "$D/hub")
{
	printf 'listen = 198.51.100.1:7000\nprivate-key = %s\ndev = hub0\naddr = 192.0.2.1/24\n' "$D/hub"
	for i in $(seq 2 $((N + 1))); do
		(umask 077 && "$TUNKIT" genkey "$D/p$i")
		printf 'peer = %s\nallowed-ips = 192.0.2.%s/32\n' "$("$TUNKIT" pubkey "$D/p$i")" "$i"
	done
} >"$D/hub.conf"
tn_start PA "$A" tunnel --config "$D/hub.conf"
wait_for 30 tn_state "$A" hub0
t0=$EPOCHREALTIME
for i in $(seq 2 $((N + 1))); do
	ip netns exec "$B" "$TUNKIT" -q tunnel --connect 198.51.100.1:7000 --private-key "$D/p$i" \
		--peer "$H" --dev "p$i" --addr "192.0.2.$i/32" --peer-addr 192.0.2.1 --workers 1 \
		--rekey 3600 &
	TN_PIDS="$TN_PIDS $!"
done
up() { [ "$(tn_state "$A" hub0 | jq '[.peers[] | select(.session_up)] | length')" = "$N" ]; }
wait_for 120 up
t_is $? 0 "$N peers up"
echo "# $N peers up $(echo "$EPOCHREALTIME $t0" | awk '{printf "%.1f", $1 - $2}') s after the first started"
bad=0
for i in $(seq 2 $((N + 1))); do
	ip netns exec "$B" ping -c 1 -W 10 -I "p$i" 192.0.2.1 >/dev/null 2>&1 || bad=$((bad + 1))
done
t_is "$bad" 0 "each of the $N peers reaches the hub"
t_is "$(tn_state "$A" hub0 | jq '[.peers[] | select(.rx_packets >= 1 and .tx_packets >= 1)] | length')" \
	"$N" "the hub counts each peer's packets, both ways"

# the flood: 100 source addresses, initiations with a valid mac1 (the hub's public key is
# public) and random bytes after it, as fast as one Python process sends them, 10 s
for k in $(seq 1 100); do ip -n "$B" addr add "203.0.113.$k/24" dev vb; done
ip -n "$A" route add 203.0.113.0/24 via 198.51.100.2
st0=$(tn_state "$A" hub0)
kd0=$(tn_udp_drops "$A") kb0=$(tn_udp_drops "$B")
ip netns exec "$B" timeout 60 /usr/bin/python3 - "$H" >"$D/flood" <<'PY' &
import base64, hashlib, os, random, socket, sys, time
pub = base64.b64decode(sys.argv[1])
k1 = hashlib.blake2b(b"mac1----" + pub, digest_size=32).digest()
socks = []
for i in range(1, 101):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("203.0.113.%d" % i, 0)); s.setblocking(False); socks.append(s)
sent = answers = cookies = 0
end = time.time() + 10
while time.time() < end:
    for s in socks:
        m = bytes([4, 0, 0, 0]) + os.urandom(120)
        m += hashlib.blake2b(m, key=k1, digest_size=16).digest() + bytes(16)
        try:
            s.sendto(m, ("198.51.100.1", 7000)); sent += 1
        except BlockingIOError:
            pass
        try:
            while True:
                b = s.recv(2048)
                answers += 1; cookies += b[0] == 6 and len(b) == 64
        except BlockingIOError:
            pass
print(sent, answers, cookies)
PY
FP=$!
# meanwhile: established peers ping, and a new peer joins
(umask 077 && "$TUNKIT" genkey "$D/new")
ip netns exec "$A" "$TUNKIT" peer add hub0 "$("$TUNKIT" pubkey "$D/new")" --allowed-ips 192.0.2.250
tn_ping "$B" 192.0.2.1 40 0.2 p2 >"$D/ping" &
PP=$!
j0=$EPOCHREALTIME
tn_start PN "$B" tunnel --connect 198.51.100.1:7000 --private-key "$D/new" --peer "$H" \
	--dev pnew --addr 192.0.2.250/32 --peer-addr 192.0.2.1 --workers 1 --rekey 3600
wait_for 30 ip netns exec "$B" ping -c 1 -W 1 -I pnew 192.0.2.1
t_is $? 0 "a new peer joins during the flood"
joined=$(echo "$EPOCHREALTIME $j0" | awk '{printf "%.1f", $1 - $2}')
wait "$PP"
# the hub loses none of the established peer's pings; its kernel may have dropped some before
# the hub could read them (the socket buffer full of the flood on a busy machine)
read -r _ got <"$D/ping"
t_is "$(( got == 40 || 40 - got <= $(tn_udp_drops "$A") - kd0 + $(tn_udp_drops "$B") - kb0 ))" 1 \
	"an established peer's 40 pings during the flood: all answered, or lost only where the kernel dropped ($got of 40)"
wait "$FP"
read -r sent answers cookies <"$D/flood"
st=$(tn_state "$A" hub0)
echo "# flood: $sent initiations in 10 s from 100 addresses; $answers answers, $cookies of them cookie replies; a new peer joined in $joined s"
echo "# hub: $(echo "$st" | jq -c --argjson a "$st0" '{cookies_tx: (.cookies_tx - $a.cookies_tx), ratelimited: (.ratelimited - $a.ratelimited), auth_failures: (.auth_failures - $a.auth_failures), handshakes_rx: (.handshakes_rx - $a.handshakes_rx)}')"
t_is "$([ "$sent" -gt 10000 ] && echo yes)" yes "the flood sent more than 10,000 initiations ($sent)"
t_is "$answers" "$cookies" "the flood's only answers are cookie replies (64 bytes, smaller than the 156 sent)"
t_is "$(echo "$st" | jq --argjson a "$st0" '.cookies_tx > $a.cookies_tx')" true \
	"the hub was under load and asked for cookies"
t_is "$(echo "$st" | jq --argjson a "$st0" '.handshakes_rx - $a.handshakes_rx <= 10')" true \
	"no handshake answered to the flood (the few answered are the new peer's)"
t_is "$(tn_state "$A" hub0 | jq '[.peers[] | select(.session_up)] | length')" "$((N + 1))" \
	"after the flood: every peer still up"
t_done
