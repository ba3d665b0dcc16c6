#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# delete: tun/tap only, whatever their flags; every name judged first; held
# devices refused with the holder named unless --force.
#
#   [ private netns ]  d0..d3 tap/tun with assorted flags, held0, br0, veth0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT -q create -m tap --vnet-hdr --multi-queue d0
$TUNKIT -q create --pi d1
ip tuntap add dev d2 mode tap one_queue
$TUNKIT -q create -m tap d3
ip link add br0 type bridge
ip link add veth0 type veth peer name veth1

t_ok "delete without restating flags" $TUNKIT delete d0 d1
t_is "$(t_stdout)" "deleted d0 (tap)
deleted d1 (tun)" "says what it deleted"
t_is "$(ip -j link show | jq -r '[.[].ifname | select(test("^d[01]$"))] | length')" 0 "gone for ip too"

before=$(link_snapshot)
t_status 1 "a bridge is refused" $TUNKIT delete br0
t_is "$(t_stderr)" 'tunkit: delete: br0: not a tun/tap device (a bridge); left as it is' "and named"
t_status 1 "a veth among good names: nothing deleted" $TUNKIT delete d2 veth0 d3
t_status 1 "a missing name among good ones: nothing deleted" $TUNKIT delete d2 nosuch
t_is "$(t_stderr)" 'tunkit: delete: nosuch: no such device' "the missing one named"
t_status 1 "a glob that matches nothing" $TUNKIT delete 'zz*'
t_is "$(link_snapshot)" "$before" "refusals changed nothing"
t_status 0 "--if-exists" $TUNKIT delete --if-exists nosuch 'zz*'

pid=$(hold_tun d3 tap)
wait_for 60 sh -c "$TUNKIT -j show d3 | jq -en 'input | .[0].holders | length > 0'"
t_status 1 "a held device is refused" $TUNKIT delete d3
t_match "$(t_stderr)" "^tunkit: delete: d3: held open by pid $pid \(python3\); stop it or use --force$" \
	"names the holder"
t_ok "--force deletes it" $TUNKIT delete --force d3
t_ok "the holder survives (EBADFD on its fd)" kill -0 $pid
kill $pid; wait $pid 2>/dev/null

$TUNKIT -q create -m tap --count 3 'g%d'
$TUNKIT -q create --count 2 'h%d'
t_ok "--all --mode tun" $TUNKIT -q delete --all --mode tun
t_is "$($TUNKIT -j show | jq -r '[.[].type] | unique | join(" ")')" "tap" "only taps left"
t_ok "glob" $TUNKIT -j delete 'g*'
t_is "$(t_stdout | jq -r '[.[].ifname] | join(" ")')" "g0 g1 g2" "-j lists the deleted devices"
t_ok "--all" $TUNKIT -q delete --all
t_is "$($TUNKIT -j show)" "[]" "no tun/tap left"
t_ok "bridge and veth untouched" ip link show br0
t_status 2 "no operand" $TUNKIT delete
t_status 2 "--all with names" $TUNKIT delete --all x
t_done
