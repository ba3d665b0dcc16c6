#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's main job: a short tour of tunkit in a throwaway network
# namespace (unshare -n): create, show, hold, refuse, delete.
set -eu
TUNKIT=$(readlink -f "${1:-tunkit}")
export TUNKIT
exec unshare -n sh -eu -c '
say() { if [ -t 1 ]; then printf "\n\033[1m$ %s\033[0m\n" "$*"; else printf "\n$ %s\n" "$*"; fi; "$@"; }
ip link set lo up
ip link add br0 type bridge
say $TUNKIT create -m tap --master br0 --addr 192.0.2.1/24 --up tap0
say $TUNKIT create --addr 198.51.100.1 --peer-addr 198.51.100.2 --up tun0
say $TUNKIT create -m tap --count 3 "vm%d"
/usr/bin/python3 -c "
import fcntl, os, struct, time
fd = os.open(\"/dev/net/tun\", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack(\"16sH\", b\"tun0\", 0x1001))
time.sleep(30)" & holder=$!
# the holder is behind tun0 once the device has a carrier
i=0; until ip link show tun0 | grep -q LOWER_UP || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
say $TUNKIT show
say $TUNKIT show -d tun0
say $TUNKIT -j show tap0
echo "\n(a process holds tun0: delete refuses it)"
$TUNKIT delete tun0 || true
kill $holder
say $TUNKIT delete "vm*" tun0
say $TUNKIT delete --all
say $TUNKIT show
echo "\ndemo done: everything lived in a private network namespace."
'
