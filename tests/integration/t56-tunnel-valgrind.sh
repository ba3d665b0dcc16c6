#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both ends of a UDP and of a TCP tunnel under valgrind (with --nat,
# --route, a SIGHUP key reload and -j events): traffic passes, and each
# exits 0 at SIGTERM with no memory errors and nothing definitely lost.
#
#   A: tka (192.0.2.1) --listen --nat   B: tkb (192.0.2.2) --connect
#      va 198.51.100.1 ===veth=== vb 198.51.100.2
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/tunnel-lib.sh"
command -v valgrind >/dev/null || tk_skip_all "needs valgrind"
ldd "$TUNKIT" 2>/dev/null | grep -q libasan && tk_skip_all "sanitizer build (valgrind runs on the plain one)"
tn_setup
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"

for tr in udp tcp; do
	ip netns exec "$A" $VG "$TUNKIT" tunnel -t $tr --listen 198.51.100.1:5000 --key "$KEY" \
		--dev tka --addr 192.0.2.1/24 --nat --route 203.0.113.0/24 2>"$KEY.a" &
	PA=$!; TN_PIDS="$TN_PIDS $PA"
	ip netns exec "$B" $VG "$TUNKIT" -j tunnel -t $tr --connect 198.51.100.1:5000 \
		--key "$KEY" --dev tkb --addr 192.0.2.2/24 --keepalive 1 >/dev/null 2>"$KEY.b" &
	PB=$!; TN_PIDS="$TN_PIDS $PB"
	wait_for 20 ip netns exec "$B" ping -c 1 -W 1 192.0.2.1
	t_ok "valgrind $tr: ping across" ip netns exec "$B" ping -c 5 -i 0.2 -W 2 192.0.2.1
	kill -HUP "$PA"
	wait_for 30 grep -q key_reloaded "$KEY.a"
	kill -TERM "$PA" "$PB"
	wait "$PA"; t_is $? 0 "valgrind $tr: listener clean (exit 0)"
	wait "$PB"; t_is $? 0 "valgrind $tr: connector clean (exit 0)"
	grep '^==' "$KEY.a" "$KEY.b" | head -n 20 | sed 's/^/# /'
done
t_done
