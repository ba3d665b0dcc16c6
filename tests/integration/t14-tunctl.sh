#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tunctl link speaks uml-utilities' tunctl: letters, defaults, messages.
#
#   [ private netns ]  tunctl -> tunkit
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

dir=$(mktemp -d)
trap 'rm -rf "$dir" "$T_OUT" "$T_ERR"' EXIT
ln -s "$(readlink -f "$TUNKIT")" "$dir/tunctl"
tunctl=$dir/tunctl

t_ok "tunctl -t NAME -u USER" $tunctl -t tap5 -u nobody
t_is "$(t_stdout)" "Set 'tap5' persistent and owned by uid 65534" "tunctl's message"
t_is "$(ip -j -d link show tap5 | jq -r '.[0].linkinfo.info_data | "\(.type) \(.user) \(.persist)"')" \
	"tap nobody true" "a persistent tap owned by nobody (tap is tunctl's default)"
t_ok "tunctl -b (no name: the kernel picks)" $tunctl -b
t_is "$(t_stdout)" "tap0" "brief: just the name"
t_is "$(ip -j -d link show tap0 | jq -r '.[0].linkinfo.info_data.user')" "root" "owned by the caller"
t_ok "tunctl -n -g GROUP" $tunctl -n -t tun7 -g users
t_is "$(t_stdout)" "Set 'tun7' persistent and owned by gid 100" "group message"
t_is "$(ip -j -d link show tun7 | jq -r '.[0].linkinfo.info_data | "\(.type) \(.group)"')" "tun users" "a tun for the group"
t_ok "tunctl -d" $tunctl -d tap5
t_is "$(t_stdout)" "Set 'tap5' nonpersistent" "delete message"
t_status 1 "tunctl -d on a missing device" $tunctl -d tap5
t_match "$(t_stderr)" "^tunctl: tap5: no such device" "names it"
ip link add veth0 type veth peer name veth1
t_status 1 "tunctl -d refuses a veth" $tunctl -d veth0
t_ok "the veth survives" ip link show veth0
t_status 2 "bad option" $tunctl -z
t_match "$(t_stderr)" "^Create: tunctl" "prints tunctl's usage"
t_ok "-f names the clone device" $tunctl -f /dev/net/tun -t tap9
t_status 1 "-f with a path that is not there" $tunctl -f /nonexistent -t tap10
t_done
