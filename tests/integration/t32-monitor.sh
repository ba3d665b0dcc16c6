#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# monitor -j: the create / up / attach / port-join / delete of a device
# driven by another process arrive in order, as JSON Lines.
#
#   [ private netns ]  br0 <- tapm (created, held, attached, deleted)
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT bridge add br0 --up
out=$(mktemp)
# no `timeout` in between: it would send SIGINT twice (child and group)
$TUNKIT -j monitor > "$out" &
mp=$!
trap 'kill $mp 2>/dev/null; rm -f "$out" "$T_OUT" "$T_ERR"' EXIT
sleep 0.5
$TUNKIT -q create -m tap tapm
ip link set tapm up
pid=$(hold_tun tapm tap)
wait_for 5 sh -c "$TUNKIT -j show tapm | jq -en 'input | .[0].carrier'"
$TUNKIT bridge attach br0 tapm
ip link set tapm mtu 1400
kill $pid; wait $pid 2>/dev/null
# the kernel reports a carrier change through linkwatch, up to a second later
wait_for 5 grep -q '"detached".*"tapm"\|"tapm".*"detached"' "$out"
$TUNKIT -q delete tapm
wait_for 5 grep -q '"deleted"' "$out"
kill -INT $mp; wait $mp; st=$?
t_is "$st" 0 "Ctrl-C ends monitor with status 0"
t_ok "every line is JSON" jq -e . "$out"
ev=$(jq -r 'select(.ifname == "tapm") | .event' "$out" | tr '\n' ' ')
t_match "$ev" '^created .*up .*attached .*port-joined .*mtu-changed .*detached .*deleted $' \
	"create, up, attach, port-join, mtu, detach, delete in order"
t_is "$(jq -r 'select(.event == "port-joined") | .master' "$out")" "br0" "the port-join names the bridge"
t_is "$(jq -c 'select(.event == "mtu-changed") | select(.ifname == "tapm") | [.old_mtu,.mtu]' "$out")" "[1500,1400]" "old and new MTU"
t_is "$(jq -r 'select(.event == "created") | .kind' "$out")" "tap" "the kind"
t_ok "timestamps are numbers" jq -e -s 'all(.[]; (.time | type) == "number")' "$out"
t_ok "--count ends it" timeout 10 sh -c "$TUNKIT monitor -c 1 & sleep 0.3; ip link set br0 down; wait"
t_done
