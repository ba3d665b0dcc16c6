# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tunnel tests (t50..t59), sourced after lib.sh: two named
# namespaces joined by a veth pair, tunnels started in the background, and
# a cleanup trap that kills every process started and deletes the namespaces.
#
#   [ A: va 198.51.100.1 | 2001:db8:1::1 ] ---veth--- [ B: vb 198.51.100.2 | 2001:db8:1::2 ]
#
#   tn_setup                 make A, B, the veth and a key ($KEY)
#   tn_start VAR NS ARGS...  run "tunkit ARGS" in NS in the background; pid in $VAR
#                            ($TN_TUNNEL_ARGS are added to a tunnel's options)
#   tn_state NS DEV          the control socket's JSON of DEV's tunnel
#   tn_up NS DEV             true when that tunnel's session is up
#   tn_ping NS ADDR N INTERVAL [DEV]
#                            N ICMP echoes to ADDR (IPv4), one each INTERVAL seconds (from
#                            DEV), each waited for up to $TN_PING_WAIT s (20): prints
#                            "SENT ANSWERED".
#                            Unlike ping -c, a late answer counts, and no probe is added
#   tn_udp_drops NS          datagrams NS's kernel dropped before a socket read them
#                            (UdpInErrors: each once; RcvbufErrors counts some again)
#   tn_running NS DEV        true when a tunnel answers on DEV's control socket (a socket
#                            left by a killed one does not)
#   tn_transfer SRVNS ADDR CLINS   5 MiB from CLINS to ADDR:7000 in SRVNS; checksums equal
#   tn_flows N KB [SPORT]    N TCP connections at once from B (192.0.2.2, from ports SPORT,
#                            SPORT+1, ... when given) to 192.0.2.1:7003 in A, KB each; all
#                            arrive with their sha256
#   tn_steer NS DEV QUEUE    every packet the kernel sends into DEV (an existing multi-queue
#                            tun, before a tunnel attaches) goes to queue QUEUE; with
#                            QUEUE "sport", IPv4 TCP/UDP of an even source port to queue 0,
#                            odd to queue 1
TN_PIDS=
A=tka-$$
B=tkb-$$
KEY=/tmp/tk-key.$$

tn_cleanup() {
	for p in $TN_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $TN_PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	for n in ${TN_EXTRA_NS:-}; do ip netns del "$n" 2>/dev/null; done
	rm -f "$KEY" "$KEY".* /tmp/tk-data.$$ "$T_OUT" "$T_ERR"
}

tn_setup() {
	[ "$(id -u)" = 0 ] || tk_skip_all "needs root (CAP_NET_ADMIN)"
	[ -c /dev/net/tun ] || tk_skip_all "no /dev/net/tun"
	[ -x /usr/bin/python3 ] || tk_skip_all "needs /usr/bin/python3"
	trap tn_cleanup EXIT
	ip netns add "$A" && ip netns add "$B" || tk_skip_all "cannot make namespaces"
	ip -n "$A" link add va type veth peer name vb netns "$B"
	ip -n "$A" link set lo up
	ip -n "$B" link set lo up
	ip -n "$A" addr add 198.51.100.1/24 dev va
	ip -n "$B" addr add 198.51.100.2/24 dev vb
	ip -n "$A" addr add 2001:db8:1::1/64 dev va nodad
	ip -n "$B" addr add 2001:db8:1::2/64 dev vb nodad
	ip -n "$A" link set va up
	ip -n "$B" link set vb up
	(umask 077 && "$TUNKIT" genkey "$KEY")
}

tn_start() {
	var=$1 ns=$2
	shift 2
	# $TN_TUNNEL_ARGS (e.g. --no-offload) go after the word "tunnel"
	local a args=()
	for a in "$@"; do
		args+=("$a")
		[ "$a" = tunnel ] && args+=(${TN_TUNNEL_ARGS:-})
	done
	ip netns exec "$ns" "$TUNKIT" "${args[@]}" &
	eval "$var=$!"
	TN_PIDS="$TN_PIDS $!"
}

tn_state() {
	ip netns exec "$1" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect("/run/tunkit/%s/%s.sock" % (sys.argv[2], sys.argv[1]))
s.sendall(b"\n")  # the request: an empty line asks for the state
print(s.makefile().readline().strip())' "$2" "$1"
}

tn_running() { tn_state "$1" "$2" >/dev/null 2>&1; }

tn_ping() {
	ip netns exec "$1" /usr/bin/python3 - "$2" "$3" "$4" "${5:-}" "${TN_PING_WAIT:-20}" <<'PY'
import os, select, socket, struct, sys, time
addr, n, gap, dev, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
if dev:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
ident = os.getpid() & 0xFFFF
def csum(b):
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xFFFF); t += t >> 16
    return ~t & 0xFFFF
sent, answered, nxt, last = 0, set(), time.time(), None
while len(answered) < n:
    now = time.time()
    if sent < n and now >= nxt:
        body = struct.pack("!HH", ident, sent) + b"tunkit-ping".ljust(48, b".")
        s.sendto(struct.pack("!BBH", 8, 0, csum(b"\x08\x00\x00\x00" + body)) + body, (addr, 0))
        sent += 1; nxt = now + gap; last = now
    if sent == n and now - last > wait:
        break
    if select.select([s], [], [], max(0.0, min(nxt - now, 0.05)) if sent < n else 0.05)[0]:
        b = s.recv(2048)
        h = (b[0] & 15) * 4
        if len(b) >= h + 8 and b[h] == 0:
            i, q = struct.unpack("!HH", b[h + 4:h + 8])
            if i == ident and q < sent:
                answered.add(q)
print(sent, len(answered))
PY
}

tn_udp_drops() {
	ip netns exec "$1" awk '/^Udp:/ { if (!c) { for (i = 1; i <= NF; i++) if ($i == "InErrors") c = i } else print $c }' /proc/net/snmp
}

# (jq -e is true on empty input, so compare the text: a missing socket is not up)
tn_up() { [ "$(tn_state "$1" "$2" 2>/dev/null | jq -r .session_up)" = true ]; }

tn_transfer() {
	srv=$1 addr=$2 cli=$3
	head -c 5M /dev/urandom >/tmp/tk-data.$$
	want=$(sha256sum </tmp/tk-data.$$ | cut -d' ' -f1)
	ip netns exec "$srv" timeout 30 /usr/bin/python3 -c '
import hashlib, socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((a, 7000)); s.listen(1)
c, _ = s.accept(); h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b)
print(h.hexdigest())' "$addr" >/tmp/tk-data.$$.sum &
	spid=$!
	wait_for 30 sh -c "ip netns exec $srv ss -Hltn 'sport = :7000' | grep -q LISTEN"
	ip netns exec "$cli" timeout 30 /usr/bin/python3 -c '
import socket, sys
a = sys.argv[1]
s = socket.create_connection((a, 7000), timeout=20)
s.sendall(open(sys.argv[2], "rb").read()); s.close()' "$addr" /tmp/tk-data.$$
	wait $spid
	got=$(cat /tmp/tk-data.$$.sum)
	rm -f /tmp/tk-data.$$.sum
	[ -n "$want" ] && [ "$got" = "$want" ]
}

# A steering program (TUNSETSTEERINGEBPF) that answers QUEUE for every packet, so a test
# decides which worker carries the traffic instead of the kernel's flow hash.  It attaches
# a queue of its own for the ioctl and leaves: the program stays with the device, and the
# tunnel that attaches next sets the device's flags as it wants them.  With worker 0's
# queue always first on the device, queue 1 is worker 1's while it has a session.
tn_steer() {
	ip netns exec "$1" /usr/bin/python3 - "$2" "$3" <<'PY'
import ctypes, fcntl, os, platform, struct, sys
name, queue = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
nr_bpf = {"x86_64": 321, "aarch64": 280}[platform.machine()]
def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)
if queue == "sport":  # r6 = ctx; r0 = 16 bits at 20 (after a 20-byte IPv4 header); r0 &= 1
    code = insn(0xbf, 6, 1) + insn(0x28, 0, 0, 0, 20) + insn(0x57, 0, 0, 0, 1)
else:  # r0 = queue
    code = insn(0xb7, 0, 0, 0, int(queue))
code += insn(0x95)  # exit
prog = ctypes.create_string_buffer(code, len(code))
lic = ctypes.create_string_buffer(b"GPL")
attr = ctypes.create_string_buffer(struct.pack("<IIQQIIQI", 1, len(code) // 8,
    ctypes.addressof(prog), ctypes.addressof(lic), 0, 0, 0, 0), 128)
pfd = libc.syscall(nr_bpf, 5, attr, 128)  # BPF_PROG_LOAD, a socket filter
if pfd < 0:
    sys.exit("bpf: " + os.strerror(ctypes.get_errno()))
fd = os.open("/dev/net/tun", os.O_RDWR)
# TUNSETIFF: tun, no packet information, multi-queue; then TUNSETSTEERINGEBPF
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name.encode(), 0x0001 | 0x1000 | 0x0100))
fcntl.ioctl(fd, 0x800454e0, struct.pack("i", pfd))
PY
}

tn_flows() {
	local out spid want got
	out=$(mktemp)
	ip netns exec "$A" timeout 60 /usr/bin/python3 -c '
import hashlib, socket, sys, threading
n = int(sys.argv[1]); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 7003)); s.listen(n); got = []
def rd(c):
    h = hashlib.sha256()
    while True:
        b = c.recv(1 << 16)
        if not b: break
        h.update(b)
    got.append(h.hexdigest())
ts = []
for i in range(n):
    c, _ = s.accept(); t = threading.Thread(target=rd, args=(c,)); t.start(); ts.append(t)
for t in ts: t.join()
print(" ".join(sorted(got)))' "$1" >"$out" &
	spid=$!
	wait_for 30 sh -c "ip netns exec $A ss -Hltn 'sport = :7003' | grep -q LISTEN"
	want=$(ip netns exec "$B" timeout 60 /usr/bin/python3 -c '
import hashlib, random, socket, sys, threading
n, kb, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]); sums = []
def wr(i):
    b = random.Random(i).randbytes(kb * 1024)
    src = ("192.0.2.2", port + i) if port else None
    c = socket.create_connection(("192.0.2.1", 7003), timeout=30, source_address=src)
    c.sendall(b); c.close(); sums.append(hashlib.sha256(b).hexdigest())
ts = [threading.Thread(target=wr, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
print(" ".join(sorted(sums)))' "$1" "$2" "${3:-0}")
	wait $spid
	got=$(cat "$out"); rm -f "$out"
	[ -n "$want" ] && [ "$got" = "$want" ] || { echo "# sent $want"; echo "# got $got"; return 1; }
}
