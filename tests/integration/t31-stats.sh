#!/bin/bash
# stats: counters agree with ip -j -s link to the packet; --watch emits JSON
# Lines whose rates are the counters' change over the sample's interval; a
# device that vanishes is reported once; between samples --watch reads
# counters only (RTM_GETSTATS) and stays exact across devices appearing and
# vanishing.  No IPv6 and static neighbours on the veth: nothing but the
# test's own traffic.
#
#   [ host tkh-PID ] veth1 192.0.2.2  <-->  veth0 192.0.2.1 [ private netns ]  tap0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"

# no IPv6 chatter (router and neighbour solicitations) between two reads
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
H=tkh-$$
W=$(mktemp /tmp/tk-test.XXXXXX) # what stats --watch in the background writes
cleanup() { ip netns del $H 2>/dev/null; rm -f "$T_OUT" "$T_ERR" "$W" "$W.err" "$W.st"; }
trap cleanup EXIT
ip netns add $H
ip netns exec $H sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add veth0 type veth peer name veth1 netns $H
ip -n $H addr add 192.0.2.2/24 dev veth1 && ip -n $H link set veth1 up
ip addr add 192.0.2.1/24 dev veth0 && ip link set veth0 up
# no ARP, ever: a neighbour entry that goes stale sends probes seconds later
ip neigh replace 192.0.2.2 dev veth0 nud permanent \
	lladdr "$(ip -n $H -j link show veth1 | jq -r '.[0].address')"
ip -n $H neigh replace 192.0.2.1 dev veth1 nud permanent \
	lladdr "$(ip -j link show veth0 | jq -r '.[0].address')"
$TUNKIT -q create -m tap --up tap0 --addr 203.0.113.1/24
wait_for 60 ping -c 1 -W 1 192.0.2.2
ping -c 20 -i 0.05 -q 192.0.2.2 >/dev/null
# watch_bg ARGS...: stats ARGS in the background (pid $wp), its samples in $W
# (emptied first: a wait for its first sample sees none from before)
watch_bg() { : >"$W"; $TUNKIT stats "$@" >"$W" 2>"$W.err" & wp=$!; }
# samples_from N: --watch has written N samples (lines) to $W, or more
samples_from() { [ "$(wc -l <"$W")" -ge "$1" ]; }
# next_samples: waits for two more samples: the one being written when it
# is called may have been read before, the one after it was not
next_samples() { wait_for 60 samples_from $(($(wc -l <"$W") + 2)); }

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

# samples every second while pings flow (ten a second, 30 s at most, once
# they are seen going out): each rate must be the change of the counters
# over the interval the sample states, whatever pace the pings kept
tx_packets() { ip -j -s link show veth0 | jq '.[0].stats64.tx.packets'; }
tx_above() { [ "$(tx_packets)" -gt "$1" ]; }
ping -c 300 -i 0.1 -q 192.0.2.2 >/dev/null &
pp=$!
wait_for 60 tx_above "$(tx_packets)"
t_ok "watch" $TUNKIT stats --watch 1 --count 4 veth0
kill $pp 2>/dev/null; wait $pp 2>/dev/null
samples=$(t_stdout)
t_is "$(echo "$samples" | jq -c 'select(.links | length == 1) | .time' | wc -l)" 4 "four JSON Lines samples"
t_is "$(echo "$samples" | head -n 1 | jq '.interval')" null "the first sample has no interval"
# jq -s: each later sample with the change from the one before, per second
per_sec() {
	echo "$samples" | jq -s -c '[range(1; length) as $i | .[$i].interval as $dt |
		.[$i].links[0].tx as $t | .[$i - 1].links[0].tx as $p |
		{dt: $dt, pps: $t.packets_per_sec, bps: $t.bits_per_sec,
		 want_pps: (($t.packets - $p.packets) / $dt),
		 want_bps: (($t.bytes - $p.bytes) * 8 / $dt)}] | '"$1"
}
t_is "$(per_sec 'map(.dt >= 0.9) | all')" true "every interval at least the second asked for (near enough)"
t_is "$(per_sec 'map((.pps - .want_pps | fabs) <= 0.001 + 1e-5 * .want_pps) | all')" true \
	"tx packets/s: the packets sent since the last sample over its interval"
t_is "$(per_sec 'map((.bps - .want_bps | fabs) <= 0.001 + 1e-5 * .want_bps) | all')" true \
	"tx bits/s: the bytes sent since the last sample, times 8, over its interval"
t_is "$(per_sec 'map(.pps > 0) | any')" true "the pings went on during the watch"

# tap0 is deleted once the first sample has shown it; SIGINT ends the watch
# once a later sample was read without it (-c: a bound)
watch_bg -w 0.3 -c 1000
wait_for 60 test -s "$W"
ip link del tap0
next_samples
kill -INT $wp
t_waited 0 "a device deleted during --watch" $wp "$W.err"
t_is "$(cat "$W.err")" "tunkit: stats: tap0: gone" "is reported once"
t_is "$(head -n 1 "$W" | jq -c '[.links[].ifname]')" '["tap0"]' "it was there at first"
t_is "$(tail -n 1 "$W" | jq -c '.links')" "[]" "and dropped"
t_status 2 "bad --watch" $TUNKIT stats --watch=0

# Between samples --watch reads counters only (RTM_GETSTATS) and the device
# list again when it changes: tapw1 appears, traffic flows on veth0 and
# tapw1 (ARP it cannot deliver: tx_dropped), tapw0 vanishes, the traffic
# stops; a sample read after that must equal ip -s link to the packet.
# Each step waits until a sample was read after the one before.
$TUNKIT -q create -m tap --up tapw0
watch_bg -w 0.2 -c 1500 veth0 'tapw*'
wait_for 60 test -s "$W"
$TUNKIT -q create -m tap --up tapw1 --addr 198.51.100.1/24
ping -c 10 -i 0.1 -q 192.0.2.2 >/dev/null &
p1=$!
ping -c 5 -i 0.2 -W 1 -q 198.51.100.2 >/dev/null 2>&1 &
p2=$!
next_samples
ip link del tapw0
wait $p1 $p2
# tapw1's ARP requests end when its neighbour entry fails
wait_for 60 sh -c "ip -j neigh show 198.51.100.2 dev tapw1 | jq -e 'all(.[]; .state | index(\"INCOMPLETE\") | not)'"
ipj=$(ip -j -s link show)
next_samples
kill -INT $wp
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
t_done
