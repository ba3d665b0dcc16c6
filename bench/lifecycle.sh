#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/lifecycle.sh [TUNKIT] [N] [ROUNDS]: create and delete N tap devices
# with tunkit (--count, delete --all), with a shell loop of `ip tuntap`, and
# with `ip -batch`; then `tunkit -j show` against `ip -j -d link show` with N
# devices.  Interleaved rounds in a private network namespace; medians and
# ratios.  Not a test: it measures.
set -eu
TUNKIT=$(readlink -f "${1:-build/tunkit}")
N=${2:-1000}
ROUNDS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
if [ -z "${TK_IN_NETNS:-}" ]; then
	TK_IN_NETNS=1 exec unshare -n -- bash "$0" "$TUNKIT" "$N" "$ROUNDS"
fi
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < N; i++)); do echo "tuntap add dev tap$i mode tap"; done >"$tmp/add"
for ((i = 0; i < N; i++)); do echo "link del tap$i"; done >"$tmp/del"

ms() { # CMD...: wall milliseconds of CMD, after the kernel's deferred work settles
	local t0 t1
	sleep 1
	t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
loop_add() { for ((i = 0; i < N; i++)); do ip tuntap add dev tap$i mode tap; done; }
loop_del() { for ((i = 0; i < N; i++)); do ip tuntap del dev tap$i mode tap; done; }
count() { ip -j link show | jq '[.[] | select(.ifname | startswith("tap"))] | length'; }
declare -A R
rec() { R[$1]="${R[$1]:-} $2"; }

for ((r = 1; r <= ROUNDS; r++)); do
	rec tk_create "$(ms "$TUNKIT" -q create -m tap --count "$N" 'tap%d')"
	[ "$(count)" = "$N" ] || { echo "bench: tunkit made $(count) devices" >&2; exit 1; }
	rec tk_show "$(ms "$TUNKIT" -j show)"
	rec ip_show "$(ms ip -j -d link show)"
	rec tk_delete "$(ms "$TUNKIT" -q delete --all)"
	sleep 3
	rec batch_create "$(ms ip -batch "$tmp/add")"
	rec batch_delete "$(ms ip -batch "$tmp/del")"
	rec loop_create "$(ms loop_add)"
	rec loop_delete "$(ms loop_del)"
	[ "$(count)" = 0 ] || { echo "bench: devices left over" >&2; exit 1; }
	sleep 3 # the kernel frees 1,000 devices behind RCU: let that settle before creating
done

med() { tr ' ' '\n' <<<"${R[$1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "lifecycle of $N tap devices, median of $ROUNDS rounds (ms; ratio = other / tunkit)"
printf "%-10s %10s %12s %10s %12s %10s\n" what tunkit "ip -batch" ratio "ip loop" ratio
for w in create delete; do
	t=$(med tk_$w) b=$(med batch_$w) l=$(med loop_$w)
	printf "%-10s %10s %12s %10s %12s %10s\n" $w "$t" "$b" "$(ratio "$b" "$t")" "$l" "$(ratio "$l" "$t")"
done
t=$(med tk_show) i=$(med ip_show)
echo "show with $N devices: tunkit -j show $t ms, ip -j -d link show $i ms, tunkit/ip = $(ratio "$t" "$i")"
