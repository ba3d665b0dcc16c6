#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# monitor -j: the create / up / attach / port-join / delete of a device
# driven by another process arrive in order, as JSON Lines.  A sentinel tap
# comes and goes first, until the monitor has seen it: it is listening.
#
#   [ private netns ]  br0 <- tapm (created, held, attached, deleted); mready
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT bridge add br0 --up
out=$(mktemp)
# no `timeout` in between: it would send SIGINT twice (child and group)
$TUNKIT -j monitor > "$out" &
mp=$!
trap 'kill $mp 2>/dev/null; rm -f "$out" "$out.err" "$T_OUT" "$T_ERR"' EXIT
# it prints nothing before an event: mready comes and goes (twice a second,
# two minutes at most) until the monitor shows it
i=0
until grep -q '"mready"' "$out" || [ $i -ge 2400 ]; do
	[ $((i % 10)) != 0 ] || { ip tuntap add dev mready mode tap; ip link del mready; }
	sleep 0.05; i=$((i + 1))
done
# seen EVENT: the monitor printed EVENT for tapm
seen() { jq -en --arg e "$1" 'any(inputs; .ifname == "tapm" and .event == $e)' "$out"; }
$TUNKIT -q create -m tap tapm
ip link set tapm up
pid=$(hold_tun tapm tap)
wait_for 60 tk_has_carrier tapm
$TUNKIT bridge attach br0 tapm
ip link set tapm mtu 1400
kill $pid; wait $pid 2>/dev/null
# the kernel reports a carrier change through linkwatch, up to a second later
wait_for 60 seen detached
$TUNKIT -q delete tapm
wait_for 60 seen deleted
kill -INT $mp; wait $mp; st=$?
t_is "$st" 0 "Ctrl-C ends monitor with status 0"
t_ok "every line is JSON" jq -e . "$out"
ev=$(jq -r 'select(.ifname == "tapm") | .event' "$out" | tr '\n' ' ')
t_match "$ev" '^created .*up .*attached .*port-joined .*mtu-changed .*detached .*deleted $' \
	"create, up, attach, port-join, mtu, detach, delete in order"
t_is "$(jq -r 'select(.event == "port-joined" and .ifname == "tapm") | .master' "$out")" "br0" \
	"the port-join names the bridge"
t_is "$(jq -c 'select(.event == "mtu-changed") | select(.ifname == "tapm") | [.old_mtu,.mtu]' "$out")" "[1500,1400]" "old and new MTU"
t_is "$(jq -r 'select(.event == "created" and .ifname == "tapm") | .kind' "$out")" "tap" "the kind"
t_ok "timestamps are numbers" jq -e -s 'all(.[]; (.time | type) == "number")' "$out"
# -c 1: the bridge goes down and up until the monitor has seen an event
$TUNKIT monitor -c 1 >"$out" 2>"$out.err" &
mp=$!
i=0
while ! tk_gone $mp && [ $i -lt 240 ]; do
	ip link set br0 down; ip link set br0 up
	sleep 0.5; i=$((i + 1))
done
tk_gone $mp || kill -9 $mp
t_waited 0 "--count ends it" $mp "$out.err"
t_is "$(wc -l <"$out")" 1 "after one event"
t_done
