#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as CI runs it: `make check` in build/ (warnings as
# errors; includes the valgrind test), then again in build-san/ with ASan and
# UBSan, then the tarball (every file git tracks is in it; `make distcheck`),
# then a short run of every fuzz target.  Prints last one line:
#   N passed, N failed, N skipped
# counting every TAP test point of every pass, and one point for each of the
# tarball's two checks and for the fuzz run.
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
	failures "$dir"
	cat "$dir"/tests/*/*.trs 2>/dev/null | sed -n 's/^:test-result: //p' >>"$results"
	[ -f "$dir/test-suite.log" ] && sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/test-suite.log" >&2
}

failures() { # build-dir: the log of every test that failed there, in full, for the CI log
	for f in "$1"/tests/unit/*.log "$1"/tests/integration/*.log; do
		[ -f "$f" ] || continue
		case "$f" in */test-suite.log) continue ;; esac
		grep -q '^\(not ok\|ok\)' "$f" || continue
		if grep -q '^not ok\|^Bail out' "$f"; then
			echo "---- $f" >&2
			cat "$f" >&2
		fi
	done
}

point() { # status log: one test point; a failure shows the log's tail
	if [ "$1" = 0 ]; then echo PASS >>"$results"; else echo FAIL >>"$results"; status=1
		tail -n 40 "$2" >&2; fi
}

# Files git tracks that stay out of the tarball: this repository's CI and the
# settings of git and clang-format.  Everything else must be in it, so that a
# file added to git but not to Makefile.am fails here even when the tarball's
# build and tests would not notice (a test not run, a page not installed).
KEPT_OUT='^\.ci/\|^\.gitignore$\|^\.clang-format$'

tarball_complete() {
	# run from an unpacked tarball (no git, or another repository's): nothing to compare
	if ! prefix=$(git rev-parse --show-prefix 2>/dev/null) || [ -n "$prefix" ]; then
		echo SKIP >>"$results"; return
	fi
	rm -f build/*.tar.gz
	(cd build && make -s dist >dist.log 2>&1) || { point 1 build/dist.log; return; }
	tar tzf build/*.tar.gz | sed 's|^[^/]*/||' | LC_ALL=C sort >build/dist.files
	git -c core.quotepath=off ls-files | grep -v "$KEPT_OUT" | LC_ALL=C sort |
		LC_ALL=C comm -23 - build/dist.files >build/dist.missing
	if [ -s build/dist.missing ]; then
		echo "tests/run.sh: tracked by git but not in the tarball (add them to" \
			"Makefile.am, or to KEPT_OUT in tests/run.sh):" >&2
		sed 's/^/  /' build/dist.missing >&2
		echo FAIL >>"$results"; status=1
	else
		echo PASS >>"$results"
	fi
}

# make distcheck: the tarball unpacked read-only, configured (--enable-werror)
# and built in a tree of its own, `make check` there, installed under DESTDIR
# and uninstalled with nothing left behind, and cleaned
distcheck() {
	(cd build && make -j2 distcheck >distcheck.log 2>&1)
	r=$?
	[ $r = 0 ] || for d in build/*/_build/sub; do failures "$d"; done
	point $r build/distcheck.log
}

[ -x configure ] || autoreconf -fi >/dev/null 2>&1
pass build --enable-werror
pass build-san --enable-werror --enable-sanitizers
if [ -f build/Makefile ]; then
	tarball_complete
	distcheck
fi
if [ -f build/Makefile ] && grep -q '^fuzz:' build/Makefile; then
	(cd build && make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" >fuzz.log 2>&1)
	point $? build/fuzz.log
fi
p=$(grep -c '^PASS$\|^XFAIL$' "$results")
f=$(grep -c '^FAIL$\|^XPASS$\|^ERROR$' "$results")
s=$(grep -c '^SKIP$' "$results")
[ "$f" -gt 0 ] && status=1
echo "$p passed, $f failed, $s skipped"
exit $status
