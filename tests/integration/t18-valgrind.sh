#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind memcheck over create, show and delete, success and failure paths:
# 0 errors and 0 bytes definitely lost.
#
#   [ private netns ]  vg0.., br0
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
command -v valgrind >/dev/null || tk_skip_all "valgrind missing"
ldd "$TUNKIT" 2>/dev/null | grep -q libasan && tk_skip_all "sanitizer build (valgrind runs on the plain one)"

vg() { # desc expected-status args...
	desc=$1 want=$2; shift 2
	t_status "$want" "valgrind: $desc" valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 "$TUNKIT" "$@"
}
ip link add br0 type bridge
vg "create, every option" 0 create -m tap -u nobody -g users --pi --vnet-hdr --mtu 1400 \
	--addr 192.0.2.1/24 --addr 2001:db8::1/64 --up --master br0 vg0
vg "create --count" 0 -j create --count 3 'vgc%d'
pid=$(hold_tun vg0 tap 0x4000)
wait_for 60 tk_has_carrier vg0
vg "show" 0 show
vg "show -d -j" 0 -p show -d
vg "show --all-netns" 0 show --all-netns
vg "doctor, problems found" 1 doctor
vg "doctor -j" 1 -j doctor
vg "delete refused (held)" 1 delete vg0
vg "dump --attach refused (held)" 1 dump --attach vg0
$TUNKIT -q create --pi --vnet-hdr --addr 198.51.100.1/24 --up vgt0
# valgrind starts slowly: once it has attached (vgt0 has a carrier) the
# echoes go one at a time, each given time for its answer, until two are
# answered and -c 4 ends it; timeout: in case it never does
V=$T_OUT.vg
trap 'rm -f "$T_OUT" "$T_ERR" "$V" "$V.w" "$V.m" "$V.err"' EXIT
timeout --foreground 300 valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	--error-exitcode=99 "$TUNKIT" -j dump --attach --reply --reply-addr 198.51.100.2 -c 4 \
	vgt0 icmp >"$V" 2>"$V.err" &
vp=$!
wait_for 120 tk_has_carrier vgt0
i=0 answered=0
while [ $answered -lt 2 ] && ! tk_gone $vp && [ $i -lt 30 ]; do
	ping -c 1 -W 10 198.51.100.2 >/dev/null 2>&1 && answered=$((answered + 1))
	i=$((i + 1))
done
t_waited 0 "valgrind: dump --attach --reply, pi and vnet_hdr" $vp "$V.err"
t_is "$(jq -r '.layers.icmp.type' "$V" | tr '\n' ' ')" "8 0 8 0 " "two echoes, each answered"
ip link del vgt0
vg "create refused by the kernel (rollback)" 1 create -m tap --mtu 65535 vgbig
vg "usage error" 2 create --frob x
vg "delete glob" 0 delete 'vgc*'
vg "complete" 0 __complete show vg
vg "help" 0 create --help
vg "bridge add" 0 bridge add vgbr --stp on --up
$TUNKIT -q create -m tap vgp
vg "bridge attach" 0 bridge attach vgbr vgp
vg "bridge attach refused" 1 bridge attach vgbr nosuch
vg "bridge show" 0 bridge show
vg "bridge show -j" 0 -j bridge show vgbr
vg "bridge fdb" 0 bridge fdb vgbr
vg "bridge detach" 0 bridge detach vgp
vg "stats" 0 stats -a -d
vg "stats --watch" 0 stats -w 0.1 -c 3
# the counters-only samples and the full re-reads when devices come and go:
# vgw1 appears after the first sample and vanishes after a sample showed it,
# each step
# taken once a sample is sure to have been read after the one before (two
# more lines: the one being written may have been read before); SIGINT ends
# it, or in the end its count
samples() { wc -l <"$V.w"; }
samples_from() { [ "$(samples)" -ge "$1" ]; }
valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	"$TUNKIT" -q stats -w 0.2 -c 1500 >"$V.w" 2>"$V.err" &
vp=$!
wait_for 120 test -s "$V.w"
$TUNKIT -q create -m tap vgw1
wait_for 120 samples_from $(($(samples) + 2))
ip link del vgw1
wait_for 120 samples_from $(($(samples) + 2))
kill -INT $vp
t_waited 0 "valgrind: stats --watch, a device appearing and vanishing" $vp "$V.err"
t_match "$(jq -c '[.links[].ifname | select(. == "vgw1")]' "$V.w" | uniq | tr '\n' ' ')" \
	'^\[\] \["vgw1"\] \[\] $' "vgw1 came and went between samples"
# the monitor prints nothing until an event: the bridge goes down and up
# until it has seen one (-c 1), however slowly valgrind starts
valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	"$TUNKIT" monitor -c 1 >"$V.m" 2>"$V.err" &
vp=$!
i=0
while ! tk_gone $vp && [ $i -lt 240 ]; do
	ip link set vgbr down; ip link set vgbr up
	sleep 0.5
	i=$((i + 1))
done
tk_gone $vp || kill -9 $vp
t_waited 0 "valgrind: monitor" $vp "$V.err"
t_is "$(wc -l <"$V.m")" 1 "monitor -c 1: one event"
vg "bridge delete" 0 bridge delete vgbr
kill $pid; wait $pid 2>/dev/null
vg "delete" 0 -j delete vg0
t_done
