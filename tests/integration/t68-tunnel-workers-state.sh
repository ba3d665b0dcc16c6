#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state of a tunnel with two workers tells the truth about the tunnel as a whole, with
# the traffic forced onto worker 1 (a steering program on each device, so nothing depends
# on the queue the kernel's flow hash would pick): counters and sessions are sums,
# session_up and workers_up say what carries the flows, show/stats/doctor and the events
# agree.  Then worker 0's path is blocked (nft) while worker 1's is not: the tunnel is no
# longer up as a whole, and doctor says which worker.  Then a peer with fewer workers.
# Last, 16 TCP flows steered by source port: 8 through each worker.
#
#   A: tka 192.0.2.1 --listen (2 workers)     B: tkb 192.0.2.2 --connect (2 workers)
#      va 198.51.100.1 =========veth========= vb 198.51.100.2
#   both devices made beforehand, multi-queue, steered to queue 1
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
command -v nft >/dev/null || tk_skip_all "needs nft"
tn_setup

# is NS DEV JQ: the state of DEV's tunnel makes the jq expression true
is() { [ "$(tn_state "$1" "$2" | jq "$3")" = true ]; }

# no IPv6 on the devices: their counters move only by what the test sends
for ns in "$A:tka:192.0.2.1" "$B:tkb:192.0.2.2"; do
	IFS=: read -r n d a <<<"$ns"
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip netns exec "$n" "$TUNKIT" -q create "$d" --multi-queue --addr "$a/24" --mtu 1440 --up
	tn_steer "$n" "$d" 1
done
t_ok "the steering programs are on both devices" true
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --workers 2 \
	--rekey-packets 50
# no keepalive: worker 0 sends nothing after its handshake, so its sessions stay put
tn_start PB "$B" -j tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --workers 2 \
	--rekey-packets 50 >"$KEY.ev"
wait_for 30 is "$B" tkb '.workers_up == 2' && wait_for 30 is "$A" tka '.workers_up == 2'
t_is $? 0 "2+2: both workers of both sides have a session"

t_is "$(tn_ping "$B" 192.0.2.1 200 0.01)" "200 200" "200 pings, none lost"
# the last answers may leave worker 1 due for one more rekey at its next tick, which a
# loaded machine may run late: read everything that is compared below (both states, show,
# stats, the events so far) between two reads of B's state that agree, so that no session
# came up while they were taken (a worker writes its event before it answers for the state)
settled() {
	sb=$(tn_state "$B" tkb)
	sa=$(tn_state "$A" tka)
	shb=$(ip netns exec "$B" "$TUNKIT" -j show tkb)
	stb=$(ip netns exec "$B" "$TUNKIT" -j stats tkb)
	ev=$(cat "$KEY.ev")
	sleep 0.5
	local again
	again=$(tn_state "$B" tkb)
	[ "$(echo "$again" | jq -c '[.sessions, .tx_packets]')" = \
		"$(echo "$sb" | jq -c '[.sessions, .tx_packets]')" ] &&
		[ "$(echo "$sa" | jq .sessions)" = "$(echo "$sb" | jq .sessions)" ]
}
wait_for 60 settled
t_is $? 0 "the sessions settle after the pings"
t_is "$(echo "$sb" | jq -c '[.workers[] | .tx_packets >= 200]')" "[false,true]" \
	"the traffic went through worker 1 only (the steering works)"
for side in "B:$sb" "A:$sa"; do
	n=${side%%:*} s=${side#*:}
	t_is "$(echo "$s" | jq '.sessions == ([.workers[].sessions] | add) and .sessions >= 5')" \
		true "$n: sessions counts every worker's (worker 1 rekeyed every 50 packets)"
	t_is "$(echo "$s" | jq '[.tx_packets, .rx_packets, .tx_bytes, .rx_bytes, .tx_dropped,
		.wrong_worker] == ([.workers[] | [.tx_packets, .rx_packets, .tx_bytes, .rx_bytes,
		.tx_dropped, .wrong_worker]] | transpose | map(add))')" true \
		"$n: every counter at the top is the workers' sum"
	t_is "$(echo "$s" | jq '.last_handshake == ([.workers[].last_handshake] | max)')" true \
		"$n: last_handshake is the latest of any worker"
	t_is "$(echo "$s" | jq -c '[.session_up, .workers_up, (.session_age > 0), (.cipher != null)]')" \
		"[true,2,true,true]" "$n: up as a whole, two workers up, an age and a cipher"
done
t_is "$(echo "$sb" | jq '.rx_packets >= 200')" true "B: the answers counted at the top"
t_is "$(jq -s '[.[] | select(.event == "session_up")] | length' "$KEY.ev")" 1 \
	"events: one session_up for the tunnel"
t_is "$(jq -s -c '[.[] | select(.event == "worker_up") | .worker] | sort' "$KEY.ev")" "[0,1]" \
	"events: a worker_up for each worker"
t_is "$(echo "$ev" | jq -s --argjson s "$sb" '[.[] | select(.event == "rekeyed") | .sessions] | max == $s.sessions')" \
	true "events: rekeyed counts the tunnel's sessions, as the state does"
t_is "$(echo "$shb" | jq '.[0].tunnel | .sessions, .tx_packets' | xargs)" \
	"$(echo "$sb" | jq '.sessions, .tx_packets' | xargs)" "show -j: the same state"
t_is "$(echo "$stb" | jq '.[0].tunnel.tx_packets')" \
	"$(echo "$sb" | jq .tx_packets)" "stats -j: the same counters"
t_ok "doctor: nothing wrong" ip netns exec "$B" "$TUNKIT" doctor tkb
t_match "$(t_stdout)" "^no problems found" "doctor: says so"

kill -TERM "$PA" "$PB"; wait "$PA" "$PB"

# worker 0's path blocked at A: B's worker 0 hears nothing back to its keepalives and
# gives its session up; worker 1 goes on
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --workers 2
tn_start PB "$B" -j tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --workers 2 \
	--keepalive 1 >"$KEY.ev"
wait_for 30 is "$B" tkb '.workers_up == 2' && wait_for 30 is "$A" tka '.workers_up == 2'
t_is $? 0 "2+2 again, with keepalives"
p0=$(tn_state "$A" tka | jq -r '.workers[0].peer | split(":") | .[1]')
ip netns exec "$A" nft -f - <<NFT
table inet t68 {
	chain input { type filter hook input priority 0; udp sport $p0 drop; }
}
NFT
wait_for 30 is "$B" tkb '.workers[0].session_up | not'
t_is $? 0 "worker 0 blocked: its session goes down (keepalive unanswered)"
sb=$(tn_state "$B" tkb)
t_is "$(echo "$sb" | jq -c '[.session_up, .workers_up, .session_age, .workers[1].session_up]')" \
	"[false,1,null,true]" "worker 0 down, worker 1 up: not up as a whole, one worker up"
t_is "$(echo "$sb" | jq -r .peer)" "198.51.100.1:5000" "... the peer as worker 1 sees it"
t_match "$(ip netns exec "$B" "$TUNKIT" show tkb)" "connect udp 198.51.100.1:5000 down \(1 of 2 workers up\)" \
	"show: down, 1 of 2 workers up"
t_status 1 "doctor: an error" ip netns exec "$B" "$TUNKIT" -j doctor tkb
t_is "$(t_stdout | jq -r '.[] | "\(.check):\(.severity)"' | xargs)" "tunnel-worker:error" \
	"doctor: worker 0 has no session while another has"
t_match "$(t_stdout | jq -r '.[0].problem')" "^worker 0 of the tunnel on tkb has no session" \
	"doctor: ... and names the worker"
wait_for 30 grep -q '"session_down"' "$KEY.ev"
t_is "$(jq -s -c '[.[] | select(.event == "session_down" or .event == "worker_down") | [.event, .worker, .workers_up]]' "$KEY.ev")" \
	'[["worker_down",0,null],["session_down",null,1]]' "events: worker_down for 0, then session_down"
ip netns exec "$A" nft delete table inet t68
wait_for 30 is "$B" tkb '.session_up and .workers_up == 2'
t_is $? 0 "worker 0 unblocked: up as a whole again"
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"

# a listener with one worker: the connector's worker 1 has no partner
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --workers 1
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --workers 2
wait_for 30 is "$B" tkb '.session_up and .workers_up == 1 and .session_age >= 5'
t_is $? 0 "1+2: up as a whole with one worker"
t_ok "1+2: doctor is not an error" ip netns exec "$B" "$TUNKIT" -j doctor tkb
t_is "$(t_stdout | jq -r '.[] | "\(.check):\(.severity)"' | xargs)" "tunnel-worker:note" \
	"1+2: doctor notes worker 1 has no partner"
t_match "$(t_stdout | jq -r '.[0].problem')" "worker 1 .* no partner: the listening side runs fewer workers" \
	"1+2: ... and why"
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"

# 16 TCP flows from fixed source ports, steered by port: the 8 even ones through worker 0,
# the 8 odd ones through worker 1 (A's answers all go from port 7003: worker 1)
tn_steer "$B" tkb sport
tn_steer "$A" tka sport
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --workers 2
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb --workers 2
wait_for 30 is "$B" tkb '.workers_up == 2' && wait_for 30 is "$A" tka '.workers_up == 2'
t_is $? 0 "by port: 2+2 up"
t_ok "by port: 16 flows arrive with their sha256" tn_flows 16 256 40000
t_is "$(tn_state "$A" tka | jq -c '[.workers[] | .rx_packets > 1000]')" "[true,true]" \
	"by port: each worker carried its 8 flows (more than 1,000 packets each)"
t_is "$(tn_state "$B" tkb | jq '.tx_packets == ([.workers[].tx_packets] | add)')" true \
	"by port: the sum at the top"
t_done
