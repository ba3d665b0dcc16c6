#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# create: every option, read back with iproute2 (the oracle), field by field;
# templates with --count; all-or-nothing when the kernel refuses a step.
#
#   [ private netns ]
#     br0 (bridge) <- tap0 (tap, every flag, addresses, up)
#     tun0 (point-to-point 192.0.2.9 peer 192.0.2.10)
#     ct0..ct4 (--count 5)
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

ip link add br0 type bridge
t_ok "create a tap with every option" $TUNKIT create -m tap -u nobody -g users --pi --vnet-hdr \
	--multi-queue --mtu 1400 --mac 02:00:5e:00:53:01 --txqlen 700 --addr 192.0.2.1/24 \
	--addr 2001:db8::1/64 --up --master br0 tap0
t_match "$(t_stdout)" '^NAME +TYPE' "prints a table of what it made"
d=$(ip -j -d link show tap0 | jq -c '.[0]')
t_is "$(echo "$d" | jq -r '.linkinfo.info_kind')" tun "ip: kind tun"
t_is "$(echo "$d" | jq -c '.linkinfo.info_data | [.type,.pi,.vnet_hdr,.multi_queue,.persist,.user,.group]')" \
	'["tap",true,true,true,true,"nobody","users"]' "ip: type, pi, vnet_hdr, multi_queue, persist, owner, group"
t_is "$(echo "$d" | jq -c '[.mtu,.address,.txqlen,.master,(.flags|index("UP")!=null)]')" \
	'[1400,"02:00:5e:00:53:01",700,"br0",true]' "ip: mtu, mac, txqlen, master, up"
t_is "$(ip -j addr show dev tap0 | jq -c '[.[0].addr_info[] | select(.scope=="global") | "\(.local)/\(.prefixlen)"]')" \
	'["192.0.2.1/24","2001:db8::1/64"]' "ip: both addresses"

# tunkit's own view agrees with ip's, key by key
j=$($TUNKIT -j show tap0 | jq -c '.[0]')
for k in ifname ifindex mtu address broadcast txqlen master operstate flags; do
	t_is "$(echo "$j" | jq -c ".$k")" "$(echo "$d" | jq -c ".$k")" "show agrees with ip on $k"
done
for k in type pi vnet_hdr multi_queue persist user group; do
	t_is "$(echo "$j" | jq -c ".$k")" "$(echo "$d" | jq -c ".linkinfo.info_data.$k")" \
		"show agrees with ip on $k"
done
t_is "$(echo "$j" | jq -c '[.uid,.gid]')" '[65534,100]' "uid and gid as numbers"

# create -j prints the same objects as show
t_ok "create -j" $TUNKIT -j create --addr 192.0.2.9 --peer-addr 192.0.2.10 tun0
t_is "$(t_stdout | jq -c '.[0] | del(.holders)')" "$($TUNKIT -j show tun0 | jq -c '.[0] | del(.holders)')" \
	"create -j prints what show prints"
t_is "$(ip -j addr show dev tun0 | jq -c '.[0].addr_info[0] | [.local,.address,.prefixlen]')" \
	'["192.0.2.9","192.0.2.10",32]' "ip: point-to-point peer"
t_is "$(ip -j -d link show tun0 | jq -r '.[0].linkinfo.info_data | "\(.type) \(.pi) \(.persist)"')" \
	"tun false true" "ip: a plain persistent tun"

t_ok "template with --count 5" $TUNKIT -q create -m tap --count 5 'ct%d'
t_is "$(ip -j link show | jq -r '[.[].ifname | select(startswith("ct"))] | sort | join(" ")')" \
	"ct0 ct1 ct2 ct3 ct4" "five devices, numbered by the kernel"
t_is "$($TUNKIT -q create tq0)" "" "-q prints nothing"

# all or nothing: a step the kernel refuses removes what was made
before=$(link_snapshot)
t_status 1 "an MTU the kernel refuses fails" $TUNKIT create -m tap --mtu 65535 tapbig
t_match "$(t_stderr)" '^tunkit: create: tapbig: settings: .*\(kernel: .*\)$' "names the device, the step and the kernel's words"
t_status 1 "a duplicate address fails after the device exists" $TUNKIT create --addr 192.0.2.77/24 \
	--addr 192.0.2.77/24 tundup
t_status 1 "--count: one refused step removes every device made" $TUNKIT create -m tap --count 3 \
	--mtu 65535 'rb%d'
t_is "$(link_snapshot)" "$before" "nothing half-made is left"
t_done
