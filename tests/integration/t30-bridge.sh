#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bridge: a site with a bridge, a tap and a veth to a host; ping through the
# bridge; show and fdb read back against bridge -j and ip -j -d link; bad
# input changes nothing; the brctl link.
#
#   [ host tkh-PID ]                 [ private netns: the site ]
#     veth1 192.0.2.2/24  <------>  veth0 --+
#                                   tap0  --+-- br0 192.0.2.1/24
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

H=tkh-$$
cleanup() { ip netns del $H 2>/dev/null; rm -rf "$T_OUT" "$T_ERR" "${dir:-}"; }
trap cleanup EXIT
ip netns add $H
ip link add veth0 type veth peer name veth1 netns $H
ip -n $H addr add 192.0.2.2/24 dev veth1
ip -n $H link set veth1 up
ip link set veth0 up

t_ok "bridge add with settings" $TUNKIT bridge add br0 --stp off --ageing 120 --forward-delay 4 --up
t_is "$(ip -j -d link show br0 | jq -c '.[0].linkinfo.info_data | [.stp_state,.ageing_time,.forward_delay]')" \
	"[0,12000,400]" "ip: stp, ageing, forward delay"
$TUNKIT -q create -m tap tap0
t_ok "attach a tap and a veth" $TUNKIT bridge attach br0 tap0 veth0
t_is "$(ip -j link show master br0 | jq -r '[.[].ifname] | sort | join(" ")')" "tap0 veth0" "ip: both are ports"
ip addr add 192.0.2.1/24 dev br0
wait_for 60 sh -c "bridge -j link show dev veth0 | jq -en 'input | .[0].state == \"forwarding\"'"
t_ok "ping from the host through the bridge" ip netns exec $H ping -c 3 -i 0.2 -W 30 192.0.2.1

hostmac=$(ip -n $H -j link show veth1 | jq -r '.[0].address')
t_ok "fdb" $TUNKIT -j bridge fdb br0
t_is "$(t_stdout | jq -r --arg m "$hostmac" '[.[] | select(.mac == $m) | "\(.ifname) \(.state)"] | join(",")')" \
	"veth0 learned" "the host's MAC, learned on the veth port"
t_ok "fdb text (alias showmacs)" $TUNKIT bridge showmacs br0
t_match "$(t_stdout)" "$hostmac +veth0" "the MAC in the table"

# show agrees with the oracle, field by field
mine=$($TUNKIT -j bridge show br0 | jq -c '.[0]')
# ip prints the MAC bytes of bridge ids unpadded ("cb:5"); tunkit pads them
ipd=$(ip -j -d link show br0 | jq -c '.[0].linkinfo.info_data | (.bridge_id, .root_id) |=
	(split(".") | .[0] + "." + (.[1] | split(":") | map(if length == 1 then "0" + . else . end) | join(":")))')
for k in forward_delay hello_time max_age ageing_time stp_state priority bridge_id root_id root_port root_path_cost; do
	t_is "$(echo "$mine" | jq -c ".$k")" "$(echo "$ipd" | jq -c ".$k")" "bridge $k as ip -d link"
done
for p in tap0 veth0; do
	t_is "$(echo "$mine" | jq -c ".ports[] | select(.ifname == \"$p\") | [.state,.priority,.cost]")" \
		"$(bridge -j link show dev $p | jq -c '.[0] | [.state,.priority,.cost]')" "$p: state, priority, cost as bridge -j link"
	t_is "$(echo "$mine" | jq -c ".ports[] | select(.ifname == \"$p\") | [.learning,.flood,.mcast_flood,.bcast_flood]")" \
		"$(ip -j -d link show $p | jq -c '.[0].linkinfo.info_slave_data | [.learning,.flood,.mcast_flood,.bcast_flood]')" "$p: flags as ip -d link"
done
t_is "$(echo "$mine" | jq -r '.ports[] | select(.ifname == "tap0") | .state')" "disabled" \
	"a tap nobody holds is a disabled port"
t_ok "show text" $TUNKIT bridge show
t_match "$(t_stdout)" "port veth0 +forwarding" "the text names the port state"

t_ok "stp on" $TUNKIT bridge stp br0 on
t_is "$(ip -j -d link show br0 | jq '.[0].linkinfo.info_data.stp_state')" 1 "ip: stp on"

# bad input: nothing changes
$TUNKIT bridge add br1
ip link add dummyv type veth peer name dummyp
before=$(link_snapshot)
t_status 1 "unknown bridge" $TUNKIT bridge attach nobr tap0
t_is "$(t_stderr)" "tunkit: bridge: nobr: no such bridge" "names it"
t_status 1 "a non-bridge as bridge" $TUNKIT bridge attach tap0 dummyv
t_is "$(t_stderr)" "tunkit: bridge: tap0: not a bridge (a tap)" "says what it is"
t_status 1 "a port that does not exist" $TUNKIT bridge attach br1 dummyv nosuch
t_is "$(t_stderr)" "tunkit: bridge: nosuch: no such device" "names the missing port"
t_status 1 "a bridge as its own port" $TUNKIT bridge attach br1 br1
t_is "$(t_stderr)" "tunkit: bridge: br1: a bridge cannot be its own port" "refused"
t_status 1 "a port of another bridge" $TUNKIT bridge attach br1 tap0
t_is "$(t_stderr)" "tunkit: bridge: tap0: already a port of br0" "names the other bridge"
t_status 1 "delete a non-bridge" $TUNKIT bridge delete tap0
t_status 1 "detach a non-port" $TUNKIT bridge detach dummyv
t_status 2 "bad --stp value" $TUNKIT bridge add br2 --stp maybe
t_status 2 "unknown bridge command" $TUNKIT bridge frob
t_is "$(link_snapshot)" "$before" "nothing changed"

t_ok "detach" $TUNKIT bridge detach tap0
t_is "$(ip -j link show tap0 | jq -r '.[0].master // "none"')" "none" "ip: tap0 has no master"
t_ok "delete" $TUNKIT bridge delete br1
t_status 1 "gone" ip link show br1

# the brctl link
dir=$(mktemp -d)
ln -s "$(readlink -f "$TUNKIT")" "$dir/brctl"
t_ok "brctl addbr" "$dir/brctl" addbr br9
t_ok "brctl addif" "$dir/brctl" addif br9 tap0
t_ok "brctl show" "$dir/brctl" show br9
t_match "$(t_stdout)" $'^bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr9\t\t8000\\.[0-9a-f]{12}\tno\t\ttap0$' "brctl's format"
t_ok "brctl showmacs" "$dir/brctl" showmacs br9
t_match "$(t_stdout)" $'^port no\tmac addr\t\tis local\\?\tageing timer' "brctl's header"
t_ok "brctl delif" "$dir/brctl" delif br9 tap0
t_ok "brctl delbr" "$dir/brctl" delbr br9
t_status 1 "brctl delbr of a missing bridge" "$dir/brctl" delbr br9
t_done
