#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shell on a real pseudo-terminal (tmux): completion of commands, of a
# device made a moment before and of option values; history across shells;
# Ctrl-C stops a running command and not the shell; json on; bad lines.
#
#   [ private netns ]  comp0 (tap)      tmux server tkt-PID on a private socket
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
command -v tmux >/dev/null || tk_skip_all "tmux missing"

S=tkt-$$
T="tmux -L $S"
home=$(mktemp -d)
cleanup() { $T kill-server 2>/dev/null; rm -rf "$home" "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
export HOME=$home XDG_STATE_HOME=$home/state

screen() { $T capture-pane -p -t s -S -200 2>/dev/null; }
# sees REGEX: waits (a minute at most) until the screen matches
sees() { wait_for 60 sh -c "tmux -L $S capture-pane -p -t s -S -200 | grep -Eq -- '$1'"; }
# at_prompt: the last line on the screen with anything on it ends in a bare
# prompt (after the terminal's echo of a ^C, say)
at_prompt() { screen | grep -v '^ *$' | tail -n 1 | grep -q 'tunkit>$'; }
start() { $T new-session -d -s s -x 200 -y 50 "$TUNKIT"; sees '^tunkit>'; }
# tmux trims trailing blanks from captured lines: a prompt reads "tunkit>"

$TUNKIT -q create -m tap comp0
start
t_ok "the shell starts with a prompt" sees '^tunkit>$'
$T send-keys -t s 'cr' Tab
t_ok "cr<TAB> completes to create" sees '^tunkit> create$'
$T send-keys -t s C-u 'show com' Tab
t_ok "a device made a moment ago completes" sees '^tunkit> show comp0$'
$T send-keys -t s Enter
t_ok "and the command runs" sees '^comp0 +tap'
$T send-keys -t s 'create --mode ' Tab
t_ok "--mode <TAB> offers tun and tap" sees 'tap +tun|tun +tap'
$T send-keys -t s C-u 'json on' Enter 'show comp0' Enter
t_ok "json on switches the output" sees '^\[\{"ifname":"comp0"'
$T send-keys -t s 'stats --watch 0.2 -a' Enter
t_ok "a long-running command runs" sees '"interval":0\.2'
$T send-keys -t s C-c
t_ok "Ctrl-C stopped it: a prompt again" wait_for 60 at_prompt
$T send-keys -t s 'version' Enter
t_ok "and the shell goes on" sees '^\{"version":'
$T send-keys -t s 'create "x' Enter
t_ok "an unbalanced quote: a clear error" sees 'tunkit: unbalanced quote'
# too long for send-keys: through a paste buffer
printf 'create %s' "$(head -c 100000 /dev/zero | tr '\0' a)" | $T load-buffer -
$T paste-buffer -t s
$T send-keys -t s Enter
t_ok "a line of 100,000 characters: a clear error" sees 'tunkit: line too long'
$T send-keys -t s C-l
$T clear-history -t s
$T send-keys -t s 'version' Enter
t_ok "and the shell is still up" sees '^\{"version"'
$T send-keys -t s 'netns nosuch-tk' Enter
t_ok "netns of a missing namespace" sees 'nosuch-tk: no such network namespace'
$T send-keys -t s 'exit' Enter
wait_for 60 sh -c "! $T has-session -t s 2>/dev/null"
t_ok "exit ends it" sh -c "! $T has-session -t s 2>/dev/null"
t_ok "history is kept" grep -q '^show comp0$' "$home/state/tunkit/history"

start
$T send-keys -t s Up Up
t_ok "history recalled in a new shell (Up)" sees '^tunkit> netns nosuch-tk$'
$T send-keys -t s C-u C-d
wait_for 60 sh -c "! $T has-session -t s 2>/dev/null"
t_ok "Ctrl-D ends it" sh -c "! $T has-session -t s 2>/dev/null"
t_done
