#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Batch mode: -b FILE, -b -, -c CMD; the first failing line stops the run
# with its number; --force goes on; -j gives one record per command.
#
#   [ private netns ]  b0..b999
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

f=$(mktemp)
trap 'rm -f "$f" "$T_OUT" "$T_ERR"' EXIT
for i in $(seq 0 999); do echo "create b$i --mode tap"; done >"$f"
t_ok "1,000 create lines in one process" $TUNKIT -q -b "$f"
t_is "$(ip -j link show | jq '[.[] | select(.ifname | startswith("b"))] | length')" 1000 "all 1,000 exist"
t_ok "delete them in one line" $TUNKIT -q -c "delete --all"

printf '# a comment\n\ncreate ok0\ncreate "bad name"\ncreate never\n' >"$f"
t_status 1 "a bad line stops the run" $TUNKIT -b "$f"
t_match "$(t_stderr)" "tunkit: batch: $f: line 4 failed; stopped" "with its line number"
t_ok "the line before it ran" ip link show ok0
t_status 1 "nothing after it ran" ip link show never
$TUNKIT -q delete ok0

t_status 1 "--force goes on" $TUNKIT --force -b "$f"
t_match "$(t_stderr)" "1 of 5 lines failed" "and counts the failures"
t_ok "the line after ran" ip link show never
$TUNKIT -q delete ok0 never

t_status 1 "-j records" $TUNKIT -j --force -b "$f"
t_is "$(t_stdout | jq -c '[.line,.status,(.result|type),(.error.status // null)]' | tr '\n' ' ')" \
	'[3,0,"array",null] [4,2,"null",2] [5,0,"array",null] ' "one record per command, with its line"
t_is "$(t_stdout | jq -r 'select(.line == 3) | .result[0].ifname')" "ok0" "the result is the command's JSON"
t_is "$(t_stderr | jq -sc 'map(.error | [.command, .status])')" '[["create",2],["batch",1]]' \
	"-j: stderr is one error object per failing line, then the run's, and nothing else"
$TUNKIT -q delete ok0 never

t_ok "-b - reads stdin" sh -c "printf 'create st0\nshow st0\n' | $TUNKIT -b -"
t_match "$(t_stdout)" "st0 +tun" "and runs it"
t_ok "-c twice" $TUNKIT -c "delete st0" -c "version"
t_status 1 "a line with an unbalanced quote fails the run" $TUNKIT -c 'create "x'
t_is "$(t_stderr | head -n 1)" "tunkit: batch: line 1: unbalanced quote" "says so with its line"
t_status 1 "-j: a line that does not split" $TUNKIT -j -c 'create "x'
t_is "$(t_stdout | jq -c '[.line, .status, .error.command, .error.message]')" \
	'[1,2,"batch","tunkit: batch: line 1: unbalanced quote"]' "-j: has its record too"
t_is "$(t_stderr | jq -sc 'map(.error.message)')" \
	'["tunkit: batch: line 1: unbalanced quote","tunkit: batch: -c: line 1 failed; stopped (--force goes on)"]' \
	"-j: and its error object on stderr, then the run's"
t_status 2 "-b with a command after it" $TUNKIT -b "$f" show
t_status 1 "a missing batch file" $TUNKIT -b /nonexistent/tk
t_match "$(t_stderr)" "^tunkit: batch: /nonexistent/tk: No such file" "names it"
if command -v valgrind >/dev/null && ! ldd "$TUNKIT" | grep -q libasan; then
	cat >"$f" <<'B'
create vb0 --mode tap --addr 192.0.2.1/24 --up
bridge add vbr --up
bridge attach vbr vb0
bridge show
bridge fdb vbr
show -d
stats -a -d
stats -w 0.1 -c 2
help create
version
bridge detach vb0
bridge delete vbr
delete vb0
B
	t_ok "valgrind over a batch of every command" valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite --error-exitcode=99 "$TUNKIT" -j -b "$f"
fi
t_done
