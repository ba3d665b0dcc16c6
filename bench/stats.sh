#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/stats.sh [TUNKIT] [N] [ROUNDS]: with N tap devices in a private
# namespace, `tunkit -j stats` against `ip -j -s link show` (wall ms,
# medians, ratio), and the CPU cost of one --watch sample against the
# goal of issue 3 (needs python3 for exact rusage).  Not a test.
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
# The CPU (user + sys) of one --watch sample: a run of S samples less a run
# of one (start-up, first full read), per sample; wait4's rusage is exact
# where /usr/bin/time rounds to 10 ms.  Median of ROUNDS runs.
cpu_ms() {
	python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    os.dup2(os.open("/dev/null", os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
ru = os.wait4(pid, 0)[2]
print("%.3f" % ((ru.ru_utime + ru.ru_stime) * 1000))' "$@"
}
S=40 GOAL=5
per=""
for ((r = 0; r < ROUNDS; r++)); do
	c=$(cpu_ms "$TUNKIT" stats --watch 0.05 --count $S)
	b=$(cpu_ms "$TUNKIT" stats --watch 0.05 --count 1)
	per+=" $(awk -v c="$c" -v b="$b" -v s=$S 'BEGIN { printf "%.3f", (c - b) / (s - 1) }')"
done
p=$(echo "$per" | med)
echo "--watch with $N taps: $(printf %.2f "$p") ms CPU per sample (goal < $GOAL ms; median of $ROUNDS runs of $S samples, start-up subtracted)"
"$TUNKIT" -q delete --all
