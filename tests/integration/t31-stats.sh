#!/bin/bash
# stats: counters agree with ip -j -s link to the packet; --watch emits JSON
# Lines whose rates match the traffic sent; a device that vanishes is
# reported once; between samples --watch reads counters only (RTM_GETSTATS)
# and stays exact across devices appearing and vanishing.
#
#   [ host tkh-PID ] veth1 192.0.2.2  <-->  veth0 192.0.2.1 [ private netns ]  tap0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

# no IPv6 chatter (router and neighbour solicitations) between two reads
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
H=tkh-$$
cleanup() { ip netns del $H 2>/dev/null; rm -f "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
ip netns add $H
ip netns exec $H sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add veth0 type veth peer name veth1 netns $H
ip -n $H addr add 192.0.2.2/24 dev veth1 && ip -n $H link set veth1 up
ip addr add 192.0.2.1/24 dev veth0 && ip link set veth0 up
$TUNKIT -q create -m tap --up tap0 --addr 203.0.113.1/24
wait_for 10 ping -c 1 -W 1 192.0.2.2
ping -c 20 -i 0.05 -q 192.0.2.2 >/dev/null

t_ok "stats of all tun/tap" $TUNKIT -j stats
t_is "$(t_stdout | jq -r '[.[].ifname] | join(" ")')" "tap0" "only tun/tap by default"
for dir in rx tx; do
	t_is "$($TUNKIT -j stats veth0 | jq -c ".[0].$dir | [.packets,.bytes,.errors,.dropped]")" \
		"$(ip -j -s link show veth0 | jq -c ".[0].stats64.$dir | [.packets,.bytes,.errors,.dropped]")" \
		"veth0 $dir counters as ip -s link"
done
t_is "$($TUNKIT -j stats -a | jq 'length')" "$(ip -j link show | jq 'length')" "--all-links: every link"
t_is "$($TUNKIT -j stats -d veth0 | jq -c '.[0].rx | has("crc_errors")')" true "-d adds the detailed counters"
t_ok "text table" $TUNKIT stats veth0
t_match "$(t_stdout)" '^NAME +RX-PACKETS' "a table"
t_status 1 "a missing device" $TUNKIT stats nosuch
t_is "$(t_stderr)" "tunkit: stats: nosuch: no such device" "names it"

# 10 pings a second for 4 s; samples every second: rates near 10 packets/s
ping -c 40 -i 0.1 -q 192.0.2.2 >/dev/null &
pp=$!
sleep 0.3
t_ok "watch" $TUNKIT stats --watch 1 --count 4 veth0
kill $pp 2>/dev/null; wait $pp 2>/dev/null
samples=$(t_stdout)
t_is "$(echo "$samples" | jq -c 'select(.links | length == 1) | .time' | wc -l)" 4 "four JSON Lines samples"
t_is "$(echo "$samples" | head -n 1 | jq '.interval')" null "the first sample has no interval"
rates=$(echo "$samples" | tail -n +2 | jq '.links[0].tx.packets_per_sec')
t_ok "tx rates between 7 and 13 packets/s" sh -c "echo '$rates' | awk '\$1 < 7 || \$1 > 13 { bad = 1 } END { exit bad }'"
bits=$(echo "$samples" | tail -n 1 | jq '.links[0].tx.bits_per_sec')
t_ok "tx bits/s near 10 x 98 bytes x 8" awk -v b="$bits" 'BEGIN { exit !(b > 5000 && b < 11000) }'

(sleep 0.5; ip link del tap0) &
t_ok "a device deleted during --watch" $TUNKIT stats -w 0.3 -c 4
t_is "$(t_stderr)" "tunkit: stats: tap0: gone" "is reported once"
t_is "$(t_stdout | tail -n 1 | jq -c '.links')" "[]" "and dropped"
t_status 2 "bad --watch" $TUNKIT stats --watch=0

# Between samples --watch reads counters only (RTM_GETSTATS) and the device
# list again when it changes: tapw1 appears, tapw0 vanishes, traffic flows
# on veth0 and tapw1 (ARP it cannot deliver: tx_dropped), then stops; the
# last sample must equal ip -s link to the packet.
$TUNKIT -q create -m tap --up tapw0
W=$(mktemp /tmp/tk-test.XXXXXX)
$TUNKIT stats -w 0.2 -c 22 veth0 'tapw*' >"$W" 2>"$W.err" &
wp=$!
sleep 0.5
$TUNKIT -q create -m tap --up tapw1 --addr 198.51.100.1/24
ping -c 10 -i 0.1 -q 192.0.2.2 >/dev/null &
ping -c 5 -i 0.2 -W 1 -q 198.51.100.2 >/dev/null 2>&1 &
sleep 0.6
ip link del tapw0
wait_for 5 sh -c "! pgrep -x ping"
sleep 1.2
ipj=$(ip -j -s link show)
wait $wp
t_is "$?" 0 "--watch across a device appearing and vanishing"
t_is "$(cat "$W.err")" "tunkit: stats: tapw0: gone" "the vanished one is reported once"
t_is "$(head -n 1 "$W" | jq -c '[.links[].ifname]')" '["veth0","tapw0"]' "at first veth0 and tapw0"
t_is "$(tail -n 1 "$W" | jq -c '[.links[].ifname]')" '["veth0","tapw1"]' "at last veth0 and the new tapw1"
t_match "$(jq '.links[] | select(.ifname == "tapw1") | .tx | has("bits_per_sec")' "$W" | tr '\n' ' ')" \
	'^false (true )+$' "tapw1 has rates from its second sample on"
for dev in veth0 tapw1; do
	for dir in rx tx; do
		t_is "$(tail -n 1 "$W" | jq -c ".links[] | select(.ifname == \"$dev\") | .$dir | [.packets,.bytes,.errors,.dropped]")" \
			"$(echo "$ipj" | jq -c ".[] | select(.ifname == \"$dev\") | .stats64.$dir | [.packets,.bytes,.errors,.dropped]")" \
			"$dev $dir counters of the last sample as ip -s link"
	done
done
t_match "$(tail -n 1 "$W" | jq -c '.links[] | select(.ifname == "tapw1") | .tx.dropped')" '^[1-9]' \
	"tapw1 counted its undeliverable frames"
if command -v strace >/dev/null; then
	strace -f -e trace=sendto,sendmsg -o "$W.st" $TUNKIT stats -w 0.05 -c 5 >/dev/null 2>&1
	t_is "$(grep -c RTM_GETSTATS "$W.st")" 4 "one counters-only dump per sample after the first"
	t_is "$(grep -c RTM_GETLINK "$W.st")" 1 "and one link dump in all"
fi
rm -f "$W" "$W.err" "$W.st"
t_done
