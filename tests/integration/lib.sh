# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the integration tests: TAP output, a private network namespace
# per test, and helpers that check exit status, messages and effects.
#
#   . "$TOP_SRCDIR/tests/integration/lib.sh"
#   tk_private_netns "$@"      # re-runs this script under unshare -n
#   t_ok "desc" CMD...         # CMD exits 0
#   t_status N "desc" CMD...   # CMD exits exactly N (never > 128: a crash)
#   t_is "got" "want" "desc"   # strings equal
#   t_match "text" "regex" "desc"
#   t_skip "why"               # one test point skipped
#   t_done                     # prints the plan; exit status
set -u
: "${TUNKIT:=${TOP_BUILDDIR:-.}/tunkit}"
: "${TOP_SRCDIR:=.}"
export LC_ALL=C
T_N=0
T_FAIL=0
T_OUT=$(mktemp /tmp/tk-test.XXXXXX)
T_ERR=$(mktemp /tmp/tk-test.XXXXXX)
trap 'rm -f "$T_OUT" "$T_ERR"' EXIT

tk_skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# Re-executes the calling test inside a new, empty network namespace: every
# device a test makes dies with it, and the root namespace is never touched.
tk_private_netns() {
	[ "$(id -u)" = 0 ] || tk_skip_all "needs root (CAP_NET_ADMIN)"
	[ -c /dev/net/tun ] || tk_skip_all "no /dev/net/tun"
	if [ -z "${TK_IN_NETNS:-}" ]; then
		rm -f "$T_OUT" "$T_ERR" # the re-run makes its own
		TK_IN_NETNS=1 exec unshare -n -- "${BASH:-sh}" "$0" "$@"
	fi
	ip link set lo up
}

_t_report() { # status desc
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $2"
	fi
}

# a test point that cannot run here: counted as skipped by the TAP driver
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }

_t_show() { sed 's/^/# /' "$T_OUT" "$T_ERR" | head -n 20; }

t_ok() {
	desc=$1; shift
	"$@" >"$T_OUT" 2>"$T_ERR"; st=$?
	_t_report $st "$desc"
	[ $st = 0 ] || { echo "# exit status $st: $*"; _t_show; }
	return $st
}

t_status() {
	want=$1 desc=$2; shift 2
	"$@" >"$T_OUT" 2>"$T_ERR"; st=$?
	if [ $st -ge 128 ]; then
		_t_report 1 "$desc (crashed: $st)"; _t_show; return 1
	fi
	[ $st = "$want" ]; r=$?
	_t_report $r "$desc"
	[ $r = 0 ] || { echo "# exit status $st, wanted $want: $*"; _t_show; }
	return $r
}

t_is() {
	[ "$1" = "$2" ]; r=$?
	_t_report $r "$3"
	[ $r = 0 ] || { echo "# got:  $1"; echo "# want: $2"; }
	return $r
}

t_match() {
	printf '%s' "$1" | grep -Eq -- "$2"; r=$?
	_t_report $r "$3"
	[ $r = 0 ] || { echo "# text:  $1" | head -n 5; echo "# regex: $2"; }
	return $r
}

# t_waited N "desc" PID [FILE...]: background PID (a child of this shell)
# ended with status N (never > 128: a crash); FILE... (its output) shown
# when not.  Bound PID's run yourself (its own count, timeout, or a kill).
t_waited() {
	_tw_want=$1 _tw_desc=$2 _tw_pid=$3; shift 3
	wait "$_tw_pid"; _tw_st=$?
	[ $_tw_st = "$_tw_want" ] && [ $_tw_st -lt 128 ]; _tw_r=$?
	_t_report $_tw_r "$_tw_desc"
	[ $_tw_r = 0 ] || { echo "# exit status $_tw_st, wanted $_tw_want"
		[ $# = 0 ] || sed 's/^/# /' "$@" | head -n 20; }
	return $_tw_r
}

# t_ends SECS "desc" PID...: SIGTERM to each PID (children of this shell); all must end
# with status 0 within SECS.  One that does not is killed, so a hung process fails the
# check instead of hanging the test.
t_ends() {
	local secs=$1 desc=$2 p st=0 dog
	shift 2
	kill -TERM "$@" 2>/dev/null
	(sleep "$secs"; kill -KILL "$@") >/dev/null 2>&1 &
	dog=$!
	for p in "$@"; do wait "$p" || st=$?; done
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	[ "$st" = 0 ]; _t_report $? "$desc"
	[ "$st" = 0 ] || echo "# exit status $st (137: still running after $secs s)"
	return $((st != 0))
}

# tk_gone PID: process PID has ended (for wait_for)
tk_gone() { ! kill -0 "$1" 2>/dev/null; }

# last command's stdout / stderr (after t_ok / t_status)
t_stdout() { cat "$T_OUT"; }

# t_example DESC SECS SCRIPT ARGS...: t_ok for one of examples/, bounded by SECS.  The
# example names its namespaces after its pid ($$), which it keeps here (exec): ex_left then
# counts those still there, whatever other tests run at the same time.
t_example() {
	local desc=$1 secs=$2 st
	shift 2
	t_ok "$desc" timeout "$secs" bash -c 'echo $$ >"$0"; exec bash "$@"' "$T_OUT.pid" "$@"
	st=$?
	EX_PID=$(cat "$T_OUT.pid" 2>/dev/null)
	rm -f "$T_OUT.pid"
	return $st
}
ex_left() { ip netns list | grep -cE -- "^[A-Za-z0-9]+-${EX_PID:-none}( |\$)"; }
t_stderr() { cat "$T_ERR"; }

t_done() {
	echo "1..$T_N"
	[ $T_FAIL = 0 ]
}

# wait_for SECS CMD...: polls CMD every 0.05 s until it succeeds or SECS of wall-clock time
# have passed, however long each try takes (the last try starts before the deadline).  It
# returns as soon as CMD succeeds, so be generous: a loaded machine running a sanitizer or
# valgrind build is slow.  Giving up is noted on stderr, in the test's log.
wait_for() {
	local secs=$1 end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -lt $end ] || break
		sleep 0.05
	done
	echo "# wait_for: gave up after $secs s: $*" >&2
	return 1
}

# hold_tun NAME [tun|tap] [FLAGS]: starts a process that attaches to NAME as
# its program and sleeps; prints its pid.  FLAGS are the TUNSETIFF flags
# besides the mode (default 0x1000, IFF_NO_PI; 0x4000 is IFF_VNET_HDR, with
# packet information).  It attaches a moment later (wait_for 60
# tk_has_carrier NAME).  Kill it when done.
hold_tun() {
	/usr/bin/python3 - "$1" "${2:-tun}" "${3:-0x1000}" <<'PY' >/dev/null 2>&1 &
import fcntl, os, struct, sys, time
name, mode, extra = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
flags = (0x0002 if mode == "tap" else 0x0001) | extra
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name.encode(), flags))
time.sleep(600)
PY
	echo $!
}

# tk_has_carrier NAME: NAME has a carrier (for a tun/tap: a process attached),
# as tunkit show sees it; for wait_for after hold_tun
tk_has_carrier() {
	$TUNKIT -j show "$1" | jq -en 'input | .[0].carrier' >/dev/null
}

# link_snapshot: a stable text of every link and address, to prove "nothing changed"
link_snapshot() {
	ip -j -d addr show | jq -S -c '[.[] | del(.stats64, .operstate) |
		walk(if type == "object" then with_entries(select(.key | test("_timer$|^tentative$") | not)) else . end)]'
}
