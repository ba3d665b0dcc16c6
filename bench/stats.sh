#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/stats.sh [TUNKIT] [N] [ROUNDS]: with N tap devices in a private
# namespace, `tunkit -j stats` against `ip -j -s link show` (wall ms,
# medians, ratio), and the CPU cost of one --watch sample.  Not a test.
set -eu
TUNKIT=$(readlink -f "${1:-build/tunkit}")
N=${2:-1000}
ROUNDS=${3:-7}
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
if [ -z "${TK_IN_NETNS:-}" ]; then
	TK_IN_NETNS=1 exec unshare -n -- bash "$0" "$TUNKIT" "$N" "$ROUNDS"
fi
export LC_ALL=C
"$TUNKIT" -q create -m tap --count "$N" 'tap%d'
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
med() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
tk="" ip=""
for ((r = 0; r < ROUNDS; r++)); do
	tk+=" $(ms "$TUNKIT" -j stats)"
	ip+=" $(ms ip -j -s link show)"
done
t=$(echo "$tk" | med) i=$(echo "$ip" | med)
echo "stats of $N taps, median of $ROUNDS: tunkit -j stats $t ms, ip -j -s link show $i ms, tunkit/ip = $(awk -v a="$t" -v b="$i" 'BEGIN{printf "%.2f", a/b}')"
S=40
cpu=$( { /usr/bin/time -f "%U %S" "$TUNKIT" stats --watch 0.05 --count $S >/dev/null; } 2>&1 | tail -n 1)
base=$( { /usr/bin/time -f "%U %S" "$TUNKIT" stats --watch 0.05 --count 1 >/dev/null; } 2>&1 | tail -n 1)
echo "$cpu $base" | awk -v s=$S -v n="$N" '{ printf "--watch with %d taps: %.2f ms CPU per sample (%d samples, start-up subtracted)\n", n, (($1 + $2) - ($3 + $4)) * 1000 / (s - 1), s }'
"$TUNKIT" -q delete --all
