#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A connector killed with SIGKILL and started again with the same command passes
# traffic within 5 s: the device it made goes with it (no stale device keeps the
# address and the route), and the listener takes the new handshake at once.  For
# UDP and TCP, tun and tap, with equal and unequal worker counts.  Then --nat's
# table left by SIGKILL is replaced, not doubled, by the next run.
#
#   A: tktun0/tktap0 192.0.2.1 --listen        B: tktun0/tktap0 192.0.2.2 --connect
#      va 198.51.100.1 ============veth============ vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
tn_setup

# ping_within SECS NS ADDR: pings (-c 1 -W 0.2) until one is answered; prints the seconds
# it took, or fails after SECS
ping_within() {
	local t0=$EPOCHREALTIME end=$((${EPOCHREALTIME%.*} + $1))
	while [ "${EPOCHREALTIME%.*}" -lt $end ]; do
		if ip netns exec "$2" ping -c 1 -W 0.2 "$3" >/dev/null 2>&1; then
			echo "$EPOCHREALTIME $t0" | awk '{printf "%.2f\n", $1 - $2}'
			return 0
		fi
	done
	return 1
}

restart_case() { # transport mode listener-workers connector-workers
	local tr=$1 mode=$2 lw=$3 cw=$4 dev secs
	local what="$tr $mode, $lw+$cw workers"
	dev=tk${mode}0
	tn_start PA "$A" tunnel -t "$tr" --listen 198.51.100.1:7000 --mode "$mode" \
		--addr 192.0.2.1/24 --key "$KEY" --workers "$lw"
	tn_start PB "$B" tunnel -t "$tr" --connect 198.51.100.1:7000 --mode "$mode" \
		--addr 192.0.2.2/24 --key "$KEY" --workers "$cw"
	ping_within 20 "$B" 192.0.2.1 >/dev/null
	t_is $? 0 "$what: traffic before the kill"
	kill -KILL "$PB"
	wait "$PB" 2>/dev/null
	# the device was made for the tunnel: it goes with the process, address and route too
	wait_for 30 sh -c "! ip -n $B link show $dev"
	t_is $? 0 "$what: SIGKILL takes the connector's device along"
	tn_start PB "$B" tunnel -t "$tr" --connect 198.51.100.1:7000 --mode "$mode" \
		--addr 192.0.2.2/24 --key "$KEY" --workers "$cw"
	# the 5 s count from the moment it runs: a sanitizer build on a loaded machine takes
	# its time to start, and that is not the listener's doing
	wait_for 30 tn_running "$B" "$dev"
	secs=$(ping_within 20 "$B" 192.0.2.1)
	t_is $? 0 "$what: the restarted connector passes traffic"
	t_is "$(echo "$secs" | awk '{print ($1 < 5)}')" 1 \
		"$what: within 5 s of its start (took ${secs:-more than 20} s)"
	t_is "$(ip -n "$B" -j link show type tun | jq -r '[.[].ifname] | join(" ")')" "$dev" \
		"$what: one device, the same name again"
	kill -TERM "$PA" "$PB"
	wait "$PA" "$PB"
	t_is $? 0 "$what: both end with SIGTERM"
}

# tcp has one worker; "1 1" there is its only shape
for c in "udp tun 1 1" "udp tun 2 2" "udp tun 1 2" "udp tun 2 1" "udp tap 2 2" "udp tap 1 1" \
	"tcp tun 1 1" "tcp tap 1 1"; do
	# shellcheck disable=SC2086
	restart_case $c
done

# the listener killed and restarted: the connector's handshakes reach the new one
tn_start PA "$A" tunnel --listen 198.51.100.1:7000 --addr 192.0.2.1/24 --key "$KEY"
tn_start PB "$B" tunnel --connect 198.51.100.1:7000 --addr 192.0.2.2/24 --key "$KEY"
ping_within 20 "$B" 192.0.2.1 >/dev/null
t_is $? 0 "listener restart: traffic before the kill"
kill -KILL "$PA"
wait "$PA" 2>/dev/null
wait_for 30 sh -c "! ip -n $A link show tktun0"
tn_start PA "$A" tunnel --listen 198.51.100.1:7000 --addr 192.0.2.1/24 --key "$KEY"
ping_within 20 "$B" 192.0.2.1 >/dev/null
t_is $? 0 "listener restart: the connector finds the new listener"
kill -TERM "$PA" "$PB"
wait "$PA" "$PB"

# --nat after SIGKILL: the next run replaces the table it left
if command -v nft >/dev/null; then
	tn_start PA "$A" tunnel --listen 7000 --addr 192.0.2.1/24 --key "$KEY" --nat
	wait_for 30 test -S "/run/tunkit/$A/tktun0.sock"
	kill -KILL "$PA"
	wait "$PA" 2>/dev/null
	t_ok "nat: SIGKILL leaves the table" ip netns exec "$A" nft list table ip tunkit-tktun0
	tn_start PA "$A" tunnel --listen 7000 --addr 192.0.2.1/24 --key "$KEY" --nat
	wait_for 30 tn_state "$A" tktun0
	t_is "$(ip netns exec "$A" nft list table ip tunkit-tktun0 | grep -c masquerade)" 1 \
		"nat: the next run replaces it (one masquerade rule)"
	kill -TERM "$PA"
	wait "$PA"
	t_status 1 "nat: gone after SIGTERM" ip netns exec "$A" nft list table ip tunkit-tktun0
else
	t_skip "nat: needs nft"
fi
t_done
