#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A tunnel's life: either peer killed with SIGKILL and restarted, traffic
# resumes (the connector's restart within 5 s) and the other side's device
# never flaps; the device
# deleted under a running tunnel ends it with a clean status 1; settings
# from --config; -j prints events as JSON Lines.
#
#   A: tka (192.0.2.1) --listen        B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

cat >"$KEY.conf" <<CONF
# the listening side, from a file
listen = 198.51.100.1:5000
key = $KEY
dev = tka
addr = 192.0.2.1/24
persist = yes
CONF
ip netns exec "$A" "$TUNKIT" -j tunnel --config "$KEY.conf" >"$KEY.events" &
PA=$!; TN_PIDS="$TN_PIDS $PA"
# no keepalive here: the listener's keepalives count only what its own setting sends
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24
wait_for 30 tn_up "$B" tkb; t_is $? 0 "config file: session up"
t_ok "config file: ping" ip netns exec "$B" ping -c 2 -i 0.2 -W 2 192.0.2.1
t_is "$(head -n 1 "$KEY.events" | jq -r '.event + " " + .dev')" "started tka" \
	"-j: events are JSON Lines"
t_is "$(jq -s '[.[] | select(.event == "session_up" and has("worker") == false)] | length' "$KEY.events")" \
	1 "-j: one session_up event, for the tunnel as a whole"
t_is "$(jq -s '[.[] | select(.event == "worker_up") | .worker] | length == (unique | length)' "$KEY.events")" \
	true "-j: at most one worker_up per worker"

# SIGHUP re-reads the file: keepalive takes effect, a new mtu and worker
# count are reported as needing a restart
cp "$KEY.conf" "$KEY.conf.orig"
printf 'keepalive = 1\nmtu = 1300\nworkers = 1\n' >>"$KEY.conf"
ka=$(tn_state "$A" tka | jq .keepalives_tx)
kill -HUP "$PA"
# key_reloaded is the reload's last event
wait_for 30 grep -q key_reloaded "$KEY.events"
t_is "$(jq -c 'select(.event == "config_reloaded") | .needs_restart' "$KEY.events")" \
	'["mtu","workers"]' "SIGHUP: the config is read again; mtu and workers need a restart"
t_is "$(jq -r .event "$KEY.events" | grep -c key_reloaded)" 1 "SIGHUP: ... and the key"
# it sent none (no keepalive, nothing to answer); now one each idle second: two within
# 10 s at the least
wait_for 30 sh -c "$(declare -f tn_state); tn_state $A tka | jq -e '.keepalives_tx >= $ka + 2'"
t_is $? 0 "SIGHUP: the new keepalive is in effect"
t_is "$(ip -n "$A" -j link show tka | jq '.[0].mtu')" 1440 "SIGHUP: the device is left alone"
mv "$KEY.conf.orig" "$KEY.conf"

ifb=$(ip -n "$B" -j link show tkb | jq .[0].ifindex)
# the listening side killed and restarted (its device persists, and is reused)
kill -KILL "$PA"; wait "$PA" 2>/dev/null
ip netns exec "$A" "$TUNKIT" tunnel --config "$KEY.conf" &
PA=$!; TN_PIDS="$TN_PIDS $PA"
# (the connector finds out after 2.5 s of silence, then makes a new handshake)
wait_for 30 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
t_is $? 0 "listener SIGKILLed and restarted: traffic resumes"
# the connector kept running: its device never went away or down
t_is "$(ip -n "$B" -j link show tkb | jq -r '.[0] | "\(.ifindex) \(.flags | index("UP") != null)"')" \
	"$ifb true" "device stays up through a lost peer"
# the connecting side killed: the device it made goes with it; started again, it makes it
# again with a new source port
kill -KILL "$PB"; wait "$PB" 2>/dev/null
wait_for 30 sh -c "! ip -n $B link show tkb"
t_is $? 0 "the killed connector's device goes with it"
tn_start PB "$B" tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --keepalive 1
# the 5 s count from the moment it runs (a sanitizer build on a loaded machine starts slowly)
wait_for 30 tn_running "$B" tkb
wait_for 5 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
t_is $? 0 "connector SIGKILLed and restarted: traffic resumes within 5 s"

# the listener gone: the connector reports the session down after 3 keepalives
kill -TERM "$PA" "$PB"; wait "$PA" "$PB" 2>/dev/null
ip netns exec "$B" "$TUNKIT" -j tunnel --connect 198.51.100.1:5000 --key "$KEY" --dev tkb \
	--addr 192.0.2.2/24 --keepalive 1 >"$KEY.ev2" &
PB2=$!; TN_PIDS="$TN_PIDS $PB2"
ip netns exec "$A" "$TUNKIT" tunnel --config "$KEY.conf" &
PA=$!; TN_PIDS="$TN_PIDS $PA"
wait_for 30 grep -q session_up "$KEY.ev2"
kill -STOP "$PA"
wait_for 30 grep -q session_down "$KEY.ev2"; t_is $? 0 "keepalive: session_down after silence"
kill -CONT "$PA"
wait_for 30 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
t_is $? 0 "keepalive: back after the peer wakes"

# the device deleted under the running tunnel
ip -n "$A" link del tka
i=0; while kill -0 "$PA" 2>/dev/null && [ $i -lt 40 ]; do
	ip netns exec "$B" ping -c 1 -W 0.1 192.0.2.1 >/dev/null 2>&1; i=$((i + 1)); done
wait "$PA" 2>/dev/null; st=$?
t_is "$st" 1 "device deleted: the tunnel exits with status 1"
t_ok "device deleted: control socket removed" test ! -e "/run/tunkit/$A/tka.sock"
t_done
