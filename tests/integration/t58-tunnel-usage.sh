#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input to `tunkit tunnel`: each gets its status (2 usage, 1 failure),
# one message line naming the problem, and changes nothing.
. "$TOP_SRCDIR/tests/integration/lib.sh"
tk_private_netns "$@"
KEY=$(mktemp /tmp/tk-key.XXXXXX)
trap 'rm -f "$KEY" "$KEY.conf" "$T_OUT" "$T_ERR"' EXIT
"$TUNKIT" genkey "$KEY"
ip link add br0 type bridge
ip tuntap add dev tn0 mode tun
snap=$(link_snapshot)

bad() { # status regex desc args...
	st=$1 re=$2 d=$3; shift 3
	t_status "$st" "$d" "$TUNKIT" tunnel "$@"
	t_match "$(t_stderr)" "$re" "$d: message"
}
bad 2 "give one of --listen and --connect" "neither side" --key "$KEY"
bad 2 "give one of --listen and --connect" "both sides" --listen 1 --connect a:1 --key "$KEY"
bad 2 "transport \"sctp\"" "bad transport" --listen 1 -t sctp --key "$KEY"
bad 2 "mode \"tan\"" "bad mode" --listen 1 -m tan --key "$KEY"
bad 2 "endpoint \"198.51.100.1\"" "connect without port" --connect 198.51.100.1 --key "$KEY"
bad 2 "endpoint \"70000\"" "port out of range" --listen 70000 --key "$KEY"
bad 2 "--bridge needs --mode tap" "bridge with tun" --listen 1 --bridge br0 --key "$KEY"
bad 2 "keepalive \"0\"" "keepalive 0" --listen 1 -k 0 --key "$KEY"
bad 2 "rekey \"1\": expected 2 to 86400" "rekey 1" --listen 1 --rekey 1 --key "$KEY"
bad 2 "rekey-packets \"x\"" "rekey-packets x" --listen 1 --rekey-packets x --key "$KEY"
bad 2 "cipher \"aes\": expected auto" "unknown cipher" --listen 1 --cipher aes --key "$KEY"
bad 1 "tunkit: tunnel: /nonexistent/k: No such file" "missing key file" --listen 1 \
	--key /nonexistent/k
bad 1 "tn0: a tun device, but --mode tap" "existing device, other mode" --listen 5000 \
	--mode tap --dev tn0 --key "$KEY"
bad 1 "nobr: no such bridge" "missing bridge" --listen 5000 -m tap --bridge nobr --dev tp9 \
	--key "$KEY"
printf 'listen = 5000\nbogus = 1\n' >"$KEY.conf"
bad 2 "$KEY.conf:2: unknown key \"bogus\"" "config: unknown key" --config "$KEY.conf" \
	--key "$KEY"
t_is "$(link_snapshot)" "$snap" "nothing changed"

# an existing tap joins --bridge for the tunnel's life, and leaves it at exit
ip tuntap add dev tp1 mode tap
"$TUNKIT" tunnel --listen 5001 -m tap --dev tp1 --bridge br0 --key "$KEY" 2>/dev/null &
pid=$!
wait_for 30 sh -c "ip -j link show tp1 | jq -en 'input | .[0].master == \"br0\"'"
t_is $? 0 "existing tap: joined br0"
kill -TERM $pid; wait $pid; t_is $? 0 "existing tap: SIGTERM exit 0"
t_is "$(ip -j link show tp1 | jq -r '.[0].master // "none"')" none "existing tap: left br0, kept"
t_done
