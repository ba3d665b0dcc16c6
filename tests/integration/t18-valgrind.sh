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
wait_for 5 sh -c "$TUNKIT -j show vg0 | jq -en 'input | .[0].carrier'"
vg "show" 0 show
vg "show -d -j" 0 -p show -d
vg "show --all-netns" 0 show --all-netns
vg "doctor, problems found" 1 doctor
vg "doctor -j" 1 -j doctor
vg "delete refused (held)" 1 delete vg0
vg "dump --attach refused (held)" 1 dump --attach vg0
$TUNKIT -q create --pi --vnet-hdr --addr 198.51.100.1/24 --up vgt0
# valgrind starts slowly: the pings go on until -c 4 (two echoes answered)
(sleep 2; ping -c 12 -i 0.5 -W 1 198.51.100.2 >/dev/null 2>&1) &
t_ok "valgrind: dump --attach --reply, pi and vnet_hdr" timeout 30 valgrind -q --leak-check=full \
	--errors-for-leak-kinds=definite --error-exitcode=99 "$TUNKIT" -j dump --attach --reply \
	--reply-addr 198.51.100.2 -c 4 vgt0 icmp
wait $!
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
# the counters-only samples and the full re-reads when devices come and go
(sleep 1.5; $TUNKIT -q create -m tap vgw1; sleep 0.8; ip link del vgw1) &
vg "stats --watch, a device appearing and vanishing" 0 -q stats -w 0.2 -c 20
wait $!
(sleep 2; ip link set vgbr down) &
vg "monitor" 0 monitor -c 1
vg "bridge delete" 0 bridge delete vgbr
kill $pid; wait $pid 2>/dev/null
vg "delete" 0 -j delete vg0
t_done
