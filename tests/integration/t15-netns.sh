#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -n NAME runs a command in a named namespace, as ip -n; show --all-netns
# walks them all.
#
#   [ private netns ]   [ tkA-PID ] na0    [ tkB-PID ] nb0, nb1
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

A=tkA-$$ B=tkB-$$
cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; rm -f "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
ip netns add $A && ip netns add $B

t_ok "create in namespace A" $TUNKIT -n $A create -m tap na0
t_ok "ip sees it there" ip -n $A link show na0
t_status 1 "and not here" ip link show na0
t_ok "create two in namespace B" $TUNKIT -q --netns $B create --count 2 'nb%d'
t_is "$($TUNKIT -j -n $B show | jq -r '[.[].ifname] | join(" ")')" "nb0 nb1" "show -n B"
t_ok "show --all-netns" $TUNKIT -j show --all-netns
t_is "$(t_stdout | jq -r --arg a $A --arg b $B '[.[] | select(.netns == $a or .netns == $b) | "\(.netns):\(.ifname)"] | join(" ")')" \
	"$A:na0 $B:nb0 $B:nb1" "each device with its namespace"
t_ok "delete in B" $TUNKIT -q -n $B delete --all
t_is "$(ip -n $B -j link show | jq '[.[] | select(.ifname | startswith("nb"))] | length')" 0 "B is empty"
t_ok "A untouched" ip -n $A link show na0
t_done
