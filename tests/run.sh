#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as CI runs it: `make check` in build/ (warnings as
# errors; includes the valgrind test), then again in build-san/ with ASan and
# UBSan, then a short run of every fuzz target.  Prints last one line:
#   N passed, N failed, N skipped
# counting every TAP test point of every pass.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
status=0
results=$(mktemp)
trap 'rm -f "$results"' EXIT

pass() { # dir configure-args...
	dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -s -j"$(nproc)") ||
		{ echo "tests/run.sh: build in $dir failed" >&2; status=1; return; }
	(cd "$dir" && make -s -j2 check >/dev/null 2>&1) || status=1
	for f in "$dir"/tests/unit/*.log "$dir"/tests/integration/*.log; do
		[ -f "$f" ] || continue
		case "$f" in */test-suite.log) continue ;; esac
		grep -q '^\(not ok\|ok\)' "$f" || continue
		# failures in full, for the CI log
		if grep -q '^not ok\|^Bail out' "$f"; then
			echo "---- $f" >&2
			cat "$f" >&2
		fi
	done
	cat "$dir"/tests/*/*.trs 2>/dev/null | sed -n 's/^:test-result: //p' >>"$results"
	[ -f "$dir/test-suite.log" ] && sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/test-suite.log" >&2
}

[ -x configure ] || autoreconf -fi >/dev/null 2>&1
pass build --enable-werror
pass build-san --enable-werror --enable-sanitizers
if [ -f build/Makefile ] && grep -q '^fuzz:' build/Makefile; then
	(cd build && make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >fuzz.log 2>&1)
	if [ $? = 0 ]; then echo PASS >>"$results"; else echo FAIL >>"$results"; status=1
		tail -n 40 build/fuzz.log >&2; fi
fi
p=$(grep -c '^PASS$\|^XFAIL$' "$results")
f=$(grep -c '^FAIL$\|^XPASS$\|^ERROR$' "$results")
s=$(grep -c '^SKIP$' "$results")
[ "$f" -gt 0 ] && status=1
echo "$p passed, $f failed, $s skipped"
exit $status
