#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/tunnel.sh [OPTIONS] [TUNKIT]: tunkit's tunnel next to the tools you
# would otherwise use, between two private namespaces on one veth (issue 6).
# A benchmark, not a test.  In one run, interleaved (every path once per
# round, the order rotated), medians over the rounds:
#
#   veth            the raw underlay, no tunnel
#   vxlan           the kernel's VXLAN (UDP 4789)
#   vtun-udp        vtun, TCP control, UDP data, no encryption
#   vtun-tcp        vtun, data over the TCP connection too (tunkit-tcp-* stand against it)
#   openvpn-gcm     OpenVPN over UDP, TLS (self-signed, peer fingerprints), AES-256-GCM
#   wireguard-go    userspace WireGuard, configured with wg
#   socat           socat TUN <-> UDP datagrams, no encryption
#   tunkit-{udp,tcp}-{tun,tap}   tunkit tunnel, both transports, both modes
#                   (UDP with its default workers: one per CPU)
#   tunkit-udp-tun-w1   the same with one worker (--workers 1), to see what the
#                   others add
#
#   A 198.51.100.1 ===veth=== 198.51.100.2 B     overlay 192.0.2.1 <-> 192.0.2.2
#
# Measured from A to B over the overlay (MTU 1420 wherever it can be set):
#   tcp1, tcp4   iperf3 TCP, 1 and 4 streams, Gbit/s received
#   udp64        iperf3 UDP, 64-byte payloads, unlimited rate: thousands of
#                packets/s received, and the loss in %
#   rtt          ping, 20 at 50 ms, average ms
#   cpu/GB       user+system seconds of the tunnel processes (both sides and
#                their children, /proc/PID/stat) during the two TCP runs, per
#                GB received; "-" for the kernel's paths
#   rss          peak resident set (VmHWM) of the larger tunnel process, MiB
# then a table of ratios to raw veth and to the best peer: the best of the
# userspace tunnels (vtun, OpenVPN, wireguard-go, socat) in each column;
# vxlan, in the kernel and unencrypted, stands with veth as a bound.
#
# Peers missing from the machine are installed from Debian (apt-get); one
# that cannot be installed or set up is skipped with a note.  Progress goes
# to standard error, the tables to standard output.
#
# Options:
#   --rounds N      rounds (default 3)
#   --seconds S     seconds per iperf3 run (default 5)
#   --only LIST     comma list of paths; a name also selects NAME-*
#                   (--only tunkit,veth)
#   --quick         1 round of 2 s; peers not installed are skipped, not installed
#   --json FILE     every round's results and the medians, as JSON
#   --plot FILE.png bar charts of the medians (gnuplot): tunkit red, the
#                   peers blue, veth and vxlan grey
#   TUNKIT          the binary (default build/tunkit beside this script, else PATH)
#
# All addresses are documentation ranges inside the two namespaces made
# here (tkA-$$, tkB-$$); nothing is configured in the calling namespace.
# Every traffic generator is bounded in time, every wait in count; what was
# started is killed by PID and the namespaces deleted on exit.  Root only.
set -u
export LC_ALL=C

ROUNDS="" SECS="" ONLY="" QUICK=0 JSON="" PLOT="" TK=""
usage() { sed -n '/^# Options:/,/^# *TUNKIT /p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=${2:?}; shift ;;
	--seconds) SECS=${2:?}; shift ;;
	--only) ONLY=${2:?}; shift ;;
	--quick) QUICK=1 ;;
	--json) JSON=${2:?}; shift ;;
	--plot) PLOT=${2:?}; shift ;;
	-h | --help) usage 0 ;;
	-*) echo "bench: unknown option $1" >&2; usage ;;
	*) TK=$1 ;;
	esac
	shift
done
[ "$QUICK" = 1 ] && { ROUNDS=${ROUNDS:-1}; SECS=${SECS:-2}; }
ROUNDS=${ROUNDS:-3} SECS=${SECS:-5}
case $ROUNDS$SECS in *[!0-9]*) usage ;; esac
[ "$ROUNDS" -ge 1 ] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 60 ] || usage

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
for t in ip iperf3 jq ping ss ps timeout; do
	command -v $t >/dev/null || { echo "bench: $t missing" >&2; exit 2; }
done

PATHS="veth vxlan vtun-udp vtun-tcp openvpn-gcm wireguard-go socat tunkit-udp-tun tunkit-udp-tun-w1 tunkit-udp-tap tunkit-tcp-tun tunkit-tcp-tap"
selected() { # PATH: on the --only list (a name there also selects NAME-*)
	[ -z "$ONLY" ] && return 0
	local w
	for w in ${ONLY//,/ }; do
		case $1 in "$w" | "$w"-*) return 0 ;; esac
	done
	return 1
}
SEL=""
for p in $PATHS; do selected "$p" && SEL+=" $p"; done
[ -n "$SEL" ] || { echo "bench: --only $ONLY names no path (paths: $PATHS)" >&2; exit 2; }

if [[ $SEL == *tunkit* ]]; then
	TK=${TK:-$(dirname "$0")/../build/tunkit}
	[ -x "$TK" ] || TK=$(command -v tunkit) || { echo "bench: no tunkit binary; pass its path" >&2; exit 2; }
	TK=$(readlink -f "$TK")
fi

note() { echo "bench: $*" >&2; }

# Peers: the commands each needs and the Debian packages that bring them.
needs() {
	case $1 in
	vtun-udp | vtun-tcp) echo "vtund:vtun" ;;
	openvpn-gcm) echo "openvpn:openvpn openssl:openssl" ;;
	wireguard-go) echo "wireguard-go:wireguard-go wg:wireguard-tools" ;;
	socat) echo "socat:socat" ;;
	esac
}
have() { local n; for n in $(needs "$1"); do command -v "${n%%:*}" >/dev/null || return 1; done; }
UPDATED=0
install_pkgs() { # PKG...: apt-get install, quietly; status of the install
	export DEBIAN_FRONTEND=noninteractive
	[ "$UPDATED" = 1 ] || { apt-get update -qq >/dev/null 2>&1; UPDATED=1; }
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}
RUN=""
for p in $SEL; do
	have "$p" && { RUN+=" $p"; continue; }
	if [ "$QUICK" = 1 ]; then
		note "skipping $p: not installed (--quick installs nothing)"
		continue
	fi
	pkgs=$(for n in $(needs "$p"); do command -v "${n%%:*}" >/dev/null || echo "${n#*:}"; done)
	note "installing for $p:" $pkgs
	if install_pkgs $pkgs && have "$p"; then RUN+=" $p"; else note "skipping $p: apt-get install $pkgs failed"; fi
done
[ -n "$RUN" ] || { note "nothing to run"; exit 2; }
if [ -n "$PLOT" ] && ! command -v gnuplot >/dev/null; then
	note "installing gnuplot-nox for --plot"
	install_pkgs gnuplot-nox || { note "no gnuplot: --plot ignored"; PLOT=""; }
fi

A=tkA-$$ B=tkB-$$
UA=198.51.100.1 UB=198.51.100.2 OA=192.0.2.1 OB=192.0.2.2
MTU=1420
WORK=$(mktemp -d /tmp/tk-bench-tunnel.XXXXXX)
RES=$WORK/results # lines: PATH ROUND METRIC VALUE
: >"$RES"
PIDS="" HELPERS=""

descendants() { # PID...: the PIDs and all their live descendants
	ps -e -o pid= -o ppid= | awk -v roots="$*" '
		{ kids[$2] = kids[$2] " " $1; alive[$1] = 1 }
		END {
			n = split(roots, q, " ")
			for (i = 1; i <= n; i++) {
				if (!(q[i] in alive) || (q[i] in seen)) continue
				seen[q[i]] = 1; printf "%s ", q[i]
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++) q[++n] = k[j]
			}
		}'
}
cpu_ticks() { # PID...: utime+stime of the PIDs and their descendants
	local p s t=0 f
	for p in $(descendants "$@"); do
		{ read -r s <"/proc/$p/stat"; } 2>/dev/null || continue
		read -ra f <<<"${s##*) }"
		t=$((t + f[11] + f[12]))
	done
	echo $t
}
peak_kib() { # PID...: the largest VmHWM among them and their descendants
	local p k m=0
	for p in $(descendants "$@"); do
		k=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		[ "${k:-0}" -gt "$m" ] && m=$k
	done
	echo $m
}
stop() { # PID...: TERM, then KILL what is left after 2 s
	local all i
	all=$(descendants "$@")
	[ -n "$all" ] || return 0
	kill -TERM $all 2>/dev/null
	for i in $(seq 20); do
		all=$(descendants $all)
		[ -n "$all" ] || return 0
		sleep 0.1
	done
	kill -KILL $all 2>/dev/null
	sleep 0.1
}

teardown() {
	[ -n "$PIDS$HELPERS" ] && stop $PIDS $HELPERS
	wait 2>/dev/null
	PIDS="" HELPERS=""
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	return 0
}
cleanup() { teardown; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
bg() { # NS LOG CMD...: a tunnel process, in the background
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >"$WORK/$log.log" 2>&1 &
	PIDS+=" $!"
}
wait_for() { # TENTHS CMD...: until CMD succeeds, at most TENTHS tenths of a second
	local i
	for ((i = 0; i < $1; i++)); do
		"${@:2}" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
up() { # NS DEV CIDR: address, MTU, up
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" mtu $MTU up
}

underlay() {
	local n
	ip netns add "$A" && ip netns add "$B" || return 1
	for n in "$A" "$B"; do
		ip -n "$n" link set lo up
		# no IPv6: no router solicitations on a new tun before it is up,
		# whose write fails with EIO and ends vtund
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$A" link add va type veth peer name vb netns "$B" || return 1
	ip -n "$A" addr add $UA/24 dev va && ip -n "$A" link set va up &&
		ip -n "$B" addr add $UB/24 dev vb && ip -n "$B" link set vb up || return 1
	wait_for 50 inA ping -c 1 -W 1 $UB
}

# Each path sets up its tunnel (processes started with bg) and sets PEER,
# B's address to measure against.
path_veth() { PEER=$UB; }

path_vxlan() {
	ip -n "$A" link add vx type vxlan id 42 local $UA remote $UB dstport 4789 dev va &&
		ip -n "$B" link add vx type vxlan id 42 local $UB remote $UA dstport 4789 dev vb &&
		up "$A" vx $OA/24 && up "$B" vx $OB/24 || return 1
	PEER=$OB
}

vtun() { # PROTO: vtund in both namespaces, data over PROTO
	local s addr
	mkdir -p /var/lock/vtund # its session locks (Debian's init script makes it)
	for s in A B; do
		[ $s = A ] && addr=$OA || addr=$OB
		cat >"$WORK/vtund$s.conf" <<-EOF
			options { port 5000; timeout 10; syslog daemon; }
			tk$$ {
			  passwd tk-bench-only; type tun; proto $1; device tkvt;
			  compress no; encrypt no; keepalive no; stat no; speed 0; multi killold;
			  up { program /sbin/ip "addr add $addr/24 dev %%" wait;
			       program /sbin/ip "link set %% mtu $MTU up" wait; };
			}
		EOF
	done
	bg "$B" vtundB vtund -s -n -f "$WORK/vtundB.conf"
	wait_for 50 inB sh -c 'ss -Hltn "sport = :5000" | grep -q .' || return 1
	bg "$A" vtundA vtund -n -f "$WORK/vtundA.conf" tk$$ $UB
	PEER=$OB
}
path_vtun-udp() { vtun udp; }
path_vtun-tcp() { vtun tcp; }

ovpn() { # NS ADDR LOCAL REMOTE ARGS...
	local ns=$1 addr=$2 l=$3 r=$4
	shift 4
	bg "$ns" "openvpn-$ns" openvpn --dev tkov --dev-type tun --topology subnet \
		--ifconfig "$addr" 255.255.255.0 --tun-mtu $MTU --proto udp \
		--local "$l" --lport 1194 --remote "$r" --rport 1194 \
		--disable-dco --verb 3 --mute-replay-warnings --data-ciphers AES-256-GCM "$@"
}
path_openvpn-gcm() {
	local s fa fb
	for s in A B; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$WORK/$s.key" -out "$WORK/$s.crt" -days 2 -subj "/CN=tk$s" \
			>/dev/null 2>&1 || return 1
	done
	fa=$(openssl x509 -in "$WORK/A.crt" -noout -fingerprint -sha256 | cut -d= -f2)
	fb=$(openssl x509 -in "$WORK/B.crt" -noout -fingerprint -sha256 | cut -d= -f2)
	ovpn "$B" $OB $UB $UA --tls-server --dh none --cert "$WORK/B.crt" \
		--key "$WORK/B.key" --peer-fingerprint "$fa"
	ovpn "$A" $OA $UA $UB --tls-client --cert "$WORK/A.crt" \
		--key "$WORK/A.key" --peer-fingerprint "$fb"
	PEER=$OB
}

path_wireguard-go() {
	# wireguard-go's UAPI socket is /var/run/wireguard/DEV.sock, one
	# directory for every namespace: a name of each side's own
	local s wa=wgA$$ wb=wgB$$
	for s in A B; do
		(umask 077 && wg genkey >"$WORK/wg$s.key") &&
			wg pubkey <"$WORK/wg$s.key" >"$WORK/wg$s.pub" || return 1
	done
	bg "$A" wgA env WG_PROCESS_FOREGROUND=1 wireguard-go -f $wa
	bg "$B" wgB env WG_PROCESS_FOREGROUND=1 wireguard-go -f $wb
	# the device, then its UAPI socket
	wait_for 50 inA wg show $wa && wait_for 50 inB wg show $wb || return 1
	inA wg set $wa private-key "$WORK/wgA.key" listen-port 51820 \
		peer "$(cat "$WORK/wgB.pub")" allowed-ips $OB/32 endpoint $UB:51820 &&
		inB wg set $wb private-key "$WORK/wgB.key" listen-port 51820 \
			peer "$(cat "$WORK/wgA.pub")" allowed-ips $OA/32 endpoint $UA:51820 &&
		up "$A" $wa $OA/24 && up "$B" $wb $OB/24 || return 1
	PEER=$OB
}

path_socat() {
	bg "$B" socatB socat -b 65536 "TUN:$OB/24,tun-name=tksc,tun-type=tun,iff-no-pi,iff-up" \
		"UDP-DATAGRAM:$UA:4791,bind=$UB:4791"
	bg "$A" socatA socat -b 65536 "TUN:$OA/24,tun-name=tksc,tun-type=tun,iff-no-pi,iff-up" \
		"UDP-DATAGRAM:$UB:4791,bind=$UA:4791"
	wait_for 50 ip -n "$A" link show tksc && wait_for 50 ip -n "$B" link show tksc &&
		ip -n "$A" link set tksc mtu $MTU && ip -n "$B" link set tksc mtu $MTU || return 1
	PEER=$OB
}

tk_up() { # NS: the tunnel's control socket says the session is up
	[ "$("$TK" -n "$1" -j show tk 2>/dev/null | jq '.[0].tunnel.session_up')" = true ]
}
tk_up_dev() { ip -n "$1" link show tk; }
path_tunkit() { # TRANSPORT MODE [OPTIONS]
	[ -f "$WORK/tk.key" ] || "$TK" genkey "$WORK/tk.key" || return 1
	local o=(--key "$WORK/tk.key" --dev tk --transport "$1" --mode "$2" --mtu "$MTU" "${@:3}")
	bg "$B" tunkitB "$TK" tunnel --listen $UB:5000 --addr $OB/24 "${o[@]}"
	wait_for 50 tk_up_dev "$B" || return 1
	bg "$A" tunkitA "$TK" tunnel --connect $UB:5000 --addr $OA/24 "${o[@]}"
	wait_for 100 tk_up "$A" && wait_for 50 tk_up "$B" || return 1
	PEER=$OB
}
path_tunkit-udp-tun() { path_tunkit udp tun; }
path_tunkit-udp-tun-w1() { path_tunkit udp tun --workers 1; }
path_tunkit-udp-tap() { path_tunkit udp tap; }
path_tunkit-tcp-tun() { path_tunkit tcp tun; }
path_tunkit-tcp-tap() { path_tunkit tcp tap; }

# ---------------------------------------------------------------- measuring
R() { echo "$P $ROUND $1 $2" >>"$RES"; }
jqv() { jq -r "$1 // empty" "$2" 2>/dev/null | head -1; }

iperf() { # NAME ARGS...: one iperf3 run from A to B, JSON in $WORK/NAME.json
	local name=$1
	shift
	inB timeout $((SECS + 30)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	HELPERS+=" $!"
	wait_for 50 inB sh -c 'ss -Hltn "sport = :5201" | grep -q .' || { note "$P: no iperf3 server"; return 1; }
	inA timeout $((SECS + 20)) iperf3 -c $PEER -p 5201 -t "$SECS" -J "$@" >"$WORK/$name.json" 2>/dev/null
	stop $HELPERS
	wait $HELPERS 2>/dev/null
	HELPERS=""
	sleep 0.3
}

measure() {
	local out t0 t1 c=0 bytes=0 n f b
	out=$(inA ping -q -c 20 -i 0.05 -W 1 $PEER 2>&1)
	R rtt_ms "$(echo "$out" | awk -F/ '/^rtt|^round-trip/ { print $5 }')"
	for n in 1 4; do
		f=$WORK/tcp$n.json
		rm -f "$f"
		[ -n "$PIDS" ] && t0=$(cpu_ticks $PIDS)
		iperf tcp$n -P $n
		[ -n "$PIDS" ] && t1=$(cpu_ticks $PIDS) && c=$((c + t1 - t0))
		R tcp${n}_gbps "$(jqv '.end.sum_received.bits_per_second / 1e9 * 1000 | round / 1000' "$f")"
		R tcp${n}_retr "$(jqv '.end.sum_sent.retransmits' "$f")"
		b=$(jqv '.end.sum_received.bytes' "$f")
		bytes=$((bytes + ${b:-0}))
	done
	f=$WORK/udp64.json
	rm -f "$f"
	iperf udp64 -u -l 64 -b 0
	R udp64_kpps "$(jqv '.end.sum_received | select(.seconds > 0) | .bytes / 64 / .seconds / 1000 * 10 | round / 10' "$f")"
	R udp64_loss_pct "$(jqv '.end.sum_received.lost_percent * 10 | round / 10' "$f")"
	if [ -n "$PIDS" ]; then
		R cpu_s "$(awk -v t=$c -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / h }')"
		R tcp_gb "$(awk -v b=$bytes 'BEGIN { printf "%.3f", b / 1e9 }')"
		[ "$bytes" -gt 0 ] && R cpu_s_per_gb \
			"$(awk -v t=$c -v h="$(getconf CLK_TCK)" -v b=$bytes 'BEGIN { printf "%.3f", t / h / (b / 1e9) }')"
		R rss_mib "$(awk -v k="$(peak_kib $PIDS)" 'BEGIN { printf "%.1f", k / 1024 }')"
		for n in $PIDS; do [ -d /proc/$n ] || note "$P: a tunnel process ended during the run"; done
	fi
}

one() { # PATH: set up, measure, tear down
	P=$1 PEER=""
	if ! underlay; then
		note "$P: the veth underlay failed"
		teardown
		return 1
	fi
	if ! "path_$P" || ! wait_for 200 inA ping -c 1 -W 1 $PEER; then
		note "$P: set-up failed (round $ROUND), skipped; its log:"
		tail -n 5 "$WORK"/*.log 2>/dev/null | sed 's/^/    /' >&2
		R setup fail
		teardown
		rm -f "$WORK"/*.log
		return 1
	fi
	measure
	teardown
	rm -f "$WORK"/*.log
	awk -v p="$P" -v r="$ROUND" '$1 == p && $2 == r { printf " %s=%s", $3, $4 }
		END { printf "\n" }' "$RES" | sed "s/^/bench: round $ROUND $P:/" >&2
}

note "paths:$RUN; $ROUNDS round(s) of ${SECS} s per iperf3 run"
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	# veth first in every round, the others rotated by one a round
	set -- $RUN
	order=""
	[ "$1" = veth ] && { order=veth; shift; }
	k=$#
	for ((i = 0; i < k; i++)); do
		j=$(((i + ROUND - 1) % k + 1))
		order+=" ${!j}"
	done
	for p in $order; do one "$p"; done
done

# ---------------------------------------------------------------- the tables
MED=$WORK/medians # lines: PATH METRIC MEDIAN
awk '$4 ~ /^-?[0-9.]+$/ { k = $1 " " $3; v[k] = v[k] " " $4; if (!(k in seen)) { seen[k] = 1; o[++n] = k } }
	END {
		for (i = 1; i <= n; i++) {
			m = split(substr(v[o[i]], 2), a, " ")
			for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
			print o[i], (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		}
	}' "$RES" >"$MED"

echo "tunnel benchmark: $ROUNDS round(s), medians; iperf3 ${SECS} s per run; overlay MTU $MTU; kernel $(uname -r); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v order="$PATHS" '
	{ m[$1, $2] = $3; has[$1] = 1 }
	function v(p, k, f) { return ((p, k) in m) ? sprintf(f, m[p, k]) : "-" }
	function peer(p) { return p != "veth" && p != "vxlan" && p !~ /^tunkit/ }
	END {
		n = split(order, P, " ")
		printf "%-17s %7s %7s %7s %6s %7s %7s %6s\n", "path", "tcp1", "tcp4", "udp64", "loss", "rtt", "cpu/GB", "rss"
		printf "%-17s %7s %7s %7s %6s %7s %7s %6s\n", "", "Gbit/s", "Gbit/s", "kpps", "%", "ms", "s", "MiB"
		for (i = 1; i <= n; i++) {
			p = P[i]
			if (!(p in has)) continue
			printf "%-17s %7s %7s %7s %6s %7s %7s %6s\n", p, v(p, "tcp1_gbps", "%.2f"), v(p, "tcp4_gbps", "%.2f"),
				v(p, "udp64_kpps", "%.0f"), v(p, "udp64_loss_pct", "%.1f"), v(p, "rtt_ms", "%.3f"),
				v(p, "cpu_s_per_gb", "%.2f"), v(p, "rss_mib", "%.1f")
		}
		# the best peer in each column: highest throughput, lowest rtt, cpu, rss
		nk = split("tcp1_gbps tcp4_gbps udp64_kpps rtt_ms cpu_s_per_gb rss_mib", K, " ")
		for (j = 1; j <= nk; j++) {
			k = K[j]; hi = (j <= 3)
			for (i = 1; i <= n; i++) {
				p = P[i]
				if (!peer(p) || !((p, k) in m) || m[p, k] + 0 <= 0) continue
				if (!(k in best) || (hi ? m[p, k] + 0 > best[k] : m[p, k] + 0 < best[k])) { best[k] = m[p, k] + 0; bp[k] = p }
			}
		}
		printf "\nratios         ---------- to raw veth ----------  ------------------- to the best peer -------------------\n"
		printf "%-17s %7s %7s %7s %7s  %7s %7s %7s %7s %7s %7s\n", "path", "tcp1", "tcp4", "udp64", "rtt", "tcp1", "tcp4", "udp64", "rtt", "cpu/GB", "rss"
		for (i = 1; i <= n; i++) {
			p = P[i]
			if (!(p in has)) continue
			printf "%-17s", p
			for (j = 1; j <= 4; j++) {
				k = K[j]
				printf " %7s", (((p, k) in m) && m["veth", k] + 0 > 0) ? sprintf("%.2f", m[p, k] / m["veth", k]) : "-"
			}
			printf " "
			for (j = 1; j <= nk; j++) {
				k = K[j]
				printf " %7s", (((p, k) in m) && (k in best)) ? sprintf("%.2f", m[p, k] / best[k]) : "-"
			}
			printf "\n"
		}
		printf "best peer (userspace):"
		for (j = 1; j <= nk; j++) if (K[j] in best) printf "%s %s %s", (nb++ ? "," : ""), K[j], bp[K[j]]
		printf "\n(tcp1, tcp4, udp64: higher is better; rtt, cpu/GB, rss: lower is better)\n"
	}' "$MED"
awk '$3 == "setup" { f[$1]++ } END { for (p in f) printf "set-up failed: %s in %d round(s)\n", p, f[p] }' "$RES"

if [ -n "$JSON" ]; then
	jq -nR --argjson rounds "$ROUNDS" --argjson seconds "$SECS" --argjson mtu $MTU \
		--arg kernel "$(uname -r)" --rawfile med "$MED" '
		def num: tonumber? // .;
		[inputs | split(" ") | {path: .[0], round: (.[1] | tonumber), metric: .[2], value: (.[3] | num)}] as $r
		| {rounds: $rounds, seconds: $seconds, overlay_mtu: $mtu, kernel: $kernel,
		   runs: ($r | group_by(.path, .round) | map({path: .[0].path, round: .[0].round}
			+ (map({(.metric): .value}) | add))),
		   medians: ($med | split("\n") | map(select(length > 0) | split(" "))
			| group_by(.[0]) | map({path: .[0][0]} + (map({(.[1]): (.[2] | num)}) | add)))}' \
		<"$RES" >"$JSON" && note "results in $JSON"
fi

if [ -n "$PLOT" ]; then
	D=$WORK/plot.dat
	awk -v order="$PATHS" '{ m[$1, $2] = $3; has[$1] = 1 }
		function v(p, k) { return ((p, k) in m) ? m[p, k] : "-" }
		END {
			n = split(order, P, " ")
			for (i = 1; i <= n; i++) if (P[i] in has)
				print P[i], v(P[i], "tcp1_gbps"), v(P[i], "tcp4_gbps"), v(P[i], "udp64_kpps"),
					v(P[i], "rtt_ms"), v(P[i], "cpu_s_per_gb"), v(P[i], "rss_mib"),
					P[i] ~ /^tunkit/ ? 12582912 : P[i] ~ /^(veth|vxlan)$/ ? 8421504 : 4485828
		}' "$MED" >"$D"
	term="png size 1400,900"
	gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo && term="pngcairo size 1400,900 font ',9'"
	gnuplot <<-EOF && note "chart in $PLOT"
		set terminal $term
		set output '$PLOT'
		set datafile missing '-'
		set style fill solid 0.8 border -1
		set boxwidth 0.7
		set xrange [-0.6:$(($(wc -l <"$D") - 1)).6]
		set key off
		set grid ytics
		set yrange [0:*]
		set xtics rotate by 40 right nomirror
		set multiplot layout 2,3 title "tunnel benchmark: medians of $ROUNDS round(s), overlay MTU $MTU" \\
			margins 0.05,0.99,0.13,0.91 spacing 0.05,0.2
		array T[6]
		T[1] = 'TCP, 1 stream (Gbit/s)'; T[2] = 'TCP, 4 streams (Gbit/s)'
		T[3] = 'UDP 64 bytes (kpackets/s received)'; T[4] = 'ping RTT (ms, lower is better)'
		T[5] = 'tunnel CPU s per GB (lower is better)'; T[6] = 'peak RSS (MiB, lower is better)'
		do for [c = 2:7] {
			set title T[c - 1]
			plot '$D' using 0:c:8:xtic(1) with boxes lc rgb variable
		}
		unset multiplot
	EOF
fi
