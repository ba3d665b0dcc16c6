#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dump --attach --reply: ping through a tun and a tap, IPv4 and IPv6, gets
# its answers from tunkit in userspace with no loss; the records show the
# request going out and the answer coming in; tun_pi and virtio-net headers
# are decoded; -w is read back by tcpdump; signals and a deleted device end
# it cleanly; every refusal changes nothing.
#
#   host 198.51.100.1, 2001:db8::1   -- tun0 -- tunkit (answers .2, ::2)
#   host 203.0.113.1, 2001:db8:1::1  -- tap0 -- tunkit (answers .2, ::2; ARP, ND)
#   host 192.0.2.1                   -- tap1 (--pi --vnet-hdr) -- tunkit (.2)
#   host 198.51.100.129              -- tun1 (--pi --vnet-hdr) -- tunkit (.130)
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
command -v tcpdump >/dev/null || tk_skip_all "tcpdump missing"

dir=$(mktemp -d /tmp/tk-t41.XXXXXX)
pids=""
cleanup() { kill $pids 2>/dev/null; rm -rf "$dir" "$T_OUT" "$T_ERR"; }
trap cleanup EXIT

# attach OUT DEV ARGS...: tunkit ARGS in the background (pid $apid) until
# it is attached to DEV (DEV has a carrier); its stdout in OUT, stderr in
# OUT.err
attach() {
	out=$1 dev=$2; shift 2
	$TUNKIT "$@" >"$out" 2>"$out.err" & apid=$!
	pids="$pids $apid"
	wait_for 60 tk_has_carrier "$dev"
}
# finish SECS: the status of $apid once it ends; killed after SECS seconds
finish() {
	wait_for "$1" tk_gone $apid
	kill -9 $apid 2>/dev/null
	wait $apid
}
# ping5 DESC ARGS...: five echoes, each answered: one at a time, each given
# half a minute for its answer (ping -c 5 gives the last one only twice
# the slowest round trip so far, which a loaded machine can miss)
ping5() {
	desc=$1; shift
	t_ok "$desc: answered" sh -c 'for i in 1 2 3 4 5; do ping -c 1 -W 30 "$@" || exit; done' - "$@"
	t_is "$(t_stdout | grep -c " 0% packet loss")" 5 "$desc: 0% loss"
}

# tun: raw IPv4 and IPv6, JSON records
$TUNKIT -q create --up tun0
ip addr add 198.51.100.1/24 dev tun0
ip addr add 2001:db8::1/64 dev tun0 nodad
attach "$dir/tun" tun0 -j dump --attach --reply --reply-addr 198.51.100.2 --reply-addr 2001:db8::2 tun0
ping5 "five pings through a tun" 198.51.100.2
ping5 "five pings -6 through a tun" 2001:db8::2
kill -INT $apid; finish 60
t_is "$?" 0 "SIGINT ends --attach with status 0"
t_is "$(jq -c 'select(.attached) | .attached | [.object, .link_type]' "$dir/tun.err")" '["tun0","RAW"]' \
	"-j: attached to a tun, said as an object"
t_is "$(jq -c 'select(.layers.icmp) | [.direction, .layers.icmp.type, .layers.icmp.seq]' "$dir/tun" |
	head -n 2 | tr '\n' ' ')" '["out",8,1] ["in",0,1] ' "tun: echo request out, reply in"
t_is "$(jq -c 'select(.layers.icmpv6.type >= 128 and .layers.icmpv6.type <= 129) |
	[.direction, .layers.icmpv6.type, .layers.ipv6.src]' "$dir/tun" | head -n 2 | tr '\n' ' ')" \
	'["out",128,"2001:db8::1"] ["in",129,"2001:db8::2"] ' "tun: ICMPv6 echo request out, reply in"
t_is "$(jq -s 'map(select(.layers.icmp or (.layers.icmpv6.type == 128 or .layers.icmpv6.type == 129)))
	| length' "$dir/tun")" 20 "tun: 20 echo records"
t_is "$(jq -sc 'map(keys[0])' "$dir/tun.err")" '["attached","summary"]' \
	"-j: stderr is JSON Lines only, attached then summary"
t_is "$(jq -c 'select(.summary) | .summary | [.object, .packets > 0, .dropped]' "$dir/tun.err")" \
	'["tun0",true,null]' "-j: the summary counts the packets, no drop counts"

# tap: ARP and neighbour solicitation answered first, -w read back by tcpdump
$TUNKIT -q create -m tap --up tap0
ip addr add 203.0.113.1/24 dev tap0
ip addr add 2001:db8:1::1/64 dev tap0 nodad
attach "$dir/tap" tap0 dump --attach --reply --reply-addr 203.0.113.2 --reply-addr 2001:db8:1::2 \
	--reply-mac 02:00:5e:00:00:aa -w "$dir/tap.pcap" tap0
ping5 "five pings through a tap" 203.0.113.2
t_is "$(ip -j neigh show dev tap0 | jq -r '.[] | select(.dst == "203.0.113.2") | .lladdr')" \
	"02:00:5e:00:00:aa" "tap: ARP answered with --reply-mac"
ping5 "five pings -6 through a tap" 2001:db8:1::2
t_is "$(ip -j neigh show dev tap0 | jq -r '.[] | select(.dst == "2001:db8:1::2") | .lladdr')" \
	"02:00:5e:00:00:aa" "tap: neighbour solicitation answered"
kill -TERM $apid; finish 60
t_is "$?" 0 "SIGTERM ends --attach with status 0"
t_is "$(tcpdump -n -r "$dir/tap.pcap" icmp 2>/dev/null | wc -l)" 10 "-w: tcpdump reads 10 ICMP"
t_is "$(tcpdump -n -r "$dir/tap.pcap" 'icmp6 and (ip6[40] == 128 or ip6[40] == 129)' 2>/dev/null |
	wc -l)" 10 "-w: tcpdump reads 10 ICMPv6 echoes"
t_match "$(tcpdump -n -r "$dir/tap.pcap" 2>&1 >/dev/null)" "link-type EN10MB" "-w on a tap: Ethernet"
t_is "$(head -n 1 "$dir/tap.err")" \
	"tunkit: dump: attached to tap0, link-type EN10MB, snapshot length 262144" "text: the attached line"
t_is "$(tcpdump -n -r "$dir/tap.pcap" 2>/dev/null | wc -l)" \
	"$(sed -n 's/.*tap0: \([0-9]*\) packets seen.*/\1/p' "$dir/tap.err")" \
	"-w: the file holds the packets the summary counts"

# a tap with tun_pi and a virtio-net header: both decoded
$TUNKIT -q create -m tap --pi --vnet-hdr --up tap1
ip addr add 192.0.2.1/24 dev tap1
attach "$dir/tap1" tap1 -j dump --attach --reply --reply-addr 192.0.2.2 tap1
ping5 "five pings through a tap with --pi --vnet-hdr" 192.0.2.2
t_is "$(ip -j neigh show dev tap1 | jq -r '.[] | select(.dst == "192.0.2.2") | .lladdr')" \
	"00:00:5e:00:53:01" "tap: the default MAC of the answers, RFC 7042's"
kill $apid; finish 60
t_is "$(jq -c 'select(.layers.icmp) | [.direction, .layers.pi.proto, .layers.vnet_hdr.gso_type,
	.layers.eth.type, .layers.icmp.type]' "$dir/tap1" | head -n 2 | tr '\n' ' ')" \
	'["out",2048,"none",2048,8] ["in",2048,"none",2048,0] ' "tap with pi and vnet_hdr: both decoded"
t_is "$(jq -c 'select(.layers.arp) | [.direction, .layers.pi.proto, .layers.arp.opcode]' "$dir/tap1" |
	head -n 2 | tr '\n' ' ')" '["out",2054,1] ["in",2054,2] ' "tap with pi: ARP request out, reply in"

# a tun with both, as text, with a FILTER and -c ending it
$TUNKIT -q create --pi --vnet-hdr --up tun1
ip addr add 198.51.100.129/25 dev tun1
attach "$dir/tun1" tun1 dump --attach --reply --reply-addr 198.51.100.130 -c 10 tun1 icmp
ping5 "five pings through a tun with --pi --vnet-hdr" 198.51.100.130
finish 60
t_is "$?" 0 "-c 10 ends --attach by itself"
t_is "$(wc -l <"$dir/tun1")" 10 "-c 10 with a FILTER: 10 lines"
t_match "$(head -n 2 "$dir/tun1")" \
	'Out pi proto 0x0800: vnet_hdr gso none: IP 198\.51\.100\.129 > 198\.51\.100\.130: ICMP echo request' \
	"tun with pi and vnet_hdr: text shows both"

# the device deleted under it: a clean end, said; -w on a tun is raw IP
# without the prefixes.  Deleted once both requests are in the file (a
# packet still queued on the device goes with it)
attach "$dir/gone" tun1 dump --attach -w "$dir/tun1.pcap" tun1 icmp
ping -c 2 -i 0.2 -W 1 198.51.100.130 >/dev/null 2>&1
wait_for 60 sh -c "[ \$(tcpdump -n -r '$dir/tun1.pcap' 2>/dev/null | wc -l) -ge 2 ]"
ip link del tun1
finish 60
t_is "$?" 0 "a deleted device ends --attach with status 0"
t_match "$(cat "$dir/gone.err")" "tunkit: dump: tun1: the device was deleted" "and says so"
t_match "$(tcpdump -n -r "$dir/tun1.pcap" 2>&1 >/dev/null)" "link-type RAW" "-w on a tun: raw IP"
t_is "$(tcpdump -n -r "$dir/tun1.pcap" 'icmp[icmptype] == 8' 2>/dev/null | wc -l)" 2 \
	"-w on a tun with pi and vnet_hdr: tcpdump reads the 2 requests"

# refusals: one line naming the command and the object, nothing changed
ip link add veth0 type veth peer name veth1
$TUNKIT -q create tun9
pids="$pids $(hold_tun tun9 tun)"
wait_for 60 tk_has_carrier tun9
before=$(link_snapshot)
t_status 1 "--attach to a veth" $TUNKIT dump --attach veth0
t_is "$(t_stderr)" "tunkit: dump: veth0: not a tun/tap device (a veth)" "names it: not a tun/tap"
t_status 1 "--attach to a held device" $TUNKIT dump --attach tun9
t_match "$(t_stderr)" "^tunkit: dump: tun9: busy: held by pid [0-9]+" "names the holder"
t_status 1 "--attach to a missing device" $TUNKIT dump --attach nosuch
t_is "$(t_stderr)" "tunkit: dump: nosuch: no such device" "names it: missing"
t_status 2 "--reply without --reply-addr" $TUNKIT dump --attach --reply tun0
t_match "$(t_stderr)" "^tunkit: dump: --reply needs at least one --reply-addr" "says what is missing"
t_status 2 "--reply without --attach" $TUNKIT dump --reply --reply-addr 198.51.100.2 tun0
t_match "$(t_stderr)" "^tunkit: dump: --reply needs --attach" "says --attach"
t_status 2 "--reply-addr without --reply" $TUNKIT dump --attach --reply-addr 198.51.100.2 tun0
t_status 2 "--attach with --read" $TUNKIT dump --attach --read "$dir/tap.pcap"
t_match "$(t_stderr)" "^tunkit: dump: --attach and --read" "says which"
t_status 2 "a bad --reply-addr" $TUNKIT dump --attach --reply --reply-addr nope tun0
t_match "$(t_stderr)" '^tunkit: dump: reply-addr "nope": ' "names the address"
t_status 2 "a --reply-addr with a prefix" $TUNKIT dump --attach --reply --reply-addr 198.51.100.2/24 tun0
t_status 2 "a multicast --reply-mac" $TUNKIT dump --attach --reply --reply-addr 198.51.100.2 \
	--reply-mac 01:00:5e:00:00:01 tun0
t_match "$(t_stderr)" '^tunkit: dump: reply-mac "01:00:5e:00:00:01": ' "names the MAC"
t_status 2 "a bad filter with --attach" $TUNKIT dump --attach tun0 'icmp and'
t_match "$(t_stderr)" '^tunkit: dump: filter "icmp and": ' "names the filter"
t_is "$(link_snapshot)" "$before" "the refusals changed nothing"
t_done
