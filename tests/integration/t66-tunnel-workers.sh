#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Workers (--workers): each worker's session and queue, flows across the workers and
# kept in order, peers with unequal worker counts, the shared listening port, existing
# devices (multi-queue or not), the device deleted under the workers, tap, bad values.
#
#   A: tka 192.0.2.1 --listen   B: tkb 192.0.2.2 --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

# pair WA WB [ARGS]: A listens with WA workers, B connects with WB
pair() {
	local wa=$1 wb=$2; shift 2
	tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
		--addr 192.0.2.1/24 --workers "$wa" "$@"
	tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
		--addr 192.0.2.2/24 --workers "$wb" "$@"
}

unpair() {
	kill -TERM "$PA" "$PB" 2>/dev/null
	wait "$PA" "$PB" 2>/dev/null
	TN_PIDS=
}

# up NS DEV N: N workers with a session and their queue on the device
up() {
	[ "$(tn_state "$1" "$2" | jq '[.workers[] | select(.session_up and .queue)] | length')" = "$3" ]
}

# is NS DEV JQ: the state of DEV's tunnel makes the jq expression true
is() { [ "$(tn_state "$1" "$2" | jq "$3")" = true ]; }

# txq NS DEV: the transmit queues the kernel has for DEV (the attached ones)
txq() { ip netns exec "$1" sh -c "ls /sys/class/net/$2/queues" | grep -c '^tx-'; }

# flows N KB: N TCP connections at once from B to A, KB each; all arrive with their sha256
flows() { tn_flows "$@"; }

# order: 16 UDP flows of 2000 numbered datagrams, interleaved; each flow must arrive in
# order (a flow that changed workers midway could be overtaken), and most of it must arrive.
# The receiver stops when all came or after 3 s without any, not at an end marker: flows
# on different workers are not ordered among each other.  UDP may lose some on a busy
# machine (the kernel's drops are counted apart); it must not reorder.
order() {
	local out; out=$(mktemp)
	ip netns exec "$A" timeout 60 /usr/bin/python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 1 << 23)  # SO_RCVBUFFORCE
s.bind(("192.0.2.1", 7004)); s.settimeout(3); last = {}; n = 0; bad = 0
try:
    while n < 32000:
        b, a = s.recvfrom(2048)
        seq = struct.unpack("!I", b[:4])[0]
        if seq <= last.get(a[1], -1): bad += 1
        last[a[1]] = seq; n += 1
except socket.timeout: pass
print(n, bad, len(last))' >"$out" &
	local spid=$!
	wait_for 30 sh -c "ip netns exec $A ss -Hlun 'sport = :7004' | grep -q 7004"
	ip netns exec "$B" timeout 60 /usr/bin/python3 -c '
import socket, struct, time
ss = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for i in range(16)]
for seq in range(2000):
    for s in ss: s.sendto(struct.pack("!I", seq) + bytes(200), ("192.0.2.1", 7004))
    if seq % 10 == 0: time.sleep(0.01)'
	wait $spid
	local n bad fl; read -r n bad fl <"$out"; rm -f "$out"
	echo "# $n of 32000 datagrams in $fl flows, $bad out of order"
	[ "$bad" = 0 ] && [ "$fl" = 16 ] && [ "$n" -ge 25600 ]
}

# two workers on each side
pair 2 2
wait_for 30 up "$B" tkb 2; t_is $? 0 "2+2: both workers of the connecting side up"
wait_for 30 up "$A" tka 2; t_is $? 0 "2+2: both workers of the listening side up"
t_is "$(txq "$B" tkb) $(txq "$A" tka)" "2 2" "2+2: the kernel has two queues on each device"
t_is "$(ip -n "$B" -j -d link show tkb | jq '.[0].linkinfo.info_data.multi_queue')" true \
	"2+2: the device was made multi-queue"
t_is "$(tn_state "$A" tka | jq '[.workers[].peer] | unique | length')" 2 \
	"2+2: each listening worker answers its own peer port"
t_ok "2+2: 16 TCP flows at once arrive with their sha256" flows 16 512
# (which worker carries which flow is the kernel's hash: t68 steers them to test that)
s=$(tn_state "$A" tka)
t_is "$(echo "$s" | jq '[.workers[].rx_packets] | add == $top' --argjson top "$(echo "$s" | jq .rx_packets)")" \
	true "2+2: the top-level counters are the workers' sums"
t_ok "2+2: 16 UDP flows each arrive in order" order
t_ok "2+2: ping" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1

# the listener comes back with one worker.  Each worker of the connecting side finds out
# at its first unanswered traffic, as one worker does after a peer's restart: worker 0
# makes a new session, worker 1's is refused, so its session and queue go and its flows
# move to worker 0.  TCP rides the 2.5 s out on retransmits.
kill -TERM "$PA"; wait "$PA"
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24 --workers 1
# the receiver binds the listener's address: wait for it (a sanitizer build on a loaded
# machine takes its time), not for the sessions, which the flows themselves must bring up
wait_for 30 sh -c "ip -n $A addr show tka | grep -q 'inet 192.0.2.1/'"
t_ok "restart with fewer workers: 16 TCP flows arrive" flows 16 128
wait_for 30 is "$B" tkb '.workers[1] | (.session_up or .queue) | not'
t_is $? 0 "restart with fewer workers: the orphaned worker's session and queue went"
t_is "$(tn_state "$B" tkb | jq '.workers[0] | .session_up and .queue and .sessions >= 2')" \
	true "restart with fewer workers: worker 0 has a new session"
unpair

# SIGHUP: worker 0 reads the new key and hands it to the others; with a rekey every 2 s,
# every worker's handshakes must go on succeeding under it (a worker left with the old key
# would fail them and stay on its last session).  The two processes take the key at
# slightly different moments, and a handshake in between fails: count failures only from
# the moment both have it.
pair 2 2 --rekey 2 2>"$KEY.hup"
wait_for 30 up "$B" tkb 2 && wait_for 30 up "$A" tka 2; t_is $? 0 "SIGHUP: 2+2 up"
(umask 077 && "$TUNKIT" genkey "$KEY.new" && mv "$KEY.new" "$KEY")
kill -HUP "$PA" "$PB"
wait_for 30 sh -c "[ \$(grep -c key_reloaded '$KEY.hup') = 2 ]"
t_is $? 0 "SIGHUP: both sides read the new key"
# more SESSIONS: every worker of B has made two sessions more than SESSIONS (a JSON array)
more() { is "$B" tkb "[.workers[].sessions] as \$s | $1 | to_entries | map(\$s[.key] >= .value + 2) | all"; }
s1=$(tn_state "$B" tkb | jq -c '[.workers[].sessions]')
wait_for 30 more "$s1"
t_is $? 0 "SIGHUP: every worker made new sessions under the new key"
af=$(tn_state "$A" tka | jq .auth_failures)
s2=$(tn_state "$B" tkb | jq -c '[.workers[].sessions]')
wait_for 30 more "$s2"
t_is "$? $(tn_state "$A" tka | jq .auth_failures)" "0 $af" \
	"SIGHUP: two more sessions each, and no handshake failed"
t_ok "SIGHUP: flows still arrive" flows 4 64
unpair

# the connecting side has more workers: its second never meets a partner and stays off
pair 1 2
wait_for 30 up "$B" tkb 1; t_is $? 0 "1+2: the connecting side's worker 0 is up"
wait_for 30 is "$A" tka '.wrong_worker > 0'
t_is $? 0 "1+2: the listener refuses the initiations of worker 1 (wrong_worker)"
t_is "$(tn_state "$B" tkb | jq -c '[.workers[1].session_up, .workers[1].queue]')" \
	"[false,false]" "1+2: worker 1 without a session, its queue off the device"
t_is "$(txq "$B" tkb)" 1 "1+2: the kernel has one queue left"
t_ok "1+2: 16 TCP flows arrive, all through worker 0" flows 16 256
t_is "$(tn_state "$B" tkb | jq '.workers[1].tx_packets')" 0 "1+2: worker 1 sent nothing"
unpair

# the listening side has more workers
pair 2 1
wait_for 30 up "$B" tkb 1; t_is $? 0 "2+1: the connecting side is up"
# the listener's worker 0 has its session once the connector's first data frame confirms it
wait_for 30 is "$A" tka '.workers[0].session_up'
t_is "$(tn_state "$A" tka | jq -c '[.workers[0].session_up, .workers[1].session_up, .workers[1].queue]')" \
	"[true,false,false]" "2+1: the listener's worker 1 has no partner, its queue is off"
t_ok "2+1: 16 TCP flows arrive" flows 16 256
unpair

# the shared port is taken: a second listener fails and leaves nothing behind
pair 2 2
wait_for 30 up "$B" tkb 2
for w in 1 2; do
	t_status 1 "shared port: a second listener ($w worker) fails" ip netns exec "$A" \
		"$TUNKIT" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tkz --workers $w
	t_match "$(t_stderr)" "tunnel: .*(in use|Address)" "shared port: ... saying the address is in use"
	t_status 1 "shared port: ... and made no device" ip -n "$A" link show tkz
done
t_ok "shared port: the tunnel still carries traffic" flows 4 64

# the device deleted under two workers: the tunnel says so and exits 1
ip -n "$A" link del tka
wait_for 30 sh -c "! kill -0 $PA 2>/dev/null"; t_is $? 0 "device deleted: the tunnel ends"
wait "$PA"; t_is $? 1 "device deleted: exit status 1"
kill -TERM "$PB"; wait "$PB"; TN_PIDS=

# existing devices: a plain one runs one worker, a multi-queue one as many as asked
ip netns exec "$B" "$TUNKIT" create tkp >/dev/null
ip netns exec "$B" "$TUNKIT" create tkm --multi-queue >/dev/null
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24 \
	--workers 2
ip netns exec "$B" timeout 20 "$TUNKIT" tunnel --connect 198.51.100.1:5000 --key "$KEY" \
	--dev tkp --workers 2 >/dev/null 2>"$KEY.err" &
PB=$!; TN_PIDS="$TN_PIDS $PB"
wait_for 30 is "$B" tkp '.workers | length == 1'
t_is $? 0 "existing plain device: one worker"
t_match "$(cat "$KEY.err")" "tkp: not a multi-queue device: one worker" \
	"existing plain device: a warning says so"
kill -TERM "$PB"; wait "$PB"
ip netns exec "$B" timeout 20 "$TUNKIT" tunnel --connect 198.51.100.1:5000 --key "$KEY" \
	--dev tkp >/dev/null 2>"$KEY.err" &
PB=$!; TN_PIDS="$TN_PIDS $PB"
wait_for 30 tn_up "$B" tkp; t_is $? 0 "existing plain device, workers by default: up"
kill -TERM "$PB"; wait "$PB"
t_is "$(grep -c multi-queue "$KEY.err")" 0 "existing plain device, workers by default: no warning"
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkm --workers 2
wait_for 30 up "$B" tkm 2; t_is $? 0 "existing multi-queue device: two workers up"
kill -TERM "$PB"; wait "$PB"
t_is "$(ip -n "$B" -j -d link show tkm | jq -c '.[0].linkinfo.info_data | [.multi_queue, .vnet_hdr]')" \
	"[true,false]" "existing multi-queue device: kept, its flags as before"
kill -TERM "$PA"; wait "$PA"; TN_PIDS=

# tap: Ethernet frames, ARP broadcasts and flows over two workers
pair 2 2 --mode tap
wait_for 30 up "$B" tkb 2; t_is $? 0 "tap 2+2: both workers up"
t_ok "tap 2+2: ping (ARP first)" ip netns exec "$B" ping -c 3 -i 0.2 -W 2 192.0.2.1
t_ok "tap 2+2: 16 TCP flows arrive with their sha256" flows 16 256
unpair

# bad values, and TCP (one stream, one worker)
for v in 0 17 two; do
	t_status 2 "--workers $v: usage" "$TUNKIT" tunnel --listen 5000 --key "$KEY" --workers "$v"
	t_match "$(t_stderr)" "workers \"$v\": expected 1 to 16" "--workers $v: says the range"
done
t_status 2 "--workers 2 -t tcp: usage" "$TUNKIT" tunnel --listen 5000 --key "$KEY" -t tcp \
	--workers 2
t_match "$(t_stderr)" "--workers needs --transport udp" "--workers 2 -t tcp: says why"
t_ok "--workers auto on one CPU: one worker, a plain device" sh -c \
	"taskset -c 0 $TUNKIT tunnel --dry-run --listen 5000 --key $KEY | grep -qx 'ip tuntap add dev tktun0 mode tun'"
if [ "$(nproc)" -ge 2 ]; then
	t_ok "--workers auto on two CPUs: a multi-queue device" sh -c \
		"taskset -c 0,1 $TUNKIT tunnel --dry-run --listen 5000 --key $KEY | grep -qx 'ip tuntap add dev tktun0 mode tun multi_queue'"
else
	t_skip "one CPU here"
fi
t_done
