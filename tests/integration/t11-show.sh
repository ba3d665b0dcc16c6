#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# show: reads devices made by tunkit and by ip the same way; holders with
# pid and command; why the carrier is off; filters; text views.
#
#   [ private netns ]  ta (tap, held by a process)  tb (ip tuntap)  tc..te  veth0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

$TUNKIT -q create -m tap ta
ip tuntap add dev tb mode tun multi_queue
ip tuntap add dev tc mode tap user 65534 pi
$TUNKIT -q create -m tap tf
ip link add veth0 type veth peer name veth1
ip addr add 203.0.113.5/24 dev tc

t_ok "show" $TUNKIT -j show
t_is "$(t_stdout | jq -r '[.[].ifname] | join(" ")')" "ta tb tc tf" "every tun/tap, nothing else"
# field by field against ip for every device
for dev in ta tb tc tf; do
	mine=$($TUNKIT -j show $dev | jq -c '.[0] | [.ifindex,.type,.pi,.vnet_hdr,.multi_queue,.persist,.user,.mtu,.txqlen,.address,.flags,.operstate]')
	theirs=$(ip -j -d link show $dev | jq -c '.[0] | [.ifindex,.linkinfo.info_data.type,.linkinfo.info_data.pi,.linkinfo.info_data.vnet_hdr,.linkinfo.info_data.multi_queue,.linkinfo.info_data.persist,.linkinfo.info_data.user,.mtu,.txqlen,.address,.flags,.operstate]')
	t_is "$mine" "$theirs" "$dev: show agrees with ip -j -d link"
done
t_is "$($TUNKIT -j show tc | jq -c '.[0].addr_info[0] | [.family,.local,.prefixlen,.scope]')" \
	'["inet","203.0.113.5",24,"global"]' "addresses as ip -j addr names them"

t_is "$($TUNKIT -j show ta | jq -c '.[0] | [.carrier,.no_carrier_reason,.holders]')" \
	'[false,"no process attached",[]]' "no carrier: nobody attached"
pid=$(hold_tun ta tap)
wait_for 60 tk_has_carrier ta
t_is "$($TUNKIT -j show ta | jq -c "[.[0].holders[] | select(.pid == $pid) | .comm]")" '["python3"]' \
	"the holder's pid and command"
t_is "$($TUNKIT -j show ta | jq -c '.[0] | [.carrier,.no_carrier_reason,.numqueues]')" \
	'[true,null,1]' "carrier on, one queue"
t_ok "table view" $TUNKIT show ta
t_match "$(t_stdout)" "ta +tap .* $pid/python3" "the table names the holder"
kill $pid; wait $pid 2>/dev/null
t_ok "details" $TUNKIT show -d tc
t_match "$(t_stdout)" 'owner: +nobody' "the long form names the owner"
t_match "$(t_stdout)" 'pi: +yes' "and the pi flag"

t_is "$($TUNKIT -j show 't[ab]' | jq -r '[.[].ifname] | join(" ")')" "ta tb" "glob"
t_is "$($TUNKIT -j show --mode tun | jq -r '[.[].ifname] | join(" ")')" "tb" "--mode tun"
t_is "$($TUNKIT -j list tf | jq -r '.[0].ifname')" "tf" "alias list"
t_status 1 "a veth is not shown as a tun/tap" $TUNKIT show veth0
t_is "$(t_stderr)" 'tunkit: show: veth0: not a tun/tap device (a veth)' "and says what it is"
t_status 1 "a missing device" $TUNKIT show nosuch
t_is "$(t_stderr)" 'tunkit: show: nosuch: no such device' "one line naming it"
t_done
