#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dump under a burst: 20,000 small UDP packets over a veth, captured at
# once to a pcap file, as text, --out (none of them) and --in -c 5; every
# packet is captured or counted as dropped, the file holds what the
# summary counts.  Then the device goes down and up (the capture goes on)
# and is deleted (the capture ends, with its summary).
#
#   [ host: unnamed netns of a sleep ]   [ private netns ]
#     vh 192.0.2.2  ------------------->  vb 192.0.2.1
# (unnamed: tests that count `ip netns list` may run at the same time)
. "${TOP_SRCDIR:-.}/tests/integration/lib.sh"
tk_private_netns "$@"
command -v tcpdump >/dev/null || tk_skip_all "tcpdump missing"

N=20000
dir=$(mktemp -d)
pids=""
cleanup() { kill $pids $hpid 2>/dev/null; rm -rf "$dir" "$T_OUT" "$T_ERR"; }
trap cleanup EXIT
unshare -n sleep 600 & hpid=$!
wait_for 60 sh -c "test \"\$(readlink /proc/$hpid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\""
hx() { nsenter -t $hpid -n "$@"; }
ip link add vb type veth peer name vh netns $hpid
hx ip addr add 192.0.2.2/24 dev vh && hx ip link set vh up
ip addr add 192.0.2.1/24 dev vb && ip link set vb up
hx ip neigh replace 192.0.2.1 lladdr "$(ip -j link show vb | jq -r '.[0].address')" dev vh
# both ends up for the kernel too (carrier, queueing discipline: linkwatch,
# a moment later), or the first datagrams are dropped before vb sees them
operup() { "$@" ip -j link show | jq -en '[input[] | select(.ifname == "vb" or .ifname == "vh")] |
	length == 1 and .[0].operstate == "UP"'; }
both_up() { operup && operup hx; }
wait_for 60 both_up

# send COUNT: COUNT 18-byte UDP datagrams to 192.0.2.1 port 9999, in bursts
send() {
	hx /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"tunkit-burst-%05d" % (i % 100000), ("192.0.2.1", 9999))
    if i % 500 == 499:
        time.sleep(0.005)
PY
}
# cap NAME ARGS...: tunkit ARGS in the background, stdout in $dir/NAME,
# stderr in $dir/NAME.err; waits until it listens
cap() {
	name=$1; shift
	# --foreground: a plain timeout passes a signal on twice (child, then group)
	timeout --foreground 300 $TUNKIT "$@" >"$dir/$name" 2>"$dir/$name.err" &
	eval "pid_$name=$!"
	pids="$pids $!"
	wait_for 60 grep -Eq 'listening on|^\{"listening":' "$dir/$name.err"
}
# has N NAME: capture NAME shows (text) or wrote (-w, to burst.pcap) N packets
has() {
	if [ "$2" = w ]; then
		[ "$(tcpdump -n -r "$dir/burst.pcap" 2>/dev/null | wc -l)" -ge "$1" ]
	else
		[ "$(wc -l <"$dir/$2")" -ge "$1" ]
	fi
}
# summary NAME: "SEEN DROPPED" from its closing line
summary() {
	sed -n 's/.*: \([0-9]*\) packets captured, \([0-9]*\) dropped by the kernel.*/\1 \2/p' "$dir/$1.err"
}

cap w dump -w "$dir/burst.pcap" vb udp port 9999
cap text dump vb udp port 9999
cap out dump --out vb udp port 9999
cap in -j dump --in -c 5 vb udp port 9999
send $N
# each datagram is in the rings when send returns (the ring holds them
# all); SIGINT once -w and text have read them all (or after two minutes:
# then the counts below say what went missing)
wait_for 120 has $N w; wait_for 120 has $N text
kill -INT $pid_w $pid_text $pid_out
wait $pid_w; t_is "$?" 0 "-w ends on SIGINT with status 0"
wait $pid_text; wait $pid_out; wait $pid_in
t_is "$?" 0 "--in -c 5 ends by itself"

read -r seen drop <<EOF
$(summary w)
EOF
t_match "${seen:-x} ${drop:-x}" '^[0-9]+ [0-9]+$' "-w: a summary with the kernel's drops"
t_ok "-w: seen + dropped account for all $N packets ($seen + $drop)" \
	test $((${seen:-0} + ${drop:-0})) -ge $N -a "${seen:-0}" -le $N
t_is "$(tcpdump -n -r "$dir/burst.pcap" 2>/dev/null | wc -l)" "$seen" \
	"-w: tcpdump reads back as many packets as the summary counts"
t_is "$(tcpdump -n -r "$dir/burst.pcap" 2>/dev/null | grep -c 'IP 192\.0\.2\.2\.[0-9]* > 192\.0\.2\.1\.9999: UDP, length 18$')" \
	"$seen" "-w: each one the sender's datagram"

read -r tseen tdrop <<EOF
$(summary text)
EOF
t_ok "text: seen + dropped account for all $N packets ($tseen + $tdrop)" \
	test $((${tseen:-0} + ${tdrop:-0})) -ge $N -a "${tseen:-0}" -le $N
t_is "$(wc -l <"$dir/text")" "$tseen" "text: one line per packet counted"
t_is "$(grep -c '^[0-9:.]* In  IP 192\.0\.2\.2\.[0-9]* > 192\.0\.2\.1\.9999: UDP, length 18$' "$dir/text")" \
	"$tseen" "text: each line the datagram, received"

t_is "$(wc -c <"$dir/out")" 0 "--out: nothing of what vb received"
t_match "$(cat "$dir/out.err")" ": 0 packets captured, 0 dropped" "--out: counted none, dropped none"
t_is "$(jq -r '.direction' "$dir/in" | sort | uniq -c | sed 's/^ *//')" "5 in" "--in -c 5: five, received"

# down and up: the capture goes on; deleted: it ends with its summary
cap life dump vb udp port 9999
ip link set vb down
wait_for 60 grep -q "went down" "$dir/life.err"
t_match "$(cat "$dir/life.err")" "tunkit: dump: vb: the device went down" "down: said"
ip link set vb up
hx ip neigh replace 192.0.2.1 lladdr "$(ip -j link show vb | jq -r '.[0].address')" dev vh
wait_for 60 both_up
send 10
wait_for 60 has 10 life
ip link del vb
wait_for 60 tk_gone $pid_life
t_ok "deleted: the capture ends" sh -c "! kill -0 $pid_life 2>/dev/null"
wait $pid_life; t_is "$?" 0 "deleted: status 0"
t_match "$(cat "$dir/life.err")" "tunkit: dump: vb: the device was deleted" "deleted: said"
t_match "$(cat "$dir/life.err")" "tunkit: dump: vb: 10 packets captured, 0 dropped by the kernel" \
	"deleted: the summary counts what came after the device was up again"
t_done
