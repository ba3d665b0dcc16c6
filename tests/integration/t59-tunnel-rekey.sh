#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sessions: with --rekey 2 the connector makes a new session every 2 s and
# traffic crosses the rekeys without a loss (the previous session still
# receives); --rekey-packets counts frames; --cipher picks the data cipher
# and two sides with no cipher in common make no session.
#
#   A: tka (192.0.2.1) --listen        B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

tn_start PA "$A" -j tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
	--addr 192.0.2.1/24 --rekey 2 >"$KEY.ev"
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --rekey 2 --cipher chacha20-poly1305
wait_for 30 tn_up "$B" tkb; t_is $? 0 "rekey: session up"
# the listener sends once the connector's first frame confirmed the session
wait_for 30 tn_up "$A" tka
t_is "$(tn_state "$A" tka | jq -r .cipher)" chacha20-poly1305 \
	"--cipher on the connector: the listener uses it"
t_is "$(tn_ping "$B" 192.0.2.1 40 0.15)" "40 40" "rekey: 40 pings over 6 s, none lost across rekeys"
t_ok "rekey: 5 MiB transfer across rekeys, checksum equal" tn_transfer "$A" 192.0.2.1 "$B"
# the connector first: a listener's worker confirms a session a moment after its partner made
# it, so read later it is at most one behind, per worker
sb=$(tn_state "$B" tkb)
sa=$(tn_state "$A" tka)
t_is "$(echo "$sb" | jq '.sessions >= 3')" true "rekey: the connector made new sessions"
t_is "$(echo "$sa" | jq --argjson b "$sb" '[.workers[] | .sessions >= $b.workers[.worker].sessions - 1] | all')" \
	true "rekey: the listener followed, worker by worker"
t_is "$(echo "$sa" | jq '.auth_failures + .replays_dropped')" 0 \
	"rekey: nothing failed or counted as a replay"
t_is "$(jq -r .event "$KEY.ev" | grep -c rekeyed | awk '{print ($1 >= 2)}')" 1 \
	"-j: rekeyed events"
t_is "$(jq -s '[.[] | select(.event == "session_up")] | length' "$KEY.ev")" 1 \
	"-j: one session_up for the tunnel, not one per rekey or worker"
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"

# --rekey-packets: a new session every 50 frames
tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka --addr 192.0.2.1/24
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --rekey-packets 50
wait_for 30 tn_up "$B" tkb && wait_for 30 tn_up "$A" tka
t_is $? 0 "rekey-packets: session up"
ip netns exec "$B" ping -c 1 -W 3 192.0.2.1 >/dev/null # the path warm, as in service
t_is "$(tn_ping "$B" 192.0.2.1 200 0.01)" "200 200" "rekey-packets: 200 pings, none lost" ||
	{ tn_state "$A" tka; tn_state "$B" tkb; } | sed 's/^/# /' 
t_is "$(tn_state "$B" tkb | jq '.sessions >= 4')" true "rekey-packets: new sessions by count"
kill -TERM "$PA" "$PB"; wait "$PA" "$PB"

# no cipher in common: no session, the initiations counted, no answer
if grep -qw aes /proc/cpuinfo; then
	tn_start PA "$A" tunnel --listen 198.51.100.1:5000 --key "$KEY" --dev tka \
		--addr 192.0.2.1/24 --cipher aes-256-gcm
	tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
		--addr 192.0.2.2/24 --cipher chacha20-poly1305
	# the listener has refused two initiations: the second came after the first's retry time
	wait_for 30 sh -c "$(declare -f tn_state); tn_state $A tka | jq -e '.auth_failures >= 2'"
	t_is "$(tn_state "$B" tkb | jq '.session_up')" false "no common cipher: no session"
	t_is "$(tn_state "$A" tka | jq '.auth_failures > 0 and .handshakes_rx == 0')" true \
		"no common cipher: counted, not answered"
	kill -TERM "$PA" "$PB"; wait "$PA" "$PB"
else
	t_skip "no common cipher: this CPU has no AES"
fi
t_done
