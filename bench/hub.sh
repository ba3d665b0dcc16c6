#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/hub.sh [OPTIONS] [TUNKIT]: tunkit tunnel as a hub (--private-key, a key per peer)
# next to OpenVPN's server mode (--server, TLS, AES-256-GCM) with the same number of
# clients (issue 14).  A benchmark, not a test.  In one run, the systems alternate round by
# round; medians over the rounds:
#
#   up s        seconds from starting N client processes at once until each has passed
#               one ping through the hub (both measured the same way)
#   hs/s        N / up s: client sessions made per second, handshakes included
#   idle KiB    the hub's resident memory per configured peer that never connected
#               (tunkit: hub with N peers minus hub with 1, over N - 1; OpenVPN keeps no
#               state before a client connects: "-")
#   peer KiB    the hub's resident memory per connected peer (N connected minus 1, over
#               N - 1)
#   gbit1, gbit10, gbit100
#               Gbit/s received at the hub from 1, 10 and 100 clients sending TCP at once
#               (one stream each, through its own device)
#
#   A: hub 198.51.100.1, tunnel 192.0.2.1/24       B: 198.51.100.2, N clients, each a
#      |veth                                          process with a device of its own
#
# Options:
#   --peers N       clients (default 200, 2 to 250)
#   --rounds R      rounds (default 3)
#   --seconds S     seconds per throughput run (default 5)
#   --only LIST     tunkit, openvpn (comma list)
#   --quick         1 round, 50 peers, 2 s; OpenVPN skipped when not installed
#   TUNKIT          the binary (default build/tunkit beside this script, else PATH)
#
# OpenVPN is installed from Debian when missing (not with --quick).  Everything lives in
# the two namespaces made here (tkhA-$$, tkhB-$$) with documentation addresses; what was
# started is killed by PID and the namespaces deleted on exit.  Progress on standard error,
# the tables on standard output.  Root only.
set -u
export LC_ALL=C

N="" ROUNDS="" SECS="" ONLY="" QUICK=0 TK=""
usage() { sed -n '/^# Options:/,/^# *TUNKIT /p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--peers) N=${2:?}; shift ;;
	--rounds) ROUNDS=${2:?}; shift ;;
	--seconds) SECS=${2:?}; shift ;;
	--only) ONLY=${2:?}; shift ;;
	--quick) QUICK=1 ;;
	-h | --help) usage 0 ;;
	-*) echo "bench: unknown option $1" >&2; usage ;;
	*) TK=$1 ;;
	esac
	shift
done
[ "$QUICK" = 1 ] && { ROUNDS=${ROUNDS:-1}; SECS=${SECS:-2}; N=${N:-50}; }
N=${N:-200} ROUNDS=${ROUNDS:-3} SECS=${SECS:-5} ONLY=${ONLY:-tunkit,openvpn}
case $N$ROUNDS$SECS in *[!0-9]*) usage ;; esac
[ "$N" -ge 2 ] && [ "$N" -le 250 ] && [ "$ROUNDS" -ge 1 ] && [ "$SECS" -ge 1 ] || usage
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
note() { echo "bench: $*" >&2; }
for t in ip jq ping timeout openssl /usr/bin/python3; do
	command -v $t >/dev/null || { note "$t missing"; exit 2; }
done
TK=${TK:-$(dirname "$0")/../build/tunkit}
[ -x "$TK" ] || TK=$(command -v tunkit) || { note "no tunkit binary; pass its path"; exit 2; }
TK=$(readlink -f "$TK")
SYSTEMS=""
for s in ${ONLY//,/ }; do
	case $s in
	tunkit) SYSTEMS+=" tunkit" ;;
	openvpn)
		if ! command -v openvpn >/dev/null && [ "$QUICK" = 0 ]; then
			note "installing openvpn"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				openvpn >/dev/null 2>&1
		fi
		if command -v openvpn >/dev/null; then SYSTEMS+=" openvpn"; else note "skipping openvpn"; fi ;;
	*) note "unknown system $s"; usage ;;
	esac
done

A=tkhA-$$ B=tkhB-$$
WORK=$(mktemp -d /tmp/tk-bench-hub.XXXXXX)
PIDS=""
stop_all() {
	[ -n "$PIDS" ] && kill $PIDS 2>/dev/null
	local i=0
	while [ $i -lt 100 ] && for p in $PIDS; do kill -0 "$p" 2>/dev/null && break; done; do
		sleep 0.1; i=$((i + 1))
	done
	[ -n "$PIDS" ] && kill -9 $PIDS 2>/dev/null
	wait 2>/dev/null
	PIDS=""
	# the devices go with their processes: the next system makes the same names
	i=0
	while [ $i -lt 300 ] && [ -n "$(ip -n "$A" -o link show type tun; ip -n "$B" -o link show type tun)" ]; do
		sleep 0.1; i=$((i + 1))
	done
}
cleanup() { stop_all; ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$A" && ip netns add "$B" || exit 1
ip -n "$A" link add va type veth peer name vb netns "$B"
for n in "$A" "$B"; do
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$A" addr add 198.51.100.1/24 dev va
ip -n "$B" addr add 198.51.100.2/24 dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" >>"$WORK/log" 2>&1 & PIDS+=" $!"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { echo "$EPOCHREALTIME"; }
dev_of() { echo "c$1"; } # client k's device

# --- tunkit ---------------------------------------------------------------------------
(umask 077 && "$TK" genkey "$WORK/hub.key" && for k in $(seq 1 "$N"); do "$TK" genkey "$WORK/c$k.key"; done)
HUBPUB=$("$TK" pubkey "$WORK/hub.key")
tk_conf() { # PEERS: the hub's configuration with that many peers
	printf 'listen = 198.51.100.1:7000\nprivate-key = %s\ndev = hub0\naddr = 192.0.2.1/24\n' "$WORK/hub.key"
	for k in $(seq 1 "$1"); do
		printf 'peer = %s\nallowed-ips = 192.0.2.%d/32\n' "$("$TK" pubkey "$WORK/c$k.key")" $((k + 1))
	done
}
tk_conf 1 >"$WORK/hub1.conf"
tk_conf "$N" >"$WORK/hubN.conf"
tunkit_hub() { # CONF: the hub; its pid in HUB, once its control socket answers
	bg "$A" "$TK" -q tunnel --config "$1"
	HUB=${PIDS##* }
	local i=0
	until ip netns exec "$A" "$TK" -j show hub0 2>/dev/null | jq -e '.[0].tunnel != null' >/dev/null || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
tunkit_client() { # K: client k, device cK, 192.0.2.(K+1)
	bg "$B" "$TK" -q tunnel --connect 198.51.100.1:7000 --private-key "$WORK/c$1.key" \
		--peer "$HUBPUB" --dev "c$1" --addr "192.0.2.$(($1 + 1))/32" --peer-addr 192.0.2.1 --workers 1
}
tk_idle() { # the hub's memory per idle peer, KiB
	local r1 rn
	tunkit_hub "$WORK/hub1.conf"; sleep 1; r1=$(rss "$HUB"); stop_all
	tunkit_hub "$WORK/hubN.conf"; sleep 1; rn=$(rss "$HUB"); stop_all
	echo "$rn $r1" | awk -v n="$N" '{ printf "%.2f\n", ($1 - $2) / (n - 1) }'
}

# --- OpenVPN ---------------------------------------------------------------------------
ov_pki() {
	local d=$WORK/pki
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.crt" -days 2 -subj /CN=tkca >/dev/null 2>&1 || return 1
	for s in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$s.key" \
			-out "$d/$s.csr" -subj "/CN=tk$s" >/dev/null 2>&1 &&
		printf 'extendedKeyUsage=%s\n' "$([ $s = server ] && echo serverAuth || echo clientAuth)" >"$d/$s.ext" &&
		openssl x509 -req -in "$d/$s.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
			-days 2 -extfile "$d/$s.ext" -out "$d/$s.crt" >/dev/null 2>&1 || return 1
	done
}
OV="--dev-type tun --proto udp --data-ciphers AES-256-GCM --disable-dco --tun-mtu 1420 --verb 1 --ca $WORK/pki/ca.crt"
openvpn_hub() {
	bg "$A" openvpn --dev hub0 $OV --server 192.0.2.0 255.255.255.0 --topology subnet \
		--local 198.51.100.1 --port 1194 --cert "$WORK/pki/server.crt" --key "$WORK/pki/server.key" \
		--dh none --duplicate-cn --max-clients 1024 --keepalive 10 60
	HUB=${PIDS##* }
	local i=0
	until ip -n "$A" addr show hub0 2>/dev/null | grep -q 192.0.2.1 || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
openvpn_client() {
	bg "$B" openvpn --client --dev "c$1" $OV --remote 198.51.100.1 1194 \
		--cert "$WORK/pki/client.crt" --key "$WORK/pki/client.key" --nobind
}

# --- measures, the same for both ---------------------------------------------------------
# up_all SYSTEM: start N clients at once; UP gets the seconds until each passed a ping
# (120 s at most, else nan).  Not in a subshell: the clients' pids must reach PIDS.
up_all() {
	local t0 left k ok pp
	t0=$(now)
	for k in $(seq 1 "$N"); do "${1}_client" "$k"; done
	left=$(seq 1 "$N")
	while [ -n "$left" ]; do
		# a ping for every client still out, all at once: one that is not up yet must not
		# hold up the others' measure for its second of waiting
		pp=""
		for k in $left; do
			{ ip netns exec "$B" ping -c 1 -W 0.25 -I "c$k" 192.0.2.1 >/dev/null 2>&1 ||
				echo "$k" >"$WORK/out.$k"; } &
			pp+=" $!"
		done
		wait $pp
		ok=""
		for k in $left; do
			[ -e "$WORK/out.$k" ] && { ok+=" $k"; rm -f "$WORK/out.$k"; }
		done
		left=$ok
		[ -n "$left" ] && sleep 0.1
		if [ "$(echo "$(now) $t0" | awk '{ print ($1 - $2 > 120) }')" = 1 ]; then
			note "$1: not all up in 120 s (not: $left; the log: /tmp/tk-bench-hub.log)"
			cp "$WORK/log" /tmp/tk-bench-hub.log
			UP=nan
			return
		fi
	done
	UP=$(echo "$(now) $t0" | awk '{ printf "%.2f\n", $1 - $2 }')
}
# gbit K: Gbit/s received at 192.0.2.1:7001 from clients 1..K, one TCP stream each
gbit() {
	ip netns exec "$A" timeout $((SECS + 30)) /usr/bin/python3 -c '
import socket, sys, threading, time
secs = float(sys.argv[1]); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 7001)); s.listen(256); total = [0]; start = [0.0]; lock = threading.Lock()
def rd(c):
    while True:
        b = c.recv(1 << 16)
        if not b: break
        if start[0] and time.time() - start[0] <= secs:
            with lock: total[0] += len(b)
s.settimeout(20)
ts = []
for i in range(int(sys.argv[2])):
    c, _ = s.accept()
    if not start[0]: start[0] = time.time() + 1   # one second of warming up
    t = threading.Thread(target=rd, args=(c,), daemon=True); t.start(); ts.append(t)
for t in ts: t.join(secs + 10)
print("%.3f" % (total[0] * 8 / secs / 1e9))' "$SECS" "$1" >"$WORK/gbit" &
	local sp=$!
	sleep 0.5
	ip netns exec "$B" timeout $((SECS + 30)) /usr/bin/python3 -c '
import socket, sys, threading, time
secs, k = float(sys.argv[1]), int(sys.argv[2]); buf = bytes(1 << 16)
def wr(i):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"c%d" % i)
    c.settimeout(20); c.connect(("192.0.2.1", 7001)); end = time.time() + secs + 1.5
    while time.time() < end: c.sendall(buf)
    c.close()
ts = [threading.Thread(target=wr, args=(i,)) for i in range(1, k + 1)]
for t in ts: t.start()
for t in ts: t.join()' "$SECS" "$1" 2>>"$WORK/log"
	wait $sp
	cat "$WORK/gbit"
}

run_round() { # SYSTEM: one line "up hs idle peer gbit1 gbit10 gbit100"
	local sys=$1 up r1 rn idle=- peer g1 g10 g100 kk
	[ "$sys" = tunkit ] && idle=$(tk_idle)
	"${sys}_hub" "$([ "$sys" = tunkit ] && echo "$WORK/hubN.conf")"
	up_all "$sys"
	up=$UP
	r1=$(rss "$HUB")
	rn=$r1
	sleep 1
	rn=$(rss "$HUB")
	# memory per connected peer: the hub with N connected, against 1 connected (a new hub)
	g1=$(gbit 1)
	kk=10; [ "$N" -lt 10 ] && kk=$N; g10=$(gbit $kk)
	kk=100; [ "$N" -lt 100 ] && kk=$N; g100=$(gbit $kk)
	stop_all
	"${sys}_hub" "$([ "$sys" = tunkit ] && echo "$WORK/hubN.conf")"
	"${sys}_client" 1
	local i=0
	until ip netns exec "$B" ping -c 1 -W 1 -I c1 192.0.2.1 >/dev/null 2>&1 || [ $i -ge 60 ]; do i=$((i + 1)); done
	sleep 1
	r1=$(rss "$HUB")
	stop_all
	peer=$(echo "$rn $r1" | awk -v n="$N" '{ printf "%.2f\n", ($1 - $2) / (n - 1) }')
	echo "$up $(echo "$up" | awk -v n="$N" '{ printf "%.1f", n / $1 }') $idle $peer $g1 $g10 $g100"
}

[[ $SYSTEMS == *openvpn* ]] && { ov_pki || { note "openssl failed: skipping openvpn"; SYSTEMS=${SYSTEMS/openvpn/}; }; }
for r in $(seq 1 "$ROUNDS"); do
	for s in $SYSTEMS; do
		note "round $r: $s with $N clients"
		run_round "$s" >>"$WORK/$s.rounds"
	done
done
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$WORK/$1.rounds" | grep -v '^-$' | median; }
echo "hub with $N clients, $ROUNDS rounds, medians (kernel $(uname -r), $(nproc) CPUs)"
printf '%-10s %8s %8s %9s %9s %7s %7s %8s\n' system "up s" "hs/s" "idle KiB" "peer KiB" gbit1 gbit10 gbit100
for s in $SYSTEMS; do
	printf '%-10s %8s %8s %9s %9s %7s %7s %8s\n' "$s" "$(col $s 1)" "$(col $s 2)" "$(col $s 3)" \
		"$(col $s 4)" "$(col $s 5)" "$(col $s 6)" "$(col $s 7)"
done
if [[ $SYSTEMS == *tunkit* && $SYSTEMS == *openvpn* ]]; then
	echo
	echo "tunkit / openvpn (up s and KiB: below 1 is better; the others: above 1 is better)"
	printf '%-10s %8s %8s %9s %9s %7s %7s %8s\n' ratio \
		"$(echo "$(col tunkit 1) $(col openvpn 1)" | awk '{ printf "%.2f", $1 / $2 }')" \
		"$(echo "$(col tunkit 2) $(col openvpn 2)" | awk '{ printf "%.2f", $1 / $2 }')" - \
		"$(echo "$(col tunkit 4) $(col openvpn 4)" | awk '{ printf "%.2f", $1 / $2 }')" \
		"$(echo "$(col tunkit 5) $(col openvpn 5)" | awk '{ printf "%.2f", $1 / $2 }')" \
		"$(echo "$(col tunkit 6) $(col openvpn 6)" | awk '{ printf "%.2f", $1 / $2 }')" \
		"$(echo "$(col tunkit 7) $(col openvpn 7)" | awk '{ printf "%.2f", $1 / $2 }')"
fi
