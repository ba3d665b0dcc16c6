#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/batch.sh [TUNKIT] [N] [ROUNDS]: N creates through `tunkit -b`
# against `ip -batch` doing the same work (tuntap add ... mode tap), in a
# private namespace, interleaved rounds, medians and the ratio.  Not a test.
set -eu
TUNKIT=$(readlink -f "${1:-build/tunkit}")
N=${2:-1000}
ROUNDS=${3:-5}
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
if [ -z "${TK_IN_NETNS:-}" ]; then
	TK_IN_NETNS=1 exec unshare -n -- bash "$0" "$TUNKIT" "$N" "$ROUNDS"
fi
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < N; i++)); do echo "create tap$i --mode tap"; done >"$tmp/tk"
for ((i = 0; i < N; i++)); do echo "tuntap add dev tap$i mode tap"; done >"$tmp/ip"
ms() { local t0 t1; sleep 1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
med() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
tk="" ip=""
for ((r = 0; r < ROUNDS; r++)); do
	tk+=" $(ms "$TUNKIT" -q -b "$tmp/tk")"; "$TUNKIT" -q delete --all
	ip+=" $(ms ip -batch "$tmp/ip")"; "$TUNKIT" -q delete --all
done
t=$(echo "$tk" | med) i=$(echo "$ip" | med)
echo "$N creates, median of $ROUNDS: tunkit -b $t ms, ip -batch $i ms, ip/tunkit = $(awk -v a="$i" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
