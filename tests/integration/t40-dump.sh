#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dump: ARP and ping decoded on a bridged tap and veth, raw IPv4/IPv6 on a
# tun, BPF filters, -w read back by tcpdump, -r decoding as live capture,
# bad input.
#
#   [ host tkh-PID ]                  [ private netns ]
#     veth1 192.0.2.2  <--------->  veth0 --+-- br0 192.0.2.1/24
#                                   tap0  --+   (held by a process)
#                                   tun0 198.51.100.1 peer .2, 2001:db8::1 (held)
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
command -v tcpdump >/dev/null || tk_skip_all "tcpdump missing"

H=tkh-$$
dir=$(mktemp -d)
pids=""
cleanup() { kill $pids 2>/dev/null; ip netns del $H 2>/dev/null; rm -rf "$dir" "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
ip netns add $H
ip link add veth0 type veth peer name veth1 netns $H
ip -n $H addr add 192.0.2.2/24 dev veth1 && ip -n $H link set veth1 up
$TUNKIT bridge add br0 --up
$TUNKIT -q create -m tap --master br0 --up tap0
$TUNKIT bridge attach br0 veth0 && ip link set veth0 up
ip addr add 192.0.2.1/24 dev br0
pids="$pids $(hold_tun tap0 tap)"
# both ports forward (tap0 once its holder attached): the ARP is flooded to tap0
forwarding() { bridge -j link show dev "$1" | jq -en 'input | .[0].state == "forwarding"'; }
wait_for 60 forwarding veth0 && wait_for 60 forwarding tap0
hostping() { ip netns exec $H ping -c "$1" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

# capture CMD... in the background until it listens ("listening on", or with -j the
# object {"listening": ...}), then run traffic, then wait (its -c ends it; the timeout only
# in case it never does)
cap() {
	out=$1; shift
	timeout 120 $TUNKIT "$@" >"$out" 2>"$out.err" & cpid=$!
	wait_for 60 grep -Eq 'listening on|^\{"listening":' "$out.err"
}
done_cap() { wait $cpid; }

ip -n $H neigh flush dev veth1 2>/dev/null
cap "$dir/arp" -j dump -c 1 tap0 arp
hostping 1 192.0.2.1
done_cap
t_is "$(jq -c '[.direction, .layers.arp.opcode, .layers.arp.src_proto_ipv4, .layers.arp.dst_proto_ipv4]' "$dir/arp")" \
	'["out",1,"192.0.2.2","192.0.2.1"]' "ARP who-has flooded to the tap, decoded"
t_is "$(jq -r '.layers.arp.src_hw_mac' "$dir/arp")" "$(ip -n $H -j link show veth1 | jq -r '.[0].address')" \
	"the sender's MAC"
t_is "$(jq -c 'select(.summary) | .summary | [.object, .packets, .dropped]' "$dir/arp.err")" \
	'["tap0",1,0]' "-j: the summary object reports drops"
t_is "$(jq -sc 'map(keys[0])' "$dir/arp.err")" '["listening","summary"]' \
	"-j: stderr is JSON Lines only, listening then summary"
t_is "$(jq -c 'select(.listening) | .listening | [.object, .link_type, .snaplen]' "$dir/arp.err")" \
	'["tap0","EN10MB",262144]' "-j: the listening object names device, link type, snaplen"

cap "$dir/ping" -j dump -c 4 veth0 icmp
hostping 2 192.0.2.1
done_cap
t_is "$(jq -c '[.direction, .layers.icmp.type, .layers.icmp.seq]' "$dir/ping" | tr '\n' ' ')" \
	'["in",8,1] ["out",0,1] ["in",8,2] ["out",0,2] ' "echo request and reply, in order, with directions"
t_is "$(jq '.layers.icmp.ident' "$dir/ping" | sort -u | wc -l)" 1 "one echo id throughout"
t_is "$(jq -s 'map(.layers | has("arp")) | any' "$dir/ping")" false "the filter icmp kept only ICMP"

cap "$dir/text" dump -c 2 veth0 icmp
hostping 1 192.0.2.1
done_cap
t_match "$(head -n 1 "$dir/text")" '^[0-9:.]+ In  IP 192\.0\.2\.2 > 192\.0\.2\.1: ICMP echo request, id [0-9]+, seq 1, length 64$' \
	"tcpdump-like text"
t_is "$(head -n 1 "$dir/text.err")" \
	"tunkit: dump: listening on veth0, link-type EN10MB, snapshot length 262144" "text: the listening line"
t_match "$(tail -n +2 "$dir/text.err")" '^tunkit: dump: veth0: 2 packets captured, [0-9]+ dropped by the kernel, [0-9]+ by the interface$' \
	"text: then only the summary line"

# tun: raw IPv4 and IPv6, what the kernel hands to the program
$TUNKIT -q create --addr 198.51.100.1 --peer-addr 198.51.100.2 --up tun0
ip addr add 2001:db8::1/64 dev tun0 nodad
# no router solicitations (ICMPv6, every few seconds from the carrier on):
# only the two pings match the filter, however long the capture takes
sysctl -qw net.ipv6.conf.tun0.router_solicitations=0
pids="$pids $(hold_tun tun0 tun)"
wait_for 60 tk_has_carrier tun0
cap "$dir/tun" -j dump -c 2 tun0 icmp or icmp6
ping -c 1 -W 1 198.51.100.2 >/dev/null 2>&1
ping -6 -c 1 -W 1 2001:db8::2 >/dev/null 2>&1
done_cap
t_is "$(jq -c '[.direction, (.layers | keys_unsorted | .[0])]' "$dir/tun" | tr '\n' ' ')" \
	'["out","ip"] ["out","ipv6"] ' "raw IPv4 and IPv6 on a tun, no link header"
t_is "$(jq -r 'select(.layers.ipv6) | .layers.icmpv6.type' "$dir/tun")" 128 "ICMPv6 echo request"

# -w read back by tcpdump; -r decodes as live capture did
cap "$dir/live" -j dump -c 4 veth0 icmp
timeout 120 $TUNKIT dump -w "$dir/f.pcap" -c 4 veth0 icmp 2>"$dir/w.err" & wpid=$!
wait_for 60 grep -q "listening on" "$dir/w.err"
hostping 2 192.0.2.1
done_cap; wait $wpid
t_is "$(tcpdump -n -r "$dir/f.pcap" 2>/dev/null | wc -l)" 4 "tcpdump reads the pcap: 4 packets"
t_ok "-r" $TUNKIT -j dump -r "$dir/f.pcap"
t_is "$(t_stderr | jq -sc 'map(.summary | [.object, .packets, .dropped])')" "[[\"$dir/f.pcap\",4,null]]" \
	"-r -j: stderr is the summary object alone"
t_is "$(t_stdout | jq -c '.layers')" "$(jq -c '.layers' "$dir/live")" "-r decodes what live capture decoded"
t_ok "-r with a filter" $TUNKIT -j dump -r "$dir/f.pcap" 'icmp[icmptype] == 0'
t_is "$(t_stdout | wc -l)" 2 "two replies"

if command -v valgrind >/dev/null && ! ldd "$TUNKIT" | grep -q libasan; then
	t_ok "valgrind: -r, text, -x, -e" valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 $TUNKIT dump -x -e -r "$dir/f.pcap"
	t_ok "valgrind: -r -j" valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 $TUNKIT -j dump -r "$dir/f.pcap"
	# valgrind starts slowly: the host pings once it listens, until an
	# echo and its reply (-c 2) end it
	timeout --foreground 300 valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 $TUNKIT dump -c 2 veth0 icmp >"$dir/vg" 2>"$dir/vg.err" &
	vp=$!
	wait_for 120 grep -q "listening on" "$dir/vg.err"
	i=0
	while ! tk_gone $vp && [ $i -lt 240 ]; do
		hostping 1 192.0.2.1; sleep 0.5; i=$((i + 1))
	done
	t_waited 0 "valgrind: live capture" $vp "$dir/vg.err"
	t_match "$(tr '\n' ' ' <"$dir/vg")" "ICMP echo request.*ICMP echo reply" "valgrind: an echo and its reply"
fi
t_status 1 "a missing device" $TUNKIT dump nosuch
t_is "$(t_stderr)" "tunkit: dump: nosuch: no such device" "names it"
t_status 2 "a bad filter" $TUNKIT dump veth0 'icmp and'
t_match "$(t_stderr)" '^tunkit: dump: filter "icmp and": ' "says the filter is bad"
t_status 1 "an unreadable pcap" $TUNKIT dump -r "$dir/nope.pcap"
t_match "$(t_stderr)" "^tunkit: dump: $dir/nope.pcap: " "names the file"
t_status 2 "--in with --out" $TUNKIT dump --in --out veth0
t_status 2 "no device" $TUNKIT dump
t_done
