#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -j errors are machine-readable alone (issue 13, item 6): for every command
# of the table a usage error (2) and a failure (1), each run twice.  With -j:
# nothing on stdout, and stderr is exactly one JSON object naming the
# command and the status, whose message is the text line.  Without -j: that
# one line.  Also a warning, dump's notes, the tunnel's nft, batch mode.
#
#   [ private netns ]  tap0 (tap), br0 (bridge); tapw0, mon0 come and go
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

d=$(mktemp -d)
cleanup() { kill $bg 2>/dev/null; rm -rf "$d" "$T_OUT" "$T_ERR"; }
bg=
trap cleanup EXIT
$TUNKIT -q create -m tap tap0
ip link add br0 type bridge
$TUNKIT genkey "$d/key"

# wrappers for cases a plain argv cannot say
tofull() { "$@" >/dev/full; }
nostdin() { "$@" </dev/null; }
nonft() { PATH=/nonexistent-tk "$@"; }
unpriv() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$@"; }

tested=" "
# jcase STATUS COMMAND DESC ARGS...: tunkit ARGS ends with STATUS, naming
# COMMAND ("null": none) in its error; $run, when set, wraps the call
jcase() {
	local want=$1 who=$2 what=$3 text
	shift 3
	tested="$tested$who "
	t_status "$want" "$what" ${run:-} $TUNKIT "$@"
	text=$(t_stderr)
	t_is "$(t_stderr | wc -l)" 1 "$what: one text line"
	t_status "$want" "$what: -j" ${run:-} $TUNKIT -j "$@"
	t_is "$(t_stdout | wc -c)" 0 "$what: -j: stdout empty"
	t_is "$(jq -s length <"$T_ERR" 2>&1)" 1 "$what: -j: stderr is one JSON object"
	[ "$who" = null ] || who="\"$who\""
	t_is "$(jq -c '.error | [.command, .status]' <"$T_ERR" 2>&1)" "[$who,$want]" \
		"$what: -j: command and status"
	t_is "$(jq -r '.error.message' <"$T_ERR" 2>&1)" "$text" "$what: -j: the message is the line"
}

before=$(link_snapshot)
jcase 2 bridge "bridge: unknown subcommand" bridge frob
jcase 1 bridge "bridge: missing bridge" bridge delete nobr
jcase 2 create "create: unknown option" create --frob x
jcase 1 create "create: name taken" create tap0
jcase 1 create "create, as add: name taken" add tap0
jcase 1 create "create: the kernel refuses the MTU" create -m tap --mtu 65535 x
run=unpriv jcase 1 create "create: without CAP_NET_ADMIN" create x
jcase 2 delete "delete: a template" delete 'tap%d'
jcase 1 delete "delete: missing device" delete nosuch
jcase 1 delete "delete: not a tun/tap" delete br0
jcase 2 doctor "doctor: unknown option" doctor --frob
jcase 1 doctor "doctor: missing device" doctor nosuch
jcase 2 dump "dump: --in with --out" dump --in --out tap0
jcase 1 dump "dump: missing device" dump nosuch
jcase 1 dump "dump --attach: missing device" dump --attach nosuch
jcase 2 genkey "genkey: two files" genkey a b
jcase 1 genkey "genkey: no such directory" genkey /nonexistent-tk/key
jcase 2 help "help: unknown command" help nosuch
run=tofull jcase 1 help "help: stdout full" help
jcase 2 monitor "monitor: a count of 0" monitor -c 0
jcase 2 shell "shell: an operand" shell x
run="tofull nostdin" jcase 1 shell "shell: stdout full" shell
jcase 2 peer "peer: no command" peer
jcase 2 peer "peer: an unknown command" peer frob x
jcase 1 peer "peer: no tunnel behind the device" peer list nosuch
jcase 2 pubkey "pubkey: two files" pubkey a b
jcase 1 pubkey "pubkey: no such file" pubkey /nonexistent-tk/key
run=nostdin jcase 1 pubkey "pubkey: nothing on stdin" pubkey
jcase 2 show "show: a bad name" show a/b
jcase 1 show "show: missing device" show nosuch
jcase 2 stats "stats: unknown option" stats --frob
jcase 1 stats "stats: missing device" stats nosuch
jcase 2 tunnel "tunnel: neither --listen nor --connect" tunnel
jcase 1 tunnel "tunnel: missing key file" tunnel --listen 5999 --key /nonexistent-tk/key
jcase 1 tunnel "tunnel: missing config file" tunnel --config /nonexistent-tk/conf
run=nonft jcase 1 tunnel "tunnel --nat without nft" tunnel --listen 5999 --key "$d/key" \
	--dev tkn0 --nat
t_match "$(t_stderr)" '"message":"tunkit: tunnel: nft: could not add table \\"tunkit-tkn0\\" \(sh: .*nft: not found\)"' \
	"tunnel --nat: nft's own words are inside the one message"
t_is "$(cat /proc/sys/net/ipv4/ip_forward) $(ip -j link show tkn0 2>/dev/null | jq length)" "0 " \
	"tunnel --nat without nft: forwarding off again, no device left"
jcase 2 version "version: an operand" version x
run=tofull jcase 1 version "version: stdout full" version
run=tofull jcase 1 __complete "__complete: stdout full" __complete cr
t_skip "__complete has no usage error: every word belongs to the line being completed"
# before any command: no command to name
jcase 2 null "unknown command" frob
jcase 2 null "unknown global option" --frob show
jcase 1 null "missing network namespace" -n nons-tk show
run=nostdin jcase 2 null "no command and no terminal"
jcase 1 batch "missing batch file" -b /nonexistent-tk/batch
ip link del tkn0 2>/dev/null # a tunnel that failed takes its device along; in case not
t_is "$(link_snapshot)" "$before" "no error changed anything"

# every command of the table has its cases above
for c in $($TUNKIT __complete '') __complete; do
	case "$tested" in
	*" $c "*) ;;
	*) t_is "$c" "" "a -j error case for $c" ;;
	esac
done

# monitor fails when it cannot write: one event, stdout full; events are
# made until it ends, so no sleep has to guess when it has subscribed
monitor_full() {
	$TUNKIT "$@" monitor -c 1 >/dev/full 2>"$T_ERR" &
	bg=$!
	i=0
	while kill -0 $bg 2>/dev/null && [ $i -lt 100 ]; do
		ip tuntap add dev mon0 mode tun && ip link del mon0
		sleep 0.05; i=$((i + 1))
	done
	wait $bg
}
monitor_full; t_is "$?" 1 "monitor: stdout full: status 1"
text=$(t_stderr)
t_is "$(t_stderr | wc -l)" 1 "monitor: stdout full: one text line"
t_match "$text" '^tunkit: monitor: ' "monitor: stdout full: names the command"
monitor_full -j; t_is "$?" 1 "monitor: stdout full: -j: status 1"
t_is "$(jq -sc 'map(.error | [.command, .status, .message])' <"$T_ERR" 2>&1)" \
	"$(jq -nc --arg m "$text" '[["monitor", 1, $m]]')" "monitor: -j: one error object, the line its message"

# the -p error is compact too: one line
t_status 1 "-p: a failure" $TUNKIT -p delete nosuch
t_is "$(t_stderr | wc -l)" 1 "-p: the error object is one line"

# the shell goes on after an error: the status is 0, the error still an object
t_ok "-j shell: a shell inside the shell" sh -c "echo shell | $TUNKIT -j shell"
t_is "$(jq -sc 'map(.error | [.command, .status, .message])' <"$T_ERR" 2>&1)" \
	'[["shell",1,"tunkit: shell: already in the shell"]]' "-j shell: stderr is the error object alone"

# a warning with -j: {"warning": ...}, and nothing else on stderr
$TUNKIT -q create -m tap tapw0
$TUNKIT -j stats -w 0.1 -c 1000 tapw0 tap0 >"$d/w" 2>"$d/w.err" &
bg=$!
wait_for 60 test -s "$d/w"
$TUNKIT -q delete tapw0
wait_for 60 test -s "$d/w.err"
kill -INT $bg; wait $bg
t_is "$?" 0 "-j stats --watch: a device deleted under it, then Ctrl-C"
t_is "$(jq -sc . "$d/w.err" 2>&1)" \
	'[{"warning":{"command":"stats","object":"tapw0","message":"tunkit: stats: tapw0: gone"}}]' \
	"-j: the warning is one object, and stderr holds nothing else"
t_ok "-j: stdout is JSON Lines" jq -e . "$d/w"

# dump's notes with -j: objects too, so stderr stays JSON Lines
$TUNKIT -j dump -c 1 lo icmp >"$d/p" 2>"$d/p.err" &
bg=$!
wait_for 60 grep -q '^{"listening":' "$d/p.err"
wait_for 60 sh -c "ping -c 1 -W 1 127.0.0.1; grep -q '^{\"summary\":' '$d/p.err'"
wait $bg
t_is "$?" 0 "-j dump -c 1 on lo"
t_is "$(jq -sc 'map(keys[0])' "$d/p.err" 2>&1)" '["listening","summary"]' \
	"-j dump: stderr is the listening and summary objects only"

# batch: with -j each failing line gives one error object, then the run's
printf '%s\n' 'bridge frob' 'create tap0' 'delete nosuch' 'doctor nosuch' 'dump nosuch' \
	'genkey a b' 'help nosuch' 'monitor -c 0' 'shell x' 'show nosuch' 'stats nosuch' \
	'tunnel' 'version x' 'create "x' >"$d/b"
t_status 1 "-j --force -b: every line fails" $TUNKIT -j --force -b "$d/b"
t_is "$(t_stdout | jq -sc 'map(.error.command) | join(" ")')" \
	'"bridge create delete doctor dump genkey help monitor shell show stats tunnel version batch"' \
	"-j -b: a record per line, its error naming the command"
t_is "$(jq -sc 'map(.error.command) | join(" ")' <"$T_ERR" 2>&1)" \
	'"bridge create delete doctor dump genkey help monitor shell show stats tunnel version batch batch"' \
	"-j -b: stderr is one error object per line, then the run's"
t_is "$(t_stdout | jq -sc 'map(.error)')" "$(jq -sc '.[:-1] | map(.error)' <"$T_ERR")" \
	"-j -b: the objects on stderr are the records' errors"
t_status 1 "-b: every line fails, as text" $TUNKIT --force -b "$d/b"
t_is "$(t_stderr | wc -l)" 15 "-b: one line per failing line, then the run's"
t_done
